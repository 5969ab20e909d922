"""HTML page → article text and metadata (title, author, date, canonical URL).

trafilatura finds the main text (no menus, footers, comments) and the metadata. We decode the
bytes ourselves first (BOM, HTTP header, ``<meta charset>``, then ``kg.ingest.text``) because
trafilatura ignores the page's declared charset, and hand it UTF-8 bytes: never a string that could
be taken for a path or a URL. A tiny page trafilatura rejects falls back to a plain paragraph
reader, so a short saved article is not lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from kg.ingest.dates import to_iso
from kg.ingest.items import RawItem, Skip, canonical_url, url_id
from kg.ingest.text import decode_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class Page:
    """What was read from a page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None


def decode_html(data: bytes, content_type: str = "") -> str:
    """Decode an HTML page: BOM, then the HTTP charset, then ``<meta charset>``, then detection."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)
    if "charset" in content_type.lower():
        return decode_bytes(data, content_type)
    m = _META_CHARSET.search(data[:4096])
    return decode_bytes(data, m.group(1).decode("ascii") if m else "")


def extract_page(data: bytes, content_type: str = "", url: str | None = None) -> Page:
    """Return the main text and metadata of an HTML page.

    Args:
        data: The page's bytes.
        content_type: The HTTP Content-Type header, when the page was fetched.
        url: The address it was fetched from (used when the page names no canonical URL).

    Returns:
        The page; ``text`` is empty when no article text was found.
    """
    html = decode_html(data, content_type)
    canonical = _canonical_link(html) or url
    page = _with_trafilatura(html, canonical)
    fallback = paragraphs(html)
    # trafilatura keeps a menu word when a page has nothing else; the plain reader leaves
    # navigation out, so when it finds nothing either, a few words are no article.
    found_url = page.url if page is not None else None
    if page is None or not page.text.strip() or (not fallback.text and len(page.text.split()) < 20):
        page = fallback
    else:
        page.title = page.title or fallback.title
        page.author = page.author or fallback.author
        page.published = page.published or fallback.published
    # our own reading of <link rel=canonical> first; trafilatura's (from other metadata) next
    page.url = canonical or (found_url if _is_http(found_url) else None)
    return page


def read_html(
    data: bytes, *, source: str, stem: str, content_type: str = "", skip: Skip
) -> Iterator[RawItem]:
    """Yield the article of one HTML page (or report it as skipped when it has no text)."""
    url = source if source.lower().startswith(("http://", "https://")) else None
    page = extract_page(data, content_type, url)
    if not page.text.strip():
        skip(source, "skipped", "no article text found in the page")
        return
    named_by = page.url or url  # the canonical URL, else the URL it was fetched from
    yield RawItem(
        text=page.text,
        source=source,
        id_hint=url_id(named_by) if named_by else stem,
        unique_hint=bool(named_by),
        title=page.title,
        published=page.published,
        url=canonical_url(page.url) if page.url else None,
        author=page.author,
    )


# ---------------------------------------------------------------- readers


def _with_trafilatura(html: str, url: str | None) -> Page | None:
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a declared dependency; the fallback still works
        return None
    try:
        result = trafilatura.bare_extraction(
            html.encode("utf-8"),
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # noqa: BLE001 - a parser crash on one page must not stop the batch
        return None
    if result is None:
        return None
    get = result.get if isinstance(result, dict) else lambda k: getattr(result, k, None)
    text = get("text") or ""
    return Page(
        text=_tidy(text),
        title=_clean(get("title")),
        author=_clean(get("author")),
        published=to_iso(get("date")) if get("date") else None,
        url=url or _clean(get("url")),
    )


class _Paragraphs(HTMLParser):
    """Collects the title and the text of block elements; scripts, styles, navigation left out."""

    BLOCKS = frozenset(
        {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "div", "br"}
    )
    HIDDEN = frozenset(
        {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form"}
    )
    # the page metadata read when trafilatura gives up on a small page
    META = {
        "author": "author",
        "article:author": "author",
        "dc.creator": "author",
        "article:published_time": "date",
        "date": "date",
        "dc.date": "date",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.blocks: list[str] = []
        self._buf: list[str] = []
        self._hidden = 0
        self._in_title = False
        self._title_buf: list[str] = []
        self.meta: dict[str, str] = {}  # the first value of each metadata name kept

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = {k.lower(): v for k, v in attrs if v}
            name = (values.get("name") or values.get("property") or "").lower()
            if name in self.META and values.get("content"):
                self.meta.setdefault(self.META[name], values["content"])
        elif tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "title":
            self._in_title = False
            self.title = _clean(" ".join(self._title_buf))
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_buf.append(data)
        elif not self._hidden:
            self._buf.append(data)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._buf)).strip()
        if text:
            self.blocks.append(text)
        self._buf = []

    def close(self) -> None:
        super().close()
        self._flush()


def paragraphs(html: str) -> Page:
    parser = _Paragraphs()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup: keep what was read
        pass
    blocks = parser.blocks
    title = parser.title
    # The <h1> usually repeats the headline; keep it out of the body only when identical.
    if blocks and title and blocks[0] == title:
        blocks = blocks[1:]
    author = parser.meta.get("author")
    # an author given as a profile URL ("article:author") is no byline
    if author and _is_http(author):
        author = None
    return Page(
        text="\n\n".join(blocks),
        title=title,
        author=_clean(author),
        published=to_iso(parser.meta["date"]) if "date" in parser.meta else None,
    )


def _canonical_link(html: str) -> str | None:
    head = html[:200_000]
    for pattern in (
        r"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*>""",
        r"""<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*>""",
    ):
        m = re.search(pattern, head, re.I)
        if m:
            attr = re.search(r"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", m.group(0), re.I)
            if attr and attr.group(1).lower().startswith(("http://", "https://")):
                return unescape(attr.group(1)).strip()
    return None


def _is_http(value: str | None) -> bool:
    return bool(value) and str(value).lower().startswith(("http://", "https://"))


def _tidy(text: str) -> str:
    # trafilatura separates paragraphs with one newline; a blank line reads better and keeps
    # spaCy's sentence splitter from joining a heading to the next paragraph.
    lines = [ln.strip() for ln in text.splitlines()]
    return "\n\n".join(ln for ln in lines if ln)


def _clean(value: object) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None
