"""Gazetteers and lexicons read from ``kg/data/lexicons`` (data files, not code), loaded once.

Files (tab-separated, ``#`` starts a comment line):

- ``countries.tsv``: name, other names, demonyms/adjectives, key modifier ("Peruvian").
- ``places.tsv``: place, its container, kind.
- ``cities.tsv``: town, its country (GeoNames' towns of 15,000 people or more, written by
  ``scripts/make_cities.py``); read by :func:`city_countries`, apart from :func:`load`.
- ``organizations.tsv``: name, class, country, other names.
- ``heads.tsv``: head word, class.
- ``titles.tsv``: title word, role (head, mod, leader, skip).
- ``kinds.tsv``: phrase, the kind of a state's body it names, class ("marine infantry" ->
  "Marines").
- ``ranks.txt``, ``say_verbs.txt``, ``honorifics.txt``, ``common_words.txt``,
  ``ship_prefixes.txt``, ``document_heads.txt``: one word (or pair of words) per line.
- ``triggers.tsv``: lemma, part of speech, frame.
- ``calibration.tsv``: rule id, base confidence (written by ``kg.calibrate``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.resources import lexicon_file


def _rows(name: str) -> Iterator[list[str]]:
    path: Path = lexicon_file(name)  # a missing file raises: never an empty lexicon
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        yield [c.strip() for c in line.split("\t")]


def _col(row: list[str], i: int) -> str:
    return row[i] if len(row) > i else ""


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


@dataclass
class Lexicon:
    """All lexical resources, with lower-cased lookup tables built once."""

    #: lower-cased country name or alias -> canonical country name
    country_names: dict[str, str] = field(default_factory=dict)
    #: lower-cased demonym/adjective -> canonical country name
    demonyms: dict[str, str] = field(default_factory=dict)
    #: canonical country -> modifier used in keys ("Peruvian", "U.S.")
    modifier: dict[str, str] = field(default_factory=dict)
    #: lower-cased place -> (canonical place name, container, kind)
    places: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: lower-cased org name or alias -> (canonical name, class, country)
    orgs: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    ranks: frozenset[str] = frozenset()
    #: rank words that only continue a rank ("petty" in "Chief Petty Officer")
    inner_ranks: frozenset[str] = frozenset()
    #: words that end a rank after a rank word ("officer" in "Petty Officer")
    closing_ranks: frozenset[str] = frozenset()
    #: forms of address before a name ("Datuk", "Tan Sri"): no part of it
    honorifics: frozenset[str] = frozenset()
    #: phrase -> (kind, class) of a state's body ("marine infantry" -> ("Marines", ...))
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: common nouns and adjectives of the names of bodies ("special", "affairs")
    common_words: frozenset[str] = frozenset()
    #: prefixes of warships' names, as written ("USS", "HMAS")
    ship_prefixes: frozenset[str] = frozenset()
    #: the state a ship's prefix names ("HMAS" -> Australia), for the prefixes of one state
    ship_states: dict[str, str] = field(default_factory=dict)
    #: ship prefix -> the states that all write it ("INS": India, Israel)
    ship_shared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    document_heads: frozenset[str] = frozenset()
    say_verbs: frozenset[str] = frozenset()
    #: (lemma, "VERB"|"NOUN") -> frame
    triggers: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    calibration: dict[str, float] = field(default_factory=dict)

    def country_of(self, text: str) -> str | None:
        """Return the canonical country named or qualified by ``text`` (name or demonym)."""
        t = text.strip().lower()
        if t.startswith("the "):
            t = t[4:]
        t = t.removesuffix("’s").removesuffix("'s").removesuffix("’").removesuffix("'")
        return self.country_names.get(t) or self.demonyms.get(t)

    def frames(self, lemma: str, pos: str) -> set[str]:
        return self.triggers.get((lemma.lower(), pos), set())


def word_list(name: str) -> frozenset[str]:
    """A one-word-per-line lexicon file, lower-cased (a missing file raises)."""
    return frozenset(r[0].lower() for r in _rows(name))


@functools.lru_cache(maxsize=1)
def city_countries() -> dict[str, str]:
    """Lower-cased town name -> its canonical country (``cities.tsv``), read once per process,
    on the first document's place rules (not with the other lexicons: only extraction needs it)."""
    return {r[0].lower(): _col(r, 1) for r in _rows("cities.tsv")}


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    """Read every lexicon file once per process."""
    lx = Lexicon()
    for row in _rows("countries.tsv"):
        name = row[0]
        lx.country_names[name.lower()] = name
        for alias in _split(_col(row, 1)):
            lx.country_names.setdefault(alias.lower(), name)
        for dem in _split(_col(row, 2)):
            lx.demonyms.setdefault(dem.lower(), name)
        lx.modifier[name] = _col(row, 3) or name
    for row in _rows("places.tsv"):
        lx.places[row[0].lower()] = (row[0], _col(row, 1), _col(row, 2))
    for row in _rows("organizations.tsv"):
        entry = (row[0], _col(row, 1) or "Organization", _col(row, 2))
        lx.orgs[row[0].lower()] = entry
        for alias in _split(_col(row, 3)):
            lx.orgs.setdefault(alias.lower(), entry)
    lx.heads = {r[0].lower(): _col(r, 1) for r in _rows("heads.tsv")}
    lx.titles = {r[0].lower(): _col(r, 1) or "head" for r in _rows("titles.tsv")}
    ranks = [(r[0].lower(), _col(r, 1)) for r in _rows("ranks.txt")]  # word, role
    lx.ranks = frozenset(w for w, role in ranks if role != "closing")
    lx.closing_ranks = frozenset(w for w, role in ranks if role == "closing")
    lx.inner_ranks = frozenset(w for w, role in ranks if role == "inner")
    lx.honorifics = frozenset(" ".join(r[0].lower().split()) for r in _rows("honorifics.txt"))
    lx.common_words = frozenset(r[0].lower() for r in _rows("common_words.txt"))
    lx.ship_prefixes = frozenset(r[0] for r in _rows("ship_prefixes.txt"))
    for row in _rows("ship_prefixes.txt"):
        states = _split(_col(row, 1))
        if len(states) == 1:
            lx.ship_states[row[0]] = states[0]
        elif states:
            lx.ship_shared[row[0]] = tuple(states)
    lx.document_heads = frozenset(r[0].lower() for r in _rows("document_heads.txt"))
    for row in _rows("kinds.tsv"):
        lx.kinds[" ".join(row[0].lower().split())] = (_col(row, 1), _col(row, 2) or "Organization")
    lx.say_verbs = frozenset(r[0].lower() for r in _rows("say_verbs.txt"))
    for row in _rows("triggers.tsv"):
        lx.triggers.setdefault((row[0].lower(), _col(row, 1).upper()), set()).add(_col(row, 2))
    for row in _rows("calibration.tsv"):
        try:
            lx.calibration[row[0]] = float(_col(row, 1))
        except ValueError:
            continue
    return lx
