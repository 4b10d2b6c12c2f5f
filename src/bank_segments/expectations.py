"""Great Expectations suites for the public marts (interface.md).

Each suite is a function of the mart's DataFrame and of the other marts of the
run (`marts`, by name), so that bounds can come from the data: the feature mart
holds one row per customer person of `dim_persons`, the monthly cashflow one
row per person and month of the relationship, and so on. `critical` failures
fail `make run`; `warning` ones are listed only.

Severity rule: a break of the interface (keys, value sets, ranges that the
definition fixes, row counts the definition implies, an audience holding most
of the population) is critical. Distribution checks (medians, quantiles,
shares) describe a plausible retail bank and only warn: acceptance data of
another bank may differ without being wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

CRITICAL = "critical"
WARNING = "warning"

Marts = Mapping[str, pd.DataFrame]
Suite = Callable[..., list["ExpectationSpec"]]
NO_MARTS: Marts = {}


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation: a GX expectation class name, its arguments, a severity."""

    expectation: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    severity: str = CRITICAL

    @property
    def label(self) -> str:
        target = self.kwargs.get("column") or self.kwargs.get("column_list") or ""
        if not target and "column_A" in self.kwargs:
            target = f"{self.kwargs['column_A']}, {self.kwargs['column_B']}"
        label = f"{self.expectation}({target})" if target else self.expectation
        if "mostly" in self.kwargs:
            label += f"[mostly {self.kwargs['mostly']}]"
        if "row_condition" in self.kwargs:
            label += f"[where {self.kwargs['row_condition']}]"
        return label


