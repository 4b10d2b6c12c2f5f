-- Every transaction code the raw contract names must be mapped to a flow
-- type: a bank's own list may add codes but not drop these.
with transaction_codes as (
    select * from {{ ref('transaction_codes') }}
),

contract_codes as (
    select contract_codes.transaction_code
    from (
        values
        ('SALARY'), ('PENSION'), ('BENEFIT'), ('TRANSFER_IN'), ('TRANSFER_OUT'), ('CARD_PURCHASE'),
        ('ATM_WITHDRAWAL'), ('DIRECT_DEBIT'), ('STANDING_ORDER'), ('FEE'), ('INTEREST'),
        ('LOAN_DISBURSEMENT'), ('LOAN_REPAYMENT'), ('INVESTMENT_BUY'), ('INVESTMENT_SELL'),
        ('CASH_DEPOSIT'), ('REVERSAL')
    ) as contract_codes (transaction_code)
),

final as (
    select contract_codes.transaction_code
    from contract_codes
    left join transaction_codes
        on contract_codes.transaction_code = transaction_codes.transaction_code
    where transaction_codes.transaction_code is null
)

select * from final
