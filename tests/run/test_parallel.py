"""Workers, Dask, shards, chunking and memory zones give the same graph as a plain serial run."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.ingest import iter_documents
from kg.nlp.chunking import split_text
from kg.records import Document, DocumentStatus
from kg.run import parallel
from kg.run.build import build
from kg.run.extraction import extract_documents
from kg.run.report import BuildReport

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> Any:
    """benchmarks/generate.py (not a package module), imported by path once."""
    name = "kg_bench_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules[name]


def _quads(path: Path) -> set[str]:
    import pyoxigraph as ox

    return {str(q) for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_QUADS)}


def _store_quads(location: Path) -> set[str]:
    from kg.store import open_store

    with open_store(str(location), read_only=True) as db:
        # the document graphs (the merged default graph is derived from them)
        return {str(q) for q in db._all_quads()}  # noqa: SLF001


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few hundred generated news-like articles (the benchmarks' generator, fixed seed)."""
    out = tmp_path_factory.mktemp("corpus")
    _generator().write_corpus(out, 200, words=150, seed=11)
    return out


@pytest.fixture(scope="module")
def serial(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildReport, set[str]]:
    out = tmp_path_factory.mktemp("serial") / "g.nq"
    report = build([str(corpus)], output=out)
    return report, _quads(out)


# ---------------------------------------------------------------- pure pieces (no model)


def test_split_text_cuts_at_breaks_and_covers_text() -> None:
    text = ("First sentence here. Second one follows.\n\n" * 30).strip()
    pieces = split_text(text, 200)
    assert all(len(p) <= 200 for _, p in pieces)
    assert all(text[o : o + len(p)] == p for o, p in pieces)
    assert "".join(p for _, p in pieces) == text
    assert all(p.endswith("\n\n") or p.endswith(". ") for _, p in pieces[:-1])


def test_split_text_hard_cut_without_breaks() -> None:
    pieces = split_text("x" * 450, 200)
    assert [len(p) for _, p in pieces] == [200, 200, 50]


def test_shards_of_groups_lazily() -> None:
    docs = (Document(str(i), f"text {i}", "s") for i in range(5))
    assert [[d.id for d in b] for b in parallel.shards_of(docs, 2)] == [
        ["0", "1"],
        ["2", "3"],
        ["4"],
    ]


def test_shard_name_depends_only_on_documents() -> None:
    s = parallel.DocSummary("a", "src", "h1", 1, 0, 0)
    assert parallel.Shard((s,), b"x").name == parallel.Shard((s,), b"y").name
    other = parallel.DocSummary("a", "src", "h2", 1, 0, 0)
    assert parallel.Shard((s,), b"x").name != parallel.Shard((other,), b"x").name


def test_build_report_counts_without_keeping_every_status() -> None:
    report = BuildReport(keep_ok=3)
    for i in range(10):
        report.add(DocumentStatus(f"d{i}", "ok", doc_id=f"d{i}", entities=2, facts=1, words=5))
    report.add(DocumentStatus("bad", "failed", "broken"))
    # (the totals of entities and facts are the built graph's: tests/run/test_counts.py)
    assert (report.count("ok"), report.count("failed")) == (10, 1)
    assert len(report.documents) == 4
    assert report.problems() == [DocumentStatus("bad", "failed", "broken")]


# ---------------------------------------------------------------- with the model


@pytest.mark.slow
def test_generated_corpus_builds(serial: tuple[BuildReport, set[str]]) -> None:
    report, quads = serial
    assert report.count("ok") == 200 and not report.failed
    assert report.words > 200 * 100
    assert report.facts > 0 and len(quads) > 1000


@pytest.mark.slow
def test_two_workers_give_the_same_quads(
    corpus: Path, serial: tuple[BuildReport, set[str]], tmp_path: Path
) -> None:
    out = tmp_path / "w.nq"
    report = build([str(corpus)], output=out, workers=2, shard_size=8)
    assert report.count("ok") == serial[0].count("ok")
    assert report.facts == serial[0].facts
    assert _quads(out) == serial[1]


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.slow
def test_dask_local_cluster_store_matches_serial(
    corpus: Path, serial: tuple[BuildReport, set[str]], dask_client: Any, tmp_path: Path
) -> None:
    subset = sorted(corpus.glob("*.txt"))[:40]
    serial_out = tmp_path / "s.nq"
    build([str(p) for p in subset], output=serial_out)
    store = tmp_path / "store"
    shards = tmp_path / "shards"
    report = build(
        [str(p) for p in subset], store=str(store), dask=dask_client, shard_size=6,
        shards_dir=shards,
    )  # fmt: skip
    assert report.count("ok") == 40
    expected = _quads(serial_out)
    assert _store_quads(store) == expected
    # the shard files hold the same quads, ready for a server's bulk loader
    assert set().union(*(_quads(p) for p in shards.glob("*.nq"))) == expected
    assert len(list(shards.glob("*.nq"))) == 7  # ceil(40 / 6)


_FAILED_ONCE: set[str] = set()


