"""`make bench`: cost of the dbt project against the bare DuckDB engine, at several sizes.

For every size (persons) the benchmark generates the raw data once (Parquet, the last day
delivered as a daily batch) into `data/bench/<persons>/`, and links every file except the
last daily batch into a working raw folder. Then, `--repeats` times (one count for every
size, or one per size in ascending order of size):

1. full build: `dbt build --full-refresh` without tests, on a fresh DuckDB file;
2. tests: `dbt test` (no unit tests) on the built file, on `--test-threads` dbt threads
   (default 1: each DuckDB query already runs on every core, and two heavy tests side by
   side share one `memory_limit` and spill many times what either spills alone);
3. incremental day: the last day's files are linked in and `dbt build` (no tests) runs on
   the same file (no copy: at 1,000,000 persons the file is tens of GB);
4. floor: one DuckDB query that reads every raw transaction file of the history once and
   aggregates count and amount by account and booked month.

Every step is its own process: its wall time and peak resident memory (`wait4` rusage)
are its own. While a dbt step runs, its resident memory is also sampled every
`RSS_SAMPLE_SECONDS`, so that the highest samples can be matched to the nodes running at
the time. The medians, the ratios, the goals, the slowest models of `run_results.json` and
the nodes with the highest memory are printed and written into the generated section of
`docs/benchmarks.md`.

Each measured size is also stored, with the commit it ran on and the time it finished, in
`<target root>/<persons>/size_result.json`. `--reuse` (`make bench BENCH_SIZES="100000
1000000" BENCH_REUSE=100000`) loads those sizes from there instead of measuring them again,
so that a size of hours can be measured in one invocation and reported with sizes measured
in another; the document shows, per size, the commit and the time it was measured.

`--skip tests incremental` leaves those steps out at the sizes measured in this
invocation: `make bench BENCH_SIZES="100000 1000000" BENCH_REUSE=100000 BENCH_SKIP=tests`
measures 1,000,000 persons without the tests. The full build and the floor are always
measured: the incremental day runs on the full build's file and every ratio is to the
floor. A skipped step shows as "not measured" in the tables, its ratios and its goals;
the peak memory is then that of the measured steps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import TypeVar

SEED = 42
DAYS = 2  # daily batches at the end of the window: the last one is held back, the one
# before it makes the history end on a complete day (a monthly batch would leave the
# as_of_date without its loads)
FORMAT = "parquet"
MARKER = ".bench_complete.json"
RESULT_FILE = "size_result.json"  # a measured size, in target_bench/<persons>/
PART_SUFFIX = re.compile(r"_part[0-9]+$")
RAW_SUFFIXES = (".parquet", ".csv", ".csv.gz")

# Goals of issue 7, evaluated at the largest size measured (they are set for 1,000,000).
GOAL_PERSONS = 1_000_000
FULL_OVER_FLOOR_MAX = 5.0
TESTS_OVER_FLOOR_MAX = 2.0
INCREMENTAL_OVER_FULL_MAX = 0.10
GB = 1000**3  # decimal gigabytes, as DuckDB reads "8GB"
PROFILE_MEMORY_LIMIT = "4GB"  # profiles.yml's default of DUCKDB_MEMORY_LIMIT
PEAK_MEMORY_MAX_BYTES = 8 * GB
# 1M / 100k full build under 12: 1.2 times the growth in persons.
SCALE_OVER_PERSONS_MAX = 1.2

STEPS = ("full", "tests", "incremental", "floor")
ALWAYS_MEASURED = ("full", "floor")  # the incremental day needs the full build's file
SKIPPABLE = ("tests", "incremental")
T = TypeVar("T", float, int)  # a node figure: seconds or bytes
BUILD_STEPS = ("full", "incremental")  # the steps that run models: timed and sampled by node
NODE_KINDS = ("model", "seed", "snapshot", "operation")  # what the builds execute
# What the on-run-start hooks of dbt_project.yml do, in their order (dbt numbers them from 0).
ON_RUN_START_HOOKS = ("engine settings", "raw file load")
NOT_MEASURED = "not measured"
STEP_LABELS = {
    "full": "full build (no tests)",
    "tests": "tests",
    "incremental": "incremental day",
    "floor": "engine floor",
}
# dbt threads of the tests step: one query at a time (at 1,000,000 persons two latest-version
# checks side by side spilled 20 GB of temp files in 40 s, one alone 1.8 GB)
TEST_THREADS = 1
EXCLUDE_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
RSS_SAMPLE_SECONDS = 0.5  # how often the memory of a running dbt process is read
DB_NAME = "bench.duckdb"  # same file name for the full and incremental copies: same catalog
DOCS = "docs/benchmarks.md"  # the figures, relative to the project
BEGIN = "<!-- benchmark:begin -->"
END = "<!-- benchmark:end -->"
DEFAULT_INTRO = "# Benchmarks\n\nFigures written by `make bench`.\n\n"


class BenchmarkError(RuntimeError):
    """A step of the benchmark failed."""


# --- pure parts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_bytes: int


@dataclass(frozen=True)
class Stat:
    median: float
    low: float
    high: float
    peak_rss_bytes: int  # the highest peak over the repeats
    runs: int


def summarise(samples: Sequence[Sample]) -> Stat:
    if not samples:
        raise ValueError("no samples to summarise")
    seconds = [s.seconds for s in samples]
    return Stat(
        median=statistics.median(seconds),
        low=min(seconds),
        high=max(seconds),
        peak_rss_bytes=max(s.peak_rss_bytes for s in samples),
        runs=len(samples),
    )


def measured_steps(skip: Collection[str] = ()) -> tuple[str, ...]:
    """The steps to run, in their order: every step except the skipped ones."""
    unknown = set(skip) - set(SKIPPABLE)
    if unknown:
        raise ValueError(f"only {', '.join(SKIPPABLE)} can be skipped, not {sorted(unknown)}")
    return tuple(step for step in STEPS if step not in skip)


@dataclass(frozen=True)
class Verdict:
    goal: str
    measured: str
    met: bool | None  # None: a step of the goal was not measured
    margin: str


def check_at_most(goal: str, value: float, limit: float, unit: str = "x") -> Verdict:
    """A goal `value <= limit`: the margin is the headroom when met, the excess when missed."""
    measured = f"{value:.2f}{unit}"
    if value <= limit:
        headroom = (1 - value / limit) * 100 if limit else 0.0
        return Verdict(goal, measured, True, f"met, {headroom:.0f} % headroom")
    excess = (value / limit - 1) * 100 if limit else float("inf")
    return Verdict(
        goal, measured, False, f"missed by {excess:.0f} % ({measured} against {limit:g}{unit})"
    )


def check_measured(goal: str, value: float | None, limit: float, unit: str = "x") -> Verdict:
    """`check_at_most`, or "not measured" when the value needs a skipped step."""
    if value is None:
        return Verdict(goal, NOT_MEASURED, None, NOT_MEASURED)
    return check_at_most(goal, value, limit, unit)


@dataclass
class SizeResult:
    persons: int
    transactions_history: int
    transactions_day: int
    raw_files_history: int
    raw_files_day: int
    stats: dict[str, Stat]  # the measured steps only: tests and incremental can be skipped
    slowest: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    # per step: the nodes with the highest process RSS sampled while they ran (bytes)
    memory_by_node: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    failed_tests: list[str] = field(default_factory=list)
    floor_groups: int = 0
    database_bytes: int = 0
    commit: str = "unknown"  # of the project when the size was measured; "+changes" if dirty
    finished_at: str = "unknown"  # UTC

    def ratio(self, numerator: str, denominator: str) -> float | None:
        """None when either step was not measured."""
        if numerator not in self.stats or denominator not in self.stats:
            return None
        below = self.stats[denominator].median
        return self.stats[numerator].median / below if below > 0 else float("inf")

    @property
    def peak_rss_bytes(self) -> int:
        """The highest peak of the measured steps."""
        return max(stat.peak_rss_bytes for stat in self.stats.values())

    @property
    def missing_steps(self) -> list[str]:
        return [step for step in STEPS if step not in self.stats]


def goal_verdicts(results: Sequence[SizeResult]) -> list[Verdict]:
    """The goals of issue 7 at the largest size, and the growth from the smallest to it."""
    if not results:
        return []
    ordered = sorted(results, key=lambda r: r.persons)
    big = ordered[-1]
    incremental = big.ratio("incremental", "full")
    verdicts = [
        check_measured(
            f"full build <= {FULL_OVER_FLOOR_MAX:g}x floor",
            big.ratio("full", "floor"),
            FULL_OVER_FLOOR_MAX,
        ),
        check_measured(
            f"tests <= a further {TESTS_OVER_FLOOR_MAX:g}x floor",
            big.ratio("tests", "floor"),
            TESTS_OVER_FLOOR_MAX,
        ),
        check_measured(
            f"incremental day <= {INCREMENTAL_OVER_FULL_MAX:.0%} of full build",
            None if incremental is None else incremental * 100,
            INCREMENTAL_OVER_FULL_MAX * 100,
            " %",
        ),
        peak_memory_verdict(big),
    ]
    small = ordered[0]
    if small.persons < big.persons:
        growth = big.persons / small.persons
        limit = SCALE_OVER_PERSONS_MAX * growth
        verdicts.append(
            check_at_most(
                f"full build {big.persons:,} / {small.persons:,} < {limit:g} (linear growth)",
                scale_ratio(small, big),
                limit,
            )
        )
    return verdicts


def peak_memory_verdict(result: SizeResult) -> Verdict:
    """A skipped step may peak higher: a met goal names the steps it does not cover."""
    verdict = check_at_most(
        f"peak memory < {PEAK_MEMORY_MAX_BYTES / GB:g} GB",
        result.peak_rss_bytes / GB,
        PEAK_MEMORY_MAX_BYTES / GB,
        " GB",
    )
    if not verdict.met or not result.missing_steps:
        return verdict
    skipped = ", ".join(STEP_LABELS[step] for step in result.missing_steps)
    return replace(verdict, margin=f"{verdict.margin} ({skipped} {NOT_MEASURED})")


def scale_ratio(small: SizeResult, big: SizeResult) -> float:
    below = small.stats["full"].median
    return big.stats["full"].median / below if below > 0 else float("inf")


def slowest_nodes(run_results: Sequence[dict], top: int = 10) -> list[tuple[str, float]]:
    """The slowest models, seeds and hooks, median execution time over several run_results."""
    times: dict[str, list[float]] = {}
    for document in run_results:
        for result in document.get("results", []):
            unique_id = result.get("unique_id", "")
            kind = unique_id.split(".", 1)[0]
            if kind not in NODE_KINDS:
                continue
            times.setdefault(node_label(unique_id), []).append(float(result["execution_time"]))
    medians = [(name, statistics.median(values)) for name, values in times.items()]
    return sorted(medians, key=lambda item: (-item[1], item[0]))[:top]


def node_label(unique_id: str) -> str:
    """A node's name in the tables; every on-run-start hook is a node of its own.

    dbt numbers the hooks from 0 (`<project>-on-run-start-<n>`); the two hooks once shared
    one label, so the raw-file load was read as the median of itself and the settings hook.
    """
    parts = unique_id.split(".")
    if parts[0] == "operation":
        hook, _, index = parts[-1].rpartition("-")
        if hook.endswith("on-run-start") and index.isdigit():
            number = int(index)
            what = ON_RUN_START_HOOKS[number] if number < len(ON_RUN_START_HOOKS) else None
            return f"on-run-start hook {number}" + (f" ({what})" if what else "")
        return parts[-1]
    return parts[-1] if parts[0] == "model" else f"{parts[0]} {parts[-1]}"


def node_intervals(run_result: dict) -> list[tuple[str, float, float]]:
    """(label, start, end) in epoch seconds of every timed model, seed and hook execution.

    A model's work is its `execute` timing; a hook's SQL runs while dbt renders it, so a
    hook spans all its timings (the raw-file load is in `compile`).
    """
    intervals = []
    for result in run_result.get("results", []):
        unique_id = result.get("unique_id", "")
        kind = unique_id.split(".", 1)[0]
        if kind not in NODE_KINDS:
            continue
        timings = [
            timing
            for timing in result.get("timing", [])
            if timing.get("started_at") and (kind == "operation" or timing.get("name") == "execute")
        ]
        if timings:
            start = min(dt.datetime.fromisoformat(t["started_at"]).timestamp() for t in timings)
            end = max(dt.datetime.fromisoformat(t["completed_at"]).timestamp() for t in timings)
            intervals.append((node_label(unique_id), start, end))
    return intervals


def memory_by_node(
    runs: Sequence[tuple[dict, Sequence[tuple[float, int]]]], top: int = 5
) -> list[tuple[str, int]]:
    """The nodes with the highest RSS sampled while they executed, highest over the runs.

    A run is its run_results document and its (epoch seconds, RSS bytes) samples. The RSS
    is the whole dbt process's: a sample taken while two nodes run counts for both, so a
    node's figure is an upper bound of what it adds.
    """
    peaks: dict[str, int] = {}
    for run_result, samples in runs:
        for label, start, end in node_intervals(run_result):
            during = [rss for at, rss in samples if start <= at <= end]
            if during:
                peaks[label] = max(peaks.get(label, 0), max(during))
    return sorted(peaks.items(), key=lambda item: (-item[1], item[0]))[:top]


def failed_tests(run_results: Iterable[dict]) -> list[str]:
    """Names of the data tests that failed or errored in any of the runs."""
    names = {
        result["unique_id"].split(".")[2]
        for document in run_results
        for result in document.get("results", [])
        if result.get("status") in ("fail", "error") and result.get("unique_id", "").count(".") >= 2
    }
    return sorted(names)


# --- stored sizes --------------------------------------------------------------------------


def result_to_json(result: SizeResult) -> str:
    return json.dumps(asdict(result), indent=2) + "\n"


def result_from_json(text: str) -> SizeResult:
    """The inverse of `result_to_json`: Stat objects and (name, seconds) tuples again."""
    data = json.loads(text)
    data["stats"] = {step: Stat(**stat) for step, stat in data["stats"].items()}
    if not set(ALWAYS_MEASURED) <= data["stats"].keys() <= set(STEPS):
        raise ValueError(f"steps {sorted(data['stats'])}: {', '.join(ALWAYS_MEASURED)} needed")
    data["slowest"] = {
        step: [(str(name), float(seconds)) for name, seconds in nodes]
        for step, nodes in data.get("slowest", {}).items()
    }
    data["memory_by_node"] = {
        step: [(str(name), int(rss)) for name, rss in nodes]
        for step, nodes in data.get("memory_by_node", {}).items()
    }
    return SizeResult(**data)


def result_path(target_root: Path, persons: int) -> Path:
    return target_root / str(persons) / RESULT_FILE


def write_result(path: Path, result: SizeResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result_to_json(result), encoding="utf-8")


def load_result(path: Path, persons: int) -> SizeResult:
    """A size stored by an earlier invocation; a clear error when it is missing or broken."""
    if not path.is_file():
        raise BenchmarkError(
            f"no stored result for {persons:,} persons: {path} does not exist "
            "(measure that size once without reusing it)"
        )
    try:
        result = result_from_json(path.read_text(encoding="utf-8"))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise BenchmarkError(f"{path} is not a stored size result: {error}") from error
    if result.persons != persons:
        raise BenchmarkError(f"{path} holds {result.persons:,} persons, not {persons:,}")
    return result


def git_output(project_dir: Path, *args: str) -> str:
    command = ["git", *args]
    return subprocess.run(
        command, cwd=project_dir, check=True, capture_output=True, text=True
    ).stdout.strip()


def project_commit(project_dir: Path, output: str = DOCS) -> str:
    """Short commit of the project, "+changes" when tracked files differ from it.

    The benchmark's own output file does not count: a run of one size writes it
    before the next size is measured on the same code.
    """
    try:
        commit = git_output(project_dir, "rev-parse", "--short", "HEAD")
        changes = git_output(
            project_dir,
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ".",
            f":(exclude){output}",
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"  # no git, or not a repository
    return commit + ("+changes" if changes else "")


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# --- held-back day -------------------------------------------------------------------------


def batch_name(path: Path) -> str:
    """File stem without the writer's `_part<k>` suffix: the batch that delivered the file."""
    name = path.name
    for suffix in RAW_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return PART_SUFFIX.sub("", name)


