"""Sources → Documents: files, folders, pages, feeds, archives, stdin and URLs.

``iter_documents`` is the one entry point. It checks every source up front (a missing path is an
error before any work starts), then streams documents one at a time, so a corpus of any size never
sits in memory. A problem with one input (an empty file, a binary file, a page without text, a
duplicate) is reported through ``on_skip`` and the batch goes on.

Text is kept exactly as decoded (only a byte-order mark is dropped): character offsets and the
content hash refer to it, and a gold file's ``text_sha256`` matches the article file.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import errors
from kg.records import Document, sha256_text

if TYPE_CHECKING:
    from kg.ingest.web import Fetched
    from kg.run.build import DocumentStatus

OnSkip = Callable[["DocumentStatus"], None]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES

_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 25


@dataclass
class IngestOptions:
    """How sources are read.

    Attributes:
        include: Glob patterns a file inside a folder must match (any of them); empty = all
            supported files.
        exclude: Glob patterns that drop a file inside a folder (matched against the path relative
            to the folder and against the file name).
        jsonl_fields: Field names of a JSON Lines archive: maps ``id``, ``title``, ``text``,
            ``url``, ``published`` to the names used in the archive.
        timeout: Seconds to wait for a URL.
        max_bytes: Largest page or feed read from a URL or stdin.
        max_redirects: Redirects followed for a URL.
        fetcher: Fetches a URL instead of ``kg.ingest.web.fetch`` (``kg watch`` sends conditional
            requests); it may answer 304 (not modified), and the URL is then ``unchanged``.
        follow_links: For a feed entry with a link, fetch the linked page and use its main text
            when it is longer than the entry's summary (feeds often carry a sentence or two).
    """

    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    jsonl_fields: dict[str, str] = field(default_factory=dict)
    timeout: float = 20.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    fetcher: Callable[[str, IngestOptions], Fetched] | None = None
    follow_links: bool = False


# ---------------------------------------------------------------- entry point


def iter_documents(
    sources: Sequence[str],
    on_skip: OnSkip | None = None,
    *,
    options: IngestOptions | None = None,
) -> Iterator[Document]:
    """Yield one Document per article found in ``sources``.

    Args:
        sources: Paths of files or folders (searched recursively), ``-`` for stdin, or
            ``http(s)://`` URLs of pages or feeds.
        on_skip: Called with a ``DocumentStatus`` (``skipped`` or ``failed``, with the reason) for
            each input that gives no document; the batch goes on.
        options: Include/exclude globs, JSON Lines field names, network limits.

    Returns:
        An iterator of documents with ids unique within the run; a document whose text was
        already seen in this run (the same story from two feeds) is reported as skipped.

    Raises:
        InputError: ``no_such_input`` when a path does not exist (before anything is read);
            ``no_documents`` when the sources hold no article at all.
    """
    opts = options or IngestOptions()
    for source in sources:
        if source == "-" or _is_url(source):
            continue
        if not Path(source).exists():
            raise errors.no_such_input(source)
    return _iterate(list(sources), on_skip, opts)


def _iterate(sources: list[str], on_skip: OnSkip | None, opts: IngestOptions) -> Iterator[Document]:
    from kg.run.build import DocumentStatus

    ids = _IdRegistry()
    seen_texts: dict[str, str] = {}  # normalised-text fingerprint → first source
    seen_urls: dict[str, str] = {}  # canonical URL → first source
    found = 0

    def skip(source: str, status: str, reason: str) -> None:
        nonlocal found
        found += 1
        if on_skip is not None:
            on_skip(DocumentStatus(source, status, reason))

    for source in sources:
        for item in _read_source(source, opts, skip):
            found += 1
            # The same story twice: the same canonical URL (two feeds link the same article with
            # different summaries), or the same words (a wire story re-published with other
            # quotes, spacing or case).
            first = seen_urls.get(item.url) if item.url else None
            key = fingerprint(item.text)
            first = first or seen_texts.get(key)
            if first is not None:
                skip(item.source, "skipped", f"duplicate of {first}")
                continue
            seen_texts[key] = item.source
            if item.url:
                seen_urls[item.url] = item.source
            yield item.to_document(ids)
    if found == 0:
        raise errors.no_documents(sources)


# ---------------------------------------------------------------- raw items


@dataclass
class RawItem:
    """An article read from a source, before it gets its run-unique id."""

    text: str
    source: str
    id_hint: str  # a file stem, a canonical URL or an archive id
    title: str | None = None
    published: str | None = None
    text_hash: str = ""
    url: str | None = None  # the canonical URL, when the article has one
    author: str | None = None  # the byline, several authors joined by "; "

    def __post_init__(self) -> None:
        from kg.rdf.safety import sanitize_text

        # Lone surrogates (JSON escapes) and control characters never reach the graph; replaced
        # one for one, so offsets into the decoded text stay right.
        self.text = sanitize_text(self.text, normalize=False, keep_length=True)
        if self.title:
            self.title = sanitize_text(self.title, keep_newlines=False) or None
        if self.author:
            self.author = sanitize_text(self.author, keep_newlines=False).strip()[:500] or None
        if not self.text_hash:
            self.text_hash = sha256_text(self.text)

    def to_document(self, ids: _IdRegistry) -> Document:
        return Document(
            id=ids.claim(self.id_hint, self.text_hash),
            text=self.text,
            source=self.source,
            title=self.title,
            published=self.published,
            sha256=self.text_hash,
            author=self.author,
            url=self.url,
        )


Skip = Callable[[str, str, str], None]


def _read_source(source: str, opts: IngestOptions, skip: Skip) -> Iterator[RawItem]:
    if source == "-":
        from kg.ingest import web as remote

        yield from remote.read_stdin(opts, skip)
        return
    if _is_url(source):
        from kg.ingest import web as remote

        yield from remote.read_url(source, opts, skip)
        return
    path = Path(source)
    if path.is_dir():
        for file in _walk(path, opts):
            yield from _read_file(file, skip, opts, explicit=False)
    else:
        yield from _read_file(path, skip, opts, explicit=True)


def _walk(folder: Path, opts: IngestOptions) -> Iterator[Path]:
    """Supported files under ``folder``, recursively, in a stable order, hidden ones left out."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if not path.is_file() or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        rel_s = rel.as_posix()
        if opts.include and not any(_glob(rel_s, path.name, g) for g in opts.include):
            continue
        if any(_glob(rel_s, path.name, g) for g in opts.exclude):
            continue
        yield path


