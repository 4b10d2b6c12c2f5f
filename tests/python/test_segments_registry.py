"""The segment registry: validation at compile time, a new entry needs no model
change, rule changes need a version bump, the control group is a stable hash.

Each test works on a copy of the project in a temporary folder, edits the
registry there (macros/segments/segment_registry_entries.sql) and runs dbt
in-process on its own DuckDB file with mocked upstream marts.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from segment_warehouse import (
    PROJECT_DIR,
    START,
    SegmentWarehouse,
    SyntheticBank,
    dbt_flags,
    parse_project,
)

REGISTRY = Path("macros") / "segments" / "segment_registry_entries.sql"
COPIED = ["models", "macros", "seeds", "tests", "analyses", "dbt_project.yml", "profiles.yml"]

THROWAWAY_ENTRY = """
  - id: throwaway_big_savers
    version: 1
    name: Throw-away test segment
    dimension: savings_investment
    owner: test-suite
    description: Savings of at least 20,000 EUR and a buffer of at least 8 months.
    min_history_months: 0
    priority: 1
    criteria:
      - {name: big_savings, feature: savings_balance_eur, operator: ">=", threshold: 20000}
      - {name: deep_buffer, feature: savings_buffer_months, operator: ">=", threshold: 8}
"""


def copy_project(target: Path) -> Path:
    for name in COPIED:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def edit_registry(project: Path, old: str | None = None, new: str = "", append: str = "") -> None:
    path = project / REGISTRY
    text = path.read_text()
    if old is not None:
        assert old in text, f"{old!r} not in the registry"
        text = text.replace(old, new, 1)
    if append:
        text = text.replace("{% endraw %}", "\n" + append.strip("\n") + "\n{% endraw %}", 1)
    path.write_text(text)


def compile_error(project: Path, work_dir: Path) -> str:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        ["compile", "--select", "int_segment_rules_evaluated", *dbt_flags(work_dir, project)]
    )
    assert not result.success, "the broken registry compiled"
    return failure_text(result)


@pytest.mark.parametrize(
    ("old", "new", "append", "expected"),
    [
        (
            'feature: deposit_months_12, operator: ">=", threshold: 9}',
            'feature: deposit_months_13, operator: ">=", threshold: 9}',
            "",
            ["entry 'investment_ready'", "unknown feature 'deposit_months_13'"],
        ),
        (
            'feature: value_tier, operator: "=", threshold: B}',
            'feature: value_tier, operator: "=>", threshold: B}',
            "",
            ["entry 'value_tier_b'", "bad operator '=>'"],
        ),
        (
            None,
            "",
            THROWAWAY_ENTRY.replace("throwaway_big_savers", "value_tier_a"),
            ["value_tier_a", "duplicate id 'value_tier_a'"],
        ),
        (
            "segment: red_flag_debt_burden,",
            "segment: red_flag_debt_burdens,",
            "",
            ["entry 'investment_ready'", "unknown segment 'red_flag_debt_burdens'"],
        ),
    ],
    ids=["unknown_feature", "bad_operator", "duplicate_id", "unknown_segment"],
)
def test_bad_registry_entry_fails_at_compile_time_naming_the_entry(
    tmp_path: Path, old: str | None, new: str, append: str, expected: list[str]
) -> None:
    project = copy_project(tmp_path / "project")
    edit_registry(project, old, new, append)
    message = compile_error(project, tmp_path)
    for fragment in expected:
        assert fragment in message


@pytest.fixture(scope="module")
def throwaway_warehouse(tmp_path_factory: pytest.TempPathFactory) -> SegmentWarehouse:
    """A copy of the project with one extra registry entry, built for one day."""
    root = tmp_path_factory.mktemp("segments_throwaway")
    project = copy_project(root / "project")
    edit_registry(project, append=THROWAWAY_ENTRY)
    manifest, columns = parse_project(root, project)
    warehouse = SegmentWarehouse(root / "warehouse", SyntheticBank(columns), manifest, project)
    warehouse.run_day(START, full=True)
    return warehouse


def test_new_registry_entry_materialises_without_model_change(
    throwaway_warehouse: SegmentWarehouse,
) -> None:
    warehouse = throwaway_warehouse
    segment = warehouse.rows(
        "(select segment_id, segment_version, owner from marts.dim_segments "
        "where segment_id = 'throwaway_big_savers')",
        "1",
    )
    assert segment == [("throwaway_big_savers", 1, "test-suite")]
    features = warehouse.bank.features(START)
    expected = {}
    for row in features.itertuples(index=False):
        buffer = row.savings_buffer_months
        if row.savings_balance_eur < 20000 or (buffer == buffer and buffer < 8):
            expected[row.person_id] = "out"
        elif buffer != buffer:  # NaN: missing buffer
            expected[row.person_id] = "not_evaluable"
        else:
            expected[row.person_id] = "in"
    membership = warehouse.rows(
        "(select person_id, status from marts.fct_segment_membership "
        "where segment_id = 'throwaway_big_savers')",
        "1",
    )
    assert dict(membership) == expected
    assert {"in", "out"} <= set(expected.values())


def test_control_group_is_the_documented_hash(throwaway_warehouse: SegmentWarehouse) -> None:
    rows = throwaway_warehouse.rows(
        "(select m.person_id, m.segment_id, m.is_control_group, s.control_group_share "
        "from marts.fct_segment_membership as m inner join marts.dim_segments as s "
        "using (segment_id) where s.is_audience)",
        "1, 2",
    )
    assert rows
    for person_id, segment_id, is_control_group, share in rows:
        digest = hashlib.md5(f"{person_id}|{segment_id}".encode()).hexdigest()
        assert is_control_group == (int(digest[:8], 16) / 2**32 < share)


def failure_text(result: object) -> str:
    """The exception, or the messages of the nodes that failed."""
    messages = [str(result.exception)]
    for node_result in getattr(result.result, "results", None) or []:
        if node_result.status in ("error", "fail"):
            messages.append(str(node_result.message))
    return "\n".join(messages)


def test_changed_rule_needs_a_version_bump(throwaway_warehouse: SegmentWarehouse) -> None:
    warehouse = throwaway_warehouse
    edit_registry(warehouse.project_dir, "threshold: 20000}", "threshold: 25000}")
    result = warehouse.try_invoke(["run", "--select", "dim_segments"], reparse=True)
    assert not result.success
    assert "entry 'throwaway_big_savers'" in failure_text(result)
    assert "bump the version" in failure_text(result)

    edit_registry(
        warehouse.project_dir,
        "  - id: throwaway_big_savers\n    version: 1",
        "  - id: throwaway_big_savers\n    version: 2",
    )
    result = warehouse.try_invoke(["run", "--select", "dim_segments"], reparse=True)
    assert result.success, result.exception
