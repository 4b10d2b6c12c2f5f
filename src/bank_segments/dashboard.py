"""Data behind the segments dashboard (dashboard/app.py), read from the Parquet marts.

The dashboard reads only the exported marts (`exports/marts/*.parquet`, see
bank_segments.export_marts), never the build database, so it keeps working
while a build runs. Every function here is pure pandas on those frames, so the
figures can be tested without a browser; a missing mart yields None and the
dashboard says so instead of failing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

DEFAULT_EXPORT_DIR = Path("exports/marts")
INVESTMENT_READY = "investment_ready"
ORIGINS = ["digital_client", "digital_user", "offline_client", "digital_prospect"]


def export_dir() -> Path:
    """Folder of the Parquet marts: $MARTS_EXPORT_DIR or exports/marts."""
    return Path(os.environ.get("MARTS_EXPORT_DIR", str(DEFAULT_EXPORT_DIR)))


def load_mart(folder: Path, name: str) -> pd.DataFrame | None:
    """The mart `name` as a DataFrame, or None when it has not been exported."""
    path = folder / f"{name}.parquet"
    try:
        # One open file handle: the export swaps whole files by rename, so a
        # handle sees one complete version (reading the path twice might not).
        with open(path, "rb") as handle:
            return pd.read_parquet(handle)
    except FileNotFoundError:
        return None


def load_manifest(folder: Path) -> dict[str, Any]:
    """The export's `_manifest.json` (as_of_date, exported_at, row counts), {} if absent."""
    path = folder / "_manifest.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def latest_snapshot(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Rows of the latest as_of_date (snapshot marts may hold several dates)."""
    if frame is None or frame.empty or "as_of_date" not in frame:
        return frame
    return frame.loc[frame["as_of_date"] == frame["as_of_date"].max()]


