{#- Helpers of the incremental models (docs/architecture.md, "Incremental
    builds"). -#}

{#- Incremental on DuckDB; other adapters build the same SQL as a table
    (is_incremental() is then always false). -#}
{% macro incremental_materialization() %}
    {{ return(adapter.dispatch('incremental_materialization', 'customer_segments')()) }}
{% endmacro %}

{% macro default__incremental_materialization() %}
    {{ return('table') }}
{% endmacro %}

{% macro duckdb__incremental_materialization() %}
    {{ return('incremental') }}
{% endmacro %}


{#- The start of this dbt invocation (UTC): stamps the rows a run writes, so
    that the next model knows which rows are new since its own last run. -#}
{% macro processed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}


{#- Base models: the raw rows of files this model has not parsed yet, and,
    when `recheck_orphans`, the rows it quarantined as orphan_reference (the
    referenced row may have arrived since). Follows the raw table's name in
    the FROM clause. -#}
{% macro new_raw_rows_filter(recheck_orphans=false) -%}
    {%- if is_incremental() %} as raw_rows
    where
        raw_rows._file_name not in (
            select distinct processed._file_name
            from {{ this }} as processed
            where processed._file_name is not null
        )
        {%- if recheck_orphans %}
        -- an uncorrelated IN: a correlated EXISTS under OR is planned as a
        -- join over the distinct row keys of the whole raw table, which
        -- spilled tens of GB at 1,000,000 persons
        or (raw_rows._file_name, raw_rows._file_row_number) in (
            select processed._file_name, processed._file_row_number
            from {{ this }} as processed
            where processed.quarantine_reason_code = 'orphan_reference'
        )
        {%- endif %}
    {%- endif %}
{%- endmacro %}


{#- Point-in-time staging models hold the latest version known on the
    as_of_date of their last run. A run for an earlier as_of_date (a replay)
    cannot undo later versions: the pre-hook empties the table, and the run
    rebuilds it in full. -#}
{% macro rewind_before_as_of_date() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where (select max(cast(_loaded_at as date)) from {{ this }}) > {{ as_of_date() }}
    {%- endif -%}
{%- endmacro %}


{#- Point-in-time staging models, incremental runs: what this model held
    after its last run, as constants (read when the model runs, after its
    upstream models), so that DuckDB filters the versions while it scans
    them and skips the row groups written before. `processed_at` and
    `loaded_at` are the latest `_processed_at` and `_loaded_at` held; both are
    1900-01-01 when the table is empty or when the pre-hook
    (rewind_before_as_of_date) is about to empty it. -#}
{% macro previous_version_marks() -%}
    {%- set none_yet = "cast('1900-01-01' as timestamp)" -%}
    {%- if not execute -%}
        {{ return({'processed_at': none_yet, 'loaded_at': none_yet}) }}
    {%- endif -%}
    {%- set marks_sql -%}
        with held as (
            select
                max(_processed_at) as processed_at,
                max(_loaded_at) as loaded_at,
                coalesce(max(cast(_loaded_at as date)) > {{ as_of_date() }}, false) as is_rewound
            from {{ this }}
        )

        select
            case when not is_rewound then strftime(processed_at, '%Y-%m-%d %H:%M:%S.%f') end,
            case when not is_rewound then strftime(loaded_at, '%Y-%m-%d %H:%M:%S.%f') end
        from held
    {%- endset -%}
    {%- set row = run_query(marks_sql).rows[0] -%}
    {%- set marks = {} -%}
    {%- for name, value in [('processed_at', row[0]), ('loaded_at', row[1])] -%}
        {%- do marks.update({name: none_yet if value is none else "cast('" ~ value ~ "' as timestamp)"}) -%}
    {%- endfor -%}
    {{ return(marks) }}
{%- endmacro %}


{#- Point-in-time staging models, incremental runs: the latest version of
    every key whose latest version changed since this model's last run.
    `relation` holds the valid versions known on as_of_date. A version is new
    when it was parsed since the last run, or loaded after the latest version
    held (known now because as_of_date moved on). Every known version of a
    key with a new version is ranked on the narrow ordering columns only; a
    key whose latest version is still the one held gets no row, so
    delete+insert leaves its row as it is and the models downstream see no
    change (`_processed_at` moves only for changed rows). The ordering
    columns with the key identify a version (file name and line are unique
    per row). Renders a complete select statement. -#}
{% macro changed_latest_versions(relation, partition_by, order_by) -%}
    {%- set marks = previous_version_marks() -%}
    {%- set ranked_columns = partition_by + order_by -%}
    with new_versions as {{ inlined_cte() }} (
        -- two branches, not one OR: each range filter is pushed into the scan
        select * from {{ relation }}
        where _processed_at > {{ marks.processed_at }}
        union all
        select * from {{ relation }}
        where
            _loaded_at > {{ marks.loaded_at }}
            and _processed_at <= {{ marks.processed_at }}
    ),

    versions_of_new_keys as (
        select {{ ranked_columns | join(', ') }}
        from {{ relation }}
        where ({{ partition_by | join(', ') }}) in (
            select {{ partition_by | join(', ') }} from new_versions
        )
    ),

    latest_of_new_keys as (
        {{ latest_version_per_key('versions_of_new_keys', partition_by, order_by) }}
    )

    select new_versions.*
    from new_versions
    inner join latest_of_new_keys
        on
        {%- for column in ranked_columns %}
            {% if not loop.first %}and {% endif %}new_versions.{{ column }} = latest_of_new_keys.{{ column }}
        {%- endfor %}
{%- endmacro %}


{#- int_transactions_classified is rebuilt per account and booking month.
    The pre-hooks (incremental runs only) 1. empty the table when the run's
    as_of_date is before the latest booking it holds (a replay), 2. write the
    account-months to recompute to `<model>__affected`, 3. delete their rows;
    the model then classifies the transactions of those account-months only
    and the post-hook drops the work table. An account-month is recomputed
    when
    - a transaction version was written to staging since the last run, or a
      booking became due (booked after the latest booking held): its month,
      the month it held before, and the month of the transaction it reverses;
    - its account changed (person, customer, product, currency) or appeared,
      or a counterparty account did (internal transfers);
    - the FX rate of its currency and month changed.
    Seed changes other than FX rates (transaction codes, merchant categories)
    need `--full-refresh`. The accounts and the FX rates a run classified
    with are kept in `<model>__accounts` and `<model>__fx_rates` (post-hook),
    so that the next run compares about 200,000 accounts and a few thousand
    rates instead of reading them from every stored row. -#}
{#- The work table `<model>__affected` of the rows an incremental run of
    the current model recomputes. -#}
{% macro affected_work_table() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__affected'
    )) }}
{%- endmacro %}

{#- The account attributes int_transactions_classified copies onto its rows:
    a change of any of them recomputes the account's months. -#}
{% macro classified_account_columns() -%}
    {{ return([
        'account_id', 'customer_id', 'person_id', 'product_code', 'product_family', 'currency',
        'is_savings_family', 'is_investment_family', 'is_credit_family'
    ]) }}
{%- endmacro %}

{#- The accounts (with the attributes the model copies) that the last run
    of int_transactions_classified classified with. -#}
{% macro classified_accounts_table() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__accounts'
    )) }}
{%- endmacro %}

{#- The FX rates (currency, month) that the last run of
    int_transactions_classified classified with. -#}
{% macro classified_fx_rates_table() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__fx_rates'
    )) }}
{%- endmacro %}

{#- What int_transactions_classified held after its last run, as literals
    read when the pre-hook renders (before its first statement runs), so
    that DuckDB filters the new versions while it scans staging:
    `is_empty` is true for an empty table and for a replay the first
    statement is about to empty. -#}
{% macro classified_previous_run() -%}
    {%- if not execute -%}
        {{ return({'is_empty': true}) }}
    {%- endif -%}
    {%- set previous_sql -%}
        select
            count(*) = 0 or coalesce(max(booked_date) > {{ as_of_date() }}, false) as is_empty,
            strftime(max(_processed_at), '%Y-%m-%d %H:%M:%S.%f') as processed_at,
            strftime(max(booked_date), '%Y-%m-%d') as booked_date
        from {{ this }}
    {%- endset -%}
    {%- set row = run_query(previous_sql).rows[0] -%}
    {{ return({
        'is_empty': row[0],
        'processed_at': "cast('" ~ row[1] ~ "' as timestamp)",
        'booked_date': "cast('" ~ row[2] ~ "' as date)"
    }) }}
{%- endmacro %}

{% macro classified_transactions_pre_hooks() -%}
    {%- if is_incremental() -%}
        {%- set affected = affected_work_table() -%}
        {%- set previous_run = classified_previous_run() -%}
        {%- set accounts_table = classified_accounts_table() -%}
        {%- set accounts_held = adapter.get_relation(
            database=accounts_table.database, schema=accounts_table.schema, identifier=accounts_table.identifier
        ) -%}
        {%- set fx_rates_table = classified_fx_rates_table() -%}
        {%- set fx_rates_held = adapter.get_relation(
            database=fx_rates_table.database, schema=fx_rates_table.schema, identifier=fx_rates_table.identifier
        ) -%}
        {%- set version_columns = 'transaction_id, account_id, booked_date, reversal_of_transaction_id' -%}
        delete from {{ this }}
        where (select max(booked_date) from {{ this }}) > {{ as_of_date() }};

        create or replace table {{ affected }} as
        with

        -- read several times: inlined, not a copy of every transaction
        transactions as {{ inlined_cte() }} (
            select * from {{ ref('stg_core_banking__transactions') }}
        ),

        accounts as (
            select * from {{ ref('int_accounts_classified') }}
        ),

        fx_rates as (
            select * from {{ ref('int_fx_rates_resolved') }}
        ),

        new_versions as (
            -- only the columns used below, and the previous run's marks as
            -- literals: each branch's range filter is pushed into the scan
            {%- if previous_run.is_empty %}
            select {{ version_columns }} from transactions
            {%- else %}
            select {{ version_columns }} from transactions
            where _processed_at > {{ previous_run.processed_at }}
            union all
            select {{ version_columns }} from transactions
            where
                booked_date > {{ previous_run.booked_date }}
                and _processed_at <= {{ previous_run.processed_at }}
            {%- endif %}
        ),

        stored_accounts as (
            {%- if accounts_held is not none %}
            select * from {{ accounts_held }}
            {%- else %}
            -- no accounts kept yet (a warehouse built before they were): as held by the rows
            select distinct {{ classified_account_columns() | join(', ') }}
            from {{ this }}
            {%- endif %}
        ),

        changed_accounts as (
            select coalesce(stored_accounts.account_id, accounts.account_id) as account_id
            from stored_accounts
            full outer join accounts
                on stored_accounts.account_id = accounts.account_id
            where
                stored_accounts.account_id is null
                or accounts.account_id is null
                {%- for column in classified_account_columns()[1:] %}
                or stored_accounts.{{ column }} is distinct from accounts.{{ column }}
                {%- endfor %}
        ),

        stored_fx_rates as (
            {%- if fx_rates_held is not none %}
            select currency, booked_month, fx_rate, is_fx_rate_imputed
            from {{ fx_rates_held }}
            {%- else %}
            -- no rates kept yet (a warehouse built before they were): as held by the rows
            select distinct currency, booked_month, fx_rate, is_fx_rate_imputed
            from {{ this }}
            {%- endif %}
        ),

        -- a rate that differs, appeared or went: the stored rows of that
        -- currency and month (if any) were classified with another rate
        changed_fx_months as (
            select
                coalesce(stored_fx_rates.currency, fx_rates.currency) as currency,
                coalesce(stored_fx_rates.booked_month, fx_rates.rate_month) as booked_month
            from stored_fx_rates
            full outer join fx_rates
                on
                    stored_fx_rates.currency = fx_rates.currency
                    and stored_fx_rates.booked_month = fx_rates.rate_month
            where
                fx_rates.rate_to_reporting is distinct from stored_fx_rates.fx_rate
                or coalesce(fx_rates.is_rate_imputed, true)
                is distinct from coalesce(stored_fx_rates.is_fx_rate_imputed, true)
        ),

        affected_months as (
            select account_id, {{ month_start('booked_date') }} as booked_month
            from new_versions

            union

            select stored.account_id, stored.booked_month
            from {{ this }} as stored
            inner join new_versions
                on stored.transaction_id = new_versions.transaction_id

            union

            -- the few new versions on the right: DuckDB builds its hash table there
            select reversed.account_id, {{ month_start('reversed.booked_date') }} as booked_month
            from transactions as reversed
            inner join new_versions
                on reversed.transaction_id = new_versions.reversal_of_transaction_id

            union

            select transactions.account_id, {{ month_start('transactions.booked_date') }} as booked_month
            from transactions
            inner join changed_accounts
                on transactions.account_id = changed_accounts.account_id

            union

            select transactions.account_id, {{ month_start('transactions.booked_date') }} as booked_month
            from transactions
            inner join changed_accounts
                on transactions.counterparty_account_id = changed_accounts.account_id

            union

            select stored.account_id, stored.booked_month
            from {{ this }} as stored
            inner join changed_fx_months
                on
                    stored.currency = changed_fx_months.currency
                    and stored.booked_month = changed_fx_months.booked_month
        )

        select * from affected_months
        where account_id is not null and booked_month is not null;

        -- the person-months of the rows about to be replaced, found once and
        -- handed to each model that recomputes person-months (kept until it
        -- consumes them)
        create or replace temporary table replaced_person_months as
        select distinct stored.person_id, stored.booked_month
        from {{ this }} as stored
        inner join {{ affected }} as affected
            on
                stored.account_id = affected.account_id
                and stored.booked_month = affected.booked_month;
        {%- for consumer in replaced_person_months_consumers() %}

        {{ create_replaced_person_months_table(consumer) }};

        insert into {{ replaced_person_months_table(consumer) }}
        select person_id, booked_month from replaced_person_months;
        {%- endfor %}

        drop table replaced_person_months;

        delete from {{ this }} as stored
        using {{ affected }} as affected
        where
            stored.account_id = affected.account_id
            and stored.booked_month = affected.booked_month
    {%- endif -%}
{%- endmacro %}

{#- Drops the work table and keeps the accounts and the FX rates this run
    classified with (on a full build too). Nothing on adapters that build the
    model as a table. -#}
{% macro classified_transactions_post_hook() -%}
    {%- if is_incremental() -%}
        drop table if exists {{ affected_work_table() }};
    {%- endif %}
    {%- if incremental_materialization() == 'incremental' %}
        create or replace table {{ classified_accounts_table() }} as
        select {{ classified_account_columns() | join(', ') }}
        from {{ ref('int_accounts_classified') }};

        -- as the model copies them onto its rows
        create or replace table {{ classified_fx_rates_table() }} as
        select
            currency,
            rate_month as booked_month,
            rate_to_reporting as fx_rate,
            coalesce(is_rate_imputed, true) as is_fx_rate_imputed
        from {{ ref('int_fx_rates_resolved') }}
    {%- endif %}
{%- endmacro %}



{#- Person-months whose classified transactions an incremental run of
    int_transactions_classified replaced, one work table per model that
    recomputes them (`consumer`): each empties its own once it has. All of
    them live in the intermediate schema. -#}
{% macro replaced_person_months_consumers() -%}
    {{ return(['int_person_months_aggregated', 'int_person_value_days_aggregated']) }}
{%- endmacro %}

{% macro replaced_person_months_table(consumer) -%}
    {%- if consumer not in replaced_person_months_consumers() -%}
        {{ exceptions.raise_compiler_error('no replaced person-months table for ' ~ consumer) }}
    {%- endif -%}
    {#- the first consumer keeps the name its table had before there were two -#}
    {%- set suffix = 'person_months' if consumer == 'int_person_months_aggregated' else 'value_person_months' -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema,
        identifier='int_transactions_classified__replaced_' ~ suffix
    )) }}
{%- endmacro %}

{% macro create_replaced_person_months_table(consumer) -%}
    create table if not exists {{ replaced_person_months_table(consumer) }} (
        person_id varchar,
        booked_month date
    )
{%- endmacro %}


{#- The models rebuilt per person and booking month from the classified
    transactions (int_person_months_aggregated, int_person_value_days_aggregated),
    incremental runs: empties the model when `rebuild_condition` (a boolean
    SQL expression on the stored table, such as a replay) holds, then writes
    the person-months to recompute to `<model>__affected` and deletes their
    rows (`month_column` holds the month in the model). A person-month is
    recomputed when classified transactions of it were written since the
    model's last run or replaced by the runs of int_transactions_classified
    since (the person-month they belonged to, so that persons merged away and
    cancelled transactions leave nothing behind). Every person-month when the
    model is empty or about to be emptied. -#}
{% macro classified_person_months_refresh(month_column, rebuild_condition) -%}
        {%- set affected = affected_work_table() %}
        {%- set previous_run = classified_person_months_previous_run(rebuild_condition) %}
        delete from {{ this }}
        where {{ rebuild_condition }};

        {{ create_replaced_person_months_table(this.identifier) }};

        create or replace table {{ affected }} as
        with

        transactions as (
            select * from {{ ref('int_transactions_classified') }}
        ),

        replaced_person_months as (
            select * from {{ replaced_person_months_table(this.identifier) }}
        ),

        affected_months as (
            select person_id, booked_month
            from transactions
            {%- if not previous_run.is_empty %}
            -- the model's last run as a literal: DuckDB skips the row groups written before
            where _processed_at > {{ previous_run.processed_at }}
            {%- endif %}

            union

            select person_id, booked_month
            from replaced_person_months
        )

        select * from affected_months
        where person_id is not null and booked_month is not null;

        delete from {{ this }} as stored
        using {{ affected }} as affected
        where
            stored.person_id = affected.person_id
            and stored.{{ month_column }} = affected.booked_month
{%- endmacro %}

{#- What a model of classified_person_months_refresh held after its last
    run, read when its pre-hook renders (before the rebuild it may start):
    `is_empty` for an empty table and for one that `rebuild_condition` is
    about to empty, else `processed_at`, the latest run's mark as a SQL
    literal. -#}
{% macro classified_person_months_previous_run(rebuild_condition) -%}
    {%- if not execute -%}
        {{ return({'is_empty': true}) }}
    {%- endif -%}
    {%- set previous_sql -%}
        select
            count(*) = 0 or coalesce({{ rebuild_condition }}, false) as is_empty,
            strftime(max(_processed_at), '%Y-%m-%d %H:%M:%S.%f') as processed_at
        from {{ this }}
    {%- endset -%}
    {%- set row = run_query(previous_sql).rows[0] -%}
    {{ return({
        'is_empty': row[0],
        'processed_at': "cast('" ~ row[1] ~ "' as timestamp)"
    }) }}
{%- endmacro %}


{#- int_person_months_aggregated is rebuilt per person and month. The
    pre-hooks (incremental runs only) empty the table for a run before its
    latest transaction (a replay), then recompute what changed
    (classified_person_months_refresh). No column depends on as_of_date, so
    there is no lookback window: a table built when one column did (the
    90-day activity count) loses that column first. -#}
{% macro person_months_pre_hooks() -%}
    {%- if is_incremental() -%}
        alter table {{ this }} drop column if exists n_activity_transactions_90d;

        {{ classified_person_months_refresh(
            'month', '(select max(last_transaction_date) from ' ~ this ~ ') > ' ~ as_of_date()
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hooks of the models rebuilt per person-month from the classified
    transactions: drops the work table and empties the model's replaced
    person-months, which this run has consumed (on a full build too: they
    are part of it). Nothing on adapters that build the incremental models
    as tables. -#}
{% macro person_months_post_hooks() -%}
    {%- if is_incremental() -%}
        drop table if exists {{ affected_work_table() }};
    {%- endif %}
    {%- if incremental_materialization() == 'incremental' %}
        {{ create_replaced_person_months_table(this.identifier) }};
        delete from {{ replaced_person_months_table(this.identifier) }}
    {%- endif %}
{%- endmacro %}


{#- int_person_value_days_aggregated is rebuilt per person and booking
    month. The pre-hooks (incremental runs only) empty the table for a run
    before its latest booking (a replay) or when the revenue rates differ
    from the ones its rows were computed with (kept in
    `<model>__revenue_rates`), then recompute what changed
    (classified_person_months_refresh: int_transactions_classified rewrites
    whole account-months, so a new version, a reversal or a changed account
    all write rows there). No value of a day depends on as_of_date: a new
    day recomputes the months that day touched. -#}
{% macro value_days_revenue_rates_table() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__revenue_rates'
    )) }}
{%- endmacro %}

{% macro value_days_pre_hooks() -%}
    {%- if is_incremental() -%}
        {%- set rates = clv_revenue_rates() -%}
        {%- set rates_table = value_days_revenue_rates_table() -%}
        {%- set rates_held = adapter.get_relation(
            database=rates_table.database, schema=rates_table.schema, identifier=rates_table.identifier
        ) -%}
        {#- a replay, or rates other than the kept ones (none kept: a table
            built before they were) rebuild the table -#}
        {%- set rebuild_condition -%}
            (select max(booked_date) from {{ this }}) > {{ as_of_date() }}
            {%- if rates_held is none %}
            or true
            {%- else %}
            or not exists (
                select 1
                from {{ rates_held }}
                where
                {%- for kind, rate in rates.items() %}
                    {% if not loop.first %}and {% endif %}{{ kind }}_rate = cast({{ rate }} as double)
                {%- endfor %}
            )
            {%- endif %}
        {%- endset %}
        {{ classified_person_months_refresh('booked_month', rebuild_condition) }}
    {%- endif -%}
{%- endmacro %}

{#- The post-hooks of the monthly aggregates (person_months_post_hooks),
    then keeps the revenue rates the rows were computed with. Nothing on
    adapters that build the model as a table. -#}
{% macro value_days_post_hooks() -%}
    {{ person_months_post_hooks() }}
    {%- if incremental_materialization() == 'incremental' %};

        create or replace table {{ value_days_revenue_rates_table() }} as
        select
        {%- for kind, rate in clv_revenue_rates().items() %}
            cast({{ rate }} as double) as {{ kind }}_rate{% if not loop.last %},{% endif %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}


{#- The latest version per key: the rows of `relation` that are first, per
    value of `partition_by`, in descending `order_by`. Renders a complete
    select statement (on other adapters with an extra column `version_rank`). -#}
{% macro latest_version_per_key(relation, partition_by, order_by) %}
    {{ return(adapter.dispatch('latest_version_per_key', 'customer_segments')(relation, partition_by, order_by)) }}
{% endmacro %}

{% macro default__latest_version_per_key(relation, partition_by, order_by) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by | join(' desc, ') }} desc
            ) as version_rank
        from {{ relation }}
    ) as ranked_versions
    where version_rank = 1
{%- endmacro %}

{#- DuckDB: most keys have one version (99 % of transactions), and a window
    over every wide row ran out of memory at 100,000 persons with 5GB. A
    narrow count per hash of the key finds the repeated ones; only their rows
    are ranked, the rest pass through. A hash collision only sends a key to
    the ranked branch, which is exact. -#}
{% macro duckdb__latest_version_per_key(relation, partition_by, order_by) -%}
    {%- set key_hash = 'hash(' ~ (partition_by | join(', ')) ~ ')' %}
    with repeated_keys as (
        select {{ key_hash }} as key_hash
        from {{ relation }}
        group by 1
        having count(*) > 1
    )

    select *
    from {{ relation }}
    where {{ key_hash }} not in (select key_hash from repeated_keys)
    union all
    select *
    from {{ relation }}
    where {{ key_hash }} in (select key_hash from repeated_keys)
    qualify row_number() over (
        partition by {{ partition_by | join(', ') }}
        order by {{ order_by | join(' desc, ') }} desc
    ) = 1
{%- endmacro %}


{#- int_person_months_spined is rebuilt per person and month. The values of a
    person-month depend only on whether the pair belongs to the spine, on its
    row of int_person_months_aggregated and on its salary credits; the months
    before as_of_date's month do not depend on as_of_date. The pre-hooks
    (incremental runs only) write what to recompute to two work tables and
    delete its rows:
    - `<model>__affected_persons` (person_id, from_month): every month from
      from_month on. Persons whose spine changes shape (new, gone, or a
      different first month: first relationship, `max_history_months`) from
      their first month; other persons from the month after the last one held
      (the months a new as_of_date adds);
    - `<model>__affected` (person_id, month): person-months whose aggregate
      was written since this model's last run or is gone, and person-months
      whose salary differs from the one held.
    Months from as_of_date's month on are deleted first (a replay). -#}
{% macro person_months_spine_affected_persons_table() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__affected_persons'
    )) }}
{%- endmacro %}

{% macro person_months_spine_pre_hooks() -%}
    {%- if is_incremental() -%}
        {%- set affected = affected_work_table() -%}
        {%- set affected_persons = person_months_spine_affected_persons_table() -%}
        {%- set held_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- if '_processed_at' not in held_columns %}
        -- built before the spine was incremental: rebuilt in full
        alter table {{ this }} add column _processed_at timestamp;
        delete from {{ this }};
        {%- endif %}
        delete from {{ this }}
        where month >= {{ month_start(as_of_date()) }};

        create or replace table {{ affected_persons }} as
        with

        persons as (
            select * from {{ ref('int_persons_profiled') }}
        ),

        run_dates as (
            select
                {{ add_months(month_start(as_of_date()), -var('max_history_months', 1200)) }} as first_month,
                {{ add_months(month_start(as_of_date()), -1) }} as last_month
        ),

        expected_persons as (
            select
                persons.person_id,
                case
                    when persons.first_relationship_month > run_dates.first_month
                        then persons.first_relationship_month
                    else run_dates.first_month
                end as first_month,
                run_dates.last_month
            from persons
            cross join run_dates
            where persons.first_relationship_month <= run_dates.last_month
        ),

        stored_persons as (
            select
                person_id,
                min(month) as first_month,
                max(month) as last_month
            from {{ this }}
            group by person_id
        ),

        compared as (
            select
                coalesce(expected_persons.person_id, stored_persons.person_id) as person_id,
                expected_persons.person_id is null
                or stored_persons.person_id is null
                or expected_persons.first_month <> stored_persons.first_month as is_reshaped,
                stored_persons.last_month as stored_last_month,
                expected_persons.last_month as expected_last_month
            from expected_persons
            full outer join stored_persons
                on expected_persons.person_id = stored_persons.person_id
        )

        select
            person_id,
            case
                when is_reshaped then cast('0001-01-01' as date)
                else {{ add_months('stored_last_month', 1) }}
            end as from_month
        from compared
        where is_reshaped or stored_last_month < expected_last_month;

        create or replace table {{ affected }} as
        with

        person_months as (
            select * from {{ ref('int_person_months_aggregated') }}
        ),

        income_credits as (
            select * from {{ ref('int_income_credits_classified') }}
        ),

        previous_run as (
            -- NULL after the rebuild above: every person is then new
            select max(_processed_at) as processed_at
            from {{ this }}
        ),

        salary_months as (
            {{ salary_months_of('income_credits') }}
        ),

        stored_salary_months as (
            select person_id, month, salary_eur, n_salary_credits
            from {{ this }}
            where n_salary_credits > 0
        ),

        affected_months as (
            select person_months.person_id, person_months.month
            from person_months
            cross join previous_run
            where person_months._processed_at > previous_run.processed_at

            union

            -- an aggregate held before and gone since (persons merged away,
            -- transactions cancelled): an aggregate counts at least one transaction
            select stored.person_id, stored.month
            from {{ this }} as stored
            left join person_months
                on
                    stored.person_id = person_months.person_id
                    and stored.month = person_months.month
            where stored.n_transactions > 0 and person_months.person_id is null

            union

            select
                coalesce(salary_months.person_id, stored_salary_months.person_id) as person_id,
                coalesce(salary_months.month, stored_salary_months.month) as month  -- noqa: RF04
            from salary_months
            full outer join stored_salary_months
                on
                    salary_months.person_id = stored_salary_months.person_id
                    and salary_months.month = stored_salary_months.month
            where
                salary_months.person_id is null
                or stored_salary_months.person_id is null
                or salary_months.salary_eur <> stored_salary_months.salary_eur
                or salary_months.n_salary_credits <> stored_salary_months.n_salary_credits
        )

        -- the spine holds the months before as_of_date's month only: rows of
        -- the current month would mark person-months it never writes (every
        -- salary month of it differs from nothing stored: 629,885 a day at
        -- 1,000,000 persons)
        select * from affected_months
        where
            person_id is not null
            and month < {{ month_start(as_of_date()) }};

        delete from {{ this }} as stored
        using {{ affected_persons }} as affected_persons
        where
            stored.person_id = affected_persons.person_id
            and stored.month >= affected_persons.from_month;

        delete from {{ this }} as stored
        using {{ affected }} as affected
        where
            stored.person_id = affected.person_id
            and stored.month = affected.month
    {%- endif -%}
{%- endmacro %}

{#- Salary per person and booking month (column `month`): the salary
    columns of int_person_months_spined, also compared by its pre-hook. -#}
{% macro salary_months_of(income_credits) -%}
    select
        person_id,
        -- `month` is the name the public interface uses
        booked_month as month,  -- noqa: RF04
        cast(sum(amount_eur) as decimal(18, 4)) as salary_eur,
        count(*) as n_salary_credits
    from {{ income_credits }}
    where is_salary
    group by person_id, booked_month
{%- endmacro %}

{#- Drops the work tables of an incremental run. -#}
{% macro person_months_spine_post_hooks() -%}
    {%- if is_incremental() -%}
        drop table if exists {{ affected_work_table() }};
        drop table if exists {{ person_months_spine_affected_persons_table() }}
    {%- endif %}
{%- endmacro %}
