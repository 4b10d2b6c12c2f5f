{{ config(severity='warn') }}
-- Warns when a product family has no product: the segments built on that
-- family (savings, investment, green investment, credit) would then be empty
-- for every person. A bank without, say, mortgages may accept the warning.
with product_catalogue as (
    select * from {{ ref('product_catalogue') }}
),

families as (
    select families.product_family
    from (
        values
        ('current'), ('savings'), ('term_deposit'), ('investment'), ('green_investment'),
        ('credit_card'), ('personal_loan'), ('mortgage')
    ) as families (product_family)
),

final as (
    select families.product_family
    from families
    where not exists (
        select 1
        from product_catalogue
        where product_catalogue.product_family = families.product_family
    )
)

select * from final
