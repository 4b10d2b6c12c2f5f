{#- Aggregate figures of the CLV backtest, one row per as_of_date: totals
    predicted and actual, aggregate error in percent of the actual, and the
    per-person mean absolute and root-mean-square errors. -#}

with backtest as (
    select * from {{ ref('fct_clv_backtest') }}
),

totals as (
    select
        as_of_date,
        min(calibration_end_date) as calibration_end_date,
        min(time_unit) as time_unit,
        min(holdout_length) as holdout_length,
        count(*) as n_persons,
        sum(predicted_transactions) as predicted_transactions,
        sum(actual_transactions) as actual_transactions,
        avg(abs(transactions_error)) as transactions_mae,
        sqrt(avg(transactions_error * transactions_error)) as transactions_rmse,
        sum(cast(predicted_value_eur as double)) as predicted_value_eur,
        sum(cast(actual_value_eur as double)) as actual_value_eur,
        avg(abs(cast(value_error_eur as double))) as value_mae_eur,
        sqrt(avg(cast(value_error_eur as double) * cast(value_error_eur as double))) as value_rmse_eur
    from backtest
    group by as_of_date
),

final as (
    select
        as_of_date,
        calibration_end_date,
        cast(time_unit as {{ dbt.type_string() }}) as time_unit,
        cast(holdout_length as double) as holdout_length,
        cast(n_persons as bigint) as n_persons,
        cast(predicted_transactions as double) as predicted_transactions,
        cast(actual_transactions as bigint) as actual_transactions,
        cast(
            100 * (predicted_transactions - actual_transactions) / nullif(actual_transactions, 0) as double
        ) as transactions_error_pct,
        cast(transactions_mae as double) as transactions_mae,
        cast(transactions_rmse as double) as transactions_rmse,
        cast(predicted_value_eur as decimal(18, 4)) as predicted_value_eur,
        cast(actual_value_eur as decimal(18, 4)) as actual_value_eur,
        cast(100 * (predicted_value_eur - actual_value_eur) / nullif(actual_value_eur, 0) as double)
            as value_error_pct,
        cast(value_mae_eur as decimal(18, 4)) as value_mae_eur,
        cast(value_rmse_eur as decimal(18, 4)) as value_rmse_eur
    from totals
)

select * from final
