"""A parsed Doc whose tokens are made once, for the rules that visit them again and again.

spaCy makes a new ``Token`` object on every ``doc[i]`` and on every step of ``for t in doc``
(about half a microsecond each, with the indexing). The extractor walks a document's tokens about
a dozen times and indexes them tens of thousands of times, so token objects were a third of its
time. ``TokenView`` wraps the Doc, keeps one list of its tokens, and answers ``view[i]``,
``for t in view`` and ``len(view)`` from that list; everything else (slices, ``sents``,
``ents``, ``text``, ``char_span`` …) goes to the Doc unchanged. A token's own ``.doc`` is still the
real Doc.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


class TokenView:
    """Duck-typed stand-in for a ``spacy.tokens.Doc`` with its tokens built once."""

    __slots__ = ("doc", "tokens", "text")

    def __init__(self, doc: Doc) -> None:
        self.doc: Doc = doc
        self.tokens: list[Token] = list(doc)
        self.text: str = doc.text

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self) -> Iterator[Token]:
        return iter(self.tokens)

    def __getitem__(self, index: Any) -> Any:
        if type(index) is int:
            return self.tokens[index]
        return self.doc[index]  # a slice: a real Span

    def __getattr__(self, name: str) -> Any:
        return getattr(self.doc, name)


def token_view(doc: Doc) -> Doc:
    """Return ``doc`` with its tokens built once (typed as a Doc: it behaves like one)."""
    if isinstance(doc, TokenView):
        return cast("Doc", doc)
    return cast("Doc", TokenView(doc))
