"""The living documentation of a big run: how long it takes to write, how big the page is, and
how fast its search and tag filter answer in Chromium.

The run is synthetic (synthetic_run.py): copies of the project's features, actors renamed, with
the plugin's record of a real run of the acceptance suite copied onto each, up to --scenarios
cases. The benchmark then
- writes every output as the plugin does at the end of a run (parse the feature files, the
  record, the page, cucumber.json, messages.ndjson), --rounds times, and prints the median wall
  and CPU seconds with each output's share;
- prints the size of each output;
- opens the page in Debian's Chromium (Playwright; never a downloaded browser) and prints how
  long the page takes to be ready and the median latency of a search and of a tag filter: from
  the input to the next frame drawn (requestAnimationFrame, then a task), --rounds times each;
- with --baseline REF, does the same with the plugin as it was at that git commit (today's
  design before the big-document work), side by side.

    .venv/bin/python tools/benchmarks/big_document.py [--scenarios 10000] [--rounds 3]
        [--template reports/livingdoc-record.json] [--baseline 8d73215]

`make bench` runs it at full size; .ci/run at 1,000 scenarios, from the record `make docs` wrote.
Prints figures only: the targets (at 10,000 scenarios: written in 5 s, a page of 5 MB, search and
filter in 1 s) are for the reader to hold them against.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pytest_bdd_livingdoc import record as records
from synthetic_run import ROOT, build, real_template

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The state of the plugin before the big-document work, for --baseline.
BEFORE = "8d73215"

# Runs in a fresh interpreter (this plugin's, or the baseline's on PYTHONPATH): writes the
# outputs of the synthetic run and prints what each took, as JSON.
WRITE = r"""
import gc, json, resource, sys, time
from pathlib import Path

root, output = Path(sys.argv[1]), Path(sys.argv[2])
from pytest_bdd_livingdoc import writer
from pytest_bdd_livingdoc.features import find_feature_files, parse_features

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

data = json.loads((root / "livingdoc-record.json").read_text(encoding="utf-8"))
wall, started_cpu, timings = time.perf_counter(), cpu(), {}
if hasattr(writer, "quiet_collector"):  # this design
    from pytest_bdd_livingdoc.record import Record
    with writer.quiet_collector():
        features = parse_features(find_feature_files(root / "features"), root)
        timings["parse"] = time.perf_counter() - wall
        lap = time.perf_counter()
        record = Record.from_json(data)  # as the plugin turns its records into runs
        timings["runs"] = time.perf_counter() - lap
        writer.write_outputs(output, features, record, root, timings=timings)
else:  # the baseline's writer: features, runs, meta, rootdir, operations
    from pytest_bdd_livingdoc.model import Meta, Operation, Run, RunError, StepDefinition
    definitions = data["definitions"]
    runs = []
    for run in data["runs"]:
        for step in run["steps"]:
            if isinstance(step.get("definition"), int):
                step["definition"] = StepDefinition.from_record(definitions[step["definition"]]).key
        runs.append(Run.from_record(run))
    meta = Meta(data["title"], data["generated_at"], data["commit"], data["wall_time"],
                started=data["started"],
                definitions=[StepDefinition.from_record(d) for d in definitions])
    operations = [Operation(m, p, s, tuple(c)) for m, p, s, c in data["operations"] or []]
    features = parse_features(find_feature_files(root / "features"), root)
    timings["parse"] = time.perf_counter() - wall
    writer.write_outputs(output, features, runs, meta, root, operations or None)
