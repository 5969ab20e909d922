"""Relation rules over the dependency parse, keyed by verb and noun lexicons.

Every rule has an id (``family.name.vN``) that goes into the evidence; its base confidence comes
from ``kg/data/lexicons/calibration.tsv`` (empirical precision on the dev data, smoothed) and is
scaled by the modality (see ``kg.extract.modality``). Rules, by family:

- ``name.*``: what a name says by itself: a country or demonym in it ("U.S. Special Forces" ->
  affiliatedWith United States), a known organisation as prefix ("RBDF Harbour Patrol Unit" ->
  partOf RBDF), a branch of the same state's armed forces.
- ``title.*``: titles before or after a person's name ("Peruvian Foreign Minister Hugo de Zela",
  "X, assistant director of the Y"); ranks ("Col.", "major general") are skipped, not titles.
- ``dep.*``: verb frames (train, meet, deploy, authorize, lead, cooperate, participate, kill,
  live, work) with passives, control and relative clauses, coordination on both sides.
- ``noun.*``: noun frames ("meeting between X and Y", "entry of X", "cooperation with Y").
- ``list.*``: membership lists ("units such as A, B and C", "brigades from the Army: ...").
- ``frame.*``: an exercise with its participants: trainsWith between participants of different
  states, participatesIn a named event, deployedTo where it happens.
- ``loc.*`` / ``gaz.*``: places ("Suffolk in Virginia", "the Colombian capital of Bogota",
  gazetteer containment), bases ("Embassy in Nassau").
- ``inherit.*`` / ``default.*``: affiliation through partOf, worksFor and leads; the article's
  main country for state bodies that name none (low confidence).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.extract.entities import Cand
from kg.extract.lexicon import Lexicon
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
_PROXY_NOUNS = frozenset(
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
_PLACE_NOUNS = frozenset(
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
_EXERCISE_NOUNS = frozenset(
    {
        "exercise",
        "exercises",
        "drill",
        "drills",
        "training",
        "maneuvers",
        "manoeuvres",
        "wargame",
        "war",
        "games",
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
        modality, attributed = modality_of(trigger, sent, self.lex, text)
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


# ---------------------------------------------------------------- argument helpers


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
        out.extend(_definite(ctx, tok))
    elif tok.lower_ in ctx.lex.heads and any(
        c.lower_ in ("his", "her") and c.dep_ == "poss" for c in tok.children
    ):
        out.extend(_led_by_someone(ctx, tok))
    elif tok.lower_ in ctx.lex.titles and ctx.lex.titles[tok.lower_] in ("head", "leader"):
        out.extend(_title_noun(ctx, tok))
    elif tok.lower_ in _PROXY_NOUNS or tok.lower_ in _PLACE_NOUNS:
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
    person = key is not None and ctx.cls(key) == "Person"
    for child in tok.children:
        if child.dep_ == "appos" and person and ctx.key_at(child.i) is None:
            continue  # "Laura Kessler, deputy commander of X": her post, not a second party
        if child.dep_ in ("conj", "appos"):
            out.extend(ents_of(ctx, child, depth + 1))
    return list(dict.fromkeys(out))


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


def _definite(ctx: Context, tok: Token) -> list[str]:
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


def subjects(ctx: Context, verb: Token) -> list[str]:
    """Agents of a verb: nsubj, passive "by" agents, or (for a subjectless clause) its head's."""
    out: list[str] = []
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            out += ents_of(ctx, c)
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


# ---------------------------------------------------------------- rules: names


