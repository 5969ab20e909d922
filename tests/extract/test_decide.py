"""What the learned decision adds to the model's own choices (``kg.extract.decide``)."""

from __future__ import annotations

import pytest

from kg.extract.decide import LEADS_WORKS_FOR
from kg.extract.model import Binary, Models, RelationModel
from kg.records import Document, Extraction

pytestmark = pytest.mark.slow

TEXT = "Northern Police chief Rahim Osman said the port was safe."


def _kept() -> Binary:
    return Binary(["bias"], [0.0], 0.0, 0.2, 0.2)  # probability 0.5: kept


def _dropped() -> Binary:
    return Binary(["bias"], [0.0], 0.0, 0.9, 0.9)  # probability 0.5: dropped


def run(nlp, properties: dict[str, Binary]) -> Extraction:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document

    models = Models(RelationModel(properties))
    return extract_document(nlp(TEXT), Document("t", TEXT, "t.txt"), models)


def works_for(ex: Extraction) -> list[tuple[str, str, str]]:
    names = {e.key: e.label for e in ex.entities}
    return [
        (names[r.subject], names[r.object], r.evidence.rule)
        for r in ex.relations
        if r.predicate == "worksFor"
    ]


def test_a_kept_leads_brings_the_works_for_the_model_dropped(nlp) -> None:
    ex = run(nlp, {"leads": _kept(), "worksFor": _dropped()})
    [(person, body, rule)] = works_for(ex)
    assert (person, body) == ("Rahim Osman", "Northern Police")
    assert rule.endswith(LEADS_WORKS_FOR)
    leads = next(r for r in ex.relations if r.predicate == "leads")
    assert [r.evidence.confidence for r in ex.relations if r.predicate == "worksFor"] == [
        leads.evidence.confidence
    ]


def test_no_works_for_without_a_kept_leads(nlp) -> None:
    assert works_for(run(nlp, {"leads": _dropped(), "worksFor": _dropped()})) == []


def test_a_works_for_the_model_kept_is_not_doubled(nlp) -> None:
    ex = run(nlp, {"leads": _kept(), "worksFor": _kept()})
    [(_, _, rule)] = works_for(ex)
    assert not rule.endswith(LEADS_WORKS_FOR)


def test_a_property_the_model_never_learned_keeps_the_rules_facts(nlp) -> None:
    from kg.extract import extract_document
    from kg.extract.model import Models as RulesAlone

    rules = extract_document(nlp(TEXT), Document("t", TEXT, "t.txt"), RulesAlone())
    stated = [r for r in rules.relations if r.predicate == "worksFor"]
    ex = run(nlp, {"leads": _dropped()})  # worksFor is unknown to this model
    kept = [r for r in ex.relations if r.predicate == "worksFor"]
    assert kept == stated
    assert stated and not stated[0].evidence.rule.startswith("model")
