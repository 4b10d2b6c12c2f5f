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

-- read several times (latest-version pick, incremental key filter):
-- inlined_cte() reads the table again instead of keeping a copy of every
-- version, here and in the next CTE
versions as {{ inlined_cte() }} (
    select * from {{ ref('base_core_banking__transactions') }}
),

-- valid versions known on as_of_date (point in time)
known_versions as {{ inlined_cte() }} (
    select *
    from versions
    where
        is_valid
        and cast(_loaded_at as date) <= {{ as_of_date() }}
),

-- the latest load wins (pending, then booked or reversed); ties go to
-- the later file and line (unique per row: deterministic)
latest_versions as (
    {%- if is_incremental() %}
        -- incremental: only the keys whose latest version changed (macros/incremental)
        {{ changed_latest_versions(
            'known_versions', ['transaction_id'], ['_loaded_at', '_file_name', '_file_row_number']
        ) }}
    {%- else %}
        {{ latest_version_per_key(
            'known_versions', ['transaction_id'], ['_loaded_at', '_file_name', '_file_row_number']
        ) }}
    {%- endif %}
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
    from latest_versions
)

select * from final
