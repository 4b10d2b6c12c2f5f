"""Holdout backtest of the CLV models: one row per person active by the calibration cut-off.

The cut-off is as_of_date minus `clv_holdout_months`, moved back to the end of a
complete period. Both models are refitted on the value periods up to the cut-off; the
persons' expected periods and value over (cut-off, as_of_date] are set against what
they actually did.
"""

import pandas as pd

from bank_segments.clv import pipeline


def model(dbt, session):
    dbt.config(materialized="table")
    period = str(dbt.config.get("clv_period"))
    holdout_months = int(dbt.config.get("clv_holdout_months"))
    as_of_dates = dbt.ref("stg_run__as_of_dates").df()
    as_of_date = pd.Timestamp(as_of_dates["as_of_date"].iloc[0]).date()
    cutoff = pipeline.calibration_cutoff(as_of_date, holdout_months, period)
    transactions = dbt.ref("int_transactions_valued")
    stats = transactions.query(
        "value_transactions", pipeline.period_stats_sql(period, "value_transactions", cutoff)
    ).df()
    holdout = transactions.query(
        "value_transactions",
        pipeline.holdout_sql(period, "value_transactions", cutoff, as_of_date),
    ).df()
    calibration = pipeline.summarise(stats, None, cutoff, period)
    return pipeline.backtest(calibration, holdout, as_of_date, cutoff, period)
