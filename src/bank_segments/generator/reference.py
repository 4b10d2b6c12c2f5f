"""The raw contract's table layout and the project seeds the generator draws codes from."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

# (source, table) -> contract columns, in contract order (raw-contract.md).
CONTRACT: dict[tuple[str, str], tuple[str, ...]] = {
    ("core_banking", "customers"): (
        "customer_id",
        "national_id",
        "email",
        "phone",
        "full_name",
        "birth_date",
        "gender",
        "postal_code",
        "country_code",
        "occupation",
        "marital_status",
        "dependents",
        "declared_annual_income",
        "onboarding_channel",
        "home_branch_id",
        "marketing_consent",
        "created_at",
        "updated_at",
        "is_deleted",
        "_loaded_at",
    ),
    ("core_banking", "accounts"): (
        "account_id",
        "customer_id",
        "product_code",
        "currency",
        "opened_at",
        "closed_at",
        "status",
        "opening_channel",
        "branch_id",
        "credit_limit",
        "_loaded_at",
    ),
    ("core_banking", "transactions"): (
        "transaction_id",
        "account_id",
        "booked_at",
        "value_date",
        "amount",
        "direction",
        "transaction_code",
        "purpose_code",
        "counterparty_name",
        "counterparty_account_id",
        "merchant_name",
        "mcc",
        "channel",
        "status",
        "reversal_of_transaction_id",
        "description",
        "_loaded_at",
    ),
    ("core_banking", "balances"): ("account_id", "balance_date", "balance", "_loaded_at"),
    ("digital", "digital_users"): (
        "digital_user_id",
        "customer_id",
        "email",
        "registered_at",
        "registration_channel",
        "_loaded_at",
    ),
    ("digital", "app_events"): (
        "event_id",
        "digital_user_id",
        "event_name",
        "event_at",
        "platform",
        "product_code",
        "_loaded_at",
    ),
    ("marketing", "campaigns"): (
        "campaign_id",
        "campaign_name",
        "product_code",
        "channel",
        "started_at",
        "ended_at",
        "_loaded_at",
    ),
    ("marketing", "campaign_contacts"): (
        "contact_id",
        "campaign_id",
        "customer_id",
        "is_control",
        "sent_at",
        "opened_at",
        "clicked_at",
        "converted_at",
        "_loaded_at",
    ),
}

TABLES: tuple[str, ...] = tuple(table for _, table in CONTRACT)
SOURCE_OF: dict[str, str] = {table: source for source, table in CONTRACT}
COLUMNS: dict[str, tuple[str, ...]] = {table: cols for (_, table), cols in CONTRACT.items()}

SEEDS_DIR = Path(__file__).resolve().parents[3] / "seeds"


def _read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Reference:
    """Codes from the project seeds, so that generated data joins the reference tables."""

    product_family: dict[str, str]
    transaction_codes: tuple[str, ...]
    mccs: tuple[str, ...]
    branches: tuple[str, ...]
    branch_country: dict[str, str]
    fx_months: np.ndarray  # datetime64[M]
    fx_rates: dict[str, np.ndarray]  # currency -> rate_to_eur aligned with fx_months

    def products_of(self, family: str) -> list[str]:
        return [code for code, fam in self.product_family.items() if fam == family]

    def rate(self, currency: str, months: np.ndarray) -> np.ndarray:
        """Rate to EUR of `currency` for each month (datetime64[M]); 1.0 for EUR."""
        if currency == "EUR":
            return np.ones(len(months))
        idx = np.searchsorted(self.fx_months, months)
        idx = np.clip(idx, 0, len(self.fx_months) - 1)
        return self.fx_rates[currency][idx]


@cache
def load_reference() -> Reference:
    products = {
        row["product_code"]: row["product_family"] for row in _read_seed("product_catalogue.csv")
    }
    codes = tuple(row["transaction_code"] for row in _read_seed("transaction_codes.csv"))
    mccs = tuple(row["mcc"] for row in _read_seed("merchant_categories.csv"))
    branch_rows = _read_seed("branches.csv")
    fx_rows = _read_seed("fx_rates.csv")
    months = sorted({row["month"] for row in fx_rows})
    fx_months = np.array(months, dtype="datetime64[M]")
    position = {month: i for i, month in enumerate(months)}
    rates: dict[str, np.ndarray] = {}
    for row in fx_rows:
        series = rates.setdefault(row["currency"], np.full(len(months), np.nan))
        series[position[row["month"]]] = float(row["rate_to_eur"])
    return Reference(
        product_family=products,
        transaction_codes=codes,
        mccs=mccs,
        branches=tuple(row["branch_id"] for row in branch_rows),
        branch_country={row["branch_id"]: row["country_code"] for row in branch_rows},
        fx_months=fx_months,
        fx_rates=rates,
    )
