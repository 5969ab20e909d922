"""Records → RDF quads: one named graph per document.

Shape of a document's graph ``<doc/ID>`` (all IRIs deterministic, no blank nodes, so building the
same article twice gives the same quads):

- ``<doc/ID> a kg:Document, prov:Entity; dcterms:title; dcterms:source; dcterms:date;
  kg:contentHash``
- for each entity: ``<id/KEY> a kg:CLASS; skos:prefLabel "label"; skos:altLabel "alias" …;
  kg:mergeEvidence "why an alias was merged" …``
- for each fact: the triple itself (``<id/A> kg:trainsWith <id/B>``) and one ``rdf:Statement`` node
  per piece of evidence: ``rdf:subject/predicate/object``, ``prov:wasDerivedFrom <doc/ID>``,
  ``kg:sentence``, ``kg:startOffset``, ``kg:endOffset``, ``kg:extractor``, ``kg:confidence``,
  ``kg:modality`` and, when the text attributes it, ``kg:attributedTo``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.records import Extraction, Relation
from kg.vocab import DOCUMENT, ENTITY, KG, PROV, STATEMENT, SYMMETRIC_PROPERTIES

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.term import Node

Quad = tuple["Node", "Node", "Node", URIRef]

_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_MAX_SLUG = 120


def clean_text(text: str) -> str:
    """Return ``text`` NFC-normalised, without control or bidi characters or lone surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text))


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def slug(name: str) -> str:
    """Return a stable IRI path segment for ``name``.

    NFC-normalised, whitespace folded to ``_``, every character outside the unreserved ASCII set
    percent-encoded (so the IRI is valid in Turtle, N-Triples and SPARQL). Long names keep a
    prefix and a hash so that different names never share a segment.
    """
    text = re.sub(r"\s+", " ", clean_text(name)).strip()
    if not text:
        raise ValueError("cannot make an IRI from an empty name")
    encoded = quote(text.replace(" ", "_"), safe="-._~")
    if len(encoded) > _MAX_SLUG:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        encoded = encoded[:_MAX_SLUG].rsplit("%", 1)[0] + "-" + digest
    return encoded


def entity_iri(key: str) -> URIRef:
    """Return the IRI of the entity whose canonical name is ``key``."""
    return ENTITY[slug(key)]


def document_iri(doc_id: str) -> URIRef:
    """Return the IRI of a document, which is also the name of its graph."""
    return DOCUMENT[slug(doc_id)]


def property_iri(local_name: str) -> URIRef:
    """Return the ontology property for ``local_name`` (fails on a name not in the ontology)."""
    return URIRef(getattr(KG, local_name))


def statement_iri(doc_id: str, relation: Relation) -> URIRef:
    ev = relation.evidence
    key = "\x1f".join(
        [
            doc_id,
            relation.subject,
            relation.predicate,
            relation.object,
            str(relation.literal),
            str(ev.start),
            str(ev.end),
            ev.rule,
        ]
    )
    return STATEMENT[hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]]


def _object_term(relation: Relation) -> Node:
    if relation.literal:
        return Literal(clean_text(relation.object))
    return entity_iri(relation.object)


def _dedupe_symmetric(relations: Iterable[Relation]) -> Iterator[Relation]:
    """Keep one direction of a symmetric fact: the first one seen."""
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    for rel in relations:
        if rel.predicate in SYMMETRIC_PROPERTIES and not rel.literal:
            pair = tuple(sorted((rel.subject, rel.object)))
            k = (rel.predicate, pair[0], pair[1])
            if k in seen and seen[k] != (rel.subject, rel.object):
                s, o = seen[k]
                yield Relation(s, rel.predicate, o, rel.evidence, rel.literal)
                continue
            seen[k] = (rel.subject, rel.object)
        yield rel


def extraction_quads(extraction: Extraction) -> Iterator[Quad]:
    """Yield the quads of one document's named graph."""
    doc = extraction.document
    g = document_iri(doc.id)
    yield g, RDF.type, KG.Document, g
    yield g, RDF.type, PROV.Entity, g
    yield g, DCTERMS.source, Literal(clean_text(doc.source)), g
    yield g, KG.contentHash, Literal(doc.sha256), g
    if doc.title:
        yield g, DCTERMS.title, Literal(clean_text(doc.title)), g
    if doc.published:
        yield g, DCTERMS.date, Literal(doc.published, datatype=XSD.date), g

    for ent in extraction.entities:
        e = entity_iri(ent.key)
        label = clean_text(ent.label)
        yield e, RDF.type, property_iri(ent.cls), g
        yield e, SKOS.prefLabel, Literal(label), g
        for alias in sorted({clean_text(a) for a in ent.aliases} - {label}):
            yield e, SKOS.altLabel, Literal(alias), g
        for why in sorted({clean_text(m) for m in ent.merges}):
            yield e, KG.mergeEvidence, Literal(why), g

    for rel in _dedupe_symmetric(extraction.relations):
        if rel.evidence.modality == "negated":
            continue  # a denied fact is never asserted
        s, p, o = entity_iri(rel.subject), property_iri(rel.predicate), _object_term(rel)
        yield s, p, o, g
        ev = rel.evidence
        st = statement_iri(doc.id, rel)
        yield st, RDF.type, RDF.Statement, g
        yield st, RDF.type, PROV.Entity, g
        yield st, RDF.subject, s, g
        yield st, RDF.predicate, p, g
        yield st, RDF.object, o, g
        yield st, PROV.wasDerivedFrom, g, g
        yield st, KG.sentence, Literal(clean_text(ev.sentence)), g
        yield st, KG.startOffset, Literal(ev.start, datatype=XSD.integer), g
        yield st, KG.endOffset, Literal(ev.end, datatype=XSD.integer), g
        yield st, KG.extractor, Literal(ev.rule), g
        score = ev.confidence if ev.confidence == ev.confidence else 0.0  # NaN: no confidence
        conf = Decimal(str(round(min(max(score, 0.0), 1.0), 4)))
        yield st, KG.confidence, Literal(conf, datatype=XSD.decimal), g
        yield st, KG.modality, Literal(ev.modality), g
        if ev.attributed_to:
            yield st, KG.attributedTo, Literal(clean_text(ev.attributed_to)), g


def to_dataset(extractions: Iterable[Extraction]) -> Dataset:
    """Return an rdflib Dataset holding one named graph per extraction (later ones replace)."""
    from rdflib import Dataset

    ds = Dataset()
    bind_prefixes(ds)
    for ex in extractions:
        g = ds.graph(document_iri(ex.document.id))
        g.remove((None, None, None))
        for s, p, o, _ in extraction_quads(ex):
            g.add((s, p, o))
    return ds


def bind_prefixes(graph: Dataset) -> None:
    """Bind the project's prefixes for readable output."""
    from rdflib.namespace import DCTERMS as DCT

    graph.bind("kg", str(KG._NS))
    graph.bind("id", str(ENTITY))
    graph.bind("doc", str(DOCUMENT))
    graph.bind("stmt", str(STATEMENT))
    graph.bind("prov", str(PROV))
    graph.bind("skos", str(SKOS))
    graph.bind("dcterms", str(DCT))
