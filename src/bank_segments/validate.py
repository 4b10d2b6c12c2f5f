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
from bank_segments.raw_expectations import contract_tables, raw_suite

SCHEMA = "marts"
RAW_SCHEMA = "raw"
# Raw landings are validated on a reproducible sample: rates, not every row.
RAW_SAMPLE_ROWS = 200_000


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


def load_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, sample_rows: int | None = None
) -> pd.DataFrame | None:
    """Return the table (or a reproducible sample of it) as a DataFrame, None if missing."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    if not exists or exists[0] == 0:
        return None
    sample = f" using sample reservoir({sample_rows} rows) repeatable (42)" if sample_rows else ""
    return con.execute(f'select * from "{schema}"."{table}"{sample}').df()


def _describe(result: Any) -> str:
    info = result.result or {}
    keys = ("observed_value", "unexpected_count", "unexpected_percent", "partial_unexpected_list")
    shown = {k: info[k] for k in keys if k in info and info[k] not in (None, [])}
    return json.dumps(shown, default=str)[:300]


def validate_mart(mart: str, frame: pd.DataFrame, specs: list[ExpectationSpec]) -> list[Outcome]:
    """Validate one mart's DataFrame against its expectation specs."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(f"source_{mart}")
    asset = source.add_dataframe_asset(mart.replace(".", "__"))
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
        for table, contract in contract_tables().items():
            frame = load_table(con, RAW_SCHEMA, table, RAW_SAMPLE_ROWS)
            if frame is None:
                # Banks that land raw tables elsewhere (load_raw_files: false) have none here.
                continue
            specs = raw_suite(contract["columns"], contract["business_key"])
            outcomes.extend(validate_mart(f"{RAW_SCHEMA}.{table}", frame, specs))
        for mart, suite in MART_SUITES.items():
            frame = load_table(con, SCHEMA, mart)
            if frame is None:
                outcomes.append(
                    Outcome(mart, "mart exists", "critical", False, f"{SCHEMA}.{mart} not found")
                )
                continue
            outcomes.extend(validate_mart(mart, frame, suite(frame)))

    failed = [o for o in outcomes if not o.success and o.severity == "critical"]
    warned = [o for o in outcomes if not o.success and o.severity == "warning"]
    print(
        f"Great Expectations: {len(outcomes)} expectations on the raw landings and "
        f"{len(MART_SUITES)} public marts, "
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
