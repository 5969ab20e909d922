"""RDF → networkx: the graph of entities and facts that the page, the analytics and notebooks use.

``to_networkx`` accepts a kg store (anything with ``quads()``), an rdflib ``Dataset`` or
``ConjunctiveGraph`` (all named graphs, as a union), or a plain rdflib ``Graph`` such as the result
of a SPARQL CONSTRUCT. It returns a ``networkx.MultiDiGraph``:

- one node per entity, keyed by its IRI (a string), with the attributes ``label``, ``cls`` (the
  ontology class local name), ``aliases``, ``titles`` (``hasTitle`` values) and ``documents``;
- one edge per fact (not one per piece of evidence), keyed by the property local name, with the
  attributes ``property``, ``symmetric``, ``confidence`` (the highest of its evidence, or None),
  ``evidence_count``, ``documents`` and ``evidence`` (a list of plain dicts: sentence, document
  IRI, title, date, confidence, rule, modality, offsets). A symmetric fact is one edge whatever
  the direction in which documents stated it;
- ``G.graph["documents"]``: document IRI → ``{"title", "date", "source"}``.

Only strings, numbers, lists and dicts are stored, so the graph pickles, serialises to JSON and
feeds pandas directly.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from kg.rdf.vocab import ENTITY_CLASSES, KG, PROPERTIES, SYMMETRIC_PROPERTIES
from kg.views.selection import Selection

if TYPE_CHECKING:
    import networkx as nx

_KG = str(KG._NS)
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = _RDF + "type"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

_CLASS_IRIS = {_KG + c: c for c in ENTITY_CLASSES}
_PROPERTY_IRIS = {_KG + p: p for p in PROPERTIES}
#: When documents disagree on an entity's class, the more specific class wins a tie.
_SPECIFICITY = {
    c: i
    for i, c in enumerate(
        [
            "MilitaryUnit",
            "PoliceUnit",
            "GovernmentBody",
            "Country",
            "Person",
            "Event",
            "Place",
            "Organization",
        ]
    )
}
_STATEMENT_FIELDS = {
    _RDF + "subject": "s",
    _RDF + "predicate": "p",
    _RDF + "object": "o",
    _PROV_DERIVED: "document",
    _KG + "sentence": "sentence",
    _KG + "confidence": "confidence",
    _KG + "extractor": "rule",
    _KG + "modality": "modality",
    _KG + "startOffset": "start",
    _KG + "endOffset": "end",
    _KG + "attributedTo": "attributed_to",
    _KG + "eventDate": "event_date",
}
_DOCUMENT_FIELDS = {_DCT + "title": "title", _DCT + "date": "date", _DCT + "source": "source"}

UNKNOWN_CLASS = "Unknown"


@dataclass
class _Acc:
    """What is collected in one pass over the quads before the graph is assembled."""

    classes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    labels: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    aliases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    entity_docs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    facts: dict[tuple[str, str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    titles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    statements: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)


def to_networkx(source: Any) -> nx.MultiDiGraph:
    """Return the entity graph of ``source``.

    Args:
        source: A kg store (has ``quads()``), an rdflib Dataset/ConjunctiveGraph, an rdflib Graph
            (e.g. a CONSTRUCT result), or an iterable of ``(s, p, o[, g])`` rdflib terms.

    Returns:
        A MultiDiGraph with typed nodes and property-keyed edges, see the module docstring.
    """
    rows = _store_rows(source)
    if rows is not None:
        return _from_plain(rows)
    return from_quads(_iter_quads(source))


def from_quads(quads: Iterable[tuple[Any, ...]]) -> nx.MultiDiGraph:
    """Build the entity graph from ``(s, p, o)`` or ``(s, p, o, g)`` tuples of rdflib terms."""
    from rdflib import Literal

    acc = _Acc()
    for quad in quads:
        g = quad[3] if len(quad) > 3 else None
        _collect(
            acc,
            str(quad[0]),
            str(quad[1]),
            quad[2],
            isinstance(quad[2], Literal),
            None if g is None else str(g),
        )
    return _assemble(acc)


def _from_plain(rows: Iterable[tuple[str, str, str, bool, str | None]]) -> nx.MultiDiGraph:
    acc = _Acc()
    for s, p, o, literal, g in rows:
        _collect(acc, s, p, o, literal, g)
    return _assemble(acc)


_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def _store_rows(source: Any) -> Iterator[tuple[str, str, str, bool, str | None]] | None:
    """Read an Oxigraph-backed store through its raw results: plain strings, no rdflib terms.

    About six times faster than ``quads()`` (which builds rdflib terms); None when ``source``
    has no such path (another backend), so the caller falls back to ``quads()``.
    """
    try:
        import pyoxigraph as ox
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        return None
    raw = getattr(source, "raw", None)
    if raw is None:
        return None
    result = raw(_ALL_QUADS)
    if not isinstance(result, ox.QuerySolutions):
        return None

    def rows() -> Iterator[tuple[str, str, str, bool, str | None]]:
        for sol in result:
            o, g = sol[2], sol[3]
            yield (
                sol[0].value,
                sol[1].value,
                o.value,
                isinstance(o, ox.Literal),
                None if g is None else g.value,
            )

    return rows()


def _iter_quads(source: Any) -> Iterator[tuple[Any, ...]]:
    from rdflib import Graph
    from rdflib.graph import ConjunctiveGraph

    if isinstance(source, ConjunctiveGraph):  # Dataset is a subclass: the union of its graphs
        for s, p, o, g in source.quads((None, None, None, None)):
            yield s, p, o, getattr(g, "identifier", g)
    elif isinstance(source, Graph):
        for s, p, o in source:
            yield s, p, o, None
    elif hasattr(source, "quads"):
        yield from source.quads()
    else:
        yield from source


def _collect(acc: _Acc, s: str, p: str, o: Any, literal: bool, g: str | None) -> None:
    if p == _RDF_TYPE:
        cls = _CLASS_IRIS.get(str(o))
        if cls:
            acc.classes[s][cls] += 1
            if g:
                acc.entity_docs[s].add(g)
        elif str(o) == _KG + "Document":
            acc.documents.setdefault(s, {"title": None, "date": None, "source": None})
        return
    if p == _SKOS + "prefLabel":
        acc.labels[s][str(o)] += 1
    elif p == _SKOS + "altLabel":
        acc.aliases[s].add(str(o))
    elif p in _PROPERTY_IRIS:
        name = _PROPERTY_IRIS[p]
        if name == "hasTitle":
            acc.titles[s].add(str(o))
        elif literal:
            return  # a malformed fact: an entity property with a string object
        acc.facts[(s, name, str(o))].add(g or "")
    elif p in _STATEMENT_FIELDS:
        acc.statements[s][_STATEMENT_FIELDS[p]] = o
    elif p in _DOCUMENT_FIELDS:
        acc.documents.setdefault(s, {"title": None, "date": None, "source": None})
        acc.documents[s][_DOCUMENT_FIELDS[p]] = str(o)


def _assemble(acc: _Acc) -> nx.MultiDiGraph:
    import networkx as nx

    G = nx.MultiDiGraph()
    G.graph["documents"] = {k: dict(v) for k, v in sorted(acc.documents.items())}
    for iri in sorted(set(acc.classes) | set(acc.labels)):
        _add_entity(G, acc, iri)

    evidence = _evidence_by_fact(acc)
    for (s, prop, o), graphs in sorted(acc.facts.items()):
        if prop == "hasTitle":
            continue
        for iri in (s, o):
            if iri not in G:
                _add_entity(G, acc, iri)
        u, v = _edge_ends(G, s, prop, o)
        data = G.get_edge_data(u, v, key=prop)
        if data is None:
            G.add_edge(
                u,
                v,
                key=prop,
                property=prop,
                symmetric=prop in SYMMETRIC_PROPERTIES,
                evidence=[],
                documents=set(),
            )
            data = G.get_edge_data(u, v, key=prop)
        data["evidence"].extend(evidence.get((s, prop, o), []))
        data["documents"].update(g for g in graphs if g)
    for _, _, data in G.edges(data=True):
        _finish_edge(G, data)
    return G


def _add_entity(G: nx.MultiDiGraph, acc: _Acc, iri: str) -> None:
    classes = acc.classes.get(iri)
    if classes:
        cls = min(classes, key=lambda c: (-classes[c], _SPECIFICITY.get(c, 99)))
    else:
        cls = UNKNOWN_CLASS
    labels = acc.labels.get(iri)
    label = min(labels, key=lambda x: (-labels[x], x)) if labels else _label_from_iri(iri)
    aliases = (set(labels or ()) | acc.aliases.get(iri, set())) - {label}
    G.add_node(
        iri,
        label=label,
        cls=cls,
        aliases=sorted(aliases, key=str.casefold),
        titles=sorted(acc.titles.get(iri, ())),
        documents=sorted(acc.entity_docs.get(iri, ())),
    )


def _label_from_iri(iri: str) -> str:
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return unquote(tail).replace("_", " ") or iri


def _edge_ends(G: nx.MultiDiGraph, s: str, prop: str, o: str) -> tuple[str, str]:
    """Return the direction to store a fact in; a symmetric fact reuses an existing reverse edge."""
    if prop in SYMMETRIC_PROPERTIES and G.has_edge(o, s, key=prop):
        return o, s
    return s, o


def _evidence_by_fact(acc: _Acc) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for iri, st in sorted(acc.statements.items()):
        if "s" not in st or "p" not in st or "o" not in st:
            continue
        prop = _PROPERTY_IRIS.get(str(st["p"]))
        if prop is None:
            continue
        doc = str(st["document"]) if st.get("document") is not None else None
        meta = acc.documents.get(doc or "", {})
        out[(str(st["s"]), prop, str(st["o"]))].append(
            {
                "statement": iri,
                "sentence": _text(st.get("sentence")),
                "document": doc,
                "title": meta.get("title"),
                "date": meta.get("date"),
                "confidence": _number(st.get("confidence")),
                "rule": _text(st.get("rule")),
                "modality": _text(st.get("modality")),
                "attributed_to": _text(st.get("attributed_to")),
                "event_date": _text(st.get("event_date")),
                "start": _int(st.get("start")),
                "end": _int(st.get("end")),
            }
        )
    return out


def _finish_edge(G: nx.MultiDiGraph, data: dict[str, Any]) -> None:
    ev = data["evidence"]
    ev.sort(key=lambda e: (-(e["confidence"] or 0.0), e["date"] or "", e["statement"]))
    docs = set(data["documents"]) | {e["document"] for e in ev if e["document"]}
    data["documents"] = sorted(docs)
    data["evidence_count"] = len(ev)
    confs = [e["confidence"] for e in ev if e["confidence"] is not None]
    data["confidence"] = max(confs) if confs else None


def _text(term: Any) -> str | None:
    return None if term is None else str(term)


def _number(term: Any) -> float | None:
    return _parsed(term, float)


def _int(term: Any) -> int | None:
    return _parsed(term, int)


def _parsed(term: Any, kind: Callable[[str], Any]) -> Any:
    """The literal's value as ``kind`` (None when absent or malformed)."""
    if term is None:
        return None
    try:
        return kind(str(term))
    except ValueError:
        return None


