"""The CoNLL04 model: entity tagger plus relation classifier, trained together on a split.

``fit`` learns both from parsed sentences with gold entities and relations; ``Conll04Model``
predicts a sentence's entities and relations; ``load``/``save`` read and write the two files of
the package's models folder (``kg/data/models/``): the CRF in CRFsuite's binary format and the
relation classifier as JSON weights. Neither is a pickle: loading them runs no stored code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import errors
from kg.extract.conll04.entities import CrfSettings, EntityTagger
from kg.extract.conll04.features import (
    ENTITY_TYPES,
    Span,
    candidate_pairs,
    pair_features,
    spans_to_bio,
    token_features,
)
from kg.extract.conll04.relations import LogRegSettings, RelationClassifier
from kg.resources import models_dir

if TYPE_CHECKING:
    from spacy.tokens import Doc

TAGGER_FILE = "conll04_entities.crfsuite"
RELATIONS_FILE = "conll04_relations.json"

#: A sentence in SpERT's JSON layout: tokens, entities, relations (see ``kg.eval.conll04``).
Sentence = dict[str, Any]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Every training choice, each one chosen by cross-validation on TRAIN (never on dev)."""

    crf: CrfSettings = field(default_factory=CrfSettings)
    relations: LogRegSettings = field(default_factory=LogRegSettings)
    #: a pair is predicted related when its probability reaches this. Chosen end to end (on
    #: the tagger's entities, not gold ones): pairs with a wrong entity are always false
    #: positives, so the best threshold is higher than on gold entities.
    threshold: float = 0.5


def gold_spans(sentence: Sentence) -> list[Span]:
    return [(e["start"], e["end"], e["type"]) for e in sentence["entities"]]


class Conll04Model:
    """Entity tagger plus relation classifier over a sentence parsed by the base spaCy model."""

    def __init__(self, tagger: EntityTagger, relations: RelationClassifier) -> None:
        self.tagger = tagger
        self.relations = relations

    @classmethod
    def load(cls, folder: Path | None = None) -> Conll04Model:
        """Read the two model files (the package's models folder by default)."""
        if folder is None:
            folder = models_dir()
        tagger_path, rel_path = folder / TAGGER_FILE, folder / RELATIONS_FILE
        for p in (tagger_path, rel_path):
            if not p.is_file():
                raise errors.no_conll04_model(str(p))
        try:
            relations = RelationClassifier.from_json(json.loads(rel_path.read_text("utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise errors.bad_conll04_model(str(rel_path), str(exc)) from None
        try:
            tagger = EntityTagger.load(tagger_path)
        except (OSError, ValueError) as exc:
            raise errors.bad_conll04_model(str(tagger_path), str(exc)) from None
        return cls(tagger, relations)

    def save(self, folder: Path, about: dict[str, Any]) -> None:
        """Write both files; ``about`` (how they were trained) goes into the JSON file."""
        folder.mkdir(parents=True, exist_ok=True)
        self.tagger.save(folder / TAGGER_FILE)
        self.relations.info = dict(about)
        text = json.dumps(self.relations.as_json(), ensure_ascii=False, separators=(",", ":"))
        (folder / RELATIONS_FILE).write_text(text + "\n", encoding="utf-8")

    def entities(self, doc: Doc) -> list[Span]:
        """The CoNLL04 entities of a parsed sentence."""
        return self.tagger.spans(doc)

    def pair_probabilities(
        self, doc: Doc, pairs: Sequence[tuple[Span, Span]], entities: Sequence[Span]
    ) -> list[float]:
        """The probability that each ordered (head, tail) pair holds its relation."""
        return self.relations.probabilities([pair_features(doc, h, t, entities) for h, t in pairs])

    def predict(self, sentence: Sentence, doc: Doc) -> Sentence:
        """A new sentence dict (same layout) with predicted entities and relations."""
        ents = self.entities(doc) if len(doc) == len(sentence["tokens"]) else []
        cands = candidate_pairs(ents)
        probs = self.pair_probabilities(doc, [(ents[i], ents[j]) for i, j, _ in cands], ents)
        rels = [
            {"type": rel, "head": i, "tail": j}
            for (i, j, rel), p in zip(cands, probs, strict=True)
            if p >= self.relations.threshold
        ]
        out: Sentence = {
            "tokens": list(sentence["tokens"]),
            "entities": [{"type": t, "start": s, "end": e} for s, e, t in ents],
            "relations": rels,
        }
        if "orig_id" in sentence:
            out["orig_id"] = sentence["orig_id"]
        return out


@functools.lru_cache(maxsize=1)
def shipped_model() -> Conll04Model:
    """The model shipped in the package (trained on CoNLL04 train), loaded once per process."""
    return Conll04Model.load()


# ---------------------------------------------------------------- training


def relation_examples(
    sentences: Sequence[Sentence], docs: Sequence[Doc]
) -> tuple[list[list[str]], list[int]]:
    """Binary examples over gold entities: every signature-fitting pair, 1 if related."""
    rows: list[list[str]] = []
    labels: list[int] = []
    for s, doc in zip(sentences, docs, strict=True):
        ents = gold_spans(s)
        gold = {(r["head"], r["tail"], r["type"]) for r in s["relations"]}
        for i, j, rel in candidate_pairs(ents):
            rows.append(pair_features(doc, ents[i], ents[j], ents))
            labels.append(int((i, j, rel) in gold))
    return rows, labels


def fit(
    sentences: Sequence[Sentence],
    docs: Sequence[Doc],
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Conll04Model:
    """Learn the tagger and the relation classifier from parsed training sentences."""
    s = settings or Settings()
    say = progress or (lambda _msg: None)
    ner_data = [
        (token_features(doc), spans_to_bio(len(doc), gold_spans(sent)))
        for sent, doc in zip(sentences, docs, strict=True)
        if len(doc) == len(sent["tokens"])
    ]
    say(f"training the entity tagger (CRF) on {len(ner_data)} sentences")
    tagger = EntityTagger.fit(ner_data, s.crf)
    rows, labels = relation_examples(sentences, docs)
    say(f"training the relation classifier on {len(rows)} candidate pairs")
    relations = RelationClassifier.fit(rows, labels, s.relations)
    relations.threshold = s.threshold
    return Conll04Model(tagger, relations)


__all__ = ["ENTITY_TYPES", "Conll04Model", "Settings", "fit", "shipped_model"]
