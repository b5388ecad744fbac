"""The load test's verdict (tools/loadtests/run.py): what fails `make load` and what does not."""

from pathlib import Path

import pytest

from tools.loadtests.run import LOGIN, Arm, Row, read_stats, report, seconds

STATS_HEADER = (
    '"Type","Name","Request Count","Failure Count","Median Response Time",'
    '"Average Response Time","Min Response Time","Max Response Time","Average Content Size",'
    '"Requests/s","Failures/s","50%","66%","75%","80%","90%","95%","98%","99%","99.9%",'
    '"99.99%","100%"'
)


def _row(name: str, *, p95: float = 20, failures: int = 0, rps: float = 50.0) -> Row:
    return Row(name, requests=100, failures=failures, rps=rps, p50=10, p95=p95, p99=p95 + 5)


def _arm(*rps: float, failures: int = 0) -> Arm:
    return Arm("arm", [_row("GET /items/", rps=r, failures=failures) for r in rps], [])


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
    assert report(rows, _arm(400.0), _arm(800.0), tmp_path) == 0


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
    assert report(rows, _arm(400.0), _arm(800.0), tmp_path) == 1


def test_the_capacity_ratio_is_of_the_medians(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_row("GET /items/"), _row(LOGIN)]
    # Medians 300 and 400, whatever the rounds' order: 0.75, reported and not enforced.
    assert report(rows, _arm(100.0, 300.0, 900.0), _arm(400.0, 350.0, 500.0), tmp_path) == 0
    assert "ratio app / plain: 0.75 (target >= 0.8)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("app", "plain", "same_listing"),
    [
        (_arm(400.0, failures=1), _arm(500.0), True),
        (_arm(400.0), _arm(500.0, failures=3), True),
        (_arm(400.0), _arm(500.0), False),
    ],
    ids=["a failed listing of the app", "a failed plain listing", "listings that differ"],
)
def test_an_unfair_or_failing_capacity_run_fails_the_run(
    app: Arm, plain: Arm, same_listing: bool, tmp_path: Path
) -> None:
    rows = [_row("GET /items/"), _row(LOGIN)]
    assert report(rows, app, plain, tmp_path, same_listing=same_listing) == 1
