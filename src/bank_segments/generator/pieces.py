"""A piece of one raw table produced by a chunk: text columns plus the batch of each row."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pyarrow as pa

from bank_segments.generator.reference import COLUMNS
from bank_segments.generator.render import OFFSETS

T = TypeVar("T")


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


class Draws:
    """Scalar random draws for per-row Python loops, pre-drawn in bulk from a generator.

    Calling a numpy generator once per value costs microseconds; drawing a block of uniforms
    and consuming it value by value keeps the loops fast and the output deterministic.
    """

    def __init__(self, rng: np.random.Generator, block: int = 65_536) -> None:
        self._rng = rng
        self._block = block
        self._values: list[float] = []
        self._next = 0

    def random(self) -> float:
        if self._next >= len(self._values):
            self._values = self._rng.random(self._block).tolist()
            self._next = 0
        value = self._values[self._next]
        self._next += 1
        return value

    def integers(self, low: int, high: int) -> int:
        """An integer in [low, high)."""
        return int(low + int(self.random() * (high - low)))

    def uniform(self, low: float, high: float) -> float:
        return low + self.random() * (high - low)

    def choice(self, options: int | Sequence[T], p: Sequence[float] | None = None) -> T | int:
        items: Sequence = range(options) if isinstance(options, int) else options
        if p is None:
            return items[self.integers(0, len(items))]
        u = self.random()
        total = 0.0
        for item, weight in zip(items, p, strict=True):
            total += weight
            if u < total:
                return item
        return items[-1]