def raw_files(raw_dir: Path) -> list[Path]:
    """Every raw landing file, `<source>/<table>/<batch>.<ext>`, relative to `raw_dir`."""
    found = [
        path.relative_to(raw_dir)
        for path in raw_dir.glob("*/*/*")
        if path.is_file()
        and not path.parts[-3].startswith("_")
        and path.name.endswith(RAW_SUFFIXES)
    ]
    return sorted(found)


def split_last_batch(files: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(history, last day): the files of the latest batch over all tables are held back.

    Batch names are `batch_<load date>`, so the latest one sorts last; a table without a
    file in that batch simply gets no new file.
    """
    files = sorted(files)
    if not files:
        raise BenchmarkError("no raw files found")
    last = max(batch_name(path) for path in files)
    history = [path for path in files if batch_name(path) != last]
    day = [path for path in files if batch_name(path) == last]
    if not history:
        raise BenchmarkError(f"every raw file belongs to the last batch {last}: no history")
    return history, day


def link_files(files: Iterable[Path], source_dir: Path, target_dir: Path) -> None:
    for relative in files:
        link = target_dir / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to((source_dir / relative).resolve())


def unlink_files(files: Iterable[Path], target_dir: Path) -> None:
    for relative in files:
        (target_dir / relative).unlink(missing_ok=True)


def is_transactions(path: Path) -> bool:
    return len(path.parts) >= 2 and path.parts[-2] == "transactions"


# --- generated data ------------------------------------------------------------------------


def generator_args(persons: int, days: int = DAYS) -> dict[str, object]:
    return {"persons": persons, "seed": SEED, "days": days, "format": FORMAT}


def is_complete(data_dir: Path, persons: int, days: int = DAYS) -> bool:
    marker = data_dir / MARKER
    if not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text(encoding="utf-8")) == generator_args(persons, days)
    except json.JSONDecodeError:
        return False


def prepare_data(data_dir: Path, persons: int, days: int = DAYS) -> None:
    """Generates the raw data unless the marker says it is there for the same arguments."""
    if is_complete(data_dir, persons, days):
        print(f"==> reusing {data_dir}", flush=True)
        return
    (data_dir / MARKER).unlink(missing_ok=True)
    print(f"==> generating {persons:,} persons into {data_dir}", flush=True)
    args = generator_args(persons, days)
    command = [
        sys.executable,
        "-m",
        "bank_segments.generate",
        "--persons",
        str(persons),
        "--seed",
        str(args["seed"]),
        "--days",
        str(args["days"]),
        "--format",
        FORMAT,
        "--out",
        str(data_dir),
    ]
    subprocess.run(command, check=True)
    (data_dir / MARKER).write_text(json.dumps(args) + "\n", encoding="utf-8")


def parquet_rows(paths: Iterable[Path]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(path).metadata.num_rows for path in paths)


# --- measured steps ------------------------------------------------------------------------


def current_rss_bytes(pid: int) -> int | None:
    """The resident set size of a running process (Linux /proc), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # kB
    return None


class RssSampler(threading.Thread):
    """Reads a process's RSS every `interval` seconds: (epoch seconds, bytes) samples."""

    def __init__(self, pid: int, interval: float = RSS_SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stopped = threading.Event()

    def run(self) -> None:
        while True:  # one sample before the first wait: a short process has one too
            rss = current_rss_bytes(self.pid)
            if rss is not None:
                self.samples.append((time.time(), rss))
            if self._stopped.wait(self.interval):
                return

    def stop(self) -> list[tuple[float, int]]:
        self._stopped.set()
        self.join()
        return self.samples


def run_measured(
    command: list[str], env: dict[str, str], cwd: Path, log: Path
) -> tuple[Sample, int, list[tuple[float, int]]]:
    """Runs one process to its end; wall time, peak RSS, exit code and the RSS samples."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as handle:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
        sampler = RssSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        samples = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux
    return Sample(seconds, usage.ru_maxrss * 1024), process.returncode, samples


def log_tail(log: Path, lines: int = 25) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


@dataclass(frozen=True)
class Workspace:
    project_dir: Path
    persons: int
    data_dir: Path
    work_dir: Path  # warehouse/bench/<persons>
    target_root: Path  # target_bench/<persons>
    days: int = DAYS
    test_threads: int = TEST_THREADS

    @property
    def raw_dir(self) -> Path:
        return self.work_dir / "raw"

    def db(self, step: str) -> Path:
        return self.work_dir / step / DB_NAME

    def target(self, step: str) -> Path:
        return self.target_root / step

    def log(self, step: str, repeat: int) -> Path:
        return self.target_root / "logs" / f"{step}_{repeat}.log"

    def results(self, step: str, repeat: int) -> Path:
        return self.target_root / "run_results" / f"{step}_{repeat}.json"

    def memory(self, step: str, repeat: int) -> Path:
        """The (epoch seconds, RSS bytes) samples of a dbt step's run."""
        return self.target_root / "memory" / f"{step}_{repeat}.json"


def dbt_env(ws: Workspace, db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(ws.project_dir),
        PYTHONPATH=str(ws.project_dir / "src"),
        RAW_DATA_DIR=str(ws.raw_dir.resolve()),
        DUCKDB_PATH=str(db.resolve()),
    )
    return env


def run_dbt(ws: Workspace, step: str, repeat: int, args: list[str], db: Path) -> Sample:
    dbt = Path(sys.executable).parent / "dbt"
    target = ws.target(step)
    command = [str(dbt), *args, "--target-path", str(target), "--log-path", str(target / "logs")]
    log = ws.log(step, repeat)
    sample, code, rss_samples = run_measured(command, dbt_env(ws, db), ws.project_dir, log)
    results = target / "run_results.json"
    if results.is_file():
        ws.results(step, repeat).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results, ws.results(step, repeat))
    ws.memory(step, repeat).parent.mkdir(parents=True, exist_ok=True)
    ws.memory(step, repeat).write_text(json.dumps(rss_samples), encoding="utf-8")
    # A failing data test is a finding of the test step, not a broken benchmark.
    if code != 0 and not (step == "tests" and results.is_file()):
        raise BenchmarkError(f"{step} (repeat {repeat}) exited {code}; {log}:\n{log_tail(log)}")
    return sample


def parse_project(ws: Workspace, step: str) -> None:
    """An untimed `dbt parse` into the step's target path: every timed run parses partially.

    Every step runs on the same DuckDB file (the profile's path is part of what dbt parses).
    """
    database = ws.db("full")
    database.parent.mkdir(parents=True, exist_ok=True)
    dbt = Path(sys.executable).parent / "dbt"
    target = ws.target(step)
    command = [str(dbt), "parse", "--target-path", str(target), "--log-path", str(target / "logs")]
    log = ws.log(f"parse_{step}", 0)
    _, code, _ = run_measured(command, dbt_env(ws, database), ws.project_dir, log)
    if code != 0:
        raise BenchmarkError(f"dbt parse exited {code}; {log}:\n{log_tail(log)}")


def fresh_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def floor_sql(files: Sequence[str]) -> str:
    """One pass over the raw transactions: count and amount by account and booked month.

    Parsing follows the contract (ISO 8601 text, any offset, none = UTC; money as decimal
    text); the connection's time zone is UTC. The outer sums keep every aggregate alive.
    """
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    return f"""
        select count(*) as account_months, sum(n_transactions) as n_transactions,
            sum(amount) as amount
        from (
            select
                account_id,
                date_trunc('month', timezone('UTC', try_cast(trim(booked_at) as timestamptz)))
                    as booked_month,
                count(*) as n_transactions,
                sum(try_cast(trim(amount) as decimal(18, 4))) as amount
            from read_parquet([{listed}])
            group by account_id, booked_month
        ) as by_account_month
    """


def floor_query(files: Sequence[str], memory_limit: str, temp_dir: str) -> dict[str, object]:
    """The engine floor, with the profile's DuckDB settings; returns its own query time."""
    import duckdb

    con = duckdb.connect(
        config={
            "memory_limit": memory_limit,
            "temp_directory": temp_dir,
            "preserve_insertion_order": False,
        }
    )
    con.execute("set TimeZone = 'UTC'")
    started = time.perf_counter()
    groups, rows, _amount = con.execute(floor_sql(files)).fetchone()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "groups": int(groups), "rows": int(rows or 0)}


