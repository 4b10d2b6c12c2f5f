{{ config(materialized='table') }}

{#- Reads the base model, not stg_core_banking__transactions: staging models
    filter by as_of_date themselves, so reading them here would be a cycle. -#}
with

transactions as (
    select * from {{ ref('base_core_banking__transactions') }}
),

-- A booking dated after the day it was loaded cannot be known yet (a bad
-- clock or a future-dated booking); it must not move the run into the future.
latest_booked as (
    select max(booked_date) as latest_booked_date
    from transactions
    where
        is_valid
        and status = 'booked'
        and booked_date <= cast(_loaded_at as date)
),

final as (
    select
        {% if var('as_of_date', none) -%}
            cast('{{ var("as_of_date") }}' as date)
        {%- else -%}
            latest_booked_date
        {%- endif %} as as_of_date
    from latest_booked
)

select * from final
