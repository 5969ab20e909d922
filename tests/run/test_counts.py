"""One definition of each count, the same figures everywhere (issue 12, item 8).

Before: building the sample reported 205 entities / 358 facts (sums over documents, negated
relations included), ``kg stats`` 196 / 307 and the ``documents`` query 357 statements.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.rdf.counts import GraphCounts, QuadCounter, count_graph
from kg.run.build import build
from kg.store import load_file, open_store

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"


@pytest.mark.slow
def test_build_stats_and_queries_count_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, store = tmp_path / "graph.trig", tmp_path / "store"
    to_file = build([str(ARTICLES)], output=out)
    to_store = build([str(ARTICLES)], store=str(store))
    counts = to_file.graph
    assert counts.documents == 10 and counts.facts > 100
    assert to_store.graph == counts
    with load_file(out) as graph:
        assert count_graph(graph) == counts
        assert QuadCounter().add_quads(graph.quads()).result() == counts
    with open_store(str(store), read_only=True) as db:
        assert count_graph(db) == counts
        facts = db.select("SELECT (COUNT(?f) AS ?n) WHERE { ?f a kg:Fact }")[0]["n"].toPython()
        assert facts == counts.facts  # one fact node per distinct fact in the merged graph
    # kg stats says the same
    assert main(["stats", "--graph", str(out), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (
        GraphCounts(shown["documents"], shown["entities"], shown["facts"], shown["evidence"])
        == counts
    )
    # the documents query's statements add up to the total; the build's per-document counts too
    assert main(["query", "--graph", str(out), "documents", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sum(int(r["statements"]) for r in rows) == counts.statements
    ok = [d for d in to_file.documents if d.status == "ok"]
    assert sum(d.statements for d in ok) == counts.statements
    assert max(d.entities for d in ok) <= counts.entities <= sum(d.entities for d in ok)


def test_a_fact_of_two_documents_counts_once() -> None:
    from test_store_kit import doc_quads, make_extraction

    a = doc_quads(make_extraction(doc_id="a"))[1]
    b = doc_quads(make_extraction(doc_id="b"))[1]
    one = QuadCounter().add_quads(a).result()
    both = QuadCounter().add_quads(a).add_quads(b).result()
    assert (both.documents, both.entities, both.facts) == (2, one.entities, one.facts)
    assert both.statements == 2 * one.statements


def test_merging_each_documents_counter_counts_as_adding_all_their_quads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The build counts each document's quads once and merges the counters into the output's
    (``QuadCounter.merge``): the same figures as counting every quad again, repeated facts and
    entities of several documents included, and across a squeeze of duplicates."""
    from test_store_kit import doc_quads, make_extraction

    docs = [doc_quads(make_extraction(doc_id=d))[1] for d in ("a", "b", "a", "c")]
    docs.append(doc_quads(make_extraction(doc_id="d", relations=[]))[1])
    for compact_at in (QuadCounter._COMPACT_AT, 3):  # 3: the arrays are squeezed as they grow
        monkeypatch.setattr(QuadCounter, "_COMPACT_AT", compact_at)
        plain, merged = QuadCounter(), QuadCounter()
        for quads in docs:
            plain.add_quads(quads)
            merged.merge(QuadCounter().add_quads(quads))
        assert merged.result() == plain.result()
        assert merged.result().documents == 5 and merged.result().facts > 0
