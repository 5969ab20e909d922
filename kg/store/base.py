"""What every store offers, whatever holds the data: ``Store``, the backend protocol.

A backend supplies a few primitives (run a query text, run an update text, the quads of a graph,
the graphs holding a pattern, every quad); ``Store`` builds the public API on them once: queries
screened and parameters bound, results as rdflib terms, documents replaced in one transaction
(a single SPARQL update ``DROP GRAPH …; INSERT DATA …``, which Oxigraph, embedded or served,
applies atomically, so a crash or a failed request never leaves half a document). Queries see the
merged graph as their default graph (each triple of the document graphs once, with fact nodes
carrying corroboration counts: ``kg.store.merged``), kept in step by the same update; the
inferred graph only when ``include_inferred`` is set.

Backends: ``kg.store.oxigraph.OxigraphStore`` (a folder, or in memory for an RDF file) and
``kg.store.remote.RemoteStore`` (a SPARQL 1.1 server); ``kg.store.open_store`` picks one from the
location.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg import errors
from kg.rdf import safety
from kg.rdf.quads import bind_prefixes
from kg.rdf.safety import MAX_OPERATOR_CHAIN as _MAX_OPERATOR_CHAIN
from kg.rdf.safety import MAX_PATH_STEPS as _MAX_PATH_STEPS
from kg.rdf.safety import MAX_QUERY_CHARS as _MAX_QUERY_CHARS
from kg.rdf.safety import MAX_QUERY_NESTING as _MAX_QUERY_NESTING
from kg.rdf.safety import MAX_TRIPLE_PATTERNS as _MAX_TRIPLE_PATTERNS
from kg.rdf.sparql import INFERRED_GRAPH, bind
from kg.rdf.terms import Quad, from_ox, ox_quad, to_ox
from kg.rdf.vocab import KG
from kg.store.merged import (
    FACT_COUNTS,
    copy_text,
    document_change,
    fact_node_lines,
    is_document_graph,
    update_text,
)

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.store.merged import Change

Row = dict[str, "Node | None"]


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
    g = Graph()
    bind_prefixes(g)  # type: ignore[arg-type]
    for t in triples:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g


# ---------------------------------------------------------------- the protocol


class Store(ABC):
    """A kg graph behind SPARQL. Backends implement the primitives marked abstract."""

    location: str = ""
    writable: bool = False
    include_inferred: bool = False  # let queries see the inferred graph too
    #: What queries see as their default graph (``kg.store.merged``):
    #: "merged"  the store's default graph, kept by ``replace_document`` and ``remove_document``
    #:           as the merged document graphs;
    #: "union"   the union of the named graphs (a store or file written before the merged graph);
    #: "own"     the store's default graph as it is (an RDF file of plain triples).
    default_graph: str = "merged"

    def __init__(self, location: str, writable: bool, default_graph: str = "merged") -> None:
        self.location = location
        self.writable = writable
        self.default_graph = default_graph
        self._inferred: bool | None = None  # see _has_inferred

    # -- primitives

    @abstractmethod
    def _raw_query(self, text: str) -> Any:
        """Run a query (already screened and bound) on the dataset the store shows: pyoxigraph's
        QuerySolutions, QueryBoolean or an iterable of Triples."""

    @abstractmethod
    def _has_inferred(self) -> bool:
        """Whether the store holds the inferred graph (``kg reason``)."""

    @abstractmethod
    def _update(self, text: str) -> None:
        """Run a SPARQL update of kg's own making as one transaction."""

    @abstractmethod
    def _graph_quads(self, graph: Any) -> set[Any]:
        """The pyoxigraph quads of one named graph."""

    @abstractmethod
    def _match_graphs(self, s: Any, p: Any, o: Any, g: Any = None) -> set[str]:
        """The names of the graphs holding ``s p o`` (any of them ``None``: a wildcard)."""

    @abstractmethod
    def _all_quads(self) -> Iterator[Any]:
        """Every pyoxigraph quad of the store, less the merged graph (derived from the others)."""

    @abstractmethod
    def _others(self, graph: Any, triples: list[Any]) -> list[set[str]]:
        """For each triple, the document graphs other than ``graph`` that hold it."""

    @abstractmethod
    def _copy_documents_to_default(self) -> None:
        """Put every document graph's triples into the default graph (``rebuild_merged``)."""

    def _ensure_merged(self) -> None:
        """Make sure the merged graph exists before a document is written."""
        return None

    def _insert_new(self, quads: list[Any]) -> bool:
        """Add the quads of a document not in the store yet, atomically; False: not supported
        (``replace_document`` then sends the one update)."""
        return False

    def _committed(self, action: str, doc_iri: Any, quads: list[Any]) -> None:
        """Called after each committed change (``add``, ``replace``, ``unchanged``, ``remove``)."""
        return None

    def flush(self) -> None:
        """Make the writes so far durable (nothing to do where each request commits)."""
        return None

    def reopen(self) -> bool:
        """Drop caches by reopening the database, when the backend has any; False: nothing done."""
        return False

    @abstractmethod
    def close(self) -> None:
        """Release the store (and, for a writer, its lock)."""

    # -- queries

    def raw(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run ``sparql`` with ``bindings``; return pyoxigraph's result object (fastest path)."""
        text = sparql
        if bindings:
            try:
                text = bind(sparql, bindings)
            except ValueError as err:
                raise errors.bad_query(self.location, str(err)) from err
        _screen(text)  # the text that runs, bound values included
        try:
            return self._raw_query(text)
        except errors.QueryError:
            # a query parser never runs an update or LOAD; say why it was refused, precisely
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

        Not the merged graph: it is derived from the document graphs (``kg.store.merged``).
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
        g = URIRef(str(doc_iri))
        return bool(self._match_graphs(g, KG.contentHash, Literal(sha256), g))

    def replaced_by(self, doc_iri: Any, source: str, sha256: str) -> set[str]:
        """The other stored documents that a new version of ``doc_iri`` replaces.

        Those with the same text (``sha256``) under another id: the same article, stored by an
        earlier kg (ids without a hash) or from a file since moved or renamed. And, when
        ``source`` is a local file (its resolved path), those built from that file: earlier
        versions of it. Never a document of another source with another text.

        The caller writes the new version first, then removes these (``kg.run.build``): a crash
        in between leaves both, never neither, and the next build removes the old ones.
        """
        found = self._match_graphs(None, KG.contentHash, Literal(sha256), None)
        if os.path.isabs(source) and os.path.isfile(source):  # not "archive.jsonl:3", "feed#2"
            found |= self._match_graphs(None, DCTERMS.source, Literal(source), None)
        return found - {str(doc_iri), INFERRED_GRAPH}

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
            self._committed("unchanged", doc_iri, new)
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
                # the merged graph is a set: triples it holds already stay once; the store
                # copies them from the new graph (sending or parsing them twice costs more)
                operations += [copy_text(g) if new else "", update_text(merged)]
            self._update(" ;\n".join(op for op in operations if op))
        if str(doc_iri) == INFERRED_GRAPH:
            self._inferred = None
        self._committed("replace" if existed else "add", doc_iri, new)
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
            merged = self._merged_change(g, old, [])
            text = merged and update_text(merged)
            self._update(f"DROP SILENT GRAPH {g}" + (f" ;\n{text}" if text else ""))
            if str(doc_iri) == INFERRED_GRAPH:
                self._inferred = None
            self._committed("remove", doc_iri, [])
        return bool(old)

    # -- the merged graph (kg.store.merged)

    def _merged_change(self, graph: Any, old: Iterable[Any], new: Iterable[Any]) -> Change | None:
        """What writing a document graph does to the merged graph (None: not kept here)."""
        if not is_document_graph(graph):
            return None
        self._ensure_merged()
        if self.default_graph != "merged":
            return None
        return document_change(graph, old, new, lambda triples: self._others(graph, triples))

    def rebuild_merged(self) -> None:
        """Recompute the merged graph from the document graphs.

        For a store written before the merged graph existed (the embedded store does it when
        opened for writing, a server before its first write) and for an RDF file read in memory.
        """
        self._need_writable()
        self._update("CLEAR SILENT DEFAULT")
        self._copy_documents_to_default()
        lines = list(fact_node_lines(self._raw_query(FACT_COUNTS)))
        for start in range(0, len(lines), 50_000):
            self._update("INSERT DATA {\n" + "\n".join(lines[start : start + 50_000]) + "\n}")
        self.default_graph = "merged"

    def corroboration(self, s: Any, p: Any, o: Any) -> int:
        """Return how many distinct documents assert the triple ``s p o``."""
        return len(self._match_graphs(s, p, o) - {INFERRED_GRAPH})

    # -- lifecycle

    def _need_writable(self) -> None:
        if not self.writable:
            raise errors.StoreError(
                f"store {self.location} is open read-only. Open it with kg.open_store to write."
            )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
        safety.check_sparql(sparql, source="the query")
    # a long flat chain of operators or path steps crashes pyoxigraph (issue 15, item 4); the
    # operator characters, counted at C speed, bound the longest chain (IRIs and names hold some)
    elif (
        sum(map(sparql.count, _OPERATOR_CHARS)) + (slashes := sparql.count("/"))
        > (_MAX_OPERATOR_CHAIN)
        or slashes > _MAX_PATH_STEPS
    ):
        safety.check_operators(sparql, "the query")


_OPERATOR_CHARS = "!|&=<>+-*^?"


def _deeper_than_allowed(sparql: str) -> bool:
    return safety.bracket_depth(sparql) > _MAX_QUERY_NESTING


def _iri(value: Any) -> Any:
    return value if isinstance(value, URIRef) else URIRef(str(value))
