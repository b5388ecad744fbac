"""A pytest plugin for suite_speed.py (beside it): how many HTTP requests the suite's apps serve.

Loaded only by the benchmark (`-p request_count`, with tools/benchmarks/ on PYTHONPATH). Every
Starlette app a fixture builds is wrapped in a counting ASGI middleware, so the count covers
every request that reached an app, whichever client sent it. The total is written at the end
of the session to the file named by SUITE_SPEED_REQUEST_COUNT.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

OUTPUT_VARIABLE = "SUITE_SPEED_REQUEST_COUNT"


class _Counter:
    def __init__(self) -> None:
        self.requests = 0
        self.wrapped: set[int] = set()


_counter = _Counter()


class CountRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            _counter.requests += 1
        await self.app(scope, receive, send)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup() -> Generator[None, Any, Any]:
    value = yield
    if isinstance(value, Starlette) and id(value) not in _counter.wrapped:
        _counter.wrapped.add(id(value))
        if value.middleware_stack is None:
            value.add_middleware(CountRequests)
        else:  # already serving: wrap what it serves
            value.middleware_stack = CountRequests(value.middleware_stack)
    return value


def pytest_sessionfinish() -> None:
    target = os.environ.get(OUTPUT_VARIABLE)
    if target:
        Path(target).write_text(f"{_counter.requests}\n")
