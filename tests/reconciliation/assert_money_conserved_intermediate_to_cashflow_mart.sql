{#- Money conservation, intermediate -> mart, gross and per person: for every
    person and month of fct_person_monthly_cashflow (first relationship month
    through the month before as_of_date), inflow_eur is the sum of the EUR
    credits and outflow_eur the sum of the EUR debits of the person's counting
    transactions in int_transactions_classified that are not internal
    transfers, and net_eur = inflow_eur - outflow_eur; no counting transaction
    of such a month is missing from the mart. Returns the person-months off by
    more than a cent. -#}

with cashflow as (
    select * from {{ ref('fct_person_monthly_cashflow') }}
),

classified as (
    select * from {{ ref('int_transactions_classified') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

run_dates as (
    select {{ month_start('as_of_date') }} as as_of_month
    from {{ ref('stg_run__as_of_dates') }}
),

flows as (
    select
        classified.person_id,
        classified.booked_month,
        sum(case when classified.direction = 'credit' then classified.amount_eur else 0 end) as inflow_eur,
        sum(case when classified.direction = 'debit' then classified.amount_eur else 0 end) as outflow_eur
    from classified
    inner join persons
        on classified.person_id = persons.person_id
    cross join run_dates
    where
        not classified.is_internal_transfer
        and classified.booked_month >= {{ month_start('persons.first_relationship_date') }}
        and classified.booked_month < run_dates.as_of_month
    group by classified.person_id, classified.booked_month
),

compared as (
    select
        coalesce(cashflow.person_id, flows.person_id) as person_id,
        coalesce(cashflow.month, flows.booked_month) as booked_month,
        cashflow.person_id is null as is_missing_from_mart,
        coalesce(cashflow.inflow_eur, 0) as mart_inflow_eur,
        coalesce(flows.inflow_eur, 0) as flows_inflow_eur,
        coalesce(cashflow.outflow_eur, 0) as mart_outflow_eur,
        coalesce(flows.outflow_eur, 0) as flows_outflow_eur,
        coalesce(cashflow.net_eur, 0) as mart_net_eur
    from cashflow
    full outer join flows
        on
            cashflow.person_id = flows.person_id
            and cashflow.month = flows.booked_month
),

failures as (
    select * from compared
    where
        is_missing_from_mart
        or abs(mart_inflow_eur - flows_inflow_eur) > 0.01
        or abs(mart_outflow_eur - flows_outflow_eur) > 0.01
        or abs(mart_net_eur - (mart_inflow_eur - mart_outflow_eur)) > 0.01
)

select * from failures
