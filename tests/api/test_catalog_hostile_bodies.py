"""Hostile catalog bodies: each refused with its documented 502, never a 500, never passed on
altered, never inflated into memory.

The catalog's body is bounded on the wire and once decoded (CATALOG_MAX_BODY_BYTES, 1 MiB by
default), its nesting is bounded (32 levels), and only standard JSON (RFC 8259) is accepted:
no NaN or Infinity, no number too large for a float, no lone surrogate, nothing but UTF-8.
The catalog client meets each body streamed in network-sized chunks; the service's answers
follow, then the worst bodies again over a real socket (@live).
"""

import gzip
import json
import logging
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

import httpx
import pytest
import respx
from fastapi.testclient import TestClient

from app.catalog import CatalogClient, CatalogInvalidResponse
from app.config import Settings
from app.main import create_app
from app.models import User
from tests.harness.types import HeadersFor
from tests.support.fakes.catalog import FakeCatalog

MiB = 1024 * 1024
LIMIT = MiB  # the default CATALOG_MAX_BODY_BYTES
MAX_DEPTH = 32

INVALID = "External service returned an invalid response"
TOO_LARGE = "External service response too large"
TOO_DEEP = "External service response nested too deeply"
JSON = {"Content-Type": "application/json"}
GZIP = {**JSON, "Content-Encoding": "gzip"}


def nested(depth: int) -> bytes:
    """An object `depth` levels deep: {"a": {"a": ... {} ...}}."""
    return b'{"a": ' * (depth - 1) + b"{}" + b"}" * (depth - 1)


def padded(size: int) -> bytes:
    """A valid JSON object of exactly `size` bytes."""
    frame = b'{"notes": ""}'
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


@cache
def gzip_bomb(decoded_bytes: int = 100 * MiB) -> bytes:
    """A string of zeros in a JSON object, gzipped: ~1,000 times smaller on the wire."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(b'{"notes": "')]
    block = b"0" * MiB
    parts += [compressor.compress(block) for _ in range(decoded_bytes // MiB)]
    parts.append(compressor.compress(b'"}') + compressor.flush())
    return b"".join(parts)


# The largest bodies are built when their test runs, not when the module is collected.
Body = bytes | Callable[[], bytes]


def realised(body: Body) -> bytes:
    return body() if callable(body) else body


HOSTILE = [
    pytest.param(b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", JSON, TOO_DEEP, id="5000 deep"),
    pytest.param(nested(MAX_DEPTH + 1), JSON, TOO_DEEP, id="33 deep"),
    pytest.param(b'{"name": "\\ud800"}', JSON, INVALID, id="lone surrogate"),
    pytest.param(b'{"\\udc00": 1}', JSON, INVALID, id="lone surrogate as a key"),
    pytest.param(b'{"name": "caf\xe9"}', JSON, INVALID, id="not UTF-8"),
    pytest.param(b'{"name": "\xed\xa0\x80"}', JSON, INVALID, id="UTF-8-encoded surrogate"),
    pytest.param('{"name": "lamp"}'.encode("utf-16"), JSON, INVALID, id="UTF-16"),
    pytest.param(b'{"price": NaN}', JSON, INVALID, id="NaN"),
    pytest.param(b'{"price": Infinity}', JSON, INVALID, id="Infinity"),
    pytest.param(b'{"price": -Infinity}', JSON, INVALID, id="-Infinity"),
    pytest.param(b'{"price": 1e999}', JSON, INVALID, id="1e999"),
    pytest.param(b'{"price": -1e999}', JSON, INVALID, id="-1e999"),
    pytest.param(b'{"stock": ' + b"9" * 5000 + b"}", JSON, INVALID, id="5000-digit integer"),
    pytest.param(b'\xef\xbb\xbf{"name": "lamp"}', JSON, INVALID, id="byte order mark"),
    pytest.param(b'{"name": "lamp"} trailing', JSON, INVALID, id="trailing text"),
    pytest.param(lambda: padded(20 * MiB), JSON, TOO_LARGE, id="20 MB"),
    pytest.param(padded(LIMIT + 1), JSON, TOO_LARGE, id="one byte over"),
    pytest.param(gzip_bomb, GZIP, TOO_LARGE, id="gzip bomb"),
    pytest.param(
        lambda: gzip.compress(padded(LIMIT + 1)), GZIP, TOO_LARGE, id="gzip, over once decoded"
    ),
    pytest.param(gzip.compress(b'{"name": "lamp"}')[:-8], GZIP, INVALID, id="gzip cut off"),
    pytest.param(gzip.compress(b"{}") + b"more", GZIP, INVALID, id="gzip, then more"),
    pytest.param(b'{"name": "lamp"}', GZIP, INVALID, id="said gzip, was not"),
    pytest.param(b"{}", {**JSON, "Content-Length": str(LIMIT + 1)}, TOO_LARGE, id="declared over"),
    pytest.param(b'{"name": "lamp"}', {**JSON, "Content-Encoding": "br"}, INVALID, id="brotli"),
    pytest.param(
        gzip.compress(gzip.compress(b"{}")),
        {**JSON, "Content-Encoding": "gzip, gzip"},
        INVALID,
        id="gzip twice",
    ),
]

ACCEPTED = [
    pytest.param(nested(MAX_DEPTH), JSON, id="32 deep"),
    pytest.param(padded(LIMIT), JSON, id="exactly the limit"),
    pytest.param(
        lambda: gzip.compress(padded(LIMIT)), GZIP, id="gzip, exactly the limit once decoded"
    ),
    pytest.param(
        zlib.compress(b'{"name": "lamp"}'), {**JSON, "Content-Encoding": "deflate"}, id="deflate"
    ),
    pytest.param(b"{}", {**JSON, "Content-Encoding": "Identity"}, id="identity, said so"),
    pytest.param('{"name": "\U0001f4a1 lamp"}'.encode(), JSON, id="emoji as UTF-8"),
    pytest.param(b'{"name": "\\ud83d\\udca1 lamp"}', JSON, id="emoji as a surrogate pair"),
    pytest.param(b'{"price": 1e308, "stock": -0, "tiny": 5e-324}', JSON, id="extreme numbers"),
]


class Chunked(httpx.AsyncByteStream):
    """A body as the network delivers it: in 64 KiB chunks, each read when asked for."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), 64 * 1024):
            yield self.body[start : start + 64 * 1024]


