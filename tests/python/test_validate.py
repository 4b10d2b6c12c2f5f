"""The Great Expectations runner fails on a broken mart and names the expectation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bank_segments import expectations, validate


@pytest.fixture
def only_persons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        validate, "MART_SUITES", {"dim_persons": expectations.dim_persons}, raising=True
    )


def _warehouse(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_persons (person_id varchar, origin varchar, "
            "is_digital_active boolean, first_relationship_date date, tenure_months integer)"
        )
        for person_id, origin, tenure in rows:
            con.execute(
                "insert into marts.dim_persons values (?, ?, true, date '2024-01-01', ?)",
                [person_id, origin, tenure],
            )
    return path


def test_valid_mart_passes(tmp_path: Path, only_persons: None) -> None:
    db = _warehouse(
        tmp_path / "ok.duckdb",
        [("p1", "digital_client", 3), ("p2", "digital_user", 5), ("p3", "offline_client", 9)],
    )
    assert validate.run(db, tmp_path / "report") == 0
    assert (tmp_path / "report" / "validation.json").exists()


def test_duplicate_key_fails_and_is_named(
    tmp_path: Path, only_persons: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _warehouse(
        tmp_path / "bad.duckdb", [("p1", "digital_client", 3), ("p1", "offline_client", 4)]
    )
    assert validate.run(db, None) == 1
    out = capsys.readouterr().out
    assert "FAILED   dim_persons: ExpectColumnValuesToBeUnique(person_id)" in out


def test_warning_does_not_fail(
    tmp_path: Path, only_persons: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # One origin only: the "every origin represented" expectation warns.
    db = _warehouse(tmp_path / "warn.duckdb", [("p1", "digital_client", 3)])
    assert validate.run(db, None) == 0
    assert "warning  dim_persons" in capsys.readouterr().out


def test_missing_mart_is_critical(tmp_path: Path, only_persons: None) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    assert validate.run(db, None) == 1
