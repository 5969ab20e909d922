"""The whole path: sources → documents → spaCy → extraction → RDF, into a file or a store.

``extract_documents`` is a pure function of its documents (the unit of work a worker runs);
``build`` adds the single writer (a file or a store) and the report.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.rdf.terms import document_iri
from kg.records import Document, Extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.ingest.documents import IngestOptions


@dataclass
class DocumentStatus:
    """What happened to one input: ``ok``, ``unchanged``, ``skipped`` or ``failed``."""

    source: str
    status: str
    reason: str = ""
    doc_id: str = ""
    entities: int = 0
    facts: int = 0
    words: int = 0


@dataclass
class BuildReport:
    """The outcome of a build, printed by the CLI at the end.

    Totals are counters, so a build of a million documents does not keep a million statuses:
    ``documents`` holds every skipped or failed input (with its reason) and the first
    ``keep_ok`` others.
    """

    documents: list[DocumentStatus] = field(default_factory=list)
    seconds: float = 0.0
    words: int = 0
    keep_ok: int = 1000
    _counts: dict[str, int] = field(default_factory=dict, repr=False)
    _entities: int = field(default=0, repr=False)
    _facts: int = field(default=0, repr=False)
    _ok_kept: int = field(default=0, repr=False)

    def add(self, status: DocumentStatus) -> None:
        """Record one input's status (always through here, so the counters stay right)."""
        self._counts[status.status] = self._counts.get(status.status, 0) + 1
        self._entities += status.entities
        self._facts += status.facts
        routine = status.status in ("ok", "unchanged")
        if not routine or self._ok_kept < self.keep_ok:
            self.documents.append(status)
            self._ok_kept += routine

    def count(self, status: str) -> int:
        return self._counts.get(status, 0)

    @property
    def entities(self) -> int:
        return self._entities

    @property
    def facts(self) -> int:
        return self._facts

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    @property
    def total(self) -> int:
        """Inputs seen (every status)."""
        return sum(self._counts.values())

    def problems(self) -> list[DocumentStatus]:
        """The skipped and failed inputs, with their reasons, in the order they happened."""
        return [d for d in self.documents if d.status in ("skipped", "failed")]

    def rates(self) -> tuple[float, float]:
        """Documents built and words read per second."""
        secs = max(self.seconds, 1e-9)
        return self.count("ok") / secs, self.words / secs


def filter_confidence(extraction: Extraction, min_confidence: float) -> Extraction:
    """Drop relations below ``min_confidence`` (entities stay: they carry their own labels)."""
    if min_confidence <= 0:
        return extraction
    kept = [r for r in extraction.relations if r.evidence.confidence >= min_confidence]
    return Extraction(extraction.document, extraction.entities, kept)


def extract_documents(
    documents: Iterable[Document],
    *,
    nlp: Language | None = None,
    min_confidence: float = 0.0,
    batch_size: int = 8,
    zone_size: int = 256,
    on_error: Callable[[Document, Exception], None] | None = None,
) -> Iterator[Extraction]:
    """Run spaCy and the extractor over ``documents``, yielding one Extraction each, in order.

    Streams: documents are pulled ``zone_size`` at a time and parsed inside spaCy's
    ``memory_zone``, so the strings a batch adds to the vocabulary are freed afterwards and memory
    stays flat over any number of documents (Extractions hold plain strings only). A document
    longer than ``nlp.max_length`` is parsed in pieces cut at paragraph or sentence breaks, and
    its offsets are shifted back into the whole text (see ``kg.nlp.chunking``).

    Args:
        documents: The documents, consumed lazily.
        nlp: The pipeline (default: ``kg.nlp.model.load_nlp()``).
        min_confidence: Statements below it are dropped.
        batch_size: spaCy's batch size.
        zone_size: Documents per memory zone (0: no memory zone).
        on_error: Called with a document whose extraction raised, which is then left out and
            the stream goes on; without it the error propagates.
    """
    from itertools import islice

    from kg import extract
    from kg.nlp.chunking import merge_pieces, piece_documents
    from kg.nlp.model import load_nlp

    nlp = nlp or load_nlp()
    limit = nlp.max_length

    def read(sdoc: Any, d: Document) -> Extraction | None:
        if on_error is None:
            return extract.extract_document(sdoc, d)
        try:
            return extract.extract_document(sdoc, d)
        except Exception as err:  # noqa: BLE001 - one bad article must not stop the batch
            on_error(d, err)
            return None

    def run(block: list[Document]) -> Iterator[Extraction]:
        # (text, (document index, piece offset or -1 for a whole document, number of pieces))
        units: list[tuple[str, tuple[int, int, int]]] = []
        for i, d in enumerate(block):
            if len(d.text) <= limit:
                units.append((d.text, (i, -1, 1)))
            else:
                parts = piece_documents(d, limit)
                units.extend((p.text, (i, off, len(parts))) for off, p in parts)
        pieces: list[tuple[int, Extraction | None]] = []
        for sdoc, (i, off, n) in nlp.pipe(units, as_tuples=True, batch_size=batch_size):
            d = block[i]
            if off < 0:
                if (ex := read(sdoc, d)) is not None:
                    yield ex
                continue
            # nlp.pipe keeps order, so a document's pieces arrive one after the other
            piece = Document(d.id, sdoc.text, d.source, d.title, d.published)
            pieces.append((off, read(sdoc, piece)))
            if len(pieces) == n:
                if all(ex is not None for _, ex in pieces):
                    yield merge_pieces(d, pieces)  # type: ignore[arg-type]
                pieces = []

    it = iter(documents)
    step = zone_size if zone_size > 0 else batch_size * 32
    while block := list(islice(it, step)):
        # Extractions hold only plain strings, so they may leave the zone (yielded from inside).
        with nlp.memory_zone() if zone_size > 0 else contextlib.nullcontext():
            for ex in run(block):
                yield filter_confidence(ex, min_confidence)


