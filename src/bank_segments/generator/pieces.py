"""A piece of one raw table produced by a chunk: text columns plus the batch of each row."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from bank_segments.generator.reference import COLUMNS
from bank_segments.generator.render import OFFSETS


@dataclass
class Piece:
    table: str
    data: pa.Table  # contract columns except _loaded_at, all strings
    batch: np.ndarray  # batch index of each row

    @property
    def n_rows(self) -> int:
        return self.data.num_rows


@dataclass
class RowBuilder:
    """Collects rows of a small table as Python values (None = NULL)."""

    table: str
    rows: list[dict[str, str | None]] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)

    def add(self, row: dict[str, str | None], batch: int) -> None:
        self.rows.append(row)
        self.batches.append(int(batch))

    def piece(self) -> Piece:
        columns = [c for c in COLUMNS[self.table] if c != "_loaded_at"]
        data = pa.table(
            {c: pa.array([row.get(c) for row in self.rows], pa.string()) for c in columns}
        )
        return Piece(self.table, data, np.array(self.batches, dtype=np.int32))


def iso(ts: int, offset: int = 0) -> str:
    """ISO 8601 text of a UTC instant in the local time of OFFSETS[offset]."""
    minutes, suffix = OFFSETS[offset]
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(ts) + minutes * 60)) + suffix


def iso_date(ts: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(int(ts)))


def bool_text(value: bool) -> str:
    return "true" if value else "false"


def table_from_arrays(table: str, arrays: dict[str, pa.Array]) -> pa.Table:
    columns = [c for c in COLUMNS[table] if c != "_loaded_at"]
    return pa.table({c: arrays[c] for c in columns})
