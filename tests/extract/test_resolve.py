"""Entity resolution on hand-made candidate mentions (no spaCy)."""

from __future__ import annotations

from kg.extract.lexicon import load
from kg.extract.mentions.cand import Cand
from kg.extract.nameforms import normalize_key
from kg.extract.resolve import resolve


def _c(name: str, cls: str, start: int, **kw: object) -> Cand:
    return Cand(start, start + len(name.split()), name, cls, str(kw.pop("source", "name")), **kw)  # type: ignore[arg-type]


def _keys(cands: list[Cand], default: str | None = None) -> list[str | None]:
    return resolve(cands, "", load(), default).keys


def test_normalize_key_writes_us_one_way() -> None:
    assert normalize_key("US Special Forces") == "U.S. Special Forces"
    assert normalize_key("United States Embassy") == "U.S. Embassy"
    assert normalize_key("the U.S. Army") == "U.S. Army"
    assert normalize_key("United States") == "United States"


def test_acronym_defined_in_text_merges_later_mentions() -> None:
    full = _c("Naval Special Operations Forces", "MilitaryUnit", 0, acronyms=["FOES"])
    later = _c("FOES", "Organization", 10, source="ner")
    keys = _keys([full, later])
    assert keys[0] == keys[1] == "Naval Special Operations Forces"


def test_surname_merges_with_the_full_name() -> None:
    keys = _keys([_c("Hugo de Zela", "Person", 0), _c("De Zela", "Person", 20)])
    assert keys[0] == keys[1] == "Hugo de Zela"


def test_short_form_merges_when_unambiguous() -> None:
    keys = _keys(
        [
            _c("Royal Bahamas Defence Force", "MilitaryUnit", 0),
            _c("Defence Force", "MilitaryUnit", 9),
        ]
    )
    assert keys[0] == keys[1]


def test_short_form_shared_by_two_names_is_not_merged() -> None:
    keys = _keys(
        [
            _c("Colombian Anti-Drug Directorate", "PoliceUnit", 0),
            _c("Peruvian Anti-Drug Directorate", "PoliceUnit", 5),
            _c("Anti-Drug Directorate", "PoliceUnit", 12),
        ]
    )
    assert keys[2] not in (keys[0], keys[1])


def test_names_sharing_a_word_stay_apart() -> None:
    keys = _keys(
        [
            _c("Special Operations Command South", "MilitaryUnit", 0),
            _c("Naval Forces Southern Command", "MilitaryUnit", 6),
        ]
    )
    assert keys[0] != keys[1]


def test_generic_forces_of_a_state_share_one_key() -> None:
    a = _c(
        "U.S. troops",
        "MilitaryUnit",
        0,
        source="generic",
        country="United States",
        kind="Armed Forces",
    )
    b = _c(
        "U.S. military personnel",
        "MilitaryUnit",
        5,
        source="generic",
        country="United States",
        kind="Armed Forces",
    )
    assert _keys([a, b]) == ["U.S. Armed Forces", "U.S. Armed Forces"]


def test_bare_branch_takes_no_state_the_text_does_not_give() -> None:
    # the article's state is only a guess (issue 11): kept apart for the relation model, and
    # the bare "Army" keyed with its document so that two articles' armies never merge
    res = resolve([_c("Army", "MilitaryUnit", 0)], "", load(), "Peru", scope="doc1")
    assert res.keys == ["Army (doc1)"]
    info = res.info["Army (doc1)"]
    assert info.country is None
    assert (info.likely_country, info.likely_rule) == ("Peru", "article")


def test_country_mentions_use_the_gazetteer_name() -> None:
    c = _c("U.S.", "Country", 0, source="gazetteer", key="United States")
    assert _keys([c]) == ["United States"]


def test_merge_reasons_are_recorded() -> None:
    res = resolve([_c("Hugo de Zela", "Person", 0), _c("De Zela", "Person", 20)], "", load(), None)
    assert any("short form" in m for m in res.info["Hugo de Zela"].merges)


def test_a_quoted_nickname_names_the_same_person_later() -> None:
    # "DEA agent Enrique “Kiki” Camarena ... agent Kiki Camarena ... the murder of Camarena"
    cands = [
        _c("Enrique “Kiki” Camarena", "Person", 0),
        _c("Kiki Camarena", "Person", 30),
        _c("Enrique Camarena", "Person", 50),
        _c("Camarena", "Organization", 70, source="ner"),
    ]
    res = resolve(cands, "", load(), None)
    assert res.keys == ["Enrique “Kiki” Camarena"] * 4
    assert res.entities[res.keys[0]].cls == "Person"


def test_an_event_named_with_and_without_its_year_is_one_event() -> None:
    # "Talisman Sabre 2019 ... Exercise Talisman Sabre ... the Talisman Sabre drills"
    keys = _keys(
        [
            _c("Talisman Sabre 2019", "Event", 0),
            _c("Exercise Talisman Sabre", "Event", 10),
            _c("Talisman Sabre", "Event", 20),
        ]
    )
    assert keys[0] == keys[1] == keys[2]


