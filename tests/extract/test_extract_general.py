"""Mechanisms that make extraction carry over to unseen articles, one behaviour per test, each
from a small hand-written sentence (issue 3: generalisation).

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


def facts(ex: Extraction) -> set[tuple[str, str, str]]:
    names = shown(ex)
    return {
        (names.get(r.subject, r.subject), r.predicate, names.get(r.object, r.object))
        for r in ex.relations
        if r.evidence.modality != "negated"
    }


def keys(ex: Extraction) -> set[str]:
    """The entities' labels (see ``shown``)."""
    return {e.label for e in ex.entities}


def test_generic_troops_fold_into_the_one_named_armed_forces(nlp) -> None:
    ex = run(
        nlp,
        "Engineers of the Kenya Defence Forces cleared mines near Isiolo. "
        "Kenyan troops also serve in Somalia.",
    )
    assert "Kenyan Armed Forces" not in keys(ex)
    assert ("Kenya Defence Forces", "deployedTo", "Somalia") in facts(ex)


def test_generic_soldiers_fold_into_the_one_named_army(nlp) -> None:
    ex = run(
        nlp,
        "The British Army runs a camp in Belize. British soldiers train there every year.",
    )
    assert "British Armed Forces" not in keys(ex)
    ent = next(e for e in ex.entities if e.key == "British Army")
    assert "British soldiers" in ent.aliases


def test_a_force_that_did_not_take_part_is_no_participant(nlp) -> None:
    ex = run(
        nlp,
        "The Chilean Navy and the Peruvian Navy took part in exercise Pacific Wave. "
        "The Bolivian Navy did not take part in the exercise.",
    )
    f = facts(ex)
    assert ("Chilean Navy", "trainsWith", "Peruvian Navy") in f
    assert not [t for t in f if "Bolivian Navy" in t and t[1] in ("participatesIn", "trainsWith")]


def test_numbered_unit_is_named_with_its_parent(nlp) -> None:
    ex = run(nlp, "The 1st Battalion of the Royal Anglian Regiment will deploy to Kenya.")
    ent = next(e for e in ex.entities if e.key.startswith("1st Battalion"))
    assert ent.label == "1st Battalion of the Royal Anglian Regiment"
    assert "1st Battalion" in ent.aliases


def test_subdivision_lies_in_the_story_country(nlp) -> None:
    ex = run(
        nlp,
        "Ecuador's army trained in the province of Manabi. "
        "Ecuador said the drills in Ecuador would go on.",
    )
    assert ("Manabi", "locatedIn", "Ecuador") in facts(ex)


def test_a_possessed_place_lies_in_its_state(nlp) -> None:
    ex = run(nlp, "The corridor runs between Belarus and Russia's Kaliningrad region.")
    assert ("Kaliningrad", "locatedIn", "Russia") in facts(ex)


def test_deployment_to_a_place_abroad_is_a_deployment_to_its_state(nlp) -> None:
    ex = run(nlp, "The U.S. Army will deploy 200 soldiers to Cartagena, Colombia, in May.")
    f = facts(ex)
    assert ("U.S. Army", "deployedTo", "Cartagena") in f
    assert ("U.S. Army", "deployedTo", "Colombia") in f


def test_rank_abbreviation_does_not_end_the_sentence(nlp) -> None:
    doc = nlp("Defense Minister Ana Ruiz met Brig. Gen. Laura Kessler in Quito.")
    assert len(list(doc.sents)) == 1
    ex = run(nlp, "Defense Minister Ana Ruiz met Brig. Gen. Laura Kessler in Quito.")
    assert ("Ana Ruiz", "meetsWith", "Laura Kessler") in facts(ex)


def test_a_persons_post_in_apposition_is_not_a_second_party(nlp) -> None:
    ex = run(
        nlp,
        "Defense Minister Ana Ruiz met Brig. Gen. Laura Kessler, deputy commander of "
        "U.S. Army South, in Quito.",
    )
    f = facts(ex)
    assert ("Ana Ruiz", "meetsWith", "Laura Kessler") in f
    assert not [t for t in f if t[1] == "meetsWith" and "U.S. Army South" in (t[0], t[2])]


