-- A REVERSAL that names a transaction unknown on as_of_date cancels nothing
-- and counts in nothing; the contract asks for a warning that lists it.
{{ config(severity='warn') }}

with

transactions as (
    select * from {{ ref('stg_core_banking__transactions') }}
),

reversals as (
    select * from transactions
    where transaction_code = 'REVERSAL'
),

unknown_targets as (
    select
        reversals.transaction_id,
        reversals.account_id,
        reversals.reversal_of_transaction_id,
        reversals.status
    from reversals
    left join transactions as reversed
        on reversals.reversal_of_transaction_id = reversed.transaction_id
    where reversed.transaction_id is null
)

select * from unknown_targets