def test_two_editions_of_an_event_stay_apart() -> None:
    # "Balikatan 2023 ... Balikatan 2024 ... Balikatan": the bare name could be either
    keys = _keys(
        [
            _c("Balikatan 2023", "Event", 0),
            _c("Balikatan 2024", "Event", 10),
            _c("Balikatan", "Event", 20),
        ]
    )
    assert len(set(keys)) == 3


def _police(name: str, start: int, country: str | None, **kw: object) -> Cand:
    return _c(name, "PoliceUnit", start, country=country, **kw)


def _generic_police(name: str, start: int, country: str) -> Cand:
    return _c(name, "PoliceUnit", start, country=country, kind="Police", source="generic")


def test_a_states_generic_police_is_its_national_police() -> None:
    # "the Royal Malaysia Police ... Malaysian police officers"; Kedah's police is not it
    keys = _keys(
        [
            _police("Royal Malaysia Police", 0, "Malaysia"),
            _police("Kedah Police", 10, "Malaysia"),
            _generic_police("Malaysian Police", 20, "Malaysia"),
        ]
    )
    assert keys[2] == keys[0] != keys[1]


def test_a_national_police_named_without_its_state_is_the_articles() -> None:
    # a Kenyan article: "the National Police Service ... Kenyan police"
    cands = [
        _police("National Police Service", 0, None),
        _generic_police("Kenyan Police", 10, "Kenya"),
    ]
    keys = resolve(cands, "", load(), "Kenya", scope="d1").keys
    assert keys[0] == keys[1]
    other = resolve(cands, "", load(), "Uganda", scope="d1").keys
    assert other[0] != other[1]


def test_two_names_of_one_states_national_police_are_one_body() -> None:
    # "the Royal Thai Police ... Thailand's National Police ... Thai police"; Malaysia's apart
    keys = _keys(
        [
            _police("Royal Thai Police", 0, "Thailand"),
            _police("Royal Malaysia Police", 5, "Malaysia"),
            _police("Thailand's National Police", 10, "Thailand", kind="National Police"),
            _generic_police("Thai Police", 20, "Thailand"),
        ]
    )
    assert keys[0] == keys[2] == keys[3] != keys[1]


def test_a_gazetteer_body_is_never_the_short_form_of_a_longer_name() -> None:
    # "Naval Striking and Support Forces NATO ... NATO allies": NATO is its own body
    keys = _keys(
        [
            _c("Naval Striking and Support Forces NATO", "MilitaryUnit", 0),
            _c(
                "NATO",
                "Organization",
                10,
                source="gazetteer",
                key="North Atlantic Treaty Organization",
            ),
        ]
    )
    assert keys[0] != keys[1] == "North Atlantic Treaty Organization"


def test_an_acronym_that_ends_a_longer_name_qualifies_it_unless_a_state_precedes() -> None:
    # "Standing Group NATO ... NATO" stay two; "U.S. SOUTHCOM ... SOUTHCOM" are one
    apart = _keys([_c("Standing Group NATO", "MilitaryUnit", 0), _c("NATO", "Organization", 9)])
    assert apart[0] != apart[1]
    one = _keys([_c("U.S. SOUTHCOM", "MilitaryUnit", 0), _c("SOUTHCOM", "MilitaryUnit", 9)])
    assert one[0] == one[1]


def test_a_numbered_unit_named_without_its_head_word_is_the_unit() -> None:
    # "the 82nd Airborne Division ... Fort Bragg, home to 82nd Airborne" (tagged as a place)
    cands = [
        _c("82nd Airborne Division", "MilitaryUnit", 0),
        _c("82nd Airborne", "Place", 10, source="ner"),
    ]
    res = resolve(cands, "", load(), None)
    assert res.keys[0] == res.keys[1]
    assert res.entities[res.keys[0]].cls == "MilitaryUnit"


def test_an_events_name_read_as_a_body_joins_the_event() -> None:
    # "African Lion 18 ... during African Lion" where the tagger read the second as a body
    cands = [
        _c("African Lion 18", "Event", 0),
        _c("African Lion", "Organization", 10, source="ner"),
    ]
    res = resolve(cands, "", load(), None)
    assert res.keys[0] == res.keys[1]
    assert res.entities[res.keys[0]].cls == "Event"


def test_a_name_with_a_year_read_as_a_body_is_one_event_with_its_bare_name() -> None:
    # "Balikatan 24 ... during Balikatan": neither read as an event by the tagger
    cands = [
        _c("Balikatan 24", "Organization", 0, source="ner"),
        _c("Balikatan", "Place", 10, source="ner"),
    ]
    keys = _keys(cands)
    assert keys[0] == keys[1]


def test_an_event_whose_name_ends_with_operations_keeps_one_core() -> None:
    # "Baltic Operations 24 ... has taken part in Baltic Operations"
    keys = _keys([_c("Baltic Operations 24", "Event", 0), _c("Baltic Operations", "Event", 10)])
    assert keys[0] == keys[1]
