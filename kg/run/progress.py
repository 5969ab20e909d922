"""A progress line on stderr for long builds: documents and words per second, ok/skipped/failed.

It draws only on a terminal (``stream.isatty()``), at most a few times a second, on one line
rewritten with ``\\r``; in a pipe or a log file it stays silent, and the end report says it all.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kg.records import DocumentStatus


class Progress:
    """Counts documents as their status arrives and redraws the line now and then.

    Args:
        stream: Where to draw (stderr by default).
        enabled: Force drawing on or off; by default, on only when ``stream`` is a terminal.
        interval: Seconds between redraws.
        total: Number of documents expected, when known (shows a percentage).
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
        interval: float = 0.25,
        total: int | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = _isatty(self.stream) if enabled is None else enabled
        self.interval = interval
        self.total = total
        self.started = time.perf_counter()
        self.counts: dict[str, int] = {}
        self.words = 0
        self._last = 0.0
        self._width = 0

    def __call__(self, status: DocumentStatus, words: int = 0) -> None:
        """Record one document's status (and its word count) and redraw if it is time."""
        self.counts[status.status] = self.counts.get(status.status, 0) + 1
        self.words += words
        if self.enabled:
            now = time.perf_counter()
            if now - self._last >= self.interval:
                self._last = now
                self._draw(now)

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def line(self, now: float | None = None) -> str:
        """The text of the progress line."""
        elapsed = max((now or time.perf_counter()) - self.started, 1e-9)
        done = self.done
        head = (
            f"{done}" if not self.total else f"{done}/{self.total} ({100 * done / self.total:.0f}%)"
        )
        parts = [
            f"{head} documents",
            f"{done / elapsed:.1f} docs/s",
            f"{self.words / elapsed:,.0f} words/s",
        ]
        tail = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()) if k != "ok")
        if tail:
            parts.append(tail)
        return "  " + " · ".join(parts) + f" · {elapsed:.0f}s"

    def _draw(self, now: float) -> None:
        text = self.line(now)
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line (nothing when disabled)."""
        if self.enabled and self.done:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
