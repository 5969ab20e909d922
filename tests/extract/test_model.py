"""The learned models' file format: what is saved is what scikit-learn predicts after loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import errors
from kg.extract.model import (
    Binary,
    ClassModel,
    Models,
    RelationModel,
    for_property,
    frequent_features,
    load_models,
)

ROWS = [
    {"bias": 1.0, "rule_any": 1.0, "path:nsubj< >prep >pobj": 1.0},
    {"bias": 1.0, "rule_any": 1.0},
    {"bias": 1.0, "path:nsubj< >prep >pobj": 1.0},
    {"bias": 1.0, "btw:and": 1.0},
    {"bias": 1.0, "btw:and": 1.0, "gap:2": 1.0},
    {"bias": 1.0, "gap:2": 1.0},
]
LABELS = [1, 1, 1, 0, 0, 0]


def test_a_binary_model_predicts_the_same_after_a_round_trip_through_json(tmp_path: Path) -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    keep = {k for r in ROWS for k in r}
    model = Binary.fit(ROWS, LABELS, keep, c=1.0)
    model.threshold, model.threshold_new = 0.3, 0.6
    models = Models(RelationModel({"trainsWith": model}))
    models.save(tmp_path / "m.json")
    loaded = load_models(tmp_path / "m.json").relations
    assert loaded is not None
    again = loaded.properties["trainsWith"]
    vec = DictVectorizer()
    ref = LogisticRegression(C=1.0, max_iter=5000).fit(vec.fit_transform(ROWS), LABELS)
    expected = ref.predict_proba(vec.transform(ROWS))[:, 1]
    assert again.probabilities(ROWS) == pytest.approx(list(expected), abs=1e-5)
    assert (again.threshold, again.threshold_new) == (0.3, 0.6)


def test_a_candidate_a_rule_stated_has_its_own_threshold() -> None:
    model = RelationModel({"trainsWith": Binary(["bias"], [0.0], 0.0, 0.2, 0.7)})
    assert model.threshold("trainsWith", {"rule_any": 1.0}) == 0.2
    assert model.threshold("trainsWith", {"bias": 1.0}) == 0.7
    assert model.threshold("killed", {"bias": 1.0}) > 1.0  # no model: never kept


def test_the_shared_classifier_sees_each_feature_plain_and_joined_to_the_property() -> None:
    row = {"rule_any": 1.0, "btw:and": 1.0}
    assert for_property(row, "trainsWith") == {
        "rule_any": 1.0,
        "btw:and": 1.0,
        "trainsWith|rule_any": 1.0,
        "trainsWith|btw:and": 1.0,
        "property=trainsWith": 1.0,
    }


def test_a_shared_classifier_scores_every_property_and_round_trips(tmp_path: Path) -> None:
    """What marks a stated fact for one property (here a rule that fired) carries over to a
    property with no example of it, and each property keeps its own calibration."""
    rows = [for_property(r, "trainsWith") for r in ROWS]
    rows += [for_property(r, "meetsWith") for r in ROWS[3:]]
    labels = LABELS + LABELS[3:]
    shared = Binary.fit(rows, labels, {k for r in rows for k in r}, c=1.0)
    meets = Binary.decision_only()
    meets.calibration = ([0.0, 1.0], [0.0, 0.5])  # halves what the classifier says
    model = RelationModel({"trainsWith": Binary.decision_only(), "meetsWith": meets}, shared=shared)
    Models(model).save(tmp_path / "m.json")
    loaded = load_models(tmp_path / "m.json").relations
    assert loaded is not None and loaded.shared is not None
    (ruled,) = loaded.score("meetsWith", [{"bias": 1.0, "rule_any": 1.0}])
    (plain,) = loaded.score("meetsWith", [{"bias": 1.0, "btw:and": 1.0}])
    assert ruled > plain
    raw = loaded.raw_scores("meetsWith", [{"bias": 1.0, "rule_any": 1.0}])
    assert ruled == pytest.approx(raw[0] / 2, abs=1e-6)
    assert loaded.score("killed", [{"rule_any": 1.0}]) == [0.0]  # a property never seen


def test_the_shared_classifier_reads_rows_as_scikit_learn_reads_their_property_features() -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [for_property(r, "trainsWith") for r in ROWS]
    rows += [for_property(r, "meetsWith") for r in ROWS]
    labels = LABELS + LABELS[::-1]
    shared = Binary.fit(rows, labels, {k for r in rows for k in r}, c=1.0)
    vec = DictVectorizer()
    ref = LogisticRegression(C=1.0, max_iter=5000).fit(vec.fit_transform(rows), labels)
    asked = [*ROWS, {"bias": 1.0, "never-seen": 1.0}]
    for prop in ("trainsWith", "meetsWith"):
        expected = ref.predict_proba(vec.transform([for_property(r, prop) for r in asked]))[:, 1]
        got = shared.probabilities(asked, raw=True, predicate=prop)
        assert got == pytest.approx(list(expected), abs=1e-5)


def test_unknown_features_are_ignored_at_prediction() -> None:
    model = Binary.fit(ROWS, LABELS, {"rule_any", "btw:and", "bias"}, c=1.0)
    with_unknown = model.probabilities([{"rule_any": 1.0, "never-seen": 1.0}])
    without = model.probabilities([{"rule_any": 1.0}])
    assert with_unknown == pytest.approx(without)


def test_the_class_model_round_trips_and_returns_a_class_with_its_probability() -> None:
    rows = [{"last:exercise": 1.0}, {"last:navy": 1.0}, {"last:army": 1.0}, {"last:drill": 1.0}]
    labels = ["Event", "MilitaryUnit", "MilitaryUnit", "Event"]
    keep = {"last:exercise", "last:navy", "last:army", "last:drill"}
    model = ClassModel.fit(rows, labels, keep, 10.0)
    again = ClassModel.from_json(json.loads(json.dumps(model.as_json())))
    ((cls, prob),) = again.predict([{"last:exercise": 1.0}])
    assert cls == "Event" and 0.5 < prob <= 1.0
    before, after = model.predict(rows), again.predict(rows)
    assert [c for c, _ in after] == [c for c, _ in before] == labels
    assert [p for _, p in after] == pytest.approx([p for _, p in before], abs=1e-5)


def test_features_seen_in_too_few_documents_are_dropped() -> None:
    docs = [[{"a": 1.0, "b": 1.0}], [{"a": 1.0}], [{"a": 1.0, "c": 1.0}, {"c": 1.0}]]
    assert frequent_features(docs, 2) == {"a"}


def test_a_missing_model_file_says_how_to_get_one(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    with pytest.raises(errors.ExtractionError) as err:
        load_models(path)
    assert str(err.value) == (
        f"extraction model not found: {path}. Reinstall kg, or train one with: "
        "kg train --out FILE (see kg train --help)."
    )


def test_a_damaged_model_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(errors.ExtractionError) as err:
        load_models(path)
    assert str(err.value) == (
        f"unusable extraction model {path}: not a kg-model/1 file. Train it again with: "
        "kg train --out FILE (see kg train --help)."
    )


def test_the_shipped_model_loads_and_covers_the_main_properties() -> None:
    from kg.extract.model import shipped_models

    models = shipped_models()
    assert models.relations is not None and models.classes is not None
    assert {"affiliatedWith", "trainsWith", "participatesIn", "locatedIn"} <= set(
        models.relations.properties
    )
    assert models.relations.info["articles"], "the model records what it was trained on"


def test_a_property_that_adds_no_fact_keeps_only_what_a_rule_stated() -> None:
    model = RelationModel(
        {"trainsWith": Binary(["bias"], [0.0], 0.0, 0.0, 1.01), "leads": Binary([], [], 0.0)}
    )
    assert model.may_keep("trainsWith", ruled=True)
    assert not model.may_keep("trainsWith", ruled=False)
    assert model.may_keep("leads", ruled=False)  # thresholds of 0.5
    # no model for it: what a rule stated stands, nothing else is a candidate
    assert model.may_keep("killed", ruled=True)
    assert not model.may_keep("killed", ruled=False)
