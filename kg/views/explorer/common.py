"""What every page of the explorer reads with: IRIs and URL slugs, queries, highlighting.

Every value from the graph or a URL goes into a query as an RDF term serialised by pyoxigraph
(``term``, ``values``), never formatted in as text.
"""

from __future__ import annotations

import threading
import unicodedata
import urllib.parse
from typing import Any

from kg.rdf.vocab import DOCUMENT, ENTITY, FACT, KG, STATEMENT

KG_NS = str(KG._NS)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/terms/"
ENTITY_NS = str(ENTITY)
DOCUMENT_NS = str(DOCUMENT)
FACT_NS = str(FACT)
STATEMENT_NS = str(STATEMENT)
PAGE_SIZE = 50  # facts of one property, results on a search page, sentences of a fact
FACTS_PER_PROPERTY = 5  # facts of each property on an entity's first page (the rest: paged)
EVIDENCE_SHOWN = 3  # sentences shown per fact on an entity page (the rest: on the fact's page)
EVIDENCE_DOCUMENTS = 5  # documents read per fact for them (a hub's fact may have thousands)


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


def fact_id(iri: str) -> str | None:
    """The hash of a fact node's IRI (``kg.store.merged.fact_iri``), its page's URL segment."""
    return iri[len(FACT_NS) :] if iri.startswith(FACT_NS) else None


def local(iri: str) -> str:
    """The local name of an ontology term (``trainsWith``), else the IRI."""
    return iri[len(KG_NS) :] if iri.startswith(KG_NS) else iri


def pages(total: int, size: int = PAGE_SIZE) -> int:
    """How many pages ``total`` items fill (at least one: an empty list is one empty page)."""
    return max(1, -(-total // size))


def paged(url: str, params: dict[str, Any], page: int, last: int) -> dict[str, Any]:
    """The paging fields every paged answer carries, in JSON as in HTML: the page, the number
    of pages, and the shareable URLs of the previous and next pages (None at the ends).

    ``url`` is the page's path, ``params`` its other query parameters (``None`` left out).
    """

    def link(n: int) -> str:
        query = {k: v for k, v in params.items() if v is not None}
        query["page"] = n
        return url + "?" + urllib.parse.urlencode(query)

    return {
        "page": page,
        "pages": last,
        "prev": link(min(page - 1, last)) if page > 1 else None,
        "next": link(page + 1) if page < last else None,
    }


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a label, for search."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


# ---------------------------------------------------------------- queries


def term(value: str | Any) -> str:
    """An IRI (a ``str``) or a pyoxigraph term as SPARQL text, serialised by pyoxigraph."""
    import pyoxigraph as ox

    return str(ox.NamedNode(value) if isinstance(value, str) else value)


def values(names: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A VALUES block: each cell an IRI (``str``) or a pyoxigraph term (``term``)."""
    body = " ".join("(" + " ".join(term(v) for v in row) + ")" for row in rows)
    return "VALUES (" + " ".join("?" + n for n in names) + ") { " + body + " }"


_STOPPING = threading.local()  # the index thread's stop flag (see Views.stop)


def stop_flag(event: threading.Event | None) -> None:
    """Make ``check_stop`` in this thread raise once ``event`` is set."""
    _STOPPING.event = event


def check_stop() -> None:
    stop = getattr(_STOPPING, "event", None)
    if stop is not None and stop.is_set():
        raise Indexing("stopped: the store is being closed")


def run(source: Any, text: str) -> Any:
    """Run a query the explorer wrote, on the store's dataset (``Store._raw_query``).

    The text is kg's own, every value in it serialised by pyoxigraph (``term``), so it skips
    the screen of ``Store.raw``, which is meant for query text from users and parses any query
    of more than a few dozen triple patterns or values with rdflib's grammar (see
    ``docs/RESULTS.md``: milliseconds per hundred values).
    """
    return source._raw_query(text)


def solutions(source: Any, text: str) -> Any:
    """Run a SELECT; yield pyoxigraph's solutions (terms: ``.value``, kind kept)."""
    for i, solution in enumerate(run(source, text)):
        if i % 4096 == 0:
            check_stop()
        yield solution


def select(source: Any, text: str) -> list[dict[str, Any]]:
    """Run a SELECT; rows as dicts of plain values (IRIs and literals as strings)."""
    result = run(source, text)
    names = [v.value for v in result.variables]
    rows = []
    for i, solution in enumerate(result):
        if i % 4096 == 0:
            check_stop()
        row: dict[str, Any] = {}
        for n in names:
            found = solution[n]
            row[n] = None if found is None else found.value
        rows.append(row)
    return rows


def has_fact_nodes(source: Any) -> bool:
    """Whether the source's default graph is the merged graph, with its ``kg:Fact`` nodes
    (``kg.store.merged``); a store written before them is read as the union of its graphs."""
    return getattr(source, "default_graph", "merged") == "merged"


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
