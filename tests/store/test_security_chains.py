"""Flat chains of operators and long property paths: a typed error on every path, never exit 139.

Issue 15, item 4: a 10 KB ``FILTER(!!!…!true)``, a 24 KB ``(1+1+…)`` or a 2,000-step property
path crashed ``kg query`` and any process calling ``Store.select`` (SIGSEGV, pyoxigraph's native
stack), and 3,000 steps of ``kg:p/…`` ran for over ten minutes. The bracket depth limit does not
see them: they are flat. ``kg.rdf.safety.check_operators`` counts the operators of each chain
before a parser sees the text. Every hostile query runs in a subprocess, so a crash fails the test
instead of killing pytest.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_security_kit import ROOT, run_kg
from test_store_kit import doc_quads, make_extraction

from kg import errors
from kg.rdf import safety
from kg.store import open_store, write_quads

NOT = "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }"
SUM = "SELECT (" + "+".join(["1"] * 12_000) + " AS ?x) WHERE {}"
PATH = "SELECT * WHERE { ?s " + "/".join(["kg:p"] * 2_000) + " ?o }"
#: Each hides its chain from a scanner that would end chains at every ``.`` ``;`` ``{`` ``}``, or
#: skip what looks like an IRI, or read ``a.b:c`` as three tokens.
HIDDEN = [
    "SELECT * WHERE { FILTER(" + "+".join(["EXISTS { ?s ?p ?o }"] * 9_000) + ") }",
    "SELECT (" + "+".join(['GROUP_CONCAT(?o; SEPARATOR=",")'] * 9_000) + " AS ?x) { ?s ?p ?o }",
    "SELECT * WHERE { FILTER(?x<" + "!" * 10_000 + "true>?y) }",
    "PREFIX a.b: <http://x/> SELECT * WHERE { ?s " + "/".join(["a.b:c"] * 2_000) + " ?o }",
    "SELECT * WHERE { FILTER(" + "-" * 10_000 + "1) }",
    "SELECT * WHERE { FILTER(" + " || ".join(["?x = 1"] * 9_000) + ") }",
]
HOSTILE = [NOT, SUM, PATH, *HIDDEN]

QUERY_MESSAGE = (
    "the query has a chain of 10000 operators in one expression or pattern (limit 128), more "
    "than the query engine can run without crashing. Write a long list of alternatives as "
    "?x IN (…) or a VALUES block, or split the query."
)
PATH_MESSAGE = (
    "the query has a property path of 1999 steps (limit 32), more than the query engine can run "
    "in reasonable time. Split the path with intermediate variables (?a kg:p ?b . ?b kg:q ?c) or "
    "use a repeated step (kg:p+)."
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("chains") / "s")
    with open_store(location) as db:
        db.replace_document(*doc_quads(make_extraction()))
    return location


def test_the_exact_messages() -> None:
    with pytest.raises(errors.QueryError) as exc:
        safety.check_sparql(NOT)
    assert str(exc.value) == QUERY_MESSAGE
    with pytest.raises(errors.QueryError) as exc:
        safety.check_sparql(PATH)
    assert str(exc.value) == PATH_MESSAGE


def test_the_scan_reads_names_strings_and_iris_as_pyoxigraph_does() -> None:
    ordinary = (
        "PREFIX my-ns: <http://x/a-b/> "
        'SELECT * WHERE { ?s kg:a-b-c ?o . ?o kg:x.y ?z ; kg:p/kg:q ?w FILTER(?z != "a-b+c"@en-US '
        "&& ?w > 1.5e-3 && ?w < -2) # a - b + c ! d\n ?w my-ns:long-name-with-many-dashes ?v }"
    )
    # one chain from the / to the }: / != && > && < - and the - of my-ns (a prefix may hold one)
    assert safety.operator_chains(ordinary) == (8, 1)
    # an IRI is a chain of its own: its five /, two - and the closing >
    assert safety.operator_chains("SELECT * { ?s <http://x/a-b/c-d/e> ?o }") == (8, 0)
    assert safety.operator_chains("true-true-true") == (2, 0)  # a keyword ends at -
    assert safety.operator_chains(HIDDEN[3]) == (1999, 1999)  # a.b:c is one name
    for query in HOSTILE:
        longest, steps = safety.operator_chains(query)
        assert longest > safety.MAX_OPERATOR_CHAIN or steps > safety.MAX_PATH_STEPS, query[:80]


SELECT_IN_A_CHILD = """
import sys
from kg import errors
from kg.store import open_store
with open_store(sys.argv[1], read_only=True) as store:
    for query in sys.stdin.read().split("\\0"):
        try:
            store.select(query)
        except errors.QueryError as err:
            print(err.message.split(" (")[0][:60], flush=True)
