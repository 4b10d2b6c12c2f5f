"""Validate the public marts with Great Expectations.

Runs after `dbt build` on a read-only DuckDB connection (never while dbt holds
the file lock), loads each public mart into pandas and validates it with the
expectations declared in :mod:`bank_segments.expectations`. A failed critical
expectation makes the command exit non-zero and names the expectation;
warnings are listed and do not fail.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bank_segments.expectations import MART_SUITES, ExpectationSpec

SCHEMA = "marts"


@dataclass(frozen=True)
class Outcome:
    """The result of one expectation on one mart."""

    mart: str
    expectation: str
    severity: str
    success: bool
    details: str


def _quiet_gx() -> None:
    # GX prints progress bars per metric; the summary below says what matters.
    os.environ.setdefault("TQDM_DISABLE", "1")
    for name in ("great_expectations", "great_expectations.core", "tqdm"):
        logging.getLogger(name).setLevel(logging.ERROR)


def load_mart(con: duckdb.DuckDBPyConnection, mart: str) -> pd.DataFrame | None:
    """Return the mart as a DataFrame, or None when it does not exist."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [SCHEMA, mart],
    ).fetchone()
    if not exists or exists[0] == 0:
        return None
    return con.execute(f'select * from "{SCHEMA}"."{mart}"').df()


def _describe(result: Any) -> str:
    info = result.result or {}
    keys = ("observed_value", "unexpected_count", "unexpected_percent", "partial_unexpected_list")
    shown = {k: info[k] for k in keys if k in info and info[k] not in (None, [])}
    return json.dumps(shown, default=str)[:300]


def validate_mart(mart: str, frame: pd.DataFrame, specs: list[ExpectationSpec]) -> list[Outcome]:
    """Validate one mart's DataFrame against its expectation specs."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas(f"marts_{mart}")
    asset = source.add_dataframe_asset(mart)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": frame}
    )
    outcomes = []
    for spec in specs:
        expectation_class = getattr(gx.expectations, spec.expectation)
        result = batch.validate(expectation_class(**spec.kwargs))
        outcomes.append(
            Outcome(
                mart=mart,
                expectation=spec.label,
                severity=spec.severity,
                success=bool(result.success),
                details="" if result.success else _describe(result),
            )
        )
    return outcomes


def run(database: Path, report_dir: Path | None) -> int:
    """Validate every public mart; return the process exit code."""
    _quiet_gx()
    if not database.exists():
        print(f"error: database {database} does not exist; run the build first", file=sys.stderr)
        return 2
    outcomes: list[Outcome] = []
    with duckdb.connect(str(database), read_only=True) as con:
        for mart, specs in MART_SUITES.items():
            frame = load_mart(con, mart)
            if frame is None:
                outcomes.append(
                    Outcome(mart, "mart exists", "critical", False, f"{SCHEMA}.{mart} not found")
                )
                continue
            outcomes.extend(validate_mart(mart, frame, specs(frame)))

    failed = [o for o in outcomes if not o.success and o.severity == "critical"]
    warned = [o for o in outcomes if not o.success and o.severity == "warning"]
    print(
        f"Great Expectations: {len(outcomes)} expectations on {len(MART_SUITES)} marts, "
        f"{len(outcomes) - len(failed) - len(warned)} passed, "
        f"{len(warned)} warnings, {len(failed)} critical failures"
    )
    for o in warned:
        print(f"  warning  {o.mart}: {o.expectation} {o.details}")
    for o in failed:
        print(f"  FAILED   {o.mart}: {o.expectation} {o.details}")
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "validation.json").write_text(
            json.dumps([o.__dict__ for o in outcomes], indent=2, default=str)
        )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=Path("warehouse/segments.duckdb"))
    parser.add_argument("--report-dir", type=Path, default=Path("reports/gx"))
    args = parser.parse_args(argv)
    return run(args.database, args.report_dir)


if __name__ == "__main__":
    sys.exit(main())
