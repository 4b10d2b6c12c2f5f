{#- The keys of `from_clause` that occur on more than one row: one row per
    repeated combination of `columns`, with the number of rows sharing it in
    `count_column`. NULLs compare equal. Shared by unique_combination_of_columns
    and, on DuckDB, by dbt's own `unique` test. -#}
{% macro duplicated_keys(from_clause, columns, count_column='n_rows') -%}
    {{ return(adapter.dispatch('duplicated_keys', 'customer_segments')(from_clause, columns, count_column)) }}
{%- endmacro %}

{% macro default__duplicated_keys(from_clause, columns, count_column) %}
{%- set key = columns | join(', ') %}
select
    {{ key }},
    count(*) as {{ count_column }}
from {{ from_clause }}
group by {{ key }}
having count(*) > 1
{% endmacro %}

{#- DuckDB: almost every key occurs once, and grouping a hundred million
    string keys spills gigabytes. A narrow count per 64-bit hash of the key
    finds the repeated hashes first; only their rows are grouped on the key
    itself, which is exact (a hash collision only brings a key into that
    exact count). -#}
{% macro duckdb__duplicated_keys(from_clause, columns, count_column) %}
{%- set key = columns | join(', ') %}
with keyed_rows as not materialized (
    select
        {{ key }},
        hash({{ key }}) as key_hash
    from {{ from_clause }}
),

repeated_hashes as (
    select key_hash
    from keyed_rows
    group by key_hash
    having count(*) > 1
),

duplicated_keys as (
    select
        {{ key }},
        count(*) as {{ count_column }}
    from keyed_rows
    where key_hash in (select repeated_hashes.key_hash from repeated_hashes)
    group by {{ key }}
    having count(*) > 1
)

select * from duplicated_keys
{% endmacro %}

{#- dbt's `unique` test on DuckDB, through the hashed count above; the same
    columns as dbt's own (unique_field, n_records). Other engines keep dbt's. -#}
{% macro duckdb__test_unique(model, column_name) %}
{{ duplicated_keys(
    '(select ' ~ column_name ~ ' as unique_field from ' ~ model ~ ' where ' ~ column_name
        ~ ' is not null) as tested_values',
    ['unique_field'],
    'n_records'
) }}
{% endmacro %}
