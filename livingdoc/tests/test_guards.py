"""Each guard of a pytest-bdd suite, proven to bite.

Every test builds a small, self-contained pytest-bdd project with pytester (its own pytest.ini,
only pytest-bdd loaded, no access to the conftest of the project around it) and runs it twice:
once as plain pytest-bdd, where the defect goes unnoticed or half-noticed, and once with the
guard, where it fails loudly. The first run is what shows that the guard, and nothing else, does
the catching.
"""

import importlib
import textwrap

import pytest

from pytest_bdd_livingdoc import step_lookup
from pytest_bdd_livingdoc.step_lookup import LOOKUP

# The guards alone, as a plugin of their own; and the whole plugin, by its entry point's name.
GUARDS = ("-p", "pytest_bdd_livingdoc.guards")
PLUGIN = ("-p", "livingdoc")


def write_project(
    pytester: pytest.Pytester, files: dict[str, str], warnings: str = "error", ini: str = ""
) -> None:
    ini = f"[pytest]\npythonpath = .\nfilterwarnings =\n    {warnings}\n{ini}"
    pytester.makefile(".ini", pytest=ini)
    for name, text in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # Only pytest-bdd is loaded: no other installed plugin (randomly, xdist, cov, ...) can change
    # what the inner run shows.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        return pytester.runpytest("-p", "pytest_bdd.plugin", "-p", "no:cacheprovider", *args)


# ---- an async step fails the scenario loudly --------------------------------------------------

STOCK_FEATURE = """
    Feature: Stock
      Scenario: Counting the stock
        Given the stock is counted
        Then nothing is missing
    """

STOCK_STEPS = """
    from pathlib import Path

    from pytest_bdd import given, scenarios, then

    scenarios("stock.feature")


    @given("the stock is counted")
    {definition}


    @then("nothing is missing")
    def _() -> None:
        pass
    """

ASYNC_DEFINITIONS = {
    "coroutine": """async def _() -> None:
        Path("step-ran").touch()""",
    "async generator": """async def _():
        Path("step-ran").touch()
        yield""",
}


@pytest.mark.parametrize(
    ("kind", "unguarded_warnings"),
    [
        # An unawaited coroutine only warns, and only when collected; under "default" filters
        # nothing fails at all. (Under "error" it fails as an anonymous unraisable warning.)
        ("coroutine", "default"),
        # An async generator that is never started does not even warn.
        ("async generator", "error"),
    ],
)
def test_an_async_step_fails_its_scenario(
    pytester: pytest.Pytester, kind: str, unguarded_warnings: str
) -> None:
    steps = STOCK_STEPS.format(definition=ASYNC_DEFINITIONS[kind])
    files = {"stock.feature": STOCK_FEATURE, "test_stock.py": steps}

    write_project(pytester, files, warnings=unguarded_warnings)
    unguarded = run(pytester)
    unguarded.assert_outcomes(passed=1)
    assert not (pytester.path / "step-ran").exists(), "pytest-bdd ran the async body after all"

    write_project(pytester, files)
    guarded = run(pytester, *GUARDS)
    guarded.assert_outcomes(failed=1)
    guarded.stdout.fnmatch_lines(
        [
            "*Given 'the stock is counted' (stock.feature:3, scenario 'Counting the stock') is "
            "implemented by an async function _ at test_stock.py:8.*never awaits*plain `def`*"
        ]
    )
    assert not (pytester.path / "step-ran").exists()


# ---- an undefined step fails its scenario, naming the step ------------------------------------

ORDERS_FEATURE = """
    Feature: Orders
      Scenario: Half written
        Given the shop is open
        When Alice orders a lamp
        Then Alice owns a lamp

      Scenario: Closed today
        Given the shop is closed for the day
        Then Bob owns a chair
    """

