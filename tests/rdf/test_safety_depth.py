"""The nesting screens of ``kg.rdf.safety`` (one depth counter for SPARQL/Turtle and JSON text):
brackets count, the ones inside strings, IRIs and comments do not, a stray closer never goes
below the top."""

from __future__ import annotations

import pytest

from kg.rdf.safety import bracket_depth, bracket_depth_json


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", 1),
        ("SELECT * WHERE { ?s ?p ?o FILTER((?o > 1)) }", 3),
        ("SELECT * WHERE { ?s ?p [ ?q ( 1 2 ) ] }", 3),
        ('SELECT * WHERE { ?s ?p "{{{((([[[" }', 1),
        ("SELECT * WHERE { ?s ?p '''{{{''' }", 1),
        ("SELECT * WHERE { ?s <http://x.org/a((b))> ?o }", 1),
        ("# {{{{\nSELECT * WHERE { ?s ?p ?o }", 1),
        ("}}} { }", 1),
        ("", 0),
    ],
)
def test_sparql_and_turtle_depth(text: str, depth: int) -> None:
    assert bracket_depth(text) == depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('{"a": [1, {"b": [2]}]}', 4),
        ('{"a": "[[[{{{"}', 1),
        ('{"a": "\\"[[["}', 1),
        ('{"a": (1)}', 1),
        ("]]] []", 1),
        ("", 0),
    ],
)
def test_json_depth(text: str, depth: int) -> None:
    assert bracket_depth_json(text) == depth
