"""Facts and their evidence, read per page: an entity's facts, a fact's sentences, documents.

A fact is a triple between entities (or an entity and a literal, ``hasTitle``), stated by one or
more documents; each statement of it is an ``rdf:Statement`` with its sentence, offsets,
confidence, modality, date, in the document's graph. The merged default graph has one
``kg:Fact`` node per fact with the number of documents stating it (``kg.store.merged``), so an
entity's facts are two index lookups, however many documents there are. A store written before
the fact nodes is read as the union of its graphs: the facts are then counted per query.

The evidence of a fact is found through the documents that state it (the quads of the fact's
triple: one per document graph) and, in each of those graphs, its statements: the cost grows
with the statements of the facts shown, not with the store.
"""

from __future__ import annotations

import urllib.parse
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kg.rdf.vocab import PROPERTIES, SYMMETRIC_PROPERTIES
from kg.store.merged import fact_iri
from kg.store.merged import fact_key as term_fact_key
from kg.views.explorer.common import (
    DC,
    DOCUMENT_NS,
    ENTITY_NS,
    FACT_NS,
    KG_NS,
    RDF,
    document_id,
    fact_id,
    has_fact_nodes,
    highlight,
    local,
    number,
    solutions,
    term,
    values,
)
from kg.views.explorer.index import LabelIndex

_SYMMETRIC = frozenset(KG_NS + name for name in SYMMETRIC_PROPERTIES)
_PROPERTY_LIST = ", ".join(f"kg:{name}" for name in PROPERTIES)
_SYMMETRIC_LIST = ", ".join(f"kg:{name}" for name in sorted(SYMMETRIC_PROPERTIES))


@dataclass(frozen=True)
class Fact:
    """A fact as the merged graph keys it (a symmetric one with its entities in IRI order)."""

    subject: str
    predicate: str
    obj: Any  # a pyoxigraph NamedNode (an entity) or Literal (hasTitle's value)
    documents: int
    node: str | None = None  # the fact node's IRI, when the store has them

    @property
    def key(self) -> tuple[str, str, str]:
        return self.subject, self.predicate, self.obj.value

    @property
    def object_iri(self) -> str | None:
        value = self.obj.value
        return value if type(self.obj).__name__ == "NamedNode" else None

    def directions(self) -> list[tuple[Any, ...]]:
        """The triples that state it: one, or both directions of a symmetric fact."""
        import pyoxigraph as ox

        s, p = ox.NamedNode(self.subject), ox.NamedNode(self.predicate)
        found = [(s, p, self.obj)]
        if self.predicate in _SYMMETRIC and self.object_iri and self.object_iri != self.subject:
            found.append((self.obj, p, s))
        return found


def fact_key(s: str, p: str, o: str) -> tuple[str, str, str]:
    """A statement's fact (``kg.store.merged.fact_key`` on plain values)."""
    if p in _SYMMETRIC and o.startswith(ENTITY_NS) and o < s:
        return o, p, s
    return s, p, o


# ---------------------------------------------------------------- facts


_FACT_FIELDS = (
    "?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:documentCount ?n"
)


def entity_facts(source: Any, iri: str) -> list[Fact]:
    """Every fact with ``iri`` as its subject or object, with its document count."""
    node = term(iri)
    if has_fact_nodes(source):
        # the entity bound in each branch: joined after a UNION, the fields took ~7 times as
        # long (Oxigraph read every fact node); statements have no kg:documentCount
        text = (
            f"SELECT ?f ?s ?p ?o ?n WHERE {{ {{ ?f rdf:subject {node} ; rdf:predicate ?p ; "
            f"rdf:object ?o ; kg:documentCount ?n BIND ({node} AS ?s) }} UNION "
            f"{{ ?f rdf:object {node} ; rdf:subject ?s ; rdf:predicate ?p ; "
            f"kg:documentCount ?n BIND ({node} AS ?o) }} }}"
        )
        return [_fact(sol) for sol in solutions(source, text)]
    # a store without fact nodes: count the documents of each triple in the named graphs
    text = (
        "SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?n) WHERE { "
        f"{{ GRAPH ?g {{ {node} ?p ?o0 }} BIND ({node} AS ?s0) }} UNION "
        f"{{ GRAPH ?g {{ ?s0 ?p {node} }} BIND ({node} AS ?o0) }} "
        f'FILTER (STRSTARTS(STR(?g), "{DOCUMENT_NS}") && ?p IN ({_PROPERTY_LIST})) '
        f"BIND (?p IN ({_SYMMETRIC_LIST}) && isIRI(?o0) && STR(?o0) < STR(?s0) AS ?swap) "
        "BIND (IF(?swap, ?o0, ?s0) AS ?s) BIND (IF(?swap, ?s0, ?o0) AS ?o) "
        "} GROUP BY ?s ?p ?o"
    )
    found = solutions(source, text)
    return [Fact(sol[0].value, sol[1].value, sol[2], int(sol[3].value)) for sol in found]


