"""The network view's data: the entities around one entity (depth 1–3) or of one document.

Nodes are chosen within a budget (past it the page would be a hairball), the most corroborated
neighbours first; the edges are every fact between two chosen nodes, with its document count.

The page's filters (confidence, date range, modality, document) are answered here, over every
statement of every edge: a fact passes when one of its statements does (confidence at least the
minimum, its modality among those ticked, its date, the event's or else the article's, within
the range, in the chosen document). SPARQL stops at the first statement that passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.rdf.vocab import MODALITIES, OBJECT_PROPERTIES, SYMMETRIC_PROPERTIES
from kg.views.explorer.common import (
    DOCUMENT_NS,
    ENTITY_NS,
    document_iri,
    entity_iri,
    has_fact_nodes,
    local,
    solutions,
    term,
    values,
)
from kg.views.explorer.facts import Fact, documents_info, entity_facts, fact_key, facts_among
from kg.views.explorer.index import LabelIndex

NODE_BUDGET = 150  # nodes drawn at most
DOCUMENTS_LISTED = 100  # documents offered by the document filter: those stating most edges
_OBJECT_LIST = ", ".join(f"kg:{name}" for name in OBJECT_PROPERTIES)
_SYMMETRIC_LIST = ", ".join(f"kg:{name}" for name in sorted(SYMMETRIC_PROPERTIES))


@dataclass
class Filters:
    """What the page's filters ask for (each checked by the route: ``pages._filters``)."""

    confidence: float = 0.0
    date_from: str = ""
    date_to: str = ""
    modalities: list[str] = field(default_factory=list)  # empty: every modality
    document: str = ""  # a document id

    @property
    def active(self) -> bool:
        return bool(
            self.confidence > 0
            or self.date_from
            or self.date_to
            or self.document
            or (self.modalities and set(self.modalities) != set(MODALITIES))
        )

    def condition(self) -> str:
        """The SPARQL condition on ``?c`` (confidence), ``?m``, ``?date``, ``?g``."""
        import pyoxigraph as ox

        parts = []
        if self.confidence > 0:
            parts.append(f"?c >= {self.confidence:.4f}")
        if self.modalities and set(self.modalities) != set(MODALITIES):
            listed = ", ".join(term(ox.Literal(m)) for m in self.modalities)
            parts.append(f"COALESCE(?m, 'asserted') IN ({listed})")
        if self.date_from:
            parts.append(f"BOUND(?date) && STR(?date) >= {term(ox.Literal(self.date_from))}")
        if self.date_to:
            parts.append(f"BOUND(?date) && STR(?date) <= {term(ox.Literal(self.date_to))}")
        if self.document:
            parts.append(f"?g = {term(document_iri(self.document))}")
        return " && ".join(f"({p})" for p in parts) or "true"


def _neighbours(source: Any, nodes: list[str]) -> list[Fact]:
    found: dict[tuple[str, str, str], Fact] = {}
    for node in nodes:
        for fact in entity_facts(source, node):
            if fact.object_iri:
                found[fact.key] = fact
    return list(found.values())


def _around(source: Any, index: LabelIndex, start: str, depth: int) -> list[str]:
    """The start and its neighbours out to ``depth`` steps, the most corroborated first, within
    the budget."""
    seen = [start]
    chosen = {start}
    frontier = [start]
    for _ in range(depth):
        if len(seen) >= NODE_BUDGET or not frontier:
            break
        best: dict[str, int] = {}
        for fact in _neighbours(source, frontier):
            for end in (fact.subject, fact.object_iri or ""):
                if end and end not in chosen and end.startswith(ENTITY_NS):
                    best[end] = max(best.get(end, 0), fact.documents)
        ranked = sorted(best, key=lambda e: (-best[e], index.name(e).casefold(), e))
        frontier = ranked[: NODE_BUDGET - len(seen)]
        seen += frontier
        chosen.update(frontier)
    return seen


def _document_facts(source: Any, iri: str) -> list[Fact]:
    """The facts between entities that one document states, with their document counts."""
    graph = f"GRAPH {term(iri)}"
    triples = (
        f"{graph} {{ ?s0 ?p ?o0 FILTER (isIRI(?o0) && ?p IN ({_OBJECT_LIST})) }} "
        f"BIND (?p IN ({_SYMMETRIC_LIST}) && STR(?o0) < STR(?s0) AS ?swap) "
        "BIND (IF(?swap, ?o0, ?s0) AS ?s) BIND (IF(?swap, ?s0, ?o0) AS ?o) "
    )
    if has_fact_nodes(source):
        text = (
            f"SELECT DISTINCT ?f ?s ?p ?o ?n WHERE {{ {triples} ?f a kg:Fact ; rdf:subject ?s ; "
            "rdf:predicate ?p ; rdf:object ?o ; kg:documentCount ?n }"
        )
        return [
            Fact(sol[1].value, sol[2].value, sol[3], int(sol[4].value), sol[0].value)
            for sol in solutions(source, text)
        ]
    mine = {
        (sol[0].value, sol[1].value, sol[2].value)
        for sol in solutions(source, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {triples} }}")
    }
    ends = sorted({e for s, _, o in mine for e in (s, o)})
    return [f for f in facts_among(source, ends) if f.key in mine]


