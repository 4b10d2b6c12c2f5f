{#- Helpers shared by the segment models. -#}

{#- Which as_of_dates a segment model evaluates: the run's as_of_date, or, in
    a replay (`bank_segments.backfill`), the dates in the dbt var
    `segment_replay_dates` (a list of YYYY-MM-DD). -#}
{% macro segment_run_dates_filter(column) -%}
    {%- set replay_dates = var('segment_replay_dates', none) -%}
    {%- if replay_dates -%}
        {%- set literals = [] -%}
        {%- for replay_date in replay_dates -%}
            {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', replay_date | string) -%}
                {{ exceptions.raise_compiler_error("segment_replay_dates: '" ~ replay_date ~ "' is not YYYY-MM-DD") }}
            {%- endif -%}
            {%- do literals.append("cast('" ~ replay_date ~ "' as date)") -%}
        {%- endfor -%}
        {{ column }} in ({{ literals | join(', ') }})
    {%- else -%}
        {{ column }} = {{ as_of_date() }}
    {%- endif -%}
{%- endmacro %}

{#- The segment ids of the dbt var `segment_ids`: a list, or one text of ids
    separated by commas (as sqlfluff passes vars); none when unset. -#}
{% macro segment_ids_selected() -%}
    {%- set selected = var('segment_ids', none) -%}
    {%- if selected is string -%}
        {%- set selected = selected.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- endif -%}
    {{ return(selected if selected else none) }}
{%- endmacro %}

{#- Restrict to the segments of the dbt var `segment_ids` (unit tests). -#}
{% macro segment_selection_filter(column) -%}
    {%- set selected = segment_ids_selected() -%}
    {%- if selected -%}
        {{ column }} in ('{{ selected | join("', '") }}')
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- A number in [0, 1) from the first 32 bits of the MD5 of a text: the
    same text gives the same number on every engine and every run. -#}
{% macro segment_hash_unit(expression) -%}
    {{ return(adapter.dispatch('segment_hash_unit')(expression)) }}
{%- endmacro %}

{% macro default__segment_hash_unit(expression) -%}
    cast(conv(substr({{ dbt.hash(expression) }}, 1, 8), 16, 10) as double) / 4294967296.0
{%- endmacro %}

{% macro duckdb__segment_hash_unit(expression) -%}
    cast(cast('0x' || substr({{ dbt.hash(expression) }}, 1, 8) as bigint) as double) / 4294967296.0
{%- endmacro %}

{#- Incremental strategy of the segment history marts on this adapter. -#}
{% macro segment_incremental_strategy() -%}
    {{ return('merge' if target.type in ['spark', 'databricks'] else 'delete+insert') }}
{%- endmacro %}
