"""Rule ``conll04.kill.v1``: one person killed another, as the CoNLL04 relation model reads it.

The news articles annotate too few killings (4 of 1,484 gold facts) to learn them from, but the
public CoNLL04 corpus annotates hundreds (its ``Kill`` relation, the same relation the
annotation rules name). Its shipped classifier (``kg.extract.conll04``) scores every ordered
pair of two people named in one sentence, with the features it was trained on, read from the
news pipeline's own parse; a pair at or above the classifier's own decision threshold (chosen by
cross-validation on CoNLL04 train) is a ``killed`` fact. It reads what the hand-written
patterns miss ("X, who was behind the murder of Y").
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from kg.extract.conll04.features import pair_features
from kg.extract.conll04.model import shipped_relations
from kg.extract.relations import ORGS, PLACES, Context

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

RULE = "conll04.kill.v1"


def _conll04_type(cls: str) -> str:
    if cls == "Person":
        return "Peop"
    if cls in PLACES:
        return "Loc"
    return "Org" if cls in ORGS else "Other"


def _lowest_common_ancestor(a: Token, b: Token) -> Token:
    above = {a.i, *(t.i for t in a.ancestors)}
    for t in (b, *b.ancestors):
        if t.i in above:
            return t
    return b


def kill_rules(ctx: Context) -> None:
    """``killed`` between two people of one sentence that the CoNLL04 model relates by Kill."""
    doc = ctx.doc
    people: dict[int, list[int]] = defaultdict(list)  # sentence start -> mention indexes
    for i, c in enumerate(ctx.cands):
        key = ctx.keys[i]
        if key is not None and ctx.cls(key) == "Person":
            people[doc[c.start].sent.start].append(i)
    pairs: list[tuple[int, int, Span]] = []
    rows: list[list[str]] = []
    for group in people.values():
        if len({ctx.keys[i] for i in group}) < 2:
            continue
        sent = doc[ctx.cands[group[0]].start].sent
        ents = [
            (ctx.cands[i].start, ctx.cands[i].end, _conll04_type(ctx.cls(k)))
            for i in ctx.cands_in(sent)
            if (k := ctx.keys[i]) is not None
        ]
        for h in group:
            for t in group:
                if ctx.keys[h] == ctx.keys[t]:
                    continue
                head, tail = ctx.cands[h], ctx.cands[t]
                pairs.append((h, t, sent))
                rows.append(
                    pair_features(
                        doc, (head.start, head.end, "Peop"), (tail.start, tail.end, "Peop"), ents
                    )
                )
    if not rows:
        return
    clf = shipped_relations()
    for (h, t, sent), p in zip(pairs, clf.probabilities(rows), strict=True):
        if p >= clf.threshold:
            head, tail = ctx.cands[h], ctx.cands[t]
            trigger = _lowest_common_ancestor(
                doc[head.start : head.end].root, doc[tail.start : tail.end].root
            )
            ctx.emit(ctx.keys[h], "killed", ctx.keys[t], sent, RULE, trigger)
