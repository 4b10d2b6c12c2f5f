-- volume_anomaly must flag the 30-event spike on the latest complete day,
-- stay silent below min_days of history or above a huge threshold, and
-- evaluate the still-loading last day only when complete_days_only is false.
with spike as (
    select * from (
        {{ test_volume_anomaly(model=ref('test_case__events_bad'), timestamp_column='event_at') }}
    ) as failures
),

spike_flagged as (
    select
        'spike on the latest complete day' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from spike
    where day_date = cast('2024-01-11' as date) and n_rows = 30 and n_history_days = 10
),

too_little_history as (
    select
        'fewer days than min_days' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_volume_anomaly(model=ref('test_case__events_bad'), timestamp_column='event_at', min_days=11) }}
    ) as failures
),

huge_threshold as (
    select
        'spike below a huge threshold' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_volume_anomaly(model=ref('test_case__events_bad'), timestamp_column='event_at', z_threshold=100) }}
    ) as failures
),

partial_day as (
    select
        'partial last day evaluated on request' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_volume_anomaly(
            model=ref('test_case__events'), timestamp_column='event_at', complete_days_only=false
        ) }}
    ) as failures
    where day_date = cast('2024-01-12' as date)
),

short_lookback as (
    select
        'lookback shorter than min_days' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_volume_anomaly(
            model=ref('test_case__events_bad'), timestamp_column='event_at', lookback_days=5
        ) }}
    ) as failures
),

checks as (
    select * from spike_flagged
    union all
    select * from too_little_history
    union all
    select * from huge_threshold
    union all
    select * from partial_day
    union all
    select * from short_lookback
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
