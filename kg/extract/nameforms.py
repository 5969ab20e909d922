"""How names are compared: the normalised forms entity resolution (``kg.extract.resolve``)
matches on, the other forms a name stands for, and one spelling for British and American names.

- ``normalize_key``: the canonical form keys are made of (a leading "the" and a "US" prefix);
- ``name_words`` / ``norm_name``: a name as comparable words ("Defence" = "Defense");
- ``person_words``: a person's name without "Jr." or "III";
- ``nickname_forms``: "Enrique “Kiki” Camarena" is also "Enrique Camarena" and "Kiki Camarena";
- ``event_core``: an event's name without its year and the word "exercise".
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Names compared per cache (the forms of one document's names recur hundreds of times:
#: resolution compares every mention with every entity's names). Bounded, so memory stays flat.
_CACHED_NAMES = 4096

_US_PREFIX = re.compile(
    r"^(?:the\s+)?(?:U\.S\.|US|U\.S|United States’?|United States'|USA)\s+(?=\S)"
)


@functools.lru_cache(maxsize=_CACHED_NAMES)
def normalize_key(name: str) -> str:
    """Canonical name for keys: NFC, single spaces, a "US"/"United States" prefix as "U.S."."""
    text = " ".join(unicodedata.normalize("NFC", name).split())
    text = text.replace("’s", "’s").strip(" ,.;:")
    if _US_PREFIX.match(text) and not text.lower().startswith(("united states of", "usa ")):
        text = _US_PREFIX.sub("U.S. ", text)
    if text.lower().startswith("the "):
        text = text[4:]
    return text


#: Words after a surname ("Jr.") that a short form leaves out.
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def person_words(name: str) -> list[str]:
    """A person's name as words, without a suffix such as "Jr." or "III"."""
    return list(_person_words(name))  # a fresh list: callers may change it


@functools.lru_cache(maxsize=_CACHED_NAMES)
def _person_words(name: str) -> tuple[str, ...]:
    words = _name_words(normalize_key(name))
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words = words[:-1]
    return words


#: A nickname in quotes inside a person's name: Enrique “Kiki” Camarena.
_NICKNAME = re.compile(
    r"^(?P<first>[^\s\"“”‘’']+(?:\s[^\s\"“”‘’']+)*)\s+[\"“‘'](?P<nick>[^\"“”‘’']+)[\"”’']\s+(?P<rest>\S.*)$"
)


def nickname_forms(name: str) -> list[str]:
    """The other names a person's name with a quoted nickname stands for: "Enrique “Kiki”
    Camarena" is also "Enrique Camarena" and "Kiki Camarena" (how the text names him later)."""
    m = _NICKNAME.match(name.strip())
    if m is None:
        return []
    return [f"{m['first']} {m['rest']}", f"{m['nick']} {m['rest']}"]


#: Words around an event's own name: "Exercise Justified Accord", "Talisman Sabre 2019 exercise".
_EVENT_WORDS = frozenset({"exercise", "exercises", "operation", "operations", "drill", "drills"})
_EVENT_YEAR = re.compile(r"^(?:19|20)?\d\d$")


@functools.lru_cache(maxsize=_CACHED_NAMES)
def event_core(name: str) -> tuple[str, str]:
    """An event's name without the word "exercise" (or "operation") and a year, and that year
    as written: ("talisman sabre", "2019") for "Exercise Talisman Sabre 2019"; ("balikatan",
    "24") for "Balikatan 24". The core is empty when nothing else is left."""
    words = name_words(normalize_key(name))
    while words and words[0] in _EVENT_WORDS:
        words = words[1:]
    while len(words) > 1 and words[-1] in _EVENT_WORDS:
        words = words[:-1]
    year = ""
    if len(words) > 1 and _EVENT_YEAR.match(words[-1]):
        year = words[-1][-2:]
        words = words[:-1]
    # "Baltic Operations 24" and "Baltic Operations": the same core either way
    while len(words) > 1 and words[-1] in _EVENT_WORDS:
        words = words[:-1]
    return " ".join(words), year


def name_words(text: str) -> list[str]:
    return list(_name_words(text))  # a fresh list: callers may change it


@functools.lru_cache(maxsize=_CACHED_NAMES)
def _name_words(text: str) -> tuple[str, ...]:
    return tuple(
        w for w in re.split(r"[\s\-–]+", text.lower().replace("’s", "").replace("'s", "")) if w
    )


@functools.lru_cache(maxsize=_CACHED_NAMES)
def norm_name(text: str) -> str:
    return " ".join(name_words(american_spelling(normalize_key(text))))  # "Defence" = "Defense"


#: British spellings in the names of bodies and their American forms: one key for both
#: ("Guyana Defence Force" = "Guyana Defense Force").
_SPELLINGS = {
    "defence": "defense",
    "organisation": "organization",
    "organisations": "organizations",
    "programme": "program",
    "programmes": "programs",
    "centre": "center",
    "centres": "centers",
    "harbour": "harbor",
    "labour": "labor",
    "stabilisation": "stabilization",
    "specialised": "specialized",
    "mechanised": "mechanized",
    "armoured": "armored",
    "honour": "honor",
    "organised": "organized",
    "modernisation": "modernization",
    "cooperation": "cooperation",
    "co-operation": "cooperation",
}
_SPELLING_RE = re.compile(r"\b(" + "|".join(map(re.escape, _SPELLINGS)) + r")\b", re.IGNORECASE)


def american_spelling(name: str) -> str:
    """ "Kenya Defence Forces" -> "Kenya Defense Forces" (the case of each word kept)."""

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        new = _SPELLINGS[word.lower()]
        if word.isupper():
            return new.upper()
        return new.capitalize() if word[:1].isupper() else new

    return _SPELLING_RE.sub(swap, name)
