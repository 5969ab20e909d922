"""The build's writing side makes repeated terms once (issue 11, speed, fourth round): the
evidence offsets' and sentences' literals come from small caches, and must be the literals the
plain constructors make, in every form a writer reads from them."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import XSD, Literal

from kg.rdf import quads
from kg.rdf.terms import clean_text, to_ox


def _forms(term: Literal) -> tuple[object, ...]:
    return (type(term), str(term), term.datatype, term.language, term.value, str(to_ox(term)))


def test_cached_offset_literals_are_the_plain_typed_literals() -> None:
    for n in (0, 1, 7, 42, 1999, 10**6, 2**40):
        plain = Literal(n, datatype=XSD.integer)
        assert _forms(quads._integer_literal(n)) == _forms(plain)
        assert _forms(quads._integer_literal(n)) == _forms(plain)  # from the cache
    assert quads._integer_literal(3) is quads._integer_literal(3)


def test_cached_sentence_literals_are_the_plain_cleaned_literals() -> None:
    sentences = [
        "Navy divers trained with the coast guard.",
        "A line\nbreak, a tab\tand a control \x07 character.",
        "Cafe\u0301 (decomposed) and \u202eright-to-left\u202c marks.",
        'Quotes " and back\\slashes, 😀 and a lone \ud800 surrogate.',
        "",
    ]
    for s in sentences * 2:
        plain = Literal(clean_text(s))
        assert _forms(quads._sentence_literal(s)) == _forms(plain)
        assert _line(quads._sentence_literal(s)) == _line(plain)


def _line(term: Literal) -> str:
    """The term's N-Quads line, as the build writes it."""
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    return ox.serialize([ox.Quad(s, p, to_ox(term))], format=ox.RdfFormat.N_QUADS).decode()
