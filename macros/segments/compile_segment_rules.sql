{#- Compile the segment registry into SQL.

    `compile_segment_rules(inputs)` renders a chain of CTEs that ends with
    `segment_rules`: one row per as_of_date, person and segment of the
    registry, with the rule outcome before exclusivity (see
    int_segment_rules_evaluated for the semantics). `inputs` is a CTE with one
    row per as_of_date and person (columns of fct_person_features and
    dim_persons plus `is_customer`); a CTE `products` must hold the product
    catalogue.

    The rules are data, not code: each criterion is a row of a catalogue
    (operator, threshold, value type), the inputs are crossed with it, one
    CASE per value type picks the input column a criterion reads, and one
    generic expression compares. The SQL stays small whatever the size of
    the registry. Segments that refer to other segments are evaluated in
    layers: layer 0 uses features only, layer n reads the outcomes of the
    layers below it. The dbt var `segment_ids` (a list) limits the evaluation
    to some segments and the segments they refer to (unit tests). -#}

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
    {%- set selected = var('segment_ids', none) -%}
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

{#- One catalogue row per criterion of the layer (a VALUES list). -#}
{% macro segment_criteria_catalogue(entries) -%}
    select * from (
        values
        {%- for entry in entries %}
            {%- set entry_loop = loop %}
            {%- for c in entry.criteria %}
            (
                {{ segment_sql_string(entry.id) }}, {{ segment_sql_string(c.name) }}, {{ loop.index }},
                {{ segment_sql_string(c.input_name) }}, {{ segment_sql_string(c.operator) }},
                {{ segment_sql_string('segment' if c.source == 'segment' else c.value_type) }},
                {%- if c.product_attribute %}
                cast(null as double), cast(null as {{ dbt.type_string() }}), cast(null as {{ dbt.type_string() }}),
                cast(null as {{ dbt.type_string() }}),
                {%- else %}
                {%- set plain = c.threshold | join(', ') if c.is_list else (('true' if c.threshold else 'false')
                    if c.value_type == 'boolean' else c.threshold | string) %}
                {{ 'cast(' ~ c.threshold ~ ' as double)' if c.value_type == 'number' else 'cast(null as double)' }},
                {{ segment_sql_string('|' ~ c.threshold | join('|') ~ '|' if c.is_list else plain) }},
                {{ segment_sql_string(segment_json_literal(c.threshold, c.value_type)) }},
                {{ segment_sql_string(plain) }},
                {%- endif %}
                {{ segment_sql_string(entry.product_code if c.product_attribute else none) }},
                {{ segment_sql_string(c.product_attribute) }},
                {{ entry.min_history_months }}, {{ 'true' if entry.population == 'all_persons' else 'false' }}
            ){{ ',' if not (loop.last and entry_loop.last) }}
            {%- endfor %}
        {%- endfor %}
    ) as catalogue (
        segment_id, criterion_name, criterion_order, input_name, operator, value_type,
        threshold_number, threshold_text, threshold_json, threshold_display, product_code,
        product_attribute, min_history_months, is_for_all_persons
    )
{%- endmacro %}

{#- The criteria of one layer as rows, evaluated. -#}
{% macro segment_criteria_rows(entries, inputs, layer, layer_of) -%}
    {%- set numeric_inputs = [] -%}
    {%- set text_inputs = {} -%}
    {%- set references = [] -%}
    {%- for entry in entries -%}
        {%- for c in entry.criteria -%}
            {%- if c.source == 'segment' -%}
                {%- if c.input_name not in references -%}{%- do references.append(c.input_name) -%}{%- endif -%}
            {%- elif c.value_type == 'number' -%}
                {%- if c.input_name not in numeric_inputs -%}{%- do numeric_inputs.append(c.input_name) -%}{%- endif -%}
            {%- else -%}
                {%- do text_inputs.update({c.input_name: c.value_type}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor %}
    criteria_catalogue_layer_{{ layer }} as (
        {{ segment_criteria_catalogue(entries) }}
    ),

    criteria_thresholds_layer_{{ layer }} as (
        -- eligibility thresholds read from the product catalogue
        select
            catalogue.*,
            coalesce(catalogue.threshold_number, product_thresholds.attribute_value) as effective_threshold
        from criteria_catalogue_layer_{{ layer }} as catalogue
        left join product_thresholds
            on
                catalogue.product_code = product_thresholds.product_code
                and catalogue.product_attribute = product_thresholds.product_attribute
    ),

    inputs_layer_{{ layer }} as (
        select
            inputs_base.*
            {%- for segment_id in references %},
            ref_{{ loop.index }}.rule_status as ref_status__{{ segment_id }}
            {%- endfor %}
        from {{ inputs }} as inputs_base
        {%- for segment_id in references %}
        left join rules_layer_{{ layer_of[segment_id] }} as ref_{{ loop.index }}
            on
                inputs_base.as_of_date = ref_{{ loop.index }}.as_of_date
                and inputs_base.person_id = ref_{{ loop.index }}.person_id
                and ref_{{ loop.index }}.segment_id = {{ segment_sql_string(segment_id) }}
        {%- endfor %}
    ),

    criteria_values_layer_{{ layer }} as (
        select
            i.as_of_date,
            i.person_id,
            i.months_of_history,
            c.*,
            {%- if numeric_inputs | length > 0 %}
            case c.input_name
                {%- for name in numeric_inputs %}
                when {{ segment_sql_string(name) }} then cast(i.{{ name }} as double)
                {%- endfor %}
            end as value_number,
            {%- else %}
            cast(null as double) as value_number,
            {%- endif %}
            {%- if text_inputs | length > 0 or references | length > 0 %}
            case c.input_name
                {%- for name, value_type in text_inputs.items() %}
                {%- if value_type == 'boolean' %}
                when {{ segment_sql_string(name) }}
                    then case when i.{{ name }} then 'true' when not i.{{ name }} then 'false' end
                {%- else %}
                when {{ segment_sql_string(name) }} then cast(i.{{ name }} as {{ dbt.type_string() }})
                {%- endif %}
                {%- endfor %}
                {%- for segment_id in references %}
                when {{ segment_sql_string(segment_id) }}
                    then case i.ref_status__{{ segment_id }} when 'in' then 'true' when 'out' then 'false' end
                {%- endfor %}
            end as value_text
            {%- else %}
            cast(null as {{ dbt.type_string() }}) as value_text
            {%- endif %}
        from inputs_layer_{{ layer }} as i
        cross join criteria_thresholds_layer_{{ layer }} as c
        where c.is_for_all_persons or i.is_customer
    ),

    criteria_layer_{{ layer }} as (
        select
            v.*,
            case
                when v.value_type = 'number' then
                    case v.operator
                        when '>=' then v.value_number >= v.effective_threshold
                        when '>' then v.value_number > v.effective_threshold
                        when '<=' then v.value_number <= v.effective_threshold
                        when '<' then v.value_number < v.effective_threshold
                        when '=' then v.value_number = v.effective_threshold
                        when '!=' then v.value_number != v.effective_threshold
                    end
                else
                    case v.operator
                        when '=' then v.value_text = v.threshold_text
                        when '!=' then v.value_text != v.threshold_text
                        when 'in' then instr(v.threshold_text, '|' || v.value_text || '|') > 0
                        when 'not_in' then instr(v.threshold_text, '|' || v.value_text || '|') = 0
                    end
            end as passed
        from criteria_values_layer_{{ layer }} as v
    )
{%- endmacro %}

{#- Roll the criteria of one layer up to one rule outcome per person and segment. -#}
{% macro segment_rules_rollup(criteria_cte) -%}
    {%- set tolerance = var('segment_near_miss_tolerance', 0.1) -%}
    with described as (
        select
            c.*,
            -- how far a failed numeric comparison is from its threshold, relative to it
            case
                when c.passed = false and c.value_type = 'number' and c.operator != '!='
                    then abs(c.value_number - c.effective_threshold) / nullif(abs(c.effective_threshold), 0)
            end as shortfall_ratio,
            case
                when c.value_type = 'number' then coalesce({{ segment_number_text('c.value_number') }}, 'null')
                when c.value_type = 'text' then coalesce({{ segment_json_string('c.value_text') }}, 'null')
                else coalesce(c.value_text, 'null')
            end as value_json,
            coalesce(c.threshold_json, {{ segment_number_text('c.effective_threshold') }}, 'null') as effective_threshold_json,
            coalesce(c.threshold_display, {{ segment_number_text('c.effective_threshold') }}, 'unknown')
                as effective_threshold_display,
            coalesce(
                case when c.value_type = 'number' then {{ segment_number_text('c.value_number') }} else c.value_text end,
                'unknown'
            ) as value_display
        from {{ criteria_cte }} as c
    )

    select
        d.as_of_date,
        d.person_id,
        d.segment_id,
        max(d.min_history_months) as min_history_months,
        max(d.months_of_history) as months_of_history,
        sum(case when d.passed = false then 1 else 0 end) as n_failed_criteria,
        sum(case when d.passed is null then 1 else 0 end) as n_missing_inputs,
        sum(
            case
                when d.passed = false and not coalesce(d.shortfall_ratio <= {{ tolerance }}, false) then 1
                else 0
            end
        ) as n_failed_beyond_tolerance,
        {{ ordered_listagg(
            "case when d.passed = false then d.criterion_name || ' (' || d.input_name || ' ' || d.value_display"
            ~ " || ', needs ' || d.operator || ' ' || d.effective_threshold_display || ')' end",
            "'; '", "d.criterion_order") }} as failed_criteria,
        {{ ordered_listagg(
            "case when d.passed is null then d.criterion_name || ' (' || case when d.value_display = 'unknown'"
            ~ " then d.input_name else 'threshold' end || ' unknown)' end",
            "'; '", "d.criterion_order") }} as missing_inputs,
        '{' || {{ ordered_listagg(
            segment_json_string('d.criterion_name') ~ " || ':{\"value\":' || d.value_json"
            ~ " || ',\"operator\":' || " ~ segment_json_string('d.operator')
            ~ " || ',\"threshold\":' || d.effective_threshold_json"
            ~ " || ',\"passed\":' || coalesce(case when d.passed then 'true' when not d.passed then 'false' end, 'null')"
            ~ " || ',\"shortfall_ratio\":' || coalesce(" ~ segment_number_text('d.shortfall_ratio') ~ ", 'null') || '}'",
            "','", "d.criterion_order") }} || '}' as criteria
    from described as d
    group by d.as_of_date, d.person_id, d.segment_id
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
    product_thresholds as (
        {%- for attribute in segment_product_attributes() %}
        select
            product_code,
            {{ segment_sql_string(attribute) }} as product_attribute,
            cast({{ attribute }} as double) as attribute_value
        from products
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),
    {%- set layer_of = {} -%}
    {%- for entry in entries -%}{%- do layer_of.update({entry.id: entry.layer}) -%}{%- endfor -%}
    {%- set max_layer = entries | map(attribute='layer') | max -%}
    {%- for layer in range(max_layer + 1) %}
    {%- set layer_entries = entries | selectattr('layer', 'equalto', layer) | list %}

    {{ segment_criteria_rows(layer_entries, inputs, layer, layer_of) }},

    rollup_layer_{{ layer }} as (
        {{ segment_rules_rollup('criteria_layer_' ~ layer) }}
    ),

    rules_layer_{{ layer }} as (
        {{ segment_rules_status('rollup_layer_' ~ layer) }}
    ),
    {%- endfor %}

    segment_rules as (
    {%- for layer in range(max_layer + 1) %}
        select * from rules_layer_{{ layer }}
        {%- if not loop.last %}
        union all
        {%- endif %}
    {%- endfor %}
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
