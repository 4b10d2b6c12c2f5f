"""The CLV models in the fixture warehouse, and the SQL fallback of non-DuckDB targets."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import run_dbt

PYTHON_MODELS = [
    "int_person_value_periods_summarised",
    "int_clv_parameters_fitted",
    "int_persons_clv_predicted",
    "int_persons_clv_backtested",
]


@pytest.fixture(scope="module")
def warehouse(fixture_db: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(fixture_db), read_only=True)
    yield connection
    connection.close()


def test_parameters_mart_holds_both_fitted_models(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.sql(
        "select model_name, parameter, value, time_unit, n_persons from marts.clv_model_parameters"
    ).fetchall()
    assert sorted((r[0], r[1]) for r in rows) == sorted(
        [("bg_nbd", p) for p in ("r", "alpha", "a", "b")]
        + [("gamma_gamma", p) for p in ("p", "q", "gamma")]
    )
    assert all(r[2] > 0 and r[4] > 0 for r in rows)
    assert {r[3] for r in rows} == {"day"}


def test_every_customer_person_is_scored(warehouse: duckdb.DuckDBPyConnection) -> None:
    missing, unscored = warehouse.sql(
        """
        select
            count(*) filter (where scored.person_id is null),
            count(*) filter (where not scored.is_model_scored or scored.p_alive is null)
        from intermediate.int_persons_profiled as persons
        left join intermediate.int_persons_clv_scored as scored
            on persons.person_id = scored.person_id
        where not persons.is_prospect
        """
    ).fetchone()
    assert (missing, unscored) == (0, 0)


def test_backtest_summary_reports_finite_errors(warehouse: duckdb.DuckDBPyConnection) -> None:
    n_persons, transactions_error, value_error = warehouse.sql(
        "select n_persons, transactions_error_pct, value_error_pct"
        " from marts.fct_clv_backtest_summary"
    ).fetchone()
    assert n_persons > 0
    assert abs(transactions_error) < 100 and abs(value_error) < 100


def test_sql_fallback_disables_the_python_models(tmp_path: Path, fixture_dir: Path) -> None:
    run_dbt(
        ["parse", "--vars", "{clv_sql_fallback: true}"],
        fixture_dir,
        tmp_path / "unused.duckdb",
        tmp_path,
    )
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    enabled = {node["name"] for node in manifest["nodes"].values()}
    assert not enabled & set(PYTHON_MODELS)
    scored = manifest["nodes"]["model.customer_segments.int_persons_clv_scored"]
    assert not any(name.split(".")[-1] in PYTHON_MODELS for name in scored["depends_on"]["nodes"])
    assert "model.customer_segments.clv_model_parameters" in manifest["nodes"]
