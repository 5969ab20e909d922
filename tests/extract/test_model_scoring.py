"""The models' fast scoring paths against the plain ones they replace: the probabilities
computed without scikit-learn (``Linear``: no import, no input checks) are ``predict_proba``'s
on ``DictVectorizer``'s matrix, to the bit, for the relation and the class model, and a
document's candidates scored in one matrix get the scores each property's own call gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kg.extract.linear import Columns, Entries, Linear, expit, matrix, stacked
from kg.extract.model import Binary, ClassModel, RelationModel, for_property
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


def _sklearn(weights: Linear, classes: list[Any]) -> Any:
    """scikit-learn's estimator with these weights (the plain path ``Linear`` replaces)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression()
    clf.classes_ = np.array(classes)
    clf.coef_ = weights.coef
    clf.intercept_ = weights.intercept
    clf.n_features_in_ = weights.coef.shape[1]
    return clf


def _vectorizer(names: list[str]) -> Any:
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer()
    vec.feature_names_ = list(names)
    vec.vocabulary_ = {n: i for i, n in enumerate(names)}
    return vec


def test_the_positive_probability_is_predict_proba_to_the_bit() -> None:
    model = _shared().shared
    assert model is not None
    vocabulary, weights = model._estimators
    x = matrix([*ROWS, {"never-seen": 1.0}], vocabulary, model._joined("meetsWith"), 3)
    expected = _sklearn(weights, [0, 1]).predict_proba(x)
    assert np.array_equal(weights.positive(x), expected[:, 1])
    assert np.array_equal(weights.probabilities(x), expected)


def _entries(rng: Any, n_rows: int, width: int) -> Entries:
    """Rows of up to 60 distinct columns with random values, their entries shuffled."""
    rows, cols = [], []
    for r in range(n_rows):
        picked = rng.choice(width, int(rng.integers(0, 60)), replace=False)
        rows += [r] * len(picked)
        cols += list(picked)
    order = rng.permutation(len(rows))
    values = rng.normal(0, 2, len(rows))
    return Entries(np.array(rows)[order], np.array(cols)[order], values, (n_rows, width))


@pytest.mark.parametrize("outputs", [1, 4])
def test_entries_score_as_scipys_csr_product_to_the_bit(outputs: int) -> None:
    rng = np.random.default_rng(outputs)
    x = _entries(rng, 400, 3000)
    weights = Linear.of(rng.normal(0, 1, (outputs, 3000)).tolist(), [0.25] * outputs)
    expected = x.csr() @ weights.coef.T + weights.intercept
    assert np.array_equal(weights.scores(x), expected)
    assert np.array_equal(weights.probabilities(x), weights.probabilities(x.csr()))
    # the additions' order matters: summed in the order found, some rows differ in the last bit
    unsorted = np.bincount(x.rows, weights=x.values * weights.coef[0][x.cols], minlength=400)
    assert not np.array_equal(unsorted + weights.intercept[0], expected[:, 0])


def test_a_column_twice_in_a_row_is_left_to_scipy() -> None:
    x = Entries(np.array([0, 1, 0]), np.array([2, 0, 2]), np.array([0.1, 1.0, 0.7]), (2, 3))
    assert x.times(np.ones((1, 3))) is None
    weights = Linear.of([[0.3, -1.0, 3.0]], [0.5])
    assert np.array_equal(weights.scores(x), x.csr() @ weights.coef.T + weights.intercept)


def test_the_logistic_function_is_scipys_to_the_bit() -> None:
    from scipy.special import expit as scipy_expit

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 6, 50_000), rng.normal(0, 400, 5_000)])
    x = np.concatenate([x, [0.0, -0.0, 5e-324, 709.0, -709.0, 710.0, -710.0, 1e308, -1e308]])
    assert np.array_equal(expit(x), scipy_expit(x))
    assert expit(np.array([])).shape == (0,)


def _class_model() -> ClassModel:
    rows = [{"last:exercise": 1.0}, {"last:navy": 1.0}, {"last:army": 0.5}, {"last:drill": 1.0}]
    rows += [{"first:mr": 1.0}, {"first:mr": 1.0, "last:drill": 1.0}]
    labels = ["Event", "MilitaryUnit", "MilitaryUnit", "Event", "Person", "Person"]
    return ClassModel.fit(rows, labels, {k for r in rows for k in r}, 10.0)


