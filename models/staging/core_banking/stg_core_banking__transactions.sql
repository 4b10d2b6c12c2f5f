{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='transaction_id',
        pre_hook="{{ rewind_before_as_of_date() }}",
        tags=['incremental_from_raw']
    )
}}

with

versions as (
    select * from {{ ref('base_core_banking__transactions') }}
),

-- valid versions known on as_of_date (point in time)
known_versions as (
    select *
    from versions
    where
        is_valid
        and cast(_loaded_at as date) <= {{ as_of_date() }}
),

candidate_versions as (
    -- incremental runs rank again only the keys with a new version
    select *
    from known_versions
    {%- if is_incremental() %}
        where transaction_id in (
            select transaction_id
            from known_versions
            where {{ changed_version_condition() }}
        )
    {%- endif %}
),

ranked as (
    select
        *,
        row_number() over (
            partition by transaction_id
            -- the latest load wins (pending, then booked or reversed); ties go to
            -- the later file and line (unique per row: deterministic)
            order by _loaded_at desc, _file_name desc, _file_row_number desc
        ) as version_rank
    from candidate_versions
),

final as (
    select
        transaction_id,
        account_id,
        booked_at,
        booked_date,
        value_date,
        amount,
        direction,
        transaction_code,
        purpose_code,
        counterparty_key,
        counterparty_account_id,
        merchant_name,
        mcc,
        channel,
        status,
        reversal_of_transaction_id,
        _loaded_at,
        {{ processed_at() }} as _processed_at
    from ranked
    where version_rank = 1
)

select * from final
