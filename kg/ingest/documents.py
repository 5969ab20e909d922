"""Sources → Documents: files, folders, pages, feeds, archives, stdin and URLs.

``iter_documents`` is the one entry point. It checks every source up front (a missing path is an
error before any work starts), then streams documents one at a time, so a corpus of any size never
sits in memory. A problem with one input (an empty file, a binary file, a page without text, a
duplicate) is reported through ``on_skip`` and the batch goes on.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from kg import errors
from kg.ingest.items import IdRegistry, IngestOptions, OnSkip, fingerprint, is_url
from kg.ingest.sources import read_source
from kg.records import Document, DocumentStatus


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
        if source == "-" or is_url(source):
            continue
        if not Path(source).exists():
            raise errors.no_such_input(source)
    return _iterate(list(sources), on_skip, opts)


def _iterate(sources: list[str], on_skip: OnSkip | None, opts: IngestOptions) -> Iterator[Document]:
    ids = IdRegistry()
    seen_texts: dict[str, str] = {}  # normalised-text fingerprint → first source
    seen_urls: dict[str, str] = {}  # canonical URL → first source
    found = 0

    def skip(source: str, status: str, reason: str) -> None:
        nonlocal found
        found += 1
        if on_skip is not None:
            on_skip(DocumentStatus(source, status, reason))

    for source in sources:
        for item in read_source(source, opts, skip):
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


def reads_network(sources: Sequence[str], options: IngestOptions | None = None) -> bool:
    """True when reading ``sources`` waits on others: a URL, stdin, or linked pages of feeds."""
    opts = options or IngestOptions()
    return opts.follow_links or any(s == "-" or is_url(s) for s in sources)


def read_ahead(documents: Iterable[Document]) -> Iterator[Document]:
    """Read every document now and hand them back later, in order.

    A build fetches first and opens its store afterwards: a slow server (or a slow pipe) then never
    keeps the store's readers out. The documents wait in a temporary file, not in memory; it is
    our own data, written and read back by this process, so pickle is safe here. Errors of the
    reading (``no_documents``) are raised now, before any store is opened.
    """
    spool = tempfile.TemporaryFile(prefix="kg-read-ahead-")  # noqa: SIM115 - closed by the reader
    try:
        count = 0
        for document in documents:
            pickle.dump(document, spool, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return _replay(spool, count)


def _replay(spool: IO[bytes], count: int) -> Iterator[Document]:
    with spool:
        for _ in range(count):
            yield pickle.load(spool)  # noqa: S301 - our own spool, see read_ahead
