"""Records → RDF quads: one named graph per document.

Shape of a document's graph ``<doc/ID>`` (all IRIs deterministic, no blank nodes, so building the
same article twice gives the same quads):

- ``<doc/ID> a kg:Document, prov:Entity; dcterms:title; dcterms:source; dcterms:date;
  kg:contentHash; kg:text`` (the article as ingested, into which the evidence offsets count
  characters: controls and CRs replaced one for one, never NFC-normalised; ``article_text``),
  and when known ``dcterms:creator "author name"`` (one literal per author) and
  ``schema:url <canonical URL>`` (only a well-formed absolute http(s) IRI; see ``safe_url``)
- for each entity: ``<id/KEY> a kg:CLASS; skos:prefLabel "label"; skos:altLabel "alias" …;
  kg:mergeEvidence "why an alias was merged" …``; an Event the text dates also
  ``kg:eventDate "YYYY-MM-DD"^^xsd:date``
- for each fact: the triple itself (``<id/A> kg:trainsWith <id/B>``) and one ``rdf:Statement`` node
  per piece of evidence: ``rdf:subject/predicate/object``, ``prov:wasDerivedFrom <doc/ID>``,
  ``kg:sentence``, ``kg:startOffset``, ``kg:endOffset``, ``kg:extractor``, ``kg:confidence``,
  ``kg:modality`` and, when the text attributes it, ``kg:attributedTo``; a fact that is an event
  (a training, a meeting) with a date attached to its verb also ``kg:eventDate`` (``xsd:date``)
  and ``kg:eventDateText`` (the expression as written, "last Thursday").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from rdflib import RDF, XSD, Literal
from rdflib.namespace import DCTERMS, SKOS

from kg.rdf.safety import sanitize_text
from kg.rdf.terms import (
    SCHEMA,
    Quad,
    clean_text,
    confidence_literal,
    date_literal,
    document_iri,
    entity_iri,
    property_iri,
    safe_url,
    statement_iri,
)
from kg.rdf.vocab import DOCUMENT, ENTITY, KG, PROV, STATEMENT, SYMMETRIC_PROPERTIES
from kg.records import Extraction, Relation

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.term import Node


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


# Terms written for every document and fact, looked up once: an attribute of a closed
# namespace costs ~2.5 µs (it is checked against the term list), a third of the quads' time.
_TYPE = RDF.type
_DOCUMENT = KG.Document
_PROV_ENTITY = PROV.Entity
_SOURCE = DCTERMS.source
_CONTENT_HASH = KG.contentHash
_TEXT = KG.text
_TITLE = DCTERMS.title
_DATE = DCTERMS.date
_XSD_DATE = XSD.date
_CREATOR = DCTERMS.creator
_URL = SCHEMA.url
_PREF_LABEL = SKOS.prefLabel
_ALT_LABEL = SKOS.altLabel
_MERGE_EVIDENCE = KG.mergeEvidence
_EVENT_DATE = KG.eventDate
_EVENT_DATE_TEXT = KG.eventDateText
_RDF_STATEMENT = RDF.Statement
_SUBJECT = RDF.subject
_PREDICATE = RDF.predicate
_OBJECT = RDF.object
_DERIVED_FROM = PROV.wasDerivedFrom
_SENTENCE = KG.sentence
_START = KG.startOffset
_END = KG.endOffset
_XSD_INTEGER = XSD.integer
_EXTRACTOR = KG.extractor
_CONFIDENCE = KG.confidence
_MODALITY = KG.modality
_ATTRIBUTED_TO = KG.attributedTo


def article_text(text: str) -> str:
    """A document's text as ``kg:text`` holds it, of the same length: the offsets of its
    evidence (``kg:startOffset``, ``kg:endOffset``) count characters into it.

    No NFC; a control becomes a space; a carriage return becomes a space before a line feed and
    a line feed elsewhere, since XML formats (TriX) read a CR back as a LF.
    """
    text = sanitize_text(text, normalize=False, keep_length=True)
    return text.replace("\r\n", " \n").replace("\r", "\n")


def extraction_quads(extraction: Extraction) -> Iterator[Quad]:
    """Yield the quads of one document's named graph."""
    doc = extraction.document
    g = document_iri(doc.id)
    yield g, _TYPE, _DOCUMENT, g
    yield g, _TYPE, _PROV_ENTITY, g
    yield g, _SOURCE, Literal(clean_text(doc.source)), g
    yield g, _CONTENT_HASH, Literal(doc.sha256), g
    if doc.text:
        yield g, _TEXT, Literal(article_text(doc.text)), g
    if doc.title:
        yield g, _TITLE, Literal(clean_text(doc.title)), g
    if doc.published:
        yield g, _DATE, Literal(doc.published, datatype=_XSD_DATE), g
    for name in dict.fromkeys(clean_text(a).strip() for a in (doc.author or "").split(";")):
        if name:
            yield g, _CREATOR, Literal(name), g
    url = safe_url(doc.url)
    if url is not None:
        yield g, _URL, url, g

    for ent in extraction.entities:
        e = entity_iri(ent.key)
        label = clean_text(ent.label)
        yield e, _TYPE, property_iri(ent.cls), g
        yield e, _PREF_LABEL, Literal(label), g
        for alias in sorted({clean_text(a) for a in ent.aliases} - {label}):
            yield e, _ALT_LABEL, Literal(alias), g
        for why in sorted({clean_text(m) for m in ent.merges}):
            yield e, _MERGE_EVIDENCE, Literal(why), g
        when = date_literal(ent.event_date) if ent.cls == "Event" else None
        if when is not None:
            yield e, _EVENT_DATE, when, g

    for rel in _dedupe_symmetric(extraction.relations):
        if rel.evidence.modality == "negated":
            continue  # a denied fact is never asserted
        s, p, o = entity_iri(rel.subject), property_iri(rel.predicate), _object_term(rel)
        yield s, p, o, g
        ev = rel.evidence
        st = statement_iri(doc.id, rel)
        yield st, _TYPE, _RDF_STATEMENT, g
        yield st, _TYPE, _PROV_ENTITY, g
        yield st, _SUBJECT, s, g
        yield st, _PREDICATE, p, g
        yield st, _OBJECT, o, g
        yield st, _DERIVED_FROM, g, g
        yield st, _SENTENCE, _sentence_literal(ev.sentence), g
        yield st, _START, _integer_literal(ev.start), g
        yield st, _END, _integer_literal(ev.end), g
        yield st, _EXTRACTOR, _plain_literal(ev.rule), g
        score = ev.confidence if ev.confidence == ev.confidence else 0.0  # NaN: no confidence
        yield st, _CONFIDENCE, confidence_literal(score), g
        yield st, _MODALITY, _plain_literal(ev.modality), g
        if ev.attributed_to:
            yield st, _ATTRIBUTED_TO, Literal(clean_text(ev.attributed_to)), g
        when = date_literal(ev.event_date)
        if when is not None:
            yield st, _EVENT_DATE, when, g
            if ev.event_date_text:
                yield st, _EVENT_DATE_TEXT, Literal(clean_text(ev.event_date_text)), g


# rule ids, modalities and confidences take few values: their literals are made once each
_plain_literal = functools.lru_cache(maxsize=4096)(Literal)


@functools.lru_cache(maxsize=4096, typed=True)
def _integer_literal(value: int) -> Literal:
    """An ``xsd:integer`` literal (an offset): the statements of one sentence share its start
    and end, and rdflib makes a typed literal in ~6 µs."""
    return Literal(value, datatype=_XSD_INTEGER)


@functools.lru_cache(maxsize=256)
def _sentence_literal(sentence: str) -> Literal:
    """The literal of an evidence sentence, made once for all the statements read in it."""
    return Literal(clean_text(sentence))


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
    graph.bind("schema", str(SCHEMA))
