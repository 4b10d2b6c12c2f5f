{#- Actual and potential value of every customer person over the last 12
    months, in the reporting currency, with the rates as dbt vars (annual
    fractions):
    - fees: fee debits (flow type fee) booked in the last 12 months;
    - interchange: card spend in the last 12 months x `interchange_rate`;
    - net interest margin: for each of the last 12 month ends, positive
      balances on current accounts x `net_interest_margin_current` / 12,
      positive balances on savings-family accounts x
      `net_interest_margin_savings` / 12, and amounts owed (negative
      balances on any account) x `lending_margin` / 12; investment
      accounts earn fees, not margin.
    actual_value_12m_eur = fees + interchange + net interest margin.
    Potential value (what the person could be worth in 12 months if the bank
    held their wallet): actual value plus
    - deposits not held: max(0, `potential_deposit_income_share` x annual
      income - deposit balance) x `net_interest_margin_savings`;
    - card spend not made with us: max(0, `potential_card_spend_income_share`
      x annual income - card spend 12m) x `interchange_rate`;
    - an investment product not held: savings balance x
      `potential_investment_share` x `potential_investment_fee_rate` when
      no investment product is held;
    annual income = the larger of salary received in the last 12 months and
    the declared annual income. -#}
{%- set interchange_rate = var('interchange_rate', 0.002) -%}
{%- set nim_savings = var('net_interest_margin_savings', 0.015) -%}
{%- set nim_current = var('net_interest_margin_current', 0.02) -%}
{%- set lending_margin = var('lending_margin', 0.03) -%}
{%- set deposit_income_share = var('potential_deposit_income_share', 0.25) -%}
{%- set card_spend_income_share = var('potential_card_spend_income_share', 0.3) -%}
{%- set investment_share = var('potential_investment_share', 0.5) -%}
{%- set investment_fee_rate = var('potential_investment_fee_rate', 0.01) -%}

with persons as (
    select * from {{ ref('int_persons_profiled') }}
),

person_month_spine as (
    select * from {{ ref('int_person_months_spined') }}
),

-- read twice: inlined, not a copy of every account-month
account_balances as {{ inlined_cte() }} (
    select * from {{ ref('int_account_balances_carried') }}
),

person_balances as (
    select * from {{ ref('int_person_balances_summarised') }}
),

run_dates as (
    select {{ month_start(as_of_date()) }} as as_of_month
),

flows_12m as (
    select
        person_month_spine.person_id,
        sum(person_month_spine.fees_eur) as fees_12m_eur,
        sum(person_month_spine.card_spend_eur) as card_spend_12m_eur,
        sum(person_month_spine.salary_eur) as salary_12m_eur
    from person_month_spine
    cross join run_dates
    where {{ in_last_n_months('person_month_spine.month', 12, 'run_dates.as_of_month') }}
    group by person_month_spine.person_id
),

margin_12m as (
    select
        person_id,
        sum(
            case
                when balance_eur < 0 then -balance_eur * {{ lending_margin }}
                when is_savings_family then balance_eur * {{ nim_savings }}
                when product_family = 'current' then balance_eur * {{ nim_current }}
                else 0
            end
        ) / 12 as net_interest_margin_12m_eur
    from account_balances
    where reference_kind = 'month_end'
    group by person_id
),

deposit_balances as (
    select
        person_id,
        sum(case when balance_eur > 0 then balance_eur else 0 end) as deposit_balance_eur
    from account_balances
    where
        reference_kind = 'as_of'
        and (is_savings_family or product_family = 'current')
    group by person_id
),

components as (
    select
        persons.person_id,
        coalesce(flows_12m.fees_12m_eur, 0) as fees_12m_eur,
        coalesce(flows_12m.card_spend_12m_eur, 0) * {{ interchange_rate }} as interchange_12m_eur,
        coalesce(margin_12m.net_interest_margin_12m_eur, 0) as net_interest_margin_12m_eur,
        greatest(
            coalesce(flows_12m.salary_12m_eur, 0), coalesce(persons.declared_annual_income_eur, 0)
        ) as annual_income_eur,
        coalesce(flows_12m.card_spend_12m_eur, 0) as card_spend_12m_eur,
        coalesce(deposit_balances.deposit_balance_eur, 0) as deposit_balance_eur,
        coalesce(person_balances.savings_balance_eur, 0) as savings_balance_eur,
        coalesce(person_balances.holds_investment_product, false) as holds_investment_product
    from persons
    left join flows_12m
        on persons.person_id = flows_12m.person_id
    left join margin_12m
        on persons.person_id = margin_12m.person_id
    left join deposit_balances
        on persons.person_id = deposit_balances.person_id
    left join person_balances
        on persons.person_id = person_balances.person_id
    where not persons.is_prospect
),

valued as (
    select
        *,
        fees_12m_eur + interchange_12m_eur + net_interest_margin_12m_eur as actual_value_12m_eur,
        greatest({{ deposit_income_share }} * annual_income_eur - deposit_balance_eur, 0)
        * {{ nim_savings }} as deposit_potential_12m_eur,
        greatest({{ card_spend_income_share }} * annual_income_eur - card_spend_12m_eur, 0)
        * {{ interchange_rate }} as card_potential_12m_eur,
        case
            when not holds_investment_product and savings_balance_eur > 0
                then savings_balance_eur * {{ investment_share }} * {{ investment_fee_rate }}
            else 0
        end as investment_potential_12m_eur
    from components
),

final as (
    select
        person_id,
        cast(fees_12m_eur as decimal(18, 4)) as fees_12m_eur,
        cast(interchange_12m_eur as decimal(18, 4)) as interchange_12m_eur,
        cast(net_interest_margin_12m_eur as decimal(18, 4)) as net_interest_margin_12m_eur,
        cast(actual_value_12m_eur as decimal(18, 4)) as actual_value_12m_eur,
        cast(annual_income_eur as decimal(18, 4)) as annual_income_eur,
        cast(
            actual_value_12m_eur + deposit_potential_12m_eur + card_potential_12m_eur + investment_potential_12m_eur
            as decimal(18, 4)
        ) as potential_value_12m_eur
    from valued
)

select * from final
