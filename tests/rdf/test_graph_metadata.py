"""Document metadata (author, canonical URL) and event dates as quads, safe for every syntax."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.rdf import quads as graph
from kg.rdf import terms
from kg.rdf.vocab import KG
from kg.records import Document, Entity, Evidence, Extraction, Relation

TEXT = "On Thursday the brigade trained with the Marines during UNITAS."


def _extraction(
    *, url: str | None = None, author: str | None = None, event_date: str | None = "2026-11-19"
) -> Extraction:
    doc = Document("d1", TEXT, "d1.txt", published="2026-11-20", author=author, url=url)
    ev = Evidence("d1", TEXT, 0, len(TEXT), "dep.train.v1", 0.9)
    dated = Evidence(
        "d1", TEXT, 0, len(TEXT), "dep.train.v1", 0.9, event_date=event_date,
        event_date_text="Thursday",
    )  # fmt: skip
    brigade = Entity("7th Brigade", "MilitaryUnit", "7th Brigade")
    marines = Entity("U.S. Marines", "MilitaryUnit", "U.S. Marines")
    unitas = Entity("UNITAS", "Event", "UNITAS", event_date="2026-11-19")
    rels = [
        Relation(brigade.key, "trainsWith", marines.key, dated),
        Relation(brigade.key, "participatesIn", unitas.key, ev),
    ]
    return Extraction(doc, [brigade, marines, unitas], rels)


def _triples(ex: Extraction) -> set[tuple[object, object, object]]:
    return {(s, p, o) for s, p, o, _ in graph.extraction_quads(ex)}


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://news.example.org/a/b?x=1", True),
        ("http://news.example.org:8080/a", True),
        ("https://例え.jp/記事", True),  # an IRI may hold non-ASCII letters
        ("https://news.example.org/a b", False),
        ('https://x.example/a"> <evil', False),
        ("https://x.example/{a}|^`\\", False),
        ("https://x.example/\u202eevil", False),
        ("javascript:alert(1)", False),
        ("ftp://x.example/a", False),
        ("https:///no-host", False),
        ("https://x.example:99999/", False),
        ("/relative/path", False),
        ("", False),
    ],
)
def test_only_well_formed_http_iris_become_schema_url(url: str, kept: bool) -> None:
    triples = _triples(_extraction(url=url))
    urls = [o for _, p, o in triples if p == terms.SCHEMA.url]
    assert urls == ([URIRef(url)] if kept else [])


def test_document_graph_serialises_and_parses_back_with_hostile_metadata() -> None:
    ex = _extraction(url='https://x.example/a"> <evil', author='Eve "<script>" ; \u202eBob')
    ds = graph.to_dataset([ex])
    for fmt in ("trig", "nquads"):
        back = Dataset().parse(data=ds.serialize(format=fmt), format=fmt)
        assert set(back.quads()) == set(ds.quads())
    creators = {o for _, p, o in _triples(ex) if p == DCTERMS.creator}
    assert creators == {Literal('Eve "<script>"'), Literal("Bob")}


def test_the_documents_text_is_kept_at_its_length_for_the_offsets() -> None:
    text = "Caf\u0065\u0301 line\r\nnext\rlast\x00\x1b end"
    doc = Document("d1", text, "d1.txt")
    (kept,) = [q[2] for q in graph.extraction_quads(Extraction(doc, [], [])) if q[1] == KG.text]
    # no NFC (the accent stays two characters), CRLF and CR become line ends XML keeps, a
    # control a space: one for one
    assert str(kept) == "Caf\u0065\u0301 line \nnext\nlast   end"
    assert len(kept) == len(text)


def test_fact_statement_carries_its_event_date_and_expression() -> None:
    ex = _extraction()
    triples = _triples(ex)
    st = terms.statement_iri("d1", ex.relations[0])
    assert (st, KG.eventDate, Literal("2026-11-19", datatype=XSD.date)) in triples
    assert (st, KG.eventDateText, Literal("Thursday")) in triples
    undated = terms.statement_iri("d1", ex.relations[1])
    assert not [o for s, p, o in triples if s == undated and p == KG.eventDate]


def test_event_entity_carries_its_date_and_other_classes_never_do() -> None:
    ex = _extraction()
    ex.entities[0].event_date = "2026-11-19"  # a unit is no event, whatever a stage says
    dated = {s for s, p, _ in _triples(ex) if p == KG.eventDate}
    assert terms.entity_iri("UNITAS") in dated
    assert terms.entity_iri("7th Brigade") not in dated


@pytest.mark.parametrize("bad", ["2026-02-30", "Thursday", "2026-11-19T10:00", "20261119"])
def test_a_malformed_date_is_left_out(bad: str) -> None:
    ex = _extraction(event_date=bad)
    ex.entities[2].event_date = bad
    assert not [o for _, p, o in _triples(ex) if p in (KG.eventDate, KG.eventDateText)]


# ---------------------------------------------------------------- SHACL


def _validate(ds: Dataset, tmp_path: Path):  # -> kg.views.validate.ValidationResult
    from kg.store import open_graph, write_quads
    from kg.views.validate import validate

    path = tmp_path / "g.trig"
    write_quads(list(ds.quads()), path)
    with open_graph(str(path)) as g:
        return validate(g)


def test_dated_graph_with_metadata_conforms_to_the_shapes(tmp_path: Path) -> None:
    ex = _extraction(url="https://news.example.org/a", author="Ana Torres; Luis Paz")
    result = _validate(graph.to_dataset([ex]), tmp_path)
    assert result.conforms, result.report
    assert result.findings == []


def test_shapes_reject_a_bad_event_date(tmp_path: Path) -> None:
    ex = _extraction()
    ds = graph.to_dataset([ex])
    g = ds.graph(terms.document_iri("d1"))
    st = terms.statement_iri("d1", ex.relations[0])
    g.add((st, KG.eventDate, Literal("2026-11-18", datatype=XSD.date)))  # two dates
    g.add((terms.entity_iri("UNITAS"), KG.eventDate, Literal("Thursday")))  # not an xsd:date
    g.add((terms.entity_iri("7th Brigade"), KG.eventDate, Literal("2026-11-19", datatype=XSD.date)))
    result = _validate(ds, tmp_path)
    assert not result.conforms
    messages = {f.message for f in result.violations}
    assert "a statement has at most one kg:eventDate, an xsd:date" in messages
    assert "kg:eventDate is an xsd:date" in messages
    assert "kg:eventDate is only given to a kg:Event or an rdf:Statement" in messages


def test_two_documents_dating_one_event_differently_is_only_a_warning(tmp_path: Path) -> None:
    first = _extraction()
    second = _extraction()
    second.entities[2].event_date = "2025-11-20"  # last year's edition of the exercise
    doc2 = Document("d2", TEXT, "d2.txt", published="2025-11-21")
    second = Extraction(
        doc2,
        second.entities,
        [Relation(r.subject, r.predicate, r.object, r.evidence) for r in second.relations],
    )
    result = _validate(graph.to_dataset([first, second]), tmp_path)
    assert result.conforms, result.report
    assert [f.message for f in result.warnings] == ["documents give this event different dates"]
