"""Reading the catalog's answer safely: a bounded body, decoded here, parsed as standard JSON.

The body is refused once it passes `limit` bytes on the wire or once decoded, whichever comes
first, while it streams in: a 300 KB gzip bomb is stopped at `limit` decoded bytes, never
inflated. httpx's own decoders inflate each network chunk whole (64 KiB can become 64 MiB), so
the raw bytes are decoded here with zlib, asked for no more output than is still allowed.

Only the encodings asked for (gzip, deflate) are accepted, one at a time. The JSON must be
standard (RFC 8259): UTF-8, no NaN or Infinity, no number beyond a float, no lone surrogate
(pydantic-core's parser refuses all but the too-large floats, checked here), and at most
MAX_DEPTH levels of objects and arrays.
"""

import math
import zlib
from typing import Any, Protocol

import httpx
from pydantic_core import from_json

ACCEPT_ENCODING = "gzip, deflate"
MAX_DEPTH = 32
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class BodyTooLarge(Exception):
    """More than the limit, on the wire or once decoded."""


class BodyUnreadable(Exception):
    """An encoding not asked for, or compressed data that is broken or cut off."""


class DocumentTooDeep(Exception):
    """JSON nested deeper than MAX_DEPTH."""


class DocumentInvalid(Exception):
    """Not standard JSON."""


class _Decoder(Protocol):
    def decode(self, data: bytes, room: int) -> bytes: ...

    def finish(self) -> None: ...


class _Identity:
    def decode(self, data: bytes, room: int) -> bytes:
        return data

    def finish(self) -> None:
        """Nothing buffered."""


class _Inflater:
    def __init__(self, wbits: int) -> None:
        self._zlib = zlib.decompressobj(wbits)

    def decode(self, data: bytes, room: int) -> bytes:
        # At most `room` bytes out; what that leaves undecoded is beyond the limit anyway.
        try:
            return self._zlib.decompress(data, room)
        except zlib.error as exc:
            raise BodyUnreadable(f"broken compressed data: {exc}") from exc

    def finish(self) -> None:
        if not self._zlib.eof:
            raise BodyUnreadable("compressed data cut off")
        if self._zlib.unused_data:
            raise BodyUnreadable("data after the end of the compressed body")


def _decoder(content_encoding: str | None) -> _Decoder:
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        return _Identity()
    if encoding not in _WBITS:
        raise BodyUnreadable(f"content encoding {content_encoding!r} was not asked for")
    return _Inflater(_WBITS[encoding])


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The decoded body of a streamed response, or BodyTooLarge / BodyUnreadable."""
    if response.is_stream_consumed:
        # Read, and decoded by httpx, before it got here: respx's mocks pre-read every body.
        if len(response.content) > limit:
            raise BodyTooLarge(f"more than {limit} bytes")
        return response.content
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"declared {declared} bytes")
    decoder = _decoder(response.headers.get("content-encoding"))
    received = decoded = 0
    parts: list[bytes] = []
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > limit:
            raise BodyTooLarge(f"more than {limit} bytes on the wire")
        part = decoder.decode(chunk, limit - decoded + 1)
        decoded += len(part)
        if decoded > limit:
            raise BodyTooLarge(f"more than {limit} bytes once decoded")
        parts.append(part)
    decoder.finish()
    return b"".join(parts)


def parse_document(body: bytes) -> Any:
    """The JSON value of `body`, or DocumentInvalid / DocumentTooDeep."""
    try:
        document = from_json(body, allow_inf_nan=False, cache_strings=False)
    except ValueError as exc:
        # The parser's own depth guard (~200 levels) speaks first for the deepest bodies.
        if "recursion limit exceeded" in str(exc):
            raise DocumentTooDeep(str(exc)) from exc
        raise DocumentInvalid(str(exc)) from exc
    _check_standard(document)
    return document


def _check_standard(document: Any) -> None:
    # Iterative, so checking a deep document cannot itself overflow the stack.
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise DocumentInvalid("a number too large for a float")
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise DocumentTooDeep(f"deeper than {MAX_DEPTH} levels")
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
