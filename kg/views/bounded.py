"""``kg query`` under kg serve's limits: the query runs in a worker of kg serve's pool.

The worker is stopped past the timeout and a result over the row or byte limit is refused, so a
command cannot run for ever nor fill the memory, and a crash of the query engine (pyoxigraph runs
in the worker) is an error message, not the end of the command (issue 15, item 4).
"""

from __future__ import annotations

from typing import Any

from kg import errors
from kg.views.query import WRAP, check_query_text
from kg.views.serve import Limits, WorkerPool


def run_bounded(
    graph_file: str | None,
    store: str | None,
    text: str,
    *,
    fmt: str = "table",
    params: dict[str, Any] | None = None,
    origin: str = "the query text",
    wrap: int | None = WRAP,
    inferred: bool = False,
    limits: Any = None,
) -> str:
    """``run_query`` in a worker process of kg serve's pool, under the same limits.

    The worker is stopped past ``limits.timeout`` seconds, and a result over ``limits.max_rows``
    or ``limits.max_bytes`` is refused, so a command cannot run for ever nor fill the memory; a
    crash of the query engine is an error message, not the end of the command.

    Raises:
        QueryError: the query is refused, fails, runs out of time or crashes its worker.
    """
    limits = limits or Limits()
    check_query_text(text, fmt, params, origin)
    if graph_file and store:
        raise errors.both_graph_sources()
    if not graph_file and not store:
        raise errors.no_graph_source()
    pool = WorkerPool(graph_file, store, size=1, wait=None, serving=False)
    try:
        request = ("run", text, fmt, params, origin, wrap, inferred)
        status, answer = pool.run((*request, limits.max_rows, limits.max_bytes), limits.timeout)
    finally:
        pool.close()
    if status == "ok":
        return str(answer)
    code, message = answer
    if code == 503 and "timeout" in message:
        raise errors.query_timed_out(origin, limits.timeout)
    if message.startswith("the result has more than"):  # kg serve's words, and the flag
        flag = "--max-rows" if "rows" in message or "triples" in message else "--max-bytes"
        message += f", or raise {flag}"
    raise errors.QueryError(message)
