"""Per customer person, its value periods summarised once for the three CLV models.

One row per person with a value period up to the observation end: as_of_date, or the
latest known booking when a replay's as_of_date lies beyond what was loaded by then
(pipeline.observation_end). The periods (`clv_period`) are aggregated up to that end,
up to the backtest's calibration cut-off (the end minus `clv_holdout_months`, moved
back to the end of a complete period) and after the cut-off, in one pass over the
value days (int_person_value_days_aggregated, kept incrementally): the fit, the scores
and the backtest read this small table instead of aggregating the transactions each.
"""

import pandas as pd

from bank_segments.clv import pipeline


def model(dbt, session):
    dbt.config(materialized="table")
    period = str(dbt.config.get("clv_period"))
    holdout_months = int(dbt.config.get("clv_holdout_months"))
    as_of_dates = dbt.ref("stg_run__as_of_dates").df()
    as_of_date = pd.Timestamp(as_of_dates["as_of_date"].iloc[0]).date()
    # one row per person and day with value: the relation period_stats_sql reads
    value_days = dbt.ref("int_person_value_days_aggregated")
    latest = value_days.query("value_days", pipeline.observation_end_sql("value_days")).df()
    end = pipeline.observation_end(as_of_date, latest["observation_end"].iloc[0])
    cutoff = pipeline.calibration_cutoff(end, holdout_months, period)
    stats_sql = pipeline.period_stats_sql(period, "value_days", cutoff, end, one_row_per_day=True)
    stats = value_days.query("value_days", stats_sql).df()
    return stats.assign(
        as_of_date=as_of_date,
        observation_end_date=end,
        calibration_end_date=cutoff,
        time_unit=period,
    )