def _unique_key(*columns: str) -> list[ExpectationSpec]:
    specs = [ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": c}) for c in columns]
    if len(columns) == 1:
        specs.append(ExpectationSpec("ExpectColumnValuesToBeUnique", {"column": columns[0]}))
    else:
        specs.append(
            ExpectationSpec("ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)})
        )
    return specs


def _non_empty() -> ExpectationSpec:
    return ExpectationSpec("ExpectTableRowCountToBeBetween", {"min_value": 1})


def _row_count(n_rows: int, severity: str = CRITICAL) -> ExpectationSpec:
    return ExpectationSpec("ExpectTableRowCountToEqual", {"value": int(n_rows)}, severity)


def _row_count_between(low: int | None, high: int | None) -> ExpectationSpec:
    return ExpectationSpec("ExpectTableRowCountToBeBetween", {"min_value": low, "max_value": high})


def _between(
    column: str, low: float | None, high: float | None, severity: str = CRITICAL, **extra: Any
) -> ExpectationSpec:
    return ExpectationSpec(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": low, "max_value": high, **extra},
        severity,
    )


def _in_set(column: str, values: list[Any], severity: str = CRITICAL) -> ExpectationSpec:
    return ExpectationSpec(
        "ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}, severity
    )


def _distribution(
    column: str, median: tuple[float, float], p99_max: float
) -> list[ExpectationSpec]:
    """Median within bounds, and 99 % of the values at most `p99_max` (the 99th percentile)."""
    return [
        ExpectationSpec(
            "ExpectColumnMedianToBeBetween",
            {"column": column, "min_value": median[0], "max_value": median[1]},
            WARNING,
        ),
        _between(column, None, p99_max, WARNING, mostly=0.99),
    ]


def _persons(marts: Marts) -> pd.DataFrame | None:
    return marts.get("dim_persons")


def _customer_person_ids(marts: Marts) -> list[str] | None:
    persons = _persons(marts)
    if persons is None or "is_prospect" not in persons:
        return None
    return sorted(persons.loc[~persons["is_prospect"].astype(bool), "person_id"].dropna())


def dim_person_customers(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    specs = [
        _non_empty(),
        *_unique_key("customer_id"),
        ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": "person_id"}),
    ]
    persons = _persons(marts)
    if persons is not None:
        # every customer record belongs to a person of dim_persons
        specs.append(_in_set("person_id", sorted(persons["person_id"].dropna())))
    return specs


ORIGINS = ["digital_client", "digital_user", "offline_client", "digital_prospect"]


def dim_persons(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    specs = [
        _non_empty(),
        *_unique_key("person_id"),
        _in_set("origin", ORIGINS),
        _between("tenure_months", 0, 1200),
        ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": "first_relationship_date"}),
        # Every origin should be represented in a realistic bank population.
        ExpectationSpec(
            "ExpectColumnDistinctValuesToContainSet",
            {"column": "origin", "value_set": ORIGINS[:3]},
            WARNING,
        ),
    ]
    customers = marts.get("dim_person_customers")
    if customers is not None:
        # at least the persons the customer records consolidate into
        specs.append(_row_count_between(int(customers["person_id"].nunique()), None))
    return specs


def _expected_cashflow_rows(persons: pd.DataFrame) -> int | None:
    """Months from each person's first relationship month through the month before as_of_date."""
    needed = {"first_relationship_date", "as_of_date"}
    if not needed <= set(persons.columns) or persons.empty:
        return None
    first = pd.to_datetime(persons["first_relationship_date"])
    as_of = pd.to_datetime(persons["as_of_date"])
    months = (as_of.dt.year - first.dt.year) * 12 + (as_of.dt.month - first.dt.month)
    return int(months.clip(lower=0).sum())


def fct_person_monthly_cashflow(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    specs = [
        _non_empty(),
        *_unique_key("person_id", "month"),
        _between("inflow_eur", 0, None),
        _between("outflow_eur", 0, None),
        # Median monthly net cashflow of a retail client sits within a few thousand EUR.
        ExpectationSpec(
            "ExpectColumnMedianToBeBetween",
            {"column": "net_eur", "min_value": -5000, "max_value": 5000},
            WARNING,
        ),
        # Distribution: the top percentile of monthly inflow of a retail book stays
        # below a million EUR, and the mean net flow within tens of thousands.
        *_distribution("inflow_eur", (0, 20_000), 1_000_000),
        *_distribution("outflow_eur", (0, 20_000), 1_000_000),
        ExpectationSpec(
            "ExpectColumnMeanToBeBetween",
            {"column": "net_eur", "min_value": -50_000, "max_value": 50_000},
            WARNING,
        ),
    ]
    persons = _persons(marts)
    if persons is not None:
        expected = _expected_cashflow_rows(persons)
        if expected is not None:
            # every month of every relationship, zero months included (interface.md)
            specs.append(_row_count(expected))
        specs.append(_in_set("person_id", sorted(persons["person_id"].dropna())))
    return specs


def fct_person_features(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    specs = [_non_empty(), *_unique_key("person_id", "as_of_date")]
    specs += [_between(c, 0, 12) for c in ("cashflow_positive_months_12", "deposit_months_12")]
    specs += [
        _between(c, 1, 5)
        for c in ("rfm_recency_score", "rfm_frequency_score", "rfm_monetary_score")
    ]
    specs += [
        _between("p_alive", 0, 1),
        _between("churn_risk", 0, 1),
        _between("savings_buffer_months", 0, None, WARNING),
        _between("actual_value_12m_eur", -1_000_000, 1_000_000, WARNING),
        _between("clv_12m_eur", 0, None),
        _between("clv_36m_eur", 0, None),
        _in_set("value_tier", ["A", "B", "C"]),
        # CLV over 36 months is at least CLV over 12 months for every person.
        ExpectationSpec(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": "clv_36m_eur", "column_B": "clv_12m_eur", "or_equal": True},
        ),
        # Distribution of CLV: a fitted model spreads persons out (not one value for
        # all, not zero for nine in ten) and stays within retail magnitudes.
        *_distribution("clv_12m_eur", (0, 50_000), 1_000_000),
        *_distribution("clv_36m_eur", (0, 150_000), 3_000_000),
        ExpectationSpec(
            "ExpectColumnStdevToBeBetween", {"column": "clv_12m_eur", "min_value": 0.01}, WARNING
        ),
        _between("clv_12m_eur", 0.01, None, WARNING, mostly=0.1),
        ExpectationSpec(
            "ExpectColumnMeanToBeBetween",
            {"column": "p_alive", "min_value": 0.05, "max_value": 1},
            WARNING,
        ),
        # Distribution of the 12-month cashflow.
        *_distribution("inflow_12m_eur", (0, 500_000), 10_000_000),
    ]
    customer_ids = _customer_person_ids(marts)
    if customer_ids is not None:
        # customers only, each once (interface.md)
        specs.append(_row_count(len(customer_ids)))
        specs.append(_in_set("person_id", customer_ids))
    return specs


def dim_segments(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    return [_non_empty(), *_unique_key("segment_id")]


def fct_segment_membership(frame: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    specs = [
        _non_empty(),
        *_unique_key("as_of_date", "person_id", "segment_id"),
        _in_set("status", ["in", "out", "not_evaluable"]),
        ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": "criteria"}),
    ]
    segments = marts.get("dim_segments")
    if segments is not None:
        # every registered segment is evaluated
        specs.append(
            ExpectationSpec(
                "ExpectColumnDistinctValuesToEqualSet",
                {"column": "segment_id", "value_set": sorted(segments["segment_id"].dropna())},
            )
        )
    persons = _persons(marts)
    if persons is not None and segments is not None and "as_of_date" in frame:
        # between one segment and every segment for every person, per run date
        n_dates = max(int(frame["as_of_date"].nunique()), 1)
        specs.append(
            _row_count_between(len(persons) * n_dates, len(persons) * len(segments) * n_dates)
        )
        specs.append(_in_set("person_id", sorted(persons["person_id"].dropna())))
    return specs


def segment_shares(membership: pd.DataFrame, segments: pd.DataFrame | None) -> pd.DataFrame:
    """One row per segment for the latest as_of_date: share of `in` and of `not_evaluable`."""
    latest = membership[membership["as_of_date"] == membership["as_of_date"].max()]
    shares = (
        latest.assign(
            is_in=latest["status"].eq("in"),
            is_not_evaluable=latest["status"].eq("not_evaluable"),
        )
        .groupby("segment_id", as_index=False)
        .agg(
            n_persons=("person_id", "size"),
            share_in=("is_in", "mean"),
            share_not_evaluable=("is_not_evaluable", "mean"),
        )
    )
    if segments is not None and "is_audience" in segments:
        shares = shares.merge(segments[["segment_id", "is_audience"]], on="segment_id", how="left")
    else:
        shares["is_audience"] = False
    shares["is_audience"] = shares["is_audience"].fillna(False).astype(bool)
    return shares


# An audience is a targeted offer: one holding more than half of the persons it
# evaluates is a broken rule, not a campaign.
AUDIENCE_MAX_SHARE = 0.5


def segment_share_bounds(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    """Bounds on the derived table of segment shares (see segment_shares)."""
    return [
        _between(
            "share_in",
            0,
            AUDIENCE_MAX_SHARE,
            CRITICAL,
            row_condition="is_audience==True",
            condition_parser="pandas",
        ),
        # a segment almost everybody is in says nothing about anybody
        _between("share_in", 0, 0.95, WARNING),
        # more than half not evaluable: too little history or missing inputs
        _between("share_not_evaluable", 0, 0.5, WARNING),
    ]


def fct_segment_membership_history(
    _: pd.DataFrame, marts: Marts = NO_MARTS
) -> list[ExpectationSpec]:
    return [_non_empty(), *_unique_key("person_id", "segment_id", "valid_from")]


def fct_segment_transitions(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    return [
        *_unique_key("person_id", "segment_id", "transition_date"),
        _in_set("transition", ["entered", "exited"]),
    ]


def fct_segment_summary(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    specs = [
        _non_empty(),
        *_unique_key("as_of_date", "segment_id"),
        *[_between(c, 0, None) for c in ("segment_size", "n_in", "n_out", "n_not_evaluable")],
    ]
    segments = marts.get("dim_segments")
    if segments is not None:
        specs.append(_in_set("segment_id", sorted(segments["segment_id"].dropna())))
    return specs


def fct_audience_exports(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    # may be empty: a run where nobody entered or left an audience exports nothing
    specs = [
        *_unique_key("as_of_date", "segment_id", "person_id"),
        _in_set("transition", ["entered", "exited"]),
    ]
    segments = marts.get("dim_segments")
    if segments is not None and "is_audience" in segments:
        audiences = segments.loc[segments["is_audience"].astype(bool), "segment_id"]
        specs.append(_in_set("segment_id", sorted(audiences.dropna())))
    return specs


def clv_model_parameters(_: pd.DataFrame, marts: Marts = NO_MARTS) -> list[ExpectationSpec]:
    return [
        _non_empty(),
        _row_count_between(1, 20),
        *_unique_key("model_name", "parameter"),
        _in_set("model_name", ["bg_nbd", "gamma_gamma"]),
        _between("value", 0, None),
    ]


MART_SUITES: dict[str, Suite] = {
    "dim_person_customers": dim_person_customers,
    "dim_persons": dim_persons,
    "fct_person_monthly_cashflow": fct_person_monthly_cashflow,
    "fct_person_features": fct_person_features,
    "dim_segments": dim_segments,
    "fct_segment_membership": fct_segment_membership,
    "fct_segment_membership_history": fct_segment_membership_history,
    "fct_segment_transitions": fct_segment_transitions,
    "fct_segment_summary": fct_segment_summary,
    "fct_audience_exports": fct_audience_exports,
    "clv_model_parameters": clv_model_parameters,
}


@dataclass(frozen=True)
class DerivedSuite:
    """A table derived from the loaded marts, validated like a mart.

    `index_columns` name the rows in a failure (e.g. the segment whose share is
    out of bounds).
    """

    mart: str
    derive: Callable[[Marts], pd.DataFrame]
    suite: Suite
    index_columns: tuple[str, ...] = ()


DERIVED_SUITES: dict[str, DerivedSuite] = {
    "fct_segment_membership.segment_shares": DerivedSuite(
        "fct_segment_membership",
        lambda marts: segment_shares(marts["fct_segment_membership"], marts.get("dim_segments")),
        segment_share_bounds,
        ("segment_id",),
    ),
}
