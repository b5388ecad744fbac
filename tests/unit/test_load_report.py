"""The load test's verdict (tools/loadtests/run.py): what fails `make load` and what does not."""

from pathlib import Path

import pytest

from tools.loadtests.run import LOGIN, Row, read_stats, report, seconds

STATS_HEADER = (
    '"Type","Name","Request Count","Failure Count","Median Response Time",'
    '"Average Response Time","Min Response Time","Max Response Time","Average Content Size",'
    '"Requests/s","Failures/s","50%","66%","75%","80%","90%","95%","98%","99%","99.9%",'
    '"99.99%","100%"'
)


def _row(name: str, *, p95: float = 20, failures: int = 0) -> Row:
    return Row(name, requests=100, failures=failures, rps=50.0, p50=10, p95=p95, p99=p95 + 5)


@pytest.mark.parametrize(
    ("run_time", "expected"), [("30s", 30), ("2m", 120), ("1m30s", 90), ("45", 45)]
)
def test_run_times_are_read_as_locust_reads_them(run_time: str, expected: float) -> None:
    assert seconds(run_time) == expected


def test_locust_stats_are_read_per_endpoint(tmp_path: Path) -> None:
    (tmp_path / "run_stats.csv").write_text(
        f"{STATS_HEADER}\n"
        '"GET","GET /items/","120","1","12","13.5","3","80","2950","40.1","0.3",'
        '"12","14","15","16","20","31","40","48","80","80","80"\n'
        ',"Aggregated","120","1","12","13.5","3","80","2950","40.1","0.3",'
        '"12","14","15","16","20","31","40","48","80","80","80"\n'
    )

    rows = read_stats(tmp_path / "run")

    assert rows[0] == Row("GET /items/", 120, 1, 40.1, 12.0, 31.0, 48.0)
    assert rows[1].name == "Aggregated"


def test_a_slow_login_alone_passes(tmp_path: Path) -> None:
    # Login is argon2id at production cost, slow on purpose: reported, outside the budget.
    rows = [_row("GET /items/"), _row(LOGIN, p95=900)]
    assert report(rows, [400.0], [800.0], tmp_path) == 0


@pytest.mark.parametrize(
    "rows",
    [
        [_row("GET /items/", p95=51), _row(LOGIN)],
        [_row("GET /items/", failures=1), _row(LOGIN)],
        [_row("GET /items/"), _row(LOGIN, failures=2)],
    ],
    ids=["a p95 over 50 ms", "a failed request", "a failed login"],
)
def test_the_budget_fails_the_run(rows: list[Row], tmp_path: Path) -> None:
    assert report(rows, [400.0], [800.0], tmp_path) == 1
