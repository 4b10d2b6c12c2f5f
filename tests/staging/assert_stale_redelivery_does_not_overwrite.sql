-- A customer version re-delivered later but older by updated_at (a stale
-- re-delivery) must not replace the newer version in staging.
with

versions as (
    select * from {{ ref('base_core_banking__customers') }}
),

customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

as_of_dates as (
    select * from {{ ref('stg_run__as_of_dates') }}
),

-- read twice (stale, newer): a copy of the three columns the join needs
known_versions as (
    select
        versions.customer_id,
        versions.updated_at,
        versions._loaded_at
    from versions
    cross join as_of_dates
    where
        versions.is_valid
        and cast(versions._loaded_at as date) <= as_of_dates.as_of_date
),

stale_redeliveries as (
    select
        stale.customer_id,
        stale.updated_at as stale_updated_at,
        stale._loaded_at as stale_loaded_at
    from known_versions as stale
    inner join known_versions as newer
        on
            stale.customer_id = newer.customer_id
            and stale._loaded_at > newer._loaded_at
            and stale.updated_at < newer.updated_at
),

overwritten as (
    select
        stale_redeliveries.*,
        customers.updated_at as standing_updated_at
    from stale_redeliveries
    inner join customers
        on stale_redeliveries.customer_id = customers.customer_id
    where customers.updated_at <= stale_redeliveries.stale_updated_at
)

select * from overwritten
