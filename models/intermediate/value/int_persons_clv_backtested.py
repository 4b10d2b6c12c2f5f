"""Holdout backtest of the CLV models: one row per person active by the calibration cut-off.

The holdout ends at the observation end (as_of_date, or the latest known booking if
earlier); the cut-off is that day minus `clv_holdout_months`, moved back to the end of
a complete period (both as in int_person_value_periods_summarised, whose per-person
aggregates up to the cut-off and after it this model reads). Both models are refitted
on the value periods up to the cut-off; the persons' expected periods and value over
(cut-off, as_of_date] are set against what they actually did.
"""

import pandas as pd

from bank_segments.clv import pipeline


def model(dbt, session):
    dbt.config(materialized="table")
    period = str(dbt.config.get("clv_period"))
    holdout_months = int(dbt.config.get("clv_holdout_months"))
    as_of_dates = dbt.ref("stg_run__as_of_dates").df()
    as_of_date = pd.Timestamp(as_of_dates["as_of_date"].iloc[0]).date()
    period_stats = dbt.ref("int_person_value_periods_summarised").df()
    end = pipeline.observation_end(as_of_date, period_stats["observation_end_date"].max())
    cutoff = pipeline.calibration_cutoff(end, holdout_months, period)
    calibration = pipeline.summarise(pipeline.stats_to_cutoff(period_stats), None, cutoff, period)
    holdout = pipeline.holdout_activity(period_stats)
    return pipeline.backtest(calibration, holdout, as_of_date, cutoff, period, holdout_end=end)