def name_rules(ctx: Context) -> None:
    """Affiliation and partOf read from the names themselves."""
    first_sent: dict[str, Span] = {}
    for i, c in enumerate(ctx.cands):
        key = ctx.keys[i]
        if key is None:
            continue
        sent = ctx.doc[c.start].sent
        first_sent.setdefault(key, sent)
        if c.country and ctx.cls(key) != "Country":
            ck = ctx.country_entity(c.country, c)
            rule = "gaz.country.v1" if c.source == "gazetteer" else "name.country.v1"
            ctx.emit(key, "affiliatedWith", ck, sent, rule)
        # possessive or prefix organisation: "Defence Force’s Harbour Patrol Unit", "RBDF X Unit"
        if ctx.cls(key) in ORGS:
            k = c.start - 1
            if k >= 1 and ctx.doc[k].lower_ in ("’s", "'s"):
                k -= 1
            prev = ctx.key_at(k) if k >= 0 else None
            if prev is not None and prev != key and ctx.cls(prev) in ORGS and k == c.start - 2:
                ctx.emit(key, "partOf", prev, sent, "name.possessive.v1")
            elif prev is not None and ctx.cls(prev) == "Country" and k == c.start - 2:
                # "Poland's 15th Mechanised Brigade"
                ctx.emit(key, "affiliatedWith", prev, sent, "name.possessive.country.v1")
    # "US Army South" contains "US Army"; "UN Security Council" starts with "UN"
    names: dict[str, str] = {}
    for key, inf in ctx.info.items():
        if ctx.cls(key) in ORGS:
            for n in inf.names + list(ctx.entities[key].aliases):
                names.setdefault(" ".join(n.lower().split()), key)
    for key, inf in ctx.info.items():
        if ctx.cls(key) not in ORGS or key not in first_sent:
            continue
        for n in inf.names:
            words = n.split()
            for cut in range(len(words) - 1, 0, -1):
                pre = " ".join(words[:cut]).lower()
                other = names.get(pre)
                if other is None and pre in ctx.lex.orgs and ctx.lex.orgs[pre][0] in ctx.entities:
                    other = ctx.lex.orgs[pre][0]
                if other is not None and other != key and ctx.lex.country_of(pre) is None:
                    ctx.emit(key, "partOf", other, first_sent[key], "name.prefix.v1")
                    break
    # branches (Army, Navy, Marines...) belong to the same state's armed forces
    armed = {
        inf.country: k
        for k, inf in ctx.info.items()
        if inf.kind == "Armed Forces" and inf.country and k in first_sent
    }
    for ak, inf in ctx.info.items():
        low = ak.lower()
        if (
            ak in first_sent
            and inf.country
            and inf.country not in armed
            and ("armed forces" in low or "defence force" in low or "defense force" in low)
        ):
            armed[inf.country] = ak  # "Armed Forces of the Philippines", "Kenya Defence Forces"
    for key, inf in ctx.info.items():
        if inf.kind in ("Army", "Navy", "Air Force", "Marines", "Coast Guard") and inf.country:
            target = armed.get(inf.country)
            if target and key in first_sent:
                ctx.emit(key, "partOf", target, first_sent[key], "name.branch.v1")


# ---------------------------------------------------------------- rules: titles


def _title_role(word: str, lex: Lexicon) -> str | None:
    return lex.titles.get(word.lower().strip(".,"))


def title_rules(ctx: Context) -> None:
    doc, lex = ctx.doc, ctx.lex
    for i, c in enumerate(ctx.cands):
        key = ctx.keys[i]
        if key is None or ctx.cls(key) != "Person":
            continue
        sent = doc[c.start].sent
        _title_before(ctx, c, key, sent, lex)
        _title_after(ctx, c, key, sent, lex)
    _flush_leads_default(ctx)


def _office_of_a_body(ctx: Context, k: int, key: str, sent: Span, lex: Lexicon) -> bool:
    """ "Britain's Minister for the Armed Forces, James Hartley": an office whose name ends with
    a body is a title as written; the state in front is the person's."""
    doc = ctx.doc
    if k - 1 < sent.start or doc[k].text != "," or ctx.key_at(k - 1) is None:
        return False
    body = ctx.cands[ctx.tok2cand[k - 1]]
    j = body.start - 1
    while j >= sent.start and doc[j].lower_ == "the":
        j -= 1
    if j - 1 < sent.start or doc[j].lower_ not in ("for", "of"):
        return False
    first = j - 1
    if _title_role(doc[first].text, lex) not in ("head", "leader") or ctx.key_at(first) is not None:
        return False
    while first - 1 >= sent.start and _title_role(doc[first - 1].text, lex) == "mod":
        first -= 1
    trigger = doc[j - 1]
    ctx.emit(key, "hasTitle", doc[first:k].text, sent, "title.office.v1", trigger, literal=True)
    left = first - 1
    if left > sent.start and doc[left].text in ("’s", "'s"):
        left -= 1
    owner = ctx.key_at(left) if left >= sent.start else None
    state = owner if owner is not None and ctx.cls(owner) == "Country" else None
    if state is None and left >= sent.start and lex.country_of(doc[left].text):
        state = ctx.country_entity(lex.country_of(doc[left].text) or "")
    if state is not None:
        ctx.emit(key, "affiliatedWith", state, sent, "title.office.country.v1", trigger)
    return True


