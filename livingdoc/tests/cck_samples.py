"""The Cucumber Compatibility Kit's samples that pytest-bdd can express, with their step
definitions written for pytest-bdd (tests/test_cck.py runs them).

The kit (`cucumber-compatibility-kit` on PyPI, MIT licence) ships each sample's feature files
and the messages a conforming Cucumber emits for them; its step definitions are TypeScript
(cucumber/compatibility-kit, devkit/samples/<name>/<name>.ts). Each entry below is the same
step definitions in Python, in the same order, keyword-agnostic as Cucumber's are (`@step`).
A `conftest` entry, when present, is the sample's run arguments in pytest's terms.

Samples left out, and why, are in LEFT_OUT (README.md lists them too).
"""

HEADER = """\
import pytest
from pytest_bdd import parsers, scenarios, step

from pytest_bdd_livingdoc import CucumberExpression, Pending

scenarios("{name}")


@pytest.fixture
def world():
    return {{}}
"""

ORDERS = """
@step(CucumberExpression("an order for {string}"))
def _():
    pass
"""

ACTION_OUTCOME = """
@step("an action")
def _():
    pass


@step("an outcome")
def _():
    pass
"""

CUCUMBERS = """
@step(CucumberExpression("there are {int} cucumbers", "count"))
def _(world, count):
    world["count"] = count
{friends}

@step(CucumberExpression("I eat {int} cucumbers", "eaten"))
def _(world, eaten):
    world["count"] -= eaten


@step(CucumberExpression("I should have {int} cucumbers", "left"))
def _(world, left):
    assert world["count"] == left
{share}"""

FRIENDS = """
@step(CucumberExpression("there are {int} friends", "friends"))
def _(world, friends):
    world["friends"] = friends
"""

SHARE = """
@step(CucumberExpression("each person can eat {int} cucumbers", "share"))
def _(world, share):
    assert world["count"] // (1 + world["friends"]) == share
"""

UNDEFINED = """
@step("an implemented step")
def _():
    pass


@step("a step that will be skipped")
def _():
    pass
"""

