"""One document can neither stall a build nor end it (issue 15, items 5 and 6).

- spaCy's tokenizer is quadratic on runs of punctuation (10,000 ``[`` took 18 s, a 100 KB line
  over 600 s, with the write lock held): runs are broken before the tokenizer, one character for
  one, and each document has a time budget; past it, the document is a failed status.
- Memory grew with the article (about 3 GB per MB): long texts are parsed piece by piece; a JSON
  Lines record over the input cap is passed over without being read into memory; a MemoryError
  or a killed ``--workers`` process (BrokenProcessPool) becomes failed statuses and the batch goes
  on, never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from kg import errors, extract
from kg.ingest import IngestOptions, iter_documents
from kg.lifeline import die_with_parent
from kg.nlp import chunking
from kg.nlp.chunking import MAX_PUNCTUATION_RUN, tame_runs
from kg.records import Document, DocumentStatus
from kg.run import extraction, parallel
from kg.run.build import build
from kg.run.extraction import crash_reason, extract_documents, load_nlp

ARTICLE = "FOES trained with U.S. Special Forces in Lima, Peru, the ministry said on Monday. "


# ---------------------------------------------------------------- item 5: the tokenizer, a budget


def test_runs_of_punctuation_are_broken_one_for_one() -> None:
    text = "Intro. " + "[" * 1000 + " and " + '"(' * 300 + "end."
    tamed = tame_runs(text)
    assert len(tamed) == len(text)  # offsets into the text stay valid
    assert all(a == b or b == " " for a, b in zip(text, tamed, strict=True))
    assert max(len(run) for run in tamed.split()) <= MAX_PUNCTUATION_RUN
    normal = 'He said: "(see [1], [2])..." -- and so on!?' * 20
    assert tame_runs(normal) is normal


def test_the_tokenizer_never_sees_a_long_run_of_punctuation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    nlp = load_nlp()
    seen: list[str] = []
    pipe = type(nlp).pipe

    def recording(self: Any, texts: Any, **kwargs: Any) -> Any:
        def record(items: Any) -> Any:
            for item in items:
                text = item[0] if isinstance(item, tuple) else item
                if isinstance(text, str):  # (components pipe Docs of their own)
                    seen.append(text)
                yield item

        return pipe(self, record(texts), **kwargs)

    monkeypatch.setattr(type(nlp), "pipe", recording)
    article = tmp_path / "brackets.txt"
    article.write_text(ARTICLE + "[" * 5_000 + "\n\n" + ARTICLE, encoding="utf-8")
    statuses: list[DocumentStatus] = []
    build([str(article)], output=tmp_path / "g.nq", on_document=statuses.append)
    assert [s.status for s in statuses] == ["ok"]
    assert len(seen) == 1 and "[" * (MAX_PUNCTUATION_RUN + 1) not in seen[0]
    assert len(seen[0]) == len(ARTICLE) * 2 + 5_002


def test_a_document_over_its_time_budget_is_failed_and_the_batch_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = extract.extract_document

    def slow(sdoc: Any, document: Document) -> Any:
        if document.id == "slow":
            time.sleep(30)  # the timer interrupts it
        return real(sdoc, document)

    monkeypatch.setattr(extract, "extract_document", slow)
    docs = [Document(name, ARTICLE, f"{name}.txt") for name in ("a", "slow", "b")]
    failed: list[tuple[str, str]] = []
    out = extract_documents(
        docs, budget=0.5, on_error=lambda d, err: failed.append((d.id, crash_reason(err)))
    )
    assert [ex.document.id for ex in out] == ["a", "b"]
    assert failed == [
        (
            "slow",
            "extraction stopped after 0.5 s, the time allowed for this document: its text may be "
            "machine output rather than an article. Check the file, or split it into smaller "
            "articles.",
        )
    ]


# ---------------------------------------------------------------- item 6: memory


def test_long_texts_reach_spacy_one_bounded_piece_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nlp = load_nlp()
    seen: list[int] = []
    parse = type(nlp).__call__

    def recording(self: Any, text: Any, **kwargs: Any) -> Any:
        seen.append(len(text))
        return parse(self, text, **kwargs)

    monkeypatch.setattr(type(nlp), "__call__", recording)
    monkeypatch.setattr(extraction, "CHUNK_CHARS", 2_000)
    text = "\n\n".join(ARTICLE * 5 for _ in range(30))  # ~12,000 characters
    (ex,) = extract_documents([Document("long", text, "long.txt")], nlp=nlp)
    assert len(seen) >= 6 and max(seen) <= 2_000
    assert ex.relations and all(
        text[r.evidence.start : r.evidence.end] == r.evidence.sentence for r in ex.relations
    )
    assert max(r.evidence.start for r in ex.relations) > 10_000  # found in a late piece


def test_out_of_memory_is_one_failed_status_not_the_end_of_the_batch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = extract.extract_document

    def hungry(sdoc: Any, document: Document) -> Any:
        if "Huge" in document.text:
            raise MemoryError
        return real(sdoc, document)

    monkeypatch.setattr(extract, "extract_document", hungry)
    for name, text in (("a", ARTICLE), ("huge", "Huge. " + ARTICLE), ("b", ARTICLE + "Again.")):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    statuses: list[DocumentStatus] = []
    build([str(tmp_path)], output=tmp_path / "g.nq", on_document=statuses.append)
    by_file = {Path(s.source).name: (s.status, s.reason) for s in statuses}
    assert by_file["a.txt"][0] == by_file["b.txt"][0] == "ok"
    assert by_file["huge.txt"] == (
        "failed",
        "extraction ran out of memory on this document. Split it into smaller articles, or "
        "build it with fewer --workers.",
    )


def test_a_json_lines_record_over_the_cap_is_passed_over_unread(tmp_path: Path) -> None:
    archive = tmp_path / "a.jsonl"
    records = [
        {"id": 1, "text": ARTICLE},
        {"id": 2, "text": "x" * 5_000},
        {"id": 3, "text": ARTICLE + "More."},
    ]
    archive.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    skipped: list[tuple[str, str, str]] = []
    docs = list(
        iter_documents(
            [str(archive)],
            options=IngestOptions(max_bytes=1_000),
            on_skip=lambda s: skipped.append((s.source, s.status, s.reason)),
        )
    )
    assert len(docs) == 2
    assert skipped == [
        (
            f"{archive.resolve()}:2",
            "skipped",
            "the record has 5022 bytes, more than the 1000 bytes allowed for one article: not "
            "read. Split its text into several records.",
        )
    ]


def test_bounded_lines_never_holds_more_than_the_cap() -> None:
    from kg.ingest.jsonl import LongLine, bounded_lines

    class Recording(io.BytesIO):
        most = 0

        def readline(self, size: int | None = -1) -> bytes:
            line = super().readline(size)
            Recording.most = max(Recording.most, len(line))
            return line

    stream = Recording(b"short\n" + b"y" * 5_000_000 + b"\nlast")
    lines = list(bounded_lines(stream, 1_000))
    assert lines[0] == b"short\n" and lines[2] == b"last"
    assert isinstance(lines[1], LongLine) and lines[1].size == 5_000_001
    assert Recording.most <= 1 << 20


# ---------------------------------------------------------------- item 6: a killed worker


def light_worker(parent: int) -> None:  # pragma: no cover - runs in the pool's processes
    die_with_parent(parent)


def dying_shard(documents: list[Document], min_confidence: float) -> parallel.Shard:
    """Stands for run_shard in the pool's processes: a document saying "die" kills its worker
    (as the out-of-memory killer would), the others are summarised without a model."""
    if any("die" in d.text for d in documents):  # pragma: no cover - runs in a worker
        os._exit(9)
    summaries = tuple(parallel.DocSummary(d.id, d.source, d.sha256, 1, 0, 0) for d in documents)
    return parallel.Shard(summaries, b"")


def test_a_killed_worker_fails_its_document_and_the_rest_are_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "_init_worker", light_worker)
    monkeypatch.setattr(parallel, "run_shard", dying_shard)
    texts = [f"article {i}" for i in range(12)]
    texts[5] = "article 5: die"
    docs = [Document(f"d{i}", t, f"d{i}.txt") for i, t in enumerate(texts)]
    built: list[str] = []
    failures: list[tuple[str, str, str]] = []
    for shard in parallel.pool_shards(docs, workers=2, shard_size=2):
        built.extend(s.doc_id for s in shard.documents)
        failures.extend(shard.failures)
    assert built == [f"d{i}" for i in range(12) if i != 5]  # all the others, in order
    assert failures == [("d5.txt", "d5", errors.worker_stopped().message)]
    assert errors.worker_stopped().message == (
        "the worker process extracting this document stopped (killed, or out of memory). "
        "Build it again alone, or with fewer --workers."
    )


def test_chunk_size_keeps_the_public_articles_whole() -> None:
    # the build digest holds: every article of the repository is parsed whole, as before
    root = Path(__file__).resolve().parents[2] / "data" / "articles"
    sizes = [len(p.read_text(encoding="utf-8")) for p in root.rglob("*") if p.is_file()]
    assert sizes and max(sizes) < chunking.CHUNK_CHARS
