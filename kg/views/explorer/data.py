"""What the explorer's pages show, read from the graph: plain dicts, ready for a template or JSON.

These functions run in ``kg serve``'s worker processes, next to the open store, and only read.
Every value from the graph is bound into queries as an RDF term (``VALUES``), never formatted in.
They work on the per-document graphs (``GRAPH ?g``), so a fact's corroboration is the number of
documents whose graph holds a statement of it.
"""

from __future__ import annotations

import time
import unicodedata
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.rdf.vocab import DOCUMENT, ENTITY, ENTITY_CLASSES, KG

KG_NS = str(KG._NS)
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ENTITY_NS = str(ENTITY)
DOCUMENT_NS = str(DOCUMENT)
PAGE_SIZE = 50  # facts on an entity page, results on a search page
EVIDENCE_SHOWN = 3  # sentences shown per fact on an entity page (the rest are counted)


class Indexing(Exception):
    """The index is still being built (first use after the store was opened), or stopped."""


# ---------------------------------------------------------------- IRIs and URLs


def entity_iri(slug: str) -> str:
    """The entity IRI of a URL path segment (decoded by the server; encoded again here)."""
    return ENTITY_NS + urllib.parse.quote(slug.encode("utf-8"), safe="-._~")


def document_iri(doc_id: str) -> str:
    return DOCUMENT_NS + urllib.parse.quote(doc_id.encode("utf-8"), safe="-._~")


def entity_slug(iri: str) -> str | None:
    return iri[len(ENTITY_NS) :] if iri.startswith(ENTITY_NS) else None


def document_id(iri: str) -> str | None:
    return iri[len(DOCUMENT_NS) :] if iri.startswith(DOCUMENT_NS) else None


def local(iri: str) -> str:
    """The local name of an ontology term (``trainsWith``), else the IRI."""
    return iri[len(KG_NS) :] if iri.startswith(KG_NS) else iri


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a label, for search."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# ---------------------------------------------------------------- query helpers


def _values(names: list[str], rows: list[tuple[str, ...]]) -> str:
    """A VALUES block of IRIs, each serialised by pyoxigraph (escaped, never formatted in)."""
    import pyoxigraph as ox

    body = " ".join("(" + " ".join(str(ox.NamedNode(v)) for v in row) + ")" for row in rows)
    return "VALUES (" + " ".join("?" + n for n in names) + ") { " + body + " }"


_STOPPING = __import__("threading").local()  # the index thread's stop flag (see Views.stop)


def _check_stop() -> None:
    stop = getattr(_STOPPING, "event", None)
    if stop is not None and stop.is_set():
        raise Indexing("stopped: the store is being closed")


def _select(source: Any, text: str) -> list[dict[str, Any]]:
    """Run a SELECT; rows as dicts of plain values (IRIs and literals as strings)."""
    result = source.raw(text)
    names = [v.value for v in result.variables]
    rows = []
    for i, solution in enumerate(result):
        if i % 4096 == 0:
            _check_stop()
        row: dict[str, Any] = {}
        for n in names:
            term = solution[n]
            row[n] = None if term is None else term.value
        rows.append(row)
    return rows


def _quads(source: Any, s: str | None, p: str | None, o: Any = None) -> Any:
    """Quads of the document graphs matching a pattern, straight from the store's indexes when
    it has them (the embedded store and files); None for a store reached over SPARQL."""
    import pyoxigraph as ox

    db = getattr(source, "_db", None)
    if db is None or not hasattr(db, "quads_for_pattern"):
        return None
    found = db.quads_for_pattern(
        ox.NamedNode(s) if s else None, ox.NamedNode(p) if p else None, o, None
    )
    # the document graphs only: not the merged default graph, not the inferred graph
    return (
        q
        for q in found
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(DOCUMENT_NS)
    )


