"""Which format ``kg serve`` answers in: SPARQL 1.1 Protocol content negotiation.

The Protocol negotiates with ``Accept``. Clients also name a format in the URL or the form:
Fuseki reads ``output=``, Virtuoso ``format=``, and SPARQLWrapper sends ``format``, ``output``
and ``results`` all at once, with the same short name whatever the query form (``xml`` means
SPARQL XML results for SELECT and RDF/XML for CONSTRUCT; ``json`` means JSON-LD for CONSTRUCT).
The rules, in order:

1. the first ``format``/``output``/``results`` value that names a format this query form can be
   written in (a short name or a media type) wins;
2. a value that names no format at all is an error (406), listing the names;
3. a value that names a format of the other forms (``csv`` for CONSTRUCT: SPARQLWrapper sends
   that with ``Accept: */*``) is ignored, and ``Accept`` decides;
4. ``Accept`` with q-values; ``*/*`` (or nothing) gives SPARQL JSON results, or Turtle. The
   answer is labelled with the media type asked for (``application/json`` for JSON-LD when the
   client accepts only that), or the format's own type for a name or a wildcard.
"""

from __future__ import annotations

from kg.errors import Refused

GRAPH_FORMS = frozenset({"CONSTRUCT", "DESCRIBE"})

# media type → (serialiser, media type of the answer), for SELECT and ASK
RESULT_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RESULT_ANSWER = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
# for CONSTRUCT and DESCRIBE; Turtle is also N3 (a subset), JSON-LD is JSON, RDF/XML is XML
GRAPH_MEDIA = {
    "text/turtle": "ttl",
    "application/turtle": "ttl",
    "application/x-turtle": "ttl",
    "text/n3": "ttl",
    "text/rdf+n3": "ttl",
    "application/n3": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/xml": "rdf",
    "text/xml": "rdf",
    "application/n-quads": "nq",
    "application/trig": "trig",
}
GRAPH_ANSWER = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nq": "application/n-quads",
    "trig": "application/trig",
}
RESULT_NAMES = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
}
GRAPH_NAMES = {
    "turtle": "ttl",
    "ttl": "ttl",
    "n3": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "jsonld": "jsonld",
    "json": "jsonld",
    "xml": "rdf",
    "rdf": "rdf",
    "rdf+xml": "rdf",
    "rdfxml": "rdf",
    "nq": "nq",
    "nquads": "nq",
    "n-quads": "nq",
    "trig": "trig",
}
FORMAT_PARAMS = ("format", "output", "results")


def _tables(form: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(media → kind, short name → kind, kind → answer media) for a query form."""
    if form in GRAPH_FORMS:
        return GRAPH_MEDIA, GRAPH_NAMES, GRAPH_ANSWER
    return RESULT_MEDIA, RESULT_NAMES, RESULT_ANSWER


def _named(value: str, form: str) -> str | None:
    """The answer media type ``value`` (a short name or media type) names for ``form``."""
    media, names, answer = _tables(form)
    value = value.strip().lower()
    kind = names.get(value) or media.get(value.split(";")[0].strip())
    return answer[kind] if kind else None


def _known(value: str) -> bool:
    return any(_named(value, form) for form in ("SELECT", "CONSTRUCT"))


def negotiate(accept: str, form: str, override: str | None = None) -> str | None:
    """Return the media type to answer with, or None when nothing acceptable is offered."""
    if override:
        return _named(override, form)
    media_kinds, _, answer = _tables(form)
    default = next(iter(answer.values()))
    choices: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            choices.append((-q, i, media))
    for _, _, media in sorted(choices):
        if media in media_kinds:
            return media  # the type asked for names the answer (application/xml shows inline)
        if media == "*/*":
            return default
        if media.endswith("/*"):
            family = media[:-1]
            found = next((m for m in answer.values() if m.startswith(family)), None)
            if found:
                return found
    return None


def choose(params: dict[str, list[str]], accept: str, form: str) -> str:
    """Return the media type of the answer to a query of ``form`` (rules in the docstring)."""
    values = [v for p in FORMAT_PARAMS for v in params.get(p, []) if v.strip()]
    for value in values:
        media = _named(value, form)
        if media:
            return media
    unknown = [v for v in values if not _known(v)]
    if unknown:
        raise Refused(
            406,
            f"unknown format {unknown[0]!r}: use json, xml, csv or tsv (SELECT, ASK), "
            "turtle, n3, nt, json-ld, rdf+xml, nquads or trig (CONSTRUCT, DESCRIBE), "
            "or a media type",
        )
    media = negotiate(accept, form)
    if media is None:
        raise Refused(
            406,
            "no acceptable result format: use JSON, XML, CSV, TSV (SELECT, ASK) or Turtle, "
            "N-Triples, JSON-LD, RDF/XML, N-Quads, TriG (CONSTRUCT, DESCRIBE)",
        )
    return media
