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
CODE_PATTERNS = {
    "direction": r"(?i)^\s*(c|d|credit|debit)\s*$",
    "status": r"(?i)^\s*(pending|booked|reversed|active|dormant|frozen|closed)\s*$",
    "is_deleted": r"(?i)^\s*(true|false)\s*$",
    "marketing_consent": r"(?i)^\s*(true|false)\s*$",
    "is_control": r"(?i)^\s*(true|false)\s*$",
}


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


def _pattern(column: str) -> str | None:
    if column in CODE_PATTERNS:
        return CODE_PATTERNS[column]
    if column in MONEY_COLUMNS:
        return MONEY
    if column in SIGNED_MONEY_COLUMNS:
        return SIGNED_MONEY
    if column.endswith("_at"):
        return ISO_TIMESTAMP
    if column.endswith("_date"):
        return ISO_DATE
    return None


def raw_suite(columns: list[str], business_key: list[str]) -> list[ExpectationSpec]:
    """Expectations for one raw landing table."""
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
    for column in columns:
        pattern = _pattern(column)
        if pattern is None:
            continue
        specs.append(
            ExpectationSpec(
                "ExpectColumnValuesToMatchRegex",
                {"column": column, "regex": pattern, "mostly": PARSEABLE_SHARE},
            )
        )
    # A landing of zero rows is worth a look but may be legitimate (e.g. no campaigns).
    specs.append(ExpectationSpec("ExpectTableRowCountToBeBetween", {"min_value": 1}, WARNING))
    return specs


__all__ = ["CRITICAL", "contract_tables", "raw_suite"]
