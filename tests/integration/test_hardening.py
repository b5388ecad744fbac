"""What every answer carries, and what the service never advertises or follows.

- A token answer is never stored: Cache-Control: no-store (and Pragma: no-cache), RFC 6749 5.1.
- Every answer, errors included: X-Content-Type-Options: nosniff, and a Content-Security-Policy
  that allows nothing (an API answer is never a page); the documentation pages get exactly the
  sources they load.
- The documentation (/docs, /redoc, /openapi.json) can be turned off; it is off in production
  unless API_DOCS=true.
- A Host the service is not reached at (ALLOWED_HOSTS) is refused before any route runs, so no
  redirect ever points at it.
- `make serve` runs uvicorn without its `server` header.
"""

import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Environment, Settings
from app.main import create_app
from app.models import User
from tests.harness.types import HeadersFor
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.uvicorn_server import REQUEST_SECONDS, ROOT, migrated_database, serving

API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _expect_hardened(response: httpx.Response | object, what: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Content-Security-Policy") == API_POLICY, what


def test_a_token_answer_is_never_stored(client: TestClient, member: User) -> None:
    response = client.post(
        "/token", data={"username": member.username, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


def test_every_answer_says_nosniff_and_allows_nothing_to_load(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    headers = auth_headers(member)
    answers = {
        "200": client.get("/users/me/", headers=headers),
        "201": client.post("/items/", json={"name": "Lamp", "price": "1.00"}, headers=headers),
        "401": client.get("/users/me/"),
        "404": client.get("/nowhere"),
        "405": client.delete("/health"),
        "413": client.post(
            "/users/", content=b"x" * 70_000, headers={"Content-Type": "application/json"}
        ),
        "422": client.post("/items/", json={}, headers=headers),
        "400 host": client.get("/health", headers={"Host": "evil.example"}),
    }

    assert {name: str(r.status_code) for name, r in answers.items()} == {
        name: name.split()[0] for name in answers
    }
    for name, response in answers.items():
        _expect_hardened(response, name)


class _Sources(HTMLParser):
    """Every URL a page loads, by the CSP directive that governs it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.found.append(("script-src", str(attributes["src"])))
            else:
                self.inline_scripts += 1
        elif tag == "link" and attributes.get("href"):
            rel = attributes.get("rel") or ""
            kind = "style-src" if "stylesheet" in rel else "img-src"
            self.found.append((kind, str(attributes["href"])))


def _policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def _origin(url: str) -> str:
    match = re.match(r"https://[^/]+", url)
    assert match, url
    return match.group(0)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_documentation_pages_may_load_what_they_need_and_nothing_else(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response.headers["Content-Security-Policy"])
    page = _Sources()
    page.feed(response.text)

    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for directive, url in page.found:
        assert _origin(url) in policy[directive], (directive, url, policy)
    if page.inline_scripts:
        assert "'unsafe-inline'" in policy["script-src"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


DOCUMENTATION = ("/docs", "/redoc", "/docs/oauth2-redirect", "/openapi.json")


@pytest.mark.parametrize(
    ("changes", "served"),
    [
        pytest.param({}, True, id="on by default"),
        pytest.param({"api_docs": False}, False, id="turned off"),
        pytest.param(
            {"environment": Environment.PRODUCTION}, False, id="off by default in production"
        ),
        pytest.param(
            {"environment": Environment.PRODUCTION, "api_docs": True},
            True,
            id="turned on in production",
        ),
    ],
)
def test_the_documentation_can_be_turned_off(
    test_settings: Settings, changes: dict[str, object], served: bool
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{**test_settings.model_dump(), "secret_key": "s" * 32, **changes},
    )
    app = create_app(settings)
    client = TestClient(app)

    statuses = {path: client.get(path).status_code for path in DOCUMENTATION}

    app.state.engine.dispose()
    assert statuses == dict.fromkeys(DOCUMENTATION, 200 if served else 404)


def test_a_request_for_another_host_is_refused_not_redirected(client: TestClient) -> None:
    foreign = client.get("/items", headers={"Host": "evil.example"}, follow_redirects=False)
    ours = client.get("/items", follow_redirects=False)

    assert foreign.status_code == 400
    assert "location" not in foreign.headers
    assert (ours.status_code, ours.headers["location"]) == (307, "http://testserver/items/")


def _make_serve_uvicorn_flags() -> list[str]:
    """The flags `make serve` passes uvicorn, but where it listens (a test picks a free port)."""
    recipe = re.search(r"^serve:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, "the Makefile has no serve target"
    [line] = [line for line in recipe.group(1).splitlines() if "uvicorn" in line]
    words = shlex.split(line)
    flags = words[words.index("app.main:app") + 1 :]
    for option in ("--host", "--port"):
        if option in flags:
            at = flags.index(option)
            del flags[at : at + 2]
    return flags


def test_the_app_served_as_make_serve_serves_it_does_not_advertise_its_server(
    tmp_path: Path,
) -> None:
    with (
        migrated_database(tmp_path, "serve") as database,
        serving(database, tmp_path / "server.log", flags=_make_serve_uvicorn_flags()) as server,
        httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as client,
    ):
        health = client.get("/health")
        foreign = client.get("/items", headers={"Host": "evil.example"})

    assert health.status_code == 200, server.log()
    assert "server" not in health.headers, health.headers
    assert foreign.status_code == 400
    assert "location" not in foreign.headers
    _expect_hardened(health, "/health under uvicorn")


@pytest.mark.parametrize(
    ("written", "hosts"),
    [
        pytest.param("api.example.com", ["api.example.com"], id="one name"),
        pytest.param(
            "api.example.com, *.example.org", ["api.example.com", "*.example.org"], id="a list"
        ),
        pytest.param("[::1], localhost", ["[::1]", "localhost"], id="an IPv6 address"),
    ],
)
def test_allowed_hosts_are_written_comma_separated(
    monkeypatch: pytest.MonkeyPatch, written: str, hosts: list[str]
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", written)

    assert Settings(_env_file=None).allowed_hosts == hosts  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "written",
    [
        pytest.param('["api.example.com"]', id="a JSON list"),
        pytest.param("https://api.example.com", id="a URL"),
        pytest.param("api.example.com:8000", id="with a port"),
        pytest.param("api.*.com", id="a wildcard inside"),
        pytest.param(" , ", id="none"),
    ],
)
def test_allowed_hosts_that_name_no_host_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", written)

    with pytest.raises(ValidationError, match="allowed_hosts"):
        Settings(_env_file=None)  # type: ignore[call-arg]
