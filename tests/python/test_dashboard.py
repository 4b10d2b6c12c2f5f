"""The segments dashboard: its figures, the app without a browser, and a real screenshot.

The screenshot test starts the app on the fixture marts, opens it in headless
Chromium (Debian's `chromium` package), waits until every chart has drawn and
saves a PNG. It fails, never skips, when Chromium is missing: CI installs it
with scripts/install_chromium.sh.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image, ImageStat
from streamlit.testing.v1 import AppTest

from bank_segments import dashboard as data
from bank_segments.export_marts import export_marts
from bank_segments.screenshot import APP, capture, find_chromium, run_dashboard

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECTIONS = [
    "Customer segments",
    "Segment sizes over time",
    "Transitions between segments",
    "Investment-ready funnel",
    "Predicted CLV by value tier",
    "Origin x digital activity",
]


def _crit(**passed: bool | None) -> str:
    return json.dumps(
        {name: {"value": 1, "threshold": 2, "passed": p} for name, p in passed.items()}
    )


# --- figures ---------------------------------------------------------------


def test_sizes_over_time_count_in_periods_with_exclusive_valid_to() -> None:
    history = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3", "p4"],
            "segment_id": ["s", "s", "s", "s"],
            "status": ["in", "in", "out", "in"],
            "valid_from": pd.to_datetime(["2025-01-31", "2025-02-28", "2025-01-31", "2025-03-31"]),
            "valid_to": pd.to_datetime(["2025-03-31", None, None, None]),
        }
    )
    sizes = data.segment_sizes_over_time(history, pd.Timestamp("2025-03-31"))
    by_date = dict(zip(sizes["date"].dt.strftime("%Y-%m-%d"), sizes["members"], strict=True))
    # p1 leaves on 2025-03-31 (exclusive), p4 arrives that day, p3 is `out`.
    assert by_date == {"2025-01-31": 1, "2025-02-28": 2, "2025-03-31": 2}


def test_sizes_from_summary() -> None:
    summary = pd.DataFrame(
        {
            "as_of_date": ["2025-02-28", "2025-01-31"],
            "segment_id": ["s", "s"],
            "segment_size": [5, 3],
        }
    )
    sizes = data.sizes_from_summary(summary)
    assert list(sizes["members"]) == [3, 5]


def test_transitions_by_month_signs_exits_negative() -> None:
    transitions = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p1"],
            "segment_id": ["s", "s", "s"],
            "transition_date": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03"]),
            "transition": ["entered", "entered", "exited"],
        }
    )
    monthly = data.transitions_by_month(transitions)
    got = {(m.strftime("%Y-%m"), t): n for m, _, t, n in monthly.itertuples(index=False)}
    assert got == {("2025-01", "entered"): 2, ("2025-02", "exited"): -1}


def test_moves_pair_an_exit_with_an_entry_of_the_same_exclusivity_group() -> None:
    segments = pd.DataFrame(
        {
            "segment_id": ["tier_a", "tier_b", "saver"],
            "exclusivity_group": ["value_tier", "value_tier", None],
        }
    )
    day = pd.Timestamp("2025-03-31")
    transitions = pd.DataFrame(
        {
            "person_id": ["p1", "p1", "p1", "p2"],
            "segment_id": ["tier_b", "tier_a", "saver", "tier_b"],
            "transition_date": [day, day, day, day],
            "transition": ["exited", "entered", "entered", "exited"],
        }
    )
    moves = data.moves_between_segments(transitions, segments)
    assert moves.to_dict("records") == [
        {"group": "value_tier", "from_segment": "tier_b", "to_segment": "tier_a", "persons": 1}
    ]


def test_parse_criteria_reads_passed_failed_and_unknown() -> None:
    raw = json.dumps(
        {
            "buffer": {"value": 7.1, "operator": ">=", "threshold": 6, "passed": True},
            "deposits": {"value": 3, "operator": ">=", "threshold": 9, "passed": False},
            "consent": {"value": None, "operator": "=", "threshold": True, "passed": None},
            "note": "context only",
        }
    )
    assert data.parse_criteria(raw) == {"buffer": True, "deposits": False, "consent": None}
    assert data.parse_criteria(None) == {}


def test_funnels_count_each_criterion_and_the_sequence() -> None:
    membership = pd.DataFrame(
        {
            "as_of_date": ["2025-06-30"] * 4 + ["2025-05-31"],
            "person_id": ["p1", "p2", "p3", "p4", "p1"],
            "segment_id": ["investment_ready"] * 5,
            "status": ["in", "out", "out", "not_evaluable", "out"],
            "criteria": [
                _crit(buffer=True, deposits=True),
                _crit(buffer=True, deposits=False),
                _crit(buffer=False, deposits=True),
                _crit(buffer=None, deposits=True),
                _crit(buffer=False, deposits=False),
            ],
        }
    )
    funnel = data.criteria_funnel(membership).set_index("criterion")
    assert funnel.loc["buffer"].to_dict() == {"passed": 2, "failed": 1, "unknown": 1}
    assert funnel.loc["deposits"].to_dict() == {"passed": 3, "failed": 1, "unknown": 0}
    assert funnel.loc["in segment"].to_dict() == {"passed": 1, "failed": 2, "unknown": 1}
    sequence = data.sequential_funnel(membership)
    assert list(sequence["persons"]) == [4, 2, 1, 1]
    assert data.status_counts(membership, "investment_ready") == {
        "in": 1,
        "out": 2,
        "not_evaluable": 1,
    }


def test_origin_activity_matrix_orders_the_four_origins() -> None:
    persons = pd.DataFrame(
        {
            "origin": ["offline_client", "digital_client", "digital_client", "digital_prospect"],
            "is_digital_active": [False, True, False, True],
        }
    )
    matrix = data.origin_activity_matrix(persons)
    assert list(matrix.index) == ["digital_client", "offline_client", "digital_prospect"]
    assert matrix.loc["digital_client"].to_dict() == {"digitally active": 1, "not active": 1}


def test_latest_snapshot_keeps_the_last_as_of_date() -> None:
    features = pd.DataFrame({"as_of_date": ["2025-05-31", "2025-06-30", "2025-06-30"]})
    assert len(data.latest_snapshot(features)) == 2
    assert data.latest_snapshot(None) is None


def test_clv_by_tier_quantiles() -> None:
    features = pd.DataFrame(
        {"value_tier": ["A", "A", "B", "B", None], "clv_12m_eur": [100, 300, 10, None, 5]}
    )
    summary = data.clv_by_tier(features).set_index("value_tier")
    assert summary.loc["A", "median"] == 200
    assert summary.loc["B", "persons"] == 1
    assert summary.loc["no tier", "total"] == 5


# --- the app, without a browser ----------------------------------------------


@pytest.fixture(scope="module")
def fixture_marts(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bi_exports")
    export_marts(fixture_db, out, with_database=False)
    return out / "marts"


def _run_app(marts: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MARTS_EXPORT_DIR", str(marts))
    app = AppTest.from_file(str(APP), default_timeout=60)
    return app.run()


def test_app_renders_every_section_on_the_fixture_marts(
    fixture_marts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _run_app(fixture_marts, monkeypatch)
    assert not app.exception, [e.message for e in app.exception]
    headers = [h.value for h in app.title] + [h.value for h in app.header]
    assert headers == SECTIONS
    assert not [i.value for i in app.info if "Not available" in i.value]
    persons = pd.read_parquet(fixture_marts / "dim_persons.parquet")
    assert app.metric[0].value == f"{len(persons):,}"


def test_app_says_what_is_missing_instead_of_failing(
    tmp_path: Path, fixture_marts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(fixture_marts / "dim_persons.parquet", tmp_path / "dim_persons.parquet")
    app = _run_app(tmp_path, monkeypatch)
    assert not app.exception, [e.message for e in app.exception]
    notices = " ".join(i.value for i in app.info)
    for mart in ("fct_segment_membership", "fct_segment_transitions", "fct_person_features"):
        assert mart in notices
    assert app.metric[0].value == f"{len(pd.read_parquet(tmp_path / 'dim_persons.parquet')):,}"


def test_app_runs_on_an_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _run_app(tmp_path, monkeypatch)
    assert not app.exception, [e.message for e in app.exception]
    assert len([i for i in app.info if "Not available" in i.value]) == 5


# --- the real thing: server + headless Chromium ------------------------------


def test_screenshot_in_headless_chromium(fixture_marts: Path, tmp_path: Path) -> None:
    try:
        find_chromium()
    except RuntimeError as error:
        pytest.fail(f"{error} - the dashboard test needs a browser", pytrace=False)
    started = time.monotonic()
    shot = PROJECT_DIR / "reports" / "dashboard.png"
    with run_dashboard(fixture_marts, log=tmp_path / "streamlit.log") as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
            assert response.read().decode().strip() == "ok"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert "<title>" in response.read().decode()
        state = capture(url, shot, min_charts=5)
    assert state.exceptions == 0
    assert state.drawn >= 5, state
    assert [h for h in state.headers if h in SECTIONS] == SECTIONS
    assert shot.stat().st_size > 50_000
    with Image.open(shot) as image:
        assert image.width == 1400 and image.height >= 1500
        grey = image.convert("L")
        # Not blank: many distinct shades and real contrast.
        assert len(grey.getcolors(maxcolors=256 * 256) or range(257)) > 64
        assert ImageStat.Stat(grey).stddev[0] > 15
    assert time.monotonic() - started < 90
