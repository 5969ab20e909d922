"""What each line of an article is: a headline, a byline, a dateline, a photo credit, or prose.

Text copied from a news page keeps lines that are not prose, and each has its own grammar:

- a headline in title case ("Special Forces Strengthen Capabilities"): every word is capitalised,
  so a run of capitals says nothing about where a name starts or ends;
- a byline ("By JANE ROE | THE DAILY HERALD Published: May 2, 2024", "12 May 2024 - 10:15 by Jane
  Roe in London"): a person, then the outlet they write for;
- a dateline opening the first paragraph ("GOMA, DRC | Agency | A contingent …", "LIMA (Reuters) —
  …", "Zagreb - On Friday …"): places and a news agency, then the prose;
- a photo credit ("Photo: Capt. Jane Roe, Army Combat Camera", "(Navy photo)", "… in Lima. AP /
  Jane Roe"): a photographer and the body they work for.

``read_layout`` finds them in a parsed document and returns, in token indices, the tokens of
title-case headlines, the tokens where a new segment starts (a name never runs across one), the
tokens that are no name at all ("Published", a social-media handle), and the parts a byline,
dateline or credit names (``Part``), which the mention finder types by their role.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Words a title-case headline leaves in lower case.
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "and",
        "or",
        "with",
        "at",
        "by",
        "from",
        "as",
        "vs",
        "into",
        "over",
        "after",
        "amid",
        "off",
        "up",
        "per",
        "via",
        "but",
    }
)
_MONTHS = frozenset(
    {
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
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
#: Labels of a line that links to another article ("RELATED: …", "READ MORE: …").
_KICKERS = frozenset(
    {"related", "read", "more", "also", "see", "watch", "listen", "video", "recommended"}
)
#: Words that open a photo credit ("Image:" opens a caption, "Image credit:" a credit).
_CREDIT_WORDS = frozenset({"photo", "photos", "photograph", "picture", "foto", "credit"})
#: Words of a credit that are no part of the names it gives.
_CREDIT_FILLERS = frozenset({"courtesy", "of", "the", "file", "by", "credit", "image", "photo"})
#: Words of a byline line that end the author's name.
_BYLINE_STOPS = frozenset({"published", "updated", "posted", "last", "on", "in", "and", "for"})
#: Separators that close a dateline ("LIMA —", "Zagreb -", "ASUNCIÓN:", "Goma, DRC |").
_DATELINE_SEPARATORS = frozenset({"—", "–", "-", "--", "---", ":", "|", ".-", ")-", ").-"})
#: Separators inside a credit or a byline ("Jane Roe/Agency", "Jane Roe, Army Combat Camera").
_PART_SEPARATORS = frozenset({"/", ",", "|", ";", "-", "–", "—"})
_DASHES = re.compile(r"^[—–-]+$")
#: A separator token, possibly with a closing bracket glued in front ("):", ").-")
_SEPARATOR = re.compile(r"^\)?\.?(?:[—–|:-]+)$")
#: "EFE).-": an agency glued to its closing bracket and the separator
_GLUED_AGENCY = re.compile(r"^([A-Z][A-Za-z]{1,11})\)[.:—–-]*$")


@dataclass(frozen=True)
class Part:
    """A name a byline, dateline or credit line holds, over tokens ``[start, end)``.

    ``role`` is ``person`` (an author or a photographer), ``outlet`` (the outlet or body they
    work for, a news agency), or ``place`` (a dateline's place); ``line`` is the kind of line.
    """

    start: int
    end: int
    role: str
    line: str
    #: the name when it is only part of a token ("EFE" in "EFE).-")
    text: str | None = None


@dataclass
class Layout:
    """The non-prose lines of a document, in token indices."""

    #: tokens of a title-case headline line
    headline: set[int] = field(default_factory=set)
    #: tokens where a new segment starts: a name never runs across one
    boundaries: set[int] = field(default_factory=set)
    #: tokens that are no name ("Published", "Photo", a handle)
    skip: set[int] = field(default_factory=set)
    #: the names bylines, datelines and credits hold
    parts: list[Part] = field(default_factory=list)
    #: token index -> kind of its line ("headline", "byline", "dateline", "credit")
    line_of: dict[int, str] = field(default_factory=dict)


def _lines(doc: Doc) -> list[list[int]]:
    """The document's lines as lists of token indices (space tokens left out)."""
    lines: list[list[int]] = [[]]
    for tok in doc:
        if tok.is_space:
            if "\n" in tok.text and lines[-1]:
                lines.append([])
            continue
        lines[-1].append(tok.i)
        if "\n" in tok.whitespace_ and lines[-1]:
            lines.append([])
    return [ln for ln in lines if ln]


def _cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper()


def _name_like(tok: Token) -> bool:
    """A word that can be part of a name in a non-prose line."""
    return _cap(tok) or tok.text in ("-", "’", "'", ".") or tok.lower_ in ("de", "da", "van", "al")


def is_title_case(doc: Doc, line: list[int]) -> bool:
    """A headline written in title case: most content words capitalised, no final period."""
    words = [doc[i] for i in line if doc[i].is_alpha]
    content = [w for w in words if w.lower_ not in _FUNCTION_WORDS]
    if len(content) < 3 or len(words) > 24:
        return False
    if doc[line[-1]].text in (".", ";", ","):
        return False
    capitalised = sum(1 for w in content if w.text[0].isupper())
    return capitalised >= 0.85 * len(content)


def _is_prose(doc: Doc, line: list[int]) -> bool:
    """A paragraph: a dozen words or more, ending like a sentence."""
    words = sum(1 for i in line if doc[i].is_alpha)
    return words >= 12 and doc[line[-1]].text[-1:] in (".", "!", "?", "”", '"', ":")


def read_layout(doc: Doc, is_place: Callable[[str], bool] | None = None) -> Layout:
    """Find headlines, bylines, datelines and photo credits in a parsed document.

    ``is_place`` says whether a name is a known place or country (a gazetteer lookup): a dateline
    in mixed case ("Zagreb - On Friday …") is only read as one when its first name is a place.
    """
    layout = Layout()
    prose_seen = False  # headlines stand above the first paragraph
    for n, line in enumerate(_lines(doc)):
        if n > 0:
            layout.boundaries.add(line[0])
        if _byline(doc, line, layout):
            continue
        tail = _trailing_byline(doc, line)
        if tail and _byline(doc, line[tail:], layout):
            line = line[:tail]  # "… the last sentence. By Jane Roe, Daily News"
        if (
            len(line) > 2
            and doc[line[0]].lower_ in _KICKERS
            and doc[line[1]].text in (":", "|", "-", "—")
        ):
            # "RELATED: Another Story's Headline": a link to another article
            layout.skip.update(line[:2])
            layout.headline.update(line[2:])
            for i in line:
                layout.line_of[i] = "headline"
            continue
        credit_at = _credit(doc, line, layout)
        head = line if credit_at is None else line[: line.index(credit_at)]
        if head and _dateline(doc, head, layout, is_place):
            continue
        if head and not prose_seen and is_title_case(doc, head):
            layout.headline.update(head)
            for i in head:
                layout.line_of.setdefault(i, "headline")
        prose_seen = prose_seen or _is_prose(doc, line)
        for i in line:
            if doc[i].text.startswith("@") and len(doc[i].text) > 1:
                layout.skip.add(i)  # a social-media handle
                if i > 0 and doc[i - 1].text.endswith("/"):
                    layout.skip.add(i - 1)  # "X/ @handle"
    return layout


# ---------------------------------------------------------------- bylines


def _byline(doc: Doc, line: list[int], layout: Layout) -> bool:
    """ "By JANE ROE | THE HERALD Published: …", "date 2024-05-12 By Jane Roe", "By Dialogo"."""
    if len(line) > 18 or doc[line[-1]].text in (".", "!", "?", "”", '"'):
        return False
    at = next((k for k, i in enumerate(line) if doc[i].lower_ == "by" and k + 1 < len(line)), None)
    if at is None or not _cap(doc[line[at + 1]]):
        return False
    if at > 0 and not _looks_like_date_or_time(doc, line[:at]):
        return False  # "Exercise led by General Roe": a headline, not a byline
    k = at + 1
    who: list[int] = []
    while k < len(line):
        tok = doc[line[k]]
        if tok.text in _PART_SEPARATORS or tok.lower_ in _BYLINE_STOPS or tok.like_num:
            break
        if not _name_like(tok):
            break
        who.append(line[k])
        k += 1
    if not who:
        return False
    for i in line:
        layout.line_of[i] = "byline"
    layout.skip.update(line)
    role = "person" if len([i for i in who if doc[i].is_alpha]) >= 2 else "outlet"
    _add_part(layout, who, role, "byline")
    # "| THE HERALD", ", Daily News": the outlet after a bar or a comma
    while k < len(line):
        if doc[line[k]].text not in ("|", ",", "/", "–", "—"):
            k += 1
            continue
        k += 1
        outlet: list[int] = []
        while k < len(line) and _cap(doc[line[k]]) and doc[line[k]].lower_ not in _BYLINE_STOPS:
            outlet.append(line[k])
            k += 1
        # "STARS AND STRIPES": lower-case words inside an all-caps name belong to it
        while (
            outlet
            and k + 1 < len(line)
            and doc[line[k]].lower_ in ("and", "of", "the")
            and _cap(doc[line[k + 1]])
        ):
            outlet.append(line[k])
            k += 1
            while k < len(line) and _cap(doc[line[k]]) and doc[line[k]].lower_ not in _BYLINE_STOPS:
                outlet.append(line[k])
                k += 1
        if outlet:
            _add_part(layout, outlet, "outlet", "byline")
    return True


def _trailing_byline(doc: Doc, line: list[int]) -> int:
    """Where a byline closing a paragraph starts ("… said. By Jane Roe, Daily News"): the
    index in ``line`` of its "By" (0: none)."""
    for k in range(max(1, len(line) - 10), len(line) - 1):
        if doc[line[k]].text == "By" and doc[line[k - 1]].text in (".", "”", '"'):
            return k
    return 0


def _looks_like_date_or_time(doc: Doc, toks: list[int]) -> bool:
    words = [doc[i] for i in toks]
    return any(
        w.like_num or w.lower_ in _MONTHS or w.lower_ in _WEEKDAYS or w.lower_ == "date"
        for w in words
    ) and not any(w.is_alpha and w.lower_ not in _MONTHS | _WEEKDAYS | {"date"} for w in words)


def _add_part(
    layout: Layout, toks: list[int], role: str, line: str, text: str | None = None
) -> None:
    if toks:
        layout.parts.append(Part(toks[0], toks[-1] + 1, role, line, text))


# ---------------------------------------------------------------- photo credits


def _credit(doc: Doc, line: list[int], layout: Layout) -> int | None:
    """Find a photo credit on the line; return the token where it starts (``None``: none)."""
    for k, i in enumerate(line):
        tok = doc[i]
        low = tok.lower_
        nxt = doc[line[k + 1]] if k + 1 < len(line) else None
        prev = doc[line[k - 1]] if k > 0 else None
        # "Photo: Jane Roe/Agency", "Photo by Jane Roe", "PHOTO: AFP"
        if (
            low in _CREDIT_WORDS
            and nxt is not None
            and nxt.lower_ in (":", "by", "credit")
            and (prev is None or prev.lower_ in (".", "(", "[", "|", "-", "—", "image") or k == 0)
            and _credit_body(doc, line[k + 2 :], layout)
        ):
            layout.skip.update(line[k : k + 2])
            if prev is not None and prev.lower_ == "image":
                layout.skip.add(line[k - 1])
                return line[k - 1]
            return i
        # "(Navy photo)", "(Photo courtesy of the Navy)"
        if (
            tok.text == "("
            and k + 2 < len(line)
            and any(doc[j].lower_ in _CREDIT_WORDS for j in line[k + 1 : k + 6])
        ):
            end = next((m for m in range(k + 1, len(line)) if doc[line[m]].text == ")"), None)
            if end is None or end - k > 8:
                continue
            body = [j for j in line[k + 1 : end] if doc[j].lower_ not in _CREDIT_WORDS]
            body = [j for j in body if doc[j].lower_ not in ("courtesy", "of", "the", "file", "by")]
            layout.skip.update(line[k : end + 1])
            if body and all(_cap(doc[j]) for j in body):
                _add_part(layout, body, "outlet", "credit")
            for j in line[k : end + 1]:
                layout.line_of[j] = "credit"
            return i
        # "… in Amman, Jordan. AP / Jane Roe" at the end of a caption
        if (
            prev is not None
            and prev.text in (".", "”", '"')
            and tok.text.isupper()
            and 1 < len(tok.text) <= 8
            and nxt is not None
            and nxt.text == "/"
            and 2 <= len(line) - (k + 2) <= 4
            and all(_cap(doc[j]) for j in line[k + 2 :])
        ):
            layout.skip.update(line[k:])
            _add_part(layout, [i], "outlet", "credit")
            _add_part(layout, line[k + 2 :], "person", "credit")
            for j in line[k:]:
                layout.line_of[j] = "credit"
            return i
    return None


def _credit_body(doc: Doc, toks: list[int], layout: Layout) -> bool:
    """ "Capt. Jane Roe, Army Combat Camera", "Jane Roe/Agency", "AFP": a person, then bodies.

    Returns False (and reads nothing) when the words after "Photo:" are a caption, not names.
    """
    toks = [j for j in toks if doc[j].lower_ not in _CREDIT_FILLERS]
    while toks and doc[toks[-1]].text in (".", ")", "]"):
        toks = toks[:-1]
    if not toks or len(toks) > 12 or any(doc[j].is_alpha and not _cap(doc[j]) for j in toks):
        return False
    for j in toks:
        layout.line_of[j] = "credit"
    layout.skip.update(toks)
    pieces: list[list[int]] = [[]]
    for j in toks:
        if doc[j].text in _PART_SEPARATORS or doc[j].text.endswith("/"):
            pieces.append([])
        elif doc[j].text in (")", "]", "(", "["):
            break
        else:
            pieces[-1].append(j)
    for n, piece in enumerate(p for p in pieces if p):
        words = [doc[j] for j in piece if doc[j].is_alpha]
        if not words or not all(_cap(w) for w in words):
            continue
        person = n == 0 and 2 <= len(words) <= 6 and not _names_a_body(words)
        _add_part(layout, piece, "person" if person else "outlet", "credit")
    return True


def _names_a_body(words: list[Token]) -> bool:
    """ "U.S. ARMY", "Canadian Forces Combat Camera": a credit piece naming a body, not a
    person (a person's name has no head noun of a body)."""
    bodies = {"army", "navy", "force", "forces", "corps", "command", "camera", "agency", "news"}
    return any(w.lower_ in bodies for w in words)


# ---------------------------------------------------------------- datelines


def _dateline(
    doc: Doc, line: list[int], layout: Layout, is_place: Callable[[str], bool] | None
) -> bool:
    """ "(AP) TEGUCIGALPA, Honduras - …", "GOMA, DRC | Agency | …", "Bogotá, 26 August (EFE).- …",
    "ASUNCIÓN: …", "Zagreb - On Friday …": places, a date, an agency, a separator, prose."""
    k = 0
    parts: list[tuple[list[int], str]] = []
    evidence = False

    def agency_at(k: int) -> int:
        # "(AP)", "(EFE)": a short capitalised word in brackets; the tokenizer may glue the
        # closing bracket and the separator to it ("(EFE).-", "(RHC)--")
        if k + 1 >= len(line) or doc[line[k]].text != "(":
            return k
        word = doc[line[k + 1]]
        glued = _GLUED_AGENCY.match(word.text)
        if glued and k + 2 <= len(line):
            parts.append(([line[k + 1]], "outlet:" + glued.group(1)))
            return k + 1  # the glued token is also the separator
        if (
            k + 2 < len(line)
            and doc[line[k + 2]].text.startswith(")")
            and _cap(word)
            and word.is_alpha
            and len(word.text) <= 12
        ):
            parts.append(([line[k + 1]], "outlet"))
            if _SEPARATOR.match(doc[line[k + 2]].text[1:]):
                return k + 2  # "):" is the bracket and the separator
            return k + 3
        return k

    k2 = agency_at(k)
    evidence = k2 > k
    k = k2
    names = 0
    while k < len(line) and names < 3:
        start = k
        while k < len(line) and k - start < 4 and _dateline_word(doc, line, k):
            k += 1
        if k == start:
            break
        parts.append((line[start:k], "place"))
        names += 1
        if k < len(line) and doc[line[k]].text == ",":
            # ", 26 August", ", October 15": a date after the place
            m = k + 1
            while m < len(line) and (
                doc[line[m]].like_num or doc[line[m]].lower_ in _MONTHS | _WEEKDAYS
            ):
                m += 1
            if m > k + 1:
                evidence = True
                k = m
                break
            k += 1
            continue
        break
    if not names:
        return False
    k2 = agency_at(k)
    evidence = evidence or k2 > k
    k = k2
    if k >= len(line) - 1:
        return False
    sep = doc[line[k]]
    glued = _GLUED_AGENCY.match(sep.text)
    if glued is None and sep.text not in _DATELINE_SEPARATORS and not _SEPARATOR.match(sep.text):
        return False
    # the separator may be two tokens (").-", ". -")
    nxt = k + 1
    while nxt < len(line) and (
        _DASHES.match(doc[line[nxt]].text) or doc[line[nxt]].text in (".", ")")
    ):
        nxt += 1
    if nxt >= len(line) or not (
        _cap(doc[line[nxt]]) or doc[line[nxt]].text in ("“", '"', "‘", "(")
    ):
        return False
    if sep.text == "|":
        evidence = True
        # "| Xinhua |": an agency between two bars
        m = nxt
        while m < len(line) and m - nxt < 4 and _cap(doc[line[m]]):
            m += 1
        if m > nxt and m < len(line) and doc[line[m]].text == "|":
            parts.append((line[nxt:m], "outlet"))
            nxt = m + 1
            if nxt >= len(line):
                return False
    first = next((p for p, role in parts if role == "place"), [])
    all_caps = any(doc[i].text.isupper() and len(doc[i].text) > 1 for i in first)
    known = is_place is not None and is_place(doc[first[0] : first[-1] + 1].text)
    if not (evidence or all_caps or known):
        return False
    if len(line) - nxt < 4:
        return False  # a dateline opens prose; "Exercise Justified Accord: Showcasing …" does not
    for p, role in parts:
        role, _, text = role.partition(":")
        _add_part(layout, p, role, "dateline", text or None)
    for i in line[:nxt]:
        layout.line_of[i] = "dateline"
    layout.skip.update(line[k:nxt])
    layout.boundaries.add(line[nxt])
    _second_dateline(doc, line, nxt, layout)
    return True


def _second_dateline(doc: Doc, line: list[int], k: int, layout: Layout) -> None:
    """ "QLD, AUSTRALIA -- USS ROE, at Sea - U.S. Marines trained …": a second place segment
    before another spaced dash is part of the dateline too."""
    m = k
    groups: list[list[int]] = []
    while m < len(line) and m - k < 10:
        tok = doc[line[m]]
        if _cap(tok) and tok.is_alpha:
            if (
                not groups
                or doc[line[m - 1]].text in (",",)
                or doc[line[m - 1]].lower_
                in (
                    "at",
                    "aboard",
                    "off",
                    "near",
                )
            ):
                groups.append([])
            groups[-1].append(line[m])
        elif tok.text == "," or tok.lower_ in ("at", "aboard", "off", "near"):
            pass
        elif _DASHES.match(tok.text) and tok.whitespace_ and m + 1 < len(line):
            if not groups or not _cap(doc[line[m + 1]]):
                return
            for g in groups:
                _add_part(layout, g, "place", "dateline")
            for i in line[k : m + 1]:
                layout.line_of[i] = "dateline"
            layout.skip.add(line[m])
            layout.boundaries.add(line[m + 1])
            return
        else:
            return
        m += 1


def _dateline_word(doc: Doc, line: list[int], k: int) -> bool:
    tok = doc[line[k]]
    if tok.lower_ in _MONTHS or tok.lower_ in _WEEKDAYS:
        return False
    if _cap(tok) and tok.is_alpha:
        return True
    # "Port-au-Prince", "Fort-de-France": hyphenated pieces with no space around the hyphen
    if tok.text == "-" and not tok.whitespace_ and k > 0 and not doc[line[k - 1]].whitespace_:
        return k + 1 < len(line)
    return bool(tok.is_alpha and k > 0 and doc[line[k - 1]].text == "-")
