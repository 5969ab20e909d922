"""Flat memory in long store builds: reopening the database mid-build changes nothing stored.

``OxigraphStore.reopen`` (a writer calls it every ``_REOPEN_EVERY_QUADS`` quads written) drops
RocksDB's block caches; these tests check that it keeps the contents, the write lock and
same-process readers intact. The memory figures themselves come from
``benchmarks/bench_memory.py``, not from tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_store_kit import doc_quads, make_extraction

from kg import errors
from kg.store import open_store, oxigraph
from kg.store.oxigraph import OxigraphStore


def _contents(store: OxigraphStore) -> set[str]:
    return {str(q) for q in store._db.quads_for_pattern(None, None, None)}  # noqa: SLF001


def _two_documents() -> list[tuple[object, list[tuple[object, ...]]]]:
    other = make_extraction(
        doc_id="lima-2",
        text="FOES trained in Lima.",
        entities=[("FOES", "MilitaryUnit", "FOES", set()), ("Lima", "Place", "Lima", set())],
        relations=[("FOES", "basedIn", "Lima")],
    )
    return [doc_quads(make_extraction()), doc_quads(other)]


def test_reopen_keeps_the_contents_and_the_write_lock(tmp_path: Path) -> None:
    (doc1, quads1), (doc2, quads2) = _two_documents()
    location = str(tmp_path / "s")
    with open_store(location) as store:
        store.replace_document(doc1, quads1)
        before = _contents(store)
        assert store.reopen() is True
        assert _contents(store) == before
        with pytest.raises(errors.StoreError, match="locked"):
            open_store(location, wait=0)  # still this process's store
        store.replace_document(doc2, quads2)  # writes go on after the reopen
        assert store.replace_document(doc1, quads1) is False  # and see what came before
        expected = _contents(store)
    with open_store(location, read_only=True) as reader:
        assert _contents(reader) == expected
    log = (tmp_path / "s" / "ingest.log").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["action"] for line in log] == ["add", "add", "unchanged"]


def test_reopen_does_nothing_without_a_folder_or_while_a_reader_shares_it(
    tmp_path: Path,
) -> None:
    assert OxigraphStore().reopen() is False  # in memory: nothing to release
    doc, quads = _two_documents()[0]
    location = str(tmp_path / "s")
    with open_store(location) as store:
        store.replace_document(doc, quads)
        reader = open_store(location, read_only=True)  # shares the writer's database
        assert store.reopen() is False
        assert _contents(reader) == _contents(store)  # the reader is undisturbed
        reader.close()
        assert store.reopen() is True
        assert store.reopen() is True  # again: the old handle never lingers


def test_reopen_refused_by_an_open_result_releases_the_store(tmp_path: Path) -> None:
    doc, quads = _two_documents()[0]
    location = str(tmp_path / "s")
    store = open_store(location)
    store.replace_document(doc, quads)
    results = store._db.quads_for_pattern(None, None, None)  # noqa: SLF001 - still being read
    with pytest.raises(errors.StoreError, match="Finish reading query results"):
        store.reopen()
    del results
    with open_store(location) as again:  # the failed reopen left no lock behind
        assert len(again) == len(set(quads))


@pytest.mark.slow
def test_build_reopening_every_few_documents_stores_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_parallel import _generator, _store_quads

    from kg.run import build as pipeline

    corpus = tmp_path / "corpus"
    _generator().write_corpus(corpus, 12, words=120, seed=5)
    one = pipeline.build([str(corpus)], store=str(tmp_path / "one"))
    reopened: list[bool] = []
    real_reopen = OxigraphStore.reopen

    def counting(self: OxigraphStore) -> bool:
        reopened.append(real_reopen(self))
        return reopened[-1]

    monkeypatch.setattr(OxigraphStore, "reopen", counting)
    monkeypatch.setattr(oxigraph, "_REOPEN_EVERY_QUADS", 150)  # every document or two
    many = pipeline.build([str(corpus)], store=str(tmp_path / "many"))
    assert len(reopened) >= 5 and all(reopened)
    assert many.count("ok") == one.count("ok") == 12
    assert (many.facts, many.entities) == (one.facts, one.entities)
    assert _store_quads(tmp_path / "many") == _store_quads(tmp_path / "one")