def test_description_with_a_name_modifier_is_the_named_body(nlp) -> None:
    ex = run(
        nlp,
        "The Lithuanian Army's Iron Wolf Mechanised Infantry Brigade hosted the drills. "
        '"We practise often," said Col. Jonas Rimas, the commander of the Iron Wolf brigade.',
    )
    assert ("Jonas Rimas", "leads", "Iron Wolf Mechanised Infantry Brigade") in facts(ex)


def test_possessive_description_before_a_title(nlp) -> None:
    ex = run(
        nlp,
        "The Defence Committee of the National Assembly approved the text, according to "
        "the committee's chairman, Elijah Mutua.",
    )
    assert ("Elijah Mutua", "leads", "Defence Committee") in facts(ex)


def test_list_of_capitalised_words_before_one_head_is_one_name(nlp) -> None:
    ex = run(
        nlp,
        "The Defence, Intelligence and Foreign Relations Committee of the National Assembly "
        "met on Monday.",
    )
    assert any(
        k.startswith("Defence, Intelligence and Foreign Relations Committee") for k in keys(ex)
    )


def test_coordinated_subject_working_together_cooperates(nlp) -> None:
    ex = run(
        nlp,
        "The ministry said that the Colombian Navy and the U.S. Marine Corps would keep "
        "working together against drug trafficking.",
    )
    f = facts(ex)
    assert ("Colombian Navy", "cooperatesWith", "U.S. Marine Corps") in f
    assert ("Colombia", "cooperatesWith", "United States") in f


def test_relationship_between_our_two_countries(nlp) -> None:
    ex = run(
        nlp,
        "Officials of Ghana and Togo praised the strong relationship between our two countries.",
    )
    assert {("Ghana", "cooperatesWith", "Togo"), ("Togo", "cooperatesWith", "Ghana")} & facts(ex)


def test_his_unit_is_the_one_he_leads(nlp) -> None:
    ex = run(
        nlp,
        "Lt. Col. Hernán Ospina, commander of the Third Riverine Battalion, praised the drills. "
        "His battalion is based in Turbo.",
    )
    assert ("Third Riverine Battalion", "basedIn", "Turbo") in facts(ex)


def test_object_of_allow_does_the_work(nlp) -> None:
    ex = run(
        nlp,
        "The Anti-Narcotics Directorate of the National Police of Ecuador leads the effort. "
        "The text allows agents of the DEA to work alongside investigators of the directorate.",
    )
    f = facts(ex)
    pair = {t for t in f if t[1] == "cooperatesWith" and "Drug Enforcement Administration" in t}
    assert pair


def test_short_place_name_without_its_subdivision_noun(nlp) -> None:
    ex = run(
        nlp,
        "British soldiers train in Laikipia County in Kenya. The ranges in Laikipia are dry.",
    )
    assert not ({"Laikipia", "Laikipia County"} <= keys(ex))


def test_two_guests_of_a_hosted_exercise_are_not_paired_across_sentences(nlp) -> None:
    ex = run(
        nlp,
        "The Philippine Marine Corps hosted the Balikatan exercise in the Philippines. "
        "The Japan Ground Self-Defense Force took part in Balikatan. "
        "The U.S. Marine Corps also took part in Balikatan.",
    )
    f = facts(ex)
    guests = {"Japan Ground Self-Defense Force", "U.S. Marine Corps"}
    assert not [t for t in f if t[1] == "trainsWith" and {t[0], t[2]} == guests]
    assert not [
        t for t in f if t[1] == "cooperatesWith" and {t[0], t[2]} == {"Japan", "United States"}
    ]


def test_a_unit_sent_to_the_story_country_does_not_get_its_state(nlp) -> None:
    ex = run(
        nlp,
        "Kenya renewed the pact in Nairobi. Kenya said the Royal Anglian Regiment will deploy "
        "to Nanyuki, in Kenya, in January.",
    )
    assert ("Royal Anglian Regiment", "affiliatedWith", "Kenya") not in facts(ex)


