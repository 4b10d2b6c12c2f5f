{#- The segment registry: the YAML of `segment_registry_yaml()`
    (macros/segments/segment_registry_entries.sql).

    `segment_registry()` parses it, checks every entry and returns the entries
    normalised (defaults filled in, criteria and eligibility merged into one
    list with a `kind` and a `value_type`, `layer` = depth of segment
    references). Any problem stops the compilation with a message that names
    the entry. Feature names are checked against the documented columns of
    fct_person_features and dim_persons when the project graph is available
    (every compile and run; dbt unit tests run without it and rely on the
    database to reject an unknown column). -#}

{% macro segment_dimensions() -%}
    {{ return(['behavioral', 'psychographic', 'savings_investment', 'value', 'lifecycle', 'channel', 'audience', 'micro']) }}
{%- endmacro %}

{% macro segment_operators() -%}
    {{ return(['>=', '>', '<=', '<', '=', '!=', 'in', 'not_in']) }}
{%- endmacro %}

{#- Product attributes an eligibility criterion may compare against. -#}
{% macro segment_product_attributes() -%}
    {{ return(['min_age_years', 'min_investment_eur', 'risk_level']) }}
{%- endmacro %}

{#- The documented columns of a model in the parsed project, as a dict
    name -> data_type (None when the YAML gives no data_type). -#}
{% macro segment_model_columns(model_name) -%}
    {%- set columns = {} -%}
    {%- for node in (graph.get('nodes') or {}).values()
        if node.resource_type == 'model' and node.name == model_name and node.package_name == project_name -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.update({column.name | lower: column.data_type}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{% macro segment_registry_error(entry_label, message) -%}
    {{ exceptions.raise_compiler_error(
        "Segment registry (macros/segments/segment_registry_entries.sql), entry " ~ entry_label ~ ": " ~ message) }}
{%- endmacro %}

{#- The type of a threshold: boolean, number, text, or a list of one of them. -#}
{% macro segment_value_type(value) -%}
    {%- if value is boolean -%}{{ return('boolean') }}
    {%- elif value is number -%}{{ return('number') }}
    {%- elif value is string -%}{{ return('text') }}
    {%- else -%}{{ return('unknown') }}
    {%- endif -%}
{%- endmacro %}

{#- Is a documented data_type compatible with the type of the threshold?
    Unknown (undocumented) data types are accepted. -#}
{% macro segment_type_compatible(data_type, value_type) -%}
    {%- if data_type is none or data_type == '' -%}{{ return(true) }}{%- endif -%}
    {%- set dt = data_type | lower -%}
    {%- if value_type == 'boolean' -%}
        {{ return(dt.startswith('bool')) }}
    {%- elif value_type == 'number' -%}
        {{ return(dt.startswith('int') or dt.startswith('bigint') or dt.startswith('smallint')
            or dt.startswith('tinyint') or dt.startswith('hugeint') or dt.startswith('decimal')
            or dt.startswith('numeric') or dt.startswith('double') or dt.startswith('float')
            or dt.startswith('real')) }}
    {%- else -%}
        {{ return(dt.startswith('varchar') or dt.startswith('text') or dt.startswith('string')
            or dt.startswith('char')) }}
    {%- endif -%}
{%- endmacro %}

{#- Check one criterion and return it normalised. `kind` is `criterion` or
    `eligibility`. -#}
{% macro segment_normalise_criterion(entry_label, raw, kind, position, population, features, registry_ids, is_audience,
    check_features) -%}
    {%- set allowed_keys = ['name', 'feature', 'segment', 'operator', 'threshold', 'product_attribute'] -%}
    {%- if raw is not mapping -%}
        {{ segment_registry_error(entry_label, kind ~ " #" ~ position ~ " is not a mapping") }}
    {%- endif -%}
    {%- for key in raw.keys() if key not in allowed_keys -%}
        {{ segment_registry_error(entry_label, kind ~ " #" ~ position ~ " has an unknown key '" ~ key
            ~ "' (allowed: " ~ allowed_keys | join(', ') ~ ")") }}
    {%- endfor -%}
    {%- set name = raw.get('name') -%}
    {%- if name is not string or not modules.re.match('^[a-z][a-z0-9_]*$', name) -%}
        {{ segment_registry_error(entry_label, kind ~ " #" ~ position ~ " needs a lower_snake_case name") }}
    {%- endif -%}
    {%- set label = kind ~ " '" ~ name ~ "'" -%}
    {%- set operator = raw.get('operator') -%}
    {%- if operator not in segment_operators() -%}
        {{ segment_registry_error(entry_label, label ~ " has a bad operator '" ~ operator
            ~ "' (allowed: " ~ segment_operators() | join(', ') ~ ")") }}
    {%- endif -%}
    {%- set has_feature = raw.get('feature') is not none -%}
    {%- set has_segment = raw.get('segment') is not none -%}
    {%- if has_feature == has_segment -%}
        {{ segment_registry_error(entry_label, label ~ " needs exactly one of 'feature' or 'segment'") }}
    {%- endif -%}
    {%- set has_threshold = 'threshold' in raw and raw.get('threshold') is not none -%}
    {%- set has_attribute = raw.get('product_attribute') is not none -%}
    {%- if has_threshold == has_attribute -%}
        {{ segment_registry_error(entry_label, label ~ " needs exactly one of 'threshold' or 'product_attribute'") }}
    {%- endif -%}
    {%- if has_attribute and (kind != 'eligibility' or not is_audience) -%}
        {{ segment_registry_error(entry_label, label ~ ": 'product_attribute' is only allowed in audience eligibility") }}
    {%- endif -%}
    {%- if has_attribute and raw.get('product_attribute') not in segment_product_attributes() -%}
        {{ segment_registry_error(entry_label, label ~ " names an unknown product attribute '"
            ~ raw.get('product_attribute') ~ "' (known: " ~ segment_product_attributes() | join(', ') ~ ")") }}
    {%- endif -%}

    {#- the type of the comparison follows the threshold -#}
    {%- set threshold = raw.get('threshold') -%}
    {%- if has_attribute -%}
        {%- set value_type = 'number' -%}
    {%- elif threshold is sequence and threshold is not string and threshold is not mapping -%}
        {%- if operator not in ['in', 'not_in'] -%}
            {{ segment_registry_error(entry_label, label ~ ": a list threshold needs operator in or not_in") }}
        {%- endif -%}
        {%- if threshold | length == 0 -%}
            {{ segment_registry_error(entry_label, label ~ ": the threshold list is empty") }}
        {%- endif -%}
        {%- set item_types = [] -%}
        {%- for item in threshold -%}{%- do item_types.append(segment_value_type(item)) -%}{%- endfor -%}
        {%- if item_types | unique | list != ['text'] -%}
            {{ segment_registry_error(entry_label, label ~ ": a threshold list must hold texts only") }}
        {%- endif -%}
        {%- set value_type = item_types[0] -%}
    {%- else -%}
        {%- set value_type = segment_value_type(threshold) -%}
        {%- if value_type == 'unknown' -%}
            {{ segment_registry_error(entry_label, label ~ ": the threshold must be a number, a text, true/false or a list") }}
        {%- endif -%}
        {%- if operator in ['in', 'not_in'] -%}
            {{ segment_registry_error(entry_label, label ~ ": operator " ~ operator ~ " needs a list threshold") }}
        {%- endif -%}
        {%- if value_type in ['boolean', 'text'] and operator not in ['=', '!='] -%}
            {{ segment_registry_error(entry_label, label ~ ": operator " ~ operator ~ " needs a number threshold") }}
        {%- endif -%}
    {%- endif -%}

    {%- if has_feature -%}
        {%- set feature = raw.get('feature') | string | lower -%}
        {%- if check_features and feature not in features -%}
            {{ segment_registry_error(entry_label, label ~ " names an unknown feature '" ~ feature ~ "' (the "
                ~ ("columns of dim_persons" if population == 'all_persons' else "documented columns of fct_person_features")
                ~ " are: " ~ features.keys() | sort | join(', ') ~ ")") }}
        {%- endif -%}
        {%- if check_features and not segment_type_compatible(features[feature], value_type) -%}
            {{ segment_registry_error(entry_label, label ~ ": feature '" ~ feature ~ "' is "
                ~ features[feature] ~ ", the threshold is a " ~ value_type) }}
        {%- endif -%}
        {%- set source = 'feature' -%}
        {%- set input_name = feature -%}
    {%- else -%}
        {%- set referenced = raw.get('segment') | string -%}
        {%- if referenced not in registry_ids -%}
            {{ segment_registry_error(entry_label, label ~ " refers to an unknown segment '" ~ referenced ~ "'") }}
        {%- endif -%}
        {%- if value_type != 'boolean' or operator != '=' -%}
            {{ segment_registry_error(entry_label, label ~ ": a segment criterion reads `operator: \"=\"` and `threshold: true` or `false`") }}
        {%- endif -%}
        {%- set source = 'segment' -%}
        {%- set input_name = referenced -%}
    {%- endif -%}

    {{ return({
        'name': name,
        'kind': kind,
        'source': source,
        'input_name': input_name,
        'operator': operator,
        'threshold': threshold,
        'product_attribute': raw.get('product_attribute'),
        'value_type': value_type,
        'is_list': threshold is sequence and threshold is not string and threshold is not mapping,
    }) }}
{%- endmacro %}


{% macro segment_registry() -%}
    {%- set document = fromyaml(segment_registry_yaml()) -%}
    {%- set raw_entries = document.get('segments') if document is mapping else none -%}
    {%- if raw_entries is none or raw_entries is string or raw_entries is mapping or raw_entries | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Segment registry (macros/segments/segment_registry_entries.sql): `segments` must be a non-empty list") }}
    {%- endif -%}

    {#- the documented columns, when the project graph is available -#}
    {%- set customer_features = segment_model_columns('fct_person_features') -%}
    {%- set person_columns = segment_model_columns('dim_persons') -%}
    {%- set check_features = execute and customer_features | length > 0 and person_columns | length > 0 -%}
    {#- customers see their features plus the person-level columns -#}
    {%- set all_customer_inputs = {} -%}
    {%- do all_customer_inputs.update(customer_features) -%}
    {%- do all_customer_inputs.update(person_columns) -%}

    {%- set allowed_keys = ['id', 'version', 'name', 'dimension', 'owner', 'description', 'population',
        'min_history_months', 'priority', 'exclusivity_group', 'criteria', 'audience'] -%}
    {%- set required_keys = ['id', 'version', 'name', 'dimension', 'owner', 'description',
        'min_history_months', 'priority', 'criteria'] -%}

    {#- first pass: ids, so that segment criteria can refer to any entry -#}
    {%- set registry_ids = [] -%}
    {%- for raw in raw_entries -%}
        {%- set entry_label = "#" ~ loop.index ~ (" '" ~ raw.get('id') ~ "'" if raw is mapping and raw.get('id') else "") -%}
        {%- if raw is not mapping -%}
            {{ segment_registry_error(entry_label, "is not a mapping") }}
        {%- endif -%}
        {%- set segment_id = raw.get('id') -%}
        {%- if segment_id is not string or not modules.re.match('^[a-z][a-z0-9_]{0,62}$', segment_id) -%}
            {{ segment_registry_error(entry_label, "needs an id in lower_snake_case (letters, digits, _)") }}
        {%- endif -%}
        {%- if segment_id in registry_ids -%}
            {{ segment_registry_error(entry_label, "duplicate id '" ~ segment_id ~ "'") }}
        {%- endif -%}
        {%- do registry_ids.append(segment_id) -%}
    {%- endfor -%}

    {%- set entries = [] -%}
    {%- for raw in raw_entries -%}
        {%- set entry_label = "'" ~ raw.get('id') ~ "'" -%}
        {%- for key in raw.keys() if key not in allowed_keys -%}
            {{ segment_registry_error(entry_label, "unknown key '" ~ key ~ "' (allowed: " ~ allowed_keys | join(', ') ~ ")") }}
        {%- endfor -%}
        {%- for key in required_keys if raw.get(key) is none -%}
            {{ segment_registry_error(entry_label, "missing required key '" ~ key ~ "'") }}
        {%- endfor -%}
        {%- if raw.version is not number or raw.version is boolean or raw.version != raw.version | int or raw.version < 1 -%}
            {{ segment_registry_error(entry_label, "version must be a positive integer") }}
        {%- endif -%}
        {%- if raw.dimension not in segment_dimensions() -%}
            {{ segment_registry_error(entry_label, "unknown dimension '" ~ raw.dimension ~ "' (allowed: "
                ~ segment_dimensions() | join(', ') ~ ")") }}
        {%- endif -%}
        {%- if raw.priority is not number or raw.priority is boolean or raw.priority != raw.priority | int -%}
            {{ segment_registry_error(entry_label, "priority must be an integer") }}
        {%- endif -%}
        {%- if raw.min_history_months is not number or raw.min_history_months is boolean
            or raw.min_history_months != raw.min_history_months | int or raw.min_history_months < 0 -%}
            {{ segment_registry_error(entry_label, "min_history_months must be an integer >= 0") }}
        {%- endif -%}
        {%- set population = raw.get('population', 'customers') -%}
        {%- if population not in ['customers', 'all_persons'] -%}
            {{ segment_registry_error(entry_label, "population must be customers or all_persons") }}
        {%- endif -%}
        {%- set group = raw.get('exclusivity_group') -%}
        {%- if group is not none and (group is not string or not modules.re.match('^[a-z][a-z0-9_]*$', group)) -%}
            {{ segment_registry_error(entry_label, "exclusivity_group must be a lower_snake_case name") }}
        {%- endif -%}
        {%- set is_audience = raw.dimension == 'audience' -%}
        {%- set audience = raw.get('audience') -%}
        {%- if is_audience and audience is not mapping -%}
            {{ segment_registry_error(entry_label, "an audience needs an 'audience' block (product_code, control_share, eligibility)") }}
        {%- endif -%}
        {%- if not is_audience and audience is not none -%}
            {{ segment_registry_error(entry_label, "only dimension 'audience' may have an 'audience' block") }}
        {%- endif -%}
        {%- set features = person_columns if population == 'all_persons' else all_customer_inputs -%}

        {%- set criteria = [] -%}
        {%- if raw.criteria is string or raw.criteria is mapping or raw.criteria | length == 0 -%}
            {{ segment_registry_error(entry_label, "criteria must be a non-empty list") }}
        {%- endif -%}
        {%- for criterion in raw.criteria -%}
            {%- do criteria.append(segment_normalise_criterion(
                entry_label, criterion, 'criterion', loop.index, population, features, registry_ids, is_audience,
                check_features)) -%}
        {%- endfor -%}

        {%- set product_code = none -%}
        {%- set control_share = none -%}
        {%- if is_audience -%}
            {%- for key in audience.keys() if key not in ['product_code', 'control_share', 'eligibility'] -%}
                {{ segment_registry_error(entry_label, "unknown audience key '" ~ key ~ "'") }}
            {%- endfor -%}
            {%- set product_code = audience.get('product_code') -%}
            {%- if product_code is not string or product_code | length == 0 -%}
                {{ segment_registry_error(entry_label, "audience.product_code is required") }}
            {%- endif -%}
            {%- set control_share = audience.get('control_share') -%}
            {%- if control_share is not number or control_share is boolean or control_share < 0 or control_share >= 1 -%}
                {{ segment_registry_error(entry_label, "audience.control_share must be a number with 0 <= share < 1") }}
            {%- endif -%}
            {%- set eligibility = audience.get('eligibility') or [] -%}
            {%- if eligibility is string or eligibility is mapping -%}
                {{ segment_registry_error(entry_label, "audience.eligibility must be a list of criteria") }}
            {%- endif -%}
            {%- for criterion in eligibility -%}
                {%- do criteria.append(segment_normalise_criterion(
                    entry_label, criterion, 'eligibility', loop.index, population, features, registry_ids, is_audience,
                    check_features)) -%}
            {%- endfor -%}
        {%- endif -%}

        {%- set names = [] -%}
        {%- for criterion in criteria -%}
            {%- if criterion.name in names -%}
                {{ segment_registry_error(entry_label, "criterion name '" ~ criterion.name ~ "' is used twice") }}
            {%- endif -%}
            {%- if criterion.source == 'segment' and criterion.input_name == raw.id -%}
                {{ segment_registry_error(entry_label, "criterion '" ~ criterion.name ~ "' refers to the segment itself") }}
            {%- endif -%}
            {%- do names.append(criterion.name) -%}
        {%- endfor -%}

        {%- set rule = {
            'population': population,
            'min_history_months': raw.min_history_months | int,
            'criteria': criteria,
            'product_code': product_code,
        } -%}
        {%- do entries.append({
            'id': raw.id,
            'version': raw.version | int,
            'name': raw.name | string,
            'dimension': raw.dimension,
            'owner': raw.owner | string,
            'description': raw.description | string | trim,
            'population': population,
            'min_history_months': raw.min_history_months | int,
            'priority': raw.priority | int,
            'exclusivity_group': group,
            'is_audience': is_audience,
            'product_code': product_code,
            'control_share': control_share,
            'criteria': criteria,
            'rule_definition': tojson(rule, sort_keys=true),
        }) -%}
    {%- endfor -%}

    {#- segment criteria must not form a cycle; `layer` = depth of references -#}
    {%- set layers = {} -%}
    {%- for _ in entries -%}
        {%- for entry in entries if entry.id not in layers -%}
            {%- set refs = entry.criteria | selectattr('source', 'equalto', 'segment') | map(attribute='input_name') | list -%}
            {%- set pending = refs | reject('in', layers.keys() | list) | list -%}
            {%- if pending | length == 0 -%}
                {%- set depth = [0] -%}
                {%- for ref_id in refs -%}{%- do depth.append(layers[ref_id] + 1) -%}{%- endfor -%}
                {%- do layers.update({entry.id: depth | max}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for entry in entries -%}
        {%- if entry.id not in layers -%}
            {{ segment_registry_error("'" ~ entry.id ~ "'", "its segment criteria form a cycle") }}
        {%- endif -%}
        {%- do entry.update({'layer': layers[entry.id]}) -%}
    {%- endfor -%}

    {{ return(entries) }}
{%- endmacro %}
