"""A small pytest-bdd project that ends in every status, for the plugin's end-to-end tests.

`write_shop_project(directory)` writes it and `run_pytest(directory, ...)` runs it: one
feature whose scenarios pass, fail, have an undefined first or later step, are skipped or
expected to fail, a Rule with a tagged outline, a second feature no test module binds, and a
tiny FastAPI app the steps call, so the API coverage table has something to show. It knows
nothing of the project around it: it runs with the plugin as installed.
"""

import contextlib
import importlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SHOP_FEATURE = """\
@shop
Feature: Shop
  As a product owner
  I want every verdict on every sentence

  @smoke
  Scenario: Buying a lamp
    Given an open shop
    When I buy a "lamp"
    And I look in the basement
    Then I own a "lamp"

  Scenario: Owning what was never bought
    When I buy a "lamp"
    Then I own a "desk"

  Scenario: Nobody wrote the first step
    Given a step nobody wrote
    Then I own a "lamp"

  Scenario: Nobody wrote a later step
    When I buy a "lamp"
    Then a later step nobody wrote

  @closed
  Scenario: The shop is closed today
    When I buy a "lamp"

  @known_bug
  Scenario: Desks are known to go missing
    When I buy a "desk"
    Then I own a "chair"

  @pricing
  Rule: Prices are what the list says

    Background:
      Given an open shop

    @prices
    Scenario Outline: A <thing> costs <price>
      When I buy a "<thing>"
      Then it costs <price>

      @cheap
      Examples: Cheap things
        | thing | price |
        | pen   | 1     |
        | cup   | 2     |

      @dear
      Examples: Dear things
        | thing | price |
        | sofa  | 999   |

  Rule: The stockroom

    Background:
      Given the stockroom is flooded

    Scenario: Fetching a chair from the stockroom
      When I buy a "chair"
"""

UNBOUND_FEATURE = """\
Feature: Returns
  Nobody has written the tests for this feature yet.

  Scenario: A lamp is returned
    Given an open shop
    When I return a "lamp"
"""

SAMPLE_APP = """\
from fastapi import FastAPI, HTTPException


def create_app() -> FastAPI:
    app = FastAPI()
    app.state.things = {}

    @app.post("/things/", status_code=201, summary="Buy a thing")
    def buy(name: str) -> dict:
        thing_id = len(app.state.things) + 1
        app.state.things[thing_id] = name
        return {"id": thing_id}

    @app.get("/things/{thing_id}", summary="Look at a thing")
    def look(thing_id: int) -> dict:
        if thing_id not in app.state.things:
            raise HTTPException(404, "no such thing")
        return {"id": thing_id, "name": app.state.things[thing_id]}

    @app.delete("/things/{thing_id}", status_code=204, summary="Throw a thing away")
    def throw_away(thing_id: int) -> None:
        app.state.things.pop(thing_id, None)

    return app


app = create_app()
"""

CONFTEST = """\
import pytest
from fastapi.testclient import TestClient
from pytest_bdd import given, parsers, then, when

from sample_app import create_app

PRICES = {"pen": 1, "cup": 3, "sofa": 999}


def pytest_bdd_apply_tag(tag, function):
    if tag == "closed":
        pytest.mark.skip(reason="the shop is closed on Sundays")(function)
        return True
    if tag == "known_bug":
        pytest.mark.xfail(reason="bug 7: desks vanish", strict=True)(function)
        return True
    return None


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture
def client(app):
    app.state.things.clear()
    with TestClient(app) as client:
        yield client


@given("an open shop")
def open_shop(client):
    assert client.get("/things/1").status_code == 404


@when(parsers.parse('I buy a "{thing}"'), target_fixture="bought")
def buy(client, thing):
    response = client.post("/things/", params={"name": thing})
    assert response.status_code == 201
    return {"id": response.json()["id"], "thing": thing}


@given("the stockroom is flooded")
def flooded():
    raise RuntimeError("the stockroom is under water")


@when("I look in the basement")
def basement(client):
    assert client.get("/basement").status_code == 404


@then(parsers.parse('I own a "{thing}"'))
def own(client, bought, thing):
    response = client.get(f"/things/{bought['id']}")
    assert response.json()["name"] == thing, f"I own a {response.json()['name']}, not a {thing}"


@then(parsers.parse("it costs {price:d}"))
def costs(bought, price):
    assert PRICES[bought["thing"]] == price
"""

