{#- The keys of `relation` that occur on more than one row: one row per
    repeated combination of `columns`, with the number of rows sharing it
    (`n_rows`). NULLs compare equal. -#}
{% macro duplicated_keys(relation, columns) -%}
    {{ return(adapter.dispatch('duplicated_keys', 'customer_segments')(relation, columns)) }}
{%- endmacro %}

{% macro default__duplicated_keys(relation, columns) %}
{%- set key = columns | join(', ') %}
select
    {{ key }},
    count(*) as n_rows
from {{ relation }}
group by {{ key }}
having count(*) > 1
{% endmacro %}

{#- DuckDB: almost every key occurs once, and grouping a hundred million
    keys of long strings spills gigabytes. A narrow count per 64-bit hash of
    the key finds the repeated hashes first; only their rows are grouped on
    the key itself, which is exact (a hash collision only brings a key into
    that exact count). -#}
{% macro duckdb__duplicated_keys(relation, columns) %}
{%- set key = columns | join(', ') %}
with keyed_rows as not materialized (
    select
        {{ key }},
        hash({{ key }}) as key_hash
    from {{ relation }}
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
        count(*) as n_rows
    from keyed_rows
    where key_hash in (select repeated_hashes.key_hash from repeated_hashes)
    group by {{ key }}
    having count(*) > 1
)

select * from duplicated_keys
{% endmacro %}
