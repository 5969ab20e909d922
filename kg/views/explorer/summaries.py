"""What the explorer keeps per opening of the store, besides the label index: summaries that
spare the slowest pages from reading thousands of statements.

- ``days``: the dated items (``timeline``) per date, newest first, of the whole graph and of
  each entity named in at least ``TIMELINE_DOCUMENTS`` documents (a hub's timeline joined its
  ~7,000 dated statements with their dates on every page: 1.5-2 s on 10,000 documents). A page
  then reads the items of the one or two dates it shows (``timeline.day_items``).
- ``modalities``: the modalities of each fact's statements, for the facts with one other than
  asserted (a fact missing here has asserted statements only), so that a network filtered by
  modality alone reads no statement (``filters.passing``); but when some statement of the
  store has no modality (asserted, for the filters), those of the facts listed here are read
  when "asserted" is asked for.
- ``evidence``: the statements of each fact stated by at least ``EVIDENCE_DOCUMENTS`` documents,
  most confident first (what ``facts.statements`` reads for it: ~0.4 ms a document, 0.4 s for a
  fact of 990 documents), for the fact's page.

Built by a few aggregate queries once the label index is ready (``data.Views``: in a child
process, ``apart``, in ``kg serve``'s workers; the facts' order of the entities in many
documents, ``partners``, in the worker's background thread, since it needs the labels), and,
like it, once per opening of the store: a writer's change closes and reopens the store, so they
never go stale. Until they are ready, the pages read the store as before. Each query joins its
parts as subqueries (``{ SELECT … } { SELECT … }``): Oxigraph evaluates them apart and joins
them by hash, where a plain join looks up each row of one part in the other (a hub's dated
statements: ~1 s plain, ~0.15 s by hash). Figures in ``docs/RESULTS.md``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.rdf.vocab import SYMMETRIC_PROPERTIES
from kg.views.explorer.common import (
    ENTITY_NS,
    KG_NS,
    STATEMENT_NS,
    has_fact_nodes,
    number,
    run,
    solutions,
    term,
    values,
)
from kg.views.explorer.facts import fact_counts, fact_key, partner_ends
from kg.views.explorer.index import LabelIndex
from kg.views.explorer.verdicts import Statement, read_statements

TIMELINE_DOCUMENTS = 200  # entities named in so many documents get their dated items counted
EVIDENCE_DOCUMENTS = 200  # facts stated by so many documents get their statements kept
PARTNER_DOCUMENTS = 500  # entities named in so many documents get their facts' order kept

Key = tuple[str, str, str]
_SYMMETRIC = frozenset(KG_NS + name for name in SYMMETRIC_PROPERTIES)


def patterns(slug_iri: str | None, d: str) -> dict[str, str]:
    """The patterns of the dated items, by kind: ``?x`` the statement or the document, dated
    ``d`` (``?d``, or a date's term to read only that day)."""
    if slug_iri is None:
        return {  # an Event entity's date is not an item (the facts about it are)
            "event": f"?x kg:eventDate {d} MINUS {{ ?x a kg:Event }}",
            "published": f"?x a kg:Document ; dcterms:date {d}",
        }
    node = term(slug_iri)
    return {
        "event": (
            f"{{ ?x rdf:subject {node} }} UNION {{ ?x rdf:object {node} }} ?x kg:eventDate {d} "
            f'FILTER (STRSTARTS(STR(?x), "{STATEMENT_NS}"))'
        ),
        "published": (
            f"{{ SELECT DISTINCT ?x WHERE {{ GRAPH ?x {{ {node} skos:prefLabel ?l }} }} }} "
            f"?x dcterms:date {d}"
        ),
    }


@dataclass
class Summaries:
    """Per-date counts of dated items, facts' modalities, big facts' statements."""

    # date value → its terms as SPARQL text (one, unless a store mixes datatypes)
    day_terms: dict[str, list[str]] = field(default_factory=dict)
    # None (the whole graph) or an entity IRI → [(date value, items that day)], newest first
    days: dict[str | None, list[tuple[str, int]]] = field(default_factory=dict)
    # fact → the modalities of its statements, for the facts with one other than asserted
    modalities: dict[Key, frozenset[str]] | None = None
    # whether every statement has a modality (then a fact listed without asserted has none)
    modalities_complete: bool = False
    # fact stated by ``verdicts.VERDICT_DOCUMENTS`` documents or more → its statements'
    # confidence, modality, date, document (``verdicts``); None when some statement lacks one
    statements: dict[Key, list[Statement]] | None = None
    # fact → its statements as (confidence, statement IRI), most confident first
    evidence: dict[Key, list[tuple[float, str]]] = field(default_factory=dict)
    # (entity IRI, property) → its facts' other ends in the entity page's order (read last, in
    # the worker: ``read_partners``)
    partners: dict[tuple[str, str], list[tuple[Any, bool]]] = field(default_factory=dict)

    @classmethod
    def build(cls, source: Any, index: LabelIndex) -> Summaries:
        found = cls()
        found._read_days(source, index)
        found.modalities, found.modalities_complete = _modalities(source)
        found.statements = read_statements(source)
        found.evidence = _evidence(source)
        _give_back_memory()
        return found

    def read_partners(self, source: Any, index: LabelIndex) -> None:
        """Each property's facts of the entities named in ``PARTNER_DOCUMENTS`` documents or
        more, in the entity page's order (``facts.partner_ends``: the hub's page listed and
        sorted its ~8,000 facts' other ends to show 5 of each property). Read in the worker,
        which has the label index the order needs; its queries stream (``check_stop``)."""
        if not has_fact_nodes(source):  # (the pages then read every fact: nothing to keep)
            return
        for iri in sorted(e for e, n in index.documents.items() if n >= PARTNER_DOCUMENTS):
            if not iri.startswith(ENTITY_NS):
                continue
            for prop in fact_counts(source, iri):
                self.partners[(iri, prop)] = partner_ends(source, index, iri, prop)

    def timeline_days(self, iri: str | None) -> list[tuple[str, int]] | None:
        """The dated items of the graph (None) or an entity per date, newest first; None when
        not kept (an entity in fewer than ``TIMELINE_DOCUMENTS`` documents)."""
        return self.days.get(iri)

    def _read_days(self, source: Any, index: LabelIndex) -> None:
        counts: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for kind in ("event", "published"):  # the patterns the timeline's queries use
            text = (
                f"SELECT ?d (COUNT(*) AS ?n) WHERE {{ {patterns(None, '?d')[kind]} }} GROUP BY ?d"
            )
            for sol in solutions(source, text):
                self._count(counts[None], sol[0], int(sol[1].value))
        hubs = sorted(e for e, n in index.documents.items() if n >= TIMELINE_DOCUMENTS)
        for start in range(0, len(hubs), 100):
            chunk = values(["e"], [(e,) for e in hubs[start : start + 100]])
            for text in (
                # the entity's statements dated (``patterns``' "event"), hash-joined
                "SELECT ?e ?d (COUNT(*) AS ?n) WHERE { "
                "{ SELECT ?x ?d WHERE { ?x kg:eventDate ?d } } "
                f"{{ SELECT ?e ?x WHERE {{ {chunk} {{ ?x rdf:subject ?e }} UNION "
                f'{{ ?x rdf:object ?e }} FILTER (STRSTARTS(STR(?x), "{STATEMENT_NS}")) }} }} '
                "} GROUP BY ?e ?d",
                # the documents naming it, by their date (``patterns``' "published")
                "SELECT ?e ?d (COUNT(*) AS ?n) WHERE { "
                "{ SELECT ?x ?d WHERE { ?x dcterms:date ?d } } "
                f"{{ SELECT DISTINCT ?e ?x WHERE {{ {chunk} "
                "GRAPH ?x { ?e skos:prefLabel ?l } } } "
                "} GROUP BY ?e ?d",
            ):
                for sol in solutions(source, text):
                    self._count(counts[sol[0].value], sol[1], int(sol[2].value))
            for e in hubs[start : start + 100]:  # one without dated items: an empty timeline
                counts.setdefault(e, defaultdict(int))
        for owner, per_day in counts.items():
            self.days[owner] = sorted(per_day.items(), reverse=True)

    def _count(self, per_day: dict[str, int], date: Any, n: int) -> None:
        listed = self.day_terms.setdefault(date.value, [])
        text = term(date)
        if text not in listed:
            listed.append(text)
        per_day[date.value] += n


def _modalities(source: Any) -> tuple[dict[Key, frozenset[str]], bool]:
    """The modalities of each fact's statements, for the facts with one other than asserted
    (asserted among them when one of its statements says so), and whether every statement has
    a modality (else one without is asserted for the filters, and not seen here).

    Every statement with a modality is joined with its triple (4.4 s on 10,000 documents, where
    the ~20 % not asserted took 2.4 s): read by the summaries' child process
    (``kg.views.explorer.apart``), a query that long no longer keeps a writer waiting.
    """
    text = (
        "SELECT ?s ?p ?o (GROUP_CONCAT(DISTINCT ?m) AS ?ms) WHERE { "
        "{ SELECT ?st ?m WHERE { ?st kg:modality ?m } } "
        "{ SELECT ?st ?s WHERE { ?st rdf:subject ?s } } "
        "{ SELECT ?st ?p WHERE { ?st rdf:predicate ?p } } "
        "{ SELECT ?st ?o WHERE { ?st rdf:object ?o } } "
        "} GROUP BY ?s ?p ?o"
    )
    every: dict[Key, frozenset[str]] = {}
    shared: dict[Any, Any] = {}  # one copy of each IRI and set of modalities
    asserted = frozenset(["asserted"])
    for sol in solutions(source, text):
        key = fact_key(*(sol[i].value for i in range(3)))  # (a symmetric fact: both ways)
        listed = every.get(key, frozenset()) | frozenset(sol[3].value.split())
        every[key] = shared.setdefault(listed, listed)
    found: dict[Key, frozenset[str]] = {}
    for (s, p, o), listed in every.items():
        if listed != asserted:
            found[(shared.setdefault(s, s), shared.setdefault(p, p), shared.setdefault(o, o))] = (
                listed
            )
    missing = (  # a statement of a document without its modality (another tool's data)
        "ASK { GRAPH ?g { ?st rdf:subject ?x FILTER NOT EXISTS { ?st kg:modality ?m } } }"
    )
    return found, not bool(run(source, missing))


def _evidence(source: Any) -> dict[Key, list[tuple[float, str]]]:
    """The statements of each fact stated by ``EVIDENCE_DOCUMENTS`` documents or more, most
    confident first: those ``facts.statements`` reads from the graphs of its documents."""
    text = (
        f"SELECT ?s ?p ?o WHERE {{ ?f kg:documentCount ?n FILTER (?n >= {EVIDENCE_DOCUMENTS}) "
        "?f rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"
    )
    out: dict[Key, list[tuple[float, str]]] = {}
    for fact in [(sol[0], sol[1], sol[2]) for sol in solutions(source, text)]:
        s, p, o = fact
        directions = [(s, o)]
        if p.value in _SYMMETRIC and type(o).__name__ == "NamedNode" and o != s:
            directions.append((o, s))
        listed = []
        for a, b in directions:
            text = (  # the two ends' statements joined by hash, then the property
                f"SELECT ?st ?c WHERE {{ {{ SELECT ?st WHERE {{ ?st rdf:subject {a} }} }} "
                f"{{ SELECT ?st WHERE {{ ?st rdf:object {b} }} }} ?st rdf:predicate {p} "
                f'FILTER (STRSTARTS(STR(?st), "{STATEMENT_NS}")) '
                "OPTIONAL { ?st kg:confidence ?c } }"
            )
            for sol in solutions(source, text):
                conf = number(sol[1].value) if sol[1] is not None else 0.0
                listed.append((conf, sol[0].value))
        listed.sort(key=lambda x: (-x[0], x[1]))
        out[fact_key(s.value, p.value, o.value)] = listed
    return out


def _give_back_memory() -> None:
    """Return to the system the memory the queries' hash joins used (~250 MB on 10,000
    documents): glibc keeps freed memory in the process otherwise."""
    import contextlib
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):  # not glibc: nothing to do
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
