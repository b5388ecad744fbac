"""API coverage: which operation and status code every scenario's requests produced.

`RequestRecorder` is a pure ASGI middleware that reports (method, path, status) of each
response to a callback. The controller later maps each concrete path onto the OpenAPI path
templates, the same first-match-wins way the router resolved it, so `/items/7` counts for
`GET /items/{item_id}` whichever status it got, and a request no route serves (a 404 for an
unknown path, a 405) is listed apart instead of being credited to an operation.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from pytest_bdd_livingdoc.model import ApiCall, Case, Coverage, CoverageRow, Operation

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class RequestRecorder:
    def __init__(self, app: ASGIApp, sink: Callable[[ApiCall], None]) -> None:
        self.app = app
        self.sink = sink

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status: int | None = None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except Exception:
            # The server's error middleware answers an escaped exception with a 500.
            if status is None:
                status = 500
            raise
        finally:
            if status is not None:
                self.sink(ApiCall(scope["method"], scope["path"], status))


def load_operations(spec: str) -> list[Operation]:
    """Operations of the app named by `module:attribute` (an app, or a factory that builds one)."""
    module_name, _, attribute = spec.partition(":")
    target: Any = getattr(importlib.import_module(module_name), attribute or "app")
    if not hasattr(target, "openapi"):
        target = target()
    return operations_from_openapi(target.openapi())


def operations_from_openapi(document: dict[str, Any]) -> list[Operation]:
    operations = []
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    documented_codes=tuple(str(code) for code in operation.get("responses", {})),
                )
            )
    return operations


@dataclass(frozen=True)
class _Template:
    path: str
    pattern: re.Pattern[str]


def _compile(path: str) -> _Template:
    # OpenAPI writes every parameter as {name}; FastAPI validates its type after routing, so
    # any one segment matches here just as it does in the router.
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return _Template(path, re.compile(f"^{regex}$"))


class OperationMatcher:
    def __init__(self, operations: Iterable[Operation]) -> None:
        self.operations = list(operations)
        self._by_path: dict[str, dict[str, Operation]] = {}
        for operation in self.operations:
            self._by_path.setdefault(operation.path, {})[operation.method] = operation
        self._templates = [_compile(path) for path in self._by_path]
        self._seen: dict[tuple[str, str], Operation | None] = {}

    def match(self, method: str, path: str) -> Operation | None:
        key = (method, path)
        if key not in self._seen:  # a big run repeats its requests: match each once
            self._seen[key] = self._match(method, path)
        return self._seen[key]

    def _match(self, method: str, path: str) -> Operation | None:
        for template in self._templates:
            if template.pattern.match(path):
                operation = self._by_path[template.path].get(method.upper())
                if operation is not None:
                    return operation
        return None


def build_coverage(operations: list[Operation], cases: Iterable[Case]) -> Coverage:
    matcher = OperationMatcher(operations)
    cells: dict[Operation, dict[int, list[Case]]] = {op: {} for op in operations}
    unmatched: dict[tuple[str, str, int], list[Case]] = {}
    for case in cases:
        if case.run is None:
            continue
        for call in case.run.api_calls:
            operation = matcher.match(call.method, call.path)
            if operation is None:
                bucket = unmatched.setdefault((call.method, call.path, call.status_code), [])
            else:
                bucket = cells[operation].setdefault(call.status_code, [])
            if not bucket or bucket[-1] is not case:  # each case once: its calls come together
                bucket.append(case)
    codes = sorted({code for row in cells.values() for code in row})
    rows = [CoverageRow(op, dict(sorted(cells[op].items()))) for op in operations]
    return Coverage(rows=rows, codes=codes, unmatched=dict(sorted(unmatched.items())))
