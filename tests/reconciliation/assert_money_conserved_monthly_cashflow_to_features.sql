{#- Money conservation, mart -> mart: the 12-month inflow, outflow and net of
    fct_person_features are the sums of fct_person_monthly_cashflow over the
    last 12 complete months before the month of as_of_date, per person (a
    person with no month there has zeros). Returns the persons off by more
    than a cent. -#}

with features as (
    select * from {{ ref('fct_person_features') }}
),

cashflow as (
    select * from {{ ref('fct_person_monthly_cashflow') }}
),

run_dates as (
    select {{ month_start('as_of_date') }} as as_of_month
    from {{ ref('stg_run__as_of_dates') }}
),

last_12_months as (
    select
        cashflow.person_id,
        sum(cashflow.inflow_eur) as inflow_eur,
        sum(cashflow.outflow_eur) as outflow_eur,
        sum(cashflow.net_eur) as net_eur
    from cashflow
    cross join run_dates
    where
        cashflow.month >= {{ add_months('run_dates.as_of_month', -12) }}
        and cashflow.month < run_dates.as_of_month
    group by cashflow.person_id
),

compared as (
    select
        features.person_id,
        features.inflow_12m_eur,
        features.outflow_12m_eur,
        features.net_cashflow_12m_eur,
        coalesce(last_12_months.inflow_eur, 0) as months_inflow_eur,
        coalesce(last_12_months.outflow_eur, 0) as months_outflow_eur,
        coalesce(last_12_months.net_eur, 0) as months_net_eur
    from features
    left join last_12_months
        on features.person_id = last_12_months.person_id
),

failures as (
    select * from compared
    where
        abs(inflow_12m_eur - months_inflow_eur) > 0.01
        or abs(outflow_12m_eur - months_outflow_eur) > 0.01
        or abs(net_cashflow_12m_eur - months_net_eur) > 0.01
)

select * from failures
