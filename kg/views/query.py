"""``kg query``: find the query text, bind parameters safely, print results in a standard format.

Formats: ``table`` (aligned text for people; long cells wrap, nothing is cut), ``csv`` and ``tsv``
(SPARQL 1.1 Query Results CSV and TSV), ``json`` (SPARQL 1.1 Query Results JSON). CONSTRUCT and
DESCRIBE print Turtle.

Parameters: a saved query declares its own in its header (``# Parameters:`` then one
``#   NAME (required|optional): …`` line each); a parameter a query does not take, or a required
one left out, is an error that lists the query's parameters (a typo would otherwise bind nothing
and return every row, a missing one no row).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg import errors
from kg.errors import shown
from kg.rdf.safety import check_operators, is_blank_query
from kg.rdf.sparql import PREFIXES, check_name, query_form, tokens
from kg.resources import queries_dir
from kg.views.limited import run_limited

FORMATS = ("table", "csv", "tsv", "json")
_SAVED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*\Z")
#: Table cells longer than this wrap onto more lines (``wrap=None``: one line per row).
WRAP = 60
_PARAMETERS = re.compile(r"#\s*Parameters\b[^:\n]*:(?P<rest>[^\n]*)")
_DECLARED = re.compile(r"#\s{2,}(?P<name>[A-Za-z_]\w*)\s+\((?P<kind>required|optional)\)")


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
    if arg.endswith(".rq") or (len(arg) < 4096 and "\n" not in arg and _is_file(candidate)):
        if not _is_file(candidate):
            raise errors.no_such_input(arg)
        try:
            return candidate.read_text(encoding="utf-8"), str(candidate)
        except (OSError, UnicodeDecodeError) as err:
            raise errors.unreadable_input(arg, str(err)) from err
    saved = saved_queries()
    if _SAVED_NAME.match(arg):
        if arg in saved:
            return saved[arg].read_text(encoding="utf-8"), str(saved[arg])
        if not query_form(arg):
            raise errors.no_such_query(arg, sorted(saved))
    return arg, "the query text"


def _is_file(path: Path) -> bool:
    """``Path.is_file``, but False for text no file system takes as a name: a one-line query
    longer than a file name may be (255 bytes) raises ``OSError`` there."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def declared_params(text: str) -> dict[str, bool] | None:
    """The parameters a query declares in its header comment (name → required), or None."""
    header = _PARAMETERS.search(text)
    if header is None:
        return None
    declared: dict[str, bool] = {}
    if "none" in header.group("rest").lower():
        return declared
    for line in text[header.end() :].splitlines()[1:]:
        if not line.startswith("#") or line.startswith("# Columns"):
            break
        found = _DECLARED.match(line)
        if found:
            declared[found.group("name")] = found.group("kind") == "required"
    return declared


def check_params(text: str, params: Iterable[str], origin: str = "the query text") -> None:
    """Refuse a parameter ``text`` does not take, or a required one that is missing.

    A query that declares its parameters (the saved ones) takes those; any other takes its
    variables.
    """
    given = set(params)
    declared = declared_params(text)
    if declared is None:
        variables = sorted({t.text[1:] for t in tokens(text) if t.kind == "var"})
        unknown = sorted(given - set(variables))
        if unknown:
            raise errors.unknown_param(unknown[0], origin, [f"?{v}" for v in variables], False)
        return
    listed = [f"{name} ({'required' if req else 'optional'})" for name, req in declared.items()]
    unknown = sorted(given - set(declared))
    if unknown:
        raise errors.unknown_param(unknown[0], origin, listed, True)
    missing = [name for name, required in declared.items() if required and name not in given]
    if missing:
        raise errors.missing_param(missing[0], origin, listed)


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """Parse ``NAME=VALUE`` strings; values stay strings (bound as plain literals)."""
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
    wrap: int | None = WRAP,
    limits: tuple[int, int] | None = None,
) -> str:
    """Run ``text`` on ``source`` (a ``kg.store.Store``); the formatted results.

    ``wrap``: for ``table``, the width past which a cell wraps onto more lines (None: never).
    ``limits``: ``(rows, bytes)`` past which the result is refused, as kg serve refuses it.
    """
    check_query_text(text, fmt, params, origin)
    try:
        result = _results(source, text, params, limits)
    except errors.QueryError as err:
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
        return format_table(result, wrap)
    out = result.serialize(format=_results_format(fmt)).decode("utf-8")
    return out if out.endswith("\n") else out + "\n"


def check_query_text(
    text: str, fmt: str, params: dict[str, Any] | None, origin: str = "the query text"
) -> None:
    """What needs no store: the format, an empty query, the parameters, operator chains."""
    if fmt not in FORMATS:
        raise errors.unknown_choice("format", fmt, list(FORMATS))
    if is_blank_query(text):
        raise errors.empty_query(origin)
    check_params(text, params or {}, origin)
    check_operators(text, origin)  # before a parser sees it: a long chain crashes pyoxigraph


def _results(
    source: Any, text: str, params: dict[str, Any] | None, limits: tuple[int, int] | None
) -> Any:
    """pyoxigraph's result of ``text``; within ``limits``, read whole through kg serve's
    ``run_limited`` (which counts rows and bytes as they stream in) and parsed back."""
    if limits is None:
        return source.raw(text, params or None)
    import pyoxigraph as ox

    graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
    media = "application/n-triples" if graph else "application/sparql-results+json"
    data = run_limited(source, text, media, limits[0], limits[1], params)
    if graph:
        return ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


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

    data = ox.serialize(list(triples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return data.decode("utf-8")


def _cell(term: Any) -> str:
    """Show a term compactly: IRIs with a known prefix shortened, literals as their text (whole,
    white space folded)."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri) :]}"
        return f"<{term.value}>"
    text = " ".join(term.value.split()) if isinstance(term, ox.Literal) else str(term)
    return shown(text)  # a literal from a hostile graph file must not drive the terminal


def format_table(solutions: Any, wrap: int | None = WRAP) -> str:
    """Return SELECT results as an aligned text table with a row count.

    Nothing is cut: a cell longer than ``wrap`` characters continues on the next lines of its
    row, in its column (``wrap=None``: every row on one line, for a wide terminal or a pager).
    """
    import textwrap

    names = [v.value for v in solutions.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in solutions]

    def pieces(cell: str) -> list[str]:
        if wrap is None or len(cell) <= wrap:
            return [cell]
        return textwrap.wrap(cell, wrap, break_long_words=True, break_on_hyphens=False) or [""]

    cut = [[pieces(c) for c in r] for r in rows]
    widths = [
        max([len(n)] + [len(line) for r in cut for line in r[i]]) for i, n in enumerate(names)
    ]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    for r in cut:
        for k in range(max((len(c) for c in r), default=1)):
            parts = [(c[k] if k < len(c) else "").ljust(w) for c, w in zip(r, widths, strict=True)]
            lines.append(" | ".join(parts).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
