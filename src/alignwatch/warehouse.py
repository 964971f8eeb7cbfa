"""The DuckDB warehouse: one file holding every ingested dataset plus a provenance table.

Ingest is atomic: new tables are written into a copy of the warehouse, which replaces the original with one
``os.replace`` only after every table has been validated and written. A failed, interrupted or killed ingest
therefore leaves the previous file readable and unchanged (its copy is removed by the next ingest once its owner
process is gone). Readers keep the old file open until the swap, so they work during an ingest.
Ingest is idempotent: a dataset whose input file has the same sha256 as at its last ingest, read by the same
connector code and curated tables (see :func:`spec_fingerprint`) under the same package version, is skipped.

One writer at a time (:mod:`alignwatch.writelock`): ingest and derived-cache writes take the warehouse's writer lock,
so two ingests never both swap in a copy of the same old file (one update lost), and a cache is never written into
a file an ingest is about to replace. A write-ahead log (``<db>.wal``) left by a killed cache write is checkpointed
or set aside before the copy, and never survives a swap: the new file always opens. Every OS error (disk full, a
read-only file system, a directory where the file should be) and every interrupt becomes one line
(:class:`~alignwatch.errors.WarehouseError`, :class:`~alignwatch.errors.Interrupted`) saying the previous warehouse
is unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from . import __version__, config
from .errors import Interrupted, WarehouseError
from .sources import base
from .sources.base import Dataset
from .writelock import WriterLock, pid_alive

PROVENANCE = "_provenance"
CACHE_PREFIX = "_cache_"
# What each derived table was computed from: the ingested tables its computation read (through Warehouse.table,
# .df, .query, .arrow; a derived table read stands for its own inputs), TABLE_LIST where it asked which tables
# exist, ANY where that is unknown. An ingest drops only the derived tables whose inputs it changed.
INPUTS = "_derived_inputs"
TABLE_LIST = "*tables*"
ANY = "*any*"
PROVENANCE_DDL = f"""
CREATE TABLE IF NOT EXISTS {PROVENANCE} (
    "table" VARCHAR PRIMARY KEY, source VARCHAR, origin VARCHAR, url VARCHAR, sha256 VARCHAR, rows BIGINT,
    year_min INTEGER, year_max INTEGER, ingested_at TIMESTAMP, version VARCHAR, citation VARCHAR, spec VARCHAR
)"""


# Where a downloaded input came from (``alignwatch fetch`` writes a .source.json beside each file it makes; a
# mirror file has none): publisher, the URL actually downloaded, its release, size, sha256 and retrieval time.
DOWNLOAD_COLUMNS = {"publisher": "VARCHAR", "download_url": "VARCHAR", "release": "VARCHAR",
                    "download_bytes": "BIGINT", "download_sha256": "VARCHAR", "retrieved_at": "TIMESTAMP",
                    "fallback": "BOOLEAN"}


def download_record(path: Path) -> dict:
    """The download provenance of an input file, from its ``.source.json`` (empty for mirror files)."""
    from .sources.fetch import read_source

    meta = read_source(path) or {}
    when = meta.get("retrieved_at")
    return {"publisher": meta.get("publisher"), "download_url": meta.get("url"), "release": meta.get("release"),
            "download_bytes": meta.get("bytes"), "download_sha256": meta.get("sha256"),
            "retrieved_at": dt.datetime.fromisoformat(when.replace("Z", "+00:00")).replace(tzinfo=None) if when
            else None, "fallback": meta.get("fallback")}


class Warehouse:
    """Read access to the warehouse. Measures take one of these (or Arrow tables), never file paths.

    ``cache`` says where :func:`cached` keeps derived results: ``"warehouse"`` (``_cache_*`` tables written into
    the file under the writer lock; the CLI), ``"separate"`` (a cache file of its own, :class:`SeparateCache`,
    plus memory: the warehouse is never written, a restarted reader does not recompute; the dashboard) or
    ``"memory"`` (this object only). All read ``_cache_*`` tables already in the warehouse.
    """

    MEMORY_ITEMS = 128  # derived results kept in memory at most (least recently used dropped first)

    def __init__(self, path: str | os.PathLike | None = None, *, cache: str = "warehouse",
                 cache_file: str | os.PathLike | None = None):
        if cache not in ("warehouse", "memory", "separate"):
            raise ValueError(f"cache must be 'warehouse', 'separate' or 'memory', not {cache!r}")
        self.path = config.db_path(path)
        self.cache = cache
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened: tuple | None = None  # identity of the file the connection reads (see _identity)
        self._generation: str | None = None
        self._memory: OrderedDict[str, pd.DataFrame] = OrderedDict()
        self._written: set[tuple] = set()  # file identities left by this object's own cache writes
        self._objects: dict[str, tuple[str, object, frozenset[str]]] = {}  # see memo()
        self._reading: list[set[str]] = []  # the inputs read by each cached computation now running (nested)
        self._memory_inputs: dict[str, frozenset[str]] = {}  # inputs of the results in _memory
        self._separate = SeparateCache(cache_file or SeparateCache.default_path(self.path)) \
            if cache == "separate" else None

    def generation(self) -> str:
        """What the file holds, as a short hash: its provenance (tables, input sha256s, ingest times), which
        changes with every ingest that loads anything; the file's identity where there is no provenance."""
        if self._generation is None:
            con = self.con
            self._generation = _provenance_generation(con) or "file-" + "-".join(map(str, self._opened or ()))
        return self._generation

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            if not self.path.exists():
                raise WarehouseError(
                    f"no warehouse at {self.path}", hint="run `alignwatch ingest` first (or pass --db PATH)"
                )
            if not self.path.is_file():
                raise WarehouseError(f"warehouse {self.path} is not a file (a directory?); expected a DuckDB file",
                                     hint="pass --db PATH naming a file")
            identity = _identity(self.path)
            self._con = _connect_read_only(self.path)
            self._opened = identity
        return self._con

    def memo(self, key: str, compute):
        """``compute()`` once per what the file holds (:meth:`generation`), kept in this object: for a tidied
        read of several tables that one command asks for many times (the report reads the Council's votes for four
        sections). The result is shared: callers must not modify it."""
        gen = self.generation()
        hit = self._objects.get(key)
        if hit is None or hit[0] != gen:
            hit = self._objects[key] = (gen, *self._tracked(compute))
        self._note(hit[2])  # a derived result computed from it depends on what it read
        return hit[1]

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
            self._generation = None
        if self._separate is not None:
            self._separate.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _names(self) -> list[str]:
        rows = self.con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def tables(self) -> list[str]:
        self._note([TABLE_LIST])  # a result that looked at the list depends on which tables exist
        return self._names()

    def has(self, *names: str) -> bool:
        self._note([TABLE_LIST])
        present = set(self._names())
        return all(n in present for n in names)

    def require(self, *names: str) -> None:
        present = set(self._names())  # a missing table raises: a result computed past this never depended on it
        missing = [n for n in names if n not in present]
        if missing:
            raise WarehouseError(
                f"warehouse {self.path} lacks table(s) {', '.join(missing)}",
                hint="run `alignwatch ingest` (with ALIGNWATCH_DATA set to the data mirror)",
            )

    def table(self, name: str, columns: Iterable[str] | None = None) -> pa.Table:
        """A whole table as Arrow. ``name`` must be an ingested table (checked, never interpolated blindly)."""
        self.require(name)
        self._note([name])
        cols = "*" if columns is None else ", ".join(_ident(c) for c in columns)
        return self.con.sql(f"SELECT {cols} FROM {_ident(name)}").to_arrow_table()

    def df(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self.table(name, columns).to_pandas()

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run a fixed SQL text with bound parameters. User strings go in ``params``, never into ``sql``."""
        self._note_sql(sql)
        return self.con.execute(sql, params or []).fetchdf()

    def arrow(self, sql: str, params: list | dict | None = None) -> pa.Table:
        """:meth:`query` as an Arrow table (dictionary-encoding or zero-copy reads of million-row results)."""
        self._note_sql(sql)
        return self.con.sql(sql, params=params or None).to_arrow_table()

    # -------------------------------------------------------------------- what a derived result was read from

    def _note_sql(self, sql: str) -> None:
        """The tables a SQL text names (any identifier that is a table here: never fewer than it reads); a look
        at the catalog counts as asking which tables exist."""
        if self._reading:
            known = set(self._names())
            words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql))
            catalog = [TABLE_LIST] if {"information_schema", "duckdb_tables"} & {w.lower() for w in words} else []
            self._note([w for w in words if w in known] + catalog)

    def _tracked(self, compute) -> tuple[object, frozenset[str]]:
        """``compute()`` and the tables it read through this object (nested computations included)."""
        reading: set[str] = set()
        self._reading.append(reading)
        try:
            return compute(), frozenset(reading)
        finally:
            self._done(reading)

    def _done(self, reading: set[str]) -> None:
        """Take a finished computation's set off the stack, by identity (sets that are equal are not the same
        computation; threads of one process may finish in any order)."""
        for i, r in enumerate(self._reading):
            if r is reading:
                del self._reading[i]
                return

    def _note(self, names) -> None:
        """Record ``names`` as inputs of every cached computation now running in this object (see
        :func:`cached`); a derived table read is replaced by the inputs recorded for it."""
        if not self._reading:
            return
        got: set[str] = set()
        for n in names:
            got |= self._inputs_of(n) if n.startswith(CACHE_PREFIX) else {n}
        for reading in self._reading:
            reading |= got

    def _inputs_of(self, name: str) -> set[str]:
        """The recorded inputs of a derived table (``{ANY}`` where none were recorded: an older file)."""
        if name in self._memory_inputs:
            return set(self._memory_inputs[name])
        if INPUTS in self._names():
            rows = self.con.execute(f'SELECT inputs FROM {INPUTS} WHERE "name" = ?', [name]).fetchall()
            if rows:
                return set(json.loads(rows[0][0]))
        return {ANY}

    def provenance(self) -> pd.DataFrame:
        if not self.has(PROVENANCE):
            return pd.DataFrame()
        return self.query(f'SELECT * FROM {PROVENANCE} ORDER BY "table"')


def _provenance_generation(con: duckdb.DuckDBPyConnection) -> str | None:
    """:meth:`Warehouse.generation` of the file ``con`` reads; None where it has no provenance table. A cache
    write leaves it as it is (it touches no provenance row); every ingest that loads anything changes it."""
    if not con.execute("SELECT table_name FROM information_schema.tables WHERE table_name = ?",
                       [PROVENANCE]).fetchall():  # fetch all: leave no result open on the connection
        return None
    rows = con.execute(f'SELECT "table", sha256, CAST(ingested_at AS VARCHAR), version '
                       f'FROM {PROVENANCE} ORDER BY 1').fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise WarehouseError(f"invalid identifier {name!r}")
    return f'"{name}"'


def _identity(path: Path) -> tuple:
    """Which file a path names right now: an ingest's swap or a cache write changes it."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _wal(db: Path) -> Path:
    return Path(str(db) + ".wal")


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:300]


