-- A transaction that arrived pending and later booked (or reversed) shows the
-- later status in staging, never the earlier pending one.
with

versions as (
    select * from {{ ref('base_core_banking__transactions') }}
),

transactions as (
    select * from {{ ref('stg_core_banking__transactions') }}
),

as_of_dates as (
    select * from {{ ref('stg_run__as_of_dates') }}
),

known_versions as (
    select versions.*
    from versions
    cross join as_of_dates
    where
        versions.is_valid
        and cast(versions._loaded_at as date) <= as_of_dates.as_of_date
),

settled_after_pending as (
    select
        settled.transaction_id,
        max(settled._loaded_at) as settled_loaded_at
    from known_versions as settled
    inner join known_versions as pending
        on
            settled.transaction_id = pending.transaction_id
            and pending.status = 'pending'
            and settled.status in ('booked', 'reversed')
            and settled._loaded_at > pending._loaded_at
    group by settled.transaction_id
),

still_pending as (
    select
        transactions.transaction_id,
        transactions.status,
        settled_after_pending.settled_loaded_at
    from settled_after_pending
    inner join transactions
        on settled_after_pending.transaction_id = transactions.transaction_id
    where
        transactions.status = 'pending'
        and transactions._loaded_at <= settled_after_pending.settled_loaded_at
)

select * from still_pending
