"""Rules ``dep.*``, ``noun.*`` and ``tweet.*``: verb frames (train, meet, deploy, authorize, lead,
cooperate, participate, kill, live, work, partof) with passives, control and relative clauses
and coordination on both sides; noun frames ("meeting between X and Y", "entry of X",
"cooperation with Y"); the author of an embedded post ("Met today with X" — Name (@handle))."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from kg.extract.relations import (
    AGENTS,
    FORCES,
    ORGS,
    PLACES,
    Context,
    country_of_place,
    ents_of,
    most_specific_places,
    objects,
    pobjs,
    subjects,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def frame_rules(ctx: Context) -> set[int]:
    """Verb and noun frames; returns the start tokens of sentences about training."""
    training_sents: set[int] = set()
    for tok in ctx.doc:
        pos = (
            "VERB"
            if tok.pos_ in ("VERB", "AUX")
            else ("NOUN" if tok.pos_ in ("NOUN", "PROPN") else "")
        )
        if not pos:
            continue
        frames = ctx.lex.frames(tok.lemma_, pos)
        if pos == "NOUN" and not frames:
            frames = ctx.lex.frames(tok.lower_, pos)
        if not frames:
            continue
        sent = tok.sent
        for frame in frames:
            if frame == "train":
                training_sents.add(sent.start)
            fn = _VERB_FRAMES.get(frame) if pos == "VERB" else _NOUN_FRAMES.get(frame)
            if fn is not None:
                fn(ctx, tok, sent)
    return training_sents


def _v_train(ctx: Context, v: Token, sent: Span) -> None:
    subj = [s for s in subjects(ctx, v) if ctx.cls(s) in AGENTS]
    partners = pobjs(ctx, v, ("with", "alongside"))
    for d in v.children:
        if d.dep_ == "dobj":
            partners += pobjs(ctx, d, ("with", "alongside"))
    for s, o in itertools.product(subj, partners):
        ctx.emit(s, "trainsWith", o, sent, "dep.train.v1", v)
    _train_places(ctx, v, subj, partners, sent)
    if len(subj) > 1 and not partners:
        for a, b in itertools.combinations(subj, 2):
            ctx.emit(a, "trainsWith", b, sent, "dep.train.coord.v1", v)


def _train_places(ctx: Context, t: Token, subj: list[str], partners: list[str], sent: Span) -> None:
    """Foreign forces training "in Guatemala, Belize ..." are deployed there."""
    places = pobjs(ctx, t, ("in", "on", "at"))
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ in ("with", "alongside"):
            for pt in c.children:
                if pt.dep_ == "pobj":
                    places += pobjs(ctx, pt, ("in", "on", "at"))
    places = [p for p in places if ctx.cls(p) in PLACES]
    for s, p in itertools.product(subj, places):
        home = ctx.country(s)
        if ctx.cls(p) == "Country":
            there: str | None = p
        else:
            known = ctx.lex.places.get(p.lower())
            there = known[1] if known and known[1] else ctx.default_country
        if ctx.cls(s) in FORCES and home and there and home != there:
            ctx.emit(s, "deployedTo", p, sent, "dep.train.place.v1", t)
            if ctx.cls(p) == "Country" and home in ctx.entities:
                ctx.emit(home, "cooperatesWith", p, sent, "dep.train.place.states.v1", t)


def _n_train(ctx: Context, n: Token, sent: Span) -> None:
    """ "conduct joint training exercises with Peruvian forces": the light verb's agents."""
    partners = pobjs(ctx, n, ("with", "alongside"))
    head = n.head
    hops = 0
    while (
        head.dep_ in ("compound", "amod", "dobj", "pobj", "prep")
        and head.head is not head
        and hops < 3
    ):
        if head.pos_ == "VERB":
            break
        head = head.head
        hops += 1
    # "U.S. Marines training with ...", "SPMAGTF's training exercise": the trainees modify it
    own = [
        k
        for c in n.children
        if c.dep_ in ("compound", "poss", "nmod")
        for k in ents_of(ctx, c)
        if ctx.cls(k) in FORCES
    ]
    if own:
        for s_, o in itertools.product(own, partners):
            ctx.emit(s_, "trainsWith", o, sent, "noun.train.v1", n)
        _train_places(ctx, n, own, partners, sent)
    if head.pos_ not in ("VERB", "AUX"):
        return
    if not partners:
        partners = pobjs(ctx, head, ("with", "alongside"))
    subj = [s for s in subjects(ctx, head) if ctx.cls(s) in FORCES]
    if not subj and partners:
        subj = _nearest_force_before(ctx, head, sent, exclude=set(partners))
    _train_places(ctx, n, subj, partners, sent)
    for s, o in itertools.product(subj, partners):
        if ctx.cls(o) in FORCES:
            ctx.emit(s, "trainsWith", o, sent, "noun.train.v1", n)


