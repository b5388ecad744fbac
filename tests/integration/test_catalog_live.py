"""The catalog's failure modes over real loopback HTTP: each maps to its documented status.

The fake catalog (tests/support/fakes/catalog.py) really stalls, really resets and really
refuses; the service's own httpx client, timeout and retry face it. respx covers the same mapping
fast and exactly in tests/api/test_catalog.py; these prove it holds on a real socket.
"""

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.models import User
from tests.harness.types import HeadersFor
from tests.support.fakes.catalog import (
    CatalogServer,
    FakeCatalog,
    Mode,
    catalog_item,
    unused_loopback_port,
)
from tests.support.fakes.live import LIVE_TIMEOUT_SECONDS

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]

# The service promises an answer within its configured timeout, plus this much for its own work.
TIMEOUT_SLACK_SECONDS = 0.5

EXPECTED = [
    pytest.param(Mode.NORMAL, 200, None, id="normal"),
    pytest.param(Mode.NOT_FOUND, 404, "External item not found", id="not found"),
    pytest.param(Mode.SLOW, 504, "External service timed out", id="slow beyond the timeout"),
    pytest.param(Mode.HANG_MID_BODY, 504, "External service timed out", id="hangs mid-body"),
    pytest.param(Mode.RESET, 503, "External service unavailable", id="resets the connection"),
    pytest.param(Mode.SERVER_ERROR, 502, "External service error", id="500"),
    pytest.param(Mode.UNAVAILABLE, 502, "External service error", id="503"),
    pytest.param(
        Mode.INVALID_JSON,
        502,
        "External service returned an invalid response",
        id="invalid JSON",
    ),
    pytest.param(Mode.CLOSED_PORT, 503, "External service unavailable", id="closed port"),
]


@pytest.mark.parametrize(("mode", "status", "detail"), EXPECTED)
def test_each_catalog_failure_maps_to_its_documented_status(
    client: TestClient,
    catalog_server: FakeCatalog,
    member: User,
    auth_headers: HeadersFor,
    mode: Mode,
    status: int,
    detail: str | None,
) -> None:
    catalog_server.set_mode(mode)

    response = client.get("/external-item/lamp-42", headers=auth_headers(member))

    assert response.status_code == status, response.text
    if detail is None:
        assert response.json() == {"item_id": "lamp-42", "external_data": catalog_item("lamp-42")}
    else:
        assert response.json() == {"detail": detail}


@pytest.mark.parametrize("mode", [Mode.SLOW, Mode.HANG_MID_BODY])
def test_a_timeout_is_answered_within_the_configured_timeout(
    client: TestClient,
    catalog_server: FakeCatalog,
    member: User,
    auth_headers: HeadersFor,
    mode: Mode,
) -> None:
    # A promise to callers rather than a benchmark: the bound is the contract, the slack generous.
    catalog_server.set_mode(mode)
    headers = auth_headers(member)

    started = time.monotonic()
    response = client.get("/external-item/lamp-42", headers=headers)
    elapsed = time.monotonic() - started

    assert response.status_code == 504
    assert elapsed < LIVE_TIMEOUT_SECONDS + TIMEOUT_SLACK_SECONDS, f"answered after {elapsed:.2f}s"
    assert catalog_server.requests == ["/data/lamp-42"], "a timeout must not be retried"


@pytest.mark.parametrize("mode", [Mode.RESET, Mode.CLOSED_PORT])
def test_an_unreachable_catalog_is_retried_once_then_reported_with_retry_after(
    client: TestClient,
    catalog_server: FakeCatalog,
    member: User,
    auth_headers: HeadersFor,
    mode: Mode,
) -> None:
    catalog_server.set_mode(mode)

    response = client.get("/external-item/lamp-42", headers=auth_headers(member))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    expected_attempts = {Mode.RESET: ["<reset>", "<reset>"], Mode.CLOSED_PORT: []}
    assert catalog_server.requests == expected_attempts[mode]


def test_the_catalog_recovers_once_the_fault_clears(
    client: TestClient, catalog_server: FakeCatalog, member: User, auth_headers: HeadersFor
) -> None:
    headers = auth_headers(member)
    catalog_server.set_mode(Mode.RESET)
    assert client.get("/external-item/lamp-1", headers=headers).status_code == 503

    catalog_server.set_mode(Mode.NORMAL)

    assert client.get("/external-item/lamp-1", headers=headers).status_code == 200


def test_the_fake_runs_as_a_module_for_load_tests_in_another_process() -> None:
    port = unused_loopback_port()
    command = [
        sys.executable,
        "-m",
        "tests.support.fakes.catalog",
        "--port",
        str(port),
        "--mode",
        "slow",
    ]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            _wait_until_listening(http)
            assert http.post("/_mode/unavailable").json() == {"mode": "unavailable"}
            assert http.get("/data/x").status_code == 503
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_listening(http: httpx.Client, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            http.post("/_mode/normal")
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_the_fake_switches_modes_over_http_when_run_on_its_own() -> None:
    # `python -m tests.support.fakes.catalog` drives load tests from another process: its API.
    with CatalogServer() as catalog, httpx.Client(base_url=catalog.base_url) as http:
        assert http.post("/_mode/server_error").json() == {"mode": "server_error"}
        assert http.get("/data/x").status_code == 500
        assert http.post("/_mode/normal").status_code == 200
        assert http.get("/data/x").json() == catalog_item("x")
        assert http.post("/_mode/no-such-mode").status_code == 404
