"""Shared pytest fixtures: the project paths and the fixture warehouse."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]


def dbt_env(raw_data_dir: Path, duckdb_path: Path) -> dict[str, str]:
    """Environment for a dbt run on its own raw data and warehouse."""
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        RAW_DATA_DIR=str(raw_data_dir),
        DUCKDB_PATH=str(duckdb_path),
        PYTHONPATH=str(PROJECT_DIR / "src"),
    )
    return env


def run_dbt(
    args: list[str], raw_data_dir: Path, duckdb_path: Path, work_dir: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run dbt from the project dir with target and log paths inside `work_dir`."""
    dbt = PROJECT_DIR / ".venv" / "bin" / "dbt"
    command = [
        str(dbt),
        *args,
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    result = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=dbt_env(raw_data_dir, duckdb_path),
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}")
    return result


class InProcessDbt:
    """dbt run in this process on one warehouse, the project parsed once.

    A daily schedule's runs without a new interpreter and a parse each: a
    run of the incremental chain on a small bank takes about 6 s this way
    against 13 s as a `dbt` subprocess. The parse is valid for this
    warehouse and these vars only: another warehouse (whose name dbt keeps
    in every node) needs its own instance or `run_dbt`. The database is
    closed after each run, so the test may open it between runs.
    """

    def __init__(
        self,
        raw_data_dir: Path,
        duckdb_path: Path,
        work_dir: Path,
        variables: list[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        from dbt.cli.main import dbtRunner
        from segment_warehouse import dbt_flags

        for key, value in dbt_env(raw_data_dir, duckdb_path).items():
            monkeypatch.setenv(key, value)
        self.variables = variables
        # --quiet leaves the callbacks their events
        self.flags = dbt_flags(work_dir, PROJECT_DIR)
        self.messages: list[str] = []
        parsed = dbtRunner().invoke(["parse", *variables, *self.flags])
        if not parsed.success:
            raise AssertionError(f"dbt parse failed: {parsed.exception}")
        self.runner = dbtRunner(manifest=parsed.result, callbacks=[self._keep_message])

    def _keep_message(self, event: object) -> None:
        # the project's own log lines (`log(..., info=true)` in macros and hooks)
        if event.info.name == "JinjaLogInfo":  # type: ignore[attr-defined]
            self.messages.append(event.info.msg)  # type: ignore[attr-defined]

    def invoke(self, args: list[str]) -> str:
        """Run dbt with `args` and this instance's vars; returns the project's log lines."""
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        self.messages = []
        try:
            result = self.runner.invoke([*args, *self.variables, *self.flags])
        finally:
            # dbt-duckdb keeps the database open in the process after a run; a
            # read-only connection of the test to the same file would be refused
            # (no environment to close when the run failed before connecting)
            with contextlib.suppress(Exception):
                DuckDBConnectionManager.env().close()
            DuckDBConnectionManager.close_all_connections()
        if not result.success:
            failures = [
                f"{node.node.name}: {node.message}"
                for node in getattr(result.result, "results", [])
                if str(node.status) in {"error", "fail"}
            ]
            raise AssertionError(f"dbt {' '.join(args)} failed: {result.exception or failures}")
        return "\n".join(self.messages)


@contextlib.contextmanager
def exclusive_lock(lock_file: Path) -> Iterator[None]:
    """Held by one xdist worker at a time: a build shared by the session is made by the
    first worker to get here and reused by the others. Released when the block ends."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test session shared by its xdist workers (not by other sessions)."""
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp is a folder of the session's own
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    return PROJECT_DIR / os.environ.get("FIXTURE_DIR", "data/fixture")


@pytest.fixture(scope="session")
def fixture_db(fixture_dir: Path) -> Iterator[Path]:
    """The warehouse built from the fixture data by `make fixture-build`.

    `make test` builds it before pytest runs; a bare `pytest` builds it here,
    once, under a lock shared by the xdist workers.
    """
    db = PROJECT_DIR / os.environ.get("FIXTURE_DB", "warehouse/fixture.duckdb")
    with exclusive_lock(db.parent / ".fixture-build.lock"):
        if not db.exists():
            subprocess.run(["make", "fixture-build"], cwd=PROJECT_DIR, check=True)
    yield db


FAULT_TALLY = PROJECT_DIR / "reports" / "fault_injection.txt"


def _start_order(item: pytest.Item) -> tuple[int, int]:
    marker = item.get_closest_marker("long_running")
    return (0, marker.kwargs.get("order", 0)) if marker else (1, 0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests of several minutes first, in their `order` (stable order otherwise). With
    # `--maxschedchunk 1` (make pytest) xdist gives each worker two consecutive tests to
    # start with, then one more to the worker that finishes a test first: the workers
    # start on the long tests instead of one running the last one alone at the end. The
    # order pairs them: 30 daily batches (about 6 min) and the point-in-time builds
    # (2.5) on one worker, the segment replay (4), the fault corpus build (3) and the
    # Parquet runs (3) on the other, which builds the corpus before the short tests that
    # read it start. Tests sharing a module fixture stay next to each other (one build)
    # unless the fixture is shared by the whole session (a lock, session_dir).
    items.sort(key=_start_order)


def pytest_configure(config: pytest.Config) -> None:
    # The fault-injection tally of an earlier run must not pass for this one's.
    if not hasattr(config, "workerinput"):
        FAULT_TALLY.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show the tally of tests/python/test_fault_injection.py when it ran."""
    if FAULT_TALLY.exists():
        terminalreporter.section("fault injection")
        terminalreporter.write(FAULT_TALLY.read_text())
