"""The suite's harness, as an index: each module named here is a pytest plugin.

One engine, schema and running app per run; per test a rolled-back transaction, fresh clients
and its own throttle (tests/harness/__init__.py says which module does what). The living
documentation, the pytest-bdd guards and the step lookup cache come from the
`pytest-bdd-livingdoc` plugin (livingdoc/), installed by `make install`, loaded by its entry
point; pytester, which proves that plugin bites, is loaded from pyproject's addopts.
"""

pytest_plugins = [
    "tests.harness.settings",
    "tests.harness.database",
    "tests.harness.application",
    "tests.harness.callers",
    "tests.harness.environment",
    # A fake catalog on loopback for the `@live` tests and scenarios.
    "tests.support.fakes.live",
]