def run_floor(ws: Workspace, repeat: int, files: Sequence[Path]) -> tuple[Sample, int]:
    """The floor in its own process; its time is the query's, its memory the process's."""
    listing = ws.work_dir / "floor_files.json"
    listing.write_text(json.dumps([str(f.resolve()) for f in files]), encoding="utf-8")
    temp_dir = ws.work_dir / "floor" / "tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    out = ws.work_dir / "floor" / f"result_{repeat}.json"
    command = [
        sys.executable,
        "-m",
        "bank_segments.benchmark",
        "floor",
        "--files",
        str(listing),
        "--temp-dir",
        str(temp_dir),
        "--out",
        str(out),
    ]
    env = dict(os.environ, PYTHONPATH=str(ws.project_dir / "src"))
    log = ws.log("floor", repeat)
    sample, code, _ = run_measured(command, env, ws.project_dir, log)
    if code != 0:
        raise BenchmarkError(f"floor (repeat {repeat}) exited {code}; {log}:\n{log_tail(log)}")
    result = json.loads(out.read_text(encoding="utf-8"))
    return Sample(float(result["seconds"]), sample.peak_rss_bytes), int(result["groups"])


@dataclass(frozen=True)
class RepeatResult:
    samples: dict[str, Sample]
    floor_groups: int
    database_bytes: int  # the full build's DuckDB file


