"""One writer at a time: the inter-process lock around every write to a warehouse file.

Writers are ``alignwatch ingest`` (which builds a copy and swaps it in) and the derived-result caches
(:func:`alignwatch.warehouse.cached`, which write ``_cache_*`` tables into the file itself). Two writers at once lose
data: two ingests each copy the old file and the last swap wins, and a cache written into a file that an ingest is
about to replace leaves a write-ahead log that no longer matches the new file. Readers never take the lock: they
open the file read-only and keep the old file until an ingest's atomic swap.

The lock is ``filelock``'s OS lock (``flock`` on a ``.<db>.lock`` file beside the warehouse), so a killed writer
never leaves it held. Beside it, ``.<db>.lock.owner`` names the holder (pid and command) for the one-line message
of whoever has to wait or give up.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from pathlib import Path

import filelock

from .errors import WarehouseError

DEFAULT_WAIT = 600.0  # seconds an ingest waits for another writer (ALIGNWATCH_LOCK_TIMEOUT overrides)


def lock_path(db: Path) -> Path:
    return db.parent / f".{db.name}.lock"


def _owner_path(db: Path) -> Path:
    return db.parent / f".{db.name}.lock.owner"


def command_line(argv: list[str] | None = None) -> str:
    """This process's command as a user would type it (``alignwatch ingest --force``), at most 120 characters."""
    argv = list(sys.argv if argv is None else argv) or ["python"]
    prog = Path(argv[0]).name
    if prog in ("__main__.py", "cli.py") or prog.startswith("alignwatch"):
        prog = "alignwatch"
    elif prog == "-c":
        prog = "python -c"
    text = " ".join([prog, shlex.join(argv[1:])]).strip()
    return text if len(text) <= 120 else text[:117] + "..."


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (it may belong to another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def default_wait() -> float:
    value = os.environ.get("ALIGNWATCH_LOCK_TIMEOUT")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            raise WarehouseError(f"ALIGNWATCH_LOCK_TIMEOUT={value[:40]!r} is not a number of seconds",
                                 hint="e.g. ALIGNWATCH_LOCK_TIMEOUT=600") from None
    return DEFAULT_WAIT


def describe_owner(db: Path) -> str:
    """``pid 1234 (alignwatch ingest --force), writing since 12:03:04``, or a generic phrase when unknown."""
    try:
        info = json.loads(_owner_path(db).read_text(encoding="utf-8"))
        pid, cmd, since = int(info["pid"]), str(info["command"])[:120], float(info["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"
    if not pid_alive(pid):
        return "another process"
    return f"pid {pid} ({cmd}), writing since {time.strftime('%H:%M:%S', time.localtime(since))}"


class WriterLock:
    """``with WriterLock(db, wait=...)``: hold the warehouse's writer lock, or fail in one line.

    ``wait`` is how long to wait for another writer (0: give up at once, raising :class:`Busy`); ``on_wait`` is
    called once with a one-line message when the lock is held by someone else and we start to wait.
    """

    def __init__(self, db: str | os.PathLike, *, wait: float | None = None, on_wait=None, purpose: str = "write"):
        self.db = Path(db)
        self.wait = default_wait() if wait is None else wait
        self.on_wait = on_wait
        self.purpose = purpose
        self._lock: filelock.BaseFileLock | None = None

    def acquire(self) -> WriterLock:
        """Take the lock (waiting as configured). An OS error creating the lock file (a read-only file system,
        no permission) propagates as OSError: the caller says what it leaves unchanged."""
        path = lock_path(self.db)
        lock = filelock.FileLock(str(path), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            if self.wait <= 0:
                raise Busy(self.db, describe_owner(self.db), 0.0) from None
            if self.on_wait is not None:
                self.on_wait(f"waiting: warehouse {self.db} is being written by {describe_owner(self.db)}; "
                             f"this {self.purpose} starts when it finishes (at most {self.wait:.0f} s)")
            try:
                lock.acquire(timeout=self.wait, poll_interval=0.1)
            except filelock.Timeout:
                raise Busy(self.db, describe_owner(self.db), self.wait) from None
        self._lock = lock
        try:
            tmp = _owner_path(self.db).with_name(_owner_path(self.db).name + f".{os.getpid()}")
            tmp.write_text(json.dumps({"pid": os.getpid(), "command": command_line(), "since": time.time()}),
                           encoding="utf-8")
            os.replace(tmp, _owner_path(self.db))
        except OSError:
            pass  # the owner's name is a courtesy for the waiting side; the lock itself is what counts
        return self

    def release(self) -> None:
        if self._lock is None:
            return
        try:
            _owner_path(self.db).unlink(missing_ok=True)
        except OSError:
            pass
        self._lock.release()
        self._lock = None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


class Busy(WarehouseError):
    """Another process holds the writer lock and we did not (or no longer) wait for it."""

    def __init__(self, db: Path, owner: str, waited: float):
        self.owner = owner
        after = f" after waiting {waited:.3g} s" if waited else ""
        super().__init__(f"warehouse {db} is being written by {owner}; gave up{after}, nothing was changed",
                         hint="run again when it has finished (ALIGNWATCH_LOCK_TIMEOUT sets how long to wait)")
