{#- The CLV scores every downstream model reads: the Python model's output
    on DuckDB; elsewhere (Spark, or var clv_sql_fallback) every customer
    person with NULL predictions, so that the feature marts still build. -#}

{% if clv_python_enabled() %}

    with predicted as (
        select * from {{ ref('int_persons_clv_predicted') }}
    ),

    final as (
        select
            cast(person_id as {{ dbt.type_string() }}) as person_id,
            cast(as_of_date as date) as as_of_date,
            cast(frequency as bigint) as frequency,
            cast(recency as double) as recency,
            cast(t as double) as t,
            cast(monetary_value as double) as monetary_value,
            cast(expected_transactions_12m as double) as expected_transactions_12m,
            cast(expected_transactions_36m as double) as expected_transactions_36m,
            cast(p_alive as double) as p_alive,
            cast(expected_value_per_transaction_eur as decimal(18, 4)) as expected_value_per_transaction_eur,
            cast(clv_12m_eur as decimal(18, 4)) as clv_12m_eur,
            cast(clv_36m_eur as decimal(18, 4)) as clv_36m_eur,
            true as is_model_scored
        from predicted
    )

{% else %}

    with persons as (
        select * from {{ ref('int_persons_profiled') }}
    ),

    run_dates as (
        select {{ as_of_date() }} as as_of_date
    ),

    final as (
        select
            persons.person_id,
            run_dates.as_of_date,
            cast(null as bigint) as frequency,
            cast(null as double) as recency,
            cast(null as double) as t,
            cast(null as double) as monetary_value,
            cast(null as double) as expected_transactions_12m,
            cast(null as double) as expected_transactions_36m,
            cast(null as double) as p_alive,
            cast(null as decimal(18, 4)) as expected_value_per_transaction_eur,
            cast(null as decimal(18, 4)) as clv_12m_eur,
            cast(null as decimal(18, 4)) as clv_36m_eur,
            false as is_model_scored
        from persons
        cross join run_dates
        where not persons.is_prospect
    )

{% endif %}

select * from final
