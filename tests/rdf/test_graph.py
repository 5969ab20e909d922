"""Records → quads: deterministic IRIs, one named graph per document, provenance on every fact."""

from __future__ import annotations

import unicodedata

import pytest
from rdflib import RDF, Dataset, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from kg.rdf import quads as graph
from kg.rdf import terms
from kg.rdf.vocab import KG, PROV
from kg.records import Document, Entity, Evidence, Extraction, Relation


def _extraction(
    text: str = "U.S. Special Forces train with FOES.", doc_id: str = "a1"
) -> Extraction:
    doc = Document(doc_id, text, f"{doc_id}.txt", title="Title", published="2026-01-02")
    ev = Evidence(doc_id, text, 0, len(text), "dep.train.v1", 0.87)
    us = Entity("U.S. Special Forces", "MilitaryUnit", "U.S. Special Forces", {"US Special Forces"})
    foes = Entity(
        "Naval Special Operations Forces",
        "MilitaryUnit",
        "Naval Special Operations Forces",
        {"FOES"},
    )
    rel = Relation(us.key, "trainsWith", foes.key, ev)
    title = Relation(us.key, "hasTitle", "Commander", ev, literal=True)
    return Extraction(doc, [us, foes], [rel, title])


def _dataset(*extractions: Extraction) -> Dataset:
    return graph.to_dataset(extractions)


def test_same_input_gives_isomorphic_datasets() -> None:
    a, b = _dataset(_extraction()), _dataset(_extraction())
    assert set(a.quads()) == set(b.quads())


def test_one_named_graph_per_document() -> None:
    ds = _dataset(_extraction(doc_id="a1"), _extraction(doc_id="a2"))
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {str(terms.document_iri("a1")), str(terms.document_iri("a2"))}


def test_rebuilding_a_document_replaces_its_graph() -> None:
    first = _extraction("U.S. Special Forces train with FOES.")
    second = _extraction("U.S. Special Forces train with FOES again.")
    ds = _dataset(first, second)
    g = ds.graph(terms.document_iri("a1"))
    hashes = list(g.objects(terms.document_iri("a1"), KG.contentHash))
    assert hashes == [Literal(second.document.sha256)]


def test_fact_has_provenance() -> None:
    ds = _dataset(_extraction())
    g = ds.graph(terms.document_iri("a1"))
    s = terms.entity_iri("U.S. Special Forces")
    o = terms.entity_iri("Naval Special Operations Forces")
    assert (s, KG.trainsWith, o) in g
    (stmt,) = list(g.subjects(RDF.object, o))
    assert g.value(stmt, RDF.subject) == s
    assert g.value(stmt, RDF.predicate) == KG.trainsWith
    assert g.value(stmt, PROV.wasDerivedFrom) == terms.document_iri("a1")
    assert str(g.value(stmt, KG.sentence)) == "U.S. Special Forces train with FOES."
    assert int(g.value(stmt, KG.startOffset)) == 0
    assert float(g.value(stmt, KG.confidence)) == pytest.approx(0.87)
    assert str(g.value(stmt, KG.extractor)) == "dep.train.v1"


def test_entity_labels_and_class() -> None:
    g = _dataset(_extraction()).graph(terms.document_iri("a1"))
    foes = terms.entity_iri("Naval Special Operations Forces")
    assert g.value(foes, RDF.type) == KG.MilitaryUnit
    assert g.value(foes, SKOS.prefLabel) == Literal("Naval Special Operations Forces")
    assert set(g.objects(foes, SKOS.altLabel)) == {Literal("FOES")}


def test_title_is_a_string_literal() -> None:
    g = _dataset(_extraction()).graph(terms.document_iri("a1"))
    assert (terms.entity_iri("U.S. Special Forces"), KG.hasTitle, Literal("Commander")) in g


def test_negated_fact_is_not_asserted() -> None:
    ex = _extraction()
    ev = Evidence("a1", "X did not train with Y.", 0, 5, "dep.train.v1", 0.9, modality="negated")
    ex.relations[:] = [Relation(ex.entities[0].key, "trainsWith", ex.entities[1].key, ev)]
    g = _dataset(ex).graph(terms.document_iri("a1"))
    assert not list(g.triples((None, KG.trainsWith, None)))
    assert not list(g.triples((None, RDF.type, RDF.Statement)))


def test_symmetric_fact_kept_once() -> None:
    ex = _extraction()
    rel = ex.relations[0]
    ex.relations.append(Relation(rel.object, rel.predicate, rel.subject, rel.evidence))
    g = _dataset(ex).graph(terms.document_iri("a1"))
    assert len(list(g.triples((None, KG.trainsWith, None)))) == 1


@pytest.mark.parametrize(
    "name",
    ['x" } } ; DROP ALL ; #', "a <b> {c} |d| ^e `f`", "line\nbreak", "bidi\u202eevil", "tab\there"],
)
def test_iris_are_safe_for_every_syntax(name: str) -> None:
    iri = str(terms.entity_iri(name))
    assert all(c.isascii() and c.isprintable() and c not in '<>"{}|^`\\ ' for c in iri)
    ds = Dataset()
    ds.graph(terms.document_iri("d")).add((terms.entity_iri(name), SKOS.prefLabel, Literal(name)))
    for fmt in ("trig", "nquads"):
        back = Dataset().parse(data=ds.serialize(format=fmt), format=fmt)
        assert isomorphic(back.graph(terms.document_iri("d")), ds.graph(terms.document_iri("d")))


def test_nfc_and_nfd_names_give_the_same_iri() -> None:
    name = "José Jerí"
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    assert terms.entity_iri(nfd) == terms.entity_iri(name)


def test_long_names_stay_distinct() -> None:
    a, b = "x" * 300 + "a", "x" * 300 + "b"
    assert terms.entity_iri(a) != terms.entity_iri(b)
    assert len(str(terms.entity_iri(a))) < 200


def test_empty_name_is_rejected() -> None:
    with pytest.raises(ValueError):
        terms.slug("  \n ")


def test_literals_lose_control_characters_and_lone_surrogates() -> None:
    assert terms.clean_text("a\x00b\x07c") == "a b c"
    assert "\ud800" not in terms.clean_text("bad\ud800text")


def test_merge_evidence_is_kept_on_the_entity() -> None:
    ex = _extraction()
    ex.entities[1].merges = ["'FOES' -> 'Naval Special Operations Forces': acronym defined"]
    g = _dataset(ex).graph(terms.document_iri("a1"))
    foes = terms.entity_iri("Naval Special Operations Forces")
    assert list(g.objects(foes, KG.mergeEvidence)) == [
        Literal("'FOES' -> 'Naval Special Operations Forces': acronym defined")
    ]
