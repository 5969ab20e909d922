"""Regression floors: the whole pipeline over the project's own articles (``data/``) and, when
present, the shared seed article. Floors sit a little below the measured figures so that a change
that loses real ground fails, while the figures themselves are printed by ``kg eval``."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[2] / "data"
ARTICLES = sorted((DATA / "articles").glob("*.txt"))

#: Measured with `kg eval` (the shipped learned model); floors leave a small margin. The own
#: articles are not in the model's training data (the rules alone score 0.661 there, but the
#: rules were written while reading them: 0.493 on the five that were held out then); the
#: seed and dev articles are, so their figures are in-sample and only guard against breakage.
#: The honest figure is the cross-validated one (docs/RESULTS.md, `kg eval --cv 5`).
OWN_MACRO_FLOOR = 0.46  # measured 0.493
OWN_MICRO_FLOOR = 0.65  # measured 0.690
SHARED_MACRO_FLOOR = 0.93  # measured 0.977
DEV_MACRO_FLOOR = 0.73  # measured 0.778 (six shared dev articles, pooled)


def test_own_articles_stay_above_the_floor(nlp) -> None:
    from kg.eval.gold import evaluate_files

    if not ARTICLES:
        pytest.skip("no sample articles in data/articles")
    golds = [str(DATA / "gold" / f"{p.stem}.json") for p in ARTICLES]
    summary = evaluate_files(golds, [str(p) for p in ARTICLES]).summary()
    assert summary["macro_f1"] >= OWN_MACRO_FLOOR
    assert summary["micro"]["f1"] >= OWN_MICRO_FLOOR


def test_shared_article_stays_above_the_floor(nlp, shared_dir) -> None:
    from kg.eval.gold import evaluate_files

    summary = evaluate_files(
        [str(shared_dir / "gold" / "peru-us-troops-2026.json")],
        [str(shared_dir / "corpus" / "peru-us-troops-2026.txt")],
    ).summary()
    assert summary["macro_f1"] >= SHARED_MACRO_FLOOR
    assert summary["micro"]["precision"] >= 0.80


def test_shared_dev_articles_stay_above_the_floor(nlp, shared_dir) -> None:
    from kg.eval.gold import evaluate_files

    names = [f"{i:02d}" for i in range(1, 7)]
    golds = [str(shared_dir / "dev" / "gold" / f"{n}.json") for n in names]
    texts = [str(shared_dir / "dev" / "articles" / f"{n}.txt") for n in names]
    if not all(Path(p).is_file() for p in golds + texts):
        pytest.skip("the shared dev articles are not all present")
    summary = evaluate_files(golds, texts).summary()
    assert summary["macro_f1"] >= DEV_MACRO_FLOOR
