"""Readers and the writer of an embedded store, in separate processes (``kg.store.lock``).

One writer or any number of readers, never both: pyoxigraph leaves a read-only database open
next to a writing process undefined. Every wait here is short and configured (``wait=`` or
``KG_STORE_WAIT``); the only timing assumptions are generous upper bounds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_security_kit import run_kg
from test_store_kit import doc_quads, make_extraction

from kg import errors
from kg.rdf import terms
from kg.store import open_graph, open_store
from kg.store.lock import WAITING_FILE
from kg.views.serve import BUSY_MESSAGE, RETRY_AFTER, Server

ROOT = Path(__file__).resolve().parents[2]

_HOLD = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from kg.store import open_store
store = open_store({location!r}, read_only={read_only!r}, wait=60)
if {doc!r}:
    from test_store_kit import doc_quads, make_extraction
    store.replace_document(*doc_quads(make_extraction({doc!r})))
print("ready", flush=True)
sys.stdin.readline()
store.close()
"""


@contextmanager
def holding(location: str, *, read_only: bool, doc: str = "") -> Iterator[subprocess.Popen[str]]:
    """Run a process that opens the store (and writes ``doc``), until the block ends."""
    code = _HOLD.format(
        root=str(ROOT), tests=str(ROOT / "tests"), location=location, read_only=read_only, doc=doc
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        assert proc.stdout.readline() == "ready\n", proc.communicate(timeout=60)[1]
        yield proc
    finally:
        release(proc)


def release(proc: subprocess.Popen[str]) -> None:
    """Let a holding process close the store and end."""
    if proc.poll() is None:
        _, err = proc.communicate("\n", timeout=120)
        assert proc.returncode == 0, err


def _store(tmp_path: Path, *docs: str) -> str:
    location = str(tmp_path / "store")
    with open_store(location) as s:
        for doc in docs:
            s.replace_document(*doc_quads(make_extraction(doc)))
    return location


def _documents(location: str) -> set[str]:
    with open_graph(store=location) as s:
        return {str(r["document"]) for r in s.documents()}


# ---------------------------------------------------------------- the writer meets readers


def test_reader_makes_the_writer_wait_then_fail(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    with holding(location, read_only=True) as reader:
        with pytest.raises(errors.StoreBusy) as exc:
            open_store(location, wait=0.3)
        assert str(exc.value) == (
            f"store {location} is open for reading by process {reader.pid} (waited 0.3 s). "
            "Let the readers finish or stop them (kg serve gives way between queries; in "
            "Python, close the store), then retry, or wait longer with KG_STORE_WAIT=SECONDS."
        )
        assert not (Path(location) / WAITING_FILE).exists()  # the marker went with the writer
    with open_store(location, wait=0) as s:  # the failed writer released kg.lock too
        s.replace_document(*doc_quads(make_extraction("doc-b")))
    assert _documents(location) == {str(terms.document_iri(d)) for d in ("doc-a", "doc-b")}


def test_writer_gets_in_when_the_reader_closes_within_its_wait(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    marker = Path(location) / WAITING_FILE
    outcome: list[object] = []

    def write() -> None:
        try:
            with open_store(location, wait=120) as s:
                s.replace_document(*doc_quads(make_extraction("doc-b")))
            outcome.append("written")
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            outcome.append(err)

    with holding(location, read_only=True) as reader:
        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), "the blocked writer did not announce itself"
        assert json.loads(marker.read_text())["pid"] == os.getpid()
        assert outcome == []  # still waiting: the reader holds the store
        release(reader)
        writer.join(120)
    assert outcome == ["written"]
    assert not marker.exists()
    assert str(terms.document_iri("doc-b")) in _documents(location)


def test_a_running_kg_serve_is_named_to_a_blocked_writer(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", location, "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline().startswith("SPARQL endpoint http://127.0.0.1:")
        with pytest.raises(errors.StoreBusy) as exc:
            open_store(location, wait=0)  # no time for the server to give way
        assert str(exc.value).startswith(
            f"store {location} is open for reading by kg serve (pid {proc.pid}) (waited 0 s). "
        )
    finally:
        proc.kill()
        proc.wait(30)


# ---------------------------------------------------------------- readers meet the writer


def test_kg_query_fails_after_the_wait_while_a_writer_works(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    with holding(location, read_only=False, doc="doc-b") as writer:
        proc = run_kg(
            "query", "--store", location, "ASK { ?s ?p ?o }", env={"KG_STORE_WAIT": "0.3"}
        )
        assert proc.returncode == 2
        assert proc.stderr == (
            f"error: store {location} is being written by process {writer.pid} (waited 0.3 s). "
            f"Wait for process {writer.pid} to finish, then retry; to read while it writes, "
            "query a copy of the store or serve the data from a SPARQL server (see 'Readers and "
            "writers' in README.md).\n"
        )
    proc = run_kg("query", "--store", location, "--format", "csv", "ASK { ?s ?p ?o }")
    assert proc.returncode == 0, proc.stderr


def test_reader_waits_for_a_short_writer(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    with holding(location, read_only=False, doc="doc-b") as writer:
        timer = threading.Timer(0.5, release, args=(writer,))
        timer.start()
        with open_graph(store=location, wait=120) as s:  # the writer closes within the wait
            assert len(s.documents()) == 2
        timer.join(120)


def test_new_readers_give_way_to_a_waiting_writer(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    marker = Path(location) / WAITING_FILE
    pid = os.getpid()
    marker.write_text(json.dumps({"pid": pid, "until": time.time() + 600}))
    with pytest.raises(errors.StoreBusy) as exc:
        open_graph(store=location, wait=0.2)
    assert exc.value.holder == f"process {pid}"
    # a writer killed while it waited leaves its marker: it means nothing once the writer is
    # gone or past the deadline
    marker.write_text(json.dumps({"pid": pid, "until": time.time() - 60}))
    with open_graph(store=location, wait=0) as s:
        assert len(s.documents()) == 1
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    marker.write_text(json.dumps({"pid": int(gone.stdout), "until": time.time() + 600}))
    with open_graph(store=location, wait=0) as s:
        assert len(s.documents()) == 1


def test_bad_kg_store_wait_is_an_input_error(tmp_path: Path) -> None:
    location = _store(tmp_path)
    proc = run_kg("query", "--store", location, "ASK {}", env={"KG_STORE_WAIT": "soon"})
    assert proc.returncode == 2
    assert proc.stderr == (
        "error: invalid KG_STORE_WAIT 'soon'. Give the seconds to wait for a busy store, e.g. 10.\n"
    )


# ---------------------------------------------------------------- kg serve gives way


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _count_url(srv: Server) -> str:
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return f"{srv.url}/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"})


def test_serve_closes_for_a_writer_answers_503_then_shows_the_new_data(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    with Server(None, location, port=0, timeout=30, workers=2) as srv:
        assert _get(_count_url(srv))[2] == b"n\r\n1\r\n"
        # the writer can only open the store once both workers have closed it
        with holding(location, read_only=False, doc="doc-b"):
            status, headers, body = _get(_count_url(srv))
            assert (status, headers.get("Retry-After"), body.decode()) == (
                503,
                str(RETRY_AFTER),
                BUSY_MESSAGE + "\n",
            )
        assert _get(_count_url(srv))[:3:2] == (200, b"n\r\n2\r\n")


def test_serve_starts_while_a_writer_works(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    with (
        holding(location, read_only=False, doc="doc-b") as writer,
        Server(None, location, port=0, timeout=30, workers=1) as srv,
    ):
        assert _get(_count_url(srv))[0] == 503
        release(writer)
        assert _get(_count_url(srv))[:3:2] == (200, b"n\r\n2\r\n")


@pytest.mark.slow
def test_kg_build_next_to_kg_serve(tmp_path: Path) -> None:
    location = _store(tmp_path, "doc-a")
    article = tmp_path / "drills.txt"
    article.write_text(
        "The Colombian Navy trained with U.S. Marines in Cartagena in March.\n", encoding="utf-8"
    )
    with Server(None, location, port=0, timeout=30, workers=2) as srv:
        assert _get(_count_url(srv))[2] == b"n\r\n1\r\n"
        build = run_kg("build", str(article), "--store", location, timeout=600)
        assert build.returncode == 0, build.stderr
        query = "SELECT ?source WHERE { ?d a kg:Document ; dcterms:source ?source }"
        url = f"{srv.url}/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"})
        status, _, body = _get(url)  # the server reopened the store after the build
    assert status == 200
    assert set(body.decode().split("\r\n")[1:-1]) == {"doc-a.txt", str(article)}


def test_a_holder_is_named_by_the_kg_command_it_descends_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A query worker's own child (or a worker started through an intermediate process) is
    named as the kg command above it, not as a bare process number."""
    from kg.store import lock

    parents = {"300": "200", "200": "100", "100": "1"}
    monkeypatch.setattr(lock, "_parent", parents.get)
    monkeypatch.setattr(lock, "_kg_command", lambda pid: "kg serve" if pid == "100" else None)
    assert lock.describe_process("300") == "kg serve (pid 100)"
    assert lock.describe_process("200") == "kg serve (pid 100)"
    monkeypatch.setattr(lock, "_kg_command", lambda pid: None)
    assert lock.describe_process("300") == "process 300"
