"""Local inputs a folder or a path can smuggle in (issue 15, item 9): symbolic links out of a
folder, and files that are not regular files (devices, pipes), whose size ``stat`` does not tell."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from kg import errors
from kg.cli import main
from kg.ingest import IngestOptions, iter_documents
from kg.records import DocumentStatus

ARTICLE = "The Peruvian Navy trained with the Chilean Navy off Callao on Tuesday.\n"
SECRET = "Colonel Secretus Maximus commands the Hidden Brigade.\n"


def _collect(sources: list[str], **kw: object) -> tuple[list, list[DocumentStatus]]:
    skipped: list[DocumentStatus] = []
    docs = list(iter_documents(sources, on_skip=skipped.append, **kw))  # type: ignore[arg-type]
    return docs, skipped


def test_a_folder_walk_does_not_follow_links_out_of_the_folder(tmp_path: Path) -> None:
    # before: passwd.txt -> /etc/passwd was read, and its lines became entity labels
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "more.txt").write_text(SECRET.replace("Hidden", "Other"), encoding="utf-8")
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "drill.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "sub" / "secret.txt").symlink_to(outside / "secret.txt")  # absolute target
    (folder / "relative.md").symlink_to(Path("..") / "outside" / "secret.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    docs, skipped = _collect([str(folder)])
    assert [d.text for d in docs] == [ARTICLE]
    got = {(Path(s.source).name, s.status, s.reason) for s in skipped}
    assert got == {
        (name, "skipped", errors.link_out_of_folder(str(folder / rel), target, str(folder)).message)
        for name, rel, target in [
            ("passwd.txt", "passwd.txt", "/etc/passwd"),
            ("secret.txt", "sub/secret.txt", str((outside / "secret.txt").resolve())),
            ("relative.md", "relative.md", str((outside / "secret.txt").resolve())),
            ("elsewhere", "elsewhere", str(outside.resolve())),
        ]
    }
    assert errors.link_out_of_folder("F/passwd.txt", "/etc/passwd", "F").message == (
        "F/passwd.txt is a symbolic link to /etc/passwd, outside the folder F: not followed. "
        "Pass /etc/passwd itself if it is an article to read."
    )


def test_a_link_that_stays_inside_the_folder_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    (folder / "2025").mkdir(parents=True)
    (folder / "2025" / "drill.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "latest.txt").symlink_to(Path("2025") / "drill.txt")
    docs, skipped = _collect([str(folder)])
    assert [d.text for d in docs] == [ARTICLE]  # read once: the link is a duplicate of its target
    assert [s.reason.startswith("duplicate of") for s in skipped] == [True]


def test_a_link_given_by_name_is_read(tmp_path: Path) -> None:
    (tmp_path / "drill.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "drill.txt")
    docs, _ = _collect([str(tmp_path / "link.txt")])
    assert [d.text for d in docs] == [ARTICLE]  # the user named it: no folder to stay inside


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize("name", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_without_reading_it(name: str) -> None:
    # before: /dev/zero has size 0 for stat, so the cap let it through and it was read until
    # MemoryError; /dev/null gave an "empty file"
    docs, skipped = _collect([name])
    assert docs == []
    assert [(s.source, s.status, s.reason) for s in skipped] == [
        (name, "skipped", errors.not_a_regular_file(name).message)
    ]
    assert errors.not_a_regular_file("/dev/zero").message == (
        "/dev/zero is not a regular file (a device or a socket): not read. "
        "Save its content to a file and pass that, or pipe it to: kg build -"
    )


def test_a_jsonl_named_device_is_refused_too(tmp_path: Path) -> None:
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    docs, skipped = _collect([str(link)])
    assert docs == []
    assert [(s.status, s.reason) for s in skipped] == [
        ("skipped", errors.not_a_regular_file(str(link)).message)
    ]


def test_a_pipe_is_capped_by_the_bytes_read(tmp_path: Path) -> None:
    # a named pipe (as `kg build <(curl …)` gives) has size 0 for stat: the cap must count bytes
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)

    def writer() -> None:
        # the reader stops at its cap: the rest of the write meets a closed pipe
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as out:
            out.write(b"word " * 2000)  # 10,000 bytes

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    docs, skipped = _collect([str(fifo)], options=IngestOptions(max_bytes=1000))
    thread.join(timeout=10)
    assert docs == []
    assert [(s.status, s.reason) for s in skipped] == [
        ("skipped", errors.file_too_large(str(fifo), 1000).message)
    ]


@pytest.mark.slow
def test_kg_build_names_the_device_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "drill.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "g.nq"
    code = main(["build", "/dev/zero", str(tmp_path / "drill.txt"), "-o", str(out)])
    assert code == 0  # a skipped input is not a failure
    printed = capsys.readouterr().out
    assert printed.startswith("1 documents built, 0 unchanged, 1 skipped, 0 failed")
    assert f"  skipped: /dev/zero: {errors.not_a_regular_file('/dev/zero').message}\n" in printed
    assert out.stat().st_size > 0
