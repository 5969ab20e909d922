"""Rules ``name.*``, ``gaz.country``, ``prep.of`` and ``appos.demonym``: what a name says by
itself. A country or demonym in it ("U.S. Special Forces" -> affiliatedWith United States), a
known organisation as prefix or possessive ("RBDF Harbour Patrol Unit" -> partOf RBDF), a branch
of the same state's armed forces, "the Directorate of the National Police" -> partOf, and the
demonym of an apposition ("X, a Japanese ... unit")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract.relations import ORGS, Context

if TYPE_CHECKING:
    from spacy.tokens import Span


_ORDINAL = re.compile(r"\d+(st|nd|rd|th|d)")


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
            least = 1
            if len(words) > 3 and _ORDINAL.fullmatch(words[0].lower()):
                # "4th Chilean Army Division" contains "Chilean Army": a body named in full
                words, least = words[1:], 2
            for cut in range(len(words) - 1, least - 1, -1):
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
    services: dict[tuple[str, str], list[str]] = {}  # (state, branch) -> the bodies named so
    for key, inf in ctx.info.items():
        branch = inf.kind if inf.kind in _BRANCHES else _branch_named(ctx.entities[key].label)
        if branch and inf.country:
            services.setdefault((inf.country, branch), []).append(key)
            target = armed.get(inf.country)
            if target and key in first_sent and target != key:
                ctx.emit(key, "partOf", target, first_sent[key], "name.branch.v1")
    # a numbered land unit ("5th Canadian Division", "1st Special Forces Brigade") belongs to
    # its state's army, a Marine one ("3rd Marine Division") to its state's Marines, when the
    # text names exactly one
    for key, inf in ctx.info.items():
        label = ctx.entities[key].label
        if key not in first_sent or not _LAND_UNIT.match(label):
            continue
        branch = "Marines" if "marine" in label.lower() else "Army"
        if inf.country:
            owners = services.get((inf.country, branch), [])
        else:
            owners = [k for (_, b), ks in services.items() if b == branch for k in ks]
            if branch == "Army":
                owners = []  # an army unit of no stated state: whose army is not said
        if len(owners) == 1 and owners[0] != key:
            ctx.emit(key, "partOf", owners[0], first_sent[key], "name.unit.branch.v1")

    # a ship ("HMAS Brisbane") belongs to its state's navy or coast guard, when the text names
    # exactly one of them
    for key, inf in ctx.info.items():
        first = ctx.entities[key].label.split()[:1]
        if not first or first[0] not in ctx.lex.ship_prefixes or key not in first_sent:
            continue
        # "INS Kolkata": of the states that write "INS", the one whose navy the text names
        states = [inf.country] if inf.country else ctx.lex.ship_shared.get(first[0], ())
        owners = [
            k
            for state in states
            for b in ("Navy", "Coast Guard")
            for k in services.get((state, b), [])
        ]
        if len(owners) == 1 and owners[0] != key:
            ctx.emit(key, "partOf", owners[0], first_sent[key], "name.ship.v1")


_BRANCHES = ("Army", "Navy", "Air Force", "Marines", "Coast Guard")

_LAND_UNIT = re.compile(
    r"^(?:\d+(?:st|nd|rd|th|d)?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
    r"\b.*\b(?:division|brigade|regiment|battalion)$",
    re.IGNORECASE,
)


def _branch_named(label: str) -> str | None:
    """The branch a body's name ends with ("U.S. Navy", "Royal Australian Air Force",
    "U.S. Marine Corps"), or None."""
    low = label.lower()
    for ending, branch in (
        ("army", "Army"),
        ("navy", "Navy"),
        ("air force", "Air Force"),
        ("marine corps", "Marines"),
        ("marines", "Marines"),
        ("coast guard", "Coast Guard"),
    ):
        if low.endswith(ending):
            return branch
    return None


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


def layout_rules(ctx: Context) -> None:
    """The author of a byline or a photo credit works for the outlet or unit the same line names
    ("By JOHN ROE | THE DAILY HERALD", "Photo by Cpl. Jane Roe, Canadian Forces Combat
    Camera"): rule ``layout.byline.v1``."""
    lines: dict[int, list[int]] = {}
    for i, c in enumerate(ctx.cands):
        if c.source == "layout" and c.line in ("byline", "credit") and ctx.keys[i] is not None:
            lines.setdefault(ctx.doc.text.count("\n", 0, c.char_start), []).append(i)
    for members in lines.values():
        people = [i for i in members if ctx.cls(ctx.keys[i] or "") == "Person"]
        outlets = [i for i in members if ctx.cls(ctx.keys[i] or "") in ORGS]
        if len(outlets) != 1:
            continue  # no outlet, or two: which one the author serves is not said
        org = ctx.keys[outlets[0]]
        for i in people:
            sent = ctx.doc[ctx.cands[i].start].sent
            ctx.emit(ctx.keys[i], "worksFor", org, sent, "layout.byline.v1")


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
