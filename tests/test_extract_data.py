"""Regression floors: the whole pipeline over the project's own articles (``data/``) and, when
present, the shared seed article. Floors sit a little below the measured figures so that a change
that loses real ground fails, while the figures themselves are printed by ``kg eval``."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent.parent / "data"
ARTICLES = sorted((DATA / "articles").glob("*.txt"))

#: Measured with `kg eval` on data/articles (see the report); floors leave a small margin.
OWN_MACRO_FLOOR = 0.50
OWN_MICRO_FLOOR = 0.60
SHARED_MACRO_FLOOR = 0.90


def test_own_articles_stay_above_the_floor(nlp) -> None:
    from kg.evaluate import evaluate_files

    if not ARTICLES:
        pytest.skip("no sample articles in data/articles")
    golds = [str(DATA / "gold" / f"{p.stem}.json") for p in ARTICLES]
    summary = evaluate_files(golds, [str(p) for p in ARTICLES]).summary()
    assert summary["macro_f1"] >= OWN_MACRO_FLOOR
    assert summary["micro"]["f1"] >= OWN_MICRO_FLOOR


def test_shared_article_stays_above_the_floor(nlp, shared_dir) -> None:
    from kg.evaluate import evaluate_files

    summary = evaluate_files(
        [str(shared_dir / "gold" / "peru-us-troops-2026.json")],
        [str(shared_dir / "corpus" / "peru-us-troops-2026.txt")],
    ).summary()
    assert summary["macro_f1"] >= SHARED_MACRO_FLOOR
    assert summary["micro"]["precision"] >= 0.80
