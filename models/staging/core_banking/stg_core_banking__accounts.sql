with

versions as (
    select * from {{ ref('base_core_banking__accounts') }}
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
            partition by account_id
            -- the latest load wins; ties go to the later file and line (unique
            -- per row, so the pick is deterministic)
            order by _loaded_at desc, _file_name desc, _file_row_number desc
        ) as version_rank
    from known_versions
),

final as (
    select
        account_id,
        customer_id,
        product_code,
        currency,
        opened_at,
        closed_at,
        status,
        opening_channel,
        branch_id,
        credit_limit,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from final
