"""Rows that break the raw contract, each recorded with the reason staging must assign.

A bad row is a copy of a real row of the same chunk with one value broken. Most get a new
business key, so they take nothing away from the persons' true activity; a few are a later,
broken version of an existing key (the earlier valid version must stand).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from bank_segments.generator.pieces import Piece

BAD_TS = "31/02/2025 10:00"
TS = "invalid_timestamp"
WORD = "yesterday"
# (table, kind, column, bad value, reason code, new key)
KINDS: tuple[tuple[str, str, str, str | None, str, bool], ...] = (
    ("transactions", "amount_not_a_number", "amount", "abc", "invalid_money", True),
    ("transactions", "amount_with_comma", "amount", "12,50", "invalid_money", True),
    ("transactions", "amount_with_sign", "amount", "-5.00", "invalid_money", True),
    ("transactions", "amount_with_exponent", "amount", "1e3", "invalid_money", True),
    ("transactions", "amount_too_many_decimals", "amount", "1.23456", "invalid_money", True),
    ("transactions", "unknown_direction", "direction", "sideways", "invalid_code", True),
    ("transactions", "unknown_status", "status", "settled", "invalid_code", True),
    ("transactions", "orphan_account", "account_id", None, "orphan_reference", True),
    ("transactions", "unparseable_booked_at", "booked_at", BAD_TS, TS, True),
    ("transactions", "unparseable_booked_at_word", "booked_at", WORD, TS, True),
    ("transactions", "empty_business_key", "transaction_id", None, "missing_business_key", False),
    ("transactions", "empty_amount", "amount", None, "missing_required_value", True),
    ("transactions", "bad_later_version", "status", "settled", "invalid_code", False),
    ("customers", "unparseable_created_at", "created_at", BAD_TS, TS, True),
    ("customers", "invalid_consent", "marketing_consent", "maybe", "invalid_boolean", True),
    ("customers", "invalid_dependents", "dependents", "two", "invalid_integer", True),
    ("customers", "empty_business_key", "customer_id", None, "missing_business_key", False),
    ("customers", "bad_later_version", "marketing_consent", "maybe", "invalid_boolean", False),
    ("accounts", "unparseable_opened_at", "opened_at", "yesterday", TS, True),
    ("accounts", "unknown_status", "status", "suspended", "invalid_code", True),
    ("accounts", "empty_business_key", "account_id", None, "missing_business_key", False),
    ("accounts", "bad_later_version", "status", "suspended", "invalid_code", False),
    ("balances", "invalid_balance_date", "balance_date", "2025-13-01", "invalid_date", False),
    ("balances", "orphan_account", "account_id", None, "orphan_reference", False),
    ("balances", "balance_with_comma", "balance", "1,234.50", "invalid_money", False),
    ("digital_users", "unparseable_registered_at", "registered_at", WORD, TS, True),
    ("app_events", "unparseable_event_at", "event_at", BAD_TS, TS, True),
    ("app_events", "empty_business_key", "event_id", None, "missing_business_key", False),
    ("campaign_contacts", "unparseable_sent_at", "sent_at", WORD, TS, True),
    ("campaign_contacts", "invalid_is_control", "is_control", "perhaps", "invalid_boolean", True),
)  # fmt: skip
KEY = {"transactions": "transaction_id", "customers": "customer_id", "accounts": "account_id",
       "balances": "account_id", "digital_users": "digital_user_id", "app_events": "event_id",
       "campaign_contacts": "contact_id"}  # fmt: skip
RATE = {"transactions": 0.0002, "app_events": 0.0002, "balances": 0.0002}


@dataclass
class BadRow:
    table: str
    business_key: str
    kind: str
    reason: str
    batch: int
    has_valid_version: bool


def inject(rng: np.random.Generator, chunk: int, pieces: dict[str, Piece], n_batches: int,
           new_key: Callable[[str, int], str]) -> list[BadRow]:  # fmt: skip
    """Appends bad rows to the pieces; returns what was broken where."""
    found: list[BadRow] = []
    counter = 0
    extra: dict[str, list[tuple[dict, int]]] = {}
    for table, kind, column, value, reason, renew in KINDS:
        piece = pieces[table]
        if piece.n_rows == 0:
            continue
        count = max(1, int(rng.binomial(piece.n_rows, RATE.get(table, 0.0))))
        rows = np.sort(rng.choice(piece.n_rows, size=min(count, piece.n_rows), replace=False))
        templates = piece.data.take(pa.array(rows)).to_pylist()
        for i, row in zip(rows, templates, strict=True):
            batch = int(piece.batch[i])
            key_column = KEY[table]
            valid_version = False
            if kind == "bad_later_version":
                valid_version = True
                batch = min(batch + 1 + int(rng.integers(0, 3)), n_batches - 1)
            elif renew:
                counter += 1
                row[key_column] = new_key(table, counter)
            if column == "account_id" and reason == "orphan_reference":
                counter += 1
                row["account_id"] = f"AC{9_000_000_000 + chunk * 10_000 + counter:010d}"
            else:
                row[column] = value
            if table == "balances":
                key = f"{row['account_id']}|{row['balance_date'] or ''}"
                if kind == "balance_with_comma":
                    counter += 1
                    row["balance_date"] = "2000-01-01"  # a date no real snapshot uses
                    key = f"{row['account_id']}|{row['balance_date']}"
            else:
                key = row[key_column] or ""
            found.append(BadRow(table, key, kind, reason, batch, valid_version))
            extra.setdefault(table, []).append((row, batch))
    for table, rows in extra.items():
        piece = pieces[table]
        addition = pa.Table.from_pylist([r for r, _ in rows], schema=piece.data.schema)
        pieces[table] = Piece(
            table,
            pa.concat_tables([piece.data, addition]),
            np.concatenate([piece.batch, np.array([b for _, b in rows], dtype=np.int32)]),
        )
    return found
