"""The outcome of a build: a status per input and running totals."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.rdf.counts import GraphCounts
from kg.records import DocumentStatus


@dataclass
class BuildReport:
    """The outcome of a build, printed by the CLI at the end.

    Totals are counters, so a build of a million documents does not keep a million statuses:
    ``documents`` holds every skipped or failed input (with its reason) and the first
    ``keep_ok`` others. ``graph`` counts what was built (the output file, else the store), as
    ``kg.rdf.counts`` defines it: entities and facts distinct across documents, so the same
    figures as ``kg stats`` on it.
    """

    documents: list[DocumentStatus] = field(default_factory=list)
    seconds: float = 0.0
    words: int = 0
    keep_ok: int = 1000
    graph: GraphCounts = field(default_factory=GraphCounts)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)
    _ok_kept: int = field(default=0, repr=False)

    def add(self, status: DocumentStatus) -> None:
        """Record one input's status (always through here, so the counters stay right)."""
        self._counts[status.status] = self._counts.get(status.status, 0) + 1
        routine = status.status in ("ok", "unchanged")
        if not routine or self._ok_kept < self.keep_ok:
            self.documents.append(status)
            self._ok_kept += routine

    def count(self, status: str) -> int:
        return self._counts.get(status, 0)

    @property
    def entities(self) -> int:
        """Distinct entities of the graph built."""
        return self.graph.entities

    @property
    def facts(self) -> int:
        """Distinct facts of the graph built."""
        return self.graph.facts

    @property
    def statements(self) -> int:
        """Pieces of evidence (rdf:Statement) of the graph built."""
        return self.graph.statements

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    @property
    def total(self) -> int:
        """Inputs seen (every status)."""
        return sum(self._counts.values())

    def problems(self) -> list[DocumentStatus]:
        """The skipped and failed inputs, with their reasons, in the order they happened."""
        return [d for d in self.documents if d.status in ("skipped", "failed")]

    def rates(self) -> tuple[float, float]:
        """Documents built and words read per second."""
        secs = max(self.seconds, 1e-9)
        return self.count("ok") / secs, self.words / secs
