{#- Balances and product holdings per customer person on as_of_date (and
    three months earlier), from the carried-forward account balances.
    - savings_balance_eur: open savings-family accounts (savings, term
      deposit) on as_of_date; 0 when none.
    - investment_balance_eur: open investment-family accounts.
    - total_balance_eur: open accounts that are not credit products (current,
      savings, term deposit, investment): what the person holds at the bank;
      loans and cards are left out so that a new loan does not read as a
      balance drain.
    - holdings count the distinct products of the accounts open on
      as_of_date; has_held_investment counts any investment-family account
      opened by as_of_date, open or closed. -#}

-- read twice (as_of_date, three months earlier): inlined, not a copy
with account_balances as {{ inlined_cte() }} (
    select * from {{ ref('int_account_balances_carried') }}
),

accounts as (
    select * from {{ ref('int_accounts_classified') }}
),

on_as_of as (
    select
        account_balances.person_id,
        account_balances.account_id,
        accounts.product_code,
        account_balances.is_savings_family,
        account_balances.is_investment_family,
        account_balances.is_credit_family,
        account_balances.balance_eur
    from account_balances
    inner join accounts
        on account_balances.account_id = accounts.account_id
    where account_balances.reference_kind = 'as_of'
),

current_holdings as (
    select
        person_id,
        cast(sum(case when is_savings_family then balance_eur else 0 end) as decimal(18, 4)) as savings_balance_eur,
        cast(
            sum(case when is_investment_family then balance_eur else 0 end) as decimal(18, 4)
        ) as investment_balance_eur,
        cast(sum(case when not is_credit_family then balance_eur else 0 end) as decimal(18, 4)) as total_balance_eur,
        cast(
            sum(case when is_credit_family and balance_eur < 0 then -balance_eur else 0 end) as decimal(18, 4)
        ) as credit_outstanding_eur,
        count(*) as n_open_accounts,
        count(distinct product_code) as n_products_held,
        max(case when is_savings_family then 1 else 0 end) = 1 as holds_savings_product,
        max(case when is_investment_family then 1 else 0 end) = 1 as holds_investment_product,
        max(case when is_credit_family then 1 else 0 end) = 1 as holds_credit_product
    from on_as_of
    group by person_id
),

three_months_earlier as (
    select
        person_id,
        cast(
            sum(case when not is_credit_family then balance_eur else 0 end) as decimal(18, 4)
        ) as total_balance_3m_ago_eur
    from account_balances
    where reference_kind = 'as_of_minus_3_months'
    group by person_id
),

ever_held as (
    select
        person_id,
        max(case when is_investment_family then 1 else 0 end) = 1 as has_held_investment
    from accounts
    group by person_id
),

final as (
    select
        ever_held.person_id,
        ever_held.has_held_investment,
        coalesce(current_holdings.savings_balance_eur, 0) as savings_balance_eur,
        coalesce(current_holdings.investment_balance_eur, 0) as investment_balance_eur,
        coalesce(current_holdings.total_balance_eur, 0) as total_balance_eur,
        coalesce(three_months_earlier.total_balance_3m_ago_eur, 0) as total_balance_3m_ago_eur,
        coalesce(current_holdings.credit_outstanding_eur, 0) as credit_outstanding_eur,
        coalesce(current_holdings.n_open_accounts, 0) as n_open_accounts,
        coalesce(current_holdings.n_products_held, 0) as n_products_held,
        coalesce(current_holdings.holds_savings_product, false) as holds_savings_product,
        coalesce(current_holdings.holds_investment_product, false) as holds_investment_product,
        coalesce(current_holdings.holds_credit_product, false) as holds_credit_product
    from ever_held
    left join current_holdings
        on ever_held.person_id = current_holdings.person_id
    left join three_months_earlier
        on ever_held.person_id = three_months_earlier.person_id
)

select * from final
