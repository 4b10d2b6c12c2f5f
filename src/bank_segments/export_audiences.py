"""Write the audience exports for reverse-ETL tools.

For every audience of dim_segments and every as_of_date of the last run
(the dates in fct_segment_membership), one Parquet file
`<out>/<segment_id>/<as_of_date>.parquet` with the persons who entered or
exited the audience since the previous run (mart fct_audience_exports: no
control group, no person without marketing consent). A date without movement
gets a file with no rows, so that the tool can tell "nothing changed" from
"no run". Re-running overwrites the same files with the same rows.

    python -m bank_segments.export_audiences --database warehouse/segments.duckdb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

EXPORT_COLUMNS = "as_of_date, segment_id, segment_version, product_code, person_id, transition"


def export_audiences(database: Path, out_dir: Path) -> list[Path]:
    """Write one file per audience and run date; returns the files written."""
    written: list[Path] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        audiences = [
            row[0]
            for row in con.execute(
                "select segment_id from marts.dim_segments where is_audience order by segment_id"
            ).fetchall()
        ]
        run_dates = [
            row[0]
            for row in con.execute(
                "select distinct as_of_date from marts.fct_segment_membership order by as_of_date"
            ).fetchall()
        ]
        for segment_id in audiences:
            for as_of_date in run_dates:
                target = out_dir / segment_id / f"{as_of_date.isoformat()}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_one(con, segment_id, as_of_date.isoformat(), target)
                written.append(target)
    finally:
        con.close()
    return written


def _write_one(
    con: duckdb.DuckDBPyConnection, segment_id: str, as_of_date: str, target: Path
) -> None:
    relation = con.sql(
        f"select {EXPORT_COLUMNS} from marts.fct_audience_exports "
        "where segment_id = $segment_id and as_of_date = cast($as_of_date as date) "
        "order by transition, person_id",
        params={"segment_id": segment_id, "as_of_date": as_of_date},
    )
    temporary = target.with_suffix(".parquet.tmp")
    relation.write_parquet(str(temporary))
    temporary.replace(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=Path("warehouse/segments.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("exports/audiences"))
    args = parser.parse_args(argv)
    written = export_audiences(args.database, args.out)
    print(f"export_audiences: {len(written)} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
