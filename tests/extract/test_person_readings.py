"""People read from what the sentence says of them (issue 11): a name in apposition to an office
is a person's even when spaCy's tagger calls it an organisation; the body a person's office is
held in, written after the name or after the title; the unit soldiers are from; the places a
person comes from (patterns of kg/data/patterns/relations.jsonl). Rules alone (``Models()``);
the sentences are hand-written, with made-up people."""

from __future__ import annotations

import pytest

from kg.records import Extraction

pytestmark = pytest.mark.slow


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


def test_an_org_named_in_apposition_to_an_office_is_a_person(nlp, rules_alone) -> None:
    text = "The Secretary for Defence, Aden Otieno, signed the agreement in Nairobi."
    ex = rules_alone(_tagged_as_org(nlp, text, "Aden Otieno"))
    classes = {e.label: e.cls for e in ex.entities}
    assert classes["Aden Otieno"] == "Person"
    assert ("Aden Otieno", "hasTitle", "Secretary for Defence") in facts(ex)


def test_an_org_with_a_body_s_word_stays_an_organisation(nlp, rules_alone) -> None:
    text = "The Secretary for Defence, Otieno Command, signed the agreement in Nairobi."
    ex = rules_alone(_tagged_as_org(nlp, text, "Otieno Command"))
    classes = {e.label: e.cls for e in ex.entities}
    assert classes.get("Otieno Command") != "Person"


def test_whose_home_province_is_a_place_the_person_lives_in(rules_alone) -> None:
    ex = rules_alone("Maria Lopez, whose hometown is Cusco, spoke to reporters.")
    assert ("Maria Lopez", "livesIn", "Cusco") in facts(ex)


def test_born_in_a_place(rules_alone) -> None:
    ex = rules_alone("Juan Cruz was born in Arequipa in 1960.")
    assert ("Juan Cruz", "livesIn", "Arequipa") in facts(ex)


def test_the_leader_of_a_body_leads_it(rules_alone) -> None:
    ex = rules_alone("Brig. Gen. John Hale, leader of Special Operations Command Africa, spoke.")
    f = facts(ex)
    assert ("John Hale", "hasTitle", "leader") in f
    assert ("John Hale", "leads", "Special Operations Command Africa") in f


def test_a_body_after_the_title_and_a_comma_is_where_the_office_is_held(rules_alone) -> None:
    ex = rules_alone("Maj. Gen. John Hale, commanding general, 3rd Marine Division, said so.")
    f = facts(ex)
    assert ("John Hale", "worksFor", "3rd Marine Division") in f
    assert ("John Hale", "leads", "3rd Marine Division") in f


def test_a_body_of_after_the_name_is_where_a_title_before_it_is_held(rules_alone) -> None:
    ex = rules_alone("Inspector General John Hale of the National Police Service thanked them.")
    f = facts(ex)
    assert ("John Hale", "worksFor", "National Police Service") in f
    assert not any(p == "leads" for _, p, _ in f)  # an inspector general is not its head


def test_soldiers_who_were_from_a_unit_work_for_it(rules_alone) -> None:
    ex = rules_alone(
        "The two soldiers, Staff Sgt John Hale, 27, and Staff Sgt Tom Reed, 30, were from the "
        "5th Special Forces Group.",
    )
    f = facts(ex)
    assert ("John Hale", "worksFor", "5th Special Forces Group") in f
    assert ("Tom Reed", "worksFor", "5th Special Forces Group") in f


def test_a_person_from_a_place_comes_from_it(rules_alone) -> None:
    assert ("Juan Cruz", "livesIn", "Arequipa") in facts(rules_alone("Juan Cruz is from Arequipa."))


def test_a_body_s_mission_is_the_body_and_its_base_is_the_town(rules_alone) -> None:
    ex = rules_alone("The NSATU mission, based in Wiesbaden, Germany, lacks approval.")
    based = {(s, o) for s, p, o in facts(ex) if p == "basedIn"}
    assert based == {("NSATU", "Wiesbaden")}
