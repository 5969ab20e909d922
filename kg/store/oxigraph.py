"""The graph as a database: an embedded Oxigraph store in a folder, an RDF file, or a remote server.

Every backend offers the same ``Store`` methods. A document is one named graph, replaced in one
transaction (a single SPARQL update ``DROP GRAPH …; INSERT DATA …``, which Oxigraph, embedded or
served, applies atomically), so a crash or a failed request never leaves half a document.
Queries see the union of all named graphs as their default graph.

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
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from rdflib import URIRef

from kg import errors
from kg.rdf.safety import MAX_QUERY_CHARS as _MAX_QUERY_CHARS
from kg.rdf.safety import MAX_QUERY_NESTING as _MAX_QUERY_NESTING
from kg.rdf.safety import MAX_TRIPLE_PATTERNS as _MAX_TRIPLE_PATTERNS
from kg.rdf.sparql import INFERRED_GRAPH, PREFIXES, bind, from_graphs
from kg.store.lock import (
    READER_WAIT,
    WRITER_WAIT,
    Locks,
    store_wait,
    take_read_lock,
    take_write_lock,
)

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.term import Node

    from kg.store.merged import Change

Quad = tuple["Node", "Node", "Node", "Node | None"]
Row = dict[str, "Node | None"]

MARKER = "kg-store.json"
#: version 2: the default graph is the merged graph (``kg.store.merged``); a version 1 store is
#: read as the union of its graphs and brought to version 2 when opened for writing
STORE_FORMAT = {"format": "kg-store", "version": 2, "backend": "oxigraph"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: File extensions and their formats, for reading and writing RDF files.
RDF_EXTENSIONS = (".trig", ".nq", ".ttl", ".nt", ".jsonld", ".rdf")
_DATASET_EXTENSIONS = (".trig", ".nq", ".jsonld")


# ---------------------------------------------------------------- terms: rdflib <-> pyoxigraph


_CONVERT: dict[type, Any] = {}  # term type -> converter, filled on first use
_PREFIX_USES = tuple((name + ":", name, iri) for name, iri in PREFIXES.items())


def _converters() -> dict[type, Any]:
    """Build the type-dispatch tables once (imports stay out of ``import kg``)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def literal(term: Any) -> Any:
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))

    def ox_literal(term: Any) -> Any:
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == XSD_STRING else Literal(term.value, datatype=URIRef(dt))

    same = lambda term: term  # noqa: E731 - pyoxigraph terms pass through
    _CONVERT.update(
        {
            URIRef: lambda term: ox.NamedNode(str(term)),
            Literal: literal,
            BNode: lambda term: ox.BlankNode(str(term)),
            type(None): lambda term: ox.DefaultGraph(),
            ox.NamedNode: same,
            ox.Literal: same,
            ox.BlankNode: same,
            ox.DefaultGraph: same,
        }
    )
    _FROM_OX.update(
        {
            ox.NamedNode: lambda term: URIRef(term.value),
            ox.Literal: ox_literal,
            ox.BlankNode: lambda term: BNode(term.value),
            ox.DefaultGraph: lambda term: None,
            type(None): lambda term: None,
        }
    )
    return _CONVERT


_FROM_OX: dict[type, Any] = {}


def to_ox(term: Any) -> Any:
    """Return the pyoxigraph term for an rdflib term (pyoxigraph terms pass through)."""
    convert = (_CONVERT or _converters()).get(type(term))
    if convert is None:  # a subclass of an rdflib term
        from rdflib import BNode, Literal, URIRef

        base = next((t for t in (URIRef, Literal, BNode) if isinstance(term, t)), None)
        if base is None:
            raise TypeError(f"not an RDF term: {term!r}")
        convert = _CONVERT[base]
    return convert(term)


def from_ox(term: Any) -> Any:
    """Return the rdflib term for a pyoxigraph term (``None`` for the default graph)."""
    if not _FROM_OX:
        _converters()
    convert = _FROM_OX.get(type(term))
    if convert is None:
        raise TypeError(f"unsupported RDF term: {term!r}")
    return convert(term)


