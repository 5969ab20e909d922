"""kg validate: SHACL shapes (domain/range, entities, provenance), readable report, exit codes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import SKOS
from test_store_kit import doc_quads, make_extraction

from kg.cli import main
from kg.rdf import terms
from kg.rdf.vocab import KG, PROV
from kg.store import open_graph, open_store, write_quads
from kg.views.validate import validate

DOC = terms.document_iri("peru-1")
TEXT = "U.S. Special Forces trained with the FOES in Lima, Peru."  # make_extraction's


def _iri(key: str) -> URIRef:
    return terms.entity_iri(key)


def _check(quads: list, tmp_path: Path):
    path = tmp_path / "g.trig"
    write_quads(quads, path)
    with open_graph(str(path)) as g:
        return validate(g)


def _base(**kwargs: object) -> list:
    return doc_quads(make_extraction(**kwargs))[1]


def test_a_built_graph_conforms(tmp_path: Path) -> None:
    result = _check(_base(), tmp_path)
    assert result.conforms, result.report
    assert result.report == "conforms: 0 violations, 0 warnings"


def test_subclasses_satisfy_domain_and_range(tmp_path: Path) -> None:
    quads = _base(
        entities=[
            ("Hugo", "Person", "Hugo", set()),
            ("Navy", "MilitaryUnit", "Navy", set()),
            ("Peru", "Country", "Peru", set()),
            ("Lima", "Place", "Lima", set()),
        ],
        relations=[
            ("Hugo", "worksFor", "Navy"),  # MilitaryUnit is an Organization
            ("Hugo", "leads", "Peru"),  # Organization or Country
            ("Navy", "affiliatedWith", "Peru"),
            ("Hugo", "affiliatedWith", "Peru"),  # Organization or Person
            ("Navy", "deployedTo", "Peru"),  # a Country is a Place
            ("Navy", "deployedTo", "Lima"),
            ("Peru", "trainsWith", "Navy"),
        ],  # a Country is an Agent
    )
    result = _check(quads, tmp_path)
    assert result.conforms, result.report


def test_wrong_range_is_reported_with_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quads = _base(
        entities=[("Hugo", "Person", "Hugo de Zela", set()), ("Lima", "Place", "Lima", set())],
        relations=[("Hugo", "worksFor", "Lima")],
    )
    path = tmp_path / "broken.trig"
    write_quads(quads, path)
    assert main(["validate", "--graph", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "does not conform: 1 violation, 0 warnings",
        f"- [Violation] Hugo de Zela <{_iri('Hugo')}>, kg:worksFor: the object of worksFor must be "
        f"an Organization (value: Lima <{_iri('Lima')}>)",
    ]


def test_wrong_domain(tmp_path: Path) -> None:
    quads = _base(
        entities=[("Lima", "Place", "Lima", set()), ("Peru", "Country", "Peru", set())],
        relations=[("Lima", "affiliatedWith", "Peru")],
    )
    result = _check(quads, tmp_path)
    assert [f.message for f in result.violations] == [
        "the subject of affiliatedWith must be an Organization or Person"
    ]


def test_entity_without_label_or_class(tmp_path: Path) -> None:
    quads = [
        q for q in _base() if not (q[0] == _iri("Lima") and q[1] in (SKOS.prefLabel, RDF.type))
    ]
    quads.append((_iri("Lima"), SKOS.altLabel, Literal("Lima city"), DOC))
    result = _check(quads, tmp_path)
    messages = {(f.focus, f.message) for f in result.violations}
    assert (str(_iri("Lima")), "an entity needs a skos:prefLabel") in messages
    assert (
        str(_iri("Lima")),
        "an entity needs one class among Person, Organization, "
        "GovernmentBody, MilitaryUnit, PoliceUnit, Country, Place, Event",
    ) in messages


def test_two_classes_or_labels_in_one_document(tmp_path: Path) -> None:
    quads = _base() + [
        (_iri("Lima"), RDF.type, KG.Country, DOC),
        (_iri("FOES"), SKOS.prefLabel, Literal("Fuerzas de Operaciones Especiales"), DOC),
    ]
    result = _check(quads, tmp_path)
    lines = [f.line() for f in result.violations]
    assert any("Lima" in x and "has 2 entity classes in document doc:peru-1" in x for x in lines)
    assert any("has 2 skos:prefLabel values in document doc:peru-1" in x for x in lines)


def test_a_documents_text_is_one_plain_string(tmp_path: Path) -> None:
    quads = _base()
    assert [q[2] for q in quads if q[1] == KG.text] == [Literal(TEXT)]  # as built
    for extra in (Literal("Another text."), Literal(3)):
        result = _check([*quads, (DOC, KG.text, extra, DOC)], tmp_path)
        messages = {f.message for f in result.violations if f.focus == str(DOC)}
        assert messages == {
            "a document has at most one kg:text, a plain string (the article as ingested)"
        }, result.report


def test_documents_may_disagree_on_a_label_with_a_warning(tmp_path: Path) -> None:
    a = _base(doc_id="doc-a")
    b = doc_quads(
        make_extraction(
            "doc-b",
            entities=[
                ("FOES", "MilitaryUnit", "Naval Special Operations Forces", {"FOES"}),
                ("Lima", "Place", "Lima", set()),
            ],
            relations=[("FOES", "basedIn", "Lima")],
        )
    )[1]
    result = _check(a + b, tmp_path)
    assert result.conforms, result.report
    assert [f.message for f in result.warnings] == [
        "documents give this entity different preferred labels"
    ]


def test_statement_provenance_is_checked(tmp_path: Path) -> None:
    quads = _base()
    st = next(q[0] for q in quads if q[1] == RDF.type and q[2] == RDF.Statement)
    broken = []
    for q in quads:
        if q[0] == st and q[1] in (KG.sentence, PROV.wasDerivedFrom):
            continue  # evidence sentence and document removed
        if q[0] == st and q[1] == KG.confidence:
            q = (st, KG.confidence, Literal(Decimal("1.5"), datatype=XSD.decimal), DOC)
        broken.append(q)
    result = _check(broken, tmp_path)
    messages = sorted(f.message for f in result.violations if f.focus == str(st))
    assert messages == [
        "a statement must be prov:wasDerivedFrom exactly one kg:Document",
        "a statement needs exactly one evidence kg:sentence (non-empty text)",
        "a statement needs exactly one kg:confidence, a decimal in [0, 1]",
    ]
    assert all(f.label.startswith("statement (") for f in result.violations if f.focus == str(st))


def test_fact_without_evidence_and_evidence_without_fact(tmp_path: Path) -> None:
    quads = _base()
    quads.append((_iri("FOES"), KG.deployedTo, _iri("Lima"), DOC))  # no rdf:Statement for it
    quads = [
        q for q in quads if q[:3] != (_iri("FOES"), KG.basedIn, _iri("Lima"))
    ]  # evidence stays
    result = _check(quads, tmp_path)
    messages = {f.message for f in result.violations}
    assert "a fact has no rdf:Statement with its provenance" in messages
    assert "the statement describes a triple that is not asserted in the graph" in messages


def test_validate_on_a_store_and_inferred_graph_is_ignored(tmp_path: Path, capsys) -> None:
    from kg.views.reason import materialise

    store = str(tmp_path / "s")
    with open_store(store) as s:
        s.replace_document(*doc_quads(make_extraction()))
        assert materialise(s, "owlrl").inferred > 0
    assert main(["validate", "--store", store]) == 0
    assert capsys.readouterr().out.startswith("conforms")


def test_missing_shapes_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "g.trig"
    write_quads(_base(), path)
    assert main(["validate", "--graph", str(path), "--shapes", str(tmp_path / "none.ttl")]) == 2
    assert (
        capsys.readouterr().err == f"error: input not found: {tmp_path / 'none.ttl'}. "
        "Give an existing file or folder of articles.\n"
    )
