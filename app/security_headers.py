"""Headers every answer carries: no content sniffing, and a policy allowing nothing to load.

An API answer is JSON, never a page: `default-src 'none'` forbids a browser that renders one
anyway (a mistaken content type, an error page) to run or load anything, and `frame-ancestors
'none'` to frame it. The documentation pages are pages: they get exactly the sources FastAPI's
Swagger UI and ReDoc load (their scripts and styles from jsDelivr, inline scripts and styles,
ReDoc's fonts and web worker), still never framed. Set here, outermost, so that answers no
route gave (413, 404, 405, a refused Host) carry them too.
"""

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCUMENTATION_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
        "font-src https://fonts.gstatic.com",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, documentation_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.documentation_paths = frozenset(documentation_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_page = scope["path"] in self.documentation_paths
        policy = DOCUMENTATION_POLICY if is_page else API_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Content-Security-Policy"] = policy
            await send(message)

        await self.app(scope, receive, send_with_headers)