def test_what_the_text_allows_is_authorized_by_the_body_that_authorized_before(nlp) -> None:
    ex = run(
        nlp,
        "The presence of U.S. military personnel in Ecuador was authorized by the National "
        "Assembly on Wednesday. The text also allows agents of the DEA to work in Guayaquil.",
    )
    assert ("National Assembly", "authorizes", "Drug Enforcement Administration") in facts(ex)


def test_an_agency_working_abroad_is_deployed_there(nlp) -> None:
    f = facts(run(nlp, "The DEA works in Guayaquil, Ecuador, with local police."))
    assert ("Drug Enforcement Administration", "deployedTo", "Guayaquil") in f


def test_an_agency_working_at_home_is_not_deployed(nlp) -> None:
    f = facts(run(nlp, "The DEA works in Miami with local police."))
    assert not [t for t in f if t[1] == "deployedTo"]


def test_an_international_official_gets_no_state_by_default(nlp) -> None:
    ex = run(
        nlp, "Colombian Defense Minister Juan Pinzon met NATO director Stephen Smith in Bogota."
    )
    f = facts(ex)
    assert ("Stephen Smith", "worksFor", "North Atlantic Treaty Organization") in f
    assert not [t for t in f if t[0] == "Stephen Smith" and t[1] == "affiliatedWith"]


def test_a_place_whose_state_is_not_named_is_handled(nlp) -> None:
    # the gazetteer puts Havana in Cuba, which the text never names: no entity to look up
    ex = run(nlp, "Mexican marines trained with Colombian marines in Havana in March.")
    f = facts(ex)
    assert ("Mexican Marines", "trainsWith", "Colombian Marines") in f
    assert ("Mexican Marines", "deployedTo", "Havana") in f


def test_the_units_commanding_officer_in_apposition(nlp) -> None:
    ex = run(
        nlp,
        "About 120 Marines came from the 2nd Reconnaissance Battalion of the U.S. Marine Corps. "
        '"The river is a hard classroom," said Lt. Col. Aaron Whitfield, the battalion\'s '
        "commanding officer.",
    )
    f = facts(ex)
    assert ("Aaron Whitfield", "leads", "2nd Reconnaissance Battalion") in f
    assert ("Aaron Whitfield", "affiliatedWith", "United States") in f


def test_an_ambiguous_description_names_nobody(nlp) -> None:
    ex = run(
        nlp,
        "The First Riverine Battalion and the Sixth Riverine Battalion trained in Turbo. "
        "Col. Ana Ruiz, the battalion's commander, praised the drills.",
    )
    assert not [r for r in ex.relations if r.subject == "Ana Ruiz" and r.predicate == "leads"]


def test_an_office_named_after_a_body_is_a_title_as_written(nlp) -> None:
    ex = run(
        nlp, "Wanjiru later met Britain's Minister for the Armed Forces, James Hartley, in Nairobi."
    )
    f = facts(ex)
    assert ("James Hartley", "hasTitle", "Minister for the Armed Forces") in f
    assert ("James Hartley", "affiliatedWith", "United Kingdom") in f


def test_the_commander_of_a_body_before_a_name_leads_it(nlp) -> None:
    ex = run(
        nlp,
        "The drill was watched by the Commander of the Tenth Jungle Brigade, Major General "
        "Rosa Vidal, and by officers of the Peruvian Army.",
    )
    f = facts(ex)
    assert ("Rosa Vidal", "hasTitle", "Commander") in f
    assert ("Rosa Vidal", "leads", "Tenth Jungle Brigade") in f
    assert ("Rosa Vidal", "worksFor", "Tenth Jungle Brigade") in f