ORDERS_STEPS = """
    from pathlib import Path

    import pytest
    from pytest_bdd import given, scenarios

    scenarios("orders.feature")


    @given("the shop is open")
    def _() -> None:
        Path("shop-opened").touch()


    @given("the shop is closed for the day")
    def _() -> None:
        pytest.skip("closed")
    """

# Stands in for a reporter (cucumber JSON, living docs) that learns of undefined steps this way.
LOOKUP_ERROR_LISTENER = """
    def pytest_bdd_step_func_lookup_error(step, exception):
        print(f"lookup error heard: {step.name}")
    """


def test_an_undefined_step_fails_its_scenario_naming_every_undefined_step(
    pytester: pytest.Pytester,
) -> None:
    write_project(
        pytester,
        {
            "orders.feature": ORDERS_FEATURE,
            "test_orders.py": ORDERS_STEPS,
            "conftest.py": LOOKUP_ERROR_LISTENER,
        },
    )

    # Plain pytest-bdd: the first scenario acts, then names only its first undefined step; the
    # second is skipped before its undefined step is ever looked up.
    unguarded = run(pytester)
    unguarded.assert_outcomes(failed=1, skipped=1)
    unguarded.stdout.fnmatch_lines(['*Step definition is not found: When "Alice orders a lamp"*'])
    unguarded.stdout.no_fnmatch_line("*Alice owns a lamp*")
    unguarded.stdout.no_fnmatch_line("*Bob owns a chair*")
    unguarded.stdout.fnmatch_lines(["lookup error heard: Alice orders a lamp"])
    assert (pytester.path / "shop-opened").exists()
    (pytester.path / "shop-opened").unlink()

    guarded = run(pytester, *GUARDS)
    guarded.assert_outcomes(failed=2)
    guarded.stdout.fnmatch_lines(
        [
            "*Scenario 'Half written' (orders.feature:2) has 2 undefined step(s); no step ran:",
            "*orders.feature:4  When 'Alice orders a lamp'  -> needs @when('Alice orders a lamp')",
            "*orders.feature:5  Then 'Alice owns a lamp'  -> needs @then('Alice owns a lamp')",
        ]
    )
    guarded.stdout.fnmatch_lines(
        [
            "*Scenario 'Closed today' (orders.feature:7) has 1 undefined step(s); no step ran:",
            "*orders.feature:9  Then 'Bob owns a chair'*",
        ]
    )
    for step in ("Alice orders a lamp", "Alice owns a lamp", "Bob owns a chair"):
        guarded.stdout.fnmatch_lines([f"lookup error heard: {step}"])
    assert not (pytester.path / "shop-opened").exists(), "a step ran before the scenario failed"


# ---- the step catalogue lists unused definitions, unmatched steps and unbound scenarios ---------

CATALOGUE_TEST = """
    import pytest

    from pytest_bdd_livingdoc import catalogue


    def test_the_catalogue_has_no_drift(pytestconfig) -> None:
        report = catalogue.drift_report_for(pytestconfig)
        if report:
            pytest.fail(report, pytrace=False)
    """

SHOP_FILES = {
    "features/shop.feature": """
        Feature: Shop
          Scenario: Buying a lamp
            Given Alice is a member
            When Alice buys a "Desk lamp"
            Then Alice owns a "Desk lamp"
        """,
    # No module binds this feature, so pytest-bdd never collects it and never looks its steps up.
    "features/returns.feature": """
        Feature: Returns
          Scenario: Returning a lamp
            Given Alice is a member
            And Alice owns a "Desk lamp"
            When Alice returns the lamp
        """,
    "shop_steps/__init__.py": "",
    "shop_steps/conftest.py": """
        from pytest_bdd import given, parsers, then


        @given("Alice is a member")
        def _() -> None:
            pass


        @then(parsers.parse('Alice owns a "{name}"'))
        def _(name: str) -> None:
            pass


        @then("the lamp is gift-wrapped")
        def _() -> None:
            pass
        """,
    "shop_steps/test_shop.py": """
        from pytest_bdd import parsers, scenarios, when

        scenarios("../features/shop.feature")


        @when(parsers.parse('Alice buys a "{name}"'))
        def _(name: str) -> None:
            pass
        """,
    "test_drift.py": CATALOGUE_TEST,
}


