"""Readers and the writer of an embedded store: the lock files and the waiting between them.

pyoxigraph: "Opening as read-only while having an other process writing the database is
undefined behavior". So a store folder has one writer or any number of readers, never both:

  kg.lock            writers: flock LOCK_EX for the writer's whole life; holds its pid. A second
                     writer is refused at once (``store_locked``).
  kg.readers         readers: flock LOCK_SH while their read-only database is open. The writer,
                     once it holds kg.lock, takes LOCK_EX here before it opens the database.
  kg.writer-waiting  written by a writer that readers keep out: {"pid": N, "until": epoch s}.
                     Readers that see it give way (long-running ones, like ``kg serve``, close
                     their database), new readers wait; the writer deletes it once in or when
                     it gives up, and readers ignore it past "until" (a killed writer).

Both sides poll with LOCK_NB up to a bounded wait (``wait=`` or KG_STORE_WAIT seconds), then
raise ``StoreBusy`` naming who holds the store. A kill -9 releases every flock with the process.
A reader in the process that writes shares the writer's database instead (no lock to take).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import IO

from kg import errors

READERS_FILE = "kg.readers"
WAITING_FILE = "kg.writer-waiting"
READER_WAIT = 5.0  # seconds a reader waits for a writer (kg query should not hang long)
WRITER_WAIT = 30.0  # seconds a writer waits for readers (past kg serve's default query timeout)
_POLL = 0.05


def store_wait(wait: float | None, default: float) -> float:
    """Return the seconds to wait for a busy store: ``wait``, else $KG_STORE_WAIT, else default."""
    if wait is not None:
        return max(0.0, float(wait))
    value = os.environ.get("KG_STORE_WAIT", "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise errors.bad_store_wait(value) from None
    if not seconds >= 0:  # also refuses nan
        raise errors.bad_store_wait(value)
    return seconds


class Locks:
    """Lock files whose flocks a store holds; closing them releases the locks."""

    def __init__(self, *files: IO[str]) -> None:
        self._files = list(files)

    def close(self) -> None:
        for fh in self._files:
            fh.close()  # closing the file releases its flock
        self._files = []


def _try_flock(fh: IO[str], *, exclusive: bool) -> bool:
    import fcntl

    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(fh.fileno(), mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def writer_waiting(folder: Path) -> str | None:
    """Return the pid of a writer waiting for this store's readers to leave, or None.

    One failed ``open`` when no writer waits (the common case): cheap enough to call per request.
    """
    try:
        text = (folder / WAITING_FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        meta = json.loads(text)
        pid, until = str(int(meta["pid"])), float(meta["until"])
    except (ValueError, KeyError, TypeError):
        return None  # torn or foreign: the next check reads it whole
    if time.time() > until + 1.0:
        return None  # past its deadline: the writer gave up or was killed
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None  # the writer was killed while it waited
    except OSError:
        pass  # alive, another user's
    return pid


def _writer_pid(folder: Path) -> str:
    try:
        return (folder / "kg.lock").read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


def _kg_command(pid: str) -> str | None:
    """``kg build`` when process ``pid`` runs the kg CLI (Linux /proc), else None."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    args = raw.decode("utf-8", "replace").split("\0")
    for i, arg in enumerate(args):
        if os.path.basename(arg) == "kg":
            rest = args[i + 1 :]
        elif arg == "-m" and i + 1 < len(args) and args[i + 1] in ("kg", "kg.cli"):
            rest = args[i + 2 :]
        else:
            continue
        sub = next((a for a in rest if a and not a.startswith("-")), "")
        return f"kg {sub}".strip()
    return None


def _parent(pid: str) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        return stat.rsplit(")", 1)[1].split()[1]  # the field after the state
    except (OSError, IndexError):
        return None


#: How far up its parents a lock holder is looked for as a kg command.
ANCESTORS = 3


