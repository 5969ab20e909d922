"""One resolver for document names: kg export --document, kg remove, kg viz --document."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import errors
from kg.rdf.terms import document_iri
from kg.views.documents import resolve_documents, store_documents

A, B, C = (str(document_iri(x)) for x in ("peru-1", "peru-2", "chile"))


@pytest.fixture
def index(tmp_path: Path) -> dict[str, dict[str, str | None]]:
    return {
        A: {"title": "Joint drill", "source": str(tmp_path / "news" / "peru-1.txt")},
        B: {"title": "Joint drill", "source": "https://example.org/peru-2"},
        C: {"title": None, "source": "chile.txt"},
    }


def test_exact_names_iri_id_and_source(
    index: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_documents(index, A, "s") == [A]
    assert resolve_documents(index, "PERU-2", "s") == [B]  # an id, case folded
    assert resolve_documents(index, "https://example.org/peru-2", "s") == [B]
    assert resolve_documents(index, str(tmp_path / "news" / "peru-1.txt"), "s") == [A]
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    assert resolve_documents(index, "../news/peru-1.txt", "s") == [A]  # the same file
    assert resolve_documents(index, ["chile.txt", A, A], "s") == sorted([A, C])


def test_titles_and_file_names_match_every_document_they_name(index: dict) -> None:
    assert resolve_documents(index, "joint drill", "s") == sorted([A, B])
    assert resolve_documents(index, "peru-1.txt", "s") == [A]


def test_an_unknown_name_says_where_and_lists_documents(index: dict) -> None:
    with pytest.raises(errors.InputError) as err:
        resolve_documents(index, ["chile", "nope"], "store kg-store")
    assert err.value.message == (
        "no document 'nope' in store kg-store. Give a document IRI, id, title or the file it was "
        "built from (documents: chile, peru-1, peru-2)."
    )


def test_store_documents_is_the_same_index(tmp_path: Path) -> None:
    from test_store_kit import doc_quads, make_extraction

    from kg.store import open_store

    with open_store(str(tmp_path / "s")) as store:
        store.replace_document(*doc_quads(make_extraction("doc-a")))
        index = store_documents(store)
        assert list(index) == [str(document_iri("doc-a"))]
        assert resolve_documents(index, "doc-a.txt", store.location) == list(index)
