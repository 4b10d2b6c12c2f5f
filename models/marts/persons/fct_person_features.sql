{#- The features of every customer person on as_of_date: one wide row that
    the segment registry reads. CLV, p_alive and churn_risk come from the
    CLV models (NULL where they did not score the person). value_tier ranks
    persons on value_score_eur = the larger of actual_value_12m_eur and
    clv_12m_eur (when scored) + half of the untapped potential (potential -
    actual, floored at 0):
    A = the top `value_tier_a_share` (10 %), B = the next persons up to
    `value_tier_b_share` (50 %) cumulated, C = the rest; ties by person_id. -#}
{%- set tier_a_share = var('value_tier_a_share', 0.1) -%}
{%- set tier_b_share = var('value_tier_b_share', 0.5) -%}

with features as (
    select * from {{ ref('int_persons_features_assembled') }}
),

clv_scores as (
    select * from {{ ref('int_persons_clv_scored') }}
),

churn_scores as (
    select * from {{ ref('int_persons_churn_scored') }}
),

scored as (
    select
        features.*,
        clv_scores.clv_12m_eur,
        clv_scores.clv_36m_eur,
        clv_scores.p_alive,
        churn_scores.churn_risk,
        greatest(features.actual_value_12m_eur, coalesce(clv_scores.clv_12m_eur, features.actual_value_12m_eur))
        + 0.5 * greatest(features.potential_value_12m_eur - features.actual_value_12m_eur, 0) as value_score_eur
    from features
    left join clv_scores
        on features.person_id = clv_scores.person_id
    left join churn_scores
        on features.person_id = churn_scores.person_id
),

ranked as (
    select
        *,
        (row_number() over (order by value_score_eur desc, person_id asc) - 1) * 1.0
        / count(*) over () as value_percentile_from_top
    from scored
),

final as (
    select
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(as_of_date as date) as as_of_date,
        cast(origin as {{ dbt.type_string() }}) as origin,
        is_digital_active,
        first_relationship_date,
        cast(tenure_months as integer) as tenure_months,
        cast(months_of_history as integer) as months_of_history,
        cast(age_years as integer) as age_years,
        cast(dependents as integer) as dependents,
        has_marketing_consent,
        cast(inflow_12m_eur as decimal(18, 4)) as inflow_12m_eur,
        cast(outflow_12m_eur as decimal(18, 4)) as outflow_12m_eur,
        cast(net_cashflow_12m_eur as decimal(18, 4)) as net_cashflow_12m_eur,
        cast(cashflow_positive_months_12 as integer) as cashflow_positive_months_12,
        cast(deposit_months_12 as integer) as deposit_months_12,
        cast(savings_balance_eur as decimal(18, 4)) as savings_balance_eur,
        cast(investment_balance_eur as decimal(18, 4)) as investment_balance_eur,
        cast(total_balance_eur as decimal(18, 4)) as total_balance_eur,
        cast(salary_months_12 as integer) as salary_months_12,
        cast(monthly_salary_eur as decimal(18, 4)) as monthly_salary_eur,
        cast(savings_buffer_months as double) as savings_buffer_months,
        cast(outflow_volatility_12 as double) as outflow_volatility_12,
        cast(debt_repayment_ratio_12 as double) as debt_repayment_ratio_12,
        cast(essential_spend_share_12 as double) as essential_spend_share_12,
        cast(top_spending_category as {{ dbt.type_string() }}) as top_spending_category,
        cast(transactions_12m as integer) as transactions_12m,
        cast(transactions_90d as integer) as transactions_90d,
        cast(days_since_last_transaction as integer) as days_since_last_transaction,
        is_dormant,
        cast(activity_trend_ratio as double) as activity_trend_ratio,
        cast(balance_drain_ratio as double) as balance_drain_ratio,
        cast(n_products_held as integer) as n_products_held,
        holds_savings_product,
        holds_investment_product,
        has_investment_history,
        cast(logins_90d as integer) as logins_90d,
        cast(days_since_last_login as integer) as days_since_last_login,
        cast(budget_views_90d as integer) as budget_views_90d,
        cast(carbon_footprint_views_365d as integer) as carbon_footprint_views_365d,
        cast(invest_views_90d as integer) as invest_views_90d,
        cast(savings_goals_created_365d as integer) as savings_goals_created_365d,
        cast(campaign_contacts_90d as integer) as campaign_contacts_90d,
        cast(campaign_opens_90d as integer) as campaign_opens_90d,
        cast(campaign_clicks_90d as integer) as campaign_clicks_90d,
        cast(campaign_conversions_90d as integer) as campaign_conversions_90d,
        is_campaign_fatigued,
        cast(actual_value_12m_eur as decimal(18, 4)) as actual_value_12m_eur,
        cast(potential_value_12m_eur as decimal(18, 4)) as potential_value_12m_eur,
        cast(clv_12m_eur as decimal(18, 4)) as clv_12m_eur,
        cast(clv_36m_eur as decimal(18, 4)) as clv_36m_eur,
        cast(p_alive as double) as p_alive,
        cast(churn_risk as double) as churn_risk,
        cast(rfm_recency_days as integer) as rfm_recency_days,
        cast(rfm_frequency_12m as integer) as rfm_frequency_12m,
        cast(rfm_monetary_12m_eur as decimal(18, 4)) as rfm_monetary_12m_eur,
        cast(rfm_recency_score as integer) as rfm_recency_score,
        cast(rfm_frequency_score as integer) as rfm_frequency_score,
        cast(rfm_monetary_score as integer) as rfm_monetary_score,
        cast(value_score_eur as decimal(18, 4)) as value_score_eur,
        cast(
            case
                when value_percentile_from_top < {{ tier_a_share }} then 'A'
                when value_percentile_from_top < {{ tier_b_share }} then 'B'
                else 'C'
            end as {{ dbt.type_string() }}
        ) as value_tier
    from ranked
)

select * from final
