"""The words a block of documents repeats, tokenized before spaCy's memory zone opens, so that the
tokenizer's cache holds them inside it.

Inside a memory zone spaCy's tokenizer caches nothing: a cached entry would point at lexemes the
zone frees when it closes (``Tokenizer._save_cached`` returns early while
``vocab.in_memory_zone``). Every word of every document then went through the prefix, suffix,
infix and special-case searches again: tokenizing the 150 benchmark articles inside the build's
zone cost 0.64 s of CPU, against 0.06 s for the same texts outside it (plain ``nlp.pipe``).

``warm_tokenizer`` tokenizes, outside the zone and in a few calls, the whitespace-separated
chunks (the tokenizer's cache keys) that occur at least ``MIN_REPEATS`` times in the block: their
lexemes are then part of the vocabulary for good and the tokenizer caches them, so inside the
zone each occurrence is one lookup. The cache is spaCy's own, the one plain ``nlp.pipe`` fills
with every word: the tokens are the same (``tests/nlp/test_warm.py``).

Memory stays bounded: at most ``WARM_LIMIT`` distinct chunks are warmed per pipeline over the
life of the process (a few MB of lexemes and strings); beyond it a block's new words are
tokenized as before, and freed with its zone.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

#: A chunk must occur this often in a block to be warmed: once only, warming it costs what it saves.
MIN_REPEATS = 2
#: Distinct chunks warmed per pipeline at most (what they add to memory is bounded by it).
WARM_LIMIT = 20_000
#: Longer chunks are left alone (a run of symbols, a URL: rarely repeated, long to keep).
MAX_CHARS = 40
#: Chunks tokenized per call, joined by spaces.
PER_CALL = 2_000

_warmed: weakref.WeakKeyDictionary[Language, set[str]] = weakref.WeakKeyDictionary()


def warm_tokenizer(nlp: Language, texts: Iterable[str]) -> int:
    """Tokenize the chunks ``texts`` repeat (outside any memory zone), so that the tokenizer
    caches them; return how many were new. Does nothing inside a memory zone, where nothing
    would be cached."""
    if nlp.vocab.in_memory_zone:  # type: ignore[attr-defined]  # a property the stubs omit
        return 0
    done = _warmed.setdefault(nlp, set())
    room = WARM_LIMIT - len(done)
    if room <= 0:
        return 0
    counts = Counter(chain.from_iterable(text.split() for text in texts))
    new: list[str] = []
    for chunk, n in counts.most_common():  # the most repeated first, while there is room
        if n < MIN_REPEATS or len(new) >= room:
            break
        if len(chunk) <= MAX_CHARS and chunk not in done:
            new.append(chunk)
    for i in range(0, len(new), PER_CALL):
        nlp.tokenizer(" ".join(new[i : i + PER_CALL]))
    done.update(new)
    return len(new)