def fact_counts(source: Any, iri: str) -> dict[str, int]:
    """How many facts ``iri`` has per property (local name), counted by the store.

    From the merged graph's triples, not its fact nodes: a count over the entity's triples of
    one property is an index range the store counts without reading a row (under 5 ms for an
    entity with 5,000 facts of a property, where visiting its fact nodes took seconds).
    """
    if not has_fact_nodes(source):
        counts: dict[str, int] = defaultdict(int)
        for fact in entity_facts(source, iri):
            counts[local(fact.predicate)] += 1
        return dict(counts)
    node = term(iri)
    parts = []
    for prop in PROPERTIES:  # one query: a count each, side by side
        if prop in SYMMETRIC_PROPERTIES:  # one fact in either direction, or in both
            parts.append(
                f'{{ SELECT ("{prop}" AS ?p) (COUNT(DISTINCT ?x) AS ?c) WHERE {{ '
                f"{{ {node} kg:{prop} ?x }} UNION {{ ?x kg:{prop} {node} }} }} }}"
            )
        else:  # a fact each way (a fact from the entity to itself once)
            parts.append(
                f'{{ SELECT ("{prop}" AS ?p) (COUNT(*) AS ?c) WHERE {{ {{ {node} kg:{prop} ?x }} '
                f"UNION {{ ?x kg:{prop} {node} FILTER (?x != {node}) }} }} }}"
            )
    text = f"SELECT ?p ?c WHERE {{ {' UNION '.join(parts)} }}"
    found = {sol[0].value: int(sol[1].value) for sol in solutions(source, text)}
    return {prop: found[prop] for prop in PROPERTIES if found.get(prop)}


def property_facts(
    source: Any,
    index: LabelIndex,
    iri: str,
    prop: str,
    limit: int,
    offset: int = 0,
    kept: list[tuple[Any, bool]] | None = None,
) -> list[Fact]:
    """A page of ``iri``'s facts of one property (local name), in ``partner_order``.

    The facts' other ends come from the merged graph's triples (``partner_ends``; or ``kept``:
    the same list, read once by the worker's summaries for an entity in many documents), the
    corroboration of the page's facts only from their fact nodes (found by their IRI, a hash of
    the triple), so a page does not visit every fact node of a hub.
    """
    if not has_fact_nodes(source):
        mine = [f for f in entity_facts(source, iri) if f.predicate == KG_NS + prop]
        mine.sort(key=lambda f: partner_order(index, iri, f))
        return mine[offset : offset + limit]
    import pyoxigraph as ox

    predicate, me = ox.NamedNode(KG_NS + prop), ox.NamedNode(iri)
    ends = kept if kept is not None else partner_ends(source, index, iri, prop)
    shown = ends[offset : offset + limit]
    return counted(source, [(me, predicate, o) if out else (o, predicate, me) for o, out in shown])


def partner_ends(source: Any, index: LabelIndex, iri: str, prop: str) -> list[tuple[Any, bool]]:
    """The other ends of ``iri``'s facts of one property (a store with fact nodes), each with
    whether the fact is from ``iri``, in ``partner_order``: one index range, ~7 µs a fact
    (~40 ms for 5,600 facts on a 10,000-document store), the order from the label index."""
    import pyoxigraph as ox

    node, predicate = term(iri), ox.NamedNode(KG_NS + prop)
    if prop in SYMMETRIC_PROPERTIES:  # one fact however many directions are stated
        text = (
            f"SELECT DISTINCT ?x WHERE {{ {{ {node} {predicate} ?x }} UNION "
            f"{{ ?x {predicate} {node} }} }}"
        )
        ends = [(sol[0], True) for sol in solutions(source, text)]
    else:
        text = f"SELECT ?x WHERE {{ {node} {predicate} ?x }}"
        ends = [(sol[0], True) for sol in solutions(source, text)]
        text = f"SELECT ?x WHERE {{ ?x {predicate} {node} FILTER (?x != {node}) }}"
        ends += [(sol[0], False) for sol in solutions(source, text)]
    ends.sort(key=lambda end: _order(index, end[0], not end[1]))  # terms made for a page only
    return ends


