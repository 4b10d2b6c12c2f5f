"""The pure parts of `make bench`: medians, goal verdicts, the report and the held-back day."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bank_segments import benchmark as bench
from bank_segments.generate import main as generate


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
                 "operation.p.p-on-run-start-0": 4.0}),
        results({"model.p.slow": 11.0, "model.p.fast": 3.0, "seed.p.s": 0.5,
                 "operation.p.p-on-run-start-0": 6.0}),
    ]  # fmt: skip
    assert bench.slowest_nodes(runs, top=3) == [
        ("slow", 10.0),
        ("on-run-start hook (raw file load)", 5.0),
        ("fast", 2.0),
    ]
    assert ("seed s", 0.5) in bench.slowest_nodes(runs)
    tests = [
        {"results": [{"unique_id": "test.p.a.1", "status": "pass"},
                     {"unique_id": "test.p.b.2", "status": "fail"}]},
        {"results": [{"unique_id": "test.p.c.3", "status": "error"},
                     {"unique_id": "test.p.b.2", "status": "fail"}]},
    ]  # fmt: skip
    assert bench.failed_tests(tests) == ["b", "c"]


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

    def measure(ws: bench.Workspace, repeats: int) -> bench.SizeResult:
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
    (tmp_path / "a.txt").write_text("2")
    assert bench.project_commit(tmp_path) == f"{head}+changes"
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert bench.project_commit(tmp_path) == "unknown"  # no git at all
