{#- Spending per person and category over the last 12 months (debits with a
    merchant category, internal transfers excluded), ranked within the
    person by amount (ties: category name), so that rank 1 is the top
    spending category. MCCs missing from the merchant-category seed fall in
    `uncategorised` and are neither essential nor discretionary. -#}

with transactions as (
    select * from {{ ref('int_transactions_classified') }}
),

run_dates as (
    select {{ month_start(as_of_date()) }} as as_of_month
),

card_spend as (
    select
        transactions.person_id,
        transactions.is_essential,
        transactions.amount_eur,
        coalesce(transactions.spending_category, 'uncategorised') as spending_category
    from transactions
    cross join run_dates
    where
        transactions.direction = 'debit'
        and not transactions.is_internal_transfer
        and transactions.mcc is not null
        and {{ in_last_n_months('transactions.booked_month', 12, 'run_dates.as_of_month') }}
),

categories as (
    select
        person_id,
        spending_category,
        cast(sum(amount_eur) as decimal(18, 4)) as spend_12m_eur,
        count(*) as n_transactions_12m,
        max(case when is_essential then 1 else 0 end) = 1 as is_essential
    from card_spend
    group by person_id, spending_category
),

final as (
    select
        *,
        row_number() over (
            partition by person_id order by spend_12m_eur desc, spending_category asc
        ) as category_rank
    from categories
)

select * from final
