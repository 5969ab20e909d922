"""The timeline: dated facts (``kg:eventDate`` of their statements) and publications, newest
first, of one entity or of the whole graph.

With the worker's summaries (``summaries.Summaries``: the number of items per date, of the graph
and of each entity named in many documents), a page reads the items of the dates it shows only.
Otherwise (the summaries not ready yet, an entity in few documents) each kind is sorted by date
and cut by the store (SPARQL ORDER BY, LIMIT): a sort of the dated items' dates, ~0.8 s for the
whole graph of 10,000 documents, 1.5-2 s for a hub's; a few ms for an entity in a few dozen.
Both give the same items in the same order (``tests/views/test_explorer_summaries.py``).
"""

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
from kg.views.explorer.summaries import Summaries, patterns


def _newest(source: Any, iri: str | None, kind: str, need: int) -> list[tuple[str, str, str]]:
    """(date, kind, item) of the ``need`` newest items of a kind, and every item of the oldest
    day among them: sorted by date (and LIMIT) by the store, the items of a day in order here,
    so that each page has the same order (sorting by the items' IRIs in the store, every IRI
    is read: 35 s for the whole timeline of a 10,000-document store, under load)."""
    pattern = patterns(iri, "?d")[kind]
    text = f"SELECT ?d ?x WHERE {{ {pattern} }} ORDER BY DESC(?d) LIMIT {need}"
    found = [(sol[0], sol[1].value) for sol in solutions(source, text)]
    if found and len(found) == need:  # the oldest day may have more items: all of them
        last = found[-1][0]
        found = [row for row in found if row[0] != last]
        text = f"SELECT ?x WHERE {{ {patterns(iri, str(last))[kind]} }}"
        found += [(last, sol[0].value) for sol in solutions(source, text)]
    return [(day.value, kind, x) for day, x in found]


def _order(row: tuple[str, str, str]) -> tuple[str, bool, str]:
    """The timeline's order, reversed: the newest date, an event before an article, the last
    item's IRI first."""
    return row[0], row[1] == "event", row[2]


def _day_patterns(iri: str | None, d: str) -> dict[str, str]:
    """``patterns`` for one date's term ``d``, the date's few items read first (an entity's
    statements or documents come after: a hub has thousands)."""
    if iri is None:
        return patterns(None, d)
    node = term(iri)
    return {
        "event": (
            f"?x kg:eventDate {d} . {{ ?x rdf:subject {node} }} UNION {{ ?x rdf:object {node} }} "
            f'FILTER (STRSTARTS(STR(?x), "{STATEMENT_NS}"))'
        ),
        "published": (
            f"?x dcterms:date {d} FILTER EXISTS {{ GRAPH ?x {{ {node} skos:prefLabel ?l }} }}"
        ),
    }


def day_items(
    source: Any, summaries: Summaries, iri: str | None, days: list[tuple[str, int]], page: int
) -> list[tuple[str, str, str]]:
    """(date, kind, item) of a page, from the number of items per date (newest first): the
    items of the dates the page covers are read, ordered, and cut where the page starts."""
    start, end = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    position, first, rows = 0, None, []
    for date, n in days:
        if position >= end:
            break
        if position + n > start:
            first = position if first is None else first
            for d in summaries.day_terms[date]:
                for kind, pattern in _day_patterns(iri, d).items():
                    text = f"SELECT ?x WHERE {{ {pattern} }}"
                    rows += [(date, kind, sol[0].value) for sol in solutions(source, text)]
        position += n
    rows.sort(key=_order, reverse=True)
    skip = start - (first or 0)
    return rows[skip : skip + PAGE_SIZE]


def timeline(
    source: Any,
    index: LabelIndex,
    slug: str | None = None,
    page: int = 1,
    summaries: Summaries | None = None,
) -> dict[str, Any] | None:
    """Dated facts and publications, newest first (an event before the article of its day)."""
    iri = entity_iri(slug) if slug else None
    if iri is not None and not index.knows(iri):
        return None
    days = summaries.timeline_days(iri) if summaries is not None else None
    if summaries is not None and days is not None:
        total = sum(n for _, n in days)
        shown = day_items(source, summaries, iri, days, page)
    else:
        total = 0
        for pattern in patterns(iri, "?d").values():
            counted = solutions(source, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
            total += int(next(iter(counted))[0].value)
        need = page * PAGE_SIZE
        rows = _newest(source, iri, "event", need) + _newest(source, iri, "published", need)
        rows.sort(key=_order, reverse=True)
        shown = rows[(page - 1) * PAGE_SIZE : need]
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
        **paged("/timeline", {"entity": slug}, page, pages(total, PAGE_SIZE)),
        "items": items,
    }


def _object(value: str) -> Any:
    """A statement's object as a term: an entity IRI, else hasTitle's literal."""
    import pyoxigraph as ox

    return ox.NamedNode(value) if value.startswith(ENTITY_NS) else ox.Literal(value)
