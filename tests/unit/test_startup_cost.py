"""What building and starting the app costs: work done once, not once per app or per test.

The harness builds apps and starts their lifespan once per test, and importing app.main builds
one; these pin the two costs that made that slow (tools/benchmarks/suite_speed.py measures them).
"""

import ssl

import httpx
import pytest
from fastapi.testclient import TestClient
from pwdlib.hashers.argon2 import Argon2Hasher

from app import catalog
from app.config import Settings
from app.main import create_app


def test_building_an_app_hashes_nothing_and_starting_it_prepares_the_dummy_hash(
    test_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real_hash = Argon2Hasher.hash

    def counting_hash(self: Argon2Hasher, password: str | bytes, **kwargs: object) -> str:
        hashed.append("hash")
        return real_hash(self, password, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Argon2Hasher, "hash", counting_hash)

    app = create_app(test_settings)
    assert hashed == [], "building an app (importing app.main does) must not pay for a hash"

    with TestClient(app):
        # Ready at start-up, so the first login for an unknown name costs what later ones do.
        assert hashed == ["hash"]
        app.state.hasher.burn_time("a guess")
    app.state.engine.dispose()
    assert hashed == ["hash"]


@pytest.mark.anyio
async def test_catalog_clients_share_one_tls_context_and_it_verifies(
    test_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[ssl.SSLContext] = []
    real_create = httpx.create_ssl_context

    def counting_create(*args: object, **kwargs: object) -> ssl.SSLContext:
        built.append(real_create(*args, **kwargs))  # type: ignore[arg-type]
        return built[-1]

    monkeypatch.setattr(httpx, "create_ssl_context", counting_create)
    catalog._tls_context.cache_clear()
    try:
        async with (
            catalog.make_http_client(test_settings),
            catalog.make_http_client(test_settings),
        ):
            pass
        # Reading the CA bundle takes tens of milliseconds; once per process is enough.
        assert len(built) == 1
        assert built[0].verify_mode is ssl.CERT_REQUIRED
        assert built[0].check_hostname
    finally:
        catalog._tls_context.cache_clear()
