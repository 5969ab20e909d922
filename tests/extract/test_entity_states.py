"""The state of a body, and its key (issue 11, capability 3): a state is recorded only from the
text's own evidence (its name, a possessive, "of" and the state, brackets, an apposition), never
from the dateline or the state the article is mostly about; a generic name ("National Assembly")
is keyed with its state, or with its document when the text gives none, so that two states'
bodies never merge; one body's names do ("Spain's Civil Guard" = "Spanish Civil Guard",
"Marine Infantry" = "Marines", "Defence" = "Defense"). One behaviour per test."""

from __future__ import annotations

import pytest

from kg.records import Document, Extraction

pytestmark = pytest.mark.slow


def run(nlp, text: str, doc_id: str = "t") -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document

    return extract_document(nlp(text), Document(doc_id, text, f"{doc_id}.txt"))


def facts(ex: Extraction) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in ex.relations}


def key_of(ex: Extraction, name: str) -> str:
    found = [e.key for e in ex.entities if name in (e.label, *e.aliases)]
    assert len(found) == 1, f"{name!r}: {found} among {[e.label for e in ex.entities]}"
    return found[0]


def test_a_state_named_inside_a_body_s_name_is_its_state(nlp) -> None:
    ex = run(
        nlp,
        "BANGKOK (Wire): The Royal Thai Police will go on working with the Royal Malaysia Police "
        "against smuggling across the border, Thai officers said in Bangkok.",
    )
    f = facts(ex)
    assert ("Royal Malaysia Police", "affiliatedWith", "Malaysia") in f
    assert ("Royal Malaysia Police", "affiliatedWith", "Thailand") not in f


def test_possessive_demonym_and_of_forms_are_one_body(nlp) -> None:
    ex = run(
        nlp,
        "Portugal's National Republican Guard sent two boats. The Portuguese National "
        "Republican Guard will also train the National Republican Guard of Portugal's allies.",
    )
    assert key_of(ex, "Portugal's National Republican Guard") == key_of(
        ex, "Portuguese National Republican Guard"
    )
    assert key_of(ex, "Portugal's National Republican Guard") == (
        "Portuguese National Republican Guard"
    )


def test_a_bare_name_joins_the_one_body_of_that_name(nlp) -> None:
    ex = run(
        nlp,
        "Portugal's National Republican Guard sent two boats to Dakar. Officers of the "
        "National Republican Guard will train Senegalese crews.",
    )
    assert key_of(ex, "National Republican Guard") == "Portuguese National Republican Guard"


def test_two_states_generic_bodies_keep_two_keys(nlp) -> None:
    a = run(nlp, "Kenya's National Assembly approved the deployment on Tuesday.", "a")
    b = run(nlp, "South Korea's National Assembly approved the dispatch on Friday.", "b")
    assert key_of(a, "Kenya's National Assembly") != key_of(b, "South Korea's National Assembly")


def test_a_generic_name_without_a_state_is_keyed_with_its_document(nlp) -> None:
    a = run(nlp, "The Special Forces Brigade trained near the river on Monday.", "a")
    b = run(nlp, "The Special Forces Brigade trained in the hills on Friday.", "b")
    ka, kb = key_of(a, "Special Forces Brigade"), key_of(b, "Special Forces Brigade")
    assert ka != kb
    assert [e.label for e in a.entities if e.key == ka] == ["Special Forces Brigade"]


def test_a_proper_name_is_not_keyed_with_its_document(nlp) -> None:
    ex = run(nlp, "The Iron Wolf Brigade trained near the river on Monday.")
    assert key_of(ex, "Iron Wolf Brigade") == "Iron Wolf Brigade"


def test_synonyms_of_a_state_s_marines_are_one_body(nlp) -> None:
    ex = run(
        nlp,
        "The Colombian Marine Infantry landed on the beach. The Colombian Marines then "
        "secured the port.",
    )
    assert key_of(ex, "Colombian Marine Infantry") == key_of(ex, "Colombian Marines")


def test_british_and_american_spellings_are_one_body(nlp) -> None:
    ex = run(
        nlp,
        "The Belize Defence Force met U.S. officers. The Belize Defense Force will host the "
        "drill in May.",
    )
    key = key_of(ex, "Belize Defence Force")
    assert key == key_of(ex, "Belize Defense Force")


def test_a_state_in_brackets_is_the_body_s_state(nlp) -> None:
    ex = run(nlp, "The Border Guard (Latvia) sent a patrol boat to the lake on Monday.")
    assert ("Border Guard", "affiliatedWith", "Latvia") in {
        (k.split(" (")[0], p, o) for k, p, o in facts(ex)
    } or any(
        p == "affiliatedWith" and o == "Latvia" and "Border Guard" in s for s, p, o in facts(ex)
    )


def test_a_state_in_an_apposition_is_the_body_s_state(nlp) -> None:
    ex = run(
        nlp,
        "Panama and Colombia signed the deal in Cartagena, Colombia. The National Border "
        "Service, Panama's border police, patrolled the Colombian coast with the Colombian Navy.",
    )
    assert any(
        p == "affiliatedWith" and o == "Panama" and "Border Service" in s for s, p, o in facts(ex)
    )


def test_the_article_s_state_is_no_evidence_for_a_bare_name(nlp) -> None:
    from kg.extract.lexicon import load
    from kg.extract.mentions.finder import MentionFinder
    from kg.extract.resolve import resolve

    text = "Peru signed the deal. The Anti-Drug Directorate seized a boat near Lima."
    cands = MentionFinder(load()).find(nlp(text))
    res = resolve(cands, text, load(), "Peru", scope="t")
    key = next(k for k in res.entities if k.startswith("Anti-Drug Directorate"))
    assert res.info[key].country is None
    assert res.info[key].likely_country == "Peru"
