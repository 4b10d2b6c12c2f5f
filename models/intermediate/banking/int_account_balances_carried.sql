{#- Balance of every account open on a reference date, carried forward from
    the latest snapshot on or before that date (snapshots known by
    as_of_date only), in the reporting currency at the rate of the
    reference month. Reference dates: as_of_date itself, the same day three
    months earlier (balance drain), and the last day of each of the last 12
    complete months (net interest margin). An open account with no snapshot
    yet has balance 0. -#}

with balances as (
    select * from {{ ref('stg_core_banking__balances') }}
),

accounts as (
    select * from {{ ref('int_accounts_classified') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_resolved') }}
),

run_dates as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ month_start(as_of_date()) }} as as_of_month
),

reference_dates as (
    select
        'as_of' as reference_kind,
        as_of_date as reference_date
    from run_dates

    union all

    select
        'as_of_minus_3_months' as reference_kind,
        {{ add_months('as_of_date', -3) }} as reference_date
    from run_dates

    union all

    select
        'month_end' as reference_kind,
        {{ add_days(add_months('run_dates.as_of_month', '-month_offsets.month_offset'), -1) }} as reference_date
    from ({{ month_offsets(12) }}) as month_offsets
    cross join run_dates
),

snapshots as (
    select
        balances.account_id,
        balances.balance_date,
        balances.balance,
        -- the snapshot holds until the next one (an open end as a far date, so
        -- that the join below is an equality plus a range, not an OR)
        coalesce(
            lead(balances.balance_date) over (
                partition by balances.account_id order by balances.balance_date
            ),
            cast('9999-12-31' as date)
        ) as next_balance_date
    from balances
    cross join run_dates
    where
        balances.balance_date <= run_dates.as_of_date
        and cast(balances._loaded_at as date) <= run_dates.as_of_date
),

open_account_dates as (
    select
        accounts.account_id,
        accounts.person_id,
        accounts.product_family,
        accounts.is_savings_family,
        accounts.is_investment_family,
        accounts.is_credit_family,
        accounts.currency,
        reference_dates.reference_kind,
        reference_dates.reference_date
    from accounts
    cross join reference_dates
    where
        {{ is_account_open_on(
            'accounts.opened_date', 'accounts.closed_date', 'accounts.status', 'reference_dates.reference_date'
        ) }}
),

carried as (
    select
        open_account_dates.*,
        snapshots.balance_date as snapshot_date,
        coalesce(snapshots.balance, 0) as balance
    from open_account_dates
    left join snapshots
        on
            open_account_dates.account_id = snapshots.account_id
            and open_account_dates.reference_date >= snapshots.balance_date
            and open_account_dates.reference_date < snapshots.next_balance_date
),

final as (
    select
        carried.account_id,
        carried.person_id,
        carried.reference_kind,
        carried.reference_date,
        {{ month_start('carried.reference_date') }} as reference_month,
        carried.product_family,
        carried.is_savings_family,
        carried.is_investment_family,
        carried.is_credit_family,
        carried.currency,
        carried.snapshot_date,
        carried.balance,
        cast(carried.balance * fx_rates.rate_to_reporting as decimal(18, 4)) as balance_eur
    from carried
    left join fx_rates
        on
            carried.currency = fx_rates.currency
            and {{ month_start('carried.reference_date') }} = fx_rates.rate_month
)

select * from final