def build(
    sources: Sequence[str],
    *,
    output: str | Path | None = None,
    store: str | None = None,
    min_confidence: float = 0.0,
    on_document: Callable[[DocumentStatus], None] | None = None,
    workers: int = 1,
    dask: Any = None,
    options: IngestOptions | None = None,
    shard_size: int = 16,
    shards_dir: str | Path | None = None,
) -> BuildReport:
    """Build the graph of ``sources`` into ``output`` (an RDF file) and/or ``store``.

    Everything streams: documents are read, extracted and written one after the other (or one
    shard after the other), and this process is the only writer.

    Args:
        sources: Files, folders, ``-``, URLs (anything
            ``kg.ingest.documents.iter_documents`` accepts).
        output: An RDF file to write (format from its extension), written atomically.
        store: A store location for ``kg.store.open_store`` (a folder for the
            embedded store).
        min_confidence: Statements below this confidence are not written.
        on_document: Called once per input as soon as its status is known (for progress).
        workers: Worker processes for extraction (1: in this process).
        dask: ``local``, a scheduler address (``tcp://host:8786``) or a ``dask.distributed``
            Client: extract on a Dask cluster.
        options: Ingest options (include/exclude globs, JSON Lines fields, network limits).
        shard_size: Documents per unit of work with ``workers`` > 1 or ``dask``.
        shards_dir: Also write each shard as an N-Quads file there (for a server's bulk loader).

    Returns:
        The per-document statuses and totals.
    """
    from kg.ingest import documents as ingest

    started = time.perf_counter()
    report = BuildReport()

    def note(status: DocumentStatus) -> None:
        report.add(status)
        if on_document:
            on_document(status)

    documents = ingest.iter_documents(sources, on_skip=note, options=options)
    db = None
    if store is not None:
        from kg.store import open_store

        db = open_store(store)
    try:
        todo: Iterable[Document] = documents
        if db is not None and output is None:
            todo = _skip_unchanged(documents, db, note)
        if workers > 1 or dask or shards_dir is not None:
            per_doc = _sharded(todo, workers, dask, min_confidence, shard_size, shards_dir, note)
        else:
            per_doc = _serial(todo, min_confidence, note)

        def written() -> Iterator[list[Any]]:
            for summary, quads in per_doc:
                if db is not None:
                    db.replace_document(document_iri(summary.doc_id), quads)
                report.words += summary.words
                note(
                    DocumentStatus(
                        summary.source,
                        "ok",
                        doc_id=summary.doc_id,
                        entities=summary.entities,
                        facts=summary.facts,
                        words=summary.words,
                    )
                )
                yield quads

        if output is not None:
            from kg.store import write_quads

            write_quads((q for quads in written() for q in quads), Path(output))
        else:
            for _ in written():
                pass
    finally:
        if db is not None:
            db.close()
    report.seconds = time.perf_counter() - started
    return report


def _serial(
    documents: Iterable[Document], min_confidence: float, note: Callable[[DocumentStatus], None]
) -> Iterator[tuple[Any, list[Any]]]:
    from kg.rdf import quads as graph
    from kg.run.parallel import summarize

    def failed(document: Document, err: Exception) -> None:
        note(DocumentStatus(document.source, "failed", _crash_reason(err), document.id))

    for ex in extract_documents(documents, min_confidence=min_confidence, on_error=failed):
        yield summarize(ex), list(graph.extraction_quads(ex))


def _sharded(
    documents: Iterable[Document],
    workers: int,
    dask: Any,
    min_confidence: float,
    shard_size: int,
    shards_dir: str | Path | None,
    note: Callable[[DocumentStatus], None],
) -> Iterator[tuple[Any, list[Any]]]:
    from kg.run import parallel

    client = None
    if dask:
        client = parallel.dask_client(dask)
        shards = parallel.dask_shards(
            documents, client, shard_size=shard_size, min_confidence=min_confidence
        )
    elif workers > 1:
        shards = parallel.pool_shards(
            documents, workers=workers, shard_size=shard_size, min_confidence=min_confidence
        )
    else:  # only --shards-dir: the same units of work, in this process
        shards = (
            parallel.run_shard(batch, min_confidence)
            for batch in parallel.shards_of(documents, shard_size)
        )
    try:
        for shard in shards:
            if shards_dir is not None:
                parallel.write_shard(shard, shards_dir)
            for source, doc_id, reason in shard.failures:
                note(DocumentStatus(source, "failed", reason, doc_id))
            graphs = dict(parallel.shard_quads(shard))
            for summary in shard.documents:
                yield summary, graphs.get(str(document_iri(summary.doc_id)), [])
    finally:
        if client is not None:
            parallel.close_client(client, dask)


def _crash_reason(err: Exception) -> str:
    return f"extraction failed ({type(err).__name__}: {err})"


def _skip_unchanged(
    documents: Iterable[Document], db: object, note: Callable[[DocumentStatus], None]
) -> Iterator[Document]:
    for d in documents:
        if db.has_document(document_iri(d.id), d.sha256):  # type: ignore[attr-defined]
            note(DocumentStatus(d.source, "unchanged", "same content already in the store", d.id))
            continue
        yield d
