"""Great Expectations suites for the public marts (interface.md).

Each suite is a function of the mart's DataFrame that returns expectation
specs, so that bounds can depend on the data (e.g. the row count of a
related column). `critical` failures fail `make run`; `warning` ones are
listed only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

CRITICAL = "critical"
WARNING = "warning"


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation: a GX expectation class name, its arguments, a severity."""

    expectation: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    severity: str = CRITICAL

    @property
    def label(self) -> str:
        target = self.kwargs.get("column") or self.kwargs.get("column_list") or ""
        return f"{self.expectation}({target})" if target else self.expectation


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


def _between(column: str, low: float | None, high: float | None, severity: str = CRITICAL):
    return ExpectationSpec(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": low, "max_value": high},
        severity,
    )


def _in_set(column: str, values: list[Any], severity: str = CRITICAL) -> ExpectationSpec:
    return ExpectationSpec(
        "ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}, severity
    )


def dim_person_customers(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [
        _non_empty(),
        *_unique_key("customer_id"),
        ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": "person_id"}),
    ]


ORIGINS = ["digital_client", "digital_user", "offline_client", "digital_prospect"]


def dim_persons(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [
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


def fct_person_monthly_cashflow(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [
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
    ]


def fct_person_features(_: pd.DataFrame) -> list[ExpectationSpec]:
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
    ]
    return specs


def dim_segments(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [_non_empty(), *_unique_key("segment_id")]


def fct_segment_membership(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [
        _non_empty(),
        *_unique_key("as_of_date", "person_id", "segment_id"),
        _in_set("status", ["in", "out", "not_evaluable"]),
        ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": "criteria"}),
    ]


def fct_segment_membership_history(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [_non_empty(), *_unique_key("person_id", "segment_id", "valid_from")]


def fct_segment_transitions(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [
        *_unique_key("person_id", "segment_id", "transition_date"),
        _in_set("transition", ["entered", "exited"]),
    ]


def clv_model_parameters(_: pd.DataFrame) -> list[ExpectationSpec]:
    return [
        _non_empty(),
        *_unique_key("model_name", "parameter"),
        _in_set("model_name", ["bg_nbd", "gamma_gamma"]),
        _between("value", 0, None),
    ]


MART_SUITES: dict[str, Callable[[pd.DataFrame], list[ExpectationSpec]]] = {
    "dim_person_customers": dim_person_customers,
    "dim_persons": dim_persons,
    "fct_person_monthly_cashflow": fct_person_monthly_cashflow,
    "fct_person_features": fct_person_features,
    "dim_segments": dim_segments,
    "fct_segment_membership": fct_segment_membership,
    "fct_segment_membership_history": fct_segment_membership_history,
    "fct_segment_transitions": fct_segment_transitions,
    "clv_model_parameters": clv_model_parameters,
}
