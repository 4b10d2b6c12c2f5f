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

-- the snapshots known on as_of_date
known_snapshots as (
    select
        balances.account_id,
        balances.balance_date,
        balances.balance
    from balances
    cross join run_dates
    where
        balances.balance_date <= run_dates.as_of_date
        and cast(balances._loaded_at as date) <= run_dates.as_of_date
),

first_reference_dates as (
    select min(reference_date) as first_reference_date
    from reference_dates
),

-- of the snapshots before the first reference date, only an account's latest
-- one can be carried to a reference date: one row per account, not its history
latest_earlier_snapshots as (
    select
        known_snapshots.account_id,
        max(known_snapshots.balance_date) as balance_date,
        max_by(known_snapshots.balance, known_snapshots.balance_date) as balance
    from known_snapshots
    cross join first_reference_dates
    where known_snapshots.balance_date < first_reference_dates.first_reference_date
    group by known_snapshots.account_id
),

later_snapshots as (
    select known_snapshots.*
    from known_snapshots
    cross join first_reference_dates
    where known_snapshots.balance_date >= first_reference_dates.first_reference_date
),

open_account_dates as (
    select
        accounts.account_id,
        reference_dates.reference_kind,
        reference_dates.reference_date
    from accounts
    cross join reference_dates
    where
        {{ is_account_open_on(
            'accounts.opened_date', 'accounts.closed_date', 'accounts.status', 'reference_dates.reference_date'
        ) }}
),

-- Each account's snapshots and reference dates in one sequence, a snapshot
-- before a reference date of the same day: a reference date takes the latest
-- snapshot before it in the sequence. One sort of both, instead of a range
-- join of every reference date with every snapshot of its account (most of
-- this model's time at 1,000,000 persons).
account_days as (
    select
        account_id,
        balance_date as day_date,
        0 as is_reference_date,
        cast(null as {{ dbt.type_string() }}) as reference_kind,
        balance_date as snapshot_date,
        balance
    from later_snapshots

    union all

    select
        account_id,
        balance_date as day_date,
        0 as is_reference_date,
        cast(null as {{ dbt.type_string() }}) as reference_kind,
        balance_date as snapshot_date,
        balance
    from latest_earlier_snapshots

    union all

    select
        account_id,
        reference_date as day_date,
        1 as is_reference_date,
        reference_kind,
        cast(null as date) as snapshot_date,
        cast(null as decimal(18, 4)) as balance
    from open_account_dates
),

-- balances are never NULL (tested in staging): the last non-NULL balance is
-- the one of the latest snapshot
sequenced as (
    select
        account_id,
        day_date,
        is_reference_date,
        reference_kind,
        max(snapshot_date) over account_sequence as snapshot_date,
        {{ last_non_null('balance') }} over account_sequence as balance
    from account_days
    window account_sequence as (
        partition by account_id
        order by day_date, is_reference_date
        rows between unbounded preceding and current row
    )
),

carried as (
    select
        sequenced.account_id,
        accounts.person_id,
        accounts.product_family,
        accounts.is_savings_family,
        accounts.is_investment_family,
        accounts.is_credit_family,
        accounts.currency,
        sequenced.reference_kind,
        sequenced.day_date as reference_date,
        sequenced.snapshot_date,
        coalesce(sequenced.balance, 0) as balance
    from sequenced
    inner join accounts
        on sequenced.account_id = accounts.account_id
    where sequenced.is_reference_date = 1
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
