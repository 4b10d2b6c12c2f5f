-- A REVERSAL that names a transaction unknown on as_of_date cancels nothing
-- and counts in nothing; the contract asks for a warning that lists it.
{{ config(severity='warn') }}

with

-- read twice: inlined, not a copy of every transaction
transactions as {{ inlined_cte() }} (
    select * from {{ ref('stg_core_banking__transactions') }}
),

reversals as (
    select * from transactions
    where transaction_code = 'REVERSAL'
),

-- the few named targets on the right side of the join (DuckDB builds its
-- hash table there), not every transaction
named_targets as (
    select distinct reversal_of_transaction_id as transaction_id
    from reversals
    where reversal_of_transaction_id is not null
),

known_targets as (
    select transactions.transaction_id
    from transactions
    inner join named_targets
        on transactions.transaction_id = named_targets.transaction_id
),

unknown_targets as (
    select
        reversals.transaction_id,
        reversals.account_id,
        reversals.reversal_of_transaction_id,
        reversals.status
    from reversals
    left join known_targets
        on reversals.reversal_of_transaction_id = known_targets.transaction_id
    where known_targets.transaction_id is null
)

select * from unknown_targets