def _describe(source: Any, subjects: list[str]) -> dict[str, dict[str, Any]]:
    """Each subject's properties, ``{subject: {property: value, "graph": g}}`` (one value per
    property), by index lookups; over SPARQL, one query with the subjects as constants."""
    import pyoxigraph as ox

    out: dict[str, dict[str, Any]] = {}
    if not subjects:
        return out
    if _quads(source, subjects[0], None) is not None:
        for subject in subjects:
            props: dict[str, Any] = {}
            for q in _quads(source, subject, None):
                props.setdefault(q.predicate.value, q.object.value)
                props.setdefault("graph", q.graph_name.value)
            if props:
                out[subject] = props
        return out
    blocks = " UNION ".join(
        f"{{ GRAPH ?g {{ {ox.NamedNode(x)} ?p ?v }} BIND ({ox.NamedNode(x)} AS ?x) }}"
        for x in subjects
    )
    for r in _select(source, f"SELECT ?x ?g ?p ?v WHERE {{ {blocks} }}"):
        props = out.setdefault(r["x"], {"graph": r["g"]})
        props.setdefault(r["p"], r["v"])
    return out


def _number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


# ---------------------------------------------------------------- labels and search


def _all_statements(source: Any) -> Any:
    """Yield (statement, graph, subject, property, object, confidence) of every statement.

    On a store with indexes: four scans by property (much faster than the SPARQL join); over
    SPARQL: one query.
    """
    subjects = _quads(source, None, _RDF + "subject")
    if subjects is None:
        for sol in source.raw(
            "SELECT ?st ?g ?s ?p ?o ?c WHERE { GRAPH ?g { ?st rdf:subject ?s ; "
            "rdf:predicate ?p ; rdf:object ?o . OPTIONAL { ?st kg:confidence ?c } } }"
        ):
            conf = _number(sol["c"].value) if sol["c"] is not None else 0.0
            yield (
                sol["st"].value,
                sol["g"].value,
                sol["s"].value,
                sol["p"].value,
                sol["o"].value,
                conf,
            )
        return
    found: dict[tuple[str, str], list[Any]] = {}
    for i, q in enumerate(subjects):
        if i % 4096 == 0:
            _check_stop()
        found[(q.subject.value, q.graph_name.value)] = [q.object.value, None, None, 0.0]
    for index, prop in ((1, _RDF + "predicate"), (2, _RDF + "object"), (3, KG_NS + "confidence")):
        for i, q in enumerate(_quads(source, None, prop)):
            if i % 4096 == 0:
                _check_stop()
            entry = found.get((q.subject.value, q.graph_name.value))
            if entry is not None:
                entry[index] = _number(q.object.value) if index == 3 else q.object.value
    for (st, g), (s, p, o, conf) in found.items():
        if p is not None and o is not None:
            yield st, g, s, p, o, conf


