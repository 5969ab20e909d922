"""Plain text: bytes decoded without mojibake, the headline and dateline of an article's first
lines, Markdown markup dropped.

Text is kept exactly as decoded (only a byte-order mark is dropped): character offsets and the
content hash refer to it, and a gold file's ``text_sha256`` matches the article file.
"""

from __future__ import annotations

import codecs
import re

from kg.ingest.dates import parse_date
from kg.ingest.items import RawItem, is_url, url_id

_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 25


def decode_bytes(data: bytes, declared: str = "") -> str:
    """Decode bytes to text without mojibake.

    Order: a byte-order mark; a charset declared by the transport (``Content-Type``); strict UTF-8;
    Windows-1252 when the result reads like Latin-script text (most legacy news pages); then
    charset-normalizer's guess; Latin-1 as the last resort (it never fails).

    Args:
        data: The bytes.
        declared: A Content-Type header or a bare charset name, when known.

    Returns:
        The text, without a leading BOM.
    """
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            return text[1:] if text.startswith("\ufeff") else text
    charset = _declared_charset(declared)
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        latin = data.decode("cp1252")
    except UnicodeDecodeError:
        latin = None
    if latin is not None and _reads_as_latin(latin):
        return latin
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data).best()
        if best is not None and not best.encoding.startswith(("utf_16", "utf_32")):
            return str(best)
    except ImportError:  # pragma: no cover - charset-normalizer ships with requests
        pass
    return latin if latin is not None else data.decode("latin-1")


def _declared_charset(declared: str) -> str:
    if not declared:
        return ""
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", declared, re.I)
    name = m.group(1) if m else ("" if "/" in declared else declared.strip())
    # A page labelled ISO-8859-1 is nearly always Windows-1252 (the HTML standard says so).
    return (
        "cp1252"
        if name.lower() in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii")
        else name
    )


def _reads_as_latin(text: str) -> bool:
    """True when non-ASCII letters are a minority, as in Western European text.

    Cyrillic or Greek bytes read as Windows-1252 also give Latin-1 letters, but whole words of
    them; French or German text has a few accented letters among ASCII ones.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    non_ascii = sum(1 for ch in letters if ord(ch) > 127)
    return non_ascii / len(letters) < 0.3


def text_item(text: str, *, source: str, stem: str) -> RawItem | None:
    """Build an article from plain text: headline and dateline read from its first lines.

    A text fetched from a URL is named by the URL (a new version replaces the old one), any
    other by ``stem`` and its content hash (see ``kg.ingest.items.IdRegistry``).
    """
    if not text.strip():
        return None
    title, published = read_header(text)
    from_url = is_url(source)
    return RawItem(
        text=text,
        source=source,
        id_hint=url_id(source) if from_url else stem,
        title=title,
        published=published,
        unique_hint=from_url,
    )


def read_header(text: str) -> tuple[str | None, str | None]:
    """Return (headline, ISO date) read from the first lines of an article, when present.

    The first non-empty line is a headline when it is short, is not a sentence (no final
    period), and is followed by a blank line or a date line. A date line is one of the first few
    lines that holds only a date ("December 4, 2025", "Published: 2025-12-04").
    """
    lines = text.splitlines()[:40]
    nonblank = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    if not nonblank:
        return None, None
    published = None
    date_index = -1
    for i, line in nonblank[:5]:
        when = parse_date(line)
        if when is not None:
            published, date_index = when.isoformat(), i
            break
    first_i, first = nonblank[0]
    title = None
    if first_i != date_index and _looks_like_headline(first):
        following = lines[first_i + 1] if first_i + 1 < len(lines) else ""
        if not following.strip() or first_i + 1 == date_index or len(nonblank) == 1:
            title = re.sub(r"^#+\s*", "", first).strip() or None
    return title, published


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    if not words or len(line) > _HEADLINE_MAX_CHARS or len(words) > _HEADLINE_MAX_WORDS:
        return False
    if line.startswith("#"):
        return True
    if line[-1] in ".;,:" and not line.endswith("..."):
        return False
    # A headline is not two sentences.
    return not re.search(r"[a-z][.!?]\s+[A-Z]", line)


_MD_RULES = [
    (re.compile(r"^```.*?^```[ \t]*$", re.M | re.S), lambda m: m.group(0)),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), lambda m: m.group(1)),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), lambda m: m.group(1)),
    (re.compile(r"^(\s{0,3})#{1,6}\s+", re.M), lambda m: m.group(1)),
    (re.compile(r"^(\s*)(?:[*+-]|\d+\.)\s+", re.M), lambda m: m.group(1)),
    (re.compile(r"^>\s?", re.M), lambda m: ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), lambda m: m.group(2)),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), lambda m: m.group(1)),
    (re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"), lambda m: m.group(1)),
    (re.compile(r"`([^`\n]+)`"), lambda m: m.group(1)),
]


def strip_markdown(text: str) -> str:
    """Drop Markdown markup (headings, emphasis, links, list bullets) and keep the words.

    The result is the document text: offsets refer to it, not to the Markdown source.
    """
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text