def _class_reference(model: ClassModel, rows: list[dict[str, float]]) -> list[tuple[str, float]]:
    """``ClassModel.predict`` as it was: DictVectorizer, then scikit-learn's predict_proba."""
    _, weights = model._estimators
    clf = _sklearn(weights, model.classes)
    probs = clf.predict_proba(_vectorizer(model.features).transform(rows))
    return [(str(clf.classes_[int(p.argmax())]), float(p[int(p.argmax())])) for p in probs]


def test_the_class_model_predicts_as_scikit_learn_to_the_bit() -> None:
    model = _class_model()
    rows = [
        {"last:drill": 1.0, "first:mr": 1.0, "never-seen": 1.0},
        {},
        {"last:army": 1.0, "last:navy": 0.25},
        {"never-seen": 1.0},
        {"first:mr": 1.0},
    ]
    assert model.predict(rows) == _class_reference(model, rows)
    assert model.predict([]) == []


def test_two_classes_are_scored_by_the_logistic_function_as_scikit_learn_does() -> None:
    rows = [{"a": 1.0}, {"b": 1.0}, {"a": 1.0, "b": 0.5}, {"b": 2.0}]
    model = ClassModel.fit(rows, ["X", "Y", "X", "Y"], {"a", "b"}, 1.0)
    assert len(model.intercept) == 1  # scikit-learn's shape for two classes
    asked = [*rows, {}, {"c": 1.0}]
    assert model.predict(asked) == _class_reference(model, asked)


def test_predicting_imports_neither_scikit_learn_nor_scipy() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kg.extract.model import ClassModel, shipped_models\n"
        "m = shipped_models()\n"
        "m.classes.predict([{'bias': 1.0}])\n"
        "m.relations.score_by_property({'trainsWith': [{'bias': 1.0}]})\n"
        "from kg.extract.conll04.model import shipped_relations\n"
        "shipped_relations().probabilities([['bias']])\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_names_looked_up_once_give_the_matrix_of_one_lookup_per_table() -> None:
    names = ["bias", "btw:and", "trainsWith|bias", "trainsWith|only-joined", "property=trainsWith"]
    names += ["meetsWith|btw:and", "a|b|c", "property=meetsWith"]
    vocabulary = {n: i for i, n in enumerate(names)}
    joined = Binary(names, [0.0] * len(names), 0.0)._joined
    groups: list[tuple[str, list[dict[str, float]]]] = [
        ("trainsWith", [{"bias": 1.0, "only-joined": 0.5, "never-seen": 1.0}, {}]),
        ("killed", [{"bias": 1.0, "btw:and": 2.0}]),  # no joined column, no prior
        ("meetsWith", [{"btw:and": 1.0, "bias": 1.0}]),
        ("a", [{"b|c": 1.0, "b": 1.0}]),
    ]
    expected = stacked(
        [(rows, joined(p), vocabulary.get(f"property={p}")) for p, rows in groups], vocabulary
    )
    got = Columns.of(vocabulary).matrix(groups, lambda p: vocabulary.get(f"property={p}"))
    assert got.shape == expected.shape == (5, len(names))
    for attr in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(got, attr), getattr(expected, attr))


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
        vocabulary, weights = rel.shared._estimators
        clf = _sklearn(weights, [0, 1])
        for p, rows in groups.items():
            x = matrix(rows, vocabulary, rel.shared._joined(p), vocabulary.get(f"property={p}"))
            assert got[p] == rel.properties[p].calibrate(clf.predict_proba(x)[:, 1])


@pytest.mark.slow
def test_real_entities_get_scikit_learns_classes_to_the_bit(nlp: Any) -> None:
    from kg.extract.decide import entity_rows
    from kg.extract.extractor import read_entities
    from kg.extract.model import shipped_models

    model = shipped_models().classes
    assert model is not None
    articles = Path(__file__).resolve().parents[2] / "data" / "articles"
    for path in sorted(articles.glob("*.txt"))[:3]:
        text = path.read_text(encoding="utf-8")
        _, rows = entity_rows(read_entities(nlp(text), Document(path.stem, text, str(path))))
        assert len(rows) > 5
        assert model.predict(rows) == _class_reference(model, rows)
