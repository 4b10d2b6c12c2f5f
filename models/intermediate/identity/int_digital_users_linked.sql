{#- Digital registrations -> persons. A registration linked to a live
    customer record takes that record's person; one without a (known)
    customer takes the person of the live customer records sharing its
    normalised email; otherwise it is a prospect. Registrations tied to an
    erased record vanish. Prospects sharing an email are one prospect person,
    keyed by their smallest digital_user_id. -#}

with digital_users as (
    select * from {{ ref('stg_digital__digital_users') }}
),

customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

consolidated_customers as (
    select * from {{ ref('int_customers_consolidated') }}
),

run_dates as (
    select {{ as_of_date() }} as as_of_date
),

registrations as (
    select digital_users.*
    from digital_users
    cross join run_dates
    where cast(digital_users.registered_at as date) <= run_dates.as_of_date
),

erased_customers as (
    select customer_id
    from customers
    where coalesce(is_deleted, false)
),

email_persons as (
    -- all live records sharing an email are one person already
    select
        customers.email_hash,
        min(consolidated_customers.person_id) as person_id
    from customers
    inner join consolidated_customers
        on customers.customer_id = consolidated_customers.customer_id
    where customers.email_hash is not null
    group by customers.email_hash
),

resolved as (
    select
        registrations.digital_user_id,
        registrations.customer_id,
        registrations.email_hash,
        registrations.registered_at,
        registrations.registration_channel,
        by_customer.person_id as customer_person_id,
        -- the email decides only without a known customer; kept out of the
        -- join condition, where it made DuckDB compare every pair of rows
        -- (a nested-loop join: minutes at 1,000,000 persons)
        case when by_customer.customer_id is null then email_persons.person_id end as email_person_id,
        erased_customers.customer_id is not null as is_erased_customer
    from registrations
    left join consolidated_customers as by_customer
        on registrations.customer_id = by_customer.customer_id
    left join email_persons
        on registrations.email_hash = email_persons.email_hash
    left join erased_customers
        on registrations.customer_id = erased_customers.customer_id
),

prospect_roots as (
    -- a prospect without an email is its own person
    select
        digital_user_id,
        min(digital_user_id) over (
            partition by coalesce(email_hash, {{ dbt.concat(["'user|'", "digital_user_id"]) }})
        ) as root_digital_user_id
    from resolved
    where
        customer_person_id is null
        and email_person_id is null
        and not is_erased_customer
),

final as (
    select
        resolved.digital_user_id,
        resolved.customer_id,
        coalesce(
            resolved.customer_person_id,
            resolved.email_person_id,
            {{ prospect_person_id('prospect_roots.root_digital_user_id') }}
        ) as person_id,
        case
            when resolved.customer_person_id is not null then 'customer_id'
            when resolved.email_person_id is not null then 'email'
            else 'prospect'
        end as link_method,
        prospect_roots.digital_user_id is not null as is_prospect,
        resolved.registered_at,
        cast(resolved.registered_at as date) as registered_date,
        resolved.registration_channel
    from resolved
    left join prospect_roots
        on resolved.digital_user_id = prospect_roots.digital_user_id
    where not resolved.is_erased_customer
)

select * from final
