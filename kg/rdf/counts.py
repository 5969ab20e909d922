"""What kg counts, defined once: documents, entities, facts, statements.

- **documents**: document graphs (``kg:Document``).
- **entities**: distinct entity IRIs (typed with one of the ontology's entity classes): an entity
  mentioned by three documents counts once.
- **facts**: distinct ``(subject, property, object)`` triples whose property is one of the
  ontology's relations (``hasTitle`` included): a fact three documents state counts once (its
  corroboration is the fact node's ``kg:documentCount``), and so does a symmetric one stated in
  both directions (``A trainsWith B``, ``B trainsWith A``).
- **statements**: pieces of evidence (``rdf:Statement``): one per place a document states a fact,
  so a fact stated by three documents has at least three.

The same definitions apply to one document's graph (what ``kg build`` prints per article), to
a file, and to a store (``kg build``'s totals, ``kg stats``, the ``documents`` saved query's
per-document ``statements``). ``QuadCounter`` counts a stream of quads as they are written,
``count_graph`` a store through SPARQL; the tests check they agree.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass
from typing import Any

from kg.rdf.vocab import DOCUMENT, ENTITY_CLASSES, KG, PROPERTIES, SYMMETRIC_PROPERTIES

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_STATEMENT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"
_DOCUMENT_CLASS = str(KG.Document)
_ENTITY_CLASSES = frozenset(str(KG[c]) for c in ENTITY_CLASSES)
_FACT_PROPERTIES = frozenset(str(KG[p]) for p in PROPERTIES)
_SYMMETRIC = frozenset(str(KG[p]) for p in SYMMETRIC_PROPERTIES)

#: what each count counts, for help texts and reports
MEANING = (
    "entities and facts counted once across documents; statements: the pieces of evidence, "
    "one per place a document states a fact"
)


@dataclass(frozen=True)
class GraphCounts:
    documents: int = 0
    entities: int = 0
    facts: int = 0
    statements: int = 0

    def text(self) -> str:
        return (
            f"{self.documents} documents, {self.entities} entities, {self.facts} facts, "
            f"{self.statements} statements"
        )


def _key(*terms: Any) -> int:
    """A 64-bit digest of terms: the distinct sets are kept as 8 bytes per item, so that
    counting a long build's output does not grow its memory by the strings themselves."""
    digest = hashlib.blake2b("\x1f".join(str(t) for t in terms).encode("utf-8"), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


class QuadCounter:
    """Counts quads (rdflib or pyoxigraph terms) as they stream past: ``add`` each one."""

    _COMPACT_AT = 4_000_000  # digests held before duplicates are squeezed out

    def __init__(self) -> None:
        self.documents = 0
        self._entities = array("Q")
        self._facts = array("Q")
        self._statements = array("Q")  # distinct too: a quad may come twice, a store keeps one

    def add(self, s: Any, p: Any, o: Any) -> None:
        p_iri = str(getattr(p, "value", p))
        if p_iri == _RDF_TYPE:
            o_iri = str(getattr(o, "value", o))
            if o_iri in _ENTITY_CLASSES:
                self._entities.append(_key(getattr(s, "value", s)))
                if len(self._entities) >= self._COMPACT_AT:
                    self._entities = _distinct(self._entities)
            elif o_iri == _STATEMENT:
                self._statements.append(_key(getattr(s, "value", s)))
                if len(self._statements) >= self._COMPACT_AT:
                    self._statements = _distinct(self._statements)
            elif o_iri == _DOCUMENT_CLASS:
                self.documents += 1
        elif p_iri in _FACT_PROPERTIES:
            s_text, o_text = str(getattr(s, "value", s)), str(getattr(o, "value", o))
            if p_iri in _SYMMETRIC and o_text < s_text and _is_iri(o):
                s_text, o_text = o_text, s_text  # one fact in either direction
            self._facts.append(_key(s_text, p_iri, o_text))
            if len(self._facts) >= self._COMPACT_AT:
                self._facts = _distinct(self._facts)

    def add_quads(self, quads: Any) -> QuadCounter:
        for q in quads:
            self.add(q[0], q[1], q[2])
        return self

    def merge(self, other: QuadCounter) -> QuadCounter:
        """Add what ``other`` counted, as if its quads had been added here (a build counts each
        document once and adds the document's counter to the whole output's)."""
        self.documents += other.documents
        for name in ("_entities", "_facts", "_statements"):
            mine: array[int] = getattr(self, name)
            mine.extend(getattr(other, name))
            if len(mine) >= self._COMPACT_AT:
                setattr(self, name, _distinct(mine))
        return self

    def result(self) -> GraphCounts:
        return GraphCounts(
            self.documents,
            len(_distinct(self._entities)),
            len(_distinct(self._facts)),
            len(_distinct(self._statements)),
        )


def _is_iri(term: Any) -> bool:
    return type(term).__name__ in ("URIRef", "NamedNode")


def _distinct(values: array[int]) -> array[int]:
    return array("Q", sorted(set(values)))


def _count(store: Any, pattern: str, what: str) -> int:
    """COUNT(DISTINCT ``what``) over ``pattern`` in the document graphs (or, for a file of
    plain triples, in its default graph)."""
    if getattr(store, "default_graph", "") == "own":
        where = pattern
    else:
        where = f'GRAPH ?g {{ {pattern} }} FILTER (STRSTARTS(STR(?g), "{DOCUMENT}"))'
    rows = store.select(f"SELECT (COUNT(DISTINCT {what}) AS ?n) WHERE {{ {where} }}")
    return int(rows[0]["n"].toPython()) if rows else 0


def count_graph(store: Any) -> GraphCounts:
    """The counts of a ``kg.store.Store`` (the inferred graph of ``kg reason`` left out)."""
    classes = " ".join(f"<{c}>" for c in sorted(_ENTITY_CLASSES))
    properties = " ".join(f"<{p}>" for p in sorted(_FACT_PROPERTIES))
    symmetric = ", ".join(f"<{p}>" for p in sorted(_SYMMETRIC))
    facts_where = f"?s ?p ?o . VALUES ?p {{ {properties} }}"
    if getattr(store, "default_graph", "") != "own":
        facts_where = f'GRAPH ?g {{ {facts_where} }} FILTER (STRSTARTS(STR(?g), "{DOCUMENT}"))'
    rows = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?fs ?p ?fo WHERE { "
        f"{facts_where} BIND (?p IN ({symmetric}) && isIRI(?o) && STR(?o) < STR(?s) AS ?swap) "
        "BIND (IF(?swap, ?o, ?s) AS ?fs) BIND (IF(?swap, ?s, ?o) AS ?fo) } }"
    )
    facts = int(rows[0]["n"].toPython()) if rows else 0
    return GraphCounts(
        documents=_count(store, f"?d a <{_DOCUMENT_CLASS}>", "?d"),
        entities=_count(store, f"?e a ?c . VALUES ?c {{ {classes} }}", "?e"),
        facts=facts,
        statements=_count(store, f"?st a <{_STATEMENT}>", "?st"),
    )
