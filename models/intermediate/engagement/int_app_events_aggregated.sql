{#- App engagement per person on as_of_date, from the events of the person's
    digital registrations (events after as_of_date are ignored). Windows of
    n days end on as_of_date inclusive (90 days: as_of_date - 89 ..
    as_of_date). -#}

with app_events as (
    select * from {{ ref('stg_digital__app_events') }}
),

digital_users as (
    select * from {{ ref('int_digital_users_linked') }}
),

run_dates as (
    select {{ as_of_date() }} as as_of_date
),

person_events as (
    select
        digital_users.person_id,
        lower(trim(app_events.event_name)) as event_name,
        app_events.event_date,
        {{ in_last_n_days('app_events.event_date', 90, 'run_dates.as_of_date') }} as is_in_last_90_days,
        {{ in_last_n_days('app_events.event_date', 365, 'run_dates.as_of_date') }} as is_in_last_365_days
    from app_events
    inner join digital_users
        on app_events.digital_user_id = digital_users.digital_user_id
    cross join run_dates
    where app_events.event_date <= run_dates.as_of_date
),

final as (
    select
        person_id,
        sum(case when event_name = 'login' and is_in_last_90_days then 1 else 0 end) as logins_90d,
        max(case when event_name = 'login' then event_date end) as last_login_date,
        max(event_date) as last_event_date,
        sum(case when event_name = 'budget_view' and is_in_last_90_days then 1 else 0 end) as budget_views_90d,
        sum(
            case when event_name = 'carbon_footprint_view' and is_in_last_365_days then 1 else 0 end
        ) as carbon_footprint_views_365d,
        sum(case when event_name = 'invest_view' and is_in_last_90_days then 1 else 0 end) as invest_views_90d,
        sum(case when event_name = 'invest_view' then 1 else 0 end) as invest_views_ever,
        sum(
            case when event_name = 'savings_goal_created' and is_in_last_365_days then 1 else 0 end
        ) as savings_goals_created_365d,
        sum(case when event_name = 'view_product' and is_in_last_90_days then 1 else 0 end) as product_views_90d,
        sum(
            case when event_name = 'start_application' and is_in_last_90_days then 1 else 0 end
        ) as applications_started_90d
    from person_events
    group by person_id
)

select * from final