figures = {"wall": time.perf_counter() - wall, "cpu": cpu() - started_cpu, "parts": timings}
print(json.dumps(figures))
"""

# In the page: act, then wait for the next frame to be drawn, and return the milliseconds taken.
MEASURE = """async ([kind, value]) => {
  const started = performance.now();
  if (kind === "search") {
    const box = document.getElementById("search");
    box.value = value;
    box.dispatchEvent(new Event("input", {bubbles: true}));
  } else {
    document.querySelector(value).click();
  }
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return [performance.now() - started, document.getElementById("shown").textContent];
}"""


def write(root: Path, output: Path, plugin: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if plugin is not None:
        env["PYTHONPATH"] = str(plugin)
    result = subprocess.run(
        [sys.executable, "-c", WRITE, str(root), str(output)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"writing failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def sizes(output: Path) -> dict[str, int]:
    names = ["living-docs/index.html", "cucumber.json", "messages.ndjson", "livingdoc-record.json"]
    return {name: (output / name).stat().st_size for name in names if (output / name).is_file()}


def browse(page: Path, rounds: int, actor: str, tag: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, Any] = {"search": [], "tag": [], "status": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 1000})
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            started = time.perf_counter()
            tab.goto(page.as_uri(), timeout=120_000)
            if tab.evaluate("document.getElementById('livingdoc-data') !== null"):
                tab.wait_for_selector("html[data-ready]", timeout=120_000)
            figures["ready"] = time.perf_counter() - started
            figures["shown"] = tab.locator("#shown").inner_text()
            tags = tab.eval_on_selector_all("button[data-tag]", "bs => bs.map(b => b.dataset.tag)")
            tag = tag if tag in tags else tags[0]  # a small run may lack the one asked for
            figures["tag name"] = tag
            for _ in range(rounds):
                # A search most scenarios match, then one none does, then back to nothing.
                for text in (actor.lower(), "no scenario says this", ""):
                    figures["search"].append(tab.evaluate(MEASURE, ["search", text])[0])
                for selector in (f"button[data-tag='{tag}']",) * 2:  # on, off
                    figures["tag"].append(tab.evaluate(MEASURE, ["click", selector])[0])
                for selector in ("button[data-status-filter='failed']",) * 2:
                    figures["status"].append(tab.evaluate(MEASURE, ["click", selector])[0])
            if errors:
                sys.exit(f"the page raised: {errors}")
        finally:
            browser.close()
    return figures


def baseline_plugin(ref: str, directory: Path) -> Path | None:
    """The plugin's source at `ref`, extracted: what --baseline puts first on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "archive", ref, "livingdoc/src/pytest_bdd_livingdoc"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        print(f"baseline: no commit {ref} here ({archive.stderr.decode().strip()})")
        return None
    directory.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    return directory / "livingdoc" / "src"


def measure(name: str, root: Path, output: Path, plugin: Path | None, args: Any) -> None:
    rounds = [write(root, output, plugin) for _ in range(args.rounds)]
    wall = statistics.median(r["wall"] for r in rounds)
    cpu = statistics.median(r["cpu"] for r in rounds)
    parts = {
        part: statistics.median(r["parts"].get(part, 0.0) for r in rounds)
        for part in rounds[0]["parts"]
    }
    print(f"{name}: written in {wall:.2f} s wall, {cpu:.2f} s CPU (median of {args.rounds})")
    print("  " + ", ".join(f"{part} {seconds:.2f} s" for part, seconds in parts.items()))
    if "page" in parts:
        alone = sum(parts.get(part, 0.0) for part in ("parse", "runs", "merge", "page"))
        print(f"  the page alone (parse, runs, merge, page): {alone:.2f} s")
    for file, size in sizes(output).items():
        print(f"  {file}: {size / 1_000_000:.2f} MB")
    if not CHROMIUM.exists():
        print(f"  no Chromium at {CHROMIUM} (apt-get install chromium): search not measured")
        return
    browser = browse(output / "living-docs" / "index.html", args.rounds, args.actor, args.tag)
    print(f"  Chromium: page ready in {browser['ready']:.2f} s ({browser['shown']})")
    names = {"search": "search", "tag": f"tag filter ({browser['tag name']})", "status": "status"}
    for kind, name in names.items():
        values = browser[kind]
        print(
            f"  {name}: median {statistics.median(values):.0f} ms, "
            f"max {max(values):.0f} ms over {len(values)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--template", type=Path, help="a real run's livingdoc-record.json")
    parser.add_argument(
        "--baseline", metavar="REF", help=f"also measure the plugin at REF (e.g. {BEFORE})"
    )
    parser.add_argument("--actor", default="Alice", help="searched for: most scenarios name her")
    parser.add_argument("--tag", default="@smoke", help="the tag filter measured")
    args = parser.parse_args()

    gc.collect()
    with tempfile.TemporaryDirectory() as temporary:
        tmp = Path(temporary)
        template = records.read(args.template) if args.template else real_template()
        built = build(tmp / "run", args.scenarios, template)
        records.write(tmp / "run" / records.RECORD_FILE, built)
        print(
            f"{len(built.runs)} scenarios in {len(built.bound)} feature files "
            f"(copies of {len({r.feature for r in template.runs})}), "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        measure("this design", tmp / "run", tmp / "out", None, args)
        if args.baseline:
            plugin = baseline_plugin(args.baseline, tmp / "baseline")
            if plugin is not None:
                measure(f"at {args.baseline}", tmp / "run", tmp / "before", plugin, args)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"benchmark CPU in child processes: {usage.ru_utime + usage.ru_stime:.1f} s")


if __name__ == "__main__":
    main()
