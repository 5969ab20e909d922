"""RSS/Atom feeds and JSON Lines archives → articles.

A feed entry's text is its full content when the feed carries it, else its summary (HTML turned
into plain text). Its id comes from the entry's link (canonical URL), else the feed's own entry id.
A JSON Lines archive holds one article per line (``{"id", "title", "text", "url", "published",
"author"}``, field names configurable); it is read line by line, so an archive of a million
articles streams.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.ingest.documents import IngestOptions, RawItem, Skip

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
    from kg import errors

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


# ---------------------------------------------------------------- feeds


def is_feed(data: bytes) -> bool:
    """True when the bytes parse as an RSS or Atom feed with at least a channel or an entry."""
    import io

    import feedparser

    parsed = feedparser.parse(io.BytesIO(data))  # bytes naming a file would be opened
    return bool(parsed.entries) or bool(parsed.feed.get("title") and parsed.version)


def read_feed(
    data: bytes, *, source: str, skip: Skip, opts: IngestOptions | None = None
) -> Iterator[RawItem]:
    """Yield one article per entry of an RSS or Atom feed.

    Args:
        data: The feed's bytes (feedparser detects the charset from the XML declaration).
        source: Where the feed came from.
        skip: Reports a malformed feed, or an entry without text.
        opts: With ``follow_links``, each entry's linked page is fetched for its full text.
    """
    from kg.errors import InputError
    from kg.rdf.safety import parse_feed

    try:
        parsed = parse_feed(data, source=source)  # no entity bombs, never opens a path or URL
    except InputError as err:
        skip(source, "failed", err.message)
        return
    if not parsed.entries:
        reason = "malformed feed" if parsed.bozo else "feed has no entries"
        detail = getattr(parsed, "bozo_exception", None)
        skip(
            source,
            "failed" if parsed.bozo else "skipped",
            f"{reason}: {detail}" if detail else reason,
        )
        return
    items = [entry_item(entry, source=source, index=n) for n, entry in enumerate(parsed.entries, 1)]
    if parsed.bozo and not any(items):
        # a truncated or broken document whose few "entries" are fragments: the feed failed
        skip(source, "failed", f"malformed feed: {getattr(parsed, 'bozo_exception', '')}")
        return
    for n, item in enumerate(items, start=1):
        if item is None:
            skip(f"{source}#{n}", "skipped", "feed entry has no text")
        elif opts is not None and opts.follow_links and item.url:
            yield with_linked_page(item, opts)
        else:
            yield item


def with_linked_page(item: RawItem, opts: IngestOptions) -> RawItem:
    """Replace a feed entry's summary by the main text of the page it links to, when longer.

    A page that cannot be fetched or has no text leaves the entry as it is: the summary is still
    an article, and the next poll tries again.
    """
    from dataclasses import replace

    from kg import errors
    from kg.ingest import web as sources
    from kg.ingest.html import extract_page

    assert item.url is not None
    try:
        # a plain request, not the watcher's conditional one: a 304 would give back the summary
        # and the store would see a changed article at every poll
        got = sources.fetch(
            item.url, timeout=opts.timeout, max_bytes=opts.max_bytes,
            max_redirects=opts.max_redirects,
        )  # fmt: skip
    except errors.KGError:
        return item
    if got.status != 200 or not got.data:
        return item
    page = extract_page(got.data, got.content_type, got.url)
    if len(page.text) <= len(item.text):
        return item
    return replace(
        item,
        text=page.text,
        text_hash="",  # recomputed from the new text
        title=item.title or page.title,
        published=item.published or page.published,
        author=item.author or page.author,
    )


def entry_item(entry: Any, *, source: str, index: int) -> RawItem | None:
    """Turn one feedparser entry into an article (None when it has no text)."""
    from kg.ingest.dates import to_iso
    from kg.ingest.documents import RawItem, canonical_url, url_id

    html = ""
    for content in entry.get("content") or []:
        if len(content.get("value", "")) > len(html):
            html = content["value"]
    summary = entry.get("summary", "")
    if len(summary) > len(html):
        html = summary
    text = html_fragment_text(html)
    if not text.strip():
        return None
    title = (entry.get("title") or "").strip() or None
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        stamp = entry.get(key)
        if stamp:
            published = f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}"
            break
    if published is None:
        published = to_iso(entry.get("published") or entry.get("updated"))
    author = _authors(entry.get("authors"), entry.get("author"))
    link = entry.get("link") or ""
    url = None
    if link.lower().startswith(("http://", "https://")):
        url = canonical_url(link)
        hint, where = url_id(link), url
    else:
        hint, where = str(entry.get("id") or f"{source}-{index}"), f"{source}#{index}"
    return RawItem(
        text=text,
        source=where,
        id_hint=hint,
        title=title,
        published=published,
        url=url,
        author=author,
    )


def _authors(*values: Any) -> str | None:
    """A byline from a feed entry's ``authors`` (dicts with a name) or ``author``, or a JSON
    field (a string, a list of strings, or objects with a name); several joined by ``"; "``."""
    names: list[str] = []
    for value in values:
        for one in value if isinstance(value, list) else [value]:
            name = one.get("name") if isinstance(one, dict) else one
            if isinstance(name, str) and name.strip() and name.strip() not in names:
                names.append(" ".join(name.split()))
        if names:
            break
    return "; ".join(names)[:500] or None


def html_fragment_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed summary): paragraphs kept, markup dropped."""
    if "<" not in html:
        from html import unescape

        return unescape(html).strip()
    from kg.ingest.html import _with_stdlib

    return _with_stdlib(f"<div>{html}</div>").text


# ---------------------------------------------------------------- JSON Lines


def read_jsonl(
    lines: bytes | Iterable[bytes], *, source: str, fields: dict[str, str] | None = None, skip: Skip
) -> Iterator[RawItem]:
    """Yield one article per line of a JSON Lines archive.

    Args:
        lines: The archive's bytes, or an iterable of its lines (an open binary file streams).
        source: The archive's name, for the report (lines are reported as ``source:LINE``).
        fields: Field names used by the archive for ``id``, ``title``, ``text``, ``url``,
            ``published``, ``author`` (defaults to those names).
        skip: Reports a line that is not JSON or has no text; the archive goes on.
    """
    from kg.ingest.dates import to_iso
    from kg.ingest.documents import RawItem, canonical_url, decode_bytes, url_id

    names = {**JSONL_FIELDS, **(fields or {})}
    rows = lines.splitlines() if isinstance(lines, bytes) else lines
    for n, raw in enumerate(rows, start=1):
        if not raw.strip():
            continue
        where = f"{source}:{n}"
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
        rid = record.get(names["id"])
        if rid not in (None, ""):
            hint = str(rid)
        elif url:
            hint = url_id(url)
        else:
            hint = ""  # the id registry falls back to the content hash
        title = record.get(names["title"])
        published = record.get(names["published"])
        yield RawItem(
            text=text,
            source=canonical_url(url) if url else where,
            id_hint=hint,
            title=title.strip() or None if isinstance(title, str) else None,
            published=to_iso(published) if isinstance(published, str) else None,
            url=canonical_url(url) if url else None,
            author=_authors(record.get(names["author"])),
        )
