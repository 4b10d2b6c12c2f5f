"""Writes pieces into `<out>/<source>/<table>/<batch>.csv|.parquet` and the ground truth."""

from __future__ import annotations

import csv
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
    def __init__(self, out: Path, fmt: str, tl: Timeline) -> None:
        self.out = out
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
        return f"{SOURCE_OF[table]}/{table}/{self.tl.batches[batch].name}.{self.fmt}"

    def path(self, table: str, batch: int) -> Path:
        return self.out / self.relative_path(table, batch)

    def write(self, piece: Piece) -> None:
        if piece.n_rows == 0:
            return
        # Rows usually come grouped by batch (bad rows appended at the end): write each run
        # of one batch as a slice; only a scattered piece is reordered first.
        starts = np.r_[0, np.flatnonzero(np.diff(piece.batch)) + 1]
        if len(starts) > 2 * len(np.unique(piece.batch)) + 64:
            order = np.argsort(piece.batch, kind="stable")
            piece = Piece(piece.table, piece.data.take(pa.array(order)), piece.batch[order])
            starts = np.r_[0, np.flatnonzero(np.diff(piece.batch)) + 1]
        ends = np.r_[starts[1:], piece.n_rows]
        for lo, hi in zip(starts, ends, strict=True):
            batch = int(piece.batch[lo])
            part = piece.data.slice(int(lo), int(hi - lo))
            part = part.append_column("_loaded_at", constant(self.loaded_at[batch], part.num_rows))
            part = part.cast(self.schemas[piece.table])
            self._write_part(piece.table, batch, part)
        self.rows[piece.table] += piece.n_rows

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

    def truncate_last_line(self, transaction_id: str, account_id: str) -> BadRow | None:
        """Appends a line cut off mid-row, without a newline, to one transactions batch file."""
        if self.fmt != "csv":
            return None
        batches = sorted(b for t, b in self.csv_started if t == "transactions")
        if not batches:
            return None
        batch = batches[len(batches) // 2]
        with self.path("transactions", batch).open("ab") as handle:
            handle.write(f'"{transaction_id}","{account_id}","2025-0'.encode())
        self.rows["transactions"] += 1
        return BadRow(
            "transactions", transaction_id, "truncated_last_line", "unreadable_line", batch, False
        )


def write_ground_truth(
    out: Path,
    persons: list[dict[str, str]],
    salary_ids: list[str],
    bad: list[tuple[BadRow, str]],
    mess: dict[str, int],
) -> None:
    folder = out / GROUND_TRUTH
    folder.mkdir(parents=True, exist_ok=True)
    if persons:
        _write_csv(folder / "persons.csv", list(persons[0]), persons)
    _write_csv(
        folder / "salary_transactions.csv",
        ["transaction_id"],
        [{"transaction_id": t} for t in salary_ids],
    )
    _write_csv(
        folder / "bad_rows.csv",
        [
            "source",
            "table",
            "business_key",
            "kind",
            "expected_reason_code",
            "has_valid_version",
            "file_name",
        ],
        [
            {
                "source": SOURCE_OF[row.table],
                "table": row.table,
                "business_key": row.business_key,
                "kind": row.kind,
                "expected_reason_code": row.reason,
                "has_valid_version": "true" if row.has_valid_version else "false",
                "file_name": file_name,
            }
            for row, file_name in bad
        ],
    )
    _write_csv(
        folder / "mess_counts.csv",
        ["mess", "count"],
        [{"mess": k, "count": str(v)} for k, v in sorted(mess.items())],
    )


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
