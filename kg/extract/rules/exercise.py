"""Rules ``frame.exercise.*``: an exercise with its participants. Participants of different states
train with each other, take part in the named event, and, when the exercise is held in the
story's country, are deployed there and to the venues the training sentences name."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from kg.extract.relations import FORCES, PROXY_NOUNS, Context, country_of_place, mention_head

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def exercise_frame(ctx: Context, training: set[int], listed: dict[int, list[str]]) -> None:
    """Participants of an exercise train with the participants of other states."""
    doc = ctx.doc
    events = [k for k, e in ctx.entities.items() if e.cls == "Event"]
    event_sents = {
        doc[c.start].sent.start for i, c in enumerate(ctx.cands) if ctx.keys[i] in events
    }
    if not training and not event_sents:
        return
    participants: dict[str, Span] = {}
    countries: dict[str, Span] = {}
    joins = _JOINING + _TAKING_PART
    for sent in doc.sents:
        about = (
            sent.start in training
            or sent.start in event_sents
            or any(t.lemma_ in joins and t.pos_ in ("VERB", "NOUN") for t in sent)
        )
        has_list = sent.start in listed
        if not (about or has_list):
            continue
        for i in ctx.cands_in(sent):
            key = ctx.keys[i]
            c = ctx.cands[i]
            assert key is not None
            cls = ctx.cls(key)
            tok = mention_head(ctx, c)
            if _denied(tok):
                continue  # "X did not take part": not a participant (annotated nowhere)
            if cls in FORCES and (key in listed.get(sent.start, []) or (about and _acting(tok))):
                participants.setdefault(key, sent)
            elif cls == "Country" and about and _acting(tok):
                countries.setdefault(key, sent)
    if events:
        ev = max(events, key=lambda k: len(ctx.entities[k].mentions))
        for p, sent in participants.items():
            ctx.emit(p, "participatesIn", ev, sent, "frame.exercise.participates.v1")
        for cty, sent in countries.items():
            ctx.emit(cty, "participatesIn", ev, sent, "frame.exercise.country.v1")
        for cty in sorted({c for c in (ctx.country(p) for p in participants) if c is not None}):
            if cty in ctx.entities:
                ctx.emit(
                    cty,
                    "participatesIn",
                    ev,
                    participants_sent(participants, ctx, cty),
                    "frame.exercise.country.v1",
                )
    else:
        visitors = {ctx.country(p) for p in participants} - {None}
        for cty, sent in countries.items():
            for v in sorted(visitors):  # type: ignore[type-var]
                assert v is not None
                if v != cty and v in ctx.entities and ctx.default_country != v:
                    ctx.emit(v, "cooperatesWith", cty, sent, "frame.exercise.states.v1")
    # foreign participants of an exercise held in the main country are deployed there, and to
    # the places in that country where the training sentences say it happens
    main = ctx.default_country
    if main and main in ctx.entities:
        venues = _training_venues(ctx, training, main)
        if venues:
            for p, sent in participants.items():
                home = ctx.country(p)
                if home and home != main:
                    ctx.emit(p, "deployedTo", main, sent, "frame.exercise.host.v1")
                    for place, vsent in venues.items():
                        if place != main:
                            ctx.emit(p, "deployedTo", place, vsent, "frame.exercise.venue.v1")
    # co-participants from the same state are deployed where their compatriots are
    for r in list(ctx.relations):
        if r.predicate == "deployedTo" and r.object == main and r.subject in participants:
            home = ctx.country(r.subject)
            for p in participants:
                if p != r.subject and home and ctx.country(p) == home:
                    ctx.emit(p, "deployedTo", main, participants[p], "frame.exercise.deployed.v1")
    keys = list(participants)
    states = {ctx.country(p) for p in keys} - {None}
    hosted = main in states
    if len(states) > MAX_PAIRED_STATES:
        return  # "not every pair of 20 listed countries" (the annotation rules): no pairs
    for a, b in itertools.combinations(keys, 2):
        ca, cb = ctx.country(a), ctx.country(b)
        if ca and cb and ca != cb:
            apart = participants[a].start != participants[b].start
            if apart and hosted and main not in (ca, cb):
                continue  # two guests of a hosted exercise train together only if said so
            later = (
                participants[b]
                if participants[b].start >= participants[a].start
                else participants[a]
            )
            # named in one sentence together is stronger evidence than across the article
            scale = 1.0 if participants[a].start == participants[b].start else 0.9
            ctx.emit(a, "trainsWith", b, later, "frame.exercise.v1", scale=scale)


#: The most states an exercise's participants may come from for the frame to pair them all:
#: the annotation rules link "each pair of participating forces that the text presents as
#: training together (not every pair of 20 listed countries)"; four navies at one exercise
#: are paired, a list of a dozen states' commands is not.
MAX_PAIRED_STATES = 4


def _training_venues(ctx: Context, training: set[int], main: str) -> dict[str, Span]:
    """Places named with "in/at/near/on" in training sentences that lie in the main country."""
    out: dict[str, Span] = {}
    abroad = False
    for sent in ctx.doc.sents:
        if sent.start not in training:
            continue
        for i in ctx.cands_in(sent):
            key = ctx.keys[i]
            assert key is not None
            c = ctx.cands[i]
            tok = ctx.doc[c.head] if c.head >= 0 else ctx.doc[c.start]
            base = tok
            while base.dep_ in ("conj", "appos") and base.head is not base:
                base = base.head
            if base.dep_ != "pobj" or base.head.lower_ not in ("in", "at", "near", "on", "of"):
                continue
            if base.head.head.lemma_ in _HOME_WORDS:
                continue  # "a unit based in Sasebo": its home, not where the exercise is
            if base.head.lower_ == "of" and base.head.head.lower_ in _COMPASS:
                continue  # "north of Nairobi": a landmark, not the venue
            is_main = ctx.cls(key) == "Country" and key == main
            if is_main or (ctx.cls(key) == "Place" and _inside(ctx, key, main)):
                out.setdefault(key, sent)
            elif ctx.cls(key) == "Country" or _abroad(ctx, key, main):
                abroad = True
    # an exercise spread over several states has no single host
    return {} if abroad else out


def _abroad(ctx: Context, place: str, main: str) -> bool:
    known = ctx.lex.places.get(place.lower())
    return bool(known and known[1] in ctx.lex.modifier and known[1] != main)


def _inside(ctx: Context, place: str, country: str) -> bool:
    return place != country and country_of_place(ctx, place) == country


_COMPASS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
)

#: Words whose place is a unit's home rather than where it acts ("based in", "headquarters in").
_HOME_WORDS = frozenset({"base", "headquarter", "headquarters", "station", "garrison", "home"})


def _denied(tok: Token) -> bool:
    """Whether the verb a mention hangs from is negated ("X did not take part", "Y never
    joined"), looking up to the first verb only, so that a denial elsewhere in the sentence does
    not remove the other participants."""
    cur = tok
    for _ in range(4):
        while cur.dep_ in ("conj", "appos", "compound") and cur.head is not cur:
            cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return any(k.dep_ == "neg" for k in cur.children)
        if cur.head is cur:
            return False
        cur = cur.head
    return False


#: Lemmas that make a sentence about who takes part ("include", "took part", "participation").
_JOINING = ("include", "involve", "participate", "contribute", "join", "feature", "take", "part")
#: Nouns of taking part: "the participation of X", "X's involvement" make X a participant.
_TAKING_PART = ("participation", "involvement", "contribution")

_ROLE_PREPS = frozenset({"with", "by", "from", "including", "like", "as", "alongside", "of"})


def _acting(tok: Token, depth: int = 0) -> bool:
    """Whether a mention is an actor of its clause (subject, object, "with"/"from" partner, list
    member) rather than a modifier or a circumstance ("assigned to X", "X-sponsored")."""
    if depth > 4:
        return False
    base = tok
    while base.dep_ in ("conj", "appos") and base.head is not base:
        base = base.head
    if base.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "ROOT"):
        return True
    if base.dep_ == "pobj":
        prep = base.head
        if prep.lower_ == "of":
            if prep.head.lemma_.lower() in _TAKING_PART:
                return True  # "the exercise will see the participation of Jordan, Kuwait ..."
            return prep.head.lower_ in PROXY_NOUNS and _acting(prep.head, depth + 1)
        return prep.lower_ in _ROLE_PREPS
    if base.dep_ in ("compound", "nmod", "poss") and base.head.lower_ in PROXY_NOUNS:
        return _acting(base.head, depth + 1)
    return False


def participants_sent(participants: dict[str, Span], ctx: Context, country: str) -> Span:
    for p, s in participants.items():
        if ctx.country(p) == country:
            return s
    return next(iter(participants.values()))
