"""Faults while writing: a full disk, a second writer. Nothing half-written, a clear error, a rerun.

Rows of issue 7 covered here (with the tests of other helpers that cover the rest of the row):
- ``kill -9`` during a build; a full disk; a failed HTTP request to a remote store -> no partial
  document, a rerun completes without duplicates. The full disk is tested here (the file size
  limit of the writing process makes RocksDB's writes fail with EFBIG, as a full disk does);
  ``kill -9`` is ``tests/store/test_store_crash.py::``
  ``test_kill_9_mid_build_leaves_whole_documents_and_a_rerun_completes`` and
  ``::test_kill_9_during_kg_build_then_rerun``; the failed HTTP request is
  ``tests/store/test_store_crash.py::test_cut_update_request_leaves_the_previous_version``.
- two processes writing the same store -> "store … is locked by …": the Python API is
  ``tests/store/test_store.py::test_second_writer_is_told_who_holds_the_lock``; ``kg build`` here.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from test_security_kit import ROOT, run_kg
from test_store_kit import doc_quads, make_extraction

from kg.rdf import terms
from kg.store import open_graph, open_store

WRITER = """
import sys
sys.path.insert(0, {tests!r})
from test_store_kit import doc_quads, make_extraction
from kg import errors
from kg.store import open_store
try:
    with open_store({location!r}) as store:
        for i in range({count}):
            ex = make_extraction(f"doc-{{i}}", text={text!r} + str(i))
            store.replace_document(*doc_quads(ex))
            print(i, flush=True)
except errors.KGError as err:
    print(err, file=sys.stderr)
    sys.exit(2)
"""
TEXT = "FOES trained with U.S. Special Forces in Lima. " * 40


def _expected(i: int) -> set[str]:
    return {str(q) for q in _ox(doc_quads(make_extraction(f"doc-{i}", text=TEXT + str(i)))[1])}


def _ox(quads: object) -> list[object]:
    from kg.rdf.terms import ox_quad

    return [ox_quad(q) for q in quads]  # type: ignore[attr-defined]


def _small_disk(limit: int) -> None:  # pragma: no cover - runs in the child
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _write(location: str, count: int, limit: int | None) -> subprocess.CompletedProcess[str]:
    code = WRITER.format(tests=str(ROOT / "tests"), location=location, count=count, text=TEXT)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=(lambda: _small_disk(limit)) if limit else None,
    )


def _documents_are_whole(location: str) -> int:
    """Assert every document in the store is exactly its expected quads; return how many."""
    with open_graph(store=location) as store:
        by_graph: dict[str, set[str]] = {}
        for q in _ox(store.quads()):
            by_graph.setdefault(str(q.graph_name), set()).add(str(q))  # type: ignore[attr-defined]
    for name, quads in by_graph.items():
        i = int(name.rsplit("doc-", 1)[1].rstrip(">"))
        assert quads == _expected(i), f"document doc-{i} is partial"
    return len(by_graph)


def test_full_disk_leaves_no_partial_document_and_a_rerun_completes(tmp_path: Path) -> None:
    location = str(tmp_path / "s")
    cut = _write(location, 200, limit=300_000)
    assert cut.returncode == 2, cut.stderr[-400:]
    assert cut.stderr.startswith(f"cannot write to store {location}: ")
    committed = len(cut.stdout.split())
    assert 0 < committed < 200
    assert _documents_are_whole(location) >= committed
    full = _write(location, 200, limit=None)
    assert full.returncode == 0, full.stderr[-400:]
    assert _documents_are_whole(location) == 200
    with open_graph(store=location) as store:
        assert len(store) == len(set().union(*(_expected(i) for i in range(200))))


def test_second_kg_build_is_told_the_store_is_locked(tmp_path: Path) -> None:
    location = str(tmp_path / "s")
    article = tmp_path / "a.txt"
    article.write_text("The FOES trained with U.S. Special Forces in Lima.\n", encoding="utf-8")
    with open_store(location) as store:
        store.replace_document(*doc_quads(make_extraction()))
        size = len(store)
        proc = run_kg("build", str(article), "--store", location)
        assert proc.returncode == 2
        assert proc.stderr == (
            f"error: store {location} is locked by process {os.getpid()}. "
            "Wait for that process to finish, then retry.\n"
        )
        assert len(store) == size
        assert not store.has_document(terms.document_iri("a"), "")
