"""The worker's summaries read by a child process (issue 14, item 3): the same summaries, and a
store closed at once when a writer waits (``kg.views.explorer.apart``).

Before, the summaries were read in the worker's thread, and ``Views.stop`` waited for the query
under way (up to ~2.5 s on 10,000 documents, which a writer waited); a query still running
when the store must close is played here by a child that holds the store and never answers.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import viz_sample as sample
from test_explorer_kit import drill_extractions, hub_extractions

from kg.rdf import quads as graph
from kg.store import open_graph, open_store
from kg.views.explorer import apart, summaries, verdicts
from kg.views.explorer.data import Views
from kg.views.explorer.index import LabelIndex
from kg.views.explorer.summaries import Summaries


@pytest.fixture()
def location(tmp_path: Path) -> str:
    location = str(tmp_path / "store")
    with open_store(location) as s:
        for ex in [*sample.extractions(), *drill_extractions(), *hub_extractions()]:
            s.replace_document(graph.document_iri(ex.document.id), list(graph.extraction_quads(ex)))
    return location


def test_the_child_reads_the_summaries_the_thread_reads(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summaries, "TIMELINE_DOCUMENTS", 1)  # passed on to the child
    monkeypatch.setattr(summaries, "EVIDENCE_DOCUMENTS", 1)
    monkeypatch.setattr(summaries, "PARTNER_DOCUMENTS", 1)  # read by the worker, not the child
    monkeypatch.setattr(verdicts, "VERDICT_DOCUMENTS", 1)
    source = open_graph(store=location)
    views = Views(source, location)
    try:
        found = views.wait_for_summaries()
        assert views.summaries_error is None and found is not None
        index = LabelIndex.build(source)
        here = Summaries.build(source, index)
        here.read_partners(source, index)
        assert found == here
        assert found.days and found.modalities and found.evidence and found.partners
        assert found.statements
    finally:
        views.stop()
        source.close()


def test_stop_ends_the_summaries_child_at_once_and_the_writer_gets_in(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apart.Apart, "module", "explorer_apart_hold")  # never answers
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent))
    started = Path(location).parent / "child-started"
    source = open_graph(store=location)
    views = Views(source, location)
    waited = threading.Event()
    while not started.exists():  # the child holds the store open, as a long query would
        waited.wait(0.05)
    child = views._apart
    assert child is not None and child._proc is not None and child._proc.poll() is None
    views.stop()  # returns: the child is killed (before, it waited for the query to end)
    assert child._proc.poll() is not None
    assert views.summaries is None
    assert "stopped" in str(views.summaries_error)
    source.close()
    with open_store(location, wait=0) as s:  # no reader left: a writer gets in now
        s.replace_document(
            graph.document_iri("drill-1"), list(graph.extraction_quads(drill_extractions()[0]))
        )


def test_a_failing_child_leaves_the_pages_to_the_store(tmp_path: Path, location: str) -> None:
    source = open_graph(store=location)
    views = Views(source, str(tmp_path / "no-such-store"))  # the child cannot open it
    try:
        assert views.wait_for_summaries() is None
        assert views.summaries_error is not None
        assert views.answer("search", {"q": "hub"})  # the index serves as before
    finally:
        views.stop()
        source.close()
