"""Fuzzing harness: every build gives a graph that validates and round-trips; no traceback escapes.

Two levels, both bounded for CI (a longer run: ``python benchmarks/fuzz_long.py``, see SECURITY.md):

- graph level (no spaCy): hand-built hostile extractions (any names, labels, sentences, titles,
  confidences, modalities) -> quads -> every file format -> reloaded identically, SHACL-valid;
- pipeline level (spaCy, ``slow``): hostile article text -> ``kg build`` (the CLI entry point)
  -> exit 0 or 1 with a message, never an exception; the output validates and round-trips.

Set ``KG_FUZZ_EXAMPLES`` to run more examples (the long run does).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import article_text, entity_names, hostile_text

from kg.rdf import quads as graph
from kg.rdf import terms
from kg.rdf.vocab import MODALITIES
from kg.records import Document, Entity, Evidence, Extraction, Relation

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "0"))
GRAPH_SETTINGS = settings(
    max_examples=EXAMPLES or 15, deadline=None, suppress_health_check=list(HealthCheck)
)
PIPELINE_SETTINGS = settings(
    max_examples=EXAMPLES or 4, deadline=None, suppress_health_check=list(HealthCheck)
)
FORMATS = (".trig", ".nq", ".jsonld")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _usable(name: str) -> bool:
    return bool("".join(terms.clean_text(name).split()))


@st.composite
def extractions(draw: st.DrawFn) -> Extraction:
    """A hostile but well-typed Extraction, as an extractor could produce from hostile text.

    Every string is hostile; the structure follows the extractor's contract (classes that fit
    the properties' domains and ranges, non-blank spans for labels and sentences), so a
    validation failure means hostile text broke the graph, not a made-up ontology misuse.
    """
    from kg.rdf import safety

    surface = entity_names(25).filter(_usable)
    text = safety.sanitize_text(draw(hostile_text(200)), normalize=False, keep_length=True)
    doc = Document(
        draw(surface),
        text,
        draw(surface),
        title=draw(st.none() | surface),
        published=draw(st.none() | st.dates().map(lambda d: d.isoformat())),
    )
    keys = draw(st.lists(surface, min_size=5, max_size=5, unique_by=terms.slug))
    roles = dict(zip(("unit1", "unit2", "place", "country", "person"), keys, strict=True))
    classes = {
        "unit1": "MilitaryUnit",
        "unit2": "MilitaryUnit",
        "place": "Place",
        "country": "Country",
        "person": "Person",
    }
    entities = [
        Entity(key, classes[role], draw(surface), set(draw(st.lists(surface, max_size=3))))
        for role, key in roles.items()
    ]
    shapes = [
        ("unit1", "trainsWith", "unit2"),
        ("unit2", "trainsWith", "unit1"),
        ("unit1", "basedIn", "place"),
        ("unit2", "affiliatedWith", "country"),
        ("person", "hasTitle", None),
    ]
    relations = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text)))
        ev = Evidence(
            doc.id,
            draw(surface),
            start,
            draw(st.integers(start, start + 500)),
            draw(st.sampled_from(["dep.train.v1", "pattern.partof.v2", "clf.rel.v1"])),
            draw(st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e-300]) | st.floats()),
            draw(st.sampled_from((*MODALITIES, "negated"))),
            draw(st.none() | surface),
        )
        subject, prop, obj = draw(st.sampled_from(shapes))
        if obj is None:
            relations.append(Relation(roles[subject], prop, draw(surface), ev, literal=True))
        else:
            relations.append(Relation(roles[subject], prop, roles[obj], ev))
    return Extraction(doc, entities, relations)


def check_file_invariants(path: Path, expected: set[str] | None = None) -> None:
    """The file validates against the SHACL shapes and re-exports to every format identically."""
    from kg.rdf.terms import ox_quad
    from kg.store import load_file, write_quads
    from kg.views.validate import validate

    with load_file(path) as source:
        quads = {str(ox_quad(q)) for q in source.quads()}
        result = validate(source)
        assert result.conforms, result.report
        originals = list(source.quads())
    if expected is not None:
        assert quads == expected
    for ext in FORMATS:
        again = path.with_name(path.stem + "-again" + ext)
        write_quads(originals, again)
        with load_file(again) as back:
            assert {str(ox_quad(q)) for q in back.quads()} == quads, ext


@GRAPH_SETTINGS
@given(ex=extractions())
def test_graph_of_any_extraction_validates_and_round_trips(
    ex: Extraction, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from kg.rdf.terms import ox_quad
    from kg.store import write_quads

    quads = list(graph.extraction_quads(ex))
    for q in quads:  # confidences stay numbers in [0, 1] whatever the extractor said
        if str(q[1]).endswith("#confidence"):
            value = float(q[2])
            assert not math.isnan(value) and 0.0 <= value <= 1.0
    out = tmp_path_factory.mktemp("fuzz") / "graph.trig"
    write_quads(quads, out)
    check_file_invariants(out, _canonical(ox_quad(q) for q in quads))


def _canonical(quads: object) -> set[str]:
    """Quads as a store holds them: Oxigraph keeps numbers in canonical form ("0.0" -> "0")."""
    import pyoxigraph as ox

    db = ox.Store()
    db.extend(quads)  # type: ignore[arg-type]
    return {str(q) for q in db}


@pytest.mark.slow
@PIPELINE_SETTINGS
@given(texts=st.lists(article_text(), min_size=1, max_size=3))
def test_kg_build_of_any_articles_validates_and_round_trips(
    texts: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from kg.cli import main

    folder = tmp_path_factory.mktemp("articles")
    for i, text in enumerate(texts):
        # Articles arrive as bytes: write them as UTF-8, lone surrogates passed through as-is.
        (folder / f"a{i}.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
    out = folder / "graph.trig"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", str(folder), "-o", str(out)])  # an exception fails the test
    assert code in (0, 1), err.getvalue()
    assert "Traceback" not in err.getvalue()
    if out.exists():
        check_file_invariants(out)
