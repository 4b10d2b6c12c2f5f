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

ranked as (
    select
        *,
        row_number() over (
            partition by transaction_id
            -- the latest load wins (pending, then booked or reversed); ties go to
            -- the later file and line, then the raw text (deterministic)
            order by _loaded_at desc, _file_name desc, _file_row_number desc, raw_row desc
        ) as version_rank
    from known_versions
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
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from final