_BUSY_WAIT = 10.0  # seconds a reader retries while a cache write holds the file (a write takes well under 1 s)


def _connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; retried briefly while a cache write holds the file, and recovered once when a
    write-ahead log left beside the file cannot be replayed (see :func:`recover_wal`)."""
    deadline = time.monotonic() + _BUSY_WAIT
    recovered = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.Error as e:
            msg = str(e)
            if "lock" in msg.lower() and time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            if _wal(path).exists() and "WAL" in msg and not recovered:
                recovered = True
                try:
                    if recover_wal(path, notify=notify):
                        continue
                except (WarehouseError, OSError):  # busy, or a read-only place: say what to do instead
                    pass
            hint = None
            if "WAL" in msg:
                hint = f"run `alignwatch ingest` to set the stale write-ahead log {_wal(path).name} aside"
            elif "lock" in msg.lower():
                hint = "another process is writing it; try again in a moment"
            raise WarehouseError(f"cannot open warehouse {path}: {_first_line(e)}", hint=hint) from None


def notify(line: str) -> None:
    """One line on stderr (waiting for another writer, a log set aside): never a table, never wrapped."""
    sys.stderr.write(line.replace("\n", " ") + "\n")
    sys.stderr.flush()


def recover_wal(db: Path, *, notify=notify, locked: bool = False) -> bool:
    """Make sure ``<db>.wal`` belongs to ``db``: replay it into the file (checkpoint), or set it aside when it
    cannot be replayed (a log left by a killed cache write beside a file that an older alignwatch then replaced).
    Called under the writer lock by ingest, and by a reader whose open fails on the log. True when the file
    opens now. A log that a read-write open cannot reach because readers hold the file is left alone: readers
    replay it themselves, and an ingest's swap removes it. ``locked``: the caller holds the writer lock."""
    wal = _wal(db)
    if not wal.exists() or not db.exists():
        return False
    with contextlib.nullcontext() if locked else WriterLock(db, wait=0, purpose="recovery"):
        if not wal.exists():
            return True
        try:
            con = duckdb.connect(str(db))
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()
            return True
        except duckdb.Error as e:
            if "lock" in str(e).lower():
                return False
            aside = wal.with_name(f"{wal.name}.unreplayable-{time.strftime('%Y%m%dT%H%M%S')}")
            os.replace(wal, aside)
            notify(f"warning: write-ahead log {wal} could not be replayed into {db.name} ({_first_line(e)}); "
                   f"set aside as {aside.name}: only derived caches were in it")
            return True