def counted(source: Any, triples: list[tuple[Any, Any, Any]]) -> list[Fact]:
    """The facts of ``triples`` (pyoxigraph terms; one per fact), with their fact node and
    document count: the node's IRI is a hash of the fact (``kg.store.merged.fact_iri``), so
    the counts are one lookup a fact."""
    facts = []
    for triple in triples:
        s, p, o = term_fact_key(*triple)
        facts.append(Fact(s.value, p.value, o, 0, fact_iri(s, p, o)[1:-1]))
    counts: dict[str, int] = {}
    for start in range(0, len(facts), 200):
        chunk = [(f.node,) for f in facts[start : start + 200]]
        text = f"SELECT ?f ?n WHERE {{ {values(['f'], chunk)} ?f kg:documentCount ?n }}"
        counts.update((sol[0].value, int(sol[1].value)) for sol in solutions(source, text))
    return [Fact(f.subject, f.predicate, f.obj, counts.get(str(f.node), 0), f.node) for f in facts]


def partner_order(index: LabelIndex, iri: str, fact: Fact) -> tuple[Any, ...]:
    """The order of an entity's facts of a property (``_order``) for a ``Fact``."""
    if fact.subject == iri:
        return _order(index, fact.obj, False)
    return _order(index, term_node(fact.subject), True)


def _order(index: LabelIndex, other: Any, incoming: bool) -> tuple[Any, ...]:
    """The other end named in the most documents first (the label index knows it without a
    query), then by its label; the fact from the entity before the one to it."""
    value = other.value
    if type(other).__name__ != "NamedNode":  # hasTitle's literal
        return 0, value.casefold(), incoming, value
    return -index.documents.get(value, 0), index.name(value).casefold(), incoming, value


