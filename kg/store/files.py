"""RDF files: formats by extension, and writing quads atomically (never half a file)."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kg import errors
from kg.rdf.sparql import PREFIXES
from kg.rdf.terms import Quad, nquad_line, ox_quad

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


def atomic_write_text(path: Path, text: str, *, shared: bool = True) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; ``shared``: see ``atomic``."""
    with atomic(path, shared=shared) as fh:
        fh.write(text.encode("utf-8"))


#: Errors of a write (the disk, not the data): reported as ``cannot_write`` naming the output.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


@contextlib.contextmanager
def atomic(path: Path, *, shared: bool = True) -> Iterator[IO[bytes]]:
    """Yield a binary file that replaces ``path`` only when the block completes.

    The new file gets the mode any new file gets (``0666`` less the umask: 0644 under umask 022),
    or the mode of the file it replaces; ``shared=False`` makes a new file private (0600). A full
    disk (or any failed write, flush or rename) leaves ``path`` as it was, removes the temporary
    file and raises ``cannot_write`` naming ``path``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_beside(path, 0o666 if shared else 0o600)
    except OSError as err:
        raise errors.cannot_write(str(path), err) from None
    ours = False  # past the caller's block: every error is the writing's
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            ours = True
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))  # a replaced file keeps its mode
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError) and (ours or err.errno in _WRITE_ERRNOS):
            raise errors.cannot_write(str(path), err) from None
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _create_beside(path: Path, mode: int) -> tuple[int, str]:
    """Create a new temporary file next to ``path``; the kernel applies the umask to ``mode``
    (``mkstemp`` would make it 0600, and reading the umask means changing it, for every thread)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


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

    if fmt == ox.RdfFormat.N_QUADS:
        # each quad's line as pyoxigraph writes it (kg.rdf.terms.nquad_line), without its Quad
        with atomic(path, shared=True) as fh:
            lines: list[str] = []
            for quad in quads:
                lines.append(nquad_line(quad))
                count += 1
                if len(lines) >= 4096:
                    fh.write("".join(lines).encode("utf-8"))
                    lines.clear()
            fh.write("".join(lines).encode("utf-8"))
        return count

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
