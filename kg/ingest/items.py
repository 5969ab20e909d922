"""What every reader yields: ``RawItem`` (an article before its run-unique id) and the reading
options; and the ids: slugs, canonical URLs, and the registry that keeps ids unique in a run."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kg.rdf.safety import sanitize_text
from kg.records import Document, DocumentStatus, sha256_text

if TYPE_CHECKING:
    from kg.ingest.web import Fetched

#: Reports an input that gives no article: (source, status, reason).
Skip = Callable[[str, str, str], None]
#: Receives the status of each input that gives no article.
OnSkip = Callable[[DocumentStatus], None]


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


@dataclass
class RawItem:
    """An article read from a source, before it gets its run-unique id."""

    text: str
    source: str
    id_hint: str  # a file stem, a record's or entry's own id, or ``url_id`` of a canonical URL
    title: str | None = None
    published: str | None = None
    text_hash: str = ""
    url: str | None = None  # the canonical URL, when the article has one
    author: str | None = None  # the byline, several authors joined by "; "
    #: the hint names this article alone (``url_id`` of its canonical URL): no text hash added
    unique_hint: bool = False

    def __post_init__(self) -> None:
        # Lone surrogates (JSON escapes) and control characters never reach the graph; replaced
        # one for one, so offsets into the decoded text stay right.
        self.text = sanitize_text(self.text, normalize=False, keep_length=True)
        if self.title:
            self.title = sanitize_text(self.title, keep_newlines=False) or None
        if self.author:
            self.author = sanitize_text(self.author, keep_newlines=False).strip()[:500] or None
        if not self.text_hash:
            self.text_hash = sha256_text(self.text)

    def to_document(self, ids: IdRegistry) -> Document:
        return Document(
            id=ids.claim(self.id_hint, self.text_hash, unique=self.unique_hint),
            text=self.text,
            source=self.source,
            title=self.title,
            published=self.published,
            sha256=self.text_hash,
            author=self.author,
            url=self.url,
        )


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


class IdRegistry:
    """Hands out document ids: unique in the store, stable across runs, readable.

    An article with a canonical URL is named by it (``url_id``: the same URL is the same
    article, a new version of the page replaces the old one). Any other article is named by a
    slug of its hint (the file stem, a record's or entry's own id) and the first 8 hex digits of
    the SHA-256 of its text: two files called ``report.txt`` in two folders, two archives whose
    records are both ``"id": 1``, two feeds' entries without links never share an id, and the id
    is the same from any working directory, checkout or machine. Within a run, a clash left
    (the same slug and hash prefix for two different texts) gets ``-2``, ``-3`` …
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, hint: str, text_hash: str, *, unique: bool = False) -> str:
        base = slugify(hint)
        if not base:
            base = f"doc-{text_hash[:12]}"
        elif not unique:
            base = f"{base[:80]}-{text_hash[:8]}"
        candidate, n = base, 2
        while candidate in self._taken:
            candidate = f"{base}-{n}"
            n += 1
        self._taken.add(candidate)
        return candidate


def fingerprint(text: str) -> str:
    """A hash of the words of ``text`` only: case, accents' composition, punctuation and spacing
    do not change it, so a re-published copy with curly quotes or other line breaks matches."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def byline(*values: Any) -> str | None:
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
