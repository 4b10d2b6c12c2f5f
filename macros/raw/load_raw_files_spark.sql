{#-
    Spark implementation of load_raw_files (see load_raw_files.sql for the
    rules). Lands the same tables as on DuckDB: raw.<source>__<table> with the
    contract columns as string plus _file_name and _file_row_number, and the
    bookkeeping tables raw.load_rejects and raw.load_columns.

    Differences from the DuckDB reader, none of which changes the marts:
    - a CSV file is read whole (multiLine), so that its rows keep file order
      and _file_row_number counts the readable rows in file order;
    - a line with too few or too many fields, or an unterminated quote, goes
      to load_rejects (error_type MALFORMED RECORD); `line` counts records,
      not physical lines, so a quoted line break shifts it. Invalid UTF-8 is
      replaced (U+FFFD) and loaded instead of rejected;
    - a quoted empty field ("") lands as an empty string instead of NULL;
      staging treats both as missing;
    - `.csv.gz` files are read like `.csv` files.
-#}
{% macro spark__load_raw_files() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}

    {% do run_query('create schema if not exists raw') %}
    {% if not var('load_raw_files', true) %}
        {% do spark_raw_loader_bookkeeping(replace=false) %}
        {{ log('load_raw_files: var load_raw_files is false, raw tables are used as landed', info=true) }}
        {{ return('') }}
    {% endif %}

    {% set raw_dir = raw_data_dir() %}
    {{ log('load_raw_files: loading raw files from ' ~ raw_dir, info=true) }}
    {% do spark_raw_loader_bookkeeping(replace=true) %}
    {% set files_by_table = spark_raw_files_by_table(raw_dir) %}

    {% for node in graph.sources.values() | sort(attribute='unique_id') %}
        {% if node.package_name == project_name and node.meta.get('load_from_files') %}
            {% do spark_load_raw_table(node, files_by_table.get(node.source_name ~ '/' ~ node.name, [])) %}
        {% endif %}
    {% endfor %}
    {{ return('') }}
{% endmacro %}


{% macro spark_raw_loader_bookkeeping(replace) %}
    {% if replace %}
        {% do run_query('drop table if exists raw.load_rejects') %}
        {% do run_query('drop table if exists raw.load_columns') %}
    {% endif %}
    {% do run_query(
        'create table if not exists raw.load_rejects (source_name string, table_name string, file_name string,'
        ~ ' line bigint, business_key string, error_type string, error_message string, raw_line string)'
        ~ ' using parquet') %}
    {% do run_query(
        'create table if not exists raw.load_columns (source_name string, table_name string, file_name string,'
        ~ ' column_name string, is_in_contract boolean, is_in_file boolean) using parquet') %}
{% endmacro %}


{#- Every landing file under RAW_DATA_DIR, as {'<source>/<table>': [(path, file_name), ...]}
    in file name order; file_name is relative to RAW_DATA_DIR as on DuckDB. The
    binaryFile reader lists the files without reading their content. -#}
{% macro spark_raw_files_by_table(raw_dir) %}
    {% set list_sql %}
        create or replace temporary view _raw_files
        using binaryFile
        options (path '{{ spark_raw_string(raw_dir) }}', recursiveFileLookup 'true')
    {% endset %}
    {% do run_query(list_sql) %}
    {% set paths = run_query('select path from _raw_files order by path').columns[0].values() %}
    {% set files_by_table = {} %}
    {% for path in paths %}
        {% set match = modules.re.search('/([^/]+)/([^/]+)/([^/]+[.](csv|csv[.]gz|parquet))$', path) %}
        {% if match %}
            {% set key = match.group(1) ~ '/' ~ match.group(2) %}
            {% if key not in files_by_table %}
                {% do files_by_table.update({key: []}) %}
            {% endif %}
            {% do files_by_table[key].append((path, key ~ '/' ~ match.group(3))) %}
        {% endif %}
    {% endfor %}
    {{ return(files_by_table) }}
{% endmacro %}


{% macro spark_raw_string(value) %}
    {{ return(value | replace('\\', '\\\\') | replace("'", "\\'")) }}
{% endmacro %}


{% macro spark_load_raw_table(node, files) %}
    {% set contract_columns = raw_contract_columns(node) %}
    {% set target_relation = 'raw.' ~ node.identifier %}
    {% do run_query('drop table if exists ' ~ target_relation) %}
    {% set ddl %}
        create table {{ target_relation }} (
            {%- for column_name in contract_columns %}
            `{{ column_name }}` string,
            {%- endfor %}
            _file_name string,
            _file_row_number bigint
        )
        using parquet
    {% endset %}
    {% do run_query(ddl) %}

    {#- Files with the same header are read in one pass. -#}
    {% set csv_files = [] %}
    {% set file_columns_seen = [] %}
    {% for path, file_name in files %}
        {% if path.endswith('.parquet') %}
            {% do file_columns_seen.append(
                (file_name, spark_load_raw_parquet_file(node, contract_columns, target_relation, path, file_name))) %}
        {% else %}
            {% do csv_files.append((path, file_name)) %}
        {% endif %}
    {% endfor %}
    {% if csv_files %}
        {% set headers = spark_raw_csv_headers(csv_files) %}
        {% set groups = {} %}
        {% for path, file_name in csv_files %}
            {% set header = headers.get(path) %}
            {% if header is none %}
                {{ log('load_raw_files: ' ~ file_name ~ ' is empty', info=true) }}
                {% do file_columns_seen.append((file_name, [])) %}
            {% else %}
                {% if header not in groups %}
                    {% do groups.update({header: []}) %}
                {% endif %}
                {% do groups[header].append((path, file_name)) %}
                {% do file_columns_seen.append((file_name, spark_raw_header_columns(header))) %}
            {% endif %}
        {% endfor %}
        {% for header, group_files in groups.items() %}
            {% do spark_load_raw_csv_files(node, contract_columns, target_relation, header, group_files) %}
        {% endfor %}
    {% endif %}

    {% do spark_record_raw_columns(node, contract_columns, file_columns_seen) %}

    {% set counts_sql %}
        select
            (select count(*) from {{ target_relation }}) as n_rows,
            (
                select count(*) from raw.load_rejects
                where source_name = '{{ node.source_name }}' and table_name = '{{ node.name }}'
            ) as n_rejects
    {% endset %}
    {% set counts = run_query(counts_sql).rows[0] %}
    {{ log('load_raw_files: ' ~ target_relation ~ ': ' ~ counts[0] ~ ' rows from ' ~ (files | length)
        ~ ' files, ' ~ counts[1] ~ ' unreadable lines', info=true) }}
{% endmacro %}


{#- A Hadoop glob naming exactly the given files of one folder. -#}
{% macro spark_raw_files_glob(files) %}
    {% set names = [] %}
    {% for path, file_name in files %}
        {% do names.append(path.rsplit('/', 1)[1]) %}
    {% endfor %}
    {% set folder = files[0][0].rsplit('/', 1)[0] %}
    {{ return(folder ~ '/{' ~ names | join(',') ~ '}') }}
{% endmacro %}


{#- The header line of every file, {path: header}, in one pass: the first line
    of the split that starts the file. -#}
{% macro spark_raw_csv_headers(csv_files) %}
    {% set header_sql %}
        select file_path, min_by(value, line_id) as header_line
        from (
            select
                _metadata.file_path as file_path,
                _metadata.file_block_start as block_start,
                value,
                monotonically_increasing_id() as line_id
            from text.`{{ spark_raw_files_glob(csv_files) }}`
        ) as lines
        where block_start = 0
        group by file_path
    {% endset %}
    {% set headers = {} %}
    {% for row in run_query(header_sql).rows %}
        {% do headers.update({row[0]: row[1]}) %}
    {% endfor %}
    {{ return(headers) }}
{% endmacro %}


{#- Header names as the DuckDB loader reads them (a repeated or empty name is
    kept apart as an extra column). -#}
{% macro spark_raw_header_columns(header) %}
    {% set file_columns = [] %}
    {% for raw_name in header.split(',') %}
        {% set column_name = raw_name | trim | replace('"', '') | trim %}
        {% if column_name | lower in file_columns | map('lower') | list or column_name == '' %}
            {% set column_name = (column_name or 'unnamed') ~ '__' ~ loop.index %}
        {% endif %}
        {% do file_columns.append(column_name) %}
    {% endfor %}
    {{ return(file_columns) }}
{% endmacro %}


{% macro spark_raw_select_list(contract_columns, file_columns) %}
    {% set by_lower = {} %}
    {% for column_name in file_columns %}
        {% if column_name | lower not in by_lower %}
            {% do by_lower.update({column_name | lower: 'c' ~ loop.index}) %}
        {% endif %}
    {% endfor %}
    {% set items = [] %}
    {% for column_name in contract_columns %}
        {% if column_name in by_lower %}
            {% do items.append(by_lower[column_name] ~ ' as `' ~ column_name ~ '`') %}
        {% else %}
            {% do items.append('cast(null as string) as `' ~ column_name ~ '`') %}
        {% endif %}
    {% endfor %}
    {{ return(items | join(',\n')) }}
{% endmacro %}


{#- Files sharing one header. Columns are read by position (c1, c2, ...) and
    mapped by header name onto the contract. -#}
{% macro spark_load_raw_csv_files(node, contract_columns, target_relation, header, files) %}
    {% set file_columns = spark_raw_header_columns(header) %}

    {#- best-effort business key of an unreadable line, as on DuckDB -#}
    {% set lower_columns = file_columns | map('lower') | list %}
    {% set key_parts = [] %}
    {% for key_column in node.meta.get('business_key', [contract_columns[0]]) %}
        {% if key_column in lower_columns %}
            {% do key_parts.append("nullif(trim(replace(split_part(_corrupt_record, ',', "
                ~ (lower_columns.index(key_column) + 1) ~ "), '\"', '')), '')") %}
        {% else %}
            {% do key_parts.append('cast(null as string)') %}
        {% endif %}
    {% endfor %}

    {% set load_sql %}
        create or replace temporary view _raw_csv (
            {%- for column_name in file_columns %}
            c{{ loop.index }} string,
            {%- endfor %}
            _corrupt_record string
        )
        using csv
        options (
            path '{{ spark_raw_string(spark_raw_files_glob(files)) }}',
            header 'true',
            enforceSchema 'true',
            sep ',',
            quote '"',
            escape '"',
            multiLine 'true',
            mode 'PERMISSIVE',
            columnNameOfCorruptRecord '_corrupt_record'
        )
    {% endset %}
    {% do run_query(load_sql) %}
    {#- a whole file is one split (multiLine), so ids follow file order -#}
    {% set records_sql %}
        cache table _raw_records as
        select
            *,
            row_number() over (partition by _file_name order by _record_id) as _record_number
        from (
            select
                *,
                concat(
                    '{{ node.source_name }}/{{ node.name }}/',
                    regexp_extract(input_file_name(), '[^/]+$', 0)
                ) as _file_name,
                monotonically_increasing_id() as _record_id
            from _raw_csv
        ) as records
    {% endset %}
    {% do run_query(records_sql) %}
    {% set insert_sql %}
        insert into {{ target_relation }}
        select
            {{ spark_raw_select_list(contract_columns, file_columns) | indent(12) }},
            _file_name,
            row_number() over (partition by _file_name order by _record_number) as _file_row_number
        from _raw_records
        where _corrupt_record is null
    {% endset %}
    {% do run_query(insert_sql) %}
    {% set rejects_sql %}
        insert into raw.load_rejects
        select
            '{{ node.source_name }}' as source_name,
            '{{ node.name }}' as table_name,
            _file_name as file_name,
            _record_number + 1 as line,
            {% if key_parts | length == 1 -%}
                {{ key_parts[0] }}
            {%- else -%}
                concat_ws('|', {% for part in key_parts %}coalesce({{ part }}, ''){{ ', ' if not loop.last }}{% endfor %})
            {%- endif %} as business_key,
            'MALFORMED RECORD' as error_type,
            'the record does not have the header''s number of fields or ends inside a quote' as error_message,
            _corrupt_record as raw_line
        from _raw_records
        where _corrupt_record is not null
    {% endset %}
    {% do run_query(rejects_sql) %}
    {% do run_query('uncache table if exists _raw_records') %}
    {% do run_query('drop view if exists _raw_records') %}
{% endmacro %}


{#- Parquet: columns by name, row numbers from the reader's row index. -#}
{% macro spark_load_raw_parquet_file(node, contract_columns, target_relation, path, file_name) %}
    {% set file_columns = [] %}
    {% for row in run_query('describe query select * from parquet.`' ~ path ~ '`').rows %}
        {% do file_columns.append(row[0]) %}
    {% endfor %}
    {% set by_lower = {} %}
    {% for column_name in file_columns %}
        {% if column_name | lower not in by_lower %}
            {% do by_lower.update({column_name | lower: column_name}) %}
        {% endif %}
    {% endfor %}
    {% set load_sql %}
        insert into {{ target_relation }}
        select
            {%- for column_name in contract_columns %}
            {% if column_name in by_lower -%}
                cast(`{{ by_lower[column_name] }}` as string)
            {%- else -%}
                cast(null as string)
            {%- endif %} as `{{ column_name }}`,
            {%- endfor %}
            '{{ spark_raw_string(file_name) }}' as _file_name,
            _metadata.row_index + 1 as _file_row_number
        from parquet.`{{ path }}`
    {% endset %}
    {% do run_query(load_sql) %}
    {{ return(file_columns) }}
{% endmacro %}


{#- load_columns rows of every file of a table, in one insert:
    files is a list of (file_name, file_columns). -#}
{% macro spark_record_raw_columns(node, contract_columns, files) %}
    {% set rows = [] %}
    {% for file_name, file_columns in files %}
        {% for column_name in file_columns %}
            {% do rows.append((file_name, column_name, column_name | lower in contract_columns, true)) %}
        {% endfor %}
        {% set file_columns_lower = file_columns | map('lower') | list %}
        {% for column_name in contract_columns %}
            {% if column_name not in file_columns_lower %}
                {% do rows.append((file_name, column_name, true, false)) %}
            {% endif %}
        {% endfor %}
    {% endfor %}
    {% if rows %}
        {% set insert_sql %}
            insert into raw.load_columns values
            {%- for row in rows %}
                (
                    '{{ node.source_name }}', '{{ node.name }}', '{{ spark_raw_string(row[0]) }}',
                    '{{ spark_raw_string(row[1]) }}', {{ row[2] | lower }}, {{ row[3] | lower }}
                ){{ ',' if not loop.last }}
            {%- endfor %}
        {% endset %}
        {% do run_query(insert_sql) %}
    {% endif %}
{% endmacro %}