def _title_before(ctx: Context, c: Cand, key: str, sent: Span, lex: Lexicon) -> None:
    doc = ctx.doc
    k = c.start - 1
    # ranks right before the name are not titles ("major general", "Col.", "Commodore")
    while k >= sent.start and doc[k].lower_ in lex.ranks and ctx.key_at(k) is None:
        if (
            _title_role(doc[k].text, lex) in ("head", "leader")
            and k - 1 >= sent.start
            and _title_role(doc[k - 1].text, lex) == "mod"
            and doc[k - 1].lower_ not in lex.ranks
        ):
            break  # "commanding general major general X": the first "general" is the office
        k -= 1
    if k >= sent.start and doc[k].text == "(":
        _title_parenthesis(ctx, k, key, sent, lex)
        return
    if _office_of_a_body(ctx, k, key, sent, lex):
        return
    if (
        k - 1 >= sent.start
        and doc[k].text == ","
        and _title_role(doc[k - 1].text, lex) in ("head", "leader")
        and ctx.key_at(k - 1) is None
    ):
        k -= 1  # "Japan's ambassador, Kenji Morita"
    end = k
    words: list[Token] = []
    while k >= sent.start:
        t = doc[k]
        ck = ctx.key_at(k)
        if ck is not None:
            # "Home Affairs Minister": a capitalised office name read as an organisation
            ci = ctx.tok2cand[k]
            cand = ctx.cands[ci]
            if (
                words
                and cand.source == "ner"
                and ctx.cls(ck) == "Organization"
                and not any(w.lower() in lex.heads for w in cand.name.split())
            ):
                words[0:0] = list(doc[cand.start : k + 1])
                k = cand.start - 1
                continue
            break
        role = _title_role(t.text, lex)
        if role is not None or (t.lower_ == "of" and words):
            words.insert(0, t)
            k -= 1
            continue
        if t.text[:1].isupper() and words and doc[k - 1].lower_ == "of" if k > 0 else False:
            words.insert(0, t)
            k -= 1
            continue
        break
    if not words:
        return
    extra = 0
    while (
        k >= sent.start
        and extra < 2
        and ctx.key_at(k) is None
        and doc[k].text[:1].isupper()
        and doc[k].is_alpha
        and not lex.country_of(doc[k].text)
        and doc[k].lower_ not in lex.ranks
        and any(_title_role(w.text, lex) in ("head", "leader") for w in words)
    ):
        words.insert(0, doc[k])  # "Internal Security Minister", "Police Commissioner"
        k -= 1
        extra += 1
    while words and (words[0].lower_ == "of" or _title_role(words[0].text, lex) == "skip"):
        words.pop(0)
    while (
        words
        and _title_role(words[-1].text, lex) not in ("head", "leader")
        and not words[-1].text[:1].isupper()
    ):
        words.pop()
    roles = [_title_role(w.text, lex) for w in words]
    if not words or not any(r in ("head", "leader") for r in roles):
        return
    title = (
        doc[words[0].i : end + 1].text if words[-1].i == end else " ".join(w.text for w in words)
    )
    title = " ".join(t.text for t in words)
    trigger = words[-1]
    ctx.emit(key, "hasTitle", title, sent, "title.before.v1", trigger, literal=True)
    leader = any(r == "leader" for r in roles) or _is_leader_title(title)
    # what precedes the title: an organisation, a country or a demonym
    left = words[0].i - 1
    former = any(
        doc[x].lower_ in ("former", "ex", "then")
        for x in range(max(sent.start, left - 2), left + 1)
    )
    while left >= sent.start and doc[left].lower_ in ("former", "the", "’s", "'s", "then", "ex"):
        former = former or doc[left].lower_ in ("former", "then", "ex")
        left -= 1
    if former:
        leader = False
    if left < sent.start:
        _leads_default(ctx, key, title, sent, trigger)
        return
    lk = ctx.key_at(left)
    possessive = left + 1 < len(doc) and doc[left + 1].text in ("’s", "'s")
    if lk is None and doc[left].lower_ in lex.heads and possessive:
        # "the committee's chairman": a description of a body named before
        found = _definite(ctx, doc[left])
        lk = found[0] if len(found) == 1 else None
    if lk is not None and ctx.cls(lk) in ORGS:
        ctx.emit(key, "worksFor", lk, sent, "title.org.v1", trigger)
        if leader:
            ctx.emit(key, "leads", lk, sent, "title.org.leads.v1", trigger)
    elif lk is not None and ctx.cls(lk) == "Country":
        ctx.emit(key, "affiliatedWith", lk, sent, "title.country.v1", trigger)
        if _heads_state(title) and not former:
            ctx.emit(key, "leads", lk, sent, "title.country.leads.v1", trigger)
    else:
        country = lex.country_of(doc[left].text)
        if country:
            ck = ctx.country_entity(country)
            ctx.emit(key, "affiliatedWith", ck, sent, "title.demonym.v1", trigger)
            if _heads_state(title) and not former:
                ctx.emit(key, "leads", ck, sent, "title.country.leads.v1", trigger)
        elif not former:
            _leads_default(ctx, key, title, sent, trigger)
    _title_ministry(ctx, key, title, sent, trigger)


def _heads_state(title: str) -> bool:
    t = title.lower()
    return t in (
        "president",
        "prime minister",
        "premier",
        "king",
        "queen",
        "head of state",
        "head of government",
    )


def _is_leader_title(title: str) -> bool:
    t = title.lower()
    return t.startswith(("commanding", "commander", "chief", "head", "director general")) or t in (
        "commanding general",
        "commanding officer",
    )


