"""The network view's data: the entities around one entity (depth 1–3) or of one document.

Nodes are chosen within a budget (past it the page would be a hairball), the neighbours named in
the most documents first; the edges are the facts between two chosen nodes, the focus's first,
within a budget too (the page says when it was reached), each with its document count. Every
query is bounded by the budgets (LIMIT) or reads index ranges of the focus's triples, so a hub
named in thousands of documents costs its budget, not its facts. The page's filters are
answered by ``kg.views.explorer.filters``.
"""

from __future__ import annotations

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
from kg.views.explorer.facts import (
    Fact,
    counted,
    documents_info,
    entity_facts,
    fact_key,
    facts_among,
)
from kg.views.explorer.filters import Filters, passing
from kg.views.explorer.index import LabelIndex
from kg.views.explorer.summaries import Summaries

__all__ = ["Filters", "network"]

NODE_BUDGET = 150  # nodes drawn at most
EDGE_BUDGET = 400  # facts drawn at most (the focus's first): past them, a hairball and slow
DOCUMENTS_READ = 10  # documents of each fact read for the document filter's list
DOCUMENTS_LISTED = 100  # documents offered by the document filter: those stating most edges
_OBJECT_LIST = ", ".join(f"kg:{name}" for name in OBJECT_PROPERTIES)
_SYMMETRIC_LIST = ", ".join(f"kg:{name}" for name in sorted(SYMMETRIC_PROPERTIES))
_OBJECT_VALUES = " ".join(f"kg:{name}" for name in OBJECT_PROPERTIES)


def _neighbours(
    source: Any, index: LabelIndex, nodes: list[str], chosen: set[str], room: int
) -> tuple[list[str], int]:
    """The best ``room`` entities one fact away from ``nodes`` and not ``chosen``, and how many
    were left out (at least).

    Around one entity: all its neighbours (index ranges of its triples: ~5,000 for a hub in
    ~50 ms), those named in the most documents first. Around several (the next steps): a share
    of the room for each, in their order, each share cut by the store (LIMIT): their
    neighbours all together may be most of the graph (~17,000 entities two steps from a typical
    entity of a 10,000-document store, over a second to list).
    """

    def order(e: str) -> tuple[Any, ...]:
        return -index.documents.get(e, 0), index.name(e).casefold(), e

    def mine(node: str, limit: int | None) -> list[str]:
        if not has_fact_nodes(source):
            ends = {e for f in entity_facts(source, node) for e in (f.subject, f.object_iri)}
            found = sorted((e for e in ends if e and e not in chosen and e != node), key=order)
            return found if limit is None else found[:limit]
        skip, me = ", ".join(term(e) for e in sorted(chosen | {node})), term(node)
        text = (
            f"SELECT DISTINCT ?x WHERE {{ {{ VALUES ?p {{ {_OBJECT_VALUES} }} {me} ?p ?x }} "
            f"UNION {{ VALUES ?p {{ {_OBJECT_VALUES} }} ?x ?p {me} }} "
            f"FILTER (?x NOT IN ({skip})) }}" + ("" if limit is None else f" LIMIT {limit}")
        )
        return [sol[0].value for sol in solutions(source, text)]

    if len(nodes) == 1:
        found = [e for e in mine(nodes[0], None) if e.startswith(ENTITY_NS)]
        return sorted(found, key=order)[:room], max(0, len(found) - room)
    share = max(1, -(-room // len(nodes)))
    picked: list[str] = []
    left = 0
    for node in nodes:
        if len(picked) >= room:
            left += 1  # (at least one neighbour of each node not read)
            continue
        found = [e for e in mine(node, share + 1) if e.startswith(ENTITY_NS) and e not in picked]
        taken = found[: min(share, room - len(picked))]
        left += len(found) - len(taken)
        picked += taken
    return picked, left


def _around(source: Any, index: LabelIndex, start: str, depth: int) -> tuple[list[str], int]:
    """The start and its neighbours out to ``depth`` steps within the budget (``_neighbours``),
    and the number of neighbours left out for the budget (at least)."""
    seen = [start]
    chosen = {start}
    frontier = [start]
    left = 0
    for _ in range(depth):
        if len(seen) >= NODE_BUDGET or not frontier:
            break
        frontier, more = _neighbours(source, index, frontier, chosen, NODE_BUDGET - len(seen))
        left += more
        seen += frontier
        chosen.update(frontier)
    return seen, left


def _edges(source: Any, nodes: list[str]) -> tuple[list[Fact], bool]:
    """The facts between two of ``nodes`` (the first is the focus), at most ``EDGE_BUDGET``,
    and whether there were more: the focus's facts first, then those of the others in the
    order of ``nodes``. Read from the merged graph's triples, each cut by LIMIT, so a
    hub's network costs its budget (the facts among a hub's 150 neighbours: over 10,000)."""
    if not has_fact_nodes(source):
        found = [f for f in facts_among(source, nodes) if f.object_iri]
        found.sort(key=lambda f: (nodes[0] not in (f.subject, f.object_iri), -f.documents, f.key))
        return found[:EDGE_BUDGET], len(found) > EDGE_BUDGET
    import pyoxigraph as ox

    focus = term(nodes[0])
    listed = ", ".join(term(n) for n in nodes)
    chunk = values(["s"], [(n,) for n in nodes])
    queries = [  # the focus's own facts, then the others' (LIMIT: the budget, and one more)
        f"SELECT ?s ?p ?o WHERE {{ {{ VALUES ?p {{ {_OBJECT_VALUES} }} {focus} ?p ?o "
        f"BIND ({focus} AS ?s) }} UNION {{ VALUES ?p {{ {_OBJECT_VALUES} }} ?s ?p {focus} "
        f"BIND ({focus} AS ?o) }} FILTER (?s IN ({listed}) && ?o IN ({listed})) }}",
        f"SELECT ?s ?p ?o WHERE {{ {chunk} VALUES ?p {{ {_OBJECT_VALUES} }} ?s ?p ?o "
        f"FILTER (?s != {focus} && ?o != {focus} && ?o IN ({listed})) }}",
    ]
    keys: dict[tuple[str, str, str], tuple[Any, Any, Any]] = {}
    cut = False
    for text in queries:
        room = EDGE_BUDGET - len(keys)
        rows = list(solutions(source, f"{text} LIMIT {room + 1}"))
        cut = len(rows) > room  # (or one fact stated both ways twice: drawn, and said)
        for sol in rows:
            s, p, o = sol[0], sol[1], sol[2]
            if not isinstance(o, ox.NamedNode):
                continue
            key = fact_key(s.value, p.value, o.value)
            if key not in keys and len(keys) < EDGE_BUDGET:
                keys[key] = (s, p, o)
        if cut:
            break
    return counted(source, list(keys.values())), cut


def _document_facts(source: Any, iri: str) -> list[Fact]:
    """The facts between entities that one document states, with their document counts."""
    graph = f"GRAPH {term(iri)}"
    triples = (
        f"{graph} {{ ?s0 ?p ?o0 FILTER (isIRI(?o0) && ?p IN ({_OBJECT_LIST})) }} "
        f"BIND (?p IN ({_SYMMETRIC_LIST}) && STR(?o0) < STR(?s0) AS ?swap) "
        "BIND (IF(?swap, ?o0, ?s0) AS ?s) BIND (IF(?swap, ?s0, ?o0) AS ?o) "
    )
    if has_fact_nodes(source):
        # the fact nodes by their IRI (a hash of the fact): joined by their subject, Oxigraph
        # went through the fact nodes of the document's busiest entities (26 s on 10,000
        # documents for a document naming a hub)
        text = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {triples} }}"
        return counted(source, [(sol[0], sol[1], sol[2]) for sol in solutions(source, text)])
    mine = {
        (sol[0].value, sol[1].value, sol[2].value)
        for sol in solutions(source, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {triples} }}")
    }
    ends = sorted({e for s, _, o in mine for e in (s, o)})
    return [f for f in facts_among(source, ends) if f.key in mine]


