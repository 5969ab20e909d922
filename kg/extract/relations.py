"""What the relation rules share: the domain and range of each relation, the rule context of one
document (its mentions, entities and the facts read so far, with ``Context.emit`` that checks,
scores and records a fact), and the readers of syntactic arguments (``ents_of``, ``subjects``,
``objects``, ``pobjs``).

Every rule has an id (``family.name.vN``) that goes into the evidence; its base confidence comes
from ``kg/data/lexicons/calibration.tsv`` (empirical precision on the dev data, smoothed) and is
scaled by the modality (see ``kg.extract.modality``). The rules, by family, are in
``kg.extract.rules`` (``names``, ``titles``, ``frames``, ``lists``, ``places``, ``exercise``,
``inference``); ``kg.extract.extractor.apply_rules`` runs them in order, and the rules kept as
data run through ``kg.extract.patterns``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon
from kg.extract.mentions.cand import Cand
from kg.extract.modality import FACTOR, modality_of
from kg.extract.resolve import EntityInfo
from kg.records import Document, Entity, Evidence, Mention, Relation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ORGS = frozenset({"Organization", "GovernmentBody", "MilitaryUnit", "PoliceUnit"})
FORCES = frozenset({"MilitaryUnit", "PoliceUnit"})
AGENTS = ORGS | {"Person", "Country"}
PLACES = frozenset({"Place", "Country"})
_DOMAIN: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "trainsWith": (AGENTS, AGENTS),
    "cooperatesWith": (AGENTS, AGENTS),
    "meetsWith": (AGENTS - {"Country"}, AGENTS - {"Country"}),
    "partOf": (ORGS, ORGS),
    "affiliatedWith": (ORGS | {"Person"}, frozenset({"Country"})),
    "worksFor": (frozenset({"Person"}), ORGS),
    "leads": (frozenset({"Person"}), ORGS | {"Country"}),
    "locatedIn": (PLACES, PLACES),
    "basedIn": (ORGS, PLACES),
    "livesIn": (frozenset({"Person"}), PLACES),
    "killed": (frozenset({"Person"}), frozenset({"Person"})),
    "authorizes": (AGENTS, AGENTS),
    "deployedTo": (AGENTS - {"Country", "Person"}, PLACES),
    "participatesIn": (AGENTS, frozenset({"Event"})),
}
#: Base confidence of a rule before calibration (used when calibration.tsv has no entry).
DEFAULT_CONFIDENCE = 0.6
#: Nouns that stand for the people or units of what follows "of"/"from" ("members of X").
PROXY_NOUNS = frozenset(
    {
        "members",
        "member",
        "personnel",
        "units",
        "unit",
        "delegation",
        "representatives",
        "contingent",
        "contingents",
        "troops",
        "officials",
        "officers",
        "forces",
        "elements",
        "militaries",
        "entry",
        "presence",
        "deployment",
        "arrival",
        "team",
        "mission",
        "teams",
        "staff",
        "agents",
        "soldiers",
        "brigades",
        "sources",
        "office",
        "headquarters",
        "part",
    }
    # the people a body acts through ("instructors from BATUK", "investigators of the directorate")
    | {"agent", "soldier", "troop", "officer", "official", "investigators", "investigator"}
    | {"instructors", "instructor", "trainers", "engineers", "crews", "crew", "pilots", "sailors"}
    | {"advisers", "advisors", "specialists", "experts", "detectives", "analysts", "operators"}
    | {"commandos", "paratroopers", "cadets", "recruits", "students", "graduates"}
)


PLACE_NOUNS = frozenset(
    {
        "capital",
        "department",
        "province",
        "city",
        "port",
        "state",
        "region",
        "town",
        "village",
        "municipality",
        "territory",
        "soil",
        "island",
        "coast",
        "border",
    }
)


@dataclass
class Context:
    """Everything a rule needs about one document."""

    doc: Doc
    document: Document
    lex: Lexicon
    cands: list[Cand]
    keys: list[str | None]
    entities: dict[str, Entity]
    info: dict[str, EntityInfo]
    default_country: str | None
    tok2cand: list[int] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    pending: list[tuple[str, str, Span, Token]] = field(default_factory=list)
    authorizer: str | None = None
    _seen: dict[tuple[str, str, str, int], int] = field(default_factory=dict)
    _modalities: dict[tuple[int | None, int, int], tuple[str, str | None]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self.tok2cand = [-1] * len(self.doc)
        for i, c in enumerate(self.cands):
            if self.keys[i] is None:
                continue
            for t in c.tokens:
                if self.tok2cand[t] == -1:
                    self.tok2cand[t] = i

    # ------------------------------------------------------------ lookups

    def key_at(self, i: int) -> str | None:
        ci = self.tok2cand[i] if 0 <= i < len(self.tok2cand) else -1
        return self.keys[ci] if ci >= 0 else None

    def cls(self, key: str) -> str:
        return self.entities[key].cls

    def modality(self, trigger: Token | None, sent: Span, text: str) -> tuple[str, str | None]:
        """``modality_of(trigger, sent, self.lex, text)``, read once per trigger and sentence
        (``text`` is the sentence's): two in three of the rules' facts come from a trigger and
        sentence already read (each subject with each object), and the parse does not change."""
        at = (None if trigger is None else trigger.i, sent.start, sent.end)
        found = self._modalities.get(at)
        if found is None:
            found = self._modalities[at] = modality_of(trigger, sent, self.lex, text)
        return found

    def country(self, key: str) -> str | None:
        """The state an entity belongs to: itself, its name, or an affiliation read so far."""
        if self.entities[key].cls == "Country":
            return key
        if self.info[key].country:
            return self.info[key].country
        for r in self.relations:
            if r.subject == key and r.predicate == "affiliatedWith":
                return r.object
        return None

    def country_entity(self, name: str, at: Cand | None = None) -> str:
        """The key of a country entity, created when the text only names it by a demonym."""
        if name not in self.entities:
            ent = Entity(key=name, cls="Country", label=name)
            if at is not None:
                ent.mentions.append(Mention(name, at.char_start, at.char_end, "Country", "demonym"))
            self.entities[name] = ent
            self.info[name] = EntityInfo(name, "Country", names=[name])
        return name

    def cands_in(self, sent: Span) -> list[int]:
        start, end, keys = sent.start, sent.end, self.keys
        return [
            i for i, c in enumerate(self.cands) if start <= c.start < end and keys[i] is not None
        ]

    # ------------------------------------------------------------ output

    def emit(
        self,
        subj: str | None,
        pred: str,
        obj: str | None,
        sent: Span,
        rule: str,
        trigger: Token | None = None,
        literal: bool = False,
        scale: float = 1.0,
    ) -> bool:
        if subj is None or obj is None or (subj == obj and not literal):
            return False
        dom, rng = _DOMAIN.get(pred, (frozenset({"Person"}), frozenset()))
        if self.cls(subj) not in dom:
            return False
        if not literal and self.cls(obj) not in rng:
            return False
        if pred == "affiliatedWith" and self.cls(subj) == "Country":
            return False
        start_char, end_char = sent.start_char, sent.end_char
        text = self.doc.text[start_char:end_char]  # = sent.text, without a walk over its tokens
        modality, attributed = self.modality(trigger, sent, text)
        base = self.lex.calibration.get(rule, DEFAULT_CONFIDENCE)
        conf = max(0.01, min(1.0, base * FACTOR.get(modality, 1.0) * scale))
        ev = Evidence(
            self.document.id,
            text,
            start_char,
            end_char,
            rule,
            round(conf, 4),
            modality,
            attributed,
        )
        k = (subj, pred, obj, sent.start)
        if k in self._seen:
            old = self.relations[self._seen[k]]
            if old.evidence.confidence >= conf:
                return True
            self.relations[self._seen[k]] = Relation(subj, pred, obj, ev, literal)
            return True
        self._seen[k] = len(self.relations)
        self.relations.append(Relation(subj, pred, obj, ev, literal))
        return True


def ents_of(ctx: Context, tok: Token, depth: int = 0) -> list[str]:
    """Entity keys a syntactic argument stands for, following conjuncts, appositions and
    "members/entry/delegation of/from X"."""
    if depth > 4:
        return []
    out: list[str] = []
    key = ctx.key_at(tok.i)
    if key is not None:
        out.append(key)
    elif tok.lower_ in ctx.lex.heads and any(c.lower_ == "the" for c in tok.children):
        out.extend(definite(ctx, tok))
        if not out and tok.lower_ in PROXY_NOUNS:
            # "the NSATU mission": no body is called "the mission"; the name before it is meant
            out.extend(
                k
                for c in tok.children
                if c.dep_ in ("compound", "nmod", "poss") and (k := ctx.key_at(c.i)) is not None
            )
    elif tok.lower_ in ctx.lex.heads and any(
        c.lower_ in ("his", "her") and c.dep_ == "poss" for c in tok.children
    ):
        out.extend(_led_by_someone(ctx, tok))
    elif tok.lower_ in ctx.lex.titles and ctx.lex.titles[tok.lower_] in ("head", "leader"):
        out.extend(_title_noun(ctx, tok))
    elif tok.lower_ in PROXY_NOUNS or tok.lower_ in PLACE_NOUNS:
        out.extend(_proxied(ctx, tok, depth))
    if key is not None:
        # "the Chilean, Peruvian and Mexican commands": the head noun is the last body's
        # mention; the others hang from it by their first word
        for child in tok.children:
            if (
                child.dep_ in ("amod", "compound", "nmod")
                and _coordinated(ctx, child.i)
                and ctx.key_at(child.i) != key
            ):
                out.extend(ents_of(ctx, child, depth + 1))
    person = key is not None and ctx.cls(key) == "Person"
    for child in tok.children:
        if child.dep_ == "appos" and person and ctx.key_at(child.i) is None:
            continue  # "Laura Kessler, deputy commander of X": her post, not a second party
        if child.dep_ in ("conj", "appos"):
            out.extend(ents_of(ctx, child, depth + 1))
    return list(dict.fromkeys(out))


def _proxied(ctx: Context, tok: Token, depth: int) -> list[str]:
    """What a proxy or place noun stands for: "members/entry/delegation of/from X", "the X
    delegation", "Kenyan territory"."""
    out: list[str] = []
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "from"):
            for p in child.children:
                if p.dep_ == "pobj":
                    out.extend(ents_of(ctx, p, depth + 1))
        if child.dep_ in ("poss", "compound", "nmod", "amod"):
            k = ctx.key_at(child.i)
            if k is not None:
                out.append(k)
            elif tok.lower_ in ("territory", "soil") and child.dep_ == "amod":
                c = ctx.lex.country_of(child.text)
                if c:
                    out.append(ctx.country_entity(c))
    return out


