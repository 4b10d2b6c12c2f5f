{#- sha256 of the salt (var `identity_hash_salt`) followed by the normalised
    value, as lower-case hex. NULL never hashes (NULL identifiers never match). -#}
{% macro hash_identifier(expression) %}
    {{ return(adapter.dispatch('hash_identifier', 'customer_segments')(expression)) }}
{% endmacro %}

{% macro identity_hash_salt_literal() -%}
    {{ sql_text_literal(var("identity_hash_salt", "") | string) }}
{%- endmacro %}

{% macro default__hash_identifier(expression) -%}
    case
        when {{ expression }} is not null
            then sha2(concat({{ identity_hash_salt_literal() }}, {{ expression }}), 256)
    end
{%- endmacro %}

{% macro duckdb__hash_identifier(expression) -%}
    case
        when {{ expression }} is not null
            then sha256({{ identity_hash_salt_literal() }} || {{ expression }})
    end
{%- endmacro %}
