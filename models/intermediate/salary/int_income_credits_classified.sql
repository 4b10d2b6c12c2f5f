{#- Salary classification of the credits booked in the last 12 complete
    months and the current month up to as_of_date (the window that
    monthly_salary needs, plus the current month so the detector sees the
    latest payment). A credit is salary when it carries the code SALARY (or a
    code the seed maps to flow type salary) or the purpose SALA, or when the
    recurring-income detector classifies it:
    - candidates: credits of flow type transfer or other, no purpose code
      (a purpose code other than SALA says what the money is), with a payer
      (counterparty_key);
    - a series is the candidates of one person from one payer; it is
      recurring income when it spans at least `salary_min_months` distinct
      months, the median gap between consecutive credits lies within
      [`salary_min_cadence_days`, `salary_max_cadence_days`], at least
      `salary_min_stable_share` of its credits lie within
      +/- `salary_amount_tolerance` of the series' median amount, and that
      median is at least `salary_min_amount_eur`;
    - the payer runs a payroll: it pays a recurring series to at least
      `salary_min_payer_persons` persons, or it pays coded salary (SALARY /
      SALA) to anyone, in the window. This separates employers from private
      payers whose transfers are just as regular (a tenant's rent, a
      parent's allowance); set the var to 1 to switch it off;
    - the detected salary credits are the stable credits of a recurring
      series from a payroll payer.
    Internal transfers, interest and reversals are never salary. -#}
{%- set min_months = var('salary_min_months', 3) -%}
{%- set min_cadence_days = var('salary_min_cadence_days', 25) -%}
{%- set max_cadence_days = var('salary_max_cadence_days', 35) -%}
{%- set amount_tolerance = var('salary_amount_tolerance', 0.2) -%}
{%- set min_stable_share = var('salary_min_stable_share', 0.75) -%}
{%- set min_amount_eur = var('salary_min_amount_eur', 300) -%}
{%- set min_payer_persons = var('salary_min_payer_persons', 2) -%}

with transactions as (
    select * from {{ ref('int_transactions_classified') }}
),

run_dates as (
    select {{ month_start(as_of_date()) }} as as_of_month
),

credits as (
    select
        transactions.transaction_id,
        transactions.person_id,
        transactions.account_id,
        transactions.booked_date,
        transactions.booked_month,
        transactions.amount_eur,
        transactions.transaction_code,
        transactions.flow_type,
        transactions.purpose_code,
        transactions.counterparty_key,
        coalesce(
            transactions.transaction_code = 'SALARY'
            or transactions.flow_type = 'salary'
            or transactions.purpose_code = 'SALA',
            false
        ) as is_explicit_salary
    from transactions
    cross join run_dates
    where
        transactions.direction = 'credit'
        and not transactions.is_internal_transfer
        and transactions.flow_type not in ('interest', 'reversal')
        and transactions.booked_month >= {{ add_months('run_dates.as_of_month', -12) }}
),

candidates as (
    select
        transaction_id,
        person_id,
        counterparty_key,
        booked_date,
        booked_month,
        amount_eur,
        {{ days_between(
            'lag(booked_date) over (partition by person_id, counterparty_key order by booked_date, transaction_id)',
            'booked_date'
        ) }} as gap_days
    from credits
    where
        not is_explicit_salary
        and flow_type in ('transfer', 'other')
        and purpose_code is null
        and counterparty_key is not null
),

series_amounts as (
    select
        person_id,
        counterparty_key,
        count(*) as n_credits,
        count(distinct booked_month) as n_months,
        {{ median('amount_eur') }} as median_amount_eur,
        {{ median('gap_days') }} as median_gap_days
    from candidates
    group by person_id, counterparty_key
),

candidates_scored as (
    select
        candidates.transaction_id,
        candidates.person_id,
        candidates.counterparty_key,
        series_amounts.n_credits,
        series_amounts.n_months,
        series_amounts.median_amount_eur,
        series_amounts.median_gap_days,
        abs(candidates.amount_eur - series_amounts.median_amount_eur)
        <= {{ amount_tolerance }} * series_amounts.median_amount_eur as is_stable_amount
    from candidates
    inner join series_amounts
        on
            candidates.person_id = series_amounts.person_id
            and candidates.counterparty_key = series_amounts.counterparty_key
),

series as (
    select
        person_id,
        counterparty_key,
        min(n_months) >= {{ min_months }}
        and min(median_gap_days) between {{ min_cadence_days }} and {{ max_cadence_days }}
        and min(median_amount_eur) >= {{ min_amount_eur }}
        and sum(case when is_stable_amount then 1 else 0 end)
        >= {{ min_stable_share }} * count(*) as is_recurring_income
    from candidates_scored
    group by person_id, counterparty_key
),

payroll_payers as (
    select counterparty_key
    from series
    where is_recurring_income
    group by counterparty_key
    having count(distinct person_id) >= {{ min_payer_persons }}

    union

    select counterparty_key
    from credits
    where is_explicit_salary and counterparty_key is not null
),

detected as (
    select
        candidates_scored.transaction_id,
        candidates_scored.n_months as series_n_months,
        candidates_scored.median_gap_days as series_median_gap_days,
        candidates_scored.median_amount_eur as series_median_amount_eur,
        series.is_recurring_income,
        payroll_payers.counterparty_key is not null as is_payroll_payer,
        series.is_recurring_income
        and candidates_scored.is_stable_amount
        and payroll_payers.counterparty_key is not null as is_detected_salary
    from candidates_scored
    inner join series
        on
            candidates_scored.person_id = series.person_id
            and candidates_scored.counterparty_key = series.counterparty_key
    left join payroll_payers
        on candidates_scored.counterparty_key = payroll_payers.counterparty_key
),

final as (
    select
        credits.transaction_id,
        credits.person_id,
        credits.account_id,
        credits.booked_date,
        credits.booked_month,
        credits.amount_eur,
        credits.transaction_code,
        credits.purpose_code,
        credits.counterparty_key,
        credits.is_explicit_salary,
        detected.series_n_months,
        detected.series_median_gap_days,
        detected.series_median_amount_eur,
        coalesce(detected.is_recurring_income, false) as is_recurring_income_series,
        coalesce(detected.is_payroll_payer, false) as is_payroll_payer,
        coalesce(detected.is_detected_salary, false) as is_detected_salary,
        credits.is_explicit_salary or coalesce(detected.is_detected_salary, false) as is_salary,
        case
            when credits.is_explicit_salary then 'explicit'
            when coalesce(detected.is_detected_salary, false) then 'detected'
        end as salary_source
    from credits
    left join detected
        on credits.transaction_id = detected.transaction_id
)

select * from final