def _coordinated(ctx: Context, i: int) -> bool:
    """Whether token ``i`` lies in a mention split from a coordination of owners ("the
    Chilean, Peruvian and Mexican commands"; a state's generic force, "the Chilean,
    Peruvian and Mexican navies", is split as one word per state)."""
    ci = ctx.tok2cand[i]
    if ci < 0:
        return False
    c = ctx.cands[ci]
    return c.source == "coordination" or (c.source == "generic" and c.end - c.start == 1)


def mention_head(ctx: Context, c: Cand) -> Token:
    """The token that stands for a mention in the parse: its head word, or, for a body split
    from "the Chilean, Peruvian and Mexican commands", the head noun the owners share (the
    split mention's own head is its first word, a modifier)."""
    doc = ctx.doc
    tok = doc[c.head] if c.head >= 0 else doc[c.start]
    if not _coordinated(ctx, tok.i):
        return tok
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    if tok.dep_ in ("amod", "compound", "nmod") and ctx.key_at(tok.head.i) is not None:
        return tok.head
    return tok


def most_specific_places(ctx: Context, keys: list[str]) -> list[str]:
    """The places among ``keys`` without the states when a town or region is named with them:
    "based in Wiesbaden, Germany" names the base and the state it lies in."""
    towns = [k for k in keys if ctx.cls(k) != "Country"]
    return towns or keys


