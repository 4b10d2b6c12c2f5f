"""Customer segments dashboard: `make dashboard` (streamlit run dashboard/app.py).

Reads only the Parquet marts that `make export` publishes (folder
$MARTS_EXPORT_DIR, default exports/marts). The figures come from
bank_segments.dashboard; this file is layout.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from bank_segments import dashboard as data

st.set_page_config(page_title="Customer segments", layout="wide")

FOLDER = data.export_dir()
TIER_COLORS = alt.Scale(domain=["A", "B", "C"], range=["#1b7837", "#5aae61", "#a6dba0"])


@st.cache_data(show_spinner=False)
def _read(folder: str, name: str, mtime: float) -> pd.DataFrame | None:
    # mtime is part of the cache key: a new export is read again.
    return data.load_mart(Path(folder), name)


def mart(name: str) -> pd.DataFrame | None:
    path = FOLDER / f"{name}.parquet"
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    return _read(str(FOLDER), name, mtime)


def missing(*names: str) -> None:
    st.info(
        f"Not available: {' / '.join(names)} not exported to {FOLDER}. "
        "Run `make run` (or `make export` after a build)."
    )


def header(manifest: dict, persons: pd.DataFrame | None, features: pd.DataFrame | None) -> None:
    st.title("Customer segments")
    as_of = manifest.get("as_of_date") or "unknown"
    st.caption(
        f"As of {as_of} · exported {manifest.get('exported_at', 'unknown')} · marts in {FOLDER}"
    )
    kpis = st.columns(5)
    if persons is not None:
        kpis[0].metric("Persons", f"{len(persons):,}")
        prospects = int((persons["origin"] == "digital_prospect").sum())
        kpis[1].metric("Customers", f"{len(persons) - prospects:,}")
        kpis[2].metric("Digital prospects", f"{prospects:,}")
        active = persons["is_digital_active"].astype("boolean").fillna(False).mean()
        kpis[3].metric("Digitally active", f"{active:.0%}")
    if features is not None and "clv_12m_eur" in features:
        kpis[4].metric(
            "Predicted CLV, next 12 months",
            f"{features['clv_12m_eur'].astype(float).sum():,.0f}",
            help="Sum over customers, discounted, in the reporting currency (EUR by default).",
        )


def segment_sizes(
    summary: pd.DataFrame | None,
    history: pd.DataFrame | None,
    membership: pd.DataFrame | None,
    segments: pd.DataFrame | None,
) -> None:
    st.header("Segment sizes over time")
    if summary is None and (history is None or membership is None):
        missing("fct_segment_summary", "fct_segment_membership_history")
        return
    names = {}
    if segments is not None:
        names = dict(zip(segments["segment_id"], segments["segment_name"], strict=False))
    if summary is not None:
        sizes = data.sizes_from_summary(summary)
    else:
        sizes = data.segment_sizes_over_time(
            history, pd.to_datetime(membership["as_of_date"]).max()
        )
    sizes = sizes.assign(segment=sizes["segment_id"].map(names).fillna(sizes["segment_id"]))
    left, right = st.columns([2, 1])
    latest = sizes.loc[sizes["date"] == sizes["date"].max()]
    if sizes["date"].nunique() == 1:
        left.caption(
            "One as_of_date so far: `make backfill` replays past dates to fill the history."
        )
        chart = (
            alt.Chart(latest.nlargest(15, "members"))
            .mark_bar(color="#2166ac")
            .encode(
                y=alt.Y("segment:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
                x=alt.X("members:Q", title="persons in segment"),
                tooltip=["segment", "members"],
            )
            .properties(height=380, title="Largest segments")
        )
    else:
        chosen = _pick_segments(left, sizes, latest, segments)
        chart = (
            alt.Chart(sizes.loc[sizes["segment_id"].isin(chosen)])
            .mark_line(point=True)
            .encode(
                x=alt.X("date:T", title="as_of_date"),
                y=alt.Y("members:Q", title="persons in segment"),
                color=alt.Color("segment:N", title="segment"),
                tooltip=["segment", "date:T", "members"],
            )
            .properties(height=340)
        )
    left.altair_chart(chart, width="stretch")
    if membership is not None:
        right.subheader("Latest as_of_date")
        current = data.current_segment_sizes(membership, segments)
        right.dataframe(current, hide_index=True, width="stretch", height=380)


def _pick_segments(
    column: DeltaGenerator, sizes: pd.DataFrame, latest: pd.DataFrame, segments: pd.DataFrame | None
) -> list[str]:
    """Segments to plot: those of one dimension (default lifecycle), or the largest."""
    largest = "largest segments"
    dimensions = [largest]
    if segments is not None and "dimension" in segments:
        dimensions += sorted(segments["dimension"].dropna().unique())
    default = "lifecycle" if "lifecycle" in dimensions else largest
    dimension = column.selectbox("Dimension", dimensions, index=dimensions.index(default))
    if dimension == largest or segments is None:
        return list(latest.nlargest(8, "members")["segment_id"])
    in_dimension = set(segments.loc[segments["dimension"] == dimension, "segment_id"])
    return [s for s in sorted(sizes["segment_id"].unique()) if s in in_dimension]


def transitions_section(transitions: pd.DataFrame | None, segments: pd.DataFrame | None) -> None:
    st.header("Transitions between segments")
    if transitions is None:
        missing("fct_segment_transitions")
        return
    monthly = data.transitions_by_month(transitions)
    left, right = st.columns(2)
    if monthly.empty:
        left.info("No transitions recorded yet (a single as_of_date has been computed).")
    else:
        options = sorted(monthly["segment_id"].unique())
        busiest = monthly.groupby("segment_id")["persons"].apply(lambda s: s.abs().sum()).idxmax()
        segment = left.selectbox("Segment", options, index=options.index(busiest))
        chart = (
            alt.Chart(monthly.loc[monthly["segment_id"] == segment])
            .mark_bar()
            .encode(
                x=alt.X("month:T", title="month"),
                y=alt.Y("persons:Q", title="entries (+) / exits (-)"),
                color=alt.Color(
                    "transition:N",
                    scale=alt.Scale(domain=["entered", "exited"], range=["#2166ac", "#b2182b"]),
                ),
                tooltip=["month:T", "transition", "persons"],
            )
            .properties(height=320, title=f"Entries and exits: {segment}")
        )
        left.altair_chart(chart, width="stretch")
    moves = data.moves_between_segments(
        transitions, segments if segments is not None else pd.DataFrame()
    )
    if moves.empty:
        right.info("No moves between segments of one exclusivity group yet.")
        return
    groups = sorted(moves["group"].unique())
    preferred = [g for g in ("value_tier", "lifecycle_stage") if g in groups]
    group = right.selectbox(
        "Exclusivity group", groups, index=groups.index(preferred[0]) if preferred else 0
    )
    shown = moves.loc[moves["group"] == group]
    base = alt.Chart(shown).encode(
        x=alt.X("to_segment:N", title="to", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("from_segment:N", title="from"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("persons:Q", scale=alt.Scale(scheme="blues")),
        tooltip=["from_segment", "to_segment", "persons"],
    )
    labels = base.mark_text().encode(text="persons:Q")
    right.altair_chart(
        (heat + labels).properties(height=320, title=f"Moves within {group}"),
        width="stretch",
    )


def funnel_section(membership: pd.DataFrame | None) -> None:
    st.header("Investment-ready funnel")
    if membership is None:
        missing("fct_segment_membership")
        return
    funnel = data.criteria_funnel(membership, data.INVESTMENT_READY)
    if funnel.empty:
        st.info(f"No membership rows for segment `{data.INVESTMENT_READY}`.")
        return
    counts = data.status_counts(membership, data.INVESTMENT_READY)
    kpis = st.columns(3)
    kpis[0].metric("Investment ready", f"{counts['in']:,}")
    kpis[1].metric("Out", f"{counts['out']:,}")
    kpis[2].metric("Not evaluable", f"{counts['not_evaluable']:,}")
    left, right = st.columns(2)
    sequence = data.sequential_funnel(membership, data.INVESTMENT_READY)
    steps = (
        alt.Chart(sequence)
        .mark_bar(color="#1a9850")
        .encode(
            y=alt.Y(
                "stage:N", sort=list(sequence["stage"]), title=None, axis=alt.Axis(labelLimit=260)
            ),
            x=alt.X("persons:Q", title="persons left"),
            tooltip=["stage", "persons"],
        )
        .properties(height=36 * len(sequence) + 40, title="Persons left after each criterion")
    )
    left.altair_chart(steps, width="stretch")
    long = funnel.melt(id_vars="criterion", var_name="outcome", value_name="persons")
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(
                "criterion:N",
                sort=list(funnel["criterion"]),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            x=alt.X("persons:Q", stack="zero", title="persons"),
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(
                    domain=["passed", "failed", "unknown"], range=["#1a9850", "#d73027", "#bdbdbd"]
                ),
            ),
            tooltip=["criterion", "outcome", "persons"],
        )
        .properties(height=36 * len(funnel) + 40, title="Pass and fail per criterion")
    )
    right.altair_chart(chart, width="stretch")


def clv_section(features: pd.DataFrame | None) -> None:
    st.header("Predicted CLV by value tier")
    if features is None:
        missing("fct_person_features")
        return
    column = st.radio("Horizon", ["clv_12m_eur", "clv_36m_eur"], horizontal=True)
    frame = features.loc[features[column].notna(), ["value_tier", column]].copy()
    if frame.empty:
        st.info(f"No person has a {column} (the CLV model did not run for this target).")
        return
    frame[column] = frame[column].astype(float)
    left, right = st.columns([2, 1])
    chart = (
        alt.Chart(frame)
        .mark_boxplot(extent="min-max", size=40)
        .encode(
            x=alt.X("value_tier:N", title="value tier", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{column}:Q", title=column.replace("_", " ")),
            color=alt.Color("value_tier:N", scale=TIER_COLORS, legend=None),
        )
        .properties(height=340)
    )
    left.altair_chart(chart, width="stretch")
    right.dataframe(data.clv_by_tier(features, column).round(2), hide_index=True, width="stretch")


def origin_section(persons: pd.DataFrame | None) -> None:
    st.header("Origin x digital activity")
    if persons is None:
        missing("dim_persons")
        return
    matrix = data.origin_activity_matrix(persons)
    long = matrix.reset_index().melt(id_vars="origin", var_name="activity", value_name="persons")
    base = alt.Chart(long).encode(
        x=alt.X("activity:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("origin:N", sort=list(matrix.index), title=None),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("persons:Q", scale=alt.Scale(scheme="greens")),
        tooltip=["origin", "activity", "persons"],
    )
    labels = base.mark_text(fontSize=14).encode(text="persons:Q")
    left, right = st.columns([2, 1])
    left.altair_chart((heat + labels).properties(height=260), width="stretch")
    right.dataframe(matrix, width="stretch")


def main() -> None:
    manifest = data.load_manifest(FOLDER)
    persons = mart("dim_persons")
    features = data.latest_snapshot(mart("fct_person_features"))
    segments = mart("dim_segments")
    membership = mart("fct_segment_membership")
    header(manifest, persons, features)
    segment_sizes(
        mart("fct_segment_summary"), mart("fct_segment_membership_history"), membership, segments
    )
    transitions_section(mart("fct_segment_transitions"), segments)
    funnel_section(membership)
    clv_section(features)
    origin_section(persons)


main()
