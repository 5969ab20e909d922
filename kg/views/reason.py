"""Materialise what the ontology's axioms imply, into a separate inferred graph.

The reasoner (``owlrl``: RDFS or OWL 2 RL semantics) runs over the entities' types and facts plus
``kg/ontology/kg.ttl``. Of its output we keep what is news about the entities: a type (``rdf:type``
from subclasses, domains and ranges) or a kg property (the other direction of a symmetric fact,
the transitive closure of ``partOf``). Those triples go into the graph
``https://w3id.org/newskg/graph/inferred``, replaced as a whole on each run; asserted facts stay
in their document graphs, and queries leave the inferred graph out unless asked
(``Store.include_inferred``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg import errors
from kg.rdf.sparql import INFERRED_GRAPH
from kg.rdf.vocab import ENTITY, KG
from kg.resources import ontology_file

PROFILES = ("rdfs", "owlrl")


@dataclass(frozen=True)
class ReasonReport:
    profile: str
    asserted: int
    inferred: int
    changed: bool

    def __str__(self) -> str:
        state = "updated" if self.changed else "unchanged"
        return (
            f"{self.inferred} inferred triples ({self.profile}) from {self.asserted} asserted "
            f"entity triples → graph <{INFERRED_GRAPH}> {state}"
        )


def _entity_graph(source: Any) -> Any:
    """The entities' types and facts (statements, labels and metadata add nothing to infer)."""
    from rdflib import RDF, Graph, URIRef

    inferred = URIRef(INFERRED_GRAPH)
    kg_ns = str(KG._NS)
    g = Graph()
    for s, p, o, name in source.quads():
        if name == inferred or not str(s).startswith(str(ENTITY)):
            continue
        if (p == RDF.type and str(o).startswith(kg_ns)) or (
            str(p).startswith(kg_ns) and isinstance(o, URIRef)
        ):
            g.add((s, p, o))
    return g


def infer(source: Any, profile: str = "rdfs") -> tuple[int, set[tuple[Any, Any, Any]]]:
    """Return (number of asserted entity triples, the new entity triples the axioms imply)."""
    import owlrl
    from rdflib import RDF, Graph, URIRef

    if profile not in PROFILES:
        raise errors.unknown_choice("reasoning profile", profile, list(PROFILES))
    asserted = _entity_graph(source)
    closure = Graph()
    for t in asserted:
        closure.add(t)
    closure.parse(str(ontology_file()))
    semantics = owlrl.RDFS_Semantics if profile == "rdfs" else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    entity = str(ENTITY)
    kept = set()
    for s, p, o in closure:
        if not isinstance(s, URIRef) or not str(s).startswith(entity) or (s, p, o) in asserted:
            continue
        if (
            (
                p == RDF.type
                and isinstance(o, URIRef)
                and not str(o).startswith(
                    ("http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#")
                )
            )
            or str(p).startswith(str(KG._NS))
            and isinstance(o, URIRef)
            and o != s
        ):
            kept.add((s, p, o))
    return len(asserted), kept


def materialise(store: Any, profile: str = "rdfs") -> ReasonReport:
    """Recompute the inferred graph of ``store`` (one transaction) and report what it holds."""
    from rdflib import URIRef

    asserted, triples = infer(store, profile)
    g = URIRef(INFERRED_GRAPH)
    changed = store.replace_document(g, [(s, p, o, g) for s, p, o in sorted(triples)])
    return ReasonReport(profile, asserted, len(triples), changed)
