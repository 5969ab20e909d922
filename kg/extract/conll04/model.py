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
    bio_spans,
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
    #: the tagger's entities, not gold ones) by 5-fold cross-validation on TRAIN: 0.3 to 0.4
    #: are within 0.002 relation F1 of each other (0.5868 / 0.5855 / 0.5835), 0.5 is 0.567,
    #: so the middle of that plateau. One threshold per relation, chosen on the other folds'
    #: held-out pairs, was worse (0.576).
    threshold: float = 0.35
    #: the relation classifier also learns from the tagger's own entities on the training
    #: sentences, predicted out of fold (taggers trained on the other ``entity_folds`` - 1
    #: parts): it then sees the wrong boundaries and types it meets at prediction time, whose
    #: pairs are never related. 0 or 1 (or fewer than two sentences per part): gold entities
    #: only. (Cross-validated relation F1 on
    #: TRAIN 0.574 -> 0.586 with the threshold above; the tagger's own entities alone: 0.560.)
    entity_folds: int = 5


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
        tagger_path = folder / TAGGER_FILE
        if not tagger_path.is_file():
            raise errors.no_conll04_model(str(tagger_path))
        relations = _read_relations(folder / RELATIONS_FILE)
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


def _read_relations(path: Path) -> RelationClassifier:
    """The relation classifier of a model folder, or the catalogue's error naming the file."""
    if not path.is_file():
        raise errors.no_conll04_model(str(path))
    try:
        return RelationClassifier.from_json(json.loads(path.read_text("utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise errors.bad_conll04_model(str(path), str(exc)) from None


@functools.lru_cache(maxsize=1)
def shipped_relations() -> RelationClassifier:
    """The shipped relation classifier alone, loaded once per process: the news extractor
    scores pairs of its own entities and needs no CoNLL04 entity tagger."""
    return _read_relations(models_dir() / RELATIONS_FILE)


@functools.lru_cache(maxsize=1)
def shipped_model() -> Conll04Model:
    """The model shipped in the package (trained on CoNLL04 train), loaded once per process."""
    return Conll04Model.load()


# ---------------------------------------------------------------- training


def relation_examples(
    sentences: Sequence[Sentence],
    docs: Sequence[Doc],
    predicted: Sequence[Sequence[Span]] | None = None,
) -> tuple[list[list[str]], list[int]]:
    """Binary examples: every signature-fitting pair of gold entities, 1 if related; with
    ``predicted`` (one entity list per sentence, e.g. the tagger's), also every pair of those
    entities that is not a gold-entity pair, 1 only when both entities are exactly gold ones
    (boundaries and type) and hold the relation."""
    rows: list[list[str]] = []
    labels: list[int] = []
    for k, (s, doc) in enumerate(zip(sentences, docs, strict=True)):
        ents = gold_spans(s)
        gold = {(ents[r["head"]], ents[r["tail"]], r["type"]) for r in s["relations"]}
        seen: set[tuple[Span, Span]] = set()
        for spans in [ents] if predicted is None else [ents, list(predicted[k])]:
            for i, j, rel in candidate_pairs(spans):
                if (spans[i], spans[j]) in seen:
                    continue
                seen.add((spans[i], spans[j]))
                rows.append(pair_features(doc, spans[i], spans[j], spans))
                labels.append(int((spans[i], spans[j], rel) in gold))
    return rows, labels


def out_of_fold_entities(
    sentences: Sequence[Sentence],
    docs: Sequence[Doc],
    crf: CrfSettings,
    folds: int,
    progress: Progress | None = None,
) -> list[list[Span]]:
    """The tagger's entities for each training sentence, from a tagger that did not learn from
    it: sentence ``i`` is tagged by the one trained on the sentences of the other ``i % folds``
    parts (what the tagger gets wrong on new text, it gets wrong here too)."""
    say = progress or (lambda _msg: None)
    usable = [len(doc) == len(s["tokens"]) for s, doc in zip(sentences, docs, strict=True)]
    feats = [token_features(doc) if ok else [] for doc, ok in zip(docs, usable, strict=True)]
    out: list[list[Span]] = [[] for _ in sentences]
    for k in range(folds):
        say(f"tagging the training sentences out of fold: part {k + 1}/{folds}")
        data = [
            (feats[i], spans_to_bio(len(docs[i]), gold_spans(sentences[i])))
            for i in range(len(sentences))
            if usable[i] and i % folds != k
        ]
        tagger = EntityTagger.fit(data, crf)
        for i in range(k, len(sentences), folds):
            if usable[i]:
                out[i] = bio_spans(tagger.tag(feats[i]))
    return out


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
    predicted = None
    if s.entity_folds >= 2 and len(ner_data) >= 2 * s.entity_folds:
        predicted = out_of_fold_entities(sentences, docs, s.crf, s.entity_folds, say)
    rows, labels = relation_examples(sentences, docs, predicted)
    say(f"training the relation classifier on {len(rows)} candidate pairs")
    relations = RelationClassifier.fit(rows, labels, s.relations)
    relations.threshold = s.threshold
    return Conll04Model(tagger, relations)


__all__ = [
    "ENTITY_TYPES",
    "Conll04Model",
    "Settings",
    "fit",
    "out_of_fold_entities",
    "shipped_model",
]
