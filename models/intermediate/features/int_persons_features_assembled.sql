{#- The person features of every customer person on as_of_date (prospects
    have no features), assembled from the per-person intermediate models.
    All 12-month features use the last 12 complete calendar months (the
    months of the person's monthly spine inside that window: a person with a
    shorter history has fewer months, see months_of_history). Ratios are
    NULL when their denominator is 0 or missing. Definitions are in the
    column docs. -#}

with persons as (
    select * from {{ ref('int_persons_profiled') }}
),

person_month_spine as (
    select * from {{ ref('int_person_months_spined') }}
),

person_months as (
    select * from {{ ref('int_person_months_aggregated') }}
),

classified_transactions as (
    select * from {{ ref('int_transactions_classified') }}
),

person_balances as (
    select * from {{ ref('int_person_balances_summarised') }}
),

spending_categories as (
    select * from {{ ref('int_person_spending_categories_aggregated') }}
),

app_engagement as (
    select * from {{ ref('int_app_events_aggregated') }}
),

campaign_history as (
    select * from {{ ref('int_campaign_contacts_aggregated') }}
),

rfm as (
    select * from {{ ref('int_persons_rfm_scored') }}
),

person_values as (
    select * from {{ ref('int_persons_value_estimated') }}
),

run_dates as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ month_start(as_of_date()) }} as as_of_month
),

window_months as (
    select
        person_month_spine.*,
        person_month_spine.month >= {{ add_months('run_dates.as_of_month', -3) }} as is_in_last_3_months
    from person_month_spine
    cross join run_dates
    where {{ in_last_n_months('person_month_spine.month', 12, 'run_dates.as_of_month') }}
),

last_12_months as (
    select
        person_id,
        count(*) as n_window_months,
        sum(inflow_eur) as inflow_12m_eur,
        sum(outflow_eur) as outflow_12m_eur,
        sum(net_eur) as net_cashflow_12m_eur,
        sum(case when net_eur > 0 then 1 else 0 end) as cashflow_positive_months_12,
        sum(case when n_savings_deposits > 0 then 1 else 0 end) as deposit_months_12,
        avg(outflow_eur) as mean_monthly_outflow_eur,
        stddev_pop(outflow_eur) as stddev_monthly_outflow_eur,
        sum(debt_repayment_eur) as debt_repayment_12m_eur,
        sum(essential_spend_eur) as essential_spend_12m_eur,
        sum(discretionary_spend_eur) as discretionary_spend_12m_eur,
        sum(n_activity_transactions) as transactions_12m,
        sum(case when is_in_last_3_months then n_activity_transactions else 0 end) as transactions_last_3_months,
        sum(case when not is_in_last_3_months then n_activity_transactions else 0 end) as transactions_prior_9_months
    from window_months
    group by person_id
),

salary as (
    -- median over the salaried months of the window; NULL under 3 such months
    select
        person_id,
        count(*) as salary_months_12,
        case when count(*) >= 3 then {{ median('salary_eur') }} end as monthly_salary_eur
    from window_months
    where salary_eur > 0
    group by person_id
),

activity_totals as (
    select
        person_id,
        max(last_activity_date) as last_activity_date,
        sum(n_investment_purchases) as n_investment_purchases
    from person_months
    group by person_id
),

recent_activity as (
    -- counted here on the transactions, not per month in the monthly aggregates:
    -- those then do not depend on as_of_date, and a daily run rewrites only the
    -- months that changed instead of every month of the last 90 days
    select
        classified_transactions.person_id,
        count(*) as transactions_90d
    from classified_transactions
    cross join run_dates
    where
        classified_transactions.is_customer_initiated
        and {{ in_last_n_days('classified_transactions.booked_date', 90, 'run_dates.as_of_date') }}
    group by classified_transactions.person_id
),

activity as (
    select
        activity_totals.*,
        recent_activity.transactions_90d,
        {{ days_between('activity_totals.last_activity_date', 'run_dates.as_of_date') }} as days_since
    from activity_totals
    cross join run_dates
    left join recent_activity
        on activity_totals.person_id = recent_activity.person_id
),

logins as (
    select
        app_engagement.person_id,
        {{ days_between('app_engagement.last_login_date', 'run_dates.as_of_date') }} as days_since
    from app_engagement
    cross join run_dates
),

top_categories as (
    select
        person_id,
        spending_category as top_spending_category
    from spending_categories
    where category_rank = 1
),

customer_persons as (
    select * from persons
    where not is_prospect
),

