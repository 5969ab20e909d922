"""The worker's summaries read in a process of their own, so that they stop when the store must
be closed as promptly as the label index does.

A writer waits for each ``kg serve`` worker to close the store (``Views.stop``). The label index
reads streaming queries and stops between their rows, within milliseconds; the summaries' queries
aggregate and join by hash (``kg.views.explorer.summaries``), so the store gives no row, and
the thread no chance to stop, until a query is done: up to ~2.5 s on 10,000 documents, which a
writer waited. Oxigraph cannot cancel a query under way, but a process can be killed: the
summaries are read by a child process that opens the store read-only itself, and sends them back
pickled through a pipe; ``stop`` kills it (its shared lock on the store goes with it).

Run as ``python -m kg.views.explorer.apart FOLDER FD``, the parameters (the hubs, the thresholds)
pickled on stdin; the answer, ``("ok", Summaries)`` or ``("error", message)``, is pickled on the
file descriptor ``FD``.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import kg
from kg.lifeline import die_with_parent
from kg.store import open_graph
from kg.views.explorer import summaries, verdicts
from kg.views.explorer.summaries import Summaries


class _Documents:
    """What ``Summaries.build`` reads of the label index: the document count of the hubs."""

    def __init__(self, documents: dict[str, int]) -> None:
        self.documents = documents


class Apart:
    """The summaries of one store folder, read by a child process (``result``, ``kill``)."""

    module = "kg.views.explorer.apart"  # what the child runs

    def __init__(self, folder: str, documents: dict[str, int]) -> None:
        hubs = {e: n for e, n in documents.items() if n >= summaries.TIMELINE_DOCUMENTS}
        # the thresholds as this process has them (tests lower them)
        self._params = pickle.dumps(
            (
                hubs,
                summaries.TIMELINE_DOCUMENTS,
                summaries.EVIDENCE_DOCUMENTS,
                verdicts.VERDICT_DOCUMENTS,
            )
        )
        self._folder = folder
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._killed = False

    def result(self) -> Summaries:
        """Start the child, wait for its answer (``RuntimeError`` if it failed or was killed)."""
        read, write = os.pipe()
        env = dict(os.environ)
        root = str(Path(kg.__file__).resolve().parent.parent)  # this kg, wherever it runs from
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        with self._lock:
            if self._killed:
                os.close(read)
                os.close(write)
                raise RuntimeError("stopped: the store is being closed")
            self._proc = subprocess.Popen(
                [sys.executable, "-m", self.module, self._folder, str(write)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(write,),
                env=env,
            )
        os.close(write)
        proc = self._proc
        try:
            assert proc.stdin is not None
            with proc.stdin:
                proc.stdin.write(self._params)
        except (BrokenPipeError, OSError):
            pass  # killed already: read below finds nothing
        with os.fdopen(read, "rb") as answer:
            data = answer.read()
        proc.wait()
        if self._killed:
            raise RuntimeError("stopped: the store is being closed")
        if not data:
            raise RuntimeError(
                f"the summaries' process ended without an answer ({proc.returncode})"
            )
        status, value = pickle.loads(data)
        if status != "ok":
            raise RuntimeError(value)
        return value

    def kill(self) -> None:
        """End the child now (it holds the store open): ``result`` then raises."""
        with self._lock:
            self._killed = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()
        if self._proc is not None:
            self._proc.wait()


def _main(folder: str, fd: int) -> None:
    die_with_parent()
    hubs, timeline_documents, evidence_documents, verdict_documents = pickle.loads(
        sys.stdin.buffer.read()
    )
    summaries.TIMELINE_DOCUMENTS = timeline_documents
    summaries.EVIDENCE_DOCUMENTS = evidence_documents
    verdicts.VERDICT_DOCUMENTS = verdict_documents
    answer: tuple[str, Any]
    try:
        source = open_graph(store=folder, wait=0)
        try:
            answer = ("ok", Summaries.build(source, _Documents(hubs)))  # type: ignore[arg-type]
        finally:
            source.close()
    except Exception as err:  # noqa: BLE001 - reported to the worker, which does without them
        answer = ("error", f"{type(err).__name__}: {err}")
    with os.fdopen(fd, "wb") as out:
        pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _main(sys.argv[1], int(sys.argv[2]))