def ox_quad(quad: Iterable[Any]) -> Any:
    """Return the pyoxigraph Quad for an rdflib 4-tuple (graph ``None``: the default graph)."""
    import pyoxigraph as ox

    s, p, o, g = quad
    return ox.Quad(_node(s), _node(p), _node(o), _node(g))


def _node(term: Any) -> Any:
    """``to_ox``, with IRIs remembered: a document's quads name the same few hundred IRIs (its
    graph, the predicates, its entities) over and over, and a build converts every quad."""
    if type(term) is not URIRef:
        return to_ox(term)
    node = _IRI_NODES.get(term)
    if node is None:
        if len(_IRI_NODES) >= 4096:
            # small and bounded: within a document a statement IRI recurs ~10 times and the
            # predicates throughout, but a long build meets new IRIs forever (flat memory)
            _IRI_NODES.clear()
        node = _IRI_NODES[term] = to_ox(term)
    return node


_IRI_NODES: dict[URIRef, Any] = {}


# ---------------------------------------------------------------- results


class Rows(list[dict[str, Any]]):
    """SELECT results: a list of ``{variable: rdflib term or None}`` with the column order."""

    def __init__(self, variables: list[str], rows: Iterable[Row] = ()) -> None:
        super().__init__(rows)
        self.variables = variables

    def to_dataframe(self) -> Any:
        """Return the rows as a pandas DataFrame of Python values (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise errors.KGError(
                "pandas is not installed. Install it with: pip install pandas"
            ) from err
        return pd.DataFrame(
            [
                {v: (None if r.get(v) is None else r[v].toPython()) for v in self.variables}
                for r in self
            ],
            columns=self.variables,
        )

    df = to_dataframe


def _rows(solutions: Any) -> Rows:
    names = [v.value for v in solutions.variables]
    rows = Rows(names)
    for sol in solutions:
        rows.append({n: from_ox(sol[n]) for n in names})
    return rows


def _graph(triples: Iterable[Any]) -> Graph:
    from rdflib import Graph

    from kg.rdf.quads import bind_prefixes

    g = Graph()
    bind_prefixes(g)  # type: ignore[arg-type]
    for t in triples:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g


# ---------------------------------------------------------------- the store


class Store:
    """A kg graph behind SPARQL: embedded Oxigraph (a folder, or in memory for an RDF file).

    Subclasses (``kg.store.remote.RemoteStore``) override the ``_raw_*`` and ``_update`` primitives.
    """

    location: str = ""
    writable: bool = False
    include_inferred: bool = False  # let queries see the inferred graph too
    #: What queries see as their default graph (see ``kg.store.merged``):
    #: "merged"  the store's default graph, kept by this class as the merged document graphs;
    #: "union"   the union of the named graphs (a store or file written before the merged graph);
    #: "own"     the store's default graph as it is (an RDF file of plain triples).
    default_graph: str = "merged"

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

        self._db = db if db is not None else ox.Store()
        self.location = location
        self.writable = writable
        self._folder = folder
        self._lock = lock
        self._inferred: bool | None = None  # see _has_inferred
        self.default_graph = default_graph

    # -- primitives (overridden by the remote backend)

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
        """Every stored quad; not the merged graph, which is derived from the others."""
        found = self._db.quads_for_pattern(None, None, None)
        if self.default_graph != "merged":
            return iter(found)
        import pyoxigraph as ox

        return (q for q in found if type(q.graph_name) is not ox.DefaultGraph)

    # -- queries

    def raw(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run ``sparql`` with ``bindings``; return pyoxigraph's result object (fastest path)."""
        _screen(sparql)
        text = sparql
        if bindings:
            try:
                text = bind(sparql, bindings)
            except ValueError as err:
                raise errors.bad_query(self.location, str(err)) from err
        try:
            return self._raw_query(text)
        except errors.QueryError:
            # a query parser never runs an update or LOAD; say why it was refused, precisely
            from kg.rdf import safety

            safety.check_sparql(sparql, source="the query", strict=False)
            raise

    def select(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Rows:
        """Run a SELECT query; return its rows with rdflib terms (``None`` for unbound)."""
        result = self.raw(sparql, bindings)
        if not hasattr(result, "variables"):
            raise errors.bad_query(self.location, "expected a SELECT query")
        return _rows(result)

    def ask(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> bool:
        """Run an ASK query."""
        return bool(self.raw(sparql, bindings))

    def construct(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query; return an rdflib Graph."""
        result = self.raw(sparql, bindings)
        if (
            hasattr(result, "variables")
            or isinstance(result, bool)
            or not hasattr(result, "__iter__")
        ):
            raise errors.bad_query(self.location, "expected a CONSTRUCT or DESCRIBE query")
        return _graph(result)

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Rows | bool | Graph:
        """Run any query: rows for SELECT (``.to_dataframe()``), bool for ASK, a Graph otherwise."""
        result = self.raw(sparql, bindings)
        if hasattr(result, "variables"):
            return _rows(result)
        if hasattr(result, "__iter__"):
            return _graph(result)
        return bool(result)

    def quads(self) -> Iterator[Quad]:
        """Yield every quad as rdflib terms (graph ``None`` for the default graph).

        The merged graph is left out: it is derived from the document graphs (``kg.store.merged``).
        """
        for q in self._all_quads():
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), from_ox(q.graph_name)

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].toPython()) if rows else 0

    # -- documents

    def documents(self) -> Rows:
        """Return the committed documents: graph, source, content hash, title (ingest order)."""
        return self.select(
            "SELECT ?document ?source ?sha256 ?title WHERE { GRAPH ?document {"
            " ?document a kg:Document ; kg:contentHash ?sha256 ."
            " OPTIONAL { ?document dcterms:source ?source }"
            " OPTIONAL { ?document dcterms:title ?title } } } ORDER BY ?document"
        )

    def has_document(self, doc_iri: Any, sha256: str) -> bool:
        """Return whether the document's graph is committed with this content hash."""
        from rdflib import Literal, URIRef

        from kg.rdf.vocab import KG

        g = URIRef(str(doc_iri))
        return bool(self._match_graphs(g, KG.contentHash, Literal(sha256), g))

    def replace_document(self, doc_iri: Any, quads: Iterable[Quad]) -> bool:
        """Replace the document's named graph with ``quads`` in one transaction.

        Args:
            doc_iri: The document's IRI, which names its graph.
            quads: rdflib 4-tuples, all in the graph ``doc_iri``.

        Returns:
            Whether anything changed (False: the same quads were already there).
        """
        self._need_writable()
        g = to_ox(_iri(doc_iri))
        new = []
        for quad in quads:
            q = ox_quad(quad)
            if q.graph_name != g:
                raise ValueError(f"quad outside the document's graph {doc_iri}: {quad!r}")
            new.append(q)
        old = self._graph_quads(_iri(doc_iri))
        if set(new) == old:
            self._log("unchanged", doc_iri, new)
            return False
        existed = bool(old)
        merged = self._merged_change(g, old, new)
        if existed or merged is not None or not self._insert_new(new):
            # one update request: the document's graph and the merged graph change together
            body = " .\n".join(f"{q.subject} {q.predicate} {q.object}" for q in new)
            operations = [f"DROP SILENT GRAPH {g}"] if existed else []
            if new:
                operations.append(f"INSERT DATA {{ GRAPH {g} {{\n{body} .\n}} }}")
            if merged is not None:
                from kg.store.merged import copy_text, update_text

                # the merged graph is a set: triples it holds already stay once; copied by the
                # store from the new graph (sending or parsing the triples twice costs more)
                operations += [copy_text(g) if new else "", update_text(merged)]
            self._update(" ;\n".join(op for op in operations if op))
        self._log("replace" if existed else "add", doc_iri, new)
        return True

    def _merged_change(self, graph: Any, old: Iterable[Any], new: Iterable[Any]) -> Change | None:
        """What writing a document graph does to the merged graph (None: not maintained here)."""
        from kg.store.merged import document_change, is_document_graph

        if not is_document_graph(graph):
            return None
        self._ensure_merged()
        if self.default_graph != "merged":
            return None
        return document_change(graph, old, new, lambda triples: self._others(graph, triples))

    def _others(self, graph: Any, triples: list[Any]) -> list[int]:
        """For each triple, how many document graphs other than ``graph`` hold it (indexes)."""
        from kg.store.merged import is_document_graph

        counts = []
        for t in triples:
            found = self._db.quads_for_pattern(t.subject, t.predicate, t.object)
            counts.append(
                sum(1 for q in found if q.graph_name != graph and is_document_graph(q.graph_name))
            )
        return counts

    def _ensure_merged(self) -> None:
        """Make sure the merged graph exists before a write (``open_store`` sees to it)."""

    def rebuild_merged(self) -> None:
        """Recompute the merged graph from the document graphs.

        For a store written before the merged graph existed (``open_store`` calls it when it
        opens one for writing, and records the new format once it is done) and for RDF files.
        """
        self._need_writable()
        self._update("CLEAR SILENT DEFAULT")
        self._copy_documents_to_default()
        from kg.store.merged import FACT_COUNTS, fact_node_lines

        lines = list(fact_node_lines(self._raw_query(FACT_COUNTS)))
        for start in range(0, len(lines), 50_000):
            self._update("INSERT DATA {\n" + "\n".join(lines[start : start + 50_000]) + "\n}")
        self.default_graph = "merged"

    def _copy_documents_to_default(self) -> None:
        """Copy every document graph's triples into the default graph, one graph at a time
        (one update over all of them would hold every triple in memory at once)."""
        from kg.store.merged import copy_text, is_document_graph

        for graph in list(self._db.named_graphs()):
            if is_document_graph(graph):
                self._update(copy_text(graph))

    def _insert_new(self, quads: list[Any]) -> bool:
        """Add the quads of a graph not in the store yet, atomically; False if not supported.

        ``pyoxigraph.Store.extend`` is one transaction (all or nothing) and about a third faster
        than parsing the same quads as ``INSERT DATA``; nothing has to be dropped first. Used
        for the graphs the merged graph does not follow (the inferred graph).
        """
        self._need_writable()
        try:
            self._db.extend(quads)
        except OSError as err:
            raise errors.StoreError(f"cannot write to store {self.location}: {err}") from err
        return True

    def remove_document(self, doc_iri: Any) -> bool:
        """Delete a document's graph (its facts, and entities no other document mentions).

        Returns:
            Whether the document was in the store.
        """
        self._need_writable()
        g = to_ox(_iri(doc_iri))
        old = self._graph_quads(_iri(doc_iri))
        if old:
            from kg.store.merged import update_text

            merged = self._merged_change(g, old, [])
            text = merged and update_text(merged)
            self._update(f"DROP SILENT GRAPH {g}" + (f" ;\n{text}" if text else ""))
            self._log("remove", doc_iri, [])
        return bool(old)

    def corroboration(self, s: Any, p: Any, o: Any) -> int:
        """Return how many distinct documents assert the triple ``s p o``."""
        return len(self._match_graphs(s, p, o) - {INFERRED_GRAPH})

    # -- lifecycle

    def _need_writable(self) -> None:
        if not self.writable:
            raise errors.StoreError(
                f"store {self.location} is open read-only. Open it with kg.open_store to write."
            )

    def _log(self, action: str, doc_iri: Any, quads: list[Any]) -> None:
        if self._folder is None:
            return
        from kg.rdf.vocab import KG

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
        starts with empty caches. Opening takes about 0.2 s, so ``kg.run.build.build`` does it
        every few hundred thousand quads.

        Returns:
            Whether the database was reopened: False for an in-memory, read-only or remote
            store, and while a reader in this process shares the handle (``open_store`` gives
            same-process readers the writer's database; they keep using it undisturbed).
        """
        import sys

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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<kg Store {self.location}{'' if self.writable else ' (read-only)'}>"


def _screen(sparql: str) -> None:
    """Refuse SERVICE, FROM outside the store, and oversized or too deeply nested text.

    Updates and LOAD need no screening: ``raw`` only sends text to a query parser, which
    refuses them (``raw`` then asks ``check_sparql`` for the precise message).

    ``kg.rdf.safety.check_sparql`` parses the query with rdflib's grammar (about a millisecond); it
    runs whenever SERVICE, FROM or a \\u escape appears anywhere in the text, or cheap counts
    say the text may be too long, too nested or have too many triple patterns, so ordinary
    queries do not pay for the parse (about a microsecond instead: this runs on every query).
    """
    upper = sparql.upper()  # substring tests: an IGNORECASE regex costs ~50 µs on a query
    opening = sparql.count("{")
    if (
        "SERVICE" in upper
        or "FROM" in upper
        or "\\U" in upper  # SPARQL decodes \\u escapes before parsing: \\u0053ERVICE is SERVICE
        or len(sparql) > _MAX_QUERY_CHARS
        # consecutive triple patterns are separated by . ; or , (an upper bound on their number);
        # many triple patterns: pyoxigraph's join planning takes minutes past ~150 of them
        or sparql.count(".") + sparql.count(";") + sparql.count(",") + opening
        > _MAX_TRIPLE_PATTERNS
        # the nesting depth is at most the number of opening brackets, counted at C speed
        or opening + sparql.count("(") + sparql.count("[") > _MAX_QUERY_NESTING
        and _deeper_than_allowed(sparql)
    ):
        from kg.rdf import safety

        safety.check_sparql(sparql, source="the query")


def _deeper_than_allowed(sparql: str) -> bool:
    from kg.rdf import safety

    return safety.bracket_depth(sparql) > _MAX_QUERY_NESTING


def _iri(value: Any) -> Any:
    return value if isinstance(value, URIRef) else URIRef(str(value))


# ---------------------------------------------------------------- opening


def _is_remote(location: str) -> bool:
    return location.startswith(("sparql+http://", "sparql+https://"))


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
    _atomic_write_text(path / MARKER, json.dumps(STORE_FORMAT) + "\n")
    return int(STORE_FORMAT["version"])  # type: ignore[call-overload]


# ---------------------------------------------------------------- opening (locks: kg.store.lock)

_WRITERS: dict[str, Store] = {}  # this process's open writers, by real path of the folder


def open_store(location: str, *, read_only: bool = False, wait: float | None = None) -> Store:
    """Open (or create) a store.

    Args:
        location: A folder for the embedded store (created if missing), or
            ``sparql+http://host:port/path`` for a SPARQL 1.1 server (see ``kg.store.remote``).
        read_only: Open for reading: no write lock, but a shared lock that keeps writers out
            while the store is open (close it soon; a writer waits for it).
        wait: Seconds to wait for a busy store (a reader for the writer, the writer for the
            readers); default ``$KG_STORE_WAIT``, else 5 for a reader and 30 for the writer.

    Raises:
        StoreError: the folder is not a kg store, or another process writes to it.
        StoreBusy: the store stayed busy for ``wait`` seconds (see "readers and the writer").
    """
    location = str(location)
    if _is_remote(location):
        from kg.store.remote import RemoteStore

        return RemoteStore(location, writable=not read_only)
    import pyoxigraph as ox

    path = Path(location)
    version = _check_folder(path, create=not read_only)
    if read_only:
        writer = _WRITERS.get(os.path.realpath(path))
        if writer is not None and writer._db is not None:  # this process writes: share its db
            return Store(
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
                return Store(ox.Store(), location, writable=False, lock=lock)
            db = ox.Store.read_only(str(path / "oxigraph"))
        else:
            db = ox.Store(str(path / "oxigraph"))
    except OSError as err:
        if lock is not None:
            lock.close()
        raise errors.StoreError(f"cannot open store {location}: {err}") from err
    merged = version >= 2
    store = Store(
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
            _atomic_write_text(path / MARKER, json.dumps(STORE_FORMAT) + "\n")
        _WRITERS[os.path.realpath(path)] = store
    return store


def open_graph(
    graph_file: str | None = None, store: str | None = None, *, wait: float | None = None
) -> Store:
    """Open the graph a reading command works on: an RDF file (in memory) or a store (read-only).

    ``wait``: seconds to wait for a writer of the store to finish (see ``open_store``).
    """
    if graph_file and store:
        raise errors.both_graph_sources()
    if store:
        return open_store(store, read_only=True, wait=wait)
    if not graph_file:
        raise errors.no_graph_source()
    return load_file(graph_file)


def rdf_format(path: str | Path) -> Any:
    """Return the pyoxigraph RdfFormat for a file name, or raise ``unknown_format``."""
    import pyoxigraph as ox

    formats = {
        ".trig": ox.RdfFormat.TRIG,
        ".nq": ox.RdfFormat.N_QUADS,
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".jsonld": ox.RdfFormat.JSON_LD,
        ".rdf": ox.RdfFormat.RDF_XML,
    }
    ext = Path(path).suffix.lower()
    if ext not in formats:
        raise errors.unknown_format(str(path), list(RDF_EXTENSIONS))
    return formats[ext]


def load_file(graph_file: str | Path) -> Store:
    """Load an RDF file into an in-memory store (triples of .ttl/.nt go to the default graph)."""
    import pyoxigraph as ox

    path = Path(graph_file)
    fmt = rdf_format(path)
    if not path.is_file():
        raise errors.no_such_input(str(path))
    if fmt == ox.RdfFormat.RDF_XML:  # pyoxigraph expands internal XML entities ("billion laughs")
        from kg.rdf.safety import check_rdf

        check_rdf(path.read_bytes(), fmt, source=str(path))
    db = ox.Store()
    try:
        db.load(path=str(path), format=fmt)
    except SyntaxError as err:
        raise errors.bad_rdf(str(path), str(err)) from err
    except (OSError, ValueError) as err:
        raise errors.bad_rdf(str(path), str(err)) from err
    return _file_store(db, str(path))


def _file_store(db: ox.Store, location: str) -> Store:
    """A read-only Store over an RDF file's quads, with the merged graph of its documents.

    A dataset of document graphs (kg's TriG, N-Quads, JSON-LD) gets its merged graph computed
    here, in memory; a file of plain triples is its own default graph; a file with both keeps
    the union of its graphs as the default graph, as before the merged graph existed.
    """
    import pyoxigraph as ox

    has_default = next(iter(db.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    if has_default is not None:
        has_named = next(iter(db.named_graphs()), None) is not None
        return Store(db, location, writable=False, default_graph="union" if has_named else "own")
    store = Store(db, location, writable=True)
    store.rebuild_merged()
    store.writable = False
    return store


# ---------------------------------------------------------------- writing files


def _atomic_write_text(path: Path, text: str) -> None:
    with _atomic(path) as fh:
        fh.write(text.encode("utf-8"))


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[IO[bytes]]:
    """Yield a binary file that replaces ``path`` only when the block completes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def write_quads(quads: Iterable[Quad], path: str | Path) -> int:
    """Write quads to an RDF file atomically; the format comes from the extension.

    .trig, .nq and .jsonld keep the named graphs; .ttl and .nt merge them into one graph.
    N-Quads and N-Triples are streamed; the other formats are grouped by pyoxigraph first.

    Returns:
        The number of quads (or, for merged formats, distinct triples) written.
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt = rdf_format(path)
    keep_graphs = path.suffix.lower() in _DATASET_EXTENSIONS
    count = 0

    def items() -> Iterator[Any]:
        nonlocal count
        seen: set[str] = set()
        for quad in quads:
            q = ox_quad(quad)
            if keep_graphs:
                count += 1
                yield q
            else:
                t = ox.Triple(q.subject, q.predicate, q.object)
                key = str(t)
                if key not in seen:
                    seen.add(key)
                    count += 1
                    yield t

    data: Iterable[Any] = items()
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD):
        data = sorted(data, key=_sort_key)  # grouped by graph and subject: compact, stable output
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None
    with _atomic(path) as fh:
        if prefixes:
            ox.serialize(data, fh, format=fmt, prefixes=prefixes)
        else:
            ox.serialize(data, fh, format=fmt)
    return count


def _sort_key(item: Any) -> tuple[str, str, str, str]:
    graph = str(getattr(item, "graph_name", ""))
    return graph, str(item.subject), str(item.predicate), str(item.object)