"""


def test_store_select_refuses_every_hostile_query_in_process(store: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SELECT_IN_A_CHILD, store],
        input="\0".join(HOSTILE),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-500:])
    refusals = proc.stdout.splitlines()
    assert len(refusals) == len(HOSTILE)
    # the longest are refused for their size before their chains are counted
    assert all(
        line.startswith(("the query has a ", "the query is too large")) for line in refusals
    ), refusals


@pytest.mark.parametrize("query", [NOT, SUM, PATH], ids=["not", "sum", "path"])
def test_kg_query_refuses_on_a_store_and_a_graph_file(
    store: str, tmp_path: Path, query: str
) -> None:
    graph = tmp_path / "g.trig"
    write_quads(doc_quads(make_extraction())[1], graph)
    file = tmp_path / "q.rq"
    file.write_text(query, encoding="utf-8")
    for source in (["--store", store], ["--graph", str(graph)]):
        proc = run_kg("query", *source, str(file))
        assert proc.returncode == 2, (source, proc.returncode, proc.stderr[-300:])
        assert proc.stderr.startswith(f"error: {file} has a "), proc.stderr
        assert "Traceback" not in proc.stderr


def test_kg_serve_refuses_with_400_and_stays_up(store: str) -> None:
    from kg.views.serve import Server

    with Server(None, store, port=0, timeout=20.0) as server:
        for query in HOSTILE:
            request = urllib.request.Request(
                server.url + "/sparql",
                data=query.encode(),
                headers={"Content-Type": "application/sparql-query"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as resp:
                    status, body = resp.status, resp.read().decode()
            except urllib.error.HTTPError as err:
                status, body = err.code, err.read().decode()
            assert status == 400, (query[:60], status, body[:200])
            assert "has a " in body or "too large" in body, body[:300]
        url = server.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        with urllib.request.urlopen(url, timeout=60) as resp:
            assert json.loads(resp.read())["boolean"] is True


# ---------------------------------------------------------------- bounded fuzz run

#: Pieces a chain is made of: operators, operands, and what could end or hide a chain.
_OPERATORS = ["+", "-", "!", "*", "/", "||", "&&", "=", "<", "|", "^"]
_PIECES = [
    "1",
    "?x",
    "kg:p",
    "a.b:c",
    "kg:a-b",
    "<http://x/y>",
    '"s"',
    "true",
    ".",
    ";",
    "{",
    "}",
    "(",
    ")",
    ",",
    " ",
    "#c\r",
    "#c\n",
    "<",
    ">",
    "EXISTS{?s ?p ?o}",
]

FUZZ_CHILD = """
import sys
import pyoxigraph as ox
from kg import errors
from kg.rdf import safety
store = ox.Store()
passed = 0
for query in sys.stdin.read().split("\\0"):
    try:
        safety.check_operators(query, "q")
    except errors.QueryError:
        continue
    passed += 1
    try:
        store.query(query)
    except (SyntaxError, ValueError, OSError):
        pass
print(passed)
"""


def _fuzz_queries(seed: int, count: int) -> list[str]:
    """Long chains mixed with what may hide them (seeded: the same run every time)."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        operator = rng.choice(_OPERATORS)
        parts: list[str] = [rng.choice(["SELECT * WHERE { FILTER(", "SELECT * WHERE { ?s "])]
        for _ in range(rng.choice([200, 3_000, 9_000])):
            parts.append(rng.choice(_PIECES) if rng.random() < 0.05 else operator)
            parts.append(rng.choice(_PIECES[:8]) if operator not in "!-" else "")
        parts.append(rng.choice([") }", " ?o }"]))
        queries.append("".join(parts))
    return queries


def test_fuzz_whatever_the_scan_passes_pyoxigraph_parses_without_crashing() -> None:
    # 120 seeded queries with chains of up to 9,000 operators, mixed with separators, brackets,
    # names with dots and dashes, IRIs and comments ending at CR: a query the scan lets through
    # must not crash pyoxigraph (in a child process, so a crash is an exit status, not pytest's)
    queries = _fuzz_queries(15, 120)
    proc = subprocess.run(
        [sys.executable, "-c", FUZZ_CHILD],
        input="\0".join(queries),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-500:])
    assert int(proc.stdout) > 0  # some queries passed and ran: the run tested something


# ---------------------------------------------------------------- kg query: kg serve's limits

COUNT_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
)


def test_kg_query_has_the_time_and_row_limits_of_kg_serve(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    assert main(["query", "--store", store, "--max-rows", "2", "SELECT * { ?s ?p ?o }"]) == 2
    assert capsys.readouterr().err == (
        "error: the result has more than 2 rows: add a LIMIT, or raise --max-rows\n"
    )
    assert main(["query", "--store", store, "--timeout", "1", COUNT_PRODUCT]) == 2
    assert capsys.readouterr().err == (
        "error: the query text ran longer than 1 s and was stopped. Add a LIMIT or narrow its "
        "patterns, or allow more time with --timeout SECONDS.\n"
    )
    assert main(["query", "--store", store, "--max-rows", "2", "ASK { ?s ?p ?o }"]) == 0
    assert capsys.readouterr().out == "true\n"