# ------------------------------------------------------------------------------------------------------ ingest


@dataclass
class IngestResult:
    table: str
    status: str  # "loaded" | "skipped"
    rows: int
    sha256: str
    origin: str
    years: tuple[int | None, int | None]


def spec_fingerprint(ds: Dataset) -> str:
    """What besides the input file decides a table's content: its connector module and the connector modules it
    borrows from (the SC votes use the GA reader), the reading machinery, and the package's curated tables (state
    crosswalk, chronology checks). Changing any of them re-ingests."""
    import sys
    from importlib import resources

    h = hashlib.sha256()
    mod = sys.modules.get(f"alignwatch.sources.{ds.source}")  # None: a dataset declared outside the package (tests)
    used = {base.__name__}
    if mod is not None:
        used.add(mod.__name__)
        for value in vars(mod).values():  # modules and functions the connector imported from its siblings
            name = value.__name__ if isinstance(value, type(sys)) else getattr(value, "__module__", None)
            if isinstance(name, str) and name.startswith("alignwatch.sources."):
                used.add(name)
    for name in sorted(used):
        path = getattr(sys.modules.get(name), "__file__", None)
        if path:
            h.update(Path(path).read_bytes())
    for name in ("states.csv", "chronology_checks.csv"):
        h.update(resources.files("alignwatch.data").joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def _stale_copies(db: Path) -> list[Path]:
    """Copies left by ingests that were killed: their owner process (the pid in the name) is gone."""
    out = []
    for p in db.parent.glob(f".{db.name}.ingest-*"):
        pid = p.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if not pid.isdigit() or (int(pid) != os.getpid() and not pid_alive(int(pid))):
            out.append(p)
    return out


def _unchanged(db: Path, existed: bool) -> str:
    return f"the previous warehouse {db} is unchanged" if existed else f"no warehouse was written at {db}"


def ingest(
    datasets: list[Dataset],
    db: str | os.PathLike | None = None,
    *,
    force: bool = False,
    progress: bool = True,
    wait: float | None = None,
    on_wait=notify,
) -> list[IngestResult]:
    """Load datasets into the warehouse atomically and idempotently; returns one result per dataset.

    Holds the writer lock throughout; when another process holds it, ``on_wait`` gets one line and the ingest
    waits up to ``wait`` seconds (default ``ALIGNWATCH_LOCK_TIMEOUT`` or 600), then fails with
    :class:`~alignwatch.writelock.Busy`. OS errors and interrupts leave the previous warehouse unchanged and raise
    one :class:`WarehouseError` / :class:`Interrupted`.
    """
    db = config.db_path(db)
    existed = db.exists()
    try:
        if existed and not db.is_file():
            raise WarehouseError(f"warehouse {db} is not a file (a directory?); expected a DuckDB file",
                                 hint="pass --db PATH naming a file")
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise _os_error(e, db, existed) from None
        located = [(ds, base.locate(ds)) for ds in datasets]
        digests = [base.sha256(path) for _, path in located]  # outside the lock: reading inputs writes nothing
        try:
            lock = WriterLock(db, wait=wait, on_wait=on_wait, purpose="ingest").acquire()
        except OSError as e:  # the lock file cannot be created: a read-only file system, no permission
            raise _os_error(e, db, existed) from None
        try:
            return _ingest_locked(located, digests, db, force, progress)
        finally:
            lock.release()
    except (KeyboardInterrupt, duckdb.InterruptException):
        raise Interrupted(f"interrupted; {_unchanged(db, existed)}") from None


def _os_error(e: OSError, db: Path, existed: bool) -> WarehouseError:
    what = {errno.ENOSPC: "no space left on device", errno.EROFS: "read-only file system",
            errno.EACCES: "permission denied", errno.EISDIR: "is a directory"}.get(e.errno, e.strerror or str(e))
    where = e.filename or db
    hint = {errno.ENOSPC: "free some space (an ingest needs room for a second copy of the warehouse)",
            errno.EROFS: "choose a writable place with --db PATH or ALIGNWATCH_DB",
            errno.EACCES: "choose a writable place with --db PATH or ALIGNWATCH_DB"}.get(e.errno)
    return WarehouseError(f"cannot write {where}: {what}; {_unchanged(db, existed)}", hint=hint)


def _ingest_locked(located, digests, db: Path, force: bool, progress: bool) -> list[IngestResult]:
    existed = db.exists()
    for stale in _stale_copies(db):  # left by a killed ingest: its process is gone
        stale.unlink(missing_ok=True)
    try:
        recover_wal(db, locked=True)
    except OSError as e:
        raise _os_error(e, db, existed) from None
    previous = _previous_hashes(db)
    todo, results = [], []
    for (ds, path), digest in zip(located, digests):
        prev = previous.get(ds.table)
        if not force and prev is not None and prev == (digest, __version__, spec_fingerprint(ds)):
            results.append(IngestResult(ds.table, "skipped", -1, digest, str(path), (None, None)))
        else:
            todo.append((ds, path, digest))
    if not todo:
        return results
    order = {ds.table: i for i, (ds, _) in enumerate(located)}

    tmp = db.parent / f".{db.name}.ingest-{os.getpid()}"
    try:
        if existed:
            shutil.copy2(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute(PROVENANCE_DDL)
            con.execute(f"ALTER TABLE {PROVENANCE} ADD COLUMN IF NOT EXISTS spec VARCHAR")
            for col, kind in DOWNLOAD_COLUMNS.items():
                con.execute(f"ALTER TABLE {PROVENANCE} ADD COLUMN IF NOT EXISTS {col} {kind}")
            for ds, path, digest in progress_bar(todo, progress):
                tbl = base.load(ds, path)
                _write(con, ds.table, tbl)
                years = base.coverage_years(tbl, ds)
                got = download_record(path)
                con.execute(
                    f'INSERT OR REPLACE INTO {PROVENANCE} ("table", source, origin, url, sha256, rows, year_min, '
                    f'year_max, ingested_at, version, citation, spec, {", ".join(DOWNLOAD_COLUMNS)}) '
                    f'VALUES ({", ".join("?" * (12 + len(DOWNLOAD_COLUMNS)))})',
                    [ds.table, ds.source, str(path), ds.url, digest, tbl.num_rows, years[0], years[1],
                     dt.datetime.now(dt.UTC).replace(tzinfo=None), __version__, ds.citation, spec_fingerprint(ds),
                     *(got.get(c) for c in DOWNLOAD_COLUMNS)],
                )
                results.append(IngestResult(ds.table, "loaded", tbl.num_rows, digest, str(path), years))
                del tbl
            # derived results computed from a table whose content changed are dropped; the others stay (a table
            # loaded again from the same file by the same code, under --force, is the same table)
            changed = {ds.table for ds, _, digest in todo
                       if previous.get(ds.table) != (digest, __version__, spec_fingerprint(ds))}
            new_tables = any(ds.table not in previous for ds, _, _ in todo)
            con.execute(INPUTS_DDL)
            for name in stale_caches(con, changed, new_tables):
                con.execute(f"DROP TABLE {_ident(name)}")
                con.execute(f'DELETE FROM {INPUTS} WHERE "name" = ?', [name])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _swap(tmp, db)
    except OSError as e:
        raise _os_error(e, db, existed) from None
    except duckdb.InterruptException:
        raise
    except duckdb.Error as e:
        msg = _first_line(e)
        if "No space left" in msg or "disk is full" in msg.lower():
            raise WarehouseError(f"cannot write {tmp}: no space left on device; {_unchanged(db, existed)}",
                                 hint="free some space (an ingest needs room for a second copy of the warehouse)"
                                 ) from None
        raise WarehouseError(f"writing {tmp.name} failed: {msg}; {_unchanged(db, existed)}") from None
    finally:
        tmp.unlink(missing_ok=True)
        _wal(tmp).unlink(missing_ok=True)
    return sorted(results, key=lambda r: order[r.table])


def _swap(tmp: Path, db: Path) -> None:
    """Replace ``db`` by the finished copy ``tmp`` in one rename, durably; the old file's write-ahead log goes
    first (it belongs to the old file: beside the new one it would make it unopenable)."""
    if _wal(tmp).exists():  # closed with a checkpoint, so empty; never carry it along
        _wal(tmp).unlink()
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    _wal(db).unlink(missing_ok=True)  # under the writer lock: only a killed cache write can have left it
    os.replace(tmp, db)
    try:
        fd = os.open(db.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass  # some file systems cannot fsync a directory; the rename itself is atomic


LONG_TEXT = 2000  # mean characters per value above which a string column is stored uncompressed


def _write(con: duckdb.DuckDBPyConnection, name: str, tbl: pa.Table) -> None:
    """Create or replace one table. Corpora of long texts (speeches, stories) are stored uncompressed: DuckDB's
    string compression costs several times the whole rest of an ingest on them, for a 3x smaller file."""
    long_text = any(
        (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)) and tbl.num_rows
        and tbl[f.name].nbytes / tbl.num_rows > LONG_TEXT for f in tbl.schema)
    if long_text:
        con.execute("SET force_compression = 'uncompressed'")
    try:
        con.register("_incoming", tbl)
        con.execute(f"CREATE OR REPLACE TABLE {_ident(name)} AS SELECT * FROM _incoming")
        con.unregister("_incoming")
    finally:
        if long_text:
            con.execute("RESET force_compression")


def _previous_hashes(db: Path) -> dict[str, tuple[str, str]]:
    if not db.exists():
        return {}
    con = _connect_read_only(db)
    try:
        have = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [PROVENANCE]
        ).fetchone()[0]
        if not have:
            return {}
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [PROVENANCE]).fetchall()}
        spec = "spec" if "spec" in cols else "NULL"
        rows = con.execute(f'SELECT "table", sha256, version, {spec} FROM {PROVENANCE}').fetchall()
        return {t: (s, v, f) for t, s, v, f in rows}
    finally:
        con.close()


