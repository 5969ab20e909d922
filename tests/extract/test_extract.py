"""Extraction behaviours, one per test, from small hand-written sentences (spaCy loaded once).

The rules run alone here (``Models()``): they read the candidate facts and features the
learned model decides on (see test_model.py, test_training.py).
"""

from __future__ import annotations

import pytest

from kg.records import Document, Extraction

pytestmark = pytest.mark.slow


def run(nlp, text: str) -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document
    from kg.extract.model import Models

    return extract_document(nlp(text), Document("t", text, "t.txt"), Models())


def shown(ex: Extraction) -> dict[str, str]:
    """Each entity's key -> its label, the name a reader sees (a generic name is keyed with the
    document, "Ministry of Defense (t)", and a state body's key is spelled the American way)."""
    return {e.key: e.label for e in ex.entities}


def facts(ex: Extraction, with_negated: bool = False) -> set[tuple[str, str, str]]:
    names = shown(ex)
    return {
        (names.get(r.subject, r.subject), r.predicate, names.get(r.object, r.object))
        for r in ex.relations
        if with_negated or r.evidence.modality != "negated"
    }


def labels(ex: Extraction) -> dict[str, set[str]]:
    return {e.label: {e.label, *e.aliases} for e in ex.entities}


def test_title_before_a_name_with_its_demonym(nlp) -> None:
    ex = run(nlp, "Peruvian Foreign Minister Hugo de Zela spoke to reporters in Lima.")
    f = facts(ex)
    assert ("Hugo de Zela", "hasTitle", "Foreign Minister") in f
    assert ("Hugo de Zela", "affiliatedWith", "Peru") in f


def test_rank_before_a_name_is_not_a_title(nlp) -> None:
    ex = run(nlp, "Col. Henry Gamboa spoke to reporters on Monday.")
    assert not [r for r in ex.relations if r.predicate == "hasTitle"]


def test_general_alone_is_a_rank_and_after_a_title_word_an_office(nlp) -> None:
    ex = run(
        nlp, "General Rosa Vidal and Attorney General Tomas Ruiz met Commanding General Ana Paz."
    )
    titles = {(s, o) for s, p, o in facts(ex) if p == "hasTitle"}
    assert ("Tomas Ruiz", "Attorney General") in titles
    assert ("Ana Paz", "Commanding General") in titles
    assert not [o for s, o in titles if s == "Rosa Vidal"]


def test_title_in_apposition_keeps_its_office_name(nlp) -> None:
    ex = run(nlp, "The ceremony was attended by Marvin Dames, Minister of National Security.")
    assert ("Marvin Dames", "hasTitle", "Minister of National Security") in facts(ex)


def test_acronym_in_parentheses_after_the_name(nlp) -> None:
    ex = run(nlp, "The Joint Special Force (FEC, in Spanish) took part in the drills.")
    assert "FEC" in labels(ex)["Joint Special Force"]


def test_acronym_first_then_the_name_in_parentheses(nlp) -> None:
    ex = run(nlp, "Agents of the DIRAN (Anti-Narcotics Directorate) seized the boat.")
    assert "DIRAN" in labels(ex)["Anti-Narcotics Directorate"]


def test_an_agreement_is_no_entity(nlp) -> None:
    ex = run(
        nlp,
        "Peru and Chile signed the Coastal Patrol Agreement (CPA) in Lima. "
        "Under the CPA and a separate MoU, the Peruvian Navy will patrol with the Chilean Navy.",
    )
    names = set(labels(ex))
    assert not names & {"Coastal Patrol Agreement", "CPA", "MoU"}
    assert {"Peruvian Navy", "Chilean Navy", "Peru", "Chile"} <= names


def test_acronym_set_off_by_or(nlp) -> None:
    ex = run(nlp, "Chile has taken part in Southern Seas Operations, or SOUSOPS, since 2001.")
    assert "SOUSOPS" in labels(ex)["Southern Seas Operations"]


