{#- Accounts of live customer records with their person, their product family
    (from the catalogue, else derived from the product code by keyword rules)
    and whether they are open on as_of_date. Accounts opened after as_of_date
    and accounts of erased records are left out. -#}

with accounts as (
    select * from {{ ref('stg_core_banking__accounts') }}
),

product_catalogue as (
    select * from {{ ref('product_catalogue') }}
),

consolidated_customers as (
    select * from {{ ref('int_customers_consolidated') }}
),

run_dates as (
    select {{ as_of_date() }} as as_of_date
),

accounts_known as (
    select
        accounts.account_id,
        accounts.customer_id,
        consolidated_customers.person_id,
        accounts.opened_at,
        cast(accounts.opened_at as date) as opened_date,
        accounts.closed_at,
        cast(accounts.closed_at as date) as closed_date,
        accounts.status,
        accounts.opening_channel,
        accounts.credit_limit,
        run_dates.as_of_date,
        upper(trim(accounts.product_code)) as product_code,
        upper(trim(accounts.currency)) as currency
    from accounts
    inner join consolidated_customers
        on accounts.customer_id = consolidated_customers.customer_id
    cross join run_dates
    where cast(accounts.opened_at as date) <= run_dates.as_of_date
),

families as (
    select
        accounts_known.*,
        product_catalogue.is_savings_family as catalogue_is_savings_family,
        product_catalogue.is_investment_family as catalogue_is_investment_family,
        product_catalogue.is_credit as catalogue_is_credit,
        product_catalogue.product_code is not null as is_catalogued_product,
        coalesce(
            product_catalogue.product_family,
            {{ derive_product_family('accounts_known.product_code') }}
        ) as product_family
    from accounts_known
    left join product_catalogue
        on accounts_known.product_code = upper(product_catalogue.product_code)
),

final as (
    select
        account_id,
        customer_id,
        person_id,
        product_code,
        product_family,
        is_catalogued_product,
        coalesce(catalogue_is_savings_family, {{ is_savings_family('product_family') }}) as is_savings_family,
        coalesce(catalogue_is_investment_family, {{ is_investment_family('product_family') }})
            as is_investment_family,
        coalesce(catalogue_is_credit, {{ is_credit_family('product_family') }}) as is_credit_family,
        currency,
        opened_at,
        opened_date,
        closed_at,
        closed_date,
        status,
        opening_channel,
        credit_limit,
        {{ is_account_open_on('opened_date', 'closed_date', 'status', 'as_of_date') }} as is_open
    from families
)

select * from final
