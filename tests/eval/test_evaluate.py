"""The gold scorer (``kg eval``): matching rules and the printed report, on hand-made records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import errors
from kg.eval.gold import (
    Gold,
    calibration_table,
    evaluate,
    format_report,
    load_gold,
    normalize_label,
    score_extraction,
)
from kg.records import Document, Entity, Evidence, Extraction, Relation


def _ev(conf: float = 0.9, rule: str = "test.v1", modality: str = "asserted") -> Evidence:
    return Evidence("d", "A sentence.", 0, 11, rule, conf, modality)


def _ent(key: str, cls: str = "MilitaryUnit", *aliases: str, mentions: int = 1) -> Entity:
    e = Entity(key=key, cls=cls, label=key, aliases=set(aliases))
    e.mentions = [None] * mentions  # type: ignore[list-item]  # only the count matters here
    return e


def _gold(triples: list[list[str]], **entities: list[str]) -> Gold:
    return Gold(
        "g.json",
        "d.txt",
        {k: {"type": "X", "aliases": v} for k, v in entities.items()},
        [tuple(t) for t in triples],
    )  # type: ignore[misc]


def _extraction(entities: list[Entity], relations: list[Relation]) -> Extraction:
    return Extraction(Document("d", "text", "d.txt"), entities, relations)


def test_normalize_label_folds_case_accents_punctuation_the_and_us() -> None:
    assert normalize_label("The U.S. Army") == normalize_label("US army")
    assert normalize_label("José Jerí") == "jose jeri"
    assert normalize_label("Anti-Drug Directorate") == "anti drug directorate"
    assert normalize_label("the Bahamas") == "bahamas"


def test_entity_matches_through_any_alias() -> None:
    gold = _gold(
        [["USSF", "trainsWith", "FOES"]],
        USSF=["U.S. Special Forces"],
        FOES=["Naval Special Operations Forces", "FOES"],
    )
    ex = _extraction(
        [
            _ent("US Special Forces"),
            _ent("Naval Special Operations Forces", "MilitaryUnit", "FOES"),
        ],
        [Relation("US Special Forces", "trainsWith", "Naval Special Operations Forces", _ev())],
    )
    counts = score_extraction(gold, ex).counts()
    assert (counts["trainsWith"].tp, counts["trainsWith"].fp, counts["trainsWith"].fn) == (1, 0, 0)


def test_symmetric_property_matches_in_either_direction() -> None:
    gold = _gold([["A", "meetsWith", "B"]], A=["Alpha"], B=["Beta"])
    ex = _extraction(
        [_ent("Alpha", "Person"), _ent("Beta", "Person")],
        [Relation("Beta", "meetsWith", "Alpha", _ev())],
    )
    assert score_extraction(gold, ex).counts()["meetsWith"].tp == 1


def test_asymmetric_property_does_not_match_reversed() -> None:
    gold = _gold([["A", "partOf", "B"]], A=["Alpha"], B=["Beta"])
    ex = _extraction([_ent("Alpha"), _ent("Beta")], [Relation("Beta", "partOf", "Alpha", _ev())])
    c = score_extraction(gold, ex).counts()["partOf"]
    assert (c.tp, c.fp, c.fn) == (0, 1, 1)


def test_has_title_objects_compare_as_normalised_strings() -> None:
    gold = _gold([["H", "hasTitle", "Foreign Minister"]], H=["Hugo de Zela"])
    ex = _extraction(
        [_ent("Hugo de Zela", "Person")],
        [Relation("Hugo de Zela", "hasTitle", "foreign minister", _ev(), literal=True)],
    )
    assert score_extraction(gold, ex).counts()["hasTitle"].tp == 1


def test_duplicate_entity_counts_against_precision() -> None:
    gold = _gold([["A", "affiliatedWith", "P"]], A=["Army", "Peruvian Army"], P=["Peru"])
    ex = _extraction(
        [_ent("Peruvian Army", mentions=2), _ent("Army"), _ent("Peru", "Country")],
        [
            Relation("Peruvian Army", "affiliatedWith", "Peru", _ev()),
            Relation("Army", "affiliatedWith", "Peru", _ev()),
        ],
    )
    c = score_extraction(gold, ex).counts()["affiliatedWith"]
    assert (c.tp, c.fp) == (1, 1)


def test_negated_facts_are_not_scored() -> None:
    gold = _gold([], A=["Alpha"], B=["Beta"])
    ex = _extraction(
        [_ent("Alpha"), _ent("Beta")],
        [Relation("Alpha", "trainsWith", "Beta", _ev(modality="negated"))],
    )
    assert score_extraction(gold, ex).counts().get("trainsWith") is None


def test_confidence_threshold_drops_low_facts_from_the_curve() -> None:
    gold = _gold([["A", "trainsWith", "B"]], A=["Alpha"], B=["Beta"], C=["Gamma"])
    ex = _extraction(
        [_ent("Alpha"), _ent("Beta"), _ent("Gamma")],
        [
            Relation("Alpha", "trainsWith", "Beta", _ev(0.9)),
            Relation("Alpha", "trainsWith", "Gamma", _ev(0.2)),
        ],
    )
    report = evaluate([gold], [ex])
    curve = {row["threshold"]: row for row in report.summary()["curve"]}
    assert curve[0.0]["precision"] == 0.5
    assert curve[0.5]["precision"] == 1.0 and curve[0.5]["recall"] == 1.0


def test_macro_f1_averages_only_properties_present_in_the_gold() -> None:
    gold = _gold([["A", "trainsWith", "B"]], A=["Alpha"], B=["Beta"], P=["Peru"])
    ex = _extraction(
        [_ent("Alpha"), _ent("Beta"), _ent("Peru", "Country")],
        [
            Relation("Alpha", "trainsWith", "Beta", _ev()),
            Relation("Alpha", "affiliatedWith", "Peru", _ev()),
        ],
    )
    s = evaluate([gold], [ex]).summary()
    assert s["macro_f1"] == 1.0
    assert s["micro"]["precision"] == 0.5


def test_table_report_lists_properties_micro_macro_and_curve() -> None:
    gold = _gold([["A", "trainsWith", "B"]], A=["Alpha"], B=["Beta"])
    ex = _extraction(
        [_ent("Alpha"), _ent("Beta")], [Relation("Alpha", "trainsWith", "Beta", _ev())]
    )
    text = format_report(evaluate([gold], [ex]))
    assert "trainsWith" in text and "micro" in text and "macro F1" in text
    assert "confidence curve" in text and "0.9" in text


def test_json_report_is_parseable() -> None:
    gold = _gold([["A", "trainsWith", "B"]], A=["Alpha"], B=["Beta"])
    ex = _extraction([_ent("Alpha"), _ent("Beta")], [])
    data = json.loads(format_report(evaluate([gold], [ex]), fmt="json"))
    assert data["properties"]["trainsWith"]["fn"] == 1


def test_calibration_table_smooths_rule_precision() -> None:
    gold = _gold([["A", "trainsWith", "B"]], A=["Alpha"], B=["Beta"], C=["Gamma"])
    ex = _extraction(
        [_ent("Alpha"), _ent("Beta"), _ent("Gamma")],
        [
            Relation("Alpha", "trainsWith", "Beta", _ev(rule="r.good.v1")),
            Relation("Alpha", "trainsWith", "Gamma", _ev(rule="r.bad.v1")),
        ],
    )
    rows = {
        line.split("\t")[0]: float(line.split("\t")[1])
        for line in calibration_table(evaluate([gold], [ex])).splitlines()
        if not line.startswith("#")
    }
    assert rows["r.good.v1"] > 0.6 > rows["r.bad.v1"]


def test_load_gold_rejects_a_bad_triple(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"entities": {}, "triples": [["A", "nope", "B"]]}), encoding="utf-8")
    with pytest.raises(errors.InputError, match="unknown property 'nope'"):
        load_gold(str(path))


def test_load_gold_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError, match="input not found"):
        load_gold(str(tmp_path / "missing.json"))
