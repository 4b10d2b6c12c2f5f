{#- Churn risk of every customer person on as_of_date.
    churn_risk = 1 - p_alive x (1 - w_dormancy x is_dormant)
                           x (1 - w_drain x is_balance_draining)
                           x (1 - w_falling x is_activity_falling):
    each observable signal independently takes away a share of the model's
    survival probability, so the risk is 1 - p_alive when no signal fires,
    stays in [0, 1] and rises with every signal. Signals:
    - is_dormant: no customer-initiated transaction in the last
      `churn_dormancy_days` days (90) up to as_of_date, or none ever;
    - is_balance_draining: total balance (non-credit accounts) on as_of_date
      below half of what it was three months earlier, which was at least
      `churn_drain_min_balance_eur` (100);
    - is_activity_falling: customer-initiated transactions in the last 3
      complete months below half of those in the 3 months before (which had
      at least 3).
    Weights (vars): churn_weight_dormancy 0.6, churn_weight_drain 0.3,
    churn_weight_falling 0.3. Where the CLV model did not run (p_alive NULL,
    the Spark stand-in), p_alive is taken as 1: the risk then rests on the
    signals alone. -#}

with persons as (
    select * from {{ ref('int_persons_profiled') }}
),

clv_scores as (
    select * from {{ ref('int_persons_clv_scored') }}
),

person_months as (
    select * from {{ ref('int_person_months_aggregated') }}
),

balances as (
    select * from {{ ref('int_person_balances_summarised') }}
),

run_dates as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ month_start(as_of_date()) }} as as_of_month
),

customer_persons as (
    select person_id
    from persons
    where not is_prospect
),

activity as (
    select
        person_months.person_id,
        max(person_months.last_activity_date) as last_activity_date,
        sum(
            case
                when {{ in_last_n_months('person_months.month', 3, 'run_dates.as_of_month') }}
                    then person_months.n_activity_transactions
                else 0
            end
        ) as n_activity_last_3m,
        sum(
            case
                when
                    person_months.month >= {{ add_months('run_dates.as_of_month', -6) }}
                    and person_months.month < {{ add_months('run_dates.as_of_month', -3) }}
                    then person_months.n_activity_transactions
                else 0
            end
        ) as n_activity_previous_3m
    from person_months
    cross join run_dates
    group by person_months.person_id
),

signals as (
    select
        customer_persons.person_id,
        run_dates.as_of_date,
        clv_scores.p_alive,
        activity.last_activity_date,
        {{ days_between(
            'activity.last_activity_date',
            'run_dates.as_of_date'
        ) }} as days_since_last_activity,
        coalesce(balances.total_balance_eur, 0) as total_balance_eur,
        coalesce(balances.total_balance_3m_ago_eur, 0) as total_balance_3m_ago_eur,
        coalesce(activity.n_activity_last_3m, 0) as n_activity_last_3m,
        coalesce(activity.n_activity_previous_3m, 0) as n_activity_previous_3m
    from customer_persons
    cross join run_dates
    left join clv_scores
        on customer_persons.person_id = clv_scores.person_id
    left join activity
        on customer_persons.person_id = activity.person_id
    left join balances
        on customer_persons.person_id = balances.person_id
),

flagged as (
    select
        *,
        (
            last_activity_date is null
            or days_since_last_activity >= {{ var('churn_dormancy_days', 90) }}
        ) as is_dormant,
        (
            total_balance_3m_ago_eur >= {{ var('churn_drain_min_balance_eur', 100) }}
            and total_balance_eur < 0.5 * total_balance_3m_ago_eur
        ) as is_balance_draining,
        (
            n_activity_previous_3m >= 3
            and n_activity_last_3m < 0.5 * n_activity_previous_3m
        ) as is_activity_falling
    from signals
),

final as (
    select
        person_id,
        as_of_date,
        p_alive,
        days_since_last_activity,
        is_dormant,
        is_balance_draining,
        is_activity_falling,
        cast(
            1 - coalesce(p_alive, 1)
            * (1 - {{ var('churn_weight_dormancy', 0.6) }} * case when is_dormant then 1 else 0 end)
            * (1 - {{ var('churn_weight_drain', 0.3) }} * case when is_balance_draining then 1 else 0 end)
            * (1 - {{ var('churn_weight_falling', 0.3) }} * case when is_activity_falling then 1 else 0 end)
            as double
        ) as churn_risk
    from flagged
)

select * from final
