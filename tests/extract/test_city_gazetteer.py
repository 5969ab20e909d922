"""The world's towns (``kg/data/lexicons/cities.tsv``, from GeoNames): a town the text names lies
in its country when the article names that country too (rule ``gaz.city.located.v1``, issue
11). Rules alone (``Models()``); hand-written sentences."""

from __future__ import annotations

import pytest

from kg.records import Document, Extraction


def run(nlp, text: str) -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document
    from kg.extract.model import Models

    return extract_document(nlp(text), Document("t", text, "t.txt"), Models())


def located(ex: Extraction) -> dict[tuple[str, str], str]:
    names = {e.key: e.label for e in ex.entities}
    return {
        (names[r.subject], names[r.object]): r.evidence.rule
        for r in ex.relations
        if r.predicate == "locatedIn"
    }


@pytest.mark.slow
def test_a_town_lies_in_its_country_when_the_article_names_it(nlp) -> None:
    ex = run(nlp, "Moroccan and U.S. troops trained near Kenitra on Monday.")
    assert located(ex) == {("Kenitra", "Morocco"): "gaz.city.located.v1"}


@pytest.mark.slow
def test_a_town_whose_country_the_article_does_not_name_is_placed_nowhere(nlp) -> None:
    assert located(run(nlp, "Troops from Kenya arrived in Zagreb.")) == {}


def test_the_table_names_each_town_once_and_no_country() -> None:
    from kg.extract.lexicon import _rows, city_countries, load

    rows = list(_rows("cities.tsv"))
    towns = city_countries()
    lex = load()
    assert len(towns) == len(rows) > 20000
    assert not [t for t in towns if lex.country_of(t) or t in lex.places]
    assert set(towns.values()) <= set(lex.modifier)  # canonical country names


@pytest.mark.slow
def test_a_town_the_text_places_gets_no_country_on_top(nlp) -> None:
    ex = run(nlp, "The base is in Suffolk, Virginia, in the United States.")
    assert located(ex) == {
        ("Suffolk", "Virginia"): "loc.adjacent.v1",
        ("Virginia", "United States"): "loc.adjacent.v1",
    }
