"""What the explorer's pages show, read from the graph: plain dicts, ready for a template or JSON.

These functions run in ``kg serve``'s worker processes, next to the open store, and only read.
Every value from the graph is bound into queries as an RDF term (``VALUES``), never formatted in.
They work on the per-document graphs (``GRAPH ?g``), so a fact's corroboration is the number of
documents whose graph holds a statement of it.
"""

from __future__ import annotations

import unicodedata
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.rdf.vocab import DOCUMENT, ENTITY, KG

KG_NS = str(KG._NS)
ENTITY_NS = str(ENTITY)
DOCUMENT_NS = str(DOCUMENT)
PAGE_SIZE = 50  # facts on an entity page, results on a search page
EVIDENCE_SHOWN = 3  # sentences shown per fact on an entity page (the rest are counted)


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


def _select(source: Any, text: str) -> list[dict[str, Any]]:
    """Run a SELECT; rows as dicts of plain values (IRIs and literals as strings)."""
    result = source.raw(text)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row: dict[str, Any] = {}
        for n in names:
            term = solution[n]
            row[n] = None if term is None else term.value
        rows.append(row)
    return rows


def _number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


# ---------------------------------------------------------------- labels and search


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
        for r in _select(source, "SELECT DISTINCT ?e ?c WHERE { GRAPH ?g { ?e a ?c } }"):
            if r["c"].startswith(KG_NS) and r["c"] != KG_NS + "Document":
                index.classes.setdefault(r["e"], []).append(local(r["c"]))
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
        result = source.raw(
            "SELECT ?st ?g ?s ?p ?o ?c WHERE { GRAPH ?g { ?st rdf:subject ?s ; "
            "rdf:predicate ?p ; rdf:object ?o . OPTIONAL { ?st kg:confidence ?c } } }"
        )
        for sol in result:
            key = (sol["s"].value, sol["p"].value, sol["o"].value)
            conf = _number(sol["c"].value) if sol["c"] is not None else 0.0
            entry = self.facts.get(key)
            if entry is None:
                entry = self.facts[key] = [0, 0, 0.0, []]
                for e in (key[0], key[2]):
                    if e.startswith(ENTITY_NS):
                        self.by_entity.setdefault(e, []).append(key)
            docs[key].add(sol["g"].value)
            entry[1] += 1
            entry[2] = max(entry[2], conf)
            best = entry[3]
            best.append((conf, sol["st"].value))
            if len(best) > EVIDENCE_SHOWN:
                best.sort(reverse=True)
                del best[EVIDENCE_SHOWN:]
        for key, graphs in docs.items():
            self.facts[key][0] = len(graphs)
        for keys in self.by_entity.values():
            keys.sort(key=lambda k: (local(k[1]), -self.facts[k][0], -self.facts[k][2], k))

    def name(self, iri: str) -> str:
        return self.names.get(iri) or entity_slug(iri) or iri

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


def documents_info(source: Any, iris: list[str]) -> dict[str, dict[str, Any]]:
    """Title, date, source, URL and author of each document graph in ``iris``."""
    if not iris:
        return {}
    rows = _select(
        source,
        "SELECT ?g ?title ?date ?source ?url ?author WHERE { "
        + _values(["g"], [(i,) for i in iris])
        + " GRAPH ?g { ?g a kg:Document . OPTIONAL { ?g dcterms:title ?title } "
        "OPTIONAL { ?g dcterms:date ?date } OPTIONAL { ?g dcterms:source ?source } "
        "OPTIONAL { ?g <https://schema.org/url> ?url } OPTIONAL { ?g dcterms:creator ?author } } }",
    )
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        info = out.setdefault(
            r["g"],
            {
                "iri": r["g"],
                "id": document_id(r["g"]),
                "title": r["title"],
                "date": r["date"],
                "source": r["source"],
                "url": r["url"],
                "outlet": urllib.parse.urlsplit(r["url"]).hostname if r["url"] else None,
                "authors": [],
            },
        )
        if r["author"] and r["author"] not in info["authors"]:
            info["authors"].append(r["author"])
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
    info["hash"] = next(
        (
            r["h"]
            for r in _select(
                source,
                "SELECT ?h WHERE { "
                + _values(["g"], [(iri,)])
                + " GRAPH ?g { ?g kg:contentHash ?h } }",
            )
        ),
        None,
    )
    rows = _select(
        source,
        "SELECT ?st ?g ?s ?p ?o ?sentence ?start ?end ?c ?mod ?attr ?edate ?rule WHERE { "
        + _values(["g"], [(iri,)])
        + " GRAPH ?g { "
        + _EVIDENCE_FIELDS
        + " } }",
    )
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
        "SELECT DISTINCT ?e WHERE { "
        + _values(["g"], [(iri,)])
        + " GRAPH ?g { ?e skos:prefLabel ?l } }",
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
    if not statements:
        return out
    rows = _select(
        source,
        "SELECT ?s ?p ?o ?st ?g ?sentence ?start ?end ?c ?mod ?attr ?edate ?rule WHERE { "
        + _values(["st"], [(st,) for st in statements])
        + " GRAPH ?g { "
        + _EVIDENCE_FIELDS
        + " } }",
    )
    for r in rows:
        out[(r["s"], r["p"], r["o"])].append(_evidence(r))
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
                if all(end <= a or at >= b for a, b in spans):
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


class Views:
    """The explorer's data over one open store; the label index is built at the first use."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self._index: LabelIndex | None = None

    @property
    def index(self) -> LabelIndex:
        if self._index is None:
            self._index = LabelIndex.build(self.source)
        return self._index

    def answer(self, name: str, args: dict[str, Any]) -> Any:
        if name == "search":
            return self.index.search(args["q"], args.get("page", 1))
        if name == "entity":
            return entity_page(self.source, self.index, args["slug"], args.get("page", 1))
        if name == "document":
            return document_page(self.source, self.index, args["id"])
        raise ValueError(f"no such view: {name}")