def progress_bar(items: list, show: bool, describe=lambda item: item[0].table, label: str = "ingest"):
    """Yield ``items`` under a rich progress bar (one line per item, ``describe(item)`` names it)."""
    if not show:
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"[bold]{label}[/] {{task.description:<30}}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), transient=False,
    ) as bar:
        task = bar.add_task("", total=len(items))
        for item in items:
            bar.update(task, description=str(describe(item))[-30:])
            yield item
            bar.advance(task)
        bar.update(task, description="done")


# ------------------------------------------------------------------------------------------- derived caches


def cached(wh: Warehouse, key: str, compute, *, keep=lambda df: True) -> pd.DataFrame:
    """A derived result, cached as ``_cache_<key>`` until an ingest changes a table it was computed from.

    Heavy results (all-dyad panels) are computed once. With ``wh.cache == "memory"`` the result stays in
    ``wh`` (the file is never written). Otherwise the read-only connection is swapped for a short write
    connection, under the writer lock, only when the cache is missing; a warehouse that another process is
    writing, or that was replaced since ``compute`` read it, or cannot be written, just means no cache in the file
    this time (the result is kept for this process). ``keep(df)`` False leaves an incomplete result uncached.

    The tables ``compute`` reads through ``wh`` are recorded beside the result (:data:`INPUTS`; a derived table
    it reads, directly or through a nested ``cached``, counts as that table's own inputs), so that an ingest
    drops only the results whose inputs it changed: new speeches leave the trade panels cached, and an unchanged
    re-ingest (``--force``) leaves everything.
    """
    name = CACHE_PREFIX + key
    hit = _cached_hit(wh, name)
    if hit is not None:
        return hit
    opened, generation = wh._opened, wh.generation()
    df, inputs = wh._tracked(compute)
    wh._note(inputs)  # an enclosing computation read them too
    if not keep(df):
        return df
    if wh.cache != "warehouse":
        _remember(wh, name, df, inputs)
        if wh._separate is not None:
            wh._separate.put(name, df, wh.generation())
        return df
    _write_cache(wh, name, df, inputs, opened, generation)
    return df


