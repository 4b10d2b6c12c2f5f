"""Demo raw data of a digital bank, written exactly as the raw contract delivers it.

    python -m bank_segments.generate --persons 2000 --seed 42 --out data/raw --format parquet

Persons are generated in chunks, each from its own seed derived from `--seed`, so the output
is byte-identical for the same arguments whatever the number of worker processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import numpy as np

from bank_segments.generator import engagement
from bank_segments.generator.chunk import CHUNK_SIZE, PERSON_COLUMNS, generate_chunk
from bank_segments.generator.reference import SOURCE_OF
from bank_segments.generator.timeline import Timeline, add_months, build_timeline
from bank_segments.generator.writer import (
    GROUND_TRUTH,
    BatchWriter,
    bad_row_record,
    merge_truth,
    truncate_last_line,
    write_truth_part,
)

DEFAULT_END = dt.date(2026, 10, 31)
DEFAULT_MONTHS = 24
DEFAULT_DAYS = 7
PARTS = 2  # chunks are split over two writers (and processes) in larger runs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bank_segments.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--persons", type=int, required=True, help="natural persons to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder; its source folders and ground truth are replaced",
    )
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet")
    parser.add_argument(
        "--start-date",
        type=dt.date.fromisoformat,
        default=None,
        help=f"first day of history (default: {DEFAULT_MONTHS} months before the end)",
    )
    parser.add_argument("--end-date", type=dt.date.fromisoformat, default=DEFAULT_END)
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        help="the last N days are delivered as daily batches",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: 2 when there is more than one chunk)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.persons < 1:
        parser.error("--persons must be at least 1")
    if args.start_date is None:
        args.start_date = add_months(args.end_date.replace(day=1), 1 - DEFAULT_MONTHS)
    return args


def _chunks(persons: int) -> list[tuple[int, int]]:
    n_chunks = -(-persons // CHUNK_SIZE)
    return [(i, min(CHUNK_SIZE, persons - i * CHUNK_SIZE)) for i in range(n_chunks)]


@dataclass
class Progress:
    """Persons and rows done, shared by the worker processes, and the progress lines."""

    chunks: Synchronized
    persons: Synchronized
    rows: Synchronized
    started: float
    total_chunks: int
    quiet: bool

    def report(self, n_persons: int, n_rows: int) -> None:
        with self.persons.get_lock():
            self.chunks.value += 1
            self.persons.value += n_persons
            self.rows.value += n_rows
            chunks, done, rows = self.chunks.value, self.persons.value, self.rows.value
        if not self.quiet:
            elapsed = time.monotonic() - self.started
            line = f"chunk {chunks}/{self.total_chunks}: {done:,} persons, {rows:,} rows"
            print(f"{line}, {elapsed:.1f} s", file=sys.stderr, flush=True)


_progress: Progress | None = None


def _init_worker(progress: Progress) -> None:
    global _progress
    _progress = progress


@dataclass
class PartSummary:
    rows: dict[str, int]
    mess: Counter[str]


def run_part(
    seed: int,
    part: int,
    n_parts: int,
    persons: int,
    tl: Timeline,
    specs: list[dict],
    out: Path,
    fmt: str,
) -> PartSummary:
    """Generates and writes every `n_parts`-th chunk, starting at `part`, into its own files."""
    writer = BatchWriter(out, fmt, tl, suffix=f"_part{part}" if n_parts > 1 else "")
    mess: Counter[str] = Counter()
    for index, size in _chunks(persons)[part::n_parts]:
        result = generate_chunk(seed, index, size, tl, specs)
        before = sum(writer.rows.values())
        for piece in result.pieces.values():
            writer.write(piece)
        bad = [bad_row_record(r, writer.relative_path(r.table, r.batch)) for r in result.bad_rows]
        write_truth_part(out, index, result.persons, result.salary_ids, bad)
        mess.update(result.mess)
        mess.update(f"bad_rows.{r.table}.{r.kind}" for r in result.bad_rows)
        if _progress is not None:
            _progress.report(size, sum(writer.rows.values()) - before)
    writer.close()
    return PartSummary(dict(writer.rows), mess)


def run(args: argparse.Namespace) -> dict[str, int]:
    started = time.monotonic()
    tl = build_timeline(args.start_date, args.end_date, args.days)
    # Only what this generator writes is replaced; anything else in the folder stays.
    for name in (*sorted(set(SOURCE_OF.values())), GROUND_TRUTH):
        shutil.rmtree(args.out / name, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    campaigns_writer = BatchWriter(args.out, args.format, tl)
    specs, campaigns = engagement.campaigns(np.random.default_rng(args.seed), tl)
    campaigns_writer.write(campaigns)
    campaigns_writer.close()

    n_chunks = len(_chunks(args.persons))
    n_parts = 1 if n_chunks == 1 else PARTS
    workers = min(args.workers if args.workers is not None else PARTS, n_parts)
    ctx = mp.get_context("fork")
    counters = (ctx.Value("q", 0), ctx.Value("q", 0), ctx.Value("q", 0))
    progress = Progress(*counters, started, n_chunks, args.quiet)
    jobs = [
        (args.seed, part, n_parts, args.persons, tl, specs, args.out, args.format)
        for part in range(n_parts)
    ]
    if workers <= 1:
        _init_worker(progress)
        summaries = [run_part(*job) for job in jobs]
    else:
        with ctx.Pool(workers, initializer=_init_worker, initargs=(progress,)) as pool:
            summaries = pool.starmap(run_part, jobs)

    rows = Counter(campaigns_writer.rows)
    mess: Counter[str] = Counter()
    for summary in summaries:
        rows.update(summary.rows)
        mess.update(summary.mess)
    extra_bad = []
    if args.format == "csv":
        truncated = truncate_last_line(args.out, "TX99990000000001", "AC0000000000")
        if truncated is not None:
            extra_bad.append(bad_row_record(*truncated))
            mess["bad_rows.transactions.truncated_last_line"] += 1
            rows["transactions"] += 1
    merge_truth(args.out, list(PERSON_COLUMNS), extra_bad, dict(mess))
    if not args.quiet:
        text = ", ".join(f"{SOURCE_OF[t]}.{t}={rows[t]:,}" for t in SOURCE_OF)
        print(
            f"wrote {args.persons:,} persons to {args.out} ({args.format}) in "
            f"{time.monotonic() - started:.1f} s: {text}; ground truth in {GROUND_TRUTH}/",
            file=sys.stderr,
        )
    return dict(rows)


def main(argv: list[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
