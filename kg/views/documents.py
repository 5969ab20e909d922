"""Naming documents: one resolver for every command that takes ``--document`` or a document name.

A document is named by its IRI, its id, its title, or the source it was built from (the path as
given, the same file by another path, or its file name alone; never the stem of another path,
which named a different file's document). An exact identifier (IRI, id, source) wins; otherwise
every document with that title or file name matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kg import errors
from kg.rdf.terms import document_iri

#: Document IRI → ``{"title", "date", "source"}`` (the entity graph's ``G.graph["documents"]``).
DocumentIndex = Mapping[str, Mapping[str, Any]]


def store_documents(store: Any) -> dict[str, dict[str, Any]]:
    """The document index of a store: its committed documents, in IRI order."""
    return {
        str(r["document"]): {
            "title": None if r["title"] is None else str(r["title"]),
            "source": None if r["source"] is None else str(r["source"]),
        }
        for r in store.documents()
    }


def resolve_documents(index: DocumentIndex, wanted: str | Iterable[str], where: str) -> list[str]:
    """The IRIs of the documents ``wanted`` names (sorted, without repeats).

    Args:
        index: The documents to choose from (see ``DocumentIndex``).
        wanted: One name or several: IRI, id, title, source path or file name.
        where: What holds the documents, for the message (a store location, "the graph").

    Raises:
        InputError: ``no_document`` when a name matches no document.
    """
    names = [wanted] if isinstance(wanted, str) else list(wanted)
    found: set[str] = set()
    for name in names:
        hits = _exact(index, name) or _by_title_or_file(index, name)
        if not hits:
            known = sorted(iri.rsplit("/", 1)[-1] for iri in index)
            raise errors.no_document(name, where, known)
        found.update(hits)
    return sorted(found)


def _exact(index: DocumentIndex, name: str) -> list[str]:
    # never the stem of a path: /never/built/report.md is not the report.md that was built
    ids = {name, str(document_iri(name))} if name.strip() else {name}
    resolved = str(Path(name).resolve()) if name.strip() else None
    folded = name.strip().casefold()
    hits = []
    for iri, meta in index.items():
        source = meta.get("source") or ""
        if (
            iri in ids
            or iri.rsplit("/", 1)[-1].casefold() == folded
            or (source and (source == name or str(Path(source).resolve()) == resolved))
        ):
            hits.append(iri)
    return hits


def _by_title_or_file(index: DocumentIndex, name: str) -> list[str]:
    folded = name.strip().casefold()
    if not folded:
        return []
    return [
        iri
        for iri, meta in index.items()
        if (meta.get("title") or "").casefold() == folded
        or (meta.get("source") or "").casefold() == folded
        or Path(meta.get("source") or "").name.casefold() == folded
    ]
