# ruff: noqa: F811 - pytest fixtures are imported by name from the kit modules
"""Untrusted names and text in the graph layer: valid IRIs, clean literals, every format
round-trips.

Rows of issue 7 covered here:
- entity names with spaces, ``<>"{}|^\\```, newlines, control and bidi characters, NFC/NFD variants
  -> valid IRIs; NFC and NFD give the same entity; every export format round-trips on both stores;
- literals with lone surrogates, NUL and other C0 controls -> sanitised; every serializer works;
- names built to inject SPARQL -> stored verbatim, nothing else changes (both stores).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import INJECTION_NAMES, NASTY_CHARS, entity_names, hostile_text, nfc_nfd_pairs
from test_store_kit import any_store, sparql_server, store_location  # noqa: F401

from kg.rdf import quads as graph
from kg.rdf import safety, terms
from kg.rdf.vocab import ENTITY
from kg.records import Document, Entity, Evidence, Extraction, Relation

_IRI_SEGMENT = re.compile(r"[A-Za-z0-9\-._~%]+\Z")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_MORE = int(os.environ.get("KG_FUZZ_EXAMPLES", "0"))  # benchmarks/fuzz_long.py raises it
FUZZ = settings(
    max_examples=_MORE or 60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SLOW_FUZZ = settings(
    max_examples=_MORE or 12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# rdflib's own serializers warn about its deprecated Dataset API on every call.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _usable(name: str) -> bool:
    """Names that clean to nothing have no IRI (terms.slug raises ValueError, tested apart)."""
    return bool(re.sub(r"\s+", "", terms.clean_text(name)))


def hostile_extraction(names: list[str], text: str = "", doc_id: str = "doc one") -> Extraction:
    """A document whose every string field carries ``names`` (labels, aliases, sentence, title)."""
    names = [n for n in names if _usable(n)] or ["plain"]
    # Ingest sanitises article text (kg.ingest.items.RawItem); names and labels stay
    # hostile here, to test the graph layer's own defences.
    text = safety.sanitize_text(text or " ".join(names))
    doc = Document(doc_id, text, "file:///" + names[0], title=names[-1], published="2026-01-02")
    entities = [Entity(n, "Organization", n, {n + " alias", n.upper()}) for n in names]
    ev = Evidence(doc_id, names[0] + text, 0, len(text), "test.rule.v1", 0.5, "reported", names[-1])
    relations = [
        Relation(a, "cooperatesWith", b, ev) for a, b in zip(names, names[1:], strict=False)
    ]
    relations.append(Relation(names[0], "hasTitle", names[-1] + "\ud800", ev, literal=True))
    return Extraction(doc, entities, relations)


def _ox_set(quads: object) -> set[str]:
    from kg.rdf.terms import ox_quad

    return {str(ox_quad(q)) for q in quads}  # type: ignore[attr-defined]


# ---------------------------------------------------------------- IRIs


@FUZZ
@given(entity_names())
def test_any_name_gives_a_valid_iri_or_a_clear_refusal(name: str) -> None:
    import pyoxigraph as ox

    if not _usable(name):
        with pytest.raises(ValueError, match="empty name"):
            terms.entity_iri(name)
        return
    iri = str(terms.entity_iri(name))
    assert iri.startswith(str(ENTITY))
    assert _IRI_SEGMENT.match(iri[len(str(ENTITY)) :]), iri
    ox.NamedNode(iri)  # pyoxigraph validates IRIs strictly: raises ValueError on a bad one
    assert len(iri) < 250


@pytest.mark.parametrize("char", [c for c in NASTY_CHARS if not c.isspace()])
def test_each_nasty_character_is_encoded_in_the_iri(char: str) -> None:
    iri = str(terms.entity_iri("Acme" + char + "Corp"))
    assert _IRI_SEGMENT.match(iri[len(str(ENTITY)) :]), iri


def test_distinct_names_give_distinct_iris() -> None:
    # Percent-encoding must not merge names that differ only in a character it encodes.
    names = ["a<b", "a>b", "a%3Cb", "a b", "a_b", "a/b", "a?b", "a#b"]
    iris = {str(terms.entity_iri(n)) for n in names}
    # "a b" and "a_b" are the one documented fold (whitespace becomes "_").
    assert len(iris) == len(names) - 1


@FUZZ
@given(nfc_nfd_pairs())
def test_nfc_and_nfd_forms_are_one_entity(pair: tuple[str, str]) -> None:
    nfc, nfd = pair
    if not _usable(nfc):
        return
    assert terms.entity_iri(nfc) == terms.entity_iri(nfd)
    assert terms.clean_text(nfd) == terms.clean_text(nfc)


def test_nfc_and_nfd_documents_merge_in_a_store(tmp_path: Path) -> None:
    from kg.store import open_store

    nfc = unicodedata.normalize("NFC", "José Jerí")
    nfd = unicodedata.normalize("NFD", nfc)
    with open_store(str(tmp_path / "s")) as store:
        for doc_id, name in (("a", nfc), ("b", nfd)):
            ex = hostile_extraction([name, "Peru"], doc_id=doc_id)
            store.replace_document(terms.document_iri(doc_id), graph.extraction_quads(ex))
        rows = store.select(
            "SELECT DISTINCT ?e ?l WHERE { ?e a kg:Organization ; skos:prefLabel ?l }"
        )
    labels = {str(r["l"]) for r in rows if str(r["l"]) != "Peru"}
    assert labels == {nfc}
    assert len({r["e"] for r in rows}) == 2  # José Jerí and Peru, not three entities


# ---------------------------------------------------------------- literals


@FUZZ
@given(hostile_text(80))
def test_sanitized_text_is_legal_in_xml_and_stable(text: str) -> None:
    clean = safety.sanitize_text(text)
    assert not _XML_ILLEGAL.search(clean)
    assert clean == unicodedata.normalize("NFC", clean)
    assert safety.sanitize_text(clean) == clean  # idempotent
    clean.encode("utf-8")  # no lone surrogate left (would raise)


@FUZZ
@given(hostile_text(80))
def test_graph_literals_are_legal_in_xml(text: str) -> None:
    clean = terms.clean_text(text)
    assert not _XML_ILLEGAL.search(clean), repr(clean)
    clean.encode("utf-8")


def test_sanitize_keeps_real_characters_and_pairs() -> None:
    assert safety.sanitize_text("Caf\u0065\u0301 \U0001f600\n") == "Café \U0001f600\n"
    assert safety.sanitize_text("\ud83d\ude00") == "\U0001f600"  # a surrogate pair is joined
    assert safety.sanitize_text("a\ud800b") == "a\ufffdb"  # a lone half is replaced
    assert safety.sanitize_text("a\x00b\x1bc\x7fd\ufffe") == "abcd"
    assert safety.sanitize_text("a\tb\nc", keep_newlines=False) == "a b c"
    assert safety.sanitize_text(b"caf\xc3\xa9 \xff") == "café \ufffd"


# ---------------------------------------------------------------- every serializer


RDFLIB_DATASET_FORMATS = ("trig", "nquads", "json-ld", "trix")
RDFLIB_GRAPH_FORMATS = ("turtle", "nt", "xml", "n3", "json-ld")


def _check_rdflib_round_trip(ex: Extraction) -> None:
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic

    ds = graph.to_dataset([ex])
    gname = terms.document_iri(ex.document.id)
    for fmt in RDFLIB_DATASET_FORMATS:
        data = ds.serialize(format=fmt, encoding="utf-8")
        back = Dataset().parse(data=data, format=fmt)
        assert isomorphic(back.graph(gname), ds.graph(gname)), fmt
    g = Graph()
    for t in ds.graph(gname):
        g.add(t)
    for fmt in RDFLIB_GRAPH_FORMATS:
        data = g.serialize(format=fmt, encoding="utf-8")
        assert isomorphic(Graph().parse(data=data, format=fmt), g), fmt


def _check_oxigraph_round_trip(ex: Extraction) -> None:
    import pyoxigraph as ox

    from kg.rdf.terms import ox_quad

    quads = [ox_quad(q) for q in graph.extraction_quads(ex)]
    expected = {str(q) for q in quads}
    for fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
        data = ox.serialize(quads, format=fmt)
        assert {str(q) for q in ox.parse(data, format=fmt)} == expected, fmt
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    t_expected = {str(t) for t in triples}
    for fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML):
        data = ox.serialize(triples, format=fmt)
        assert {str(q.triple) for q in ox.parse(data, format=fmt)} == t_expected, fmt


def _check_cross_round_trip(ex: Extraction) -> None:
    """rdflib writes and pyoxigraph reads, and the other way round."""
    import pyoxigraph as ox
    from rdflib import Dataset

    from kg.rdf.terms import ox_quad

    ds = graph.to_dataset([ex])
    expected = _ox_set(graph.extraction_quads(ex))
    for fmt, oxfmt in (("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS)):
        data = ds.serialize(format=fmt, encoding="utf-8")
        assert {str(q) for q in ox.parse(data, format=oxfmt)} == expected, fmt
        back = Dataset().parse(
            data=ox.serialize([ox_quad(q) for q in graph.extraction_quads(ex)], format=oxfmt),
            format=fmt,
        )
        assert {str(ox_quad(q)) for q in back.quads((None, None, None, None))} == expected, fmt


@SLOW_FUZZ
@given(st.lists(entity_names(), min_size=1, max_size=4), hostile_text(80))
def test_hostile_documents_round_trip_through_every_serializer(names: list[str], text: str) -> None:
    ex = hostile_extraction(names, text)
    _check_rdflib_round_trip(ex)
    _check_oxigraph_round_trip(ex)
    _check_cross_round_trip(ex)


def test_every_nasty_character_round_trips_through_every_serializer() -> None:
    ex = hostile_extraction(["Acme" + c + "Corp" for c in NASTY_CHARS] + list(INJECTION_NAMES))
    _check_rdflib_round_trip(ex)
    _check_oxigraph_round_trip(ex)
    _check_cross_round_trip(ex)


@pytest.mark.parametrize("ext", [".trig", ".nq", ".jsonld", ".ttl", ".nt"])
def test_every_export_format_round_trips_on_both_stores(
    any_store: object, ext: str, tmp_path: Path
) -> None:
    from kg.store import load_file
    from kg.views.export import export

    ex = hostile_extraction(["Acme" + c + "Corp" for c in NASTY_CHARS] + list(INJECTION_NAMES))
    store = any_store
    store.replace_document(terms.document_iri(ex.document.id), graph.extraction_quads(ex))  # type: ignore[attr-defined]
    out = tmp_path / ("export" + ext)
    export(store, out)
    with load_file(out) as back:
        got = {(str(q[0]), str(q[1]), str(q[2])) for q in back.quads()}
    want = {(str(q[0]), str(q[1]), str(q[2])) for q in store.quads()}  # type: ignore[attr-defined]
    assert got == want
    if ext in (".trig", ".nq", ".jsonld"):
        with load_file(out) as back:
            assert _ox_set(back.quads()) == _ox_set(store.quads())  # type: ignore[attr-defined]


# ---------------------------------------------------------------- injection through data


@pytest.mark.parametrize("payload", INJECTION_NAMES)
def test_injection_names_are_stored_verbatim_and_change_nothing_else(
    any_store: object, payload: str
) -> None:
    store = any_store
    bystander = hostile_extraction(["Peru", "Lima"], doc_id="bystander")
    store.replace_document(terms.document_iri("bystander"), graph.extraction_quads(bystander))  # type: ignore[attr-defined]
    before = _ox_set(store.quads())  # type: ignore[attr-defined]

    ex = hostile_extraction([payload, "Acme"], doc_id=payload)
    doc_iri = terms.document_iri(payload)
    store.replace_document(doc_iri, graph.extraction_quads(ex))  # type: ignore[attr-defined]
    after = _ox_set(store.quads())  # type: ignore[attr-defined]
    assert before <= after  # the bystander document is intact
    assert after - before == _ox_set(graph.extraction_quads(ex))  # exactly the new document

    rows = store.select(  # type: ignore[attr-defined]
        "SELECT ?e WHERE { ?e skos:prefLabel ?label }", {"label": terms.clean_text(payload)}
    )
    assert [str(r["e"]) for r in rows] == [str(terms.entity_iri(payload))]

    store.remove_document(doc_iri)  # type: ignore[attr-defined]
    assert _ox_set(store.quads()) == before  # type: ignore[attr-defined]


def test_injection_through_kg_query_param_is_data(tmp_path: Path) -> None:
    from kg.cli import main
    from kg.store import open_store

    location = str(tmp_path / "s")
    payload = INJECTION_NAMES[0]
    with open_store(location) as store:
        ex = hostile_extraction([payload, "Acme"])
        store.replace_document(terms.document_iri("doc one"), graph.extraction_quads(ex))
        size = len(store)
    query = tmp_path / "by-label.rq"
    query.write_text("SELECT ?e WHERE { ?e skos:prefLabel ?label }\n", encoding="utf-8")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            [
                "query",
                "--store",
                location,
                str(query),
                "--format",
                "csv",
                "--param",
                f"label={payload}",
            ]
        )
    assert code == 0
    assert str(terms.entity_iri(payload)) in out.getvalue()
    with open_store(location) as store:
        assert len(store) == size
