"""Micro-benchmark: fit and score N synthetic persons (default 1,000,000).

    python -m bank_segments.clv.bench --persons 1000000

Two layouts are timed: ``continuous`` (every person has distinct recency and T: no
compression possible, the worst case) and ``weekly`` (times in whole weeks, as the
dbt model uses them: identical triples are fitted and scored once).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from bank_segments.clv.bgnbd import BgNbdParams, fit_bg_nbd
from bank_segments.clv.gamma_gamma import GammaGammaParams, fit_gamma_gamma
from bank_segments.clv.simulate import simulate_summary
from bank_segments.clv.summary import periods_per_month
from bank_segments.clv.valuation import score_persons

TRUE_BG_NBD = BgNbdParams(r=0.9, alpha=2.0, a=0.6, b=4.0)
TRUE_GAMMA_GAMMA = GammaGammaParams(p=4.0, q=3.5, gamma=20.0)
T = TypeVar("T")


def _timed(label: str, action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    print(f"  {label:<28} {time.perf_counter() - start:8.2f} s")
    return result


def _weekly(summary: pd.DataFrame) -> pd.DataFrame:
    """Round times down to whole weeks, as week periods produce them."""
    t = np.floor(summary["t"])
    return summary.assign(t=t, recency=np.minimum(np.floor(summary["recency"]), t))


def run(persons: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    observed_weeks = rng.uniform(1.0, 260.0, persons)
    base = simulate_summary(TRUE_BG_NBD, TRUE_GAMMA_GAMMA, observed_weeks, rng)
    print(f"{persons:,} persons; true BG/NBD {TRUE_BG_NBD.as_dict()}")
    for layout, summary in (("continuous", base), ("weekly", _weekly(base))):
        print(f"layout: {layout}")
        bg = _timed(
            "BG/NBD fit",
            lambda s=summary: fit_bg_nbd(s["frequency"], s["recency"], s["t"]),
        )
        gg = _timed(
            "Gamma-Gamma fit",
            lambda s=summary: fit_gamma_gamma(s["frequency"], s["monetary_value"]),
        )
        _timed(
            "score (12m/36m, CLV, p_alive)",
            lambda s=summary, bg=bg, gg=gg: score_persons(
                s, bg, gg, periods_per_month=periods_per_month("week"), monthly_discount_rate=0.01
            ),
        )
        fitted = {k: round(v, 3) for k, v in {**bg.as_dict(), **gg.as_dict()}.items()}
        print(f"  fitted {fitted}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run(args.persons, args.seed)


if __name__ == "__main__":
    main()
