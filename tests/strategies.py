"""Hypothesis strategies for hostile article text, entity names and literals.

Used by ``tests/test_security_*.py``, ``tests/rdf/test_fuzz.py`` and ``benchmarks/fuzz_long.py``.
The alphabet is weighted towards what breaks serializers and query builders: IRI-illegal ASCII
(``<>"{}|^`\\``), quotes, newlines, C0/C1 controls, bidi overrides, combining marks (NFC vs NFD),
lone surrogates, noncharacters, astral characters, and SPARQL / HTML fragments.
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

#: Characters that have broken an RDF tool chain at least once somewhere.
NASTY_CHARS: tuple[str, ...] = (
    " ",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "<",
    ">",
    '"',
    "'",
    "{",
    "}",
    "|",
    "^",
    "`",
    "\\",
    "#",
    "%",
    "?",
    "&",
    "/",
    ":",
    "@",
    ";",
    ".",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "\u0301",
    "\u0308",
    "é",
    "ü",
    "ñ",
    "中",
    "ع",
    "\U0001f600",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udfff",
)

#: Names written to break out of a SPARQL string, IRI or group, or to inject markup.
INJECTION_NAMES: tuple[str, ...] = (
    'x" } } ; DROP ALL ; INSERT DATA { <a> <b> "c',
    "x' } } ; DROP ALL ; #",
    'Acme"""; DELETE WHERE { ?s ?p ?o } #',
    "> } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } <",
    "?s ?p ?o } LOAD <http://127.0.0.1:9/evil> {",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '" href="javascript:alert(1)',
    "\\u0022 } DROP ALL",
    "{{7*7}} ${7*7} %s %n",
    "../../../etc/passwd",
    "file:///etc/passwd",
)


def _chars() -> st.SearchStrategy[str]:
    # Any code point, surrogates included (hypothesis leaves Cs out unless asked).
    return st.one_of(
        st.sampled_from(NASTY_CHARS),
        st.characters(codec=None, categories=None),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    )


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any string, weighted towards characters that break serializers."""
    return st.text(alphabet=_chars(), max_size=max_size)


def entity_names(max_size: int = 30) -> st.SearchStrategy[str]:
    """Entity names: hostile text, injection payloads, or plain words around nasty characters."""
    words = st.sampled_from(["Army", "FOES", "Acme Corp", "Lima", "Ministry", "Café München"])
    mixed = st.tuples(words, st.sampled_from(NASTY_CHARS), words).map("".join)
    return st.one_of(hostile_text(max_size), st.sampled_from(INJECTION_NAMES), mixed)


def nfc_nfd_pairs() -> st.SearchStrategy[tuple[str, str]]:
    """Pairs ``(nfc, nfd)`` of one name written in both normal forms."""
    base = st.text(
        alphabet=st.sampled_from("aeiouAEIOU ñçåøéèüöäßŠžĂ" + "\u0301\u0308\u030a\u0327"),
        min_size=1,
        max_size=20,
    )
    return base.map(lambda s: (unicodedata.normalize("NFC", s), unicodedata.normalize("NFD", s)))


#: Sentence templates for article text; {a} and {b} are entity names.
TEMPLATES: tuple[str, ...] = (
    "{a} trained with {b} in Lima on Tuesday.",
    "Officials said {a} cooperated with {b}.",
    "{a}, a unit of {b}, was deployed to Peru.",
    "{a} met with {b} at the ministry, according to {b}.",
    "{a} did not train with {b}.",
    "The commander of {a} leads {b}.",
)


@st.composite
def article_text(draw: st.DrawFn, max_sentences: int = 4) -> str:
    """Article-like text: template sentences about (possibly hostile) names, plus noise."""
    names = st.one_of(
        st.sampled_from(["U.S. Special Forces", "FOES", "the Peruvian Navy", "Acme Corp"]),
        entity_names(20),
    )
    parts = []
    for _ in range(draw(st.integers(1, max_sentences))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append(draw(hostile_text(60)))
        else:
            template = draw(st.sampled_from(TEMPLATES))
            parts.append(template.format(a=draw(names), b=draw(names)))
    return draw(st.sampled_from([" ", "\n", "\n\n"])).join(parts)
