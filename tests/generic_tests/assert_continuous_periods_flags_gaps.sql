-- continuous_periods must flag the USD gap before the missing March and the
-- GBP mid-month date, accept the valid series even unpartitioned (its months
-- overlap), and see a gap after every month when checked as a daily series.
with bad_series as (
    select * from (
        {{ test_continuous_periods(
            model=ref('test_case__monthly_series_bad'), column_name='month_date', datepart='month',
            partition_by='currency'
        ) }}
    ) as failures
),

usd_gap as (
    select
        'USD gap before the missing month' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from bad_series
    where currency = 'USD' and period_start = cast('2024-02-01' as date) and issue = 'gap before the next period'
),

gbp_mid_month as (
    select
        'GBP mid-month date' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from bad_series
    where currency = 'GBP' and issue = 'not the first day of a month'
),

bad_total as (
    select
        'offending periods' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from bad_series
),

unpartitioned as (
    select
        'valid series without partition' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_continuous_periods(model=ref('test_case__monthly_series'), column_name='month_date') }}
    ) as failures
),

daily_periods as (
    select
        'monthly series checked as days' as case_name,
        4 as n_expected,
        count(*) as n_observed
    from (
        {{ test_continuous_periods(
            model=ref('test_case__monthly_series'), column_name='month_date', datepart='day',
            partition_by='currency'
        ) }}
    ) as failures
),

checks as (
    select * from usd_gap
    union all
    select * from gbp_mid_month
    union all
    select * from bad_total
    union all
    select * from unpartitioned
    union all
    select * from daily_periods
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
