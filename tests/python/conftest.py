"""Shared pytest fixtures: the project paths and the fixture warehouse."""

from __future__ import annotations

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
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.parent / ".fixture-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not db.exists():
            subprocess.run(["make", "fixture-build"], cwd=PROJECT_DIR, check=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
    yield db


FAULT_TALLY = PROJECT_DIR / "reports" / "fault_injection.txt"


def pytest_configure(config: pytest.Config) -> None:
    # The fault-injection tally of an earlier run must not pass for this one's.
    if not hasattr(config, "workerinput"):
        FAULT_TALLY.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show the tally of tests/python/test_fault_injection.py when it ran."""
    if FAULT_TALLY.exists():
        terminalreporter.section("fault injection")
        terminalreporter.write(FAULT_TALLY.read_text())
