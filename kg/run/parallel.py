"""Parallel and distributed extraction: shards of documents → N-Quads, loaded by one writer.

The unit of work is ``run_shard``: a pure function from a list of documents to a ``Shard`` (the
N-Quads of their named graphs, one graph per document, plus per-document counts). It runs the same
way in a local process pool (``--workers N``) and on a Dask cluster (``--dask ADDR``); only the
process that called ``build`` writes, by replacing each document's named graph. Because a graph is
replaced, never appended to, loading a shard twice (a retried task, a re-run) changes nothing, and
a lost task is re-run by the scheduler: no document is duplicated or lost.

Each worker process loads the spaCy model once (``kg.run.extraction.load_nlp`` is cached per
process). Results are yielded in input order, with a bounded number of shards in flight, so memory
stays flat however long the input stream is.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from kg import errors
from kg.lifeline import die_with_parent
from kg.rdf.quads import extraction_quads
from kg.rdf.terms import ox_quad
from kg.records import Document, Extraction
from kg.run.extraction import crash_reason, extract_documents, load_nlp


@dataclass(frozen=True)
class DocSummary:
    """What the writer needs to know about one document of a shard."""

    doc_id: str
    source: str
    sha256: str
    words: int
    entities: int
    facts: int


@dataclass(frozen=True)
class Shard:
    """The result of one unit of work: N-Quads text and the documents it holds, in order."""

    documents: tuple[DocSummary, ...]
    nquads: bytes
    failures: tuple[tuple[str, str, str], ...] = ()  # (source, doc id, reason)

    @property
    def name(self) -> str:
        """A name that depends only on the shard's documents and their content (idempotent)."""
        h = hashlib.sha256()
        for d in self.documents:
            h.update(f"{d.doc_id}\x1f{d.sha256}\x1e".encode())
        return f"shard-{h.hexdigest()[:16]}"


def extraction_nquads(extraction: Extraction) -> bytes:
    """Serialise one document's named graph as N-Quads (deterministic order)."""
    import pyoxigraph as ox

    data = ox.serialize(
        (ox_quad(q) for q in extraction_quads(extraction)), format=ox.RdfFormat.N_QUADS
    )
    return data or b""


def summarize(extraction: Extraction) -> DocSummary:
    doc = extraction.document
    return DocSummary(
        doc.id,
        doc.source,
        doc.sha256,
        len(doc.text.split()),
        len(extraction.entities),
        len(extraction.relations),
    )


def run_shard(documents: Sequence[Document], min_confidence: float = 0.0) -> Shard:
    """Extract ``documents`` and return their graphs as one N-Quads shard.

    Pure: the output depends only on the documents (and the installed model and lexicons), so a
    task can be retried or run twice anywhere with the same result.

    Args:
        documents: The shard's documents.
        min_confidence: Statements below this confidence are left out.

    Returns:
        The shard.
    """
    parts: list[bytes] = []
    summaries: list[DocSummary] = []
    failures: list[tuple[str, str, str]] = []

    def failed(document: Document, err: Exception) -> None:
        failures.append((document.source, document.id, crash_reason(err)))

    for ex in extract_documents(documents, min_confidence=min_confidence, on_error=failed):
        parts.append(extraction_nquads(ex))
        summaries.append(summarize(ex))
    return Shard(tuple(summaries), b"".join(parts), tuple(failures))


def shard_quads(shard: Shard) -> Iterator[tuple[str, list[Any]]]:
    """Yield ``(graph IRI, quads)`` per document of a shard, in order (pyoxigraph quads)."""
    import pyoxigraph as ox

    current: str | None = None
    bucket: list[Any] = []
    for q in ox.parse(shard.nquads, format=ox.RdfFormat.N_QUADS):
        g = q.graph_name.value
        if g != current and bucket:
            yield current, bucket  # type: ignore[misc]
            bucket = []
        current = g
        bucket.append(q)
    if bucket:
        yield current, bucket  # type: ignore[misc]


def load_shard(store: Any, shard: Shard) -> None:
    """Write a shard into a store: each document's graph replaced in its own transaction."""
    from rdflib import URIRef

    for g, quads in shard_quads(shard):
        store.replace_document(URIRef(g), quads)


def load_nquads_file(store: Any, path: str | Path) -> int:
    """Load a shard file written by ``write_shard`` (or any N-Quads file); return graphs loaded."""
    from rdflib import URIRef

    n = 0
    for g, quads in shard_quads(Shard((), Path(path).read_bytes())):
        store.replace_document(URIRef(g), quads)
        n += 1
    return n


def write_shard(shard: Shard, folder: str | Path) -> Path:
    """Write a shard as ``folder/<name>.nq`` atomically (a retried task rewrites the same file)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{shard.name}.nq"
    tmp = folder / f".{shard.name}.{os.getpid()}.tmp"
    tmp.write_bytes(shard.nquads)
    os.replace(tmp, path)
    return path


def shards_of(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Group a document stream into lists of ``size`` (the last one shorter)."""
    it = iter(documents)
    while batch := list(islice(it, size)):
        yield batch


# ---------------------------------------------------------------- local process pool


def _init_worker(parent: int) -> None:
    # Die with the build (kill -9 included) and leave its output alone (kg.lifeline), then
    # load the model once per worker process, before the first shard arrives.
    die_with_parent(parent)
    load_nlp()


