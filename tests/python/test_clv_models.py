"""Numerics of the BG/NBD and Gamma-Gamma implementation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from bank_segments.clv import bgnbd, gamma_gamma
from bank_segments.clv.bgnbd import (
    BgNbdParams,
    expected_transactions,
    expected_transactions_new,
    fit_bg_nbd,
    probability_alive,
)
from bank_segments.clv.gamma_gamma import GammaGammaParams, fit_gamma_gamma
from bank_segments.clv.simulate import simulate_summary

# E[Y(t) | x, t_x, T] from the closed form of the paper, evaluated with mpmath at 50
# significant digits (direct 2F1, no transformation): (r, alpha, a, b, t, x, t_x, T) -> E.
REFERENCE = [
    ((0.243, 4.414, 0.793, 2.426, 39, 2, 30.43, 38.86), 1.2260281747671445),
    ((0.243, 4.414, 0.793, 2.426, 156, 0, 0, 0.5), 2.6027583821858198),
    ((0.243, 4.414, 0.793, 2.426, 5000, 3, 10, 38.86), 4.8336000383858663),
    ((2.5, 1.3, 0.35, 3.2, 156, 150, 149, 150), 136.38491010321682),
    ((2.5, 1.3, 0.35, 3.2, 156, 800, 790, 800), 13.286610200857931),
    ((2.5, 1.3, 1.8, 7.5, 52, 400, 200, 420), 8.0178078225719696e-126),
    ((12.0, 0.8, 4.0, 0.4, 156, 0, 0, 3), 1.1333333109719155),
    ((0.4, 2.0, 0.3, 0.5, 156, 0, 0, 10), 2.4272286621252157),
    ((1.1, 6.0, 1.0000001, 2.0, 26, 4, 20, 30), 1.3942292930553036),
    # large a: the Euler-transformed 2F1 overflows, the Pfaff form takes over
    ((9.519149, 49.786822, 1285.309274, 162754.791419, 365.25, 63, 357, 395), 7.7467781749741442),
    # a fit run to its limit (monthly periods): scipy's 2F1 gives NaN, the series takes over
    (
        (
            144048.30597982358,
            145838.502164472,
            7.013074152196878e-05,
            11432.793068163217,
            6.04,
            5,
            10,
            18,
        ),
        5.9652297266031843,
    ),
]


@pytest.mark.parametrize(("case", "expected"), REFERENCE)
def test_conditional_expectation_matches_high_precision_reference(
    case: tuple[float, ...], expected: float
) -> None:
    r, alpha, a, b, horizon, x, t_x, t = case
    got = expected_transactions(BgNbdParams(r, alpha, a, b), horizon, x, t_x, t)
    assert got == pytest.approx(expected, rel=1e-7)


def test_expectation_is_continuous_at_a_equal_one() -> None:
    values = [
        expected_transactions(BgNbdParams(0.8, 3.0, a, 2.0), 52, 5, 40, 60)
        for a in (1 - 1e-4, 1.0, 1 + 1e-4)
    ]
    assert np.all(np.isfinite(values))
    assert values[1] == pytest.approx(values[0], rel=1e-3)
    assert values[1] == pytest.approx(values[2], rel=1e-3)


def test_very_active_persons_stay_finite_and_ordered() -> None:
    params = BgNbdParams(3.0, 1.5, 0.4, 5.0)
    x = np.array([50, 500, 5000, 20000])
    t = np.full(4, 25000.0)
    expected = expected_transactions(params, 520, x, t - 1, t)
    p_alive = probability_alive(params, x, t - 1, t)
    assert np.all(np.isfinite(expected))
    assert np.all(np.diff(expected) > 0)
    assert np.all((p_alive > 0.9) & (p_alive <= 1.0))


def test_long_silence_drives_p_alive_to_zero_without_underflow_errors() -> None:
    params = BgNbdParams(3.0, 1.5, 0.4, 5.0)
    p_alive = probability_alive(params, np.array([300]), np.array([10.0]), np.array([1000.0]))
    assert p_alive[0] == pytest.approx(0.0, abs=1e-12)
    assert expected_transactions(params, 52, 300, 10.0, 1000.0) == pytest.approx(0.0, abs=1e-9)


def test_p_alive_is_one_without_repeat_and_expectation_grows_with_horizon() -> None:
    params = BgNbdParams(0.5, 4.0, 0.8, 2.5)
    assert probability_alive(params, 0, 0, 30) == 1.0
    horizons = np.array([0.0, 1.0, 10.0, 100.0, 1000.0])
    expected = expected_transactions(params, horizons, 3, 20, 30)
    assert expected[0] == 0.0
    assert np.all(np.diff(expected) > 0)


def test_new_person_expectation_starts_at_the_mean_rate() -> None:
    params = BgNbdParams(0.5, 4.0, 0.8, 2.5)
    # E[X(t)] ~ r / alpha * t for small t: dropout has not started to bite.
    assert expected_transactions_new(params, 1e-4) == pytest.approx(0.5 / 4.0 * 1e-4, rel=1e-3)


def _finite_difference(fun, point: np.ndarray) -> np.ndarray:
    return optimize.approx_fprime(point, lambda p: fun(p)[0], 1e-6)


def test_bg_nbd_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(3)
    data = simulate_summary(
        BgNbdParams(0.7, 3.0, 0.9, 3.0), GammaGammaParams(5, 3, 10), rng.uniform(5, 60, 300), rng
    )
    args = (data["frequency"].to_numpy(float), data["recency"].to_numpy(), data["t"].to_numpy())
    weights = np.ones(len(data))
    point = np.log([0.6, 2.5, 1.3, 2.0])

    def objective(p: np.ndarray) -> tuple[float, np.ndarray]:
        return bgnbd._negative_log_likelihood(p, *args, weights)

    analytic = objective(point)[1]
    assert analytic == pytest.approx(_finite_difference(objective, point), rel=1e-4, abs=1e-3)


def test_gamma_gamma_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(4)
    x = rng.integers(1, 20, 200).astype(float)
    m = rng.gamma(3.0, 10.0, 200)
    point = np.log([4.0, 2.5, 12.0])

    def objective(p: np.ndarray) -> tuple[float, np.ndarray]:
        return gamma_gamma._negative_log_likelihood(p, x, m, np.ones(200))

    analytic = objective(point)[1]
    assert analytic == pytest.approx(_finite_difference(objective, point), rel=1e-4, abs=1e-3)


def test_fits_recover_the_parameters_of_simulated_persons() -> None:
    rng = np.random.default_rng(11)
    truth_bg = BgNbdParams(r=0.9, alpha=2.0, a=0.6, b=4.0)
    truth_gg = GammaGammaParams(p=4.0, q=3.5, gamma=20.0)
    data = simulate_summary(truth_bg, truth_gg, rng.uniform(10, 150, 40_000), rng)
    fitted_bg = fit_bg_nbd(data["frequency"], data["recency"], data["t"])
    fitted_gg = fit_gamma_gamma(data["frequency"], data["monetary_value"])
    for name, value in truth_bg.as_dict().items():
        assert fitted_bg.as_dict()[name] == pytest.approx(value, rel=0.1), name
    for name, value in truth_gg.as_dict().items():
        assert fitted_gg.as_dict()[name] == pytest.approx(value, rel=0.1), name


def test_fits_refuse_empty_input() -> None:
    with pytest.raises(ValueError, match="zero persons"):
        fit_bg_nbd(np.array([]), np.array([]), np.array([]))
    with pytest.raises(ValueError, match="no person with repeat"):
        fit_gamma_gamma(np.array([0, 0]), np.array([np.nan, np.nan]))


def test_minimise_falls_back_when_the_gradient_method_fails() -> None:
    from bank_segments.clv._optim import minimise

    # A wrong (sign-flipped) gradient makes L-BFGS-B stop abnormally; Nelder-Mead,
    # which only uses values, must still find the minimum at (1, -2).
    def objective(p: np.ndarray) -> tuple[float, np.ndarray]:
        value = float((p[0] - 1) ** 2 + (p[1] + 2) ** 2)
        return value, -2 * np.array([p[0] - 1, p[1] + 2])

    result = minimise(objective, np.array([4.0, 4.0]))
    assert result.x == pytest.approx([1.0, -2.0], abs=1e-4)
