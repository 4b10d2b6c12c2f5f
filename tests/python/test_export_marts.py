"""The BI export: every mart to Parquet and a marts-only DuckDB file, atomically."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from bank_segments import export_marts
from bank_segments.export_marts import atomic_path
from bank_segments.export_marts import export_marts as run_export

PUBLIC_MARTS = {
    "dim_person_customers",
    "dim_persons",
    "fct_person_monthly_cashflow",
    "fct_person_features",
    "dim_segments",
    "fct_segment_membership",
    "fct_segment_membership_history",
    "fct_segment_transitions",
    "clv_model_parameters",
}


def _make_warehouse(path: Path, persons: int = 3) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging; create schema raw")
        con.execute(
            "create table marts.dim_persons as "
            "select 'p' || range as person_id, range % 2 = 0 as is_digital_active "
            f"from range({persons})"
        )
        con.execute(
            "create table marts.fct_segment_membership as select date '2025-06-15' as as_of_date, "
            "'p0' as person_id, 'investment_ready' as segment_id, 'in' as status, "
            "cast(12.5 as decimal(18, 4)) as savings_eur"
        )
        con.execute("create view marts.v_members as select * from marts.fct_segment_membership")
        con.execute("create table staging.stg_x as select 1 as x")
        con.execute("create table raw.core_banking__customers as select 'Jane Doe' as full_name")


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "build.duckdb"
    _make_warehouse(path)
    return path


def test_exports_every_mart_and_only_marts(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    exported = run_export(warehouse, out)

    assert [m.name for m in exported] == ["dim_persons", "fct_segment_membership", "v_members"]
    files = sorted(p.name for p in (out / "marts").iterdir())
    assert files == [
        "_manifest.json",
        "dim_persons.parquet",
        "fct_segment_membership.parquet",
        "v_members.parquet",
    ]
    persons = pd.read_parquet(out / "marts" / "dim_persons.parquet")
    assert list(persons["person_id"]) == ["p0", "p1", "p2"]
    schema = pq.read_schema(out / "marts" / "fct_segment_membership.parquet")
    assert str(schema.field("savings_eur").type) == "decimal128(18, 4)"
    assert str(schema.field("as_of_date").type) == "date32[day]"


def test_marts_database_holds_the_marts_and_nothing_else(warehouse: Path, tmp_path: Path) -> None:
    run_export(warehouse, tmp_path / "exports")
    with duckdb.connect(str(tmp_path / "exports" / "segments_marts.duckdb"), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        (rows,) = con.execute("select count(*) from marts.dim_persons").fetchone()
    assert tables == [
        ("marts", "dim_persons"),
        ("marts", "fct_segment_membership"),
        ("marts", "v_members"),
    ]
    assert rows == 3


def test_manifest_names_the_run(warehouse: Path, tmp_path: Path) -> None:
    run_export(warehouse, tmp_path / "exports")
    manifest = json.loads((tmp_path / "exports" / "marts" / "_manifest.json").read_text())
    assert manifest["as_of_date"] == "2025-06-15"
    assert {m["name"]: m["rows"] for m in manifest["marts"]} == {
        "dim_persons": 3,
        "fct_segment_membership": 1,
        "v_members": 1,
    }


def test_never_writes_the_build_database(warehouse: Path, tmp_path: Path) -> None:
    before = warehouse.read_bytes()
    warehouse.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        run_export(warehouse, tmp_path / "exports")
    finally:
        warehouse.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert warehouse.read_bytes() == before
    assert not Path(str(warehouse) + ".wal").exists()


def test_removes_exports_of_marts_that_are_gone(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    (out / "marts").mkdir(parents=True)
    (out / "marts" / "fct_retired.parquet").write_bytes(b"old")
    run_export(warehouse, out)
    assert not (out / "marts" / "fct_retired.parquet").exists()


def test_leaves_no_temporary_files(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    run_export(warehouse, out)
    run_export(warehouse, out)
    leftovers = [p.name for p in out.rglob(".*")]
    assert leftovers == []


def test_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    destination = tmp_path / "dim_persons.parquet"
    destination.write_bytes(b"previous complete file")
    with pytest.raises(RuntimeError), atomic_path(destination) as tmp:
        tmp.write_bytes(b"half a fi")
        raise RuntimeError("disk full")
    assert destination.read_bytes() == b"previous complete file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dim_persons.parquet"]


def test_open_reader_keeps_the_version_it_opened(tmp_path: Path) -> None:
    warehouse = tmp_path / "build.duckdb"
    _make_warehouse(warehouse, persons=3)
    out = tmp_path / "exports"
    run_export(warehouse, out)
    path = out / "marts" / "dim_persons.parquet"
    with open(path, "rb") as reader:
        warehouse.unlink()
        _make_warehouse(warehouse, persons=5)
        run_export(warehouse, out)
        assert pq.read_table(reader).num_rows == 3
    assert pq.read_table(path).num_rows == 5


def test_concurrent_reader_never_sees_a_partial_file(tmp_path: Path) -> None:
    small, large = tmp_path / "small.duckdb", tmp_path / "large.duckdb"
    _make_warehouse(small, persons=10)
    _make_warehouse(large, persons=200_000)
    out = tmp_path / "exports"
    run_export(small, out, with_database=False)
    path = out / "marts" / "dim_persons.parquet"
    seen: set[int] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_continuously() -> None:
        # One open per read, as a reader should (the rename swaps whole files;
        # a reader that opens the path twice could mix two versions).
        while not stop.is_set():
            try:
                with open(path, "rb") as handle:
                    seen.add(pq.read_table(handle).num_rows)
            except BaseException as error:
                errors.append(error)
                return

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        for round_ in range(6):
            run_export(large if round_ % 2 == 0 else small, out, with_database=False)
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert seen <= {10, 200_000}
    assert seen


def test_cli_fails_clearly_without_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = export_marts.main(["--database", str(tmp_path / "missing.duckdb")])
    assert code == 2
    assert "run the build first" in capsys.readouterr().err


def test_cli_fails_when_there_are_no_marts(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert export_marts.main(["--database", str(empty), "--out", str(tmp_path / "x")]) == 1


def test_fixture_warehouse_exports_every_public_mart(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    exported = {m.name: m.rows for m in run_export(fixture_db, out)}
    missing = PUBLIC_MARTS - set(exported)
    assert not missing, f"public marts not exported: {sorted(missing)}"
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        for name in PUBLIC_MARTS:
            (rows,) = con.execute(f"select count(*) from marts.{name}").fetchone()
            parquet_rows = pq.read_metadata(out / "marts" / f"{name}.parquet").num_rows
            assert parquet_rows == rows == exported[name], name
    assert os.path.getsize(out / "segments_marts.duckdb") > 0