def pool_shards(
    documents: Iterable[Document],
    *,
    workers: int,
    shard_size: int = 16,
    min_confidence: float = 0.0,
    max_in_flight: int | None = None,
) -> Iterator[Shard]:
    """Run ``run_shard`` over a document stream in ``workers`` processes, yielding in order.

    A worker that dies (killed, out of memory) breaks the whole pool, and every shard in flight
    with it. The pool is then started again and those shards' documents are run one at a time,
    so that the one that stops a worker again is known: it becomes a failed status
    (``worker_stopped``), the others are extracted, and the stream goes on in parallel.

    Args:
        documents: The stream (consumed lazily: at most ``max_in_flight`` shards are pending).
        workers: Number of worker processes.
        shard_size: Documents per task.
        min_confidence: Passed to ``run_shard``.
        max_in_flight: Pending shards (default ``2 * workers``), which bounds memory.
    """
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    limit = max_in_flight or 2 * workers
    batches = shards_of(documents, shard_size)
    first = next(batches, None)
    if first is None:
        return  # nothing to do (everything unchanged): start no worker
    pool = _process_pool(workers)
    pending: deque[tuple[list[Document], Future[Shard]]] = deque()

    def alone(document: Document) -> Shard:
        nonlocal pool
        try:
            return pool.submit(run_shard, [document], min_confidence).result()
        except BrokenProcessPool:
            pool.shutdown(wait=True)
            pool = _process_pool(workers)
            failure = (document.source, document.id, errors.worker_stopped().message)
            return Shard((), b"", (failure,))

    def oldest() -> Iterator[Shard]:
        nonlocal pool
        batch, future = pending.popleft()
        try:
            yield future.result()
            return
        except BrokenProcessPool:
            broken = [(batch, future), *pending]
            pending.clear()
        pool.shutdown(wait=True)
        pool = _process_pool(workers)
        for batch, future in broken:
            if future.done() and future.exception() is None:  # finished before the break
                yield future.result()
                continue
            for document in batch:
                yield alone(document)

    def submit(batch: list[Document]) -> Future[Shard]:
        try:
            return pool.submit(run_shard, batch, min_confidence)
        except BrokenProcessPool as err:  # broke since the last result: handled with the rest
            future: Future[Shard] = Future()
            future.set_exception(err)
            return future

    try:
        for batch in chain([first], batches):
            pending.append((batch, submit(batch)))
            if len(pending) >= limit:
                yield from oldest()
        while pending:
            yield from oldest()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _process_pool(workers: int) -> Any:
    """A process pool whose workers load the model once and die with this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # "spawn" gives clean workers (no inherited threads or locks from the parent); each loads the
    # model once in the initializer, which costs a second or two per worker, once per build.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(os.getpid(),),
    )


# ---------------------------------------------------------------- Dask


def dask_client(address: Any, timeout: str = "10s") -> Any:
    """Connect to a Dask scheduler (``tcp://host:8786``) or start a local cluster (``local``).

    A ``dask.distributed.Client`` passed instead of an address is used as it is (and not closed).

    Raises:
        InputError: when dask.distributed is not installed or the scheduler cannot be reached.
    """
    if not isinstance(address, str):
        return address
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise errors.InputError(
            "--dask needs dask.distributed. Install it with: pip install 'dask[distributed]'"
        ) from None
    if address == "local":
        cluster = LocalCluster(threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
        client._kg_owned_cluster = cluster  # type: ignore[attr-defined]
        return client
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise errors.InputError(
            f"cannot reach the Dask scheduler at {address}: {err}. "
            "Start one with 'dask scheduler' or pass --dask local."
        ) from None


def close_client(client: Any, address: Any) -> None:
    """Close a client opened by ``dask_client`` (not one the caller passed in)."""
    if not isinstance(address, str):
        return
    cluster = getattr(client, "_kg_owned_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def dask_shards(
    documents: Iterable[Document],
    client: Any,
    *,
    shard_size: int = 16,
    min_confidence: float = 0.0,
    max_in_flight: int | None = None,
    retries: int = 2,
    task: Callable[..., Shard] | None = None,
) -> Iterator[Shard]:
    """Run ``run_shard`` on a Dask cluster over a document stream, yielding shards in order.

    Args:
        documents: The stream (consumed lazily, at most ``max_in_flight`` shards pending).
        client: A ``dask.distributed.Client``.
        shard_size: Documents per task.
        min_confidence: Passed to the task.
        max_in_flight: Pending tasks (default: twice the cluster's threads, at least 4).
        retries: How often the scheduler re-runs a task that failed (a lost worker, an error).
        task: The function to run (``run_shard``; tests substitute a flaky one).
    """
    fn = task or run_shard
    if max_in_flight is None:
        threads = sum(client.nthreads().values()) or 1
        max_in_flight = max(4, 2 * threads)
    pending: list[Any] = []
    for batch in shards_of(documents, shard_size):
        key = f"kg-shard-{_batch_key(batch)}"
        # pure=False with an explicit key: the same documents map to the same key (idempotent),
        # and Dask does not hash the whole shard to compute one.
        pending.append(
            client.submit(fn, batch, min_confidence, key=key, retries=retries, pure=False)
        )
        if len(pending) >= max_in_flight:
            yield _result(pending.pop(0))
    for fut in pending:
        yield _result(fut)


def _result(future: Any) -> Shard:
    shard = future.result()
    future.release()
    return shard


def _batch_key(batch: Sequence[Document]) -> str:
    h = hashlib.sha256()
    for d in batch:
        h.update(f"{d.id}\x1f{d.sha256}\x1e".encode())
    return h.hexdigest()[:24]
