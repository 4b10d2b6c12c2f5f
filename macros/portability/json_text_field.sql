{#- A top-level field of a JSON text as text (NULL when absent). -#}
{% macro json_text_field(json_text, field_name) -%}
    {{ return(adapter.dispatch('json_text_field', 'customer_segments')(json_text, field_name)) }}
{%- endmacro %}

{% macro default__json_text_field(json_text, field_name) -%}
    get_json_object({{ json_text }}, '$.{{ field_name }}')
{%- endmacro %}

{% macro duckdb__json_text_field(json_text, field_name) -%}
    json_extract_string({{ json_text }}, '$.{{ field_name }}')
{%- endmacro %}
