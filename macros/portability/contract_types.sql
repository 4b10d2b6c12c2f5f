{#- Spark: contract data types written the DuckDB/ANSI way (`varchar`,
    `text`) have no Spark equivalent without a length; the enforced contracts
    of the marts check them as `string`. Other types (integer, bigint,
    double, boolean, date, timestamp, decimal(p, s)) read the same. -#}
{% macro spark_contract_type(data_type) -%}
    {%- set normalised = data_type | trim | lower -%}
    {%- if normalised in ('varchar', 'text', 'character varying') -%}
        string
    {%- else -%}
        {{ data_type }}
    {%- endif -%}
{%- endmacro %}


{#- dbt's default__get_empty_schema_sql with the types above. -#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set col_err = [] -%}
    select
    {% for i in columns %}
        {%- set col = columns[i] -%}
        {%- if col['data_type'] is not defined -%}
            {%- do col_err.append(col['name']) -%}
        {%- endif -%}
        {% set col_name = adapter.quote(col['name']) if col.get('quote') else col['name'] %}
        cast(null as {{ spark_contract_type(col['data_type']) }}) as {{ col_name }}{{ ", " if not loop.last }}
    {%- endfor -%}
    {%- if (col_err | length) > 0 -%}
        {{ exceptions.column_type_missing(column_names=col_err) }}
    {%- endif -%}
{% endmacro %}
