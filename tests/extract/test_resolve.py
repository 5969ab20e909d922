"""Entity resolution on hand-made candidate mentions (no spaCy)."""

from __future__ import annotations

from kg.extract.lexicon import load
from kg.extract.mentions.cand import Cand
from kg.extract.resolve import normalize_key, resolve


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
