"""JSON Lines archives → articles: one article per line (``{"id", "title", "text", "url",
"published", "author"}``, field names configurable), read line by line, so an archive of a million
articles streams. A line longer than the cap on an input (``IngestOptions.max_bytes``) is passed
over without being held in memory, and reported (``bounded_lines``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from kg import errors
from kg.ingest.dates import to_iso
from kg.ingest.items import RawItem, Skip, byline, canonical_url, url_id
from kg.ingest.text import decode_bytes

JSONL_FIELDS: dict[str, str] = {
    "id": "id",
    "title": "title",
    "text": "text",
    "url": "url",
    "published": "published",
    "author": "author",
}


def parse_fields(specs: Iterable[str]) -> dict[str, str]:
    """Parse ``--jsonl-field text=body`` style specs into a field map.

    Raises:
        InputError: on a spec without ``=`` or naming an unknown field.
    """
    out: dict[str, str] = {}
    for spec in specs:
        key, sep, name = spec.partition("=")
        key, name = key.strip(), name.strip()
        if not sep or not name:
            raise errors.InputError(
                f"invalid --jsonl-field {spec!r}. Write FIELD=NAME, for example text=body."
            )
        if key not in JSONL_FIELDS:
            raise errors.unknown_choice("JSON Lines field", key, sorted(JSONL_FIELDS))
        out[key] = name
    return out


class LongLine(bytes):
    """Stands for a line over the cap, which was read past, not kept; ``size``: its bytes."""

    size = 0


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes]:
    """The lines of a binary stream, each read into memory only up to ``limit`` bytes: a longer
    line is read through in pieces and yields a ``LongLine`` (a JSON Lines archive has no cap of
    its own, and one line of gigabytes would otherwise be read whole)."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n") and len(line) == limit + 1:
            yield line
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
            size += len(line)
        long = LongLine()
        long.size = size
        yield long


def read_jsonl(
    lines: bytes | Iterable[bytes],
    *,
    source: str,
    fields: dict[str, str] | None = None,
    skip: Skip,
    limit: int | None = None,
) -> Iterator[RawItem]:
    """Yield one article per line of a JSON Lines archive.

    Args:
        lines: The archive's bytes, or an iterable of its lines (an open binary file streams).
        source: The archive's name, for the report (lines are reported as ``source:LINE``).
        fields: Field names used by the archive for ``id``, ``title``, ``text``, ``url``,
            ``published``, ``author`` (defaults to those names).
        skip: Reports a line that is not JSON or has no text; the archive goes on.
        limit: The most bytes a record may have, for the message on a ``LongLine`` (from
            ``bounded_lines``; an archive given as bytes was capped whole).
    """
    names = {**JSONL_FIELDS, **(fields or {})}
    rows = lines.splitlines() if isinstance(lines, bytes) else lines
    for n, raw in enumerate(rows, start=1):
        where = f"{source}:{n}"
        if isinstance(raw, LongLine):
            skip(where, "skipped", errors.record_too_large(raw.size, limit or 0).message)
            continue
        if not raw.strip():
            continue
        try:
            record = json.loads(decode_bytes(raw))
        except json.JSONDecodeError as err:
            skip(where, "failed", f"line is not valid JSON ({err.msg})")
            continue
        except RecursionError:  # "[[[[…" nested past Python's recursion limit
            skip(where, "failed", "line is not valid JSON (nested too deeply)")
            continue
        if not isinstance(record, dict):
            skip(where, "failed", "line is not a JSON object")
            continue
        text = record.get(names["text"])
        if not isinstance(text, str) or not text.strip():
            skip(where, "skipped", f"no text in field {names['text']!r}")
            continue
        url = record.get(names["url"])
        url = (
            url
            if isinstance(url, str) and url.lower().startswith(("http://", "https://"))
            else None
        )
        # the URL names the article; an archive's own id is unique only in that archive, so it
        # gets the text's hash (kg.ingest.items.IdRegistry), like a record with neither
        rid = record.get(names["id"])
        if url:
            hint = url_id(url)
        elif rid not in (None, ""):
            hint = str(rid)
        else:
            hint = ""  # the id registry names it by the content hash alone
        title = record.get(names["title"])
        published = record.get(names["published"])
        yield RawItem(
            text=text,
            source=canonical_url(url) if url else where,
            id_hint=hint,
            unique_hint=bool(url),
            title=title.strip() or None if isinstance(title, str) else None,
            published=to_iso(published) if isinstance(published, str) else None,
            url=canonical_url(url) if url else None,
            author=byline(record.get(names["author"])),
        )
