{#-
    Lands the raw files of the contract in schema `raw` (on-run-start hook).

    For every source table flagged `meta.load_from_files` in the sources YAML,
    reads RAW_DATA_DIR/<source>/<table>/*.csv|*.csv.gz|*.parquet and creates
    raw.<source>__<table>: the contract columns (from the YAML, in contract
    order) as VARCHAR, plus _file_name and _file_row_number.

    - raw.<source>__<table> is a view: the rows of the CSV files, landed in
      the table raw._landed__<source>__<table>, and the Parquet files read
      where they lie (one read_parquet per column layout, over every booked
      file). Landing Parquet as VARCHAR copied every row into the database
      file (42 s of transactions at 100,000 persons); through the view a
      full scan costs the same as through the table, and a filter on
      _file_name skips the other files. The view is recreated on every run
      (RAW_DATA_DIR may have moved); each Parquet file's column layout is
      booked in raw.load_parquet_files, so files are described once.

    - A file without a contract column gives NULL in it; a file with a column
      outside the contract is loaded without it. Both are recorded, per file,
      in raw.load_columns for the schema-drift test.
    - CSV is read with an explicit dialect (header, `,`, `"` quote and escape)
      and the header's own column list, not the sniffer: a single broken line
      (unterminated quote, wrong field count, invalid UTF-8, a truncated last
      line) would otherwise fail the sniffing of the whole file. Such lines go
      to raw.load_rejects and the other lines of the file still load.
    - No file at all gives an empty table with the contract columns.
    - The var `load_raw_files: false` skips loading (the bank lands the raw
      tables itself); the loader's bookkeeping tables are still created empty
      when missing so that the quarantine model can read them.
    - Incremental: raw.load_files records every loaded file with its size and
      modification time, and a run loads only the files it has not seen. When
      a seen file changed or disappeared, or the contract columns changed, the
      table is reloaded from all its files and the incremental models built
      from raw files (tag `incremental_from_raw`) are dropped, so this run
      rebuilds them in full. `dbt build --full-refresh` reloads every table.
-#}
{% macro load_raw_files() %}
    {{ return(adapter.dispatch('load_raw_files', 'customer_segments')()) }}
{% endmacro %}


{#- Other adapters (Spark: load_raw_files_spark.sql): the raw tables are
    landed by the bank for now. -#}
{% macro default__load_raw_files() %}
    {{ return('') }}
{% endmacro %}


{% macro duckdb__load_raw_files() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}

    {% do run_query('create schema if not exists raw') %}
    {% if not var('load_raw_files', true) %}
        {% do run_query(raw_loader_bookkeeping_ddl(replace=false)) %}
        {{ log('load_raw_files: var load_raw_files is false, raw tables are used as landed', info=true) }}
        {{ return('') }}
    {% endif %}

    {% set raw_dir = raw_data_dir() %}
    {% set full_reload = flags.FULL_REFRESH %}
    {{ log('load_raw_files: loading ' ~ ('all' if full_reload else 'new') ~ ' raw files from ' ~ raw_dir, info=true) }}
    {% do run_query(raw_loader_bookkeeping_ddl(replace=full_reload)) %}

    {#- Row numbers follow file order only when insertion order is preserved;
        the profile turns it off for memory, so it is switched on while loading
        and restored afterwards. -#}
    {% set insertion_order = run_query("select current_setting('preserve_insertion_order')").columns[0].values()[0] %}
    {% do run_query('set preserve_insertion_order = true') %}

    {% set reloaded_tables = [] %}
    {% for node in graph.sources.values() | sort(attribute='unique_id') %}
        {% if node.package_name == project_name and node.meta.get('load_from_files') %}
            {% if load_raw_table(node, raw_dir, full_reload) %}
                {% do reloaded_tables.append(node.identifier) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {% if reloaded_tables and not full_reload %}
        {% do drop_incremental_models_from_raw(reloaded_tables) %}
    {% endif %}

    {% do run_query('set preserve_insertion_order = ' ~ ('true' if insertion_order else 'false')) %}
    {% do run_query('drop table if exists raw._load_file') %}
    {{ return('') }}
{% endmacro %}


{#- RAW_DATA_DIR, relative paths taken from the project directory. -#}
{% macro raw_data_dir() %}
    {% set raw_dir = env_var('RAW_DATA_DIR', 'data/raw') | trim %}
    {% set project_dir = flags.PROJECT_DIR if flags.PROJECT_DIR else '' %}
    {% if raw_dir.startswith('/') or not project_dir %}
        {{ return(raw_dir.rstrip('/')) }}
    {% endif %}
    {{ return((project_dir ~ '/' ~ raw_dir).rstrip('/')) }}
{% endmacro %}


{% macro raw_loader_bookkeeping_ddl(replace) %}
    {% set create = 'create or replace table' if replace else 'create table if not exists' %}
    {% set ddl %}
        {{ create }} raw.load_rejects (
            source_name varchar,
            table_name varchar,
            file_name varchar,
            line bigint,
            business_key varchar,
            error_type varchar,
            error_message varchar,
            raw_line varchar
        );
        {{ create }} raw.load_columns (
            source_name varchar,
            table_name varchar,
            file_name varchar,
            column_name varchar,
            is_in_contract boolean,
            is_in_file boolean
        );
        {{ create }} raw.load_files (
            source_name varchar,
            table_name varchar,
            file_name varchar,
            file_size bigint,
            file_modified_at timestamp with time zone,
            loaded_at timestamp with time zone
        );
        {{ create }} raw.load_parquet_files (
            source_name varchar,
            table_name varchar,
            file_name varchar,
            column_layout varchar,
            -- JSON text: the names, in file order
            file_columns varchar
        );
    {% endset %}
    {{ return(ddl) }}
{% endmacro %}


{#- The contract columns of a source table: its YAML columns minus the two
    columns the loader adds. -#}
{% macro raw_contract_columns(node) %}
    {% set columns = [] %}
    {% for column_name in node.columns.keys() %}
        {% if column_name not in ['_file_name', '_file_row_number'] %}
            {% do columns.append(column_name | lower) %}
        {% endif %}
    {% endfor %}
    {{ return(columns) }}
{% endmacro %}


{#- Loads the new files of one source table (all of them when the table is
    missing, its contract columns changed, a loaded file changed or vanished,
    or on --full-refresh). Returns true when the table was reloaded in full. -#}
{% macro load_raw_table(node, raw_dir, full_reload) %}
    {% set contract_columns = raw_contract_columns(node) %}
    {% set target_relation = 'raw.' ~ node.identifier %}
    {% set landed_relation = 'raw._landed__' ~ node.identifier %}
    {% set table_dir = raw_dir ~ '/' ~ node.source_name ~ '/' ~ node.name %}
    {% set table_filter %}
        source_name = '{{ node.source_name }}' and table_name = '{{ node.name }}'
    {% endset %}

    {% set files_sql %}
        select file from glob('{{ raw_sql_string(table_dir) }}/*.csv')
        union all
        select file from glob('{{ raw_sql_string(table_dir) }}/*.csv.gz')
        union all
        select file from glob('{{ raw_sql_string(table_dir) }}/*.parquet')
        order by file
    {% endset %}
    {% set files = run_query(files_sql).columns[0].values() | list %}

    {#- size and modification time of every file: a changed file is reloaded -#}
    {% do run_query('create or replace temp table _raw_listing (file_name varchar, file_size bigint, file_modified_at timestamp with time zone)') %}
    {% if files %}
        {% set listing_sql %}
            insert into _raw_listing
            -- file names relative to RAW_DATA_DIR, as in _file_name
            select
                {{ raw_relative_file_name('filename', raw_dir) }},
                size,
                last_modified
            from read_blob([
                {%- for file_path in files %}
                '{{ raw_sql_string(file_path) }}'{{ ',' if not loop.last }}
                {%- endfor %}
            ])
        {% endset %}
        {% do run_query(listing_sql) %}
    {% endif %}

    {% set state_sql %}
        select
            (
                select count(*) from information_schema.tables
                where table_schema = 'raw' and table_name = '_landed__{{ node.identifier }}'
            ) as n_tables,
            (
                select string_agg(column_name, ',' order by ordinal_position)
                from information_schema.columns
                where table_schema = 'raw' and table_name = '_landed__{{ node.identifier }}'
            ) as table_columns,
            (
                select count(*)
                from raw.load_files as loaded
                left join _raw_listing as listing
                    on loaded.file_name = listing.file_name
                where
                    {{ table_filter }}
                    and (
                        listing.file_name is null
                        or listing.file_size <> loaded.file_size
                        or listing.file_modified_at <> loaded.file_modified_at
                    )
            ) as n_changed_files,
            -- a warehouse loaded before raw tables became views
            (
                select count(*) from information_schema.tables
                where
                    table_schema = 'raw' and table_name = '{{ node.identifier }}'
                    and table_type = 'BASE TABLE'
            ) as n_landed_as_table
    {% endset %}
    {% set state = run_query(state_sql).rows[0] %}
    {% set expected_columns = (contract_columns + ['_file_name', '_file_row_number']) | join(',') %}
    {% set landed_as_table = state[3] > 0 %}
    {% set reload = full_reload or landed_as_table or state[0] == 0 or state[1] != expected_columns
        or state[2] > 0 %}

    {% if reload %}
        {% if not full_reload and (state[0] > 0 or landed_as_table) %}
            {{ log('load_raw_files: ' ~ target_relation ~ ' is reloaded from all its files ('
                ~ ('it was landed as a table' if landed_as_table
                   else 'the contract columns changed' if state[1] != expected_columns
                   else state[2] ~ ' loaded files changed or vanished') ~ ')', info=true) }}
        {% endif %}
        {% set ddl %}
            {% if landed_as_table -%}
                drop table {{ target_relation }};
            {%- endif %}
            create or replace table {{ landed_relation }} (
                {%- for column_name in contract_columns %}
                "{{ column_name }}" varchar,
                {%- endfor %}
                _file_name varchar,
                _file_row_number bigint
            );
            delete from raw.load_files where {{ table_filter }};
            delete from raw.load_rejects where {{ table_filter }};
            delete from raw.load_columns where {{ table_filter }};
            delete from raw.load_parquet_files where {{ table_filter }};
        {% endset %}
        {% do run_query(ddl) %}
    {% endif %}

    {% set new_files_sql %}
        select listing.file_name
        from _raw_listing as listing
        where not exists (
            select 1 from raw.load_files as loaded
            where {{ table_filter }} and loaded.file_name = listing.file_name
        )
        order by listing.file_name
    {% endset %}
    {% set new_files = run_query(new_files_sql).columns[0].values() | list %}

    {#- Parquet files are booked with their column layout (names and types)
        and read by the view; CSV files are landed. -#}
    {% for file_name in new_files %}
        {% set file_path = raw_file_path(raw_dir, file_name) %}
        {% if file_path.endswith('.parquet') %}
            {% set file_schema = raw_parquet_schema(file_path) %}
            {% set file_columns = file_schema.columns[0].values() | list %}
            {% do record_raw_columns(node, contract_columns, file_columns, file_name) %}
            {% do record_parquet_file(node, file_name, file_schema.rows | map('join', ' ') | join('\n'), file_columns) %}
        {% else %}
            {% do load_raw_csv_file(node, contract_columns, landed_relation, file_path, file_name) %}
        {% endif %}
        {% do record_loaded_file(node, file_name) %}
    {% endfor %}
    {% do run_query(raw_table_view_sql(node, contract_columns, target_relation, landed_relation, raw_dir)) %}

    {% set counts_sql %}
        select
            (select count(*) from {{ target_relation }}) as n_rows,
            (select count(*) from raw.load_rejects where {{ table_filter }}) as n_rejects
    {% endset %}
    {% set counts = run_query(counts_sql).rows[0] %}
    {{ log('load_raw_files: ' ~ target_relation ~ ': ' ~ counts[0] ~ ' rows from ' ~ (files | length)
        ~ ' files (' ~ (new_files | length) ~ ' loaded now), ' ~ counts[1] ~ ' unreadable lines', info=true) }}
    {% do run_query('drop table if exists _raw_listing') %}
    {{ return(reload and (state[0] > 0 or landed_as_table)) }}
{% endmacro %}


{#- After a raw table was reloaded in full, the incremental models built from
    raw files cannot tell its old rows from its new ones: they are dropped
    (and the relation cache told), so this run builds them in full. -#}
{% macro drop_incremental_models_from_raw(reloaded_tables) %}
    {% for node in graph.nodes.values() %}
        {% if node.resource_type == 'model' and 'incremental_from_raw' in node.config.get('tags', []) %}
            {% set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) %}
            {% if relation is not none %}
                {{ log('load_raw_files: ' ~ relation ~ ' is rebuilt in full (raw tables reloaded: '
                    ~ reloaded_tables | join(', ') ~ ')', info=true) }}
                {% do adapter.drop_relation(relation) %}
            {% endif %}
        {% endif %}
    {% endfor %}
{% endmacro %}


{% macro raw_sql_string(value) %}
    {{ return(value | replace("'", "''")) }}
{% endmacro %}


{#- Records, per file, every column of the file and of the contract. -#}
{% macro record_raw_columns(node, contract_columns, file_columns, file_name) %}
    {% set rows = [] %}
    {% for column_name in file_columns %}
        {% do rows.append((column_name, column_name | lower in contract_columns, true)) %}
    {% endfor %}
    {% set file_columns_lower = file_columns | map('lower') | list %}
    {% for column_name in contract_columns %}
        {% if column_name not in file_columns_lower %}
            {% do rows.append((column_name, true, false)) %}
        {% endif %}
    {% endfor %}
    {% set insert_sql %}
        insert into raw.load_columns values
        {%- for row in rows %}
            (
                '{{ node.source_name }}', '{{ node.name }}', '{{ raw_sql_string(file_name) }}',
                '{{ raw_sql_string(row[0]) }}', {{ row[1] }}, {{ row[2] }}
            ){{ ',' if not loop.last }}
        {%- endfor %}
    {% endset %}
    {% do run_query(insert_sql) %}
{% endmacro %}


{#- Books a file as loaded, with the size and time it was listed with. -#}
{% macro record_loaded_file(node, file_name) %}
    {% set record_sql %}
        insert into raw.load_files
        select
            '{{ node.source_name }}', '{{ node.name }}', file_name, file_size, file_modified_at,
            current_timestamp
        from _raw_listing
        where file_name = '{{ raw_sql_string(file_name) }}'
    {% endset %}
    {% do run_query(record_sql) %}
{% endmacro %}


{#- select list mapping the file's columns onto the contract columns. -#}
{% macro raw_contract_select_list(contract_columns, file_columns) %}
    {% set by_lower = {} %}
    {% for column_name in file_columns %}
        {% if column_name | lower not in by_lower %}
            {% do by_lower.update({column_name | lower: column_name}) %}
        {% endif %}
    {% endfor %}
    {% set items = [] %}
    {% for column_name in contract_columns %}
        {% if column_name in by_lower %}
            {% do items.append('cast("' ~ by_lower[column_name] ~ '" as varchar) as "' ~ column_name ~ '"') %}
        {% else %}
            {% do items.append('cast(null as varchar) as "' ~ column_name ~ '"') %}
        {% endif %}
    {% endfor %}
    {{ return(items | join(',\n')) }}
{% endmacro %}


{% macro load_raw_csv_file(node, contract_columns, target_relation, file_path, file_name) %}
    {#- The header line, read raw (no quoting) so that a broken line further
        down cannot stop it. -#}
    {% set header_sql %}
        select header_line
        from read_csv(
            '{{ raw_sql_string(file_path) }}',
            header = false, auto_detect = false, columns = {'header_line': 'VARCHAR'},
            delim = chr(1), quote = '', escape = '', ignore_errors = true
        )
        limit 1
    {% endset %}
    {% set header_rows = run_query(header_sql).rows %}
    {% if header_rows | length == 0 or header_rows[0][0] is none %}
        {{ log('load_raw_files: ' ~ file_name ~ ' is empty', info=true) }}
        {% do record_raw_columns(node, contract_columns, [], file_name) %}
        {{ return('') }}
    {% endif %}

    {% set file_columns = [] %}
    {% for raw_name in header_rows[0][0].split(',') %}
        {% set column_name = raw_name | trim | replace('"', '') | trim %}
        {#- A repeated header name is kept apart and treated as extra. -#}
        {% if column_name | lower in file_columns | map('lower') | list or column_name == '' %}
            {% set column_name = (column_name or 'unnamed') ~ '__' ~ loop.index %}
        {% endif %}
        {% do file_columns.append(column_name) %}
    {% endfor %}
    {% do record_raw_columns(node, contract_columns, file_columns, file_name) %}

    {#- best-effort business key of an unreadable line: the key fields by
        position in the header (quoted commas may shift them). -#}
    {% set key_parts = [] %}
    {% for key_column in node.meta.get('business_key', [contract_columns[0]]) %}
        {% set position = (file_columns | map('lower') | list).index(key_column) + 1
            if key_column in (file_columns | map('lower') | list) else 0 %}
        {% if position > 0 %}
            {% do key_parts.append("nullif(trim(replace(split_part(csv_line, ',', " ~ position ~ "), '\"', '')), '')") %}
        {% else %}
            {% do key_parts.append('cast(null as varchar)') %}
        {% endif %}
    {% endfor %}

    {% set load_sql %}
        drop table if exists _load_reject_errors;
        drop table if exists _load_reject_scans;
        create or replace table raw._load_file as
        select *
        from read_csv(
            '{{ raw_sql_string(file_path) }}',
            header = true,
            auto_detect = false,
            columns = {
                {%- for column_name in file_columns %}
                '{{ raw_sql_string(column_name) }}': 'VARCHAR'{{ ',' if not loop.last }}
                {%- endfor %}
            },
            delim = ',',
            quote = '"',
            escape = '"',
            store_rejects = true,
            rejects_table = '_load_reject_errors',
            rejects_scan = '_load_reject_scans'
        );
        insert into {{ target_relation }}
        select
            {{ raw_contract_select_list(contract_columns, file_columns) | indent(12) }},
            '{{ raw_sql_string(file_name) }}' as _file_name,
            rowid + 1 as _file_row_number
        from raw._load_file;
        insert into raw.load_rejects
        select
            '{{ node.source_name }}' as source_name,
            '{{ node.name }}' as table_name,
            '{{ raw_sql_string(file_name) }}' as file_name,
            cast(line as bigint) as line,
            {% if key_parts | length == 1 -%}
                {{ key_parts[0] }}
            {%- else -%}
                {#- compound keys as in the base models: parts joined with | -#}
                coalesce({{ key_parts | join(", '') || '|' || coalesce(") }}, '')
            {%- endif %} as business_key,
            cast(error_type as varchar) as error_type,
            error_message,
            csv_line as raw_line
        from (
            select
                *,
                row_number() over (partition by line order by column_idx) as error_rank
            from _load_reject_errors
        ) as errors
        where error_rank = 1;
    {% endset %}
    {% do run_query(load_sql) %}
{% endmacro %}


{% macro raw_parquet_schema(file_path) %}
    {% set describe_sql %}
        select column_name, column_type
        from (describe select * from read_parquet('{{ raw_sql_string(file_path) }}'))
    {% endset %}
    {{ return(run_query(describe_sql)) }}
{% endmacro %}


{#- A file's name as booked and as _file_name: its path relative to
    RAW_DATA_DIR (a path elsewhere as it is). -#}
{% macro raw_relative_file_name(path_expression, raw_dir) -%}
    case
        when starts_with({{ path_expression }}, '{{ raw_sql_string(raw_dir) }}/')
            then substr({{ path_expression }}, {{ (raw_dir | length) + 2 }})
        else {{ path_expression }}
    end
{%- endmacro %}


{#- A booked file's path: file names are relative to RAW_DATA_DIR. -#}
{% macro raw_file_path(raw_dir, file_name) %}
    {{ return(raw_dir ~ '/' ~ file_name if not file_name.startswith('/') else file_name) }}
{% endmacro %}


{#- Books a Parquet file with its column layout (names and types, one
    `name type` line each) and its column names. -#}
{% macro record_parquet_file(node, file_name, column_layout, file_columns) %}
    {% set record_sql %}
        insert into raw.load_parquet_files values (
            '{{ node.source_name }}', '{{ node.name }}', '{{ raw_sql_string(file_name) }}',
            '{{ raw_sql_string(column_layout) }}', '{{ raw_sql_string(tojson(file_columns)) }}'
        )
    {% endset %}
    {% do run_query(record_sql) %}
{% endmacro %}


{#- The view raw.<source>__<table>: the landed CSV rows and, per column
    layout, one read_parquet over the booked Parquet files of that layout (a
    file that types a column differently is read with its own casts). The
    file row number comes from the reader; the file name is made relative
    to RAW_DATA_DIR as in the listing, an expression of the reader's
    `filename` only, so that a filter on _file_name skips files. -#}
{% macro raw_table_view_sql(node, contract_columns, target_relation, landed_relation, raw_dir) %}
    {% set layouts_sql %}
        select
            any_value(file_columns) as file_columns,
            cast(to_json(list(file_name order by file_name)) as varchar) as file_names
        from raw.load_parquet_files
        where source_name = '{{ node.source_name }}' and table_name = '{{ node.name }}'
        group by column_layout
        order by min(file_name)
    {% endset %}
    {% set layouts = run_query(layouts_sql).rows %}
    {% set view_sql %}
        create or replace view {{ target_relation }} as
        select
            {%- for column_name in contract_columns %}
            "{{ column_name }}",
            {%- endfor %}
            _file_name,
            _file_row_number
        from {{ landed_relation }}
        {%- for layout in layouts %}
        union all
        select
            {{ raw_contract_select_list(contract_columns, fromjson(layout[0])) | indent(12) }},
            {{ raw_relative_file_name('_raw_file_path', raw_dir) }} as _file_name,
            file_row_number + 1 as _file_row_number
        from read_parquet(
            [
                {%- for file_name in fromjson(layout[1]) %}
                '{{ raw_sql_string(raw_file_path(raw_dir, file_name)) }}'{{ ',' if not loop.last }}
                {%- endfor %}
            ],
            filename = '_raw_file_path',
            file_row_number = true
        )
        {%- endfor %}
    {% endset %}
    {{ return(view_sql) }}
{% endmacro %}
