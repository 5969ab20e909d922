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
from typing import Any

from kg import checks, errors
from kg.rdf.sparql import INFERRED_GRAPH
from kg.rdf.vocab import ENTITY, KG

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


def _subclasses(names: Sequence[str]) -> set[str]:
    """The IRIs of the given ontology classes and all their subclasses (from kg.ttl)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    from kg.rdf.vocab import ENTITY_CLASSES
    from kg.resources import ontology_file

    onto = Graph().parse(str(ontology_file()))
    known = set(ENTITY_CLASSES) | {"Agent"}
    result: set[str] = set()
    for name in names:
        if name not in known:
            raise errors.unknown_choice("type", name, sorted(known))
        root = URIRef(str(KG._NS) + name)
        result |= {str(c) for c in onto.transitive_subjects(RDFS.subClassOf, root)}
    return result


def resolve_documents(source: Any, wanted: Sequence[str]) -> list[Any]:
    """Resolve document names: a document IRI, its id, or the source it was built from.

    A source is matched as recorded, or as the resolved path of a file (kg records a file by
    its resolved path); never by a file name alone (``/elsewhere/report.md`` is not the
    ``report.md`` that was built). A source names every document built from it.

    Raises:
        InputError: a name matches no document of ``source``.
    """
    from rdflib import URIRef

    from kg.rdf.terms import document_iri

    docs = source.documents()
    present = {str(r["document"]) for r in docs}
    by_source: dict[str, list[str]] = {}
    for r in docs:
        if r["source"] is not None:
            by_source.setdefault(str(r["source"]), []).append(str(r["document"]))
    found: list[Any] = []
    for w in wanted:
        iri = str(document_iri(w)) if w.strip() else ""
        if w in present or iri in present:
            matches = [w if w in present else iri]
        else:
            matches = by_source.get(w) or (by_source.get(str(Path(w).resolve()), []) if w else [])
        if not matches:
            raise errors.no_document(w, source.location)
        for match in matches:
            if URIRef(match) not in found:
                found.append(URIRef(match))
    return found


def filtered_quads(source: Any, filters: Filters) -> Iterator[tuple[Any, Any, Any, Any]]:
    """Yield the quads of ``source`` that pass ``filters``, one document graph at a time."""
    from rdflib import URIRef

    inferred = URIRef(INFERRED_GRAPH)
    keep_docs = (
        {str(d) for d in resolve_documents(source, filters.documents)}
        if filters.documents
        else None
    )
    classes = _subclasses(filters.types) if filters.types else None
    by_graph: dict[Any, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for s, p, o, g in source.quads():
        if g == inferred and not filters.inferred:
            continue
        if keep_docs is not None and str(g) not in keep_docs:
            continue
        by_graph[g].append((s, p, o))
    for g in sorted(by_graph, key=lambda x: str(x)):
        triples = by_graph[g]
        if classes is not None or filters.min_confidence is not None:
            triples = _filter_graph(triples, classes, filters.min_confidence)
        for s, p, o in triples:
            yield s, p, o, g


def _filter_graph(
    triples: list[tuple[Any, Any, Any]], classes: set[str] | None, min_confidence: float | None
) -> list[tuple[Any, Any, Any]]:
    from rdflib import RDF, Literal

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
        return classes is None or bool(types[node] & classes)

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
        if min_confidence is not None and (conf is None or float(conf.toPython()) < min_confidence):
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
            if not is_fact or (s, p, o) in supported or (min_confidence is None and entity_kept(o)):
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
    from kg.store import write_quads

    count = write_quads(quads, path)
    unit = "triples" if ext in (".ttl", ".nt") else "quads"
    return f"{count} {unit} → {path}"


def to_networkx(quads: Iterable[tuple[Any, Any, Any, Any]]) -> Any:
    """Return a networkx MultiDiGraph: entities as nodes, facts as edges (keyed by property)."""
    import networkx as nx
    from rdflib import RDF, Literal
    from rdflib.namespace import SKOS

    entity_ns, kg_ns = str(ENTITY), str(KG._NS)
    labels: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    classes: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, set[str]] = defaultdict(set)
    facts: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    statements: dict[Any, dict[str, Any]] = defaultdict(dict)
    for s, p, o, g in quads:
        ss = str(s)
        if p in (RDF.subject, RDF.predicate, RDF.object, KG.confidence, KG.sentence):
            statements[s][str(p)] = o
            continue
        if not ss.startswith(entity_ns):
            continue
        if p == SKOS.prefLabel:
            labels[ss].add(str(o))
        elif p == SKOS.altLabel:
            aliases[ss].add(str(o))
        elif p == RDF.type and str(o).startswith(kg_ns):
            classes[ss].add(str(o)[len(kg_ns) :])
        elif p == KG.hasTitle and isinstance(o, Literal):
            titles[ss].add(str(o))
        elif str(p).startswith(kg_ns) and str(o).startswith(entity_ns):
            facts[(ss, str(p)[len(kg_ns) :], str(o))].add(str(g))
    best: dict[tuple[str, str, str], tuple[float, str]] = {}
    for parts in statements.values():
        key = (
            str(parts.get(str(RDF.subject))),
            str(parts.get(str(RDF.predicate)))[len(kg_ns) :],
            str(parts.get(str(RDF.object))),
        )
        conf = parts.get(str(KG.confidence))
        value = float(conf.toPython()) if conf is not None else 0.0
        if key not in best or value > best[key][0]:
            best[key] = (value, str(parts.get(str(KG.sentence), "")))
    g = nx.MultiDiGraph()
    for node in sorted(set(labels) | set(classes) | {k[0] for k in facts} | {k[2] for k in facts}):
        g.add_node(
            node,
            label=" / ".join(sorted(labels[node])) or node[len(entity_ns) :],
            cls=" ".join(sorted(classes[node])),
            aliases="; ".join(sorted(aliases[node])),
            titles="; ".join(sorted(titles[node])),
        )
    for (s, p, o), docs in sorted(facts.items()):
        conf, sentence = best.get((s, p, o), (0.0, ""))
        g.add_edge(s, o, key=p, label=p, documents=len(docs), confidence=conf, sentence=sentence)
    return g


def write_graphml(quads: Iterable[tuple[Any, Any, Any, Any]], path: Path) -> tuple[int, int]:
    """Write the entity network as GraphML, atomically; return (nodes, edges)."""
    import networkx as nx

    from kg.store.files import atomic as _atomic

    g = to_networkx(quads)
    with _atomic(path) as fh:
        nx.write_graphml(g, fh, encoding="utf-8")
    return g.number_of_nodes(), g.number_of_edges()
