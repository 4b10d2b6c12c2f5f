"""Demo raw data of a digital bank, written exactly as the raw contract delivers it.

    python -m bank_segments.generate --persons 2000 --seed 42 --out data/raw --format parquet

Persons are generated in chunks, each from its own seed derived from `--seed`, so the output
is byte-identical for the same arguments whatever the number of worker processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import numpy as np

from bank_segments.generator import engagement
from bank_segments.generator.chunk import CHUNK_SIZE, ChunkResult, generate_chunk
from bank_segments.generator.reference import SOURCE_OF
from bank_segments.generator.timeline import Timeline, add_months, build_timeline
from bank_segments.generator.writer import GROUND_TRUTH, BatchWriter, write_ground_truth

DEFAULT_END = dt.date(2026, 10, 31)
DEFAULT_MONTHS = 24
DEFAULT_DAYS = 7


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bank_segments.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--persons", type=int, required=True, help="natural persons to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
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
    return [
        (i, min(CHUNK_SIZE, persons - i * CHUNK_SIZE)) for i in range(-(-persons // CHUNK_SIZE))
    ]


def _results(args: argparse.Namespace, tl: Timeline, specs: list[dict]):
    chunks = _chunks(args.persons)
    workers = args.workers if args.workers is not None else (2 if len(chunks) > 1 else 1)
    if workers <= 1:
        for index, size in chunks:
            yield generate_chunk(args.seed, index, size, tl, specs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: list[Future[ChunkResult]] = []
        queue = list(chunks)
        while queue or pending:
            while queue and len(pending) < workers + 1:
                index, size = queue.pop(0)
                pending.append(pool.submit(generate_chunk, args.seed, index, size, tl, specs))
            yield pending.pop(0).result()


def run(args: argparse.Namespace) -> dict[str, int]:
    started = time.monotonic()
    tl = build_timeline(args.start_date, args.end_date, args.days)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    writer = BatchWriter(args.out, args.format, tl)
    specs, campaigns = engagement.campaigns(np.random.default_rng(args.seed), tl)
    writer.write(campaigns)
    persons: list[dict[str, str]] = []
    salary: list[str] = []
    bad: list = []
    mess: Counter[str] = Counter()
    done = 0
    total_chunks = len(_chunks(args.persons))
    for result in _results(args, tl, specs):
        for piece in result.pieces.values():
            writer.write(piece)
        persons.extend(result.persons)
        salary.extend(result.salary_ids)
        bad.extend((row, writer.relative_path(row.table, row.batch)) for row in result.bad_rows)
        mess.update(result.mess)
        done += result.n_persons
        if not args.quiet:
            print(
                f"chunk {result.index + 1}/{total_chunks}: {done} persons, "
                f"{sum(writer.rows.values()):,} rows, {time.monotonic() - started:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    writer.close()
    truncated = writer.truncate_last_line("TX99990000000001", "AC0000000000")
    if truncated is not None:
        bad.append((truncated, writer.relative_path("transactions", truncated.batch)))
    mess.update({f"bad_rows.{row.table}.{row.kind}": 1 for row, _ in bad})
    write_ground_truth(args.out, persons, salary, bad, dict(mess))
    if not args.quiet:
        rows = ", ".join(f"{SOURCE_OF[t]}.{t}={n:,}" for t, n in writer.rows.items())
        print(
            f"wrote {args.persons} persons to {args.out} ({args.format}) in "
            f"{time.monotonic() - started:.1f} s: {rows}; ground truth in {GROUND_TRUTH}/",
            file=sys.stderr,
        )
    return dict(writer.rows)


def main(argv: list[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
