"""Erasure: a customer who exercised it vanishes from every mart on the next run.

The fault corpus (`fault_corpus.py`) delivers, after the clean fixture, a second
version of one customer record with `is_deleted = true` and a later
`updated_at`. In the clean build that customer is a person of its own, with
features and segment memberships; in the corpus build neither the customer_id
nor the person_id may appear in any column of any table of schema `marts`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fault_corpus import Corpus, shared_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, fixture_dir: Path, fixture_db: Path) -> Corpus:
    return shared_corpus(tmp_path_factory, fixture_dir, fixture_db)


def _mentions(database: Path, values: list[str]) -> list[str]:
    """Every (mart, column) whose values include one of `values` (text columns, scanned)."""
    found = []
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type like 'VARCHAR%' "
            "order by table_name, column_name"
        ).fetchall()
        assert columns, f"no marts in {database}"
        for table, column in columns:
            hits = con.execute(
                f'select count(*) from marts."{table}" where "{column}" in ?', [values]
            ).fetchone()[0]
            if hits:
                found.append(f"marts.{table}.{column}: {hits} rows")
    return found


def test_erased_customer_was_in_the_marts_before(corpus: Corpus, fixture_db: Path) -> None:
    ids = [corpus.erased_customer_id, corpus.erased_person_id]
    found = _mentions(fixture_db, ids)
    assert any("fct_person_features.person_id" in f for f in found), found
    assert any("fct_segment_membership.person_id" in f for f in found), found
    assert any("dim_person_customers.customer_id" in f for f in found), found


def test_erased_customer_reaches_no_mart(corpus: Corpus) -> None:
    assert corpus.build_returncode == 0, corpus.build_log_tail
    with duckdb.connect(str(corpus.database), read_only=True) as con:
        (is_deleted,) = con.execute(
            "select is_deleted from staging.stg_core_banking__customers where customer_id = ?",
            [corpus.erased_customer_id],
        ).fetchone()
    assert is_deleted, "the erasure version did not win in staging"
    found = _mentions(corpus.database, [corpus.erased_customer_id, corpus.erased_person_id])
    assert not found, "the erased customer is still in the marts:\n" + "\n".join(found)
