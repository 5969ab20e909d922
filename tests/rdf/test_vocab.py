"""The closed namespace and the Turtle ontology list the same terms, with labels and comments."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg import resources
from kg.rdf.vocab import ENTITY_CLASSES, KG, PROPERTIES, SYMMETRIC_PROPERTIES, TRANSITIVE_PROPERTIES


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file())


def _terms(g: Graph) -> set[URIRef]:
    ns = str(KG._NS)
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}


def test_namespace_and_ontology_agree(ontology: Graph) -> None:
    declared = {URIRef(str(KG._NS) + name) for name in KG.__annotations__}
    assert _terms(ontology) == declared


def test_misspelled_term_fails() -> None:
    with pytest.raises(AttributeError):
        KG.trainWith  # noqa: B018


def test_every_term_has_label_and_comment(ontology: Graph) -> None:
    for term in _terms(ontology):
        assert ontology.value(term, RDFS.label), term
        assert ontology.value(term, RDFS.comment), term


def test_required_classes_and_properties(ontology: Graph) -> None:
    for cls in ENTITY_CLASSES:
        assert (KG[cls], RDF.type, OWL.Class) in ontology
    for prop in PROPERTIES:
        assert ontology.value(KG[prop], RDFS.domain), prop
        assert ontology.value(KG[prop], RDFS.range), prop
    for prop in SYMMETRIC_PROPERTIES:
        assert (KG[prop], RDF.type, OWL.SymmetricProperty) in ontology
    for prop in TRANSITIVE_PROPERTIES:
        assert (KG[prop], RDF.type, OWL.TransitiveProperty) in ontology
    assert (KG.hasTitle, RDF.type, OWL.DatatypeProperty) in ontology
