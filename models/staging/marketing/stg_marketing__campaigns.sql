with

versions as (
    select * from {{ ref('base_marketing__campaigns') }}
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
            partition by campaign_id
            -- the latest load wins; ties go to the later file and line (unique
            -- per row, so the pick is deterministic)
            order by _loaded_at desc, _file_name desc, _file_row_number desc
        ) as version_rank
    from known_versions
),

final as (
    select
        campaign_id,
        campaign_name,
        product_code,
        channel,
        started_at,
        ended_at,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from final