def _head_word(name: str) -> str:
    """The head of a name: its last word, or the word before "of" ("Committee of the X")."""
    words = name.lower().split()
    if "of" in words[1:]:
        words = words[: words.index("of", 1)]
    return words[-1] if words else ""


def _led_by_someone(ctx: Context, tok: Token) -> list[str]:
    """ "his battalion": the one body with that head word that a person named before leads (or
    works for, when nobody leads one)."""
    word = tok.lower_
    for pred in ("leads", "worksFor"):
        orgs = {
            r.object
            for r in ctx.relations
            if r.predicate == pred
            and ctx.cls(r.subject) == "Person"
            and r.evidence.start < tok.idx
            and ctx.cls(r.object) in ORGS
            and any(
                _head_word(n) == word
                for n in [ctx.entities[r.object].label, *ctx.entities[r.object].aliases]
            )
        }
        if len(orgs) == 1:
            return list(orgs)
    return []


def definite(ctx: Context, tok: Token) -> list[str]:
    """ "the constabulary", "the directorate": the one organisation named with that head word."""
    word = tok.lower_
    hits = [
        k
        for k, e in ctx.entities.items()
        if e.cls in ORGS
        and e.mentions
        and any(_head_word(n) == word for n in [e.label, *e.aliases])
    ]
    # "the Polish brigade", "the Iron Wolf brigade": the modifiers narrow the candidates
    mods = [c for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i]
    for m in mods:
        state = ctx.lex.country_of(m.text)
        if state:
            hits = [k for k in hits if ctx.country(k) == state]
        elif m.text[:1].isupper():
            hits = [
                k
                for k in hits
                if any(
                    m.lower_ in n.lower().split()
                    for n in [ctx.entities[k].label, *ctx.entities[k].aliases]
                )
            ]
    return hits if len(hits) == 1 else []


