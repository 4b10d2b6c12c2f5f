-- accepted_range must flag exactly the out-of-range rows of the bad fixture:
-- -1 and 11 with inclusive bounds, also 0 and 10 with exclusive ones, and
-- only the rows its `where` keeps.
with inclusive_bounds as (
    select
        'inclusive bounds' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from (
        {{ test_accepted_range(
            model=ref('test_case__numbers_bad'), column_name='score', min_value=0, max_value=10
        ) }}
    ) as failures
),

exclusive_bounds as (
    select
        'exclusive bounds' as case_name,
        4 as n_expected,
        count(*) as n_observed
    from (
        {{ test_accepted_range(
            model=ref('test_case__numbers_bad'), column_name='score', min_value=0, max_value=10,
            inclusive=false
        ) }}
    ) as failures
),

lower_bound_only as (
    select
        'lower bound only' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_accepted_range(model=ref('test_case__numbers_bad'), column_name='score', min_value=0) }}
    ) as failures
),

upper_bound_only as (
    select
        'upper bound only' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_accepted_range(model=ref('test_case__numbers_bad'), column_name='score', max_value=10) }}
    ) as failures
),

where_filter as (
    select
        'where filter' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_accepted_range(
            model=ref('test_case__numbers_bad'), column_name='score', min_value=0, max_value=10,
            where="category = 'b'"
        ) }}
    ) as failures
),

checks as (
    select * from inclusive_bounds
    union all
    select * from exclusive_bounds
    union all
    select * from lower_bound_only
    union all
    select * from upper_bound_only
    union all
    select * from where_filter
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
