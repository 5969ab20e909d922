"""The network page's filters: which facts have a statement that passes them.

A fact passes when one of its statements does: confidence at least the minimum, its modality
among those ticked, its date (the event's, or else the article's) within the range, in the
chosen document. On the embedded store each fact's statements are read from the indexes in its
documents' graphs, stopping at the first that passes (with a document chosen, only that graph
is read); a store on a server answers one query over the statements of the facts' ends.
The worker's summaries answer for the facts of several documents from their statements' values
(``summaries.Summaries.statements``, ``verdicts``) when the store's statements all have them;
for the others, with the modalities alone, they answer (``summaries.Summaries.modalities``:
the modalities of each fact's statements, for the facts with one other than asserted); only in a
store where some statement has no modality (asserted) are the facts listed there read when
"asserted" is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.rdf.vocab import MODALITIES
from kg.views.explorer.common import DC, KG_NS, RDF, document_iri, number, solutions, term, values
from kg.views.explorer.facts import Fact, fact_key
from kg.views.explorer.summaries import Summaries


@dataclass
class Filters:
    """What the page's filters ask for (each checked by the route: ``pages._filters``)."""

    confidence: float = 0.0
    date_from: str = ""
    date_to: str = ""
    modalities: list[str] = field(default_factory=list)  # empty: every modality
    document: str = ""  # a document id

    @property
    def active(self) -> bool:
        return bool(
            self.confidence > 0
            or self.date_from
            or self.date_to
            or self.document
            or (self.modalities and set(self.modalities) != set(MODALITIES))
        )

    def condition(self) -> str:
        """The SPARQL condition on ``?c`` (confidence), ``?m``, ``?date``, ``?g``."""
        import pyoxigraph as ox

        parts = []
        if self.confidence > 0:
            parts.append(f"?c >= {self.confidence:.4f}")
        if self.modalities and set(self.modalities) != set(MODALITIES):
            listed = ", ".join(term(ox.Literal(m)) for m in self.modalities)
            parts.append(f"COALESCE(?m, 'asserted') IN ({listed})")
        if self.date_from:
            parts.append(f"BOUND(?date) && STR(?date) >= {term(ox.Literal(self.date_from))}")
        if self.date_to:
            parts.append(f"BOUND(?date) && STR(?date) <= {term(ox.Literal(self.date_to))}")
        if self.document:
            parts.append(f"?g = {term(document_iri(self.document))}")
        return " && ".join(f"({p})" for p in parts) or "true"

    def accepts(
        self, confidence: float | None, modality: str, date: str | None, graph: str
    ) -> bool:
        """Whether one statement passes (``condition`` on values read from the indexes)."""
        if self.confidence > 0 and (confidence is None or confidence < self.confidence):
            return False
        every = not self.modalities or set(self.modalities) == set(MODALITIES)
        if not every and modality not in self.modalities:
            return False
        if self.date_from and (date is None or date < self.date_from):
            return False
        if self.date_to and (date is None or date > self.date_to):
            return False
        return not self.document or graph == document_iri(self.document)

    @property
    def modalities_only(self) -> bool:
        """Whether the modalities are all these filters ask about."""
        every = not self.modalities or set(self.modalities) == set(MODALITIES)
        return not (every or self.confidence > 0 or self.date_from or self.date_to or self.document)


def passing(
    source: Any, facts: list[Fact], filters: Filters, summaries: Summaries | None = None
) -> set[tuple[str, str, str]]:
    """The facts one of whose statements passes ``filters``."""
    kept = summaries.statements if summaries is not None else None
    passed: set[tuple[str, str, str]] = set()
    if kept is not None:  # the statements' values of the facts of several documents: no read
        rest = []
        for fact in facts:
            listed = kept.get(fact.key)
            if listed is None:
                rest.append(fact)
            elif any(filters.accepts(c, m, d, g) for c, m, d, g in listed):
                passed.add(fact.key)
        if not rest:
            return passed
        facts = rest
    return passed | _by_modalities(source, facts, filters, summaries)


def _by_modalities(
    source: Any, facts: list[Fact], filters: Filters, summaries: Summaries | None
) -> set[tuple[str, str, str]]:
    """``passing`` from the summaries' modalities if the filters ask for modalities alone,
    else from the statements read."""
    known = summaries.modalities if summaries is not None else None
    if known is None or not filters.modalities_only:
        return _read(source, facts, filters)
    wanted = set(filters.modalities)
    complete = summaries is not None and summaries.modalities_complete
    found, unsure = set(), []
    for fact in facts:
        others = known.get(fact.key)
        if others is None:  # asserted statements only
            if "asserted" in wanted:
                found.add(fact.key)
        elif others & wanted:
            found.add(fact.key)
        elif "asserted" in wanted and not complete:
            unsure.append(fact)  # a statement without modality (asserted)? read them
    return found | _read(source, unsure, filters) if unsure else found


