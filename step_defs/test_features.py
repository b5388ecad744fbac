"""Every feature file that has no test module of its own runs here, with the shared steps alone.

A product owner drops `features/<name>.feature` into the repository, written with the wordings
`make steps` lists for any feature (the steps of step_defs/conftest.py), and it runs and appears
on the living documentation: no Python. A feature that needs steps of its own gets
`step_defs/test_<name>.py`, which binds it (`scenarios("<name>.feature")`) and holds those steps;
this module then leaves the file to it. The step catalogue check (tests/unit/test_specification.py)
holds the features bound here to the shared steps: a step only a feature module defines is
undefined here.
"""

from pathlib import Path

from pytest_bdd import scenarios
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

STEP_MODULES = Path(__file__).resolve().parent


def has_own_module(feature: Path) -> bool:
    return (STEP_MODULES / f"test_{feature.stem}.py").is_file()


def leave_to_their_own_modules(tests: dict[str, object]) -> None:
    for name, test in list(tests.items()):
        template = registry_get_safe(scenario_wrapper_template_registry, test)
        if template is not None and has_own_module(Path(template.feature.filename)):
            del tests[name]


# Every scenario of every file under the features directory (pytest-bdd's bdd_features_base_dir),
# then the files with a module of their own are left to it.
scenarios(".")
leave_to_their_own_modules(globals())
