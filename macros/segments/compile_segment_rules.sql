{#- Compile the segment registry into SQL.

    `compile_segment_rules(inputs)` renders a chain of CTEs that ends with
    `segment_rules`: one row per as_of_date, person and segment of the
    registry, with the rule outcome before exclusivity (see
    int_segment_rules_evaluated for the semantics). `inputs` is a CTE with one
    row per as_of_date and person (columns of fct_person_features and
    dim_persons plus `is_customer`); a CTE `products` must hold the product
    catalogue.

    The rules are data, not code: analysts write YAML, and the compiler
    renders one select per segment over the inputs, with every criterion as
    columns (value, threshold, passed) and the counts, reason texts and
    criteria JSON built in registry order on the same row. There is no
    aggregation and no sort: an earlier version crossed the inputs with a
    catalogue of criteria and rolled the rows up with ordered string
    aggregates, which took 67 s and ran out of memory with 5GB at 100,000
    persons (177 criteria, 17.7 million rows); this one takes 19 s and 3.5 GB.
    A criterion on another segment reads that segment's outcome from a
    column computed once per inputs row (segment_status_expression), so
    references need no join and no layers. The dbt var `segment_ids` (a
    list) limits the evaluation to some segments and the segments they
    refer to (unit tests). -#}

{#- A text as SQL string literal (NULL for none). -#}
{% macro segment_sql_string(text) -%}
    {%- if text is none -%}cast(null as {{ dbt.type_string() }}){%- else -%}{{ sql_text_literal(text | string) }}{%- endif -%}
{%- endmacro %}

{#- JSON text of a registry value (rendered at compile time). -#}
{% macro segment_json_literal(value, value_type) -%}
    {%- if value is sequence and value is not string -%}
        {%- set items = [] -%}
        {%- for item in value -%}{%- do items.append(segment_json_literal(item, value_type)) -%}{%- endfor -%}
        {{- '[' ~ items | join(',') ~ ']' -}}
    {%- elif value_type == 'boolean' -%}{{ 'true' if value else 'false' }}
    {%- elif value_type == 'number' -%}{{ value }}
    {%- else -%}{{ tojson(value | string) }}
    {%- endif -%}
{%- endmacro %}

{#- A varchar expression as a JSON string (quoted and escaped). -#}
{% macro segment_json_string(expression) -%}
    {{ return(adapter.dispatch('segment_json_string')(expression)) }}
{%- endmacro %}

{% macro default__segment_json_string(expression) -%}
    '"' || replace(replace({{ expression }}, '\\', '\\\\'), '"', '\\"') || '"'
{%- endmacro %}

{% macro duckdb__segment_json_string(expression) -%}
    cast(to_json(cast({{ expression }} as varchar)) as varchar)
{%- endmacro %}

{#- A double as display text: rounded to 4 decimals, half away from zero on
    its decimal value (engines round a double's binary value differently). -#}
{% macro segment_number_text(expression) -%}
    cast(cast(round(cast({{ expression }} as decimal(38, 10)), 4) as double) as {{ dbt.type_string() }})
{%- endmacro %}

{#- The entries to evaluate: all, or the segments of the var `segment_ids`
    and the segments they refer to (transitively). -#}
{% macro segment_entries_to_evaluate(entries) -%}
    {%- set selected = segment_ids_selected() -%}
    {%- if not selected -%}{{ return(entries) }}{%- endif -%}
    {%- set by_id = {} -%}
    {%- for entry in entries -%}{%- do by_id.update({entry.id: entry}) -%}{%- endfor -%}
    {%- set needed = [] -%}
    {%- set queue = selected | list -%}
    {%- for _ in entries -%}
        {%- for segment_id in queue if segment_id not in needed and segment_id in by_id -%}
            {%- do needed.append(segment_id) -%}
            {%- for c in by_id[segment_id].criteria if c.source == 'segment' -%}
                {%- do queue.append(c.input_name) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(entries | selectattr('id', 'in', needed) | list) }}
{%- endmacro %}

{#- The value a criterion reads from the inputs row `row`: a double for
    number criteria, text otherwise ('true'/'false' for booleans and for the
    outcome of a referenced segment, NULL when unknown). The outcome of a
    referenced segment is the row's column `segment_status__<id>`, or, with
    `inline`, its expression (to compute those columns). -#}
{% macro segment_criterion_value(c, entries_by_id, row, inline=false) -%}
    {%- if c.source == 'segment' -%}
        {%- set status = segment_status_expression(entries_by_id[c.input_name], entries_by_id, row)
            if inline else row ~ '.segment_status__' ~ c.input_name -%}
        case {{ status }} when 'in' then 'true' when 'out' then 'false' end
    {%- elif c.value_type == 'number' -%}
        cast({{ row }}.{{ c.input_name }} as double)
    {%- elif c.value_type == 'boolean' -%}
        case when {{ row }}.{{ c.input_name }} then 'true' when not {{ row }}.{{ c.input_name }} then 'false' end
    {%- else -%}
        cast({{ row }}.{{ c.input_name }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- The threshold of a number criterion as a double: the registry's number,
    or the product attribute of the audience's product, a column of every
    inputs row (NULL when the catalogue has no such product). -#}
{% macro segment_criterion_threshold(c, entry, row) -%}
    {%- if c.product_attribute -%}
        {{ row }}.{{ segment_product_threshold_column(entry, c) }}
    {%- else -%}
        cast({{ c.threshold }} as double)
    {%- endif -%}
{%- endmacro %}

{#- Column of the inputs rows holding a product attribute an audience reads. -#}
{% macro segment_product_threshold_column(entry, c) -%}
    product_threshold__{{ entry.id }}__{{ c.product_attribute }}
{%- endmacro %}

{#- The registry's threshold as text: a value, or a list as `|a|b|`. -#}
{% macro segment_threshold_text(c) -%}
    {%- if c.is_list -%}{{ '|' ~ c.threshold | join('|') ~ '|' }}
    {%- elif c.value_type == 'boolean' -%}{{ 'true' if c.threshold else 'false' }}
    {%- else -%}{{ c.threshold | string }}
    {%- endif -%}
{%- endmacro %}

{#- The threshold as the reason texts show it. -#}
{% macro segment_threshold_display(c) -%}
    {%- if c.is_list -%}{{ c.threshold | join(', ') }}{%- else -%}{{ segment_threshold_text(c) }}{%- endif -%}
{%- endmacro %}

{#- Whether the value passes the criterion: true, false, or NULL when the
    value or the threshold is unknown. -#}
{% macro segment_criterion_passed(c, value, threshold) -%}
    {%- if c.value_type == 'number' and c.source != 'segment' -%}
        {%- set operators = {'>=': '>=', '>': '>', '<=': '<=', '<': '<', '=': '=', '!=': '!='} -%}
        ({{ value }}) {{ operators[c.operator] }} ({{ threshold }})
    {%- else -%}
        {%- set text = segment_sql_string(segment_threshold_text(c)) -%}
        {%- if c.operator == '=' -%}({{ value }}) = {{ text }}
        {%- elif c.operator == '!=' -%}({{ value }}) != {{ text }}
        {%- elif c.operator == 'in' -%}instr({{ text }}, '|' || ({{ value }}) || '|') > 0
        {%- else -%}instr({{ text }}, '|' || ({{ value }}) || '|') = 0
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The outcome of a segment (in / out / not_evaluable) as one expression on
    the inputs row, for the segments another segment refers to (the columns
    `segment_status__<id>`); NULL for a person outside the segment's
    population. Precedence as in segment_rules_status. -#}
{% macro segment_status_expression(entry, entries_by_id, row) -%}
    {%- set passed = [] -%}
    {%- for c in entry.criteria -%}
        {%- do passed.append(segment_criterion_passed(
            c, segment_criterion_value(c, entries_by_id, row, inline=true), segment_criterion_threshold(c, entry, row))) -%}
    {%- endfor -%}
    (case
        {%- if entry.population != 'all_persons' %}
        when not coalesce({{ row }}.is_customer, false) then null
        {%- endif %}
        when coalesce({{ row }}.months_of_history, 0) < {{ entry.min_history_months }} then 'not_evaluable'
        when {% for p in passed %}({{ p }}) = false{{ ' or ' if not loop.last }}{% endfor %} then 'out'
        when {% for p in passed %}({{ p }}) is null{{ ' or ' if not loop.last }}{% endfor %} then 'not_evaluable'
        else 'in'
    end)
{%- endmacro %}

{#- One segment on every person of its population: the criteria as columns
    (value, threshold, passed), rolled up to the counts, the reason texts and
    the criteria JSON in registry order. One row per input row, no
    aggregation. -#}
{% macro segment_rule_rollup(entry, entries_by_id, inputs) -%}
    {%- set tolerance = var('segment_near_miss_tolerance', 0.1) -%}
    {%- set criteria = entry.criteria -%}
    select
        p.as_of_date,
        p.person_id,
        {{ segment_sql_string(entry.id) }} as segment_id,
        {{ entry.min_history_months }} as min_history_months,
        p.months_of_history,
        0
        {%- for c in criteria %}
        + case when p.passed_{{ loop.index }} = false then 1 else 0 end
        {%- endfor %} as n_failed_criteria,
        0
        {%- for c in criteria %}
        + case when p.passed_{{ loop.index }} is null then 1 else 0 end
        {%- endfor %} as n_missing_inputs,
        0
        {%- for c in criteria %}
        + case
            when p.passed_{{ loop.index }} = false
                and not coalesce(p.shortfall_ratio_{{ loop.index }} <= {{ tolerance }}, false) then 1
            else 0
        end
        {%- endfor %} as n_failed_beyond_tolerance,
        nullif(concat_ws(
            '; '
            {%- for c in criteria %},
            case
                when p.passed_{{ loop.index }} = false
                    then {{ segment_sql_string(c.name ~ ' (' ~ c.input_name ~ ' ') }} || p.value_display_{{ loop.index }}
                    || {{ segment_sql_string(', needs ' ~ c.operator ~ ' ') }} || p.threshold_display_{{ loop.index }} || ')'
            end
            {%- endfor %}
        ), '') as failed_criteria,
        nullif(concat_ws(
            '; '
            {%- for c in criteria %},
            case
                when p.passed_{{ loop.index }} is null
                    then {{ segment_sql_string(c.name ~ ' (') }}
                    || case when p.value_display_{{ loop.index }} = 'unknown'
                        then {{ segment_sql_string(c.input_name) }} else 'threshold' end
                    || ' unknown)'
            end
            {%- endfor %}
        ), '') as missing_inputs,
        '{'
        {%- for c in criteria %}
        || {{ segment_json_string(segment_sql_string(c.name)) }} || ':{"value":' || p.value_json_{{ loop.index }}
        || ',"operator":' || {{ segment_json_string(segment_sql_string(c.operator)) }}
        || ',"threshold":' || p.threshold_json_{{ loop.index }}
        || ',"passed":' || coalesce(
            case when p.passed_{{ loop.index }} then 'true' when not p.passed_{{ loop.index }} then 'false' end, 'null'
        )
        || ',"shortfall_ratio":' || coalesce({{ segment_number_text('p.shortfall_ratio_' ~ loop.index) }}, 'null')
        || '}'{{ " || ','" if not loop.last }}
        {%- endfor %}
        || '}' as criteria
    from (
        select
            v.*
            {%- for c in criteria %},
            {%- set is_number = c.value_type == 'number' and c.source != 'segment' %}
            {%- if is_number and c.operator != '!=' %}
            case
                when v.passed_{{ loop.index }} = false
                    then abs(v.value_{{ loop.index }} - v.threshold_{{ loop.index }})
                    / nullif(abs(v.threshold_{{ loop.index }}), 0)
            end as shortfall_ratio_{{ loop.index }},
            {%- else %}
            cast(null as double) as shortfall_ratio_{{ loop.index }},
            {%- endif %}
            {%- if is_number %}
            coalesce({{ segment_number_text('v.value_' ~ loop.index) }}, 'unknown') as value_display_{{ loop.index }},
            coalesce({{ segment_number_text('v.value_' ~ loop.index) }}, 'null') as value_json_{{ loop.index }},
            {%- elif c.value_type == 'text' and c.source != 'segment' %}
            coalesce(v.value_{{ loop.index }}, 'unknown') as value_display_{{ loop.index }},
            coalesce({{ segment_json_string('v.value_' ~ loop.index) }}, 'null') as value_json_{{ loop.index }},
            {%- else %}
            coalesce(v.value_{{ loop.index }}, 'unknown') as value_display_{{ loop.index }},
            coalesce(v.value_{{ loop.index }}, 'null') as value_json_{{ loop.index }},
            {%- endif %}
            {%- if c.product_attribute %}
            coalesce({{ segment_number_text('v.threshold_' ~ loop.index) }}, 'unknown') as threshold_display_{{ loop.index }},
            coalesce({{ segment_number_text('v.threshold_' ~ loop.index) }}, 'null') as threshold_json_{{ loop.index }}
            {%- else %}
            {{ segment_sql_string(segment_threshold_display(c)) }} as threshold_display_{{ loop.index }},
            {{ segment_sql_string(segment_json_literal(c.threshold, c.value_type)) }} as threshold_json_{{ loop.index }}
            {%- endif %}
            {%- endfor %}
        from (
            select
                t.*
                {%- for c in criteria %},
                {{ segment_criterion_passed(c, 't.value_' ~ loop.index, 't.threshold_' ~ loop.index) }}
                    as passed_{{ loop.index }}
                {%- endfor %}
            from (
                select
                    i.as_of_date,
                    i.person_id,
                    i.months_of_history
                    {%- for c in criteria %},
                    {{ segment_criterion_value(c, entries_by_id, 'i') }} as value_{{ loop.index }},
                    {%- if c.value_type == 'number' and c.source != 'segment' %}
                    {{ segment_criterion_threshold(c, entry, 'i') }} as threshold_{{ loop.index }}
                    {%- else %}
                    cast(null as double) as threshold_{{ loop.index }}
                    {%- endif %}
                    {%- endfor %}
                from {{ inputs }} as i
                {%- if entry.population != 'all_persons' %}
                where coalesce(i.is_customer, false)
                {%- endif %}
            ) as t
        ) as v
    ) as p
{%- endmacro %}

{#- Status and reason from the rolled-up criteria. Precedence: too little
    history, then a definite failure on a known input (`out`), then a missing
    input (`not_evaluable`), else `in`. -#}
{% macro segment_rules_status(rollup_cte) -%}
    select
        r.as_of_date,
        r.person_id,
        r.segment_id,
        case
            when coalesce(r.months_of_history, 0) < r.min_history_months then 'not_evaluable'
            when r.n_failed_criteria > 0 then 'out'
            when r.n_missing_inputs > 0 then 'not_evaluable'
            else 'in'
        end as rule_status,
        case
            when coalesce(r.months_of_history, 0) < r.min_history_months
                then 'needs ' || cast(r.min_history_months as {{ dbt.type_string() }}) || ' months of history, has '
                || coalesce(cast(r.months_of_history as {{ dbt.type_string() }}), 'none')
            when r.n_failed_criteria > 0
                then 'failed: ' || r.failed_criteria
                || case when r.n_missing_inputs > 0 then '; missing: ' || r.missing_inputs else '' end
            when r.n_missing_inputs > 0 then 'missing: ' || r.missing_inputs
            else 'all criteria met'
        end as rule_reason,
        coalesce(r.months_of_history, 0) >= r.min_history_months
        and r.n_failed_criteria > 0
        and r.n_failed_beyond_tolerance = 0
        and r.n_missing_inputs = 0 as is_near_miss,
        r.n_failed_criteria,
        r.n_missing_inputs,
        r.criteria
    from {{ rollup_cte }} as r
{%- endmacro %}

{% macro compile_segment_rules(inputs, entries) -%}
    {%- set entries = segment_entries_to_evaluate(entries) -%}
    {%- set entries_by_id = {} -%}
    {%- for entry in entries -%}{%- do entries_by_id.update({entry.id: entry}) -%}{%- endfor -%}
    {%- set product_criteria = [] %}
    {%- for entry in entries %}
        {%- for c in entry.criteria if c.product_attribute %}
            {%- do product_criteria.append((entry, c)) %}
        {%- endfor %}
    {%- endfor %}
    {%- set inputs_relation = inputs %}
    {%- if product_criteria %}
    {%- set inputs_relation = 'inputs_with_products' %}

    -- the product attributes audiences read, as one row of columns (a scalar
    -- subquery per criterion was mixed up by Spark's optimizer)
    product_thresholds as (
        select
            {%- for entry, c in product_criteria %}
            max(
                case
                    when product_code = {{ segment_sql_string(entry.product_code) }}
                        then cast({{ c.product_attribute }} as double)
                end
            ) as {{ segment_product_threshold_column(entry, c) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from products
    ),

    inputs_with_products as (
        select
            i.*,
            product_thresholds.*
        from {{ inputs }} as i
        cross join product_thresholds
    ),
    {%- endif %}

    {%- set referenced = [] %}
    {%- for entry in entries %}
        {%- for c in entry.criteria if c.source == 'segment' and c.input_name not in referenced %}
            {%- do referenced.append(c.input_name) %}
        {%- endfor %}
    {%- endfor %}

    -- the outcome of every segment another segment refers to, once per row
    inputs_with_references as (
        select
            i.*
            {%- for segment_id in referenced %},
            {{ segment_status_expression(entries_by_id[segment_id], entries_by_id, 'i') }}
                as segment_status__{{ segment_id }}
            {%- endfor %}
        from {{ inputs_relation }} as i
    ),

    segment_rollups as (
    {%- for entry in entries if entry.criteria %}
        {{ segment_rule_rollup(entry, entries_by_id, 'inputs_with_references') | indent(4) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
    {%- endfor %}
    ),

    segment_rules as (
        {{ segment_rules_status('segment_rollups') }}
    )
{%- endmacro %}

{#- The registry as rows (a VALUES list), for dim_segments and the models
    that need segment attributes. -#}
{% macro segment_registry_rows(entries, full=true) -%}
    select * from (
        values
        {%- for entry in entries %}
        {%- if full %}
        {%- set summary = [] -%}
        {%- for c in entry.criteria -%}
            {%- if c.source == 'segment' -%}
                {%- do summary.append(('in ' if c.threshold else 'not in ') ~ c.input_name) -%}
            {%- elif c.product_attribute -%}
                {%- do summary.append(c.input_name ~ ' ' ~ c.operator ~ ' product ' ~ c.product_attribute) -%}
            {%- elif c.is_list -%}
                {%- do summary.append(c.input_name ~ ' ' ~ c.operator ~ ' (' ~ c.threshold | join(', ') ~ ')') -%}
            {%- else -%}
                {%- do summary.append(c.input_name ~ ' ' ~ c.operator ~ ' ' ~ segment_json_literal(c.threshold, c.value_type)) -%}
            {%- endif -%}
        {%- endfor %}
        (
            {{ segment_sql_string(entry.id) }}, {{ entry.version }}, {{ segment_sql_string(entry.name) }},
            {{ segment_sql_string(entry.dimension) }},
            {{ segment_sql_string(entry.description) }},
            {{ segment_sql_string(entry.owner) }}, {{ 'true' if entry.is_audience else 'false' }},
            {{ segment_sql_string(entry.product_code) }},
            {{ 'cast(' ~ entry.control_share ~ ' as double)' if entry.control_share is not none else 'cast(null as double)' }},
            {{ entry.priority }}, {{ segment_sql_string(entry.exclusivity_group) }},
            {{ segment_sql_string(entry.population) }}, {{ entry.min_history_months }},
            {{ segment_sql_string(summary | join(' and ')) }},
            {{ segment_sql_string(entry.rule_definition) }}
        ){{ ',' if not loop.last }}
        {%- else %}
        (
            {{ segment_sql_string(entry.id) }}, {{ entry.version }}, {{ 'true' if entry.is_audience else 'false' }},
            {{ 'cast(' ~ entry.control_share ~ ' as double)' if entry.control_share is not none else 'cast(null as double)' }},
            {{ entry.priority }}, {{ segment_sql_string(entry.exclusivity_group) }}
        ){{ ',' if not loop.last }}
        {%- endif %}
        {%- endfor %}
    {%- if full %}
    ) as registry (
        segment_id, segment_version, segment_name, dimension, description, owner, is_audience,
        product_code, control_group_share, priority, exclusivity_group, population,
        min_history_months, criteria_summary, rule_definition
    )
    {%- else %}
    ) as registry (segment_id, segment_version, is_audience, control_group_share, priority, exclusivity_group)
    {%- endif %}
{%- endmacro %}
