"""BodySizeLimit (app/body_limit.py) on its own, around a bare ASGI app: the limit at its boundary,
declared up front or counted as the body streams in.

Through the whole app (413 answers, chunked uploads, nesting): tests/api/test_malformed_input.py.
"""

from dataclasses import dataclass, field

import pytest
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from app.body_limit import BodySizeLimit

LIMIT = 10
TOO_LARGE = f"The request body is too large (at most {LIMIT} bytes)"


async def answer_the_length_read(scope: Scope, receive: Receive, send: Send) -> None:
    """The app behind the limit: reads the whole body and answers how many bytes it got."""
    length = 0
    more_body = True
    while more_body:
        message = await receive()
        length += len(message.get("body", b""))
        more_body = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(length).encode()})


@dataclass
class Exchange:
    chunks: list[bytes]
    declared: int | None = None
    chunks_read: int = 0
    sent: list[Message] = field(default_factory=list)

    async def run(self) -> None:
        headers = [] if self.declared is None else [(b"content-length", b"%d" % self.declared)]
        scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
        limited = BodySizeLimit(answer_the_length_read, max_body_bytes=LIMIT)
        await limited(scope, self.receive, self.send)

    async def receive(self) -> Message:
        self.chunks_read += 1
        body = self.chunks.pop(0) if self.chunks else b""
        return {"type": "http.request", "body": body, "more_body": bool(self.chunks)}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    @property
    def answer(self) -> tuple[int, bytes]:
        start, *body = self.sent
        return start["status"], b"".join(part.get("body", b"") for part in body)


@pytest.mark.anyio
async def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    exchange = Exchange([b"x" * (LIMIT + 1)], declared=LIMIT + 1)

    await exchange.run()

    assert exchange.answer == (413, b'{"detail":"%s"}' % TOO_LARGE.encode())
    assert exchange.chunks_read == 0


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("chunks", "declared"),
    [
        pytest.param([b"x" * LIMIT], LIMIT, id="declared"),
        pytest.param([b"x" * 5, b"x" * 5], None, id="streamed"),
    ],
)
async def test_a_body_of_exactly_the_limit_is_let_through(
    chunks: list[bytes], declared: int | None
) -> None:
    exchange = Exchange(chunks, declared=declared)

    await exchange.run()

    assert exchange.answer == (200, b"%d" % LIMIT)


@pytest.mark.anyio
async def test_a_streamed_body_is_refused_once_its_chunks_add_up_past_the_limit() -> None:
    # Each chunk alone is within the limit; together they are not.
    exchange = Exchange([b"x" * 6, b"x" * 6, b"x" * 6])

    with pytest.raises(HTTPException) as refused:
        await exchange.run()

    assert (refused.value.status_code, refused.value.detail) == (413, TOO_LARGE)
    assert exchange.chunks_read == 2
