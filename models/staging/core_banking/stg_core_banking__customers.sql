with

versions as (
    select * from {{ ref('base_core_banking__customers') }}
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
            partition by customer_id
            -- the latest updated_at wins, so a stale re-delivery never overwrites a
            -- newer version; ties go to the later load, then to the later file and
            -- line, which makes exact re-deliveries deterministic
            order by updated_at desc, _loaded_at desc, _file_name desc, _file_row_number desc
        ) as version_rank
    from known_versions
),

final as (
    select
        customer_id,
        national_id_hash,
        email_hash,
        phone_hash,
        birth_date,
        gender,
        postal_code,
        country_code,
        occupation,
        marital_status,
        dependents,
        declared_annual_income as declared_annual_income_eur,
        onboarding_channel,
        home_branch_id,
        has_marketing_consent,
        created_at,
        updated_at,
        is_deleted,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from final