def measure_repeat(
    ws: Workspace,
    repeat: int,
    history: list[Path],
    day: list[Path],
    skip: Collection[str] = (),
) -> RepeatResult:
    """One run of every step not skipped; the database is removed afterwards (disk space)."""
    unlink_files(day, ws.raw_dir)
    database = ws.db("full")
    fresh_dir(database.parent)
    samples = {
        "full": run_dbt(ws, "full", repeat, ["build", "--full-refresh", *EXCLUDE_TESTS], database)
    }
    database_bytes = database.stat().st_size
    if "tests" not in skip:
        samples["tests"] = run_dbt(
            ws,
            "tests",
            repeat,
            ["test", "--exclude-resource-type", "unit_test", "--threads", str(ws.test_threads)],
            database,
        )
    if "incremental" not in skip:
        link_files(day, ws.data_dir, ws.raw_dir)
        samples["incremental"] = run_dbt(
            ws, "incremental", repeat, ["build", *EXCLUDE_TESTS], database
        )
    shutil.rmtree(database.parent)
    transactions = [ws.data_dir / f for f in history if is_transactions(f)]
    samples["floor"], groups = run_floor(ws, repeat, transactions)
    return RepeatResult(samples, groups, database_bytes)


def measure_size(ws: Workspace, repeats: int, skip: Collection[str] = ()) -> SizeResult:
    steps = measured_steps(skip)
    # the commit when dbt first parses the project, not after hours of running
    commit = project_commit(ws.project_dir)
    prepare_data(ws.data_dir, ws.persons, ws.days)
    history, day = split_last_batch(raw_files(ws.data_dir))
    fresh_dir(ws.raw_dir)
    link_files(history, ws.data_dir, ws.raw_dir)
    shutil.rmtree(ws.target_root, ignore_errors=True)
    for step in steps:
        if step != "floor":
            parse_project(ws, step)
    runs: list[RepeatResult] = []
    for repeat in range(1, repeats + 1):
        print(f"==> {ws.persons:,} persons, run {repeat}/{repeats}", flush=True)
        runs.append(measure_repeat(ws, repeat, history, day, skip))
        for step, sample in runs[-1].samples.items():
            print(f"    {STEP_LABELS[step]}: {sample.seconds:.1f} s", flush=True)
    return SizeResult(
        persons=ws.persons,
        transactions_history=parquet_rows(ws.data_dir / f for f in history if is_transactions(f)),
        transactions_day=parquet_rows(ws.data_dir / f for f in day if is_transactions(f)),
        raw_files_history=len(history),
        raw_files_day=len(day),
        stats=summarise_runs(runs),
        slowest={
            step: slowest_nodes(read_results(ws, step, repeats))
            for step in BUILD_STEPS
            if step in steps
        },
        memory_by_node={
            step: memory_by_node(read_memory_runs(ws, step, repeats))
            for step in BUILD_STEPS
            if step in steps
        },
        failed_tests=failed_tests(read_results(ws, "tests", repeats)) if "tests" in steps else [],
        floor_groups=runs[-1].floor_groups,
        database_bytes=max(run.database_bytes for run in runs),
        commit=commit,
        finished_at=utc_now(),
    )


