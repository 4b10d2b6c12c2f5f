{#- Compares the relation's actual columns with the documented ones: the
    `columns` of the node's YAML (found in the graph by schema and alias; for
    seeds `column_types` stands in for an undocumented data_type), or an
    explicit `expected_columns` list (names, or mappings with `name` and
    optional `data_type`). Returns one row per new, missing or retyped column.
    Types are compared only where a type is documented and compare_types is
    true, after normalising synonyms (text/string = varchar, int = integer,
    numeric = decimal, ...); a documented `decimal` without precision accepts
    any precision. -#}
{% test schema_drift(model, expected_columns=none, compare_types=true) %}

{%- set findings = [] -%}
{%- if execute -%}
    {%- if model.identifier is not defined -%}
        {{ exceptions.raise_compiler_error(
            "schema_drift needs the relation itself: do not give it a `where` (" ~ model ~ ")") }}
    {%- endif -%}
    {%- set expected = generic_test_expected_columns(model, expected_columns) -%}
    {%- set actual = {} -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- do actual.update({column.name | lower: column.data_type}) -%}
    {%- endfor -%}
    {%- for name, data_type in actual.items() -%}
        {%- if name not in expected -%}
            {%- do findings.append({'name': name, 'issue': 'new column', 'documented': none, 'actual': data_type}) -%}
        {%- elif compare_types and expected[name]
            and not generic_test_types_match(expected[name], data_type) -%}
            {%- do findings.append(
                {'name': name, 'issue': 'retyped column', 'documented': expected[name], 'actual': data_type}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name, data_type in expected.items() -%}
        {%- if name not in actual -%}
            {%- do findings.append({'name': name, 'issue': 'missing column', 'documented': data_type, 'actual': none}) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

{%- set string_type = dbt.type_string() %}

with findings as (
    {%- for finding in findings %}
        select
            cast({{ dbt.string_literal(dbt.escape_single_quotes(finding.name)) }} as {{ string_type }}) as column_name,
            cast({{ dbt.string_literal(finding.issue) }} as {{ string_type }}) as issue,
            cast({{ dbt.string_literal(dbt.escape_single_quotes(finding.documented)) if finding.documented else 'null' }} as {{ string_type }})
                as documented_type,
            cast({{ dbt.string_literal(dbt.escape_single_quotes(finding.actual)) if finding.actual else 'null' }} as {{ string_type }})
                as actual_type
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        select
            cast(null as {{ string_type }}) as column_name,
            cast(null as {{ string_type }}) as issue,
            cast(null as {{ string_type }}) as documented_type,
            cast(null as {{ string_type }}) as actual_type
        where 1 = 0
    {%- endfor %}
)

select * from findings

{% endtest %}

{#- The documented columns of the node behind `relation` (or the explicit
    list), as a mapping of lower-case name to documented type ('' if none). -#}
{% macro generic_test_expected_columns(relation, expected_columns=none) %}
    {%- set expected = {} -%}
    {%- if expected_columns is not none -%}
        {%- for column in expected_columns -%}
            {%- if column is mapping -%}
                {%- do expected.update({column.name | lower: column.get('data_type') or ''}) -%}
            {%- else -%}
                {%- do expected.update({column | lower: ''}) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ return(expected) }}
    {%- endif -%}
    {%- set candidates = graph.nodes.values() | list + graph.sources.values() | list -%}
    {%- set matches = [] -%}
    {%- for node in candidates -%}
        {%- if node.resource_type in ['model', 'seed', 'snapshot', 'source']
            and (node.schema | lower) == (relation.schema | lower)
            and ((node.identifier if node.resource_type == 'source' else node.alias) | lower)
                == (relation.identifier | lower) -%}
            {%- do matches.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if matches | length == 0 -%}
        {{ exceptions.raise_compiler_error("schema_drift: no documented node found for " ~ relation) }}
    {%- endif -%}
    {%- set node = matches[0] -%}
    {%- set column_types = (node.config.column_types or {}) if node.resource_type == 'seed' else {} -%}
    {%- for name, column in node.columns.items() -%}
        {%- do expected.update({name | lower: column.data_type or column_types.get(name) or ''}) -%}
    {%- endfor -%}
    {{ return(expected) }}
{% endmacro %}

{#- Whether a documented and an actual column type mean the same type. -#}
{% macro generic_test_types_match(documented_type, actual_type) %}
    {%- set documented = generic_test_normalise_type(documented_type) -%}
    {%- set actual = generic_test_normalise_type(actual_type) -%}
    {%- if documented == actual -%}
        {{ return(true) }}
    {%- endif -%}
    {#- A documented type without precision accepts any precision. -#}
    {{ return('(' not in documented and actual.split('(')[0] == documented) }}
{% endmacro %}

{#- Lower case, no spaces, synonyms mapped to one name per type. -#}
{% macro generic_test_normalise_type(data_type) %}
    {%- set compact = (data_type or '') | lower | replace(' ', '') -%}
    {%- set base = compact.split('(')[0] -%}
    {%- set precision = compact[base | length:] -%}
    {%- set synonyms = {
        'text': 'varchar', 'string': 'varchar', 'charactervarying': 'varchar', 'char': 'varchar',
        'bpchar': 'varchar', 'character': 'varchar',
        'int': 'integer', 'int4': 'integer', 'signed': 'integer',
        'int8': 'bigint', 'long': 'bigint', 'int2': 'smallint', 'short': 'smallint',
        'int1': 'tinyint', 'byte': 'tinyint',
        'bool': 'boolean', 'logical': 'boolean',
        'float8': 'double', 'doubleprecision': 'double', 'float4': 'float', 'real': 'float',
        'numeric': 'decimal', 'dec': 'decimal',
        'timestampwithouttimezone': 'timestamp', 'datetime': 'timestamp', 'timestamp_ntz': 'timestamp',
        'timestampwithtimezone': 'timestamptz', 'timestamp_ltz': 'timestamptz'
    } -%}
    {%- set name = synonyms.get(base, base) -%}
    {#- A length on a string type is not a type difference here. -#}
    {%- if name == 'varchar' -%}
        {{ return('varchar') }}
    {%- endif -%}
    {{ return(name ~ precision) }}
{% endmacro %}
