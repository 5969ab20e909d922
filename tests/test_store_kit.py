"""Shared helpers for the store, query, validate, serve and export tests.

- ``make_extraction``: a small hand-made document in the project's shape (no spaCy).
- ``sparql_server``: a real ``oxigraph serve`` on 127.0.0.1 (``KG_TEST_SPARQL_URL`` from
  ``.ci/services.sh``, else started here when ``oxigraph`` is on PATH, else the test is skipped).
- ``any_store``: the same store test runs on the embedded store and on the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.records import Document, Entity, Evidence, Extraction, Relation


def make_extraction(
    doc_id: str = "peru-1",
    text: str = "U.S. Special Forces trained with the FOES in Lima, Peru.",
    entities: list[tuple[str, str, str, set[str]]] | None = None,
    relations: list[tuple[str, str, str]] | None = None,
    confidence: float = 0.9,
) -> Extraction:
    """Return an Extraction with ``entities`` (key, class, label, aliases) and ``relations``."""
    doc = Document(
        doc_id, text, f"{doc_id}.txt", title=f"Title of {doc_id}", published="2026-01-02"
    )
    if entities is None:
        entities = [
            ("US Special Forces", "MilitaryUnit", "U.S. Special Forces", {"US Special Forces"}),
            ("FOES", "MilitaryUnit", "FOES", {"Naval Special Operations Forces"}),
            ("Lima", "Place", "Lima", set()),
            ("Peru", "Country", "Peru", set()),
        ]
    if relations is None:
        relations = [
            ("US Special Forces", "trainsWith", "FOES"),
            ("FOES", "basedIn", "Lima"),
            ("FOES", "affiliatedWith", "Peru"),
        ]
    ev = Evidence(doc_id, text, 0, len(text), "test.rule.v1", confidence)
    return Extraction(
        doc,
        [Entity(k, c, label, set(aliases)) for k, c, label, aliases in entities],
        [Relation(s, p, o, ev, literal=p == "hasTitle") for s, p, o in relations],
    )


def doc_quads(extraction: Extraction) -> tuple[object, list[tuple[object, ...]]]:
    """Return (document IRI, quads) of an extraction."""
    from kg.rdf import quads as graph
    from kg.rdf import terms

    return terms.document_iri(extraction.document.id), list(graph.extraction_quads(extraction))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def clear_server(url: str) -> None:
    """Empty a test server (every graph): each test starts from an empty store."""
    base = url.removeprefix("sparql+").rstrip("/")
    req = urllib.request.Request(
        base + "/update", data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
    )
    with urllib.request.urlopen(req, timeout=10):
        pass


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``sparql+http://`` URL of a real Oxigraph server on 127.0.0.1, or skip."""
    given = os.environ.get("KG_TEST_SPARQL_URL")
    if given:
        yield given
        return
    exe = shutil.which("oxigraph")
    if exe is None:
        pytest.skip(
            "no SPARQL server: 'oxigraph' is not on PATH (pip install oxigraph) and "
            "KG_TEST_SPARQL_URL is not set (.ci/services.sh sets it)"
        )
    port = _free_port()
    folder = tmp_path_factory.mktemp("oxigraph-server")
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not _wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
            pytest.skip("oxigraph serve did not start on 127.0.0.1 within 15 s")
        yield f"sparql+http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["embedded", "remote"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store location of each backend."""
    if request.param == "embedded":
        return str(tmp_path / "kg-store")
    url = request.getfixturevalue("sparql_server")
    clear_server(url)
    return url


@pytest.fixture
def any_store(store_location: str) -> Iterator[object]:
    """An open, empty, writable store of each backend."""
    from kg.store import open_store

    with open_store(store_location) as store:
        yield store
