{#- Customer records -> persons. Records that share a normalised national id,
    email or phone belong to one person, transitively. Connected components
    are found by label propagation over the record-identifier membership
    table, unrolled by Jinja (no recursive CTE, so it runs on Spark too):
    each iteration gives every identifier the smallest label of its records,
    then every record the smallest label of its identifiers. A chain of k
    records converges after k - 1 iterations. -#}
{%- set n_iterations = var('identity_label_iterations', 12) -%}

with customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

live_customers as (
    -- erased records are dropped before consolidation: they link nothing
    select
        customer_id,
        national_id_hash,
        email_hash,
        phone_hash
    from customers
    where not coalesce(is_deleted, false)
),

memberships as (
    select
        customer_id,
        {{ dbt.concat(["'national_id|'", "national_id_hash"]) }} as identifier_key,
        customer_id as component_label
    from live_customers
    where national_id_hash is not null

    union all

    select
        customer_id,
        {{ dbt.concat(["'email|'", "email_hash"]) }} as identifier_key,
        customer_id as component_label
    from live_customers
    where email_hash is not null

    union all

    select
        customer_id,
        {{ dbt.concat(["'phone|'", "phone_hash"]) }} as identifier_key,
        customer_id as component_label
    from live_customers
    where phone_hash is not null

    union all

    -- every record is its own identifier, so records without any stay in
    select
        customer_id,
        {{ dbt.concat(["'record|'", "customer_id"]) }} as identifier_key,
        customer_id as component_label
    from live_customers
),

propagated_0 as (
    select * from memberships
),

{% for i in range(1, n_iterations + 1) %}
    identifier_labels_{{ i }} as (
        select
            customer_id,
            identifier_key,
            min(component_label) over (partition by identifier_key) as component_label
        from propagated_{{ i - 1 }}
    ),

    propagated_{{ i }} as {{ materialized_cte() }} (
        select
            customer_id,
            identifier_key,
            min(component_label) over (partition by customer_id) as component_label
        from identifier_labels_{{ i }}
    ),

{% endfor %}
components as (
    select
        customer_id,
        min(component_label) as root_customer_id
    from propagated_{{ n_iterations }}
    group by customer_id
),

final as (
    select
        customer_id,
        {{ customer_person_id('root_customer_id') }} as person_id,
        root_customer_id,
        count(*) over (partition by root_customer_id) as n_person_records
    from components
)

select * from final
