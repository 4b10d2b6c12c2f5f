"""Shared helpers for the maximum-likelihood fits: data compression and optimisation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

# Log-parameters are kept in this box: exp(+-12) spans every sensible estimate and
# keeps gammaln / hyp2f1 away from overflow while the optimiser explores.
LOG_BOUND = 12.0


@dataclass(frozen=True)
class Compressed:
    """Distinct rows of the sufficient statistics with their multiplicities."""

    columns: tuple[np.ndarray, ...]
    weights: np.ndarray


def compress(*columns: np.ndarray) -> Compressed:
    """Collapse identical rows: a bank's period counts repeat a lot, so the fit gets cheap."""
    stacked = np.column_stack([np.asarray(c, dtype=float) for c in columns])
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return Compressed(tuple(unique[:, i] for i in range(unique.shape[1])), counts.astype(float))


def _flat(result: optimize.OptimizeResult) -> bool:
    """L-BFGS-B stops "abnormally" when the line search runs out of precision at an
    optimum (typical on a ridge towards a limit model); a tiny gradient means done."""
    gradient = np.asarray(getattr(result, "jac", np.inf), dtype=float)
    return bool(
        np.all(np.isfinite(gradient))
        and np.max(np.abs(gradient)) <= 1e-3 * max(1.0, abs(result.fun))
    )


def minimise(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
) -> optimize.OptimizeResult:
    """Minimise a smooth objective with gradient; fall back to Nelder-Mead if it fails.

    ``objective`` returns (value, gradient) for log-parameters.
    """
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8},
    )
    if np.isfinite(result.fun) and (result.success or _flat(result)):
        result.success = True
        return result
    fallback = optimize.minimize(
        lambda p: objective(p)[0],
        result.x if np.all(np.isfinite(result.x)) else start,
        method="Nelder-Mead",
        bounds=bounds,
        options={"maxiter": 4000, "xatol": 1e-9, "fatol": 1e-10},
    )
    candidates = [r for r in (result, fallback) if np.isfinite(r.fun)]
    if not candidates:
        raise RuntimeError(f"maximum-likelihood fit failed: {fallback.message}")
    # A likelihood that keeps rising towards a limit (e.g. no heterogeneity left, the
    # parameters run to the box) stops both methods short of "success"; the best point
    # found is then the estimate, flagged for the caller.
    best = min(candidates, key=lambda r: r.fun)
    best.success = bool(result.success or fallback.success)
    return best
