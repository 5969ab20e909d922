"""Records → RDF quads: one named graph per document.

Shape of a document's graph ``<doc/ID>`` (all IRIs deterministic, no blank nodes, so building the
same article twice gives the same quads):

- ``<doc/ID> a kg:Document, prov:Entity; dcterms:title; dcterms:source; dcterms:date;
  kg:contentHash``, and when known ``dcterms:creator "author name"`` (one literal per author)
  and ``schema:url <canonical URL>`` (only a well-formed absolute http(s) IRI; see ``safe_url``)
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
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import RDF, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.rdf.vocab import DOCUMENT, ENTITY, KG, PROV, STATEMENT, SYMMETRIC_PROPERTIES
from kg.records import Extraction, Relation

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.term import Node

Quad = tuple["Node", "Node", "Node", URIRef]

_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_MAX_SLUG = 120
SCHEMA = Namespace("https://schema.org/")
# characters an IRI may not hold (RFC 3987) besides controls: a URL read from a page is
# untrusted text and must never break out of <…> in Turtle, N-Quads or SPARQL
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f]')
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def clean_text(text: str) -> str:
    """Return ``text`` NFC-normalised, without control or bidi characters or lone surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text))


def _has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None  # a regex: a per-character loop costs 1 µs/50 chars


_SURROGATE = re.compile("[\ud800-\udfff]")


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


def safe_url(url: str | None) -> URIRef | None:
    """Return ``url`` as an IRI when it is an absolute ``http(s)`` URL with a host and no character
    an IRI may not hold (spaces, ``<>"{}|^`\\``, controls); None otherwise (then it is left out:
    ``dcterms:source`` still records where the article came from)."""
    from urllib.parse import urlsplit

    if not url or len(url) > 2000 or _IRI_UNSAFE.search(url) or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if _has_surrogate(url):
        return None
    return URIRef(url)


def _date_literal(value: str | None) -> Literal | None:
    """An ``xsd:date`` literal for an ISO date string (None for anything else)."""
    from datetime import date

    if not value or not _ISO_DATE.fullmatch(value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return Literal(value, datatype=XSD.date)


@functools.lru_cache(maxsize=4096)  # names recur across documents; slug() is ~10 µs
def entity_iri(key: str) -> URIRef:
    """Return the IRI of the entity whose canonical name is ``key``."""
    return ENTITY[slug(key)]


def document_iri(doc_id: str) -> URIRef:
    """Return the IRI of a document, which is also the name of its graph."""
    return DOCUMENT[slug(doc_id)]


@functools.lru_cache(maxsize=256)
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


# Terms written for every document and fact, looked up once: an attribute of a closed
# namespace costs ~2.5 µs (it is checked against the term list), a third of the quads' time.
_TYPE = RDF.type
_DOCUMENT = KG.Document
_PROV_ENTITY = PROV.Entity
_SOURCE = DCTERMS.source
_CONTENT_HASH = KG.contentHash
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
_XSD_DECIMAL = XSD.decimal
_MODALITY = KG.modality
_ATTRIBUTED_TO = KG.attributedTo


def extraction_quads(extraction: Extraction) -> Iterator[Quad]:
    """Yield the quads of one document's named graph."""
    doc = extraction.document
    g = document_iri(doc.id)
    yield g, _TYPE, _DOCUMENT, g
    yield g, _TYPE, _PROV_ENTITY, g
    yield g, _SOURCE, Literal(clean_text(doc.source)), g
    yield g, _CONTENT_HASH, Literal(doc.sha256), g
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
        when = _date_literal(ent.event_date) if ent.cls == "Event" else None
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
        yield st, _SENTENCE, Literal(clean_text(ev.sentence)), g
        yield st, _START, Literal(ev.start, datatype=_XSD_INTEGER), g
        yield st, _END, Literal(ev.end, datatype=_XSD_INTEGER), g
        yield st, _EXTRACTOR, _plain_literal(ev.rule), g
        score = ev.confidence if ev.confidence == ev.confidence else 0.0  # NaN: no confidence
        yield st, _CONFIDENCE, _confidence_literal(score), g
        yield st, _MODALITY, _plain_literal(ev.modality), g
        if ev.attributed_to:
            yield st, _ATTRIBUTED_TO, Literal(clean_text(ev.attributed_to)), g
        when = _date_literal(ev.event_date)
        if when is not None:
            yield st, _EVENT_DATE, when, g
            if ev.event_date_text:
                yield st, _EVENT_DATE_TEXT, Literal(clean_text(ev.event_date_text)), g


# rule ids, modalities and confidences take few values: their literals are made once each
_plain_literal = functools.lru_cache(maxsize=4096)(Literal)


@functools.lru_cache(maxsize=4096)
def _confidence_literal(score: float) -> Literal:
    conf = Decimal(str(round(min(max(score, 0.0), 1.0), 4)))
    return Literal(conf, datatype=_XSD_DECIMAL)


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