def _leads_default(ctx: Context, key: str, title: str, sent: Span, trigger: Token) -> None:
    """ "President Jose Jeri" with no state named: decided after every title is read."""
    if _heads_state(title) and ctx.default_country and not ctx.info[key].country:
        if trigger.i > 0 and ctx.doc[trigger.i - len(title.split())].lower_ == "former":
            return
        ctx.pending.append((key, title, sent, trigger))


def _flush_leads_default(ctx: Context) -> None:
    for key, _title, sent, trigger in ctx.pending:
        known = any(
            r.subject == key and r.predicate in ("affiliatedWith", "leads") for r in ctx.relations
        )
        if not known and ctx.default_country:
            ck = ctx.country_entity(ctx.default_country)
            ctx.emit(key, "leads", ck, sent, "title.country.default.v1", trigger)
    ctx.pending.clear()


def _title_ministry(ctx: Context, key: str, title: str, sent: Span, trigger: Token) -> None:
    """ "Defense Minister X" works for the Defense Ministry when the text names it."""
    words = title.lower().split()
    if "minister" not in words:
        return
    topic = [w for w in words if w not in ("minister", "vice", "deputy", "of", "the", "prime")]
    if "prime" in words:
        return
    topic_word = topic[0] if topic else "\x00"
    for k2, ent in ctx.entities.items():
        if ent.cls != "GovernmentBody":
            continue
        names = [n.lower() for n in ctx.info[k2].names]
        mine, theirs = ctx.country(key), ctx.country(k2)
        if mine and theirs and mine != theirs:
            continue  # "Lithuanian Defence Minister" does not work for the German ministry
        if any("ministr" in n and topic_word in n for n in names):
            ctx.emit(key, "worksFor", k2, sent, "title.ministry.v1", trigger)
            if words[0] not in ("vice", "deputy", "assistant", "former"):
                ctx.emit(key, "leads", k2, sent, "title.ministry.leads.v1", trigger)
            return
    # no ministry named: a minister serves the government of the state
    home = ctx.country(key) or ctx.default_country
    govs = [
        k2
        for k2, inf in ctx.info.items()
        if inf.kind == "Government" and (home is None or inf.country == home)
    ]
    if len(govs) == 1:
        ctx.emit(key, "worksFor", govs[0], sent, "title.minister.government.v1", trigger)


def _title_after(ctx: Context, c: Cand, key: str, sent: Span, lex: Lexicon) -> None:
    """ "Marvin Dames, Minister of National Security"; "X, assistant director of the Y"."""
    doc = ctx.doc
    k = c.end
    if k >= sent.end or doc[k].text != ",":
        return
    k += 1
    words: list[Token] = []
    org_before = None
    country = None
    while k < sent.end and doc[k].lower_ in ("the", "a", "an", "former"):
        k += 1
    kk = ctx.key_at(k) if k < sent.end else None
    if kk is not None:
        if ctx.cls(kk) == "Country" or lex.country_of(doc[k].text):
            country = kk
        elif ctx.cls(kk) in ORGS:
            org_before = kk
        while k < sent.end and ctx.key_at(k) == kk:
            k += 1
    elif k < sent.end and lex.country_of(doc[k].text):
        country = ctx.country_entity(lex.country_of(doc[k].text) or "")
        k += 1
    elif (
        k + 1 < sent.end
        and doc[k].lower_ in lex.heads
        and doc[k + 1].text in ("’s", "'s")
        and doc[k - 1].lower_ == "the"
    ):
        # "X, the battalion's commanding officer": a description of a body named before
        found = _definite(ctx, doc[k])
        org_before = found[0] if len(found) == 1 else None
        k += 2
    start = k
    # "the exercise director": up to two plain modifiers before the title word
    look = k
    while (
        look < min(sent.end, k + 2)
        and doc[look].is_alpha
        and doc[look].text.islower()
        and (_title_role(doc[look].text, lex) is None and not doc[look].is_stop)
    ):
        look += 1
    if look > k and look < sent.end and _title_role(doc[look].text, lex) in ("head", "leader"):
        words.extend(doc[k:look])
        k = look
    while k < sent.end and (_title_role(doc[k].text, lex) is not None or doc[k].text in ("’", "'")):
        if ctx.key_at(k) is not None:
            break
        words.append(doc[k])
        k += 1
    roles = [_title_role(w.text, lex) for w in words]
    if not words or not any(r in ("head", "leader") for r in roles):
        return
    title_end = k
    org_after = None
    # "Commander Defence Force": an organisation written right after the title word
    at_k = ctx.key_at(k) if k < sent.end else None
    if at_k is not None and ctx.cls(at_k) in ORGS:
        org_after = at_k
        m = k
        while m < sent.end and ctx.key_at(m) == org_after:
            m += 1
        title_end = m
    elif k + 1 < sent.end and doc[k].lower_ in ("of", "at", "for", "in", "with"):
        m = k + 1
        while m < sent.end and doc[m].lower_ == "the":
            m += 1
        ok = ctx.key_at(m) if m < sent.end else None
        if ok is None and m < sent.end and doc[k].lower_ == "of" and m > k + 1:
            # "the commander of the Iron Wolf brigade": a description of a body named before
            head = doc[m]
            while head.head is not head and head.head.i > head.i and head.head.i < sent.end:
                head = head.head
            if head.lower_ in lex.heads:
                found = _definite(ctx, head)
                ok = found[0] if len(found) == 1 else None
        if ok is not None and ctx.cls(ok) in ORGS:
            org_after = ok
        elif ok is not None and ctx.cls(ok) == "Country":
            country = ok
        elif doc[k].lower_ == "of" and m == k + 1:
            # "Minister of National Security": the office's name continues the title
            e = m
            while e < sent.end and (doc[e].text[:1].isupper() or doc[e].lower_ in ("and", "of")):
                if ctx.key_at(e) is not None or doc[e].lower_ in (
                    "mr.",
                    "mrs.",
                    "ms.",
                    "dr.",
                    "mr",
                    "mrs",
                    "ms",
                    "dr",
                ):
                    break
                e += 1
            while e > m and doc[e - 1].lower_ in ("and", "of"):
                e -= 1
            if e > m:
                title_end = e
    title = doc[start:title_end].text
    trigger = words[-1]
    if title.lower().split()[0] in lex.ranks and len(words) == 1:
        return
    ctx.emit(key, "hasTitle", title, sent, "title.after.v1", trigger, literal=True)
    leader = any(r == "leader" for r in roles) or _is_leader_title(title)
    for org in (org_before, org_after):
        if org is not None:
            ctx.emit(key, "worksFor", org, sent, "title.after.org.v1", trigger)
            if leader:
                ctx.emit(key, "leads", org, sent, "title.after.leads.v1", trigger)
    if country is not None:
        ctx.emit(key, "affiliatedWith", country, sent, "title.after.country.v1", trigger)
        if _heads_state(title):
            ctx.emit(key, "leads", country, sent, "title.country.leads.v1", trigger)
    _title_ministry(ctx, key, title, sent, trigger)


