{#- Returns one row when the row count of the latest complete day is an
    outlier against the previous days: |z| > z_threshold with
    z = (count - mean) / stddev_samp over the previous days (days without
    rows count as zero; a constant history flags any different count). With
    complete_days_only (default) the latest day in the data and any day from
    today (UTC) on are treated as possibly partial and not evaluated. Passes
    while fewer than min_days previous days exist. lookback_days bounds the
    history (default: all of it, up to 9,999 days). -#}
{% test volume_anomaly(
    model,
    timestamp_column,
    z_threshold=3,
    min_days=7,
    complete_days_only=true,
    lookback_days=none
) %}

{%- set history_days = [lookback_days or 9999, 9999] | min %}

with daily_counts as (
    select
        cast({{ timestamp_column }} as date) as day_date,
        count(*) as n_rows
    from {{ model }}
    where {{ timestamp_column }} is not null
    group by cast({{ timestamp_column }} as date)
),

evaluated_day as (
    select max(day_date) as day_date
    from daily_counts
    {%- if complete_days_only %}
        where
            day_date < (select max(latest.day_date) from daily_counts as latest)
            and day_date < cast({{ dbt.current_timestamp() }} as date)
    {%- endif %}
),

digits as (
    select digits.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digits (digit)
),

day_offsets as (
    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as day_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
),

history_spine as (
    select cast({{ dbt.dateadd('day', '-1 * day_offsets.day_offset', 'evaluated_day.day_date') }} as date) as day_date
    from evaluated_day
    cross join day_offsets
    where day_offsets.day_offset between 1 and {{ history_days }}
),

history_counts as (
    select
        history_spine.day_date,
        coalesce(daily_counts.n_rows, 0) as n_rows
    from history_spine
    left join daily_counts
        on history_spine.day_date = daily_counts.day_date
    -- history starts on the first day with data
    where history_spine.day_date >= (select min(first_day.day_date) from daily_counts as first_day)
),

history_stats as (
    select
        count(*) as n_history_days,
        avg(cast(n_rows as double)) as mean_rows,
        stddev_samp(cast(n_rows as double)) as stddev_rows
    from history_counts
),

scored as (
    select
        evaluated_day.day_date,
        coalesce(daily_counts.n_rows, 0) as n_rows,
        history_stats.n_history_days,
        history_stats.mean_rows,
        history_stats.stddev_rows,
        (coalesce(daily_counts.n_rows, 0) - history_stats.mean_rows)
        / nullif(history_stats.stddev_rows, 0) as z_score,
        {{ z_threshold }} as z_threshold
    from evaluated_day
    cross join history_stats
    left join daily_counts
        on evaluated_day.day_date = daily_counts.day_date
    where evaluated_day.day_date is not null
),

failures as (
    select * from scored
    where
        n_history_days >= {{ min_days }}
        and (
            abs(z_score) > {{ z_threshold }}
            or (stddev_rows = 0 and n_rows <> mean_rows)
        )
)

select * from failures

{% endtest %}