def test_an_office_right_after_a_name_without_a_comma(nlp) -> None:
    ex = run(
        nlp,
        "The first to jump was General Rosa Vidal Commander of the Tenth Jungle Brigade, "
        "followed by her staff.",
    )
    f = facts(ex)
    assert ("Rosa Vidal", "hasTitle", "Commander") in f
    assert ("Rosa Vidal", "leads", "Tenth Jungle Brigade") in f


def test_a_persons_state_in_brackets(nlp) -> None:
    ex = run(
        nlp,
        "The defence ministers Rosa Vidal (Ecuador), Tomas Ruiz (Peru) and Ana Paz (Chile) "
        "met in Quito.",
    )
    f = facts(ex)
    assert {
        ("Rosa Vidal", "affiliatedWith", "Ecuador"),
        ("Tomas Ruiz", "affiliatedWith", "Peru"),
    } <= f
    assert ("Ana Paz", "affiliatedWith", "Chile") in f
    # "ministers" is the group's office, not a title of the first name
    assert not [o for s, p, o in f if p == "hasTitle"]


def test_the_participation_of_listed_states_makes_them_participants(nlp) -> None:
    ex = run(
        nlp,
        "Jordan is hosting the annual Exercise Desert Falcon this month. "
        "The exercise will see the participation of Kuwait, Bahrain and Qatar.",
    )
    f = facts(ex)
    for state in ("Kuwait", "Bahrain", "Qatar"):
        assert (state, "participatesIn", "Exercise Desert Falcon") in f, sorted(f)


def test_a_ships_prefix_gives_its_state_and_its_navy(nlp) -> None:
    ex = run(
        nlp,
        "The Royal Australian Navy sent HMAS Brisbane to the exercise. INS Kolkata joined it.",
    )
    f = facts(ex)
    assert ("HMAS Brisbane", "affiliatedWith", "Australia") in f
    assert ("HMAS Brisbane", "partOf", "Royal Australian Navy") in f
    # "INS" is written for Indian and Israeli ships: its name gives no state and no navy
    read_from_name = [
        r.evidence.rule
        for r in ex.relations
        if r.subject == "INS Kolkata" and r.evidence.rule.startswith("name.")
    ]
    assert read_from_name == []


def test_an_office_written_in_lower_case_is_the_title_whole(nlp) -> None:
    ex = run(nlp, "Chilean chief of naval operations Adm. Rosa Vidal inspected the ships.")
    f = facts(ex)
    assert ("Rosa Vidal", "hasTitle", "chief of naval operations") in f
    assert ("Rosa Vidal", "affiliatedWith", "Chile") in f


def test_the_place_an_ambassador_is_posted_to_is_no_part_of_the_title(nlp) -> None:
    ex = run(nlp, "Brazilian envoy to Peru Tomas Ruiz welcomed the delegation.")
    f = facts(ex)
    assert ("Tomas Ruiz", "hasTitle", "envoy") in f
    assert ("Tomas Ruiz", "affiliatedWith", "Brazil") in f


def test_a_branch_named_in_a_gazetteer_is_part_of_its_states_armed_forces(nlp) -> None:
    ex = run(nlp, "U.S. forces arrived in Lima. The U.S. Navy and the U.S. Coast Guard took part.")
    f = facts(ex)
    assert ("U.S. Navy", "partOf", "U.S. Armed Forces") in f
    assert ("U.S. Coast Guard", "partOf", "U.S. Armed Forces") in f


def test_a_numbered_land_unit_is_part_of_its_states_one_army(nlp) -> None:
    ex = run(nlp, "The Canadian Army led the training with the 5th Canadian Division.")
    assert ("5th Canadian Division", "partOf", "Canadian Army") in facts(ex)


def test_in_a_list_of_titled_people_each_title_is_the_next_persons(nlp) -> None:
    ex = run(
        nlp,
        "The minister arrived with Senior Adviser Ana Paz, Director of Logistics Tomas Ruiz, "
        "and Deputy Director of Public Affairs Rosa Vidal.",
    )
    titles = {(s, o) for s, p, o in facts(ex) if p == "hasTitle"}
    assert ("Tomas Ruiz", "Director of Logistics") in titles
    assert ("Rosa Vidal", "Deputy Director of Public Affairs") in titles
    assert not [t for t in titles if t[0] == "Ana Paz" and "Logistics" in t[1]]


