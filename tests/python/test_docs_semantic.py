"""dbt docs and the semantic layer, from one `dbt docs generate` on the fixture warehouse.

- `dbt docs generate` works and its catalog holds every public mart;
- every model, column, seed, source and macro of the project is described
  (an adapter implementation `<adapter>__<name>` of a documented dispatched
  macro is covered by the dispatcher's description);
- the semantic layer declares the metrics of the issue, validates with
  dbt-semantic-interfaces, has a time spine, and every measure and dimension
  expression runs on the fixture marts.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import exclusive_lock, run_dbt, session_dir
from dbt_semantic_interfaces.implementations.semantic_manifest import PydanticSemanticManifest
from dbt_semantic_interfaces.validations.semantic_manifest_validator import (
    SemanticManifestValidator,
)

PROJECT = "customer_segments"
REQUIRED_METRICS = {
    "segment_size",
    "segment_entries",
    "segment_exits",
    "predicted_clv_12m_eur",
    "net_cashflow_eur",
}
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
ADAPTER_IMPLEMENTATION = re.compile(r"^(default|duckdb|spark|postgres|snowflake|bigquery)__(.+)$")


@pytest.fixture(scope="module")
def docs(fixture_db: Path, fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """target/ of `dbt docs generate` run on a copy of the fixture warehouse.

    Built once per test session: the xdist workers share the folder under a
    lock (the parse is the slow part).
    """
    shared = session_dir(tmp_path_factory) / "docs_semantic"
    target = shared / "target"
    with exclusive_lock(shared / ".lock"):
        if not (target / "catalog.json").is_file():
            # A copy: the catalog query must not hold the lock other tests read under.
            database = shared / "fixture.duckdb"
            shutil.copy(fixture_db, database)
            # parse writes manifest.json and semantic_manifest.json; docs
            # generate adds the catalog (no compile: the site reads the manifest).
            run_dbt(["parse"], fixture_dir, database, shared)
            run_dbt(["docs", "generate", "--no-compile"], fixture_dir, database, shared)
    return target


def _load(target: Path, name: str) -> dict[str, Any]:
    return json.loads((target / name).read_text(encoding="utf-8"))


def test_docs_site_and_catalog(docs: Path) -> None:
    assert (docs / "index.html").stat().st_size > 100_000
    catalog = _load(docs, "catalog.json")
    in_catalog = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    assert in_catalog >= PUBLIC_MARTS, sorted(PUBLIC_MARTS - in_catalog)


def test_every_model_column_and_seed_is_described(docs: Path) -> None:
    manifest = _load(docs, "manifest.json")
    catalog = _load(docs, "catalog.json")
    missing = []
    for uid, node in manifest["nodes"].items():
        if node["package_name"] != PROJECT or node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            missing.append(uid)
        if "test_case" in node["tags"] and node["name"].endswith("_bad"):
            # A "_bad" fixture is wrong on purpose (e.g. the schema-drift one
            # carries an undocumented column for its test to find).
            continue
        documented = {name.lower() for name, col in node["columns"].items() if col["description"]}
        built = catalog["nodes"].get(uid, {}).get("columns", {})
        missing += [f"{uid}.{column}" for column in built if column.lower() not in documented]
    for uid, source in manifest["sources"].items():
        if source["package_name"] == PROJECT and not source["description"].strip():
            missing.append(uid)
    assert missing == [], f"{len(missing)} undocumented: {missing[:40]}"


def test_every_macro_is_described(docs: Path) -> None:
    manifest = _load(docs, "manifest.json")
    macros = {m["name"]: m for m in manifest["macros"].values() if m["package_name"] == PROJECT}
    missing = []
    for name, macro in sorted(macros.items()):
        if macro["description"].strip():
            continue
        implementation = ADAPTER_IMPLEMENTATION.match(name)
        dispatcher = macros.get(implementation.group(2)) if implementation else None
        if dispatcher is not None and dispatcher["description"].strip():
            continue
        missing.append(f"{name} ({macro['original_file_path']})")
    assert missing == [], f"{len(missing)} macros without a description: {missing}"


def test_semantic_layer_declares_the_metrics(docs: Path) -> None:
    semantic = _load(docs, "semantic_manifest.json")
    metrics = {metric["name"]: metric for metric in semantic["metrics"]}
    assert set(metrics) >= REQUIRED_METRICS, sorted(REQUIRED_METRICS - set(metrics))
    measures = {
        measure["name"] for model in semantic["semantic_models"] for measure in model["measures"]
    }
    for name, metric in metrics.items():
        assert metric["description"], name
        for measure in metric["type_params"].get("input_measures", []):
            assert measure["name"] in measures, (name, measure["name"])
    spines = semantic["project_configuration"]["time_spines"]
    assert [s["primary_column"]["name"] for s in spines] == ["date_day"]


def test_semantic_manifest_validates(docs: Path) -> None:
    semantic = PydanticSemanticManifest.parse_obj(_load(docs, "semantic_manifest.json"))
    results = SemanticManifestValidator[PydanticSemanticManifest]().validate_semantic_manifest(
        semantic
    )
    issues = [issue.as_readable_str() for issue in results.all_issues]
    assert not results.has_blocking_issues, issues
    assert issues == []


def test_semantic_expressions_run_on_the_marts(docs: Path, fixture_db: Path) -> None:
    semantic = _load(docs, "semantic_manifest.json")
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        for model in semantic["semantic_models"]:
            relation = f"marts.{model['node_relation']['alias']}"
            selects = [
                f"{m['agg'].replace('count_distinct', 'count')}({m.get('expr') or m['name']})"
                for m in model["measures"]
            ]
            selects += [f"count({d.get('expr') or d['name']})" for d in model["dimensions"]]
            selects += [f"count({e.get('expr') or e['name']})" for e in model["entities"]]
            row = con.execute(f"select {', '.join(selects)} from {relation}").fetchone()
            assert row is not None, relation
        (spine_days,) = con.execute("select count(*) from marts.metricflow_time_spine").fetchone()
    assert spine_days > 365 * 50


def test_segment_size_matches_the_membership(fixture_db: Path, docs: Path) -> None:
    semantic = _load(docs, "semantic_manifest.json")
    membership = next(m for m in semantic["semantic_models"] if m["name"] == "segment_membership")
    members = next(m for m in membership["measures"] if m["name"] == "segment_members")
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        from_measure, by_hand = con.execute(
            f"select sum({members['expr']}), count(*) filter (where status = 'in') "
            "from marts.fct_segment_membership "
            "where as_of_date = (select max(as_of_date) from marts.fct_segment_membership)"
        ).fetchone()
    assert from_measure == by_hand > 0
