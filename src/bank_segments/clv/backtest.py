"""Holdout backtest: calibrate up to a cut-off, predict the holdout, compare with the actuals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bank_segments.clv.bgnbd import BgNbdParams, expected_transactions, fit_bg_nbd
from bank_segments.clv.gamma_gamma import (
    GammaGammaParams,
    expected_average_value,
    fit_gamma_gamma,
)
from bank_segments.clv.summary import UNIT_DAYS, Unit, build_rfm_summary, period_index


@dataclass(frozen=True)
class Backtest:
    """Per-person comparison and the parameters fitted on the calibration period."""

    persons: pd.DataFrame
    bg_nbd: BgNbdParams
    gamma_gamma: GammaGammaParams
    holdout_length: float


def holdout_actuals(
    transactions: pd.DataFrame,
    cutoff: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    period: Unit,
    person_col: str = "person_id",
    date_col: str = "date",
    value_col: str = "value",
) -> pd.DataFrame:
    """Active periods and value per person for transactions in (cutoff, holdout_end]."""
    dates = pd.to_datetime(transactions[date_col])
    inside = (dates > pd.Timestamp(cutoff)) & (dates <= pd.Timestamp(holdout_end))
    frame = pd.DataFrame(
        {
            "person_id": transactions.loc[inside, person_col].to_numpy(),
            "period": period_index(dates[inside].to_numpy(dtype="datetime64[D]"), period),
            "value": transactions.loc[inside, value_col].to_numpy(dtype=float),
        }
    )
    return frame.groupby("person_id").agg(
        actual_transactions=("period", "nunique"), actual_value=("value", "sum")
    )


def run_backtest(
    transactions: pd.DataFrame,
    cutoff: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    period: Unit,
    time_unit: Unit | None = None,
    person_col: str = "person_id",
    date_col: str = "date",
    value_col: str = "value",
) -> Backtest:
    """Fit on transactions up to ``cutoff`` and score the holdout (cutoff, holdout_end].

    Predicted value = expected transactions in the holdout x Gamma-Gamma expected value
    per transaction (undiscounted, comparable with the actual holdout value). Only
    persons active by the cut-off are scored: the model says nothing about newcomers.
    """
    time_unit = time_unit or period
    columns = {"person_col": person_col, "date_col": date_col}
    calibration = build_rfm_summary(
        transactions, cutoff, period=period, time_unit=time_unit, value_col=value_col, **columns
    )
    bg_nbd = fit_bg_nbd(calibration["frequency"], calibration["recency"], calibration["t"])
    gamma_gamma = fit_gamma_gamma(calibration["frequency"], calibration["monetary_value"])
    length = (pd.Timestamp(holdout_end) - pd.Timestamp(cutoff)).days / UNIT_DAYS[time_unit]
    predicted = expected_transactions(
        bg_nbd,
        length,
        calibration["frequency"].to_numpy(float),
        calibration["recency"].to_numpy(float),
        calibration["t"].to_numpy(float),
    )
    value = expected_average_value(
        gamma_gamma,
        calibration["frequency"].to_numpy(float),
        calibration["monetary_value"].to_numpy(float),
    )
    actuals = holdout_actuals(
        transactions, cutoff, holdout_end, period=period, value_col=value_col, **columns
    )
    persons = calibration.assign(
        predicted_transactions=predicted, predicted_value=predicted * value
    ).merge(actuals, how="left", left_on="person_id", right_index=True)
    persons[["actual_transactions", "actual_value"]] = persons[
        ["actual_transactions", "actual_value"]
    ].fillna(0.0)
    return Backtest(persons, bg_nbd, gamma_gamma, length)


def summarise_errors(persons: pd.DataFrame) -> dict[str, float]:
    """Aggregate and per-person error figures of a backtest."""
    out: dict[str, float] = {"n_persons": float(len(persons))}
    for measure in ("transactions", "value"):
        predicted = persons[f"predicted_{measure}"].to_numpy(float)
        actual = persons[f"actual_{measure}"].to_numpy(float)
        total_actual = float(actual.sum())
        out[f"predicted_{measure}_total"] = float(predicted.sum())
        out[f"actual_{measure}_total"] = total_actual
        out[f"{measure}_aggregate_error_pct"] = (
            100.0 * (predicted.sum() - total_actual) / total_actual if total_actual else np.nan
        )
        out[f"{measure}_mae"] = float(np.mean(np.abs(predicted - actual)))
        out[f"{measure}_rmse"] = float(np.sqrt(np.mean((predicted - actual) ** 2)))
    return out
