"""A document's identity is unique and stable; a replace only ever replaces the same source.

Issue 15, item 3: a different article with the same id replaced a stored one with status ``ok``.
Ids were the file stem (two ``report.txt`` in different folders collided), a JSON Lines record's
own ``id`` (two archives with ``"id": 1`` collided), or a feed entry's position (a new entry at the
top shifted every id), and ``kg remove`` fell back to the stem of a path it had never built.

Now an id is a readable slug plus a short hash of the text (a file, a record or an entry without a
link), or derives from the canonical URL (a page, an entry or a record with a link). Building a
file again replaces the document built from the same file (same resolved path), or the same text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.ingest.documents import iter_documents
from kg.store import open_store

pytestmark = pytest.mark.slow  # builds with spaCy

A_TEXT = "The Peruvian Navy trained with the FOES in Lima on Monday.\n"
B_TEXT = "Chilean marines exercised with the Colombian Navy near Arica.\n"
C_TEXT = "The Brazilian Army held a drill with Paraguayan troops in Asuncion.\n"


def _texts(store: str) -> list[str]:
    """The content hash of every stored document, sorted (one per document graph)."""
    with open_store(store, read_only=True) as s:
        return sorted(str(r["sha256"]) for r in s.documents())


def _sha(text: str) -> str:
    from kg.records import sha256_text

    return sha256_text(text)


def _build(*args: str) -> int:
    return main(["build", *args])


def test_same_file_name_in_two_folders_keeps_both(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "report.txt").write_text(A_TEXT)
    (tmp_path / "b" / "report.txt").write_text(B_TEXT)
    store = str(tmp_path / "s")
    assert _build(str(tmp_path / "a" / "report.txt"), "--store", store) == 0
    assert _build(str(tmp_path / "b" / "report.txt"), "--store", store) == 0
    assert _texts(store) == sorted([_sha(A_TEXT), _sha(B_TEXT)])
    # building both, then one of them again, still holds each article once
    assert _build(str(tmp_path / "a"), str(tmp_path / "b"), "--store", store) == 0
    assert _build(str(tmp_path / "b" / "report.txt"), "--store", store) == 0
    assert _texts(store) == sorted([_sha(A_TEXT), _sha(B_TEXT)])


def test_an_edited_file_replaces_its_own_old_version_only(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "report.txt", tmp_path / "b" / "report.txt"
    a.write_text(A_TEXT)
    b.write_text(B_TEXT)
    store = str(tmp_path / "s")
    assert _build(str(a), str(b), "--store", store) == 0
    a.write_text(C_TEXT)  # a correction of a's article
    assert _build(str(a), "--store", store) == 0
    assert _texts(store) == sorted([_sha(C_TEXT), _sha(B_TEXT)])


def test_two_archives_with_the_same_record_id_keep_both(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(json.dumps({"id": 1, "text": A_TEXT}) + "\n")
    two.write_text(json.dumps({"id": 1, "text": B_TEXT}) + "\n")
    store = str(tmp_path / "s")
    assert _build(str(one), "--store", store) == 0
    assert _build(str(two), "--store", store) == 0
    assert _texts(store) == sorted([_sha(A_TEXT), _sha(B_TEXT)])
    ids = [d.id for d in iter_documents([str(one), str(two)])]
    assert len(set(ids)) == 2 and all(i.startswith("1-") for i in ids)


def _feed(entries: list[str]) -> str:
    items = "".join(
        f"<item><title>{text.split()[1]}</title><description>{text}</description></item>"
        for text in entries
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    )


def test_feed_entries_without_links_keep_their_ids_when_a_new_one_comes_first(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "news.rss"
    feed.write_text(_feed([A_TEXT, B_TEXT]))
    first = {d.sha256: d.id for d in iter_documents([str(feed)])}
    store = str(tmp_path / "s")
    assert _build(str(feed), "--store", store) == 0
    feed.write_text(_feed([C_TEXT, A_TEXT, B_TEXT]))  # a new entry on top
    second = {d.sha256: d.id for d in iter_documents([str(feed)])}
    assert {k: second[k] for k in first} == first
    assert _build(str(feed), "--store", store) == 0
    assert len(second) == 3 and _texts(store) == sorted(second)  # each entry once


def test_stdin_articles_do_not_replace_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    store = str(tmp_path / "s")
    for text in (A_TEXT, B_TEXT):
        stdin = io.TextIOWrapper(io.BytesIO(text.encode()))
        monkeypatch.setattr(sys, "stdin", stdin)
        assert _build("-", "--store", store) == 0
    assert _texts(store) == sorted([_sha(A_TEXT), _sha(B_TEXT)])


def test_remove_by_a_path_never_built_removes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    built = tmp_path / "a" / "report.md"
    built.write_text(A_TEXT)
    store = str(tmp_path / "s")
    assert _build(str(built), "--store", store) == 0
    capsys.readouterr()
    assert main(["remove", "--store", store, "/never/built/report.md"]) == 2
    assert "no document '/never/built/report.md'" in capsys.readouterr().err
    assert _texts(store) == [_sha(A_TEXT)]
    assert main(["remove", "--store", store, str(built)]) == 0  # the path it was built from
    assert _texts(store) == []


def test_ids_are_readable_stable_and_the_same_from_any_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    path = tmp_path / "a" / "Peru Drill.txt"
    path.write_text(A_TEXT)
    (doc,) = iter_documents([str(path)])
    assert doc.id == f"Peru-Drill-{_sha(A_TEXT)[:8]}"
    monkeypatch.chdir(tmp_path)
    (relative,) = iter_documents(["a/Peru Drill.txt"])
    (folder,) = iter_documents(["a"])
    assert relative.id == folder.id == doc.id
    assert relative.source == folder.source == str(path.resolve())  # one source per file


def test_a_store_built_before_keeps_one_copy_of_each_article(tmp_path: Path) -> None:
    # documents stored under the old ids (the file stem) are replaced by the same text, not
    # duplicated, the first time the corpus is built again
    from kg.rdf.quads import document_iri, extraction_quads
    from kg.records import Document, Extraction

    path = tmp_path / "report.txt"
    path.write_text(A_TEXT)
    store = str(tmp_path / "s")
    old = Document("report", A_TEXT, "report.txt")
    with open_store(store) as s:
        s.replace_document(document_iri("report"), extraction_quads(Extraction(old, [], [])))
    assert _build(str(path), "--store", store) == 0
    with open_store(store, read_only=True) as s:
        docs = s.documents()
    assert [str(r["document"]) for r in docs] == [str(document_iri(f"report-{_sha(A_TEXT)[:8]}"))]
