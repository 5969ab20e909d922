"""The project's own sample articles (``data/articles``) and their gold files (``data/gold``).

Fast checks, no spaCy: every gold file is well formed, refers to its article by name and hash,
uses only ontology terms, and names each entity the way the article writes it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest

from kg.eval.gold import normalize_label
from kg.rdf.vocab import ENTITY_CLASSES, LITERAL_PROPERTIES, PROPERTIES, SYMMETRIC_PROPERTIES

DATA = Path(__file__).resolve().parents[2] / "data"
ARTICLES = sorted((DATA / "articles").glob("*.txt"))
GOLDS = sorted((DATA / "gold").glob("*.json"))

# Subject and object classes each property accepts, following the ontology's domains and
# ranges (Country is both an Agent and a Place; every organisation type is an Organization).
_ORGS = {"Organization", "GovernmentBody", "MilitaryUnit", "PoliceUnit"}
_AGENTS = _ORGS | {"Person", "Country"}
_PLACES = {"Place", "Country"}
SIGNATURES: dict[str, tuple[set[str], set[str]]] = {
    "trainsWith": (_AGENTS, _AGENTS),
    "cooperatesWith": (_AGENTS, _AGENTS),
    "meetsWith": (_AGENTS, _AGENTS),
    "partOf": (_ORGS, _ORGS),
    "affiliatedWith": (_AGENTS, {"Country"}),
    "worksFor": ({"Person"}, _ORGS),
    "leads": ({"Person"}, _AGENTS),
    "hasTitle": ({"Person"}, set()),
    "locatedIn": (_PLACES, _PLACES),
    "basedIn": (_ORGS, _PLACES),
    "livesIn": ({"Person"}, _PLACES),
    "killed": ({"Person"}, {"Person"}),
    "authorizes": (_AGENTS, _AGENTS),
    "deployedTo": (_AGENTS, _PLACES),
    "participatesIn": (_AGENTS, {"Event"}),
}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _article_text(gold: dict) -> str:
    return (DATA / "articles" / gold["document"]).read_bytes().decode("utf-8")


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_enough_articles_each_with_a_gold_file() -> None:
    assert len(ARTICLES) >= 8
    assert {p.stem for p in ARTICLES} == {p.stem for p in GOLDS}


def test_signatures_cover_the_vocabulary() -> None:
    assert set(SIGNATURES) == set(PROPERTIES)


@pytest.mark.parametrize("path", ARTICLES, ids=_ids(ARTICLES))
def test_article_shape(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\n")
    assert lines[0].strip() and lines[1] == "", "headline, then a blank line"
    assert any(ch.isdigit() for ch in lines[2]), "a date line follows the headline"
    assert 150 <= len(text.split()) <= 320
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("path", GOLDS, ids=_ids(GOLDS))
def test_gold_file(path: Path) -> None:
    gold = _load(path)
    assert set(gold) == {"document", "text_sha256", "entities", "triples"}
    assert gold["document"] == path.stem + ".txt"
    raw = (DATA / "articles" / gold["document"]).read_bytes()
    assert gold["text_sha256"] == hashlib.sha256(raw).hexdigest()

    entities = gold["entities"]
    for key, ent in entities.items():
        assert ent["type"] in ENTITY_CLASSES, key
        assert ent["aliases"] and all(isinstance(a, str) and a for a in ent["aliases"]), key

    seen: set[tuple[str, str, str]] = set()
    for s, p, o in gold["triples"]:
        assert p in PROPERTIES, (s, p, o)
        assert s in entities, f"unknown subject {s!r}"
        subjects, objects = SIGNATURES[p]
        assert entities[s]["type"] in subjects, (s, p, o)
        if p in LITERAL_PROPERTIES:
            assert o not in entities and o.strip() == o and o, (s, p, o)
        else:
            assert o in entities, f"unknown object {o!r}"
            assert o != s, (s, p, o)
            assert entities[o]["type"] in objects, (s, p, o)
        # A symmetric fact is written once, in either direction.
        key = (min(s, o), p, max(s, o)) if p in SYMMETRIC_PROPERTIES else (s, p, o)
        assert key not in seen, f"duplicate triple {(s, p, o)!r}"
        seen.add(key)


@pytest.mark.parametrize("path", GOLDS, ids=_ids(GOLDS))
def test_gold_names_match_the_text(path: Path) -> None:
    gold = _load(path)
    text = _article_text(gold)
    for key, ent in gold["entities"].items():
        assert any(alias in text for alias in ent["aliases"]), f"no alias of {key} in the text"
    for s, p, o in gold["triples"]:
        if p == "hasTitle":
            assert o in text, f"title {o!r} of {s} is not written in the text"


@pytest.mark.parametrize("path", GOLDS, ids=_ids(GOLDS))
def test_aliases_are_unambiguous(path: Path) -> None:
    # The scorer maps a predicted label to gold keys by normalised alias; two entities sharing
    # an alias would make that mapping ambiguous.
    owner: dict[str, str] = {}
    for key, ent in _load(path)["entities"].items():
        for alias in ent["aliases"]:
            norm = normalize_label(alias)
            assert owner.setdefault(norm, key) == key, f"{alias!r}: {owner[norm]} and {key}"


def test_one_sample_needs_escaping() -> None:
    # The README's sample build must exercise HTML and SPARQL escaping with a real headline.
    headlines = [p.read_text(encoding="utf-8").split("\n", 1)[0] for p in ARTICLES]
    assert any('"' in h and "&" in h for h in headlines)
