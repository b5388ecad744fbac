"""The step catalogue: generated from the step definitions, printed by `--step-catalogue`, on the
page; and the drift check it rests on counts a step as defined only where it is visible.

A pytester project stands for a product: shared steps in a conftest (any feature may use them),
steps of one feature in its module, Cucumber Expressions over a vocabulary, a `@wip` scenario.
"""

import pytest

from test_guards import PLUGIN, run, write_project

STEPS_INI = "livingdoc_step_packages = shop_steps\n"

SHOP_FILES = {
    "features/buying.feature": """
        Feature: Buying
          Scenario: Buying a lamp
            Given Alice is a member
            When Alice buys a "Desk lamp"
            Then Alice owns a "Desk lamp"

          @wip
          Scenario: Gift wrapping
            Given Alice is a member
            When Alice wraps the "Desk lamp"
        """,
    "features/returns.feature": """
        Feature: Returns
          Scenario: Returning a lamp
            Given Alice is a member
            When Alice returns the "Desk lamp"
            Then Alice owns a "Desk lamp"
        """,
    "shop_steps/__init__.py": "",
    "shop_steps/words.py": """
        from pytest_bdd_livingdoc.expressions import Vocabulary

        WORDS = Vocabulary()
        WORDS.define("actor", r"[A-Z][a-z]+", description="a person, by first name")
        WORDS.quoted("item name", description="an item's name, in double quotes")
        """,
    "shop_steps/conftest.py": """
        from pytest_bdd import given, then

        from shop_steps.words import WORDS


        @given(WORDS.expression("{actor} is a member"))
        def _(actor: str) -> None:
            pass


        @then(WORDS.expression("{actor} owns a/an {item name}"))
        def _(actor: str, item_name: str) -> None:
            pass
        """,
    "shop_steps/test_buying.py": """
        from pytest_bdd import scenarios, when

        from shop_steps.words import WORDS

        scenarios("../features/buying.feature")


        @when(WORDS.expression("{actor} buys a/an {item name}"))
        def _(actor: str, item_name: str) -> None:
            pass
        """,
    "shop_steps/test_returns.py": """
        from pytest_bdd import scenarios, when

        from shop_steps.words import WORDS

        scenarios("../features/returns.feature")


        @when(WORDS.expression("{actor} returns the {item name}"))
        def _(actor: str, item_name: str) -> None:
            pass
        """,
}


def test_the_catalogue_is_printed_from_the_step_definitions(pytester: pytest.Pytester) -> None:
    write_project(pytester, SHOP_FILES, ini=STEPS_INI)
    result = run(pytester, *PLUGIN, "--step-catalogue", "-qq")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "Step catalogue: 4 wordings, 2 of them for any feature, from the step definitions in "
            "shop_steps.",
            "",
            "Any feature may use these",
            "  Given {actor} is a member",
            "      e.g. Given Alice is a member  (features/buying.feature:3; used 3 times in 2 "
            "feature files)",
            "  Then {actor} owns a/an {item name}",
            '      e.g. Then Alice owns a "Desk lamp"  (features/buying.feature:5; used 2 times in '
            "2 feature files)",
            "",
            "The steps of features/buying.feature alone",
            "  When {actor} buys a/an {item name}",
            '      e.g. When Alice buys a "Desk lamp"  (features/buying.feature:4; used once in '
            "features/buying.feature)",
            "",
            "The steps of features/returns.feature alone",
            "  When {actor} returns the {item name}",
            '      e.g. When Alice returns the "Desk lamp"  (features/returns.feature:4; used once '
            "in features/returns.feature)",
            "",
            "Placeholders",
            "  {actor}      a person, by first name",
            "  {item name}  an item's name, in double quotes",
            "",
            "Pending: steps of work in progress that no definition matches yet",
            '  features/buying.feature:10  When Alice wraps the "Desk lamp"',
        ]
    )
    result.stdout.no_fnmatch_line("*passed*")


def test_a_step_only_another_module_defines_is_undefined_where_it_runs(
    pytester: pytest.Pytester,
) -> None:
    files = {
        **SHOP_FILES,
        # Returns borrows a wording only the buying module defines: it would be undefined there.
        "features/returns.feature": SHOP_FILES["features/returns.feature"].replace(
            "returns the", "buys a"
        ),
        "test_drift.py": """
            import pytest

            from pytest_bdd_livingdoc import catalogue


            def test_the_catalogue_has_no_drift(pytestconfig) -> None:
                report = catalogue.drift_report_for(pytestconfig)
                if report:
                    pytest.fail(report, pytrace=False)
            """,
    }
    write_project(pytester, files, ini=STEPS_INI)

    result = run(pytester, *PLUGIN)
    # The @wip scenario is pending; the borrowed step fails at run time and in the check, which
    # also finds the returns module's own wording unused now.
    result.assert_outcomes(passed=1, failed=2, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*1 step definition(s) no feature step uses:",
            "*shop_steps/test_returns.py:8  @when('{actor} returns the {item name}') on _",
            "*1 feature step(s) no definition matches:",
            """*features/returns.feature:4  When 'Alice buys a "Desk lamp"' (a when step); """
            "defined in shop_steps.test_buying, which the modules that run it cannot see",
        ]
    )


def test_the_page_has_the_catalogue_as_a_section(pytester: pytest.Pytester) -> None:
    write_project(pytester, SHOP_FILES, ini=STEPS_INI)
    result = run(pytester, *PLUGIN, "--living-docs=reports")
    result.assert_outcomes(passed=2, skipped=1)
    page = (pytester.path / "reports" / "living-docs" / "index.html").read_text(encoding="utf-8")
    assert '<a href="#step-catalogue">Step catalogue</a>' in page
    section = page[page.index('<section id="step-catalogue">') :]
    assert "<h3>Any feature may use these</h3>" in section
    assert '<span class="wording">{actor} owns a/an {item name}</span>' in section
    assert "<h3>The steps of features/buying.feature alone</h3>" in section
    assert "Pending: work in progress with no definition yet" in section
