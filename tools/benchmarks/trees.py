"""The two arms of targets.py and growth.py: this checkout ("ours") and a baseline commit, each a
tree of the project that pytest runs in, with the same .venv.

The baseline is `git archive <commit>` extracted into a temporary folder, run with
`PYTHONPATH=<copy>:<copy>/livingdoc/src` and the copy as working directory, so its own app,
harness, step definitions and living-documentation plugin load rather than this checkout's (the
.venv's editable installs point here; PYTHONPATH comes first). `Tree.origins()` says where each
came from, and the benchmarks print it once. A copy of the working tree (`working_copy`) is made
the same way when a benchmark must write into a tree (growth.py's synthetic suites).
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = Path(__file__).resolve().parent
# The same order every run (less noise between arms) and no cache between them.
STEADY = ["-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
# npm's installs, untracked: the copies borrow this checkout's (the Gherkin lint test, the report).
BORROWED = ["node_modules", "livingdoc/html-formatter/node_modules"]

ORIGINS = """
import json, app, pytest_bdd_livingdoc, step_defs, tests.harness
print(json.dumps({m.__name__: m.__file__ for m in (app, pytest_bdd_livingdoc, step_defs,
                                                   tests.harness)}))
"""


@dataclass
class Tree:
    name: str
    path: Path
    # A copy is put first on PYTHONPATH, its plugin's src too; the checkout runs as it is.
    copy: bool = False
    commit: str | None = None  # a baseline's

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {**os.environ, **(extra or {})}
        # As the Makefile does: pytest caches its rewritten plugin modules only if it may write
        # bytecode (see the Makefile's `unexport`).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not extra or "TEST_DATABASE_URL" not in extra:
            env.pop("TEST_DATABASE_URL", None)
        paths = [str(self.path), str(self.path / "livingdoc" / "src")] if self.copy else []
        # The benchmarks' own plugins (request_count) are imported from here.
        paths.append(str(BENCHMARKS))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [*paths, env.get("PYTHONPATH")]))
        return env

    def origins(self) -> str:
        result = subprocess.run(
            [sys.executable, "-c", ORIGINS],
            cwd=self.path,
            env=self.env(),
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def check_origins(self) -> None:
        """Prints where the tree's modules load from; stops if any comes from elsewhere."""
        import json

        found: dict[str, str] = json.loads(self.origins())
        print(f"{self.name}: {self.path}")
        for module, file in found.items():
            print(f"  {module}: {file}")
            if not Path(file).resolve().is_relative_to(self.path.resolve()):
                sys.exit(f"{self.name}: {module} loads from {file}, outside {self.path}")


def checkout() -> Tree:
    return Tree("ours", ROOT)


def baseline(commit: str, directory: Path) -> Tree:
    """`git archive <commit>` of this repository, extracted into `directory`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=False
    )
    if archive.returncode != 0:
        sys.exit(f"baseline: no commit {commit} here ({archive.stderr.decode().strip()})")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    borrow(directory)
    return Tree(f"baseline {commit}", directory, copy=True, commit=commit)


def working_copy(name: str, directory: Path) -> Tree:
    """This checkout's working tree as it is now (tracked and untracked files, not ignored
    ones), copied into `directory`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for entry in filter(None, listed):
        source = ROOT / entry.decode()
        if source.is_file():
            target = directory / entry.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    borrow(directory)
    return Tree(name, directory, copy=True)


def fresh_copy(tree: Tree, directory: Path) -> Tree:
    """Another copy of the tree's files, to write into (the checkout's as it is now)."""
    if tree.commit:
        return baseline(tree.commit, directory)
    return working_copy(tree.name, directory)


def borrow(directory: Path) -> None:
    for name in BORROWED:
        source, target = ROOT / name, directory / name
        if source.is_dir() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)


@dataclass
class Timed:
    wall: float
    cpu: float
    times: list[float] = field(default_factory=list)  # per test case, from the JUnit XML
    failed: list[str] = field(default_factory=list)
    requests: int | None = None

    @property
    def in_tests(self) -> float:
        return sum(self.times)

    @property
    def median_test(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def run_pytest(
    tree: Tree,
    arguments: list[str],
    scratch: Path,
    *,
    env: dict[str, str] | None = None,
    count_requests: bool = False,
) -> Timed:
    """Runs `python -m pytest <arguments>` in the tree, timed; a failing test is said, not fatal
    (the run still did nearly the same work)."""
    junit = scratch / "junit.xml"
    junit.unlink(missing_ok=True)
    counted = scratch / "requests.txt"
    command = [sys.executable, "-m", "pytest", *arguments, *STEADY, f"--junitxml={junit}"]
    environment = tree.env(env)
    if count_requests:
        command += ["-p", "request_count"]
        environment["SUITE_SPEED_REQUEST_COUNT"] = str(counted)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=tree.path, env=environment, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1) or not junit.exists():
        sys.exit(
            f"{tree.name}: pytest exited {result.returncode}\n"
            f"{' '.join(command)}\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
        )
    cases = [case for case in ET.parse(junit).iter("testcase") if case.find("skipped") is None]
    failed = [
        f"{case.get('classname')}::{case.get('name')}"
        for case in cases
        if any(case.find(tag) is not None for tag in ("failure", "error"))
    ]
    if failed:
        print(f"WARNING {tree.name}: {len(failed)} test(s) failed: {', '.join(failed[:5])}")
    timed = Timed(
        elapsed,
        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        [float(case.get("time", "0")) for case in cases],
        failed,
    )
    if counted.exists():
        timed.requests = int(counted.read_text())
        counted.unlink()
    return timed


def wall_of(tree: Tree, arguments: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds a command of the tree's pytest takes, nothing else measured (collection only)."""
    command = [sys.executable, "-m", "pytest", *arguments, *STEADY]
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=tree.path, env=tree.env(env), capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{tree.name}: {' '.join(command)} exited {result.returncode}\n{result.stdout}")
    return elapsed
