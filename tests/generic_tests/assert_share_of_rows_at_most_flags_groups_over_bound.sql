-- share_of_rows_at_most must flag each category where one row in three is
-- above 8 (share 1/3 > 0.2), the whole model (2 of 6 rows), and nothing when
-- the bound is 0.5.
with whole_model as (
    select * from (
        {{ test_share_of_rows_at_most(
            model=ref('test_case__numbers_bad'), condition='score > 8', max_share=0.2
        ) }}
    ) as failures
),

per_category as (
    select
        'per category' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from (
        {{ test_share_of_rows_at_most(
            model=ref('test_case__numbers_bad'), condition='score > 8', max_share=0.2, group_by=['category']
        ) }}
    ) as failures
),

whole_model_groups as (
    select
        'whole model' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from whole_model
),

whole_model_matching_rows as (
    select
        'whole model: matching rows' as case_name,
        2 as n_expected,
        max(n_matching) as n_observed
    from whole_model
),

within_bound as (
    select
        'within bound' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_share_of_rows_at_most(
            model=ref('test_case__numbers_bad'), condition='score > 8', max_share=0.5, group_by='category'
        ) }}
    ) as failures
),

checks as (
    select * from per_category
    union all
    select * from whole_model_groups
    union all
    select * from whole_model_matching_rows
    union all
    select * from within_bound
),

final as (
    select * from checks
    where n_observed is null or n_observed <> n_expected
)

select * from final
