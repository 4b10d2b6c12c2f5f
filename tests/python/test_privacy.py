"""No public or intermediate table holds raw personal data: scan the values, not the names.

The raw fixture's names, emails, phone numbers and national ids (as delivered
and in normalised forms) must appear in no text column of the `marts` and
`intermediate` schemas, nor in the `stg_` views: neither as a whole value nor,
in the marts, inside a longer text (a JSON criteria document, a reason). No
mart value may even look like an e-mail address. The quarantine keeps the raw
row of a bad record on purpose (it is the audit trail) and is not scanned.

Audience exports (the files reverse-ETL tools read) hold only persons whose
every live customer record gives marketing consent.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from bank_segments.export_audiences import export_audiences

SCANNED = ("marts", "intermediate", "staging")
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# Values scanned for inside longer texts: long enough not to match by chance.
MIN_SUBSTRING_LENGTH = 8
# Texts searched for embedded values: JSON documents and sentences.
MIN_TEXT_LENGTH = 24


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
                text = value.strip()
                values |= {text, text.lower(), text.upper(), " ".join(text.upper().split())}
                digits = re.sub(r"[^0-9A-Za-z]", "", value)
                if len(digits) >= 6:
                    values |= {digits, digits.upper(), "+" + digits}
    return values


def _text_columns(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[tuple]:
    return con.execute(
        """
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns as c
        where c.table_schema in ?
          and c.data_type like 'VARCHAR%'
          and c.table_name not like 'base_%'
          and c.table_name not like '%quarantine%'
        order by 1, 2, 3
        """,
        [list(schemas)],
    ).fetchall()


@pytest.fixture(scope="module")
def identifiers(fixture_dir: Path) -> set[str]:
    values = _raw_identifiers(fixture_dir)
    assert len(values) > 100, "the fixture should hold personal data to look for"
    return values


def test_no_raw_personal_data_in_models(fixture_db: Path, identifiers: set[str]) -> None:
    leaks: list[str] = []
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        con.execute("create temp table pii (value varchar)")
        con.executemany("insert into pii values (?)", [[v] for v in identifiers])
        columns = _text_columns(con, SCANNED)
        assert columns, "no text columns found: was the warehouse built?"
        for schema, table, column in columns:
            hits = con.execute(
                f'select distinct t."{column}" from "{schema}"."{table}" as t '
                f'join pii on t."{column}" = pii.value limit 3'
            ).fetchall()
            leaks += [f"{schema}.{table}.{column}: {hit[0]!r}" for hit in hits]
    assert not leaks, "raw personal data found:\n" + "\n".join(leaks)


def _mart_text_leaks(con: duckdb.DuckDBPyConnection, identifiers: set[str]) -> list[str]:
    """Identifiers inside longer mart texts, and e-mail-like mart values."""
    long_values = [v for v in identifiers if len(v) >= MIN_SUBSTRING_LENGTH]
    con.execute("create or replace temp table pii_long (value varchar)")
    con.executemany("insert into pii_long values (?)", [[v] for v in long_values])
    columns = _text_columns(con, ("marts",))
    assert columns, "no mart text columns found: was the warehouse built?"
    leaks: list[str] = []
    for _, table, column in columns:
        texts = f'select distinct "{column}" as text from marts."{table}"'
        hits = con.execute(
            f"with texts as ({texts}) "
            "select texts.text, pii_long.value from texts join pii_long "
            f"on length(texts.text) >= {MIN_TEXT_LENGTH} and contains(texts.text, pii_long.value) "
            "limit 3"
        ).fetchall()
        leaks += [f"marts.{table}.{column}: {value!r} in {text[:80]!r}" for text, value in hits]
        emails = con.execute(
            f"with texts as ({texts}) select text from texts "
            f"where regexp_matches(text, '{EMAIL}') limit 3"
        ).fetchall()
        leaks += [f"marts.{table}.{column}: e-mail-like {t[0][:80]!r}" for t in emails]
    return leaks


def test_no_personal_data_inside_mart_texts(fixture_db: Path, identifiers: set[str]) -> None:
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        leaks = _mart_text_leaks(con, identifiers)
    assert not leaks, "personal data inside mart values:\n" + "\n".join(leaks)


def test_the_text_scan_finds_embedded_identifiers(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "leak.duckdb")) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.m as select * from (values "
            '(\'{"owner": "Ana Lopez Garcia", "n": 3}\'), '
            "('{\"contact\": \"someone@example.org\"}'), ('a clean reason, long enough')) "
            "as t (criteria)"
        )
        leaks = _mart_text_leaks(con, {"Ana Lopez Garcia"})
    assert len(leaks) == 2, leaks
    assert any("Ana Lopez Garcia" in leak for leak in leaks)
    assert any("e-mail-like" in leak for leak in leaks)


def test_audience_exports_hold_only_consenting_persons(fixture_db: Path, tmp_path: Path) -> None:
    written = export_audiences(fixture_db, tmp_path / "audiences")
    assert written, "no audience export written"
    files = [str(p) for p in written]
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        exported = con.execute(
            "select distinct person_id from read_parquet(?, union_by_name = true)", [files]
        ).fetchall()
        assert exported, "the fixture exports nobody: the consent check would prove nothing"
        # consent re-derived from staging: every live record of the person says true
        lacking = con.execute(
            """
            with consent as (
                select pc.person_id, bool_and(c.has_marketing_consent) as has_consent
                from marts.dim_person_customers as pc
                inner join staging.stg_core_banking__customers as c
                    on pc.customer_id = c.customer_id
                where not c.is_deleted
                group by pc.person_id
            )
            select e.person_id
            from read_parquet(?, union_by_name = true) as e
            left join consent on e.person_id = consent.person_id
            where not coalesce(consent.has_consent, false)
            """,
            [files],
        ).fetchall()
    assert not lacking, f"exported persons without marketing consent: {lacking[:5]}"
