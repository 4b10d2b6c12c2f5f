"""A raw corpus that feeds the build every kind of bad input, and its build.

The corpus is the shared fixture (`bank_segments.generate --persons 300 --seed 7`,
which already carries one bad row of every bad-row kind of the contract and a
truncated last line) copied to a temporary folder, plus file-level faults:

- an empty (0-byte) batch file and a batch file with the header only;
- a batch file without a contract column, and one with a column outside the contract;
- a batch file whose last line is truncated, and one with a non-UTF-8 byte on a line;
- a batch delivered twice (the same file under a second name);
- a batch delivered out of order (the oldest transactions batch renamed so that
  it is read last) and a stale version of a customer record delivered after
  the newer one;
- and, for the erasure test, a second delivery of one customer record with
  `is_deleted = true` and a later `updated_at`.

The faulty files carry new, valid rows next to the bad ones (keys `*FAULT*`), so
that "nothing valid is lost" covers them too. The corpus is built once per test
session (one whole `dbt build`, with
`as_of_date` pinned to the fixture warehouse's), shared by the xdist workers.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import exclusive_lock, run_dbt, session_dir

TRANSACTIONS = "core_banking/transactions"
APP_EVENTS = "digital/app_events"
CUSTOMERS = "core_banking/customers"


@dataclass
class Corpus:
    """What was injected where, and the build of the corpus."""

    raw_dir: Path
    database: Path
    as_of_date: str
    build_returncode: int
    build_log_tail: str
    # kind -> relative file path(s) written for it
    files: dict[str, list[str]] = field(default_factory=dict)
    # (table, business key) of valid rows injected in faulty files: must reach staging
    new_valid_rows: list[tuple[str, str]] = field(default_factory=list)
    # (table, business key, reason_code) of bad lines injected: must be quarantined
    new_bad_rows: list[tuple[str, str, str]] = field(default_factory=list)
    # kind -> (table, business key) of the versions it delivered: must change nothing
    unchanged_keys: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # the erased customer record and its person in the fixture warehouse
    erased_customer_id: str = ""
    erased_person_id: str = ""

    def to_json(self) -> str:
        data = dict(self.__dict__)
        data["raw_dir"], data["database"] = str(self.raw_dir), str(self.database)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Corpus:
        data = json.loads(text)
        data["raw_dir"], data["database"] = Path(data["raw_dir"]), Path(data["database"])
        data["new_valid_rows"] = [tuple(r) for r in data["new_valid_rows"]]
        data["new_bad_rows"] = [tuple(r) for r in data["new_bad_rows"]]
        data["unchanged_keys"] = {
            kind: [tuple(r) for r in rows] for kind, rows in data["unchanged_keys"].items()
        }
        return cls(**data)


def _header(folder: Path) -> list[str]:
    first = sorted(folder.glob("*.csv"))[0]
    with open(first, newline="") as handle:
        return next(csv.reader(handle))


def _line(values: list[str | None]) -> str:
    """One CSV line as the generator writes it: quoted values, NULL as an empty field."""
    return ",".join("" if v is None else '"' + v.replace('"', '""') + '"' for v in values)


def _write(path: Path, columns: list[str], rows: list[dict], tail: str = "") -> None:
    lines = [_line(list(columns))] + [_line([r.get(c) for c in columns]) for r in rows]
    path.write_text("\n".join(lines) + "\n" + tail)


def _raw_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _templates(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, list[dict]]:
    """Valid raw rows (one version per key, loaded by as_of_date) to copy faulty rows from."""
    single_version = """
        select raw.* exclude (_file_name, _file_row_number)
        from raw.{table} as raw
        inner join staging.{stg} as stg on raw.{key} = stg.{key}
        where raw.{key} in (select {key} from raw.{table} group by {key} having count(*) = 1)
          and cast(stg._loaded_at as date) < date '{as_of}'
          {extra}
        order by raw.{key}
        limit {n}
    """
    transactions = _raw_rows(
        con,
        single_version.format(
            table="core_banking__transactions",
            stg="stg_core_banking__transactions",
            key="transaction_id",
            as_of=as_of,
            extra="and stg.status = 'booked' and stg.transaction_code = 'CARD_PURCHASE'",
            n=8,
        ),
    )
    events = _raw_rows(
        con,
        single_version.format(
            table="digital__app_events",
            stg="stg_digital__app_events",
            key="event_id",
            as_of=as_of,
            extra="",
            n=3,
        ),
    )
    return {"transactions": transactions, "app_events": events}


def _erasure_target(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """A customer who is a person alone, holds features, and never registered digitally."""
    row = con.execute(
        """
        select pc.customer_id, pc.person_id
        from marts.dim_person_customers as pc
        inner join marts.fct_person_features as f on pc.person_id = f.person_id
        inner join marts.dim_persons as p on pc.person_id = p.person_id
        where pc.n_person_records = 1 and not p.has_digital_registration
          and pc.person_id in (select person_id from marts.fct_segment_membership)
        order by pc.customer_id
        limit 1
        """
    ).fetchone()
    assert row, "the fixture holds no single-record customer person to erase"
    return row[0], row[1]


def _stale_version(con: duckdb.DuckDBPyConnection, exclude: str) -> dict:
    """The older valid version of a customer record that has a newer one."""
    rows = _raw_rows(
        con,
        f"""
        select raw.* exclude (_file_name, _file_row_number)
        from raw.core_banking__customers as raw
        inner join staging.base_core_banking__customers as base
            on raw._file_name = base._file_name and raw._file_row_number = base._file_row_number
        inner join staging.stg_core_banking__customers as stg
            on base.customer_id = stg.customer_id
        where base.is_valid and base.updated_at < stg.updated_at
          and base.customer_id <> '{exclude}'
        order by base.customer_id
        limit 1
        """,
    )
    assert rows, "the fixture holds no customer record with two valid versions"
    return rows[0]


def _inject(corpus: Corpus, fixture_db: Path) -> None:
    raw = corpus.raw_dir
    as_of = date.fromisoformat(corpus.as_of_date)
    loaded_before = f"{as_of - timedelta(days=1)}T02:00:00Z"
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        templates = _templates(con, as_of)
        erased_customer, erased_person = _erasure_target(con)
        stale = _stale_version(con, erased_customer)
        erased_rows = _raw_rows(
            con,
            f"""
            select raw.* exclude (_file_name, _file_row_number)
            from raw.core_banking__customers as raw
            where raw.customer_id = '{erased_customer}'
            order by raw.updated_at desc, raw._loaded_at desc
            limit 1
            """,
        )
    tx_columns = _header(raw / TRANSACTIONS)
    tx = [dict(t) for t in templates["transactions"]]
    assert len(tx) == 8, "too few template transactions in the fixture"

    def new_tx(index: int, kind: str) -> dict:
        row = dict(tx[index])
        row["transaction_id"] = f"TXFAULT{kind.upper()}{index}"
        return row

    def add(kind: str, relative: str) -> Path:
        corpus.files.setdefault(kind, []).append(relative)
        return raw / relative

    # an empty batch file, and one with the header only
    add("empty_batch_file", f"{TRANSACTIONS}/batch_fault_empty.csv").write_bytes(b"")
    _write(add("header_only_batch_file", f"{APP_EVENTS}/batch_fault_header_only.csv"),
           _header(raw / APP_EVENTS), [])  # fmt: skip

    # a file without the contract column purpose_code
    rows = [new_tx(0, "mc"), new_tx(1, "mc")]
    missing = [c for c in tx_columns if c != "purpose_code"]
    _write(add("missing_column", f"{TRANSACTIONS}/batch_fault_missing_column.csv"), missing, rows)
    corpus.new_valid_rows += [("transactions", r["transaction_id"]) for r in rows]

    # a file with a column outside the contract
    rows = [{**new_tx(2, "xc"), "loyalty_points": "12"}, {**new_tx(3, "xc"), "loyalty_points": ""}]
    extra = [*tx_columns[:5], "loyalty_points", *tx_columns[5:]]
    _write(add("extra_column", f"{TRANSACTIONS}/batch_fault_extra_column.csv"), extra, rows)
    corpus.new_valid_rows += [("transactions", r["transaction_id"]) for r in rows]

    # a file whose last line is cut in the middle (no line end)
    event_columns = _header(raw / APP_EVENTS)
    events = [dict(e) for e in templates["app_events"]]
    for index, event in enumerate(events):
        event["event_id"] = f"EVFAULTTRUNC{index}"
    truncated = _line([events[2].get(c) for c in event_columns])
    _write(add("truncated_last_line", f"{APP_EVENTS}/batch_fault_truncated.csv"), event_columns,
           events[:2], tail=truncated[: len(truncated) // 2])  # fmt: skip
    corpus.new_valid_rows += [("app_events", e["event_id"]) for e in events[:2]]
    corpus.new_bad_rows.append(("app_events", events[2]["event_id"], "unreadable_line"))

    # a non-UTF-8 byte (Latin-1 e acute) on the middle line of a file
    rows = [new_tx(4, "enc"), {**new_tx(5, "enc"), "merchant_name": "CAFE_MARK"}, new_tx(6, "enc")]
    lines = [_line(tx_columns)] + [_line([r.get(c) for c in tx_columns]) for r in rows]
    encoded = [line.encode("utf-8") for line in lines]
    encoded[2] = encoded[2].replace(b"CAFE_MARK", b"caf\xe9")
    path = add("non_utf8_byte", f"{TRANSACTIONS}/batch_fault_encoding.csv")
    path.write_bytes(b"\n".join(encoded) + b"\n")
    corpus.new_valid_rows += [("transactions", rows[0]["transaction_id"])]
    corpus.new_valid_rows += [("transactions", rows[2]["transaction_id"])]
    corpus.new_bad_rows.append(("transactions", rows[1]["transaction_id"], "unreadable_line"))

    # a batch delivered twice
    batches = sorted((raw / TRANSACTIONS).glob("batch_20*.csv"))
    original = batches[len(batches) // 2]
    copy = add("duplicate_batch", f"{TRANSACTIONS}/{original.stem}_redelivered.csv")
    shutil.copyfile(original, copy)
    corpus.unchanged_keys["duplicate_batch"] = _keys_of(copy, "transaction_id", "transactions")

    # the oldest batch delivered out of order: read after every other file
    oldest = batches[0]
    late = add("out_of_order_batch", f"{TRANSACTIONS}/zz_late_{oldest.name}")
    oldest.rename(late)
    corpus.unchanged_keys["out_of_order_batch"] = _keys_of(late, "transaction_id", "transactions")

    # a stale version of a customer record delivered after the newer one
    customer_columns = _header(raw / CUSTOMERS)
    stale_row = {**stale, "_loaded_at": loaded_before}
    _write(add("out_of_order_stale_version", f"{CUSTOMERS}/batch_fault_stale_version.csv"),
           customer_columns, [stale_row])  # fmt: skip
    corpus.unchanged_keys["out_of_order_stale_version"] = [("customers", stale["customer_id"])]

    # erasure: the customer's record delivered again with is_deleted = true
    erased = {
        **erased_rows[0],
        "is_deleted": "true",
        "updated_at": f"{as_of - timedelta(days=1)}T09:00:00Z",
        "_loaded_at": loaded_before,
    }
    _write(raw / CUSTOMERS / "batch_fault_erasure.csv", customer_columns, [erased])
    corpus.erased_customer_id, corpus.erased_person_id = erased_customer, erased_person


def _keys_of(path: Path, key: str, table: str) -> list[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        return [(table, row[key]) for row in csv.DictReader(handle) if row.get(key)]


def build_corpus(root: Path, fixture_dir: Path, fixture_db: Path) -> Corpus:
    raw_dir = root / "raw"
    shutil.rmtree(raw_dir, ignore_errors=True)
    shutil.copytree(fixture_dir, raw_dir)
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        (as_of,) = con.execute("select as_of_date from staging.stg_run__as_of_dates").fetchone()
    corpus = Corpus(raw_dir, root / "faults.duckdb", as_of.isoformat(), -1, "")
    _inject(corpus, fixture_db)
    corpus.database.unlink(missing_ok=True)
    variables = json.dumps({"as_of_date": corpus.as_of_date})
    # the whole build, as `make run` does it
    args = ["build", "--vars", variables]
    result = run_dbt(args, raw_dir, corpus.database, root, check=False)
    corpus.build_returncode = result.returncode
    corpus.build_log_tail = result.stdout[-3000:]
    return corpus


def shared_corpus(
    tmp_path_factory: pytest.TempPathFactory, fixture_dir: Path, fixture_db: Path
) -> Corpus:
    """Builds the corpus once per test session, under a lock shared by the xdist workers."""
    root = session_dir(tmp_path_factory) / "fault_corpus"
    with exclusive_lock(root / ".lock"):
        done = root / "corpus.json"
        if not done.exists():
            done.write_text(build_corpus(root, fixture_dir, fixture_db).to_json())
        return Corpus.from_json(done.read_text())
