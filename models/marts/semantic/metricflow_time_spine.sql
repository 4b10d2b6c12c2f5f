-- One row per day: the calendar the semantic layer (MetricFlow) aggregates
-- metrics over. The range covers any bank's history and the years ahead.
with days as (

    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2000-01-01' as date)",
        end_date="cast('2051-01-01' as date)"
    ) }}

),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
