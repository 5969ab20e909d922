"""Crashes and failed requests never leave half a document (kill -9; a cut HTTP request)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_store_kit import clear_server, doc_quads, make_extraction, sparql_server  # noqa: F401

from kg import errors
from kg.rdf import terms
from kg.store import open_graph, open_store
from kg.views.validate import validate

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
sys.path.insert(0, {tests!r})
from test_store_kit import doc_quads, make_extraction
from kg.store import open_store

with open_store({location!r}) as store:
    for i in range({count}):
        text = "FOES trained with U.S. Special Forces. " * (1 + i % 7)
        ex = make_extraction(f"doc-{{i}}", text=text)
        changed = store.replace_document(*doc_quads(ex))
        print(i, changed, flush=True)
"""


def _expected(i: int) -> set[tuple[object, ...]]:
    ex = make_extraction(f"doc-{i}", text=("FOES trained with U.S. Special Forces. " * (1 + i % 7)))
    return set(doc_quads(ex)[1])


def _run_writer(location: str, count: int, kill_after: int | None) -> list[str]:
    code = WRITER.format(tests=str(ROOT / "tests"), location=location, count=count)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.strip())
        if kill_after is not None and len(lines) >= kill_after:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    if kill_after is None:
        assert proc.returncode == 0
    else:
        assert proc.returncode == -signal.SIGKILL
    return lines


def test_kill_9_mid_build_leaves_whole_documents_and_a_rerun_completes(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    count = 60
    printed = _run_writer(location, count, kill_after=8)
    with open_graph(store=location) as store:
        docs = [str(r["document"]) for r in store.documents()]
        assert len(docs) >= 8
        for i in range(count):
            iri = terms.document_iri(f"doc-{i}")
            got = {q for q in store.quads() if q[3] == iri}
            assert got in (set(), _expected(i)), f"doc-{i} is partial"
        result = validate(store)
        assert result.conforms, result.report
    # the rerun skips what was committed and finishes the rest, with no duplicates
    lines = _run_writer(location, count, kill_after=None)
    unchanged = sum(1 for x in lines if x.endswith("False"))
    assert unchanged >= len(printed)
    with open_graph(store=location) as store:
        assert len(store.documents()) == count
        everything = set().union(*(_expected(i) for i in range(count)))
        assert set(store.quads()) == everything
        assert len(store) == len(everything)


def _cutting_proxy(target_port: int) -> tuple[int, threading.Thread]:
    """Forward one HTTP request to the server but only half of its body, then hang up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(30)
    port = int(listener.getsockname()[1])

    def run() -> None:
        try:
            client, _ = listener.accept()
        finally:
            listener.close()
        with client:
            client.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data:
                data += client.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                int(h.split(b":")[1])
                for h in head.split(b"\r\n")
                if h.lower().startswith(b"content-length")
            )
            while len(body) < length:
                body += client.recv(65536)
            with socket.create_connection(("127.0.0.1", target_port), timeout=30) as server:
                server.sendall(head + b"\r\n\r\n" + body[: length // 2])
                server.shutdown(socket.SHUT_WR)
                server.recv(65536)  # the server's answer (an error) is not passed on

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return port, thread


def test_cut_update_request_leaves_the_previous_version(sparql_server: str) -> None:  # noqa: F811
    clear_server(sparql_server)
    old = make_extraction("doc-a")
    with open_store(sparql_server) as store:
        store.replace_document(*doc_quads(old))
    real = sparql_server.removeprefix("sparql+")
    port, thread = _cutting_proxy(int(real.rsplit(":", 1)[1].split("/")[0]))
    via_proxy = f"sparql+http://127.0.0.1:{port}/?query={real}/query&update=/update"
    new = make_extraction(
        "doc-a",
        text="FOES trained in Lima.",
        entities=[("FOES", "MilitaryUnit", "FOES", set()), ("Lima", "Place", "Lima", set())],
        relations=[("FOES", "basedIn", "Lima")],
    )
    with open_store(via_proxy) as store, pytest.raises(errors.StoreError):
        store.replace_document(*doc_quads(new))
    thread.join(timeout=30)
    with open_store(sparql_server) as store:
        assert set(store.quads()) == set(doc_quads(old)[1])


@pytest.mark.slow
def test_kill_9_during_kg_build_then_rerun(tmp_path: Path) -> None:
    articles = sorted((ROOT / "data" / "articles").glob("*.txt"))[:4]  # enough to stop mid-way
    if len(articles) < 3:
        pytest.skip("data/articles has fewer than 3 sample articles")
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, src in enumerate(articles):
        shutil.copy(src, folder / f"{i:02d}-{src.name}")
    store = str(tmp_path / "store")
    cmd = [sys.executable, "-m", "kg.cli", "build", str(folder), "--store", store]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    seen: list[str] = []
    for line in proc.stderr:
        seen.append(line)
        if "[ok]" in line:  # one document committed, the next ones in progress
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=300)
    assert proc.returncode == -signal.SIGKILL, (
        "kg build ended before committing a document:\n" + "".join(seen[-15:])
    )
    with open_graph(store=store) as db:
        assert validate(db).conforms
        committed = len(db.documents())
    assert committed >= 1
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.count("[unchanged]") == committed
    with open_graph(store=store) as db:
        assert len(db.documents()) == len(articles)
        assert validate(db).conforms
        dup = db.select(
            "SELECT ?g (COUNT(?h) AS ?n) WHERE { GRAPH ?g { ?g kg:contentHash ?h } }"
            " GROUP BY ?g HAVING (COUNT(?h) > 1)"
        )
        assert dup == []
