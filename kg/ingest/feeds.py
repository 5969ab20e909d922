"""RSS/Atom feeds → articles.

A feed entry's text is its full content when the feed carries it, else its summary (HTML turned
into plain text). Its id comes from the entry's link (canonical URL), else the feed's own entry id.
With ``follow_links`` the page an entry links to replaces a shorter summary.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from html import unescape
from typing import Any

from kg import errors
from kg.errors import InputError
from kg.ingest.dates import to_iso
from kg.ingest.html import extract_page, paragraphs
from kg.ingest.items import IngestOptions, RawItem, Skip, byline, canonical_url, url_id
from kg.ingest.web import fetch
from kg.rdf.safety import parse_feed


def is_feed(data: bytes) -> bool:
    """True when the bytes parse as an RSS or Atom feed with at least a channel or an entry."""
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
    assert item.url is not None
    try:
        # a plain request, not the watcher's conditional one: a 304 would give back the summary
        # and the store would see a changed article at every poll
        got = fetch(
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
    author = byline(entry.get("authors"), entry.get("author"))
    link = entry.get("link") or ""
    url = None
    if link.lower().startswith(("http://", "https://")):
        url = canonical_url(link)
        hint, where = url_id(link), url
    else:
        # no link: the entry's own id (or its title) and its text's hash name it, never its
        # position, which a new entry on top of the feed shifts
        hint, where = str(entry.get("id") or title or "entry"), f"{source}#{index}"
    return RawItem(
        text=text,
        source=where,
        id_hint=hint,
        unique_hint=url is not None,
        title=title,
        published=published,
        url=url,
        author=author,
    )


def html_fragment_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed summary): paragraphs kept, markup dropped."""
    if "<" not in html:
        return unescape(html).strip()
    return paragraphs(f"<div>{html}</div>").text
