"""``kg export``: write a store, or a part of it, as TriG, N-Quads, Turtle, JSON-LD or GraphML.

Filters work per document graph and keep the graph self-consistent (so the export still passes
``kg validate``): ``--type`` keeps entities of those classes (subclasses included) and the facts
between kept entities; ``--min-confidence`` keeps the evidence at or above the threshold and the
facts that still have evidence; ``--document`` keeps only those documents. Without filters an
export is an exact copy: re-importing it gives an isomorphic dataset.

GraphML (for Gephi or networkx) has one node per entity (label, class, aliases, titles) and one
edge per fact (property, number of supporting documents, best confidence, one sentence).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg import checks, errors
from kg.rdf.sparql import INFERRED_GRAPH
from kg.rdf.vocab import ENTITY, ENTITY_CLASSES, KG
from kg.resources import ontology_file
from kg.store import write_quads
from kg.store.files import atomic
from kg.views.documents import resolve_documents, store_documents
from kg.views.network import from_quads
from kg.views.selection import Selection

if TYPE_CHECKING:
    import networkx as nx

EXPORT_EXTENSIONS = (".trig", ".nq", ".ttl", ".nt", ".jsonld", ".graphml")
STATEMENT_CLASS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"


@dataclass
class Filters:
    """What to keep; empty filters keep everything."""

    documents: Sequence[str] = ()
    types: Sequence[str] = ()
    min_confidence: float | None = None
    inferred: bool = False

    def active(self) -> bool:
        return bool(self.documents or self.types or self.min_confidence is not None)


def _subclasses(names: Sequence[str]) -> frozenset[str]:
    """The local names of the given ontology classes and all their subclasses (from kg.ttl)."""
    onto = Graph().parse(str(ontology_file()))
    known = set(ENTITY_CLASSES) | {"Agent"}
    kg_ns = str(KG._NS)
    result: set[str] = set()
    for name in names:
        if name not in known:
            raise errors.unknown_choice("type", name, sorted(known))
        root = URIRef(kg_ns + name)
        result |= {_local(c) for c in onto.transitive_subjects(RDFS.subClassOf, root)}
    return frozenset(result)


def _local(iri: Any) -> str:
    """The kg local name of ``iri`` (the whole IRI when it is not in kg's namespace)."""
    text, kg_ns = str(iri), str(KG._NS)
    return text[len(kg_ns) :] if text.startswith(kg_ns) else text


def selection_of(source: Any, filters: Filters) -> Selection:
    """The :class:`Selection` that ``filters`` make on ``source`` (documents resolved, classes
    expanded to their subclasses)."""
    docs = (
        frozenset(resolve_documents(store_documents(source), filters.documents, source.location))
        if filters.documents
        else None
    )
    return Selection(
        classes=_subclasses(filters.types) if filters.types else None,
        documents=docs,
        min_confidence=filters.min_confidence,
    )


def filtered_quads(source: Any, filters: Filters) -> Iterator[tuple[Any, Any, Any, Any]]:
    """Yield the quads of ``source`` that pass ``filters``, one document graph at a time."""
    inferred = URIRef(INFERRED_GRAPH)
    keep = selection_of(source, filters)
    by_graph: dict[Any, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for s, p, o, g in source.quads():
        if g == inferred and not filters.inferred:
            continue
        if not keep.keeps_document(str(g)):
            continue
        by_graph[g].append((s, p, o))
    for g in sorted(by_graph, key=lambda x: str(x)):
        triples = by_graph[g]
        if keep.classes is not None or keep.min_confidence is not None:
            triples = filter_triples(triples, keep)
        for s, p, o in triples:
            yield s, p, o, g


def filter_triples(
    triples: list[tuple[Any, Any, Any]], keep: Selection
) -> list[tuple[Any, Any, Any]]:
    """The triples of one document graph that ``keep`` selects, still self-consistent: a statement
    is kept when its confidence and both its ends pass; a fact when one of its statements is kept
    (or, without a confidence bound, when both its ends pass); an entity when its class passes.
    Its document part is applied by the caller, graph by graph; an export selects no dates or
    properties."""
    entity_ns, kg_ns = str(ENTITY), str(KG._NS)
    types: dict[Any, set[str]] = defaultdict(set)
    statements: dict[Any, dict[str, Any]] = defaultdict(dict)
    for s, p, o in triples:
        if p == RDF.type:
            types[s].add(str(o))
        if p in (RDF.subject, RDF.predicate, RDF.object, KG.confidence):
            statements[s][str(p)] = o

    def entity_kept(node: Any) -> bool:
        if isinstance(node, Literal) or not str(node).startswith(entity_ns):
            return True
        return keep.keeps_class(_local(t) for t in types[node])

    kept_statements = set()
    supported = set()
    for st, parts in statements.items():
        if STATEMENT_CLASS not in types[st]:
            continue
        s, p, o = (
            parts.get(str(RDF.subject)),
            parts.get(str(RDF.predicate)),
            parts.get(str(RDF.object)),
        )
        conf = parts.get(str(KG.confidence))
        if not keep.keeps_confidence(None if conf is None else float(conf.toPython())):
            continue
        if entity_kept(s) and entity_kept(o):
            kept_statements.add(st)
            supported.add((s, p, o))

    out = []
    for s, p, o in triples:
        if STATEMENT_CLASS in types.get(s, ()):
            if s in kept_statements:
                out.append((s, p, o))
        elif str(s).startswith(entity_ns):
            if not entity_kept(s):
                continue
            is_fact = str(p).startswith(kg_ns)
            if (
                not is_fact
                or (s, p, o) in supported
                or (keep.min_confidence is None and entity_kept(o))
            ):
                out.append((s, p, o))
        else:
            out.append((s, p, o))  # document metadata and anything else
    return out


def export(source: Any, path: str | Path, filters: Filters | None = None) -> str:
    """Write ``source`` (filtered) to ``path``; the format comes from the extension.

    Returns:
        A one-line summary for the CLI.
    """
    path = Path(path)
    filters = filters or Filters()
    ext = path.suffix.lower()
    if ext not in EXPORT_EXTENSIONS:
        raise errors.unknown_format(str(path), list(EXPORT_EXTENSIONS))
    if filters.min_confidence is not None:
        checks.confidence(filters.min_confidence)
    quads = filtered_quads(source, filters)
    if ext == ".graphml":
        nodes, edges = write_graphml(quads, path)
        return f"{nodes} entities, {edges} facts → {path}"
    count = write_quads(quads, path)
    unit = "triples" if ext in (".ttl", ".nt") else "quads"
    return f"{count} {unit} → {path}"


def graphml_graph(quads: Iterable[tuple[Any, Any, Any, Any]]) -> nx.MultiDiGraph:
    """The entity graph (``kg.views.network``) with GraphML's plain attributes: a node's label,
    class, aliases and titles as text; an edge keyed by its property with the number of documents
    stating it, its best confidence and that evidence's sentence."""
    import networkx as nx  # where used: ``kg --help`` does not need it

    G = from_quads(quads)
    out = nx.MultiDiGraph()
    for node, d in G.nodes(data=True):
        out.add_node(
            node,
            label=d["label"],
            cls=d["cls"],
            aliases="; ".join(d["aliases"]),
            titles="; ".join(d["titles"]),
        )
    for u, v, k, d in G.edges(keys=True, data=True):
        best = d["evidence"][0] if d["evidence"] else {}
        out.add_edge(
            u,
            v,
            key=k,
            label=k,
            documents=len(d["documents"]),
            confidence=d["confidence"] or 0.0,
            sentence=best.get("sentence") or "",
        )
    return out


def write_graphml(quads: Iterable[tuple[Any, Any, Any, Any]], path: Path) -> tuple[int, int]:
    """Write the entity network as GraphML, atomically; return (nodes, edges)."""
    import networkx as nx

    g = graphml_graph(quads)
    with atomic(path, shared=True) as fh:
        nx.write_graphml(g, fh, encoding="utf-8")
    return g.number_of_nodes(), g.number_of_edges()