def _cached_hit(wh: Warehouse, name: str) -> pd.DataFrame | None:
    """The cached result ``name`` where this process or the file already holds it (None: compute it)."""
    if name in wh._memory:
        wh._memory.move_to_end(name)
        wh._note([name])
        return wh._memory[name].copy()
    if name in wh._names():
        return wh.df(name)  # notes the table's recorded inputs
    if wh._separate is not None:
        hit = wh._separate.get(name, wh.generation())
        if hit is not None:
            _remember(wh, name, hit, frozenset([ANY]))
            wh._note([name])
            return hit
    here = (str(wh.path.resolve()), wh.generation(), name)
    if wh.cache == "warehouse" and here in _UNWRITTEN:
        _UNWRITTEN.move_to_end(here)
        hit, inputs = _UNWRITTEN[here]
        wh._note(inputs)
        return hit.copy()
    return None


def _write_cache(wh: Warehouse, name: str, df: pd.DataFrame, inputs: frozenset, opened, generation) -> None:
    """Write ``df`` as the cache ``name`` under the writer lock, only into the file ``compute`` read
    (``opened`` / ``generation``); where the file cannot take it, keep it for this process."""
    here = (str(wh.path.resolve()), generation, name)
    wh.close()
    try:
        with WriterLock(wh.path, wait=0, purpose="cache write"):
            if opened is None:
                return
            before = _identity(wh.path)
            con = duckdb.connect(str(wh.path))
            try:
                # Is this still the file ``compute`` read? Its provenance says so: a cache written meanwhile (by a
                # cached computation that ``compute`` called: the index's panel reads the families' caches)
                # changes the file but not its provenance, an ingest changes both. A file without provenance
                # (tests' hand-made warehouses) is compared by identity, allowing this object's own cache writes.
                now = _provenance_generation(con)
                same = now == generation if now is not None else before in (opened, *wh._written)
                if not same:
                    return  # an ingest replaced the file while we computed: this result is not of the new file
                con.register("_incoming", df)
                con.execute(f"CREATE OR REPLACE TABLE {_ident(name)} AS SELECT * FROM _incoming")
                con.execute(INPUTS_DDL)
                con.execute(f'INSERT OR REPLACE INTO {INPUTS} VALUES (?, ?)', [name, json.dumps(sorted(inputs))])
                con.execute("CHECKPOINT")
            finally:
                con.close()
            wh._written.add(_identity(wh.path))
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except (WarehouseError, duckdb.Error, OSError):
        # busy (another writer), held by another reader (in this process too: DuckDB opens no writer beside an
        # open read-only connection), read-only or full: no cache in the file this time, but this process keeps
        # the result, so that every Warehouse of this file here (a test session, the CLI run in-process) does
        # not compute it again
        _UNWRITTEN[here] = (df.copy(), inputs)
        while len(_UNWRITTEN) > _UNWRITTEN_ITEMS:
            _UNWRITTEN.popitem(last=False)


