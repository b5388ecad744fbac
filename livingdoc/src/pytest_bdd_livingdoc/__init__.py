"""pytest-bdd-livingdoc: living documentation and guard rails for pytest-bdd projects.

Installed, its pytest plugin (`pytest_bdd_livingdoc.plugin`, entry point `livingdoc`) guards every
run (guards.py, step_lookup.py) and, with `--living-docs=DIR`, records every pytest-bdd scenario,
merges the run with the parsed feature tree and writes `DIR/living-docs/index.html` (one
self-contained page), `DIR/cucumber.json` and `DIR/messages.ndjson` (Cucumber Messages). The
project's own tests call the checks of the specification: `catalogue.drift_report_for(config)`
and `feature_lint.findings_for(config)`. Step definitions may raise `Pending` (not written yet)
and match with `CucumberExpression` (a project's own parameter types in an
`expressions.Vocabulary`). `pytest --step-catalogue` prints the wording the step definitions allow
(step_catalogue.py).
"""

from pytest_bdd_livingdoc.expressions import CucumberExpression
from pytest_bdd_livingdoc.pending import Pending

__all__ = ["CucumberExpression", "Pending"]
