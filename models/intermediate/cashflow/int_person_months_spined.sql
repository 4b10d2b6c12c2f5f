{#- Every person (customers and prospects) and every calendar month from the
    month of first_relationship_date through the month before as_of_date,
    zero months included: the monthly cashflow and the monthly inputs of
    the 12-month features (savings deposits, salary, spending, activity).
    The month spine is generated, not read from the data, so that a month
    without any transaction is present with zeros. Incremental on DuckDB:
    only the person-months whose inputs changed, and the months a new
    as_of_date adds, are written (macros/incremental, the pre-hooks). -#}

{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook="{{ person_months_spine_pre_hooks() }}",
        post_hook="{{ person_months_spine_post_hooks() }}"
    )
}}

with persons as (
    select * from {{ ref('int_persons_profiled') }}
),

person_months as (
    select * from {{ ref('int_person_months_aggregated') }}
),

income_credits as (
    select * from {{ ref('int_income_credits_classified') }}
),

run_dates as (
    select {{ month_start(as_of_date()) }} as as_of_month
),

months as (
    select
        -- `month` is the name the public interface uses
        {{ add_months('run_dates.as_of_month', '-(month_offsets.month_offset + 1)') }} as month  -- noqa: RF04
    from ({{ month_offsets(var('max_history_months', 1200)) }}) as month_offsets
    cross join run_dates
),

all_person_months as (
    select
        persons.person_id,
        months.month
    from persons
    inner join months
        on persons.first_relationship_month <= months.month
),

spine as (
    {%- if is_incremental() %}
        -- incremental: the person-months the pre-hooks marked, their months
        -- generated for the marked persons alone, not for every person
        select
            persons.person_id,
            months.month
        from persons
        inner join {{ person_months_spine_affected_persons_table() }} as affected_persons
            on persons.person_id = affected_persons.person_id
        inner join months
            on
                persons.first_relationship_month <= months.month
                and affected_persons.from_month <= months.month

        union

        select
            persons.person_id,
            months.month
        from persons
        inner join {{ affected_work_table() }} as affected_months
            on persons.person_id = affected_months.person_id
        inner join months
            on affected_months.month = months.month
        where persons.first_relationship_month <= months.month
    {%- else %}
        select * from all_person_months
    {%- endif %}
),

-- incremental: the inputs of the spine's persons only, so that the hash
-- tables hold the few marked person-months, not every person's aggregates
spine_person_months as (
    select person_months.*
    from person_months
    {%- if is_incremental() %}
        inner join spine
            on
                person_months.person_id = spine.person_id
                and person_months.month = spine.month
    {%- endif %}
),

spine_income_credits as (
    select income_credits.*
    from income_credits
    {%- if is_incremental() %}
        where income_credits.person_id in (select spine.person_id from spine)
    {%- endif %}
),

salary_months as (
    {{ salary_months_of('spine_income_credits') }}
),

final as (
    select
        spine.person_id,
        spine.month,
        coalesce(person_months.inflow_eur, 0) as inflow_eur,
        coalesce(person_months.outflow_eur, 0) as outflow_eur,
        coalesce(person_months.inflow_eur, 0) - coalesce(person_months.outflow_eur, 0) as net_eur,
        coalesce(person_months.n_transactions, 0) as n_transactions,
        coalesce(person_months.n_activity_transactions, 0) as n_activity_transactions,
        coalesce(person_months.activity_amount_eur, 0) as activity_amount_eur,
        coalesce(person_months.n_savings_deposits, 0) as n_savings_deposits,
        coalesce(person_months.savings_deposits_eur, 0) as savings_deposits_eur,
        coalesce(salary_months.salary_eur, 0) as salary_eur,
        coalesce(salary_months.n_salary_credits, 0) as n_salary_credits,
        coalesce(person_months.debt_repayment_eur, 0) as debt_repayment_eur,
        coalesce(person_months.essential_spend_eur, 0) as essential_spend_eur,
        coalesce(person_months.discretionary_spend_eur, 0) as discretionary_spend_eur,
        coalesce(person_months.card_spend_eur, 0) as card_spend_eur,
        coalesce(person_months.fees_eur, 0) as fees_eur,
        {{ processed_at() }} as _processed_at
    from spine
    left join spine_person_months as person_months
        on
            spine.person_id = person_months.person_id
            and spine.month = person_months.month
    left join salary_months
        on
            spine.person_id = salary_months.person_id
            and spine.month = salary_months.month
)

select * from final
