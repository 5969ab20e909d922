"""Rules ``loc.*``, ``gaz.located``, ``gaz.city.located``, ``default.place`` and
``inherit.deploy.country``: where places and bodies are ("Suffolk in Virginia", "the Colombian
capital of Bogota", "Embassy in Nassau", gazetteer containment, a town of the world gazetteer in
the country the article names), a subdivision the text puts nowhere (the story's country, at low
confidence), and the state of a place a force is deployed to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lexicon import city_countries
from kg.extract.relations import ORGS, PLACE_NOUNS, PLACES, Context, country_of_place

if TYPE_CHECKING:
    from spacy.tokens import Span


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
            | PLACE_NOUNS
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
            while j >= sent.start and doc[j].lower_ in PLACE_NOUNS | {"the", "of"}:
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


def _towns_of_the_world(ctx: Context, placed: set[str]) -> None:
    """A town of the world gazetteer (``cities.tsv``) that the text puts nowhere lies in its
    country when the article names that country ("Kenitra" in a story about Morocco). A town the
    text already places ("Suffolk in Virginia") gets no country: the annotation states where
    the text puts a place, not every place that contains it."""
    towns = city_countries()
    for i, c in enumerate(ctx.cands):
        key = ctx.keys[i]
        if key is None or key in placed or ctx.cls(key) != "Place":
            continue
        if ctx.lex.places.get(key.lower()) or ctx.lex.places.get(c.name.lower()):
            continue
        home = towns.get(key.lower()) or towns.get(c.name.lower())
        if home and home in ctx.entities and ctx.cls(home) == "Country":
            ctx.emit(key, "locatedIn", home, ctx.doc[c.start].sent, "gaz.city.located.v1")
            placed.add(key)


def default_place_rules(ctx: Context) -> None:
    """A place the gazetteer does not know and the text puts in nothing lies in the country the
    story is set in ("joint training in the provinces of Manabí and Esmeraldas" in a story about
    Ecuador). Low confidence: the text implies it, it does not state it."""
    placed = {r.subject for r in ctx.relations if r.predicate == "locatedIn"}
    _towns_of_the_world(ctx, placed)
    main = ctx.default_country
    if not main or main not in ctx.entities:
        return
    towns = city_countries()
    for key, ent in ctx.entities.items():
        if ent.cls != "Place" or key in placed or not ent.mentions:
            continue
        if ctx.lex.places.get(key.lower()) or ctx.lex.country_of(key) or key.lower() in towns:
            continue  # a gazetteer knows where it is (maybe elsewhere)
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


def deploy_country_rules(ctx: Context) -> None:
    """A force sent to a place abroad is deployed to the state it lies in ("will deploy to Archers
    Post, in Samburu County" in Kenya -> deployedTo Kenya)."""
    for r in list(ctx.relations):
        if r.predicate != "deployedTo" or r.evidence.modality == "negated":
            continue
        if ctx.cls(r.object) != "Place":
            continue
        state = country_of_place(ctx, r.object)
        if not state or state == ctx.country(r.subject) or state not in ctx.entities:
            continue
        sent = ctx.doc.char_span(r.evidence.start, r.evidence.end, alignment_mode="expand")
        if sent is not None:
            ctx.emit(r.subject, "deployedTo", state, sent, "inherit.deploy.country.v1")
