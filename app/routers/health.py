from fastapi import APIRouter

from app.dependencies import DbSession
from app.routers.responses import errors
from app.schemas import Health
from app.services.health import check_database

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses=errors(503))
def health(db: DbSession) -> Health:
    """Ready to serve: the database answers, at the schema revision this code needs, readable."""
    check_database(db)
    return Health(status="ok")
