"""The quality report lists the failing tests with the rows they stored, most severe first."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from bank_segments import quality_report


def _result(name: str, status: str, failures: int, relation: str | None) -> dict:
    return {
        "unique_id": f"test.customer_segments.{name}.abc123",
        "status": status,
        "failures": failures,
        "relation_name": relation,
        "message": f"Got {failures} results" if failures else None,
    }


def test_report_lists_failing_tests_with_their_audit_rows(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema audit")
        con.execute("create table audit.too_many_bad_rows as select range as i from range(3)")
        con.execute("create table audit.drift as select 'x' as column_name")
        con.execute("create schema staging")
        con.execute(
            "create table staging.stg_quarantine__rows as select * from (values "
            "('transactions', 'invalid_money'), ('transactions', 'invalid_money'), "
            "('customers', 'invalid_boolean')) as q (table_name, reason_code)"
        )
    target = tmp_path / "target"
    target.mkdir()
    results = [
        _result("unique_x", "pass", 0, '"w"."audit"."unique_x"'),
        _result("drift", "warn", 1, '"w"."audit"."drift"'),
        _result("too_many_bad_rows", "fail", 3, '"w"."audit"."too_many_bad_rows"'),
        {"unique_id": "model.customer_segments.m", "status": "success"},
    ]
    (target / "run_results.json").write_text(json.dumps({"results": results}))
    gx = tmp_path / "validation.json"
    gx.write_text(
        json.dumps(
            [
                {
                    "mart": "dim_persons",
                    "expectation": "ExpectColumnValuesToBeUnique(person_id)",
                    "severity": "critical",
                    "success": False,
                    "details": "{}",
                }
            ]
        )
    )
    report = quality_report.build_report(target, database, gx)
    assert "dbt tests: 3 run, 0 errors, 1 failures, 1 warnings." in report
    lines = report.splitlines()
    fail_line = next(i for i, line in enumerate(lines) if "too_many_bad_rows" in line)
    warn_line = next(i for i, line in enumerate(lines) if "| drift |" in line)
    assert fail_line < warn_line, "failures are listed before warnings"
    assert lines[fail_line].startswith("| fail | too_many_bad_rows | 3 |")
    assert "unique_x" not in report
    assert "| transactions | invalid_money | 2 |" in report
    assert "Quarantine: 3 rows" in report
    assert "| critical | dim_persons | ExpectColumnValuesToBeUnique(person_id) |" in report


def test_without_run_results_the_audit_schema_is_scanned(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema audit")
        con.execute("create table audit.empty_one (i integer)")
        con.execute("create table audit.with_rows as select 1 as i")
    report = quality_report.build_report(tmp_path / "no_target", database, tmp_path / "none.json")
    assert "| stored | with_rows | 1 |" in report
    assert "empty_one" not in report
