"""The pure parts of `make bench`: medians, goal verdicts, the report and the held-back day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from bank_segments import benchmark as bench
from bank_segments.generate import main as generate

PROJECT_DIR = Path(__file__).resolve().parents[2]


def stat(median: float, rss_gb: float = 1.0) -> bench.Stat:
    return bench.Stat(median, median * 0.9, median * 1.1, int(rss_gb * bench.GB), 3)


def size_result(persons: int, full: float, tests: float, incremental: float, floor: float,
                rss_gb: float = 1.0) -> bench.SizeResult:  # fmt: skip
    stats = {"full": stat(full, rss_gb), "tests": stat(tests), "incremental": stat(incremental),
             "floor": stat(floor)}  # fmt: skip
    return bench.SizeResult(persons, 1000, 10, 40, 8, stats, floor_groups=7)


def test_summarise_takes_the_median_and_the_highest_peak() -> None:
    samples = [bench.Sample(3.0, 100), bench.Sample(10.0, 300), bench.Sample(4.0, 200)]
    result = bench.summarise(samples)
    assert (result.median, result.low, result.high) == (4.0, 3.0, 10.0)
    assert result.peak_rss_bytes == 300
    assert result.runs == 3
    assert bench.summarise(samples[:2]).median == 6.5
    with pytest.raises(ValueError):
        bench.summarise([])


def test_check_at_most_reports_headroom_or_excess() -> None:
    met = bench.check_at_most("g", 4.0, 5.0)
    assert met.met and met.margin == "met, 20 % headroom"
    missed = bench.check_at_most("g", 7.5, 5.0)
    assert not missed.met
    assert missed.margin == "missed by 50 % (7.50x against 5x)"
    assert bench.check_at_most("g", 5.0, 5.0).met


def test_goal_verdicts_at_the_largest_size_and_linear_growth() -> None:
    small = size_result(100_000, full=100, tests=30, incremental=5, floor=20)
    big = size_result(1_000_000, full=1300, tests=500, incremental=100, floor=200, rss_gb=9)
    by_goal = bench.goal_verdicts([big, small])  # order of the sizes does not matter
    assert [v.met for v in by_goal] == [False, False, True, False, False]
    assert by_goal[0].measured == "6.50x"  # full / floor
    assert by_goal[1].measured == "2.50x"  # tests / floor
    assert by_goal[2].measured == "7.69 %"  # incremental / full
    assert by_goal[3].measured == "9.00 GB"
    assert by_goal[4].measured == "13.00x" and "< 12" in by_goal[4].goal
    assert by_goal[4].margin == "missed by 8 % (13.00x against 12x)"
    assert len(by_goal) == 5


def test_growth_goal_scales_with_the_size_pair_and_needs_two_sizes() -> None:
    small = size_result(300, full=10, tests=3, incremental=1, floor=2)
    big = size_result(2_000, full=20, tests=3, incremental=1, floor=5)
    growth = bench.goal_verdicts([small, big])[-1]
    assert "< 8" in growth.goal and growth.met  # 1.2 x 6.67
    assert len(bench.goal_verdicts([big])) == 4
    assert bench.goal_verdicts([]) == []


def test_slowest_nodes_take_medians_over_runs_and_skip_tests() -> None:
    def results(times: dict[str, float]) -> dict:
        return {"results": [{"unique_id": k, "execution_time": v} for k, v in times.items()]}

    runs = [
        results({"model.p.slow": 9.0, "model.p.fast": 1.0, "test.p.t": 50.0,
                 "operation.p.p-on-run-start-0": 0.1, "operation.p.p-on-run-start-1": 4.0}),
        results({"model.p.slow": 11.0, "model.p.fast": 3.0, "seed.p.s": 0.5,
                 "operation.p.p-on-run-start-0": 0.1, "operation.p.p-on-run-start-1": 6.0}),
    ]  # fmt: skip
    # each hook is its own node: the raw-file load is not averaged with the settings hook
    assert bench.slowest_nodes(runs, top=3) == [
        ("slow", 10.0),
        ("on-run-start hook 1 (raw file load)", 5.0),
        ("fast", 2.0),
    ]
    assert ("seed s", 0.5) in bench.slowest_nodes(runs)
    assert ("on-run-start hook 0 (engine settings)", 0.1) in bench.slowest_nodes(runs)
    tests = [
        {"results": [{"unique_id": "test.p.a.1", "status": "pass"},
                     {"unique_id": "test.p.b.2", "status": "fail"}]},
        {"results": [{"unique_id": "test.p.c.3", "status": "error"},
                     {"unique_id": "test.p.b.2", "status": "fail"}]},
    ]  # fmt: skip
    assert bench.failed_tests(tests) == ["b", "c"]


def run_result(nodes: dict[str, tuple[str, str]]) -> dict:
    """A run_results document whose nodes executed from start to end (ISO, UTC).

    Models compile in an instant and execute; hooks do their work while dbt compiles
    them, as the raw-file load does, and execute in an instant.
    """

    def timing(unique_id: str, start: str, end: str) -> list[dict]:
        work, instant = (
            ("compile", "execute") if unique_id.startswith("operation.") else ("execute", "compile")
        )
        return [
            {"name": instant, "started_at": start, "completed_at": start},
            {"name": work, "started_at": start, "completed_at": end},
        ]

    return {"results": [
        {"unique_id": unique_id, "execution_time": 1.0, "timing": timing(unique_id, start, end)}
        for unique_id, (start, end) in nodes.items()
    ]}  # fmt: skip


def epoch(clock: str) -> float:
    return dt.datetime.fromisoformat(f"2026-11-23T{clock}Z").timestamp()


def test_memory_by_node_takes_the_highest_sample_while_each_node_ran() -> None:
    first = run_result({
        "model.p.big": ("2026-11-23T10:00:00Z", "2026-11-23T10:00:10Z"),
        "model.p.beside": ("2026-11-23T10:00:08Z", "2026-11-23T10:00:20Z"),
        "test.p.t.1": ("2026-11-23T10:00:00Z", "2026-11-23T10:00:20Z"),
        "operation.p.p-on-run-start-1": ("2026-11-23T09:59:58Z", "2026-11-23T09:59:59Z"),
        "model.p.unsampled": ("2026-11-23T10:01:00Z", "2026-11-23T10:01:01Z"),
    })  # fmt: skip
    samples = [(epoch("09:59:58.5"), 1 * bench.GB), (epoch("10:00:05"), 4 * bench.GB),
               (epoch("10:00:09"), 7 * bench.GB), (epoch("10:00:15"), 2 * bench.GB)]  # fmt: skip
    second = run_result({"model.p.beside": ("2026-11-23T11:00:00Z", "2026-11-23T11:00:01Z")})
    runs = [(first, samples), (second, [(epoch("11:00:00.5"), 8 * bench.GB)])]
    assert bench.memory_by_node(runs) == [
        ("beside", 8 * bench.GB),  # the highest over the runs
        ("big", 7 * bench.GB),  # the sample both running nodes share counts for both
        ("on-run-start hook 1 (raw file load)", 1 * bench.GB),  # sampled while it compiled
    ]  # tests are not nodes of the build; a node without a sample is left out
    assert bench.memory_by_node(runs, top=1) == [("beside", 8 * bench.GB)]
    assert bench.memory_by_node([({"results": [{"unique_id": "model.p.m"}]}, samples)]) == []


def test_hook_labels_follow_the_on_run_start_hooks_of_the_project() -> None:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    hooks = project["on-run-start"]
    assert len(hooks) == len(bench.ON_RUN_START_HOOKS)
    assert "engine_settings()" in hooks[0] and "load_raw_files()" in hooks[1]
    assert bench.node_label("operation.p.p-on-run-start-1") == "on-run-start hook 1 (raw file load)"
    assert bench.node_label("operation.p.p-on-run-start-7") == "on-run-start hook 7"
    assert bench.node_label("operation.p.p-on-run-end-0") == "p-on-run-end-0"


def test_rss_sampler_reads_a_process_at_least_once() -> None:
    rss = bench.current_rss_bytes(os.getpid())
    assert rss is not None and rss > 10_000_000  # this interpreter with pytest loaded
    sampler = bench.RssSampler(os.getpid(), interval=3600)
    sampler.start()
    samples = sampler.stop()  # stops the wait: no hour passes
    assert len(samples) == 1 and samples[0][1] == pytest.approx(rss, rel=0.5)
    gone = bench.RssSampler(2**22 + 1, interval=3600)  # above Linux's largest pid
    gone.start()
    assert gone.stop() == []


def test_markdown_has_machine_sizes_ratios_goals_and_slowest_models() -> None:
    small = size_result(100_000, full=100, tests=30, incremental=5, floor=20)
    big = size_result(1_000_000, full=1000, tests=300, incremental=60, floor=250)
    big.slowest = {"full": [("int_cashflows_aggregated", 123.4)], "incremental": []}
    machine = {"date": "2026-11-22 23:00 UTC", "CPU": "Test CPU", "cores": "2"}
    text = bench.render_markdown(machine, [big, small])
    assert "| CPU | Test CPU |" in text
    assert text.index("### 100,000 persons") < text.index("### 1,000,000 persons")
    assert "| 1,000,000 | 3 | 1,000 | 10 | 40 | 8 | 7 | 0.00 |" in text  # sizes, in header order
    assert "| full build (no tests) | 1000.0 | 900.0 | 1100.0 | 1.00 |" in text
    assert "| engine floor | 250.0 |" in text
    assert bench.seconds_text(0.042) == "0.04" and bench.seconds_text(12.34) == "12.3"
    assert "| full / floor | 4.00 |" in text
    assert "| incremental / full | 0.060 |" in text
    assert "met, 20 % headroom" in text
    assert "| int_cashflows_aggregated | 123.4 |" in text
    assert "Where the memory goes" not in text
    big.memory_by_node = {"incremental": [("int_clv_parameters_fitted", 7_654_000_000)]}
    memory = bench.render_markdown(machine, [big, small])
    assert memory.index("### Where the time goes") < memory.index("### Where the memory goes")
    assert "| int_clv_parameters_fitted | 7.65 |" in memory
    assert "**incremental day, 1,000,000 persons**: the nodes with the highest" in memory
    assert "indicative only" not in text and "failed or errored" not in text
    big.failed_tests = ["stg_x_recent"]
    assert (
        "failed or errored (a finding, not timed apart): `stg_x_recent`."
        in bench.render_markdown(machine, [big])
    )
    tiny = bench.render_markdown(machine, [size_result(2_000, 10, 2, 1, 1)])
    assert "indicative only" in tiny


def test_replace_generated_keeps_the_hand_written_text() -> None:
    intro = "# Benchmarks\n\nHand-written.\n"
    first = bench.replace_generated(intro, "## run 1")
    assert first.startswith(intro.rstrip())
    assert f"{bench.BEGIN}\n## run 1\n{bench.END}" in first
    second = bench.replace_generated(first + "\nFooter.\n", "## run 2")
    assert "## run 1" not in second and "## run 2" in second
    assert second.startswith(intro.rstrip()) and second.endswith("Footer.\n")
    assert bench.replace_generated("", "x").startswith("# Benchmarks")


def test_batch_name_drops_extension_and_part_suffix() -> None:
    assert bench.batch_name(Path("a/b/batch_2026-11-01_part1.parquet")) == "batch_2026-11-01"
    assert bench.batch_name(Path("a/b/batch_2026-11-01.csv.gz")) == "batch_2026-11-01"
    with pytest.raises(bench.BenchmarkError):
        bench.split_last_batch([Path("s/t/batch_2026-11-01.parquet")])


@pytest.fixture(scope="module")
def tiny_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "raw"
    generate(["--persons", "40", "--seed", "3", "--out", str(out), "--format", "parquet",
              "--days", "1", "--quiet"])  # fmt: skip
    return out


def test_the_last_daily_batch_is_held_back(tiny_raw: Path, tmp_path: Path) -> None:
    files = bench.raw_files(tiny_raw)
    assert files and not any(f.parts[0].startswith("_") for f in files)
    history, day = bench.split_last_batch(files)
    assert sorted(history + day) == files
    assert day and {bench.batch_name(f) for f in day} == {"batch_2026-11-01"}
    assert any(bench.is_transactions(f) for f in day)
    # the held-back files carry the latest load time, later than any history file
    day_loaded = {v for f in day for v in pq.read_table(tiny_raw / f)["_loaded_at"].to_pylist()}
    history_loaded = {v for f in history
                      for v in pq.read_table(tiny_raw / f)["_loaded_at"].to_pylist()}  # fmt: skip
    assert len(day_loaded) == 1 and min(day_loaded) > max(history_loaded)

    work = tmp_path / "raw"
    bench.link_files(history, tiny_raw, work)
    assert bench.raw_files(work) == history
    assert all((work / f).is_symlink() for f in history)
    bench.link_files(day, tiny_raw, work)
    assert bench.raw_files(work) == files
    bench.unlink_files(day, work)
    assert bench.raw_files(work) == history
    assert bench.parquet_rows(tiny_raw / f for f in day if bench.is_transactions(f)) > 0


def test_marker_says_whether_the_data_can_be_reused(tmp_path: Path) -> None:
    assert not bench.is_complete(tmp_path, 100)
    (tmp_path / bench.MARKER).write_text(json.dumps(bench.generator_args(100)))
    assert bench.is_complete(tmp_path, 100)
    assert not bench.is_complete(tmp_path, 200)
    assert not bench.is_complete(tmp_path, 100, days=bench.DAYS + 1)
    (tmp_path / bench.MARKER).write_text("{broken")
    assert not bench.is_complete(tmp_path, 100)


def test_floor_runs_with_the_profiles_default_memory_limit() -> None:
    # The floor is measured under the same DuckDB bound as the dbt steps.
    profiles = (PROJECT_DIR / "profiles.yml").read_text()
    defaults = re.findall(r"env_var\('DUCKDB_MEMORY_LIMIT', '([^']+)'\)", profiles)
    assert defaults == [bench.PROFILE_MEMORY_LIMIT]


def test_floor_query_counts_by_account_and_utc_month(tmp_path: Path) -> None:
    import pyarrow as pa

    rows = {
        "account_id": ["A", "A", "A", "B"],
        "booked_at": ["2025-01-31T23:30:00-02:00", "2025-02-01T00:10:00Z",
                      " 2025-02-03T10:00:00 ", "2025-01-05T10:00:00+01:00"],
        "amount": ["1.5", "2", "0.25", "10.0000"],
    }  # fmt: skip
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table(rows), path)
    result = bench.floor_query([str(path)], "1GB", str(tmp_path / "tmp"))
    # A's first row is 2025-02-01 01:30 UTC: A has one month, B one
    assert (result["groups"], result["rows"]) == (2, 4)
    assert result["seconds"] >= 0


def test_with_two_daily_batches_only_the_last_is_held_back(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    generate(["--persons", "20", "--seed", "5", "--out", str(out), "--format", "parquet",
              "--days", "2", "--quiet"])  # fmt: skip
    history, day = bench.split_last_batch(bench.raw_files(out))
    assert {bench.batch_name(f) for f in day} == {"batch_2026-11-01"}
    assert "batch_2026-10-31" in {bench.batch_name(f) for f in history}


def test_repeats_are_one_count_or_one_per_size() -> None:
    assert bench.parse_args(["--sizes", "100", "1000"]).repeats == [3]
    assert bench.parse_args(["--sizes", "100", "1000", "--repeats", "3", "1"]).repeats == [3, 1]
    with pytest.raises(SystemExit):
        bench.parse_args(["--sizes", "100", "1000", "--repeats", "3", "2", "1"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--sizes", "100", "--repeats", "0"])


def stored_result(persons: int) -> bench.SizeResult:
    result = size_result(persons, full=100.25, tests=0.1 + 0.2, incremental=5, floor=1 / 3)
    result.slowest = {"full": [("int_a", 12.5), ("seed s", 0.1)], "incremental": []}
    result.memory_by_node = {"full": [("int_a", 3 * bench.GB)], "incremental": []}
    result.failed_tests = ["stg_x_recent"]
    result.database_bytes = 123_456_789
    result.commit = "abc1234+changes"
    result.finished_at = "2026-11-23 10:15 UTC"
    return result


def test_a_stored_size_result_round_trips_exactly(tmp_path: Path) -> None:
    result = stored_result(100)
    path = bench.result_path(tmp_path, 100)
    bench.write_result(path, result)
    assert path == tmp_path / "100" / "size_result.json"
    loaded = bench.load_result(path, 100)
    assert loaded == result  # Stat objects, (name, seconds) tuples, every float
    assert isinstance(loaded.stats["full"], bench.Stat)
    assert loaded.slowest["full"][0] == ("int_a", 12.5)
    assert loaded.memory_by_node["full"] == [("int_a", 3 * bench.GB)]
    assert bench.result_from_json(bench.result_to_json(size_result(5, 1, 1, 1, 1))) == (
        size_result(5, 1, 1, 1, 1)
    )


def test_loading_a_stored_size_fails_clearly(tmp_path: Path) -> None:
    missing = bench.result_path(tmp_path, 100)
    with pytest.raises(bench.BenchmarkError, match=re.escape(f"{missing} does not exist")):
        bench.load_result(missing, 100)
    bench.write_result(missing, stored_result(200))
    with pytest.raises(bench.BenchmarkError, match="holds 200 persons, not 100"):
        bench.load_result(missing, 100)
    missing.write_text("{broken", encoding="utf-8")
    with pytest.raises(bench.BenchmarkError, match="not a stored size result"):
        bench.load_result(missing, 100)


def fake_measure(
    calls: list[tuple[int, int]],
) -> Callable[[bench.Workspace, int], bench.SizeResult]:
    """Stands in for hours of measuring: records the size and its repeats."""

    def measure(ws: bench.Workspace, repeats: int, skip: list[str]) -> bench.SizeResult:
        calls.append((ws.persons, repeats))
        result = size_result(ws.persons, full=1000, tests=300, incremental=60, floor=250)
        result.commit, result.finished_at = "new1234", "2026-11-24 08:00 UTC"
        return result

    return measure


def test_reused_sizes_are_loaded_and_the_others_measured_and_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(bench, "measure_size", fake_measure(calls))
    bench.write_result(bench.result_path(tmp_path, 100), stored_result(100))
    args = bench.parse_args(["--sizes", "1000", "100", "--repeats", "3", "1", "--reuse", "100",
                             "--target-root", str(tmp_path)])  # fmt: skip
    results = bench.run_sizes(args, tmp_path)
    assert calls == [(1000, 1)]  # repeats count the reused size too
    assert [r.persons for r in results] == [100, 1000]
    assert results[0] == stored_result(100)
    assert bench.load_result(bench.result_path(tmp_path, 1000), 1000) == results[1]
    # the reused size now comes from the measured one's file too
    args = bench.parse_args(["--sizes", "100", "1000", "--reuse", "100", "1000",
                             "--target-root", str(tmp_path)])  # fmt: skip
    assert bench.run_sizes(args, tmp_path) == results
    assert calls == [(1000, 1)]


def test_a_missing_reused_size_fails_before_anything_is_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(bench, "measure_size", fake_measure(calls))
    argv = ["--sizes", "100", "1000", "--reuse", "1000", "--target-root", str(tmp_path)]
    assert bench.main(argv) == 1
    assert calls == []
    missing = tmp_path / "1000" / "size_result.json"
    assert f"no stored result for 1,000 persons: {missing} does not exist" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit):
        bench.parse_args(["--sizes", "100", "--reuse", "1000"])
    assert bench.parse_args(["--sizes", "100"]).reuse == []


def test_markdown_names_the_commit_and_time_of_every_size() -> None:
    old, new = stored_result(100), size_result(1000, 1000, 300, 60, 250)
    new.commit, new.finished_at = "new1234", "2026-11-24 08:00 UTC"
    text = bench.render_markdown({"date": "2026-11-24 09:00 UTC"}, [new, old])
    assert "Measured on commit `abc1234+changes`, finished 2026-11-23 10:15 UTC." in text
    assert "Measured on commit `new1234`, finished 2026-11-24 08:00 UTC." in text
    assert text.index("abc1234") < text.index("new1234")  # sorted by persons
    assert "measured on different commits" in text
    old.commit = new.commit
    assert "different commits" not in bench.render_markdown({"date": "d"}, [new, old])


def test_project_commit_marks_changes_and_tolerates_no_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    assert bench.project_commit(tmp_path) == "unknown"  # not a repository
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "a.txt").write_text("1")
    subprocess.run([*git, "add", "a.txt"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], cwd=tmp_path, check=True)
    head = bench.git_output(tmp_path, "rev-parse", "--short", "HEAD")
    (tmp_path / "untracked.txt").write_text("x")
    assert bench.project_commit(tmp_path) == head  # untracked files do not count
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "benchmarks.md").write_text("figures")
    subprocess.run([*git, "add", "docs"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "two"], cwd=tmp_path, check=True)
    head = bench.git_output(tmp_path, "rev-parse", "--short", "HEAD")
    (tmp_path / "docs" / "benchmarks.md").write_text("new figures")
    assert bench.project_commit(tmp_path) == head  # the benchmark's own output
    (tmp_path / "a.txt").write_text("2")
    assert bench.project_commit(tmp_path) == f"{head}+changes"
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert bench.project_commit(tmp_path) == "unknown"  # no git at all


# --- skipped steps -----------------------------------------------------------------------


def without(result: bench.SizeResult, *steps: str) -> bench.SizeResult:
    """The same size with `steps` not measured, as `--skip` stores it."""
    result.stats = {step: s for step, s in result.stats.items() if step not in steps}
    result.slowest = {step: n for step, n in result.slowest.items() if step not in steps}
    return result


def fake_workspace(tmp_path: Path) -> tuple[bench.Workspace, list[Path], list[Path]]:
    """A workspace whose data has one history file and one held-back day file."""
    ws = bench.Workspace(tmp_path, 100, tmp_path / "data", tmp_path / "work", tmp_path / "target")
    history = [Path("core/transactions/batch_2026-10-31.parquet")]
    day = [Path("core/transactions/batch_2026-11-01.parquet")]
    for relative in history + day:
        (ws.data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (ws.data_dir / relative).write_bytes(b"")
    bench.link_files(history, ws.data_dir, ws.raw_dir)
    return ws, history, day


def fake_steps(
    monkeypatch: pytest.MonkeyPatch,
    calls: list[str],
    day_linked: list[bool],
    arguments: dict[str, list[str]] | None = None,
) -> None:
    """run_dbt and run_floor record their step (and dbt arguments) instead of running."""

    def run_dbt(ws: bench.Workspace, step: str, repeat: int, args: list[str],
                db: Path) -> bench.Sample:  # fmt: skip
        calls.append(step)
        if arguments is not None:
            arguments[step] = args
        if step == "full":
            db.write_bytes(b"x" * 10)
        assert db.is_file()  # every dbt step runs on the full build's file
        if step == "incremental":
            day_linked.append(len(bench.raw_files(ws.raw_dir)) == 2)  # history and day
        results = {"results": [{"unique_id": f"model.p.{step}_model", "execution_time": 2.0,
                                "status": "fail" if step == "tests" else "success"}]}  # fmt: skip
        ws.results(step, repeat).parent.mkdir(parents=True, exist_ok=True)
        ws.results(step, repeat).write_text(json.dumps(results), encoding="utf-8")
        return bench.Sample(float(len(calls)), 100 * len(calls))

    def run_floor(ws: bench.Workspace, repeat: int, files: list[Path]) -> tuple[bench.Sample, int]:
        calls.append("floor")
        assert not ws.db("full").parent.exists()  # removed before the floor runs
        return bench.Sample(0.5, 50), 7

    monkeypatch.setattr(bench, "run_dbt", run_dbt)
    monkeypatch.setattr(bench, "run_floor", run_floor)


@pytest.mark.parametrize(
    ("skip", "steps"),
    [
        ((), ["full", "tests", "incremental", "floor"]),
        (("tests",), ["full", "incremental", "floor"]),
        (("incremental",), ["full", "tests", "floor"]),
        (("tests", "incremental"), ["full", "floor"]),
    ],
)
def test_measure_repeat_runs_only_the_steps_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skip: tuple[str, ...], steps: list[str]
) -> None:
    calls: list[str] = []
    day_linked: list[bool] = []
    fake_steps(monkeypatch, calls, day_linked)
    ws, history, day = fake_workspace(tmp_path)
    result = bench.measure_repeat(ws, 1, history, day, skip)
    assert calls == steps
    assert list(result.samples) == steps
    assert day_linked == ([True] if "incremental" in steps else [])
    assert result.database_bytes == 10 and result.floor_groups == 7
    assert not ws.db("full").exists() and not ws.db("full").parent.exists()


def test_the_tests_step_runs_on_its_own_dbt_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments: dict[str, list[str]] = {}
    fake_steps(monkeypatch, [], [], arguments)
    ws, history, day = fake_workspace(tmp_path)
    bench.measure_repeat(ws, 1, history, day)
    assert arguments["tests"][-2:] == ["--threads", "1"]  # the default, one query at a time
    assert "--threads" not in arguments["full"] + arguments["incremental"]  # the profile's
    bench.measure_repeat(dataclasses.replace(ws, test_threads=2), 1, history, day)
    assert arguments["tests"][-2:] == ["--threads", "2"]
    assert bench.machine_info(2)["dbt threads, tests step"] == "2"


def test_measure_size_parses_summarises_and_reports_only_the_measured_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[str] = []
    fake_steps(monkeypatch, calls, [])
    ws, history, day = fake_workspace(tmp_path)
    parsed: list[str] = []
    monkeypatch.setattr(bench, "prepare_data", lambda *args: None)
    monkeypatch.setattr(bench, "split_last_batch", lambda files: (history, day))
    monkeypatch.setattr(bench, "parquet_rows", lambda paths: len(list(paths)))
    monkeypatch.setattr(bench, "parse_project", lambda ws, step: parsed.append(step))
    result = bench.measure_size(ws, 2, ["tests"])
    assert parsed == ["full", "incremental"]
    assert calls == ["full", "incremental", "floor"] * 2
    assert list(result.stats) == ["full", "incremental", "floor"]
    assert result.stats["full"].runs == 2 and result.stats["floor"].median == 0.5
    assert set(result.slowest) == {"full", "incremental"} and result.failed_tests == []
    assert set(result.memory_by_node) == {"full", "incremental"}  # the builds, not the tests
    out = capsys.readouterr().out
    assert "incremental day:" in out and "tests:" not in out
    calls.clear()
    result = bench.measure_size(ws, 1, ["incremental"])
    assert list(result.stats) == ["full", "tests", "floor"]
    assert set(result.slowest) == {"full"} and result.failed_tests == ["tests_model"]
    with pytest.raises(ValueError, match="can be skipped"):
        bench.measure_size(ws, 1, ["full"])


def test_summarise_runs_keeps_the_steps_every_run_measured() -> None:
    sample = bench.Sample(1.0, 10)
    runs = [
        bench.RepeatResult({"full": sample, "incremental": sample, "floor": sample}, 7, 1),
        bench.RepeatResult({"full": sample, "floor": sample}, 7, 1),
    ]
    assert list(bench.summarise_runs(runs)) == ["full", "floor"]
    assert bench.summarise_runs([]) == {}
    assert bench.measured_steps(["incremental"]) == ("full", "tests", "floor")


def test_a_skipped_step_is_not_measured_in_ratios_tables_and_goals() -> None:
    small = size_result(100_000, full=100, tests=30, incremental=5, floor=20)
    big = without(size_result(1_000_000, full=1000, tests=300, incremental=60, floor=250),
                  "tests")  # fmt: skip
    big.slowest = {"full": [("int_a", 12.5)], "incremental": [("int_b", 4.0)]}
    assert big.missing_steps == ["tests"]
    assert big.ratio("tests", "floor") is None and big.ratio("full", "floor") == 4.0
    verdicts = bench.goal_verdicts([small, big])
    assert [v.met for v in verdicts] == [True, None, True, True, True]
    assert (verdicts[1].measured, verdicts[1].margin) == ("not measured", "not measured")
    assert verdicts[3].margin == "met, 88 % headroom (tests not measured)"  # peak memory
    text = bench.render_markdown({"date": "d"}, [small, big])
    assert "| tests | not measured | not measured | not measured | not measured |" in text
    assert "| tests / floor | not measured |" in text
    assert "| tests <= a further 2x floor | not measured | not measured |" in text
    assert "| incremental / full | 0.060 |" in text
    assert "**incremental day, 1,000,000 persons**" in text
    assert "| tests | 30.0 |" in text  # the smaller size measured its tests

    no_day = without(size_result(1_000_000, 1000, 300, 60, 250, rss_gb=9), "incremental")
    no_day.slowest = {"full": [("int_a", 12.5)]}
    verdicts = bench.goal_verdicts([no_day])
    assert [v.met for v in verdicts] == [True, True, None, False]
    assert verdicts[3].margin.startswith("missed by 12 %")  # a miss needs no caveat
    text = bench.render_markdown({"date": "d"}, [no_day])
    assert "| incremental / full | not measured |" in text
    assert "**full build (no tests), 1,000,000 persons**" in text
    assert "**incremental day" not in text


def test_a_size_with_skipped_steps_round_trips_and_is_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = without(stored_result(100), "tests", "incremental")
    result.failed_tests = []
    path = bench.result_path(tmp_path, 100)
    bench.write_result(path, result)
    assert bench.load_result(path, 100) == result
    assert set(json.loads(path.read_text())["stats"]) == {"full", "floor"}
    args = bench.parse_args(["--sizes", "100", "--reuse", "100", "--target-root", str(tmp_path)])
    assert bench.run_sizes(args, tmp_path) == [result]
    # the full build and the floor are needed by every ratio
    bench.write_result(path, without(stored_result(100), "floor"))
    with pytest.raises(bench.BenchmarkError, match="not a stored size result"):
        bench.load_result(path, 100)


def test_skip_reaches_the_measured_sizes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skips: list[tuple[int, list[str]]] = []

    def measure(ws: bench.Workspace, repeats: int, skip: list[str]) -> bench.SizeResult:
        skips.append((ws.persons, skip))
        return without(size_result(ws.persons, 1000, 300, 60, 250), *skip)

    monkeypatch.setattr(bench, "measure_size", measure)
    bench.write_result(bench.result_path(tmp_path, 100), stored_result(100))
    args = bench.parse_args(["--sizes", "100", "1000", "--reuse", "100", "--skip", "tests",
                             "--target-root", str(tmp_path)])  # fmt: skip
    small, big = bench.run_sizes(args, tmp_path)
    assert skips == [(1000, ["tests"])]
    assert "tests" in small.stats and "tests" not in big.stats
    assert bench.load_result(bench.result_path(tmp_path, 1000), 1000) == big


def test_skip_takes_tests_and_incremental_only() -> None:
    assert bench.parse_args(["--sizes", "100"]).skip == []
    both = bench.parse_args(["--sizes", "100", "--skip", "tests", "incremental"])
    assert both.skip == ["tests", "incremental"]
    for step in ("full", "floor", "test"):
        with pytest.raises(SystemExit):
            bench.parse_args(["--sizes", "100", "--skip", step])


def bench_command(*variables: str) -> list[str]:
    """The arguments `make bench` passes to the module (dry run, nothing installed)."""
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", "install", "bench", *variables],
        cwd=PROJECT_DIR, check=True, capture_output=True, text=True,
    )  # fmt: skip
    words = shlex.split(dry_run.stdout.replace("\\\n", " "))
    return words[words.index("bank_segments.benchmark") + 1 :]


def test_make_bench_passes_the_test_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_TEST_THREADS", raising=False)
    assert bench.parse_args(bench_command()).test_threads == 1
    assert bench.parse_args(bench_command("BENCH_TEST_THREADS=2")).test_threads == 2
    with pytest.raises(SystemExit):
        bench.parse_args(bench_command("BENCH_TEST_THREADS=0"))


def test_make_bench_passes_skip_only_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_SKIP", raising=False)
    assert "--skip" not in bench_command()
    assert bench.parse_args(bench_command()).skip == []
    argv = bench_command("BENCH_SKIP=tests incremental")
    assert argv[argv.index("--skip") :] == ["--skip", "tests", "incremental"]
    assert bench.parse_args(argv).skip == ["tests", "incremental"]
    with pytest.raises(SystemExit):
        bench.parse_args(bench_command("BENCH_SKIP=full"))
