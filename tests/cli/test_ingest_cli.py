"""`kg build` with the ingest options: globs, JSON Lines fields, stdin, progress, end report."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from kg.cli import main
from kg.records import DocumentStatus
from kg.run.progress import Progress


def test_progress_draws_rates_on_a_terminal() -> None:
    out = io.StringIO()
    bar = Progress(out, enabled=True, interval=0.0)
    bar(DocumentStatus("a", "ok", words=120), 120)
    bar(DocumentStatus("b", "skipped", "empty"), 0)
    bar.close()
    text = out.getvalue()
    assert text.startswith("\r  1 documents") and text.endswith("\n")
    last = text.strip().split("\r")[-1]
    assert "2 documents" in last and "docs/s" in last and "words/s" in last
    assert "skipped 1" in last


def test_progress_is_quiet_when_not_a_terminal() -> None:
    out = io.StringIO()  # isatty() is False
    bar = Progress(out, interval=0.0)
    bar(DocumentStatus("a", "ok", words=10), 10)
    bar.close()
    assert out.getvalue() == ""
    assert bar.done == 1 and bar.words == 10


def test_progress_shows_percentage_when_total_known() -> None:
    bar = Progress(io.StringIO(), enabled=True, total=4)
    bar(DocumentStatus("a", "ok"), 0)
    assert "1/4 (25%) documents" in bar.line()


def test_bad_jsonl_field_is_a_clear_cli_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Story.\n")
    assert main(["build", str(f), "-o", str(tmp_path / "g.nq"), "--jsonl-field", "body"]) == 2
    assert capsys.readouterr().err == (
        "error: invalid --jsonl-field 'body'. Write FIELD=NAME, for example text=body.\n"
    )


def test_bad_workers_is_a_clear_cli_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(tmp_path), "-o", str(tmp_path / "g.nq"), "--workers", "0"]) == 2
    assert capsys.readouterr().err == "error: --workers must be 1 or more, got 0.\n"


@pytest.mark.slow
def test_build_jsonl_with_globs_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in"
    (src / "skip").mkdir(parents=True)
    rows = [
        {"guid": "n1", "body": "The Peruvian Navy trained with the Chilean Navy in Callao."},
        {"guid": "n2", "body": ""},
        {"guid": "n3", "body": "The Peruvian Navy trained with the Chilean Navy in Callao."},
    ]
    (src / "news.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n{oops\n")
    (src / "skip" / "x.txt").write_text("Excluded by the glob.\n")
    (src / "notes.txt").write_text("The Colombian Army met the U.S. Army in Bogota.\n")
    out = tmp_path / "g.nq"
    code = main([
        "build", str(src), "-o", str(out), "--exclude", "skip/*",
        "--jsonl-field", "id=guid", "--jsonl-field", "text=body",
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1  # one input failed (the bad JSON line): the exit code says so
    assert "2 documents built, 0 unchanged, 2 skipped, 1 failed" in captured.out
    assert f"skipped: {src / 'news.jsonl'}:2: no text in field 'body'" in captured.out
    assert f"skipped: {src / 'news.jsonl'}:3: duplicate of {src / 'news.jsonl'}:1" in captured.out
    assert f"failed: {src / 'news.jsonl'}:4: line is not valid JSON" in captured.out
    assert "words/s" in captured.out
    text = out.read_text()
    assert "/doc/n1-" in text and "/doc/notes-" in text and "/doc/x-" not in text


@pytest.mark.slow
def test_build_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Stdin:
        buffer = io.BufferedReader(io.BytesIO(b"The Chilean Navy hosted the Peruvian Navy.\n"))

    monkeypatch.setattr(sys, "stdin", Stdin())
    out = tmp_path / "g.nq"
    assert main(["build", "-", "-o", str(out), "-q"]) == 0
    assert "/doc/stdin-" in out.read_text()


@pytest.mark.slow
def test_build_with_two_workers_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i, country in enumerate(["Chilean", "Peruvian", "Colombian"]):
        (tmp_path / f"{i}.txt").write_text(f"The {country} Navy trained with the U.S. Navy.\n")
    store = tmp_path / "store"
    assert main(["build", str(tmp_path), "--store", str(store), "--workers", "2"]) == 0
    assert "3 documents built" in capsys.readouterr().out
    # a second run finds them all unchanged and does not start any worker for nothing
    assert main(["build", str(tmp_path), "--store", str(store), "--workers", "2"]) == 0
    assert "0 documents built, 3 unchanged" in capsys.readouterr().out