def _title_parenthesis(ctx: Context, k: int, key: str, sent: Span, lex: Lexicon) -> None:
    """ "the Commanding Officer of the Harbour Patrol Unit (Senior Lieutenant Andrew Bowe)"."""
    doc = ctx.doc
    j = k - 1
    org = ctx.key_at(j) if j >= sent.start else None
    if org is None or ctx.cls(org) not in ORGS:
        return
    while j >= sent.start and ctx.key_at(j) == org:
        j -= 1
    while j >= sent.start and doc[j].lower_ == "the":
        j -= 1
    if j < sent.start or doc[j].lower_ not in ("of", "at", "for"):
        return
    j -= 1
    words: list[Token] = []
    while j >= sent.start and _title_role(doc[j].text, lex) is not None:
        words.insert(0, doc[j])
        j -= 1
    roles = [_title_role(w.text, lex) for w in words]
    if not words or not any(r in ("head", "leader") for r in roles):
        return
    title = " ".join(w.text for w in words)
    trigger = words[-1]
    ctx.emit(key, "hasTitle", title, sent, "title.paren.v1", trigger, literal=True)
    ctx.emit(key, "worksFor", org, sent, "title.paren.org.v1", trigger)
    if any(r == "leader" for r in roles) or _is_leader_title(title):
        ctx.emit(key, "leads", org, sent, "title.paren.leads.v1", trigger)


# ---------------------------------------------------------------- rules: verb and noun frames


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


def _n_meet(ctx: Context, n: Token, sent: Span) -> None:
    between = pobjs(ctx, n, ("between", "among"))
    if len(between) > 1:
        for a, b in itertools.combinations(between, 2):
            ctx.emit(a, "meetsWith", b, sent, "noun.meet.between.v1", n)
        return
    withs = pobjs(ctx, n, ("with",))
    head = n.head
    if not withs and n.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
        withs = pobjs(ctx, head, ("with",))
    if not withs:
        return
    subj: list[str] = []
    if n.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
        subj = subjects(ctx, head)
    for child in n.children:
        if child.dep_ == "poss":
            subj += ents_of(ctx, child)
    for s, o in itertools.product(subj, withs):
        ctx.emit(s, "meetsWith", o, sent, "noun.meet.with.v1", n)


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
        # "a unit based in Sasebo", "X is based in Y": home base, not a deployment
        for a, p in itertools.product(dict.fromkeys(agents), places):
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
    between = pobjs(ctx, n, ("between", "among"))
    if len(between) > 1:
        for a, b in itertools.combinations(between, 2):
            ctx.emit(a, "cooperatesWith", b, sent, "noun.cooperate.between.v1", n)
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
        abroad = home is not None and _country_of_place(ctx, p) not in (None, home)
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


