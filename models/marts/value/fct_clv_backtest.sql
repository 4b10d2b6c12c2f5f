{#- Holdout backtest of the CLV models, one row per person active by the
    calibration cut-off: expected against actual value periods and revenue
    over (calibration_end_date, as_of_date]. No rows where the Python models
    do not run (clv_python_enabled). -#}

{% if clv_python_enabled() %}

    with backtested as (
        select * from {{ ref('int_persons_clv_backtested') }}
    ),

{% else %}

    with backtested as (
        select
            cast(null as {{ dbt.type_string() }}) as person_id,
            cast(null as date) as as_of_date,
            cast(null as date) as calibration_end_date,
            cast(null as {{ dbt.type_string() }}) as time_unit,
            cast(null as double) as holdout_length,
            cast(null as bigint) as calibration_frequency,
            cast(null as double) as calibration_recency,
            cast(null as double) as calibration_t,
            cast(null as double) as predicted_transactions,
            cast(null as bigint) as actual_transactions,
            cast(null as double) as predicted_value_eur,
            cast(null as double) as actual_value_eur
        where false
    ),

{% endif %}

final as (
    select
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(as_of_date as date) as as_of_date,
        cast(calibration_end_date as date) as calibration_end_date,
        cast(time_unit as {{ dbt.type_string() }}) as time_unit,
        cast(holdout_length as double) as holdout_length,
        cast(calibration_frequency as bigint) as calibration_frequency,
        cast(calibration_recency as double) as calibration_recency,
        cast(calibration_t as double) as calibration_t,
        cast(predicted_transactions as double) as predicted_transactions,
        cast(actual_transactions as bigint) as actual_transactions,
        cast(predicted_transactions - actual_transactions as double) as transactions_error,
        cast(predicted_value_eur as decimal(18, 4)) as predicted_value_eur,
        cast(actual_value_eur as decimal(18, 4)) as actual_value_eur,
        cast(predicted_value_eur - actual_value_eur as decimal(18, 4)) as value_error_eur
    from backtested
)

select * from final
