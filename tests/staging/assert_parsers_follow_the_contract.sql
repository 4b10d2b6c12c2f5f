-- Fixed cases for the contract's parsing rules: text trimming, names, money
-- (no sign, exponent, comma or more than 4 decimals; signed only for
-- balances), dates, integers, booleans and the identifier normalisation
-- behind the person hashes.
with

cases as (
    select
        fixed_cases.parser,
        fixed_cases.delivered,
        fixed_cases.expected
    from (
        values
        -- text: white space trimmed at both ends (tabs, line breaks), blank as NULL
        ('text', ' a b ', 'a b'),
        ('text', 'ab', 'ab'),
        ('text', chr(9) || 'ab' || chr(13) || chr(10), 'ab'),
        ('text', 'ab' || chr(10), 'ab'),
        ('text', chr(11) || 'ab', 'ab'),
        ('text', ' ' || chr(12) || ' ', null),
        ('text', '', null),
        ('text', 'ñandú', 'ñandú'),
        ('text', ' ñandú' || chr(9), 'ñandú'),
        ('name', ' acme' || chr(9) || chr(9) || 'shop  x ', 'ACME SHOP X'),
        ('money', '0', '0.0000'),
        ('money', '12', '12.0000'),
        ('money', '12.3456', '12.3456'),
        ('money', ' 12.5 ', '12.5000'),
        ('money', '12.34567', null),
        ('money', '-12.50', null),
        ('money', '+12.50', null),
        ('money', '1e5', null),
        ('money', '1,50', null),
        ('money', '12.', null),
        ('money', '.5', null),
        ('money', 'abc', null),
        ('signed_money', '-350.25', '-350.2500'),
        ('signed_money', '+100', '100.0000'),
        ('signed_money', '- 5', null),
        ('signed_money', '-1.23456', null),
        ('date', '2025-04-30', '2025-04-30'),
        ('date', '2025-04-31', null),
        ('date', '2025/04/30', null),
        ('date', '30-04-2025', null),
        ('integer', '3', '3'),
        ('integer', '-1', null),
        ('integer', 'two', null),
        ('boolean', 'TRUE', 'true'),
        ('boolean', 'False', 'false'),
        ('boolean', 'yes', null),
        ('national_id', ' 12.345.678-z ', '12345678Z'),
        ('national_id', '--', null),
        ('email', ' Ana.Garcia@Example.COM ', 'ana.garcia@example.com'),
        ('phone ES', '+34 600 11 22 33', '+34600112233'),
        ('phone ES', '0034600112233', '+34600112233'),
        ('phone ES', '600-112-233', '+34600112233'),
        ('phone FR', '06 12 34 56 78', '+33612345678'),
        ('phone IT', '06 1234 5678', '+390612345678'),
        ('phone GB', '07700 900123', '+447700900123'),
        ('phone GB', '+44 (0)20 7946 0958', '+442079460958'),
        ('phone US', '(212) 555-0100', '+12125550100'),
        ('phone US', '1-212-555-0100', '+12125550100'),
        ('phone ZZ', '600112233', null),
        ('phone ES', '123', null),
        ('phone ', '600112233', null)
    ) as fixed_cases (parser, delivered, expected)
),

cleaned as (
    select
        parser,
        delivered,
        expected,
        {{ clean_text('delivered') }} as delivered_text,
        nullif(trim(substr(parser, 7)), '') as country_code
    from cases
),

parsed as (
    select
        parser,
        delivered,
        expected,
        case
            when parser = 'text' then delivered_text
            when parser = 'name' then {{ normalize_name('delivered_text') }}
            when parser = 'money' then cast({{ parse_money('delivered_text') }} as {{ dbt.type_string() }})
            when parser = 'signed_money'
                then cast({{ parse_money('delivered_text', signed=true) }} as {{ dbt.type_string() }})
            when parser = 'date' then cast({{ parse_date('delivered_text') }} as {{ dbt.type_string() }})
            when parser = 'integer' then cast({{ parse_integer('delivered_text') }} as {{ dbt.type_string() }})
            when parser = 'boolean' then cast({{ parse_boolean('delivered_text') }} as {{ dbt.type_string() }})
            when parser = 'national_id' then {{ normalize_national_id('delivered_text') }}
            when parser = 'email' then {{ normalize_email('delivered_text') }}
            when parser like 'phone%' then {{ normalize_phone('delivered_text', 'country_code') }}
        end as actual
    from cleaned
)

select * from parsed
where actual is distinct from expected
