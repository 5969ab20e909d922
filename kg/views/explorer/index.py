"""The explorer's one in-memory index: every entity's labels, classes and document count.

It is what search needs (a substring of any label, accents and case folded, ranked by how many
documents name the entity) and what every link to an entity shows. Everything else (facts,
evidence, documents) is read per page from the store's indexes.

It is read from the merged default graph (``kg.store.merged``: each label and class once) plus
one pass over the ``skos:prefLabel`` quads of the document graphs for the counts: a few seconds
for 10,000 documents (``benchmarks/bench_explorer.py``), in a background thread of each worker,
once per opening of the store (a writer's change reopens it, so the index never goes stale).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.rdf.vocab import ENTITY_CLASSES
from kg.views.explorer.common import (
    DOCUMENT_NS,
    KG_NS,
    PAGE_SIZE,
    check_stop,
    entity_slug,
    fold,
    paged,
    pages,
    solutions,
)

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_CLASS_IRIS = {KG_NS + name: name for name in ENTITY_CLASSES}


@dataclass
class LabelIndex:
    """Every entity's labels (folded for search), classes and number of documents naming it."""

    # (folded label, label, entity IRI, whether it is a preferred label)
    labels: list[tuple[str, str, str, bool]] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # iri → preferred label (the least)
    label_sets: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)  # pref, alt

    @classmethod
    def build(cls, source: Any) -> LabelIndex:
        index = cls()
        # the default graph: each label once (DISTINCT for a store read as the union of graphs)
        for prop, is_pref in (("prefLabel", True), ("altLabel", False)):
            text = f"SELECT DISTINCT ?e ?l WHERE {{ ?e skos:{prop} ?l }}"
            for sol in solutions(source, text):
                entity, label = sol[0].value, sol[1].value
                index.labels.append((fold(label), label, entity, is_pref))
                index.label_sets.setdefault(entity, (set(), set()))[0 if is_pref else 1].add(label)
                if is_pref and (entity not in index.names or label < index.names[entity]):
                    index.names[entity] = label
        classes = " ".join(f"kg:{name}" for name in ENTITY_CLASSES)
        text = f"SELECT DISTINCT ?e ?c WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c }}"
        for sol in solutions(source, text):
            index.classes.setdefault(sol[0].value, []).append(_CLASS_IRIS[sol[1].value])
        for names in index.classes.values():
            names.sort()
        index.documents = _document_counts(source)
        return index

    def name(self, iri: str) -> str:
        return self.names.get(iri) or entity_slug(iri) or iri

    def knows(self, iri: str) -> bool:
        return iri in self.label_sets or iri in self.classes

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
        """Entities with a label or alias containing ``query`` (folded), best matches first:
        the whole label, then its start, then anywhere; then the most documents."""
        needle = fold(query.strip())
        best: dict[str, tuple[int, str]] = {}
        if needle:
            for folded, label, iri, is_pref in self.labels:
                at = folded.find(needle)
                if at < 0:
                    continue
                rank = (0 if folded == needle else 1 if at == 0 else 2) * 2 + (not is_pref)
                if iri not in best or rank < best[iri][0]:
                    best[iri] = (rank, label)
        documents = self.documents
        ordered = sorted(best, key=lambda i: (best[i][0], -documents.get(i, 0), best[i][1], i))
        start = (page - 1) * PAGE_SIZE
        results = []
        for iri in ordered[start : start + PAGE_SIZE]:
            item = self.entity(iri)
            item["matched"] = best[iri][1]
            results.append(item)
        return {
            "query": query,
            "total": len(ordered),
            **paged("/search", {"q": query}, page, pages(len(ordered))),
            "results": results,
        }


def _document_counts(source: Any) -> dict[str, int]:
    """How many documents name each entity: its ``skos:prefLabel`` quads in document graphs.

    On the embedded store, straight from its index; elsewhere, one query.
    """
    import pyoxigraph as ox

    counts: dict[str, int] = {}
    db = getattr(source, "_db", None)
    if db is not None and hasattr(db, "quads_for_pattern"):
        # kg writes one prefLabel per entity and document (kg validate checks it): one quad
        # is one document
        pref = ox.NamedNode(_SKOS + "prefLabel")
        for i, quad in enumerate(db.quads_for_pattern(None, pref, None)):
            if i % 4096 == 0:
                check_stop()
            graph = quad.graph_name
            if type(graph) is ox.NamedNode and graph.value.startswith(DOCUMENT_NS):
                entity = quad.subject.value
                counts[entity] = counts.get(entity, 0) + 1
        return counts
    text = (
        "SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?e skos:prefLabel ?l } "
        f'FILTER (STRSTARTS(STR(?g), "{DOCUMENT_NS}")) }} GROUP BY ?e'
    )
    for sol in solutions(source, text):
        counts[sol[0].value] = int(sol[1].value)
    return counts
