"""The explorer's summaries (issue 14): the pages they answer are the pages the store answers.

``kg.views.explorer.summaries.Summaries`` keeps, per opening of the store, the number of dated
items per date (of the graph and of the entities in many documents), the modalities of each
fact's statements and the statements of the facts stated by many documents. Here the thresholds
are 1, so that every entity and fact of a small store is summarised; each page read with the
summaries must equal the page read from the store alone (the code path without them), and
summaries read again after a write must follow the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import viz_sample as sample
from test_explorer_kit import (
    article_extraction,
    dated_extraction,
    drill_extractions,
    get_json,
    hub_extractions,
)

from kg.rdf import quads as graph
from kg.rdf.vocab import MODALITIES
from kg.records import Document, Entity, Evidence, Extraction, Relation
from kg.store import open_graph, open_store
from kg.views.explorer import entity, summaries, timeline, verdicts
from kg.views.explorer import filters as filters_module
from kg.views.explorer.common import ENTITY_NS, KG_NS
from kg.views.explorer.data import Views
from kg.views.explorer.facts import entity_facts
from kg.views.explorer.filters import Filters, passing
from kg.views.explorer.index import LabelIndex
from kg.views.explorer.summaries import Summaries
from kg.views.serve import Server


def _planned_only() -> Extraction:
    """A fact whose one statement is planned: it passes no filter of asserted statements."""
    sentence = "Charlie Unit will train with Delta Unit next spring."
    doc = Document("plan-1", sentence, "articles/plan-1.txt", published="2025-03-01")
    ev = Evidence("plan-1", sentence, 0, len(sentence), "test.rule", 0.6, "planned")
    entities = [Entity(x, "MilitaryUnit", x) for x in ("Charlie Unit", "Delta Unit")]
    return Extraction(doc, entities, [Relation("Charlie Unit", "trainsWith", "Delta Unit", ev)])


EXTRACTIONS = [
    *sample.extractions(),
    dated_extraction(),
    article_extraction(),
    *drill_extractions(),
    *hub_extractions(),
    _planned_only(),
]


def _write(location: str, extractions: list[Extraction]) -> None:
    with open_store(location) as s:
        for ex in extractions:
            s.replace_document(graph.document_iri(ex.document.id), list(graph.extraction_quads(ex)))


@pytest.fixture(autouse=True)
def every_entity_and_fact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summaries, "TIMELINE_DOCUMENTS", 1)
    monkeypatch.setattr(summaries, "EVIDENCE_DOCUMENTS", 1)
    monkeypatch.setattr(summaries, "PARTNER_DOCUMENTS", 1)
    monkeypatch.setattr(verdicts, "VERDICT_DOCUMENTS", 1)


@pytest.fixture(scope="module")
def location(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("explorer-summaries") / "store")
    _write(location, EXTRACTIONS)
    return location


@pytest.fixture()
def opened(location: str) -> Iterator[tuple[Any, LabelIndex, Summaries]]:
    source = open_graph(store=location)
    try:
        index = LabelIndex.build(source)
        found = Summaries.build(source, index)
        found.read_partners(source, index)
        yield source, index, found
    finally:
        source.close()


def _slugs(index: LabelIndex) -> list[str]:
    return sorted(iri[len(ENTITY_NS) :] for iri in index.documents if iri.startswith(ENTITY_NS))


def _same_timelines(source: Any, index: LabelIndex, found: Summaries) -> int:
    """Every timeline page, with and without the summaries; the number of pages compared."""
    compared = 0
    for slug in [None, *_slugs(index)]:
        if slug is not None:
            assert found.timeline_days(ENTITY_NS + slug) is not None  # kept: read by date
        plain = timeline.timeline(source, index, slug)
        assert plain is not None
        for page in range(1, plain["pages"] + 2):  # and one past the end
            summarised = timeline.timeline(source, index, slug, page, found)
            assert summarised == timeline.timeline(source, index, slug, page), (slug, page)
            compared += 1
    return compared


@pytest.mark.parametrize("size", [1, 4, 50])
def test_timeline_pages_by_date_are_the_pages_the_store_sorts(
    opened: tuple[Any, LabelIndex, Summaries], size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pages of 4 cut through the ten documents of 2025-06-01 and the hub's days
    monkeypatch.setattr(timeline, "PAGE_SIZE", size)
    source, index, found = opened
    assert _same_timelines(source, index, found) > len(_slugs(index))
    whole = timeline.timeline(source, index, "Hub", 1, found)
    # its 61 dated trainings and the ten dated documents naming it (hub-main has no date)
    assert whole is not None and whole["total"] == 61 + 10


def test_fact_pages_read_their_kept_statements(
    opened: tuple[Any, LabelIndex, Summaries], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entity, "PAGE_SIZE", 2)
    source, index, found = opened
    ids = set()
    for slug in _slugs(index):
        for fact in entity_facts(source, ENTITY_NS + slug):
            ids.add(fact.node.rsplit("/", 1)[1])  # type: ignore[union-attr]
            assert fact.key in found.evidence  # every fact kept (threshold 1)
    for hash_id in sorted(ids):
        plain = entity.fact_page(source, index, hash_id)
        assert plain is not None
        for page in range(1, plain["pages"] + 1):
            assert entity.fact_page(source, index, hash_id, page, found) == (
                entity.fact_page(source, index, hash_id, page)
            )
    # the drills' fact: four statements, most confident first
    drill = (ENTITY_NS + "Alpha_Unit", KG_NS + "trainsWith", ENTITY_NS + "Bravo_Unit")
    assert [round(c, 2) for c, _ in found.evidence[drill]] == [0.9, 0.8, 0.7, 0.6]


@pytest.mark.parametrize("size", [1, 2, 50])
def test_entity_pages_in_the_kept_order_are_the_pages_the_store_sorts(
    opened: tuple[Any, LabelIndex, Summaries], size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pages of 1 and 2 facts cut through the hub's 61 trainings and every property
    monkeypatch.setattr(entity, "PAGE_SIZE", size)
    monkeypatch.setattr(entity, "FACTS_PER_PROPERTY", size)
    source, index, found = opened
    compared = 0
    for slug in _slugs(index):
        first = entity.entity_page(source, index, slug)
        assert first is not None
        assert entity.entity_page(source, index, slug, 1, None, found) == first, slug
        for group in first["groups"]:
            prop = group["property"]
            assert (ENTITY_NS + slug, prop) in found.partners  # every entity kept (threshold 1)
            last = -(-group["total"] // size)
            for page in range(1, last + 2):  # and one past the end
                plain = entity.entity_page(source, index, slug, page, prop)
                assert entity.entity_page(source, index, slug, page, prop, found) == plain
                compared += 1
    assert compared > 61 // size  # the hub's trainings at least


def _every_fact(source: Any, index: LabelIndex) -> list[Any]:
    found = {}
    for slug in _slugs(index):
        for fact in entity_facts(source, ENTITY_NS + slug):
            found[fact.key] = fact
    return list(found.values())


def test_the_modalities_pass_the_facts_the_statements_pass(
    opened: tuple[Any, LabelIndex, Summaries], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, index, found = opened
    facts = _every_fact(source, index)
    drill = (ENTITY_NS + "Alpha_Unit", KG_NS + "trainsWith", ENTITY_NS + "Bravo_Unit")
    assert found.modalities is not None
    assert found.modalities[drill] == {"asserted", "reported", "planned"}
    assert found.modalities_complete  # every statement has its modality: none is read
    plain = {
        chosen: passing(source, facts, Filters(modalities=list(chosen)))
        for n in range(1, len(MODALITIES))
        for chosen in combinations(MODALITIES, n)
    }

    def no_read(source: Any, facts: list[Any], filters: Filters) -> set[Any]:
        assert facts == [], "a statement was read"
        return set()

    monkeypatch.setattr(filters_module, "_read", no_read)
    for chosen, passed in plain.items():
        filters = Filters(modalities=list(chosen))
        assert filters.modalities_only
        assert passing(source, facts, filters, found) == passed, chosen
    monkeypatch.undo()
    # facts with statements of other modalities only: "asserted" reads them, and they fail
    only_others = {f.key for f in facts} - passing(source, facts, Filters(modalities=["asserted"]))
    charlie = (ENTITY_NS + "Charlie_Unit", KG_NS + "trainsWith", ENTITY_NS + "Delta_Unit")
    assert charlie in only_others and only_others <= set(found.modalities)
    # with another filter too, the statements are read (the summaries cannot say)
    filters = Filters(modalities=["planned"], confidence=0.65)
    assert not filters.modalities_only
    assert passing(source, facts, filters, found) == passing(source, facts, filters) == set()


@pytest.mark.parametrize("threshold", [1, 2])
def test_every_filter_passes_the_facts_the_statements_pass(
    location: str, threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verdicts, "VERDICT_DOCUMENTS", threshold)
    source = open_graph(store=location)
    index = LabelIndex.build(source)
    found = Summaries.build(source, index)
    facts = _every_fact(source, index)
    assert found.statements is not None  # kg's statements: each with what the filters read
    kept = {f.key for f in facts if f.key in found.statements}
    assert kept == {f.key for f in facts if f.documents >= threshold}
    drill = (ENTITY_NS + "Alpha_Unit", KG_NS + "trainsWith", ENTITY_NS + "Bravo_Unit")
    assert sorted(c for c, _, _, _ in found.statements[drill]) == [0.6, 0.7, 0.8, 0.9]
    asked = [
        Filters(confidence=c, date_from=a, date_to=b, modalities=list(m), document=d)
        for c in (0.0, 0.65, 0.85, 0.95)
        for a, b in (("", ""), ("2025-05-01", ""), ("", "2025-05-02"), ("2025-06-01", "2025-06-01"))
        for m in ((), ("asserted",), ("planned", "reported"))
        for d in ("", "drill-1", "hub-main")
    ]
    plain = [passing(source, facts, filters) for filters in asked]
    assert any(plain) and not all(plain)  # some pass, some fail
    if threshold == 1:  # every fact kept
        monkeypatch.setattr(filters_module, "_read", lambda *a: pytest.fail("a statement was read"))
    for filters, passed in zip(asked, plain, strict=True):
        assert passing(source, facts, filters, found) == passed, filters
    source.close()


def test_a_statement_without_modality_is_asserted_with_the_summaries_too(
    tmp_path: Path,
) -> None:
    location = str(tmp_path / "store")
    quads = list(graph.extraction_quads(drill_extractions()[0]))
    with open_store(location) as s:  # as another tool may write it: no kg:modality
        s.replace_document(
            graph.document_iri("drill-1"), [q for q in quads if not str(q[1]).endswith("modality")]
        )
    source = open_graph(store=location)
    try:
        index = LabelIndex.build(source)
        found = Summaries.build(source, index)
        assert found.modalities == {}  # no statement is known to be other than asserted
        assert not found.modalities_complete and found.statements is None
        facts = _every_fact(source, index)
        for asked in (["asserted"], ["planned"], ["asserted", "planned"]):
            filters = Filters(modalities=asked)  # a statement without modality is asserted
            assert passing(source, facts, filters, found) == passing(source, facts, filters)
        assert passing(source, facts, Filters(modalities=["asserted"]), found) != set()
    finally:
        source.close()


def _drill(n: int, when: str, modality: str) -> Extraction:
    sentence = f"Alpha Unit drilled with Bravo Unit again (report {n})."
    doc = Document(f"drill-{n}", sentence, f"articles/drill-{n}.txt", published=when)
    ev = Evidence(
        f"drill-{n}", sentence, 0, len(sentence), "test.rule", 0.95, modality, event_date=when
    )
    entities = [Entity(x, "MilitaryUnit", x) for x in ("Alpha Unit", "Bravo Unit")]
    return Extraction(doc, entities, [Relation("Alpha Unit", "trainsWith", "Bravo Unit", ev)])


def test_summaries_read_after_a_write_follow_the_store(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    _write(location, drill_extractions()[:2])  # asserted only, 2025-05-01 and -02
    drill = (ENTITY_NS + "Alpha_Unit", KG_NS + "trainsWith", ENTITY_NS + "Bravo_Unit")

    def read() -> tuple[Summaries, int]:
        source = open_graph(store=location)
        try:
            index = LabelIndex.build(source)
            found = Summaries.build(source, index)
            return found, _same_timelines(source, index, found)
        finally:
            source.close()

    before, _ = read()
    assert before.modalities is not None and drill not in before.modalities  # asserted only
    assert [c for c, _ in before.evidence[drill]] == [0.9, 0.8]
    assert before.timeline_days(ENTITY_NS + "Alpha_Unit") == [("2025-05-02", 1), ("2025-05-01", 1)]
    # a planned drill later, and drill-1 rewritten as reported: the store reopened reads them
    _write(location, [_drill(7, "2026-01-09", "planned"), _drill(1, "2024-02-03", "reported")])
    after, _ = read()
    assert after.modalities is not None
    assert after.modalities[drill] == {"asserted", "planned", "reported"}  # drill-2 asserted
    assert [c for c, _ in after.evidence[drill]] == [0.95, 0.95, 0.8]
    assert after.timeline_days(ENTITY_NS + "Alpha_Unit") == [
        ("2026-01-09", 2),  # the drill and its article
        ("2025-05-02", 1),
        ("2024-02-03", 2),
    ]


def test_the_workers_views_read_their_summaries_and_answer_with_them(location: str) -> None:
    source = open_graph(store=location)
    views = Views(source)
    try:
        found = views.wait_for_summaries()
        assert found is not None and views.summaries_error is None
        status = views.answer("status", {})  # what bench_explorer.py reports
        assert status["index"] is not None and status["summaries"] is not None
        assert status["summariesError"] is None
        assert found.timeline_days(ENTITY_NS + "Hub") is not None
        plain = timeline.timeline(source, views.index, "Hub", 2)
        assert views.answer("timeline", {"slug": "Hub", "page": 2}) == plain
    finally:
        views.stop()
        source.close()


def test_a_served_timeline_shows_a_document_written_while_it_serves(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    _write(location, drill_extractions()[:2])
    with Server(None, location, port=0, timeout=30, workers=1) as srv:
        first = get_json(srv, "/timeline?entity=Alpha_Unit")
        assert [i["date"] for i in first["items"]] == ["2025-05-02", "2025-05-01"]
        _write(location, [_drill(7, "2026-01-09", "planned")])  # the worker gives way, reopens
        after = get_json(srv, "/timeline?entity=Alpha_Unit")
        assert [(i["date"], i["kind"]) for i in after["items"]][:2] == [
            ("2026-01-09", "event"),
            ("2026-01-09", "published"),
        ]
        assert after["total"] == 4
