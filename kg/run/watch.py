"""Follow feeds: poll them every so often and build what is new or changed into a store.

Each poll is an ordinary ``kg.run.build.build`` of the feed URLs into the store, so only new or
changed items are extracted (an item whose text is already in the store is ``unchanged``), and a
feed that has not changed since the last poll answers ``304 Not Modified`` to a conditional request
and is not even parsed. A feed that is down, slow or malformed is logged and polled again next
time: the watcher never stops because of one bad poll.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from kg import checks, errors
from kg.ingest import IngestOptions
from kg.ingest.web import Fetched, fetch
from kg.records import DocumentStatus
from kg.run.build import build
from kg.run.report import BuildReport

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Return seconds for ``30s``, ``15m``, ``2h``, ``1h30m`` or a plain number of seconds.

    Raises:
        InputError: ``bad_every`` for anything else.
    """
    s = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd])", s)
    if not parts or re.sub(r"(\d+(?:\.\d+)?)\s*([smhd])", "", s).strip():
        raise errors.bad_every(text)
    return sum(float(n) * _UNITS[u] for n, u in parts)


class ConditionalFetcher:
    """Remembers each URL's ETag and Last-Modified and sends them back on the next poll."""

    def __init__(self) -> None:
        self.validators: dict[str, tuple[str, str]] = {}

    def __call__(self, url: str, opts: IngestOptions) -> Fetched:
        etag, modified = self.validators.get(url, ("", ""))
        got = fetch(
            url,
            timeout=opts.timeout,
            max_bytes=opts.max_bytes,
            max_redirects=opts.max_redirects,
            etag=etag,
            last_modified=modified,
        )
        if got.status != 304 and (got.etag or got.last_modified):
            self.validators[url] = (got.etag, got.last_modified)
        return got


@dataclass
class Poll:
    """The outcome of one poll."""

    number: int
    built: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[DocumentStatus] = field(default_factory=list)
    error: str = ""

    def line(self) -> str:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        if self.error:
            return f"{stamp} poll {self.number}: error: {self.error}"
        return (
            f"{stamp} poll {self.number}: {self.built} new or changed, {self.unchanged} unchanged, "
            f"{self.skipped} skipped, {self.failed} failed"
        )


def watch(
    feeds: Sequence[str],
    *,
    store: str,
    every: float,
    max_polls: int | None = None,
    options: IngestOptions | None = None,
    min_confidence: float = 0.0,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Poll]:
    """Poll ``feeds`` every ``every`` seconds and build new or changed items into ``store``.

    Args:
        feeds: Feed URLs (or anything ``kg build`` accepts: a local feed file works too).
        store: The store to write into.
        every: Seconds between the starts of two polls.
        max_polls: Stop after this many polls (None: run until interrupted).
        options: Ingest options (timeouts, sizes); a conditional fetcher is added.
        min_confidence: Passed to the build.
        log: Receives one line per poll and one per failed feed.
        sleep: Waits between polls (tests pass a fake).

    Returns:
        The polls, in order.

    Raises:
        ArgumentError: ``min_confidence`` outside 0..1, or ``max_polls`` below 1.
    """
    checks.confidence(min_confidence)
    if max_polls is not None:
        checks.at_least(max_polls, 1, "max_polls")
    opts = replace(options or IngestOptions(), fetcher=ConditionalFetcher())
    polls: list[Poll] = []
    n = 0
    while max_polls is None or n < max_polls:
        n += 1
        started = time.monotonic()
        poll = Poll(n)
        try:
            report = build(list(feeds), store=store, options=opts, min_confidence=min_confidence)
            _fill(poll, report)
        except errors.KGError as err:
            poll.error = err.message
        except Exception as err:  # noqa: BLE001 - a watcher must survive any one bad poll
            poll.error = f"{type(err).__name__}: {err}"
        polls.append(poll)
        log(poll.line())
        for st in poll.problems:
            log(f"  {st.status}: {st.source}: {st.reason}")
        if max_polls is not None and n >= max_polls:
            break
        sleep(max(0.0, every - (time.monotonic() - started)))
    return polls


def _fill(poll: Poll, report: BuildReport) -> None:
    poll.built = report.count("ok")
    poll.unchanged = report.count("unchanged")
    poll.skipped = report.count("skipped")
    poll.failed = report.count("failed")
    poll.problems = report.problems()
