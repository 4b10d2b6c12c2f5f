{#- Money conservation between the classified transactions and the monthly
    cashflow mart: per month, the sum of net_eur over persons equals the sum
    of the signed amounts of the counting, non-internal transactions booked
    in that person's months (first relationship month through the month
    before as_of_date). Returns the months that differ by more than a cent. -#}

with cashflow as (
    select * from {{ ref('fct_person_monthly_cashflow') }}
),

transactions as (
    select * from {{ ref('int_transactions_classified') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

run_dates as (
    select {{ month_start(as_of_date()) }} as as_of_month
),

mart_totals as (
    select
        -- `month` is the name the public interface uses
        month as flow_month,  -- noqa: RF04
        sum(net_eur) as mart_net_eur
    from cashflow
    group by month
),

eligible_flows as (
    select
        transactions.booked_month as flow_month,
        sum(transactions.signed_amount_eur) as eligible_net_eur
    from transactions
    inner join persons
        on transactions.person_id = persons.person_id
    cross join run_dates
    where
        not transactions.is_internal_transfer
        and transactions.booked_month >= {{ month_start('persons.first_relationship_date') }}
        and transactions.booked_month < run_dates.as_of_month
    group by transactions.booked_month
),

compared as (
    select
        coalesce(mart_totals.flow_month, eligible_flows.flow_month) as flow_month,
        coalesce(mart_totals.mart_net_eur, 0) as mart_net_eur,
        coalesce(eligible_flows.eligible_net_eur, 0) as eligible_net_eur
    from mart_totals
    full outer join eligible_flows
        on mart_totals.flow_month = eligible_flows.flow_month
),

failures as (
    select * from compared
    where abs(mart_net_eur - eligible_net_eur) > 0.01
)

select * from failures
