"""Test helpers for the segment models: a DuckDB warehouse whose upstream
marts (fct_person_features, dim_persons, stg_run__as_of_dates) are tables
written by the test, and dbt run in-process on it."""

from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[2]
START = date(2025, 3, 1)
N_CUSTOMERS = 80
ERASED_ON = START + timedelta(days=24)
CONVERTED_ON = START + timedelta(days=18)
# a daily run of the segment models; dim_segments and the exports are built by
# `build_registry` and `run_day(..., full=True)` where a test needs them
SEGMENT_MODELS = "int_segment_inputs_snapshotted+ --exclude fct_audience_exports"
FULL_SEGMENT_MODELS = "int_segment_inputs_snapshotted+ dim_segments"


def dbt_flags(work_dir: Path, project_dir: Path = PROJECT_DIR) -> list[str]:
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--quiet",
        # no artifacts to write: dozens of runs per test
        "--no-write-json",
    ]


def parse_project(work_dir: Path, project_dir: Path = PROJECT_DIR) -> tuple[object, dict]:
    """Parse the project; returns the manifest and fct_person_features' documented columns."""
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ["RAW_DATA_DIR"] = str(work_dir / "no_raw_files")
    result = dbtRunner().invoke(["parse", *dbt_flags(work_dir, project_dir)])
    if not result.success:
        raise AssertionError(f"dbt parse failed: {result.exception}")
    manifest = result.result
    node = next(n for n in manifest.nodes.values() if n.name == "fct_person_features")
    columns = {name: column.data_type for name, column in node.columns.items()}
    return manifest, columns


def _column_type(name: str, data_type: str | None) -> str:
    if data_type:
        return data_type
    if name == "as_of_date":
        return "date"
    if name in {"person_id", "value_tier", "origin", "top_spending_category"}:
        return "varchar"
    if name.startswith(("is_", "has_", "holds_")):
        return "boolean"
    return "double"


class SyntheticBank:
    """Per-day upstream rows; features change in 5-day steps per person."""

    def __init__(self, feature_columns: dict[str, str | None]) -> None:
        self.columns = feature_columns
        self.customers = [f"c{n:03d}" for n in range(N_CUSTOMERS)]

    def persons(self, day: date) -> pd.DataFrame:
        rows = []
        for person_id in self.customers:
            if person_id == "c000" and day >= ERASED_ON:
                continue
            rows.append(
                (person_id, "digital_user", day.toordinal() % 3 != 0, date(2015, 1, 1), 120)
            )
        origin = "digital_client" if day >= CONVERTED_ON else "digital_prospect"
        rows.append(("p001", origin, True, date(2024, 1, 1), 14))
        rows.append(("p002", "digital_prospect", day.toordinal() % 2 == 0, date(2025, 1, 1), 2))
        columns = [
            "person_id",
            "origin",
            "is_digital_active",
            "first_relationship_date",
            "tenure_months",
        ]
        return pd.DataFrame(rows, columns=columns)

    def features(self, day: date) -> pd.DataFrame:
        people = list(self.persons(day).itertuples(index=False))
        rows = []
        for person in people:
            if person.origin == "digital_prospect":
                continue
            rng = random.Random(f"{person.person_id}|{(day - START).days // 5}")
            rows.append(self._row(person, day, rng))
        return pd.DataFrame(rows, columns=list(self.columns))

    def _row(self, person: tuple, day: date, rng: random.Random) -> dict:
        values = {
            "person_id": person.person_id,
            "as_of_date": day,
            "origin": person.origin,
            "is_digital_active": person.is_digital_active,
            "tenure_months": person.tenure_months,
            "months_of_history": 24,
            "savings_buffer_months": rng.choice([4.0, 5.9, 6.0, 8.0, 12.0, None]),
            "deposit_months_12": rng.choice([8, 9, 12]),
            "cashflow_positive_months_12": rng.choice([11, 12, 12]),
            "has_marketing_consent": rng.random() > 0.2,
            "outflow_volatility_12": rng.choice([0.2, 0.4, 0.6]),
            "debt_repayment_ratio_12": rng.choice([0.1, 0.2, 0.4]),
            "dependents": rng.choice([0, 1, 3]),
            "age_years": 40,
            "savings_balance_eur": rng.choice([100.0, 5000.0, 20000.0, 60000.0]),
            "value_tier": rng.choice(["A", "B", "C"]),
            "churn_risk": rng.random(),
            "clv_12m_eur": round(rng.random() * 900, 2),
            "transactions_12m": rng.choice([0, 30, 100, 300]),
            "logins_90d": rng.choice([0, 3, 10, 40]),
        }
        row = {}
        for name, data_type in self.columns.items():
            column_type = _column_type(name, data_type)
            if name in values:
                row[name] = values[name]
            elif column_type == "date":
                row[name] = date(2015, 1, 1)
            elif column_type == "boolean":
                row[name] = rng.random() > 0.5
            elif column_type == "varchar":
                row[name] = rng.choice(["groceries", "travel"])
            else:
                row[name] = rng.randint(0, 12)
        return row