@asynccontextmanager
async def catalog_sending(body: bytes, headers: dict[str, str]) -> AsyncIterator[CatalogClient]:
    """The app's catalog client, its defaults, facing a catalog that answers 200 with this body.

    A transport of its own rather than respx, whose router reads (and inflates) every body
    before the client sees it: here the client streams the body as it would from the network.
    """

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=Chunked(body))

    transport = httpx.MockTransport(answer)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://catalog.test", timeout=5.0
    ) as http:
        yield CatalogClient(http)


@pytest.mark.anyio
@pytest.mark.parametrize(("body", "headers", "detail"), HOSTILE)
async def test_a_hostile_body_is_refused_with_its_documented_502(
    caplog: pytest.LogCaptureFixture, body: Body, headers: dict[str, str], detail: str
) -> None:
    caplog.set_level(logging.WARNING, logger="app.catalog")

    async with catalog_sending(realised(body), headers) as catalog:
        with pytest.raises(CatalogInvalidResponse) as refused:
            await catalog.fetch_item("abc-1")

    assert (refused.value.status_code, refused.value.detail) == (502, detail)
    assert "abc-1" in caplog.text, "the log says which item the catalog answered badly"


@pytest.mark.anyio
@pytest.mark.parametrize(("body", "headers"), ACCEPTED)
async def test_a_body_within_every_bound_is_passed_on_unchanged(
    body: Body, headers: dict[str, str]
) -> None:
    body = realised(body)
    decoded = body
    if headers.get("Content-Encoding") == "gzip":
        decoded = gzip.decompress(body)
    elif headers.get("Content-Encoding") == "deflate":
        decoded = zlib.decompress(body)

    async with catalog_sending(body, headers) as catalog:
        assert await catalog.fetch_item("abc-1") == json.loads(decoded)


@pytest.mark.anyio
async def test_a_gzip_bomb_is_refused_without_being_inflated_into_memory() -> None:
    async with catalog_sending(gzip_bomb(), GZIP) as catalog:
        tracemalloc.start()
        try:
            with pytest.raises(CatalogInvalidResponse):
                await catalog.fetch_item("abc-1")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    # 100 MiB once inflated; the limit (1 MiB) and a chunk or two of work are all it may take.
    assert peak < 8 * MiB, f"{peak / MiB:.1f} MiB allocated at the peak"


def test_the_body_limit_comes_from_the_settings_and_only_gzip_and_deflate_are_asked_for(
    test_settings: Settings, tmp_path: Path
) -> None:
    settings = test_settings.model_copy(
        update={
            "catalog_max_body_bytes": 4096,
            "database_url": f"sqlite+pysqlite:///{tmp_path / 'app.db'}",
        }
    )
    app = create_app(settings)
    try:
        with TestClient(app):
            catalog = app.state.catalog
            assert catalog.max_body_bytes == 4096
            assert catalog.http.headers["Accept-Encoding"] == "gzip, deflate"
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        pytest.param(b'{"price": NaN}', INVALID, id="NaN"),
        pytest.param(b'{"name": "\\ud800"}', INVALID, id="lone surrogate"),
        pytest.param(nested(MAX_DEPTH + 1), TOO_DEEP, id="33 deep"),
        pytest.param(padded(LIMIT + 1), TOO_LARGE, id="one byte over"),
    ],
)
def test_the_service_answers_a_hostile_body_with_its_502(
    client: TestClient,
    catalog_mock: respx.MockRouter,
    member: User,
    auth_headers: HeadersFor,
    body: bytes,
    detail: str,
) -> None:
    catalog_mock.get("/data/abc-1").respond(200, content=body, headers=JSON)

    response = client.get("/external-item/abc-1", headers=auth_headers(member))

    assert (response.status_code, response.json()) == (502, {"detail": detail})


# --- the same bodies over a real socket -------------------------------------------------------

OVER_THE_NETWORK = [
    pytest.param(gzip_bomb, GZIP, TOO_LARGE, id="gzip bomb"),
    pytest.param(lambda: padded(20 * MiB), JSON, TOO_LARGE, id="20 MB"),
    pytest.param(b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", JSON, TOO_DEEP, id="5000 deep"),
    pytest.param(b'{"name": "\xed\xa0\x80"}', JSON, INVALID, id="UTF-8-encoded surrogate"),
    pytest.param(b'{"price": NaN}', JSON, INVALID, id="NaN"),
]


@pytest.mark.live
@pytest.mark.parametrize(("body", "headers", "detail"), OVER_THE_NETWORK)
def test_a_hostile_body_from_a_real_server_is_refused_with_its_502(
    client: TestClient,
    catalog_server: FakeCatalog,
    member: User,
    auth_headers: HeadersFor,
    body: Body,
    headers: dict[str, str],
    detail: str,
) -> None:
    catalog_server.serve_raw(realised(body), headers)

    response = client.get("/external-item/lamp-42", headers=auth_headers(member))

    assert (response.status_code, response.json()) == (502, {"detail": detail})
    assert catalog_server.requests == ["/data/lamp-42"], "a bad body is not asked for again"
