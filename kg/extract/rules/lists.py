"""Rules ``list.*``, ``coord.*`` and ``noun.ally``: membership lists ("units such as A, B and C",
"brigades from the Army: ..."), agencies acting jointly ("A and B seized ...", "work by A, B and
C"), and a state designated as an ally."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from kg.extract.relations import ORGS, Context, ents_of, objects, pobjs, subjects

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


_SUBUNIT_NOUNS = frozenset(
    {
        "units",
        "unit",
        "brigades",
        "battalions",
        "divisions",
        "commands",
        "squadrons",
        "groups",
        "directorates",
        "branches",
        "components",
        "elements",
        "agencies",
        "bodies",
        "institutions",
        "forces",
        "services",
    }
)
_JOINT_VERBS = frozenset(
    {
        "seize",
        "detain",
        "arrest",
        "intercept",
        "dismantle",
        "conduct",
        "carry",
        "launch",
        "capture",
        "destroy",
        "rescue",
        "patrol",
        "investigate",
        "raid",
        "confiscate",
        "stop",
        "find",
    }
)


def list_rules(ctx: Context) -> dict[int, list[str]]:
    """Membership lists; returns, per sentence start, the members listed in it."""
    doc = ctx.doc
    listed: dict[int, list[str]] = {}
    for tok in doc:
        is_such = tok.lower_ == "such" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "as"
        is_like = tok.lower_ in ("like", "including") and tok.dep_ == "prep"
        is_include = (
            tok.lemma_ in ("include", "involve", "comprise", "feature") and tok.pos_ == "VERB"
        )
        if not (is_such or is_like or is_include):
            continue
        sent = tok.sent
        start = tok.i + (2 if is_such else 1)
        members = []
        for i in ctx.cands_in(sent):
            c = ctx.cands[i]
            key = ctx.keys[i]
            if c.start >= start and key is not None and ctx.cls(key) in ORGS:
                members.append(key)
        members = list(dict.fromkeys(members))
        if not members:
            continue
        listed.setdefault(sent.start, []).extend(members)
        parent = _list_parent(ctx, tok, sent, is_include, is_such)
        for m in members:
            if parent is not None and m != parent:
                ctx.emit(m, "partOf", parent, sent, "list.member.v1", tok)
    # "units from the Navy -namely the second and fourth Marine Battalions-" (a dashed aside)
    for tok in doc:
        if tok.lower_ not in _SUBUNIT_NOUNS or tok.pos_ != "NOUN":
            continue
        parents = pobjs(ctx, tok, ("from", "of", "in"))
        parents = [p for p in parents if ctx.cls(p) in ORGS]
        if len(parents) != 1:
            continue
        sent = tok.sent
        stem = tok.lower_.rstrip("s")
        for i in ctx.cands_in(sent):
            c = ctx.cands[i]
            key = ctx.keys[i]
            if c.start > tok.i and key is not None and key != parents[0] and stem in c.name.lower():
                ctx.emit(key, "partOf", parents[0], sent, "list.subunit.v1", tok)
                listed.setdefault(sent.start, []).append(key)
    return listed


def _list_parent(
    ctx: Context, tok: Token, sent: Span, is_include: bool, is_such: bool = False
) -> str | None:
    """The body a list belongs to: "units of X such as", "X ... with units such as"."""
    head = tok.head if not is_include else None
    if is_such and head is not None and head.lower_ == "as":
        head = head.head
    if head is None:
        # "Additional US armed forces commands ... include A, B": the subject's modifier
        for s in tok.children:
            if s.dep_ in ("nsubj", "nsubjpass") and s.lower_ in _SUBUNIT_NOUNS:
                for c in s.subtree:
                    k = ctx.key_at(c.i)
                    if k is not None and ctx.cls(k) in ORGS:
                        return k
        return None
    if head.lower_ not in _SUBUNIT_NOUNS:
        return None
    for c in head.children:
        k = ctx.key_at(c.i)
        if c.dep_ in ("compound", "poss", "nmod", "amod") and k is not None and ctx.cls(k) in ORGS:
            return k
    ps = [p for p in pobjs(ctx, head, ("of", "from")) if ctx.cls(p) in ORGS]
    if ps:
        return ps[0]
    # "X will contribute, with units such as ...": the subject of the verb
    if head.dep_ == "pobj" and head.head.lower_ == "with" and head.head.head.pos_ == "VERB":
        subj = [s for s in subjects(ctx, head.head.head) if ctx.cls(s) in ORGS]
        if len(subj) == 1:
            return subj[0]
    return None


def joint_action_rules(ctx: Context) -> None:
    """Several agencies as joint agents of one action cooperate ("A and B seized ...";
    "investigative work by A, B, and C")."""
    for tok in ctx.doc:
        if tok.pos_ == "VERB" and tok.lemma_ in _JOINT_VERBS:
            sent = tok.sent
            subj = []
            for c in tok.children:
                if c.dep_ == "nsubj":
                    subj += [s for s in ents_of(ctx, c) if ctx.cls(s) in ORGS]
            for a, b in itertools.combinations(dict.fromkeys(subj), 2):
                ctx.emit(a, "cooperatesWith", b, sent, "coord.joint.v1", tok)
        if tok.lower_ == "by":
            sent = tok.sent
            agents = [a for a in surface_list(ctx, tok.i + 1) if ctx.cls(a) in ORGS]
            for a, b in itertools.combinations(dict.fromkeys(agents), 2):
                ctx.emit(a, "cooperatesWith", b, sent, "coord.by.v1", tok)


def surface_list(ctx: Context, i: int) -> list[str]:
    """Entities listed from token ``i`` on ("the A, the B, and the C"), read from the words
    rather than the parse, which often breaks long coordinations."""
    out: list[str] = []
    doc = ctx.doc
    end = doc[i].sent.end if i < len(doc) else i
    while i < end:
        k = ctx.key_at(i)
        if k is not None:
            out.append(k)
            c = ctx.cands[ctx.tok2cand[i]]
            i = c.end
            continue
        if doc[i].lower_ in (",", "and", "the", "as", "well", "its", "their", "both"):
            i += 1
            continue
        break
    return out


def ally_rules(ctx: Context) -> None:
    """ "designation of Peru as a major non-NATO ally" by the U.S. -> cooperatesWith."""
    for tok in ctx.doc:
        if tok.lemma_ not in ("designation", "designate", "recognize", "name"):
            continue
        sent = tok.sent
        if not any(t.lemma_ in ("ally", "partner") for t in tok.subtree):
            continue
        target = [
            o for o in pobjs(ctx, tok, ("of",)) + objects(ctx, tok) if ctx.cls(o) == "Country"
        ]
        by: list[str] = []
        for c in tok.children:
            k = ctx.key_at(c.i)
            if c.dep_ in ("compound", "poss", "nmod", "amod") and k is not None:
                by.append(k)
        if tok.pos_ == "VERB":
            by += subjects(ctx, tok)
        by = [b if ctx.cls(b) == "Country" else (ctx.country(b) or b) for b in by]
        for a, b in itertools.product(by, target):
            if ctx.cls(a) == "Country":
                ctx.emit(a, "cooperatesWith", b, sent, "noun.ally.v1", tok)
