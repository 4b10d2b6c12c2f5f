{#- Shared helpers of the project's generic tests (macros/tests/). -#}

{#- A column argument may be given as one name or as a list of names:
    always hand back a list (empty for none). -#}
{% macro generic_test_column_list(columns) -%}
    {%- if columns is none -%}
        {{ return([]) }}
    {%- elif columns is string -%}
        {{ return([columns]) }}
    {%- else -%}
        {{ return(columns | list) }}
    {%- endif -%}
{%- endmacro %}

{#- `where` rendered as a SQL filter; `true` when no filter is given. -#}
{% macro generic_test_where(where) -%}
    {%- if where is none or where == '' -%}
        true
    {%- else -%}
        ({{ where }})
    {%- endif -%}
{%- endmacro %}
