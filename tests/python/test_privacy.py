"""No public or intermediate table holds raw personal data: scan the values, not the names.

The raw fixture's names, emails, phone numbers and national ids (as delivered
and in normalised form) must appear in no text column of the `marts` and
`intermediate` schemas, nor in the `stg_` views. The quarantine keeps the raw
row of a bad record on purpose (it is the audit trail) and is not scanned.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

SCANNED = ("marts", "intermediate", "staging")


def _raw_identifiers(fixture_dir: Path) -> set[str]:
    con = duckdb.connect()
    values: set[str] = set()
    queries = {
        "core_banking/customers": ["national_id", "email", "phone", "full_name"],
        "digital/digital_users": ["email"],
    }
    for table, columns in queries.items():
        files = str(fixture_dir / table / "*.csv")
        for column in columns:
            rows = con.execute(
                f"select distinct {column} from read_csv('{files}', all_varchar = true, "
                "union_by_name = true, ignore_errors = true)"
            ).fetchall()
            for (value,) in rows:
                if value is None or len(value.strip()) < 6:
                    continue
                values.add(value.strip())
                values.add(value.strip().lower())
                digits = re.sub(r"[^0-9A-Za-z]", "", value)
                if len(digits) >= 6:
                    values.add(digits)
                    values.add(digits.upper())
    return values


def _text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        """
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns as c
        where c.table_schema in ?
          and c.data_type like 'VARCHAR%'
          and c.table_name not like 'base_%'
          and c.table_name not like '%quarantine%'
        """,
        [list(SCANNED)],
    ).fetchall()


def test_no_raw_personal_data_in_models(fixture_db: Path, fixture_dir: Path) -> None:
    identifiers = _raw_identifiers(fixture_dir)
    assert len(identifiers) > 100, "the fixture should hold personal data to look for"
    leaks: list[str] = []
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        con.execute("create temp table pii (value varchar)")
        con.executemany("insert into pii values (?)", [[v] for v in identifiers])
        columns = _text_columns(con)
        assert columns, "no text columns found: was the warehouse built?"
        for schema, table, column in columns:
            hits = con.execute(
                f'select distinct t."{column}" from "{schema}"."{table}" as t '
                f'join pii on t."{column}" = pii.value limit 3'
            ).fetchall()
            leaks += [f"{schema}.{table}.{column}: {hit[0]!r}" for hit in hits]
    assert not leaks, "raw personal data found:\n" + "\n".join(leaks)
