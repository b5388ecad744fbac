"""A fake external catalog served by uvicorn on loopback, with failure modes a test switches.

In the suite, the session fixture `fake_catalog` (tests/support/fakes/live.py) starts one in a
background thread on a port the OS picks; tests call `set_mode(...)` and the fixture resets it
after each test. It also runs on its own for load tests:

    python -m tests.support.fakes.catalog --port 8081 [--mode slow]

and the mode can then be switched over HTTP: `POST /_mode/<mode>` (e.g. `/_mode/normal`).

Modes, and what the service is expected to answer for each (app/catalog.py):

| mode            | the fake...                                         | service answers |
| normal          | 200 with a JSON object                              | 200             |
| not_found       | 404                                                 | 404             |
| slow            | answers only after `slow_seconds` (beyond timeouts) | 504             |
| hang_mid_body   | sends headers and half the body, then stalls        | 504             |
| reset           | resets the TCP connection on the request (RST)      | 503 Retry-After |
| server_error    | 500                                                 | 502             |
| unavailable     | 503                                                 | 502             |
| invalid_json    | 200 whose body is not JSON                          | 502             |
| closed_port     | `base_url` names a loopback port nobody listens on  | 503 Retry-After |
| drip            | 200, then its body one byte every `drip_seconds`    | 504             |
| raw             | 200 with the body and headers `serve_raw` was given | (per body)      |

`drip` never lets a read time out (each byte comes sooner than the timeout), so only a deadline
on the whole call ends it; `in_flight` counts the drips still being sent. `raw` serves hostile
bodies (gzip bombs, huge or deeply nested JSON...), streamed in 64 KiB chunks.
"""

import argparse
import asyncio
import contextlib
import json
import socket
import struct
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any

# uvicorn (~30 ms of imports) is imported where a server starts: the step definitions import
# this module for its modes in every run, and most runs start no fake catalog.
if TYPE_CHECKING:
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

LOOPBACK = "127.0.0.1"


class Mode(StrEnum):
    NORMAL = "normal"
    NOT_FOUND = "not_found"
    SLOW = "slow"
    HANG_MID_BODY = "hang_mid_body"
    RESET = "reset"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"
    INVALID_JSON = "invalid_json"
    CLOSED_PORT = "closed_port"
    DRIP = "drip"
    RAW = "raw"


