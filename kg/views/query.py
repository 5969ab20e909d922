"""``kg query``: find the query text, bind parameters safely, print results in a standard format.

Formats: ``table`` (aligned text for people), ``csv`` and ``tsv`` (SPARQL 1.1 Query Results CSV and
TSV), ``json`` (SPARQL 1.1 Query Results JSON). CONSTRUCT and DESCRIBE print Turtle.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg import errors
from kg.resources import queries_dir

FORMATS = ("table", "csv", "tsv", "json")
_SAVED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*\Z")
_MAX_CELL = 80


def saved_queries() -> dict[str, Path]:
    """Return the saved queries by name (file stem) from ``kg/ontology/queries``."""
    return {p.stem: p for p in sorted(queries_dir().glob("*.rq"))}


def read_query(arg: str) -> tuple[str, str]:
    """Return ``(text, origin)`` for inline SPARQL, a ``.rq`` file, or a saved query's name.

    Raises:
        QueryError: ``arg`` is none of them.
        InputError: the file cannot be read.
    """
    candidate = Path(arg)
    if arg.endswith(".rq") or (len(arg) < 4096 and "\n" not in arg and candidate.is_file()):
        if not candidate.is_file():
            raise errors.no_such_input(arg)
        try:
            return candidate.read_text(encoding="utf-8"), str(candidate)
        except (OSError, UnicodeDecodeError) as err:
            raise errors.unreadable_input(arg, str(err)) from err
    saved = saved_queries()
    if _SAVED_NAME.match(arg):
        if arg in saved:
            return saved[arg].read_text(encoding="utf-8"), str(saved[arg])
        from kg.rdf.sparql import query_form

        if not query_form(arg):
            raise errors.no_such_query(arg, sorted(saved))
    return arg, "the query text"


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """Parse ``NAME=VALUE`` strings; values stay strings (bound as plain literals)."""
    from kg.rdf.sparql import check_name

    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        try:
            check_name(name)
        except ValueError:
            raise errors.bad_param(pair) from None
        if not sep:
            raise errors.bad_param(pair)
        params[name] = _param_value(value)
    return params


def _param_value(value: str) -> Any:
    """A value written ``<http://…>`` is an IRI; anything else is a plain string literal."""
    from rdflib import Literal, URIRef

    if value.startswith("<") and value.endswith(">") and len(value) > 2:
        return URIRef(value[1:-1])
    return Literal(value)


def run_query(
    source: Any,
    text: str,
    fmt: str = "table",
    params: dict[str, Any] | None = None,
    origin: str = "the query text",
) -> str:
    """Run ``text`` on ``source`` (a ``kg.store.Store``); the formatted results."""
    if fmt not in FORMATS:
        raise errors.unknown_choice("format", fmt, list(FORMATS))
    try:
        result = source.raw(text, params or None)
    except errors.QueryError as err:
        from kg.rdf.sparql import query_form

        # checked only once the store refused the text: this path runs on every query
        if query_form(text) == "UPDATE":
            raise errors.query_not_allowed(
                f"{origin} is an update; kg query only reads. "
                "Use kg build or kg remove to change a store."
            ) from None
        if origin != "the query text":
            raise errors.bad_query(origin, err.message.split(": ", 1)[-1]) from err
        raise
    if not hasattr(result, "variables"):
        if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
            return _boolean(bool(result), fmt)
        return _turtle(result)
    if fmt == "table":
        return format_table(result)
    out = result.serialize(format=_results_format(fmt)).decode("utf-8")
    return out if out.endswith("\n") else out + "\n"


@functools.cache
def _results_format(fmt: str) -> Any:
    import pyoxigraph as ox

    return {
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
        "json": ox.QueryResultsFormat.JSON,
    }[fmt]


def _boolean(value: bool, fmt: str) -> str:
    import json

    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    return ("true" if value else "false") + "\n"


def _turtle(triples: Any) -> str:
    import pyoxigraph as ox

    from kg.rdf.sparql import PREFIXES

    data = ox.serialize(list(triples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return data.decode("utf-8")


def _cell(term: Any) -> str:
    """Show a term compactly: IRIs with a known prefix shortened, literals as their text."""
    import pyoxigraph as ox

    from kg.rdf.sparql import PREFIXES

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri) :]}"
        return f"<{term.value}>"
    text = " ".join(term.value.split()) if isinstance(term, ox.Literal) else str(term)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def format_table(solutions: Any) -> str:
    """Return SELECT results as an aligned text table with a row count."""
    names = [v.value for v in solutions.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
