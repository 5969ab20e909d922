"""kg validate's SPARQL engine reports what pyshacl (the reference) reports, for every constraint.

One deliberately broken graph per kind of constraint used in ``kg/ontology/shapes.ttl``; a new
kind of constraint in the shapes without a broken graph here fails
``test_every_kind_of_constraint_has_a_broken_graph``, and one without a SPARQL translation fails
``test_the_shapes_translate_to_sparql``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from test_store_kit import doc_quads, make_extraction

from kg.cli import main
from kg.rdf import terms
from kg.rdf.vocab import KG
from kg.resources import ontology_file, shapes_file
from kg.store import open_graph, open_store, write_quads
from kg.views.shacl_sparql import Unsupported, translate
from kg.views.validate import _load_rdf, validate

DOC = terms.document_iri("peru-1")
Quads = list[tuple[object, ...]]


def _iri(key: str) -> URIRef:
    return terms.entity_iri(key)


def _base(**kwargs: object) -> Quads:
    return doc_quads(make_extraction(**kwargs))[1]


def _statement(quads: Quads) -> object:
    return next(q[0] for q in quads if q[1] == RDF.type and q[2] == RDF.Statement)


def _replace(quads: Quads, subject: object, prop: object, value: object) -> Quads:
    kept = [q for q in quads if not (q[0] == subject and q[1] == prop)]
    return [*kept, (subject, prop, value, DOC)]


def _both(quads: Quads, tmp_path: Path) -> tuple[list[str], list[str]]:
    """The report lines of both engines on ``quads`` (written to a file, loaded like kg does)."""
    path = tmp_path / "g.trig"
    write_quads(quads, path)
    with open_graph(str(path)) as g:
        fast = validate(g, engine="sparql")
        reference = validate(g, engine="pyshacl")
    assert fast.conforms == reference.conforms
    return fast.report.splitlines(), reference.report.splitlines()


def _two_documents_disagree() -> Quads:
    other = make_extraction(
        "doc-b",
        entities=[("Lima", "Country", "Lima", set()), ("FOES", "MilitaryUnit", "FOES", set())],
        relations=[("FOES", "basedIn", "Lima")],
    )
    return _base() + doc_quads(other)[1]


def _statement_with(prop: object, value: object) -> Callable[[], Quads]:
    def make() -> Quads:
        quads = _base()
        return _replace(quads, _statement(quads), prop, value)

    return make


# kind of constraint → (a graph that breaks it, a message the report must contain)
BROKEN: dict[str, tuple[Callable[[], Quads], str]] = {
    "class": (
        lambda: _base(
            entities=[("Hugo", "Person", "Hugo", set()), ("Lima", "Place", "Lima", set())],
            relations=[("Hugo", "worksFor", "Lima")],
        ),
        "the object of worksFor must be an Organization",
    ),
    "nodeKind": (
        lambda: [*_base(), (_iri("FOES"), KG.trainsWith, Literal("the navy"), DOC)],
        "the object of trainsWith must be an Agent",
    ),
    "maxCount": (
        lambda: [*_base(), (DOC, KG.text, Literal("Another text."), DOC)],
        "a document has at most one kg:text",
    ),
    "datatype": (
        _statement_with(KG.confidence, Literal("high")),
        "a statement needs exactly one kg:confidence, a decimal in [0, 1]",
    ),
    "minCount": (
        lambda: [q for q in _base() if q[1] != DCTERMS.source],
        "a document needs a dcterms:source",
    ),
    "minLength": (
        lambda: [*_base(), (_iri("Lima"), SKOS.altLabel, Literal(""), DOC)],
        "a skos:altLabel is a non-empty plain string",
    ),
    "or": (
        lambda: _base(
            entities=[("Lima", "Place", "Lima", set()), ("Peru", "Country", "Peru", set())],
            relations=[("Lima", "affiliatedWith", "Peru")],
        ),
        "the subject of affiliatedWith must be an Organization or Person",
    ),
    "minInclusive": (
        _statement_with(KG.startOffset, Literal(-3)),
        "a statement needs one kg:startOffset, an integer >= 0",
    ),
    "maxInclusive": (
        _statement_with(KG.confidence, Literal(Decimal("1.5"), datatype=XSD.decimal)),
        "a statement needs exactly one kg:confidence, a decimal in [0, 1]",
    ),
    "pattern": (
        lambda: _replace(_base(), DOC, KG.contentHash, Literal("not-a-hash")),
        "a document needs exactly one kg:contentHash (64 hex digits, SHA-256)",
    ),
    "sparql": (
        lambda: (
            [
                q for q in _base() if q[:3] != (_iri("FOES"), KG.basedIn, _iri("Lima"))
            ]  # the evidence stays
            + [(_iri("FOES"), KG.deployedTo, _iri("Lima"), DOC)]
        ),  # a fact without evidence
        "a fact has no rdf:Statement with its provenance",
    ),
    "in": (
        _statement_with(KG.modality, Literal("rumoured")),
        "kg:modality is one of asserted, reported, planned, hypothetical",
    ),
    "qualifiedMinCount": (
        lambda: [q for q in _base() if not (q[0] == _iri("Lima") and q[1] == RDF.type)],
        "an entity needs one class among Person",
    ),
    "qualifiedMaxCount": (
        _two_documents_disagree,
        "documents give this entity different classes",
    ),
    "lessThanOrEquals": (
        _statement_with(KG.startOffset, Literal(500)),
        "an integer >= 0 and <= kg:endOffset",
    ),
}


def test_the_shapes_translate_to_sparql() -> None:
    checks = translate(_load_rdf(shapes_file()), _load_rdf(ontology_file()))
    shapes = {c.shape for c in checks}
    named = {s.rsplit("#", 1)[-1] for s in shapes if s.startswith("https://w3id.org/newskg/")}
    assert {"EntityShape", "DocumentShape", "StatementShape", "FactHasEvidenceShape"} <= named
    assert all(c.query.lstrip().startswith(("SELECT", "PREFIX")) for c in checks)


def test_every_kind_of_constraint_has_a_broken_graph() -> None:
    used = {c.component for c in translate(_load_rdf(shapes_file()), _load_rdf(ontology_file()))}
    assert used - set(BROKEN) == set(), "add a broken graph for each new kind of constraint"


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_both_engines_report_the_same_violations(kind: str, tmp_path: Path) -> None:
    make, message = BROKEN[kind]
    fast, reference = _both(make(), tmp_path)
    assert fast == reference
    assert any(message in line for line in fast), fast


@pytest.mark.parametrize(
    "value",
    [Literal("3.5", datatype=XSD.integer), Literal("2026-13-45", datatype=XSD.date)],
    ids=["integer", "date"],
)
def test_an_ill_typed_literal_is_reported_by_both(value: Literal, tmp_path: Path) -> None:
    prop = KG.startOffset if value.datatype == XSD.integer else KG.eventDate
    fast, reference = _both(_statement_with(prop, value)(), tmp_path)
    assert fast == reference
    assert len(fast) > 1, fast


def test_a_conforming_graph_and_a_hand_made_sample(tmp_path: Path) -> None:
    from viz_sample import extractions

    quads = [q for ex in extractions() for q in doc_quads(ex)[1]]
    assert _both(_base(), tmp_path) == (["conforms: 0 violations, 0 warnings"],) * 2
    fast, reference = _both(quads, tmp_path)
    assert fast == reference


def test_on_a_store_with_the_text_in_document_graphs(tmp_path: Path) -> None:
    """In a store the merged graph holds no kg:text: that check reads the document graphs."""
    store = str(tmp_path / "s")
    with open_store(store) as s:
        s.replace_document(DOC, [*_base(), (DOC, KG.text, Literal(3), DOC)])
    with open_store(store, read_only=True) as s:
        fast = validate(s, engine="sparql")
        reference = validate(s, engine="pyshacl")
    assert fast.report == reference.report
    assert "a document has at most one kg:text" in fast.report


def test_shapes_without_a_translation_go_to_pyshacl(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix kg: <https://w3id.org/newskg/ontology#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass kg:Place ; sh:closed true ;\n"
        "  sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) .\n",
        encoding="utf-8",
    )
    with pytest.raises(Unsupported, match="shacl#closed, which has no SPARQL translation"):
        translate(_load_rdf(shapes), _load_rdf(ontology_file()))
    path = tmp_path / "g.trig"
    write_quads(_base(), path)
    with open_graph(str(path)) as g:
        fast = validate(g, shapes=str(shapes))
        reference = validate(g, shapes=str(shapes), engine="pyshacl")
    assert fast.report == reference.report
    assert not fast.conforms  # Lima has a prefLabel: the closed shape refuses it


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_cli_engine_option(engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.trig"
    write_quads(BROKEN["pattern"][0](), path)
    assert main(["validate", "--graph", str(path), "--engine", engine]) == 1
    assert capsys.readouterr().out.startswith("does not conform: 1 violation, 0 warnings")


@pytest.mark.slow
def test_both_engines_agree_on_the_bundled_sample(tmp_path: Path, repo_root: Path) -> None:
    import kg

    out = tmp_path / "graph.nq"
    kg.build([str(repo_root / "data" / "articles")], output=out)
    with open_graph(str(out)) as g:
        fast = validate(g, engine="sparql")
        reference = validate(g, engine="pyshacl")
    assert fast.report == reference.report


def test_a_statement_missing_a_part_is_labelled_alike(tmp_path: Path) -> None:
    quads = _base()
    st = _statement(quads)
    fast, reference = _both([q for q in quads if q[:2] != (st, RDF.subject)], tmp_path)
    assert fast == reference
    assert any("statement (? kg:" in line for line in fast), fast
