-- recency must flag data older than the window before its reference, use the
-- current timestamp when no reference is given (the fixture is from 2024),
-- and accept data inside the window.
with stale_against_fixed_date as (
    select
        'stale against a fixed date' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_recency(
            model=ref('test_case__events'), field='event_at', datepart='day', interval=3,
            reference="cast('2024-01-20 00:00:00' as timestamp)"
        ) }}
    ) as failures
),

stale_against_now as (
    select
        'stale against the current timestamp' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_recency(model=ref('test_case__events'), field='event_at', datepart='day', interval=30) }}
    ) as failures
),

fresh_against_fixed_date as (
    select
        'fresh against a fixed date' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_recency(
            model=ref('test_case__events'), field='event_at', datepart='day', interval=10,
            reference="cast('2024-01-20 00:00:00' as timestamp)"
        ) }}
    ) as failures
),

checks as (
    select * from stale_against_fixed_date
    union all
    select * from stale_against_now
    union all
    select * from fresh_against_fixed_date
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
