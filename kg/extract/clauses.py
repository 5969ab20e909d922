"""One modality per clause: the event facts read inside a planned clause are planned.

A fact's modality is read at its trigger word (``kg.extract.modality``), but many facts have no
trigger of their own: the co-participants of a training (``frame.exercise``), the states of two
forces that train together (``inherit.train.states``), the host country of a deployment. Read
alone, each of them looks asserted, so "The Peruvian Army will train with the Chilean Army and
the U.S. Army" gave two planned trainings and, beside them, an asserted one between the two
guests and asserted cooperation between the states. This pass makes the clause decide: an event
fact (``vocab.EVENT_PROPERTIES``) whose arguments are named only inside a clause that announces
a future or an intention ("will train", "plans to deploy", "is expected to meet") is planned.

A clause is the verb's subtree without its relative, complement and adverbial clauses, which
carry their own modality ("The Navy, which trained with X last year, will host Y": the training
with X stays asserted). States (``locatedIn``, ``worksFor`` …) are not events and keep theirs.
A fact with no argument named in its sentence (a state standing for its force) is planned when
every event fact of the sentence that names its arguments there is planned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.extract.modality import FINITE, FUTURE, INTEND, OWN_CLAUSE
from kg.rdf.vocab import EVENT_PROPERTIES
from kg.records import Relation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from kg.records import Entity


def announces_plan(verb: Token) -> bool:
    """Whether the verb itself carries a future or an intention: "will train", "plans to
    deploy", "is expected to meet", or a verb coordinated with one ("will arrive and train")."""
    if any(c.dep_ in ("aux", "auxpass") and c.text.lower() in FUTURE for c in verb.children):
        return True
    if verb.dep_ == "xcomp" and verb.head.lemma_ in INTEND:
        return True
    if verb.dep_ != "conj" or verb.tag_ in FINITE:
        return False  # "will train with X, and Y trained with Z": the second has its own tense
    has_aux = any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    return not has_aux and announces_plan(verb.head)


def _clause_tokens(verb: Token) -> set[int]:
    """Token indices of the verb's clause: its subtree without the clauses inside it, and
    without a finite verb coordinated with it (its own clause, its own tense)."""
    excluded: set[int] = set()
    for tok in verb.subtree:
        if tok is not verb and (
            tok.dep_ in OWN_CLAUSE or (tok.dep_ == "conj" and tok.tag_ in FINITE)
        ):
            excluded.update(t.i for t in tok.subtree)
    return {t.i for t in verb.subtree} - excluded


def planned_clauses(sent: Span) -> set[int]:
    """Token indices of the sentence's words that belong to a planned clause."""
    out: set[int] = set()
    for tok in sent:
        if tok.pos_ in ("VERB", "AUX") and announces_plan(tok):
            out |= _clause_tokens(tok)
    return out


def harmonise_modality(
    relations: list[Relation], doc: Doc, entities: dict[str, Entity]
) -> list[Relation]:
    """``relations`` with the event facts of planned clauses made planned (see the module).

    Only the sentences that hold a planned event fact are read again.
    """
    by_sent: dict[tuple[int, int], list[int]] = defaultdict(list)
    for n, r in enumerate(relations):
        if r.predicate in EVENT_PROPERTIES and not r.literal:
            by_sent[(r.evidence.start, r.evidence.end)].append(n)
    out = list(relations)
    for where, idx in by_sent.items():
        if all(relations[n].evidence.modality != "planned" for n in idx):
            continue
        sent = doc.char_span(*where, alignment_mode="expand")
        clause = planned_clauses(sent) if sent is not None else set()
        if not clause:
            continue
        named: dict[int, list[Span]] = {}
        for n in idx:
            r = relations[n]
            named[n] = [
                span
                for key in (r.subject, r.object)
                for m in (entities[key].mentions if key in entities else ())
                if where[0] <= m.start
                and m.end <= where[1]
                and (span := doc.char_span(m.start, m.end, alignment_mode="expand")) is not None
            ]
        for n in idx:
            spans = named[n]
            if spans and all(t.i in clause for span in spans for t in span):
                out[n] = _planned(out[n])
        with_names = [n for n in idx if named[n]]
        if with_names and all(out[n].evidence.modality == "planned" for n in with_names):
            for n in idx:
                if not named[n]:
                    out[n] = _planned(out[n])
    return out


def _planned(rel: Relation) -> Relation:
    if rel.evidence.modality != "asserted":
        return rel
    return replace(rel, evidence=replace(rel.evidence, modality="planned"))
