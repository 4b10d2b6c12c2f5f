{#- Campaign history per person on as_of_date: contacts sent (control-group
    rows are held out, not contacted), opens, clicks and conversions in the
    90 days up to as_of_date, each counted on the day it happened. Fatigue:
    at least `campaign_fatigue_min_contacts` contacts in 90 days and no open
    and no click in those 90 days. -#}
{%- set fatigue_min_contacts = var('campaign_fatigue_min_contacts', 4) -%}

with campaign_contacts as (
    select * from {{ ref('stg_marketing__campaign_contacts') }}
),

consolidated_customers as (
    select * from {{ ref('int_customers_consolidated') }}
),

run_dates as (
    select {{ as_of_date() }} as as_of_date
),

contacts as (
    select
        consolidated_customers.person_id,
        cast(campaign_contacts.sent_at as date) as sent_date,
        cast(campaign_contacts.opened_at as date) as opened_date,
        cast(campaign_contacts.clicked_at as date) as clicked_date,
        cast(campaign_contacts.converted_at as date) as converted_date,
        run_dates.as_of_date
    from campaign_contacts
    inner join consolidated_customers
        on campaign_contacts.customer_id = consolidated_customers.customer_id
    cross join run_dates
    where
        not coalesce(campaign_contacts.is_control, false)
        and cast(campaign_contacts.sent_at as date) <= run_dates.as_of_date
),

counted as (
    select
        person_id,
        sum(case when {{ in_last_n_days('sent_date', 90, 'as_of_date') }} then 1 else 0 end) as campaign_contacts_90d,
        sum(case when {{ in_last_n_days('opened_date', 90, 'as_of_date') }} then 1 else 0 end) as campaign_opens_90d,
        sum(case when {{ in_last_n_days('clicked_date', 90, 'as_of_date') }} then 1 else 0 end) as campaign_clicks_90d,
        sum(
            case when {{ in_last_n_days('converted_date', 90, 'as_of_date') }} then 1 else 0 end
        ) as campaign_conversions_90d,
        max(sent_date) as last_contact_date
    from contacts
    group by person_id
),

final as (
    select
        *,
        (
            campaign_contacts_90d >= {{ fatigue_min_contacts }}
            and campaign_opens_90d = 0
            and campaign_clicks_90d = 0
        ) as is_campaign_fatigued
    from counted
)

select * from final