def _remember(wh: Warehouse, name: str, df: pd.DataFrame, inputs: frozenset[str]) -> None:
    wh._memory[name] = df.copy()
    wh._memory_inputs[name] = inputs
    while len(wh._memory) > wh.MEMORY_ITEMS:
        old, _ = wh._memory.popitem(last=False)
        wh._memory_inputs.pop(old, None)


INPUTS_DDL = f'CREATE TABLE IF NOT EXISTS {INPUTS} ("name" VARCHAR PRIMARY KEY, inputs VARCHAR)'


def stale_caches(con: duckdb.DuckDBPyConnection, changed: set[str], new_tables: bool) -> list[str]:
    """The derived tables an ingest must drop: those computed from a table it ``changed``, those that looked at
    the list of tables when ``new_tables`` appear, and those whose inputs were not recorded."""
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_name LIKE ?",
                                       [CACHE_PREFIX + "%"]).fetchall()]
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_name = ?",
                                      [INPUTS]).fetchall()}
    recorded = dict(con.execute(f'SELECT "name", inputs FROM {INPUTS}').fetchall()) if have else {}
    out = []
    for n in names:
        inputs = set(json.loads(recorded[n])) if n in recorded else {ANY}
        if ANY in inputs or inputs & changed or (new_tables and TABLE_LIST in inputs):
            out.append(n)
    return out