def unused_loopback_port() -> int:
    """A port that nothing listens on right now: bound by the OS, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    return port


def catalog_item(item_id: str) -> dict[str, Any]:
    return {"id": item_id, "name": f"Catalog item {item_id}", "stock": 7}


class FakeCatalog:
    """The catalog's behaviour, shared between the test thread and the server's thread."""

    def __init__(
        self,
        *,
        slow_seconds: float = 5.0,
        max_hold_seconds: float = 30.0,
        drip_seconds: float = 0.1,
        drip_bytes: int = 300,
    ) -> None:
        self.slow_seconds = slow_seconds
        # A byte every tenth of a second: sooner than any read timeout the suite sets, so only
        # a deadline on the whole call stops it; 300 bytes take 30 s (max_hold_seconds).
        self.drip_seconds = drip_seconds
        self.drip_bytes = drip_bytes
        # A stalled answer is released at reset or after this, so no handler outlives a run.
        self.max_hold_seconds = max_hold_seconds
        self.port: int | None = None
        self._lock = threading.Lock()
        self._mode = Mode.NORMAL
        self._closed_port: int | None = None
        self._released = threading.Event()
        self._requests: list[str] = []
        self._raw: tuple[bytes, dict[str, str]] = (b"", {})
        self._in_flight = 0

    @property
    def mode(self) -> Mode:
        return self._mode

    def set_mode(self, mode: Mode | str) -> None:
        mode = Mode(mode)
        with self._lock:
            if mode is Mode.CLOSED_PORT:
                # Chosen afresh each time, so no other server can have taken it since.
                self._closed_port = unused_loopback_port()
            self._mode = mode

    def serve_raw(self, body: bytes, headers: dict[str, str] | None = None) -> None:
        """From now on, answer 200 with exactly this body and these headers (`raw` mode)."""
        with self._lock:
            self._raw = (body, {"content-type": "application/json", **(headers or {})})
            self._mode = Mode.RAW

    def reset(self) -> None:
        """Back to normal; any stalled answer from the last test is let go."""
        with self._lock:
            self._released.set()
            self._released = threading.Event()
            self._mode = Mode.NORMAL
            self._requests = []
            self._raw = (b"", {})

    @property
    def in_flight(self) -> int:
        """Drips still being sent: their client has neither hung up nor had the whole body."""
        with self._lock:
            return self._in_flight

    @property
    def base_url(self) -> str:
        """Where the service should look for the catalog, in the current mode."""
        if self._mode is Mode.CLOSED_PORT and self._closed_port is not None:
            return f"http://{LOOPBACK}:{self._closed_port}"
        if self.port is None:
            raise RuntimeError("the fake catalog is not serving yet")
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def requests(self) -> list[str]:
        """Paths requested since the last reset, resets included."""
        with self._lock:
            return list(self._requests)

    def record(self, path: str) -> None:
        with self._lock:
            self._requests.append(path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith("/_mode/") and scope["method"] == "POST":
            await self._switch_mode(path.removeprefix("/_mode/"), send)
            return
        self.record(path)
        item_id = path.removeprefix("/data/")
        if not path.startswith("/data/") or not item_id:
            await _respond(send, 404, {"detail": "Not Found"})
            return
        await self._answer(item_id, receive, send)

    async def _answer(self, item_id: str, receive: Receive, send: Send) -> None:
        mode, released = self._mode, self._released
        if mode is Mode.DRIP:
            await self._drip(self._drip_body(item_id), released, receive, send)
        elif mode is Mode.RAW:
            body, headers = self._raw
            await _send_chunked(body, headers, receive, send)
        elif mode is Mode.SLOW:
            await self._hold(released, self.slow_seconds)
            await _respond(send, 200, catalog_item(item_id))
        elif mode is Mode.HANG_MID_BODY:
            body = json.dumps(catalog_item(item_id)).encode()
            await send(_start(200, len(body)))
            await send({"type": "http.response.body", "body": body[:5], "more_body": True})
            await self._hold(released, self.max_hold_seconds)
            await send({"type": "http.response.body", "body": body[5:]})
        elif mode is Mode.NOT_FOUND:
            await _respond(send, 404, {"detail": "No such item"})
        elif mode is Mode.SERVER_ERROR:
            await _respond(send, 500, {"detail": "Internal Server Error"})
        elif mode is Mode.UNAVAILABLE:
            await _respond(send, 503, {"detail": "Service Unavailable"})
        elif mode is Mode.INVALID_JSON:
            await _send_raw(send, 200, b'{"id": "broken", "name": ')
        else:
            # NORMAL; RESET never gets here (the protocol drops the connection first), and in
            # CLOSED_PORT the service is pointed elsewhere.
            await _respond(send, 200, catalog_item(item_id))

    def _drip_body(self, item_id: str) -> bytes:
        body = json.dumps(catalog_item(item_id)).encode()
        padding = max(0, self.drip_bytes - len(body) - len(b', "notes": ""'))
        return body[:-1] + b', "notes": "' + b"." * padding + b'"}'

    async def _drip(
        self, body: bytes, released: threading.Event, receive: Receive, send: Send
    ) -> None:
        with self._lock:
            self._in_flight += 1
        try:
            async with _watching_for_hang_up(receive) as hung_up:
                await send(_start(200, len(body)))
                deadline = time.monotonic() + self.max_hold_seconds
                for index in range(len(body)):
                    if hung_up.is_set() or released.is_set() or time.monotonic() > deadline:
                        return
                    more = index < len(body) - 1
                    await send(_body(body[index : index + 1], more=more))
                    if more:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(hung_up.wait(), self.drip_seconds)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _hold(self, released: threading.Event, seconds: float) -> None:
        deadline = time.monotonic() + min(seconds, self.max_hold_seconds)
        while not released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    async def _switch_mode(self, name: str, send: Send) -> None:
        try:
            mode = Mode(name)
        except ValueError:
            await _respond(send, 404, {"detail": f"unknown mode {name!r}"})
            return
        self.reset()
        self.set_mode(mode)
        await _respond(send, 200, {"mode": mode.value})


def _start(status: int, length: int) -> Message:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(length).encode())]
    return {"type": "http.response.start", "status": status, "headers": headers}


async def _send_raw(send: Send, status: int, body: bytes) -> None:
    await send(_start(status, len(body)))
    await send({"type": "http.response.body", "body": body})


CHUNK_BYTES = 64 * 1024


@asynccontextmanager
async def _watching_for_hang_up(receive: Receive) -> AsyncIterator[asyncio.Event]:
    """An event set once the client hangs up, so an answer being sent can stop there."""
    hung_up = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        hung_up.set()

    watcher = asyncio.create_task(watch())
    try:
        yield hung_up
    finally:
        watcher.cancel()


def _body(chunk: bytes, *, more: bool) -> Message:
    return {"type": "http.response.body", "body": chunk, "more_body": more}


async def _send_chunked(body: bytes, headers: dict[str, str], receive: Receive, send: Send) -> None:
    raw_headers = [(name.encode(), value.encode()) for name, value in headers.items()]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    async with _watching_for_hang_up(receive) as hung_up:
        await send({"type": "http.response.start", "status": 200, "headers": raw_headers})
        for start in range(0, len(body), CHUNK_BYTES):
            if hung_up.is_set():
                # The service refused the body part way: writing on would only fill the log.
                return
            await send(_body(body[start : start + CHUNK_BYTES], more=True))
            await asyncio.sleep(0)  # let the hang-up be noticed between chunks
        await send(_body(b"", more=False))


async def _respond(send: Send, status: int, document: dict[str, Any]) -> None:
    await _send_raw(send, status, json.dumps(document).encode())


def _protocol_for(catalog: FakeCatalog) -> "type[H11Protocol]":
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class ResettingProtocol(H11Protocol):
        """h11, except that in `reset` mode a request is answered with a TCP RST."""

        def data_received(self, data: bytes) -> None:
            if catalog.mode is Mode.RESET:
                catalog.record("<reset>")
                sock = self.transport.get_extra_info("socket")
                # Linger 0: closing sends RST at once instead of a polite FIN.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.transport.abort()
                return
            super().data_received(data)

    return ResettingProtocol


def _config(catalog: FakeCatalog) -> "uvicorn.Config":
    import uvicorn

    return uvicorn.Config(
        catalog,
        http=_protocol_for(catalog),
        ws="none",
        lifespan="off",
        # Leave the host process's logging alone; the fake has nothing to say.
        log_config=None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )


class CatalogServer:
    """Runs a FakeCatalog under uvicorn in a daemon thread on an OS-chosen loopback port."""

    def __init__(self, catalog: FakeCatalog | None = None) -> None:
        import uvicorn

        self.catalog = catalog or FakeCatalog()
        self._server = uvicorn.Server(_config(self.catalog))
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 10.0) -> FakeCatalog:
        self._socket.bind((LOOPBACK, 0))
        self.catalog.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake catalog did not start")
            time.sleep(0.01)
        return self.catalog

    def stop(self) -> None:
        self.catalog.reset()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> FakeCatalog:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=[mode.value for mode in Mode], default=Mode.NORMAL)
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    catalog = FakeCatalog(slow_seconds=args.slow_seconds)
    catalog.port = args.port
    catalog.set_mode(args.mode)
    config = _config(catalog)
    config.host, config.port = LOOPBACK, args.port
    print(f"fake catalog on http://{LOOPBACK}:{args.port} in mode {catalog.mode}", flush=True)
    import uvicorn

    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
