"""Long articles and pathological text, before spaCy sees them.

- Articles longer than ``CHUNK_CHARS`` (or spaCy's ``nlp.max_length``) are cut at paragraph or
  sentence breaks; each piece is parsed and extracted on its own, and the pieces are merged back
  into one Extraction whose offsets point into the whole text. Memory then grows with a piece,
  not with the article (about 3 GB per MB of article parsed whole: issue 15, item 6).
- ``tame_runs`` breaks long runs of punctuation, on which spaCy's tokenizer is quadratic (10,000
  ``[`` took 18 s, a 100 KB line of them over 600 s: issue 15, item 5).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from kg.records import Document, Entity, Extraction, Mention, Relation

#: Longest piece of an article parsed at once (characters): about 3,000 words, longer than
#: nearly every news article (those are parsed whole, as before), short enough that a piece's
#: parse and extraction stay small and quick.
CHUNK_CHARS = 20_000
#: Longest run of punctuation (no letter, digit or space) given to the tokenizer unbroken: its
#: cost grows as the square of a run (256 ``[``: 20 ms; 5,000: 7 s; 10,000: 18 to 44 s).
MAX_PUNCTUATION_RUN = 64
_PUNCTUATION_RUN = re.compile(rf"[^\w\s]{{{MAX_PUNCTUATION_RUN + 1},}}")


def tame_runs(text: str) -> str:
    """``text`` with every run of more than ``MAX_PUNCTUATION_RUN`` punctuation characters
    broken by a space every ``MAX_PUNCTUATION_RUN`` characters, one character for one (offsets
    into the text stay valid). Text without such a run is returned as it is."""
    if _PUNCTUATION_RUN.search(text) is None:
        return text
    return _PUNCTUATION_RUN.sub(_break_run, text)


def _break_run(match: re.Match[str]) -> str:
    run = list(match.group())
    run[MAX_PUNCTUATION_RUN :: MAX_PUNCTUATION_RUN + 1] = " " * len(
        run[MAX_PUNCTUATION_RUN :: MAX_PUNCTUATION_RUN + 1]
    )
    return "".join(run)


_BREAKS = (
    re.compile(r"\n\s*\n"),  # a paragraph break
    re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+"),  # a sentence end
    re.compile(r"\n"),
    re.compile(r"\s+"),
)


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Cut ``text`` into pieces of at most ``limit`` characters.

    Each cut falls on the last paragraph break before the limit, else the last sentence end, else
    a line break, else whitespace (a hard cut only for a run of ``limit`` characters without any).

    Args:
        text: The whole article.
        limit: The largest piece (spaCy's ``nlp.max_length``).

    Returns:
        ``(offset, piece)`` pairs; ``text[offset:offset + len(piece)] == piece`` and the pieces,
        with the whitespace between them, cover the text.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    pieces: list[tuple[int, str]] = []
    start = 0
    n = len(text)
    while n - start > limit:
        window = text[start : start + limit]
        cut = 0
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window) if m.start() > limit // 4]
            if ends:
                cut = ends[-1]
                break
        if cut <= 0:
            cut = limit
        pieces.append((start, text[start : start + cut]))
        start += cut
    if start < n:
        pieces.append((start, text[start:]))
    return pieces


def piece_documents(document: Document, limit: int) -> list[tuple[int, Document]]:
    """The pieces of a long document as documents (same id, so evidence points back to it)."""
    return [
        (offset, Document(document.id, piece, document.source, document.title, document.published))
        for offset, piece in split_text(document.text, limit)
    ]


def merge_pieces(document: Document, parts: Sequence[tuple[int, Extraction]]) -> Extraction:
    """Merge the extractions of a document's pieces into one, shifting every offset.

    Entities with the same key are merged (aliases and mentions united; the first class wins).
    """
    entities: dict[str, Entity] = {}
    relations: list[Relation] = []
    for offset, ex in parts:
        for ent in ex.entities:
            mentions = [_shift_mention(m, offset) for m in ent.mentions]
            if ent.key in entities:
                kept = entities[ent.key]
                kept.aliases |= set(ent.aliases) | ({ent.label} - {kept.label})
                kept.mentions.extend(mentions)
                kept.event_date = kept.event_date or ent.event_date  # dated in a later piece
            else:
                entities[ent.key] = replace(ent, aliases=set(ent.aliases), mentions=mentions)
        for rel in ex.relations:
            ev = rel.evidence
            relations.append(
                replace(rel, evidence=replace(ev, start=ev.start + offset, end=ev.end + offset))
            )
    return Extraction(document, list(entities.values()), relations)


def _shift_mention(m: Mention, offset: int) -> Mention:
    return replace(m, start=m.start + offset, end=m.end + offset)