@pytest.mark.parametrize(
    ("text", "author", "outlet"),
    [
        (
            "Marines train in Chile\n\nBy MARTA SOLIS | THE ANDES COURIER Published: May 3, "
            "2024\n\nU.S. Marines trained with the Chilean Navy in Valparaiso.",
            "Marta Solis",
            "Andes Courier",
        ),
        (
            "U.S. Marines trained with the Chilean Navy in Arica. By Tomas Ruiz, Pacific Daily",
            "Tomas Ruiz",
            "Pacific Daily",
        ),
        (
            "U.S. Marines trained with the Chilean Navy in Valparaiso.\n\nPhoto by Cpl. Ana Paz, "
            "Canadian Forces Combat Camera\n\nThe drill ended.",
            "Ana Paz",
            "Canadian Forces Combat Camera",
        ),
    ],
)
def test_the_author_of_a_byline_or_credit_works_for_the_outlet_it_names(
    nlp, text: str, author: str, outlet: str
) -> None:
    assert (author, "worksFor", outlet) in facts(run(nlp, text))


def test_a_tagged_phrase_without_a_capital_is_no_name(nlp) -> None:
    # spaCy's tagger reads "joint coast guard" as an organisation here
    text = "Chile and Peru began a second round of joint coast guard exercises near Arica."
    doc = nlp(text)
    assert any(e.text == "joint coast guard" for e in doc.ents)  # what the fix is about
    assert "joint coast guard" not in {e.label.lower() for e in run(nlp, text).entities}


def test_chief_before_a_name_is_the_office_and_its_body_is_led(nlp) -> None:
    f = facts(run(nlp, "Northern Police chief Rahim Osman said the port was safe."))
    assert ("Rahim Osman", "hasTitle", "chief") in f
    assert ("Rahim Osman", "worksFor", "Northern Police") in f
    assert ("Rahim Osman", "leads", "Northern Police") in f


def test_chief_before_a_rank_is_the_office(nlp) -> None:
    f = facts(run(nlp, "Coastal Command chief Maj. Gen. Tomas Berg opened the range."))
    assert ("Tomas Berg", "hasTitle", "chief") in f
    assert ("Tomas Berg", "leads", "Coastal Command") in f


@pytest.mark.parametrize(
    "text",
    [
        "Chief Petty Officer Sam Lee sailed with the frigate.",
        "Petty Officer Second Class Gordon Miles joined the crew.",
        "Warrant Officer Tim Hale flew the helicopter.",
    ],
)
def test_a_compound_rank_is_no_title(nlp, text: str) -> None:
    assert not [o for s, p, o in facts(run(nlp, text)) if p == "hasTitle"]


def test_a_title_stands_before_a_form_of_address(nlp) -> None:
    f = facts(run(nlp, "Gulf Police chief Datuk Rahim Osman said the port was safe."))
    assert ("Rahim Osman", "hasTitle", "chief") in f
    assert ("Rahim Osman", "leads", "Gulf Police") in f


def test_a_name_the_tagger_cut_in_two_is_one_person(nlp) -> None:
    text = "The unit's director Datuk Khoo Kay Peng spoke."
    # what the fix is about: spaCy's tagger reads two touching PERSON spans here
    assert [e.text for e in nlp(text).ents] == ["Datuk Khoo", "Kay Peng"]
    people = [e.label for e in run(nlp, text).entities if e.cls == "Person"]
    assert people == ["Khoo Kay Peng"]


def test_a_title_after_a_bodys_bracketed_acronym_names_that_body(nlp) -> None:
    f = facts(
        run(nlp, "The Coastal Narcotics Investigation Department (CNID) director Lena Ortiz spoke.")
    )
    assert ("Lena Ortiz", "hasTitle", "director") in f
    assert ("Lena Ortiz", "worksFor", "Coastal Narcotics Investigation Department") in f
    assert ("Lena Ortiz", "leads", "Coastal Narcotics Investigation Department") in f


