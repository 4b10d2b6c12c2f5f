"""Validate the raw landings and the public marts with Great Expectations.

Runs after `dbt build` on a read-only DuckDB connection (never while dbt holds
the file lock), loads each raw landing (a sample) and each public mart into
pandas and validates it with the suites of :mod:`bank_segments.raw_expectations`
and :mod:`bank_segments.expectations`. A failed critical expectation makes the
command exit non-zero and names the expectation; warnings are listed and do not
fail. The validation results are rendered as Great Expectations Data Docs
(default `gx/uncommitted/data_docs/local_site/index.html`) and summarised in
`reports/gx/validation.json`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bank_segments.expectations import DERIVED_SUITES, MART_SUITES, ExpectationSpec
from bank_segments.raw_expectations import contract_tables, raw_suite

SCHEMA = "marts"
RAW_SCHEMA = "raw"
# Raw landings are validated on a reproducible sample: rates, not every row.
RAW_SAMPLE_ROWS = 200_000
DATA_DOCS_SITE = Path("data_docs") / "local_site"


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
    return _decimals_as_floats(con.execute(f'select * from "{schema}"."{table}"{sample}').df())


def _decimals_as_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """DECIMAL columns arrive as Python Decimal objects; GX's statistics want floats."""
    for column in frame.columns:
        values = frame[column].dropna()
        if frame[column].dtype == object and len(values) and isinstance(values.iloc[0], Decimal):
            frame[column] = frame[column].astype(float)
    return frame


def _describe(result: Any) -> str:
    info = result.result or {}
    keys = (
        "observed_value",
        "unexpected_count",
        "unexpected_percent",
        "unexpected_index_list",
        "partial_unexpected_list",
    )
    shown = {k: info[k] for k in keys if k in info and info[k] not in (None, [])}
    return json.dumps(shown, default=str)[:300]


def _store(base_directory: Path) -> dict[str, Any]:
    return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(base_directory)}


class GxRun:
    """One Great Expectations context for a whole run.

    Ephemeral (suites and data sources live in memory, built from the code on
    every run, so nothing generated needs committing); with `results_dir`, the
    validation results and the Data Docs site are written there.
    """

    def __init__(self, results_dir: Path | None = None) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
        )
        self.results_dir = results_dir.resolve() if results_dir is not None else None
        if self.results_dir is not None:
            # Each run shows its own results only: the folder is rebuilt.
            for folder in ("validations", "data_docs"):
                shutil.rmtree(self.results_dir / folder, ignore_errors=True)
            config.stores["validation_results_store"] = {
                "class_name": "ValidationResultsStore",
                "store_backend": _store(self.results_dir / "validations"),
            }
            config.data_docs_sites = {
                "local_site": {
                    "class_name": "SiteBuilder",
                    "show_how_to_buttons": False,
                    "store_backend": _store(self.results_dir / DATA_DOCS_SITE),
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                }
            }
        self.gx = gx
        self.context = gx.get_context(project_config=config, mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("warehouse")

    def validate(
        self,
        name: str,
        frame: pd.DataFrame,
        specs: list[ExpectationSpec],
        index_columns: tuple[str, ...] = (),
    ) -> list[Outcome]:
        """Validate one table's DataFrame against its expectation specs, as one suite.

        With `index_columns` (small derived tables), failures list the failing rows by them.
        """
        gx = self.gx
        suite = self.context.suites.add(gx.ExpectationSuite(name=name))
        for index, spec in enumerate(specs):
            expectation_class = getattr(gx.expectations, spec.expectation)
            suite.add_expectation(
                expectation_class(**spec.kwargs, severity=spec.severity, meta={"spec": index})
            )
        asset = self.source.add_dataframe_asset(name.replace(".", "__"))
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(
                name=name, data=asset.add_batch_definition_whole_dataframe("whole"), suite=suite
            )
        )
        result_format: dict[str, Any] = {"result_format": "SUMMARY"}
        if index_columns:
            result_format = {
                "result_format": "COMPLETE",
                "unexpected_index_column_names": list(index_columns),
            }
        results = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        by_spec = {r.expectation_config.meta["spec"]: r for r in results.results}
        outcomes = []
        for index, spec in enumerate(specs):
            result = by_spec[index]
            outcomes.append(
                Outcome(
                    mart=name,
                    expectation=spec.label,
                    severity=spec.severity,
                    success=bool(result.success),
                    details="" if result.success else _describe(result),
                )
            )
        return outcomes

    def build_data_docs(self) -> Path | None:
        """Render the Data Docs site; returns its index page."""
        if self.results_dir is None:
            return None
        self.context.build_data_docs()
        return self.results_dir / DATA_DOCS_SITE / "index.html"


def validate_mart(mart: str, frame: pd.DataFrame, specs: list[ExpectationSpec]) -> list[Outcome]:
    """Validate one mart's DataFrame against its expectation specs (own context)."""
    return GxRun().validate(mart, frame, specs)


def _validate_raw(con: duckdb.DuckDBPyConnection, gx_run: GxRun) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for table, contract in contract_tables().items():
        frame = load_table(con, RAW_SCHEMA, table, RAW_SAMPLE_ROWS)
        if frame is None:
            # Banks that land raw tables elsewhere (load_raw_files: false) have none here.
            continue
        specs = raw_suite(contract["columns"], contract["business_key"], table)
        outcomes.extend(gx_run.validate(f"{RAW_SCHEMA}.{table}", frame, specs))
    return outcomes


def _validate_marts(con: duckdb.DuckDBPyConnection, gx_run: GxRun) -> list[Outcome]:
    marts = {mart: load_table(con, SCHEMA, mart) for mart in MART_SUITES}
    loaded = {mart: frame for mart, frame in marts.items() if frame is not None}
    outcomes: list[Outcome] = []
    for mart, suite in MART_SUITES.items():
        frame = marts[mart]
        if frame is None:
            outcomes.append(
                Outcome(mart, "mart exists", "critical", False, f"{SCHEMA}.{mart} not found")
            )
            continue
        outcomes.extend(gx_run.validate(mart, frame, suite(frame, loaded)))
    for name, derived_suite in DERIVED_SUITES.items():
        if derived_suite.mart not in loaded or loaded[derived_suite.mart].empty:
            continue
        derived = derived_suite.derive(loaded)
        specs = derived_suite.suite(derived, loaded)
        outcomes.extend(gx_run.validate(name, derived, specs, derived_suite.index_columns))
    return outcomes


def run(database: Path, report_dir: Path | None, data_docs_dir: Path | None = None) -> int:
    """Validate the raw landings and every public mart; return the process exit code."""
    _quiet_gx()
    if not database.exists():
        print(f"error: database {database} does not exist; run the build first", file=sys.stderr)
        return 2
    gx_run = GxRun(data_docs_dir)
    with duckdb.connect(str(database), read_only=True) as con:
        outcomes = _validate_raw(con, gx_run) + _validate_marts(con, gx_run)

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
    index = gx_run.build_data_docs()
    if index is not None:
        print(f"  Data Docs: {index}")
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
    parser.add_argument(
        "--data-docs-dir",
        type=Path,
        default=Path("gx/uncommitted"),
        help="folder for the validation results and the Data Docs site",
    )
    parser.add_argument("--no-data-docs", action="store_true", help="skip the Data Docs site")
    args = parser.parse_args(argv)
    return run(args.database, args.report_dir, None if args.no_data_docs else args.data_docs_dir)


if __name__ == "__main__":
    sys.exit(main())