def describe_process(pid: str) -> str:
    """Name a process for a message: ``kg serve (pid 12)``, also for a worker of it.

    Falls back to ``process 12`` where /proc does not tell the command.
    """
    if not pid.isdigit():
        return "an unknown process"
    candidate: str | None = pid
    for _ in range(ANCESTORS):  # a query worker of kg serve, or a worker's own helper
        if not candidate or candidate in ("0", "1"):
            break
        command = _kg_command(candidate)
        if command:
            return f"{command} (pid {candidate})"
        candidate = _parent(candidate)
    return f"process {pid}"


def _readers(folder: Path) -> list[str]:
    """Describe the processes holding a shared lock on ``kg.readers`` (from /proc/locks)."""
    try:
        st = (folder / READERS_FILE).stat()
        table = Path("/proc/locks").read_text(encoding="utf-8")
    except OSError:
        return []
    file_id = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    found: list[str] = []
    for line in table.splitlines():
        fields = line.split()  # 1: FLOCK  ADVISORY  READ  1234 fe:00:5678 0 EOF
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == file_id:
            if fields[4] != "0" and not Path(f"/proc/{fields[4]}").exists():
                continue  # its holder has just exited: the lock goes with it
            name = describe_process(fields[4]) if fields[4] != "0" else "another process"
            if name not in found:
                found.append(name)
    return found


def _open_lock_file(folder: Path, name: str, *, create: bool) -> IO[str] | None:
    try:
        return open(folder / name, "a+", encoding="utf-8")  # noqa: SIM115 - held while open
    except OSError:
        if create:
            raise
    try:
        return open(folder / name, encoding="utf-8")  # noqa: SIM115 - flock needs no write access
    except OSError:
        return None  # a folder this user cannot write to: it cannot be written through here


def take_read_lock(folder: Path, wait: float) -> Locks | None:
    """Hold a shared lock on ``kg.readers``, waiting up to ``wait`` s for a writer to finish."""
    fh = _open_lock_file(folder, READERS_FILE, create=False)
    if fh is None:
        return None
    deadline = time.monotonic() + wait
    while True:
        if _try_flock(fh, exclusive=False):
            writer = writer_waiting(folder)
            if writer is None:
                return Locks(fh)
            _unlock(fh)  # a writer waits for the readers to leave: let it in first
        else:
            writer = _writer_pid(folder)
        if time.monotonic() >= deadline:
            fh.close()
            raise errors.store_being_written(str(folder), describe_process(writer), wait)
        time.sleep(_POLL)


def _wait_for_readers(folder: Path, wait: float) -> IO[str]:
    """Take ``kg.readers`` exclusively (the writer holds kg.lock), waiting up to ``wait`` s."""
    fh = _open_lock_file(folder, READERS_FILE, create=True)
    assert fh is not None
    if _try_flock(fh, exclusive=True):
        return fh
    marker = folder / WAITING_FILE
    tmp = folder / f".{WAITING_FILE}.{os.getpid()}"
    try:
        tmp.write_text(json.dumps({"pid": os.getpid(), "until": time.time() + wait}), "utf-8")
        os.replace(tmp, marker)  # readers never see half a marker
        deadline = time.monotonic() + wait
        while not _try_flock(fh, exclusive=True):
            if time.monotonic() >= deadline:
                readers = _readers(folder)
                fh.close()
                raise errors.store_being_read(str(folder), readers, wait)
            time.sleep(_POLL)
        return fh
    except BaseException:
        fh.close()
        raise
    finally:
        for path in (marker, tmp):
            with contextlib.suppress(OSError):
                path.unlink()


def _unlock(fh: IO[str]) -> None:
    import fcntl

    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def take_write_lock(path: Path, wait: float = WRITER_WAIT) -> Locks:
    """Become the store's one writer: ``kg.lock`` at once or ``store_locked``, then the readers."""
    import fcntl

    fh = open(path / "kg.lock", "a+", encoding="utf-8")  # noqa: SIM115 - held while open
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        pid = fh.read().strip() or "unknown"
        fh.close()
        raise errors.store_locked(str(path), pid) from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    try:
        readers = _wait_for_readers(path, wait)
    except BaseException:
        fh.close()
        raise
    return Locks(readers, fh)  # readers' lock released first, then the writers'
