from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.dependencies import DbSession
from app.services.health import database_is_up

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"description": "The database does not answer"}})
def health(db: DbSession) -> JSONResponse:
    if database_is_up(db):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"detail": "Database unavailable"}, status_code=503)
