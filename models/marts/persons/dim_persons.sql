{#- Every person on as_of_date, customers and digital prospects, with the
    relationship origin, digital activity and tenure. -#}

with persons as (
    select * from {{ ref('int_persons_profiled') }}
),

final as (
    select
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(origin as {{ dbt.type_string() }}) as origin,
        is_digital_active,
        first_relationship_date,
        cast(tenure_months as integer) as tenure_months,
        cast(months_of_history as integer) as months_of_history,
        is_prospect,
        has_digital_registration,
        last_login_date,
        cast(n_customer_records as integer) as n_customer_records,
        cast(as_of_date as date) as as_of_date
    from persons
)

select * from final
