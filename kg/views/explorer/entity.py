"""The entity and fact pages: an entity's facts by property, a fact's sentences; both paged.

An entity's first page shows, for each property, how many facts it has and its
``FACTS_PER_PROPERTY`` most corroborated ones, each with its best sentences; a property's whole
list is paged at ``/entity/SLUG?property=NAME&page=N``. The counts are one counting query, and
each list is sorted and cut by the store (``facts.property_facts``), so a hub named in thousands
of documents costs a page of facts, not all of its facts (``benchmarks/bench_explorer.py``).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from kg.views.explorer.common import (
    DOCUMENT_NS,
    EVIDENCE_DOCUMENTS,
    EVIDENCE_SHOWN,
    FACTS_PER_PROPERTY,
    PAGE_SIZE,
    document_id,
    entity_iri,
    highlight,
    paged,
    pages,
    solutions,
    term,
)
from kg.views.explorer.facts import (
    describe,
    documents_info,
    fact_counts,
    fact_link,
    fact_node,
    labels_of,
    property_facts,
    statements,
    with_evidence,
)
from kg.views.explorer.index import LabelIndex
from kg.views.explorer.summaries import Summaries


def entity_page(
    source: Any,
    index: LabelIndex,
    slug: str,
    page: int = 1,
    prop: str | None = None,
    summaries: Summaries | None = None,
) -> dict[str, Any] | None:
    """An entity: classes, labels with merge evidence, and its facts with evidence, grouped by
    property: the first ``FACTS_PER_PROPERTY`` of each, or (``prop``) one property's page (an
    entity in many documents: its facts' order from the worker's summaries)."""
    iri = entity_iri(slug)
    if not index.knows(iri):
        return None
    node = term(iri)
    out = index.entity(iri)
    pref, alt = index.label_sets.get(iri, (set(), set()))
    out["labels"] = sorted(pref)
    out["aliases"] = sorted(alt - pref)
    dated = solutions(source, f"SELECT DISTINCT ?v WHERE {{ {node} kg:eventDate ?v }}")
    out["eventDates"] = sorted(sol[0].value for sol in dated)
    out["merges"] = merges(source, iri)
    counts = fact_counts(source, iri)
    out["factCount"] = sum(counts.values())
    out["property"] = prop
    out["evidenceDocuments"] = EVIDENCE_DOCUMENTS  # a fact's sentences read from so many
    url = "/entity/" + str(out["slug"])
    if prop is None:  # the first page: a few facts of every property
        wanted = [(p, FACTS_PER_PROPERTY, 0) for p in sorted(counts)]
        out.update(paged(url, {}, 1, 1))
    else:
        wanted = [(prop, PAGE_SIZE, (page - 1) * PAGE_SIZE)]
        out.update(paged(url, {"property": prop}, page, pages(counts.get(prop, 0), PAGE_SIZE)))
    kept = summaries.partners if summaries is not None else {}
    chosen = [
        (p, property_facts(source, index, iri, p, size, skip, kept.get((iri, p))))
        for p, size, skip in wanted
    ]
    shown = [fact for _, found in chosen for fact in found]
    marks = out["labels"] + out["aliases"]
    items = iter(with_evidence(source, index, shown, EVIDENCE_SHOWN, marks, EVIDENCE_DOCUMENTS))
    out["groups"] = []
    for p, found in chosen:
        listed = []
        for fact in found:
            item = next(items)
            item["direction"] = "out" if fact.subject == iri else "in"
            listed.append(item)
        total = counts.get(p, 0)
        more = None
        if prop is None and total > len(found):  # the property's own pages
            more = url + "?" + urllib.parse.urlencode({"property": p})
        out["groups"].append({"property": p, "total": total, "facts": listed, "more": more})
    return out


def merges(source: Any, iri: str) -> list[dict[str, Any]]:
    """Why each alias was merged into the entity: the note, a document saying so, how many."""
    text = (
        "SELECT ?note (MIN(STR(?g)) AS ?doc) (COUNT(DISTINCT ?g) AS ?n) WHERE { "
        f"GRAPH ?g {{ {term(iri)} kg:mergeEvidence ?note }} "
        f'FILTER (STRSTARTS(STR(?g), "{DOCUMENT_NS}")) }} GROUP BY ?note ORDER BY ?note'
    )
    return [
        {
            "note": sol[0].value,
            "document": sol[1].value,
            "documentId": document_id(sol[1].value),
            "documents": int(sol[2].value),
        }
        for sol in solutions(source, text)
    ]


def fact_page(
    source: Any,
    index: LabelIndex,
    hash_id: str,
    page: int = 1,
    summaries: Summaries | None = None,
) -> dict[str, Any] | None:
    """A fact and every sentence that states it (paged), most confident first (a fact stated
    by many documents: its statements in that order from the worker's summaries)."""
    fact = fact_node(source, hash_id)
    if fact is None:
        return None
    out = fact_link(index, fact)
    every = summaries.evidence.get(fact.key) if summaries is not None else None
    if every is None:
        every = statements(source, [fact]).get(fact.key, [])
    out["statements"] = len(every)
    out["confidence"] = round(every[0][0], 3) if every else 0.0
    out.update(paged("/fact/" + hash_id, {}, page, pages(len(every), PAGE_SIZE)))
    picked = [st for _, st in every[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    described = describe(source, picked)
    docs = documents_info(source, sorted({e["document"] for e in described.values()}))
    names = labels_of(index, fact.subject) + (
        labels_of(index, fact.object_iri) if fact.object_iri else []
    )
    out["evidence"] = []
    for st in picked:
        ev = described.get(st)
        if ev is None:
            continue
        ev["doc"] = docs.get(ev["document"], {"id": document_id(ev["document"])})
        ev["segments"] = highlight(ev["sentence"], names)
        s, p, o = ev.pop("triple")
        ev["reversed"] = bool(s and s != fact.subject)  # the other direction of a symmetric fact
        out["evidence"].append(ev)
    return out