def _title_noun(ctx: Context, tok: Token) -> list[str]:
    """ "the NATO director" -> the person who holds that post; "the commander of the Armed
    Forces" -> the Armed Forces (the office stands for its body)."""
    for c in tok.children:  # "the minister, James Hartley": the person named in apposition
        k = ctx.key_at(c.i) if c.dep_ == "appos" else None
        if k is not None and ctx.cls(k) == "Person":
            return [k]
    orgs = [ctx.key_at(c.i) for c in tok.children if c.dep_ in ("compound", "poss", "nmod")]
    orgs = [o for o in orgs if o is not None and ctx.cls(o) in ORGS]
    for org in orgs:
        people = {
            r.subject
            for r in ctx.relations
            if r.predicate in ("worksFor", "leads") and r.object == org
        }
        if len(people) == 1:
            return list(people)
    out: list[str] = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "for"):
            for p in c.children:
                if p.dep_ == "pobj":
                    k = ctx.key_at(p.i)
                    if k is not None and ctx.cls(k) in ORGS:
                        out.append(k)
    return out


#: Verbs whose object is the doer of their infinitive ("allow X to train", "invite X to join").
_OBJECT_CONTROL = frozenset(
    {"allow", "authorize", "authorise", "permit", "let", "enable", "invite", "ask", "order"}
    | {"urge", "require", "help", "send", "clear", "approve"}
)


def _speaker(ctx: Context, verb: Token) -> list[str]:
    """The person a "he" or "she" subject stands for: the person subject of a clause the verb
    depends on ("X said ... after he met Y", "X told reporters she would visit Y")."""
    head, hops = verb, 0
    while head.head is not head and hops < 4:
        head, hops = head.head, hops + 1
        if head.pos_ not in ("VERB", "AUX"):
            continue
        for c in head.children:
            if c.dep_ == "nsubj":
                people = [k for k in ents_of(ctx, c) if ctx.cls(k) == "Person"]
                if people:
                    return people[:1]
    return []


def subjects(ctx: Context, verb: Token) -> list[str]:
    """Agents of a verb: nsubj, passive "by" agents, or (for a subjectless clause) its head's."""
    out: list[str] = []
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            found = ents_of(ctx, c)
            if not found and c.lower_ in ("he", "she"):
                found = _speaker(ctx, verb)
            out += found
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    out += ents_of(ctx, p)
    if out:
        return out
    if verb.dep_ in ("relcl", "acl") and verb.head is not verb:
        found = ents_of(ctx, verb.head)
        if not found and verb.head.dep_ == "appos":
            found = ents_of(ctx, verb.head.head)
        return found
    if verb.dep_ in ("xcomp", "ccomp") and verb.head.lemma_ in _OBJECT_CONTROL:
        # "allows agents of the DEA to work ...": the object of "allow" does the work
        for c in verb.head.children:
            if c.dep_ == "dobj":
                found = ents_of(ctx, c)
                if found:
                    return found
    if verb.dep_ in ("xcomp", "advcl", "conj", "pcomp") and verb.head is not verb:
        return subjects(ctx, verb.head) if verb.head.pos_ in ("VERB", "AUX") else []
    return out


def objects(ctx: Context, verb: Token) -> list[str]:
    out: list[str] = []
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
            if c.lower_ in ("which", "that", "whom", "who") and verb.dep_ == "relcl":
                out += ents_of(ctx, verb.head)  # "Brigade 45, which Berlin is stationing in X"
            else:
                out += ents_of(ctx, c)
    return out


def pobjs(ctx: Context, tok: Token, preps: Iterable[str]) -> list[str]:
    preps = set(preps)
    out: list[str] = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in preps:
            for p in c.children:
                if p.dep_ == "pobj":
                    out += ents_of(ctx, p)
    return out


def country_of_place(ctx: Context, place: str, depth: int = 0) -> str | None:
    """The state a place lies in, through locatedIn facts or the gazetteer (a few levels)."""
    if depth > 4:
        return None
    if place not in ctx.entities:
        # a container known only to the gazetteer ("Cuba" behind "Havana")
        if ctx.lex.country_of(place) == place:
            return place
    elif ctx.cls(place) == "Country":
        return place
    ups = [r.object for r in ctx.relations if r.subject == place and r.predicate == "locatedIn"]
    known = ctx.lex.places.get(place.lower())
    if known and known[1]:
        ups.append(known[1])
    for up in ups:
        if up != place:
            found = country_of_place(ctx, up, depth + 1)
            if found:
                return found
    return None