# ---------------------------------------------------------------- rules: lists, places


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


def place_rules(ctx: Context) -> None:
    doc, lex = ctx.doc, ctx.lex
    for i, c in enumerate(ctx.cands):
        key = ctx.keys[i]
        if key is None:
            continue
        sent = doc[c.start].sent
        cls = ctx.cls(key)
        # "Suffolk in Virginia", "Fort Sam Houston, Texas", "port of Guaranao, in the Republic of"
        k = c.end
        fillers = (
            {",", "in", "the", "of", "near"}
            | _PLACE_NOUNS
            | {"northern", "southern", "eastern", "western", "central"}
        )
        while k < sent.end and doc[k].lower_ in fillers and k - c.end < 6:
            k += 1
        nk = ctx.key_at(k) if k < sent.end and k > c.end else None
        if (
            nk is not None
            and cls in PLACES
            and ctx.cls(nk) in PLACES
            and nk != key
            and not (cls == "Country" and ctx.cls(nk) == "Country")
        ):
            known = lex.places.get(key.lower())
            if (
                known is None
                or not known[1]
                or known[1] == nk
                or lex.places.get(nk.lower(), ("", "", ""))[2] != "city"
            ):
                ctx.emit(key, "locatedIn", nk, sent, "loc.adjacent.v1")
        # "Embassy in Nassau", "DEA office in Cartagena", "Sijin of Santa Marta"
        if cls in ORGS:
            k = c.end
            if k < sent.end and doc[k].lower_ in (
                "office",
                "offices",
                "headquarters",
                "sources",
                "base",
            ):
                k += 1
            if k + 1 < sent.end and doc[k].lower_ in ("in", "of"):
                m = k + 1
                while m < sent.end and doc[m].lower_ == "the":
                    m += 1
                pk = ctx.key_at(m) if m < sent.end else None
                if pk is not None and ctx.cls(pk) == "Place":
                    home = ctx.country(key)
                    there = (lex.places.get(pk.lower()) or ("", "", ""))[1]
                    embassy = any(w in key.lower() for w in ("embassy", "consulate"))
                    if home and there and home != there and not embassy:
                        ctx.emit(key, "deployedTo", pk, sent, "loc.foreign.office.v1")
                    else:
                        ctx.emit(key, "basedIn", pk, sent, "loc.org.in.v1")
        # "the Colombian capital of Bogota", "northern Colombian department of La Guajira"
        if cls == "Place":
            j = c.start - 1
            while j >= sent.start and doc[j].lower_ in _PLACE_NOUNS | {"the", "of"}:
                j -= 1
            while j >= sent.start and doc[j].lower_ in (
                "northern",
                "southern",
                "eastern",
                "western",
                "central",
            ):
                j -= 1
            owner = ctx.key_at(j - 1) if j > sent.start and doc[j].text in ("'s", "’s") else None
            if owner is not None and ctx.cls(owner) == "Country" and j == c.start - 1:
                # "Russia's Kaliningrad": a state's possession is inside it
                ctx.emit(key, "locatedIn", owner, sent, "loc.possessive.v1")
            elif j >= sent.start and ctx.key_at(j) is None:
                country = lex.country_of(doc[j].text)
                if country and j < c.start - 1 or (country and doc[j].pos_ == "ADJ"):
                    ctx.emit(key, "locatedIn", ctx.country_entity(country), sent, "loc.demonym.v1")
        # gazetteer containment when the container is named in the article
        if cls in PLACES:
            known = lex.places.get(key.lower()) or lex.places.get(c.name.lower())
            if known and known[1] and known[1] in ctx.entities:
                ctx.emit(key, "locatedIn", known[1], sent, "gaz.located.v1")


_NUMBERED = re.compile(
    r"^(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
    r" (?:battalion|brigade|regiment|division|company|squadron|group|corps|fleet|wing|unit)$",
    re.IGNORECASE,
)


def _qualify_numbered(ctx: Context, key: str, parent: str) -> None:
    """A unit named only by number and kind ("1st Battalion") is known by its parent: its label
    becomes "1st Battalion of the Royal Anglian Regiment" (the short form stays an alias), so that
    two documents' "1st Battalion" of different regiments are not the same thing."""
    ent = ctx.entities[key]
    if not _NUMBERED.match(ent.label):
        return
    ent.aliases.add(ent.label)
    ent.label = f"{ent.label} of the {ctx.entities[parent].label}"