def summarise_runs(runs: Sequence[RepeatResult]) -> dict[str, Stat]:
    """A Stat per step that every run measured, in the order of STEPS."""
    return {
        step: summarise([run.samples[step] for run in runs])
        for step in STEPS
        if runs and all(step in run.samples for run in runs)
    }


def read_results(ws: Workspace, step: str, repeats: int) -> list[dict]:
    paths = [ws.results(step, r) for r in range(1, repeats + 1)]
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths if p.is_file()]


def read_memory_runs(
    ws: Workspace, step: str, repeats: int
) -> list[tuple[dict, list[tuple[float, int]]]]:
    """(run_results, RSS samples) of every run of a step that left both."""
    runs = []
    for repeat in range(1, repeats + 1):
        results, memory = ws.results(step, repeat), ws.memory(step, repeat)
        if results.is_file() and memory.is_file():
            samples = json.loads(memory.read_text(encoding="utf-8"))
            runs.append(
                (
                    json.loads(results.read_text(encoding="utf-8")),
                    [(float(at), int(rss)) for at, rss in samples],
                )
            )
    return runs


# --- machine and report --------------------------------------------------------------------


def machine_info(test_threads: int) -> dict[str, str]:
    import duckdb

    cpu = platform.processor() or platform.machine()
    memory = ""
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.is_file():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    if meminfo.is_file():
        total = next(
            line for line in meminfo.read_text().splitlines() if line.startswith("MemTotal")
        )
        memory = f"{int(total.split()[1]) * 1024 / GB:.1f} GB"
    return {
        "date": utc_now(),
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt-core": metadata.version("dbt-core"),
        "dbt-duckdb": metadata.version("dbt-duckdb"),
        "DuckDB memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", PROFILE_MEMORY_LIMIT),
        "dbt threads": os.environ.get("DBT_THREADS", "2"),
        "dbt threads, tests step": str(test_threads),
    }


