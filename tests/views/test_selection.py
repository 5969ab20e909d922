"""One selection, two filters: the RDF triples (export) and the networkx graph keep the same
facts."""

from __future__ import annotations

import pytest
import viz_sample as sample
from rdflib import URIRef

from kg.rdf.terms import document_iri
from kg.rdf.vocab import ENTITY, KG, PROPERTIES, SYMMETRIC_PROPERTIES
from kg.views.export import filter_triples
from kg.views.network import filter_network, to_networkx
from kg.views.selection import Selection

Fact = tuple[str, str, str]
PERU_2 = str(document_iri("peru-2"))


def _fact(s: str, prop: str, o: str) -> Fact:
    if prop in SYMMETRIC_PROPERTIES:
        s, o = sorted((s, o))
    return s, prop, o


def _rdf_facts(keep: Selection) -> set[Fact]:
    """The facts left in the RDF triples, filtered graph by graph as ``kg export`` does."""
    ds = sample.dataset()
    entity_ns, kg_ns = str(ENTITY), str(KG._NS)
    facts = set()
    for graph in ds.graphs():
        if not keep.keeps_document(str(graph.identifier)):
            continue
        for s, p, o in filter_triples(list(graph), keep):
            prop = str(p)[len(kg_ns) :]
            if (
                isinstance(o, URIRef)
                and str(s).startswith(entity_ns)
                and str(o).startswith(entity_ns)
                and str(p).startswith(kg_ns)
                and prop in PROPERTIES
            ):
                facts.add(_fact(str(s), prop, str(o)))
    return facts


def _network_facts(keep: Selection) -> set[Fact]:
    H = filter_network(to_networkx(sample.dataset()), keep)
    return {_fact(u, k, v) for u, v, k in H.edges(keys=True)}


@pytest.mark.parametrize(
    "keep",
    [
        Selection(),
        Selection(classes=frozenset({"MilitaryUnit", "GovernmentBody"})),
        Selection(min_confidence=0.5),
        Selection(min_confidence=0.8),
        Selection(classes=frozenset({"MilitaryUnit", "Person", "Country"}), min_confidence=0.5),
        Selection(documents=frozenset({PERU_2})),
        Selection(documents=frozenset({PERU_2}), min_confidence=0.6),
    ],
    ids=["all", "classes", "conf-0.5", "conf-0.8", "classes+conf", "document", "document+conf"],
)
def test_rdf_and_network_filters_keep_the_same_facts(keep: Selection) -> None:
    assert _rdf_facts(keep) == _network_facts(keep)


def test_the_selection_is_not_vacuous() -> None:
    everything = _network_facts(Selection())
    assert len(everything) == 7  # trainsWith, stated both ways, is one fact
    assert _network_facts(Selection(min_confidence=0.8)) == {
        _fact(sample.iri("US Special Forces"), "trainsWith", sample.iri("FOES")),
        _fact(sample.iri("Congress of Peru"), "authorizes", sample.iri("US Special Forces")),
        _fact(sample.iri("Lima"), "locatedIn", sample.iri("Peru")),
    }
    assert _rdf_facts(Selection(classes=frozenset({"MilitaryUnit"}))) == {
        _fact(sample.iri("US Special Forces"), "trainsWith", sample.iri("FOES")),
        _fact(sample.iri("FOES"), "cooperatesWith", sample.iri("US Special Forces")),
    }


def test_the_predicates() -> None:
    keep = Selection(since="2026-02-01", until="2026-02-28", min_confidence=0.5)
    assert keep.selects_evidence and not Selection(classes=frozenset({"Person"})).selects_evidence
    assert keep.keeps_date("2026-02-20T10:00:00Z") and not keep.keeps_date("2026-01-10")
    assert not keep.keeps_date(None) and Selection().keeps_date(None)
    assert keep.keeps_confidence(0.5) and not keep.keeps_confidence(0.49)
    assert not keep.keeps_confidence(None) and Selection().keeps_confidence(None)
    assert Selection(classes=frozenset({"Person"})).keeps_class(["Agent", "Person"])
    assert not Selection(classes=frozenset({"Person"})).keeps_class(["Place"])