def of_rules(ctx: Context) -> None:
    """ "the Directorate of the National Police" -> partOf; "X, a Japanese ... unit" -> the
    apposition's demonym gives the state."""
    for i, c in enumerate(ctx.cands):
        key = ctx.keys[i]
        if key is None or ctx.cls(key) not in ORGS or c.head < 0:
            continue
        head = ctx.doc[c.head]
        sent = head.sent
        if c.source == "coordination":
            continue
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for p in prep.children:
                org = ctx.key_at(p.i) if p.dep_ == "pobj" else None
                if org is not None and org != key and ctx.cls(org) in ORGS:
                    ctx.emit(key, "partOf", org, sent, "prep.of.partof.v1", head)
                    _qualify_numbered(ctx, key, org)
        for ap in head.children:
            if ap.dep_ != "appos" or ctx.key_at(ap.i) is not None:
                continue
            # "BATUK, a permanent unit of the British Army": pattern appos.subunit.v1
            for m in ap.children:
                if m.dep_ in ("amod", "compound", "nmod") and ctx.key_at(m.i) is None:
                    country = ctx.lex.demonyms.get(m.lower_)
                    if country and not ctx.info[key].country:
                        ctx.emit(
                            key,
                            "affiliatedWith",
                            ctx.country_entity(country),
                            sent,
                            "appos.demonym.v1",
                            ap,
                        )


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


# ---------------------------------------------------------------- rules: the exercise frame


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
    joins = ("include", "involve", "participate", "contribute", "join", "feature", "take", "part")
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
            tok = doc[c.head] if c.head >= 0 else doc[c.start]
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
    return place != country and _country_of_place(ctx, place) == country


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
            return prep.head.lower_ in _PROXY_NOUNS and _acting(prep.head, depth + 1)
        return prep.lower_ in _ROLE_PREPS
    if base.dep_ in ("compound", "nmod", "poss") and base.head.lower_ in _PROXY_NOUNS:
        return _acting(base.head, depth + 1)
    return False


def participants_sent(participants: dict[str, Span], ctx: Context, country: str) -> Span:
    for p, s in participants.items():
        if ctx.country(p) == country:
            return s
    return next(iter(participants.values()))


# ---------------------------------------------------------------- inference


def default_place_rules(ctx: Context) -> None:
    """A place the gazetteer does not know and the text puts in nothing lies in the country the
    story is set in ("joint training in the provinces of Manabí and Esmeraldas" in a story about
    Ecuador). Low confidence: the text implies it, it does not state it."""
    main = ctx.default_country
    if not main or main not in ctx.entities:
        return
    placed = {r.subject for r in ctx.relations if r.predicate == "locatedIn"}
    for key, ent in ctx.entities.items():
        if ent.cls != "Place" or key in placed or not ent.mentions:
            continue
        if ctx.lex.places.get(key.lower()) or ctx.lex.country_of(key):
            continue  # the gazetteer knows where it is (maybe elsewhere)
        for m in ent.mentions:
            span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and _subdivision(span):
                ctx.emit(key, "locatedIn", main, span.sent, "default.place.v1")
                break


_SUBDIVISIONS = frozenset(
    {"province", "provinces", "county", "counties", "department", "departments", "state"}
    | {"states", "region", "regions", "municipality", "district", "districts", "island"}
    | {"islands", "town", "village", "city", "port", "prefecture", "governorate", "parish"}
)


def _subdivision(span: Span) -> bool:
    """Whether a place is written as a subdivision ("Samburu County", "the province of Batanes",
    "the town of Turbo"): a place noun in the name, right after it, or before "of"."""
    doc = span.doc
    if any(t.lower_ in _SUBDIVISIONS for t in span):
        return True
    if span.end < len(doc) and doc[span.end].lower_ in _SUBDIVISIONS:
        return True
    i = span.start - 1
    while i >= 0 and doc[i].lower_ in ("and", ",") or i >= 0 and doc[i].ent_type_:
        i -= 1  # "the provinces of Manabí and Esmeraldas"
    return i >= 1 and doc[i].lower_ == "of" and doc[i - 1].lower_ in _SUBDIVISIONS


def _country_of_place(ctx: Context, place: str, depth: int = 0) -> str | None:
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
            found = _country_of_place(ctx, up, depth + 1)
            if found:
                return found
    return None


def deploy_country_rules(ctx: Context) -> None:
    """A force sent to a place abroad is deployed to the state it lies in ("will deploy to Archers
    Post, in Samburu County" in Kenya -> deployedTo Kenya)."""
    for r in list(ctx.relations):
        if r.predicate != "deployedTo" or r.evidence.modality == "negated":
            continue
        if ctx.cls(r.object) != "Place":
            continue
        state = _country_of_place(ctx, r.object)
        if not state or state == ctx.country(r.subject) or state not in ctx.entities:
            continue
        sent = ctx.doc.char_span(r.evidence.start, r.evidence.end, alignment_mode="expand")
        if sent is not None:
            ctx.emit(r.subject, "deployedTo", state, sent, "inherit.deploy.country.v1")


