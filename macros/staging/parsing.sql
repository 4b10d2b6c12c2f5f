{#-
    Safe parsing of raw contract text (every raw column is VARCHAR).

    Every parser returns NULL when the text does not follow the contract, so
    that a base model can tell "missing" (text is NULL) from "invalid" (text
    is not NULL, parsed value is NULL). Patterns avoid backslashes so that
    they read the same in DuckDB and Spark SQL string literals.
-#}

{#- Trimmed text (any white space), empty string as NULL. -#}
{% macro clean_text(expression) %}
    {{ return(adapter.dispatch('clean_text', 'customer_segments')(expression)) }}
{% endmacro %}

{% macro default__clean_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{#- Spark's trim removes spaces only: any white space, as on DuckDB. -#}
{% macro spark__clean_text(expression) -%}
    nullif(regexp_replace({{ expression }}, '^{{ whitespace_pattern() }}+|{{ whitespace_pattern() }}+$', ''), '')
{%- endmacro %}

{#- DuckDB: most raw values have nothing to trim. A first and a last
    character above the ASCII space (code point > 32: [[:space:]] is ASCII
    only) pass as they are; only the others go through the regular
    expression, which was a fifth of the transactions base model's CPU. -#}
{% macro duckdb__clean_text(expression) -%}
    case
        when ascii({{ expression }}) > 32 and ascii(right({{ expression }}, 1)) > 32 then {{ expression }}
        else nullif(regexp_replace({{ expression }}, '^[[:space:]]+|[[:space:]]+$', '', 'g'), '')
    end
{%- endmacro %}


{#- One white-space character as a regular expression class (RE2 in DuckDB,
    Java regular expressions in Spark). -#}
{% macro whitespace_pattern() %}
    {{ return(adapter.dispatch('whitespace_pattern', 'customer_segments')()) }}
{% endmacro %}

{% macro default__whitespace_pattern() -%}
    {{ return('\\\\s') }}
{%- endmacro %}

{% macro duckdb__whitespace_pattern() -%}
    {{ return('[[:space:]]') }}
{%- endmacro %}


{#- True when the whole text matches the (unanchored) pattern. -#}
{% macro matches_pattern(expression, pattern) %}
    {{ return(adapter.dispatch('matches_pattern', 'customer_segments')(expression, pattern)) }}
{% endmacro %}

{% macro default__matches_pattern(expression, pattern) -%}
    ({{ expression }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

{% macro duckdb__matches_pattern(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}


{#- A cast that gives NULL instead of failing (dbt.safe_cast is a plain cast
    on DuckDB). -#}
{% macro try_cast_to(expression, data_type) %}
    {{ return(adapter.dispatch('try_cast_to', 'customer_segments')(expression, data_type)) }}
{% endmacro %}

{% macro default__try_cast_to(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast_to(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__try_cast_to(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{#- Replaces every match of a pattern. -#}
{% macro replace_pattern(expression, pattern, replacement) %}
    {{ return(adapter.dispatch('replace_pattern', 'customer_segments')(expression, pattern, replacement)) }}
{% endmacro %}

{% macro default__replace_pattern(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__replace_pattern(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}


{#- ISO 8601 timestamp (date, `T` or space, hh:mm[:ss[.fraction]], optional
    `Z`/`+hh`/`+hhmm`/`+hh:mm` offset; no offset means UTC) to a UTC
    `timestamp` without time zone. A bare date is not a timestamp. -#}
{% macro timestamp_pattern() -%}
    [0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?
{%- endmacro %}

{% macro parse_timestamp_utc(expression) %}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'customer_segments')(expression)) }}
{% endmacro %}

{#- Spark: the session time zone is UTC (profiles.yml), so a cast to
    timestamp converts any offset to UTC. -#}
{% macro default__parse_timestamp_utc(expression) -%}
    case
        when {{ matches_pattern('upper(' ~ expression ~ ')', timestamp_pattern()) }}
            then try_cast(upper({{ expression }}) as timestamp)
    end
{%- endmacro %}

{#- DuckDB: text without an offset gets `+00:00` so that the session time
    zone never matters; timezone('UTC', ...) gives the UTC wall clock. -#}
{% macro duckdb__parse_timestamp_utc(expression) -%}
    {#- DuckDB needs the seconds when an offset follows: hh:mm gets :00 -#}
    {%- set with_seconds = "regexp_replace(upper(" ~ expression
        ~ "), '^([0-9-]{10}[T ][0-9]{2}:[0-9]{2})([^:0-9]|$)', '\\1:00\\2')" -%}
    case
        {# the usual shape (seconds and an explicit offset) casts as it is: two
            regular expressions fewer per row #}
        when {{ matches_pattern(
            'upper(' ~ expression ~ ')',
            '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})'
        ) }}
            then timezone('UTC', try_cast(upper({{ expression }}) as timestamptz))
        when {{ matches_pattern('upper(' ~ expression ~ ')', timestamp_pattern()) }}
            then timezone(
                'UTC',
                try_cast(
                    case
                        when regexp_matches(upper({{ expression }}), '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
                            then {{ with_seconds }}
                        else {{ with_seconds }} || '+00:00'
                    end as timestamptz
                )
            )
    end
{%- endmacro %}


{#- YYYY-MM-DD to a date (an impossible calendar date gives NULL). -#}
{% macro parse_date(expression) -%}
    case
        when {{ matches_pattern(expression, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then {{ try_cast_to(expression, 'date') }}
    end
{%- endmacro %}


{#- Money rule of the contract: digits[.digits], at most 4 decimals; a sign
    only where the contract allows it (balances). -#}
{% macro parse_money(expression, signed=false) -%}
    case
        when {{ matches_pattern(expression, ('[+-]?' if signed else '') ~ '[0-9]+([.][0-9]{1,4})?') }}
            then {{ try_cast_to(expression, 'decimal(18, 4)') }}
    end
{%- endmacro %}


{#- Non-negative integer (counts). -#}
{% macro parse_integer(expression) -%}
    case
        when {{ matches_pattern(expression, '[0-9]{1,9}') }}
            then {{ try_cast_to(expression, 'integer') }}
    end
{%- endmacro %}


{#- `true`/`false` in any case. -#}
{% macro parse_boolean(expression) -%}
    case lower({{ expression }})
        when 'true' then true
        when 'false' then false
    end
{%- endmacro %}


{#- The first failing check wins. `checks` is a list of
    (condition, reason_code, reason) in check order. -#}
{% macro quarantine_reason_code(checks) -%}
    case
        {%- for check in checks %}
        when {{ check[0] }} then '{{ check[1] }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro quarantine_reason(checks) -%}
    case
        {%- for check in checks %}
        when {{ check[0] }} then {{ sql_text_literal(check[2]) }}
        {%- endfor %}
    end
{%- endmacro %}


{#- Checks shared by every base model, as (condition, code, reason) tuples. -#}
{% macro check_missing(columns, reason_code) %}
    {% set checks = [] %}
    {% for column_name in columns %}
        {% do checks.append((column_name ~ '_text is null', reason_code, column_name ~ ' is missing')) %}
    {% endfor %}
    {{ return(checks) }}
{% endmacro %}

{% macro check_parsed(columns, reason_code, problem) %}
    {% set checks = [] %}
    {% for column_name in columns %}
        {% do checks.append(
            (column_name ~ '_text is not null and ' ~ column_name ~ ' is null', reason_code, column_name ~ ' ' ~ problem)
        ) %}
    {% endfor %}
    {{ return(checks) }}
{% endmacro %}

{#- A code outside its accepted values (NULL codes are checked as missing,
    where required). -#}
{% macro check_code(column_name, accepted_values) %}
    {% set quoted = [] %}
    {% for value in accepted_values %}
        {% do quoted.append("'" ~ value ~ "'") %}
    {% endfor %}
    {{ return((
        column_name ~ ' is not null and ' ~ column_name ~ ' not in (' ~ quoted | join(', ') ~ ')',
        'invalid_code',
        column_name ~ ' is not one of ' ~ accepted_values | join(', ')
    )) }}
{% endmacro %}


{#- The delivered row as JSON text, keys in contract order. -#}
{% macro raw_row_json(columns, suffix='') %}
    {{ return(adapter.dispatch('raw_row_json', 'customer_segments')(columns, suffix)) }}
{% endmacro %}

{% macro default__raw_row_json(columns, suffix='') -%}
    to_json(named_struct(
        {%- for column_name in columns %}
        '{{ column_name }}', {{ column_name ~ suffix }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{% macro duckdb__raw_row_json(columns, suffix='') -%}
    cast(json_object(
        {%- for column_name in columns %}
        '{{ column_name }}', {{ column_name ~ suffix }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}
