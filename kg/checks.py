"""Argument checks shared by the library's entry points.

Each returns the value it accepted (normalised) or raises ``errors.ArgumentError`` naming the
parameter; the CLI shows the matching flag instead. One place for each rule, so ``build``,
``watch``, ``export`` and the network page agree on what a confidence or a date is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kg import errors


def confidence(value: float, parameter: str = "min_confidence") -> float:
    """A confidence threshold: a number from 0 to 1."""
    number = float(value)
    if not 0.0 <= number <= 1.0:  # also refuses nan
        raise errors.out_of_range(parameter, value, "between 0 and 1")
    return number


def at_least(value: int, minimum: int, parameter: str) -> int:
    """A count of at least ``minimum``."""
    if value < minimum:
        raise errors.out_of_range(parameter, value, f"{minimum} or more")
    return value


def iso_date(value: str | None, parameter: str) -> str | None:
    """An ISO date (``YYYY-MM-DD``), or None when not given."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise errors.bad_date(parameter, value) from None


def choices(what: str, values: str | Iterable[str] | None, valid: list[str]) -> list[str] | None:
    """Names from ``valid`` (a comma-separated string or a list); None when none are given."""
    if values is None:
        return None
    if isinstance(values, str):
        values = values.split(",")
    out = []
    for v in values:
        v = v.strip()
        if not v:
            continue
        if v not in valid:
            raise errors.unknown_choice(what, v, valid)
        out.append(v)
    return out or None