TEST_MODULE = """\
from pytest_bdd import scenarios

scenarios("shop.feature")
"""

INI = """\
[pytest]
bdd_features_base_dir = features/
living_docs_openapi = sample_app:app
living_docs_title = Shop documentation
# The page shows how pytest-bdd itself meets each step (test_plugin.py runs the guards once).
livingdoc_guards = false
pythonpath = .
xfail_strict = true
filterwarnings = error
addopts = -p no:cacheprovider
markers =
    shop
    smoke
    pricing
    prices
    cheap
    dear
"""


def write_shop_project(root: Path) -> Path:
    (root / "features").mkdir(parents=True)
    (root / "features" / "shop.feature").write_text(SHOP_FEATURE, encoding="utf-8")
    (root / "features" / "returns.feature").write_text(UNBOUND_FEATURE, encoding="utf-8")
    (root / "tox.ini").write_text(INI, encoding="utf-8")
    (root / "sample_app.py").write_text(SAMPLE_APP, encoding="utf-8")
    (root / "test_shop.py").write_text(TEST_MODULE, encoding="utf-8")
    (root / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    return root


# The plugins a run loads: pytest-bdd, xdist, and this plugin by its entry point's name.
PLUGINS = ("-p", "pytest_bdd.plugin", "-p", "xdist.plugin", "-p", "livingdoc")


def run_pytest(
    root: Path,
    *args: str,
    autoload: bool = False,
    in_process: bool | None = None,
    environ: dict[str, str] | None = None,
) -> "subprocess.CompletedProcess[str] | InProcessRun":
    """pytest run on the project at `root`, with the plugin as installed.

    By default only PLUGINS are loaded: the outer environment's other plugins (hypothesis,
    faker, ...) cost seconds per run. `autoload=True` loads every installed plugin instead, as a
    plain `pytest` does, and names none: that needs a process of its own (what is loaded is
    decided when a process's pytest starts), as does a run under xdist (its workers are
    processes anyway, and the controller's outputs gather theirs as CI's would). Any other run
    goes in process (`run_in_process`): the same plugins on a fresh configuration, a second or
    more cheaper than a new interpreter importing pytest, pytest-bdd and FastAPI again.
    """
    if in_process is None:
        in_process = not autoload and "-n" not in args
    if in_process:
        return run_in_process(root, *args)
    command, env = pytest_command(*args, autoload=autoload, environ=environ)
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


@dataclass(frozen=True)
class InProcessRun:
    """What a run in process printed and how it ended: the fields of a CompletedProcess the
    tests read."""

    returncode: int
    stdout: str
    stderr: str


def run_in_process(root: Path, *args: str) -> InProcessRun:
    """pytest.main on the project at `root`, as `pytest_command` would run it, in this process.

    What the run changes is put back afterwards: the working directory, the environment,
    sys.path and the modules it imported from the project (its conftest, test modules and app
    share names with every other sample project's).
    """
    out, err = io.StringIO(), io.StringIO()
    importlib.invalidate_caches()  # the project's files were written a moment ago
    with _isolated(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = pytest.main([*PLUGINS, *args], plugins=[_NoCollectHarder()])
    return InProcessRun(int(code), out.getvalue(), err.getvalue())


class _NoCollectHarder:
    """What pytester does for its runs in process: pytest's unraisable-exception plugin runs the
    garbage collector at the end of a run, over the whole heap of this process (a suite's worth
    of objects: up to a second a run), to find what a process that ends anyway leaves behind."""

    @staticmethod
    def pytest_configure(config: pytest.Config) -> None:
        try:
            from _pytest.unraisableexception import gc_collect_iterations_key
        except ImportError:  # pytest moved it: the run is only slower
            return
        config.stash[gc_collect_iterations_key] = 0


@contextlib.contextmanager
def _isolated(root: Path) -> Iterator[None]:
    root = root.resolve()
    saved_environ = dict(os.environ)
    saved_path = list(sys.path)
    saved_cwd = os.getcwd()
    # Modules of this process named as the project's are put aside for the run: the project's
    # test_wip.py must not meet this folder's test_wip module (pytest would refuse the mismatch).
    names = {path.stem for path in root.rglob("*.py")} | {p.name for p in root.iterdir()}
    aside = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    before = set(sys.modules)
    os.environ.clear()
    os.environ.update(_environment(saved_environ, autoload=False))
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environ)
        sys.path[:] = saved_path
        for name in set(sys.modules) - before:
            if _is_under(sys.modules[name], root):
                del sys.modules[name]
        sys.modules.update(aside)


def _is_under(module: object, root: Path) -> bool:
    places = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
    return any(place and Path(place).resolve().is_relative_to(root) for place in places)


def pytest_command(
    *args: str, autoload: bool, environ: dict[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a run in a process of its own; `environ` is this
    process's environment as it was when the run was asked for (by default, now)."""
    plugins = () if autoload else PLUGINS
    env = _environment(os.environ if environ is None else environ, autoload=autoload)
    return [sys.executable, "-m", "pytest", *plugins, *args], env


def _environment(outer: "os._Environ[str] | dict[str, str]", autoload: bool) -> dict[str, str]:
    env = {
        name: value
        for name, value in outer.items()
        # Nothing of the outer run (its xdist worker's name included), and no path to a
        # checkout: the plugin must be installed.
        if not name.startswith(("PYTEST_", "COV_CORE_", "COVERAGE_")) and name != "PYTHONPATH"
    }
    env |= {"LIVING_DOCS_COMMIT": "0123456789ab", "PY_COLORS": "0"}
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


# Every output: the living documentation (page, Cucumber JSON, messages, record) and JUnit XML.
RUN_ARGS = ("--living-docs=reports", "--junitxml=reports/junit.xml")

# How the shop's run ends, in pytest's own words.
SHOP_OUTCOME = "5 failed, 3 passed, 1 skipped, 1 xfailed"


# What the run must record: case name -> status (outline rows by their filled-in name).
EXPECTED_STATUSES = {
    "Buying a lamp": "passed",
    "Owning what was never bought": "failed",
    "Nobody wrote the first step": "undefined",
    "Nobody wrote a later step": "undefined",
    "The shop is closed today": "skipped",
    "Desks are known to go missing": "skipped",
    "A pen costs 1": "passed",
    "A cup costs 2": "failed",
    "A sofa costs 999": "passed",
    "Fetching a chair from the stockroom": "failed",
    "A lamp is returned": "not run",
}


class EarlyRuns:
    """Runs in processes of their own, started in threads as soon as collection ends
    (conftest.py, each module's EARLY_RUNS) and awaited by the tests that read them.

    A serial run of these tests leaves the machine's other core idle while it works in this
    process; a run under xdist or with every plugin autoloaded is mostly interpreters starting,
    which can go on there meanwhile. Each run gets a directory of its own and this process's
    environment as it was when the run was started (a test may change it while the run goes).
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="early-shop-run")
        self._futures: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._root = Path(tempfile.mkdtemp(prefix="early-shop-runs-"))

    def start(self, name: str, run: Callable[[Path, dict[str, str]], Any]) -> "Future[Any]":
        with self._lock:
            if name not in self._futures:
                directory = self._root / f"run{len(self._futures)}"
                directory.mkdir()
                self._futures[name] = self._pool.submit(run, directory, dict(os.environ))
            return self._futures[name]

    def result(self, name: str, run: Callable[[Path, dict[str, str]], Any]) -> Any:
        """The run's result, once it ends; a run nobody started starts now."""
        return self.start(name, run).result(timeout=600)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._root, ignore_errors=True)
