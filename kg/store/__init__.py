"""Where graphs live: an embedded Oxigraph store in a folder, a SPARQL 1.1 server, or an RDF file.

``open_store`` picks the backend from the location's scheme (``sparql+http(s)://`` → a server,
anything else → a store folder); ``open_graph`` opens what a reading command names, a file or a
store. Every backend is a ``kg.store.base.Store``.
"""

from __future__ import annotations

from collections.abc import Callable

from kg import errors
from kg.store.base import Rows, Store
from kg.store.files import RDF_EXTENSIONS, rdf_format, write_quads
from kg.store.oxigraph import OxigraphStore, load_file, open_folder
from kg.store.remote import RemoteStore, open_remote

__all__ = [
    "RDF_EXTENSIONS",
    "OxigraphStore",
    "RemoteStore",
    "Rows",
    "Store",
    "load_file",
    "open_graph",
    "open_store",
    "rdf_format",
    "write_quads",
]

#: Location schemes and the backend that opens them; a location without one is a folder.
BACKENDS: dict[str, Callable[..., Store]] = {
    "sparql+http": open_remote,
    "sparql+https": open_remote,
}


def scheme(location: str) -> str:
    """The backend scheme of a location (``""`` for a folder)."""
    head, sep, _ = location.partition("://")
    return head if sep and head in BACKENDS else ""


def open_store(location: str, *, read_only: bool = False, wait: float | None = None) -> Store:
    """Open (or create) a store.

    Args:
        location: A folder for the embedded store (created if missing), or
            ``sparql+http://host:port/path`` for a SPARQL 1.1 server (see ``kg.store.remote``).
        read_only: Open for reading: no write lock, but a shared lock that keeps writers out
            while the store is open (close it soon; a writer waits for it).
        wait: Seconds to wait for a busy store (a reader for the writer, the writer for the
            readers); default ``$KG_STORE_WAIT``, else 5 for a reader and 30 for the writer.

    Raises:
        StoreError: the folder is not a kg store, or another process writes to it.
        StoreBusy: the store stayed busy for ``wait`` seconds (see "readers and the writer").
    """
    location = str(location)
    opener = BACKENDS.get(scheme(location), open_folder)
    return opener(location, read_only=read_only, wait=wait)


def open_graph(
    graph_file: str | None = None, store: str | None = None, *, wait: float | None = None
) -> Store:
    """Open the graph a reading command works on: an RDF file (in memory) or a store (read-only).

    ``wait``: seconds to wait for a writer of the store to finish (see ``open_store``).
    """
    if graph_file and store:
        raise errors.both_graph_sources()
    if store:
        return open_store(store, read_only=True, wait=wait)
    if not graph_file:
        raise errors.no_graph_source()
    return load_file(graph_file)
