"""Coordinated owners and names (issue 11, capability 3): "and" between two names that each stand
on their own makes two mentions, an "and" inside one name does not, and a list of states or
demonyms before or after one noun names one body of each. One behaviour per test."""

from __future__ import annotations

import pytest

from kg.records import Document, Extraction

pytestmark = pytest.mark.slow


def run(nlp, text: str) -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document

    return extract_document(nlp(text), Document("t", text, "t.txt"))


def labels(ex: Extraction) -> dict[str, str]:
    return {name: e.cls for e in ex.entities for name in (e.label, *e.aliases)}


def test_owners_listed_after_of_make_one_force_each(nlp) -> None:
    ex = run(nlp, "The drill brings together the Armed Forces of Bolivia, Chile, Peru and Ecuador.")
    names = labels(ex)
    for country in ("Bolivia", "Chile", "Peru", "Ecuador"):
        assert names.get(f"Armed Forces of {country}") == "MilitaryUnit", country


def test_demonyms_before_a_plural_name_make_one_body_each(nlp) -> None:
    ex = run(nlp, "Teams from the Danish and Polish Special Operations Commands took part.")
    names = labels(ex)
    assert names.get("Danish Special Operations Command") == "MilitaryUnit"
    assert names.get("Polish Special Operations Command") == "MilitaryUnit"
    assert not [k for k in names if " and " in k]


def test_an_and_inside_one_name_stays(nlp) -> None:
    ex = run(
        nlp,
        "The drills will feature mine clearance, according to a statement from U.S. 2nd Fleet "
        "and Naval Striking and Support Forces NATO, the command said.",
    )
    names = labels(ex)
    assert names.get("U.S. 2nd Fleet") == "MilitaryUnit"
    assert names.get("Naval Striking and Support Forces NATO") == "MilitaryUnit"
    assert not [k for k in names if k.endswith(" and")]


def test_two_countries_joined_by_and_are_two_countries(nlp) -> None:
    ex = run(nlp, "Soldiers from Niger and Burkina Faso trained together.")
    names = labels(ex)
    assert names.get("Niger") == "Country" and names.get("Burkina Faso") == "Country"
    assert "Niger and Burkina Faso" not in names


def test_a_country_named_with_and_stays_whole(nlp) -> None:
    # a guard for the split above
    ex = run(nlp, "The Antigua and Barbuda Defence Force trained with the Royal Thai Police.")
    names = labels(ex)
    assert names.get("Antigua and Barbuda Defence Force") == "MilitaryUnit"


def test_two_people_with_their_offices_are_two_people(nlp) -> None:
    ex = run(
        nlp,
        "Officials, including Deputy National Security Advisor Ann Mwangi and "
        "DIG-Prisons Service Paul Otieno, led the team.",
    )
    names = labels(ex)
    assert names.get("Ann Mwangi") == "Person"
    assert names.get("Paul Otieno") == "Person"


def test_demonyms_before_a_plural_common_noun_make_one_force_each(nlp) -> None:
    ex = run(nlp, "Soldiers of the Kenyan, Ugandan and Somali armies crossed the border.")
    keys = {e.key for e in ex.entities}
    assert {"Kenyan Army", "Ugandan Army", "Somali Army"} <= keys


def test_a_demonym_and_a_two_word_state_share_their_noun(nlp) -> None:
    ex = run(nlp, "The exercise was held between the Brazilian and United States armies.")
    keys = {e.key for e in ex.entities}
    assert {"Brazilian Army", "U.S. Army"} <= keys


def test_a_comma_list_of_demonyms_before_a_plural_name_makes_one_body_each(nlp) -> None:
    ex = run(nlp, "The Danish, Dutch, Polish and Czech Special Operations Commands sent teams.")
    names = labels(ex)
    for demonym in ("Danish", "Dutch", "Polish", "Czech"):
        assert names.get(f"{demonym} Special Operations Command") == "MilitaryUnit", demonym


def test_two_regions_joined_by_and_end_one_command_s_name(nlp) -> None:
    ex = run(nlp, "The drill was led by U.S. Naval Forces Europe and Africa, officials said.")
    assert labels(ex).get("U.S. Naval Forces Europe and Africa") == "MilitaryUnit"


def test_a_plural_common_noun_over_a_list_of_states_is_no_body(nlp) -> None:
    # a guard: "the militaries of A, B and C" are the states' forces in general (no entity of
    # their own, as the annotation rules say), not one force per state
    ex = run(nlp, "Officers came from the militaries of Chile, Peru and Bolivia for the drill.")
    assert not [e for e in ex.entities if e.cls == "MilitaryUnit"]


def _facts(ex: Extraction, predicate: str) -> set[tuple[str, str]]:
    names = {e.key: e.label for e in ex.entities}
    return {(names[r.subject], names[r.object]) for r in ex.relations if r.predicate == predicate}


def test_each_body_of_a_coordination_takes_the_role_of_the_shared_noun(rules_alone) -> None:
    # the split bodies' own first word is a modifier of "Commands": each is a participant
    ex = rules_alone(
        "The annual exercise, Southern Star 2024, began in Chile. Instruction is provided by "
        "training teams drawn from the Chilean, Peruvian and Mexican Special Operations Commands."
    )
    taking_part = {s for s, _ in _facts(ex, "participatesIn")}
    for demonym in ("Chilean", "Peruvian", "Mexican"):
        assert f"{demonym} Special Operations Command" in taking_part, demonym


def test_each_navy_of_a_coordination_is_an_argument_of_the_verb(rules_alone) -> None:
    ex = rules_alone("The Chilean, Peruvian and Mexican navies trained with the U.S. Navy.")
    us = "U.S. Navy"
    partners = {s if o == us else o for s, o in _facts(ex, "trainsWith") if us in (s, o)}
    assert partners == {"Chilean Navy", "Peruvian Navy", "Mexican Navy"}


def test_an_exercise_of_many_states_pairs_none_of_their_forces(rules_alone) -> None:
    # "not every pair of 20 listed countries" (the annotation rules): with more than four
    # states taking part, the frame names participants but pairs nobody
    ex = rules_alone(
        "The annual exercise, Southern Star 2024, began in Chile. Instruction is provided by "
        "training teams drawn from the Chilean, Peruvian and Mexican Special Operations "
        "Commands, the Spanish Army and the Italian Navy."
    )
    assert len({s for s, _ in _facts(ex, "participatesIn")}) >= 5
    assert _facts(ex, "trainsWith") == set()
