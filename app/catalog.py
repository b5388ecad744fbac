"""Client for the external catalog API, and the failures it can report."""

import logging
import ssl
from functools import cache
from typing import Any

import anyio
import httpx

from app.catalog_body import (
    ACCEPT_ENCODING,
    BodyTooLarge,
    BodyUnreadable,
    DocumentInvalid,
    DocumentTooDeep,
    parse_document,
    read_body,
)
from app.config import CATALOG_MAX_BODY_BYTES, Settings
from app.errors import AppError

logger = logging.getLogger(__name__)


class CatalogError(AppError):
    """The catalog could not give us the item; subclasses say how, with the status we answer."""


class CatalogItemNotFound(CatalogError):
    status_code = 404
    detail = "External item not found"


class CatalogBadStatus(CatalogError):
    status_code = 502
    detail = "External service error"


class CatalogInvalidResponse(CatalogError):
    status_code = 502
    detail = "External service returned an invalid response"


class CatalogResponseTooLarge(CatalogInvalidResponse):
    detail = "External service response too large"


class CatalogResponseTooDeep(CatalogInvalidResponse):
    detail = "External service response nested too deeply"


class CatalogTimeout(CatalogError):
    status_code = 504
    detail = "External service timed out"


class CatalogUnavailable(CatalogError):
    status_code = 503
    detail = "External service unavailable"


@cache
def _tls_context() -> ssl.SSLContext:
    # What httpx would build for every client: reading the CA bundle costs tens of
    # milliseconds each time, and every app (each test of the app factory, each uvicorn
    # worker) builds a client.
    return httpx.create_ssl_context()


def make_http_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=settings.catalog_base_url,
        # Bounds each connect and read; CatalogClient bounds the whole call with the same number.
        timeout=settings.catalog_timeout_seconds,
        verify=_tls_context(),
        # Only what catalog_body can decode within its bounds (httpx would add br and zstd).
        headers={"Accept-Encoding": ACCEPT_ENCODING},
    )


class CatalogClient:
    """Fetches items from `{base_url}/data/{item_id}`; one retry when the connection fails.

    The whole call, retry and body included, has one deadline: the HTTP client's timeout
    (CATALOG_TIMEOUT_SECONDS). httpx applies that timeout to each read, so a catalog sending a
    byte at a time could otherwise hold a call open indefinitely.
    """

    attempts = 2

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        retry_after_seconds: int = 5,
        max_body_bytes: int = CATALOG_MAX_BODY_BYTES,
    ) -> None:
        self.http = http
        self.retry_after_seconds = retry_after_seconds
        self.max_body_bytes = max_body_bytes
        self.deadline_seconds = http.timeout.read

    async def fetch_item(self, item_id: str) -> dict[str, Any]:
        try:
            with anyio.fail_after(self.deadline_seconds):
                status, body = await self._get(item_id)
        except TimeoutError as exc:
            logger.warning(
                "catalog gave no whole answer within %ss for %s", self.deadline_seconds, item_id
            )
            raise CatalogTimeout() from exc
        return interpret_response(item_id, status, body)

    async def _get(self, item_id: str) -> tuple[int, bytes]:
        path = f"/data/{item_id}"
        for attempt in range(1, self.attempts + 1):
            try:
                async with self.http.stream("GET", path) as response:
                    if response.status_code != 200:
                        return response.status_code, b""
                    return 200, await self._read(item_id, response)
            except httpx.TimeoutException as exc:
                logger.warning("catalog timed out on %s: %r", path, exc)
                raise CatalogTimeout() from exc
            except httpx.TransportError as exc:
                # Connection refused or reset: nothing reached the catalog, so retrying is safe.
                logger.warning("catalog unreachable on %s (attempt %d): %r", path, attempt, exc)
                last_error = exc
        raise CatalogUnavailable(
            headers={"Retry-After": str(self.retry_after_seconds)}
        ) from last_error

    async def _read(self, item_id: str, response: httpx.Response) -> bytes:
        try:
            return await read_body(response, self.max_body_bytes)
        except BodyTooLarge as exc:
            logger.warning("catalog sent too large a body for %s: %s", item_id, exc)
            raise CatalogResponseTooLarge() from exc
        except BodyUnreadable as exc:
            logger.warning("catalog sent an unreadable body for %s: %s", item_id, exc)
            raise CatalogInvalidResponse() from exc


def interpret_response(item_id: str, status: int, body: bytes) -> dict[str, Any]:
    """Map the catalog's answer to its data, or to the failure we report."""
    if status == 404:
        logger.info("catalog has no item %s", item_id)
        raise CatalogItemNotFound()
    if status != 200:
        logger.warning("catalog answered %d for %s", status, item_id)
        raise CatalogBadStatus()
    try:
        data = parse_document(body)
    except DocumentTooDeep as exc:
        logger.warning("catalog sent JSON nested too deeply for %s: %s", item_id, exc)
        raise CatalogResponseTooDeep() from exc
    except DocumentInvalid as exc:
        logger.warning("catalog sent a body that is not JSON for %s", item_id)
        raise CatalogInvalidResponse() from exc
    if not isinstance(data, dict):
        logger.warning("catalog sent %s instead of an object for %s", type(data).__name__, item_id)
        raise CatalogInvalidResponse()
    return data
