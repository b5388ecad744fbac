"""The harness's client (tests/harness/one_hop_client.py): a TestClient, one hop a request.

Each promise is checked against Starlette's own TestClient on the same app where they can differ.
"""

from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from tests.harness.one_hop_client import OneHopClient, OneHopTransport

# What a client puts in the scope of a request (the app adds its own keys after).
SCOPE_KEYS = (
    "type",
    "http_version",
    "method",
    "path",
    "raw_path",
    "root_path",
    "scheme",
    "query_string",
    "headers",
    "client",
    "server",
    "state",
)


class Broken(Exception):
    pass


def _app() -> FastAPI:
    app = FastAPI()
    app.state.scopes = []

    @app.api_route("/echo", methods=["GET", "POST", "PUT", "HEAD"])
    async def echo(request: Request) -> Response:
        request.app.state.scopes.append({key: request.scope[key] for key in SCOPE_KEYS})
        body = await request.body()
        headers = {"x-seen-headers": repr(request.headers.raw)}
        return Response(body, media_type="application/octet-stream", headers=headers)

    @app.get("/broken")
    def broken() -> None:
        raise Broken("the app failed")

    @app.get("/stream")
    def stream() -> StreamingResponse:
        def chunks() -> Iterator[bytes]:
            for n in range(5):
                yield f"chunk {n};".encode()

        return StreamingResponse(chunks(), media_type="text/plain")

    @app.get("/cookie")
    def cookie(response: Response, request: Request) -> dict[str, str | None]:
        response.set_cookie("flavour", "oat")
        return {"sent": request.cookies.get("flavour")}

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return app


async def _silent(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that answers nothing at all."""


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal("asyncio") as portal:
        yield portal


class CountingPortal:
    """The portal, counting the calls made through it."""

    def __init__(self, portal: BlockingPortal) -> None:
        self.portal = portal
        self.calls = 0

    def call(self, func: Callable[..., Any], *args: Any) -> Any:
        self.calls += 1
        return self.portal.call(func, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.portal, name)


@pytest.fixture
def make(portal: BlockingPortal) -> Iterator[Callable[..., TestClient]]:
    """Clients of either kind on the module's event loop (never entered: no lifespan)."""
    made: list[TestClient] = []

    def make(kind: type[TestClient], app: Any, *, via: Any = portal, **options: Any) -> TestClient:
        client = kind(app, **options)
        client.portal = via
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def one_hop(make: Callable[..., TestClient]) -> Callable[..., TestClient]:
    return lambda app, **options: make(OneHopClient, app, **options)


def test_a_request_is_one_call_to_the_event_loop(
    make: Callable[..., TestClient], portal: BlockingPortal
) -> None:
    app = _app()
    ours, theirs = CountingPortal(portal), CountingPortal(portal)
    client = make(OneHopClient, app, via=ours)
    assert isinstance(client._transport, OneHopTransport)
    assert client.post("/echo", content=b"x").content == b"x"
    assert ours.calls == 1
    make(TestClient, app, via=theirs).post("/echo", content=b"x")
    assert theirs.calls > 1, "Starlette's client is the one this one is cheaper than"


def test_the_harness_client_is_one_hop(client: TestClient) -> None:
    assert isinstance(client, OneHopClient)


def test_a_server_exception_is_raised_in_the_test(make: Callable[..., TestClient]) -> None:
    for kind in (OneHopClient, TestClient):
        with pytest.raises(Broken, match="the app failed"):
            make(kind, _app()).get("/broken")


def test_a_lenient_client_gets_the_answer_the_app_sent(make: Callable[..., TestClient]) -> None:
    response = make(OneHopClient, _app(), raise_server_exceptions=False).get("/broken")
    expected = make(TestClient, _app(), raise_server_exceptions=False).get("/broken")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert (response.status_code, response.text) == (expected.status_code, expected.text)


def test_an_app_that_answers_nothing(one_hop: Callable[..., TestClient]) -> None:
    with pytest.raises(AssertionError, match="did not receive any response"):
        one_hop(_silent).get("/")
    response = one_hop(_silent, raise_server_exceptions=False).get("/")
    assert (response.status_code, response.content) == (500, b"")


def test_a_streamed_body_arrives_whole(one_hop: Callable[..., TestClient]) -> None:
    client = one_hop(_app())
    whole = "".join(f"chunk {n};" for n in range(5))
    assert client.get("/stream").text == whole
    with client.stream("GET", "/stream") as response:
        assert "".join(response.iter_text()) == whole


def test_request_body_headers_and_scope_reach_the_app_unchanged(
    make: Callable[..., TestClient],
) -> None:
    body = bytes(range(256)) * 4  # not UTF-8, every byte value
    headers = [("X-Twice", "one"), ("X-Twice", "two"), ("Content-Type", "application/x-thing")]

    def send(client: TestClient) -> httpx2.Response:
        return client.put("/echo?a=1&b=%C3%A9", content=body, headers=headers)

    app = _app()
    ours = send(make(OneHopClient, app))
    theirs = send(make(TestClient, app))
    assert ours.content == body
    assert ours.headers["x-seen-headers"] == theirs.headers["x-seen-headers"]
    assert b"x-twice" in ours.headers["x-seen-headers"].encode()
    ours_scope, starlettes_scope = app.state.scopes
    assert ours_scope == starlettes_scope


def test_head_answers_without_a_body(one_hop: Callable[..., TestClient]) -> None:
    response = one_hop(_app()).head("/echo")
    assert (response.status_code, response.content) == (200, b"")


def test_response_hooks_run_and_cookies_are_kept(one_hop: Callable[..., TestClient]) -> None:
    client = one_hop(_app())
    seen: list[int] = []
    client.event_hooks["response"].append(lambda response: seen.append(response.status_code))
    assert client.get("/cookie").json() == {"sent": None}
    assert client.get("/cookie").json() == {"sent": "oat"}
    assert seen == [200, 200]


def test_websockets_are_served_by_starlettes_transport(one_hop: Callable[..., TestClient]) -> None:
    with one_hop(_app()).websocket_connect("/ws") as websocket:
        assert websocket.receive_text() == "hello"
