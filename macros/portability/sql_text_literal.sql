{#- A text as a SQL string literal. DuckDB doubles a quote and reads a
    backslash as itself; Spark SQL escapes both with a backslash (a doubled
    quote there joins two literals). -#}
{% macro sql_text_literal(text) -%}
    {{ return(adapter.dispatch('sql_text_literal', 'customer_segments')(text)) }}
{%- endmacro %}

{% macro default__sql_text_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_text_literal(text) -%}
    '{{ text | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
