"""What a view keeps: one selection of classes, properties, documents, dates and confidence.

The same selection is applied to two representations of the graph: ``kg.views.export`` filters
the RDF triples of each document graph with it (so an export stays self-consistent), and
``kg.views.network.filter_graph`` filters the networkx entity graph. Both ask the questions
written here (does this class, property, document, date, confidence pass?), so the two filters
cannot drift apart on what "kept" means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    """What to keep; a field left at None keeps everything on that axis.

    ``classes`` and ``properties`` are ontology local names (``MilitaryUnit``, ``trainsWith``);
    the caller expands subclasses when it wants them. ``documents`` are document IRIs; ``since``
    and ``until`` are ISO dates, inclusive; ``min_confidence`` keeps evidence at or above it (and
    drops evidence without a confidence).
    """

    classes: frozenset[str] | None = None
    properties: frozenset[str] | None = None
    documents: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    min_confidence: float | None = None

    @property
    def selects_evidence(self) -> bool:
        """Whether some evidence can be dropped (and with it the facts left without any)."""
        return bool(
            self.documents is not None
            or self.since
            or self.until
            or self.min_confidence is not None
        )

    def keeps_class(self, classes: Iterable[str]) -> bool:
        """Whether an entity of these classes (any of them may match) is kept."""
        return self.classes is None or not self.classes.isdisjoint(classes)

    def keeps_property(self, prop: str) -> bool:
        return self.properties is None or prop in self.properties

    def keeps_document(self, document: str | None) -> bool:
        return self.documents is None or document in self.documents

    def keeps_date(self, date: str | None) -> bool:
        """Whether a document of this date passes; undated ones fail as soon as a bound is set."""
        if not self.since and not self.until:
            return True
        if not date:
            return False
        day = date[:10]
        return not (self.since and day < self.since) and not (self.until and day > self.until)

    def keeps_confidence(self, confidence: float | None) -> bool:
        if self.min_confidence is None:
            return True
        return confidence is not None and confidence >= self.min_confidence

    def keeps_evidence(
        self, document: str | None, date: str | None, confidence: float | None
    ) -> bool:
        """Whether one piece of evidence (its document, that document's date, its confidence)
        is kept."""
        return (
            self.keeps_document(document)
            and self.keeps_date(date)
            and self.keeps_confidence(confidence)
        )
