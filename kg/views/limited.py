"""Running a query within limits: rows, and bytes of the answer (kg serve and kg query).

Over either limit the query is refused, never cut: a truncated answer would look complete.
"""

from __future__ import annotations

import json
from typing import Any

from kg import errors
from kg.errors import Refused
from kg.rdf.sparql import PREFIXES
from kg.views.formats import GRAPH_MEDIA, RESULT_MEDIA


def _json_term(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def run_limited(
    source: Any,
    text: str,
    media: str,
    max_rows: int,
    max_bytes: int,
    bindings: dict[str, Any] | None = None,
) -> bytes:
    """Run ``text``; serialise at most ``max_rows`` results and ``max_bytes`` bytes as ``media``.

    Over either limit the query is refused (``Refused``), never cut: a truncated answer would
    look complete. The size is counted while the results stream in, so a query that builds a
    huge value stops at the first row over the limit.
    """
    import pyoxigraph as ox

    size = 0

    def count(*terms: Any) -> None:
        nonlocal size
        size += sum(len(t.value) + 16 for t in terms if t is not None)
        if size > max_bytes:
            raise errors.result_too_large(max_bytes)

    result = source.raw(text, bindings or None)
    if isinstance(result, ox.QueryBoolean | bool):
        data = json.dumps({"head": {}, "boolean": bool(result)}).encode()
    elif hasattr(result, "variables"):
        names = [v.value for v in result.variables]
        rows = []
        for i, sol in enumerate(result):
            if i >= max_rows:
                raise Refused(400, f"the result has more than {max_rows} rows: add a LIMIT")
            count(*(sol[n] for n in names))
            rows.append({n: _json_term(sol[n]) for n in names if sol[n] is not None})
        data = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}).encode()
    else:
        triples = []
        for i, t in enumerate(result):
            if i >= max_rows:
                raise Refused(400, f"the result has more than {max_rows} triples: add a LIMIT")
            count(t.subject, t.predicate, t.object)
            triples.append(
                t if isinstance(t, ox.Triple) else ox.Triple(t.subject, t.predicate, t.object)
            )
        kind = GRAPH_MEDIA[media]
        fmt = {
            "ttl": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "rdf": ox.RdfFormat.RDF_XML,
            "nq": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG,
        }[kind]
        if kind in ("nq", "trig"):  # the constructed triples, in the default graph
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
            prefixes = PREFIXES if kind == "trig" else None
            return _within(ox.serialize(quads, format=fmt, prefixes=prefixes) or b"", max_bytes)
        if kind == "ttl":
            return _within(ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b"", max_bytes)
        return _within(ox.serialize(triples, format=fmt) or b"", max_bytes)
    kind = RESULT_MEDIA[media]
    if kind == "json":
        return _within(data, max_bytes)
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    out = {
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[kind]
    return _within(parsed.serialize(format=out) or b"", max_bytes)


def _within(data: bytes, max_bytes: int) -> bytes:
    """Return ``data`` if it fits (escaping and markup add to the counted values), else refuse."""
    if len(data) > max_bytes:
        raise errors.result_too_large(max_bytes)
    return data
