-- Columns exactly as documented (types written with synonyms in the YAML).
with documented as (
    select
        cast(1 as integer) as record_id,
        cast('x' as {{ dbt.type_string() }}) as record_label,
        cast(1.5 as decimal(18, 4)) as amount,
        cast('2024-01-01' as date) as created_date
),

final as (
    select * from documented
)

select * from final