def _nearest_force_before(ctx: Context, tok: Token, sent: Span, exclude: set[str]) -> list[str]:
    best = None
    for i in range(tok.i - 1, sent.start - 1, -1):
        k = ctx.key_at(i)
        if k is not None and k not in exclude and ctx.cls(k) in FORCES:
            best = k
            break
    return [best] if best else []


def _v_meet(ctx: Context, v: Token, sent: Span) -> None:
    subj = subjects(ctx, v)
    objs = pobjs(ctx, v, ("with",))
    if v.lemma_ in ("meet", "host", "receive", "welcome", "visit"):
        objs += [o for o in objects(ctx, v) if ctx.cls(o) not in PLACES]
    if not subj:
        subj = _tweet_author(ctx, v, sent)
    for s, o in itertools.product(subj, objs):
        ctx.emit(s, "meetsWith", o, sent, "dep.meet.v1", v)
    if v.lemma_ == "meet" and not objs and len(subj) > 1:
        for a, b in itertools.combinations(subj, 2):
            ctx.emit(a, "meetsWith", b, sent, "dep.meet.coord.v1", v)


def tweet_rules(ctx: Context) -> None:
    """An embedded post: "Met today with X ..." then a line "— Name (@handle) date"; the model
    often reads the capitalised "Met" as a name, so the frame is read from the words."""
    for sent in ctx.doc.sents:
        first = sent[0]
        if first.lower_ not in ("met", "meeting", "meets", "visited", "hosted", "welcomed"):
            continue
        author = _tweet_author(ctx, first, sent, strict=False)
        if not author:
            continue
        for i in range(first.i + 1, min(sent.end, first.i + 4)):
            if ctx.doc[i].lower_ == "with" or first.lower_ != "met":
                for j in range(i + 1, sent.end):
                    k = ctx.key_at(j)
                    if k is not None and ctx.cls(k) in ORGS | {"Person"}:
                        ctx.emit(author[0], "meetsWith", k, sent, "tweet.meet.v1", first)
                        break
                break


def _tweet_author(ctx: Context, v: Token, sent: Span, strict: bool = True) -> list[str]:
    """A subjectless "Met today with X" followed by a line "— Name (@handle)" (an embedded post)."""
    if (strict and v.dep_ != "ROOT") or v.i != sent.start:
        return []
    doc = ctx.doc
    text = doc.text
    line_end = text.find("\n", sent.end_char)
    if line_end < 0:
        return []
    nxt = text[line_end + 1 : line_end + 3]
    if not nxt.startswith(("—", "–", "-")):
        return []
    for i in range(sent.end, min(len(doc), sent.end + 40)):
        if doc[i].idx > line_end + 80:
            break
        k = ctx.key_at(i)
        if k is not None and ctx.cls(k) == "Person":
            return [k]
    return []


def _between(ctx: Context, n: Token, sent: Span, pred: str, rule: str) -> bool:
    """ "a meeting between X and Y", "cooperation among A, B and C": every pair of the parties a
    noun names after "between" or "among" (True when it names two or more)."""
    between = pobjs(ctx, n, ("between", "among"))
    if len(between) < 2:
        return False
    for a, b in itertools.combinations(between, 2):
        ctx.emit(a, pred, b, sent, rule, n)
    return True


