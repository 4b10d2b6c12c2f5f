{#- One row per person on as_of_date: customer persons (consolidated live
    records) and prospects (digital registrations without a customer).
    - first_relationship_date: the earliest created_at or opened_at among the
      person's records and accounts (UTC dates); for a prospect, the
      earliest registration.
    - origin: digital_client when the relationship began digitally (the
      person's earliest record was onboarded through `digital`, or the first
      account was opened on web, mobile or api); else digital_user when the
      person has a digital registration by as_of_date; else offline_client;
      prospects are digital_prospect.
    - is_digital_active: a login in the 90 days up to as_of_date.
    - attributes that records may disagree on (birth date, dependants,
      declared income) come from the most recently updated record that has
      a value; marketing consent only when every record says true.
    - tenure_months: complete months from first_relationship_date to
      as_of_date, 0 when a record delivered before its own created_at dates
      the relationship after as_of_date; months_of_history: calendar months from the first
      relationship month up to (not including) the month of as_of_date,
      i.e. the rows of fct_person_monthly_cashflow. -#}

with customers as (
    select * from {{ ref('stg_core_banking__customers') }}
),

consolidated_customers as (
    select * from {{ ref('int_customers_consolidated') }}
),

accounts as (
    select * from {{ ref('int_accounts_classified') }}
),

digital_users as (
    select * from {{ ref('int_digital_users_linked') }}
),

app_engagement as (
    select * from {{ ref('int_app_events_aggregated') }}
),

run_dates as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ month_start(as_of_date()) }} as as_of_month
),

records as (
    select
        consolidated_customers.person_id,
        customers.customer_id,
        customers.onboarding_channel,
        cast(customers.created_at as date) as created_date,
        customers.has_marketing_consent,
        row_number() over (
            partition by consolidated_customers.person_id
            order by customers.created_at, customers.customer_id
        ) as record_order,
        first_value(customers.birth_date) over (
            partition by consolidated_customers.person_id
            order by
                case when customers.birth_date is null then 1 else 0 end asc,
                customers.updated_at desc,
                customers.customer_id asc
        ) as birth_date,
        first_value(customers.dependents) over (
            partition by consolidated_customers.person_id
            order by
                case when customers.dependents is null then 1 else 0 end asc,
                customers.updated_at desc,
                customers.customer_id asc
        ) as dependents,
        first_value(customers.declared_annual_income_eur) over (
            partition by consolidated_customers.person_id
            order by
                case when customers.declared_annual_income_eur is null then 1 else 0 end asc,
                customers.updated_at desc,
                customers.customer_id asc
        ) as declared_annual_income_eur
    from customers
    inner join consolidated_customers
        on customers.customer_id = consolidated_customers.customer_id
),

customer_persons as (
    select
        person_id,
        count(*) as n_customer_records,
        min(created_date) as first_created_date,
        max(case when record_order = 1 then onboarding_channel end) as first_onboarding_channel,
        min(case when has_marketing_consent then 1 else 0 end) = 1 as has_marketing_consent,
        max(birth_date) as birth_date,
        max(dependents) as dependents,
        max(declared_annual_income_eur) as declared_annual_income_eur
    from records
    group by person_id
),

first_accounts as (
    select
        person_id,
        min(opened_date) as first_opened_date,
        max(case when account_order = 1 then opening_channel end) as first_opening_channel,
        count(*) as n_accounts_ever
    from (
        select
            person_id,
            opened_date,
            opening_channel,
            row_number() over (partition by person_id order by opened_at, account_id) as account_order
        from accounts
    ) as ordered_accounts
    group by person_id
),

registrations as (
    select
        person_id,
        min(registered_date) as first_registered_date,
        count(*) as n_digital_registrations
    from digital_users
    group by person_id
),

prospects as (
    select distinct person_id
    from digital_users
    where is_prospect
),

customer_profiles as (
    select
        customer_persons.person_id,
        false as is_prospect,
        case
            when
                customer_persons.first_onboarding_channel = 'digital'
                or first_accounts.first_opening_channel in ('web', 'mobile', 'api')
                then 'digital_client'
            when registrations.person_id is not null then 'digital_user'
            else 'offline_client'
        end as origin,
        case
            when first_accounts.first_opened_date is null then customer_persons.first_created_date
            when customer_persons.first_created_date is null then first_accounts.first_opened_date
            else least(customer_persons.first_created_date, first_accounts.first_opened_date)
        end as first_relationship_date,
        customer_persons.n_customer_records,
        coalesce(first_accounts.n_accounts_ever, 0) as n_accounts_ever,
        registrations.person_id is not null as has_digital_registration,
        registrations.first_registered_date,
        customer_persons.first_onboarding_channel,
        first_accounts.first_opening_channel,
        customer_persons.birth_date,
        customer_persons.dependents,
        customer_persons.declared_annual_income_eur,
        customer_persons.has_marketing_consent
    from customer_persons
    left join first_accounts
        on customer_persons.person_id = first_accounts.person_id
    left join registrations
        on customer_persons.person_id = registrations.person_id
),

prospect_profiles as (
    select
        prospects.person_id,
        true as is_prospect,
        'digital_prospect' as origin,
        registrations.first_registered_date as first_relationship_date,
        0 as n_customer_records,
        0 as n_accounts_ever,
        true as has_digital_registration,
        registrations.first_registered_date,
        cast(null as {{ dbt.type_string() }}) as first_onboarding_channel,
        cast(null as {{ dbt.type_string() }}) as first_opening_channel,
        cast(null as date) as birth_date,
        cast(null as integer) as dependents,
        cast(null as decimal(18, 4)) as declared_annual_income_eur,
        false as has_marketing_consent
    from prospects
    inner join registrations
        on prospects.person_id = registrations.person_id
),

profiles as (
    select * from customer_profiles
    union all
    select * from prospect_profiles
),

final as (
    select
        profiles.person_id,
        profiles.is_prospect,
        profiles.origin,
        coalesce(app_engagement.logins_90d, 0) > 0 as is_digital_active,
        app_engagement.last_login_date,
        profiles.first_relationship_date,
        {{ month_start('profiles.first_relationship_date') }} as first_relationship_month,
        -- a record delivered before its own created_at (a clock error at the
        -- source) dates the relationship after as_of_date: tenure 0, not negative
        greatest(
            {{ complete_months_between('profiles.first_relationship_date', 'run_dates.as_of_date') }},
            0
        ) as tenure_months,
        greatest(
            {{ months_between_month_starts(month_start('profiles.first_relationship_date'), 'run_dates.as_of_month') }},
            0
        ) as months_of_history,
        profiles.n_customer_records,
        profiles.n_accounts_ever,
        profiles.has_digital_registration,
        profiles.first_registered_date,
        profiles.first_onboarding_channel,
        profiles.first_opening_channel,
        profiles.birth_date,
        case
            when profiles.birth_date <= run_dates.as_of_date
                then cast(
                    floor({{ complete_months_between('profiles.birth_date', 'run_dates.as_of_date') }} / 12)
                    as integer
                )
        end as age_years,
        profiles.dependents,
        profiles.declared_annual_income_eur,
        profiles.has_marketing_consent,
        run_dates.as_of_date
    from profiles
    left join app_engagement
        on profiles.person_id = app_engagement.person_id
    cross join run_dates
)

select * from final
