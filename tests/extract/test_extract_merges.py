"""Every alias merged into an entity keeps the reason for the merge.

The rules run alone here (``Models()``): they read the candidate facts and features the
learned model decides on (see test_model.py, test_training.py).
"""

from __future__ import annotations

import pytest

from kg.records import Document

pytestmark = pytest.mark.slow


def _entities(nlp, text: str):
    from kg.extract import extract_document
    from kg.extract.model import Models

    ex = extract_document(nlp(text), Document("t", text, "t.txt"), Models())
    return {e.label: e for e in ex.entities}


def test_acronym_definition_is_recorded_as_merge_evidence(nlp) -> None:
    text = "The Coastal Rapid Response Unit (CRRU, in Spanish) trained near the port."
    ents = _entities(nlp, text)
    unit = ents["Coastal Rapid Response Unit"]
    assert "CRRU" in unit.aliases
    assert any(m.startswith("'CRRU' -> ") and "acronym" in m for m in unit.merges)


def test_surname_merge_is_recorded(nlp) -> None:
    text = "Defense Minister Laura Quintero met the delegation. Quintero said the talks went well."
    person = _entities(nlp, text)["Laura Quintero"]
    assert any(m.startswith("'Quintero' -> ") for m in person.merges)
