with

versions as (
    select * from {{ ref('base_digital__app_events') }}
),

-- valid versions known on as_of_date (point in time)
known_versions as (
    select *
    from versions
    where
        is_valid
        and cast(_loaded_at as date) <= {{ as_of_date() }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id
            -- duplicate event_ids collapse to the latest load; ties go to the later
            -- file and line, then the raw text (deterministic)
            order by _loaded_at desc, _file_name desc, _file_row_number desc, raw_row desc
        ) as version_rank
    from known_versions
),

final as (
    select
        event_id,
        digital_user_id,
        event_name,
        event_at,
        event_date,
        platform,
        product_code,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from final
