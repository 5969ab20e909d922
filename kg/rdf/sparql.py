"""SPARQL text handling without evaluating it: prefixes, safe parameter binding, safety checks.

Parameters are never formatted into a query as raw text. A value becomes an RDF term, the term is
serialised by pyoxigraph (which escapes it as N-Triples), and the term is placed in a ``VALUES``
block at the start of the query's outer ``WHERE`` group, so it constrains every use of the
variable, also inside aggregates. The small tokenizer below skips strings, IRIs and comments so
that a keyword inside a literal is never mistaken for syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kg.rdf.terms import to_ox
from kg.rdf.vocab import BASE, DOCUMENT, ENTITY, FACT, KG, PROV, STATEMENT

#: Prefixes every kg query may use without declaring them.
PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "id": str(ENTITY),
    "doc": str(DOCUMENT),
    "stmt": str(STATEMENT),
    "fact": str(FACT),
    "prov": str(PROV),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: The graph that holds materialised inferences (never mixed with asserted facts).
INFERRED_GRAPH = BASE + "graph/inferred"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-.]*)?|:[A-Za-z0-9_\-.]*)
  | (?P<punct>[{}()])
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """Yield the significant tokens of a SPARQL text (comments and spaces dropped)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("comment", "space"):
            continue
        yield Token(kind, m.group(), m.start())


def keywords(text: str) -> list[str]:
    """Return the bare words of the query, upper-cased (keywords, not strings or IRIs)."""
    return [t.text.upper() for t in tokens(text) if t.kind == "word"]


_FAST_FORM = re.compile(
    r"(?:\s+|\#[^\r\n]*|(?:PREFIX\s+[^\s:<>]*:|BASE)\s*<[^<>\"{}|^`\\\x00-\x20]*>)*"
    r"(SELECT|CONSTRUCT|ASK|DESCRIBE)\b",
    re.IGNORECASE,
)


def query_form(text: str) -> str:
    """Return SELECT, CONSTRUCT, ASK or DESCRIBE, or UPDATE for an update request, or ``""``."""
    fast = _FAST_FORM.match(text)  # the common case (a prologue, then the form) without tokenizing
    if fast:
        return fast.group(1).upper()
    for word in keywords(text):
        if word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return word
        if word in (
            "INSERT",
            "DELETE",
            "LOAD",
            "CLEAR",
            "DROP",
            "CREATE",
            "ADD",
            "MOVE",
            "COPY",
            "WITH",
        ):
            return "UPDATE"
    return ""


def from_graphs(text: str) -> list[str]:
    """Return the IRIs named by ``FROM`` and ``FROM NAMED`` clauses (prefixed names expanded)."""
    declared = dict(PREFIXES)
    toks = list(tokens(text))
    for i, t in enumerate(toks[:-2]):
        if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 2].kind == "iri":
            declared[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
    found: list[str] = []
    for i, t in enumerate(toks):
        if t.kind != "word" or t.text.upper() != "FROM":
            continue
        j = i + 1
        if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "NAMED":
            j += 1
        if j >= len(toks):
            continue
        target = toks[j]
        if target.kind == "iri":
            found.append(target.text[1:-1])
        elif target.kind == "word" and ":" in target.text:
            prefix, local = target.text.split(":", 1)
            found.append(declared.get(prefix, prefix + ":") + local)
        else:
            found.append(target.text)
    return found


def where_brace(text: str) -> int:
    """Return the offset of the ``{`` that opens the query's outer WHERE group, or -1."""
    form = ""
    seen_where = False
    parens = 0
    template = 0  # brace depth inside a CONSTRUCT template, which comes before WHERE
    for t in tokens(text):
        if t.kind == "word":
            word = t.text.upper()
            if not form and word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = word
            elif word == "WHERE" and parens == 0 and template == 0:
                seen_where = True
        elif t.kind == "punct" and t.text in "()":
            parens += 1 if t.text == "(" else -1
        elif t.kind == "punct" and t.text == "{":
            # SELECT, ASK and DESCRIBE may omit WHERE; CONSTRUCT's first group is its template.
            if seen_where or form in ("SELECT", "ASK", "DESCRIBE"):
                return t.start
            template += 1
        elif t.kind == "punct" and t.text == "}" and template:
            template -= 1
    return -1


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid SPARQL variable name, else raise ``ValueError``."""
    if not _NAME.match(name):
        raise ValueError(f"invalid parameter name {name!r}: use letters, digits and _")
    return name


def term_text(term: Any) -> str:
    """Serialise an RDF term (rdflib, pyoxigraph or a plain string) as escaped SPARQL syntax."""
    return str(to_ox(term if not isinstance(term, str) or hasattr(term, "n3") else _literal(term)))


def _literal(value: str) -> Any:
    from rdflib import Literal

    return Literal(value)


def bind(text: str, bindings: Mapping[str, Any] | None) -> str:
    """Return ``text`` with ``bindings`` (name -> term or string) added as a ``VALUES`` block.

    Raises:
        ValueError: a name is not a variable name, or the query has no WHERE group to bind into.
    """
    if not bindings:
        return text
    names = [check_name(n) for n in bindings]
    row = " ".join(term_text(bindings[n]) for n in names)
    values = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + row + ") } "
    at = where_brace(text)
    if at < 0:
        raise ValueError("the query has no WHERE { … } group to bind parameters into")
    return text[: at + 1] + " " + values + text[at + 1 :]


def with_prologue(text: str) -> str:
    """Return ``text`` preceded by the kg PREFIX declarations (the query's own ones win)."""
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    return head + text
