{#- Monthly cashflow of every person: one row per person and calendar month
    from the first relationship month through the month before as_of_date,
    months without transactions included with zeros. Internal transfers are
    excluded; net = inflow - outflow.
    A view on DuckDB (dbt_project.yml): the spine is named without its
    database, so that the view resolves in the file it lives in under any
    name it is attached as (exports, BI tools). -#}

with person_months as (
    select * from {{ ref('int_person_months_spined').include(database=false) }}
),

final as (
    select
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        -- `month` is the name the public interface uses
        cast(month as date) as month,  -- noqa: RF04
        cast(inflow_eur as decimal(18, 4)) as inflow_eur,
        cast(outflow_eur as decimal(18, 4)) as outflow_eur,
        cast(net_eur as decimal(18, 4)) as net_eur,
        cast(n_transactions as integer) as n_transactions,
        cast(savings_deposits_eur as decimal(18, 4)) as savings_deposits_eur,
        n_savings_deposits > 0 as has_savings_deposit,
        cast(salary_eur as decimal(18, 4)) as salary_eur
    from person_months
)

select * from final
