"""Application factory and the module-level ASGI app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from app.catalog import CatalogClient, make_http_client
from app.config import Settings
from app.database import make_engine, make_session_factory
from app.errors import AppError
from app.routers import admin, auth, external, health, items, users
from app.security import PasswordHasher


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One pooled HTTP client for the app's lifetime, closed on shutdown.
        async with make_http_client(settings) as http:
            app.state.catalog = CatalogClient(
                http, retry_after_seconds=settings.catalog_retry_after_seconds
            )
            yield

    app = FastAPI(title="Items service", version="1.0.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.hasher = PasswordHasher.from_settings(settings)
    # Engines connect lazily: building one here opens nothing until the first request.
    app.state.engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)

    app.add_exception_handler(AppError, _app_error_handler)  # type: ignore[arg-type]
    for router in (auth.router, users.router, admin.router, items.router, external.router, health.router):
        app.include_router(router)
    return app


async def _app_error_handler(_request: Request, exc: AppError) -> JSONResponse:
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


app = create_app()