def _read(source: Any, facts: list[Fact], filters: Filters) -> set[tuple[str, str, str]]:
    """The facts one of whose statements passes ``filters``, their statements read."""
    db = getattr(source, "_db", None)
    if hasattr(db, "quads_for_pattern"):
        return {fact.key for fact in facts if _passes(db, fact, filters, {})}
    return _queried(source, facts, filters)


_SUBJECT, _PREDICATE, _OBJECT = RDF + "subject", RDF + "predicate", RDF + "object"
_CONFIDENCE, _MODALITY, _EVENT_DATE = KG_NS + "confidence", KG_NS + "modality", KG_NS + "eventDate"


def _passes(db: Any, fact: Fact, filters: Filters, dates: dict[str, str | None]) -> bool:
    """Whether a statement of ``fact`` passes, read from a pyoxigraph store's indexes (only
    the values the filters look at: a statement has a dozen)."""
    import pyoxigraph as ox

    subject, predicate, obj = (
        ox.NamedNode(_SUBJECT),
        ox.NamedNode(_PREDICATE),
        ox.NamedNode(_OBJECT),
    )
    published, confidence_p = ox.NamedNode(DC + "date"), ox.NamedNode(_CONFIDENCE)
    modality_p, event_date_p = ox.NamedNode(_MODALITY), ox.NamedNode(_EVENT_DATE)
    only = ox.NamedNode(document_iri(filters.document)) if filters.document else None
    every = not filters.modalities or set(filters.modalities) == set(MODALITIES)

    def value(st: Any, prop: Any, graph: Any) -> str | None:
        found = next(iter(db.quads_for_pattern(st, prop, None, graph)), None)
        return found.object.value if found is not None else None

    for s, p, o in fact.directions():
        for quad in db.quads_for_pattern(s, p, o, only):
            graph = quad.graph_name
            if type(graph) is not ox.NamedNode:
                continue  # the merged default graph
            for candidate in db.quads_for_pattern(None, obj, o, graph):
                st = candidate.subject
                if not any(True for _ in db.quads_for_pattern(st, subject, s, graph)):
                    continue
                if not any(True for _ in db.quads_for_pattern(st, predicate, p, graph)):
                    continue
                confidence = None
                if filters.confidence > 0:
                    raw = value(st, confidence_p, graph)
                    confidence = number(raw) if raw is not None else None
                modality = "asserted" if every else value(st, modality_p, graph) or "asserted"
                date = None
                if filters.date_from or filters.date_to:
                    date = value(st, event_date_p, graph)
                    if date is None:
                        if graph.value not in dates:
                            dates[graph.value] = value(graph, published, graph)
                        date = dates[graph.value]
                if filters.accepts(confidence, modality, date, graph.value):
                    return True
    return False


def _queried(source: Any, facts: list[Fact], filters: Filters) -> set[tuple[str, str, str]]:
    """The facts one of whose statements passes ``filters``, by SPARQL (a store on a server).

    One query over the statements whose subject is an end of the facts, the filters applied by
    the store, the facts picked out here: a ``FILTER EXISTS`` per fact cost a scan each (about
    65 ms a fact on a 300-document store, minutes for a busy entity's network).
    """
    wanted = {fact.key for fact in facts}
    ends = sorted({end for fact in facts for end in (fact.subject, fact.object_iri) if end})
    condition = filters.condition()
    out: set[tuple[str, str, str]] = set()
    for start in range(0, len(ends), 200):
        chunk = values(["s"], [(e,) for e in ends[start : start + 200]])
        text = (
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ {chunk} "
            "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?g . "
            "OPTIONAL { ?st kg:confidence ?c } OPTIONAL { ?st kg:modality ?m } "
            "OPTIONAL { ?st kg:eventDate ?ed } OPTIONAL { ?g dcterms:date ?pd } "
            f"BIND (COALESCE(?ed, ?pd) AS ?date) FILTER ({condition}) }}"
        )
        for sol in solutions(source, text):
            key = fact_key(sol[0].value, sol[1].value, sol[2].value)
            if key in wanted:
                out.add(key)
    return out
