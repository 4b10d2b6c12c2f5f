-- sum_reconciles must flag a total 2.5 cents off, a total that reconciles
-- overall but not per month (both months with group_by), respect the
-- tolerance, apply `where`/`compare_where` to their own side only, and count
-- a group missing on either side as zero there.
with off_by_cents as (
    select
        'off by 2.5 cents' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_sum_reconciles(
            model=ref('test_case__ledger_lines'), column_name='amount_eur',
            compare_model=ref('test_case__ledger_totals'), compare_column='total_off_eur'
        ) }}
    ) as failures
),

within_wider_tolerance as (
    select
        'within a wider tolerance' as case_name,
        0 as n_expected,
        count(*) as n_observed
    from (
        {{ test_sum_reconciles(
            model=ref('test_case__ledger_lines'), column_name='amount_eur',
            compare_model=ref('test_case__ledger_totals'), compare_column='total_off_eur', tolerance=0.03
        ) }}
    ) as failures
),

shifted_between_months as (
    select
        'shifted between months' as case_name,
        2 as n_expected,
        count(*) as n_observed
    from (
        {{ test_sum_reconciles(
            model=ref('test_case__ledger_lines'), column_name='amount_eur',
            compare_model=ref('test_case__ledger_totals'), compare_column='total_shifted_eur',
            group_by=['booking_month']
        ) }}
    ) as failures
),

one_side_filtered as (
    select
        'only one side filtered' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_sum_reconciles(
            model=ref('test_case__ledger_lines'), column_name='amount_eur',
            compare_model=ref('test_case__ledger_totals'), compare_column='total_eur',
            where="booking_month = cast('2024-01-01' as date)"
        ) }}
    ) as failures
),

group_missing_in_model as (
    select
        'group missing in the model' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_sum_reconciles(
            model=ref('test_case__ledger_lines'), column_name='amount_eur',
            compare_model=ref('test_case__ledger_totals'), compare_column='total_eur',
            where="booking_month = cast('2024-01-01' as date)", group_by='booking_month'
        ) }}
    ) as failures
),

group_missing_in_compare_model as (
    select
        'group missing in the compare model' as case_name,
        1 as n_expected,
        count(*) as n_observed
    from (
        {{ test_sum_reconciles(
            model=ref('test_case__ledger_lines'), column_name='amount_eur',
            compare_model=ref('test_case__ledger_totals'), compare_column='total_eur',
            compare_where="booking_month = cast('2024-01-01' as date)", group_by='booking_month'
        ) }}
    ) as failures
),

checks as (
    select * from off_by_cents
    union all
    select * from within_wider_tolerance
    union all
    select * from shifted_between_months
    union all
    select * from one_side_filtered
    union all
    select * from group_missing_in_model
    union all
    select * from group_missing_in_compare_model
),

final as (
    select * from checks
    where n_observed <> n_expected
)

select * from final
