{#- Money conservation, staging -> intermediate, gross (a net check lets a
    missing credit hide behind a missing debit): per account and booking
    month, the credits and the debits (account currency) of the counting
    transactions re-derived from staging (latest version booked and loaded by
    as_of_date, not a reversal, not cancelled by a booked reversal, on an
    account of a live customer record opened by as_of_date) equal those of
    int_transactions_classified, and the EUR amounts there are the amounts at
    the rate of their month. Returns the account-months off by more than a
    cent. -#}

-- transactions and booked are read twice (cancelled ids, totals): inlined,
-- not copies of every transaction
with transactions as {{ inlined_cte() }} (
    select * from {{ ref('stg_core_banking__transactions') }}
),

accounts as (
    select * from {{ ref('stg_core_banking__accounts') }}
),

customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

classified as (
    select * from {{ ref('int_transactions_classified') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_resolved') }}
),

run_dates as (
    select as_of_date from {{ ref('stg_run__as_of_dates') }}
),

booked as {{ inlined_cte() }} (
    select transactions.*
    from transactions
    cross join run_dates
    where
        transactions.status = 'booked'
        and transactions.booked_date <= run_dates.as_of_date
        and cast(transactions._loaded_at as date) <= run_dates.as_of_date
),

cancelled_ids as (
    select distinct reversal_of_transaction_id as transaction_id
    from booked
    where reversal_of_transaction_id is not null
),

live_accounts as (
    select accounts.account_id
    from accounts
    inner join customers
        on accounts.customer_id = customers.customer_id
    cross join run_dates
    where
        not coalesce(customers.is_deleted, false)
        and cast(accounts.opened_at as date) <= run_dates.as_of_date
),

staging_totals as (
    select
        booked.account_id,
        {{ month_start('booked.booked_date') }} as booked_month,
        sum(case when booked.direction = 'credit' then booked.amount else 0 end) as credits,
        sum(case when booked.direction = 'debit' then booked.amount else 0 end) as debits
    from booked
    inner join live_accounts
        on booked.account_id = live_accounts.account_id
    left join cancelled_ids
        on booked.transaction_id = cancelled_ids.transaction_id
    where
        coalesce(booked.transaction_code, '') <> 'REVERSAL'
        and booked.reversal_of_transaction_id is null
        and cancelled_ids.transaction_id is null
    group by booked.account_id, {{ month_start('booked.booked_date') }}
),

classified_totals as (
    select
        classified.account_id,
        classified.booked_month,
        sum(case when classified.direction = 'credit' then classified.amount else 0 end) as credits,
        sum(case when classified.direction = 'debit' then classified.amount else 0 end) as debits,
        -- converted per row, summed; compared with the converted sum below
        sum(classified.amount_eur) as gross_eur,
        sum(classified.amount) * max(fx_rates.rate_to_reporting) as gross_at_month_rate_eur
    from classified
    left join fx_rates
        on
            classified.currency = fx_rates.currency
            and classified.booked_month = fx_rates.rate_month
    group by classified.account_id, classified.booked_month
),

compared as (
    select
        classified_totals.gross_eur,
        classified_totals.gross_at_month_rate_eur,
        coalesce(staging_totals.account_id, classified_totals.account_id) as account_id,
        coalesce(staging_totals.booked_month, classified_totals.booked_month) as booked_month,
        coalesce(staging_totals.credits, 0) as staging_credits,
        coalesce(classified_totals.credits, 0) as classified_credits,
        coalesce(staging_totals.debits, 0) as staging_debits,
        coalesce(classified_totals.debits, 0) as classified_debits
    from staging_totals
    full outer join classified_totals
        on
            staging_totals.account_id = classified_totals.account_id
            and staging_totals.booked_month = classified_totals.booked_month
),

failures as (
    select * from compared
    where
        abs(staging_credits - classified_credits) > 0.01
        or abs(staging_debits - classified_debits) > 0.01
        -- rounding each converted row to 4 decimals may cost 0.00005 per row
        or abs(coalesce(gross_eur, 0) - coalesce(gross_at_month_rate_eur, gross_eur, 0)) > 0.01
)

select * from failures
