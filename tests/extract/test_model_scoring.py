"""The relation model's fast scoring paths against the plain ones they replace: the positive
probability computed without scikit-learn's input checks is ``predict_proba``'s, to the bit,
and a document's candidates scored in one matrix get the scores each property's own call
gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kg.extract.model import Binary, RelationModel, _matrix, _positive, for_property
from kg.records import Document

ROWS = [
    {"bias": 1.0, "rule_any": 1.0, "path:nsubj< >prep >pobj": 1.0},
    {"bias": 1.0, "rule_any": 1.0, "rule_conf": 0.73},
    {"bias": 1.0, "path:nsubj< >prep >pobj": 1.0},
    {"bias": 1.0, "btw:and": 1.0},
    {"bias": 1.0, "btw:and": 1.0, "gap:2": 1.0, "co_sentences_log": 1.0986},
    {"bias": 1.0, "gap:2": 1.0},
]
LABELS = [1, 1, 1, 0, 0, 0]


def _shared() -> RelationModel:
    rows = [for_property(r, "trainsWith") for r in ROWS]
    rows += [for_property(r, "meetsWith") for r in ROWS[::-1]]
    shared = Binary.fit(rows, LABELS + LABELS, {k for r in rows for k in r}, c=1.0)
    meets = Binary.decision_only()
    meets.calibration = ([0.0, 0.4, 1.0], [0.0, 0.3, 0.9])
    return RelationModel({"trainsWith": Binary.decision_only(), "meetsWith": meets}, shared=shared)


def test_the_positive_probability_is_predict_proba_to_the_bit() -> None:
    model = _shared().shared
    assert model is not None
    vocabulary, clf = model._estimators
    x = _matrix([*ROWS, {"never-seen": 1.0}], vocabulary, model._joined("meetsWith"), 3)
    assert np.array_equal(_positive(clf, x), clf.predict_proba(x)[:, 1])


def test_one_matrix_for_every_property_scores_as_one_call_per_property() -> None:
    model = _shared()
    groups: dict[str, Any] = {
        "trainsWith": ROWS,
        "meetsWith": ROWS[2:],
        "killed": ROWS[:2],  # a property the model does not know: 0.0
        "partOf": [],
    }
    got = model.score_by_property(groups)
    assert got == {p: model.score(p, rows) for p, rows in groups.items()}
    assert got["killed"] == [0.0, 0.0] and got["partOf"] == []


@pytest.mark.slow
def test_a_real_documents_candidates_score_the_same_at_once(nlp: Any) -> None:
    from kg.extract.candidates import candidates
    from kg.extract.decide import retype
    from kg.extract.extractor import apply_rules, read_entities
    from kg.extract.model import shipped_models

    models = shipped_models()
    rel = models.relations
    assert rel is not None and rel.shared is not None and models.classes is not None
    articles = Path(__file__).resolve().parents[2] / "data" / "articles"
    for path in sorted(articles.glob("*.txt"))[:2]:
        text = path.read_text(encoding="utf-8")
        ctx = read_entities(nlp(text), Document(path.stem, text, str(path)))
        retype(ctx, models.classes)
        apply_rules(ctx)
        groups: dict[str, list[dict[str, float]]] = {}
        for c in candidates(ctx, ctx.relations, rel.may_keep):
            groups.setdefault(c.predicate, []).append(c.features)
        assert len(groups) > 3
        got = rel.score_by_property(groups)
        assert got == {p: rel.score(p, rows) for p, rows in groups.items()}
        # and the plain path: scikit-learn's predict_proba on each property's own matrix
        vocabulary, clf = rel.shared._estimators
        for p, rows in groups.items():
            x = _matrix(rows, vocabulary, rel.shared._joined(p), vocabulary.get(f"property={p}"))
            assert got[p] == rel.properties[p].calibrate(clf.predict_proba(x)[:, 1])
