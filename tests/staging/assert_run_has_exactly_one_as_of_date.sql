-- The run context must hold exactly one row: as_of_date() is a scalar subquery.
with

as_of_dates as (
    select * from {{ ref('stg_run__as_of_dates') }}
),

row_count as (
    select count(*) as n_rows from as_of_dates
)

select * from row_count
where n_rows <> 1
