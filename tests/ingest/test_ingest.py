"""Ingest of local files and folders: ids, headlines, datelines, charsets, skips and errors."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from kg import errors
from kg.ingest import IngestOptions, iter_documents
from kg.ingest.items import canonical_url, slugify, url_id
from kg.ingest.text import decode_bytes, read_header, strip_markdown
from kg.records import DocumentStatus

ARTICLE = (
    "Peru and Chile Hold Joint Naval Drill\n"
    "December 4, 2025\n"
    "\n"
    "The Peruvian Navy trained with the Chilean Navy off Callao on Tuesday.\n"
)


def _collect(sources: list[str], **kw: object) -> tuple[list, list[DocumentStatus]]:
    skipped: list[DocumentStatus] = []
    docs = list(iter_documents(sources, on_skip=skipped.append, **kw))  # type: ignore[arg-type]
    return docs, skipped


def _names(docs: list) -> list[str]:
    """The readable part of each id (the slug before the text's hash: see IdRegistry)."""
    for d in docs:
        assert d.id.endswith("-" + d.sha256[:8]), d.id
    return [d.id[: -len(d.sha256[:8]) - 1] for d in docs]


def test_text_file_gives_id_title_date_and_exact_text(tmp_path: Path) -> None:
    f = tmp_path / "Peru Chile drill.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    (doc,), skipped = _collect([str(f)])
    assert skipped == []
    assert doc.id == f"Peru-Chile-drill-{doc.sha256[:8]}"  # the file name and the text's hash
    assert doc.title == "Peru and Chile Hold Joint Naval Drill"
    assert doc.published == "2025-12-04"
    assert doc.text == ARTICLE  # kept verbatim: offsets and hashes refer to the file's text
    assert doc.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    assert doc.source == str(f)


def test_first_line_that_is_a_sentence_is_not_a_title(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("\nThe army trained with the navy on Monday.\nIt rained.\n", encoding="utf-8")
    (doc,), _ = _collect([str(f)])
    assert doc.title is None
    assert doc.published is None


@pytest.mark.parametrize(
    ("text", "title", "published"),
    [
        ("Headline Here\n\nBody text.", "Headline Here", None),
        ("Headline Here\nPublished: 2024-03-05\nBody.", "Headline Here", "2024-03-05"),
        ("Headline here: a question?\n\nBody.", "Headline here: a question?", None),
        ("One sentence. Two sentences\n\nBody.", None, None),
        ("# Markdown Headline\n\nBody.", "Markdown Headline", None),
        ("Short line\nBody continues directly under it.", None, None),
        ("Tuesday, 9 September 2025\n\nBody.", None, "2025-09-09"),
    ],
)
def test_read_header(text: str, title: str | None, published: str | None) -> None:
    assert read_header(text) == (title, published)


def test_folder_is_recursive_sorted_and_skips_hidden_and_other_types(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text(
        "Second **story** about [Peru](http://x).\n", encoding="utf-8"
    )
    (tmp_path / "one.txt").write_text("First story.\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("secret\n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\x00")
    docs, skipped = _collect([str(tmp_path)])
    assert _names(docs) == ["two", "one"]  # sorted paths: b/two.md before one.txt
    assert docs[0].text == "Second story about Peru.\n"
    assert skipped == []


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    for name in ("keep.txt", "drop.txt", "page.html"):
        (tmp_path / name).write_text("Some story text.\n" + name, encoding="utf-8")
    docs, _ = _collect([str(tmp_path)], options=IngestOptions(include=["*.txt"], exclude=["drop*"]))
    assert _names(docs) == ["keep"]


def test_same_stem_gets_unique_ids_and_duplicates_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "z").mkdir()
    (tmp_path / "x" / "story.txt").write_text("Text one.\n", encoding="utf-8")
    (tmp_path / "y" / "story.txt").write_text("Text two.\n", encoding="utf-8")
    (tmp_path / "z" / "story.txt").write_text("Text one.\n", encoding="utf-8")
    docs, skipped = _collect([str(tmp_path)])
    ids = [d.id for d in docs]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert _names(docs) == ["story", "story"]
    assert [(s.status, s.source) for s in skipped] == [
        ("skipped", str(tmp_path / "z" / "story.txt"))
    ]
    assert skipped[0].reason == f"duplicate of {tmp_path / 'x' / 'story.txt'}"


def test_ids_are_stable_across_runs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Alpha.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Beta.\n", encoding="utf-8")
    first = [d.id for d in iter_documents([str(tmp_path)])]
    second = [d.id for d in iter_documents([str(tmp_path)])]
    assert first == second and [i.rsplit("-", 1)[0] for i in first] == ["a", "b"]


def test_missing_path_raises_before_reading(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("Fine.\n", encoding="utf-8")
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(errors.InputError) as exc:
        iter_documents([str(tmp_path / "ok.txt"), missing])  # raised at the call, not at next()
    assert str(exc.value) == errors.no_such_input(missing).message


def test_empty_folder_raises_no_documents(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError) as exc:
        list(iter_documents([str(tmp_path)]))
    assert str(exc.value) == errors.no_documents([str(tmp_path)]).message


def test_empty_and_binary_files_are_skipped_and_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "c.txt").write_text("A real story.\n", encoding="utf-8")
    docs, skipped = _collect([str(tmp_path)])
    assert _names(docs) == ["c"]
    assert [(Path(s.source).name, s.status, s.reason) for s in skipped] == [
        ("a.txt", "skipped", "empty file, no text"),
        ("b.txt", "skipped", "binary file, not text"),
    ]


def test_unreadable_file_is_failed_with_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "locked.txt"
    f.write_text("x", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Readable story.\n", encoding="utf-8")
    real = os.open

    def deny(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).name == "locked.txt":  # as chmod 000 would (the tests may run as root)
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    docs, skipped = _collect([str(tmp_path)])
    assert _names(docs) == ["ok"]
    assert skipped == [DocumentStatus(str(f), "failed", "cannot read the file (Permission denied)")]


@pytest.mark.parametrize(
    "encoded",
    [
        "Café München, Straße".encode(),
        "Café München, Straße".encode("utf-8-sig"),
        "Café München, Straße".encode("cp1252"),
        "Café München, Straße".encode("latin-1"),
        "Café München, Straße".encode("utf-16"),
        "“Café München” – naïve".encode("cp1252"),
    ],
)
def test_charsets_never_give_mojibake(encoded: bytes, tmp_path: Path) -> None:
    text = decode_bytes(encoded)
    assert "Café München" in text
    assert not text.startswith("\ufeff")
    f = tmp_path / "cafe.txt"
    f.write_bytes(encoded + b"\n")
    (doc,) = iter_documents([str(f)])
    assert "Café München" in doc.text


def test_cyrillic_legacy_bytes_are_not_read_as_latin() -> None:
    text = "Министерство обороны России провело учения вместе с армией."
    assert decode_bytes(text.encode("cp1251")) == text


def test_declared_charset_wins() -> None:
    assert decode_bytes("Ça va".encode("cp1252"), "text/plain; charset=windows-1252") == "Ça va"


def test_strip_markdown_keeps_words() -> None:
    md = "# Title\n\n- **Bold** item with `code` and _emphasis_\n> quoted [link](http://a.b)\n"
    assert strip_markdown(md) == "Title\n\nBold item with code and emphasis\nquoted link\n"


def test_slug_and_url_ids() -> None:
    assert slugify("Café München/2025 story!") == "Cafe-Munchen-2025-story"
    assert slugify("") == ""
    a = url_id("https://www.Example.com/news/peru-drill.html?utm_source=x#top")
    b = url_id("https://example.com/news/peru-drill.html")
    assert a == b and a.startswith("example.com-news-peru-drill-")
    assert (
        canonical_url("HTTPS://Example.com:443/a/?b=2&utm_medium=m&a=1")
        == "https://example.com/a?a=1&b=2"
    )


def test_documents_stream_lazily(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Story number {i}.\n", encoding="utf-8")
    it = iter_documents([str(tmp_path)])
    first = next(it)
    assert _names([first]) == ["0"]
    (tmp_path / "2.txt").unlink()  # not read yet: the generator has not reached it
    assert _names(list(it)) == ["1"]


def test_shared_corpus_article_hash_matches_gold(shared_dir: Path) -> None:
    import json

    gold = json.loads(
        (shared_dir / "gold" / "peru-us-troops-2026.json").read_text(encoding="utf-8")
    )
    (doc,) = iter_documents([str(shared_dir / "corpus" / "peru-us-troops-2026.txt")])
    assert doc.sha256 == gold["text_sha256"]
    assert doc.id == f"peru-us-troops-2026-{gold['text_sha256'][:8]}"
    assert doc.title is None  # the first line is a sentence, not a headline
