"""Dates of events: "the exercise on December 4", "on Thursday the brigade trained with …".

News dates what happens with expressions relative to the day it is published. ``kg.dates`` finds
and resolves them (``find_dates``); this module decides, from the dependency parse, which event
each one belongs to, so that a date is never taken from another clause of the sentence:

- a fact that is itself an event (``vocab.EVENT_PROPERTIES``: a training, a meeting, a
  deployment …) gets the date attached to its own verb, or to a word on the path between its two
  arguments ("their Monday meeting with …"), or to an event noun that is the verb's subject or
  object ("a drill held last Thursday brought together A and B"). A date on a verb of another
  clause ("the minister said on Monday that …") is not the fact's date;
- a named ``Event`` gets the date attached to its name or its head noun ("the exercise UNITAS on
  December 4"), to a verb it is the subject or object of ("UNITAS began on Monday"), or to a
  participle or relative clause on it ("a drill held last Thursday").

Relative expressions ("last Thursday", "December 4") are resolved only when the article has a
publication date; complete dates ("December 4, 2025") always are. Everything here is a function
of one parsed document: the records it returns are plain (ISO strings on ``Evidence`` and
``Entity``), and no pass over the tokens is made unless the text holds a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kg.ingest.dates import find_dates
from kg.rdf.vocab import EVENT_PROPERTIES
from kg.records import Document, Entity, Relation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from kg.extract.mentions.cand import Cand

#: Dependencies that start another clause: a date beyond one of them is another event's.
_CLAUSAL = frozenset({"ccomp", "advcl", "parataxis", "csubj", "csubjpass", "relcl", "acl"})
#: How a date phrase hangs on the word it dates ("on Thursday" is a prep; "last Thursday" an
#: npadvmod; "Thursday's meeting" a poss; "the December 4 exercise" a compound).
_ATTACH = frozenset({"prep", "npadvmod", "tmod", "obl", "nmod", "poss", "compound", "appos"})
#: The only preposition that dates an event: "since", "until", "by" Thursday give bounds.
_DATING_PREPOSITIONS = frozenset({"on"})
#: Nouns naming a happening: a date on them is the date of the clause they are an argument of.
_EVENT_NOUNS = frozenset(
    {
        "exercise", "exercises", "drill", "drills", "training", "trainings", "operation",
        "operations", "maneuvers", "manoeuvres", "meeting", "meetings", "talks", "summit",
        "visit", "deployment", "mission", "session", "sessions", "course", "ceremony",
        "conference", "workshop", "raid", "attack", "patrol", "patrols",
    }
)  # fmt: skip
_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "npadvmod", "appos"})
_VERBS = frozenset({"VERB", "AUX"})


@dataclass(frozen=True)
class _Dated:
    """A resolved date expression and the token it is attached to."""

    iso: str
    text: str
    anchor: int  # token index of the word the expression dates
    sent_start: int  # character offset of its sentence


def attach_dates(
    sdoc: Doc,
    document: Document,
    cands: Sequence[Cand],
    keys: Sequence[str | None],
    entities: dict[str, Entity],
    relations: list[Relation],
) -> list[Relation]:
    """Date the event-like facts and the named events of one parsed document.

    Args:
        sdoc: The parse of ``document.text``.
        document: The document (its ``published`` date resolves relative expressions).
        cands: The mentions found (token spans), as ``kg.extract.mentions`` gives them.
        keys: The entity key of each mention (None when it was dropped).
        entities: The document's entities by key; an ``Event`` gets ``event_date`` set.
        relations: The facts read.

    Returns:
        ``relations``, each event-like fact with a date attached to its verb carrying it in
        ``evidence.event_date`` (ISO) and ``evidence.event_date_text``.
    """
    dated = _dated_expressions(sdoc, document.published)
    if not dated:
        return relations
    by_sentence: dict[int, list[_Dated]] = {}
    for d in dated:
        by_sentence.setdefault(d.sent_start, []).append(d)
    spans: dict[str, list[tuple[int, int]]] = {}
    for cand, key in zip(cands, keys, strict=False):
        if key is not None:
            spans.setdefault(key, []).append((cand.start, cand.end))
    _date_events(sdoc, entities, spans, by_sentence)
    out = []
    for rel in relations:
        here = by_sentence.get(rel.evidence.start)
        if here and rel.predicate in EVENT_PROPERTIES and not rel.literal:
            found = _fact_date(sdoc, rel, spans, here)
            if found is not None:
                rel = replace(
                    rel,
                    evidence=replace(
                        rel.evidence, event_date=found.iso, event_date_text=found.text
                    ),
                )
        out.append(rel)
    return out


# ---------------------------------------------------------------- date expressions


def _dated_expressions(sdoc: Doc, published: str | None) -> list[_Dated]:
    """The date expressions of the text that resolve, with the token each one dates."""
    try:
        mentions = find_dates(sdoc.text, published)
    except ValueError:  # a malformed publication date: only complete dates
        mentions = find_dates(sdoc.text, None)
    out = []
    for m in mentions:
        span = sdoc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        anchor = _anchor(span.root, span.start, span.end)
        if anchor is not None:
            out.append(_Dated(m.value.isoformat(), m.text, anchor.i, span.sent.start_char))
    return out


def _anchor(root: Token, start: int, end: int) -> Token | None:
    """The word a date phrase dates: the head of "on <date>", or of a bare "<date>"."""
    tok = root
    if tok.dep_ == "pobj":
        if tok.head.lower_ not in _DATING_PREPOSITIONS:
            return None  # "since Monday", "by Friday": a bound, not the day it happened
        tok = tok.head
    if tok.dep_ not in _ATTACH or tok.head.i == tok.i or start <= tok.head.i < end:
        return None
    return tok.head


# ---------------------------------------------------------------- facts


def _fact_date(
    sdoc: Doc, rel: Relation, spans: dict[str, list[tuple[int, int]]], dated: list[_Dated]
) -> _Dated | None:
    """The date attached to the clause of a fact, if one of ``dated`` (its sentence's) is."""
    sent = sdoc.char_span(rel.evidence.start, rel.evidence.end, alignment_mode="expand")
    if sent is None:
        return None
    lo, hi = sent.start, sent.end

    def roots(key: str) -> list[Token]:
        return [sdoc[s:e].root for s, e in spans.get(key, []) if lo <= s and e <= hi and s < e]

    subjects, objects = roots(rel.subject), roots(rel.object)
    best: tuple[int, _Dated] | None = None
    pairs: list[tuple[Token | None, Token | None]]
    if subjects and objects:
        pairs = [(s, o) for s in subjects for o in objects if s.i != o.i]
    else:  # one argument named elsewhere ("they", an inherited subject): its own clause
        pairs = [(None, o) for o in objects] + [(s, None) for s in subjects]
    for s, o in pairs:
        clause = _clause_of(s, o)
        if not clause:
            continue
        rank = {t: n for n, t in enumerate(clause)}
        for d in dated:
            if d.anchor in rank and (best is None or rank[d.anchor] < best[0]):
                best = (rank[d.anchor], d)
    return best[1] if best else None


def _clause_of(subj: Token | None, obj: Token | None) -> list[int]:
    """Token indices a date may hang on to date the fact between ``subj`` and ``obj``, the
    object's side first.

    The path between the two arguments in the dependency tree, up to their lowest common
    ancestor, and from there up to the governing verb. When one argument reaches the other
    through a clause boundary ("said … that X trained with Y", "X trained and met Y"), only the
    lower clause counts: the verb above it belongs to another event.
    """
    if subj is None or obj is None:
        one = obj if obj is not None else subj
        assert one is not None
        chain, _ = _up_to(one, None)
        verb = next((t for t in chain if t.pos_ in _VERBS), None)
        if verb is not None:
            chain = chain[: chain.index(verb) + 1]
        return _with_event_nouns(chain, verb)
    obj_line = [obj, *obj.ancestors]
    subj_ids = {t.i for t in [subj, *subj.ancestors]}
    lca = next((t for t in obj_line if t.i in subj_ids), None)
    if lca is None:
        return []
    obj_chain, obj_cut = _up_to(obj, lca)
    subj_chain, subj_cut = _up_to(subj, lca)
    if obj_cut and subj_cut:
        return []  # the arguments sit in two different clauses: neither date is the fact's
    if obj_cut or subj_cut:
        lower, upper = (obj_chain, subj) if obj_cut else (subj_chain, obj)
        head = lower[-1].head
        # the lower clause is the fact's own only when it is said of the other argument: a
        # relative clause on it ("X, which trained with Y on Monday"), or the complement of a
        # verb it is the subject of ("X said on Monday it would deploy to Y next week")
        if head.i != upper.i and not (
            upper.head.i == head.i and upper.dep_ in ("nsubj", "nsubjpass")
        ):
            return []
        verbs = [t for t in lower if t.pos_ in _VERBS]
        return _with_event_nouns(lower, verbs[-1] if verbs else None)
    chain = obj_chain + subj_chain + [lca]
    if any(t.dep_ == "conj" for t in obj_chain + subj_chain):
        # coordinated arguments ("X and Y met on Monday"): the verb they share is the event;
        # a fact inside a noun phrase ("the presence of U.S. troops in Ecuador was authorized
        # on Wednesday") is not dated by the verb the phrase depends on
        chain += _to_verb(lca)
    verb = chain[-1] if chain[-1].pos_ in _VERBS else None
    return _with_event_nouns(chain, verb)


def _up_to(tok: Token, stop: Token | None) -> tuple[list[Token], bool]:
    """Tokens from ``tok`` up to (not including) ``stop`` or the root, ending early after a
    clause boundary; True when it ended so."""
    out = []
    while stop is None or tok.i != stop.i:
        out.append(tok)
        at_root = tok.head.i == tok.i
        # a participle on the other argument itself is the fact's own predicate ("the brigade
        # trained with X", which the small parser often reads as a reduced relative)
        own = tok.dep_ == "acl" and stop is not None and tok.head.i == stop.i
        if at_root or (_crosses_clause(tok) and not own):
            return out, stop is not None and not at_root
        tok = tok.head
    return out, False


def _to_verb(tok: Token) -> list[Token]:
    """The words from a noun up to the verb it is an argument of (none across a clause)."""
    out: list[Token] = []
    while tok.head.i != tok.i and not _crosses_clause(tok) and len(out) < 8:
        tok = tok.head
        out.append(tok)
        if tok.pos_ in _VERBS:
            break
    return out


def _crosses_clause(tok: Token) -> bool:
    if tok.dep_ in _CLAUSAL:
        return True
    # "X trained on Monday and met Y on Tuesday": two events; "A and B" is one argument
    return tok.dep_ == "conj" and tok.pos_ in _VERBS and tok.head.pos_ in _VERBS


def _with_event_nouns(chain: list[Token], verb: Token | None) -> list[int]:
    """Add the event nouns the verb takes as subject or object, and their participles ("a drill
    held last Thursday brought together …"), and its direct object ("signed an agreement on
    March 12": the parser hangs the date on the nearest noun, it dates the signing)."""
    ids = [t.i for t in chain]
    if verb is not None:
        for child in verb.children:
            if child.dep_ == "dobj" or (
                child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in _EVENT_NOUNS
            ):
                ids.append(child.i)
                # "finished two weeks of training on Friday", "a round of talks on Monday"
                ids += [
                    g.i
                    for p in child.children
                    if p.dep_ == "prep" and p.lower_ == "of"
                    for g in p.children
                    if g.dep_ == "pobj" and g.lower_ in _EVENT_NOUNS
                ]
            if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.lower_ in _EVENT_NOUNS:
                ids += [c.i for c in child.children if c.dep_ == "acl" and c.pos_ == "VERB"]
    return list(dict.fromkeys(ids))


# ---------------------------------------------------------------- named events


def _date_events(
    sdoc: Doc,
    entities: dict[str, Entity],
    spans: dict[str, list[tuple[int, int]]],
    by_sentence: dict[int, list[_Dated]],
) -> None:
    """Set ``event_date`` of each Event from its first mention (in text order) that is dated."""
    for key, ent in entities.items():
        if ent.cls != "Event" or ent.event_date:
            continue
        for s, e in sorted(spans.get(key, [])):
            if s >= e:
                continue
            here = by_sentence.get(sdoc[s].sent.start_char)
            if not here:
                continue
            zone = _event_zone(sdoc, s, e)
            found = next((d for d in here if _dates_event(sdoc[d.anchor], zone)), None)
            if found is not None:
                ent.event_date = found.iso
                break


def _event_zone(sdoc: Doc, start: int, end: int) -> set[int]:
    """The tokens of an event's name plus the event noun it names ("exercise", "drill"):
    "the exercise UNITAS", "the PANAMAX drill", "Balikatan, the annual exercise"."""
    zone = set(range(start, end))
    root = sdoc[start:end].root
    if root.dep_ in ("appos", "compound", "nmod") and root.head.lower_ in _EVENT_NOUNS:
        zone.add(root.head.i)
    for child in root.children:
        if child.dep_ in ("appos", "compound") and child.lower_ in _EVENT_NOUNS:
            zone.add(child.i)
    # the name right after or before its noun, however the parser attached it
    before = start - 1 if start >= 1 and sdoc[start - 1].text != "," else start - 2
    if before >= 0 and sdoc[before].lower_ in _EVENT_NOUNS:
        zone.add(before)
    if end < len(sdoc) and sdoc[end].lower_ in _EVENT_NOUNS:
        zone.add(end)
    return zone


def _dates_event(anchor: Token, zone: set[int]) -> bool:
    """Whether a date hanging on ``anchor`` dates the event whose words are ``zone``."""
    if anchor.i in zone:
        return True  # "the exercise on December 4", "UNITAS on Monday"
    if anchor.pos_ not in _VERBS:
        return False
    if anchor.dep_ in ("acl", "relcl") and anchor.head.i in zone:
        return True  # "a drill held last Thursday", "UNITAS, which began on Monday"
    # "UNITAS began on Monday", "the Navy held the exercise on December 4"
    return any(c.i in zone and c.dep_ in _ARGUMENTS for c in anchor.children)