def _glob(rel: str, name: str, pattern: str) -> bool:
    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern)


def _read_file(path: Path, skip: Skip, opts: IngestOptions, *, explicit: bool) -> Iterator[RawItem]:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl_file(path, skip, opts)
        return
    try:
        if path.stat().st_size > opts.max_bytes:  # an archive streams; one article never this big
            skip(
                source,
                "skipped",
                f"file larger than {opts.max_bytes} bytes; split it, or "
                "give it as a JSON Lines archive",
            )
            return
        data = path.read_bytes()
    except OSError as err:
        skip(source, "failed", f"cannot read the file ({err.strerror or err})")
        return
    yield from read_bytes(data, source=source, stem=path.stem, suffix=suffix, skip=skip, opts=opts)


def _read_jsonl_file(path: Path, skip: Skip, opts: IngestOptions) -> Iterator[RawItem]:
    """Stream an archive line by line: a million articles never sit in memory at once."""
    from kg.ingest import feeds

    try:
        with path.open("rb") as lines:
            yield from feeds.read_jsonl(
                lines, source=str(path), fields=opts.jsonl_fields, skip=skip
            )
    except OSError as err:
        skip(str(path), "failed", f"cannot read the file ({err.strerror or err})")


def read_bytes(
    data: bytes,
    *,
    source: str,
    stem: str,
    suffix: str = "",
    content_type: str = "",
    skip: Skip,
    opts: IngestOptions,
) -> Iterator[RawItem]:
    """Turn the bytes of one input into articles, choosing the reader by suffix or content.

    Args:
        data: The raw bytes (never decoded before: the readers detect the charset).
        source: Where they came from, for the report.
        stem: The id hint when the content gives none (a file stem).
        suffix: The file extension, lower case, with the dot ("" when unknown).
        content_type: An HTTP Content-Type, when known.
        skip: Reports an input that gives no article.
        opts: Reading options.
    """
    kind = sniff_kind(data, suffix, content_type)
    if kind == "binary":
        skip(source, "skipped", "binary file, not text")
        return
    if kind == "html":
        from kg.ingest import html as htmltext

        yield from htmltext.read_html(
            data, source=source, stem=stem, content_type=content_type, skip=skip
        )
    elif kind == "feed":
        from kg.ingest import feeds

        yield from feeds.read_feed(data, source=source, skip=skip, opts=opts)
    elif kind == "jsonl":
        from kg.ingest import feeds

        yield from feeds.read_jsonl(data, source=source, fields=opts.jsonl_fields, skip=skip)
    else:
        text = decode_bytes(data, content_type)
        if suffix in (".md", ".markdown"):
            text = strip_markdown(text)
        item = text_item(text, source=source, stem=stem)
        if item is None:
            skip(source, "skipped", "empty file, no text")
        else:
            yield item


