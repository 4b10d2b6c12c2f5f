"""The salary classification against the generator's ground truth, and the scoring helper."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bank_segments.evaluate_salary import Scores, evaluate, main

# What the detector must at least reach on the demo data (measured: see the model docs).
MIN_PRECISION = 0.9
MIN_RECALL = 0.95


def test_scores_arithmetic() -> None:
    scores = Scores("x", true_positives=8, false_positives=2, false_negatives=8)
    assert scores.precision == pytest.approx(0.8)
    assert scores.recall == pytest.approx(0.5)
    assert "precision  80.0%" in scores.line()
    assert math.isnan(Scores("empty", 0, 0, 0).precision)


def test_salary_rule_and_detector_on_ground_truth(fixture_db: Path, fixture_dir: Path) -> None:
    overall, detector = evaluate(fixture_db, fixture_dir)
    assert overall.true_positives > 0
    assert detector.true_positives > 0, (
        "the fixture has uncoded salaries: the detector must find some"
    )
    for scores in (overall, detector):
        assert scores.precision >= MIN_PRECISION, scores.line()
        assert scores.recall >= MIN_RECALL, scores.line()


def test_main_prints_both_lines(
    fixture_db: Path, fixture_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", str(fixture_db), "--fixture", str(fixture_dir)]) == 0
    out = capsys.readouterr().out
    assert "recurring-income detector alone" in out
    assert "precision" in out and "recall" in out


def test_main_fails_without_ground_truth(fixture_db: Path, tmp_path: Path) -> None:
    assert main(["--database", str(fixture_db), "--fixture", str(tmp_path)]) == 1