def _documents(source: Any, facts: list[Fact]) -> list[dict[str, Any]]:
    """The documents that state the most of ``facts`` (for the document filter)."""
    counts: dict[str, int] = {}
    rows = [triple for fact in facts for triple in fact.directions()]
    db: Any = getattr(source, "_db", None)
    if hasattr(db, "quads_for_pattern"):
        # the embedded store: one index lookup a triple (the query: ~0.2 ms a triple)
        for s, p, o in rows:
            read = 0
            for quad in db.quads_for_pattern(s, p, o):
                graph = getattr(quad.graph_name, "value", "")
                if graph.startswith(DOCUMENT_NS):
                    counts[graph] = counts.get(graph, 0) + 1
                    read += 1
                    if read >= DOCUMENTS_READ:  # a hub's fact: a thousand documents
                        break
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
    summaries: Summaries | None = None,
) -> dict[str, Any] | None:
    """Nodes and edges around an entity or of one document; with ``filters``, each edge says
    whether it passes them (``shown``)."""
    title = "network"
    cut, left = False, 0
    if slug:
        start = entity_iri(slug)
        if not index.knows(start):
            return None
        title = index.name(start)
        nodes, left = _around(source, index, start, max(1, min(depth, 3)))
        facts, cut = _edges(source, nodes)
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
    active = filters is not None and filters.active
    shown = passing(source, facts, filters, summaries) if filters is not None and active else None
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
        "edgeBudget": EDGE_BUDGET,
        "cut": cut,  # more facts between these entities than the edge budget
        "left": left,  # neighbours (within the depth) not drawn for the node budget
        "nodes": list(ends.values()),
        "edges": edges,
        "modalities": list(MODALITIES),
        "documents": _documents(source, facts),
        "documentsListed": DOCUMENTS_LISTED,
        "filtered": shown is not None,
    }