def test_a_sentences_first_article_is_no_part_of_a_title(nlp) -> None:
    f = facts(run(nlp, "The assistant director Mark Olsen opened the meeting."))
    assert ("Mark Olsen", "hasTitle", "assistant director") in f


def test_a_name_after_and_takes_no_title_from_before_it(nlp) -> None:
    text = "The guests were Hon. Carl Dean, Minister of Fisheries and Ms. Joan Pratt, the envoy."
    f = facts(run(nlp, text))
    assert not [o for s, p, o in f if s == "Joan Pratt" and p == "hasTitle" and "inister" in o]


def test_a_he_or_she_subject_is_the_person_of_the_clause_above(nlp) -> None:
    text = "Minister Anna Lind said in a video after she met Carlos Ibarra in Lima."
    f = facts(run(nlp, text))
    assert ("Anna Lind", "meetsWith", "Carlos Ibarra") in f


def test_a_numbered_unit_whose_name_holds_a_body_is_part_of_it(nlp) -> None:
    text = "The Canadian Army sent teams from the 2nd and 5th Canadian Army Divisions."
    f = facts(run(nlp, text))
    assert ("2nd Canadian Army Division", "partOf", "Canadian Army") in f
    assert ("5th Canadian Army Division", "partOf", "Canadian Army") in f


def test_a_ship_prefix_several_states_write_takes_the_navy_the_text_names(nlp) -> None:
    text = "The Indian Navy sent INS Kolkata to the drill with the Royal Australian Navy."
    f = facts(run(nlp, text))
    assert ("INS Kolkata", "partOf", "Indian Navy") in f
    assert ("INS Kolkata", "affiliatedWith", "India") in f


def test_a_hyphenated_office_is_the_title_as_written(nlp) -> None:
    f = facts(run(nlp, "Inspector-General of Police Tan Sri Ahmad Zaki opened the meeting."))
    assert ("Ahmad Zaki", "hasTitle", "Inspector-General of Police") in f


def test_a_form_of_address_after_an_office_is_no_part_of_the_name(nlp) -> None:
    ex = run(nlp, "Inspector-General of Police Tan Sri Ahmad Zaki opened the meeting.")
    assert [e.label for e in ex.entities if e.cls == "Person"] == ["Ahmad Zaki"]


@pytest.mark.parametrize(
    ("text", "person", "title"),
    [
        (
            "The deal was signed by Secretary for Defence, Tom Reyes.",
            "Tom Reyes",
            "Secretary for Defence",
        ),
        (
            "Minister for Home Affairs Ana Ruiz said the border was calm.",
            "Ana Ruiz",
            "Minister for Home Affairs",
        ),
        (
            "The presidential spokesman Kim Dae-ho said the bill passed.",
            "Kim Dae-ho",
            "presidential spokesman",
        ),
    ],
)
def test_an_office_for_a_portfolio_is_the_title_whole(
    nlp, text: str, person: str, title: str
) -> None:
    assert (person, "hasTitle", title) in facts(run(nlp, text))


def test_an_office_then_its_body_then_a_rank_before_a_name(nlp) -> None:
    f = facts(run(nlp, "Commander Kenya Army Lt Gen Peter Njiru presided over the ceremony."))
    assert ("Peter Njiru", "hasTitle", "Commander") in f
    assert ("Peter Njiru", "leads", "Kenyan Army") in f
    assert ("Peter Njiru", "worksFor", "Kenyan Army") in f


def test_a_body_then_a_rank_before_a_name_is_where_the_person_serves(nlp) -> None:
    f = facts(run(nlp, "U.S. Army Lt. Col. Angel Martinez said the training went well."))
    assert ("Angel Martinez", "worksFor", "U.S. Army") in f
    assert ("Angel Martinez", "affiliatedWith", "United States") in f
