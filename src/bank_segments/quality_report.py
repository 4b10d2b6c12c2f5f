"""List what the last build found wrong: failing dbt tests, quarantined rows, GX failures.

Reads the dbt run results of the last invocation (`<target>/run_results.json`),
counts the rows every failing test left in the audit schema (`store_failures`
is on for the whole project), summarises the quarantine by table and reason,
and adds the failed Great Expectations expectations (`reports/gx/validation.json`).
Writes the report as Markdown and prints it.

    python -m bank_segments.quality_report --target-path target \\
        --database warehouse/segments.duckdb
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Most severe first.
STATUS_ORDER = {"error": 0, "fail": 1, "warn": 2}
AUDIT_SCHEMA = "audit"


@dataclass(frozen=True)
class TestFinding:
    """One dbt test that did not pass."""

    status: str
    name: str
    failures: int | None
    audit_rows: int | None
    relation: str | None
    message: str


def _short_name(unique_id: str) -> str:
    # test.customer_segments.<name>.<hash> -> <name>
    parts = unique_id.split(".")
    return parts[2] if len(parts) >= 3 else unique_id


def _audit_rows(con: duckdb.DuckDBPyConnection | None, relation: str | None) -> int | None:
    if con is None or not relation:
        return None
    try:
        row = con.execute(f"select count(*) from {relation}").fetchone()
    except duckdb.Error:
        return None
    return int(row[0]) if row else None


def dbt_findings(
    run_results: dict, con: duckdb.DuckDBPyConnection | None
) -> tuple[list[TestFinding], int]:
    """The tests of the run that warned, failed or errored; and how many tests ran."""
    tests = [r for r in run_results.get("results", []) if r["unique_id"].startswith("test.")]
    findings = [
        TestFinding(
            status=r["status"],
            name=_short_name(r["unique_id"]),
            failures=r.get("failures"),
            audit_rows=_audit_rows(con, r.get("relation_name")),
            relation=r.get("relation_name"),
            message=(r.get("message") or "").splitlines()[0][:200] if r.get("message") else "",
        )
        for r in tests
        if r["status"] in STATUS_ORDER
    ]
    findings.sort(key=lambda f: (STATUS_ORDER[f.status], -(f.audit_rows or f.failures or 0)))
    return findings, len(tests)


def audit_findings(con: duckdb.DuckDBPyConnection) -> list[TestFinding]:
    """Without run results: every audit table that holds rows (status unknown)."""
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "order by table_name",
        [AUDIT_SCHEMA],
    ).fetchall()
    findings = []
    for (table,) in tables:
        relation = f'"{AUDIT_SCHEMA}"."{table}"'
        rows = _audit_rows(con, relation)
        if rows:
            findings.append(TestFinding("stored", table, None, rows, relation, ""))
    return findings


def quarantine_summary(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    try:
        return con.execute(
            "select table_name, reason_code, count(*) from staging.stg_quarantine__rows "
            "group by table_name, reason_code order by table_name, count(*) desc"
        ).fetchall()
    except duckdb.Error:
        return []


def gx_findings(validation_json: Path) -> list[dict]:
    if not validation_json.exists():
        return []
    outcomes = json.loads(validation_json.read_text())
    return [o for o in outcomes if not o["success"]]


def render(
    findings: list[TestFinding],
    n_tests: int | None,
    quarantine: list[tuple[str, str, int]],
    gx_failed: list[dict],
) -> str:
    lines = ["# Data quality report", ""]
    counts = {s: sum(1 for f in findings if f.status == s) for s in STATUS_ORDER}
    if n_tests is None:
        lines.append(f"dbt tests: no run results; {len(findings)} audit tables hold rows.")
    else:
        lines.append(
            f"dbt tests: {n_tests} run, {counts['error']} errors, {counts['fail']} failures, "
            f"{counts['warn']} warnings."
        )
    lines.append("")
    if findings:
        lines += ["| status | test | failing rows | stored in |", "|---|---|---|---|"]
        for f in findings:
            rows = f.audit_rows if f.audit_rows is not None else f.failures
            shown = "" if rows is None else str(rows)
            where = f.relation or (f.message if f.status == "error" else "")
            lines.append(f"| {f.status} | {f.name} | {shown} | {where} |")
        lines.append("")
    total = sum(n for _, _, n in quarantine)
    lines.append(f"Quarantine: {total} rows (staging.stg_quarantine__rows).")
    lines.append("")
    if quarantine:
        lines += ["| table | reason_code | rows |", "|---|---|---|"]
        lines += [f"| {t} | {r} | {n} |" for t, r, n in quarantine]
        lines.append("")
    lines.append(f"Great Expectations: {len(gx_failed)} expectations not met.")
    lines.append("")
    if gx_failed:
        lines += ["| severity | table | expectation | details |", "|---|---|---|---|"]
        for o in gx_failed:
            details = o["details"].replace("|", "/")
            lines.append(f"| {o['severity']} | {o['mart']} | {o['expectation']} | {details} |")
        lines.append("")
    return "\n".join(lines)


def build_report(target_path: Path, database: Path, gx_report: Path) -> str:
    run_results_path = target_path / "run_results.json"
    run_results = json.loads(run_results_path.read_text()) if run_results_path.exists() else None
    con = duckdb.connect(str(database), read_only=True) if database.exists() else None
    try:
        if run_results is not None:
            findings, n_tests = dbt_findings(run_results, con)
        elif con is not None:
            findings, n_tests = audit_findings(con), None
        else:
            findings, n_tests = [], None
        quarantine = quarantine_summary(con) if con is not None else []
    finally:
        if con is not None:
            con.close()
    return render(findings, n_tests, quarantine, gx_findings(gx_report))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-path", type=Path, default=Path("target"))
    parser.add_argument("--database", type=Path, default=Path("warehouse/segments.duckdb"))
    parser.add_argument("--gx-report", type=Path, default=Path("reports/gx/validation.json"))
    parser.add_argument("--out", type=Path, default=Path("reports/quality_report.md"))
    args = parser.parse_args(argv)
    report = build_report(args.target_path, args.database, args.gx_report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)
    print(f"(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