def gigabytes(value: int) -> str:
    return f"{value / GB:.2f}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def seconds_text(seconds: float) -> str:
    """One decimal, two below ten seconds (the floor at small sizes)."""
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def step_row(result: SizeResult, step: str) -> list[str]:
    stat = result.stats.get(step)
    if stat is None:
        return [STEP_LABELS[step], *[NOT_MEASURED] * 4]
    return [
        STEP_LABELS[step],
        seconds_text(stat.median),
        seconds_text(stat.low),
        seconds_text(stat.high),
        gigabytes(stat.peak_rss_bytes),
    ]


def ratio_text(value: float | None, digits: int) -> str:
    return NOT_MEASURED if value is None else f"{value:.{digits}f}"


def render_size(result: SizeResult) -> list[str]:
    lines = [
        f"### {result.persons:,} persons",
        "",
        f"Measured on commit `{result.commit}`, finished {result.finished_at}.",
        "",
    ]
    lines += table(
        ["step", "median s", "min s", "max s", "peak RSS GB"],
        [step_row(result, step) for step in STEPS],
    )
    lines += [""]
    lines += table(
        ["ratio", "value"],
        [
            ["full / floor", ratio_text(result.ratio("full", "floor"), 2)],
            ["tests / floor", ratio_text(result.ratio("tests", "floor"), 2)],
            ["incremental / full", ratio_text(result.ratio("incremental", "full"), 3)],
        ],
    )
    if result.failed_tests:
        names = ", ".join(f"`{name}`" for name in result.failed_tests)
        lines += ["", f"Data tests that failed or errored (a finding, not timed apart): {names}."]
    return [*lines, ""]


