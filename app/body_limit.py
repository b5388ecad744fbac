"""A ceiling on request bodies, answered like every other error: JSON with a `detail`.

FastAPI's own `max_body_size` answers a declared oversize body in plain text, so the app uses
this pure ASGI middleware instead.
"""

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_TOO_LARGE = "The request body is too large (at most {limit} bytes)"


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = BODY_TOO_LARGE.format(limit=self.max_body_bytes)
        # Equivalent mutants: header names are case-insensitive; any non-digit default acts as "".
        declared = Headers(scope=scope).get("content-length", "")  # pragma: no mutate
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            # Refused before a byte of the body is read.
            refusal = JSONResponse({"detail": detail}, status_code=413)
            # Equivalent mutant: a JSONResponse never reads the request, so `receive` is unused.
            await refusal(scope, receive, send)  # pragma: no mutate
            return
        received = 0

        async def counting_receive() -> Message:
            # A chunked body declares no length: count it as it arrives.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(status_code=413, detail=detail)
            return message

        await self.app(scope, counting_receive, send)
