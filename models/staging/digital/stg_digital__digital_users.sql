with

versions as (
    select * from {{ ref('base_digital__digital_users') }}
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
            partition by digital_user_id
            -- the latest load wins; ties go to the later file and line (unique
            -- per row, so the pick is deterministic)
            order by _loaded_at desc, _file_name desc, _file_row_number desc
        ) as version_rank
    from known_versions
),

final as (
    select
        digital_user_id,
        customer_id,
        email_hash,
        registered_at,
        registration_channel,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from final
