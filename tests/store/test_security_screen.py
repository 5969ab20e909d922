# ruff: noqa: F811 - pytest fixtures are imported by name from the kit modules
"""The SPARQL screen sees what pyoxigraph will run (issue 15, item 1).

kg refuses ``SERVICE`` by parsing the query with rdflib's grammar, but pyoxigraph runs it, and
the two read some texts differently: pyoxigraph ends a comment at ``\\r`` as well as ``\\n``
(rdflib only at ``\\n``), and decodes ``\\u`` escapes only inside strings and IRIs (rdflib
decodes them everywhere before parsing). Each difference let a SERVICE through the screen. Here:

- the reported payloads, refused on every query path (``Store.select`` on both stores,
  ``kg query --store`` and ``--graph``, ``kg serve`` GET, POST, form POST and the ``/`` page), with
  a listener on 127.0.0.1 that must see no connection;
- a property-based fuzz of the screen against pyoxigraph's own parser: queries built from comment,
  line-end, string, IRI and escape fragments around a SERVICE; whenever the screen lets one pass,
  pyoxigraph must not evaluate a SERVICE when it runs it. Bounded for CI
  (``KG_FUZZ_EXAMPLES`` runs more).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_security_kit import Listener, listener  # noqa: F401
from test_store_kit import (  # noqa: F401
    any_store,
    doc_quads,
    make_extraction,
    sparql_server,
    store_location,
)

from kg import errors
from kg.rdf import safety
from kg.store import open_store
from kg.store.files import write_quads
from kg.store.oxigraph import OxigraphStore

REFUSAL = "kg never sends a query to another endpoint"


def bypasses(url: str) -> list[str]:
    """Queries that reached ``url`` through the screen before the fix."""
    return [
        # the report: rdflib's comment runs to \n, pyoxigraph's ends at \r
        f"SELECT * WHERE {{ #x\r SERVICE <{url}/x> {{ ?s ?p ?o }} \n}}",
        f"SELECT * WHERE {{ #x\r\n SERVICE <{url}/x> {{ ?s ?p ?o }} }}",
        f"ASK {{ #\rSERVICE <{url}/x> {{ ?s ?p ?o }}\n}}",
        # rdflib decodes \u0027 everywhere (the string ends early, a second string hides the
        # SERVICE); pyoxigraph decodes it only inside the string, as a quote character
        f"SELECT * WHERE {{ VALUES ?x {{ 'a\\u0027 \"' }} SERVICE <{url}/x> {{ ?s ?p ?o }} }}"
        ' # "} }\nLIMIT 1',
    ]


def _store_with_a_document(location: str) -> None:
    with open_store(location) as store:
        store.replace_document(*doc_quads(make_extraction()))


# ---------------------------------------------------------------- every query path


def test_screen_refuses_the_bypasses(listener: Listener) -> None:
    for query in bypasses(listener.url):
        with pytest.raises(errors.QueryError, match=REFUSAL):
            safety.check_sparql(query)
    assert listener.connections() == 0


def test_store_select_refuses_the_bypasses(any_store: object, listener: Listener) -> None:
    store = any_store
    store.replace_document(*doc_quads(make_extraction()))  # type: ignore[attr-defined]
    for query in bypasses(listener.url):
        for method in ("select", "raw", "query"):
            if query.startswith("ASK") and method == "select":
                continue
            with pytest.raises(errors.QueryError, match=REFUSAL):
                getattr(store, method)(query)
    assert listener.connections() == 0


def test_kg_query_refuses_the_bypasses_on_a_store_and_a_graph_file(
    tmp_path: Path, listener: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    location = str(tmp_path / "s")
    _store_with_a_document(location)
    graph_file = tmp_path / "g.trig"
    write_quads(doc_quads(make_extraction())[1], graph_file)
    for query in bypasses(listener.url):
        rq = tmp_path / "bypass.rq"
        rq.write_bytes(query.encode("utf-8"))  # bytes: keep the \r as it is
        for source in (["--store", location], ["--graph", str(graph_file)]):
            for text in (query, str(rq)):
                code = main(["query", *source, text])
                err = capsys.readouterr().err
                assert code == 2, (source, text)
                assert err.startswith("error: ") and REFUSAL in err and "Traceback" not in err
    assert listener.connections() == 0


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[str]:
    from kg.views.serve import Server

    location = str(tmp_path / "s")
    _store_with_a_document(location)
    with Server(None, location, port=0, timeout=5.0, max_rows=100) as server:
        yield server.url


def _request(url: str, data: bytes | None = None, ctype: str | None = None) -> tuple[int, str]:
    headers = {"Accept": "application/sparql-results+json"}
    if ctype:
        headers["Content-Type"] = ctype
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def test_kg_serve_refuses_the_bypasses_on_get_post_form_and_page(
    endpoint: str, listener: Listener
) -> None:
    for query in bypasses(listener.url):
        form = urllib.parse.urlencode({"query": query})
        status, body = _request(f"{endpoint}/sparql?{form}")
        assert status == 403 and "SERVICE" in body, (status, body)
        status, body = _request(f"{endpoint}/sparql", query.encode(), "application/sparql-query")
        assert status == 403 and "SERVICE" in body, (status, body)
        status, body = _request(
            f"{endpoint}/sparql", form.encode(), "application/x-www-form-urlencoded"
        )
        assert status == 403 and "SERVICE" in body, (status, body)
        status, body = _request(f"{endpoint}/?{form}")
        assert status == 200 and 'class="error"' in body and "SERVICE" in body, (status, body)
    assert listener.connections() == 0
    status, body = _request(f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
    assert status == 200, body


# ---------------------------------------------------------------- fuzz against pyoxigraph

MARKER = "urn:kg-fuzz-service"  # pyoxigraph fails on this IRI before any network access
SERVICE = f"SERVICE <{MARKER}> {{ ?s ?p ?o }}"

#: Fragments where rdflib's and pyoxigraph's readings of a text can part: comment starts, line
#: ends and other controls, string delimiters of the four kinds, escapes (\\u, \\U, echar, a
#: doubled backslash), IRI brackets, comparison operators that look like IRIs, prefixed names
#: with escaped local parts, and the SERVICE itself.
FRAGMENTS = [
    "#",
    "\r",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\x0b",
    "\x0c",
    "\x85",
    "\u2028",
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\\\\",
    '\\"',
    "\\'",
    "\\r",
    "\\n",
    "\\u0022",
    "\\u0027",
    "\\u0023",
    "\\u000D",
    "\\u000d",
    "\\u000A",
    "\\u003C",
    "\\u003E",
    "\\u005C",
    "\\u007B",
    "\\u007D",
    "\\U00000022",
    "\\U00000027",
    "\\U0000000D",
    "\\U00000023",
    "\\u00220041",
    "<",
    ">",
    "<http://x/a>",
    "<http://x/a#b>",
    "<http://x/\\u003E>",
    "?o<?x",
    "?o<?x#>",
    "kg:a\\#",
    "kg:a\\u0023",
    "VALUES ?x {",
    "{",
    "}",
    "(",
    ")",
    ".",
    "'a'",
    '"a"',
    "?o",
    "FILTER(",
    "#x",
    SERVICE,
    SERVICE,
]


@st.composite
def tangled_queries(draw: st.DrawFn) -> str:
    """A soup of FRAGMENTS around at least one SERVICE (rarely a query: for breadth)."""
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
    parts.insert(draw(st.integers(0, len(parts))), SERVICE)
    body = "".join(
        p + draw(st.sampled_from(["", " ", "", "\n"])) for p in parts
    )  # with and without separating spaces
    tail = draw(st.sampled_from(["", "\n", " # }\n", "\n}", " }", "\nLIMIT 1", "'", '"']))
    head = draw(st.sampled_from(["SELECT * WHERE { ", "ASK { ", "SELECT * { ?s ?p ?o "]))
    return head + body + " }" + tail


#: Pieces of content for comments, strings and IRIs: escapes of every delimiter and line end,
#: raw delimiters and line ends, and the start of a SERVICE that a misreading would expose.
PIECES = [
    *(f"\\u{c:04X}" for c in (0x22, 0x27, 0x23, 0x0D, 0x0A, 0x3C, 0x3E, 0x5C, 0x7B, 0x7D)),
    *(f"\\u{c:04x}" for c in (0x22, 0x27, 0x0D)),
    *(f"\\U{c:08X}" for c in (0x22, 0x27, 0x23, 0x0D)),
    "\\u00220041",
    *("\\u0022", "\\u0027", "\\u000D", "\\u0023") * 2,  # the escapes that part readers: weighted
    '"',
    "'",
    '"' * 3,
    "'" * 3,
    "#",
    "<",
    ">",
    "{",
    "}",
    "\\\\",
    '\\"',
    "\\'",
    "\\n",
    "\\r",
    "\r",
    "\n",
    " ",
    "x",
    f"}} {SERVICE} {{",
    "SERVICE <",
]


#: What a string's, comment's or IRI's content may not hold raw, for pyoxigraph: a short string
#: its quote and line ends, a long string its quote (three in a row would end it), a comment
#: line ends, an IRI what IRIREF leaves out.
Q2, Q1 = '"', "'"
REFUSED = {
    "comment": "\r\n",
    "short2": Q2 + "\r\n",
    "short1": Q1 + "\r\n",
    "long2": Q2,
    "long1": Q1,
    "iri": '<>"{}|^`\\\r\n ',
}
STRINGS = ("short2", "short1", "long2", "long1")
#: The pieces that can end a string early for a reader that decodes escapes first.
QUOTE_PIECES = [
    "\\u0022",
    "\\u0027",
    "\\U00000022",
    "\\U00000027",
    Q2,
    Q1,
    Q2 * 3,
    Q1 * 3,
    "\\\\",
    "#",
    "}",
    "x",
]


def _item(draw: st.DrawFn, kind: str, n: int, pieces: list[str]) -> str:
    """One item of a group (one row on an empty store, its own variable ``?vN``)."""
    if kind not in REFUSED:
        return {
            "pname": f"BIND(ex:a\\#b AS ?v{n})",  # the local name a#b
            "less": f"FILTER(?v{n}<?s#>\n)",  # a comparison that looks like an IRI
        }.get(kind, kind)
    if kind == "comment":
        return "#" + _content(draw, pieces, kind) + draw(st.sampled_from(["\r", "\n", "\r\n"]))
    if kind == "iri":
        return f"BIND(<http://x/{_content(draw, pieces, kind)}> AS ?v{n})"
    values = []
    for string in [kind, *draw(st.lists(st.sampled_from(STRINGS), max_size=1))]:
        quote = (Q2 if string.endswith("2") else Q1) * (3 if string.startswith("long") else 1)
        values.append(quote + _content(draw, pieces, string) + quote)
    return f"VALUES ?v{n} {{ {' '.join(values)} }}"


def _content(draw: st.DrawFn, pieces: list[str], kind: str) -> str:
    """Content for ``kind`` from ``pieces``: none with a raw character it refuses, and in an
    IRI no character escape (such as ``\\n``), only code point escapes."""
    allowed = [
        p
        for p in pieces
        if (p.startswith(("\\u", "\\U")) or not (kind == "iri" and p.startswith("\\")))
        and (p.startswith("\\") or not any(ch in REFUSED[kind] for ch in p))
    ]
    return "".join(draw(st.lists(st.sampled_from(allowed), max_size=6)))


@st.composite
def disguised_services(draw: st.DrawFn) -> str:
    """A query that pyoxigraph reads as holding a SERVICE, among comments, strings and IRIs.

    Their content is made of delimiters, line ends and escapes, each valid where it stands for
    pyoxigraph: a reader that ends one of them elsewhere may lose sight of the SERVICE. Half of
    the queries put strings of quote escapes and raw quotes on both sides of the SERVICE (a
    string that ends early for one reader must start again to hide it).
    """
    if draw(st.booleans()):
        before = draw(st.sampled_from(STRINGS))
        after = draw(st.sampled_from([*STRINGS, "comment"]))
        items, pieces = [before, SERVICE, after], QUOTE_PIECES
    else:
        kinds = [*REFUSED, "pname", "less", SERVICE]
        items = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=4))
        items.insert(draw(st.integers(0, len(items))), SERVICE)
        pieces = PIECES
    body = " ".join(_item(draw, kind, n, pieces) for n, kind in enumerate(items))
    head = "PREFIX ex: <http://x/> "
    head += draw(st.sampled_from(["SELECT * WHERE { ", "ASK { ", "SELECT * { "]))
    # a line end before the last brace: a reader whose comment ran on to it still sees a query
    tail = draw(st.sampled_from(["\n}", " }\n", "\n}\nLIMIT 1", " # }\n}"]))
    return head + body + tail


FUZZ = settings(
    max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "0")) or 500,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,  # the CI run is bounded and repeatable; a failure prints its example
)


def _pyoxigraph_runs_service(query: str) -> bool:
    """Whether pyoxigraph evaluates a SERVICE when it runs ``query`` (on an empty store)."""
    import pyoxigraph as ox

    try:
        result = ox.Store().query(query)
        if hasattr(result, "__iter__"):
            list(result)
        else:
            bool(result)
    except SyntaxError:
        return False
    except OSError as err:
        return MARKER in str(err) or "URI scheme" in str(err)
    return False


def test_the_oracle_sees_a_service_and_only_a_service() -> None:
    assert _pyoxigraph_runs_service(f"SELECT * WHERE {{ {SERVICE} }}")
    assert _pyoxigraph_runs_service(f"SELECT * WHERE {{ #x\r {SERVICE}\n}}")
    assert not _pyoxigraph_runs_service(f"SELECT * WHERE {{ #x {SERVICE}\n}}")
    assert not _pyoxigraph_runs_service(f'SELECT * WHERE {{ ?s ?p "{SERVICE}" }}')


@FUZZ
@given(st.one_of(*[disguised_services()] * 3, tangled_queries()))  # 3 in 4: parsable ones
@example(f"SELECT * WHERE {{ #x\r {SERVICE} \n}}")
@example(f"SELECT * WHERE {{ VALUES ?x {{ 'a\\u0027 \"' }} {SERVICE} }} # \"}} }}\nLIMIT 1")
@example(f"SELECT * WHERE {{ VALUES ?x {{ \"a\\U00000022 '\" }} {SERVICE} }} # '}} }}\nLIMIT 1")
def test_whatever_the_screen_passes_pyoxigraph_runs_without_service(query: str) -> None:
    try:
        safety.check_sparql(query)
    except errors.QueryError:
        passed_screen = False
    else:
        passed_screen = True
    try:
        OxigraphStore().raw(
            query
        )  # the whole path: the store's cheap pre-check, the screen, pyoxigraph
    except errors.QueryError:
        passed_store = False
    except OSError as err:  # pyoxigraph ran a SERVICE: the store let it through
        raise AssertionError(f"Store.raw ran a SERVICE: {query!r}: {err}") from None
    else:
        passed_store = True
    if passed_screen or passed_store:
        assert not _pyoxigraph_runs_service(query), f"the screen passed a SERVICE: {query!r}"