class SegmentWarehouse:
    """A DuckDB file with mocked upstream marts and an in-process dbt runner."""

    def __init__(
        self,
        work_dir: Path,
        bank: SyntheticBank,
        manifest: object,
        project_dir: Path = PROJECT_DIR,
    ) -> None:
        from dbt.cli.main import dbtRunner

        work_dir.mkdir(parents=True, exist_ok=True)
        self.work_dir = work_dir
        self.database = work_dir / "segments.duckdb"
        self.bank = bank
        self.project_dir = project_dir
        self.runner = dbtRunner(manifest=manifest)
        con = duckdb.connect(str(self.database))
        for schema in ("marts", "staging", "reference", "intermediate"):
            con.execute(f"create schema if not exists {schema}")
        catalogue = PROJECT_DIR / "seeds" / "product_catalogue.csv"
        con.execute(
            f"create table reference.product_catalogue as select * from read_csv('{catalogue}')"
        )
        con.close()

    def set_day(self, day: date) -> None:
        con = duckdb.connect(str(self.database))
        persons = self.bank.persons(day)
        features = self.bank.features(day)
        casts = ", ".join(
            f"cast({name} as {_column_type(name, data_type)}) as {name}"
            for name, data_type in self.bank.columns.items()
        )
        con.register("persons_df", persons)
        con.register("features_df", features)
        con.execute("create or replace table marts.dim_persons as select * from persons_df")
        con.execute(
            f"create or replace table marts.fct_person_features as select {casts} from features_df"
        )
        con.execute(
            "create or replace table staging.stg_run__as_of_dates as "
            f"select cast('{day.isoformat()}' as date) as as_of_date"
        )
        con.close()

    def try_invoke(self, args: list[str], reparse: bool = False) -> object:
        """Run dbt on this warehouse; `reparse` after editing the project."""
        from dbt.cli.main import dbtRunner

        os.environ["DUCKDB_PATH"] = str(self.database)
        runner = dbtRunner() if reparse else self.runner
        return runner.invoke([*args, *dbt_flags(self.work_dir, self.project_dir)])

    def invoke(self, args: list[str]) -> None:
        result = self.try_invoke(args)
        if not result.success:
            raise AssertionError(f"dbt {' '.join(args)} failed: {result.exception}")

    def build_registry(self) -> None:
        self.invoke(["run", "--select", "dim_segments", "--vars", '{"load_raw_files": false}'])

    def run_day(self, day: date, full: bool = False) -> None:
        """The daily run of `day`; `full` also rebuilds dim_segments and the exports."""
        self.set_day(day)
        variables = {"as_of_date": day.isoformat(), "load_raw_files": False}
        selector = FULL_SEGMENT_MODELS if full else SEGMENT_MODELS
        self.invoke(["run", "--select", *selector.split(), "--vars", json.dumps(variables)])

    def rows(self, table: str, order_by: str) -> list[tuple]:
        con = duckdb.connect(str(self.database))
        try:
            return con.execute(f"select * from {table} order by {order_by}").fetchall()
        finally:
            con.close()