def term_node(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def facts_among(source: Any, entities: list[str]) -> list[Fact]:
    """Every fact between two of ``entities`` (a network's edges)."""
    if not entities:
        return []
    if not has_fact_nodes(source):
        wanted = set(entities)
        found: dict[tuple[str, str, str], Fact] = {}
        for entity in entities:
            for fact in entity_facts(source, entity):
                if fact.subject in wanted and fact.object_iri in wanted:
                    found[fact.key] = fact
        return list(found.values())
    text = (
        f"SELECT ?f ?s ?p ?o ?n WHERE {{ {values(['s'], [(e,) for e in entities])} "
        f"{_FACT_FIELDS} . {values(['o'], [(e,) for e in entities])} }}"
    )
    return [_fact(sol) for sol in solutions(source, text)]


def fact_node(source: Any, hash_id: str) -> Fact | None:
    """The fact whose node is ``fact:HASH`` (None: no such node)."""
    if not has_fact_nodes(source):
        return None
    node = term(FACT_NS + hash_id)
    text = (
        f"SELECT ?s ?p ?o ?n WHERE {{ {node} a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; "
        "rdf:object ?o ; kg:documentCount ?n }"
    )
    for sol in solutions(source, text):
        return Fact(sol[0].value, sol[1].value, sol[2], int(sol[3].value), FACT_NS + hash_id)
    return None


def _fact(sol: Any) -> Fact:
    return Fact(sol[1].value, sol[2].value, sol[3], int(sol[4].value), sol[0].value)


# ---------------------------------------------------------------- statements


Key = tuple[str, str, str]


def statements(
    source: Any, facts: list[Fact], documents: int | None = None
) -> dict[Key, list[tuple[float, str]]]:
    """Each fact's statements as (confidence, statement IRI), most confident first.

    Found in the graphs of the documents that state the fact: on the embedded store straight
    from its indexes (a few lookups per document; the query below took ~15 ms a fact on a
    300-document store, as Oxigraph does not start from the bound graph), elsewhere by query.
    With ``documents``, the embedded store reads only the first that many documents of each
    direction of a fact (in the store's order): a hub's fact stated by a thousand documents
    took ~0.7 s to read whole.
    """
    out: dict[Key, list[tuple[float, str]]] = defaultdict(list)
    rows = [triple for fact in facts for triple in fact.directions()]
    db = getattr(source, "_db", None)
    if hasattr(db, "quads_for_pattern"):
        found = _indexed(db, rows, documents)
    else:
        found = _queried(source, rows)
    for s, p, o, st, conf in found:
        out[fact_key(s, p, o)].append((conf, st))
    for listed in out.values():
        listed.sort(key=lambda x: (-x[0], x[1]))
    return out


_SUBJECT = RDF + "subject"
_PREDICATE = RDF + "predicate"
_OBJECT = RDF + "object"
_CONFIDENCE = KG_NS + "confidence"


def _indexed(db: Any, rows: list[tuple[Any, ...]], documents: int | None = None) -> Any:
    """(s, p, o, statement, confidence) from a pyoxigraph store's indexes (of the first
    ``documents`` graphs holding each triple, or of all)."""
    import pyoxigraph as ox

    subject, predicate, obj = (
        ox.NamedNode(_SUBJECT),
        ox.NamedNode(_PREDICATE),
        ox.NamedNode(_OBJECT),
    )
    confidence = ox.NamedNode(_CONFIDENCE)
    for s, p, o in rows:
        read = 0
        for quad in db.quads_for_pattern(s, p, o):
            graph = quad.graph_name
            if type(graph) is not ox.NamedNode:
                continue  # the merged default graph
            if documents is not None and read >= documents:
                break
            read += 1
            for candidate in db.quads_for_pattern(None, obj, o, graph):
                st = candidate.subject
                if any(True for _ in db.quads_for_pattern(st, subject, s, graph)) and any(
                    True for _ in db.quads_for_pattern(st, predicate, p, graph)
                ):
                    conf = next(iter(db.quads_for_pattern(st, confidence, None, graph)), None)
                    value = number(conf.object.value) if conf is not None else 0.0
                    yield s.value, p.value, o.value, st.value, value


def _queried(source: Any, rows: list[tuple[Any, ...]]) -> Any:
    """(s, p, o, statement, confidence) by SPARQL (a store on a server)."""
    for start in range(0, len(rows), 200):  # bounded query texts
        text = (
            f"SELECT ?s ?p ?o ?st ?c WHERE {{ {values(['s', 'p', 'o'], rows[start : start + 200])} "
            "GRAPH ?g { ?s ?p ?o . ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . "
            "OPTIONAL { ?st kg:confidence ?c } } }"
        )
        for sol in solutions(source, text):
            conf = number(sol[4].value) if sol[4] is not None else 0.0
            yield sol[0].value, sol[1].value, sol[2].value, sol[3].value, conf


_EVIDENCE_PROPS = {
    KG_NS + "sentence": "sentence",
    KG_NS + "startOffset": "start",
    KG_NS + "endOffset": "end",
    KG_NS + "confidence": "confidence",
    KG_NS + "modality": "modality",
    KG_NS + "attributedTo": "attributedTo",
    KG_NS + "eventDate": "eventDate",
    KG_NS + "extractor": "extractor",
    RDF + "subject": "s",
    RDF + "predicate": "p",
    RDF + "object": "o",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "document",
}


def describe(source: Any, iris: list[str]) -> dict[str, dict[str, Any]]:
    """Each statement's evidence: sentence, offsets, confidence, modality, attribution, event
    date, extractor, its document and triple."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(iris), 200):
        chunk = iris[start : start + 200]
        # a FILTER, not a second VALUES: Oxigraph joins two VALUES blocks as a cross product
        # (1.5 s for 150 statements on a 300-document store, 25 ms this way)
        props = ", ".join(term(p) for p in _EVIDENCE_PROPS)
        text = (
            f"SELECT ?st ?p ?v WHERE {{ {values(['st'], [(i,) for i in chunk])} "
            f"?st ?p ?v FILTER (?p IN ({props})) }}"
        )
        for sol in solutions(source, text):
            out.setdefault(sol[0].value, {})[_EVIDENCE_PROPS[sol[1].value]] = sol[2].value
    return {iri: evidence(iri, raw) for iri, raw in out.items() if "sentence" in raw}


def evidence(iri: str, raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "statement": iri,
        "document": raw.get("document", ""),
        "sentence": raw.get("sentence") or "",
        "start": int(number(raw.get("start"))),
        "end": int(number(raw.get("end"))),
        "confidence": round(number(raw.get("confidence")), 3),
        "modality": raw.get("modality") or "asserted",
        "attributedTo": raw.get("attributedTo"),
        "eventDate": raw.get("eventDate"),
        "extractor": raw.get("extractor"),
        "triple": (raw.get("s"), raw.get("p"), raw.get("o")),
    }


_DOC_PROPS = {
    DC + "title": "title",
    DC + "date": "date",
    DC + "source": "source",
    DC + "creator": "authors",
    "https://schema.org/url": "url",
    KG_NS + "contentHash": "hash",
}


def documents_info(source: Any, iris: list[str]) -> dict[str, dict[str, Any]]:
    """Title, date, source, URL and authors of each document in ``iris`` (that exists)."""
    found: dict[str, dict[str, Any]] = {}
    wanted = [i for i in iris if i.startswith(DOCUMENT_NS)]
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        props = ", ".join(term(p) for p in (*_DOC_PROPS, RDF + "type"))
        text = (  # a FILTER, not a second VALUES (see ``describe``)
            f"SELECT ?d ?p ?v WHERE {{ {values(['d'], [(i,) for i in chunk])} "
            f"?d ?p ?v FILTER (?p IN ({props})) }}"
        )
        for sol in solutions(source, text):
            doc, prop, value = sol[0].value, sol[1].value, sol[2].value
            info = found.setdefault(doc, {"authors": []})
            if prop == RDF + "type":
                info["document"] = info.get("document") or value == KG_NS + "Document"
            elif prop == DC + "creator":
                info["authors"].append(value)
            else:
                info.setdefault(_DOC_PROPS[prop], value)
    out = {}
    for iri, info in found.items():
        if not info.get("document"):
            continue
        url = info.get("url")
        out[iri] = {
            "iri": iri,
            "id": document_id(iri),
            "title": info.get("title"),
            "date": info.get("date"),
            "source": info.get("source"),
            "url": url,
            "outlet": urllib.parse.urlsplit(url).hostname if url else None,
            "authors": sorted(info["authors"]),
            "hash": info.get("hash"),
        }
    return out


# ---------------------------------------------------------------- pages


def fact_link(index: LabelIndex, fact: Fact) -> dict[str, Any]:
    """A fact for a template: its two ends as entity links, its property and its page."""
    obj: dict[str, Any]
    if fact.object_iri:
        obj = index.entity(fact.object_iri)
    else:
        obj = {"iri": None, "slug": None, "label": fact.obj.value, "classes": [], "documents": 0}
    return {
        "subject": index.entity(fact.subject),
        "property": local(fact.predicate),
        "object": obj,
        "documents": fact.documents,
        "id": fact_id(fact.node) if fact.node else None,
    }


def labels_of(index: LabelIndex, iri: str) -> list[str]:
    """Every label and alias of an entity: the names to mark in its sentences."""
    pref, alt = index.label_sets.get(iri, (set(), set()))
    return sorted(pref | alt)


def with_evidence(
    source: Any,
    index: LabelIndex,
    facts: list[Fact],
    shown: int,
    marks: list[str],
    documents: int | None = None,
) -> list[dict[str, Any]]:
    """The facts as template data, each with its ``shown`` most confident sentences (of its
    first ``documents`` documents: then ``statements`` is None for a fact stated by more)."""
    found = statements(source, facts, documents)
    top = {fact.key: found.get(fact.key, [])[:shown] for fact in facts}
    described = describe(source, [st for picked in top.values() for _, st in picked])
    docs = documents_info(source, sorted({e["document"] for e in described.values()}))
    out = []
    for fact in facts:
        item = fact_link(index, fact)
        every = found.get(fact.key, [])
        whole = documents is None or fact.documents <= documents
        item["statements"] = len(every) if whole else None  # None: not all were read
        item["confidence"] = round(every[0][0], 3) if every else 0.0
        names = [*marks, *labels_of(index, fact.subject)]
        if fact.object_iri:
            names += labels_of(index, fact.object_iri)
        item["evidence"] = []
        for _, st in top[fact.key]:
            ev = described.get(st)
            if ev is None:
                continue
            ev["doc"] = docs.get(ev["document"], {"id": document_id(ev["document"])})
            ev["segments"] = highlight(ev["sentence"], names)
            del ev["triple"]
            item["evidence"].append(ev)
        out.append(item)
    return out
