{#- Returns the keys of `model` (a stg model) that do not hold the latest
    valid version known on as_of_date in `base_model` (its versions: one row
    per delivered version with `is_valid` and `_loaded_at`), the keys with
    such a version that `model` lacks, and the keys `model` holds without
    one: (business_key, latest_version, standing_version).

    Compared without a join over every key: the former check, a group by key
    and a full outer join of 175 million transaction versions with 172
    million stg rows in one query with the seven other tables, ran out of
    disk at 1,000,000 persons after 12.9 GB of temp files.
    - Most keys have one version: a narrow count per 64-bit hash of the key
      finds the repeated ones, and only their versions are grouped (a hash
      collision only sends a key to the exact group).
    - Expected and stg rows are summed per bucket of the key hash (row count
      and sum of a hash of key and version), and only the rows of buckets
      that differ are joined, to name the keys. A difference goes unseen
      only if it leaves both sums of its bucket as they were.
    A generic test per stg model, not one query over every table: DuckDB
    runs the branches of a union side by side, and this SQL over all eight
    tables in one union spilled 13.6 GB; transactions alone spill 1.8 GB.
    Two heavy tests side by side still spill far more than either alone
    (docs/benchmarks.md). -#}
{% test latest_version_stands(model, base_model, business_key, version_column) %}

with

-- read three times (repeated keys, both branches of the expected rows): inlined
known_versions as {{ inlined_cte() }} (
    select
        {{ business_key }} as business_key,
        {{ version_column }} as version
    from {{ base_model }}
    where
        is_valid
        and cast(_loaded_at as date) <= {{ as_of_date() }}
),

repeated_keys as (
    select hash(business_key) as key_hash
    from known_versions
    group by hash(business_key)
    having count(*) > 1
),

expected_versions as {{ inlined_cte() }} (
    select
        business_key,
        version as latest_version
    from known_versions
    where hash(business_key) not in (select repeated_keys.key_hash from repeated_keys)

    union all

    select
        business_key,
        max(version) as latest_version
    from known_versions
    where hash(business_key) in (select repeated_keys.key_hash from repeated_keys)
    group by business_key
),

standing_versions as {{ inlined_cte() }} (
    select
        {{ business_key }} as business_key,
        {{ version_column }} as standing_version
    from {{ model }}
),

expected_buckets as (
    select
        hash(business_key) % 1024 as bucket,
        count(*) as n_rows,
        sum(hash(business_key, latest_version)) as row_hash_sum
    from expected_versions
    group by hash(business_key) % 1024
),

standing_buckets as (
    select
        hash(business_key) % 1024 as bucket,
        count(*) as n_rows,
        sum(hash(business_key, standing_version)) as row_hash_sum
    from standing_versions
    group by hash(business_key) % 1024
),

differing_buckets as (
    select coalesce(expected_buckets.bucket, standing_buckets.bucket) as bucket
    from expected_buckets
    full outer join standing_buckets
        on expected_buckets.bucket = standing_buckets.bucket
    where
        expected_buckets.bucket is null
        or standing_buckets.bucket is null
        or expected_buckets.n_rows <> standing_buckets.n_rows
        or expected_buckets.row_hash_sum <> standing_buckets.row_hash_sum
),

failures as (
    select
        coalesce(expected.business_key, standing.business_key) as business_key,
        expected.latest_version,
        standing.standing_version
    from (
        select * from expected_versions
        where hash(business_key) % 1024 in (select differing_buckets.bucket from differing_buckets)
    ) as expected
    full outer join (
        select * from standing_versions
        where hash(business_key) % 1024 in (select differing_buckets.bucket from differing_buckets)
    ) as standing
        on expected.business_key = standing.business_key
    where
        expected.business_key is null
        or standing.business_key is null
        or expected.latest_version <> standing.standing_version
)

select * from failures

{% endtest %}
