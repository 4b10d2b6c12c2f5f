"""Print a short summary of a built warehouse: persons, segment sizes, where the marts are."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def summarise(database: Path) -> list[str]:
    """Return the summary lines for the warehouse at `database`."""
    lines: list[str] = []
    with duckdb.connect(str(database), read_only=True) as con:
        if _has_table(con, MARTS_SCHEMA, "dim_persons"):
            rows = con.execute(
                "select origin, count(*) from marts.dim_persons group by origin order by origin"
            ).fetchall()
            total = sum(n for _, n in rows)
            lines.append(f"persons: {total}")
            lines += [f"  {origin:<18} {n:>8}" for origin, n in rows]
        if _has_table(con, MARTS_SCHEMA, "fct_person_features"):
            as_of, customers = con.execute(
                "select max(as_of_date), count(*) from marts.fct_person_features"
            ).fetchone()
            lines.append(f"as_of_date: {as_of}   customers with features: {customers}")
        if _has_table(con, MARTS_SCHEMA, "fct_segment_membership"):
            rows = con.execute(
                """
                select segment_id,
                       count(*) filter (where status = 'in') as members,
                       count(*) filter (where status = 'not_evaluable') as not_evaluable
                from marts.fct_segment_membership
                where as_of_date = (select max(as_of_date) from marts.fct_segment_membership)
                group by segment_id
                order by segment_id
                """
            ).fetchall()
            lines.append(f"segments: {len(rows)} (members / not evaluable)")
            lines += [f"  {sid:<40} {n_in:>8} {n_ne:>8}" for sid, n_in, n_ne in rows]
        if _has_table(con, "staging", "stg_quarantine__rows"):
            rows = con.execute(
                "select table_name, count(*) from staging.stg_quarantine__rows "
                "group by table_name order by table_name"
            ).fetchall()
            lines.append(f"quarantined rows: {sum(n for _, n in rows)}")
            lines += [f"  {table:<24} {n:>8}" for table, n in rows]
    lines.append(f"marts: schema '{MARTS_SCHEMA}' in {database}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, default=Path("warehouse/segments.duckdb"))
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"error: {args.database} does not exist; run the build first", file=sys.stderr)
        return 2
    print("\n".join(summarise(args.database)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
