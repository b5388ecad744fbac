"""A TestClient whose HTTP requests cost one hop to the event-loop thread instead of about eight.

Starlette's TestClient drives each request from the test's thread: it creates two events, a
stream and a cancel scope on the loop, starts the app, waits for the response to start, then
fetches every body chunk and the end of the stream, each a call through the BlockingPortal
(~8 cross-thread hops, 1.5-1.8 ms a request on this machine, more than the app's own work).
`OneHopClient` runs the whole ASGI exchange as one coroutine on the loop (one `portal.call`)
and hands back the response with its body already read.

Kept from TestClient, so tests and steps see no difference: the client itself (cookies, event
hooks, headers, base URL, redirects: httpx's), the ASGI scope it builds, the request body sent
unchanged, `raise_server_exceptions` (the app's exception raised in the test; when False, what
the app sent, or an empty 500 if it sent nothing), `client.stream(...)` (the body arrives whole:
the app has finished when the response is returned), HEAD answers without a body, trailers and
the debug extension. WebSocket requests go to Starlette's own transport.

tests/unit/test_one_hop_client.py holds it to those promises, and to the one hop.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import anyio
import httpx2
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class _Exchange:
    """What the app sent for one request, and the exception it raised, if any."""

    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)
    trailers_expected: bool = False
    trailers: list[tuple[bytes, bytes]] = field(default_factory=list)
    debug: dict[str, Any] | None = None
    error: Exception | None = None


class OneHopTransport(httpx2.BaseTransport):
    """Serves HTTP requests to `client`'s app in one portal call; WebSockets to `fallback`."""

    def __init__(self, client: "OneHopClient", fallback: httpx2.BaseTransport) -> None:
        self.client = client
        self.fallback = fallback

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        if url.scheme not in DEFAULT_PORTS:
            return self.fallback.handle_request(request)
        headers = [] if "host" in request.headers else [(b"host", url.netloc)]
        headers += [(k.lower().encode(), v.encode()) for k, v in request.headers.multi_items()]
        client = self.client
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": request.method,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "root_path": client.root_path,
            "scheme": url.scheme,
            "query_string": url.query,
            "headers": headers,
            "client": client.client_address,
            "server": [url.raw_host.decode("ascii"), url.port or DEFAULT_PORTS[url.scheme]],
            "extensions": {"http.response.debug": {}, "http.response.trailers": {}},
            "state": client.app_state.copy(),
        }
        body = request.read()
        with client._portal_factory() as portal:
            exchange = portal.call(_serve, client.app, scope, body)
        if exchange.error is not None and client.raise_server_exceptions:
            raise exchange.error
        if exchange.status is None:
            if client.raise_server_exceptions:
                raise AssertionError("TestClient did not receive any response.")
            return httpx2.Response(500, stream=httpx2.ByteStream(b""), request=request)
        content = b"" if request.method == "HEAD" else b"".join(exchange.body)
        response = httpx2.Response(
            exchange.status,
            headers=exchange.headers,
            stream=httpx2.ByteStream(content),
            request=request,
        )
        if exchange.trailers_expected:
            response.extensions["http.response.trailers"] = exchange.trailers
        if exchange.debug is not None:
            response.extensions["http.response.debug"] = exchange.debug
            for name in ("template", "context"):
                if name in exchange.debug:
                    setattr(response, name, exchange.debug[name])
        return response

    def close(self) -> None:
        self.fallback.close()


async def _serve(app: ASGIApp, scope: dict[str, Any], body: bytes) -> _Exchange:
    """Runs on the event loop: the app, from the request to the end of its response."""
    exchange = _Exchange()
    request_sent = False
    complete = anyio.Event()

    async def receive() -> Message:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        # As a server does: a client that has its whole answer has gone away.
        await complete.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            assert exchange.status is None, 'Received multiple "http.response.start" messages.'
            exchange.status = message["status"]
            exchange.headers = [(k.decode(), v.decode()) for k, v in message.get("headers", [])]
            exchange.trailers_expected = message.get("trailers", False)
        elif kind == "http.response.body":
            assert exchange.status is not None, (
                'Received "http.response.body" without "http.response.start".'
            )
            assert not complete.is_set(), 'Received "http.response.body" after response completed.'
            exchange.body.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False) and not exchange.trailers_expected:
                complete.set()
        elif kind == "http.response.trailers":
            assert exchange.trailers_expected, (
                'Received "http.response.trailers" without declaring trailers.'
            )
            exchange.trailers.extend(message.get("headers", []))
            if not message.get("more_trailers", False):
                complete.set()
        elif kind == "http.response.debug":
            exchange.debug = message["info"]

    try:
        await app(scope, receive, send)
    except Exception as error:
        exchange.error = error
    finally:
        complete.set()
    return exchange


class OneHopClient(TestClient):
    """Starlette's TestClient, its HTTP requests served by `OneHopTransport`."""

    __test__ = False

    def __init__(
        self,
        app: ASGIApp,
        *,
        raise_server_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("testclient", 50000),
        **options: Any,
    ) -> None:
        super().__init__(
            app,
            raise_server_exceptions=raise_server_exceptions,
            root_path=root_path,
            client=client,
            **options,
        )
        self.raise_server_exceptions = raise_server_exceptions
        self.root_path = root_path
        self.client_address = client
        # httpx keeps the transport its constructor was given here; TestClient built Starlette's.
        self._transport = OneHopTransport(self, fallback=self._transport)
