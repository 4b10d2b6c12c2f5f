-- Monthly totals of test_case__ledger_lines: total_eur reconciles within a
-- cent per month and overall; total_shifted_eur reconciles overall but moves
-- 5.00 from February to January; total_off_eur is 2.5 cents off overall.
with ledger_totals as (
    select
        ledger_totals.booking_month,
        ledger_totals.total_eur,
        ledger_totals.total_shifted_eur,
        ledger_totals.total_off_eur
    from (
        values
        (
            cast('2024-01-01' as date),
            cast(30.01 as decimal(18, 4)),
            cast(35.01 as decimal(18, 4)),
            cast(30.03 as decimal(18, 4))
        ),
        (
            cast('2024-02-01' as date),
            cast(5 as decimal(18, 4)),
            cast(0 as decimal(18, 4)),
            cast(5 as decimal(18, 4))
        )
    ) as ledger_totals (booking_month, total_eur, total_shifted_eur, total_off_eur)
),

final as (
    select * from ledger_totals
)

select * from final