joined as (
    select
        customer_persons.person_id,
        run_dates.as_of_date,
        customer_persons.origin,
        customer_persons.is_digital_active,
        customer_persons.first_relationship_date,
        customer_persons.tenure_months,
        customer_persons.months_of_history,
        customer_persons.age_years,
        customer_persons.dependents,
        customer_persons.has_marketing_consent,
        salary.monthly_salary_eur,
        top_categories.top_spending_category,
        activity.days_since as days_since_last_transaction,
        logins.days_since as days_since_last_login,
        rfm.recency_days as rfm_recency_days,
        rfm.frequency_12m as rfm_frequency_12m,
        rfm.monetary_12m_eur as rfm_monetary_12m_eur,
        rfm.rfm_recency_score,
        rfm.rfm_frequency_score,
        rfm.rfm_monetary_score,
        coalesce(last_12_months.n_window_months, 0) as months_in_window_12,
        coalesce(last_12_months.inflow_12m_eur, 0) as inflow_12m_eur,
        coalesce(last_12_months.outflow_12m_eur, 0) as outflow_12m_eur,
        coalesce(last_12_months.net_cashflow_12m_eur, 0) as net_cashflow_12m_eur,
        coalesce(last_12_months.cashflow_positive_months_12, 0) as cashflow_positive_months_12,
        coalesce(last_12_months.deposit_months_12, 0) as deposit_months_12,
        coalesce(person_balances.savings_balance_eur, 0) as savings_balance_eur,
        coalesce(person_balances.investment_balance_eur, 0) as investment_balance_eur,
        coalesce(person_balances.total_balance_eur, 0) as total_balance_eur,
        coalesce(person_balances.total_balance_3m_ago_eur, 0) as total_balance_3m_ago_eur,
        coalesce(salary.salary_months_12, 0) as salary_months_12,
        case
            when last_12_months.n_window_months >= 3 and last_12_months.mean_monthly_outflow_eur > 0
                then last_12_months.stddev_monthly_outflow_eur / last_12_months.mean_monthly_outflow_eur
        end as outflow_volatility_12,
        coalesce(last_12_months.debt_repayment_12m_eur, 0) as debt_repayment_12m_eur,
        case
            when last_12_months.inflow_12m_eur > 0
                then last_12_months.debt_repayment_12m_eur / last_12_months.inflow_12m_eur
        end as debt_repayment_ratio_12,
        case
            when last_12_months.essential_spend_12m_eur + last_12_months.discretionary_spend_12m_eur > 0
                then
                    last_12_months.essential_spend_12m_eur
                    / (last_12_months.essential_spend_12m_eur + last_12_months.discretionary_spend_12m_eur)
        end as essential_spend_share_12,
        coalesce(last_12_months.transactions_12m, 0) as transactions_12m,
        coalesce(activity.transactions_90d, 0) as transactions_90d,
        coalesce(activity.transactions_90d, 0) = 0 as is_dormant,
        case
            when last_12_months.transactions_prior_9_months > 0
                -- in double precision: Spark's decimal division would round to 6 places
                then
                    (cast(last_12_months.transactions_last_3_months as double) / 3)
                    / (cast(last_12_months.transactions_prior_9_months as double) / 9)
        end as activity_trend_ratio,
        case
            when person_balances.total_balance_3m_ago_eur > 0
                then person_balances.total_balance_eur / person_balances.total_balance_3m_ago_eur
        end as balance_drain_ratio,
        coalesce(person_balances.n_products_held, 0) as n_products_held,
        coalesce(person_balances.holds_savings_product, false) as holds_savings_product,
        coalesce(person_balances.holds_investment_product, false) as holds_investment_product,
        (
            coalesce(person_balances.has_held_investment, false)
            or coalesce(activity.n_investment_purchases, 0) > 0
        ) as has_investment_history,
        coalesce(app_engagement.logins_90d, 0) as logins_90d,
        coalesce(app_engagement.budget_views_90d, 0) as budget_views_90d,
        coalesce(app_engagement.carbon_footprint_views_365d, 0) as carbon_footprint_views_365d,
        coalesce(app_engagement.invest_views_90d, 0) as invest_views_90d,
        coalesce(app_engagement.savings_goals_created_365d, 0) as savings_goals_created_365d,
        coalesce(campaign_history.campaign_contacts_90d, 0) as campaign_contacts_90d,
        coalesce(campaign_history.campaign_opens_90d, 0) as campaign_opens_90d,
        coalesce(campaign_history.campaign_clicks_90d, 0) as campaign_clicks_90d,
        coalesce(campaign_history.campaign_conversions_90d, 0) as campaign_conversions_90d,
        coalesce(campaign_history.is_campaign_fatigued, false) as is_campaign_fatigued,
        coalesce(person_values.actual_value_12m_eur, 0) as actual_value_12m_eur,
        coalesce(person_values.potential_value_12m_eur, 0) as potential_value_12m_eur
    from customer_persons
    cross join run_dates
    left join last_12_months
        on customer_persons.person_id = last_12_months.person_id
    left join salary
        on customer_persons.person_id = salary.person_id
    left join activity
        on customer_persons.person_id = activity.person_id
    left join person_balances
        on customer_persons.person_id = person_balances.person_id
    left join top_categories
        on customer_persons.person_id = top_categories.person_id
    left join app_engagement
        on customer_persons.person_id = app_engagement.person_id
    left join logins
        on customer_persons.person_id = logins.person_id
    left join campaign_history
        on customer_persons.person_id = campaign_history.person_id
    left join rfm
        on customer_persons.person_id = rfm.person_id
    left join person_values
        on customer_persons.person_id = person_values.person_id
),

final as (
    select
        *,
        case
            when monthly_salary_eur > 0 then savings_balance_eur / monthly_salary_eur
        end as savings_buffer_months
    from joined
)

select * from final
