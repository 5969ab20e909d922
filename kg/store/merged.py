"""The merged graph: every triple of the document graphs once, in the store's default graph.

Except each document's ``kg:text`` (the article as ingested): it stays in the document's graph,
where the explorer's document page reads it (``GRAPH <doc/ID> { <doc/ID> kg:text ?t }``), so
that the graph queries range over holds the knowledge, not kilobytes of text per document
coming back from every ``?s ?p ?o``.

Each document is a named graph (its provenance). Queries run on the store's default graph, which
holds the set union of the document graphs, so a fact that three documents state comes back once
(no ``DISTINCT`` needed), and every fact (a triple whose predicate is one of the ontology's
relation properties) also has a node with its corroboration count::

    fact:HASH a kg:Fact ; rdf:subject S ; rdf:predicate P ; rdf:object O ;
              kg:documentCount N .      # N document graphs assert S P O

A fact of a symmetric property (trainsWith, cooperatesWith, meetsWith) is one fact in either
direction: its node names the two entities in IRI order and counts the documents that state
either direction.

The store keeps it in step: the one SPARQL update that adds, replaces or removes a document's
graph also inserts the document's triples into the default graph and applies ``document_change``
(triples no other document holds any more, fact counts), so both change in one transaction.
``GRAPH ?g { … }`` still ranges over the named graphs only: the documents, for provenance.

Terms are pyoxigraph terms; changes are N-Triples lines, which is what the update is made of
(building a pyoxigraph ``Quad`` costs ~13 µs, formatting a line ~3 µs).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.rdf.vocab import DOCUMENT, FACT, KG, PROPERTIES, STATEMENT, SYMMETRIC_PROPERTIES

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = f"<{_RDF}type>"
_SUBJECT = f"<{_RDF}subject>"
_PREDICATE = f"<{_RDF}predicate>"
_OBJECT = f"<{_RDF}object>"
_FACT_CLASS = f"<{KG.Fact}>"
_COUNT = f"<{KG.documentCount}>"
_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"
FACT_PROPERTIES = frozenset(str(KG[name]) for name in PROPERTIES)
SYMMETRIC = frozenset(str(KG[name]) for name in SYMMETRIC_PROPERTIES)
#: A document's text: in its graph only, never in the merged graph.
TEXT = str(KG.text)
DOCUMENT_NS = str(DOCUMENT)
_STATEMENT_NS = str(STATEMENT)

#: For triples: the document graphs other than the one being written that hold each of them
#: (the embedded store answers from its indexes, a server in one request per hundred).
Holding = Callable[[list[Any]], list[set[str]]]


def is_document_graph(graph: Any) -> bool:
    """Whether ``graph`` (a pyoxigraph term) names a document's graph."""
    value = getattr(graph, "value", None)
    return isinstance(value, str) and value.startswith(DOCUMENT_NS)


def is_fact(triple: Any) -> bool:
    """Whether ``triple`` is a fact (an ontology relation): the triples that get a count."""
    return triple.predicate.value in FACT_PROPERTIES


def fact_key(subject: Any, predicate: Any, obj: Any) -> tuple[Any, Any, Any]:
    """The fact a triple states: itself, or for a symmetric property its two entities in IRI
    order (``B trainsWith A`` and ``A trainsWith B`` are one fact)."""
    if (
        predicate.value in SYMMETRIC
        and type(obj).__name__ == "NamedNode"
        and obj.value < subject.value
    ):
        return obj, predicate, subject
    return subject, predicate, obj


def _directions(key: tuple[Any, Any, Any]) -> list[Any]:
    """The triples that state a fact: one, or both directions of a symmetric one."""
    import pyoxigraph as ox

    s, p, o = key
    found = [ox.Triple(s, p, o)]
    if p.value in SYMMETRIC and type(o).__name__ == "NamedNode" and o != s:
        found.append(ox.Triple(o, p, s))
    return found


def fact_iri(subject: Any, predicate: Any, obj: Any) -> str:
    """The fact node's IRI (``<…>``): a hash of the triple's N-Triples form, stable across runs."""
    key = f"{subject} {predicate} {obj}"
    return f"<{FACT}{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}>"


def fact_lines(subject: Any, predicate: Any, obj: Any, documents: int | None) -> list[str]:
    """The fact node as N-Triples lines; with its count unless ``documents`` is None."""
    node = fact_iri(subject, predicate, obj)
    lines = [
        f"{node} {_TYPE} {_FACT_CLASS} .",
        f"{node} {_SUBJECT} {subject} .",
        f"{node} {_PREDICATE} {predicate} .",
        f"{node} {_OBJECT} {obj} .",
    ]
    if documents is not None:
        lines.append(count_line(subject, predicate, obj, documents))
    return lines


