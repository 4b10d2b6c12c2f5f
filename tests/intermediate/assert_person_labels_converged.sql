{#- The unrolled label propagation has converged: no two live customer
    records that share a normalised national id, email or phone have
    different persons. A failure means a chain longer than the var
    `identity_label_iterations` allows: raise it. -#}

with customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

consolidated_customers as (
    select * from {{ ref('int_customers_consolidated') }}
),

identifiers as (
    select
        consolidated_customers.person_id,
        customers.national_id_hash,
        customers.email_hash,
        customers.phone_hash
    from customers
    inner join consolidated_customers
        on customers.customer_id = consolidated_customers.customer_id
),

shared as (
    select
        'national_id' as identifier_type,
        national_id_hash as identifier_hash,
        count(distinct person_id) as n_persons
    from identifiers
    where national_id_hash is not null
    group by national_id_hash

    union all

    select
        'email' as identifier_type,
        email_hash as identifier_hash,
        count(distinct person_id) as n_persons
    from identifiers
    where email_hash is not null
    group by email_hash

    union all

    select
        'phone' as identifier_type,
        phone_hash as identifier_hash,
        count(distinct person_id) as n_persons
    from identifiers
    where phone_hash is not null
    group by phone_hash
),

failures as (
    select * from shared
    where n_persons > 1
)

select * from failures
