"""Predicted activity and value of every customer person on as_of_date (BG/NBD + Gamma-Gamma).

Persons with value periods are summarised from their first one; customer persons
without any are scored as if their relationship start were their first purchase
occasion (frequency 0, T from the first relationship date). Time runs to the
observation end of int_person_value_periods_summarised (as_of_date, or the latest
known booking if earlier).
"""

import pandas as pd

from bank_segments.clv import pipeline

BIRTHS_SQL = """
    select person_id, first_relationship_date as date
    from persons
    where not is_prospect and first_relationship_date is not null
"""


def model(dbt, session):
    dbt.config(materialized="table")
    period = str(dbt.config.get("clv_period"))
    discount = float(dbt.config.get("clv_monthly_discount_rate"))
    as_of_dates = dbt.ref("stg_run__as_of_dates").df()
    as_of_date = pd.Timestamp(as_of_dates["as_of_date"].iloc[0]).date()
    parameters = dbt.ref("int_clv_parameters_fitted").df()
    period_stats = dbt.ref("int_person_value_periods_summarised").df()
    persons = dbt.ref("int_persons_profiled")
    end = pipeline.observation_end(as_of_date, period_stats["observation_end_date"].max())
    births = persons.query("persons", BIRTHS_SQL).df()
    summary = pipeline.summarise(pipeline.stats_to_end(period_stats), births, end, period)
    return pipeline.score(summary, parameters, as_of_date, period, discount)
