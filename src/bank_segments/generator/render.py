"""Vectorised rendering of numbers and instants as the text the raw contract delivers.

Strings are built with Arrow compute kernels from small dictionaries (dates, times of day,
offsets), which is an order of magnitude faster than formatting each value in Python.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_segments.generator.timeline import DAY

# (minutes east of UTC, suffix). Index 0 is the canonical form.
OFFSETS: tuple[tuple[int, str], ...] = (
    (0, "Z"),
    (0, ""),
    (0, "+00:00"),
    (60, "+01:00"),
    (120, "+02:00"),
    (-120, "-02:00"),
    (-300, "-05:00"),
    (330, "+05:30"),
)
OFFSET_WEIGHTS = np.array([0.55, 0.15, 0.05, 0.1, 0.08, 0.03, 0.03, 0.01])
NEG_TWO = 5  # index of -02:00 in OFFSETS
PLUS_TWO = 4  # index of +02:00 in OFFSETS


@cache
def _times_of_day() -> pa.Array:
    return pa.array(
        [f"T{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
    )


@cache
def _suffixes() -> pa.Array:
    return pa.array([suffix for _, suffix in OFFSETS])


def categorical(indices: np.ndarray, vocab: list[str] | tuple[str, ...] | pa.Array) -> pa.Array:
    """Strings of `vocab` picked by `indices`; a negative index gives NULL."""
    indices = np.asarray(indices)
    dictionary = vocab if isinstance(vocab, pa.Array) else pa.array(list(vocab), pa.string())
    if len(indices) == 0:
        return pa.array([], pa.string())
    mask = indices < 0
    idx = pa.array(np.where(mask, 0, indices).astype(np.int32), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(idx, dictionary).cast(pa.string())


def _dates_from_days(days: np.ndarray, mask: np.ndarray | None) -> pa.Array:
    valid = days if mask is None else days[~mask]
    if len(valid) == 0:
        return pa.nulls(len(days), pa.string())
    lo, hi = int(valid.min()), int(valid.max())
    vocab = pa.array(np.datetime_as_string(np.arange(lo, hi + 1).astype("datetime64[D]")))
    idx = np.clip(days - lo, 0, hi - lo)
    return categorical(idx if mask is None else np.where(mask, -1, idx), vocab)


def dates(ts: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DD` of each UTC instant (NULL where mask)."""
    ts = np.asarray(ts, dtype=np.int64)
    return _dates_from_days(np.floor_divide(ts, DAY), mask)


def timestamps(
    ts: np.ndarray, offset_idx: np.ndarray | None = None, mask: np.ndarray | None = None
) -> pa.Array:
    """ISO 8601 text of each UTC instant, written in the local time of its offset."""
    ts = np.asarray(ts, dtype=np.int64)
    n = len(ts)
    if n == 0:
        return pa.array([], pa.string())
    if offset_idx is None:
        offset_idx = np.zeros(n, dtype=np.int8)
    minutes = np.array([m for m, _ in OFFSETS], dtype=np.int64)[offset_idx]
    local = ts + minutes * 60
    day_part = _dates_from_days(np.floor_divide(local, DAY), mask)
    time_part = categorical(np.mod(local, DAY), _times_of_day())
    suffix = categorical(offset_idx, _suffixes())
    return pc.binary_join_element_wise(day_part, time_part, suffix, "")


def random_offsets(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(len(OFFSETS), size=n, p=OFFSET_WEIGHTS).astype(np.int8)


def money(cents: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Decimal text with two decimals, `-` for negatives (balances are signed)."""
    cents = np.asarray(cents, dtype=np.int64)
    if len(cents) == 0:
        return pa.array([], pa.string())
    magnitude = np.abs(cents)
    whole = pc.cast(pa.array(magnitude // 100), pa.string())
    frac = pc.binary_replace_slice(pc.cast(pa.array(magnitude % 100 + 100), pa.string()), 0, 1, ".")
    sign = categorical((cents < 0).astype(np.int8), ["", "-"])
    text = pc.binary_join_element_wise(sign, whole, frac.cast(pa.string()), "")
    if mask is not None and mask.any():
        text = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), text)
    return text


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` followed by each number zero-padded to `width` digits."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if len(numbers) == 0:
        return pa.array([], pa.string())
    # 10**width + n renders as "1" and the padded digits; the "1" is replaced by the prefix.
    digits = pc.cast(pa.array(numbers + 10**width), pa.string())
    return pc.binary_replace_slice(digits, 0, 1, prefix).cast(pa.string())


def integers(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    arr = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    if mask is not None and mask.any():
        arr = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), arr)
    return arr


def constant(value: str | None, n: int) -> pa.Array:
    if value is None:
        return pa.nulls(n, pa.string())
    return categorical(np.zeros(n, dtype=np.int8), [value])
