-- dbt's unique test (on DuckDB through the hashed duplicated_keys) must flag
-- each repeated value once with its number of rows, and ignore NULLs: the
-- categories 'a' and 'b' three rows each, number 2 twice, no score repeated,
-- and nothing for the column that holds only NULLs.
with categories as (
    select * from (
        {{ test_unique(model=ref('test_case__numbers_bad'), column_name='category') }}
    ) as failures
),

numbers as (
    select * from (
        {{ test_unique(model=ref('test_case__numbers_bad'), column_name='number_id') }}
    ) as failures
),

scores as (
    select * from (
        {{ test_unique(model=ref('test_case__numbers_bad'), column_name='score') }}
    ) as failures
),

empty_scores as (
    select * from (
        {{ test_unique(model=ref('test_case__numbers_bad'), column_name='empty_score') }}
    ) as failures
),

checks as (
    select
        'categories: repeated values' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from categories
    union all
    select
        'categories: rows per repeated value' as case_name,
        6 as n_expected,
        sum(n_records) as n_observed
    from categories
    union all
    select
        'numbers: the repeated number' as case_name,
        2 as n_expected,
        max(case when unique_field = 2 then n_records end) as n_observed
    from numbers
    union all
    select
        'numbers: repeated values' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from numbers
    union all
    select
        'scores: none repeated, the NULL ignored' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from scores
    union all
    select
        'only NULLs: nothing repeated' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from empty_scores
),

final as (
    select * from checks
    where n_observed is null or n_observed <> n_expected
)

select * from final