def test_or_between_two_bodies_is_no_acronym(nlp) -> None:
    ex = run(nlp, "The cargo was seized by the Peruvian Navy, or PNP, officers said.")
    assert "PNP" not in labels(ex).get("Peruvian Navy", set())


def test_alias_introduced_by_known_as(nlp) -> None:
    ex = run(nlp, "Officers of the Anti-Drug Directorate, known as Dirandro, seized the cargo.")
    assert "Dirandro" in labels(ex)["Anti-Drug Directorate"]


def test_later_acronym_mention_is_the_same_entity(nlp) -> None:
    ex = run(
        nlp,
        "The Naval Special Operations Forces (FOES) trained in Callao. FOES divers "
        "then returned to base.",
    )
    assert [e for e in ex.entities if "FOES" in {e.label, *e.aliases}] == [
        e for e in ex.entities if e.label == "Naval Special Operations Forces"
    ]


def test_demonym_forces_belong_to_their_state(nlp) -> None:
    ex = run(nlp, "Peruvian forces trained with U.S. troops near Cusco.")
    f = facts(ex)
    assert ("Peruvian Armed Forces", "affiliatedWith", "Peru") in f
    assert ("U.S. Armed Forces", "affiliatedWith", "United States") in f


def test_coordinated_demonyms_make_two_forces(nlp) -> None:
    ex = run(nlp, "U.S. and Colombian personnel established communication networks.")
    keys = {e.key for e in ex.entities}
    assert {"U.S. Armed Forces", "Colombian Armed Forces"} <= keys


def test_ordinal_coordination_makes_one_unit_each(nlp) -> None:
    ex = run(
        nlp,
        "Units of the Army, the second, fourth, and fifth Special Forces Brigades, "
        "took part in the drill.",
    )
    keys = {e.label for e in ex.entities}
    assert {
        "Second Special Forces Brigade",
        "Fourth Special Forces Brigade",
        "Fifth Special Forces Brigade",
    } <= keys


def test_distributed_plural_makes_one_ministry_each(nlp) -> None:
    ex = run(
        nlp,
        "Delegates of the Ministries of Justice, Health, and Defense were present.",
    )
    keys = {e.label for e in ex.entities}
    assert {"Ministry of Justice", "Ministry of Health", "Ministry of Defense"} <= keys


def test_units_such_as_a_list_are_part_of_the_body(nlp) -> None:
    ex = run(
        nlp,
        "The National Police of Chile will take part, with units such as the "
        "Border Control Directorate and the Counter-Narcotics Directorate.",
    )
    f = facts(ex)
    police = next(e.key for e in ex.entities if "National Police of Chile" in {e.label, *e.aliases})
    assert ("Border Control Directorate", "partOf", police) in f
    assert ("Counter-Narcotics Directorate", "partOf", police) in f


def test_head_noun_types_an_unknown_name(nlp) -> None:
    ex = run(nlp, "The Riverine Support Brigade and the Coastal Anti-Smuggling Directorate met.")
    cls = {e.label: e.cls for e in ex.entities}
    assert cls.get("Riverine Support Brigade") == "MilitaryUnit"
    assert cls.get("Coastal Anti-Smuggling Directorate") == "PoliceUnit"


def test_exercise_frame_pairs_forces_of_different_states(nlp) -> None:
    ex = run(
        nlp,
        "U.S. Special Forces will hold joint training exercises in Chile. "
        "The exercises involve the Chilean Army and the Naval Tactical Forces "
        "(FTN, in Spanish).",
    )
    f = facts(ex)
    assert ("U.S. Special Forces", "trainsWith", "Naval Tactical Forces") in f
    assert ("U.S. Special Forces", "trainsWith", "Chilean Army") in f


def test_verb_frame_train_with(nlp) -> None:
    ex = run(nlp, "Colombian marines trained with the U.S. Marine Corps in Cartagena.")
    pairs = {frozenset((s, o)) for s, p, o in facts(ex) if p == "trainsWith"}
    assert frozenset(("Colombian Marines", "U.S. Marine Corps")) in pairs


