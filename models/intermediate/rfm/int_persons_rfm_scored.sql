{#- RFM of every customer person on as_of_date, on the person's activity
    (customer-initiated, counting) transactions:
    - recency_days: days from the last activity transaction to as_of_date
      (NULL when there was none: the lowest recency score);
    - frequency_12m: activity transactions in the last 12 months;
    - monetary_12m_eur: their amount in the last 12 months, internal
      transfers excluded.
    Scores 1..5 by percentile rank over all customer persons of the run:
    score = 1 + floor(5 * (position - 1) / n_persons), position in ascending
    order of goodness (recency: most days first). Ties are broken by the
    other two measures and then by person_id, so scores are deterministic
    and each score holds a fifth of the persons, as quintiles do. -#}

with persons as (
    select * from {{ ref('int_persons_profiled') }}
),

person_months as (
    select * from {{ ref('int_person_months_aggregated') }}
),

person_month_spine as (
    select * from {{ ref('int_person_months_spined') }}
),

run_dates as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ month_start(as_of_date()) }} as as_of_month
),

customer_persons as (
    select person_id
    from persons
    where not is_prospect
),

last_activity as (
    select
        person_id,
        max(last_activity_date) as last_activity_date
    from person_months
    group by person_id
),

last_12_months as (
    select
        person_month_spine.person_id,
        sum(person_month_spine.n_activity_transactions) as frequency_12m,
        sum(person_month_spine.activity_amount_eur) as monetary_12m_eur
    from person_month_spine
    cross join run_dates
    where {{ in_last_n_months('person_month_spine.month', 12, 'run_dates.as_of_month') }}
    group by person_month_spine.person_id
),

measures as (
    select
        customer_persons.person_id,
        run_dates.as_of_date,
        last_activity.last_activity_date,
        cast(coalesce(last_12_months.frequency_12m, 0) as integer) as frequency_12m,
        cast(coalesce(last_12_months.monetary_12m_eur, 0) as decimal(18, 4)) as monetary_12m_eur
    from customer_persons
    cross join run_dates
    left join last_activity
        on customer_persons.person_id = last_activity.person_id
    left join last_12_months
        on customer_persons.person_id = last_12_months.person_id
),

measures_dated as (
    select
        person_id,
        frequency_12m,
        monetary_12m_eur,
        {{ days_between('last_activity_date', 'as_of_date') }} as recency_days
    from measures
),

positioned as (
    select
        *,
        count(*) over () as n_persons,
        row_number() over (
            order by
                case when recency_days is null then 0 else 1 end asc,
                recency_days desc,
                frequency_12m asc,
                monetary_12m_eur asc,
                person_id asc
        ) as recency_position,
        row_number() over (
            order by
                frequency_12m asc,
                monetary_12m_eur asc,
                coalesce(recency_days, 1000000) desc,
                person_id asc
        ) as frequency_position,
        row_number() over (
            order by
                monetary_12m_eur asc,
                frequency_12m asc,
                coalesce(recency_days, 1000000) desc,
                person_id asc
        ) as monetary_position
    from measures_dated
),

final as (
    select
        person_id,
        recency_days,
        frequency_12m,
        monetary_12m_eur,
        cast(1 + floor(5.0 * (recency_position - 1) / n_persons) as integer) as rfm_recency_score,
        cast(1 + floor(5.0 * (frequency_position - 1) / n_persons) as integer) as rfm_frequency_score,
        cast(1 + floor(5.0 * (monetary_position - 1) / n_persons) as integer) as rfm_monetary_score
    from positioned
)

select * from final