def passing(source: Any, facts: list[Fact], filters: Filters) -> set[tuple[str, str, str]]:
    """The facts one of whose statements passes ``filters``.

    One query over the statements whose subject is an end of the facts, the filters applied by
    the store, the facts picked out here: a ``FILTER EXISTS`` per fact cost a scan each (about
    65 ms a fact on a 300-document store, minutes for a busy entity's network).
    """
    wanted = {fact.key for fact in facts}
    ends = sorted({end for fact in facts for end in (fact.subject, fact.object_iri) if end})
    condition = filters.condition()
    out: set[tuple[str, str, str]] = set()
    for start in range(0, len(ends), 200):
        chunk = values(["s"], [(e,) for e in ends[start : start + 200]])
        text = (
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ {chunk} "
            "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?g . "
            "OPTIONAL { ?st kg:confidence ?c } OPTIONAL { ?st kg:modality ?m } "
            "OPTIONAL { ?st kg:eventDate ?ed } OPTIONAL { ?g dcterms:date ?pd } "
            f"BIND (COALESCE(?ed, ?pd) AS ?date) FILTER ({condition}) }}"
        )
        for sol in solutions(source, text):
            key = fact_key(sol[0].value, sol[1].value, sol[2].value)
            if key in wanted:
                out.add(key)
    return out


def _documents(source: Any, facts: list[Fact]) -> list[dict[str, Any]]:
    """The documents that state the most of ``facts`` (for the document filter)."""
    counts: dict[str, int] = {}
    rows = [triple for fact in facts for triple in fact.directions()]
    db: Any = getattr(source, "_db", None)
    if hasattr(db, "quads_for_pattern"):
        # the embedded store: one index lookup a triple (the query: ~0.2 ms a triple)
        for s, p, o in rows:
            for quad in db.quads_for_pattern(s, p, o):
                graph = getattr(quad.graph_name, "value", "")
                if graph.startswith(DOCUMENT_NS):
                    counts[graph] = counts.get(graph, 0) + 1
        rows = []
    for start in range(0, len(rows), 200):
        chunk = values(["s", "p", "o"], rows[start : start + 200])
        text = (
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {chunk} "
            f'GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{DOCUMENT_NS}")) }} GROUP BY ?g'
        )
        for sol in solutions(source, text):
            counts[sol[0].value] = counts.get(sol[0].value, 0) + int(sol[1].value)
    top = sorted(counts, key=lambda g: (-counts[g], g))[:DOCUMENTS_LISTED]
    info = documents_info(source, top)
    return [
        {"id": info[g]["id"], "title": info[g]["title"] or info[g]["id"], "facts": counts[g]}
        for g in top
        if g in info
    ]


def network(
    source: Any,
    index: LabelIndex,
    slug: str | None,
    doc_id: str | None,
    depth: int = 1,
    filters: Filters | None = None,
) -> dict[str, Any] | None:
    """Nodes and edges around an entity or of one document; with ``filters``, each edge says
    whether it passes them (``shown``)."""
    title = "network"
    if slug:
        start = entity_iri(slug)
        if not index.knows(start):
            return None
        title = index.name(start)
        nodes = _around(source, index, start, max(1, min(depth, 3)))
        facts = [f for f in facts_among(source, nodes) if f.object_iri]
    elif doc_id:
        iri = document_iri(doc_id)
        info = documents_info(source, [iri]).get(iri)
        if info is None:
            return None
        title = info["title"] or doc_id
        facts = _document_facts(source, iri)
    else:
        return None
    facts.sort(key=lambda f: (-f.documents, f.key))
    shown = passing(source, facts, filters) if filters is not None and filters.active else None
    ends: dict[str, dict[str, Any]] = {}
    edges = []
    for fact in facts:
        for end in (fact.subject, fact.object_iri or ""):
            if end not in ends:
                item = index.entity(end)
                ends[end] = {
                    "id": item["slug"],
                    "label": item["label"],
                    "cls": (item["classes"] or ["Entity"])[0],
                    "documents": item["documents"],
                }
        edge = {
            "from": ends[fact.subject]["id"],
            "to": ends[fact.object_iri or ""]["id"],
            "property": local(fact.predicate),
            "documents": fact.documents,
        }
        if shown is not None:
            edge["shown"] = fact.key in shown
        edges.append(edge)
    if slug and not ends:
        item = index.entity(entity_iri(slug))
        ends[item["iri"]] = {
            "id": item["slug"],
            "label": item["label"],
            "cls": (item["classes"] or ["Entity"])[0],
            "documents": item["documents"],
        }
    return {
        "title": title,
        "entity": slug,
        "document": doc_id,
        "depth": depth,
        "budget": NODE_BUDGET,
        "nodes": list(ends.values()),
        "edges": edges,
        "modalities": list(MODALITIES),
        "documents": _documents(source, facts),
        "documentsListed": DOCUMENTS_LISTED,
        "filtered": shown is not None,
    }
