{#- Customer records -> persons. Records that share a normalised national id,
    email or phone belong to one person, transitively. Connected components
    are found by label propagation over the record-identifier membership
    table, unrolled by Jinja (no recursive CTE, so it runs on Spark too):
    each iteration gives every identifier the smallest label of its records,
    then every record the smallest label of its identifiers. A chain of k
    records converges after k - 1 iterations. Only identifiers that two or
    more records share take part; a record without one is its own person. -#}
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
),

-- An identifier of a single record links nothing: its label is always its
-- record's. Only the shared identifiers are propagated, a small share of all
-- (every window pass below ran over every identifier before). A record
-- holds one identifier of each kind at most (customer_id is unique in
-- staging), so a count of rows is a count of records.
shared_identifiers as (
    select identifier_key
    from memberships
    group by identifier_key
    having count(*) > 1
),

propagated_0 as (
    select memberships.*
    from memberships
    inner join shared_identifiers
        on memberships.identifier_key = shared_identifiers.identifier_key
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
linked_components as (
    select
        customer_id,
        min(component_label) as root_customer_id
    from propagated_{{ n_iterations }}
    group by customer_id
),

-- a record that shares no identifier is a person of its own
components as (
    select
        live_customers.customer_id,
        coalesce(linked_components.root_customer_id, live_customers.customer_id) as root_customer_id
    from live_customers
    left join linked_components
        on live_customers.customer_id = linked_components.customer_id
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
