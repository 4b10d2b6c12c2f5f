{#- Money conservation between staging and the classified transactions,
    re-deriving eligibility independently from staging: per currency and
    booking month, the signed amounts (account currency) of the booked,
    non-reversal transactions booked and loaded by as_of_date, not cancelled
    by a booked reversal, on accounts of live customer records opened by
    as_of_date, equal those of int_transactions_classified. -#}

-- transactions and booked are read twice (reversed ids, totals): inlined,
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

run_dates as (
    select {{ as_of_date() }} as as_of_date
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

reversed_ids as (
    select reversal_of_transaction_id as transaction_id
    from booked
    where reversal_of_transaction_id is not null
),

live_accounts as (
    select
        accounts.account_id,
        upper(trim(accounts.currency)) as currency
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
        live_accounts.currency,
        {{ month_start('booked.booked_date') }} as flow_month,
        sum(case when booked.direction = 'credit' then booked.amount else -booked.amount end) as staging_net
    from booked
    inner join live_accounts
        on booked.account_id = live_accounts.account_id
    where
        coalesce(booked.transaction_code, '') <> 'REVERSAL'
        and booked.reversal_of_transaction_id is null
        and booked.transaction_id not in (select reversed_ids.transaction_id from reversed_ids)
    group by live_accounts.currency, {{ month_start('booked.booked_date') }}
),

classified_totals as (
    select
        currency,
        booked_month as flow_month,
        sum(case when direction = 'credit' then amount else -amount end) as classified_net
    from classified
    group by currency, booked_month
),

compared as (
    select
        coalesce(staging_totals.currency, classified_totals.currency) as currency,
        coalesce(staging_totals.flow_month, classified_totals.flow_month) as flow_month,
        coalesce(staging_totals.staging_net, 0) as staging_net,
        coalesce(classified_totals.classified_net, 0) as classified_net
    from staging_totals
    full outer join classified_totals
        on
            staging_totals.currency = classified_totals.currency
            and staging_totals.flow_month = classified_totals.flow_month
),

failures as (
    select * from compared
    where abs(staging_net - classified_net) > 0.0001
)

select * from failures