def test_passive_authorization_has_the_agent_as_subject(nlp) -> None:
    ex = run(nlp, "The entry of U.S. troops was authorized by the Congress of Peru.")
    # "Congress of Peru", "Peru's Congress" and "Peruvian Congress" are one body, one key
    assert ("Peruvian Congress", "authorizes", "U.S. Armed Forces") in facts(ex)


def test_negated_fact_is_kept_as_negated(nlp) -> None:
    ex = run(nlp, "The Congress of Peru did not authorize the entry of U.S. troops.")
    rel = [r for r in ex.relations if r.predicate == "authorizes"]
    assert rel and all(r.evidence.modality == "negated" for r in rel)


def test_future_fact_is_planned(nlp) -> None:
    ex = run(nlp, "U.S. Marines will arrive in Guatemala on June 14.")
    rel = [r for r in ex.relations if r.predicate == "deployedTo" and r.object == "Guatemala"]
    assert rel and rel[0].evidence.modality == "planned"


def test_said_fact_is_reported_with_its_source(nlp) -> None:
    ex = run(
        nlp, "The Congress of Peru authorized the entry of U.S. troops, the foreign minister said."
    )
    rel = [r for r in ex.relations if r.predicate == "authorizes"]
    assert rel and rel[0].evidence.modality == "reported"
    assert rel[0].evidence.attributed_to == "the foreign minister"


def test_meeting_between_two_officials(nlp) -> None:
    ex = run(
        nlp, "Defense Minister Juan Carlos Pinzon met with NATO Director Stephen Smith in Bogota."
    )
    pairs = {frozenset((s, o)) for s, p, o in facts(ex) if p == "meetsWith"}
    assert frozenset(("Juan Carlos Pinzon", "Stephen Smith")) in pairs


def test_place_followed_by_its_state(nlp) -> None:
    ex = run(nlp, "The teams met at Fort Liberty, North Carolina, last week.")
    assert ("Fort Liberty", "locatedIn", "North Carolina") in facts(ex)


def test_government_under_a_person_is_led_by_them(nlp) -> None:
    ex = run(nlp, "The U.S. government under Donald Trump notified Congress.")
    assert ("Donald Trump", "leads", "U.S. Government") in facts(ex)


def test_organisation_prefix_makes_a_sub_unit(nlp) -> None:
    ex = run(
        nlp,
        "The Royal Bahamas Defence Force (RBDF) received a boat for the RBDF Harbour Patrol Unit.",
    )
    assert ("RBDF Harbour Patrol Unit", "partOf", "Royal Bahamas Defence Force") in facts(ex)


def test_of_between_two_units_makes_a_sub_unit(nlp) -> None:
    ex = run(nlp, "The 3rd Marine Littoral Regiment of the U.S. Marine Corps landed on Batan.")
    assert ("3rd Marine Littoral Regiment", "partOf", "U.S. Marine Corps") in facts(ex)


def test_evidence_points_into_the_document(nlp) -> None:
    text = "Headline about drills\n\nPeruvian forces trained with U.S. troops near Cusco."
    ex = run(nlp, text)
    assert ex.relations
    for r in ex.relations:
        ev = r.evidence
        assert text[ev.start : ev.end] == ev.sentence
        assert 0.0 <= ev.confidence <= 1.0


def test_shared_article_us_special_forces_train_with_foes(nlp, shared_dir) -> None:
    path = shared_dir / "corpus" / "peru-us-troops-2026.txt"
    text = path.read_text(encoding="utf-8")
    ex = run(nlp, text)
    hits = [
        r
        for r in ex.relations
        if r.predicate == "trainsWith"
        and {shown(ex)[r.subject], shown(ex)[r.object]}
        == {"U.S. Special Forces", "Naval Special Operations Forces"}
    ]
    assert hits
    ev = hits[0].evidence
    assert text[ev.start : ev.end] == ev.sentence and ev.sentence.strip()
