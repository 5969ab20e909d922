"""What the explorer's pages show, read from the graph: plain dicts, ready for a template or JSON.

These functions run in ``kg serve``'s worker processes, next to the open store, and only read.
``Views`` is the worker's entry point: it holds the label index (``index``) and the summaries
(``summaries``) of this opening of the store and answers each page from them and from the store
(``facts``, ``article``, ``network``, ``timeline``).
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from kg.views.explorer.apart import Apart
from kg.views.explorer.article import document_page
from kg.views.explorer.common import Indexing, stop_flag
from kg.views.explorer.entity import entity_page, fact_page
from kg.views.explorer.index import LabelIndex
from kg.views.explorer.network import Filters, network
from kg.views.explorer.summaries import Summaries
from kg.views.explorer.timeline import timeline

INDEX_WAIT = 5.0  # seconds a page waits for the index before answering 503 + Retry-After


class Views:
    """The explorer's data over one open store.

    The label index is built in a background thread as soon as the worker opens the store, so
    that no request runs into the query timeout while it is built: a page asked for before it
    is ready waits up to ``INDEX_WAIT`` seconds, then gets 503 with Retry-After (``Indexing``).
    The summaries are read next, in the same thread; no page waits for them (until they are
    ready, or if reading them failed, the pages read the store as they would without them).
    Over a store ``folder`` (``kg serve``'s workers), a child process reads them
    (``kg.views.explorer.apart``), so that ``stop`` ends them at once.
    """

    def __init__(self, source: Any, folder: str | None = None) -> None:
        self.source = source
        self._folder = folder
        self._apart: Apart | None = None
        self._index: LabelIndex | None = None
        self.summaries: Summaries | None = None
        self.summaries_error: BaseException | None = None
        self._built: dict[str, float] = {}  # seconds each took to read, once read
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._build, daemon=True, name="kg-index")
        self._thread.start()

    def stop(self) -> None:
        """Stop building before the store is closed under the thread: within milliseconds while
        the label index is read (between rows), at once while the summaries are read apart (the
        child is killed); read in this thread (no ``folder``), within the query under way (the
        longest takes ~2.5 s on 10,000 documents: ``docs/RESULTS.md``)."""
        self._stop.set()
        apart = self._apart
        if apart is not None:
            apart.kill()
        self._thread.join()

    def _build(self) -> None:
        stop_flag(self._stop)
        try:
            self._index = LabelIndex.build(self.source)
            self._built["index"] = time.monotonic() - self._started
        except BaseException as err:  # noqa: BLE001 - reported by the next request
            self._error = err
            return
        finally:
            self._ready.set()
        try:
            start = time.monotonic()
            if self._folder is None:
                found = Summaries.build(self.source, self._index)
            else:
                self._apart = Apart(self._folder, self._index.documents)
                if self._stop.is_set():  # stopped while the index was read: not started
                    self._apart.kill()
                found = self._apart.result()
            found.read_partners(self.source, self._index)  # needs the labels: read here
            self.summaries = found
            self._built["summaries"] = time.monotonic() - start
        except BaseException as err:  # noqa: BLE001 - the pages do without them
            self.summaries_error = err

    def status(self) -> dict[str, Any]:
        """What is read so far (seconds each took) and the worker's memory, in MB (for
        ``benchmarks/bench_explorer.py``; not a page)."""
        import resource

        rss = None
        # Linux: the resident set now
        with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
        return {
            "index": self._built.get("index"),
            "summaries": self._built.get("summaries"),
            "summariesError": str(self.summaries_error) if self.summaries_error else None,
            "rssMB": rss,
            "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    def wait_for_summaries(self) -> Summaries | None:
        """The summaries once they are read (for tests and benchmarks: pages never wait)."""
        self._thread.join()
        return self.summaries

    @property
    def index(self) -> LabelIndex:
        if not self._ready.wait(INDEX_WAIT):
            raise Indexing(
                "the explorer is still reading the store (first use after it was opened, "
                f"{time.monotonic() - self._started:.0f} s so far): try again in a few seconds"
            )
        if self._index is None:
            raise RuntimeError(f"the explorer could not read the store: {self._error}")
        return self._index

    def answer(self, name: str, args: dict[str, Any]) -> Any:
        page = args.get("page", 1)
        if name == "status":
            return self.status()
        if name == "search":
            return self.index.search(args["q"], page)
        if name == "entity":
            return entity_page(
                self.source,
                self.index,
                args["slug"],
                page,
                args.get("property") or None,
                self.summaries,
            )
        if name == "fact":
            return fact_page(self.source, self.index, args["id"], page, self.summaries)
        if name == "document":
            return document_page(self.source, self.index, args["id"], page)
        if name == "timeline":
            return timeline(self.source, self.index, args.get("slug"), page, self.summaries)
        if name == "network":
            filters = Filters(**args["filters"]) if args.get("filters") else None
            return network(
                self.source,
                self.index,
                args.get("slug"),
                args.get("id"),
                args.get("depth", 1),
                filters,
                self.summaries,
            )
        raise ValueError(f"no such view: {name}")
