"""Shared helpers for the security tests (no tests here).

- ``listener``: a TCP listener on 127.0.0.1 that records every connection; a test points hostile
  input at it (SERVICE, LOAD, FROM, remote JSON-LD contexts, feed URLs) and asserts it saw none.
- ``run_kg``: the ``kg`` command in a subprocess, so a crash (segfault, recursion) shows as an
  exit status instead of killing the test run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Listener:
    """Accepts and records connections on 127.0.0.1 until closed."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.hits: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.hits.append(addr)
            conn.close()

    def connections(self, settle: float = 0.3) -> int:
        """Return how many connections arrived (after letting late ones land)."""
        time.sleep(settle)
        return len(self.hits)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A fresh listener; the test asserts ``listener.connections() == 0``."""
    lst = Listener()
    try:
        yield lst
    finally:
        lst.close()


def run_kg(
    *args: str, timeout: float = 120, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kg.cli ARGS`` from the repository root; never raises on a bad status."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        input=stdin,
        env=full_env,
    )
