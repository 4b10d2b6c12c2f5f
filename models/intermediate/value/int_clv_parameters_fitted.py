"""BG/NBD and Gamma-Gamma fitted on the value periods of customer persons up to as_of_date.

One row per model parameter (long format). Periods are `clv_period` (day by default):
all value-generating transactions of a person in one period are one purchase occasion
worth their revenue. Persons without a value-generating transaction are not fitted.
Time runs to the observation end: as_of_date, or the latest known booking when a
replay's as_of_date lies beyond what was loaded by then (pipeline.observation_end).
"""

import pandas as pd

from bank_segments.clv import pipeline


def model(dbt, session):
    dbt.config(materialized="table")
    period = str(dbt.config.get("clv_period"))
    as_of_dates = dbt.ref("stg_run__as_of_dates").df()
    as_of_date = pd.Timestamp(as_of_dates["as_of_date"].iloc[0]).date()
    transactions = dbt.ref("int_transactions_valued")
    latest = transactions.query("tx", pipeline.observation_end_sql("tx")).df()
    end = pipeline.observation_end(as_of_date, latest["observation_end"].iloc[0])
    stats = transactions.query("tx", pipeline.period_stats_sql(period, "tx", end)).df()
    summary = pipeline.summarise(stats, None, end, period)
    return pipeline.fit(summary, as_of_date, period)
