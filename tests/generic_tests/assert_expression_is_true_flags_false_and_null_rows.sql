-- expression_is_true must flag the rows where the expression is false (-1, 11)
-- or NULL (the NULL score), and only those its `where` keeps.
with false_or_null as (
    select
        'false or null' as case_name,
        3 as n_expected,
        count(*) as n_observed
    from (
        {{ test_expression_is_true(
            model=ref('test_case__numbers_bad'), expression='score between 0 and 10'
        ) }}
    ) as failures
),

where_filter as (
    select
        'where filter' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from (
        {{ test_expression_is_true(
            model=ref('test_case__numbers_bad'), expression='score between 0 and 10',
            where="category = 'a'"
        ) }}
    ) as failures
),

checks as (
    select * from false_or_null
    union all
    select * from where_filter
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