def sniff_kind(data: bytes, suffix: str = "", content_type: str = "") -> str:
    """Return ``text``, ``html``, ``feed``, ``jsonl`` or ``binary`` for an input."""
    ctype = content_type.split(";")[0].strip().lower()
    head = data[:4096]
    if _looks_binary(head):
        return "binary"
    if suffix in HTML_SUFFIXES or ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if suffix in JSONL_SUFFIXES or ctype in ("application/x-ndjson", "application/jsonl"):
        return "jsonl"
    if suffix in FEED_SUFFIXES or ctype in (
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/rdf+xml",
    ):
        return "feed"
    if suffix in TEXT_SUFFIXES:
        return "text"
    # unknown suffix (stdin, a URL, "notes"): look at the content
    lead = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lead.startswith(b"<?xml") or lead.startswith(b"<rss") or lead.startswith(b"<feed"):
        return "html" if b"<html" in head.lower() else "feed"
    if lead.startswith(b"<!doctype html") or lead.startswith(b"<html") or b"<body" in head.lower():
        return "html"
    if lead.startswith(b"{") and b'"' in lead:
        return "jsonl"
    return "text"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a BOM
    return b"\x00" in head


def fingerprint(text: str) -> str:
    """A hash of the words of ``text`` only: case, accents' composition, punctuation and spacing
    do not change it, so a re-published copy with curly quotes or other line breaks matches."""
    import hashlib

    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- charset


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
    import codecs

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


# ---------------------------------------------------------------- plain text


def text_item(text: str, *, source: str, stem: str) -> RawItem | None:
    """Build an article from plain text: headline and dateline read from its first lines."""
    if not text.strip():
        return None
    title, published = read_header(text)
    return RawItem(text=text, source=source, id_hint=stem, title=title, published=published)


def read_header(text: str) -> tuple[str | None, str | None]:
    """Return (headline, ISO date) read from the first lines of an article, when present.

    The first non-empty line is a headline when it is short, is not a sentence (no final
    period), and is followed by a blank line or a date line. A date line is one of the first few
    lines that holds only a date ("December 4, 2025", "Published: 2025-12-04").
    """
    from kg.ingest.dates import parse_date

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


# ---------------------------------------------------------------- ids


def slugify(name: str) -> str:
    """Return an ASCII slug of ``name``: letters, digits, ``.``, ``_`` and ``-``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-._")
    return re.sub(r"-{2,}", "-", s)[:100]


def url_id(url: str) -> str:
    """Return a document id for a canonical URL: its host and path as a slug, plus a short hash.

    The hash keeps two URLs that differ only in characters the slug drops apart.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    path = re.sub(r"\.(?:s?html?|php|aspx?)$", "", path)
    digest = sha256_text(canonical_url(url))[:8]
    return f"{slugify(host + path.replace('/', '-'))[:80]}-{digest}"


def canonical_url(url: str) -> str:
    """Normalise a URL so that the same article gets the same id.

    Lower-case scheme and host without ``www.``, no fragment, no default port, no trailing
    slash, and no tracking parameters (``utm_*``, ``fbclid``, ``gclid``…); other query
    parameters are kept (sorted), since some sites name articles by them.
    """
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and not (
        (scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower().startswith("utm_") or k.lower() in _TRACKING)
    ]
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


_TRACKING = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "ocid", "igshid"})


class _IdRegistry:
    """Hands out ids unique within a run.

    The first article with a given hint gets the plain slug; a later one with the same hint but a
    different text gets the slug plus a short content hash, so ids stay stable across runs as long
    as the texts do.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, hint: str, text_hash: str) -> str:
        base = slugify(hint) or f"doc-{text_hash[:12]}"
        candidate = base
        if candidate in self._taken:
            candidate = f"{base}-{text_hash[:8]}"
        n = 2
        while candidate in self._taken:
            candidate = f"{base}-{text_hash[:8]}-{n}"
            n += 1
        self._taken.add(candidate)
        return candidate


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))