def count_line(subject: Any, predicate: Any, obj: Any, documents: int) -> str:
    node = fact_iri(subject, predicate, obj)
    return f'{node} {_COUNT} "{documents}"^^{_INTEGER} .'


def _only_here(triple: Any, graph: Any) -> bool:
    """Triples about this document or its statements are in no other document's graph
    (statement IRIs hash the document id), so they need no lookup."""
    subject = triple.subject
    value = getattr(subject, "value", "")
    return subject == graph or value.startswith(_STATEMENT_NS)


@dataclass
class Change:
    """What a document write does to the merged graph besides inserting the document's
    triples: N-Triples lines to delete and to insert (the default graph)."""

    deletes: list[str] = field(default_factory=list)
    inserts: list[str] = field(default_factory=list)


def document_change(graph: Any, old: Iterable[Any], new: Iterable[Any], holding: Holding) -> Change:
    """The change to the merged graph when ``graph``'s quads go from ``old`` to ``new``.

    A triple leaves the merged graph when no other document graph holds it; a fact's count is
    the number of document graphs that state it (either direction, if symmetric) once the write
    is done.
    """
    old_triples = {q.triple for q in old}
    if old_triples:
        new_triples = {q.triple for q in new}
        gone = {t for t in old_triples - new_triples if t.predicate.value != TEXT}
        changed: Iterable[Any] = gone | (new_triples - old_triples)
    else:  # a new document (the common case): only its facts matter
        new_triples = {q.triple for q in new if q.predicate.value in FACT_PROPERTIES}
        gone = set()
        changed = new_triples
    facts = {fact_key(t.subject, t.predicate, t.object) for t in changed if is_fact(t)}
    stating = {key: _directions(key) for key in facts}
    ask = {t for t in gone if not _only_here(t, graph)}
    for triples in stating.values():
        ask.update(triples)
    asked = sorted(ask, key=str)
    others = dict(zip(asked, holding(asked), strict=True)) if asked else {}
    change = Change()
    change.deletes = [f"{t} ." for t in gone if not others.get(t)]
    for key in sorted(facts, key=str):
        triples = stating[key]
        graphs = len(set().union(*(others[t] for t in triples)))
        before = graphs + any(t in old_triples for t in triples)
        after = graphs + any(t in new_triples for t in triples)
        if before == after:
            continue  # e.g. the document now states the other direction of a symmetric fact
        s, p, o = key
        if before:
            change.deletes.append(count_line(s, p, o, before))
        if after:
            change.inserts += fact_lines(s, p, o, after)
        else:
            change.deletes += fact_lines(s, p, o, None)
    return change


def copy_text(graph: Any) -> str:
    """The update operation that puts a graph's triples (its text left out) into the merged
    graph."""
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} FILTER (?p != <{TEXT}>) }}"


def update_text(change: Change) -> str:
    """The SPARQL update operations that apply ``change`` (empty when there is nothing to do)."""
    parts = []
    if change.deletes:
        parts.append("DELETE DATA {\n" + "\n".join(change.deletes) + "\n}")
    if change.inserts:
        parts.append("INSERT DATA {\n" + "\n".join(change.inserts) + "\n}")
    return " ;\n".join(parts)


def _iris(values: Iterable[str]) -> str:
    return ", ".join(f"<{v}>" for v in sorted(values))


#: Every fact of the document graphs (symmetric ones in IRI order, as ``fact_key``) with the
#: number of documents that state it.
FACT_COUNTS = (
    "SELECT (?fs AS ?s) ?p (?fo AS ?o) ?n WHERE { "
    "SELECT ?fs ?p ?fo (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER (STRSTARTS(STR(?g), "{DOCUMENT_NS}") && ?p IN ({_iris(FACT_PROPERTIES)})) '
    f"BIND (?p IN ({_iris(SYMMETRIC)}) && isIRI(?o) && STR(?o) < STR(?s) AS ?swap) "
    "BIND (IF(?swap, ?o, ?s) AS ?fs) BIND (IF(?swap, ?s, ?o) AS ?fo) "
    "} GROUP BY ?fs ?p ?fo }"
)


def fact_node_lines(rows: Iterable[Any]) -> Iterable[str]:
    """The fact nodes (with counts) for the rows of ``FACT_COUNTS``."""
    for row in rows:
        yield from fact_lines(row["s"], row["p"], row["o"], int(row["n"].value))
