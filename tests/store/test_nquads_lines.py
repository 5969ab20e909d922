"""N-Quads files are written line by line (``kg.rdf.terms.nquad_line``) instead of through
pyoxigraph Quads (issue 11, speed, fourth round): the same bytes as ``pyoxigraph.serialize``
writes for the same quads, whatever the text of the literals."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import XSD, BNode, Literal, URIRef

from kg.rdf.terms import nquad_line, ox_quad
from kg.store import write_quads

G = URIRef("https://example.org/doc/a")
S, P = URIRef("https://example.org/id/Navy_of_Peru"), URIRef("https://example.org/kg#label")

#: Characters N-Quads escapes or that are easy to get wrong (controls, quotes, line ends,
#: non-ASCII letters, an emoji outside the BMP, bidi marks).
_TRICKY = ["a", " ", '"', "\\", "\n", "\r", "\t", "\x00", "\x08", "\x0c", "\x1f", "\x7f", "\x85",
           "\u2028", "é", "ñ", "😀", "\ufeff", "\u202e", "<", ">", "^", "@"]  # fmt: skip


def _serialized(quads: list[tuple[object, ...]]) -> bytes:
    return bytes(ox.serialize([ox_quad(q) for q in quads], format=ox.RdfFormat.N_QUADS))


def _literals() -> list[Literal]:
    rng = random.Random(11)
    out = [Literal(""), Literal(7, datatype=XSD.integer), Literal("2026-01-02", datatype=XSD.date)]
    out += [Literal("0.87", datatype=XSD.decimal), Literal("Lima", lang="es")]
    for _ in range(400):
        text = "".join(rng.choice(_TRICKY) for _ in range(rng.randint(1, 12)))
        out.append(Literal(text))
        out.append(Literal(text, lang="en"))
    return out


def test_each_line_is_what_pyoxigraph_writes_for_the_quad() -> None:
    quads: list[tuple[object, ...]] = [(S, P, lit, G) for lit in _literals()]
    quads += [(S, P, URIRef("https://example.org/id/Lima_%28Peru%29"), G)]
    # the kinds that go through the Quad: a blank node, the default graph, pyoxigraph terms
    quads += [(BNode("b1"), P, S, G), (S, P, Literal("x"), None), (S, P, BNode("b2"), G)]
    quads += [(ox.NamedNode(str(S)), ox.NamedNode(str(P)), ox.Literal("y"), ox.NamedNode(str(G)))]
    for q in quads:
        assert nquad_line(q).encode("utf-8") == _serialized([q]), q


def test_an_nquads_file_holds_the_bytes_pyoxigraph_writes(tmp_path: Path) -> None:
    quads: list[tuple[object, ...]] = [(S, P, lit, G) for lit in _literals()] * 12  # > one batch
    quads.append((S, P, Literal("last"), None))
    out = tmp_path / "graph.nq"
    assert write_quads(quads, out) == len(quads)
    assert out.read_bytes() == _serialized(quads)


def test_what_pyoxigraph_refuses_is_refused_alike() -> None:
    with pytest.raises(TypeError):
        nquad_line((Literal("not a subject"), P, S, G))
    with pytest.raises(ValueError):
        nquad_line((URIRef("not an iri"), P, S, G))