# Results ``cached`` could not write into their warehouse, per (file, generation, name), with their inputs.
_UNWRITTEN: OrderedDict[tuple[str, str, str], tuple[pd.DataFrame, frozenset[str]]] = OrderedDict()
_UNWRITTEN_ITEMS = 64


class SeparateCache:
    """Derived results in a DuckDB file of their own, for a reader that must not write the warehouse (the
    dashboard: a shared or read-only warehouse), so that a restarted reader does not recompute them.

    The file lives in the user's cache directory (``ALIGNWATCH_CACHE``), one per warehouse path, and is tagged with
    the warehouse's :meth:`Warehouse.generation`: after an ingest its tables are dropped at the first write. One
    process uses it at a time (DuckDB's own file lock); another process, or a file that cannot be opened, just
    means memory only. Everything in it can be recomputed, so an unreadable file is deleted and started afresh.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()  # one DuckDB connection: one statement at a time
        self._unusable = False

    @staticmethod
    def default_path(db: Path) -> Path:
        key = hashlib.sha256(str(Path(db).expanduser().resolve()).encode()).hexdigest()[:16]
        return config.cache_dir() / "derived" / f"{Path(db).stem}-{key}.duckdb"

    def _connection(self) -> duckdb.DuckDBPyConnection | None:
        if self._con is None and not self._unusable:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    self._con = duckdb.connect(str(self.path))
                except duckdb.Error as e:
                    if "lock" in str(e).lower():  # another process's: memory only
                        raise
                    for stale in (self.path, _wal(self.path)):  # unreadable: it only held recomputable results
                        stale.unlink(missing_ok=True)
                    self._con = duckdb.connect(str(self.path))
                self._con.execute("CREATE TABLE IF NOT EXISTS _meta (generation VARCHAR)")
            except (duckdb.Error, OSError):
                self._unusable = True
                self.close()
        return self._con

    def _generation(self, con) -> str | None:
        rows = con.execute("SELECT generation FROM _meta").fetchall()  # fetch all: leave no result open
        return rows[0][0] if rows else None

    def get(self, name: str, generation: str) -> pd.DataFrame | None:
        with self._lock:
            con = self._connection()
            if con is None:
                return None
            try:
                if self._generation(con) != generation or not con.execute(
                        "SELECT table_name FROM information_schema.tables WHERE table_name = ?", [name]).fetchall():
                    return None
                return con.execute(f"SELECT * FROM {_ident(name)}").fetchdf()
            except duckdb.Error:
                return None

    def put(self, name: str, df: pd.DataFrame, generation: str) -> None:
        with self._lock:
            con = self._connection()
            if con is None:
                return
            try:
                if self._generation(con) != generation:  # a new ingest: what was here is of the old file
                    for (old,) in con.execute("SELECT table_name FROM information_schema.tables "
                                              "WHERE table_name LIKE ?", [CACHE_PREFIX + "%"]).fetchall():
                        con.execute(f"DROP TABLE {_ident(old)}")
                    con.execute("DELETE FROM _meta")
                    con.execute("INSERT INTO _meta VALUES (?)", [generation])
                con.register("_incoming", df)
                con.execute(f"CREATE OR REPLACE TABLE {_ident(name)} AS SELECT * FROM _incoming")
                con.unregister("_incoming")
                con.execute("CHECKPOINT")
            except duckdb.Error:
                pass  # full disk or the like: memory only for this result

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
