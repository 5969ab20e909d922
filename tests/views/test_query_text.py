"""kg query reads any inline text, and its table shows whole cells (issue 12, items 4 and 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store_kit import doc_quads, make_extraction

from kg import errors
from kg.cli import main
from kg.store import write_quads
from kg.views.query import read_query

LONG_SENTENCE = (
    "U.S. Special Forces trained with the FOES in Lima, Peru, for three weeks of riverine "
    "drills, night navigation and casualty evacuation, the embassy said on Friday."
)


@pytest.fixture
def graph_file(tmp_path: Path) -> Path:
    ex = make_extraction(text=LONG_SENTENCE)
    path = tmp_path / "g.trig"
    write_quads(doc_quads(ex)[1], path)
    return path


def test_a_long_one_line_query_runs(graph_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: any one-line query over ~255 characters raised OSError: File name too long."""
    long_query = (
        "SELECT ?subject ?object WHERE { ?subject kg:trainsWith ?object . "
        + " ".join(f"OPTIONAL {{ ?subject skos:altLabel ?alias{i} }}" for i in range(6))
        + " }"
    )
    assert len(long_query) > 300 and "\n" not in long_query
    assert read_query(long_query) == (long_query, "the query text")
    assert main(["query", "--graph", str(graph_file), long_query, "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_long_rq_name_is_a_clear_error() -> None:
    name = "q" * 300 + ".rq"
    with pytest.raises(errors.InputError) as caught:
        read_query(name)
    assert caught.value.message == errors.no_such_input(name).message


def test_the_table_wraps_long_cells_instead_of_cutting_them(
    graph_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: cells were cut at 80 characters with an ellipsis."""
    query = "SELECT ?sentence WHERE { ?st kg:sentence ?sentence ; rdf:predicate kg:trainsWith }"
    assert main(["query", "--graph", str(graph_file), query]) == 0
    table = capsys.readouterr().out
    lines = table.splitlines()
    assert "…" not in table
    assert " ".join(line.strip() for line in lines[2:-1]) == LONG_SENTENCE  # every word, in order
    assert max(len(line) for line in lines) <= 60
    assert lines[-1] == "(1 row)"
    assert main(["query", "--graph", str(graph_file), query, "--wide"]) == 0
    wide = capsys.readouterr().out.splitlines()
    assert wide[2] == LONG_SENTENCE and len(wide) == 4
