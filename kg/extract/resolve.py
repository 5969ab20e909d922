"""Group mentions into entities: one entity per real-world thing, with a stable key.

Merges (each records why, in ``EntityInfo.merges``): same normalised name; an acronym defined in
the text; a later short form that is a word-suffix of exactly one longer name ("De Zela" ->
"Hugo de Zela", "Defence Force" -> "Royal Bahamas Defence Force"); a name without its "of
<country>" tail ("National Police" -> "National Police of Peru"); generic state forces
("U.S. troops", "U.S. military personnel") under one key per country and kind. Two entities that
merely share a word are never merged: a short form must match the end of the longer name and be
unambiguous.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from kg.extract.lexicon import Lexicon
from kg.extract.mentions.cand import Cand
from kg.extract.mentions.words import generic_name
from kg.extract.nameforms import (
    american_spelling,
    event_core,
    name_words,
    nickname_forms,
    norm_name,
    normalize_key,
    person_words,
)
from kg.records import Entity, Mention

_SUBDIVISIONS = frozenset(
    {"county", "province", "department", "state", "region", "district", "island", "city"}
)
_ORG_CLASSES = frozenset({"Organization", "GovernmentBody", "MilitaryUnit", "PoliceUnit"})
#: Bodies of a state: their names are spelled one way in keys (see ``american_spelling``).
_STATE_BODIES = frozenset({"GovernmentBody", "MilitaryUnit", "PoliceUnit"})
#: How a name can tie a body to its state so that the key holds the state (see ``_new_key``).
_QUALIFIED = frozenset({"possessive", "demonym", "of", "bracket", "apposition"})
_BRANCHES = {
    "army": "Army",
    "navy": "Navy",
    "air force": "Air Force",
    "armed forces": "Armed Forces",
    "military": "Armed Forces",
    "police": "Police",
    "national police": "National Police",
    "government": "Government",
    "congress": "Congress",
    "marines": "Marines",
    "coast guard": "Coast Guard",
    "executive": "Executive",
    "executive power": "Executive Power",
    "military forces": "Armed Forces",
}


#: The name of a state's own police force, not of a unit or a region's police.
_NATIONAL_POLICE = re.compile(
    r"\b(?:national|royal|federal)\b.*\bpolice\b|\bpolice (?:service|force)\b",
    re.IGNORECASE,
)

#: An ordinal number as the first word of a unit's name ("82nd", "1st", "4th").
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


@dataclass
class EntityInfo:
    """What the extractor knows about an entity beyond its record."""

    key: str
    cls: str
    country: str | None = None
    country_rule: str = ""
    kind: str | None = None
    names: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    #: the states its mentions' sentences are about (one vote each)
    sentence_countries: list[str] = field(default_factory=list)
    #: a guess at its state when the text gives none: the state of its sentences ("sentence")
    #: or of the article ("article"); evidence for nothing, a feature for the relation model
    likely_country: str | None = None
    likely_rule: str = ""


@dataclass
class Resolution:
    entities: dict[str, Entity]
    info: dict[str, EntityInfo]
    #: key of each candidate mention, aligned with the input list (None when dropped)
    keys: list[str | None]


def resolve(
    cands: list[Cand],
    text: str,
    lex: Lexicon,
    default_country: str | None,
    scope: str | None = None,
) -> Resolution:
    """Cluster candidate mentions into entities with stable keys.

    A country is recorded for an entity only from the text's own evidence (its name, a
    possessive, "of" and the state, brackets, an apposition, or a gazetteer); the state its
    sentences or the article are mostly about is kept apart as ``EntityInfo.likely_country``, a
    guess for the relation model to weigh. ``scope`` (the document's id) keys a generic name
    that the text ties to no state ("Special Forces Brigade"), so that two documents' brigades
    never become one entity.
    """
    order = sorted(range(len(cands)), key=lambda i: (-len(cands[i].name), cands[i].start))
    entities: dict[str, Entity] = {}
    info: dict[str, EntityInfo] = {}
    by_norm: dict[str, str] = {}  # normalised name or alias -> key
    keys: list[str | None] = [None] * len(cands)

    def add(key: str, c: Cand, why: str) -> None:
        ent = entities.get(key)
        mention = Mention(c.name, c.char_start, c.char_end, c.cls, c.source)
        if ent is None:
            ent = Entity(key=key, cls=c.cls, label=c.name)
            entities[key] = ent
            info[key] = EntityInfo(key, c.cls, kind=c.kind)
        inf = info[key]
        ent.mentions.append(mention)
        if c.name != ent.label:
            ent.aliases.add(c.name)
            inf.merges.append(f"{c.name!r} -> {key!r}: {why}")
        for form in c.forms:  # "Lt. Col. Jane Roe", "JANE ROE": the name as written
            if form != ent.label:
                ent.aliases.add(form)
        for other in c.other_names:  # "the Civil Guard (Guardia Civil)": another name for it
            ent.aliases.add(other)
            by_norm.setdefault(norm_name(other), key)
            inf.merges.append(f"{other!r} -> {key!r}: other name given in brackets")
        for acr in c.acronyms:
            ent.aliases.add(acr)
            by_norm.setdefault(norm_name(acr), key)
            inf.merges.append(f"{acr!r} -> {key!r}: acronym defined in the text for {c.name!r}")
        inf.names.append(c.name)
        if ent.cls == "Person":
            for form in nickname_forms(c.name):
                ent.aliases.add(form)
                inf.names.append(form)
                by_norm.setdefault(norm_name(form), key)
        if c.country and not inf.country and c.cls != "Country":
            inf.country, inf.country_rule = c.country, c.evidence or "name"
        if c.sent_country and c.cls != "Country":
            inf.sentence_countries.append(c.sent_country)
        # the most specific class wins over the generic Organization
        if ent.cls == "Organization" and c.cls in _ORG_CLASSES:
            ent.cls = inf.cls = c.cls
        by_norm.setdefault(norm_name(c.name), key)

    for i in order:
        c = cands[i]
        if c.cls == "skip":
            continue
        key, why = _match(c, entities, info, by_norm, lex, default_country)
        if key is None:
            key = _new_key(c, lex, scope)
            why = "same canonical name (gazetteer or normalised form)"
            if (
                key in entities
                and entities[key].cls != c.cls
                and not _compatible(entities[key].cls, c.cls)
            ):
                key = _class_vote(key, c, entities, info)
        keys[i] = key
        add(key, c, why)

    _people_read_as_orgs(entities, info, keys, lex)
    _generic_into_named(entities, info, keys)
    for key, ent in entities.items():
        inf = info[key]
        best = _best_label(ent, inf)
        # the canonical name is the label, so that every document gives the entity the same
        # skos:prefLabel; the forms written in this article stay as altLabels
        ent.label = key if not key.endswith(")") else best
        if key != best and american_spelling(best) == key:
            ent.label = best  # "Kenya Defence Forces" as written; the key spells one way
        ent.aliases.add(best)
        ent.aliases.discard(ent.label)
        if ent.cls in _ORG_CLASSES or ent.cls == "Person":
            # the state its sentences are about, else the article's: a guess, not evidence
            votes = Counter(inf.sentence_countries).most_common(2)
            if votes and (len(votes) == 1 or votes[0][1] > votes[1][1]):
                inf.likely_country, inf.likely_rule = votes[0][0], "sentence"
            elif default_country:
                inf.likely_country, inf.likely_rule = default_country, "article"
    return Resolution(entities, info, keys)


def _class_vote(key: str, c: Cand, entities: dict[str, Entity], info: dict[str, EntityInfo]) -> str:
    """One name read as two classes ("Goma" a place in the dateline, a person to the model):
    the more reliable reading wins (a gazetteer, a byline or dateline, a head noun, over the
    model's label), and the mention joins the entity; two readings as good as each other stay
    two entities, the second keyed with its class."""
    ent = entities[key]
    strong = ("gazetteer", "layout", "name", "generic", "coordination", "acronym")
    known = {m.source for m in ent.mentions}
    if c.source == "ner" and known & set(strong):
        c.cls = ent.cls
        return key
    if c.source in strong and known <= {"ner"}:
        ent.cls = info[key].cls = c.cls
        ent.mentions = [replace(m, cls=c.cls) for m in ent.mentions]
        return key
    return f"{key} ({c.cls})"


def _people_read_as_orgs(
    entities: dict[str, Entity], info: dict[str, EntityInfo], keys: list[str | None], lex: Lexicon
) -> None:
    """ "the Honorable Marvin Dames" tagged as an organisation, then "Minister Dames" as a person:
    a head-less organisation whose last word is a person's surname is that person."""
    people = {k: e for k, e in entities.items() if e.cls == "Person"}
    for key, ent in list(entities.items()):
        if ent.cls != "Organization" or len(ent.label.split()) not in (2, 3):
            continue
        words = name_words(ent.label)
        if any(w in lex.heads for w in words) or not all(
            x[:1].isupper() for x in ent.label.split()
        ):
            continue
        match = [k for k, p in people.items() if name_words(p.label)[-1:] == words[-1:]]
        if len(match) != 1:
            continue
        target = entities[match[0]]
        # the full name becomes the person's key; the surname-only entity folds into it
        merged = Entity(
            key=normalize_key(ent.label),
            cls="Person",
            label=ent.label,
            aliases=ent.aliases | target.aliases | {target.label},
            mentions=ent.mentions + target.mentions,
        )
        for old in (key, match[0]):
            entities.pop(old, None)
            info.pop(old, None)
        entities[merged.key] = merged
        info[merged.key] = EntityInfo(
            merged.key,
            "Person",
            names=[ent.label, target.label],
            merges=[f"{target.label!r} -> {ent.label!r}: surname"],
        )
        for i, k in enumerate(keys):
            if k in (key, match[0]):
                keys[i] = merged.key
        people.pop(match[0], None)


#: Heads of a state's whole armed forces ("Kenya Defence Forces", "Armed Forces of the
#: Philippines", "Japan Ground Self-Defense Force"), and of its army alone.
_WHOLE_FORCE_HEADS = (
    ("armed", "forces"),
    ("defence", "forces"),
    ("defense", "forces"),
    ("defence", "force"),
    ("defense", "force"),
    ("military", "forces"),
)
_WORDS_FOR_ALL_SERVICES = frozenset({"military", "militaries", "armed", "forces", "force"})


def _force_rank(name: str) -> int:
    """2 for a name of the whole armed forces, 1 for an army, 0 otherwise."""
    w = name_words(normalize_key(name))
    if "of" in w:
        w = w[: w.index("of")]  # "Armed Forces of the Philippines"
    if tuple(w[-2:]) in _WHOLE_FORCE_HEADS or w[-2:] == ["self", "defense"]:
        return 2
    return 1 if w[-1:] == ["army"] else 0


def _generic_into_named(
    entities: dict[str, Entity], info: dict[str, EntityInfo], keys: list[str | None]
) -> None:
    """ "Kenyan troops" is the Kenya Defence Forces when the text names that state's armed
    forces once: a generic force folds into the one named force of its state that covers it.

    Soldiers and troops are also covered by the state's one named army ("British soldiers" ->
    "British Army"); "military" and "forces" mean every service, so only a whole-forces name
    covers them. Nothing is merged when two named forces of the state are equally good.
    """
    for key in list(entities):
        inf = info.get(key)
        ent = entities.get(key)
        if ent is None or inf is None or ent.cls != "MilitaryUnit" or not inf.country:
            continue
        if inf.kind != "Armed Forces":
            continue  # "British Army" is itself a named branch, not a generic "troops"
        generic = [m for m in ent.mentions if m.source == "generic"]
        if len(generic) * 2 <= len(ent.mentions):
            continue  # mostly named as such ("the Armed Forces"): a body of its own
        all_services = any(set(name_words(m.text)) & _WORDS_FOR_ALL_SERVICES for m in generic)
        best: list[tuple[int, str]] = []
        for k, other in entities.items():
            o = info[k]
            if k == key or other.cls != "MilitaryUnit" or o.country != inf.country:
                continue
            if o.kind == "Armed Forces":
                continue
            rank = max((_force_rank(n) for n in o.names), default=0)
            if rank == 2 or (rank == 1 and not all_services):
                best.append((rank, k))
        if not best:
            continue
        top = max(r for r, _ in best)
        winners = [k for r, k in best if r == top]
        if len(winners) != 1:
            continue
        target = winners[0]
        entities[target].mentions.extend(ent.mentions)
        entities[target].aliases |= ent.aliases | {m.text for m in ent.mentions}
        info[target].merges.append(
            f"{ent.label!r} -> {target!r}: the one named force of {inf.country}"
        )
        del entities[key], info[key]
        for i, kk in enumerate(keys):
            if kk == key:
                keys[i] = target


def _compatible(a: str, b: str) -> bool:
    return a in _ORG_CLASSES and b in _ORG_CLASSES


def _best_label(ent: Entity, inf: EntityInfo) -> str:
    names = [n for n in inf.names if not (n.isupper() and len(n) <= 10)] or inf.names
    if ent.cls == "Country":
        return ent.key
    return max(names, key=lambda n: (len(n.split()), len(n)))


def _new_key(c: Cand, lex: Lexicon, scope: str | None) -> str:
    """The canonical key of a new entity (see ``resolve``). A state body's key is spelled the
    American way ("Guyana Defense Force" for "Guyana Defence Force" too); its label keeps the
    spelling the article uses."""
    if c.key:
        return american_spelling(c.key) if c.cls in _STATE_BODIES else c.key
    if c.kind and c.country:
        return f"{lex.modifier.get(c.country, c.country)} {c.kind}"
    if c.cls not in _ORG_CLASSES:
        return normalize_key(c.name)
    spell = american_spelling if c.cls in _STATE_BODIES else str
    if c.country and c.core and c.evidence in _QUALIFIED:
        core = normalize_key(c.core)
        if generic_name(core, lex):
            # "Spain's Civil Guard", "Civil Guard of Spain": keyed "Spanish Civil Guard"
            return spell(f"{lex.modifier.get(c.country, c.country)} {core}")
        if c.evidence in ("possessive", "of"):
            return spell(core)  # "Israel's Mossad": the name itself
    low = " ".join(c.name.lower().split())
    low = low[4:] if low.startswith("the ") else low
    if not c.country and (low in _BRANCHES or generic_name(c.name, lex)):
        # a bare "Army" or "Special Forces Brigade" that the text ties to no state: every
        # state has one, so the key holds the document (the label stays the name)
        if low in _BRANCHES:
            c.kind = _BRANCHES[low]
        key = spell(normalize_key(c.name))
        return f"{key} ({scope})" if scope else key
    return spell(normalize_key(c.name))


def _match(
    c: Cand,
    entities: dict[str, Entity],
    info: dict[str, EntityInfo],
    by_norm: dict[str, str],
    lex: Lexicon,
    default_country: str | None,
) -> tuple[str | None, str]:
    n = norm_name(c.name)
    if c.key and c.key in entities:
        return c.key, "gazetteer"
    if n in by_norm and _compatible_cls(entities[by_norm[n]].cls, c.cls):
        return by_norm[n], "same name or acronym"
    if c.key:
        # a gazetteer's entry names one body: "NATO" is never the short form of "Naval
        # Striking and Support Forces NATO", the body of NATO that the name ends with
        return None, ""
    if (
        c.source in ("ner", "name")
        and not c.key
        and c.cls != "Country"
        and len(surname := name_words(normalize_key(c.name))) == 1
    ):
        # "Hartley said ...", "– Marles" in a headline: a surname the model read as an
        # organisation or a place
        people = [
            k
            for k, e in entities.items()
            if e.cls == "Person" and any(person_words(n)[-1:] == surname for n in info[k].names)
        ]
        if len(people) == 1:
            c.cls = "Person"
            return people[0], "surname of a person named in full"
    if (
        c.cls == "Person" or (c.source in ("ner", "name") and not c.key and c.cls != "Country")
    ) and len(words0 := name_words(normalize_key(c.name))) <= 2:
        # "Torsak" after "Torsak Sukvimol", "Ana Lucía" after "Ana Lucía Cáceres": a person's
        # first names alone, when they start exactly one longer name
        starts = [
            k
            for k, e in entities.items()
            if e.cls == "Person"
            and any(
                len(pw := person_words(n)) > len(words0) and pw[: len(words0)] == words0
                for n in info[k].names
            )
        ]
        target = entities[starts[0]] if len(starts) == 1 else None
        if target is not None and (
            c.cls == "Person"
            # a name the model read as a place or a body joins only a person the text gives a
            # title or rank ("Police General Somchai Roe" ... "Somchai said")
            or any(a != target.label and a.endswith(target.label) for a in target.aliases)
        ):
            c.cls = "Person"
            return starts[0], "first names of a person named in full"
    if c.cls == "Event" or (c.source in ("ner", "name") and not c.key and c.cls != "Country"):
        # "Talisman Sabre" after "Talisman Sabre 2019", "Justified Accord" after "Exercise
        # Justified Accord": the event's own name, which a tagger may read as a body or a person
        event = _same_event(c, entities, info)
        if event is not None:
            c.cls = "Event"
            return event, "same event, with or without its year or the word exercise"
    national_name = c.cls == "PoliceUnit" and bool(_NATIONAL_POLICE.search(c.name))
    if c.country and (
        (c.kind == "Police" and (c.source == "generic" or c.cls == "Country")) or national_name
    ):
        # "Colombian police" is that country's National Police when the text names it; a
        # national police force named without its state ("the National Police Service") is
        # the article's state's; "Thailand's National Police" is the "Royal Thai Police"
        national = [
            key
            for key, inf in info.items()
            if entities[key].cls == "PoliceUnit"
            and (inf.country == c.country or (inf.country is None and c.country == default_country))
            and any(_NATIONAL_POLICE.search(x) for x in inf.names)
        ]
        if len(national) == 1:
            return national[0], "national police of the same country"
    if c.source == "generic" or c.cls == "Country":
        return None, ""
    words = name_words(normalize_key(c.name))
    if not words:
        return None, ""
    if c.cls == "Event":
        caps = {w.lower() for w in c.name.split() if w.isupper() and len(w) > 2}
        for key, ent in entities.items():
            if ent.cls == "Event" and caps & {
                w.lower() for n in info[key].names for w in n.split() if w.isupper()
            }:
                return key, "same event name"
        return None, ""
    if _ORDINAL.match(words[0]) and len(words) > 1:
        # "82nd Airborne" after "82nd Airborne Division" (a tagger may read it as a place): a
        # numbered unit named without its head word
        units = [
            key
            for key, ent in entities.items()
            if ent.cls in _ORG_CLASSES
            and any(
                len(w := name_words(normalize_key(n))) == len(words) + 1
                and w[: len(words)] == words
                and lex.heads.get(w[-1]) == ent.cls
                for n in info[key].names
            )
        ]
        if len(units) == 1:
            c.cls = entities[units[0]].cls
            return units[0], "numbered unit named without its head word"
    hits: list[str] = []
    for key, ent in entities.items():
        if not _compatible_cls(ent.cls, c.cls) or ent.cls == "Country":
            continue
        for name in info[key].names:
            w = name_words(normalize_key(name))
            if len(w) <= len(words):
                continue
            if ent.cls == "Person" or c.cls == "Person":
                pw = person_words(name)  # "Teodoro" is the surname of "Ana Teodoro Jr."
                if ent.cls == c.cls and len(pw) > len(words) and pw[-len(words) :] == words:
                    hits.append(key)
                    break
                continue
            generic_one = len(words) == 1 and words[0] in (
                "group",
                "force",
                "forces",
                "unit",
                "command",
                "directorate",
                "police",
            )
            if (
                c.cls == "Place"
                and ent.cls == "Place"
                and len(w) == len(words) + 1
                and w[: len(words)] == words
                and w[-1] in _SUBDIVISIONS
            ):
                hits.append(key)  # "Laikipia" -> "Laikipia County"
                break
            if w[-len(words) :] == words and not generic_one and not _qualifier(c.name, w, lex):
                hits.append(key)
                break
            if "of" in w:
                cut = w.index("of")
                tail = " ".join(w[cut + 1 :])
                if w[:cut] == words and (lex.country_of(tail) is not None):
                    hits.append(key)
                    break
            # "Army" -> "Peruvian Army"; "Government" -> "Peruvian Government"
            if len(w) == len(words) + 1 and w[1:] == words and lex.country_of(w[0]):
                hits.append(key)
                break
    if c.cls == "PoliceUnit" and words[-1] in ("police", "directorate"):
        # "Anti-narcotics Police" and "Anti-narcotics Directorate": one police body, two names
        other = words[:-1] + (["directorate"] if words[-1] == "police" else ["police"])
        for key, ent in entities.items():
            if ent.cls == "PoliceUnit" and any(
                name_words(normalize_key(n)) == other for n in info[key].names
            ):
                hits.append(key)
    hits = list(dict.fromkeys(hits))
    if len(hits) == 1:
        return hits[0], "short form of a longer name"
    return None, ""


def _qualifier(short: str, longer: list[str], lex: Lexicon) -> bool:
    """Whether an acronym at the end of a longer name qualifies it rather than names it: "NATO"
    in "Standing Maritime Group NATO" is the body the group belongs to, while "SOUTHCOM" in
    "U.S. SOUTHCOM" is the command itself (the words before it name its state)."""
    if not (short.isupper() and len(short) > 1 and " " not in short):
        return False
    return lex.country_of(" ".join(longer[:-1])) is None


def _same_event(c: Cand, entities: dict[str, Entity], info: dict[str, EntityInfo]) -> str | None:
    """The one event whose name is ``c``'s but for a year or the word "exercise" (two years
    that differ are two editions)."""
    core, year = event_core(c.name)
    if not core:
        return None
    same = []
    for key, ent in entities.items():
        if ent.cls in ("Person", "Country"):
            continue
        for n in info[key].names:
            other_core, other_year = event_core(n)
            # a body's name with a year ("Balikatan 24" read as an organisation) is an event's
            if (
                other_core == core
                and (ent.cls == "Event" or other_year)
                and (not year or not other_year or year == other_year)
            ):
                same.append(key)
                break
    return same[0] if len(same) == 1 else None


def _compatible_cls(a: str, b: str) -> bool:
    if a == b:
        return True
    return a in _ORG_CLASSES and b in _ORG_CLASSES
