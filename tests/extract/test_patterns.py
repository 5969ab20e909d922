"""The rule patterns kept as data: the file format, the runner, and one behaviour per shipped
pattern family, each from a sentence of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import errors
from kg.extract.patterns import load_patterns, parse_pattern
from kg.records import Document, Extraction

GOOD = {
    "id": "x.v1",
    "property": "leads",
    "pattern": [
        {"RIGHT_ID": "body", "RIGHT_ATTRS": {"POS": "NOUN"}},
        {"LEFT_ID": "body", "REL_OP": ">", "RIGHT_ID": "person", "RIGHT_ATTRS": {"DEP": "pobj"}},
    ],
    "subject": "person",
    "object": "body",
}


def test_every_shipped_pattern_is_valid_and_has_a_unique_id() -> None:
    patterns = load_patterns()
    assert len(patterns) >= 10
    assert len({p.id for p in patterns}) == len(patterns)


def test_a_pattern_naming_a_node_it_does_not_have_is_refused_with_its_place() -> None:
    with pytest.raises(errors.InputError) as err:
        parse_pattern(GOOD | {"object": "nobody"}, "p.jsonl:3")
    assert str(err.value) == (
        "invalid rule pattern at p.jsonl:3: object node 'nobody' is not in the pattern "
        "(nodes: body, person). Fix the line (see kg/data/patterns/README.md)."
    )


def test_a_pattern_for_an_unknown_property_is_refused() -> None:
    with pytest.raises(errors.InputError) as err:
        parse_pattern(GOOD | {"property": "likes"}, "p.jsonl:1")
    assert "unknown property 'likes'" in str(err.value)


def test_an_unknown_objects_option_is_refused_word_for_word() -> None:
    with pytest.raises(errors.InputError) as err:
        parse_pattern(GOOD | {"objects": "all"}, "p.jsonl:2")
    assert str(err.value) == (
        "invalid rule pattern at p.jsonl:2: 'objects' may only be \"most_specific\"; got 'all'. "
        "Fix the line (see kg/data/patterns/README.md)."
    )


def test_a_line_that_is_not_json_is_refused_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps(GOOD) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(errors.InputError) as err:
        load_patterns(tmp_path)
    assert f"{tmp_path / 'a.jsonl'}:2" in str(err.value)


def test_two_patterns_with_one_id_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n", "utf-8")
    with pytest.raises(errors.InputError) as err:
        load_patterns(tmp_path)
    assert "id 'x.v1' is already used at" in str(err.value)


# ---------------------------------------------------------------- behaviours (spaCy loaded)


def run(nlp, text: str) -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document
    from kg.extract.model import Models

    return extract_document(nlp(text), Document("t", text, "t.txt"), Models())


def facts(ex: Extraction, rule_prefix: str) -> set[tuple[str, str, str]]:
    """(subject, property, object) by label: a generic name's key carries its document."""
    label = {e.key: e.label for e in ex.entities}
    return {
        (label.get(r.subject, r.subject), r.predicate, label.get(r.object, r.object))
        for r in ex.relations
        if r.evidence.rule.startswith(rule_prefix)
    }


@pytest.mark.slow
def test_a_government_under_a_leader_is_led_by_him(nlp) -> None:
    ex = run(nlp, "The Ecuadorian government under Daniel Noboa approved the visit.")
    assert ("Daniel Noboa", "leads", "Ecuadorian Government") in facts(ex, "prep.under")


@pytest.mark.slow
def test_a_donation_from_one_state_to_another_body_is_cooperation(nlp) -> None:
    ex = run(nlp, "Japan donated two patrol boats to the Philippine Coast Guard on Monday.")
    assert ("Japan", "cooperatesWith", "Philippine Coast Guard") in facts(ex, "dep.gift")


@pytest.mark.slow
def test_a_killing_is_read_in_the_active_and_the_passive(nlp) -> None:
    ex = run(nlp, "Police said Pedro Rivas killed Tomas Mendoza near the border.")
    assert ("Pedro Rivas", "killed", "Tomas Mendoza") in facts(ex, "dep.kill")
    ex = run(nlp, "Tomas Mendoza was killed by Pedro Rivas near the border.")
    assert ("Pedro Rivas", "killed", "Tomas Mendoza") in facts(ex, "dep.kill")


@pytest.mark.slow
def test_a_unit_described_as_part_of_a_larger_body_is_part_of_it(nlp) -> None:
    ex = run(nlp, "The Riverine Brigade, a unit of the Colombian Navy, patrols the river.")
    got = facts(ex, "appos.subunit")
    assert any(s == "Riverine Brigade" and p == "partOf" for s, p, _ in got), got
