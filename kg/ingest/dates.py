"""Dates in news text: absolute dates ("December 4, 2025") and relative ones ("last Thursday").

``parse_date`` reads one date written alone (a dateline, a feed's ``pubDate``, a JSON field);
``resolve_date`` turns an expression found in an article into a calendar date, using the article's
own publication date as "today"; ``find_dates`` scans a text for such expressions with their
character offsets so that an extractor can attach them to the events it reads.

Everything is pure and offline (no locale, no clock): the same text and anchor give the same date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

MONTHS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Order matters: the longest, most specific forms first.
_ABSOLUTE = [
    re.compile(rf"\b{_YEAR}-(?P<mnum>[01]\d)-(?P<dnum>[0-3]\d)\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.IGNORECASE),
]
_TRAILING_TIME = re.compile(r"[,\s|at-]*[\d:.]+\s*(?:[ap]\.?m\.?)?\s*[A-Z]{0,4}\s*", re.I)
_RELATIVE = re.compile(
    rf"\b(?:(?:(?P<which>last|this|next|past|coming)\s+)?{_WEEKDAY}"
    r"|(?P<word>today|yesterday|tomorrow))\b",
    re.IGNORECASE,
)


def parse_date(text: str) -> date | None:
    """Return the date written in ``text`` when the text is essentially just a date.

    Accepts ISO 8601 (``2025-12-04``, with or without a time), RFC 2822 (feeds' ``pubDate``), and
    English forms ("December 4, 2025", "4 Dec 2025", "Thursday, December 4, 2025"), optionally after
    a "Published:"/"Date:"/"Updated:" label. A year is required: a dateline without one is
    ambiguous and left to ``resolve_date``.

    Args:
        text: The candidate string.

    Returns:
        The date, or None when ``text`` is not a complete date.
    """
    s = text.strip()
    if not s or len(s) > 80:
        return None
    s = re.sub(
        r"^(?:published|posted|date|updated|dated)\s*(?:on)?\s*[:\-–]?\s*", "", s, flags=re.I
    )
    iso = re.fullmatch(r"((?:19|20)\d\d-[01]\d-[0-3]\d)(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?", s)
    if iso:
        try:
            return date.fromisoformat(iso.group(1))
        except ValueError:
            return None
    if re.match(r"^[A-Za-z]{3},\s+\d", s):
        try:
            return parsedate_to_datetime(s).date()
        except (TypeError, ValueError, IndexError):
            pass
    s = re.sub(rf"^{_WEEKDAY},?\s+", "", s, flags=re.I)
    for pattern in _ABSOLUTE[1:]:
        m = pattern.fullmatch(s.rstrip(". "))
        if m is None:
            # allow a trailing time ("December 4, 2025 10:32 AM", "4 Dec 2025, 10:32 GMT")
            m = pattern.match(s)
            if m is None or not _TRAILING_TIME.fullmatch(s[m.end() :]):
                continue
        if m.group("year"):
            return _make(int(m.group("year")), _month_number(m.group("month")), int(m.group("day")))
    return None


def to_iso(value: str | date | datetime | None) -> str | None:
    """Return ``value`` as ``YYYY-MM-DD`` (None when it is not a date)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else None


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text, resolved against the article date."""

    text: str
    start: int
    end: int
    value: date


def resolve_date(expression: str, anchor: date | str) -> date | None:
    """Resolve a date expression from an article against the article's date.

    "December 4" takes the year that puts it closest to the anchor (news reports recent events,
    so "December 4" in a January article is last December); "last Thursday" is the Thursday of the
    week before the anchor, "Thursday" alone the most recent Thursday on or before the anchor
    (news is mostly past tense), "next Thursday" the first one after it; "yesterday", "today" and
    "tomorrow" are what they say. Complete dates ignore the anchor.

    Args:
        expression: The words as written ("on December 4", "last Thursday", "2025-12-04").
        anchor: The article's publication date (a date or an ISO string).

    Returns:
        The date, or None when the expression is not understood.
    """
    today = anchor if isinstance(anchor, date) else date.fromisoformat(anchor[:10])
    s = re.sub(r"^(?:on|since|by|until|from)\s+", "", expression.strip(), flags=re.I)
    absolute = parse_date(s)
    if absolute:
        return absolute
    for pattern in _ABSOLUTE[1:]:
        m = pattern.fullmatch(s)
        if m:
            return _nearest_year(_month_number(m.group("month")), int(m.group("day")), today)
    m = _RELATIVE.fullmatch(s)
    if m:
        return _relative(m, today)
    return None


def find_dates(text: str, anchor: date | str | None) -> list[DateMention]:
    """Return every date expression in ``text`` that can be resolved, with offsets.

    Args:
        text: The article text.
        anchor: The article's date; without it only complete dates are returned.

    Returns:
        The mentions in text order, non-overlapping.
    """
    today = None
    if anchor is not None:
        today = anchor if isinstance(anchor, date) else date.fromisoformat(anchor[:10])
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    m: re.Match[str] | None
    for m in _ABSOLUTE[0].finditer(text):
        try:
            value = date.fromisoformat(m.group(0))
        except ValueError:
            continue
        found.append(DateMention(m.group(0), m.start(), m.end(), value))
        taken.append(m.span())
    for pattern in _ABSOLUTE[1:]:
        for m in pattern.finditer(text):
            if not free(*m.span()):
                continue
            month, day = _month_number(m.group("month")), int(m.group("day"))
            if m.group("year"):
                value2 = _make(int(m.group("year")), month, day)
            elif today is not None and not _looks_like_may_verb(m):
                value2 = _nearest_year(month, day, today)
            else:
                value2 = None
            if value2:
                found.append(DateMention(m.group(0), m.start(), m.end(), value2))
                taken.append(m.span())
    if today is not None:
        for m in _RELATIVE.finditer(text):
            if free(*m.span()):
                value3 = _relative(m, today)
                if value3:
                    found.append(DateMention(m.group(0), m.start(), m.end(), value3))
                    taken.append(m.span())
    return sorted(found, key=lambda d: d.start)


# ---------------------------------------------------------------- helpers


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, today: date) -> date | None:
    """The date with this month and day closest to ``today`` (previous, same or next year)."""
    options = [
        d for y in (today.year - 1, today.year, today.year + 1) if (d := _make(y, month, day))
    ]
    if not options:
        return None
    return min(options, key=lambda d: (abs((d - today).days), d > today))


def _relative(m: re.Match[str], today: date) -> date | None:
    word = (m.group("word") or "").lower()
    if word:
        return today + timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[word])
    target = WEEKDAYS[m.group("weekday").lower()]
    which = (m.group("which") or "").lower()
    back = (today.weekday() - target) % 7  # days since the most recent such weekday (0 = today)
    if which in ("next", "coming"):
        return today + timedelta(days=(target - today.weekday()) % 7 or 7)
    if which in ("last", "past"):
        # "last Thursday" said on a Friday is yesterday's Thursday; said on a Thursday, a week ago.
        return today - timedelta(days=back or 7)
    if which == "this":
        return today - timedelta(days=today.weekday()) + timedelta(days=target)
    return today - timedelta(days=back)


def _looks_like_may_verb(m: re.Match[str]) -> bool:
    """'may 4' in running text is more often the verb than the month when not capitalised."""
    return m.group("month") == "may"
