"""Views of an extraction that the extraction tests assert on."""

from __future__ import annotations

from kg.records import Extraction


def rules_by_pair(ex: Extraction, predicate: str) -> dict[tuple[str, str], str]:
    """The facts of one property as ``(subject label, object label) -> rule id``."""
    names = {e.key: e.label for e in ex.entities}
    return {
        (names[r.subject], names[r.object]): r.evidence.rule
        for r in ex.relations
        if r.predicate == predicate
    }
