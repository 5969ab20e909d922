"""People read from what the sentence says of them (issue 11): a name in apposition to an office
is a person's even when spaCy's tagger calls it an organisation, and the places a person comes
from (livesIn patterns of kg/data/patterns/relations.jsonl). Rules alone (``Models()``); the
sentences are hand-written, with made-up people."""

from __future__ import annotations

import pytest

from kg.records import Document, Extraction

pytestmark = pytest.mark.slow


def run(nlp, doc) -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document
    from kg.extract.model import Models

    if isinstance(doc, str):
        doc = nlp(doc)
    return extract_document(doc, Document("t", doc.text, "t.txt"), Models())


def facts(ex: Extraction) -> set[tuple[str, str, str]]:
    names = {e.key: e.label for e in ex.entities}
    return {(names[r.subject], r.predicate, names.get(r.object, r.object)) for r in ex.relations}


def _tagged_as_org(nlp, text: str, name: str):  # type: ignore[no-untyped-def]
    """``text`` parsed, with spaCy's entity over ``name`` relabelled ORG (the tagger's error)."""
    from spacy.tokens import Span

    doc = nlp(text)
    start = next(t.i for t in doc if t.text == name.split()[0])
    end = start + len(name.split())
    others = [e for e in doc.ents if e.end <= start or e.start >= end]
    doc.ents = sorted([*others, Span(doc, start, end, label="ORG")], key=lambda e: e.start)
    return doc


def test_an_org_named_in_apposition_to_an_office_is_a_person(nlp) -> None:
    text = "The Secretary for Defence, Aden Otieno, signed the agreement in Nairobi."
    ex = run(nlp, _tagged_as_org(nlp, text, "Aden Otieno"))
    classes = {e.label: e.cls for e in ex.entities}
    assert classes["Aden Otieno"] == "Person"
    assert ("Aden Otieno", "hasTitle", "Secretary for Defence") in facts(ex)


def test_an_org_with_a_body_s_word_stays_an_organisation(nlp) -> None:
    text = "The Secretary for Defence, Otieno Command, signed the agreement in Nairobi."
    ex = run(nlp, _tagged_as_org(nlp, text, "Otieno Command"))
    classes = {e.label: e.cls for e in ex.entities}
    assert classes.get("Otieno Command") != "Person"


def test_whose_home_province_is_a_place_the_person_lives_in(nlp) -> None:
    ex = run(nlp, "Maria Lopez, whose hometown is Cusco, spoke to reporters.")
    assert ("Maria Lopez", "livesIn", "Cusco") in facts(ex)


def test_born_in_a_place(nlp) -> None:
    ex = run(nlp, "Juan Cruz was born in Arequipa in 1960.")
    assert ("Juan Cruz", "livesIn", "Arequipa") in facts(ex)