def month_ends(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """Month-end dates from the month of `start` through `end`, and `end` itself."""
    points = list(pd.date_range(start.to_period("M").to_timestamp("M"), end, freq="ME"))
    if not points or points[-1] != end:
        points.append(end)
    return points


def sizes_from_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """Members per segment and as_of_date from fct_segment_summary (date, segment_id, members)."""
    return (
        summary.assign(date=pd.to_datetime(summary["as_of_date"]))
        .rename(columns={"segment_size": "members"})[["date", "segment_id", "members"]]
        .sort_values(["date", "segment_id"], ignore_index=True)
    )


def segment_sizes_over_time(
    history: pd.DataFrame, as_of: pd.Timestamp, max_points: int = 36
) -> pd.DataFrame:
    """Members per segment at each month end, from the membership history.

    A person counts on day d when the period is `in` and valid_from <= d and
    (valid_to is NULL or d < valid_to): valid_to is the first as_of_date at
    which the period no longer held. Returns columns date, segment_id,
    members; at most `max_points` dates.
    """
    if "status" in history:
        history = history.loc[history["status"] == "in"]
    if history.empty:
        return pd.DataFrame(columns=["date", "segment_id", "members"])
    valid_from = pd.to_datetime(history["valid_from"])
    valid_to = pd.to_datetime(history["valid_to"])
    dates = month_ends(valid_from.min(), pd.Timestamp(as_of))[-max_points:]
    frames = []
    for day in dates:
        active = (valid_from <= day) & (valid_to.isna() | (valid_to > day))
        counts = history.loc[active].groupby("segment_id").size()
        frames.append(
            pd.DataFrame({"date": day, "segment_id": counts.index, "members": counts.to_numpy()})
        )
    return pd.concat(frames, ignore_index=True)


def transitions_by_month(transitions: pd.DataFrame) -> pd.DataFrame:
    """Entries (positive) and exits (negative) per segment and month."""
    if transitions.empty:
        return pd.DataFrame(columns=["month", "segment_id", "transition", "persons"])
    frame = transitions.assign(
        month=pd.to_datetime(transitions["transition_date"]).dt.to_period("M").dt.to_timestamp()
    )
    counts = frame.groupby(["month", "segment_id", "transition"]).size().rename("persons")
    counts = counts.reset_index()
    counts.loc[counts["transition"] == "exited", "persons"] *= -1
    return counts


def moves_between_segments(transitions: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Persons moving from one segment to another of the same exclusivity group on one day.

    Inside an exclusivity group (dim_segments.exclusivity_group: value tier,
    lifecycle stage, primary micro-segment...) a person is in at most one
    segment, so an exit from A and an entry into B of one person on one day
    is a move A -> B. Segments outside any group are left out (they overlap).
    Returns columns group, from_segment, to_segment, persons.
    """
    columns = ["group", "from_segment", "to_segment", "persons"]
    if transitions.empty or segments.empty or "exclusivity_group" not in segments:
        return pd.DataFrame(columns=columns)
    groups = (
        segments.loc[segments["exclusivity_group"].notna(), ["segment_id", "exclusivity_group"]]
        .drop_duplicates("segment_id")
        .rename(columns={"exclusivity_group": "group"})
    )
    frame = transitions.merge(groups, on="segment_id", how="inner")
    keys = ["person_id", "transition_date", "group"]
    exits = frame.loc[frame["transition"] == "exited", [*keys, "segment_id"]]
    entries = frame.loc[frame["transition"] == "entered", [*keys, "segment_id"]]
    moves = exits.merge(entries, on=keys, suffixes=("_from", "_to"))
    moves = moves.loc[moves["segment_id_from"] != moves["segment_id_to"]]
    if moves.empty:
        return pd.DataFrame(columns=columns)
    return (
        moves.groupby(["group", "segment_id_from", "segment_id_to"])
        .size()
        .rename("persons")
        .reset_index()
        .rename(columns={"segment_id_from": "from_segment", "segment_id_to": "to_segment"})
        .sort_values(["group", "persons"], ascending=[True, False], ignore_index=True)
    )


_PASS_KEYS = ("passed", "pass", "is_met", "met")


def _criterion_outcome(value: Any) -> tuple[bool, bool | None]:
    """(is a criterion entry, passed): a bool, or a dict with a pass flag (None = unknown)."""
    if isinstance(value, bool):
        return True, value
    if isinstance(value, dict):
        for key in _PASS_KEYS:
            if key in value:
                flag = value[key]
                return True, flag if isinstance(flag, bool) else None
    return False, None


def parse_criteria(raw: Any) -> dict[str, bool | None]:
    """Map each criterion of a membership row to passed (True), failed (False) or unknown (None).

    `criteria` is a JSON object with one entry per criterion, in registry
    order: {"<criterion>": {"value": ..., "threshold": ..., "passed": true|false|null}}.
    Entries without a pass flag are context, not criteria, and are skipped.
    """
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return {}
    data = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(data, dict):
        return {}
    parsed: dict[str, bool | None] = {}
    for name, value in data.items():
        is_criterion, passed = _criterion_outcome(value)
        if is_criterion:
            parsed[str(name)] = passed
    return parsed


def latest_membership(membership: pd.DataFrame, segment_id: str) -> pd.DataFrame:
    """Membership rows of `segment_id` on the latest as_of_date it was computed for."""
    rows = membership.loc[membership["segment_id"] == segment_id]
    if rows.empty:
        return rows
    return rows.loc[rows["as_of_date"] == rows["as_of_date"].max()]


def criteria_funnel(membership: pd.DataFrame, segment_id: str = INVESTMENT_READY) -> pd.DataFrame:
    """How many persons pass and fail each criterion of a segment, latest as_of_date.

    Returns one row per criterion (in the order they are declared) with
    evaluated, passed, failed, unknown, plus a first row `evaluated persons`
    and a last row `in segment`.
    """
    rows = latest_membership(membership, segment_id)
    columns = ["criterion", "passed", "failed", "unknown"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    parsed = [parse_criteria(value) for value in rows["criteria"]]
    names: list[str] = []
    for item in parsed:
        names += [name for name in item if name not in names]
    records = [
        {
            "criterion": name,
            "passed": sum(1 for item in parsed if item.get(name) is True),
            "failed": sum(1 for item in parsed if item.get(name) is False),
            "unknown": sum(1 for item in parsed if item.get(name) is None),
        }
        for name in names
    ]
    status = rows["status"].value_counts()
    records.append(
        {
            "criterion": "in segment",
            "passed": int(status.get("in", 0)),
            "failed": int(status.get("out", 0)),
            "unknown": int(status.get("not_evaluable", 0)),
        }
    )
    return pd.DataFrame(records, columns=columns)


def sequential_funnel(membership: pd.DataFrame, segment_id: str = INVESTMENT_READY) -> pd.DataFrame:
    """Persons left after each criterion in turn (registry order), latest as_of_date.

    Stage 0 is every person evaluated; stage k keeps those who passed the
    first k criteria; the last stage is status `in` (after the segment's
    other conditions, e.g. minimum history and exclusivity).
    """
    rows = latest_membership(membership, segment_id)
    if rows.empty:
        return pd.DataFrame(columns=["stage", "persons"])
    parsed = [parse_criteria(value) for value in rows["criteria"]]
    names: list[str] = []
    for item in parsed:
        names += [name for name in item if name not in names]
    stages = [("evaluated", len(parsed))]
    for position, name in enumerate(names, start=1):
        kept = sum(1 for item in parsed if all(item.get(n) is True for n in names[:position]))
        stages.append((f"+ {name}", kept))
    stages.append(("in segment", int((rows["status"] == "in").sum())))
    return pd.DataFrame(stages, columns=["stage", "persons"])


def status_counts(membership: pd.DataFrame, segment_id: str) -> dict[str, int]:
    """Persons in / out / not_evaluable for a segment on its latest as_of_date."""
    rows = latest_membership(membership, segment_id)
    counts = rows["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in ("in", "out", "not_evaluable")}


def current_segment_sizes(membership: pd.DataFrame, segments: pd.DataFrame | None) -> pd.DataFrame:
    """Members, out and not evaluable per segment on the latest as_of_date."""
    latest = membership.loc[membership["as_of_date"] == membership["as_of_date"].max()]
    sizes = (
        latest.pivot_table(
            index="segment_id", columns="status", values="person_id", aggfunc="count", fill_value=0
        )
        .reindex(columns=["in", "out", "not_evaluable"], fill_value=0)
        .rename(columns={"in": "members"})
        .reset_index()
    )
    sizes.columns.name = None
    if segments is not None and not segments.empty:
        info = segments[["segment_id", "segment_name", "dimension"]].drop_duplicates("segment_id")
        sizes = sizes.merge(info, on="segment_id", how="left")
    return sizes.sort_values("members", ascending=False, ignore_index=True)


def clv_by_tier(features: pd.DataFrame, column: str = "clv_12m_eur") -> pd.DataFrame:
    """Quantiles of a CLV column per value tier (persons with a CLV only)."""
    frame = features.loc[features[column].notna(), ["value_tier", column]].copy()
    frame[column] = frame[column].astype(float)
    frame["value_tier"] = frame["value_tier"].fillna("no tier")
    grouped = frame.groupby("value_tier")[column]
    summary = pd.DataFrame(
        {
            "persons": grouped.size(),
            "p10": grouped.quantile(0.10),
            "median": grouped.median(),
            "p90": grouped.quantile(0.90),
            "mean": grouped.mean(),
            "total": grouped.sum(),
        }
    )
    return summary.reset_index().sort_values("value_tier", ignore_index=True)


def origin_activity_matrix(persons: pd.DataFrame) -> pd.DataFrame:
    """Persons per origin x digital activity (rows: the four origins; columns: active, inactive)."""
    activity = persons["is_digital_active"].map({True: "digitally active", False: "not active"})
    matrix = pd.crosstab(persons["origin"], activity.fillna("unknown"))
    order = [o for o in ORIGINS if o in matrix.index] + [
        o for o in matrix.index if o not in ORIGINS
    ]
    columns = [c for c in ("digitally active", "not active", "unknown") if c in matrix.columns]
    return matrix.reindex(index=order, columns=columns, fill_value=0)
