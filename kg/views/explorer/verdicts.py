"""What the network's filters read of every statement, kept by fact for the worker's summaries
(``summaries.Summaries.statements``): its confidence, modality, date and document.

A network filtered by a minimum confidence or a date range read, for each of its facts, the
statements from the indexes until one passed (``filters._passes``: ~30 µs a lookup, ~0.6-1 s
for a hub's 400 facts on 10,000 documents). Kept here, a filter is a loop over tuples. Only
the facts stated by ``VERDICT_DOCUMENTS`` documents or more are kept (every statement of a
10,000-document store: ~90 MB of Python objects; most facts have one statement, read in a few
lookups). Read by one query of hash-joined parts (~13 s on 10,000 documents, 310,000
statements; in the summaries' child process, ``apart``, so no writer waits for it), and only
used when every statement of the store has what kg writes (one confidence, one modality, at
most one event date): else the filters read the statements as before.
"""

from __future__ import annotations

from typing import Any

from kg.views.explorer.common import number, solutions
from kg.views.explorer.facts import fact_key

VERDICT_DOCUMENTS = 2  # facts stated by so many documents get their statements' values kept

Key = tuple[str, str, str]
# confidence, modality, date (the event's, or else its document's; None: neither), document
Statement = tuple[float, str, str | None, str]

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?st rdf:subject ?x } }"


def read_statements(source: Any) -> dict[Key, list[Statement]] | None:
    """The confidence, modality, date and document of the statements of each fact stated by
    ``VERDICT_DOCUMENTS`` documents or more; None when some statement lacks one of them
    (another tool's data: the filters read the store): every statement of a document graph must
    come out of the query's inner joins once (a count, not a check of each: ``ASK … FILTER NOT
    EXISTS`` took 25 s)."""
    statements = int(next(iter(solutions(source, _COUNT)))[0].value)
    text = (
        f"SELECT ?s ?p ?o WHERE {{ ?f kg:documentCount ?n FILTER (?n >= {VERDICT_DOCUMENTS}) "
        "?f rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"
    )
    wanted = {fact_key(sol[0].value, sol[1].value, sol[2].value) for sol in solutions(source, text)}
    published = {
        sol[0].value: sol[1].value
        for sol in solutions(source, "SELECT ?g ?d WHERE { GRAPH ?g { ?g dcterms:date ?d } }")
    }
    text = (
        "SELECT ?s ?p ?o ?g ?c ?m ?ed ?st WHERE { "
        "{ SELECT ?st ?s ?g WHERE { GRAPH ?g { ?st rdf:subject ?s } } } "
        "{ SELECT ?st ?p WHERE { ?st rdf:predicate ?p } } "
        "{ SELECT ?st ?o WHERE { ?st rdf:object ?o } } "
        "{ SELECT ?st ?c WHERE { ?st kg:confidence ?c } } "
        "{ SELECT ?st ?m WHERE { ?st kg:modality ?m } } "
        "OPTIONAL { SELECT ?st ?ed WHERE { ?st kg:eventDate ?ed } } "
        "}"
    )
    found: dict[Key, list[Statement]] = {}
    shared: dict[Any, Any] = {}  # one copy of each IRI, value and tuple (~700 confidences)
    seen: set[str] = set()  # the statements read (each once: one value of each, as kg writes)
    rows = 0
    for sol in solutions(source, text):
        rows += 1
        seen.add(sol[7].value)
        key = fact_key(*(sol[i].value for i in range(3)))
        if key not in wanted:
            continue
        s, p, o = (shared.setdefault(v, v) for v in key)
        graph = shared.setdefault(sol[3].value, sol[3].value)
        ed = sol[6]
        date = ed.value if ed is not None else published.get(graph)
        item = (number(sol[4].value), sol[5].value, shared.setdefault(date, date), graph)
        found.setdefault((s, p, o), []).append(shared.setdefault(item, item))
    if not rows == len(seen) == statements:  # one without a confidence or a modality, or two
        return None
    return found
