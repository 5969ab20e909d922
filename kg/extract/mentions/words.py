"""The word lists and small text helpers the mention finder's stages share: generic kinds of
state bodies, connectors, ordinals, words that are never names, honorifics, name particles;
spans as written, bounds cleaned of determiners and punctuation, generic names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Common nouns that name a state's force or body when qualified by a country or demonym, and
#: the canonical kind used in the entity key ("Peruvian Armed Forces").
GENERIC_KINDS: dict[str, tuple[str, str]] = {
    "forces": ("Armed Forces", "MilitaryUnit"),
    "force": ("Armed Forces", "MilitaryUnit"),
    "troops": ("Armed Forces", "MilitaryUnit"),
    "military": ("Armed Forces", "MilitaryUnit"),
    "militaries": ("Armed Forces", "MilitaryUnit"),
    "personnel": ("Armed Forces", "MilitaryUnit"),
    "soldiers": ("Armed Forces", "MilitaryUnit"),
    "chiefs": ("Armed Forces", "MilitaryUnit"),
    "army": ("Army", "MilitaryUnit"),
    "armies": ("Army", "MilitaryUnit"),
    "navy": ("Navy", "MilitaryUnit"),
    "navies": ("Navy", "MilitaryUnit"),
    "marines": ("Marines", "MilitaryUnit"),
    "police": ("Police", "PoliceUnit"),
    "policemen": ("Police", "PoliceUnit"),
    "government": ("Government", "GovernmentBody"),
    "governments": ("Government", "GovernmentBody"),
    "embassy": ("Embassy", "GovernmentBody"),
    "authorities": ("Government", "GovernmentBody"),
    "congress": ("Congress", "GovernmentBody"),
    "delegation": ("delegation", "Organization"),
    "officials": ("officials", "Organization"),
}
ORG_CLASSES = ("Organization", "GovernmentBody", "MilitaryUnit", "PoliceUnit")
#: Words allowed between the demonym and the kind noun ("Peruvian armed forces").
GENERIC_MODS = frozenset(
    {
        "armed",
        "military",
        "security",
        "federal",
        "navy",
        "army",
        "police",
        "officials",
        "government",
        "regular",
    }
)
#: Words that do not start a name at the beginning of a sentence.
CONNECTORS = frozenset({"of", "for", "against", "de", "del", "la", "-", "–", "and", "the", "&"})


ORDINALS = {
    "first": "First",
    "second": "Second",
    "third": "Third",
    "fourth": "Fourth",
    "fifth": "Fifth",
    "sixth": "Sixth",
    "seventh": "Seventh",
    "eighth": "Eighth",
    "ninth": "Ninth",
    "tenth": "Tenth",
    "1st": "1st",
    "2nd": "2nd",
    "3rd": "3rd",
    "4th": "4th",
    "5th": "5th",
    "6th": "6th",
    "7th": "7th",
    "8th": "8th",
    "9th": "9th",
    "10th": "10th",
}
NOT_NAMES = frozenset(
    {
        "related",
        "more",
        "image",
        "photo",
        "read",
        "also",
        "see",
        "watch",
        "by",
        "from",
        "via",
        "today",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "english",
        "spanish",
        "portuguese",
        "french",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "honorable",
        "hon.",
        "said",
        "according",
    }
)


#: Lower-case particles inside a person's name ("Hugo de Zela", "Mohamed Ould Cheikh").
PARTICLES = frozenset(
    {
        "de",
        "da",
        "del",
        "dos",
        "das",
        "do",
        "van",
        "von",
        "der",
        "bin",
        "binti",
        "ould",
        "ben",
        "al",
        "el",
    }
)


def is_cap(tok: Token) -> bool:
    t = tok.text
    return (
        bool(t)
        and (t[0].isupper() or (t[0].isdigit() and tok.like_num is False))
        and any(c.isalpha() for c in t)
    )


HONORIFICS = frozenset(
    {
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "honorable",
        "hon.",
        "honourable",
        "sir",
        "dame",
        "mr",
        "mrs",
        "ms",
        "dr",
    }
)


def clean_bounds(
    doc: Doc, start: int, end: int, honorifics: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Drop determiners, honorifics, punctuation, possessive markers and brackets at both ends."""
    while start < end:
        low = doc[start].lower_
        if start + 2 < end and f"{low} {doc[start + 1].lower_}" in honorifics:
            start += 2  # "Tan Sri"
            continue
        if not (
            low in ("the", "a", "an", "this", "these", "its", "their", "our")
            or low in HONORIFICS
            or low in honorifics
            or doc[start].is_punct
            or low in ("’s", "'s")
        ):
            break
        start += 1
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].lower_ in ("’s", "'s", "’", "'")
        or doc[end - 1].lower_ in CONNECTORS  # "Naval Striking and", "Maritime Service of"
    ):
        end -= 1
    return start, end


def generic_name(name: str, lex: Lexicon) -> bool:
    """A name made only of common words ("Special Forces Brigade", "National Assembly",
    "Ministry of Defense", "First Special Forces Brigade"): every state may have one."""
    words = [
        w.strip(".,()")
        for w in re.split(r"[\s\-–/]+", name.lower().replace("’s", "").replace("'s", ""))
    ]
    content = [w for w in words if w and w not in CONNECTORS]
    return bool(content) and all(
        w in lex.common_words
        or w in lex.heads
        or (w.endswith("s") and w[:-1] in lex.heads)
        or w in lex.titles
        or w in ORDINALS
        or re.fullmatch(r"\d+(st|nd|rd|th)?", w) is not None
        for w in content
    )


def to_singular(word: str) -> str:
    """ "Commands" -> "Command", "Ministries" -> "Ministry", "Armies" -> "Army"."""
    if word.lower().endswith("ies"):
        return word[:-3] + ("Y" if word.isupper() else "y")
    return word[:-1] if word.lower().endswith("s") else word


def span_text(doc: Doc, start: int, end: int) -> str:
    if end <= start:
        return ""
    last = doc[end - 1]  # = doc[start:end].text, sliced from the text instead of joined
    return doc.text[doc[start].idx : last.idx + len(last)]
