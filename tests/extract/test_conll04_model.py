"""The CoNLL04 model: BIO spans, the CRF tagger, the scikit-learn relation classifier, training
on hand-made sentences, model files, and the relation feature source for the news extractor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import errors
from kg.extract.conll04 import (
    RELATION_TYPES,
    conll04_pair_probabilities,
    conll04_relation_probabilities,
)
from kg.extract.conll04.entities import CrfSettings, EntityTagger
from kg.extract.conll04.features import bio_spans, candidate_pairs, pair_features, spans_to_bio
from kg.extract.conll04.model import (
    RELATIONS_FILE,
    TAGGER_FILE,
    Conll04Model,
    Settings,
    fit,
    shipped_model,
)
from kg.extract.conll04.relations import LogRegSettings, RelationClassifier

# ---------------------------------------------------------------- BIO and candidates


def test_bio_round_trip() -> None:
    spans = [(0, 2, "Peop"), (3, 4, "Loc"), (4, 6, "Loc")]
    tags = spans_to_bio(6, spans)
    assert tags == ["B-Peop", "I-Peop", "O", "B-Loc", "B-Loc", "I-Loc"]
    assert bio_spans(tags) == spans


def test_stray_inside_tag_starts_a_span() -> None:
    assert bio_spans(["O", "I-Org", "I-Org", "B-Peop"]) == [(1, 3, "Org"), (3, 4, "Peop")]


def test_candidates_follow_the_type_signatures() -> None:
    ents = [(0, 1, "Peop"), (2, 3, "Org"), (4, 5, "Other")]
    assert candidate_pairs(ents) == [(0, 1, "Work_For")]


# ---------------------------------------------------------------- the CRF tagger


def _toy_feats(words: list[str]) -> list[list[str]]:
    return [["b", f"w={w}", f"prev={words[i - 1] if i else '<s>'}"] for i, w in enumerate(words)]


def test_crf_learns_a_toy_rule_and_reads_back_from_its_file(tmp_path: Path) -> None:
    # a capitalised token after "mr" is a person; everything else is outside
    data = [
        (_toy_feats(["mr", "Ash", "ran"]), ["O", "B-Peop", "O"]),
        (_toy_feats(["mr", "Oak", "ate"]), ["O", "B-Peop", "O"]),
        (_toy_feats(["the", "dog", "ran"]), ["O", "O", "O"]),
    ] * 3
    tagger = EntityTagger.fit(data, CrfSettings(c1=0.0, c2=0.01))
    tagger.save(tmp_path / "toy.crfsuite")
    again = EntityTagger.load(tmp_path / "toy.crfsuite")
    assert again.tag(_toy_feats(["mr", "Elm", "sat"])) == ["O", "B-Peop", "O"]
    assert again.tag(_toy_feats(["the", "cat", "sat"])) == ["O", "O", "O"]
    assert again.tag([]) == []


def test_crf_training_is_deterministic() -> None:
    data = [
        (_toy_feats(["mr", "Ash", "ran"]), ["O", "B-Peop", "O"]),
        (_toy_feats(["in", "Rome", "today"]), ["O", "B-Loc", "O"]),
    ] * 2
    assert EntityTagger.fit(data).model == EntityTagger.fit(data).model


# ---------------------------------------------------------------- the relation classifier

TOY_ROWS = [["kill"], ["kill", "x"], ["meet"], ["meet", "x"]] * 5
TOY_LABELS = [1, 1, 0, 0] * 5


def test_relation_classifier_separates_a_toy_set_and_round_trips_json() -> None:
    model = RelationClassifier.fit(TOY_ROWS, TOY_LABELS, LogRegSettings(c=10.0, min_count=1))
    model.threshold = 0.35
    again = RelationClassifier.from_json(json.loads(json.dumps(model.as_json())))
    assert again.threshold == 0.35
    kill, meet = again.probabilities([["kill"], ["meet"]])
    assert kill > 0.8 > 0.2 > meet
    assert again.probabilities([["kill", "unseen"]]) == model.probabilities([["kill", "unseen"]])
    assert again.probabilities([]) == []


def test_relation_probabilities_are_scikit_learns() -> None:
    # the JSON-rebuilt estimators give what a directly fitted scikit-learn pipeline gives
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    model = RelationClassifier.fit(TOY_ROWS, TOY_LABELS, LogRegSettings(c=1.0, min_count=1))
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(r, 1.0) for r in TOY_ROWS])
    direct = LogisticRegression(C=1.0, max_iter=5000).fit(x, TOY_LABELS)
    want = direct.predict_proba(vec.transform([{"kill": 1.0}, {"x": 1.0}]))[:, 1]
    got = model.probabilities([["kill"], ["x"]])
    assert got == pytest.approx(list(want), abs=1e-5)


def test_shipped_relation_probabilities_are_predict_proba_to_the_bit() -> None:
    # computed without scikit-learn (kg.extract.linear): its own pipeline's numbers, exactly
    import random

    from kg.extract.conll04.model import shipped_relations

    model = shipped_relations()
    vec, clf = model._estimators
    pick = random.Random(4)
    rows = [pick.sample(model.features, pick.randint(0, 40)) for _ in range(300)]
    rows += [["never-seen"], [], [*rows[0], "never-seen"]]
    want = clf.predict_proba(vec.transform([dict.fromkeys(r, 1.0) for r in rows]))[:, 1]
    assert model.probabilities(rows) == [float(p) for p in want]


def test_rare_features_are_dropped() -> None:
    rows = [*TOY_ROWS, ["kill", "once"]]
    model = RelationClassifier.fit(rows, [*TOY_LABELS, 1], LogRegSettings(min_count=2))
    assert "once" not in model.features and "kill" in model.features


def test_relation_json_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="not a kg-conll04-relations/1 file"):
        RelationClassifier.from_json({"format": "kg-model/1", "weights": {}})


# ---------------------------------------------------------------- model files


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError) as info:
        Conll04Model.load(tmp_path)
    assert info.value.message == (
        f"CoNLL04 model not found: {tmp_path / TAGGER_FILE}. Rebuild it with: "
        "python -m kg.eval.conll04 train ../shared/conll04/conll04_train.json"
    )


def test_unusable_model_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / TAGGER_FILE).write_bytes(b"not a model")
    (tmp_path / RELATIONS_FILE).write_text("{truncated", encoding="utf-8")
    with pytest.raises(errors.InputError) as info:
        Conll04Model.load(tmp_path)
    assert info.value.message.startswith(
        f"unusable CoNLL04 model file {tmp_path / RELATIONS_FILE}: "
    )
    assert info.value.message.endswith(
        ". Rebuild it with: python -m kg.eval.conll04 train ../shared/conll04/conll04_train.json"
    )
    (tmp_path / RELATIONS_FILE).write_text(
        json.dumps(RelationClassifier(["a"], [1.0], 0.0).as_json()), encoding="utf-8"
    )
    with pytest.raises(errors.InputError) as info:
        Conll04Model.load(tmp_path)
    assert info.value.message.startswith(f"unusable CoNLL04 model file {tmp_path / TAGGER_FILE}: ")


# ---------------------------------------------------------------- training (hand-made sentences)

WORK = [
    ("Ann Lee works for Acme Corp .", (0, 2, "Peop"), (4, 6, "Org")),
    ("Bob Hart works for Zeta Inc .", (0, 2, "Peop"), (4, 6, "Org")),
    ("Carl Diaz works for Omni Group .", (0, 2, "Peop"), (4, 6, "Org")),
    ("Dana Wu works for Vega Labs .", (0, 2, "Peop"), (4, 6, "Org")),
]
MET = [
    ("Eve Ross met Acme Corp officials .", (0, 2, "Peop"), (3, 5, "Org")),
    ("Finn Cole met Zeta Inc officials .", (0, 2, "Peop"), (3, 5, "Org")),
    ("Gail Park met Omni Group officials .", (0, 2, "Peop"), (3, 5, "Org")),
    ("Hugo Ames met Vega Labs officials .", (0, 2, "Peop"), (3, 5, "Org")),
]


def _sentence(text: str, head: tuple, tail: tuple, related: bool) -> dict:
    return {
        "tokens": text.split(),
        "entities": [
            {"type": head[2], "start": head[0], "end": head[1]},
            {"type": tail[2], "start": tail[0], "end": tail[1]},
        ],
        "relations": [{"type": "Work_For", "head": 0, "tail": 1}] if related else [],
    }


@pytest.fixture(scope="module")
def toy_model() -> tuple[Conll04Model, list[dict], list]:
    from kg.eval.conll04 import parse

    sentences = [_sentence(*w, True) for w in WORK] + [_sentence(*m, False) for m in MET]
    sentences = sentences * 3
    docs = parse(sentences)
    settings = Settings(
        crf=CrfSettings(c1=0.0, c2=0.01), relations=LogRegSettings(c=10.0, min_count=1)
    )
    return fit(sentences, docs, settings), sentences, docs


@pytest.mark.slow
def test_training_learns_the_hand_made_relation(toy_model: tuple) -> None:
    model, sentences, docs = toy_model
    works = model.predict(sentences[0], docs[0])
    assert works["entities"] == sentences[0]["entities"]
    assert works["relations"] == [{"type": "Work_For", "head": 0, "tail": 1}]
    met = model.predict(sentences[4], docs[4])
    assert met["entities"] == sentences[4]["entities"]
    assert met["relations"] == []


@pytest.mark.slow
def test_trained_model_files_load_back_with_the_same_predictions(
    toy_model: tuple, tmp_path: Path
) -> None:
    model, sentences, docs = toy_model
    model.save(tmp_path, {"trained_on": "hand-made sentences"})
    again = Conll04Model.load(tmp_path)
    assert again.relations.info == {"trained_on": "hand-made sentences"}
    for s, doc in zip(sentences[:8], docs[:8], strict=True):
        assert again.predict(s, doc) == model.predict(s, doc)


# ---------------------------------------------------------------- the feature source


@pytest.fixture(scope="module")
def news_doc(nlp):  # type: ignore[no-untyped-def]
    # the news pipeline's own Doc, as the extractor has it
    return nlp("John Smith works for Acme Corp in Boston. Oswald shot Kennedy in Dallas.")


def _offsets(doc, text: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    for i in range(len(doc)):
        for j in range(i + 1, len(doc) + 1):
            if doc[i:j].text == text:
                return i, j
    raise AssertionError(f"{text!r} not in the Doc")


@pytest.mark.slow
def test_feature_source_gives_every_relation_and_the_fitting_one_only(news_doc) -> None:  # type: ignore[no-untyped-def]
    smith, acme = _offsets(news_doc, "John Smith"), _offsets(news_doc, "Acme Corp")
    probs = conll04_relation_probabilities(news_doc, smith, acme, "Peop", "Org")
    assert set(probs) == set(RELATION_TYPES)
    assert probs["Work_For"] > 0.5
    assert all(p == 0.0 for r, p in probs.items() if r != "Work_For")


@pytest.mark.slow
def test_feature_source_is_the_shipped_classifier_on_the_pair_features(news_doc) -> None:  # type: ignore[no-untyped-def]
    smith, acme = _offsets(news_doc, "John Smith"), _offsets(news_doc, "Acme Corp")
    boston = _offsets(news_doc, "Boston")
    ents = [(*smith, "Peop"), (*acme, "Org"), (*boston, "Loc")]
    probs = conll04_relation_probabilities(news_doc, smith, acme, "Peop", "Org", ents)
    rows = [pair_features(news_doc, ents[0], ents[1], ents)]
    assert probs["Work_For"] == shipped_model().relations.probabilities(rows)[0]


@pytest.mark.slow
def test_feature_source_kill_and_order(news_doc) -> None:  # type: ignore[no-untyped-def]
    oswald, kennedy = _offsets(news_doc, "Oswald"), _offsets(news_doc, "Kennedy")
    forward = conll04_relation_probabilities(news_doc, oswald, kennedy, "Peop", "Peop")
    backward = conll04_relation_probabilities(news_doc, kennedy, oswald, "Peop", "Peop")
    assert forward["Kill"] > 0.5 > backward["Kill"]
    # Org -> Peop fits no relation: every probability is 0.0
    acme = _offsets(news_doc, "Acme Corp")
    assert set(conll04_relation_probabilities(news_doc, acme, oswald, "Org", "Peop").values()) == {
        0.0
    }


@pytest.mark.slow
def test_feature_source_gives_nothing_across_sentences(news_doc) -> None:  # type: ignore[no-untyped-def]
    smith, dallas = _offsets(news_doc, "John Smith"), _offsets(news_doc, "Dallas")
    probs = conll04_relation_probabilities(news_doc, smith, dallas, "Peop", "Loc")
    assert set(probs.values()) == {0.0}


@pytest.mark.slow
def test_feature_source_batch_equals_one_by_one(news_doc) -> None:  # type: ignore[no-untyped-def]
    smith, acme = _offsets(news_doc, "John Smith"), _offsets(news_doc, "Acme Corp")
    boston = _offsets(news_doc, "Boston")
    pairs = [((*smith, "Peop"), (*acme, "Org")), ((*acme, "Org"), (*boston, "Loc"))]
    batch = conll04_pair_probabilities(news_doc, pairs)
    one = [conll04_relation_probabilities(news_doc, h[:2], t[:2], h[2], t[2]) for h, t in pairs]
    assert batch == one
    assert batch[1]["OrgBased_In"] > 0.0


@pytest.mark.slow
def test_feature_source_loads_the_model_once(news_doc) -> None:  # type: ignore[no-untyped-def]
    smith, acme = _offsets(news_doc, "John Smith"), _offsets(news_doc, "Acme Corp")
    conll04_relation_probabilities(news_doc, smith, acme, "Peop", "Org")
    before = shipped_model.cache_info()
    conll04_relation_probabilities(news_doc, smith, acme, "Peop", "Org")
    after = shipped_model.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1


@pytest.mark.slow
def test_feature_source_refuses_unknown_types_and_spans(news_doc) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown CoNLL04 type 'Person'"):
        conll04_relation_probabilities(news_doc, (0, 2), (4, 6), "Person", "Org")
    with pytest.raises(ValueError, match=r"span \(4, 99\) is outside the Doc"):
        conll04_relation_probabilities(news_doc, (0, 2), (4, 99), "Peop", "Org")