# ---------------------------------------------------------------- filters


def normalise_name(name: str) -> str:
    """Return ``name`` folded for matching: NFKD without accents, case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def find_entities(G: nx.MultiDiGraph, name: str) -> list[str]:
    """Return the nodes whose IRI, label or an alias matches ``name`` (exact after folding).

    Falls back to labels that contain ``name`` when nothing matches exactly.
    """
    want = normalise_name(name)
    exact, partial = [], []
    for n, d in G.nodes(data=True):
        names = [d.get("label", ""), *d.get("aliases", [])]
        folded = [normalise_name(x) for x in names]
        if n == name or want in folded:
            exact.append(n)
        elif want and any(want in f for f in folded):
            partial.append(n)
    return sorted(exact or partial, key=lambda n: (-G.degree(n), n))


def filter_graph(
    G: nx.MultiDiGraph,
    *,
    types: Iterable[str] | None = None,
    properties: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    min_confidence: float = 0.0,
) -> nx.MultiDiGraph:
    """Return a copy of ``G`` restricted to some classes, properties, documents and evidence.

    Evidence is kept when it comes from one of ``documents`` (IRIs), its document is dated within
    ``since``..``until`` (ISO dates, inclusive; an undated document is left out when a bound is
    given), and its confidence is at least ``min_confidence``. A fact is kept when some of its
    evidence is, or, when no evidence filter is given, always. Entities are kept when their class
    is in ``types`` (all when None) and, under an evidence or property filter, when they still take
    part in a fact or are declared in one of ``documents``.
    """
    keep = Selection(
        classes=frozenset(types) if types else None,
        properties=frozenset(properties) if properties else None,
        documents=frozenset(documents) if documents else None,
        since=since or None,
        until=until or None,
        min_confidence=min_confidence if min_confidence > 0 else None,
    )
    return filter_network(G, keep)


def filter_network(G: nx.MultiDiGraph, keep: Selection) -> nx.MultiDiGraph:
    """Return a copy of ``G`` restricted to ``keep`` (see :func:`filter_graph`)."""
    import networkx as nx

    meta = G.graph.get("documents", {})

    def keep_evidence(e: dict[str, Any]) -> bool:
        date = e.get("date") or meta.get(e.get("document") or "", {}).get("date")
        return keep.keeps_evidence(e["document"], date, e["confidence"])

    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    if keep.documents is not None:
        H.graph["documents"] = {k: v for k, v in meta.items() if k in keep.documents}
    for n, d in G.nodes(data=True):
        if keep.keeps_class((d.get("cls", ""),)):
            H.add_node(n, **d)
    for u, v, k, d in G.edges(keys=True, data=True):
        if u not in H or v not in H or not keep.keeps_property(k):
            continue
        if keep.selects_evidence:
            ev = [e for e in d["evidence"] if keep_evidence(e)]
            if not ev:
                continue
            d = dict(d, evidence=ev, evidence_count=len(ev))
            d["documents"] = sorted({e["document"] for e in ev if e["document"]})
            confs = [e["confidence"] for e in ev if e["confidence"] is not None]
            d["confidence"] = max(confs) if confs else None
        H.add_edge(u, v, key=k, **d)
    if keep.selects_evidence or keep.properties is not None:
        docs = keep.documents or frozenset()
        lonely = [
            n
            for n in H
            if H.degree(n) == 0 and not docs.intersection(H.nodes[n].get("documents", ()))
        ]
        H.remove_nodes_from(lonely)
    return H


def neighbourhood(G: nx.MultiDiGraph, centres: Iterable[str], depth: int) -> nx.MultiDiGraph:
    """Return the subgraph of nodes within ``depth`` hops of ``centres``, ignoring direction."""
    seen = set(centres)
    frontier = set(seen)
    for _ in range(max(depth, 0)):
        nxt = set()
        for n in frontier:
            nxt.update(G.successors(n))
            nxt.update(G.predecessors(n))
        frontier = nxt - seen
        seen |= frontier
        if not frontier:
            break
    return G.subgraph(seen).copy()


def most_connected(G: nx.MultiDiGraph, budget: int) -> list[str]:
    """Return at most ``budget`` nodes forming the most connected part of ``G``.

    Components are taken largest first; inside the component that does not fit whole, nodes are
    grown from its best-connected node, always adding the best-connected neighbour next, so the
    part kept stays connected.
    """
    import heapq

    import networkx as nx

    if G.number_of_nodes() <= budget:
        return list(G.nodes)
    U = G.to_undirected(as_view=True)
    kept: list[str] = []
    components = sorted(nx.connected_components(U), key=lambda c: (-len(c), min(c)))
    for comp in components:
        room = budget - len(kept)
        if room <= 0:
            break
        if len(comp) <= room:
            kept.extend(sorted(comp))
            continue
        start = max(comp, key=lambda n: (U.degree(n), n))
        chosen = {start}
        heap = [(-U.degree(m), m) for m in U.neighbors(start)]
        heapq.heapify(heap)
        while heap and len(chosen) < room:
            _, m = heapq.heappop(heap)
            if m in chosen:
                continue
            chosen.add(m)
            for nb in U.neighbors(m):
                if nb not in chosen:
                    heapq.heappush(heap, (-U.degree(nb), nb))
        kept.extend(sorted(chosen))
    return kept


def simple_undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """Collapse ``G`` into a simple undirected graph; ``weight`` counts the facts between a pair."""
    import networkx as nx

    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    for u, v in G.edges():
        if u == v:
            continue
        if U.has_edge(u, v):
            U[u][v]["weight"] += 1
        else:
            U.add_edge(u, v, weight=1)
    return U
