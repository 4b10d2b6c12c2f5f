-- unique_combination_of_columns must flag the duplicated key (2, 'a') once,
-- with the 2 rows sharing it, and accept a single column given as a string.
with compound_key as (
    select * from (
        {{ test_unique_combination_of_columns(
            model=ref('test_case__numbers_bad'), combination_of_columns=['number_id', 'category']
        ) }}
    ) as failures
),

single_column as (
    select * from (
        {{ test_unique_combination_of_columns(
            model=ref('test_case__numbers_bad'), combination_of_columns='category'
        ) }}
    ) as failures
),

compound_key_groups as (
    select
        'compound key: duplicated combinations' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from compound_key
),

compound_key_rows as (
    select
        'compound key: rows sharing the combination' as case_name,
        2 as n_expected,
        max(n_rows) as n_observed
    from compound_key
),

single_column_groups as (
    select
        'single column: duplicated values' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from single_column
),

checks as (
    select * from compound_key_groups
    union all
    select * from compound_key_rows
    union all
    select * from single_column_groups
),

final as (
    select * from checks
    where n_observed is null or n_observed <> n_expected
)

select * from final
