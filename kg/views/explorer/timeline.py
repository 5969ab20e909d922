"""The timeline: dated facts (``kg:eventDate`` of their statements) and publications, newest
first, of one entity or of the whole graph; sorted and paged by the store (SPARQL ORDER BY,
LIMIT), so a page costs one sort of the dated items, not a copy of them in each worker."""

from __future__ import annotations

from typing import Any

from kg.views.explorer.common import (
    ENTITY_NS,
    PAGE_SIZE,
    STATEMENT_NS,
    document_id,
    entity_iri,
    number,
    paged,
    pages,
    solutions,
    term,
)
from kg.views.explorer.facts import Fact, describe, documents_info, fact_link
from kg.views.explorer.index import LabelIndex


def _items(slug_iri: str | None) -> str:
    """The pattern of the dated items: ``?d`` a date, ``?kind`` event or published, ``?x`` the
    statement or the document."""
    statement = f'FILTER (STRSTARTS(STR(?x), "{STATEMENT_NS}"))'
    if slug_iri is None:
        return (
            f'{{ ?x kg:eventDate ?d {statement} BIND ("event" AS ?kind) }} UNION '
            '{ ?x a kg:Document ; dcterms:date ?d BIND ("published" AS ?kind) }'
        )
    node = term(slug_iri)
    return (
        f"{{ {{ ?x rdf:subject {node} }} UNION {{ ?x rdf:object {node} }} ?x kg:eventDate ?d "
        f'{statement} BIND ("event" AS ?kind) }} UNION '
        f"{{ {{ SELECT DISTINCT ?x WHERE {{ GRAPH ?x {{ {node} skos:prefLabel ?l }} }} }} "
        '?x a kg:Document ; dcterms:date ?d BIND ("published" AS ?kind) }'
    )


def timeline(
    source: Any, index: LabelIndex, slug: str | None = None, page: int = 1
) -> dict[str, Any] | None:
    """Dated facts and publications, newest first (an event before the article of its day)."""
    iri = entity_iri(slug) if slug else None
    if iri is not None and not index.knows(iri):
        return None
    pattern = _items(iri)
    counted = solutions(source, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    total = int(next(iter(counted))[0].value)
    text = (
        f"SELECT ?d ?kind ?x WHERE {{ {pattern} }} ORDER BY DESC(?d) ?kind DESC(?x) "
        f"LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"
    )
    shown = [(sol[0].value, sol[1].value, sol[2].value) for sol in solutions(source, text)]
    evidence = describe(source, [x for _, kind, x in shown if kind == "event"])
    docs = documents_info(
        source,
        sorted(
            {x for _, kind, x in shown if kind == "published"}
            | {e["document"] for e in evidence.values()}
        ),
    )
    items = []
    for date, kind, x in shown:
        if kind == "published":
            items.append({"date": date, "kind": kind, "doc": docs.get(x, {"id": document_id(x)})})
            continue
        ev = evidence.get(x)
        if ev is None or not all(ev["triple"]):
            continue
        s, p, o = ev["triple"]
        item = fact_link(index, Fact(s, p, _object(o), 0))
        del item["documents"], item["id"]
        item.update(
            date=date,
            kind=kind,
            sentence=ev["sentence"],
            modality=ev["modality"],
            confidence=round(number(ev["confidence"]), 3),
            doc=docs.get(ev["document"], {"id": document_id(ev["document"])}),
        )
        items.append(item)
    return {
        "entity": index.entity(iri) if iri else None,
        "total": total,
        **paged("/timeline", {"entity": slug}, page, pages(total)),
        "items": items,
    }


def _object(value: str) -> Any:
    """A statement's object as a term: an entity IRI, else hasTitle's literal."""
    import pyoxigraph as ox

    return ox.NamedNode(value) if value.startswith(ENTITY_NS) else ox.Literal(value)
