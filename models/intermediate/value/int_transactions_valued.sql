{#- The value-generating transactions of customer persons on as_of_date and
    the bank revenue each one earns; the input of the CLV models.
    A value-generating transaction is a counting transaction that the
    holder ordered (customer-initiated) and that moves money out of the bank
    to a third party: card purchases, cash withdrawals, direct debits,
    transfers out, standing orders, loan repayments, investment buys (and
    debits with unknown codes, which int_transactions_classified takes as
    customer-initiated). Internal transfers move money between the person's
    own accounts and earn nothing: they are left out. Credits are income,
    not usage, and fees/interest are charged by the bank: neither counts.
    Revenue per transaction (`revenue_eur`, reporting currency):
    - card payments at merchants (code CARD_PURCHASE, or an MCC that is not
      a cash withdrawal): amount x var `interchange_rate`;
    - investment buys (flow type `investment`): amount x var
      `clv_investment_revenue_rate` (entry fee);
    - every other value-generating debit: amount x var
      `clv_payment_revenue_rate` (payment fees and float).
    A view on DuckDB: a row-wise filter of int_transactions_classified (which
    grows incrementally) that only int_person_value_days_aggregated reads,
    for the person-months it recomputes. As a table it was rewritten every
    day (103 million rows at 1,000,000 persons, 92 s). A table on Spark, like
    every intermediate model there. -#}

{{ config(materialized='table' if target.type == 'spark' else 'view') }}

{%- set revenue_rates = clv_revenue_rates() %}

with transactions as (
    select * from {{ ref('int_transactions_classified') }}
),

value_generating as (
    select
        transaction_id,
        person_id,
        booked_date,
        booked_month,
        transaction_code,
        flow_type,
        mcc,
        amount_eur
    from transactions
    where
        is_customer_initiated
        and direction = 'debit'
        and not is_internal_transfer
        and flow_type not in ('fee', 'interest')
        and person_id is not null
        and amount_eur is not null
),

classified as (
    select
        *,
        case
            when
                transaction_code = 'CARD_PURCHASE'
                -- 6010/6011: manual and automated cash disbursements earn no interchange
                or (mcc is not null and mcc not in ('6010', '6011'))
                then 'card_payment'
            when flow_type = 'investment' then 'investment_buy'
            else 'other_payment'
        end as revenue_kind
    from value_generating
),

final as (
    select
        transaction_id,
        person_id,
        booked_date,
        booked_month,
        transaction_code,
        revenue_kind,
        amount_eur,
        cast(
            amount_eur * case revenue_kind
                when 'card_payment' then {{ revenue_rates.card_payment }}
                when 'investment_buy' then {{ revenue_rates.investment_buy }}
                else {{ revenue_rates.other_payment }}
            end as decimal(18, 4)
        ) as revenue_eur
    from classified
)

select * from final
