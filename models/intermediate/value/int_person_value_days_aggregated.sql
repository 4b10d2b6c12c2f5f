{#- One row per customer person and booking day with value-generating
    transactions on as_of_date: how many, and the revenue they earned. The
    CLV models count a person's value periods (var `clv_period`, by default
    the day) and their value; a day is the smallest period, so this table
    serves every period. Incremental on DuckDB, rebuilt per person and month
    (macros/incremental): a new day recomputes the months it touched instead
    of reading every value transaction again. A table on other adapters. -#}

{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook="{{ value_days_pre_hooks() }}",
        post_hook="{{ value_days_post_hooks() }}",
        tags=['incremental_from_raw']
    )
}}

-- the pre-hooks read them (as_of_date, the classified transactions written since):
-- depends_on: {{ ref('stg_run__as_of_dates') }}
-- depends_on: {{ ref('int_transactions_classified') }}

with valued_transactions as (
    select * from {{ ref('int_transactions_valued') }}
),

transactions as (
    select valued_transactions.*
    from valued_transactions
    {%- if is_incremental() %}
        -- incremental: the person-months the pre-hooks marked (macros/incremental)
        inner join {{ affected_work_table() }} as affected_months
            on
                valued_transactions.person_id = affected_months.person_id
                and valued_transactions.booked_month = affected_months.booked_month
    {%- endif %}
),

aggregated as (
    select
        person_id,
        booked_date,
        booked_month,
        count(*) as n_value_transactions,
        sum(revenue_eur) as revenue_eur
    from transactions
    group by person_id, booked_date, booked_month
),

final as (
    -- DuckDB sums decimals to decimal(38, 4): back to the money type
    select
        person_id,
        booked_date,
        booked_month,
        n_value_transactions,
        cast(revenue_eur as decimal(18, 4)) as revenue_eur,
        {{ processed_at() }} as _processed_at
    from aggregated
)

select * from final
