"""Output hygiene (issue 15, item 11): text from inputs never drives the terminal, a full disk is
a clear error that keeps the old file, outputs get the umask's mode, an empty query is named so."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg import errors
from kg.cli import main
from kg.errors import shown
from kg.store import write_quads

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import viz_sample as sample  # noqa: E402

ESC_TITLE = "\x1b]0;owned\x07\x1b[2J"  # sets the window title, then clears the screen


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain text, accents: é ü — and emoji 🛰", "plain text, accents: é ü — and emoji 🛰"),
        (ESC_TITLE, "\\x1b]0;owned\\x07\\x1b[2J"),
        ("two\nlines\r\tand a tab", "two\\nlines\\r\\tand a tab"),
        ("bell\x07 back\x08 del\x7f csi\x9b", "bell\\x07 back\\x08 del\\x7f csi\\x9b"),
        ("bidi \u202eevil\u202c \u2066iso\u2069", "bidi \\u202eevil\\u202c \\u2066iso\\u2069"),
        ("undecodable byte \udcff in a file name", "undecodable byte \\udcff in a file name"),
    ],
)
def test_shown_escapes_what_could_drive_a_terminal(raw: str, escaped: str) -> None:
    assert shown(raw) == escaped
    assert shown(shown(raw)) == escaped  # escaping twice changes nothing: no "\\\\x1b"


def test_shown_keeps_line_feeds_of_a_report_when_asked() -> None:
    assert shown("one\x1b[2J\ntwo\r\n", lines=True) == "one\\x1b[2J\ntwo\\r\n"


def test_an_error_naming_a_hostile_path_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = str(tmp_path / f"missing{ESC_TITLE}\nfake line.txt")
    assert main(["build", name, "-o", str(tmp_path / "g.nq")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {shown(errors.no_such_input(name).message)}\n"
    assert "\\x1b]0;owned\\x07\\x1b[2J\\nfake line.txt" in err


@pytest.mark.slow
def test_build_progress_and_summary_escape_sources_and_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # before: the url of a JSON Lines record and a file name went raw to the terminal: the
    # window title changed, the screen was cleared, a newline in a name faked a line of output
    folder = tmp_path / "in"
    folder.mkdir()
    url = f"https://news.example.org/story{ESC_TITLE}"
    record = {"id": "s1", "url": url, "text": "The Peruvian Navy trained off Callao."}
    (folder / "archive.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (folder / f"empty{ESC_TITLE}\n[ok] forged.txt").write_text("", encoding="utf-8")
    code = main(["build", str(folder), "-o", str(tmp_path / "g.nq")])
    assert code == 0
    out, err = capsys.readouterr()
    for text in (out, err):
        assert "\x1b" not in text and "\x07" not in text
    assert "[ok] https://news.example.org/story\\x1b]0;owned\\x07\\x1b[2J: " in err
    assert "\\x1b[2J\\n[ok] forged.txt: empty file, no text" in out
    assert not any(line.strip().startswith("[ok] forged") for line in (out + err).splitlines())


@pytest.mark.slow
def test_watch_log_lines_escape_sources(tmp_path: Path) -> None:
    from kg.run.watch import watch

    story = "The Brazilian Army deployed engineers to Haiti."
    archive = tmp_path / "wire.jsonl"  # kg watch reads whatever kg build reads
    archive.write_text(
        "".join(
            json.dumps({"url": f"https://wire.example.net/{path}", "text": story}) + "\n"
            for path in ["brazil", f"brazil-again{ESC_TITLE}"]
        ),
        encoding="utf-8",
    )
    lines: list[str] = []
    watch([str(archive)], store=str(tmp_path / "s"), every=0, max_polls=1, log=lines.append)
    assert not any("\x1b" in ln or "\x07" in ln for ln in lines)
    assert (
        "  skipped: https://wire.example.net/brazil-again\\x1b]0;owned\\x07\\x1b[2J: "
        "duplicate of https://wire.example.net/brazil"
    ) in lines


# ---------------------------------------------------------------- a full disk


class _FullDisk:
    """A file whose writes fail with ENOSPC past a few bytes, as on a full disk."""

    def __init__(self, real: Any) -> None:
        self.real, self.written = real, 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.written > 64:
            raise OSError(errno.ENOSPC, "No space left on device")
        return int(self.real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


@contextlib.contextmanager
def _disk_full(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real(fd, mode, *args, **kwargs)
        return _FullDisk(handle) if "w" in mode else handle

    with monkeypatch.context() as m:
        m.setattr(os, "fdopen", fdopen)
        yield


@pytest.fixture
def graph_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.nq"
    write_quads(sample.dataset().quads((None, None, None, None)), path)
    return path


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["export", "--graph", "{graph}", "-o", "{out}"], "out.trig"),
        (["export", "--graph", "{graph}", "-o", "{out}"], "out.graphml"),
        (["viz", "--graph", "{graph}", "-o", "{out}"], "page.html"),
    ],
)
def test_a_full_disk_is_a_clear_error_and_the_old_file_is_kept(
    tmp_path: Path,
    graph_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    name: str,
) -> None:
    # before: an OSError traceback (the old file was kept)
    out = tmp_path / "outputs" / name
    out.parent.mkdir()
    out.write_bytes(b"the previous version\n")
    args = [a.format(graph=graph_file, out=out) for a in command]
    with _disk_full(monkeypatch):
        code = main(args)
    assert code == 2
    disk_full = OSError(errno.ENOSPC, "No space left on device")
    assert capsys.readouterr().err == f"error: {errors.cannot_write(str(out), disk_full).message}\n"
    assert out.read_bytes() == b"the previous version\n"
    assert sorted(p.name for p in out.parent.iterdir()) == [name]  # no temporary file left
    assert errors.cannot_write("out.trig", disk_full).message == (
        "cannot write out.trig: the disk is full. Nothing was written (an earlier out.trig is kept "
        "as it was); free some space or write to another folder, then run the command again."
    )


@pytest.mark.slow
def test_a_full_disk_during_kg_build_o_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The Peruvian Navy trained with the Chilean Navy off Callao.\n")
    out = tmp_path / "g.trig"
    out.write_bytes(b"old\n")
    with _disk_full(monkeypatch):
        code = main(["build", str(article), "-o", str(out), "-q"])
    assert code == 2
    disk_full = OSError(errno.ENOSPC, "No space left on device")
    assert capsys.readouterr().err == f"error: {errors.cannot_write(str(out), disk_full).message}\n"
    assert out.read_bytes() == b"old\n"


def test_a_file_size_limit_in_a_real_process_is_the_same_clear_error(
    tmp_path: Path, graph_file: Path
) -> None:
    import resource
    import signal
    import subprocess

    def small_disk() -> None:  # pragma: no cover - runs in the child
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    out = tmp_path / "out.nq"
    out.write_bytes(b"old\n")
    run = subprocess.run(
        [sys.executable, "-m", "kg.cli", "export", "--graph", str(graph_file), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_disk,
    )
    assert run.returncode == 2, run.stderr[-500:]
    too_big = OSError(errno.EFBIG, "File too large")
    assert run.stderr == f"error: {errors.cannot_write(str(out), too_big).message}\n"
    assert out.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# ---------------------------------------------------------------- file modes


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
@pytest.mark.parametrize("name", ["out.nq", "out.trig", "out.graphml", "page.html"])
def test_outputs_get_the_mode_a_new_file_gets(
    tmp_path: Path, graph_file: Path, mask: int, mode: int, name: str
) -> None:
    # before: 0600 whatever the umask (mkstemp's mode), for all but the network page
    out = tmp_path / name
    command = "viz" if name.endswith(".html") else "export"
    with _umask(mask):
        assert main([command, "--graph", str(graph_file), "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_a_rewritten_output_keeps_its_mode(tmp_path: Path, graph_file: Path) -> None:
    out = tmp_path / "out.trig"
    out.write_text("old")
    out.chmod(0o640)
    with _umask(0o022):
        assert main(["export", "--graph", str(graph_file), "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text() != "old"


# ---------------------------------------------------------------- an empty query


@pytest.mark.parametrize("text", ["", "   \n\t", "# only a comment", "# one\r# two\n  # three\n"])
def test_an_empty_or_comment_only_query_is_named_so(
    graph_file: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    # before: "query not allowed: the query is an update; kg query only reads"
    assert main(["query", "--graph", str(graph_file), text]) == 2
    assert capsys.readouterr().err == f"error: {errors.empty_query('the query text').message}\n"
    assert errors.empty_query("the query text").message == (
        "the query text holds no query, only white space or comments. Give a SELECT, ASK, "
        "CONSTRUCT or DESCRIBE query, e.g.: SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    )


def test_an_empty_query_through_the_python_api_is_named_so(graph_file: Path) -> None:
    from kg.store import open_graph

    with open_graph(str(graph_file)) as store, pytest.raises(errors.QueryError) as exc:
        store.select("# nothing to see\n")
    assert str(exc.value) == errors.empty_query("the query").message
