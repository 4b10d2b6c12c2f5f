{#- Which person every live customer record belongs to. Erased records are
    absent. -#}

with consolidated_customers as (
    select * from {{ ref('int_customers_consolidated') }}
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        customer_id = root_customer_id as is_person_key_record,
        cast(n_person_records as integer) as n_person_records
    from consolidated_customers
)

select * from final
