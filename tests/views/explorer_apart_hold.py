"""A stand-in for ``kg.views.explorer.apart`` run as the summaries' child process: it says it
started (a file next to the store), then holds the store open and never answers, like a long
query (``tests/views/test_explorer_apart.py``)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from kg.store import open_graph

if __name__ == "__main__":
    folder = sys.argv[1]
    sys.stdin.buffer.read()
    source = open_graph(store=folder, wait=0)
    (Path(folder).parent / "child-started").write_text("yes", encoding="utf-8")
    threading.Event().wait()  # until killed