STEPS: dict[str, str] = {
    "minimal": """
@step(CucumberExpression("I have {int} cukes in my belly"))
def _():
    pass
""",
    "cdata": """
@step(CucumberExpression("I have {int} <![CDATA[cukes]]> in my belly"))
def _():
    pass
""",
    "backgrounds": ORDERS + ACTION_OUTCOME,
    "rules-backgrounds": ORDERS + ACTION_OUTCOME,
    "multiple-features": ORDERS,
    "multiple-features-reversed": ORDERS,
    "rules": """
@step(CucumberExpression("the customer has {int} cents", "money"))
def _(world, money):
    world["money"] = money


@step("there are chocolate bars in stock")
def _(world):
    world["stock"] = ["Mars"]


@step("there are no chocolate bars in stock")
def _(world):
    world["stock"] = []


@step(CucumberExpression("the customer tries to buy a {int} cent chocolate bar", "price"))
def _(world, price):
    if world["money"] >= price and world["stock"]:
        world["chocolate"] = world["stock"].pop()


@step("the sale should not happen")
def _(world):
    assert "chocolate" not in world


@step("the sale should happen")
def _(world):
    assert world["chocolate"]
""",
    "data-tables": """
@step("the following table is transposed:")
def _(world, datatable):
    world["transposed"] = [list(row) for row in zip(*datatable, strict=True)]


@step("it should be:")
def _(world, datatable):
    assert world["transposed"] == datatable
""",
    "data-tables-doc-strings": """
@step("a step with a data table a doc string")
def _(datatable, docstring):
    assert (datatable, docstring) == ([["hello"]], "world")


@step("a step with a doc string a data table")
def _(datatable, docstring):
    assert (docstring, datatable) == ("hello", [["world"]])
""",
    "data-tables-with-expression": """
@step(CucumberExpression("a {string} with a table", "name"))
def _(name, datatable):
    assert name == "Cucumber"
""",
    "doc-strings-with-expression": """
@step(CucumberExpression("a {string} with a doc string:", "name"))
def _(name, docstring):
    assert name == "Cucumber"
""",
    "doc-strings": """
@step("a doc string:")
def _(docstring):
    pass
""",
    "examples-tables": CUCUMBERS.replace("{friends}", FRIENDS).replace("{share}", SHARE),
    "examples-tables-undefined": CUCUMBERS.replace("{friends}", "").replace("{share}", ""),
    "examples-tables-undefined-multiple": CUCUMBERS.replace("{friends}", "").replace("{share}", ""),
    "undefined": UNDEFINED,
    "undefined-multiple": UNDEFINED,
    "skipped": """
@step("a step that does not skip")
def _():
    pass


@step("a step that is skipped")
def _():
    pass


@step("I skip a step")
def _():
    pytest.skip()
""",
    "skipped-exception": """
@step("I skip a step")
def _():
    pytest.skip("skipping")
""",
    "pending": """
@step("an implemented non-pending step")
def _():
    pass


@step("an implemented step that is skipped")
def _():
    pass


@step("an unimplemented pending step")
def _():
    raise Pending
""",
    "pending-exception": """
@step("an unimplemented pending step")
def _():
    raise Pending("TODO")
""",
    "empty": "",
    "unused-steps": """
@step("a step that is used")
def _():
    pass


@step("a step that is not used")
def _():
    pass
""",
    "stack-traces": """
@step("a step throws an exception")
def _():
    raise Exception("BOOM")
""",
    "regular-expression": """
@step(parsers.re(r"^a (.*?)(?: and a (.*?))?(?: and a (.*?))?$"))
def _():
    pass
""",
    "test-run-exception": """
@step("a step")
def _():
    pass
""",
}

CONFTESTS: dict[str, str] = {
    # `--order reverse`
    "multiple-features-reversed": """
def pytest_collection_modifyitems(items):
    items.reverse()
""",
    # `--error`: the run itself breaks, outside any step or hook of a scenario.
    "test-run-exception": """
def pytest_runtestloop(session):
    raise Exception("Whoops!")
""",
}

LEFT_OUT: dict[str, str] = {
    "ambiguous": "pytest-bdd runs the closest matching definition; it has no ambiguous status",
    "retry-ambiguous": "no ambiguous status, and no retries",
    "all-statuses": "includes ambiguous steps",
    "failedish-combinations": "includes ambiguous steps and hooks",
    "attachments": "pytest-bdd has no attach API for steps",
    "examples-tables-attachment": "no attach API",
    "global-hooks": "no BeforeAll/AfterAll hooks: pytest's session fixtures are not reported",
    "global-hooks-afterall-error": "no BeforeAll/AfterAll hooks",
    "global-hooks-attachments": "no BeforeAll/AfterAll hooks, no attach API",
    "global-hooks-beforeall-error": "no BeforeAll/AfterAll hooks",
    "hooks": "no Before/After hooks: fixtures are reported only when they break a scenario",
    "hooks-attachment": "no Before/After hooks, no attach API",
    "hooks-conditional": "no Before/After hooks",
    "hooks-named": "no Before/After hooks",
    "hooks-skipped": "no Before/After hooks",
    "hooks-undefined": "no Before/After hooks",
    "skipped-failing-hook": "no Before/After hooks",
    "markdown": "pytest-bdd reads .feature files only, not Markdown with Gherkin",
    "parameter-types": "custom parameter types are not reported as parameterType messages",
    "unknown-parameter-type": "an unknown parameter type fails at import (collection error), "
    "it is not reported as an undefinedParameterType message",
    "retry": "no retries (attempts) in pytest-bdd",
    "retry-pending": "no retries",
    "retry-undefined": "no retries",
}
