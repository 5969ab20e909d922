"""Documents → extractions: the spaCy pipeline with kg's components, and the extractor over it.

``extract_documents`` is a pure function of its documents (the unit of work a worker runs); the
writer (``kg.run.build``) turns its extractions into quads.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from kg import extract
from kg.nlp.chunking import merge_pieces, piece_documents
from kg.nlp.model import load_base_model
from kg.records import Document, Extraction

if TYPE_CHECKING:
    from spacy.language import Language


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Return the project's pipeline (the base model plus kg's components), built once."""
    nlp = load_base_model()
    extract.add_components(nlp)
    return nlp


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
        nlp: The pipeline (default: ``load_nlp()``).
        min_confidence: Statements below it are dropped.
        batch_size: spaCy's batch size.
        zone_size: Documents per memory zone (0: no memory zone).
        on_error: Called with a document whose extraction raised, which is then left out and
            the stream goes on; without it the error propagates.
    """
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


def crash_reason(err: Exception) -> str:
    return f"extraction failed ({type(err).__name__}: {err})"
