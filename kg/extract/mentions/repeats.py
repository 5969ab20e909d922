"""Later uses of a name the finder found once ("Cobra Gold got underway ... Cobra Gold is among
the largest exercises ... This Cobra Gold marks").

spaCy's tagger finds a name in one sentence and misses it, or cuts it wrong ("This Cobra Gold
marks" as one entity), in the next; a reader knows it is the same name. Every name of two or
more words that the finder chose is looked up again over the whole text with spaCy's
``PhraseMatcher`` (exact words, exact case), and each use that no other mention covers becomes a
mention of the same name, class and state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc as SpacyDoc

from kg.extract.mentions.cand import Cand

if TYPE_CHECKING:
    from collections.abc import Container

    from spacy.tokens import Doc


def _is_name(words: list[str]) -> bool:
    """Two or more words that start and end with a capital ("Cobra Gold", "Glyn T. Davies"):
    a name, not a generic phrase ("Peruvian forces") whose other uses the finder reads
    itself."""
    return len(words) >= 2 and words[0][:1].isupper() and words[-1][:1].isupper()


def repeat_mentions(doc: Doc, cands: list[Cand], skip: Container[int] = ()) -> list[Cand]:
    """``cands`` and the uses of their names that no mention covers yet.

    Args:
        doc: The parsed document.
        cands: The chosen, non-overlapping mentions.
        skip: Token indices no mention may take (headlines the finder left out).
    """
    first: dict[tuple[str, ...], Cand] = {}
    for c in cands:
        words = tuple(t.text for t in doc[c.start : c.end])
        if c.source != "coordination" and _is_name(list(words)) and words not in first:
            first[words] = c
    if not first:
        return cands
    matcher = PhraseMatcher(doc.vocab, attr="ORTH")
    for n, words in enumerate(first):
        matcher.add(str(n), [SpacyDoc(doc.vocab, words=list(words))])
    names = list(first)
    taken = {i for c in cands for i in c.tokens}
    extra: list[Cand] = []
    # longest matches first, so that "Cobra Gold 2017" wins over "Cobra Gold"
    real = getattr(doc, "doc", doc)  # the finder's ``TokenView`` wraps the Doc the matcher reads
    for match_id, start, end in sorted(matcher(real), key=lambda m: m[1] - m[2]):
        if any(i in taken or i in skip for i in range(start, end)):
            continue
        c = first[names[int(doc.vocab.strings[match_id])]]
        extra.append(
            Cand(
                start,
                end,
                c.name,
                c.cls,
                c.source,
                c.country,
                c.kind,
                c.key,
                sent_country=c.sent_country,
                evidence=c.evidence,
                core=c.core,
            )
        )
        taken.update(range(start, end))
    return sorted(cands + extra, key=lambda c: (c.start, c.end)) if extra else cands
