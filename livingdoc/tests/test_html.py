"""The page: self-contained, escaped, and showing every case with its verdict."""

import re

import pytest

from pytest_bdd_livingdoc.features import parse_feature
from pytest_bdd_livingdoc.html import format_duration, render_page
from pytest_bdd_livingdoc.merge import merge
from pytest_bdd_livingdoc.model import ApiCall, Meta, Operation, Run, Status, StepResult
from shop_project import SHOP_FEATURE

SHOP = "features/shop.feature"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    # Rendered once for the module's read-only checks (a string cannot be changed by a test).
    tmp_path = tmp_path_factory.mktemp("page")
    (tmp_path / "features").mkdir()
    (tmp_path / SHOP).write_text(SHOP_FEATURE, encoding="utf-8")
    hostile = tmp_path / "features" / "hostile.feature"
    hostile.write_text(
        'Feature: <script>alert("name")</script>\n  Scenario: A "quoted" & <b>bold</b> name\n'
        "    Given x\n",
        encoding="utf-8",
    )
    features = [parse_feature(tmp_path / SHOP, tmp_path), parse_feature(hostile, tmp_path)]
    failed = Run(
        SHOP,
        13,
        None,
        "test_shop.py::test_owning",
        Status.FAILED,
        [
            StepResult(Status.PASSED, 0.02),
            StepResult(Status.FAILED, 0.01, "AssertionError: <desk>"),
        ],
        api_calls=[ApiCall("POST", "/things/", 201)],
    )
    row = Run(SHOP, 41, 2, "t::sofa", Status.PASSED, [StepResult(Status.PASSED)] * 3)
    meta = Meta("Shop <docs>", "2026-01-02T03:04:05+00:00", "abc123", 12.5)
    operations = [
        Operation("POST", "/things/", "Buy", ("201",)),
        Operation("DELETE", "/things/{id}", "", ("204",)),
    ]
    return render_page(merge(features, [failed, row], meta, tmp_path, operations))


def test_the_page_loads_nothing_from_anywhere(page: str) -> None:
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\';' in page
    assert '<link rel="icon" href="data:,">' in page
    assert " src=" not in page
    assert not re.search(r"""href=["'](?!#|data:)""", page)
    assert "url(" not in page
    assert "@import" not in page
    assert "<style>" in page
    assert "<script>(function ()" in page


def test_text_from_feature_files_is_escaped(page: str) -> None:
    assert '<script>alert("name")' not in page
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in page
    assert "A &#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt; name" in page
    assert "AssertionError: &lt;desk&gt;" in page
    assert "<title>Shop &lt;docs&gt;</title>" in page


def test_every_scenario_is_on_the_page_with_its_status(page: str) -> None:
    articles = re.findall(
        r'<article class="scenario[^"]*" id="([^"]+)" data-tags="[^"]*" data-status="([^"]+)"', page
    )
    assert len(articles) == 9  # 8 scenarios and an outline in shop, 1 in hostile
    statuses = dict(articles)
    assert statuses["f-features-shop-feature-13"] == "failed"
    assert statuses["f-features-shop-feature-7"] == "not run"
    assert statuses["f-features-shop-feature-41"] == "passed"  # its one run row passed
    rows = re.findall(
        r'<tr class="row[^"]*" id="([^"]+)" data-tags="([^"]*)" data-status="([^"]+)"', page
    )
    assert rows == [
        ("f-features-shop-feature-41-r48", "@shop @pricing @prices @cheap", "not run"),
        ("f-features-shop-feature-41-r49", "@shop @pricing @prices @cheap", "not run"),
        ("f-features-shop-feature-41-r54", "@shop @pricing @prices @dear", "passed"),
    ]


def test_a_failure_is_open_with_its_message_and_coloured_steps(page: str) -> None:
    article = page[page.index('id="f-features-shop-feature-13"') :].split("</article>")[0]
    assert "<details open>" in article
    assert re.findall(r'<li class="step st-([a-z-]+)', article) == ["passed", "failed"]
    assert '<pre class="msg">AssertionError: &lt;desk&gt;</pre>' in article
    assert "<code>POST /things/ &rarr; 201</code>" in article
    assert "test_shop.py::test_owning" in article


def test_summary_totals_date_commit_and_tag_filters(page: str) -> None:
    totals = dict(
        re.findall(r'data-status-filter="([^"]+)" aria-pressed="false"><b>(\d+)</b>', page)
    )
    assert totals == {
        "failed": "1",
        "undefined": "0",
        "pending": "0",
        "passed": "1",
        "skipped": "0",
        "not run": "9",
    }
    assert '<time datetime="2026-01-02T03:04:05+00:00">2026-01-02 03:04:05 UTC</time>' in page
    assert "commit <code>abc123</code>" in page
    tags = re.findall(r'<button type="button" class="tag" data-tag="([^"]+)"', page)
    assert tags == sorted(
        ["@cheap", "@closed", "@dear", "@known_bug", "@pricing", "@prices", "@shop", "@smoke"]
    )


def test_the_coverage_table_flags_operations_nobody_called(page: str) -> None:
    table = page[page.index('<section id="api-coverage">') :]
    assert "1 of 2 operations exercised" in table
    delete = table[table.index("DELETE") :].split("</tr>")[0]
    assert '<span class="flag">not exercised</span>' in delete
    post = table[table.index("<code>/things/</code>") :].split("</tr>")[0]
    assert '<a href="#f-features-shop-feature-13">Owning what was never bought</a>' in post


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.0004, "0 ms"), (0.25, "250 ms"), (3.456, "3.46 s"), (125, "2 min 5 s")],
)
def test_durations_read_naturally(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown
