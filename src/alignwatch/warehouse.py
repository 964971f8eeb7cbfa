"""The DuckDB warehouse: one file holding every ingested dataset plus a provenance table.

Ingest is atomic: new tables are written into a copy of the warehouse, which replaces the original with one
``os.replace`` only after every table has been validated and written. A failed, interrupted or killed ingest
therefore leaves the previous file readable and unchanged (a stale copy is removed by the next ingest).
Ingest is idempotent: a dataset whose input file has the same sha256 as at its last ingest, read by the same
connector code and curated tables (see :func:`spec_fingerprint`) under the same package version, is skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from . import __version__, config
from .errors import WarehouseError
from .sources import base
from .sources.base import Dataset

PROVENANCE = "_provenance"
CACHE_PREFIX = "_cache_"
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
    """Read access to the warehouse. Measures take one of these (or Arrow tables), never file paths."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = config.db_path(path)
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            if not self.path.exists():
                raise WarehouseError(
                    f"no warehouse at {self.path}", hint="run `alignwatch ingest` first (or pass --db PATH)"
                )
            try:
                self._con = duckdb.connect(str(self.path), read_only=True)
            except duckdb.Error as e:
                raise WarehouseError(f"cannot open warehouse {self.path}: {e}") from None
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def tables(self) -> list[str]:
        rows = self.con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def has(self, *names: str) -> bool:
        present = set(self.tables())
        return all(n in present for n in names)

    def require(self, *names: str) -> None:
        missing = [n for n in names if not self.has(n)]
        if missing:
            raise WarehouseError(
                f"warehouse {self.path} lacks table(s) {', '.join(missing)}",
                hint="run `alignwatch ingest` (with ALIGNWATCH_DATA set to the data mirror)",
            )

    def table(self, name: str, columns: Iterable[str] | None = None) -> pa.Table:
        """A whole table as Arrow. ``name`` must be an ingested table (checked, never interpolated blindly)."""
        self.require(name)
        cols = "*" if columns is None else ", ".join(_ident(c) for c in columns)
        return self.con.sql(f"SELECT {cols} FROM {_ident(name)}").to_arrow_table()

    def df(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self.table(name, columns).to_pandas()

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run a fixed SQL text with bound parameters. User strings go in ``params``, never into ``sql``."""
        return self.con.execute(sql, params or []).fetchdf()

    def provenance(self) -> pd.DataFrame:
        if not self.has(PROVENANCE):
            return pd.DataFrame()
        return self.query(f'SELECT * FROM {PROVENANCE} ORDER BY "table"')


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise WarehouseError(f"invalid identifier {name!r}")
    return f'"{name}"'


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
    """What besides the input file decides a table's content: its connector module, the reading machinery, and
    the package's curated tables (state crosswalk, chronology checks). Changing any of them re-ingests."""
    import importlib
    from importlib import resources

    h = hashlib.sha256()
    try:
        mod = importlib.import_module(f"alignwatch.sources.{ds.source}")
    except ImportError:  # a dataset declared outside the package (tests)
        mod = None
    for path in filter(None, [getattr(mod, "__file__", None), base.__file__]):
        h.update(Path(path).read_bytes())
    for name in ("states.csv", "chronology_checks.csv"):
        h.update(resources.files("alignwatch.data").joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def _stale_copies(db: Path) -> list[Path]:
    return list(db.parent.glob(f".{db.name}.ingest-*"))


def ingest(
    datasets: list[Dataset],
    db: str | os.PathLike | None = None,
    *,
    force: bool = False,
    progress: bool = True,
) -> list[IngestResult]:
    """Load datasets into the warehouse atomically and idempotently; returns one result per dataset."""
    db = config.db_path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    for stale in _stale_copies(db):  # left by an interrupted ingest; never the live file
        stale.unlink(missing_ok=True)

    located = [(ds, base.locate(ds)) for ds in datasets]
    previous = _previous_hashes(db)
    todo, results = [], []
    for ds, path in located:
        digest = base.sha256(path)
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
        if db.exists():
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
                # a re-ingested source invalidates derived results cached from it
                for (name,) in con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_name LIKE ?", [CACHE_PREFIX + "%"]
                ).fetchall():
                    con.execute(f"DROP TABLE {_ident(name)}")
                results.append(IngestResult(ds.table, "loaded", tbl.num_rows, digest, str(path), years))
                del tbl
            con.execute("CHECKPOINT")
        finally:
            con.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, db)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return sorted(results, key=lambda r: order[r.table])


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
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise WarehouseError(f"cannot open warehouse {db}: {e}") from None
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
    """A derived result, cached in the warehouse as ``_cache_<key>`` (dropped by the next ingest).

    Heavy results (all-dyad panels) are computed once per ingest; the read-only connection is swapped for a short
    write connection only when the cache is missing. ``keep(df)`` False leaves an incomplete result uncached.
    """
    name = CACHE_PREFIX + key
    if wh.has(name):
        return wh.df(name)
    df = compute()
    if not keep(df):
        return df
    wh.close()
    try:
        con = duckdb.connect(str(wh.path))
        try:
            con.register("_incoming", df)
            con.execute(f"CREATE OR REPLACE TABLE {_ident(name)} AS SELECT * FROM _incoming")
            con.execute("CHECKPOINT")
        finally:
            con.close()
    except duckdb.Error:
        pass  # a read-only or busy warehouse just means no cache this time
    return df
