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

    __slots__ = ("doc", "tokens", "text", "_span")

    def __init__(self, doc: Doc) -> None:
        from spacy.tokens import Span

        self.doc: Doc = doc
        self.tokens: list[Token] = list(doc)
        self.text: str = doc.text
        self._span = Span
        sentence_hook(doc)

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self) -> Iterator[Token]:
        return iter(self.tokens)

    def __getitem__(self, index: Any) -> Any:
        if type(index) is int:
            return self.tokens[index]
        if type(index) is slice and index.step is None:
            start, stop = index.start, index.stop
            # a slice within the document: the Span ``doc[start:stop]`` makes, without spaCy's
            # Python-level ``normalize_slice`` (~5 µs a slice against ~1.7 µs; ~170 per article)
            if type(start) is int and type(stop) is int and 0 <= start <= stop <= len(self.tokens):
                return self._span(self.doc, start, stop)
        return self.doc[index]  # any other slice (negative, open, stepped): spaCy's answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.doc, name)


def head_indices(doc: Doc) -> list[int]:
    """Each token's head index, as ``[t.head.i for t in doc]`` gives it, read from the parse's
    array: ``Token.head`` makes a new Token (and its doc lookup) for every token, which cost the
    pattern rules and the pair features a second per hundred articles."""
    import numpy
    from spacy.attrs import HEAD

    rel = doc.to_array(HEAD)  # offsets to the head, negative ones wrapped to unsigned
    return (rel.view(numpy.int64) + numpy.arange(len(rel), dtype=numpy.int64)).tolist()


def sentence_hook(doc: Doc) -> None:
    """Answer ``token.sent`` from the sentence bounds of every token, found in one pass.

    spaCy's ``Token.sent`` walks the sentence starts from the token on every call and costs
    ~30 µs; the rules ask it of a few hundred tokens per article. The hook (spaCy's
    ``user_token_hooks``) gives the same span: from the nearest sentence start at or before the
    token (else the first token) to the next sentence start after it (else the end), as
    ``Span.sent`` reads them. It holds only the bounds, not the Doc (no reference cycle), and the
    Doc's sentence starts must not change afterwards (nothing in extraction sets them).
    """
    hooks = doc.user_token_hooks
    if "sent" in hooks or not len(doc) or not doc.has_annotation("SENT_START"):
        return  # someone else's hook, or no sentences: spaCy's own answer (or error)
    from spacy.attrs import SENT_START

    starts = doc.to_array(SENT_START).view("int64").tolist()  # 1 start, -1 inside, 0 unknown
    n = len(starts)
    first = [0] * n
    s = 0
    for i in range(n):
        if starts[i] == 1:
            s = i
        first[i] = s
    end = [n] * n
    e = n
    for i in range(n - 1, -1, -1):
        end[i] = e
        if starts[i] == 1:
            e = i
    from spacy.tokens import Span

    # the Span ``tok.doc[first:end]`` makes (the bounds are in range), without slicing's checks
    hooks["sent"] = lambda tok: Span(tok.doc, first[tok.i], end[tok.i])


def token_view(doc: Doc) -> Doc:
    """Return ``doc`` with its tokens built once (typed as a Doc: it behaves like one)."""
    if isinstance(doc, TokenView):
        return cast("Doc", doc)
    return cast("Doc", TokenView(doc))
