-- expression_is_true must flag the rows where the expression is false (-1, 11)
-- or NULL (the NULL score), only those its `where` keeps, and continue the
-- column when applied to one (11 and NULL fail `score <= 10`).
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

column_level as (
    select
        'column level' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from (
        {{ test_expression_is_true(model=ref('test_case__numbers_bad'), column_name='score', expression='<= 10') }}
    ) as failures
),

checks as (
    select * from false_or_null
    union all
    select * from where_filter
    union all
    select * from column_level
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
