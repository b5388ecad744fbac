"""Runs of this project's own pytest (or its tools) in processes of their own, started early.

Some integration tests check what a whole run of the project says: `make docs` over a features
directory of its own (test_features_without_python.py), the big-document benchmark from a real
run's record (test_big_document_benchmark.py). Each run is a new interpreter loading the project,
its harness and its plugins, seconds of one core; a serial suite leaves the machine's other core
idle meanwhile. So the integration folder's conftest starts the runs its collected tests need
as soon as collection ends (`start`), in threads, and the tests collect their results (`result`)
when they get there: the runs go on beside the rest of the suite instead of in turn with it.

A process of its own, not pytest in this process: the runs load this project's conftest and
harness, which this process has loaded already (two sessions of them in one process would share
their modules' state), or, for the benchmark, are programs of their own.

Under pytest-xdist (or with `-p no:...` reasons of its own) nothing is started early: a worker
does not know which tests it will be given, so each run starts when its test asks for it.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_SECONDS = 300


@dataclass(frozen=True)
class Finished:
    """A finished run: how it ended, what it printed, and the directory it wrote into."""

    returncode: int
    stdout: str
    stderr: str
    directory: Path


# The processes of the runs still going: a session that ends early (-x, Ctrl-C) stops them.
_running: set["subprocess.Popen[str]"] = set()
_closing = threading.Event()


def _run(command: list[str], env: dict[str, str], directory: Path) -> Finished:
    if _closing.is_set():
        return Finished(-1, "", "not started: the session was ending", directory)
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        _running.add(process)
        try:
            stdout, stderr = process.communicate(timeout=RUN_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            stderr += f"\n(killed after {RUN_SECONDS} s)"
        finally:
            _running.discard(process)
    return Finished(process.returncode, stdout, stderr, directory)


# A run: given its directory and the environment of this process when it was asked for (taken
# in the asking thread: a test may be changing this process's environment meanwhile).
Run = Callable[[Path, dict[str, str]], object]


def docs_run(feature_name: str, feature_text: str) -> Callable[[Path, dict[str, str]], Finished]:
    """`make docs` over a features directory holding this one feature file: the module that
    binds feature files without a module of their own (step_defs/test_features.py)."""

    def run(directory: Path, environ: dict[str, str]) -> Finished:
        features = directory / "features"
        features.mkdir()
        text = textwrap.dedent(feature_text)
        (features / f"{feature_name}.feature").write_text(text, encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pytest",
            "step_defs/test_features.py",
            "-o",
            f"bdd_features_base_dir={features}",
            "-o",
            "livingdoc_step_packages=",
            f"--living-docs={directory / 'reports'}",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-rs",
        ]
        environment = {k: v for k, v in environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        return _run(command, environment, directory)

    return run


def big_document_benchmark(directory: Path, environ: dict[str, str]) -> tuple[Finished, Finished]:
    """A real record of one feature's scenarios (the template), then the benchmark from it."""
    # Nothing of this run's pytest or coverage: the benchmark is a program of its own.
    env = {k: v for k, v in environ.items() if not k.startswith(("PYTEST_", "COV_CORE_"))}
    template = _run(
        [
            sys.executable,
            "-m",
            "pytest",
            "step_defs/test_user_lookup.py",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            f"--living-docs={directory}",
        ],
        env,
        directory,
    )
    record = directory / "livingdoc-record.json"
    if not record.is_file():
        return template, Finished(-1, "", "no template: the template run wrote no record", record)
    benchmark = _run(
        [
            sys.executable,
            "tools/benchmarks/big_document.py",
            "--scenarios",
            "40",
            "--rounds",
            "1",
            "--template",
            str(record),
        ],
        env,
        directory,
    )
    return template, benchmark


class EarlyRuns:
    """Runs by name: started in threads by `start`, awaited by `result` (which starts a run
    nobody started). Each gets a directory of its own, removed by `close`."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="early-run")
        self._futures: dict[str, Future[object]] = {}
        self._lock = threading.Lock()
        self._root = Path(tempfile.mkdtemp(prefix="early-runs-"))

    def start(self, name: str, run: Run) -> "Future[object]":
        with self._lock:
            if name not in self._futures:
                directory = self._root / re.sub(r"\W", "_", name)
                directory.mkdir()
                self._futures[name] = self._pool.submit(run, directory, dict(os.environ))
            return self._futures[name]

    def result(self, name: str, run: Run) -> object:
        return self.start(name, run).result(timeout=2 * RUN_SECONDS)

    def close(self) -> None:
        """At the end of the session: runs nobody collected (a session stopped early) are
        stopped rather than waited for."""
        _closing.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in list(_running):
            process.terminate()
        self._pool.shutdown(wait=True)
        _closing.clear()
        shutil.rmtree(self._root, ignore_errors=True)