def test_the_catalogue_lists_unused_definitions_unmatched_steps_and_unbound_scenarios(
    pytester: pytest.Pytester,
) -> None:
    write_project(pytester, SHOP_FILES)

    unguarded = run(pytester, "shop_steps")
    unguarded.assert_outcomes(passed=1)

    # The features are under features/, where they are when bdd_features_base_dir is unset.
    write_project(pytester, SHOP_FILES, ini="livingdoc_step_packages = shop_steps\n")
    guarded = run(pytester, *PLUGIN)
    guarded.assert_outcomes(passed=1, failed=1)
    guarded.stdout.fnmatch_lines(
        [
            "*1 step definition(s) no feature step uses:",
            "*shop_steps/conftest.py:14  @then('the lamp is gift-wrapped') on _",
            "*2 feature step(s) no definition matches:",
            # And takes the type of the step before it: a "given", which @then does not serve.
            "*features/returns.feature:4  And 'Alice owns a \"Desk lamp\"' (a given step)",
            "*features/returns.feature:5  When 'Alice returns the lamp' (a when step)",
            "*1 scenario(s) no test module binds, so they never run:",
            "*features/returns.feature:2  'Returning a lamp'",
        ]
    )


# ---- the feature text carries no URL, HTTP verb or JSON ---------------------------------------

LINT_TEST = """
    import pytest

    from pytest_bdd_livingdoc import feature_lint


    def test_features_carry_no_transport_detail(pytestconfig) -> None:
        findings = feature_lint.findings_for(pytestconfig)
        if findings:
            pytest.fail(feature_lint.report(findings), pytrace=False)
    """

# The features are where pytest-bdd's bdd_features_base_dir says.
LOGIN_INI = "bdd_features_base_dir = spec/\n"
LOGIN_FILES = {
    "spec/login.feature": """
        Feature: Login
          Scenario: Alice logs in
            Given Alice opens https://shop.example/login
            When Alice sends a PUT with her password
            Then she receives {"token": "abc"}
        """,
    "test_login.py": """
        from pytest_bdd import given, scenarios, then, when

        scenarios("login.feature")


        @given("Alice opens https://shop.example/login")
        def _() -> None:
            pass


        @when("Alice sends a PUT with her password")
        def _() -> None:
            pass


        @then('she receives {"token": "abc"}')
        def _() -> None:
            pass
        """,
    "test_transport_detail.py": LINT_TEST,
}


def test_the_feature_text_lint_fails_on_urls_http_verbs_and_json(
    pytester: pytest.Pytester,
) -> None:
    write_project(pytester, LOGIN_FILES, ini=LOGIN_INI)

    unguarded = run(pytester, "test_login.py")
    unguarded.assert_outcomes(passed=1)

    guarded = run(pytester, *PLUGIN)
    guarded.assert_outcomes(passed=1, failed=1)
    guarded.stdout.fnmatch_lines(
        [
            "*3 piece(s) of transport detail in the features*",
            "*spec/login.feature:3: URL 'https://shop.example/login' in: Given Alice opens*",
            "*spec/login.feature:4: HTTP verb 'PUT' in: When Alice sends a PUT*",
            "*spec/login.feature:5: JSON '{\"' in: Then she receives*",
        ]
    )


PROBE = """
    def test_probe(pytestconfig) -> None:
        assert pytestconfig.pluginmanager.has_plugin("pytest_bdd.plugin")
        assert not pytestconfig.pluginmanager.has_plugin("pytest_bdd_livingdoc.guards")
        assert not pytestconfig.pluginmanager.has_plugin("livingdoc")
    """


