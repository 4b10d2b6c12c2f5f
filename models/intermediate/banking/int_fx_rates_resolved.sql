{#- One rate per currency and month, from the earliest month the data needs
    through the month of as_of_date, to the reporting currency. A month
    missing from the seed takes the latest earlier month's rate of that
    currency (else the earliest later one) and is flagged as imputed. EUR is
    the seed's base (rate 1); the reporting currency needs no row. -#}
{%- set reporting_currency = var('reporting_currency', 'EUR') | upper -%}

with fx_rates as (
    select * from {{ ref('fx_rates') }}
),

accounts as (
    select * from {{ ref('stg_core_banking__accounts') }}
),

run_dates as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ month_start(as_of_date()) }} as as_of_month
),

seed_rates as (
    select
        upper(trim(currency)) as currency,
        {{ month_start('month') }} as rate_month,
        cast(rate_to_eur as double) as rate_to_eur
    from fx_rates
    where rate_to_eur is not null and rate_to_eur > 0
),

unique_seed_rates as (
    select
        currency,
        rate_month,
        max(rate_to_eur) as rate_to_eur
    from seed_rates
    group by currency, rate_month
),

currencies as (
    select distinct upper(currency) as currency
    from accounts
    where currency is not null

    union

    select distinct currency from unique_seed_rates

    union

    select 'EUR' as currency

    union

    select '{{ reporting_currency }}' as currency
),

first_opened_month as (
    select min({{ month_start('opened_at') }}) as first_month
    from accounts
),

first_seed_month as (
    select min(rate_month) as first_month
    from unique_seed_rates
),

first_month as (
    select
        least(
            coalesce(first_opened_month.first_month, run_dates.as_of_month),
            coalesce(first_seed_month.first_month, run_dates.as_of_month),
            run_dates.as_of_month
        ) as first_month
    from run_dates
    cross join first_opened_month
    cross join first_seed_month
),

months as (
    select {{ add_months('run_dates.as_of_month', '-month_offsets.month_offset') }} as rate_month
    from ({{ month_offsets(var('fx_max_history_months', 1200)) }}) as month_offsets
    cross join run_dates
),

currency_months as (
    select
        currencies.currency,
        months.rate_month
    from currencies
    cross join months
    cross join first_month
    where months.rate_month >= first_month.first_month
),

nearest_months as (
    select
        currency_months.currency,
        currency_months.rate_month,
        max(
            case when unique_seed_rates.rate_month <= currency_months.rate_month then unique_seed_rates.rate_month end
        ) as earlier_month,
        min(
            case when unique_seed_rates.rate_month > currency_months.rate_month then unique_seed_rates.rate_month end
        ) as later_month
    from currency_months
    left join unique_seed_rates
        on currency_months.currency = unique_seed_rates.currency
    group by currency_months.currency, currency_months.rate_month
),

rates_to_eur as (
    -- EUR is the base of the seed: always 1
    select
        nearest_months.currency,
        nearest_months.rate_month,
        case
            when nearest_months.currency = 'EUR' then nearest_months.rate_month
            else coalesce(nearest_months.earlier_month, nearest_months.later_month)
        end as source_month,
        case
            when nearest_months.currency = 'EUR' then 1.0
            else unique_seed_rates.rate_to_eur
        end as rate_to_eur
    from nearest_months
    left join unique_seed_rates
        on
            nearest_months.currency = unique_seed_rates.currency
            and coalesce(nearest_months.earlier_month, nearest_months.later_month) = unique_seed_rates.rate_month
),

final as (
    select
        rates_to_eur.currency,
        rates_to_eur.rate_month,
        '{{ reporting_currency }}' as reporting_currency,
        case
            when rates_to_eur.currency = '{{ reporting_currency }}' then 1.0
            else rates_to_eur.rate_to_eur / reporting_rates.rate_to_eur
        end as rate_to_reporting,
        case
            when rates_to_eur.currency = '{{ reporting_currency }}' then rates_to_eur.rate_month
            else rates_to_eur.source_month
        end as rate_source_month,
        rates_to_eur.currency <> '{{ reporting_currency }}'
        and (
            rates_to_eur.source_month is null
            or rates_to_eur.source_month <> rates_to_eur.rate_month
            or reporting_rates.source_month is null
            or reporting_rates.source_month <> rates_to_eur.rate_month
        ) as is_rate_imputed
    from rates_to_eur
    left join rates_to_eur as reporting_rates
        on
            reporting_rates.currency = '{{ reporting_currency }}'
            and rates_to_eur.rate_month = reporting_rates.rate_month
)

select * from final
