"""Headlines, bylines, datelines and photo credits read by their own grammar (issue 11,
capability 3: "a headline or byline line taken as a name"). One behaviour per test, each on a
small hand-written text."""

from __future__ import annotations

import pytest

from kg.records import Document, Extraction

pytestmark = pytest.mark.slow


def run(nlp, text: str) -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document

    return extract_document(nlp(text), Document("t", text, "t.txt"))


def layout(nlp, text: str):  # type: ignore[no-untyped-def]
    from kg.extract.lines import read_layout

    doc = nlp(text)
    lay = read_layout(doc)
    parts = [(doc[p.start : p.end].text, p.role, p.line, p.text) for p in lay.parts]
    return doc, lay, parts


def labels(ex: Extraction) -> dict[str, str]:
    """Every label and alias of the extraction -> the class of its entity."""
    out = {}
    for e in ex.entities:
        for name in (e.label, *e.aliases):
            out[name] = e.cls
    return out


def test_a_title_case_headline_is_no_name(nlp) -> None:
    ex = run(
        nlp,
        "Navy Divers Strengthen Harbour Skills\n\n"
        "Divers of the Chilean Navy trained with Peruvian divers in Callao on Monday.",
    )
    assert not [k for k in labels(ex) if "Strengthen" in k]


def test_a_headline_keeps_the_names_the_article_confirms(nlp) -> None:
    ex = run(
        nlp,
        "Chilean Navy And Peru Sign Diving Accord In Lima\n\n"
        "The Chilean Navy signed an accord with Peru on diving, officials said on Monday in Lima.",
    )
    names = labels(ex)
    assert names.get("Chilean Navy") == "MilitaryUnit"
    assert not [k for k in names if "Sign" in k or "Accord In" in k]


def test_a_byline_gives_the_author_and_the_outlet(nlp) -> None:
    ex = run(
        nlp,
        "By MARIA LOPEZ | THE HARBOUR GAZETTE Published: May 2, 2024\n\n"
        "The Chilean Navy trained with the Peruvian Navy off Callao this week, officers said.",
    )
    names = labels(ex)
    assert names.get("Maria Lopez") == "Person"
    assert names.get("The Harbour Gazette") == "Organization" or (
        names.get("Harbour Gazette") == "Organization"
    )
    assert "MARIA LOPEZ" in names  # the written form stays as an alias
    assert not [k for k in names if "Published" in k]


def test_a_dated_byline_gives_the_author(nlp) -> None:
    _doc, _lay, parts = layout(
        nlp, "12th May 2024 - 10:15 by Daniel Kerr in London\n\nSpecial forces met in Accra."
    )
    assert ("Daniel Kerr", "person", "byline", None) in parts
    assert not [p for p in parts if p[0] == "London"]


def test_a_one_word_byline_is_an_outlet(nlp) -> None:
    _doc, _lay, parts = layout(nlp, "By Harbourwatch\nMay 2, 2024\n\nThe navy met the coast guard.")
    assert ("Harbourwatch", "outlet", "byline", None) in parts


def test_a_dateline_with_bars_gives_place_country_and_agency(nlp) -> None:
    ex = run(
        nlp,
        "Kisumu, Kenya | Newswire | A contingent of the Ugandan army arrived on Saturday in "
        "Kisumu for joint drills.",
    )
    names = labels(ex)
    assert names.get("Newswire") == "Organization"
    assert names.get("Kenya") == "Country"
    assert not [k for k in names if "|" in k or "Newswire A" in k]


def test_a_dateline_dash_ends_a_name(nlp) -> None:
    ex = run(
        nlp,
        "(Wire) SANTA ELENA, Belize - A U.S. Coast Guard cutter seized a boat carrying cocaine "
        "off the coast on Friday.",
    )
    names = labels(ex)
    assert not [k for k in names if "Belize -" in k or "Belize - A" in k]
    assert names.get("Wire") == "Organization"


def test_a_dateline_agency_glued_to_its_bracket(nlp) -> None:
    _doc, lay, parts = layout(
        nlp, "Quito, 26 August (Wirex).- The Ecuadorian police seized four tons of cocaine."
    )
    assert ("Wirex", "outlet", "dateline") in [(p[3] or p[0], p[1], p[2]) for p in parts]
    assert ("Quito", "place", "dateline", None) in parts


def test_a_mixed_case_dateline_needs_a_known_place(nlp) -> None:
    from kg.extract.lines import read_layout

    text = "Harbour Drill: Showcasing fast boats, divers and our allies in the south of Chile."
    doc = nlp(text)
    assert read_layout(doc).parts == []
    assert read_layout(doc, lambda s: s == "Harbour Drill").parts  # only a known place opens one


def test_a_photo_credit_gives_the_photographer_and_the_body(nlp) -> None:
    ex = run(
        nlp,
        "Divers check their gear before the drill.\n"
        "Photo: Sgt. Laura Benn, Chilean Navy Combat Camera\n"
        "The Chilean Navy trained with Peruvian divers in Callao on Monday.",
    )
    names = labels(ex)
    assert names.get("Laura Benn") == "Person"
    assert "Sgt. Laura Benn" in names  # the rank form is kept as an alias
    assert names.get("Chilean Navy Combat Camera") == "MilitaryUnit"


def test_a_caption_after_image_is_no_credit(nlp) -> None:
    _doc, _lay, parts = layout(
        nlp,
        "Image: soldiers set up a radio network in a tent at Fort Sherman, Panama. "
        "Photo: courtesy of US Army.\nThe drill ended on Friday.",
    )
    assert ("US Army", "outlet", "credit", None) in parts
    assert not [p for p in parts if "Sherman" in p[0]]


def test_a_credit_at_the_end_of_a_caption(nlp) -> None:
    _doc, _lay, parts = layout(
        nlp,
        "A father holds a photograph of his son in Amman, Jordan. AP / Dana Fisk\n"
        "The trial opened on Monday.",
    )
    assert ("AP", "outlet", "credit", None) in parts
    assert ("Dana Fisk", "person", "credit", None) in parts


def test_a_bracketed_photo_credit_names_the_body(nlp) -> None:
    _doc, lay, parts = layout(
        nlp, "Bales of drugs on the quay. (Navy photo)\nThe boat was seized on Monday."
    )
    assert ("Navy", "outlet", "credit", None) in parts


def test_a_social_media_handle_is_no_name(nlp) -> None:
    ex = run(
        nlp,
        "Commander Ana Ruiz visits the base, 2024. X/ @BaseNewsBot\n"
        "Commander Ana Ruiz of the Chilean Navy visited the base at Talcahuano on Monday.",
    )
    assert not [k for k in labels(ex) if "@" in k or k.startswith("X/")]


def test_a_related_link_line_is_a_headline(nlp) -> None:
    _doc, lay, _parts = layout(
        nlp,
        "The navy trained with the coast guard on Monday in Callao, officials said.\n"
        "RELATED: Coast Guard Ranks Lowest In Trust Survey\n"
        "The drills went on.",
    )
    assert lay.headline and not lay.parts
