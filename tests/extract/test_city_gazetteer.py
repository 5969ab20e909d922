"""The world's towns (``kg/data/lexicons/cities.tsv``, from GeoNames): a town the text names lies
in its country when the article names that country too (rule ``gaz.city.located.v1``, issue
11). Rules alone (``Models()``); hand-written sentences."""

from __future__ import annotations

import pytest
from facts_kit import rules_by_pair

from kg.records import Extraction


def located(ex: Extraction) -> dict[tuple[str, str], str]:
    return rules_by_pair(ex, "locatedIn")


@pytest.mark.slow
def test_a_town_lies_in_its_country_when_the_article_names_it(rules_alone) -> None:
    ex = rules_alone("Moroccan and U.S. troops trained near Kenitra on Monday.")
    assert located(ex) == {("Kenitra", "Morocco"): "gaz.city.located.v1"}


@pytest.mark.slow
def test_a_town_whose_country_the_article_does_not_name_is_placed_nowhere(rules_alone) -> None:
    assert located(rules_alone("Troops from Kenya arrived in Zagreb.")) == {}


def test_the_table_names_each_town_once_and_no_country() -> None:
    from kg.extract.lexicon import _rows, city_countries, load

    rows = list(_rows("cities.tsv"))
    towns = city_countries()
    lex = load()
    assert len(towns) == len(rows) > 20000
    assert not [t for t in towns if lex.country_of(t) or t in lex.places]
    assert set(towns.values()) <= set(lex.modifier)  # canonical country names


@pytest.mark.slow
def test_a_town_the_text_places_gets_no_country_on_top(rules_alone) -> None:
    ex = rules_alone("The base is in Suffolk, Virginia, in the United States.")
    assert located(ex) == {
        ("Suffolk", "Virginia"): "loc.adjacent.v1",
        ("Virginia", "United States"): "loc.adjacent.v1",
    }
