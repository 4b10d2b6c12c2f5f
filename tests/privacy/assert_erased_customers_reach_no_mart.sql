{#- Erasure: a customer record whose latest version says is_deleted reaches
    no mart, and no person of the person marts is made of erased records
    only. Returns the erased customer_ids found in dim_person_customers and
    the customer persons of the marts (persons, features, cashflow, audience
    exports) that hold no live customer record; prospects (a digital
    registration without a customer record) are persons without one by
    definition and are left out. -#}

with customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

person_customers as (
    select * from {{ ref('dim_person_customers') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

erased as (
    select customer_id from customers
    where is_deleted
),

erased_in_mart as (
    select
        'dim_person_customers' as mart,
        person_customers.customer_id as identifier
    from person_customers
    inner join erased
        on person_customers.customer_id = erased.customer_id
),

live_persons as (
    select distinct person_customers.person_id
    from person_customers
    inner join customers
        on person_customers.customer_id = customers.customer_id
    where not customers.is_deleted
),

mart_persons as (
    select
        'dim_persons' as mart,
        person_id
    from persons
    where not is_prospect
    union all
    select
        'fct_person_features' as mart,
        person_id
    from {{ ref('fct_person_features') }}
    union all
    select
        'fct_person_monthly_cashflow' as mart,
        cashflow.person_id
    from {{ ref('fct_person_monthly_cashflow') }} as cashflow
    -- prospects have zero months here without any customer record
    left join persons as prospects
        on cashflow.person_id = prospects.person_id and prospects.is_prospect
    where prospects.person_id is null
    union all
    select
        'fct_audience_exports' as mart,
        person_id
    from {{ ref('fct_audience_exports') }}
),

persons_without_live_record as (
    select distinct
        mart_persons.mart,
        mart_persons.person_id as identifier
    from mart_persons
    left join live_persons
        on mart_persons.person_id = live_persons.person_id
    where live_persons.person_id is null
),

failures as (
    select * from erased_in_mart
    union all
    select * from persons_without_live_record
)

select * from failures
