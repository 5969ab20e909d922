"""The CoNLL04 relation classifier learns from the tagger's own out-of-fold entities as well as
from the gold ones (``kg.extract.conll04.model``): which sentences each tagger sees, which pairs
become examples and with which label, and that ``fit`` uses them only when asked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
import spacy

from kg.extract.conll04 import model as conll04_model
from kg.extract.conll04.entities import CrfSettings
from kg.extract.conll04.features import Span
from kg.extract.conll04.model import Settings, fit, out_of_fold_entities, relation_examples


def _sentence(words: list[str], ents: list[Span], related: bool) -> dict[str, Any]:
    return {
        "tokens": words,
        "entities": [{"type": t, "start": s, "end": e} for s, e, t in ents],
        "relations": [{"type": "Work_For", "head": 0, "tail": 1}] if related else [],
    }


@pytest.fixture(scope="module")
def blank() -> Any:
    # token features and pair features read a Doc; an unparsed one is enough for counting pairs
    return spacy.blank("en")


WORDS = ["Ann", "Lee", "works", "for", "Acme", "Corp", "."]
GOLD = [(0, 2, "Peop"), (4, 6, "Org")]


def test_gold_entities_alone_give_one_example_per_fitting_pair(blank: Any) -> None:
    s = _sentence(WORDS, GOLD, True)
    rows, labels = relation_examples([s], [blank.make_doc(" ".join(WORDS))])
    assert labels == [1]  # Peop -> Org only: Org -> Peop fits no relation
    assert "rel=Work_For" in rows[0]


def test_predicted_entities_add_their_own_pairs_labelled_by_exact_match(blank: Any) -> None:
    s = _sentence(WORDS, GOLD, True)
    doc = blank.make_doc(" ".join(WORDS))
    # the tagger cut the company short: that pair is a new example, never related
    rows, labels = relation_examples([s], [doc], [[(0, 2, "Peop"), (4, 5, "Org")]])
    assert labels == [1, 0]
    # the tagger found the gold entities: their pair is not counted twice
    rows, labels = relation_examples([s], [doc], [GOLD])
    assert labels == [1]
    # the same entities with other neighbours: a pair of exact gold entities keeps its label
    unrelated = _sentence(WORDS, GOLD, False)
    _, labels = relation_examples([unrelated], [doc], [[(0, 1, "Peop"), (4, 6, "Org")]])
    assert labels == [0, 0]


class _RecordingTagger:
    """Stands for a CRF: tags a sentence's first token B-Peop only if it learned from it."""

    trained_on: list[set[str]] = []

    def __init__(self, seen: set[str]) -> None:
        self.seen = seen

    @classmethod
    def fit(cls, data: Sequence[tuple[Sequence[Sequence[str]], Sequence[str]]], _s: Any) -> Any:
        seen = {feats[0][1] for feats, _tags in data}  # "w=<first word>"
        cls.trained_on.append(seen)
        return cls(seen)

    def tag(self, feats: Sequence[Sequence[str]]) -> list[str]:
        first = "B-Peop" if feats[0][1] in self.seen else "O"
        return [first] + ["O"] * (len(feats) - 1)


def test_out_of_fold_entities_come_from_taggers_that_never_saw_the_sentence(
    blank: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conll04_model, "EntityTagger", _RecordingTagger)
    _RecordingTagger.trained_on = []
    words = [[f"name{i}", "works", "here", "."] for i in range(10)]
    sentences = [_sentence(w, [(0, 1, "Peop")], False) for w in words]
    docs = [blank.make_doc(" ".join(w)) for w in words]
    out = out_of_fold_entities(sentences, docs, CrfSettings(), folds=5)
    # every sentence is tagged by a tagger that did not learn from it, so none is found
    assert out == [[] for _ in sentences]
    assert len(_RecordingTagger.trained_on) == 5
    for k, seen in enumerate(_RecordingTagger.trained_on):
        assert seen == {f"w=name{i}" for i in range(10) if i % 5 != k}


def test_fit_adds_the_out_of_fold_entities_only_when_asked(
    blank: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def fake_out_of_fold(sentences: Sequence[Any], *_args: Any, **_kw: Any) -> list[list[Span]]:
        calls.append(len(sentences))
        return [[(0, 1, "Peop"), (4, 6, "Org")] for _ in sentences]  # the person cut short

    monkeypatch.setattr(conll04_model, "out_of_fold_entities", fake_out_of_fold)
    sentences = [_sentence(WORDS, GOLD, i % 2 == 0) for i in range(12)]
    docs = [blank.make_doc(" ".join(WORDS)) for _ in sentences]
    said: list[str] = []
    crf = CrfSettings(max_iterations=5)
    fit(sentences, docs, Settings(crf=crf, entity_folds=0), progress=said.append)
    assert calls == [] and said[-1] == "training the relation classifier on 12 candidate pairs"
    fit(sentences, docs, Settings(crf=crf, entity_folds=3), progress=said.append)
    assert calls == [12] and said[-1] == "training the relation classifier on 24 candidate pairs"
    # too few sentences for the parts asked (fewer than two per part): gold entities only
    fit(sentences, docs, Settings(crf=crf, entity_folds=7), progress=said.append)
    assert calls == [12] and said[-1] == "training the relation classifier on 12 candidate pairs"


def test_token_features_do_not_conjoin_spacy_labels(blank: Any) -> None:
    # dropped by cross-validation on TRAIN (relation F1 0.586 -> 0.591): spaCy's label with
    # the shape, the part of speech, or the previous token's label
    from kg.extract.conll04.features import token_features

    doc = blank("Ann Lee works for Acme Corp .")
    feats = token_features(doc)
    assert len(feats) == 7
    for f in feats:
        assert any(x.startswith("ent=") for x in f)
        assert not [x for x in f if x.startswith(("ent+shape=", "ent+pos=", "ent-1,ent="))]
