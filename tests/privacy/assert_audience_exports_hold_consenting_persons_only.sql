{#- Persons without marketing consent never leave the warehouse in an
    audience export. Consent is re-derived from staging, independently of the
    segment models: a person consents only when every one of their live
    customer records known on as_of_date says true (metrics-and-segments.md).
    A person with no live customer record (a prospect, an erased customer)
    has no consent. Returns the exported rows of the run's as_of_date whose
    person lacks consent. -#}

with exports as (
    select * from {{ ref('fct_audience_exports') }}
),

person_customers as (
    select * from {{ ref('dim_person_customers') }}
),

customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

run_dates as (
    select as_of_date from {{ ref('stg_run__as_of_dates') }}
),

person_consent as (
    select
        person_customers.person_id,
        min(case when customers.has_marketing_consent then 1 else 0 end) = 1 as has_consent
    from person_customers
    inner join customers
        on person_customers.customer_id = customers.customer_id
    where not customers.is_deleted
    group by person_customers.person_id
),

failures as (
    select
        exports.as_of_date,
        exports.segment_id,
        exports.person_id,
        exports.transition
    from exports
    inner join run_dates
        on exports.as_of_date = run_dates.as_of_date
    left join person_consent
        on exports.person_id = person_consent.person_id
    where not coalesce(person_consent.has_consent, false)
)

select * from failures
