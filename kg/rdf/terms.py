"""RDF terms of kg's graph: IRIs for entities, documents and statements, literals, and the same
terms as pyoxigraph objects.

IRIs are deterministic (the same name gives the same IRI in every run and document) and safe for
every syntax: a name becomes a percent-encoded path segment (``slug``), a URL read from a page an
IRI only when it is a well-formed absolute http(s) IRI (``safe_url``). ``to_ox``/``from_ox``
convert rdflib terms to pyoxigraph's and back (the store speaks pyoxigraph, the rest rdflib).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from rdflib import XSD, Literal, Namespace, URIRef

from kg.rdf.vocab import DOCUMENT, ENTITY, KG, STATEMENT
from kg.records import Relation

if TYPE_CHECKING:
    from rdflib.term import Node

#: A quad as rdflib terms; the graph is ``None`` for the default graph.
Quad = tuple["Node", "Node", "Node", "Node | None"]

SCHEMA = Namespace("https://schema.org/")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_DECIMAL = XSD.decimal

_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_MAX_SLUG = 120
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


def date_literal(value: str | None) -> Literal | None:
    """An ``xsd:date`` literal for an ISO date string (None for anything else)."""
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


@functools.lru_cache(maxsize=4096)
def confidence_literal(score: float) -> Literal:
    # the canonical decimal form ("1", not "1.0"), which Oxigraph stores: a file and a store
    # built from the same facts must hold the same literals
    conf = Decimal(str(round(min(max(score, 0.0), 1.0), 4))).normalize()
    return Literal(format(conf, "f"), datatype=_XSD_DECIMAL)


# ---------------------------------------------------------------- rdflib <-> pyoxigraph


_CONVERT: dict[type, Any] = {}  # term type -> converter, filled on first use


def _converters() -> dict[type, Any]:
    """Build the type-dispatch tables once (imports stay out of ``import kg``)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def literal(term: Any) -> Any:
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))

    def ox_literal(term: Any) -> Any:
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == XSD_STRING else Literal(term.value, datatype=URIRef(dt))

    same = lambda term: term  # noqa: E731 - pyoxigraph terms pass through
    _CONVERT.update(
        {
            URIRef: lambda term: ox.NamedNode(str(term)),
            Literal: literal,
            BNode: lambda term: ox.BlankNode(str(term)),
            type(None): lambda term: ox.DefaultGraph(),
            ox.NamedNode: same,
            ox.Literal: same,
            ox.BlankNode: same,
            ox.DefaultGraph: same,
        }
    )
    _FROM_OX.update(
        {
            ox.NamedNode: lambda term: URIRef(term.value),
            ox.Literal: ox_literal,
            ox.BlankNode: lambda term: BNode(term.value),
            ox.DefaultGraph: lambda term: None,
            type(None): lambda term: None,
        }
    )
    return _CONVERT


_FROM_OX: dict[type, Any] = {}


def to_ox(term: Any) -> Any:
    """Return the pyoxigraph term for an rdflib term (pyoxigraph terms pass through)."""
    convert = (_CONVERT or _converters()).get(type(term))
    if convert is None:  # a subclass of an rdflib term
        from rdflib import BNode, Literal, URIRef

        base = next((t for t in (URIRef, Literal, BNode) if isinstance(term, t)), None)
        if base is None:
            raise TypeError(f"not an RDF term: {term!r}")
        convert = _CONVERT[base]
    return convert(term)


def from_ox(term: Any) -> Any:
    """Return the rdflib term for a pyoxigraph term (``None`` for the default graph)."""
    if not _FROM_OX:
        _converters()
    convert = _FROM_OX.get(type(term))
    if convert is None:
        raise TypeError(f"unsupported RDF term: {term!r}")
    return convert(term)


def ox_quad(quad: Iterable[Any]) -> Any:
    """Return the pyoxigraph Quad for an rdflib 4-tuple (graph ``None``: the default graph)."""
    import pyoxigraph as ox

    s, p, o, g = quad
    return ox.Quad(_node(s), _node(p), _node(o), _node(g))


def _node(term: Any) -> Any:
    """``to_ox``, with IRIs remembered: a document's quads name the same few hundred IRIs (its
    graph, the predicates, its entities) over and over, and a build converts every quad."""
    if type(term) is not URIRef:
        return to_ox(term)
    node = _IRI_NODES.get(term)
    if node is None:
        if len(_IRI_NODES) >= 4096:
            # small and bounded: within a document a statement IRI recurs ~10 times and the
            # predicates throughout, but a long build meets new IRIs forever (flat memory)
            _IRI_NODES.clear()
        node = _IRI_NODES[term] = to_ox(term)
    return node


_IRI_NODES: dict[URIRef, Any] = {}


def nquad_line(quad: Iterable[Any]) -> str:
    """The N-Quads line pyoxigraph writes for an rdflib 4-tuple (``f"{ox_quad(quad)} .\\n"``),
    made without the pyoxigraph Quad when its terms are IRIs and a literal object.

    A Quad with a literal object costs ~3 µs to make (pyoxigraph tries each kind of term in
    turn, failing twice), ten times one of IRIs only, and a build writes some 140,000 quads per
    150 articles, nearly half with a literal. pyoxigraph writes a quad as its terms' texts
    (``str`` of each) joined by spaces, the default graph left out, then `` .``; so does this,
    from the same pyoxigraph terms (IRI texts remembered, as ``_node`` remembers the terms).
    Anything else (a blank node, the default graph, pyoxigraph terms) goes through the Quad.
    """
    s, p, o, g = quad
    if type(s) is URIRef and type(p) is URIRef and type(g) is URIRef:
        if type(o) is URIRef:
            return f"{_iri_text(s)} {_iri_text(p)} {_iri_text(o)} {_iri_text(g)} .\n"
        if type(o) is Literal:
            return f"{_iri_text(s)} {_iri_text(p)} {to_ox(o)} {_iri_text(g)} .\n"
    return f"{ox_quad(quad)} .\n"


def _iri_text(term: URIRef) -> str:
    """``str(to_ox(term))`` (``<iri>``; the NamedNode checks the IRI), remembered by IRI."""
    key = str(term)  # a plain str: found without rdflib's Python-level __eq__
    text = _IRI_TEXTS.get(key)
    if text is None:
        if len(_IRI_TEXTS) >= 4096:
            _IRI_TEXTS.clear()  # bounded, as _IRI_NODES
        text = _IRI_TEXTS[key] = str(_node(term))
    return text


_IRI_TEXTS: dict[str, str] = {}
