"""Worker processes die with the process that started them, and never hold its output open.

``kill -9`` of ``kg build --workers 2`` used to leave both workers (~170 MB each) running for
ever, and with them multiprocessing's resource tracker (it exits when the last holder of its pipe
does); the workers had inherited the command's stdout, so ``kg build … | cat`` never ended
(issue 15, item 10). ``die_with_parent`` runs first in every worker:

- on Linux the kernel sends the worker SIGKILL when its parent dies (``PR_SET_PDEATHSIG``),
  even while the worker is busy in native code. The kernel watches the *thread* that started
  the worker, so a worker started from a short-lived thread (kg serve replaces a stopped worker
  from one) passes ``kernel=False``;
- everywhere, a daemon thread polls the parent's pid once a second and exits the process when
  the parent is gone (the worker is then adopted: its parent pid changes);
- the worker's stdout and stderr become ``/dev/null``, so a pipe reading the command's output
  reaches its end when the command ends. Workers report through their results, never by
  printing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
POLL_SECONDS = 1.0


def die_with_parent(parent: int | None = None, *, kernel: bool = True) -> None:
    """Make this process end when ``parent`` (default: the current parent) ends.

    Args:
        parent: The pid of the process that started this one. Given by the parent when it can
            be, since by the time a worker runs this its parent may already be gone.
        kernel: Also ask the kernel (Linux): only when the thread that started this process
            lives as long as its process (the main thread).
    """
    parent = parent if parent is not None else os.getppid()
    if kernel and sys.platform.startswith("linux"):
        _kernel_lifeline()
    if os.getppid() != parent:  # the parent died before the lifeline was in place
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="kg-lifeline", daemon=True).start()
    _release_output()


def _kernel_lifeline() -> None:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl (another libc): the watching thread remains
        pass


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)  # no clean-up: the parent that would collect the results is gone
        threading.Event().wait(POLL_SECONDS)


def _release_output() -> None:
    """Point fds 1 and 2 at /dev/null: a pipe to the command must not stay open through us."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    finally:
        os.close(devnull)
