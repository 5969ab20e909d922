"""Apply the learned models to one document: entity classes, then which facts to keep.

``retype`` runs between resolution and the rules, so that the rules see the corrected classes
(an exercise read as a Place would never get participants). ``decide`` runs last: every
candidate fact gets the relation model's probability, those at or above their property's
threshold are kept, and the probability becomes the fact's confidence. A kept fact carries the
evidence of the best rule that stated it (its sentence, modality and attribution), or else the
sentence where the two entities are named closest together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.extract.classes import entity_features, ner_label_map
from kg.extract.relations import ORGS
from kg.records import Evidence, Mention, Relation

if TYPE_CHECKING:
    from kg.extract.candidates import Candidate
    from kg.extract.mentions.cand import Cand
    from kg.extract.model import ClassModel, RelationModel
    from kg.extract.relations import Context

#: Version of the model-based decision, recorded in each fact's extractor id.
MODEL_RULE = "model.v1"
#: Rule id of the "worksFor" a kept "leads" brings (see ``_works_for_what_they_lead``).
LEADS_WORKS_FOR = "infer.leads.worksFor.v1"


def entity_rows(ctx: Context) -> tuple[list[str], list[dict[str, float]]]:
    """The keys of the document's named entities and the class model's features of each."""
    labels = ner_label_map(ctx.doc)
    by_key: dict[str, list[Cand]] = defaultdict(list)
    for c, key in zip(ctx.cands, ctx.keys, strict=True):
        if key is not None:
            by_key[key].append(c)
    keys = [k for k in ctx.entities if by_key.get(k)]
    return keys, [entity_features(ctx.doc, ctx.entities[k], by_key[k], labels) for k in keys]


def retype(ctx: Context, model: ClassModel) -> None:
    """Give each entity the class the model prefers, when it is sure enough of it.

    Classes the finder knows rather than guesses stay: a gazetteer entry's, and a name the
    page layout places (a byline's outlet, a dateline's agency or place).
    """
    keys, rows = entity_rows(ctx)
    known = {
        k
        for c, k in zip(ctx.cands, ctx.keys, strict=True)
        if k is not None and (c.source == "layout" or c.key is not None)
    }
    for key, (cls, prob) in zip(keys, model.predict(rows), strict=True):
        ent = ctx.entities[key]
        if cls == ent.cls or prob < model.min_probability or key in known:
            continue
        ent.cls = cls
        ctx.info[key].cls = cls
        ent.mentions = [Mention(m.text, m.start, m.end, cls, m.source) for m in ent.mentions]
        for c, k in zip(ctx.cands, ctx.keys, strict=True):
            if k == key:
                c.cls = cls


def decide(ctx: Context, cands: list[Candidate], model: RelationModel) -> list[Relation]:
    """The facts to keep: titles as the rules read them, other facts by the model (or, for a
    property the model never learned, as the rules state them)."""
    out = [r for r in ctx.relations if r.literal]
    by_prop: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        by_prop[c.predicate].append(c)
    scores = model.score_by_property({p: [c.features for c in g] for p, g in by_prop.items()})
    for prop, group in by_prop.items():
        if not model.knows(prop):
            # no training article had one: the model cannot judge these, the rules stand
            out.extend(c.rules[0] for c in group if c.rules)
            continue
        for cand, prob in zip(group, scores[prop], strict=True):
            if prob >= model.threshold(prop, cand.features):
                rel = _relation(ctx, cand, prob)
                if rel is not None:
                    out.append(rel)
    return out + _works_for_what_they_lead(ctx, out)


def _works_for_what_they_lead(ctx: Context, kept: list[Relation]) -> list[Relation]:
    """A person who leads an organisation also works for it (the annotation guidelines say so;
    40 of the 41 gold "leads" of a person to an organisation come with that "worksFor"). The
    model decides the two properties apart, so a kept "leads" brings its "worksFor", with the
    same evidence and confidence, when the model dropped it."""
    works = {(r.subject, r.object) for r in kept if r.predicate == "worksFor"}
    out: list[Relation] = []
    for r in kept:
        if (
            r.predicate == "leads"
            and (r.subject, r.object) not in works
            and ctx.cls(r.subject) == "Person"
            and ctx.cls(r.object) in ORGS
        ):
            works.add((r.subject, r.object))
            ev = replace(r.evidence, rule=f"{r.evidence.rule}:{LEADS_WORKS_FOR}")
            out.append(Relation(r.subject, "worksFor", r.object, ev))
    return out


#: A learned model is never certain: its confidences stay below 1.
MAX_CONFIDENCE = 0.99


def _relation(ctx: Context, cand: Candidate, prob: float) -> Relation | None:
    conf = round(min(prob, MAX_CONFIDENCE), 4)
    if cand.rules:
        best = cand.rules[0]
        ev = replace(best.evidence, confidence=conf, rule=f"{MODEL_RULE}:{best.evidence.rule}")
        return Relation(best.subject, best.predicate, best.object, ev)
    if cand.sentence is None:
        return None
    start, end = cand.sentence
    sent = ctx.doc[start:end]
    text = ctx.doc.text[sent.start_char : sent.end_char]
    trigger = ctx.doc[cand.trigger] if cand.trigger is not None else None
    modality, attributed = ctx.modality(trigger, sent, text)
    if modality == "negated":
        return None
    ev = Evidence(
        ctx.document.id,
        text,
        sent.start_char,
        sent.end_char,
        MODEL_RULE,
        conf,
        modality,
        attributed,
    )
    return Relation(cand.subject, cand.predicate, cand.object, ev)
