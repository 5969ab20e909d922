"""Dates of events: a date expression dates the fact or the named event it is attached to.

The first tests build the dependency parse by hand (``spacy.tokens.Doc`` with heads and labels),
so they check the attachment rules without a model; the ``slow`` ones run the whole extractor.

The rules run alone here (``Models()``): they read the candidate facts and features the
learned model decides on (see test_model.py, test_training.py).
"""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal

from kg.extract.eventdates import attach_dates
from kg.extract.mentions.cand import Cand
from kg.records import Document, Entity, Evidence, Relation

# (word, head index, dependency, coarse POS); a token followed by punctuation gets no space
Parse = list[tuple[str, int, str, str]]

ON_THURSDAY_TRAINED: Parse = [
    ("On", 4, "prep", "ADP"),
    ("Thursday", 0, "pobj", "PROPN"),
    ("the", 3, "det", "DET"),
    ("brigade", 4, "nsubj", "NOUN"),
    ("trained", 4, "ROOT", "VERB"),
    ("with", 4, "prep", "ADP"),
    ("the", 7, "det", "DET"),
    ("Marines", 5, "pobj", "PROPN"),
    (".", 4, "punct", "PUNCT"),
]

SAID_ON_MONDAY: Parse = [
    ("The", 1, "det", "DET"),
    ("minister", 2, "nsubj", "NOUN"),
    ("said", 2, "ROOT", "VERB"),
    ("on", 2, "prep", "ADP"),
    ("Monday", 3, "pobj", "PROPN"),
    ("that", 8, "mark", "SCONJ"),
    ("the", 7, "det", "DET"),
    ("brigade", 8, "nsubj", "NOUN"),
    ("trained", 2, "ccomp", "VERB"),
    ("with", 8, "prep", "ADP"),
    ("the", 11, "det", "DET"),
    ("Marines", 9, "pobj", "PROPN"),
    (".", 2, "punct", "PUNCT"),
]

HELD_UNITAS: Parse = [
    ("The", 1, "det", "DET"),
    ("Navy", 2, "nsubj", "PROPN"),
    ("held", 2, "ROOT", "VERB"),
    ("the", 4, "det", "DET"),
    ("exercise", 2, "dobj", "NOUN"),
    ("UNITAS", 4, "appos", "PROPN"),
    ("on", 2, "prep", "ADP"),
    ("December", 6, "pobj", "PROPN"),
    ("4", 7, "nummod", "NUM"),
    (".", 2, "punct", "PUNCT"),
]


def _doc(parse: Parse):  # -> spacy.tokens.Doc
    import spacy
    from spacy.tokens import Doc

    words = [w for w, *_ in parse]
    spaces = [i + 1 < len(words) and words[i + 1] not in ".," for i in range(len(words))]
    return Doc(
        spacy.blank("en").vocab,  # its lexical attributes (lower case) are set
        words=words,
        spaces=spaces,
        heads=[h for _, h, _, _ in parse],
        deps=[d for _, _, d, _ in parse],
        pos=[p for _, _, _, p in parse],
        sent_starts=[i == 0 for i in range(len(words))],
    )


def _run(
    parse: Parse,
    mentions: dict[str, tuple[int, int, str]],
    facts: list[tuple[str, str, str]],
    published: str | None = "2026-11-20",
) -> tuple[list[Relation], dict[str, Entity]]:
    sdoc = _doc(parse)
    doc = Document("d", sdoc.text, "d.txt", published=published)
    cands = [Cand(s, e, key, cls, "ner") for key, (s, e, cls) in mentions.items()]
    keys = list(mentions)
    entities = {key: Entity(key, cls, key) for key, (_, _, cls) in mentions.items()}
    ev = Evidence("d", sdoc.text, 0, len(sdoc.text), "test.v1", 0.9)
    rels = [Relation(s, p, o, ev) for s, p, o in facts]
    return attach_dates(sdoc, doc, cands, keys, entities, rels), entities


# 2026-11-20 is a Friday
def test_relative_date_on_the_facts_verb_is_resolved_against_the_publication_date() -> None:
    (rel,), _ = _run(
        ON_THURSDAY_TRAINED,
        {"7th Brigade": (3, 4, "MilitaryUnit"), "U.S. Marines": (7, 8, "MilitaryUnit")},
        [("7th Brigade", "trainsWith", "U.S. Marines")],
    )
    assert (rel.evidence.event_date, rel.evidence.event_date_text) == ("2026-11-19", "Thursday")


def test_relative_date_without_a_publication_date_is_not_guessed() -> None:
    (rel,), _ = _run(
        ON_THURSDAY_TRAINED,
        {"7th Brigade": (3, 4, "MilitaryUnit"), "U.S. Marines": (7, 8, "MilitaryUnit")},
        [("7th Brigade", "trainsWith", "U.S. Marines")],
        published=None,
    )
    assert rel.evidence.event_date is None


def test_date_of_another_clause_is_not_the_facts_date() -> None:
    (rel,), _ = _run(
        SAID_ON_MONDAY,
        {"7th Brigade": (7, 8, "MilitaryUnit"), "U.S. Marines": (11, 12, "MilitaryUnit")},
        [("7th Brigade", "trainsWith", "U.S. Marines")],
    )
    assert rel.evidence.event_date is None  # Monday is when the minister spoke


def test_a_state_is_not_dated_and_a_subject_named_elsewhere_still_is() -> None:
    part, train = _run(
        ON_THURSDAY_TRAINED,
        {"U.S. Marines": (7, 8, "MilitaryUnit")},  # "the brigade": an earlier sentence's unit
        [("7th Brigade", "partOf", "U.S. Marines"), ("7th Brigade", "trainsWith", "U.S. Marines")],
    )[0]
    assert part.evidence.event_date is None  # membership is a state, not an event
    assert train.evidence.event_date == "2026-11-19"


