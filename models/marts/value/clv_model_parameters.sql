{#- The fitted BG/NBD and Gamma-Gamma parameters of this run, one row per
    parameter, with what they were fitted on. No rows where the Python
    models do not run (clv_python_enabled). -#}

{% if clv_python_enabled() %}

    with fitted as (
        select * from {{ ref('int_clv_parameters_fitted') }}
    ),

{% else %}

    with fitted as (
        select
            cast(null as {{ dbt.type_string() }}) as model_name,
            cast(null as {{ dbt.type_string() }}) as parameter,
            cast(null as double) as value,
            cast(null as {{ dbt.type_string() }}) as time_unit,
            cast(null as date) as as_of_date,
            cast(null as bigint) as n_persons,
            cast(null as double) as log_likelihood
        where false
    ),

{% endif %}

final as (
    select
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(parameter as {{ dbt.type_string() }}) as parameter,
        -- `value` is a keyword, but the column name is fixed by interface.md
        cast(value as double) as value,  -- noqa: RF04
        cast(time_unit as {{ dbt.type_string() }}) as time_unit,
        cast(as_of_date as date) as as_of_date,
        cast(n_persons as bigint) as n_persons,
        cast(log_likelihood as double) as log_likelihood
    from fitted
)

select * from final
