"""Documents → extractions: the spaCy pipeline with kg's components, and the extractor over it.

``extract_documents`` is a pure function of its documents (the unit of work a worker runs); the
writer (``kg.run.build``) turns its extractions into quads.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from kg import errors, extract
from kg.nlp.chunking import CHUNK_CHARS, merge_pieces, piece_documents, tame_runs
from kg.nlp.model import load_base_model
from kg.nlp.warm import warm_tokenizer
from kg.records import Document, Extraction

if TYPE_CHECKING:
    from spacy.language import Language

#: Seconds one piece of a document (``CHUNK_CHARS``; a short document is one piece) may take to
#: parse and extract: a few seconds is usual, so only a pathological text reaches it.
BUDGET_SECONDS = 120.0


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
    budget: float | None = BUDGET_SECONDS,
) -> Iterator[Extraction]:
    """Run spaCy and the extractor over ``documents``, yielding one Extraction each, in order.

    Streams: documents are pulled ``zone_size`` at a time and parsed inside spaCy's
    ``memory_zone``, so the strings a batch adds to the vocabulary are freed afterwards and memory
    stays flat over any number of documents (Extractions hold plain strings only). A document
    longer than ``CHUNK_CHARS`` (or ``nlp.max_length``) is parsed alone, one piece after the
    other, each piece cut at a paragraph or sentence break, and its offsets are shifted back
    into the whole text (see ``kg.nlp.chunking``): memory grows with a piece, not the article.
    Long runs of punctuation are broken before the tokenizer (``tame_runs``). Before each zone,
    the words its documents repeat are tokenized outside it, so that the tokenizer, which caches
    nothing inside a zone, has them cached (``kg.nlp.warm``).

    Args:
        documents: The documents, consumed lazily.
        nlp: The pipeline (default: ``load_nlp()``).
        min_confidence: Statements below it are dropped.
        batch_size: spaCy's batch size.
        zone_size: Documents per memory zone (0: no memory zone).
        on_error: Called with a document whose extraction raised (out of memory, over its time
            budget, a bug), which is then left out and the stream goes on; without it the error
            propagates.
        budget: Seconds a document may take per piece (a short document is one piece), counted
            by a timer that stops it; ``None`` or 0: no limit. Only where signals can be used
            (the main thread: the CLI and the worker processes of ``--workers``).
    """
    nlp = nlp or load_nlp()
    limit = min(nlp.max_length, CHUNK_CHARS)

    def guarded(d: Document, pieces: int, work: Callable[[], Extraction]) -> Extraction | None:
        try:
            with time_budget(budget * pieces if budget else None):
                return work()
        except Exception as err:  # noqa: BLE001 - one bad article must not stop the batch
            if on_error is None:
                raise
            on_error(d, err)  # MemoryError, DocumentTooSlow included: a status, not the end
            return None
        finally:
            freeze_loaded()

    def whole(block: list[Document]) -> Iterator[Extraction]:
        texts = ((tame_runs(d.text), d) for d in block)
        for sdoc, d in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
            if (
                ex := guarded(d, 1, functools.partial(extract.extract_document, sdoc, d))
            ) is not None:
                yield ex

    def in_pieces(d: Document) -> Extraction:
        parts: list[tuple[int, Extraction]] = []
        for offset, piece in piece_documents(d, limit):
            sdoc = nlp(tame_runs(piece.text))  # one piece at a time: the memory of one piece
            parts.append((offset, extract.extract_document(sdoc, piece)))
            del sdoc
        return merge_pieces(d, parts)

    def run(block: list[Document]) -> Iterator[Extraction]:
        # Short documents go through spaCy in batches, a long one alone, in input order.
        short: list[Document] = []
        for d in block:
            if len(d.text) <= limit:
                short.append(d)
                continue
            yield from whole(short)
            short = []
            pieces = -(-len(d.text) // limit)
            if (ex := guarded(d, pieces, functools.partial(in_pieces, d))) is not None:
                yield ex
        yield from whole(short)

    it = iter(documents)
    step = zone_size if zone_size > 0 else batch_size * 32
    while block := list(islice(it, step)):
        if zone_size > 0:  # the tokenizer caches nothing inside a zone: its repeated words first
            warm_tokenizer(nlp, (d.text for d in block))
        # Extractions hold only plain strings, so they may leave the zone (yielded from inside).
        with nlp.memory_zone() if zone_size > 0 else contextlib.nullcontext():
            for ex in run(block):
                yield filter_confidence(ex, min_confidence)


_frozen = False

#: Container objects made and not yet freed before the collector looks for cycles among them
#: (``gc.set_threshold``'s first number; Python's default is 700). See ``freeze_loaded``.
YOUNG_OBJECTS = 10_000


def freeze_loaded() -> None:
    """Once per process, after its first document: keep what is loaded by then out of Python's
    cyclic garbage collector (``gc.freeze``), and let it look for cycles less often.

    The first document loads what the extractor keeps for the life of the process (spaCy's
    model, the lexicons, the pattern matcher, the learned models): several hundred thousand
    objects that every full collection would walk again, to find nothing to free (~5% of a
    build's CPU). Frozen objects are still freed when no longer referenced; what is garbage at
    that moment is collected first, so nothing dead is kept.

    Extraction then makes and drops millions of small containers (features, spans, lists),
    nearly all freed by their reference counts; at the default threshold of 700 the collector
    still ran ~1,200 times over the 150 benchmark articles (0.35–0.45 s CPU) to find almost no
    cycles. From ``YOUNG_OBJECTS`` on it runs a few times (~0.02 s); garbage in cycles still
    goes, once that many containers are held. A lower threshold set by the process is raised,
    never a higher one lowered nor a disabled collector (0) enabled.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
        young, *older = gc.get_threshold()
        if 0 < young < YOUNG_OBJECTS:
            gc.set_threshold(YOUNG_OBJECTS, *older)


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise ``DocumentTooSlow`` in the block once it has run ``seconds``.

    A timer signal (SIGALRM) interrupts the Python code at work, which a thread could not. Where
    signals cannot be used (a thread other than the main one: a Dask worker, a web server) or
    ``seconds`` is None, the block runs unbounded.
    """
    if (
        not seconds
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise DocumentTooSlow(seconds)

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class DocumentTooSlow(Exception):
    """A document ran past its time budget (``time_budget``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def crash_reason(err: BaseException) -> str:
    """The failed status's reason for an error raised while extracting a document."""
    if isinstance(err, DocumentTooSlow):
        return errors.document_too_slow(err.seconds).message
    if isinstance(err, MemoryError):
        return errors.document_out_of_memory().message
    return f"extraction failed ({type(err).__name__}: {err})"
