"""Application factory and the module-level ASGI app."""

import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app.body_limit import BodySizeLimit
from app.catalog import CatalogClient, make_http_client
from app.config import Settings
from app.database import make_app_engine, make_session_factory
from app.errors import AppError
from app.http_errors import (
    database_error_handler,
    http_error_handler,
    validation_error_handler,
)
from app.routers import admin, auth, external, health, items, users
from app.routers.responses import EVERY_OPERATION
from app.security import PasswordHasher
from app.security_headers import SecurityHeaders
from app.services.throttle import LoginThrottle


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def open_catalog() -> AsyncIterator[CatalogClient]:
        """A catalog client and its HTTP client, closed when the block ends."""
        async with make_http_client(settings) as http:
            yield CatalogClient(
                http,
                retry_after_seconds=settings.catalog_retry_after_seconds,
                max_body_bytes=settings.catalog_max_body_bytes,
            )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.hasher.warm_up()
        # One pooled HTTP client for the app's lifetime, closed on shutdown.
        async with open_catalog() as catalog:
            app.state.catalog = catalog
            with _long_lived_objects_out_of_collections():
                yield
        app.state.login_throttle.close()

    docs = settings.api_docs_enabled
    app = FastAPI(
        title="Items service",
        version="1.0.0",
        lifespan=lifespan,
        responses=EVERY_OPERATION,
        # Turned off, these are not served at all (404), the schema included.
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    # Each middleware added wraps those added before it: the security headers, added last, are
    # on every answer. 413 before a huge body is read; this also bounds how deeply JSON nests.
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_request_body_bytes)
    # A Host it is not reached at is refused (400): redirects (/items to /items/) name the Host.
    app.add_middleware(
        TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts, www_redirect=False
    )
    pages = (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    app.add_middleware(SecurityHeaders, documentation_paths=[p for p in pages if p and docs])
    app.state.settings = settings
    # Served without its lifespan, a request opens a catalog client of its own (get_catalog).
    app.state.open_catalog = open_catalog
    app.state.hasher = PasswordHasher.from_settings(settings)
    # Engines connect lazily: building one here opens nothing until the first request.
    app.state.engine = make_app_engine(settings)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.writing_session_factory = make_session_factory(
        app.state.engine, write_lock_at_begin=True
    )
    app.state.login_throttle = LoginThrottle.from_settings(settings)

    app.add_exception_handler(AppError, _app_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, database_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeoutError, database_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error_handler)  # type: ignore[arg-type]
    for router in (
        auth.router,
        users.router,
        admin.router,
        items.router,
        external.router,
        health.router,
    ):
        app.include_router(router)
    return app


@contextmanager
def _long_lived_objects_out_of_collections() -> Iterator[None]:
    """What exists once the app has started is kept out of the cyclic garbage collector's full
    collections until it stops.

    By then the process holds ~110,000 objects that live as long as it does: modules, routes,
    schemas, validators, clients. What requests allocate still sets off a full collection now
    and then, and each walked all of them while every request waited. Measured under load
    (`make load`'s listing at full speed, one worker): 4 full collections in ~2,500 listings,
    72 ms each, ~0.1 ms of CPU a listing and a 72 ms stall for every request in flight; frozen,
    4 ms each. Reference counting still frees whatever they drop; unfrozen at shutdown, so an
    app started and stopped again (tests) leaves nothing frozen behind.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _app_error_handler(_request: Request, exc: AppError) -> JSONResponse:
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


app = create_app()