def test_inner_projects_do_not_see_this_repository(pytester: pytest.Pytester) -> None:
    # The "unguarded" runs above prove something only if the guard plugin is absent from them.
    write_project(pytester, {"test_probe.py": PROBE})
    run(pytester).assert_outcomes(passed=1)
    run(pytester, *GUARDS).assert_outcomes(failed=1)


# ---- installed, the plugin brings the guards, unless switched off -----------------------------

SYNC_DEFINITION = """def _() -> None:
        pass"""


def test_the_plugin_brings_the_guards_unless_switched_off(pytester: pytest.Pytester) -> None:
    steps = STOCK_STEPS.format(definition=ASYNC_DEFINITIONS["async generator"])
    files = {"stock.feature": STOCK_FEATURE, "test_stock.py": steps}

    write_project(pytester, files)
    run(pytester, *PLUGIN).assert_outcomes(failed=1)
    # Named twice (entry point and module), the guards are registered once.
    run(pytester, *PLUGIN, *GUARDS).assert_outcomes(failed=1)

    write_project(pytester, files, ini="livingdoc_guards = false\n")
    run(pytester, *PLUGIN).assert_outcomes(passed=1)


# ---- the step lookup cache: used, switchable, and refused where pytest-bdd moved --------------

TWICE_FEATURE = """
    Feature: Stock
      Scenario: Counting the stock
        Given the stock is counted
        Then nothing is missing

      Scenario: Counting it again
        Given the stock is counted
        Then nothing is missing
    """


@pytest.mark.parametrize(
    ("ini", "lookups"),
    [
        # Two distinct steps in one module: each worked out once, for the guard and pytest-bdd.
        ("", 2),
        # 2 scenarios x 2 steps, each looked up by the guard and again by pytest-bdd.
        ("livingdoc_step_lookup_cache = false\n", 8),
        ("livingdoc_step_lookup_cache = false\nlivingdoc_guards = false\n", 4),
    ],
    ids=["cached", "uncached", "uncached-unguarded"],
)
def test_the_step_lookup_is_remembered_per_module_unless_switched_off(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ini: str, lookups: int
) -> None:
    steps = STOCK_STEPS.format(definition=SYNC_DEFINITION)
    write_project(pytester, {"stock.feature": TWICE_FEATURE, "test_stock.py": steps}, ini=ini)
    scenario_module = importlib.import_module("pytest_bdd.scenario")
    original = step_lookup.pytest_bdd_lookup()
    assert original is not None
    calls: list[str] = []

    def counting(step, fixturemanager, node):  # type: ignore[no-untyped-def]
        calls.append(step.name)
        return original(step=step, fixturemanager=fixturemanager, node=node)

    monkeypatch.setattr(scenario_module, LOOKUP, counting)
    # What the inner run's install sets, restored afterwards for this session's own lookups.
    monkeypatch.setattr(step_lookup, "_uncached", step_lookup._uncached)
    run(pytester, *PLUGIN).assert_outcomes(passed=2)
    assert len(calls) == lookups, calls


@pytest.mark.parametrize("plugins", [PLUGIN, GUARDS], ids=["plugin", "guards-alone"])
def test_a_pytest_bdd_without_the_step_lookup_stops_the_run_at_start_up(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, plugins: tuple[str, ...]
) -> None:
    steps = STOCK_STEPS.format(definition=SYNC_DEFINITION)
    write_project(pytester, {"stock.feature": STOCK_FEATURE, "test_stock.py": steps})
    monkeypatch.delattr(importlib.import_module("pytest_bdd.scenario"), LOOKUP)

    result = run(pytester, *plugins)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: pytest-bdd-livingdoc cannot use the private step lookup of pytest-bdd 9.*: "
            "`pytest_bdd.scenario.find_fixturedefs_for_step` is gone.*"
            "livingdoc_step_lookup_cache = false*"
        ]
    )
