"""The whole path: sources → documents → spaCy → extraction → RDF, into a file or a store.

``extract_documents`` is a pure function of its documents (the unit of work a worker runs);
``build`` adds the single writer (a file or a store) and the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.records import Document, Extraction

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass
class DocumentStatus:
    """What happened to one input: ``ok``, ``unchanged``, ``skipped`` or ``failed``."""

    source: str
    status: str
    reason: str = ""
    doc_id: str = ""
    entities: int = 0
    facts: int = 0


@dataclass
class BuildReport:
    """The outcome of a build, printed by the CLI at the end."""

    documents: list[DocumentStatus] = field(default_factory=list)
    seconds: float = 0.0
    words: int = 0

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)

    @property
    def entities(self) -> int:
        return sum(d.entities for d in self.documents)

    @property
    def facts(self) -> int:
        return sum(d.facts for d in self.documents)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0


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
) -> Iterator[Extraction]:
    """Run spaCy and the extractor over ``documents``, yielding one Extraction each, in order."""
    from kg import extract
    from kg.nlp import load_nlp

    nlp = nlp or load_nlp()
    pairs = ((d.text, d) for d in documents)
    for sdoc, document in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield filter_confidence(extract.extract_document(sdoc, document), min_confidence)


def build(
    sources: Sequence[str],
    *,
    output: str | Path | None = None,
    store: str | None = None,
    min_confidence: float = 0.0,
    on_document: Callable[[DocumentStatus], None] | None = None,
) -> BuildReport:
    """Build the graph of ``sources`` into ``output`` (an RDF file) and/or ``store``.

    Args:
        sources: Files, folders (or anything ``kg.ingest.iter_documents`` accepts).
        output: An RDF file to write (format from its extension), written atomically.
        store: A store location for ``kg.store.open_store`` (a folder for the embedded store).
        min_confidence: Statements below this confidence are not written.
        on_document: Called once per input as soon as its status is known (for progress).

    Returns:
        The per-document statuses and totals.
    """
    from kg import graph, ingest

    started = time.perf_counter()
    report = BuildReport()

    def note(status: DocumentStatus) -> None:
        report.documents.append(status)
        if on_document:
            on_document(status)

    documents = ingest.iter_documents(sources, on_skip=note)
    extractions: list[Extraction] = []
    db = None
    if store is not None:
        from kg.store import open_store

        db = open_store(store)
    try:
        todo: Iterable[Document] = documents
        if db is not None and output is None:
            todo = _skip_unchanged(documents, db, note)
        for ex in extract_documents(todo, min_confidence=min_confidence):
            report.words += len(ex.document.text.split())
            if db is not None:
                db.replace_document(graph.document_iri(ex.document.id), graph.extraction_quads(ex))
            if output is not None:
                extractions.append(ex)
            note(
                DocumentStatus(
                    ex.document.source, "ok", doc_id=ex.document.id,
                    entities=len(ex.entities), facts=len(ex.relations),
                )
            )
        if output is not None:
            from kg.store import write_quads

            write_quads(
                (q for ex in extractions for q in graph.extraction_quads(ex)), Path(output)
            )
    finally:
        if db is not None:
            db.close()
    report.seconds = time.perf_counter() - started
    return report


def _skip_unchanged(
    documents: Iterable[Document], db: object, note: Callable[[DocumentStatus], None]
) -> Iterator[Document]:
    from kg import graph

    for d in documents:
        if db.has_document(graph.document_iri(d.id), d.sha256):  # type: ignore[attr-defined]
            note(DocumentStatus(d.source, "unchanged", "same content already in the store", d.id))
            continue
        yield d
