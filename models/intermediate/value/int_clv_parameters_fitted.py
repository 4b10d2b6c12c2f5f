"""BG/NBD and Gamma-Gamma fitted on the value periods of customer persons up to as_of_date.

One row per model parameter (long format). Periods are `clv_period` (day by default):
all value-generating transactions of a person in one period are one purchase occasion
worth their revenue. Persons without a value-generating transaction are not fitted.
Time runs to the observation end of int_person_value_periods_summarised.
"""

import pandas as pd

from bank_segments.clv import pipeline


def model(dbt, session):
    dbt.config(materialized="table")
    period = str(dbt.config.get("clv_period"))
    as_of_dates = dbt.ref("stg_run__as_of_dates").df()
    as_of_date = pd.Timestamp(as_of_dates["as_of_date"].iloc[0]).date()
    period_stats = dbt.ref("int_person_value_periods_summarised").df()
    end = pipeline.observation_end(as_of_date, period_stats["observation_end_date"].max())
    summary = pipeline.summarise(pipeline.stats_to_end(period_stats), None, end, period)
    return pipeline.fit(summary, as_of_date, period)
