-- Drifted from its YAML: amount retyped to decimal(18, 2), extra_note new,
-- closed_date (documented) missing.
with drifted as (
    select
        cast(1 as integer) as record_id,
        cast('x' as {{ dbt.type_string() }}) as record_label,
        cast(1.5 as decimal(18, 2)) as amount,
        cast('note' as {{ dbt.type_string() }}) as extra_note
),

final as (
    select * from drifted
)

select * from final
