-- equal_rowcount must flag models of 6 and 5 rows, in either order.
with bad_against_good as (
    select
        'bad against good' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_equal_rowcount(model=ref('test_case__numbers_bad'), compare_model=ref('test_case__numbers')) }}
    ) as failures
),

good_against_bad as (
    select
        'good against bad' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_equal_rowcount(model=ref('test_case__numbers'), compare_model=ref('test_case__numbers_bad')) }}
    ) as failures
),

checks as (
    select * from bad_against_good
    union all
    select * from good_against_bad
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
