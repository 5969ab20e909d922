"""``build``: sources → documents → extraction → RDF, into a file or a store.

This process is the only writer: documents are read, extracted (here, in worker processes or on a
Dask cluster) and written one after the other, each document's named graph replaced whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kg import checks
from kg.ingest import IngestOptions, iter_documents
from kg.ingest.documents import read_ahead, reads_network
from kg.rdf.counts import QuadCounter, count_graph
from kg.rdf.quads import extraction_quads
from kg.rdf.terms import document_iri
from kg.records import Document, DocumentStatus
from kg.run import parallel
from kg.run.extraction import crash_reason, extract_documents
from kg.run.report import BuildReport
from kg.store import Store, open_store, write_quads


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

    Raises:
        ArgumentError: ``min_confidence`` outside 0..1, ``workers`` or ``shard_size`` below 1.
        InputError: a source does not exist, or the sources hold no article.
    """
    checks.confidence(min_confidence)
    checks.at_least(workers, 1, "workers")
    checks.at_least(shard_size, 1, "shard_size")
    started = time.perf_counter()
    report = BuildReport()

    def note(status: DocumentStatus) -> None:
        report.add(status)
        if on_document:
            on_document(status)

    documents: Iterable[Document] = iter_documents(sources, on_skip=note, options=options)
    if store is not None and reads_network(sources, options):
        documents = read_ahead(documents)  # fetch first: a slow server never keeps readers out
    db = None
    if store is not None:
        db = open_store(store)
    try:
        todo: Iterable[Document] = documents
        if db is not None and output is None:
            todo = _skip_unchanged(documents, db, note)
        if workers > 1 or dask or shards_dir is not None:
            per_doc = _sharded(todo, workers, dask, min_confidence, shard_size, shards_dir, note)
        else:
            per_doc = _serial(todo, min_confidence, note)

        built = QuadCounter()  # what goes into the output file (kg.rdf.counts)

        def written() -> Iterator[list[Any]]:
            for summary, quads in per_doc:
                if db is not None:
                    _replace(db, document_iri(summary.doc_id), quads, summary)
                report.words += summary.words
                counter = QuadCounter().add_quads(quads)
                counts = counter.result()
                if output is not None:
                    built.merge(counter)  # the document's digests, not its quads counted again
                note(
                    DocumentStatus(
                        summary.source,
                        "ok",
                        doc_id=summary.doc_id,
                        entities=counts.entities,
                        facts=counts.facts,
                        words=summary.words,
                        statements=counts.statements,
                    )
                )
                yield quads

        if output is not None:
            write_quads((q for quads in written() for q in quads), Path(output))
            report.graph = built.result()
        else:
            for _ in written():
                pass
            if db is not None:
                report.graph = count_graph(db)  # the whole store, earlier documents too
    finally:
        if db is not None:
            db.close()
    report.seconds = time.perf_counter() - started
    return report


def _serial(
    documents: Iterable[Document], min_confidence: float, note: Callable[[DocumentStatus], None]
) -> Iterator[tuple[Any, list[Any]]]:
    def failed(document: Document, err: Exception) -> None:
        note(DocumentStatus(document.source, "failed", crash_reason(err), document.id))

    for ex in extract_documents(documents, min_confidence=min_confidence, on_error=failed):
        yield parallel.summarize(ex), list(extraction_quads(ex))


def _sharded(
    documents: Iterable[Document],
    workers: int,
    dask: Any,
    min_confidence: float,
    shard_size: int,
    shards_dir: str | Path | None,
    note: Callable[[DocumentStatus], None],
) -> Iterator[tuple[Any, list[Any]]]:
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


def _replace(db: Store, doc_iri: Any, quads: list[Any], summary: Any) -> None:
    """Write a document, then remove its older versions stored under other ids (the same file
    before an edit, the same text under an earlier id): in this order, so a crash in between
    leaves both versions, never neither; the next build removes the old one."""
    db.replace_document(doc_iri, quads)
    for old in sorted(db.replaced_by(doc_iri, summary.source, summary.sha256)):
        db.remove_document(old)


def _skip_unchanged(
    documents: Iterable[Document], db: Store, note: Callable[[DocumentStatus], None]
) -> Iterator[Document]:
    for d in documents:
        iri = document_iri(d.id)
        if db.has_document(iri, d.sha256):
            for old in sorted(db.replaced_by(iri, d.source, d.sha256)):
                db.remove_document(old)  # left by a build stopped between the two writes
            note(DocumentStatus(d.source, "unchanged", "same content already in the store", d.id))
            continue
        yield d
