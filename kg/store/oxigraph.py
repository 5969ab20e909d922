"""The embedded backend: an Oxigraph (RocksDB) database in a folder, or in memory for an RDF file.

Layout of a store folder::

    DIR/kg-store.json   marker (format name and version): tells a kg store from any folder
    DIR/oxigraph/       the RocksDB database
    DIR/kg.lock         held (flock) by the one process that writes; holds its pid
    DIR/kg.readers      flock: shared by each reader, exclusive by the writer (see below)
    DIR/kg.writer-waiting  present while a writer waits for the readers to close the store
    DIR/ingest.log      one JSON line per committed change (add, replace, remove)
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import errors
from kg.rdf.safety import check_rdf
from kg.rdf.sparql import INFERRED_GRAPH, PREFIXES, from_graphs
from kg.rdf.terms import to_ox
from kg.rdf.vocab import KG
from kg.store.base import Store
from kg.store.files import atomic_write_text, rdf_format
from kg.store.lock import (
    READER_WAIT,
    WRITER_WAIT,
    Locks,
    store_wait,
    take_read_lock,
    take_write_lock,
)
from kg.store.merged import copy_text, is_document_graph

if TYPE_CHECKING:
    import pyoxigraph as ox

MARKER = "kg-store.json"
#: version 2: the default graph is the merged graph (``kg.store.merged``); a version 1 store is
#: read as the union of its graphs, and brought to version 2 when opened for writing
STORE_FORMAT = {"format": "kg-store", "version": 2, "backend": "oxigraph"}

_PREFIX_USES = tuple((name + ":", name, iri) for name, iri in PREFIXES.items())

# Oxigraph keeps writes in RocksDB memtables until flushed, and its block caches keep every block
# a write has looked up until the database is closed: a writer flushes every so many quads, and
# reopens the database every so many more, which bounds both over a long build (measured in
# benchmarks/bench_memory.py and docs/RESULTS.md).
_FLUSH_EVERY_QUADS = 50_000
_REOPEN_EVERY_QUADS = 400_000  # a reopen costs ~0.2 s; 400k quads take over a minute


class OxigraphStore(Store):
    """A kg graph in an embedded Oxigraph database (a store folder, or in memory)."""

    def __init__(
        self,
        db: ox.Store | None = None,
        location: str = ":memory:",
        writable: bool = True,
        folder: Path | None = None,
        lock: Locks | None = None,
        default_graph: str = "merged",
    ) -> None:
        import pyoxigraph as ox

        super().__init__(location, writable, default_graph)
        self._db = db if db is not None else ox.Store()
        self._folder = folder
        self._lock = lock
        self._pending = 0  # quads written since the last flush
        self._session = 0  # quads written since the database was opened

    # -- primitives

    def _raw_query(self, text: str) -> Any:
        """Run a query; return pyoxigraph's QuerySolutions, QueryBoolean or QueryTriples.

        The default graph is the merged graph (each triple of the document graphs once, see
        ``kg.store.merged``), without the inferred graph (``kg reason``) unless
        ``include_inferred`` is set: inferences never mix with asserted facts by accident.
        ``GRAPH ?g`` ranges over the named graphs: the documents (and the inferred graph).
        """
        import pyoxigraph as ox

        upper = text.upper()
        try:
            if "FROM" in upper and from_graphs(text):
                return self._run(text, upper)  # the query names its own dataset
            if self.default_graph != "union":
                if self.include_inferred and self._has_inferred():
                    with_inferred = [ox.DefaultGraph(), ox.NamedNode(INFERRED_GRAPH)]
                    return self._run(text, upper, default_graph=with_inferred)
                return self._run(text, upper)
            if self.include_inferred or not self._has_inferred():
                return self._run(text, upper, use_default_graph_as_union=True)
            inferred = ox.NamedNode(INFERRED_GRAPH)
            graphs = [g for g in self._db.named_graphs() if g != inferred]
            return self._run(text, upper, default_graph=[ox.DefaultGraph(), *graphs])
        except SyntaxError as err:
            raise errors.bad_query(self.location, str(err)) from err

    def _run(self, text: str, upper: str, **dataset: Any) -> Any:
        """Run a query on the database, with kg's prefixes when the text needs them.

        pyoxigraph parses every default prefix it is given on every call (0.3 µs each, a tenth
        of a 30 µs lookup for all of them), so a text with its own prologue, as SPARQL clients
        send, runs without them first, and only the prefixes a text mentions are passed.
        """
        if "PREFIX" in upper:
            try:
                return self._db.query(text, **dataset)
            except SyntaxError:
                pass  # it may use kg's prefixes without declaring them as well
        prefixes = {name: iri for used, name, iri in _PREFIX_USES if used in text}
        return self._db.query(text, prefixes=prefixes, **dataset)

    def _has_inferred(self) -> bool:
        """Whether the store holds an inferred graph (``kg reason``).

        A read-only database is a snapshot taken when it was opened, so the answer is kept; a
        writable one may gain or lose the graph through this object, so it is asked each time.
        """
        if self._inferred is not None:
            return self._inferred
        import pyoxigraph as ox

        found = bool(self._db.contains_named_graph(ox.NamedNode(INFERRED_GRAPH)))
        if not self.writable:
            self._inferred = found
        return found

    def _update(self, text: str) -> None:
        self._need_writable()
        try:
            self._db.update(text, prefixes=PREFIXES)
        except SyntaxError as err:  # pragma: no cover - our own updates are generated
            raise errors.bad_query(self.location, str(err)) from err
        except OSError as err:
            raise errors.StoreError(f"cannot write to store {self.location}: {err}") from err

    def _graph_quads(self, graph: Any) -> set[Any]:
        """The pyoxigraph quads of one named graph."""
        return set(self._db.quads_for_pattern(None, None, None, to_ox(graph)))

    def _match_graphs(self, s: Any, p: Any, o: Any, g: Any = None) -> set[str]:
        """The names of the graphs holding ``s p o`` (any of them ``None``: a wildcard).

        Internal lookups use the indexes directly: Oxigraph does not push a VALUES binding into
        a ``GRAPH ?g`` pattern, so the same question in SPARQL scans the store.
        """
        pattern = [None if t is None else to_ox(t) for t in (s, p, o, g)]
        return {
            q.graph_name.value
            for q in self._db.quads_for_pattern(*pattern)
            if hasattr(q.graph_name, "value")
        }

    def _all_quads(self) -> Iterator[Any]:
        found = self._db.quads_for_pattern(None, None, None)
        if self.default_graph != "merged":
            return iter(found)
        import pyoxigraph as ox

        return (q for q in found if type(q.graph_name) is not ox.DefaultGraph)

    def _others(self, graph: Any, triples: list[Any]) -> list[set[str]]:
        """From the indexes: Oxigraph does not push a VALUES binding into ``GRAPH ?g``."""
        holding = []
        for t in triples:
            found = self._db.quads_for_pattern(t.subject, t.predicate, t.object)
            holding.append(
                {
                    str(getattr(q.graph_name, "value", ""))
                    for q in found
                    if q.graph_name != graph and is_document_graph(q.graph_name)
                }
            )
        return holding

    def _copy_documents_to_default(self) -> None:
        """One graph at a time: one update over all of them would hold every triple at once."""
        for graph in list(self._db.named_graphs()):
            if is_document_graph(graph):
                self._update(copy_text(graph))

    def _insert_new(self, quads: list[Any]) -> bool:
        """Add the quads of a document not in the store yet, atomically; False if not supported.

        ``pyoxigraph.Store.extend`` is one transaction (all or nothing) and about a third faster
        than parsing the same quads as ``INSERT DATA``; nothing has to be dropped first.
        """
        self._need_writable()
        try:
            self._db.extend(quads)
        except OSError as err:
            raise errors.StoreError(f"cannot write to store {self.location}: {err}") from err
        return True

    def _committed(self, action: str, doc_iri: Any, quads: list[Any]) -> None:
        """Append the change to the folder's ingest log, and bound the database's memory."""
        if self._folder is None:
            return
        sha = next(
            (q.object.value for q in quads if q.predicate.value == str(KG.contentHash)), None
        )
        line = json.dumps(
            {
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "action": action,
                "document": str(doc_iri),
                "sha256": sha,
                "quads": len(quads),
            }
        )
        # no fsync: the store, not this log, is the truth about what is committed
        with open(self._folder / "ingest.log", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        if action != "remove":
            self._bound_memory(len(quads))

    def _bound_memory(self, written: int) -> None:
        """Flush every ``_FLUSH_EVERY_QUADS`` quads written, reopen every ``_REOPEN_EVERY_QUADS``
        (counted from the last reopen)."""
        self._pending += written
        self._session += written
        if self._session >= _REOPEN_EVERY_QUADS:
            self.reopen()  # flushes too
            self._pending = self._session = 0
        elif self._pending >= _FLUSH_EVERY_QUADS:
            self.flush()
            self._pending = 0

    def flush(self) -> None:
        if self.writable and self._folder is not None:
            self._db.flush()

    def reopen(self) -> bool:
        """Flush, then close and reopen the embedded database, keeping the write lock.

        RocksDB (inside Oxigraph) caches every block that a write or a lookup touches: a 32 MB
        cache for the indexes and a 128 MB one for the string table. Over a long build they
        fill with blocks of documents written long ago, so resident memory climbs with the
        number of documents written (writing 10,000 generated documents: peak +37 MB from the
        1,000th document to the last, +11 MB when reopened every 1,000 documents, the rest
        being the indexes RocksDB keeps per file, in proportion to the data); a fresh handle
        starts with empty caches. Opening takes about 0.2 s, so a writer does it every few hundred
        thousand quads (``_REOPEN_EVERY_QUADS``).

        Returns:
            Whether the database was reopened: False for an in-memory, read-only or remote
            store, and while a reader in this process shares the handle (``open_store`` gives
            same-process readers the writer's database; they keep using it undisturbed).
        """
        import pyoxigraph as ox

        if not self.writable or self._folder is None or self._db is None:
            return False
        self.flush()
        # 2 = this attribute + getrefcount's argument; more: a reader Store shares the handle
        if sys.getrefcount(self._db) > 2:
            return False
        self._db = None  # type: ignore[assignment]  # drop it first: RocksDB locks its folder
        path = str(self._folder / "oxigraph")
        try:
            self._db = ox.Store(path)
        except OSError as err:  # a query result still being read keeps the old one open
            self._db = ox.Store()  # an empty stand-in, so that close() releases the locks
            self.close()
            raise errors.StoreError(
                f"cannot reopen store {self.location}: {err}. "
                "Finish reading query results before writing more documents."
            ) from err
        return True

    def close(self) -> None:
        """Flush and release the store (and its write lock)."""
        if self._db is None:
            return
        with contextlib.suppress(OSError):
            self.flush()
        self._db = None  # type: ignore[assignment]
        if self._lock is not None:  # after the database: readers hold theirs while it is open
            self._lock.close()
            self._lock = None
        if self.writable and self._folder is not None:
            key = os.path.realpath(self._folder)
            if _WRITERS.get(key) is self:
                del _WRITERS[key]

    def __repr__(self) -> str:
        return f"<kg Store {self.location}{'' if self.writable else ' (read-only)'}>"


# ---------------------------------------------------------------- opening


def _check_folder(path: Path, create: bool) -> int:
    """Check (or create) a store folder; return its format version."""
    if path.exists() and not path.is_dir():
        raise errors.not_a_store(str(path))
    if (path / MARKER).is_file():
        try:
            meta = json.loads((path / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise errors.not_a_store(str(path)) from err
        if not isinstance(meta, dict) or meta.get("format") != STORE_FORMAT["format"]:
            raise errors.not_a_store(str(path))
        version = meta.get("version")
        return version if isinstance(version, int) else 1
    if path.exists() and any(path.iterdir()):
        raise errors.not_a_store(str(path))
    if not create:
        raise errors.no_store(str(path))
    path.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path / MARKER, json.dumps(STORE_FORMAT) + "\n")
    return _VERSION


_VERSION = int(str(STORE_FORMAT["version"]))


_WRITERS: dict[str, OxigraphStore] = {}  # this process's open writers, by real path of the folder


def open_folder(
    location: str, *, read_only: bool = False, wait: float | None = None
) -> OxigraphStore:
    """Open (or create) the store in a folder.

    Args:
        location: The folder (created with its marker file when missing, unless ``read_only``).
        read_only: Open for reading: no write lock, but a shared lock that keeps writers out
            while the store is open (close it soon; a writer waits for it).
        wait: Seconds to wait for a busy store (a reader for the writer, the writer for the
            readers); default ``$KG_STORE_WAIT``, else 5 for a reader and 30 for the writer.

    Raises:
        StoreError: the folder is not a kg store, or another process writes to it.
        StoreBusy: the store stayed busy for ``wait`` seconds (see "readers and the writer").
    """
    import pyoxigraph as ox

    path = Path(location)
    version = _check_folder(path, create=not read_only)
    if read_only:
        writer = _WRITERS.get(os.path.realpath(path))
        if writer is not None and writer._db is not None:  # this process writes: share its db
            return OxigraphStore(
                writer._db,
                location,
                writable=False,
                folder=path,
                default_graph=writer.default_graph,
            )
        lock = take_read_lock(path, store_wait(wait, READER_WAIT))
    else:
        lock = take_write_lock(path, store_wait(wait, WRITER_WAIT))
    try:
        if read_only:
            if not (path / "oxigraph").is_dir():  # created, still empty; a writer may come
                return OxigraphStore(ox.Store(), location, writable=False, lock=lock)
            db = ox.Store.read_only(str(path / "oxigraph"))
        else:
            db = ox.Store(str(path / "oxigraph"))
    except OSError as err:
        if lock is not None:
            lock.close()
        raise errors.StoreError(f"cannot open store {location}: {err}") from err
    merged = version >= 2
    store = OxigraphStore(
        db,
        location,
        writable=not read_only,
        folder=path,
        lock=lock,
        default_graph="merged" if merged else "union",
    )
    if not read_only:
        if not merged:  # written before the merged graph: build it, then say so in the marker
            try:
                store.rebuild_merged()
                store.flush()
            except BaseException:
                store.close()
                raise
            atomic_write_text(path / MARKER, json.dumps(STORE_FORMAT) + "\n")
        _WRITERS[os.path.realpath(path)] = store
    return store


def load_file(graph_file: str | Path) -> OxigraphStore:
    """Load an RDF file into an in-memory store (triples of .ttl/.nt go to the default graph)."""
    import pyoxigraph as ox

    path = Path(graph_file)
    fmt = rdf_format(path)
    if not path.is_file():
        raise errors.no_such_input(str(path))
    if fmt == ox.RdfFormat.RDF_XML:  # pyoxigraph expands internal XML entities ("billion laughs")
        check_rdf(path.read_bytes(), fmt, source=str(path))
    db = ox.Store()
    try:
        db.load(path=str(path), format=fmt)
    except SyntaxError as err:
        raise errors.bad_rdf(str(path), str(err)) from err
    except (OSError, ValueError) as err:
        raise errors.bad_rdf(str(path), str(err)) from err
    return _file_store(db, str(path))


def _file_store(db: ox.Store, location: str) -> OxigraphStore:
    """A read-only store over an RDF file's quads, with the merged graph of its documents.

    A dataset of document graphs (kg's TriG, N-Quads, JSON-LD) gets its merged graph computed
    here, in memory; a file of plain triples is its own default graph; a file with both keeps
    the union of its graphs as the default graph, as before the merged graph existed.
    """
    import pyoxigraph as ox

    has_default = next(iter(db.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    if has_default is not None:
        has_named = next(iter(db.named_graphs()), None) is not None
        mode = "union" if has_named else "own"
        return OxigraphStore(db, location, writable=False, default_graph=mode)
    store = OxigraphStore(db, location, writable=True)
    store.rebuild_merged()
    store.writable = False
    return store
