"""Publish the marts for BI tools: one Parquet file per mart and a marts-only DuckDB file.

Runs after a successful `dbt build`, on a read-only connection to the build's
DuckDB file. Every table or view in schema `marts` is written to
`<out>/marts/<model>.parquet`; the same tables go into `<out>/segments_marts.duckdb`, a
database that holds the marts and nothing else (no raw or staging data), for
BI tools that read DuckDB.

Each file is first written next to its destination under a temporary name and
then moved into place with `os.replace`, an atomic rename: a reader opening a
file sees either the previous complete version or the new complete version,
never half a file, and a reader that still has the old file open keeps reading
it. A build in progress never touches these files, so dashboards keep working
while dbt holds the lock on the build database. `_manifest.json` is replaced
last and lists what was published (row counts, as_of_date, time), so a reader
can tell which export it is looking at.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
# The build database is attached read-only under this name to an in-memory
# session, which can then also attach and write the marts-only database.
SOURCE = "build"
MANIFEST_NAME = "_manifest.json"
DATABASE_NAME = "segments_marts.duckdb"


@dataclass(frozen=True)
class ExportedMart:
    """One mart as published: its name, file and row count."""

    name: str
    file: str
    rows: int


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _relation(mart: str) -> str:
    return f"{SOURCE}.{_quote(MARTS_SCHEMA)}.{_quote(mart)}"


@contextmanager
def open_build(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory session with the build database attached read-only as `build`."""
    with duckdb.connect() as con:
        con.execute(f"attach {_sql_string(str(database))} as {SOURCE} (read_only)")
        yield con


def list_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables and views in schema `marts` of the build database, sorted."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? order by table_name",
        [SOURCE, MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


@contextmanager
def atomic_path(destination: Path) -> Iterator[Path]:
    """Yield a temporary path next to `destination`; move it into place on success.

    The temporary file lives in the same folder (same file system), so the
    final `os.replace` is an atomic rename. On error it is removed and the
    previous `destination`, if any, stays as it was.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, destination)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def export_parquet(con: duckdb.DuckDBPyConnection, mart: str, out_dir: Path) -> ExportedMart:
    """Write one mart to `<out_dir>/<mart>.parquet`, atomically."""
    destination = out_dir / f"{mart}.parquet"
    relation = _relation(mart)
    with atomic_path(destination) as tmp:
        con.execute(
            f"copy (select * from {relation}) to {_sql_string(str(tmp))} "
            "(format parquet, compression zstd)"
        )
    (rows,) = con.execute(f"select count(*) from {relation}").fetchone() or (0,)
    return ExportedMart(name=mart, file=destination.name, rows=int(rows))


def export_database(con: duckdb.DuckDBPyConnection, marts: list[str], destination: Path) -> None:
    """Write a DuckDB file holding only schema `marts` with `marts`, atomically."""
    with atomic_path(destination) as tmp:
        con.execute(f"attach {_sql_string(str(tmp))} as bi_export")
        try:
            con.execute(f"create schema bi_export.{_quote(MARTS_SCHEMA)}")
            for mart in marts:
                target = f"bi_export.{_quote(MARTS_SCHEMA)}.{_quote(mart)}"
                con.execute(f"create table {target} as select * from {_relation(mart)}")
        finally:
            con.execute("detach bi_export")


def _as_of_date(con: duckdb.DuckDBPyConnection, marts: list[str]) -> str | None:
    # The membership mart carries the run's as_of_date; features are the fallback.
    for mart in ("fct_segment_membership", "fct_person_features"):
        if mart in marts:
            value = con.execute(f"select max(as_of_date) from {_relation(mart)}").fetchone()
            if value and value[0] is not None:
                return str(value[0])
    return None


def remove_stale(out_dir: Path, keep: set[str]) -> list[str]:
    """Delete Parquet exports of marts that no longer exist; return their names."""
    removed = []
    for path in sorted(out_dir.glob("*.parquet")):
        if path.stem not in keep:
            path.unlink()
            removed.append(path.stem)
    return removed


def write_manifest(
    out_dir: Path, database: Path, as_of: str | None, marts: list[ExportedMart]
) -> Path:
    """Write `_manifest.json` (atomically) describing this export."""
    destination = out_dir / MANIFEST_NAME
    content = {
        "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_database": str(database),
        "as_of_date": as_of,
        "marts": [asdict(mart) for mart in marts],
    }
    with atomic_path(destination) as tmp:
        tmp.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return destination


def export_marts(database: Path, out_dir: Path, with_database: bool = True) -> list[ExportedMart]:
    """Export every mart of `database` to `out_dir/marts/*.parquet` and a marts-only database."""
    parquet_dir = out_dir / "marts"
    with open_build(database) as con:
        marts = list_marts(con)
        if not marts:
            raise RuntimeError(f"no tables in schema '{MARTS_SCHEMA}' of {database}: build first")
        exported = [export_parquet(con, mart, parquet_dir) for mart in marts]
        if with_database:
            export_database(con, marts, out_dir / DATABASE_NAME)
        as_of = _as_of_date(con, marts)
    remove_stale(parquet_dir, {mart.name for mart in exported})
    write_manifest(parquet_dir, database, as_of, exported)
    return exported


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("DUCKDB_PATH", "warehouse/segments.duckdb")),
        help="the DuckDB file dbt built (default: $DUCKDB_PATH)",
    )
    parser.add_argument("--out", type=Path, default=Path("exports"), help="export folder")
    parser.add_argument(
        "--no-database",
        action="store_true",
        help="write the Parquet files only, no segments_marts.duckdb",
    )
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"error: {args.database} does not exist; run the build first", file=sys.stderr)
        return 2
    try:
        exported = export_marts(args.database, args.out, with_database=not args.no_database)
    except (RuntimeError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for mart in exported:
        print(f"  {mart.name:<40} {mart.rows:>10} rows")
    print(f"exported {len(exported)} marts to {args.out / 'marts'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
