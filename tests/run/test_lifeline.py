"""``kill -9`` of ``kg build --workers 2``: the workers and the resource tracker go too, and the
pipe reading the build's output reaches its end (issue 15, item 10).

Before, both workers (~170 MB each) and multiprocessing's resource tracker lived on for ever,
holding the build's stdout: ``kg build … | cat`` never ended.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = "FOES trained with U.S. Special Forces in Lima, Peru, said the ministry in a statement. "

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")


def _children(pid: int) -> list[int]:
    """The pids of the live processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_9_of_a_build_takes_its_workers_and_closes_its_output(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(60):
        (corpus / f"a{i:02}.txt").write_text(TEXT * 40 + f"Item {i}.", encoding="utf-8")
    build = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(tmp_path / "s")]
        + ["--workers", "2", "--shard-size", "2"],
        stdout=subprocess.PIPE,  # as `kg build … | cat`: the test reads to the end of the pipe
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    children: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(children) < 3:  # two workers and the tracker
            children = _children(build.pid)
            time.sleep(0.2)
        assert len(children) >= 3, children
        time.sleep(3)  # the workers load the model, then extract
        children = _children(build.pid)
        os.kill(build.pid, signal.SIGKILL)
        build.wait(10)
        ended = threading.Event()

        def drain() -> None:
            assert build.stdout is not None
            build.stdout.read()  # returns at the end of the pipe: when no process holds it
            ended.set()

        threading.Thread(target=drain, daemon=True).start()
        assert ended.wait(60), "the build's output stayed open after kill -9"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.2)
        assert not [pid for pid in children if _alive(pid)], "processes outlived the build"
    finally:
        build.kill()
        build.wait(10)
        for pid in children:  # left by a failure: do not leave them to the next tests
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_kg_serve_replaces_a_stopped_worker_with_one_that_lives(tmp_path: Path) -> None:
    # The kernel's lifeline watches the thread that started a worker: kg serve starts a
    # replacement from a passing thread, which must not take the new worker with it.
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    from test_store_kit import doc_quads, make_extraction

    from kg.store import open_store
    from kg.views.serve import Server

    location = str(tmp_path / "s")
    with open_store(location) as store:
        for i in range(20):
            store.replace_document(*doc_quads(make_extraction(f"doc-{i}")))
    product = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

    def ask(server: Server, query: str) -> int:
        url = server.url + "/sparql?" + urllib.parse.urlencode({"query": query})
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                json.loads(resp.read())
                return int(resp.status)
        except urllib.error.HTTPError as err:
            return int(err.code)

    with Server(None, location, port=0, timeout=1.0, workers=1) as server:
        assert ask(server, product) == 503  # over time: the worker is killed and replaced
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and ask(server, "ASK { ?s ?p ?o }") != 200:
            time.sleep(0.5)  # the replacement loads the store
        assert [ask(server, "ASK { ?s ?p ?o }") for _ in range(3)] == [200, 200, 200]
