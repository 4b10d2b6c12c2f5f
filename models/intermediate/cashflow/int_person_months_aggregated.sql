{#- The single pass over the counting transactions: one row per person and
    booking month (months with at least one transaction, the current month
    up to as_of_date included). Internal transfers are excluded from inflow,
    outflow and spending, but count as activity and (into savings-family
    accounts) as savings deposits; loan repayments count wherever they go.
    "Activity" transactions are the customer-initiated ones. No column
    depends on as_of_date (the 90-day activity count is taken on the
    transactions by int_persons_features_assembled), so that a daily run
    rewrites only the person-months whose transactions changed. -#}

{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook="{{ person_months_pre_hooks() }}",
        post_hook="{{ person_months_post_hooks() }}",
        tags=['incremental_from_raw']
    )
}}

-- the pre-hooks compare the latest booking held with as_of_date (a replay):
-- depends_on: {{ ref('stg_run__as_of_dates') }}

with classified_transactions as (
    select * from {{ ref('int_transactions_classified') }}
),

transactions as (
    select classified_transactions.*
    from classified_transactions
    {%- if is_incremental() %}
        -- incremental: the person-months the pre-hooks marked (macros/incremental)
        inner join {{ affected_work_table() }} as affected_months
            on
                classified_transactions.person_id = affected_months.person_id
                and classified_transactions.booked_month = affected_months.booked_month
    {%- endif %}
),

flagged as (
    select
        transactions.*,
        transactions.direction = 'credit' and not transactions.is_internal_transfer as is_inflow,
        transactions.direction = 'debit' and not transactions.is_internal_transfer as is_outflow
    from transactions
),

aggregated as (
    select
        person_id,
        booked_month,
        sum(case when is_inflow then amount_eur else 0 end) as inflow_eur,
        sum(case when is_outflow then amount_eur else 0 end) as outflow_eur,
        count(*) as n_transactions,
        sum(case when is_customer_initiated then 1 else 0 end) as n_activity_transactions,
        max(case when is_customer_initiated then booked_date end) as last_activity_date,
        max(booked_date) as last_transaction_date,
        sum(
            case when is_customer_initiated and not is_internal_transfer then amount_eur else 0 end
        ) as activity_amount_eur,
        sum(case when is_savings_deposit then 1 else 0 end) as n_savings_deposits,
        sum(case when is_savings_deposit then amount_eur else 0 end) as savings_deposits_eur,
        sum(
            case when direction = 'debit' and flow_type = 'debt_repayment' then amount_eur else 0 end
        ) as debt_repayment_eur,
        sum(case when is_outflow and is_essential then amount_eur else 0 end) as essential_spend_eur,
        sum(case when is_outflow and not is_essential then amount_eur else 0 end) as discretionary_spend_eur,
        sum(
            case
                when is_outflow and (mcc is not null or transaction_code = 'CARD_PURCHASE') then amount_eur
                else 0
            end
        ) as card_spend_eur,
        sum(case when direction = 'debit' and flow_type = 'fee' then amount_eur else 0 end) as fees_eur,
        -- money leaving for an investment, or arriving on an investment account
        sum(
            case
                when direction = 'debit' and flow_type = 'investment' and not is_investment_family then 1
                when direction = 'credit' and is_investment_family and flow_type <> 'interest' then 1
                else 0
            end
        ) as n_investment_purchases
    from flagged
    group by person_id, booked_month
),

final as (
    -- DuckDB sums decimals to decimal(38, 4): back to the money type
    select
        person_id,
        n_transactions,
        n_activity_transactions,
        last_activity_date,
        last_transaction_date,
        n_savings_deposits,
        n_investment_purchases,
        -- `month` is the name the public interface uses
        booked_month as month,  -- noqa: RF04
        cast(inflow_eur as decimal(18, 4)) as inflow_eur,
        cast(outflow_eur as decimal(18, 4)) as outflow_eur,
        cast(activity_amount_eur as decimal(18, 4)) as activity_amount_eur,
        cast(savings_deposits_eur as decimal(18, 4)) as savings_deposits_eur,
        cast(debt_repayment_eur as decimal(18, 4)) as debt_repayment_eur,
        cast(essential_spend_eur as decimal(18, 4)) as essential_spend_eur,
        cast(discretionary_spend_eur as decimal(18, 4)) as discretionary_spend_eur,
        cast(card_spend_eur as decimal(18, 4)) as card_spend_eur,
        cast(fees_eur as decimal(18, 4)) as fees_eur,
        {{ processed_at() }} as _processed_at
    from aggregated
)

select * from final
