"""Dates: absolute forms, and relative ones resolved against the article's date."""

from __future__ import annotations

from datetime import date

import pytest

from kg.ingest.dates import find_dates, parse_date, resolve_date, to_iso


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-04", date(2025, 12, 4)),
        ("2025-12-04T10:00:00Z", date(2025, 12, 4)),
        ("December 4, 2025", date(2025, 12, 4)),
        ("Dec. 4 2025", date(2025, 12, 4)),
        ("4 December 2025", date(2025, 12, 4)),
        ("Sept. 3, 2024", date(2024, 9, 3)),
        ("Published: 4 Dec 2025", date(2025, 12, 4)),
        ("Updated on December 4, 2025 10:32 AM", date(2025, 12, 4)),
        ("Thursday, December 4, 2025", date(2025, 12, 4)),
        ("Thu, 04 Dec 2025 10:00:00 GMT", date(2025, 12, 4)),
        ("December 4", None),  # no year: ambiguous alone
        ("2025-02-30", None),
        ("The Army trained on December 4, 2025.", None),  # a sentence, not a date line
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


# 2025-12-12 is a Friday
@pytest.mark.parametrize(
    ("expression", "anchor", "expected"),
    [
        ("on December 4", "2025-12-12", date(2025, 12, 4)),
        ("December 28", "2026-01-05", date(2025, 12, 28)),  # last December, not next
        ("January 3", "2025-12-30", date(2026, 1, 3)),  # a few days ahead: next January
        ("last Thursday", "2025-12-12", date(2025, 12, 11)),
        ("last Friday", "2025-12-12", date(2025, 12, 5)),  # said on a Friday: a week ago
        ("Thursday", "2025-12-12", date(2025, 12, 11)),  # news is past tense: the latest one
        ("next Monday", "2025-12-12", date(2025, 12, 15)),
        ("this Wednesday", "2025-12-12", date(2025, 12, 10)),
        ("yesterday", "2025-12-12", date(2025, 12, 11)),
        ("tomorrow", "2025-12-12", date(2025, 12, 13)),
        ("on 2024-05-01", "2025-12-12", date(2024, 5, 1)),
        ("sometime soon", "2025-12-12", None),
    ],
)
def test_resolve_date(expression: str, anchor: str, expected: date | None) -> None:
    assert resolve_date(expression, anchor) == expected


def test_find_dates_with_offsets() -> None:
    text = "Talks began on December 4 and the drill ended last Thursday; more on 2026-01-20."
    found = find_dates(text, date(2025, 12, 12))
    assert [(d.text, d.value) for d in found] == [
        ("December 4", date(2025, 12, 4)),
        ("last Thursday", date(2025, 12, 11)),
        ("2026-01-20", date(2026, 1, 20)),
    ]
    assert all(text[d.start : d.end] == d.text for d in found)


def test_find_dates_without_anchor_keeps_only_complete_dates() -> None:
    found = find_dates("On Monday, March 3, 2025 the talks began; on March 5 they ended.", None)
    assert [(d.text, d.value) for d in found] == [("March 3, 2025", date(2025, 3, 3))]


def test_lowercase_may_is_a_verb() -> None:
    assert find_dates("Troops may 5 times a year train together.", "2025-06-01") == []


def test_to_iso() -> None:
    assert to_iso("4 Dec 2025") == "2025-12-04"
    assert to_iso(date(2025, 1, 2)) == "2025-01-02"
    assert to_iso("not a date") is None
    assert to_iso(None) is None
