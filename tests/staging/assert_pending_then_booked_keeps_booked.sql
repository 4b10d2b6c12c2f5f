-- A transaction that arrived pending and later booked (or reversed) shows the
-- later status in staging, never the earlier pending one.
with

-- read twice through known_versions: inlined too, or DuckDB keeps a copy of
-- every version with all its columns
versions as {{ inlined_cte() }} (
    select * from {{ ref('base_core_banking__transactions') }}
),

transactions as (
    select * from {{ ref('stg_core_banking__transactions') }}
),

as_of_dates as (
    select * from {{ ref('stg_run__as_of_dates') }}
),

-- read twice: inlined, not a copy of every version
known_versions as {{ inlined_cte() }} (
    select versions.*
    from versions
    cross join as_of_dates
    where
        versions.is_valid
        and cast(versions._loaded_at as date) <= as_of_dates.as_of_date
),

-- only a transaction pending in staging can break the rule: the other
-- versions are looked at for those few keys alone
pending_in_staging as (
    select
        transaction_id,
        _loaded_at
    from transactions
    where status = 'pending'
),

first_pending as (
    select
        known_versions.transaction_id,
        min(known_versions._loaded_at) as pending_loaded_at
    from known_versions
    inner join pending_in_staging
        on known_versions.transaction_id = pending_in_staging.transaction_id
    where known_versions.status = 'pending'
    group by known_versions.transaction_id
),

-- the big relation on the left, the few pending keys on the right: DuckDB
-- builds its hash table on the right side
settled_after_pending as (
    select
        settled.transaction_id,
        max(settled._loaded_at) as settled_loaded_at
    from known_versions as settled
    inner join first_pending
        on
            settled.transaction_id = first_pending.transaction_id
            and settled._loaded_at > first_pending.pending_loaded_at
    where settled.status in ('booked', 'reversed')
    group by settled.transaction_id
),

still_pending as (
    select
        pending_in_staging.transaction_id,
        'pending' as status,
        settled_after_pending.settled_loaded_at
    from pending_in_staging
    inner join settled_after_pending
        on pending_in_staging.transaction_id = settled_after_pending.transaction_id
    where pending_in_staging._loaded_at <= settled_after_pending.settled_loaded_at
)

select * from still_pending
