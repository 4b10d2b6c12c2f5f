"""Precision and recall of the salary classification against the generator's ground truth.

Reads `int_income_credits_classified` from a built warehouse and
`<fixture>/_ground_truth/salary_transactions.csv` (one transaction_id per line, every salary
credit the generator booked). The evaluation is restricted to the credits the model examined
(its window: the last 12 complete months and the current month up to as_of_date); a ground-truth
salary credit inside that window that the model does not list counts as missed.

    python -m bank_segments.evaluate_salary --database warehouse/fixture.duckdb \
        --fixture data/fixture
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

GROUND_TRUTH = Path("_ground_truth") / "salary_transactions.csv"


@dataclass(frozen=True)
class Scores:
    """Confusion counts of one classifier over the evaluated credits."""

    name: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else float("nan")

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else float("nan")

    def line(self) -> str:
        return (
            f"{self.name:<34} precision {self.precision:6.1%}   recall {self.recall:6.1%}   "
            f"(tp {self.true_positives}, fp {self.false_positives}, fn {self.false_negatives})"
        )


# Ground-truth salary credits inside the model's window: counting credits (classified) booked
# from the first month of the window the model examined through as_of_date.
_SCOPE_SQL = """
with examined as (
    select * from intermediate.int_income_credits_classified
),
window_start as (
    select min(booked_month) as first_month from examined
),
truth as (
    select transactions.transaction_id
    from intermediate.int_transactions_classified as transactions
    inner join ground_truth using (transaction_id)
    cross join window_start
    where transactions.booked_month >= window_start.first_month
),
scored as (
    select
        coalesce(examined.transaction_id, truth.transaction_id) as transaction_id,
        truth.transaction_id is not null as is_true_salary,
        coalesce(examined.is_salary, false) as is_salary,
        coalesce(examined.is_explicit_salary, false) as is_explicit_salary,
        coalesce(examined.is_detected_salary, false) as is_detected_salary
    from examined
    full outer join truth using (transaction_id)
)
select
    sum(case when is_salary and is_true_salary then 1 else 0 end),
    sum(case when is_salary and not is_true_salary then 1 else 0 end),
    sum(case when not is_salary and is_true_salary then 1 else 0 end),
    sum(case when is_detected_salary and is_true_salary then 1 else 0 end),
    sum(case when is_detected_salary and not is_true_salary then 1 else 0 end),
    sum(case when not is_salary and is_true_salary and not is_explicit_salary then 1 else 0 end)
from scored
"""


def evaluate(database: Path, fixture: Path) -> list[Scores]:
    """Scores of the whole salary rule and of the recurring-income detector alone."""
    truth_file = fixture / GROUND_TRUTH
    if not truth_file.exists():
        raise FileNotFoundError(f"no ground truth at {truth_file}")
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute(
            "create temp table ground_truth as select distinct cast(transaction_id as varchar)"
            " as transaction_id from read_csv(?, header = true, all_varchar = true)",
            [str(truth_file)],
        )
        row = con.execute(_SCOPE_SQL).fetchone()
    tp, fp, fn, detected_tp, detected_fp, detected_fn = (int(value or 0) for value in row)
    return [
        Scores("salary (codes + detector)", tp, fp, fn),
        # the detector only sees credits without a salary code: its misses are the uncoded ones
        Scores("recurring-income detector alone", detected_tp, detected_fp, detected_fn),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=Path("warehouse/fixture.duckdb"))
    parser.add_argument("--fixture", type=Path, default=Path("data/fixture"))
    args = parser.parse_args(argv)
    try:
        scores = evaluate(args.database, args.fixture)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"evaluate_salary: {error}", file=sys.stderr)
        return 1
    for score in scores:
        print(score.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
