-- at_least_one must flag a column that is always NULL; not_null_share_at_least
-- must flag 5 scores in 6 rows against 0.9 and accept them against 0.8.
with all_null as (
    select
        'all null column' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_at_least_one(model=ref('test_case__numbers_bad'), column_name='empty_score') }}
    ) as failures
),

share_below_bound as (
    select
        'share below bound' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_not_null_share_at_least(model=ref('test_case__numbers_bad'), column_name='score', min_share=0.9) }}
    ) as failures
),

share_above_bound as (
    select
        'share above bound' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_not_null_share_at_least(model=ref('test_case__numbers_bad'), column_name='score', min_share=0.8) }}
    ) as failures
),

checks as (
    select * from all_null
    union all
    select * from share_below_bound
    union all
    select * from share_above_bound
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
