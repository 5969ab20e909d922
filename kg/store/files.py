"""RDF files: formats by extension, and writing quads atomically (never half a file)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kg import errors
from kg.rdf.sparql import PREFIXES
from kg.rdf.terms import Quad, ox_quad

#: File extensions and their formats, for reading and writing RDF files.
RDF_EXTENSIONS = (".trig", ".nq", ".ttl", ".nt", ".jsonld", ".rdf")
_DATASET_EXTENSIONS = (".trig", ".nq", ".jsonld")


def rdf_format(path: str | Path) -> Any:
    """Return the pyoxigraph RdfFormat for a file name, or raise ``unknown_format``."""
    import pyoxigraph as ox

    formats = {
        ".trig": ox.RdfFormat.TRIG,
        ".nq": ox.RdfFormat.N_QUADS,
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".jsonld": ox.RdfFormat.JSON_LD,
        ".rdf": ox.RdfFormat.RDF_XML,
    }
    ext = Path(path).suffix.lower()
    if ext not in formats:
        raise errors.unknown_format(str(path), list(RDF_EXTENSIONS))
    return formats[ext]


def atomic_write_text(path: Path, text: str, *, shared: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; ``shared``: see ``atomic``."""
    with atomic(path, shared=shared) as fh:
        fh.write(text.encode("utf-8"))


@contextlib.contextmanager
def atomic(path: Path, *, shared: bool = False) -> Iterator[IO[bytes]]:
    """Yield a binary file that replaces ``path`` only when the block completes.

    The file is private to the user (as ``mkstemp`` makes it) unless ``shared``: then it gets the
    permissions a new file would (``0666`` less the umask), as a page meant to be passed on does.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if shared:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def write_quads(quads: Iterable[Quad], path: str | Path) -> int:
    """Write quads to an RDF file atomically; the format comes from the extension.

    .trig, .nq and .jsonld keep the named graphs; .ttl and .nt merge them into one graph.
    N-Quads and N-Triples are streamed; the other formats are grouped by pyoxigraph first.

    Returns:
        The number of quads (or, for merged formats, distinct triples) written.
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt = rdf_format(path)
    keep_graphs = path.suffix.lower() in _DATASET_EXTENSIONS
    count = 0

    def items() -> Iterator[Any]:
        nonlocal count
        seen: set[str] = set()
        for quad in quads:
            q = ox_quad(quad)
            if keep_graphs:
                count += 1
                yield q
            else:
                t = ox.Triple(q.subject, q.predicate, q.object)
                key = str(t)
                if key not in seen:
                    seen.add(key)
                    count += 1
                    yield t

    data: Iterable[Any] = items()
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD):
        data = sorted(data, key=_sort_key)  # grouped by graph and subject: compact, stable output
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None
    with atomic(path, shared=True) as fh:  # a dataset is passed on like the page beside it
        if prefixes:
            ox.serialize(data, fh, format=fmt, prefixes=prefixes)
        else:
            ox.serialize(data, fh, format=fmt)
    return count


def _sort_key(item: Any) -> tuple[str, str, str, str]:
    graph = str(getattr(item, "graph_name", ""))
    return graph, str(item.subject), str(item.predicate), str(item.object)
