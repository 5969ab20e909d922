"""The CoNLL04 relation model as a feature source for the news extractor.

Given a ``Doc`` the news pipeline has already parsed and an ordered pair of entity spans with
their CoNLL04 types, return the probability of each CoNLL04 relation (Work_For, OrgBased_In,
Located_In, Live_In, Kill) for that pair, as the shipped CoNLL04 relation classifier sees it.
The model is loaded once per process; nothing is parsed again: the features are read from the
given ``Doc`` (lemmas, dependency path, words between, spaCy's NER labels).

Types are CoNLL04's: ``Peop``, ``Org``, ``Loc``, ``Other``. Each relation has one type signature
(Work_For is Peop→Org, OrgBased_In Org→Loc, Located_In Loc→Loc, Live_In Peop→Loc, Kill
Peop→Peop), so at most one relation gets a non-zero probability; the others are 0.0. A pair
whose spans lie in different sentences, or overlap, gets 0.0 for every relation: the model
learned from pairs inside one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kg.extract.conll04.features import (
    ENTITY_TYPES,
    RELATION_TYPES,
    SIGNATURES,
    Span,
    pair_features,
)
from kg.extract.conll04.model import Conll04Model, shipped_model

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: spaCy's (OntoNotes) entity labels as CoNLL04 types, for the sentence's other entities when
#: the caller gives none; every label not listed is ``Other`` (dates, numbers, nationalities …).
SPACY_TO_CONLL04: dict[str, str] = {
    "PERSON": "Peop",
    "ORG": "Org",
    "GPE": "Loc",
    "LOC": "Loc",
    "FAC": "Loc",
}

#: Every relation with probability 0.0: the answer for a pair no relation fits.
NO_RELATION: dict[str, float] = dict.fromkeys(RELATION_TYPES, 0.0)


def _sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    if not doc.has_annotation("SENT_START"):
        return 0, len(doc)
    sent = doc[i].sent
    return sent.start, sent.end


def _check(doc: Doc, span: Span) -> None:
    start, end, kind = span
    if kind not in ENTITY_TYPES:
        raise ValueError(f"unknown CoNLL04 type {kind!r}: use one of {', '.join(ENTITY_TYPES)}")
    if not 0 <= start < end <= len(doc):
        raise ValueError(f"span ({start}, {end}) is outside the Doc's {len(doc)} tokens")


def _spacy_entities(doc: Doc, lo: int, hi: int) -> list[Span]:
    return [
        (e.start, e.end, SPACY_TO_CONLL04.get(e.label_, "Other"))
        for e in doc.ents
        if lo <= e.start and e.end <= hi
    ]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def conll04_pair_probabilities(
    doc: Doc,
    pairs: Sequence[tuple[Span, Span]],
    entities: Sequence[Span] | None = None,
    model: Conll04Model | None = None,
) -> list[dict[str, float]]:
    """Probabilities of the CoNLL04 relations for many ordered pairs of one ``Doc`` at once.

    Args:
        doc: a parsed spaCy ``Doc`` (lemmas and dependency parse; sentence boundaries from it).
        pairs: ``((head_start, head_end, head_type), (tail_start, tail_end, tail_type))`` with
            token offsets in ``doc`` (end exclusive) and CoNLL04 types.
        entities: the document's entities as ``(start, end, type)``, used for the features
            that count the entities between the pair and the nearer candidates; only those in
            the pair's sentence count. ``None``: spaCy's own ``doc.ents`` (mapped by
            ``SPACY_TO_CONLL04``) with the pair's two spans in place of those they overlap.
        model: a ``Conll04Model``; ``None`` uses the shipped one (loaded once per process).

    Returns:
        One ``{relation: probability}`` dict per pair, in order, with every relation of
        ``RELATION_TYPES`` as a key.

    Raises:
        ValueError: a type that is not a CoNLL04 type, or a span outside the ``Doc``.
    """
    features: list[list[str]] = []
    where: list[tuple[int, str]] = []
    answers = [dict(NO_RELATION) for _ in pairs]
    scorer = model or shipped_model()
    for k, (head, tail) in enumerate(pairs):
        _check(doc, head)
        _check(doc, tail)
        relation = SIGNATURES.get((head[2], tail[2]))
        if relation is None or _overlaps(head, tail):
            continue
        lo, hi = _sentence_bounds(doc, head[0])
        if not (lo <= tail[0] and tail[1] <= hi and head[1] <= hi):
            continue
        if entities is None:
            around = [
                e
                for e in _spacy_entities(doc, lo, hi)
                if not _overlaps(e, head) and not _overlaps(e, tail)
            ]
            ents = sorted([*around, head, tail])
        else:
            ents = [e for e in entities if lo <= e[0] and e[1] <= hi]
        features.append(pair_features(doc, head, tail, ents))
        where.append((k, relation))
    for (k, relation), p in zip(where, scorer.relations.probabilities(features), strict=True):
        answers[k][relation] = p
    return answers


def conll04_relation_probabilities(
    doc: Doc,
    head: tuple[int, int],
    tail: tuple[int, int],
    head_type: str,
    tail_type: str,
    entities: Sequence[Span] | None = None,
    model: Conll04Model | None = None,
) -> dict[str, float]:
    """Probability of each CoNLL04 relation for the ordered pair (head, tail) of a parsed ``Doc``.

    ``head`` and ``tail`` are token offsets ``(start, end)`` in ``doc`` (end exclusive);
    ``head_type`` and ``tail_type`` are CoNLL04 types (``Peop``, ``Org``, ``Loc``, ``Other``).
    Returns ``{relation: probability}`` for every relation of ``RELATION_TYPES``: the one whose
    signature fits the two types gets the model's probability, the others 0.0 (all 0.0 when
    the spans overlap or lie in different sentences). ``entities`` and ``model``: as for
    :func:`conll04_pair_probabilities`, which scores many pairs in one call (faster).
    """
    pair = ((head[0], head[1], head_type), (tail[0], tail[1], tail_type))
    return conll04_pair_probabilities(doc, [pair], entities, model)[0]
