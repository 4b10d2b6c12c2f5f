"""Great Expectations suites for the raw landing tables (schema `raw`).

The contract's column lists are read from the dbt sources YAML
(`models/staging/*/_*__sources.yml`), so the contract lives in one place. The
column's kind follows the contract's naming: `*_at` timestamps, `*_date`
dates, money columns by name. Parseability is checked as a rate (`mostly`):
a few bad rows are normal and go to quarantine; a feed where many rows do
not parse is broken and fails the run.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bank_segments.expectations import CRITICAL, WARNING, ExpectationSpec

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOADER_COLUMNS = ["_file_name", "_file_row_number"]
# Share of rows that must parse for a feed to count as healthy.
PARSEABLE_SHARE = 0.95

ISO_TIMESTAMP = r"^\s*\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?\s*$"
ISO_DATE = r"^\s*\d{4}-\d{2}-\d{2}\s*$"
MONEY = r"^\s*\d+(\.\d{1,4})?\s*$"
SIGNED_MONEY = r"^\s*-?\d+(\.\d{1,4})?\s*$"
MONEY_COLUMNS = {"amount", "credit_limit", "declared_annual_income"}
SIGNED_MONEY_COLUMNS = {"balance"}
BOOLEAN = r"(?i)^\s*(true|false)\s*$"


def _one_of(*codes: str) -> str:
    """Codes in any letter case with surrounding white space (raw-contract.md)."""
    return r"(?i)^\s*(" + "|".join(codes) + r")\s*$"


# Value sets of the contract's code columns: any column of that name...
CODE_PATTERNS = {
    "direction": _one_of("c", "d", "credit", "debit"),
    "is_deleted": BOOLEAN,
    "marketing_consent": BOOLEAN,
    "is_control": BOOLEAN,
    "currency": r"^\s*[A-Za-z]{3}\s*$",
    "country_code": r"^\s*[A-Za-z]{2}\s*$",
    "mcc": r"^\s*\d{1,4}\s*$",
    "gender": _one_of("f", "m", "x"),
    "onboarding_channel": _one_of("branch", "digital", "partner", "advisor"),
    "opening_channel": _one_of("branch", "web", "mobile", "api", "advisor"),
    "registration_channel": _one_of("app", "web", "branch_assisted"),
    "platform": _one_of("ios", "android", "web"),
}
# ...and those whose set depends on the table.
TABLE_CODE_PATTERNS = {
    ("core_banking__transactions", "status"): _one_of("pending", "booked", "reversed"),
    ("core_banking__transactions", "channel"): _one_of(
        "card", "online", "mobile", "branch", "atm", "api"
    ),
    ("core_banking__accounts", "status"): _one_of("active", "dormant", "frozen", "closed"),
    ("marketing__campaigns", "channel"): _one_of("email", "push", "in_app", "sms", "call"),
}
# Without the table, the union of the statuses (kept for callers that pass none).
DEFAULT_STATUS = _one_of("pending", "booked", "reversed", "active", "dormant", "frozen", "closed")
# Columns whose unknown values staging reads as NULL (not a bad row): warn only.
TOLERATED_COLUMNS = {"gender", "country_code"}
# A row delivered twice (every contract column equal) is a duplicate delivery:
# staging keeps one version, so it only warns, above 2 % of the rows.
UNIQUE_VERSION_SHARE = 0.98


def contract_tables(project_dir: Path = PROJECT_DIR) -> dict[str, dict[str, list[str]]]:
    """Map `raw.<identifier>` table names to their contract columns and business key."""
    tables: dict[str, dict[str, list[str]]] = {}
    for path in sorted(project_dir.glob("models/staging/*/_*__sources.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources", []):
            meta = (source.get("config", {}) or {}).get("meta", {}) or {}
            if source.get("schema") != "raw" or not meta.get("load_from_files"):
                continue
            for table in source.get("tables", []):
                # The loader's own lineage columns are documented beside the contract's.
                columns = [
                    c["name"] for c in table.get("columns", []) if c["name"] not in LOADER_COLUMNS
                ]
                key = (table.get("config", {}).get("meta", {}) or {}).get("business_key")
                tables[table.get("identifier", table["name"])] = {
                    "columns": columns,
                    "business_key": list(key or columns[:1]),
                }
    return tables


def _pattern(column: str, table: str | None = None) -> str | None:
    if (table, column) in TABLE_CODE_PATTERNS:
        return TABLE_CODE_PATTERNS[(table, column)]
    if column in CODE_PATTERNS:
        return CODE_PATTERNS[column]
    if column == "status":
        return DEFAULT_STATUS
    if column in MONEY_COLUMNS:
        return MONEY
    if column in SIGNED_MONEY_COLUMNS:
        return SIGNED_MONEY
    if column.endswith("_at"):
        return ISO_TIMESTAMP
    if column.endswith("_date"):
        return ISO_DATE
    return None


def raw_suite(
    columns: list[str], business_key: list[str], table: str | None = None
) -> list[ExpectationSpec]:
    """Expectations for one raw landing table (`table`: its identifier, for value sets).

    Schema (exactly the contract columns plus the loader's), business key present,
    one version per key and load, parseability and value sets as rates.
    """
    specs = [
        ExpectationSpec(
            "ExpectTableColumnsToMatchSet",
            {"column_set": [*columns, *LOADER_COLUMNS], "exact_match": True},
        ),
        ExpectationSpec(
            "ExpectColumnValuesToNotBeNull", {"column": "_loaded_at", "mostly": PARSEABLE_SHARE}
        ),
    ]
    specs += [
        ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": c, "mostly": PARSEABLE_SHARE})
        for c in business_key
    ]
    specs += [
        # the loader's own key: each line of each file once
        ExpectationSpec("ExpectCompoundColumnsToBeUnique", {"column_list": LOADER_COLUMNS}),
        # the same version delivered twice (a batch re-delivered, a duplicated feed)
        ExpectationSpec(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": list(columns), "mostly": UNIQUE_VERSION_SHARE},
            WARNING,
        ),
    ]
    for column in columns:
        pattern = _pattern(column, table)
        if pattern is None:
            continue
        specs.append(
            ExpectationSpec(
                "ExpectColumnValuesToMatchRegex",
                {"column": column, "regex": pattern, "mostly": PARSEABLE_SHARE},
                WARNING if column in TOLERATED_COLUMNS else CRITICAL,
            )
        )
    # A landing of zero rows is worth a look but may be legitimate (e.g. no campaigns).
    specs.append(ExpectationSpec("ExpectTableRowCountToBeBetween", {"min_value": 1}, WARNING))
    return specs


__all__ = ["CRITICAL", "contract_tables", "raw_suite"]
