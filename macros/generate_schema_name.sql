{#- Use the configured schema name as is (staging, intermediate, marts, ...)
    instead of dbt's default "<target schema>_<custom>" concatenation, so that
    BI tools find the public marts in the schema `marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
