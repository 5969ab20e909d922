"""Every command the README shows runs on the bundled sample and answers something (issue 12).

Before: ``--focus "FOES"`` and the ``units-training-with``/``evidence`` examples named entities
that are not in the sample, so they answered nothing. The commands are read from README.md itself
(its code blocks), run in README order in a scratch folder that sees the repository's ``data/``
and ``kg/``, and each must exit 0; a query must answer at least one row, a focused page must show
its entity, an evaluation must print its scores. Placeholders a reader replaces are replaced here:

- ``https://example.org/feed.xml`` → a feed file of two sample articles (one poll);
- ``archive.jsonl`` → a JSON Lines archive of two sample articles;
- ``tcp://scheduler:8786`` → ``local`` (a Dask cluster on this machine);
- ``--port 7878`` → a free port (the server is started, asked one query, stopped);
- ``../shared`` → the shared corpora beside the repository (the line is skipped without them).

``kg train`` and ``kg eval --cv`` on the 41 shared articles take many minutes (41 parses, five
fits): they are not run here; tests/eval/test_training.py runs both on a few articles.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
README = ROOT / "README.md"
FENCE = "`" * 3


def _blocks() -> list[tuple[str, str]]:
    """The README's code blocks as (language, text)."""
    found = re.findall(FENCE + r"(\w*)\n(.*?)" + FENCE, README.read_text(encoding="utf-8"), re.S)
    return [(lang, text) for lang, text in found]


def readme_commands() -> list[list[str]]:
    """Every ``kg …`` command of the README's shell blocks, as argument lists."""
    commands = []
    for lang, text in _blocks():
        if lang:
            continue
        for line in text.splitlines():
            line = line.strip()
            if "&& kg " in line:  # "pip install -e . && kg build …": the kg part
                line = line[line.index("&& kg ") + 3 :]
            if line.startswith("kg "):
                commands.append(shlex.split(line, comments=True))
    return commands


def readme_sparql() -> list[str]:
    return [text for lang, text in _blocks() if not lang and text.lstrip().startswith("SELECT")]


def readme_python() -> list[str]:
    return [text for lang, text in _blocks() if lang == "python"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder with the repository's data/ and kg/ (for kg/ontology/queries) linked in,
    and the files that stand in for a feed URL and an archive."""
    work = tmp_path_factory.mktemp("readme")
    (work / "data").symlink_to(ROOT / "data")
    (work / "kg").symlink_to(ROOT / "kg")
    articles = sorted((ROOT / "data" / "articles").glob("*.txt"))[:2]
    items = []
    lines = []
    for i, path in enumerate(articles):
        title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        items.append(
            f"<item><title>{escape(title)}</title><link>https://example.org/{i}</link>"
            f"<description>{escape(body)}</description></item>"
        )
        lines.append(json.dumps({"id": f"archive-{i}", "title": title, "text": body}))
    (work / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>sample</title>'
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    (work / "archive.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return work


def _prepared(argv: list[str], work: Path) -> list[str] | None:
    """The command as this test runs it (placeholders replaced), None to skip it."""
    if argv[1] == "train" or "--cv" in argv:
        return None  # minutes on the shared corpora; tests/eval/test_training.py covers them
    args: list[str] = []
    for arg in argv[1:]:
        if arg.startswith("../shared/"):
            if not SHARED.is_dir():
                return None
            arg = str(SHARED / arg.removeprefix("../shared/"))
        arg = {"https://example.org/feed.xml": "feed.xml", "tcp://scheduler:8786": "local"}.get(
            arg, arg
        )
        matches = sorted(glob.glob(str(work / arg))) if glob.has_magic(arg) else []
        args += [os.path.relpath(m, work) for m in matches] or [arg]
    if args[0] == "watch":
        args += ["--max-polls", "1"]
    return args


def _kg(args: list[str], work: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _serve(args: list[str], work: Path) -> None:
    port = _free_port()
    args = [str(port) if a == "7878" else a for a in args]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", *args],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/sparql?query=" + urllib.request.quote(
            "SELECT ?a ?b WHERE { ?a kg:trainsWith ?b } LIMIT 1"
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(url, headers={"Accept": "text/csv"})
                with urllib.request.urlopen(request, timeout=10) as resp:
                    assert len(resp.read().decode("utf-8").splitlines()) == 2
                    return
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "kg serve did not answer within 60 s"
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _answered(args: list[str], out: str, work: Path) -> None:
    """What the command shows is not empty."""
    command = args[0]
    if command == "query":
        rows = re.search(r"\((\d+) rows?\)\s*$", out)
        assert rows and int(rows.group(1)) > 0, f"no rows:\n{out}"
    elif command == "viz" and "--focus" in args:
        page = work / args[args.index("-o") + 1]
        assert args[args.index("--focus") + 1] in page.read_text(encoding="utf-8")
    elif command == "eval":
        assert "micro" in out
    elif command == "build":
        assert re.search(r"holds \d+ documents, [1-9]\d* entities, [1-9]\d* facts", out), out


@pytest.mark.slow
def test_every_readme_command_runs_on_the_sample(workdir: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 20
    assert sum(1 for c in commands if c[1] == "query") >= 4
    for argv in commands:
        args = _prepared(argv, workdir)
        if args is None:
            continue
        if args[0] == "serve":
            _serve(args, workdir)
            continue
        done = _kg(args, workdir)
        assert done.returncode == 0, f"{shlex.join(argv)}\n{done.stdout}\n{done.stderr}"
        _answered(args, done.stdout, workdir)
    for text in readme_sparql():
        done = _kg(["query", "--graph", "out/graph.trig", text], workdir)
        assert done.returncode == 0, done.stderr
        _answered(["query"], done.stdout, workdir)
    for code in readme_python():
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"{code}\n{done.stderr}"


def test_the_readme_commands_are_found() -> None:
    commands = readme_commands()
    assert commands[0][:2] == ["kg", "build"]  # the quick start's
    assert commands[8][:6] == ["kg", "viz", "--store", "kg-store", "-o", "out/marines.html"]


def test_the_quick_start_says_how_to_set_up() -> None:
    """A new user is told to make a virtualenv, how to get Chromium for the browser tests and
    how to open the notebooks (JupyterLab comes with the ``notebooks`` extra)."""
    import tomllib

    text = README.read_text(encoding="utf-8")
    start = text[text.index("## Quick start") : text.index("## Commands")]
    assert "python3.11 -m venv .venv" in start
    assert "apt-get install chromium" in start
    assert "pip install -e '.[notebooks]' && jupyter lab notebooks/" in start
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert any(req.startswith("jupyterlab") for req in extras["notebooks"])
