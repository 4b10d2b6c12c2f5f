-- Broken monthly series: USD misses March, GBP has a mid-month date.
with monthly_series as (
    select
        monthly_series.currency,
        monthly_series.month_date
    from (
        values
        ('USD', cast('2024-01-01' as date)),
        ('USD', cast('2024-02-01' as date)),
        ('USD', cast('2024-04-01' as date)),
        ('GBP', cast('2024-02-15' as date)),
        ('GBP', cast('2024-03-01' as date))
    ) as monthly_series (currency, month_date)
),

final as (
    select * from monthly_series
)

select * from final