def flaky_run_shard(documents: list[Document], min_confidence: float = 0.0) -> parallel.Shard:
    """Fails the first time it sees a shard, like a worker lost mid-task."""
    key = documents[0].id
    if key not in _FAILED_ONCE:
        _FAILED_ONCE.add(key)
        raise RuntimeError("worker lost")
    return parallel.run_shard(documents, min_confidence)


@pytest.mark.slow
def test_retried_and_reloaded_shards_never_duplicate_or_lose(
    corpus: Path, dask_client: Any, tmp_path: Path
) -> None:
    from kg.store import open_store

    paths = [str(p) for p in sorted(corpus.glob("*.txt"))[:12]]
    docs = list(iter_documents(paths))
    shards = list(parallel.dask_shards(docs, dask_client, shard_size=4, task=flaky_run_shard))
    assert len(_FAILED_ONCE) == 3  # every task failed once and was retried
    assert [d.doc_id for s in shards for d in s.documents] == [d.id for d in docs]
    store = tmp_path / "store"
    with open_store(str(store)) as db:
        for shard in shards:
            parallel.load_shard(db, shard)
        first = len(db)
        for shard in shards:  # a re-run loads the same shards again
            parallel.load_shard(db, shard)
        assert len(db) == first
        assert len(db.documents()) == 12
    # and the retried, reloaded result is the graph of a clean serial run, quad for quad
    serial_out = tmp_path / "serial.nq"
    build(paths, output=serial_out)
    assert _store_quads(store) == _quads(serial_out)


@pytest.mark.slow
def test_long_article_is_chunked_with_correct_offsets(nlp: Any) -> None:
    gen = _generator()
    (_, _, text), *_ = list(gen.generate(1, words=600, seed=3))
    doc = Document("long", text, "test")
    whole = next(extract_documents([doc], nlp=nlp))
    saved = nlp.max_length
    nlp.max_length = 900
    try:
        chunked = next(extract_documents([doc], nlp=nlp))
    finally:
        nlp.max_length = saved
    assert len(text) > 3 * 900
    assert chunked.document is doc
    # Mention spans of later pieces land where the whole-text run put them (a wrong shift would
    # miss nearly all of them); only spans near a cut may differ.
    spans = {(m.start, m.end, m.text) for e in whole.entities for m in e.mentions}
    chunk_spans = [(m.start, m.end, m.text) for e in chunked.entities for m in e.mentions]
    assert max(start for start, _, _ in chunk_spans) > 2 * 900
    assert sum(span in spans for span in chunk_spans) >= 0.9 * len(chunk_spans)
    for rel in chunked.relations:
        ev = rel.evidence
        assert text[ev.start : ev.end] == ev.sentence and ev.doc_id == "long"
    assert max(r.evidence.start for r in chunked.relations) > 2 * 900  # found in a later piece
    # most of what the whole-text run finds is still found when the text is cut
    keys = {e.key for e in whole.entities}
    assert len(keys & {e.key for e in chunked.entities}) >= 0.8 * len(keys)


@pytest.mark.slow
def test_memory_zone_does_not_change_results(nlp: Any, corpus: Path) -> None:
    from kg.rdf.quads import extraction_quads

    docs = list(iter_documents([str(p) for p in sorted(corpus.glob("*.txt"))[:9]]))

    def run(zone: int) -> list[set[Any]]:
        return [
            set(extraction_quads(ex)) for ex in extract_documents(docs, nlp=nlp, zone_size=zone)
        ]

    plain = run(0)
    assert run(2) == plain
    assert run(4) == plain  # and again: nothing from a freed zone is reused


@pytest.mark.slow
def test_shards_dir_without_workers_writes_loadable_shards(corpus: Path, tmp_path: Path) -> None:
    from kg.store import open_store

    subset = [str(p) for p in sorted(corpus.glob("*.txt"))[:5]]
    out = tmp_path / "g.nq"
    build(subset, output=out, shards_dir=tmp_path / "shards", shard_size=2)
    files = sorted((tmp_path / "shards").glob("shard-*.nq"))
    assert len(files) == 3
    with open_store(str(tmp_path / "store")) as db:
        assert sum(parallel.load_nquads_file(db, f) for f in files) == 5
    assert _store_quads(tmp_path / "store") == _quads(out)


def test_dask_messages_name_the_parameter_and_the_cli_its_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kg import errors
    from kg.cli import flag_for, make_parser

    assert flag_for(make_parser(), "build", "dask") == "--dask"
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "dask.distributed", None)  # as if it were not installed
        with pytest.raises(errors.ArgumentError) as exc:
            parallel.dask_client("local")
    assert exc.value.message == (
        "dask needs dask.distributed. Install it with: pip install 'dask[distributed]'"
    )
    assert exc.value.naming("--dask") == (
        "--dask needs dask.distributed. Install it with: pip install 'dask[distributed]'"
    )
    with pytest.raises(errors.ArgumentError) as exc:
        parallel.dask_client("tcp://127.0.0.1:1", timeout="1s")  # nothing listens on port 1
    assert exc.value.message.startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:1: ")
    assert exc.value.message.endswith(". Start one with 'dask scheduler' or pass dask local.")
    assert exc.value.naming("--dask").endswith(
        ". Start one with 'dask scheduler' or pass --dask local."
    )