def render_by_node(
    result: SizeResult,
    nodes_by_step: dict[str, list[tuple[str, T]]],
    heading: Callable[[str, list[tuple[str, T]]], str],
    columns: list[str],
    cell: Callable[[T], str],
) -> list[str]:
    """A heading and a node table for each build step measured with nodes to show."""
    lines: list[str] = []
    for step in BUILD_STEPS:
        nodes = nodes_by_step.get(step, [])
        if not nodes or step not in result.stats:
            continue
        lines += [heading(step, nodes), ""]
        lines += table(columns, [[name, cell(value)] for name, value in nodes])
        lines += [""]
    return lines


def render_slowest(result: SizeResult) -> list[str]:
    def heading(step: str, nodes: list[tuple[str, float]]) -> str:
        total = sum(seconds for _, seconds in nodes)
        return (
            f"**{STEP_LABELS[step]}, {result.persons:,} persons**: the 10 slowest nodes "
            f"(median execution time; {total:.1f} s together, dbt threads run in parallel, "
            f"wall {result.stats[step].median:.1f} s)"
        )

    return render_by_node(result, result.slowest, heading, ["node", "seconds"], "{:.1f}".format)


def render_memory_by_node(result: SizeResult) -> list[str]:
    def heading(step: str, nodes: list[tuple[str, int]]) -> str:
        return (
            f"**{STEP_LABELS[step]}, {result.persons:,} persons**: the nodes with the highest "
            f"process RSS sampled while they ran (every {RSS_SAMPLE_SECONDS:g} s; nodes that "
            f"run together share a sample; peak of the step "
            f"{result.stats[step].peak_rss_bytes / GB:.2f} GB)"
        )

    return render_by_node(
        result, result.memory_by_node, heading, ["node", "RSS GB"], lambda rss: f"{rss / GB:.2f}"
    )


def render_markdown(
    machine: dict[str, str], results: Sequence[SizeResult], days: int = DAYS
) -> str:
    ordered = sorted(results, key=lambda r: r.persons)
    lines = [f"## Results of {machine['date']}", "", "Machine:", ""]
    lines += table(
        ["item", "value"], [[key, value] for key, value in machine.items() if key != "date"]
    )
    lines += [
        "",
        f"Sizes (seed {SEED}, {days} daily batch(es) at the end, the last one held back for the "
        "incremental day; each figure is the median of the runs counted here):",
        "",
    ]
    lines += table(
        [
            "persons",
            "runs",
            "raw transactions (history)",
            "raw transactions (new day)",
            "raw files (history)",
            "raw files (new day)",
            "floor account-months",
            "DuckDB file GB",
        ],
        [
            [
                f"{r.persons:,}",
                str(r.stats["full"].runs),
                f"{r.transactions_history:,}",
                f"{r.transactions_day:,}",
                f"{r.raw_files_history:,}",
                f"{r.raw_files_day:,}",
                f"{r.floor_groups:,}",
                gigabytes(r.database_bytes),
            ]
            for r in ordered
        ],
    )
    lines += [""]
    if len({r.commit for r in ordered}) > 1:
        lines += [
            "The sizes were measured on different commits (named under each size): the "
            "ratios between sizes compare different code.",
            "",
        ]
    for result in ordered:
        lines += render_size(result)
    if ordered:
        big = ordered[-1]
        lines += ["### Goals", ""]
        if big.persons != GOAL_PERSONS:
            lines += [
                f"The goals are set for {GOAL_PERSONS:,} persons; this run's largest size is "
                f"{big.persons:,}, so the verdicts below are indicative only: at small sizes "
                "the fixed costs (dbt start-up and parsing, one statement per model) dominate "
                "and the ratios to the floor are far above their value at scale.",
                "",
            ]
        lines += table(
            ["goal", "measured", "verdict"],
            [[v.goal, v.measured, v.margin] for v in goal_verdicts(ordered)],
        )
        lines += ["", "### Where the time goes", ""]
        for result in reversed(ordered):
            lines += render_slowest(result)
        memory = [line for result in reversed(ordered) for line in render_memory_by_node(result)]
        if memory:
            lines += ["### Where the memory goes", "", *memory]
    return "\n".join(lines).rstrip() + "\n"


