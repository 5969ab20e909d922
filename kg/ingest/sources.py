"""Sources → raw items: files and folders (recursively), ``-`` for stdin, ``http(s)://`` URLs.

The reader of an input is chosen by its suffix, else its Content-Type, else its first bytes
(``sniff_kind``): plain text, an HTML page, an RSS/Atom feed or a JSON Lines archive. A problem
with one input (unreadable, binary, too large, a failed fetch) is reported through ``skip`` and
the batch goes on.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import urlsplit

from kg import errors
from kg.ingest.feeds import read_feed
from kg.ingest.html import read_html
from kg.ingest.items import IngestOptions, RawItem, Skip, is_url
from kg.ingest.jsonl import bounded_lines, read_jsonl
from kg.ingest.text import decode_bytes, strip_markdown, text_item
from kg.ingest.web import fetch

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES


def read_source(source: str, opts: IngestOptions, skip: Skip) -> Iterator[RawItem]:
    """The articles of one source: stdin (``-``), a URL, a folder (recursively) or a file."""
    if source == "-":
        yield from read_stdin(opts, skip)
        return
    if is_url(source):
        yield from read_url(source, opts, skip)
        return
    path = Path(source)
    if path.is_dir():
        for file in _walk(path, opts, skip):
            yield from _read_file(file, skip, opts, explicit=False)
    else:
        yield from _read_file(path, skip, opts, explicit=True)


def _walk(folder: Path, opts: IngestOptions, skip: Skip) -> Iterator[Path]:
    """Supported files under ``folder``, recursively, in a stable order, hidden ones left out.

    A symbolic link is followed only when its target is inside the folder too: a folder of
    downloaded articles must not read ``passwd.txt -> /etc/passwd`` into the graph. A link out of
    the folder is reported as skipped, naming its target. (``rglob`` never descends into a linked
    folder; a linked folder pointing out is reported all the same.)
    """
    root = folder.resolve()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink() and (path.is_dir() or path.suffix.lower() in SUPPORTED_SUFFIXES):
            target = path.resolve()
            if not target.is_relative_to(root):
                reason = errors.link_out_of_folder(str(path), str(target), str(folder)).message
                skip(str(path), "skipped", reason)
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
    # the resolved path: one name per file from any working directory, so that a store knows an
    # earlier version of the same file (kg.store.base.Store.replaced_by)
    source = str(path.resolve())
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl_file(path, skip, opts, explicit=explicit)
        return
    try:
        with _open_input(path, explicit=explicit) as fh:
            if os.fstat(fh.fileno()).st_size > opts.max_bytes:  # refused before reading it
                skip(source, "skipped", errors.file_too_large(str(path), opts.max_bytes).message)
                return
            # the cap counts the bytes read, not what stat says: a pipe has size 0
            data = fh.read(opts.max_bytes + 1)
    except _NotAFile:
        skip(source, "skipped", errors.not_a_regular_file(str(path)).message)
        return
    except OSError as err:
        skip(source, "failed", f"cannot read the file ({err.strerror or err})")
        return
    if len(data) > opts.max_bytes:
        skip(source, "skipped", errors.file_too_large(str(path), opts.max_bytes).message)
        return
    yield from read_bytes(data, source=source, stem=path.stem, suffix=suffix, skip=skip, opts=opts)


def _read_jsonl_file(
    path: Path, skip: Skip, opts: IngestOptions, *, explicit: bool
) -> Iterator[RawItem]:
    """Stream an archive line by line: a million articles never sit in memory at once."""
    source = str(path.resolve())
    try:
        with _open_input(path, explicit=explicit) as stream:
            lines = bounded_lines(stream, opts.max_bytes)  # the cap holds for each record
            yield from read_jsonl(
                lines, source=source, fields=opts.jsonl_fields, skip=skip, limit=opts.max_bytes
            )
    except _NotAFile:
        skip(source, "skipped", errors.not_a_regular_file(str(path)).message)
    except OSError as err:
        skip(source, "failed", f"cannot read the file ({err.strerror or err})")


class _NotAFile(Exception):
    """The path names a device or a socket: reading it could block or never end."""


def _open_input(path: Path, *, explicit: bool) -> IO[bytes]:
    """Open a file to read; refuse devices and sockets (``/dev/zero`` has size 0 for ``stat``,
    and never ends). Pipes are read (``kg build <(curl …)``), capped by the bytes read.

    A file found by a folder walk is opened without following a link in its last component: the
    walk checked the link's target, and a link swapped in since then is refused (ELOOP).
    """
    if stat.S_ISCHR(mode := os.stat(path).st_mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise _NotAFile(path)  # checked before opening: opening a device can have effects
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    if not explicit and not path.is_symlink():
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise _NotAFile(path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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
        yield from read_html(data, source=source, stem=stem, content_type=content_type, skip=skip)
    elif kind == "feed":
        yield from read_feed(data, source=source, skip=skip, opts=opts)
    elif kind == "jsonl":
        yield from read_jsonl(data, source=source, fields=opts.jsonl_fields, skip=skip)
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


def read_url(url: str, opts: IngestOptions, skip: Skip) -> Iterator[RawItem]:
    """Fetch a page or a feed and yield its articles; a fetch error is reported, not raised."""
    try:
        if opts.fetcher is not None:
            got = opts.fetcher(url, opts)
        else:
            got = fetch(
                url,
                timeout=opts.timeout,
                max_bytes=opts.max_bytes,
                max_redirects=opts.max_redirects,
            )
    except errors.KGError as err:
        skip(url, "failed", err.message)
        return
    if got.status == 304:
        skip(url, "unchanged", "not modified since the last poll")
        return
    path = PurePosixPath(urlsplit(got.url).path)
    suffix = path.suffix.lower()
    yield from read_bytes(
        got.data,
        source=url,
        stem=path.stem or urlsplit(got.url).netloc,
        suffix=suffix if suffix in _KNOWN_URL_SUFFIXES else "",
        content_type=got.content_type,
        skip=skip,
        opts=opts,
    )


_KNOWN_URL_SUFFIXES = frozenset(
    {".txt", ".md", ".html", ".htm", ".rss", ".atom", ".xml", ".jsonl", ".ndjson"}
)


def read_stdin(opts: IngestOptions, skip: Skip) -> Iterator[RawItem]:
    """Read one input from stdin: a text, a page, a feed or a JSON Lines archive (sniffed)."""
    stream = sys.stdin.buffer
    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    if head.lstrip().startswith(b"{"):
        # an archive on stdin streams line by line like a file
        yield from read_jsonl(stream, source="stdin", fields=opts.jsonl_fields, skip=skip)
        return
    data = stream.read(opts.max_bytes + 1)
    if len(data) > opts.max_bytes:
        skip("stdin", "failed", errors.too_large("stdin", opts.max_bytes).message)
        return
    yield from read_bytes(data, source="stdin", stem="stdin", skip=skip, opts=opts)