#: Prepositions that set a clause inside a meeting ("during a meeting with X, Y said ...").
_MEETING_PREPS = frozenset({"at", "in", "during", "after", "on"})


def _meeting_clause(n: Token) -> Token | None:
    """The verb of the clause a meeting noun is the object or the setting of ("held talks",
    "made the remark during a meeting with X", "in a meeting in Hawaii, A and B agreed")."""
    head = n.head
    if n.dep_ in ("dobj", "attr", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
        return head
    if n.dep_ == "pobj" and head.lower_ in _MEETING_PREPS and head.head.pos_ in ("VERB", "AUX"):
        return head.head
    return None


def _n_meet(ctx: Context, n: Token, sent: Span) -> None:
    if _between(ctx, n, sent, "meetsWith", "noun.meet.between.v1"):
        return
    verb = _meeting_clause(n)
    withs = pobjs(ctx, n, ("with",))
    if not withs and verb is not None:
        between = pobjs(ctx, verb, ("between", "among"))
        if len(between) >= 2:  # "talks were held between X and Y"
            for a, b in itertools.combinations(between, 2):
                ctx.emit(a, "meetsWith", b, sent, "noun.meet.between.v1", n)
            return
        withs = pobjs(ctx, verb, ("with",))
    subj: list[str] = []
    if verb is not None and n.dep_ != "nsubjpass":
        subj = list(dict.fromkeys(subjects(ctx, verb)))
    if not withs and len(subj) >= 2:
        # the parties of the meeting are the clause's subjects ("A and B held talks")
        for a, b in itertools.combinations(subj, 2):
            ctx.emit(a, "meetsWith", b, sent, "noun.meet.parties.v1", n)
        return
    if not withs:
        return
    for child in n.children:
        if child.dep_ == "poss":
            subj += ents_of(ctx, child)
    for s, o in itertools.product(subj, _titled_people(ctx, withs, sent)):
        ctx.emit(s, "meetsWith", o, sent, "noun.meet.with.v1", n)


def _titled_people(ctx: Context, keys: list[str], sent: Span) -> list[str]:
    """A body named as the first part of a person's title in this sentence stands for that
    person ("a meeting with Department of Defense Secretary X" is a meeting with X, whom the
    title rules read as working for the department)."""
    titled = {
        r.object: r.subject
        for r in ctx.relations
        if r.evidence.rule == "title.org.v1" and r.evidence.start == sent.start_char
    }
    return list(dict.fromkeys(titled.get(k, k) for k in keys))


#: Movement verbs whose object is the place ("patrol the coast", "enter Honduras"); only forces
#: are deployed by them (a minister who visits a country is not).
_PLACE_OBJECT_VERBS = frozenset({"patrol", "enter", "reach", "visit"})


def _v_deploy(ctx: Context, v: Token, sent: Span) -> None:
    sent_objs = [o for o in objects(ctx, v) if ctx.cls(o) not in PLACES]
    if v.lemma_ in ("send", "dispatch", "deploy") and sent_objs:
        agents = sent_objs
    elif v.lemma_ in ("send", "dispatch", "deploy") and any(c.dep_ == "dobj" for c in v.children):
        # "the AFP will deploy 50 officers to Port Moresby": the force deploys its own people
        agents = [s for s in subjects(ctx, v) if ctx.cls(s) in FORCES]
    else:
        agents = [s for s in subjects(ctx, v) if ctx.cls(s) not in PLACES]
        agents += [o for o in objects(ctx, v) if ctx.cls(o) not in PLACES and v.tag_ == "VBN"]
    for c in v.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            agents += [w for w in pobjs(ctx, c, ("with",)) if ctx.cls(w) in FORCES]
    places = [p for p in pobjs(ctx, v, ("to", "in", "into", "at", "on")) if ctx.cls(p) in PLACES]
    if v.lemma_ in _PLACE_OBJECT_VERBS:
        # "patrolled the Gulf of Fonseca", "entered Honduras": the place is the object
        places += [o for o in objects(ctx, v) if ctx.cls(o) in PLACES]
        agents = [a for a in agents if ctx.cls(a) in FORCES]
    if v.lemma_ == "base" and v.tag_ == "VBN":
        # "a unit based in Sasebo", "X is based in Y": home base, not a deployment; "in
        # Wiesbaden, Germany" names the base and the state it lies in: the base is the town
        for a, p in itertools.product(dict.fromkeys(agents), most_specific_places(ctx, places)):
            if ctx.cls(a) in ORGS:
                ctx.emit(a, "basedIn", p, sent, "dep.based.v1", v)
        return
    for a, p in itertools.product(dict.fromkeys(agents), places):
        ctx.emit(a, "deployedTo", p, sent, "dep.deploy.v1", v)


def _n_deploy(ctx: Context, n: Token, sent: Span) -> None:
    """ "the presence of U.S. troops on Peruvian territory", "deployment of X to Y"."""
    agents = pobjs(ctx, n, ("of",))
    for c in n.children:
        if c.dep_ == "poss":
            agents += ents_of(ctx, c)
    places = pobjs(ctx, n, ("to", "in", "into", "on"))
    for c in n.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for pt in c.children:
                if pt.dep_ == "pobj":
                    places += pobjs(ctx, pt, ("to", "in", "into", "on"))
    places = [p for p in places if ctx.cls(p) in PLACES]
    for a, p in itertools.product(agents, places):
        ctx.emit(a, "deployedTo", p, sent, "noun.deploy.v1", n)


_LEGAL_NOUNS = frozenset(
    {
        "agreement",
        "resolution",
        "deal",
        "law",
        "text",
        "pact",
        "decree",
        "bill",
        "measure",
        "treaty",
        "accord",
        "decision",
        "vote",
        "memorandum",
    }
)


def _v_authorize(ctx: Context, v: Token, sent: Span) -> None:
    subj = [s for s in subjects(ctx, v) if ctx.cls(s) in ORGS | {"Country", "Person"}]
    objs = [c for c in v.children if c.dep_ in ("dobj", "nsubjpass")]
    if subj and any(o.lemma_ in _LEGAL_NOUNS for o in objs):
        # "the Assembly ratified the agreement": who stands behind what the text allows later
        ctx.authorizer = subj[0]
    elif subj and not ctx.authorizer and ctx.cls(subj[0]) in ORGS and v.lemma_ != "allow":
        # "the presence of X was authorized by the Assembly": the body that grants things here
        ctx.authorizer = subj[0]
    if not subj:
        heads = [c for c in v.children if c.dep_ == "nsubj"]
        if v.dep_ in ("relcl", "acl"):
            heads.append(v.head)
        if any(h.lemma_ in _LEGAL_NOUNS for h in heads) and ctx.authorizer:
            subj = [ctx.authorizer]
        elif any(h.lemma_ in _LEGAL_NOUNS for h in heads):
            # "an agreement that allows ...", ratified by the body named as its agent
            for h in heads:
                anc = h.head if h.dep_ in ("dobj", "nsubjpass") else None
                if anc is not None and anc.lemma_ in ("ratify", "approve", "pass", "adopt", "sign"):
                    subj = [s for s in subjects(ctx, anc) if ctx.cls(s) in ORGS]
    granted: list[str] = []
    kids = list(v.children)
    for c in list(kids):
        if c.dep_ in ("ccomp", "xcomp"):
            # "allows agents of the DEA to work": the subject of the allowed clause
            kids += [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
    for c in kids:
        if c.dep_ in ("dobj", "nsubjpass", "nsubj") and (c.dep_ != "nsubj" or c.head is not v):
            k = ctx.key_at(c.i)
            if k is not None:
                granted += ents_of(ctx, c)
            else:
                granted += pobjs(ctx, c, ("of",))
                for cc in c.children:
                    if cc.dep_ == "poss":
                        granted += ents_of(ctx, cc)
    for s, o in itertools.product(subj, [g for g in granted if g not in subj]):
        if ctx.cls(s) in ORGS | {"Country", "Person"}:
            ctx.emit(s, "authorizes", o, sent, "dep.authorize.v1", v)


def _v_lead(ctx: Context, v: Token, sent: Span) -> None:
    subj = [s for s in subjects(ctx, v) if ctx.cls(s) == "Person"]
    for s, o in itertools.product(subj, objects(ctx, v)):
        ctx.emit(s, "leads", o, sent, "dep.lead.v1", v)


def _reciprocal(ctx: Context, v: Token, sent: Span, rule: str) -> None:
    """ "X and Y cooperate", "X and Y would keep working together": a reciprocal verb with a
    coordinated subject and no partner pairs the conjuncts."""
    subj = [s for s in dict.fromkeys(subjects(ctx, v)) if ctx.cls(s) in ORGS | {"Country"}]
    if len(subj) < 2 or pobjs(ctx, v, ("with", "alongside")):
        return
    together = any(c.lower_ in ("together", "jointly") for c in v.children)
    if v.lemma_ in ("work", "operate", "act", "patrol") and not together:
        return
    for a, b in itertools.combinations(subj, 2):
        if (ctx.cls(a) == "Country") == (ctx.cls(b) == "Country"):
            ctx.emit(a, "cooperatesWith", b, sent, rule, v)


def _v_cooperate(ctx: Context, v: Token, sent: Span) -> None:
    _reciprocal(ctx, v, sent, "dep.cooperate.coord.v1")
    subj = subjects(ctx, v)
    partners = pobjs(ctx, v, ("with",))
    for d in v.children:
        if d.dep_ == "dobj":
            partners += pobjs(ctx, d, ("with",))
            if v.lemma_ in ("support", "assist"):
                partners += ents_of(ctx, d)
    for s, o in itertools.product(subj, partners):
        if ctx.cls(s) != "Person" or ctx.cls(o) != "Person":  # two people meet; bodies cooperate
            ctx.emit(s, "cooperatesWith", o, sent, "dep.cooperate.v1", v)


def _both_states(ctx: Context, n: Token) -> list[str]:
    """ "between our two countries", "between the two nations": the two states the article is
    about, when it names exactly two."""
    for c in n.children:
        if c.dep_ != "prep" or c.lower_ not in ("between", "of"):
            continue
        for p in c.children:
            plural = p.lower_ in ("countries", "nations", "states", "governments")
            if p.dep_ == "pobj" and plural and any(k.lower_ in ("two", "both") for k in p.children):
                states = [k for k, e in ctx.entities.items() if e.cls == "Country" and e.mentions]
                return states if len(states) == 2 else []
    return []


def _n_cooperate(ctx: Context, n: Token, sent: Span) -> None:
    both = _both_states(ctx, n)
    if both:
        ctx.emit(both[0], "cooperatesWith", both[1], sent, "noun.cooperate.two.v1", n)
        return
    if _between(ctx, n, sent, "cooperatesWith", "noun.cooperate.between.v1"):
        return
    withs = pobjs(ctx, n, ("with",))
    if not withs:
        return
    subj: list[str] = []
    for c in n.children:
        if c.dep_ in ("poss", "compound", "amod", "nmod"):
            k = ctx.key_at(c.i)
            if k is not None:
                subj.append(k)
    if not subj and n.dep_ in ("dobj",) and n.head.pos_ == "VERB":
        subj = subjects(ctx, n.head)
    for s, o in itertools.product(subj, withs):
        ctx.emit(s, "cooperatesWith", o, sent, "noun.cooperate.with.v1", n)


def _v_participate(ctx: Context, v: Token, sent: Span) -> None:
    subj = subjects(ctx, v)
    events = [e for e in pobjs(ctx, v, ("in",)) if ctx.cls(e) == "Event"]
    for s, e in itertools.product(subj, events):
        ctx.emit(s, "participatesIn", e, sent, "dep.participate.v1", v)


def _v_kill(ctx: Context, v: Token, sent: Span) -> None:
    subj = [s for s in subjects(ctx, v) if ctx.cls(s) == "Person"]
    for s, o in itertools.product(subj, objects(ctx, v)):
        ctx.emit(s, "killed", o, sent, "dep.kill.v1", v)


def _n_kill(ctx: Context, n: Token, sent: Span) -> None:
    victims = pobjs(ctx, n, ("of",))
    killers = pobjs(ctx, n, ("by",))
    for c in n.children:
        if c.dep_ == "poss":
            (
                killers
                if n.lower_.startswith(("kill", "assassin")) and n.lower_.endswith("er")
                else victims
            ).extend(ents_of(ctx, c))
    if n.lower_ in ("killer", "assassin") and n.dep_ in ("attr", "appos"):
        killers += subjects(ctx, n.head) if n.dep_ == "attr" else ents_of(ctx, n.head)
    for s, o in itertools.product(killers, victims):
        ctx.emit(s, "killed", o, sent, "noun.kill.v1", n)


def _v_live(ctx: Context, v: Token, sent: Span) -> None:
    subj = [s for s in subjects(ctx, v) if ctx.cls(s) == "Person"]
    for s, p in itertools.product(subj, pobjs(ctx, v, ("in", "at"))):
        ctx.emit(s, "livesIn", p, sent, "dep.live.v1", v)


def _v_work(ctx: Context, v: Token, sent: Span) -> None:
    subj = [s for s in subjects(ctx, v) if ctx.cls(s) == "Person"]
    orgs = pobjs(ctx, v, ("for", "at", "with", "in"))
    if v.lemma_ in ("join", "employ"):
        orgs += objects(ctx, v)
    for s, o in itertools.product(subj, orgs):
        if ctx.cls(o) in ORGS:
            ctx.emit(s, "worksFor", o, sent, "dep.work.v1", v)
    _reciprocal(ctx, v, sent, "dep.work.together.v1")
    # bodies that "work alongside" or "work with" another body cooperate with it
    bodies = [s for s in subjects(ctx, v) if ctx.cls(s) in ORGS | {"Country"}]
    for s, o in itertools.product(bodies, pobjs(ctx, v, ("alongside", "with"))):
        if ctx.cls(o) in ORGS | {"Country"}:
            ctx.emit(s, "cooperatesWith", o, sent, "dep.work.with.v1", v)
    # forces that "work in San Marcos" are deployed there
    bodies = [s for s in subjects(ctx, v) if ctx.cls(s) in ORGS]
    for s, p in itertools.product(bodies, pobjs(ctx, v, ("in",))):
        if ctx.cls(p) not in PLACES:
            continue
        home = ctx.country(s)
        abroad = home is not None and country_of_place(ctx, p) not in (None, home)
        # a force working somewhere is deployed there; an agency only when it is abroad
        if ctx.cls(s) in FORCES or abroad:
            ctx.emit(s, "deployedTo", p, sent, "dep.work.deploy.v1", v)


def _v_partof(ctx: Context, v: Token, sent: Span) -> None:
    """ "X, which belongs to the Colombian Navy", "a unit assigned to Southern Command"."""
    units = [u for u in subjects(ctx, v) + objects(ctx, v) if ctx.cls(u) in ORGS]
    if v.dep_ == "acl" and not units:
        units = [u for u in ents_of(ctx, v.head) if ctx.cls(u) in ORGS]
    parents = [p for p in pobjs(ctx, v, ("to",)) if ctx.cls(p) in ORGS]
    for u, p in itertools.product(dict.fromkeys(units), parents):
        ctx.emit(u, "partOf", p, sent, "dep.partof.v1", v)


_VERB_FRAMES = {
    "train": _v_train,
    "meet": _v_meet,
    "deploy": _v_deploy,
    "authorize": _v_authorize,
    "lead": _v_lead,
    "cooperate": _v_cooperate,
    "participate": _v_participate,
    "kill": _v_kill,
    "live": _v_live,
    "work": _v_work,
    "partof": _v_partof,
}
_NOUN_FRAMES = {
    "train": _n_train,
    "meet": _n_meet,
    "deploy": _n_deploy,
    "cooperate": _n_cooperate,
    "kill": _n_kill,
}