def replace_generated(document: str, generated: str) -> str:
    """Replaces the text between the markers; the hand-written text around it stays."""
    block = f"{BEGIN}\n{generated.rstrip()}\n{END}"
    if BEGIN in document and END in document.split(BEGIN, 1)[1]:
        head, rest = document.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + block + tail
    base = document if document.strip() else DEFAULT_INTRO
    return base.rstrip() + "\n\n" + block + "\n"


def write_docs(path: Path, generated: str) -> None:
    document = path.read_text(encoding="utf-8") if path.is_file() else ""
    path.write_text(replace_generated(document, generated), encoding="utf-8")


# --- command line --------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bank_segments.benchmark",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command")
    floor = sub.add_parser("floor", help="the engine-floor query alone (run by the benchmark)")
    floor.add_argument("--files", type=Path, required=True, help="JSON list of Parquet files")
    floor.add_argument("--temp-dir", required=True)
    floor.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--repeats",
        type=int,
        nargs="+",
        default=[3],
        help="runs per size: one count for every size, or one per size (ascending sizes, "
        "reused ones included)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=DAYS,
        help="daily batches at the end of the generated window; the last one is held back",
    )
    parser.add_argument(
        "--reuse",
        type=int,
        nargs="+",
        default=[],
        metavar="PERSONS",
        help=f"sizes (also in --sizes) loaded from <target root>/<persons>/{RESULT_FILE}, "
        "as stored by an earlier invocation, instead of measured",
    )
    parser.add_argument(
        "--skip",
        nargs="+",
        default=[],
        choices=SKIPPABLE,
        metavar="STEP",
        help=f"steps ({', '.join(SKIPPABLE)}) not measured at the sizes measured now; the full "
        "build and the floor always are (reused sizes keep the steps they stored)",
    )
    parser.add_argument(
        "--test-threads",
        type=int,
        default=TEST_THREADS,
        help="dbt threads of the tests step (the builds keep the profile's)",
    )
    parser.add_argument("--data-root", type=Path, default=Path("data/bench"))
    parser.add_argument("--work-root", type=Path, default=Path("warehouse/bench"))
    parser.add_argument("--target-root", type=Path, default=Path("target_bench"))
    parser.add_argument("--docs", type=Path, default=Path(DOCS))
    args = parser.parse_args(argv)
    if args.command is None and min(*args.repeats, args.days, *args.sizes, args.test_threads) < 1:
        parser.error("--sizes, --repeats, --days and --test-threads must be positive")
    if len(args.repeats) not in (1, len(set(args.sizes))):
        parser.error("--repeats takes one count, or one per size")
    if not set(args.reuse) <= set(args.sizes):
        parser.error("--reuse takes sizes that are also in --sizes")
    return args


def run_sizes(args: argparse.Namespace, project_dir: Path) -> list[SizeResult]:
    """Every size, ascending: reused ones loaded, the others measured and stored.

    The reused sizes are loaded first, so that a missing file fails before hours of
    measuring; each measured size is stored as soon as it is done.
    """
    results = {
        persons: load_result(result_path(args.target_root, persons), persons)
        for persons in sorted(set(args.reuse))
    }
    sizes = sorted(set(args.sizes))
    repeats = args.repeats * len(sizes) if len(args.repeats) == 1 else args.repeats
    for persons, size_repeats in zip(sizes, repeats, strict=True):
        if persons in results:
            print(f"==> reusing {result_path(args.target_root, persons)}", flush=True)
            continue
        ws = Workspace(
            project_dir,
            persons,
            args.data_root / str(persons),
            args.work_root / str(persons),
            args.target_root / str(persons),
            args.days,
            args.test_threads,
        )
        results[persons] = measure_size(ws, size_repeats, args.skip)
        write_result(result_path(args.target_root, persons), results[persons])
    return [results[persons] for persons in sizes]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "floor":
        files = json.loads(args.files.read_text(encoding="utf-8"))
        memory_limit = os.environ.get("DUCKDB_MEMORY_LIMIT", PROFILE_MEMORY_LIMIT)
        result = floor_query(files, memory_limit, args.temp_dir)
        args.out.write_text(json.dumps(result), encoding="utf-8")
        return 0
    try:
        results = run_sizes(args, Path.cwd())
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    generated = render_markdown(machine_info(args.test_threads), results, args.days)
    print(generated)
    write_docs(args.docs, generated)
    print(f"==> written to {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