def state_rules(ctx: Context) -> None:
    """Forces of two states training or working together: the states cooperate. Training counts
    between two states, or in a multinational exercise between the host and each guest (every
    pair of guests would follow otherwise, which is not what such a story reports)."""
    training_states = {
        s
        for r in ctx.relations
        if r.predicate == "trainsWith"
        for s in (ctx.country(r.subject), ctx.country(r.object))
        if s
    }
    for r in list(ctx.relations):
        if r.predicate not in ("trainsWith", "cooperatesWith") or r.evidence.modality == "negated":
            continue
        if r.predicate == "cooperatesWith" and "Country" in (ctx.cls(r.subject), ctx.cls(r.object)):
            continue
        a, b = ctx.country(r.subject), ctx.country(r.object)
        multinational = r.predicate == "trainsWith" and len(training_states) > 2
        if multinational and ctx.default_country not in (a, b):
            continue  # two guests of a multinational exercise
        if a and b and a != b and a in ctx.entities and b in ctx.entities:
            sent = ctx.doc.char_span(r.evidence.start, r.evidence.end, alignment_mode="expand")
            if sent is not None:
                rule = "train" if r.predicate == "trainsWith" else "coop"
                ctx.emit(a, "cooperatesWith", b, sent, f"inherit.{rule}.states.v1")


def _serves_stateless(ctx: Context, person: str) -> bool:
    """Whether a person works for or leads an international body (NATO, the EU, a UN agency)."""
    for r in ctx.relations:
        if r.subject != person or r.predicate not in ("worksFor", "leads"):
            continue
        known = ctx.lex.orgs.get(r.object.lower())
        if (known and not known[2]) or ctx.cls(r.object) == "Organization":
            return True
    return False


def _visiting(ctx: Context, key: str) -> bool:
    """Whether a body (or a unit of it) is deployed to the article's main country or to a place
    inside it."""
    main = ctx.default_country
    children = {r.subject for r in ctx.relations if r.predicate == "partOf" and r.object == key}
    return any(
        r.subject in children | {key}
        and r.predicate == "deployedTo"
        and r.evidence.modality != "negated"
        and (r.object == main or _country_of_place(ctx, r.object) == main)
        for r in ctx.relations
    )


def inherit_rules(ctx: Context) -> None:
    """Affiliation through partOf, worksFor and leads; the article's country as a last resort."""
    rels = list(ctx.relations)
    affil: dict[str, str] = {}
    for r in rels:
        if r.predicate == "affiliatedWith":
            affil.setdefault(r.subject, r.object)
    by_sent = {r.subject: r.evidence for r in rels}
    changed = True
    rounds = 0
    while changed and rounds < 4:
        changed = False
        rounds += 1
        for r in list(ctx.relations):
            if r.predicate in ("partOf", "worksFor", "leads") and r.subject not in affil:
                target = affil.get(r.object) or (
                    r.object if ctx.cls(r.object) == "Country" else None
                )
                if target is None:
                    continue
                sent = ctx.doc.char_span(r.evidence.start, r.evidence.end, alignment_mode="expand")
                if sent is None:
                    continue
                if ctx.emit(r.subject, "affiliatedWith", target, sent, f"inherit.{r.predicate}.v1"):
                    affil[r.subject] = target
                    changed = True
    del by_sent
    if not ctx.default_country:
        return
    officials = {
        r.subject for r in ctx.relations if r.predicate in ("hasTitle", "worksFor", "leads")
    }
    for key in sorted(officials):
        ent = ctx.entities[key]
        if key in affil or ent.cls != "Person" or not ent.mentions:
            continue
        if _serves_stateless(ctx, key):
            continue  # "NATO director Stephen Smith": an international official has no state
        m = ent.mentions[0]
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            ctx.emit(
                key,
                "affiliatedWith",
                ctx.country_entity(ctx.default_country),
                span.sent,
                "default.person.v1",
            )
    for key, ent in list(ctx.entities.items()):
        if key in affil or ent.cls not in ORGS or not ent.mentions:
            continue
        inf = ctx.info[key]
        if ctx.lex.orgs.get(key.lower()) and not ctx.lex.orgs[key.lower()][2]:
            continue  # an international body: no state
        if ent.cls == "Organization":
            continue
        if not inf.country and _visiting(ctx, key):
            continue  # a unit sent to the story's country comes from elsewhere
        m = ent.mentions[0]
        sent = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if sent is None:
            continue
        country = inf.country or ctx.default_country
        ctx.emit(
            key, "affiliatedWith", ctx.country_entity(country), sent.sent, "default.country.v1"
        )