def test_named_event_gets_the_date_of_its_noun_and_the_fact_about_it_too() -> None:
    (rel,), entities = _run(
        HELD_UNITAS,
        {"Peruvian Navy": (1, 2, "MilitaryUnit"), "UNITAS": (5, 6, "Event")},
        [("Peruvian Navy", "participatesIn", "UNITAS")],
    )
    assert entities["UNITAS"].event_date == "2026-12-04"  # the nearest December 4
    assert entities["Peruvian Navy"].event_date is None
    assert rel.evidence.event_date == "2026-12-04"


def test_complete_date_needs_no_publication_date() -> None:
    parse = HELD_UNITAS[:-1] + [(",", 7, "punct", "PUNCT"), ("2025", 7, "nummod", "NUM")]
    parse += [(".", 2, "punct", "PUNCT")]
    _, entities = _run(parse, {"UNITAS": (5, 6, "Event")}, [], published=None)
    assert entities["UNITAS"].event_date == "2025-12-04"


def test_a_bound_is_not_a_date() -> None:
    parse = [("since" if w == "On" else w, h, d, p) for w, h, d, p in ON_THURSDAY_TRAINED]
    (rel,), _ = _run(
        parse,
        {"7th Brigade": (3, 4, "MilitaryUnit"), "U.S. Marines": (7, 8, "MilitaryUnit")},
        [("7th Brigade", "trainsWith", "U.S. Marines")],
    )
    assert rel.evidence.event_date is None  # "since Thursday" says when it began at most


def test_no_date_in_the_text_leaves_the_records_as_they_are() -> None:
    parse = [("Today" if w == "Thursday" else w, h, d, p) for w, h, d, p in ON_THURSDAY_TRAINED]
    parse[0] = ("Yet", 4, "advmod", "ADV")
    parse[1] = ("again", 4, "advmod", "ADV")
    facts = [("7th Brigade", "trainsWith", "U.S. Marines")]
    mentions = {"7th Brigade": (3, 4, "MilitaryUnit"), "U.S. Marines": (7, 8, "MilitaryUnit")}
    rels, _ = _run(parse, mentions, facts)
    assert rels[0].evidence == Evidence(
        "d", _doc(parse).text, 0, len(_doc(parse).text), "test.v1", 0.9
    )


# ---------------------------------------------------------------- the whole extractor


def _extract(nlp, text: str, published: str | None = "2026-11-20"):
    from kg.extract import extract_document
    from kg.extract.model import Models

    return extract_document(nlp(text), Document("t", text, "t.txt", published=published), Models())


def _dates(ex, predicate: str) -> list[str | None]:
    return [r.evidence.event_date for r in ex.relations if r.predicate == predicate]


@pytest.mark.slow
def test_extracted_training_on_thursday_is_dated_in_the_graph(nlp) -> None:
    from kg.rdf import quads as graph
    from kg.rdf import terms
    from kg.rdf.vocab import KG

    ex = _extract(
        nlp, "On Thursday the Peruvian Army's 7th Brigade trained with U.S. Army Special Forces."
    )
    (rel,) = [r for r in ex.relations if r.predicate == "trainsWith"]
    assert rel.evidence.event_date == "2026-11-19"
    st = terms.statement_iri("t", rel)
    quads = {(s, p, o) for s, p, o, _ in graph.extraction_quads(ex)}
    assert (st, KG.eventDate, Literal("2026-11-19", datatype=XSD.date)) in quads
    assert (st, KG.eventDateText, Literal("Thursday")) in quads


@pytest.mark.slow
def test_extracted_date_of_the_reporting_clause_is_not_the_training_date(nlp) -> None:
    ex = _extract(
        nlp,
        "The minister said on Monday that the Peruvian Army trained with U.S. Army Special Forces.",
    )
    assert _dates(ex, "trainsWith") == [None]


@pytest.mark.slow
def test_extracted_relative_date_without_publication_date_stays_undated(nlp) -> None:
    ex = _extract(nlp, "The Peruvian Navy trained with the Chilean Navy last Thursday.", None)
    assert _dates(ex, "trainsWith") == [None]
    ex = _extract(nlp, "The Peruvian Navy trained with the Chilean Navy on December 4, 2025.", None)
    assert _dates(ex, "trainsWith") == ["2025-12-04"]


@pytest.mark.slow
def test_extracted_event_and_a_drill_held_last_thursday(nlp) -> None:
    ex = _extract(
        nlp, "The Peruvian Navy held the exercise UNITAS on December 4 with the Chilean Navy."
    )
    events = {e.key: e.event_date for e in ex.entities if e.cls == "Event"}
    assert events == {"UNITAS": "2026-12-04"}
    ex = _extract(
        nlp,
        "A joint drill held last Thursday brought together the Peruvian Army and the U.S. Army.",
    )
    assert _dates(ex, "trainsWith") == ["2026-11-19"]


@pytest.mark.slow
def test_each_verb_of_a_coordination_keeps_its_own_date(nlp) -> None:
    ex = _extract(
        nlp,
        "The Peruvian Army met the Colombian Army on Tuesday and the brigade trained on Monday.",
    )
    assert _dates(ex, "meetsWith") == ["2026-11-17"]


@pytest.mark.slow
def test_a_relative_clause_keeps_its_date_to_itself(nlp) -> None:
    ex = _extract(
        nlp, "The U.S. Navy, which met the Peruvian Navy on Tuesday, trained with the Chilean Navy."
    )
    dated = {(r.predicate, r.object): r.evidence.event_date for r in ex.relations}
    assert dated[("meetsWith", "Peruvian Navy")] == "2026-11-17"
    assert dated[("trainsWith", "Chilean Navy")] is None
