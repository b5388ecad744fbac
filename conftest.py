"""The suite's harness, as an index: each module named here is a pytest plugin.

One engine, schema and running app per run; per test a rolled-back transaction, fresh clients
and its own throttle (tests/harness/__init__.py says which module does what). The living
documentation and the pytest-bdd guards come from the `pytest-bdd-livingdoc` plugin
(livingdoc/), installed by `make install` and loaded by its entry point.
"""

pytest_plugins = [
    # Proves the guards and the documentation plugin bite (livingdoc/tests/).
    "pytester",
    "tests.harness.settings",
    "tests.harness.database",
    "tests.harness.application",
    "tests.harness.callers",
    "tests.harness.environment",
    # A fake catalog on loopback for the `@live` tests and scenarios.
    "tests.support.fakes.live",
    # Remove once the plugin helper lands: the entry point will load these.
    "step_defs.guards",
    "livingdoc.plugin",
]
