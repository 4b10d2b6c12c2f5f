"""Writes pieces into `<out>/<source>/<table>/<batch>[_part<k>].csv|.parquet` and the ground truth.

Large runs are written by two worker processes, each owning a fixed half of the chunks and
its own part file per batch, so that no table data crosses process boundaries. Ground-truth
rows are written per chunk and concatenated in chunk order at the end.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bank_segments.generator.badrows import BadRow
from bank_segments.generator.pieces import Piece
from bank_segments.generator.reference import COLUMNS, SOURCE_OF
from bank_segments.generator.render import constant
from bank_segments.generator.timeline import Timeline

GROUND_TRUTH = "_ground_truth"


class BatchWriter:
    def __init__(self, out: Path, fmt: str, tl: Timeline, suffix: str = "") -> None:
        self.out = out
        self.suffix = suffix
        self.fmt = fmt
        self.tl = tl
        self.loaded_at = tl.loaded_at_text()
        self.parquet: dict[tuple[str, int], pq.ParquetWriter] = {}
        self.csv_started: set[tuple[str, int]] = set()
        self.rows: dict[str, int] = {table: 0 for table in COLUMNS}
        self.schemas = {
            table: pa.schema([(c, pa.string()) for c in cols]) for table, cols in COLUMNS.items()
        }

    def relative_path(self, table: str, batch: int) -> str:
        name = f"{self.tl.batches[batch].name}{self.suffix}"
        return f"{SOURCE_OF[table]}/{table}/{name}.{self.fmt}"

    def path(self, table: str, batch: int) -> Path:
        return self.out / self.relative_path(table, batch)

    def write(self, piece: Piece) -> None:
        if piece.n_rows == 0:
            return
        # Rows come grouped by batch, bad rows appended at the end: the sorted head is written
        # slice by slice, only the tail is reordered.
        decreasing = np.flatnonzero(np.diff(piece.batch) < 0)
        head = int(decreasing[0]) + 1 if len(decreasing) else piece.n_rows
        self._write_sorted(piece.table, piece.data.slice(0, head), piece.batch[:head])
        if head < piece.n_rows:
            order = np.argsort(piece.batch[head:], kind="stable") + head
            self._write_sorted(piece.table, piece.data.take(pa.array(order)), piece.batch[order])
        self.rows[piece.table] += piece.n_rows

    def _write_sorted(self, table: str, data: pa.Table, batches: np.ndarray) -> None:
        starts = np.r_[0, np.flatnonzero(np.diff(batches)) + 1]
        ends = np.r_[starts[1:], len(batches)]
        for lo, hi in zip(starts, ends, strict=True):
            batch = int(batches[lo])
            part = data.slice(int(lo), int(hi - lo))
            part = part.append_column("_loaded_at", constant(self.loaded_at[batch], part.num_rows))
            if part.schema != self.schemas[table]:
                part = part.cast(self.schemas[table])
            self._write_part(table, batch, part)

    def _write_part(self, table: str, batch: int, part: pa.Table) -> None:
        key = (table, batch)
        path = self.path(table, batch)
        if self.fmt == "parquet":
            if key not in self.parquet:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.parquet[key] = pq.ParquetWriter(
                    path, self.schemas[table], compression="snappy"
                )
            self.parquet[key].write_table(part)
            return
        first = key not in self.csv_started
        if first:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.csv_started.add(key)
        with path.open("wb" if first else "ab") as handle:
            pacsv.write_csv(part, handle, pacsv.WriteOptions(include_header=first))

    def close(self) -> None:
        for writer in self.parquet.values():
            writer.close()
        self.parquet.clear()


def truncate_last_line(
    out: Path, transaction_id: str, account_id: str
) -> tuple[BadRow, str] | None:
    """Appends a line cut off mid-row, without a newline, to one transactions CSV batch file."""
    files = sorted((out / SOURCE_OF["transactions"] / "transactions").glob("*.csv"))
    if not files:
        return None
    path = files[len(files) // 2]
    with path.open("ab") as handle:
        handle.write(f'"{transaction_id}","{account_id}","2025-0'.encode())
    row = BadRow(
        "transactions", transaction_id, "truncated_last_line", "unreadable_line", -1, False
    )
    return row, path.relative_to(out).as_posix()


PERSONS_FILE = "persons.csv"
SALARY_FILE = "salary_transactions.csv"
BAD_ROWS_FILE = "bad_rows.csv"
BAD_ROW_COLUMNS = ("source", "table", "business_key", "kind", "expected_reason_code",
                   "has_valid_version", "file_name")  # fmt: skip


def bad_row_record(row: BadRow, file_name: str) -> dict[str, str]:
    return {
        "source": SOURCE_OF[row.table],
        "table": row.table,
        "business_key": row.business_key,
        "kind": row.kind,
        "expected_reason_code": row.reason,
        "has_valid_version": "true" if row.has_valid_version else "false",
        "file_name": file_name,
    }


def parts_dir(out: Path) -> Path:
    return out / GROUND_TRUTH / ".parts"


def write_truth_part(out: Path, chunk: int, persons: list[dict[str, str]], salary_ids: list[str],
                     bad: list[dict[str, str]]) -> None:  # fmt: skip
    """Ground-truth rows of one chunk, without header, merged later in chunk order."""
    folder = parts_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (
        (PERSONS_FILE, list(persons[0]) if persons else [], persons),
        (SALARY_FILE, ["transaction_id"], [{"transaction_id": t} for t in salary_ids]),
        (BAD_ROWS_FILE, list(BAD_ROW_COLUMNS), bad),
    ):
        with (folder / f"{chunk:06d}_{name}").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writerows(rows)


def merge_truth(out: Path, person_columns: list[str], extra_bad: list[dict[str, str]],
                mess: dict[str, int]) -> None:  # fmt: skip
    folder = out / GROUND_TRUTH
    headers = {PERSONS_FILE: person_columns, SALARY_FILE: ["transaction_id"],
               BAD_ROWS_FILE: list(BAD_ROW_COLUMNS)}  # fmt: skip
    for name, header in headers.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as target:
            target.write(",".join(header) + "\n")
            for part in sorted(parts_dir(out).glob(f"*_{name}")):
                with part.open(encoding="utf-8") as source:
                    shutil.copyfileobj(source, target)
            if name == BAD_ROWS_FILE:
                csv.DictWriter(target, fieldnames=header, lineterminator="\n").writerows(extra_bad)
    shutil.rmtree(parts_dir(out))
    with (folder / "mess_counts.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write("mess,count\n")
        handle.writelines(f"{k},{v}\n" for k, v in sorted(mess.items()))
