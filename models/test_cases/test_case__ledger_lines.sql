-- Ledger lines: January sums to 30.0050, February to 5.0000 (total 35.0050).
with ledger_lines as (
    select
        ledger_lines.line_id,
        ledger_lines.booking_month,
        ledger_lines.amount_eur
    from (
        values
        (1, cast('2024-01-01' as date), cast(10.005 as decimal(18, 4))),
        (2, cast('2024-01-01' as date), cast(20 as decimal(18, 4))),
        (3, cast('2024-02-01' as date), cast(5 as decimal(18, 4)))
    ) as ledger_lines (line_id, booking_month, amount_eur)
),

final as (
    select * from ledger_lines
)

select * from final