@dataclass
class LabelIndex:
    """Every entity's labels, folded for search, with its classes and document count.

    Built once per opening of the store (about a second for 10,000 documents) and kept by the
    worker until the store is reopened after a write.
    """

    # (folded label, label, entity IRI, whether it is a preferred label)
    labels: list[tuple[str, str, str, bool]] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # iri → preferred label

    label_sets: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)  # pref, alt
    merges: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # (subject, property, object) → [documents, statements, best confidence, best statements]
    facts: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    by_entity: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    _events: list[tuple[str, str]] | None = None
    _published: list[tuple[str, str]] | None = None

    @classmethod
    def build(cls, source: Any) -> LabelIndex:
        index = cls()
        for prop, is_pref in (("skos:prefLabel", True), ("skos:altLabel", False)):
            for r in _select(
                source, f"SELECT DISTINCT ?e ?l WHERE {{ GRAPH ?g {{ ?e {prop} ?l }} }}"
            ):
                index.labels.append((fold(r["l"]), r["l"], r["e"], is_pref))
                index.label_sets.setdefault(r["e"], (set(), set()))[0 if is_pref else 1].add(r["l"])
                if is_pref and (r["e"] not in index.names or r["l"] < index.names[r["e"]]):
                    index.names[r["e"]] = r["l"]
        for r in _select(
            source,
            "SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?e skos:prefLabel ?l } } "
            "GROUP BY ?e",
        ):
            index.documents[r["e"]] = int(_number(r["n"]))
        for cls_name in ENTITY_CLASSES:  # one query per class: rdf:type alone is mostly statements
            for r in _select(
                source, f"SELECT DISTINCT ?e WHERE {{ GRAPH ?g {{ ?e a kg:{cls_name} }} }}"
            ):
                index.classes.setdefault(r["e"], []).append(cls_name)
        for names in index.classes.values():
            names.sort()
        for r in _select(
            source,
            "SELECT ?e ?note (MIN(STR(?g)) AS ?doc) (COUNT(DISTINCT ?g) AS ?n) WHERE { "
            "GRAPH ?g { ?e kg:mergeEvidence ?note } } GROUP BY ?e ?note ORDER BY ?note",
        ):
            index.merges.setdefault(r["e"], []).append(
                {
                    "note": r["note"],
                    "document": r["doc"],
                    "documentId": document_id(r["doc"] or ""),
                    "documents": int(_number(r["n"])),
                }
            )
        index._build_facts(source)
        return index

    def _build_facts(self, source: Any) -> None:
        """One pass over every statement: per fact its documents, best confidence and the
        statements to show first, so that an entity page needs no aggregate query."""
        docs: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for st, g, s, p, o, conf in _all_statements(source):
            key = (s, p, o)
            entry = self.facts.get(key)
            if entry is None:
                entry = self.facts[key] = [0, 0, 0.0, []]
                for e in (key[0], key[2]):
                    if e.startswith(ENTITY_NS):
                        self.by_entity.setdefault(e, []).append(key)
            docs[key].add(g)
            entry[1] += 1
            entry[2] = max(entry[2], conf)
            best = entry[3]
            best.append((conf, st))
            if len(best) > EVIDENCE_SHOWN:
                best.sort(reverse=True)
                del best[EVIDENCE_SHOWN:]
        for key, graphs in docs.items():
            self.facts[key][0] = len(graphs)
        for keys in self.by_entity.values():
            keys.sort(key=lambda k: (local(k[1]), -self.facts[k][0], -self.facts[k][2], k))

    def name(self, iri: str) -> str:
        return self.names.get(iri) or entity_slug(iri) or iri

    def dated_events(self, source: Any) -> list[tuple[str, str]]:
        """(event date, statement) of every dated statement, newest first (read once)."""
        if self._events is None:
            rows = _select(source, "SELECT ?st ?d WHERE { GRAPH ?g { ?st kg:eventDate ?d } }")
            self._events = sorted(((r["d"], r["st"]) for r in rows), reverse=True)
        return self._events

    def publications(self, source: Any) -> list[tuple[str, str]]:
        """(publication date, document) of every dated document, newest first (read once)."""
        if self._published is None:
            rows = _select(
                source, "SELECT ?g ?d WHERE { GRAPH ?g { ?g a kg:Document ; dcterms:date ?d } }"
            )
            self._published = sorted(((r["d"], r["g"]) for r in rows), reverse=True)
        return self._published

    def entity(self, iri: str) -> dict[str, Any]:
        """A link to an entity: IRI, slug, label, classes, documents."""
        return {
            "iri": iri,
            "slug": entity_slug(iri),
            "label": self.name(iri),
            "classes": self.classes.get(iri, []),
            "documents": self.documents.get(iri, 0),
        }

    def search(self, query: str, page: int = 1) -> dict[str, Any]:
        """Entities with a label or alias containing ``query`` (folded), best matches first."""
        needle = fold(query.strip())
        best: dict[str, tuple[int, str]] = {}
        if needle:
            for folded, label, iri, is_pref in self.labels:
                at = folded.find(needle)
                if at < 0:
                    continue
                rank = 0 if folded == needle else 1 if at == 0 else 2
                rank = rank * 2 + (0 if is_pref else 1)
                if iri not in best or rank < best[iri][0]:
                    best[iri] = (rank, label)
        ordered = sorted(
            best, key=lambda i: (best[i][0], -self.documents.get(i, 0), self.name(i).casefold())
        )
        start = (page - 1) * PAGE_SIZE
        results = []
        for iri in ordered[start : start + PAGE_SIZE]:
            item = self.entity(iri)
            item["matched"] = best[iri][1]
            results.append(item)
        return {
            "query": query,
            "total": len(ordered),
            "page": page,
            "pages": max(1, -(-len(ordered) // PAGE_SIZE)),
            "results": results,
        }


# ---------------------------------------------------------------- documents


_DC = "http://purl.org/dc/terms/"


def documents_info(source: Any, iris: list[str]) -> dict[str, dict[str, Any]]:
    """Title, date, source, URL and authors of each document in ``iris`` (that exists)."""
    out: dict[str, dict[str, Any]] = {}
    for iri, props in _describe(source, iris).items():
        if props.get("graph") != iri:
            continue
        url = props.get("https://schema.org/url")
        out[iri] = {
            "iri": iri,
            "id": document_id(iri),
            "title": props.get(_DC + "title"),
            "date": props.get(_DC + "date"),
            "source": props.get(_DC + "source"),
            "url": url,
            "outlet": urllib.parse.urlsplit(url).hostname if url else None,
            "authors": [props[_DC + "creator"]] if props.get(_DC + "creator") else [],
            "hash": props.get(KG_NS + "contentHash"),
        }
    return out


def _evidence(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "statement": row["st"],
        "document": row["g"],
        "sentence": row["sentence"] or "",
        "start": int(_number(row.get("start"))),
        "end": int(_number(row.get("end"))),
        "confidence": round(_number(row.get("c")), 3),
        "modality": row.get("mod") or "asserted",
        "attributedTo": row.get("attr"),
        "eventDate": row.get("edate"),
        "extractor": row.get("rule"),
    }


_EVIDENCE_FIELDS = (
    "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:sentence ?sentence . "
    "OPTIONAL { ?st kg:startOffset ?start } OPTIONAL { ?st kg:endOffset ?end } "
    "OPTIONAL { ?st kg:confidence ?c } OPTIONAL { ?st kg:modality ?mod } "
    "OPTIONAL { ?st kg:attributedTo ?attr } OPTIONAL { ?st kg:eventDate ?edate } "
    "OPTIONAL { ?st kg:extractor ?rule }"
)


def document_page(source: Any, index: LabelIndex, doc_id: str) -> dict[str, Any] | None:
    """A document: its metadata, its sentences in order, each with the facts read from it."""
    iri = document_iri(doc_id)
    info = documents_info(source, [iri]).get(iri)
    if info is None:
        return None
    import pyoxigraph as ox

    # the graph as a constant (serialised by pyoxigraph): Oxigraph then reads just that graph
    in_graph = f"GRAPH {ox.NamedNode(iri)}"
    rows = _select(
        source,
        "SELECT ?st ?s ?p ?o ?sentence ?start ?end ?c ?mod ?attr ?edate ?rule WHERE { "
        + in_graph
        + " { "
        + _EVIDENCE_FIELDS
        + " } }",
    )
    for r in rows:
        r["g"] = iri
    sentences: dict[tuple[int, int, str], dict[str, Any]] = {}
    entities: set[str] = set()
    for r in rows:
        ev = _evidence(r)
        key = (ev["start"], ev["end"], ev["sentence"])
        sentence = sentences.setdefault(
            key, {"start": key[0], "end": key[1], "text": key[2], "facts": []}
        )
        fact = _fact(index, r["s"], r["p"], r["o"])
        fact.update(
            confidence=ev["confidence"],
            modality=ev["modality"],
            attributedTo=ev["attributedTo"],
            eventDate=ev["eventDate"],
            extractor=ev["extractor"],
        )
        sentence["facts"].append(fact)
        entities.update(x for x in (r["s"], r["o"]) if x and x.startswith(ENTITY_NS))
    ordered = sorted(sentences.values(), key=lambda s: (s["start"], s["end"]))
    for n, sentence in enumerate(ordered, 1):
        sentence["n"] = n
        sentence["facts"].sort(key=lambda f: (f["property"], f["subject"]["label"]))
        labels = [index.name(f["subject"]["iri"]) for f in sentence["facts"]] + [
            f["object"]["label"] for f in sentence["facts"] if f["object"].get("iri")
        ]
        sentence["segments"] = highlight(sentence["text"], labels)
    mentioned = _select(
        source,
        "SELECT DISTINCT ?e WHERE { " + in_graph + " { ?e skos:prefLabel ?l } }",
    )
    info["sentences"] = ordered
    info["facts"] = len(rows)
    info["entities"] = sorted(
        (index.entity(r["e"]) for r in mentioned), key=lambda e: e["label"].casefold()
    )
    return info


# ---------------------------------------------------------------- entities


def _fact(index: LabelIndex, s: str, p: str, o: str) -> dict[str, Any]:
    obj: dict[str, Any]
    if o.startswith(ENTITY_NS):
        obj = index.entity(o)
    else:
        obj = {"iri": None, "slug": None, "label": o, "classes": [], "documents": 0}
    return {"subject": index.entity(s), "property": local(p), "object": obj}


def entity_page(source: Any, index: LabelIndex, slug: str, page: int = 1) -> dict[str, Any] | None:
    """An entity: classes, labels with merge evidence, and its facts (paged) with evidence."""
    iri = entity_iri(slug)
    if iri not in index.label_sets and iri not in index.classes:
        return None
    dated = _select(
        source,
        "SELECT DISTINCT ?v WHERE { "
        + _values(["e"], [(iri,)])
        + " GRAPH ?g { ?e kg:eventDate ?v } }",
    )
    out = index.entity(iri)
    pref, alt = index.label_sets.get(iri, (set(), set()))
    out["labels"] = sorted(pref)
    out["aliases"] = sorted(alt - pref)
    out["eventDates"] = sorted(r["v"] for r in dated)
    out["merges"] = index.merges.get(iri, [])
    keys = index.by_entity.get(iri, [])
    out["factCount"] = len(keys)
    start = (page - 1) * PAGE_SIZE
    shown = [
        {"s": k[0], "p": k[1], "o": k[2], "docs": f[0], "statements": f[1], "best": f[2]}
        for k in keys[start : start + PAGE_SIZE]
        for f in (index.facts[k],)
    ]
    out["page"] = page
    out["pages"] = max(1, -(-len(keys) // PAGE_SIZE))
    statements = [st for k in keys[start : start + PAGE_SIZE] for _, st in index.facts[k][3]]
    evidence = _statements(source, statements)
    docs = documents_info(source, sorted({e["document"] for evs in evidence.values() for e in evs}))
    labels = [*out["labels"], *out["aliases"]]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in shown:
        fact = _fact(index, f["s"], f["p"], f["o"])
        fact["direction"] = "out" if f["s"] == iri else "in"
        fact["documents"] = f["docs"]
        fact["statements"] = f["statements"]
        fact["confidence"] = round(f["best"], 3)
        other = fact["object"] if fact["direction"] == "out" else fact["subject"]
        marks = labels + ([other["label"]] if other.get("iri") else [])
        fact["evidence"] = []
        for ev in evidence.get((f["s"], f["p"], f["o"]), [])[:EVIDENCE_SHOWN]:
            ev["doc"] = docs.get(ev["document"], {"id": document_id(ev["document"])})
            ev["segments"] = highlight(ev["sentence"], marks)
            fact["evidence"].append(ev)
        groups[fact["property"]].append(fact)
    out["groups"] = [{"property": p, "facts": groups[p]} for p in sorted(groups)]
    return out


def _statements(
    source: Any, statements: list[str]
) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The given statements with their evidence, by fact, most confident first."""
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for st, props in _describe(source, statements).items():
        if KG_NS + "sentence" not in props:
            continue
        row = {
            "st": st,
            "g": props["graph"],
            "sentence": props[KG_NS + "sentence"],
            "start": props.get(KG_NS + "startOffset"),
            "end": props.get(KG_NS + "endOffset"),
            "c": props.get(KG_NS + "confidence"),
            "mod": props.get(KG_NS + "modality"),
            "attr": props.get(KG_NS + "attributedTo"),
            "edate": props.get(KG_NS + "eventDate"),
            "rule": props.get(KG_NS + "extractor"),
        }
        key = (props[_RDF + "subject"], props[_RDF + "predicate"], props[_RDF + "object"])
        out[key].append(_evidence(row))
    for evs in out.values():
        evs.sort(key=lambda e: -e["confidence"])
    return out


# ---------------------------------------------------------------- highlighting


def highlight(text: str, labels: list[str]) -> list[tuple[str, bool]]:
    """Split ``text`` into (piece, is_mention) where the labels occur (case-insensitive).

    The template shows the pieces as text (escaped) and the mentions in ``<mark>``; nothing of
    the sentence is ever interpreted as markup.
    """
    lowered = text.casefold()
    spans: list[tuple[int, int]] = []
    if len(lowered) == len(text):  # casefold kept the offsets (it does not for ß and a few more)
        for label in sorted({lbl for lbl in labels if len(lbl) >= 2}, key=len, reverse=True):
            needle = label.casefold()
            at = lowered.find(needle)
            while at >= 0:
                end = at + len(needle)
                whole = (at == 0 or not text[at - 1].isalnum()) and (
                    end == len(text) or not text[end].isalnum()
                )  # "Colombia" is not marked inside "Colombian"
                if whole and all(end <= a or at >= b for a, b in spans):
                    spans.append((at, end))
                at = lowered.find(needle, end)
    spans.sort()
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for a, b in spans:
        if a > pos:
            pieces.append((text[pos:a], False))
        pieces.append((text[a:b], True))
        pos = b
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


# ---------------------------------------------------------------- the worker's entry point


INDEX_WAIT = 5.0  # seconds a page waits for the index before answering 503 + Retry-After


class Views:
    """The explorer's data over one open store.

    The label and fact index is built in a background thread as soon as the worker opens the
    store (seconds for thousands of documents), so that no request runs into the query
    timeout while it is built: a page asked for before it is ready waits a few seconds, then
    gets 503 with Retry-After (``Indexing``).
    """

    def __init__(self, source: Any) -> None:
        import threading

        self.source = source
        self._index: LabelIndex | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._build, daemon=True, name="kg-index")
        self._thread.start()

    def stop(self) -> None:
        """Stop building (within milliseconds) before the store is closed under the thread."""
        self._stop.set()
        self._thread.join()

    def _build(self) -> None:
        _STOPPING.event = self._stop
        try:
            self._index = LabelIndex.build(self.source)
        except BaseException as err:  # noqa: BLE001 - reported by the next request
            self._error = err
        finally:
            self._ready.set()

    @property
    def index(self) -> LabelIndex:
        if not self._ready.wait(INDEX_WAIT):
            raise Indexing(
                "the explorer is still reading the store (first use after it was opened, "
                f"{time.monotonic() - self._started:.0f} s so far): try again in a few seconds"
            )
        if self._index is None:
            raise RuntimeError(f"the explorer could not read the store: {self._error}")
        return self._index

    def answer(self, name: str, args: dict[str, Any]) -> Any:
        if name == "search":
            return self.index.search(args["q"], args.get("page", 1))
        if name == "entity":
            return entity_page(self.source, self.index, args["slug"], args.get("page", 1))
        if name == "document":
            return document_page(self.source, self.index, args["id"])
        if name == "timeline":
            return timeline(self.source, self.index, args.get("slug"), args.get("page", 1))
        if name == "network":
            return network(
                self.source, self.index, args.get("slug"), args.get("id"), args.get("depth", 1)
            )
        raise ValueError(f"no such view: {name}")


# ---------------------------------------------------------------- network


NODE_BUDGET = 150  # nodes drawn at most: past it the page would be a hairball


def network(
    source: Any, index: LabelIndex, slug: str | None, doc_id: str | None, depth: int = 1
) -> dict[str, Any] | None:
    """Nodes and edges around an entity (``depth`` 1–3) or of one document, within the budget.

    Each edge is a fact with its corroboration, best confidence and the evidence loaded for it
    (the most confident statements: their confidence, modality, date and document), which the
    page's filters use.
    """
    keys: list[tuple[str, str, str]] = []
    title = "network"
    if slug:
        start = entity_iri(slug)
        if start not in index.label_sets:
            return None
        title = index.name(start)
        seen = {start}
        frontier = [start]
        for _ in range(max(1, min(depth, 3))):
            nxt: list[str] = []
            for node in frontier:
                for key in index.by_entity.get(node, []):
                    if not key[2].startswith(ENTITY_NS):
                        continue
                    other = key[2] if key[0] == node else key[0]
                    if other not in seen:
                        if len(seen) >= NODE_BUDGET:
                            continue
                        seen.add(other)
                        nxt.append(other)
                    keys.append(key)
            frontier = nxt
        keys = sorted(set(k for k in keys if k[0] in seen and k[2] in seen))
    elif doc_id:
        page = document_page(source, index, doc_id)
        if page is None:
            return None
        title = page["title"] or doc_id
        keys = sorted(
            {
                (f["subject"]["iri"], KG_NS + f["property"], f["object"]["iri"])
                for s in page["sentences"]
                for f in s["facts"]
                if f["object"].get("iri")
            }
        )
    statements = [st for k in keys for _, st in index.facts.get(k, [0, 0, 0, []])[3]]
    evidence = _statements(source, statements)
    docs = documents_info(source, sorted({e["document"] for v in evidence.values() for e in v}))
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for k in keys:
        for e in (k[0], k[2]):
            if e not in nodes:
                item = index.entity(e)
                nodes[e] = {
                    "id": item["slug"],
                    "label": item["label"],
                    "cls": (item["classes"] or ["Entity"])[0],
                    "documents": item["documents"],
                }
        fact = index.facts.get(k, [0, 0, 0.0, []])
        edges.append(
            {
                "from": nodes[k[0]]["id"],
                "to": nodes[k[2]]["id"],
                "property": local(k[1]),
                "documents": fact[0],
                "confidence": round(fact[2], 3),
                "evidence": [
                    {
                        "confidence": ev["confidence"],
                        "modality": ev["modality"],
                        "date": ev["eventDate"] or docs.get(ev["document"], {}).get("date"),
                        "document": document_id(ev["document"]),
                        "sentence": ev["sentence"],
                    }
                    for ev in evidence.get(k, [])
                ],
            }
        )
    return {
        "title": title,
        "entity": slug,
        "document": doc_id,
        "depth": depth,
        "budget": NODE_BUDGET,
        "nodes": list(nodes.values()),
        "edges": edges,
        "documents": sorted(
            ({"id": d["id"], "title": d["title"] or d["id"]} for d in docs.values()),
            key=lambda d: d["id"] or "",
        ),
    }


# ---------------------------------------------------------------- timeline


def timeline(
    source: Any, index: LabelIndex, slug: str | None = None, page: int = 1
) -> dict[str, Any] | None:
    """Dated facts (``kg:eventDate``) and publications, newest first, for one entity or all."""
    import pyoxigraph as ox

    if slug:
        iri = entity_iri(slug)
        if iri not in index.label_sets:
            return None
        node = ox.NamedNode(iri)  # a constant, serialised by pyoxigraph
        events = [
            (r["d"], "event", r["st"])
            for r in _select(
                source,
                f"SELECT DISTINCT ?st ?d WHERE {{ GRAPH ?g {{ {{ ?st rdf:subject {node} }} "
                f"UNION {{ ?st rdf:object {node} }} ?st kg:eventDate ?d }} }}",
            )
        ]
        published = [
            (r["d"], "published", r["g"])
            for r in _select(
                source,
                f"SELECT DISTINCT ?g ?d WHERE {{ GRAPH ?g {{ {node} skos:prefLabel ?l . "
                "?g dcterms:date ?d } }",
            )
        ]
    else:
        events = [(d, "event", st) for d, st in index.dated_events(source)]
        published = [(d, "published", g) for d, g in index.publications(source)]
    items = sorted(events + published, key=lambda x: (x[0], x[1] == "event", x[2]), reverse=True)
    start = (page - 1) * PAGE_SIZE
    shown = items[start : start + PAGE_SIZE]
    evidence = _describe(source, [x[2] for x in shown if x[1] == "event"])
    docs = documents_info(
        source,
        sorted(
            {x[2] for x in shown if x[1] == "published"} | {p["graph"] for p in evidence.values()}
        ),
    )
    out_items = []
    for date, kind, iri in shown:
        if kind == "published":
            out_items.append(
                {"date": date, "kind": kind, "doc": docs.get(iri, {"id": document_id(iri)})}
            )
            continue
        props = evidence.get(iri)
        if not props:
            continue
        fact = _fact(
            index, props[_RDF + "subject"], props[_RDF + "predicate"], props[_RDF + "object"]
        )
        fact.update(
            date=date,
            kind=kind,
            sentence=props.get(KG_NS + "sentence", ""),
            modality=props.get(KG_NS + "modality", "asserted"),
            confidence=round(_number(props.get(KG_NS + "confidence")), 3),
            doc=docs.get(props["graph"], {"id": document_id(props["graph"])}),
        )
        out_items.append(fact)
    return {
        "entity": index.entity(entity_iri(slug)) if slug else None,
        "total": len(items),
        "page": page,
        "pages": max(1, -(-len(items) // PAGE_SIZE)),
        "items": out_items,
    }
