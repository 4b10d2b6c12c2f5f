{#-
=============================================================================
THE SEGMENT REGISTRY

Every segment is one entry of the YAML list `segments` below. Analysts add or
change segments here, in YAML, never in SQL: `segment_registry()`
(segment_registry.sql) validates the entries and `compile_segment_rules()`
compiles them into the SQL of int_segment_rules_evaluated. Keep the YAML
between the raw tags; docs/segments.md describes every key.

Entry keys:
  id                  lower_snake_case, unique, never reused
  version             integer; bump it whenever the rule changes (the build
                      fails when a built rule changes under the same version)
  name, owner, description
  dimension           behavioral | psychographic | savings_investment | value
                      | lifecycle | channel | audience | micro
  population          customers (default) | all_persons (prospects included;
                      criteria may then only use columns of dim_persons)
  min_history_months  months of history the rule needs (0 = none)
  priority            1 = first; decides the winner inside an exclusivity group
  exclusivity_group   optional; at most one `in` per person and group
  criteria            all must pass; each one of
                        {name, feature, operator, threshold}
                        {name, segment, operator: "=", threshold: true|false}
                      operators: >=, >, <=, <, =, !=, in, not_in (list threshold)
  audience            only for dimension `audience`:
                        product_code, control_share (0 <= share < 1),
                        eligibility: criteria whose threshold may instead be a
                        product attribute of the product catalogue:
                        {name, feature, operator, product_attribute:
                         min_age_years | min_investment_eur | risk_level}
=============================================================================
-#}
{% macro segment_registry_yaml() -%}
{% raw %}
segments:

  # ---------------------------------------------------------------
  # Audiences for activation
  # ---------------------------------------------------------------
  - id: investment_ready
    version: 1
    name: Investment ready
    dimension: audience
    owner: wealth-marketing
    description: >
      Customers with a savings buffer of at least six monthly salaries,
      savings deposits in at least 9 of the last 12 months and a positive
      net cashflow in each of the last 12 months, who are eligible for the
      investment fund (age, minimum investment covered by savings), have
      given marketing consent and carry none of the three red flags.
    min_history_months: 12
    priority: 10
    criteria:
      - {name: savings_buffer, feature: savings_buffer_months, operator: ">=", threshold: 6}
      - {name: regular_deposits, feature: deposit_months_12, operator: ">=", threshold: 9}
      - {name: positive_cashflow_every_month, feature: cashflow_positive_months_12, operator: "=", threshold: 12}
      - {name: marketing_consent, feature: has_marketing_consent, operator: "=", threshold: true}
      - {name: no_erratic_spending, segment: red_flag_erratic_spending, operator: "=", threshold: false}
      - {name: no_debt_burden, segment: red_flag_debt_burden, operator: "=", threshold: false}
      - {name: no_large_household_low_buffer, segment: red_flag_large_household_low_buffer, operator: "=", threshold: false}
    audience:
      product_code: INVEST_FUND
      control_share: 0.10
      eligibility:
        - {name: product_min_age, feature: age_years, operator: ">=", product_attribute: min_age_years}
        - {name: product_min_investment, feature: savings_balance_eur, operator: ">=", product_attribute: min_investment_eur}

  - id: green_investment_ready
    version: 1
    name: Green investment ready
    dimension: audience
    owner: wealth-marketing
    description: >
      Investment-ready customers who engaged with the carbon-footprint
      feature in the last 365 days; offered the sustainable equity fund.
    min_history_months: 12
    priority: 20
    criteria:
      - {name: investment_ready, segment: investment_ready, operator: "=", threshold: true}
      - {name: carbon_footprint_engagement, feature: carbon_footprint_views_365d, operator: ">=", threshold: 1}
    audience:
      product_code: GREEN_FUND
      control_share: 0.10
      eligibility:
        - {name: product_min_age, feature: age_years, operator: ">=", product_attribute: min_age_years}
        - {name: product_min_investment, feature: savings_balance_eur, operator: ">=", product_attribute: min_investment_eur}

  - id: experienced_investor
    version: 1
    name: Experienced investor
    dimension: audience
    owner: wealth-marketing
    description: >
      Investment-ready customers who hold or have held investments
      before; eligible for riskier offers (self-directed ETF portfolio).
    min_history_months: 12
    priority: 30
    criteria:
      - {name: investment_ready, segment: investment_ready, operator: "=", threshold: true}
      - {name: investment_history, feature: has_investment_history, operator: "=", threshold: true}
    audience:
      product_code: INVEST_ETF
      control_share: 0.10
      eligibility:
        - {name: product_min_age, feature: age_years, operator: ">=", product_attribute: min_age_years}
        - {name: product_min_investment, feature: savings_balance_eur, operator: ">=", product_attribute: min_investment_eur}

  # ---------------------------------------------------------------
  # Red flags (exclude from investment audiences)
  # ---------------------------------------------------------------
  - id: red_flag_erratic_spending
    version: 1
    name: "Red flag: erratic spending"
    dimension: behavioral
    owner: retail-risk
    description: >
      Month-to-month outflow is erratic: the coefficient of variation of
      monthly outflow over the last 12 months is above 1.0 (monthly spending
      typically swings by 25-65 % of its mean; above 100 % it is erratic).
    min_history_months: 12
    priority: 100
    criteria:
      - {name: erratic_outflow, feature: outflow_volatility_12, operator: ">", threshold: 1.0}

  - id: red_flag_debt_burden
    version: 1
    name: "Red flag: debt repayment burden"
    dimension: behavioral
    owner: retail-risk
    description: >
      Active debt repayment burden: loan, mortgage and card repayments
      take at least 35 % of the inflow of the last 12 months.
    min_history_months: 12
    priority: 101
    criteria:
      - {name: debt_repayment_burden, feature: debt_repayment_ratio_12, operator: ">=", threshold: 0.35}

  - id: red_flag_large_household_low_buffer
    version: 1
    name: "Red flag: large household on a low buffer"
    dimension: behavioral
    owner: retail-risk
    description: >
      Three or more dependents and a savings buffer below nine monthly
      salaries: a large household needs a deeper cushion before investing.
    min_history_months: 0
    priority: 102
    criteria:
      - {name: large_household, feature: dependents, operator: ">=", threshold: 3}
      - {name: low_buffer, feature: savings_buffer_months, operator: "<", threshold: 9}

  # ---------------------------------------------------------------
  # Value tiers (service levels)
  # ---------------------------------------------------------------
  - id: value_tier_a
    version: 1
    name: "Value tier A: top value"
    dimension: value
    owner: customer-value
    description: Top-value customers (tier A on actual and potential value); premium service level.
    min_history_months: 0
    priority: 1
    exclusivity_group: value_tier
    criteria:
      - {name: tier_a, feature: value_tier, operator: "=", threshold: A}

  - id: value_tier_b
    version: 1
    name: "Value tier B: core"
    dimension: value
    owner: customer-value
    description: Core customers (tier B); standard service level.
    min_history_months: 0
    priority: 2
    exclusivity_group: value_tier
    criteria:
      - {name: tier_b, feature: value_tier, operator: "=", threshold: B}

  - id: value_tier_c
    version: 1
    name: "Value tier C: mass"
    dimension: value
    owner: customer-value
    description: Mass-market customers (tier C); digital self-service level.
    min_history_months: 0
    priority: 3
    exclusivity_group: value_tier
    criteria:
      - {name: tier_c, feature: value_tier, operator: "=", threshold: C}

  # ---------------------------------------------------------------
  # Named RFM segments (scores 1-5; first match by priority wins)
  # ---------------------------------------------------------------
  - id: rfm_champions
    version: 1
    name: "RFM: champions"
    dimension: behavioral
    owner: crm-analytics
    description: Recent, frequent and high-spending (R, F and M all at least 4).
    min_history_months: 3
    priority: 1
    exclusivity_group: rfm_segment
    criteria:
      - {name: recent, feature: rfm_recency_score, operator: ">=", threshold: 4}
      - {name: frequent, feature: rfm_frequency_score, operator: ">=", threshold: 4}
      - {name: high_monetary, feature: rfm_monetary_score, operator: ">=", threshold: 4}

  - id: rfm_loyal
    version: 1
    name: "RFM: loyal customers"
    dimension: behavioral
    owner: crm-analytics
    description: Frequent and valuable, still reasonably recent (R >= 3, F >= 4, M >= 3).
    min_history_months: 3
    priority: 2
    exclusivity_group: rfm_segment
    criteria:
      - {name: recent_enough, feature: rfm_recency_score, operator: ">=", threshold: 3}
      - {name: frequent, feature: rfm_frequency_score, operator: ">=", threshold: 4}
      - {name: valuable, feature: rfm_monetary_score, operator: ">=", threshold: 3}

  - id: rfm_potential_loyalists
    version: 1
    name: "RFM: potential loyalists"
    dimension: behavioral
    owner: crm-analytics
    description: Recent customers with a moderate frequency (R >= 4, F 2-3).
    min_history_months: 3
    priority: 3
    exclusivity_group: rfm_segment
    criteria:
      - {name: recent, feature: rfm_recency_score, operator: ">=", threshold: 4}
      - {name: frequency_from, feature: rfm_frequency_score, operator: ">=", threshold: 2}
      - {name: frequency_to, feature: rfm_frequency_score, operator: "<=", threshold: 3}

  - id: rfm_new_customers
    version: 1
    name: "RFM: new customers"
    dimension: behavioral
    owner: crm-analytics
    description: Very recent but not yet frequent (R >= 4, F = 1).
    min_history_months: 0
    priority: 4
    exclusivity_group: rfm_segment
    criteria:
      - {name: recent, feature: rfm_recency_score, operator: ">=", threshold: 4}
      - {name: infrequent, feature: rfm_frequency_score, operator: "=", threshold: 1}

  - id: rfm_at_risk
    version: 1
    name: "RFM: at risk"
    dimension: behavioral
    owner: crm-analytics
    description: Used to be frequent and valuable, not seen recently (R <= 2, F >= 3, M >= 3).
    min_history_months: 3
    priority: 5
    exclusivity_group: rfm_segment
    criteria:
      - {name: not_recent, feature: rfm_recency_score, operator: "<=", threshold: 2}
      - {name: was_frequent, feature: rfm_frequency_score, operator: ">=", threshold: 3}
      - {name: was_valuable, feature: rfm_monetary_score, operator: ">=", threshold: 3}

  - id: rfm_need_attention
    version: 1
    name: "RFM: need attention"
    dimension: behavioral
    owner: crm-analytics
    description: Middle recency (R = 3) without the frequency of the loyal segment.
    min_history_months: 3
    priority: 6
    exclusivity_group: rfm_segment
    criteria:
      - {name: middle_recency, feature: rfm_recency_score, operator: "=", threshold: 3}

  - id: rfm_hibernating
    version: 1
    name: "RFM: hibernating"
    dimension: behavioral
    owner: crm-analytics
    description: Neither recent nor frequent (R <= 2, F <= 2).
    min_history_months: 3
    priority: 7
    exclusivity_group: rfm_segment
    criteria:
      - {name: not_recent, feature: rfm_recency_score, operator: "<=", threshold: 2}
      - {name: infrequent, feature: rfm_frequency_score, operator: "<=", threshold: 2}

  # ---------------------------------------------------------------
  # Behavioral: transaction frequency bands
  # ---------------------------------------------------------------
  - id: txn_frequency_high
    version: 1
    name: "Transaction frequency: high"
    dimension: behavioral
    owner: crm-analytics
    description: At least 240 transactions in the last 12 months (about 20 a month).
    min_history_months: 12
    priority: 1
    exclusivity_group: txn_frequency
    criteria:
      - {name: many_transactions, feature: transactions_12m, operator: ">=", threshold: 240}

  - id: txn_frequency_medium
    version: 1
    name: "Transaction frequency: medium"
    dimension: behavioral
    owner: crm-analytics
    description: 60 to 239 transactions in the last 12 months (5 to 20 a month).
    min_history_months: 12
    priority: 2
    exclusivity_group: txn_frequency
    criteria:
      - {name: some_transactions, feature: transactions_12m, operator: ">=", threshold: 60}

  - id: txn_frequency_low
    version: 1
    name: "Transaction frequency: low"
    dimension: behavioral
    owner: crm-analytics
    description: 1 to 59 transactions in the last 12 months.
    min_history_months: 12
    priority: 3
    exclusivity_group: txn_frequency
    criteria:
      - {name: any_transaction, feature: transactions_12m, operator: ">=", threshold: 1}

  - id: txn_frequency_none
    version: 1
    name: "Transaction frequency: none"
    dimension: behavioral
    owner: crm-analytics
    description: No transaction in the last 12 months.
    min_history_months: 12
    priority: 4
    exclusivity_group: txn_frequency
    criteria:
      - {name: no_transaction, feature: transactions_12m, operator: "=", threshold: 0}

  # ---------------------------------------------------------------
  # Behavioral: product and spending-category preferences
  # ---------------------------------------------------------------
  - id: pref_everyday_essentials
    version: 1
    name: "Spending preference: everyday essentials"
    dimension: behavioral
    owner: crm-analytics
    description: Top spending category of the last 12 months is groceries, utilities, telecom, health or childcare.
    min_history_months: 3
    priority: 1
    exclusivity_group: spending_preference
    criteria:
      - {name: essential_top_category, feature: top_spending_category, operator: in, threshold: [groceries, utilities, telecom, health, childcare]}

  - id: pref_travel_leisure
    version: 1
    name: "Spending preference: travel and leisure"
    dimension: behavioral
    owner: crm-analytics
    description: Top spending category is travel, restaurants, entertainment or sports.
    min_history_months: 3
    priority: 2
    exclusivity_group: spending_preference
    criteria:
      - {name: leisure_top_category, feature: top_spending_category, operator: in, threshold: [travel, restaurants, entertainment, sports]}

  - id: pref_shopping
    version: 1
    name: "Spending preference: shopping"
    dimension: behavioral
    owner: crm-analytics
    description: Top spending category is shopping, clothing, electronics, beauty or home.
    min_history_months: 3
    priority: 3
    exclusivity_group: spending_preference
    criteria:
      - {name: shopping_top_category, feature: top_spending_category, operator: in, threshold: [shopping, clothing, electronics, beauty, home]}

  - id: pref_mobility
    version: 1
    name: "Spending preference: mobility"
    dimension: behavioral
    owner: crm-analytics
    description: Top spending category is transport or fuel.
    min_history_months: 3
    priority: 4
    exclusivity_group: spending_preference
    criteria:
      - {name: mobility_top_category, feature: top_spending_category, operator: in, threshold: [transport, fuel]}

  - id: product_multi_holder
    version: 1
    name: "Product preference: multi-product holder"
    dimension: behavioral
    owner: crm-analytics
    description: Holds at least three products of the bank.
    min_history_months: 0
    priority: 10
    criteria:
      - {name: three_or_more_products, feature: n_products_held, operator: ">=", threshold: 3}

  - id: product_saver
    version: 1
    name: "Product preference: savings products"
    dimension: behavioral
    owner: crm-analytics
    description: Holds a savings-family product (savings account or term deposit).
    min_history_months: 0
    priority: 11
    criteria:
      - {name: holds_savings, feature: holds_savings_product, operator: "=", threshold: true}

  - id: product_investor
    version: 1
    name: "Product preference: investment products"
    dimension: behavioral
    owner: crm-analytics
    description: Holds an investment-family product.
    min_history_months: 0
    priority: 12
    criteria:
      - {name: holds_investment, feature: holds_investment_product, operator: "=", threshold: true}

  # ---------------------------------------------------------------
  # Behavioral: digital engagement
  # ---------------------------------------------------------------
  - id: digital_engagement_high
    version: 1
    name: "Digital engagement: high"
    dimension: behavioral
    owner: digital-channels
    description: At least 30 logins in the last 90 days (several a week).
    min_history_months: 0
    priority: 1
    exclusivity_group: digital_engagement
    criteria:
      - {name: frequent_logins, feature: logins_90d, operator: ">=", threshold: 30}

  - id: digital_engagement_medium
    version: 1
    name: "Digital engagement: medium"
    dimension: behavioral
    owner: digital-channels
    description: 6 to 29 logins in the last 90 days.
    min_history_months: 0
    priority: 2
    exclusivity_group: digital_engagement
    criteria:
      - {name: regular_logins, feature: logins_90d, operator: ">=", threshold: 6}

  - id: digital_engagement_low
    version: 1
    name: "Digital engagement: low"
    dimension: behavioral
    owner: digital-channels
    description: 1 to 5 logins in the last 90 days.
    min_history_months: 0
    priority: 3
    exclusivity_group: digital_engagement
    criteria:
      - {name: some_logins, feature: logins_90d, operator: ">=", threshold: 1}

  - id: digital_engagement_none
    version: 1
    name: "Digital engagement: none"
    dimension: behavioral
    owner: digital-channels
    description: No login in the last 90 days.
    min_history_months: 0
    priority: 4
    exclusivity_group: digital_engagement
    criteria:
      - {name: no_logins, feature: logins_90d, operator: "=", threshold: 0}

  # ---------------------------------------------------------------
  # Psychographic segments inferred from behaviour
  # ---------------------------------------------------------------
  - id: sustainability_minded
    version: 1
    name: Sustainability-minded
    dimension: psychographic
    owner: crm-analytics
    description: >
      Signals: repeated use of the carbon-footprint feature (at least 3
      views in the last 365 days) by a digitally active customer.
    min_history_months: 0
    priority: 1
    criteria:
      - {name: carbon_footprint_interest, feature: carbon_footprint_views_365d, operator: ">=", threshold: 3}
      - {name: digitally_active, feature: is_digital_active, operator: "=", threshold: true}

  - id: budget_conscious
    version: 1
    name: Budget-conscious
    dimension: psychographic
    owner: crm-analytics
    description: >
      Signals: uses the budget view (at least 3 views in 90 days) and
      spends mostly on essentials (at least 60 % of card spend over 12 months).
    min_history_months: 6
    priority: 2
    criteria:
      - {name: budget_tool_use, feature: budget_views_90d, operator: ">=", threshold: 3}
      - {name: essential_spending, feature: essential_spend_share_12, operator: ">=", threshold: 0.6}

  - id: goal_driven_saver
    version: 1
    name: Goal-driven saver
    dimension: psychographic
    owner: crm-analytics
    description: >
      Signals: created a savings goal in the last 365 days and made
      savings deposits in at least 6 of the last 12 months.
    min_history_months: 6
    priority: 3
    criteria:
      - {name: savings_goal_created, feature: savings_goals_created_365d, operator: ">=", threshold: 1}
      - {name: deposits_most_months, feature: deposit_months_12, operator: ">=", threshold: 6}

  - id: self_directed_investor
    version: 1
    name: Self-directed investor
    dimension: psychographic
    owner: wealth-marketing
    description: >
      Signals: researches investments in the app (at least 5 investment
      views in 90 days), is digitally active and has invested before.
    min_history_months: 0
    priority: 4
    criteria:
      - {name: investment_research, feature: invest_views_90d, operator: ">=", threshold: 5}
      - {name: digitally_active, feature: is_digital_active, operator: "=", threshold: true}
      - {name: investment_history, feature: has_investment_history, operator: "=", threshold: true}

  # ---------------------------------------------------------------
  # Savings and investment capacity
  # ---------------------------------------------------------------
  - id: capacity_large_investor
    version: 1
    name: "Capacity: large investor"
    dimension: savings_investment
    owner: wealth-marketing
    description: Investment balances of at least 100,000 EUR.
    min_history_months: 0
    priority: 1
    exclusivity_group: capacity_band
    criteria:
      - {name: large_investments, feature: investment_balance_eur, operator: ">=", threshold: 100000}

  - id: capacity_investor
    version: 1
    name: "Capacity: investor"
    dimension: savings_investment
    owner: wealth-marketing
    description: Investment balances of at least 10,000 EUR.
    min_history_months: 0
    priority: 2
    exclusivity_group: capacity_band
    criteria:
      - {name: investments, feature: investment_balance_eur, operator: ">=", threshold: 10000}

  - id: capacity_large_saver
    version: 1
    name: "Capacity: large saver"
    dimension: savings_investment
    owner: wealth-marketing
    description: Savings balances of at least 50,000 EUR.
    min_history_months: 0
    priority: 3
    exclusivity_group: capacity_band
    criteria:
      - {name: large_savings, feature: savings_balance_eur, operator: ">=", threshold: 50000}

  - id: capacity_medium_saver
    version: 1
    name: "Capacity: medium saver"
    dimension: savings_investment
    owner: wealth-marketing
    description: Savings balances of at least 10,000 EUR.
    min_history_months: 0
    priority: 4
    exclusivity_group: capacity_band
    criteria:
      - {name: medium_savings, feature: savings_balance_eur, operator: ">=", threshold: 10000}

  - id: capacity_small_saver
    version: 1
    name: "Capacity: small saver"
    dimension: savings_investment
    owner: wealth-marketing
    description: Savings balances of at least 500 EUR.
    min_history_months: 0
    priority: 5
    exclusivity_group: capacity_band
    criteria:
      - {name: small_savings, feature: savings_balance_eur, operator: ">=", threshold: 500}

  - id: capacity_no_savings
    version: 1
    name: "Capacity: no savings"
    dimension: savings_investment
    owner: wealth-marketing
    description: Savings balances below 500 EUR.
    min_history_months: 0
    priority: 6
    exclusivity_group: capacity_band
    criteria:
      - {name: no_savings, feature: savings_balance_eur, operator: "<", threshold: 500}

  # ---------------------------------------------------------------
  # Lifecycle stages (first match by priority)
  # ---------------------------------------------------------------
  - id: lifecycle_churned
    version: 1
    name: "Lifecycle: churned"
    dimension: lifecycle
    owner: crm-analytics
    description: No transaction for at least 365 days.
    min_history_months: 0
    priority: 1
    exclusivity_group: lifecycle_stage
    criteria:
      - {name: no_transaction_for_a_year, feature: days_since_last_transaction, operator: ">=", threshold: 365}

  - id: lifecycle_dormant
    version: 1
    name: "Lifecycle: dormant"
    dimension: lifecycle
    owner: crm-analytics
    description: Flagged dormant by the activity features (no recent customer activity).
    min_history_months: 0
    priority: 2
    exclusivity_group: lifecycle_stage
    criteria:
      - {name: dormant, feature: is_dormant, operator: "=", threshold: true}

  - id: lifecycle_at_risk
    version: 1
    name: "Lifecycle: at risk"
    dimension: lifecycle
    owner: crm-analytics
    description: Churn risk of at least 0.6.
    min_history_months: 3
    priority: 3
    exclusivity_group: lifecycle_stage
    criteria:
      - {name: high_churn_risk, feature: churn_risk, operator: ">=", threshold: 0.6}

  - id: lifecycle_new
    version: 1
    name: "Lifecycle: new"
    dimension: lifecycle
    owner: crm-analytics
    description: Tenure below 6 months.
    min_history_months: 0
    priority: 4
    exclusivity_group: lifecycle_stage
    criteria:
      - {name: short_tenure, feature: tenure_months, operator: "<", threshold: 6}

  - id: lifecycle_growing
    version: 1
    name: "Lifecycle: growing"
    dimension: lifecycle
    owner: crm-analytics
    description: Tenure below 36 months with activity not falling (last 3 months at least the 12-month average).
    min_history_months: 3
    priority: 5
    exclusivity_group: lifecycle_stage
    criteria:
      - {name: young_relationship, feature: tenure_months, operator: "<", threshold: 36}
      - {name: activity_not_falling, feature: activity_trend_ratio, operator: ">=", threshold: 1}

  - id: lifecycle_mature
    version: 1
    name: "Lifecycle: mature"
    dimension: lifecycle
    owner: crm-analytics
    description: Every other active customer with at least 6 months of tenure.
    min_history_months: 0
    priority: 6
    exclusivity_group: lifecycle_stage
    criteria:
      - {name: established, feature: tenure_months, operator: ">=", threshold: 6}

  # ---------------------------------------------------------------
  # Channel / origin (every person, prospects included)
  # ---------------------------------------------------------------
  - id: origin_digital_client
    version: 1
    name: "Origin: digital client"
    dimension: channel
    owner: digital-channels
    description: The relationship began digitally.
    population: all_persons
    min_history_months: 0
    priority: 1
    exclusivity_group: origin
    criteria:
      - {name: origin, feature: origin, operator: "=", threshold: digital_client}

  - id: origin_digital_user
    version: 1
    name: "Origin: digital user"
    dimension: channel
    owner: digital-channels
    description: Recruited offline, registered on the digital platform.
    population: all_persons
    min_history_months: 0
    priority: 2
    exclusivity_group: origin
    criteria:
      - {name: origin, feature: origin, operator: "=", threshold: digital_user}

  - id: origin_offline_client
    version: 1
    name: "Origin: offline client"
    dimension: channel
    owner: digital-channels
    description: Recruited offline, no digital registration.
    population: all_persons
    min_history_months: 0
    priority: 3
    exclusivity_group: origin
    criteria:
      - {name: origin, feature: origin, operator: "=", threshold: offline_client}

  - id: origin_digital_prospect
    version: 1
    name: "Origin: digital prospect"
    dimension: channel
    owner: digital-channels
    description: A digital registration with no customer record.
    population: all_persons
    min_history_months: 0
    priority: 4
    exclusivity_group: origin
    criteria:
      - {name: origin, feature: origin, operator: "=", threshold: digital_prospect}

  - id: digital_active
    version: 1
    name: Digitally active
    dimension: channel
    owner: digital-channels
    description: At least one login in the 90 days up to as_of_date.
    population: all_persons
    min_history_months: 0
    priority: 5
    exclusivity_group: digital_activity
    criteria:
      - {name: digital_active, feature: is_digital_active, operator: "=", threshold: true}

  - id: digital_inactive
    version: 1
    name: Digitally inactive
    dimension: channel
    owner: digital-channels
    description: No login in the 90 days up to as_of_date.
    population: all_persons
    min_history_months: 0
    priority: 6
    exclusivity_group: digital_activity
    criteria:
      - {name: digital_inactive, feature: is_digital_active, operator: "=", threshold: false}

  # ---------------------------------------------------------------
  # Micro-segments: tenure x engagement x value tier x churn risk x
  # campaign fatigue; one primary per person (first match by priority)
  # ---------------------------------------------------------------
  - id: micro_top_at_risk
    version: 1
    name: "Micro: top value at risk"
    dimension: micro
    owner: crm-analytics
    description: Tier A with a churn risk of at least 0.5; retention call by the relationship manager.
    min_history_months: 3
    priority: 1
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_a, feature: value_tier, operator: "=", threshold: A}
      - {name: churn_risk_high, feature: churn_risk, operator: ">=", threshold: 0.5}

  - id: micro_top_fatigued
    version: 1
    name: "Micro: top value, campaign-fatigued"
    dimension: micro
    owner: crm-analytics
    description: Tier A and campaign-fatigued; pause campaigns, service contact only.
    min_history_months: 0
    priority: 2
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_a, feature: value_tier, operator: "=", threshold: A}
      - {name: fatigued, feature: is_campaign_fatigued, operator: "=", threshold: true}

  - id: micro_top_digital_loyal
    version: 1
    name: "Micro: top value, digital, loyal"
    dimension: micro
    owner: crm-analytics
    description: Tier A, digitally active, at least 36 months of tenure.
    min_history_months: 0
    priority: 3
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_a, feature: value_tier, operator: "=", threshold: A}
      - {name: digitally_active, feature: is_digital_active, operator: "=", threshold: true}
      - {name: long_tenure, feature: tenure_months, operator: ">=", threshold: 36}

  - id: micro_top_other
    version: 1
    name: "Micro: top value, other"
    dimension: micro
    owner: crm-analytics
    description: Every other tier A customer.
    min_history_months: 0
    priority: 4
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_a, feature: value_tier, operator: "=", threshold: A}

  - id: micro_core_new_digital
    version: 1
    name: "Micro: core, new, digital"
    dimension: micro
    owner: crm-analytics
    description: Tier B, under 12 months of tenure, digitally active; onboarding journey.
    min_history_months: 0
    priority: 5
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_b, feature: value_tier, operator: "=", threshold: B}
      - {name: short_tenure, feature: tenure_months, operator: "<", threshold: 12}
      - {name: digitally_active, feature: is_digital_active, operator: "=", threshold: true}

  - id: micro_core_at_risk
    version: 1
    name: "Micro: core at risk"
    dimension: micro
    owner: crm-analytics
    description: Tier B with a churn risk of at least 0.5; win-back offers.
    min_history_months: 3
    priority: 6
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_b, feature: value_tier, operator: "=", threshold: B}
      - {name: churn_risk_high, feature: churn_risk, operator: ">=", threshold: 0.5}

  - id: micro_core_fatigued
    version: 1
    name: "Micro: core, campaign-fatigued"
    dimension: micro
    owner: crm-analytics
    description: Tier B and campaign-fatigued; reduce contact pressure.
    min_history_months: 0
    priority: 7
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_b, feature: value_tier, operator: "=", threshold: B}
      - {name: fatigued, feature: is_campaign_fatigued, operator: "=", threshold: true}

  - id: micro_core_digital_engaged
    version: 1
    name: "Micro: core, digitally engaged"
    dimension: micro
    owner: crm-analytics
    description: Tier B, digitally active, churn risk below 0.3; cross-sell in the app.
    min_history_months: 0
    priority: 8
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_b, feature: value_tier, operator: "=", threshold: B}
      - {name: digitally_active, feature: is_digital_active, operator: "=", threshold: true}
      - {name: churn_risk_low, feature: churn_risk, operator: "<", threshold: 0.3}

  - id: micro_core_other
    version: 1
    name: "Micro: core, other"
    dimension: micro
    owner: crm-analytics
    description: Every other tier B customer.
    min_history_months: 0
    priority: 9
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_b, feature: value_tier, operator: "=", threshold: B}

  - id: micro_mass_new
    version: 1
    name: "Micro: mass, new"
    dimension: micro
    owner: crm-analytics
    description: Tier C under 12 months of tenure; digital onboarding.
    min_history_months: 0
    priority: 10
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_c, feature: value_tier, operator: "=", threshold: C}
      - {name: short_tenure, feature: tenure_months, operator: "<", threshold: 12}

  - id: micro_mass_at_risk
    version: 1
    name: "Micro: mass at risk"
    dimension: micro
    owner: crm-analytics
    description: Tier C with a churn risk of at least 0.7; low-cost reactivation.
    min_history_months: 3
    priority: 11
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_c, feature: value_tier, operator: "=", threshold: C}
      - {name: churn_risk_very_high, feature: churn_risk, operator: ">=", threshold: 0.7}

  - id: micro_mass_digital_receptive
    version: 1
    name: "Micro: mass, digital, receptive"
    dimension: micro
    owner: crm-analytics
    description: Tier C, digitally active and not campaign-fatigued; in-app campaigns.
    min_history_months: 0
    priority: 12
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_c, feature: value_tier, operator: "=", threshold: C}
      - {name: digitally_active, feature: is_digital_active, operator: "=", threshold: true}
      - {name: not_fatigued, feature: is_campaign_fatigued, operator: "=", threshold: false}

  - id: micro_mass_other
    version: 1
    name: "Micro: mass, other"
    dimension: micro
    owner: crm-analytics
    description: Every other tier C customer.
    min_history_months: 0
    priority: 13
    exclusivity_group: primary_micro_segment
    criteria:
      - {name: tier_c, feature: value_tier, operator: "=", threshold: C}
{% endraw %}
{%- endmacro %}
