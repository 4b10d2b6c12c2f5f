{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook="{{ classified_transactions_pre_hooks() }}",
        post_hook="{{ classified_transactions_post_hook() }}",
        tags=['incremental_from_raw']
    )
}}

{#- One row per counting transaction on as_of_date: the latest version known
    by then (staging), status `booked`, booked on or before as_of_date, not a
    reversal itself and not cancelled by a booked reversal booked by then,
    on an account of a live customer record. Adds the person, the product
    family, the flow type, the merchant category, the amount in the
    reporting currency (rate of the booking month) and the internal-transfer
    and savings-deposit flags. -#}

-- read twice (counting rows, cancelling reversals): inlined, not copied
with staged_transactions as {{ inlined_cte() }} (
    select * from {{ ref('stg_core_banking__transactions') }}
),

accounts as (
    select * from {{ ref('int_accounts_classified') }}
),

transaction_codes as (
    select * from {{ ref('transaction_codes') }}
),

merchant_categories as (
    select * from {{ ref('merchant_categories') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_resolved') }}
),

run_dates as (
    select {{ as_of_date() }} as as_of_date
),

transactions as (
    select staged_transactions.*
    from staged_transactions
    {%- if is_incremental() %}
        -- incremental: the account-months the pre-hooks marked (macros/incremental)
        inner join {{ affected_work_table() }} as affected_months
            on
                staged_transactions.account_id = affected_months.account_id
                and {{ month_start('staged_transactions.booked_date') }} = affected_months.booked_month
    {%- endif %}
),

booked_by_as_of as (
    select
        transactions.*,
        (
            coalesce(transactions.transaction_code = 'REVERSAL', false)
            or transactions.reversal_of_transaction_id is not null
        ) as is_reversal
    from transactions
    cross join run_dates
    where
        transactions.status = 'booked'
        and transactions.booked_date <= run_dates.as_of_date
        -- staging already keeps only versions loaded by as_of_date; kept here so
        -- that this model is point-in-time on its own
        and cast(transactions._loaded_at as date) <= run_dates.as_of_date
),

cancelled_transactions as (
    -- a pending reversal cancels nothing; only booked ones do (from every
    -- account-month: a reversal may be booked in another month)
    select distinct staged_transactions.reversal_of_transaction_id as transaction_id
    from staged_transactions
    cross join run_dates
    where
        staged_transactions.status = 'booked'
        and staged_transactions.reversal_of_transaction_id is not null
        and staged_transactions.booked_date <= run_dates.as_of_date
        and cast(staged_transactions._loaded_at as date) <= run_dates.as_of_date
),

counting as (
    select booked_by_as_of.*
    from booked_by_as_of
    left join cancelled_transactions
        on booked_by_as_of.transaction_id = cancelled_transactions.transaction_id
    where
        not booked_by_as_of.is_reversal
        and cancelled_transactions.transaction_id is null
),

enriched as (
    select
        counting.transaction_id,
        counting.account_id,
        accounts.customer_id,
        accounts.person_id,
        accounts.product_code,
        accounts.product_family,
        accounts.is_savings_family,
        accounts.is_investment_family,
        accounts.is_credit_family,
        counting.booked_at,
        counting.booked_date,
        {{ month_start('counting.booked_date') }} as booked_month,
        counting.direction,
        counting.amount,
        accounts.currency,
        counting.transaction_code,
        -- unknown codes: flow type 'other', the direction still decides in/out
        coalesce(transaction_codes.flow_type, 'other') as flow_type,
        transaction_codes.transaction_code is not null as is_known_transaction_code,
        -- unknown codes: money going out is taken as ordered by the holder
        coalesce(transaction_codes.is_customer_initiated, counting.direction = 'debit') as is_customer_initiated,
        counting.purpose_code,
        counting.counterparty_key,
        counting.counterparty_account_id,
        counterparty_accounts.person_id as counterparty_person_id,
        counting.mcc,
        merchant_categories.spending_category,
        merchant_categories.is_essential,
        counting.channel
    from counting
    inner join accounts
        on counting.account_id = accounts.account_id
    left join transaction_codes
        on counting.transaction_code = upper(transaction_codes.transaction_code)
    left join merchant_categories
        on counting.mcc = lpad(cast(merchant_categories.mcc as {{ dbt.type_string() }}), 4, '0')
    left join accounts as counterparty_accounts
        on counting.counterparty_account_id = counterparty_accounts.account_id
),

converted as (
    select
        enriched.*,
        fx_rates.rate_to_reporting as fx_rate,
        cast(enriched.amount * fx_rates.rate_to_reporting as decimal(18, 4)) as amount_eur,
        coalesce(fx_rates.is_rate_imputed, true) as is_fx_rate_imputed
    from enriched
    left join fx_rates
        on
            enriched.currency = fx_rates.currency
            and enriched.booked_month = fx_rates.rate_month
),

final as (
    select
        transaction_id,
        account_id,
        customer_id,
        person_id,
        product_code,
        product_family,
        is_savings_family,
        is_investment_family,
        is_credit_family,
        booked_at,
        booked_date,
        booked_month,
        direction,
        amount,
        currency,
        fx_rate,
        is_fx_rate_imputed,
        amount_eur,
        transaction_code,
        flow_type,
        is_known_transaction_code,
        is_customer_initiated,
        purpose_code,
        counterparty_key,
        counterparty_account_id,
        mcc,
        spending_category,
        is_essential,
        channel,
        case when direction = 'credit' then amount_eur else -amount_eur end as signed_amount_eur,
        -- money moved between two accounts of the same person
        coalesce(counterparty_person_id = person_id, false) as is_internal_transfer,
        -- a credit to a savings-family account that is not interest (reversals are gone already)
        (direction = 'credit' and is_savings_family and flow_type <> 'interest') as is_savings_deposit,
        {{ processed_at() }} as _processed_at
    from converted
)

select * from final
