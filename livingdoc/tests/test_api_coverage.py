"""API coverage: recording responses, matching them to OpenAPI operations, the table's cells."""

import sys
import types
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from pytest_bdd_livingdoc.api import (
    OperationMatcher,
    RequestRecorder,
    build_coverage,
    load_operations,
    operations_from_openapi,
)
from pytest_bdd_livingdoc.features import parse_feature
from pytest_bdd_livingdoc.model import ApiCall, Operation, Run, Status
from shop_project import SHOP_FEATURE


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/users/me/")
    def me() -> dict[str, str]:
        return {}

    @app.get("/users/{user_id}", responses={404: {"description": "gone"}})
    def user(user_id: int) -> dict[str, int]:
        return {"id": user_id}

    @app.patch("/users/{user_id}")
    def patch(user_id: int) -> dict[str, int]:
        return {"id": user_id}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    return app


def test_operations_come_from_the_openapi_document() -> None:
    operations = operations_from_openapi(make_app().openapi())
    assert [(o.method, o.path) for o in operations] == [
        ("GET", "/users/me/"),
        ("GET", "/users/{user_id}"),
        ("PATCH", "/users/{user_id}"),
        ("GET", "/boom"),
    ]
    assert operations[1].documented_codes == ("200", "404", "422")
    assert operations[0].summary == "Me"


def test_the_matcher_resolves_like_the_router() -> None:
    matcher = OperationMatcher(operations_from_openapi(make_app().openapi()))
    assert matcher.match("GET", "/users/me/").path == "/users/me/"  # type: ignore[union-attr]
    assert matcher.match("GET", "/users/7").path == "/users/{user_id}"  # type: ignore[union-attr]
    # A value the type check will refuse (422) still reached that operation.
    assert matcher.match("patch", "/users/abc").method == "PATCH"  # type: ignore[union-attr]
    assert matcher.match("DELETE", "/users/7") is None  # a 405: no such operation
    assert matcher.match("GET", "/users/7/items") is None
    assert matcher.match("GET", "/users") is None


def test_the_middleware_reports_every_response_and_nothing_else() -> None:
    calls: list[ApiCall] = []
    app = make_app()
    app.add_middleware(RequestRecorder, sink=calls.append)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.get("/users/3")
        client.get("/users/abc")
        client.delete("/users/3")
        client.get("/nowhere")
        client.get("/boom")
    assert calls == [
        ApiCall("GET", "/users/3", 200),
        ApiCall("GET", "/users/abc", 422),
        ApiCall("DELETE", "/users/3", 405),
        ApiCall("GET", "/nowhere", 404),
        ApiCall("GET", "/boom", 500),  # answered by the outermost middleware
    ]


def test_the_middleware_passes_websockets_through() -> None:
    calls: list[ApiCall] = []

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hi")
        await websocket.close()

    app = Starlette(
        routes=[WebSocketRoute("/ws", echo), Route("/", lambda r: PlainTextResponse("x"))]
    )
    app.add_middleware(RequestRecorder, sink=calls.append)
    with TestClient(app) as client, client.websocket_connect("/ws") as socket:
        assert socket.receive_text() == "hi"
    assert calls == []


def test_load_operations_takes_an_app_or_a_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("livingdoc_sample_app")
    module.app = make_app()  # type: ignore[attr-defined]
    module.create_app = make_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "livingdoc_sample_app", module)
    assert len(load_operations("livingdoc_sample_app:app")) == 4
    assert len(load_operations("livingdoc_sample_app:create_app")) == 4
    assert len(load_operations("livingdoc_sample_app")) == 4


def test_coverage_credits_cases_per_operation_and_code(tmp_path: Path) -> None:
    path = tmp_path / "shop.feature"
    path.write_text(SHOP_FEATURE, encoding="utf-8")
    feature = parse_feature(path, tmp_path)
    lamp, owning, *_ = feature.cases()
    lamp.run = Run("shop.feature", 7, None, "a", Status.PASSED, [])
    lamp.run.api_calls = [ApiCall("GET", "/users/1", 200), ApiCall("GET", "/users/2", 404)]
    owning.run = Run("shop.feature", 13, None, "b", Status.FAILED, [])
    owning.run.api_calls = [ApiCall("GET", "/users/5", 200), ApiCall("GET", "/gone", 404)]
    operations = [
        Operation("GET", "/users/{user_id}", "", ("200",)),
        Operation("DELETE", "/users/{user_id}", "", ("204",)),
    ]
    coverage = build_coverage(operations, feature.cases())
    assert coverage.codes == [200, 404]
    get, delete = coverage.rows
    assert get.cells == {200: [lamp, owning], 404: [lamp]}
    assert coverage.untouched == [delete.operation]
    assert coverage.unmatched == {("GET", "/gone", 404): [owning]}
