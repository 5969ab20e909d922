"""A dated document for the explorer tests: a training with a date the text gives it."""

from __future__ import annotations

from kg.records import Document, Entity, Evidence, Extraction, Relation

DATED_SENTENCE = "The FOES trained with U.S. Special Forces on 3 March 2026."


def dated_extraction() -> Extraction:
    doc = Document(
        "dated-1",
        DATED_SENTENCE,
        "articles/dated-1.txt",
        title="Dated drill",
        published="2026-03-05",
    )
    ev = Evidence(
        "dated-1",
        DATED_SENTENCE,
        0,
        len(DATED_SENTENCE),
        "test.rule",
        0.81,
        event_date="2026-03-03",
        event_date_text="on 3 March 2026",
    )
    return Extraction(
        doc,
        [
            Entity("FOES", "MilitaryUnit", "FOES"),
            Entity("US Special Forces", "MilitaryUnit", "U.S. Special Forces"),
        ],
        [Relation("FOES", "trainsWith", "US Special Forces", ev)],
    )
