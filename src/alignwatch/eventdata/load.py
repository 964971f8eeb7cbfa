"""Ingest raw event files (GDELT, ICEWS, POLECAT) into the warehouse: every row validated, all or nothing.

Files are streamed in blocks (``pyarrow.csv.open_csv``), so a file larger than memory loads in bounded memory.
Every block is checked with vectorised Arrow/pandas operations; the first bad row stops the ingest with one
:class:`~alignwatch.errors.DataError` that names the file, the **line** (``row=``; the header, where there is one, is
line 1) and the column. Validated rows go to a staging table; only when every file has passed does one transaction
drop the old ``ev_events_<format>`` table, rename the staging table in its place, record provenance and drop derived
caches. A bad row, an exception or Ctrl-C therefore leaves the previous table untouched; a killed process leaves at
most a stale ``_staging_*`` table, removed by the next ingest.

Country cells are resolved to canonical ISO3 with ``alignwatch.states.to_iso3`` (year-aware: the event's date picks
the spell), once per distinct value. Empty cells and documented non-state codes (CAMEO regions such as ``AFR``) are
kept as NA: those events are simply not dyadic. Any other unknown value is an error, or — with
``lenient_countries=True`` — kept as NA and counted in the report, so a user can see what was dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import __version__, config, states
from ..errors import DataError, UsageError, WarehouseError
from ..sources.base import sha256
from ..warehouse import notify, progress_bar
from ..writelock import WriterLock
from .formats import EVENT_DDL, EVENT_SCHEMA, FORMATS, QUAD_NAMES, ROOT_TO_QUAD, EventFormat

BLOCK_SIZE = 16 << 20  # bytes per parsed block: bounded memory whatever the file size
_SUFFIXES = (".csv", ".tsv", ".txt", ".gz", ".bz2", ".zip")


@dataclass
class IngestReport:
    """What one ingest did: the table written, its rows, how many are state-to-state, and what was dropped."""

    table: str
    files: list[str]
    rows: int = 0
    dyadic: int = 0  # rows with both ISO3 codes and two different states
    years: tuple[int | None, int | None] = (None, None)
    unresolved: Counter = field(default_factory=Counter)  # lenient mode: unknown country value -> rows


# ------------------------------------------------------------------------------------------------------ public


def ingest_events(
    files: Sequence[str | os.PathLike],
    format: str,
    db: str | os.PathLike | None = None,
    *,
    lenient_countries: bool = False,
    progress: bool = False,
    block_size: int = BLOCK_SIZE,
) -> IngestReport:
    """Validate ``files`` of one ``format`` and replace the warehouse table ``ev_events_<format>`` with them.

    Directories are expanded to the event files inside (``.csv .tsv .txt`` and their ``.gz .bz2 .zip`` forms).
    Raises DataError on the first bad row (nothing is loaded), UsageError for a bad argument, WarehouseError when
    the warehouse cannot be written.
    """
    fmt = FORMATS.get(format)
    if fmt is None:
        raise UsageError(f"unknown event format {format!r}", hint=f"use one of {', '.join(FORMATS)}")
    paths = _expand(files)
    db = config.db_path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    report = IngestReport(table=fmt.table, files=[str(p) for p in paths])
    staging = f"_staging_{fmt.table}_{os.getpid()}"
    with WriterLock(db, on_wait=notify, purpose="event ingest"):  # one writer at a time (alignwatch.writelock)
        _ingest_locked(db, fmt, paths, staging, report, lenient_countries, progress, block_size)
    return report


def _ingest_locked(db, fmt, paths, staging, report, lenient_countries, progress, block_size) -> None:
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as e:
        raise WarehouseError(f"cannot open warehouse {db} for writing: {e}",
                             hint="close other programs using it (DuckDB allows one writer)") from None
    try:
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE ?", [f"_staging_{fmt.table}_%"]
        ).fetchall():
            con.execute(f'DROP TABLE IF EXISTS "{name}"')  # left by a killed ingest; never a live table
        con.execute(f'CREATE TABLE "{staging}" {EVENT_DDL}')
        digests: list[str] = []
        for path in progress_bar(paths, progress, describe=lambda p: p.name, label=f"ingest {fmt.name}"):
            digest = sha256(path)
            if digest in digests:  # the same events twice would double every count
                twin = paths[digests.index(digest)]
                raise UsageError(f"{path} has the same content as {twin}", hint="pass each event file once")
            digests.append(digest)
            for batch in read_events(path, fmt, lenient_countries=lenient_countries, block_size=block_size,
                                     unresolved=report.unresolved):
                con.register("_incoming", batch)
                con.execute(f'INSERT INTO "{staging}" SELECT * FROM _incoming')
                con.unregister("_incoming")
        rows, dyadic, y0, y1 = con.execute(
            f"""SELECT count(*), count(*) FILTER (WHERE source_iso3 IS NOT NULL AND target_iso3 IS NOT NULL
                                                  AND source_iso3 <> target_iso3),
                       min(year(date)), max(year(date)) FROM "{staging}" """
        ).fetchone()
        if rows == 0:
            raise DataError(paths[0], "no events in the given file(s); expected at least one data row")
        report.rows, report.dyadic, report.years = int(rows), int(dyadic), (y0, y1)
        _swap(con, staging, fmt, paths, digests, report)
    finally:
        try:
            con.execute(f'DROP TABLE IF EXISTS "{staging}"')
        except duckdb.Error:  # pragma: no cover - the connection itself failed
            pass
        con.close()


def read_events(
    path: str | os.PathLike,
    fmt: EventFormat | str,
    *,
    lenient_countries: bool = False,
    block_size: int = BLOCK_SIZE,
    unresolved: Counter | None = None,
) -> Iterator[pa.Table]:
    """Yield one file's events as validated, normalised Arrow tables (:data:`EVENT_SCHEMA`), block by block."""
    fmt = FORMATS[fmt] if isinstance(fmt, str) else fmt
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file does not exist")
    if path.stat().st_size == 0:
        raise DataError(path, f"file is empty; expected {fmt.label} rows")
    names = _check_header(path, fmt)
    problems: list = []

    def on_bad_row(row) -> str:
        problems.append(row)
        return "skip"

    first_line = 2 if fmt.header else 1
    with _open(path) as stream:
        try:
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(
                    column_names=None if fmt.header else list(names), block_size=block_size, use_threads=True,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter="\t", quote_char=False, double_quote=False, escape_char=False,
                    newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=on_bad_row,
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(fmt.needed), column_types={c: pa.string() for c in fmt.needed},
                    strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=False,
                ),
            )
            line = first_line
            for batch in reader:
                if problems:
                    _raise_bad_shape(path, fmt, names, problems[0])
                tbl = pa.Table.from_batches([batch])
                yield _normalise(tbl, fmt, path, line, lenient_countries, unresolved)
                line += tbl.num_rows
            if problems:
                _raise_bad_shape(path, fmt, names, problems[0])
        except pa.ArrowInvalid as e:
            if "UTF8" in str(e):
                m = re.search(r"column #(\d+)", str(e))
                column = names[int(m.group(1))] if m and int(m.group(1)) < len(names) else None
                raise DataError(path, "invalid UTF-8 text; expected UTF-8", row=_find_bad_utf8(path),
                                column=column) from None
            raise DataError(path, f"cannot parse as {fmt.label} (tab-separated): {e}") from None
        except (EOFError, OSError, zipfile.BadZipFile) as e:
            raise DataError(path, f"cannot read as {fmt.label}: {e}") from None


# --------------------------------------------------------------------------------------------------- reading


def _expand(files: Sequence[str | os.PathLike]) -> list[Path]:
    if not files:
        raise UsageError("no event files given", hint="pass one or more files or directories")
    out: list[Path] = []
    for f in files:
        p = Path(f).expanduser()
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")
                           and q.name.lower().endswith(_SUFFIXES))
            if not found:
                raise DataError(p, f"directory holds no event files; expected names ending in {' '.join(_SUFFIXES)}")
            out.extend(found)
        elif not p.exists():
            raise DataError(p, "file does not exist")
        else:
            out.append(p)
    return out


@contextmanager
def _open(path: Path):
    """A binary stream of the file's text: plain, gzip/bz2 (by suffix) or the single member of a .zip (GDELT)."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z:
            members = [m for m in z.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise DataError(path, f"zip holds {len(members)} files; expected exactly one event file")
            with z.open(members[0]) as f:
                yield f
    else:
        with pa.input_stream(str(path), compression="detect") as f:
            yield f


def _raw_lines(path: Path) -> Iterator[bytes]:
    """The file's lines as bytes, read in 1 MiB chunks (Arrow streams have no readline)."""
    with _open(path) as f:
        rest = b""
        while chunk := f.read(1 << 20):
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            yield from parts
        if rest:
            yield rest


def _first_line(path: Path) -> str:
    raw = next(_raw_lines(path), b"")
    try:
        return raw.decode("utf-8").lstrip("\ufeff").rstrip("\r")
    except UnicodeDecodeError:
        raise DataError(path, "first line is not UTF-8 text; expected a tab-separated text file", row=1) from None


def _check_header(path: Path, fmt: EventFormat) -> tuple[str, ...]:
    """The file's column names; a header file must name every needed column, a GDELT file must have 61 fields."""
    first = _first_line(path)
    if not fmt.header:
        n = first.count("\t") + 1
        if n != len(fmt.names):
            hint = " (this looks like a file with a header: wrong --format?)" if fmt.id in first else ""
            raise DataError(path, f"line has {n} tab-separated fields; expected {len(fmt.names)} "
                            f"({fmt.label}, no header){hint}", row=1)
        return fmt.names
    names = tuple(c.strip() for c in first.split("\t"))
    missing = [c for c in fmt.needed if c not in names]
    if missing:
        raise DataError(path, f"header lacks column {missing[0]!r}; expected a {fmt.label} header with "
                        f"{', '.join(repr(c) for c in fmt.needed)}", row=1, column=missing[0])
    if names[0] != first.split("\t")[0]:  # a stripped header name would not match include_columns
        raise DataError(path, "header names have surrounding spaces; expected exact column names", row=1)
    return names


def _raise_bad_shape(path: Path, fmt: EventFormat, names, row) -> None:
    line = row.number if row.number is not None else _find_bad_line(path, len(names))
    raise DataError(path, f"line has {row.actual_columns} tab-separated fields; expected {row.expected_columns}",
                    row=line)


def _find_bad_utf8(path: Path) -> int | None:
    for i, ln in enumerate(_raw_lines(path), start=1):
        try:
            ln.decode("utf-8")
        except UnicodeDecodeError:
            return i
    return None


def _find_bad_line(path: Path, expected: int) -> int | None:
    """The first line whose field count is wrong (only on the error path: threaded parsing gives no line)."""
    for i, ln in enumerate(_raw_lines(path), start=1):
        if ln.count(b"\t") + 1 != expected:
            return i
    return None


# ------------------------------------------------------------------------------------------------ validating


def _first_bad(path: Path, bad: np.ndarray, line0: int, column: str, values, expected: str) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = values[i] if values is not None else None
        shown = "missing value" if value is None else f"value {value!r}"
        raise DataError(path, f"{shown}; expected {expected}", row=line0 + i, column=column)


def _normalise(tbl: pa.Table, fmt: EventFormat, path: Path, line0: int, lenient: bool,
               unresolved: Counter | None) -> pa.Table:
    """Check one block and map it onto the normalised event schema."""
    n = tbl.num_rows
    col = {c: tbl[c].combine_chunks() for c in fmt.needed}

    # event id: present
    ids = pc.utf8_trim_whitespace(col[fmt.id])
    _first_bad(path, np.asarray(ids.is_null()), line0, fmt.id, None, "an event id")

    # date
    dates_raw = pc.utf8_trim_whitespace(col[fmt.date])
    ts = pc.strptime(dates_raw, format=fmt.date_format, unit="s", error_is_null=True)
    shown = fmt.date_format.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
    _first_bad(path, np.asarray(ts.is_null()), line0, fmt.date, dates_raw.to_pylist() if ts.null_count else None,
               f"a date {shown}")
    dates = ts.cast(pa.date32())

    # event code -> (normalised code, CAMEO root)
    code_raw = pc.utf8_trim_whitespace(col[fmt.code])
    if fmt.code_kind == "cameo":
        codes, roots = _cameo(code_raw, path, line0, fmt.code)
    else:
        codes = pc.utf8_upper(code_raw)
        _first_bad(path, np.asarray(codes.is_null()), line0, fmt.code, None, "an event type")
        roots = pa.nulls(n, pa.int8())

    # quad class
    if fmt.quad is None:
        lut = np.zeros(21, dtype=np.int8)
        for r, q in ROOT_TO_QUAD.items():
            lut[r] = q
        quads = pa.array(lut[np.asarray(roots.cast(pa.int64()))], pa.int8())
    else:
        quads = _quad(pc.utf8_trim_whitespace(col[fmt.quad]), path, line0, fmt.quad)

    # Goldstein / intensity
    g_raw = pc.utf8_trim_whitespace(col[fmt.goldstein])
    try:
        goldstein = g_raw.cast(pa.float64())
    except pa.ArrowInvalid:  # some cell is not a number: find which (slow path, error only)
        goldstein = pa.array(pd.to_numeric(pd.Series(g_raw.to_pylist(), dtype=object), errors="coerce"),
                             pa.float64(), from_pandas=True)
    g = np.asarray(goldstein.fill_null(0.0))
    present = np.asarray(g_raw.is_valid())
    bad = (present & (np.isnan(g) | (g < -10) | (g > 10))) | (~present & fmt.goldstein_required)
    _first_bad(path, bad, line0, fmt.goldstein, g_raw.to_pylist() if bad.any() else None, "a number in -10..10")

    # countries, year-aware (the event's date picks the spell)
    src_raw = pc.utf8_trim_whitespace(col[fmt.source])
    tgt_raw = pc.utf8_trim_whitespace(col[fmt.target])
    day = np.asarray(dates.to_numpy(zero_copy_only=False), dtype="datetime64[D]")
    src_iso = _countries(src_raw, day, fmt, path, line0, fmt.source, lenient, unresolved)
    tgt_iso = _countries(tgt_raw, day, fmt, path, line0, fmt.target, lenient, unresolved)

    return pa.Table.from_arrays(
        [ids, dates, src_raw, tgt_raw, src_iso, tgt_iso, codes, roots, quads, goldstein,
         pa.array(np.full(n, fmt.name, dtype=object), pa.string())],
        schema=EVENT_SCHEMA,
    )


def _cameo(raw: pa.Array, path: Path, line0: int, column: str) -> tuple[pa.Array, pa.Array]:
    """CAMEO codes as 3–4 digit strings with their root (01–20).

    Files that went through a spreadsheet lose leading zeros (``42`` for ``042``, ``211`` for ``0211``): a 2-digit
    code, or a 3-digit one whose first two digits exceed 20, is padded with one leading zero.
    """
    ok = np.asarray(pc.fill_null(pc.match_substring_regex(raw, r"^[0-9]{2,4}$"), False))
    _first_bad(path, ~ok, line0, column, None if ok.all() else raw.to_pylist(), "a CAMEO event code (2–4 digits)")
    length = pc.utf8_length(raw)
    head = pc.utf8_slice_codeunits(raw, 0, 2).cast(pa.int16())
    pad = pc.or_(pc.equal(length, 2), pc.and_(pc.equal(length, 3), pc.greater(head, 20)))
    codes = pc.if_else(pad, pc.binary_join_element_wise("0", raw, ""), raw)
    root = pc.utf8_slice_codeunits(codes, 0, 2).cast(pa.int8())
    r = np.asarray(root)
    bad = (r < 1) | (r > 20)
    _first_bad(path, bad, line0, column, raw.to_pylist() if bad.any() else None,
               "a CAMEO code whose root (first two digits) is 01..20")
    return codes, root


_QUAD_KEYS = pa.array(["1", "2", "3", "4", *QUAD_NAMES])
_QUAD_VALUES = pa.array([1, 2, 3, 4, *QUAD_NAMES.values()], pa.int8())


def _quad(raw: pa.Array, path: Path, line0: int, column: str) -> pa.Array:
    """Quad class 1..4 from digits or names ('Verbal Cooperation', 'MATERIAL_CONFLICT', ...)."""
    key = pc.replace_substring_regex(pc.utf8_lower(raw), r"[\s_\-]", "")
    idx = pc.index_in(key, value_set=_QUAD_KEYS)
    bad = np.asarray(idx.is_null())
    _first_bad(path, bad, line0, column, raw.to_pylist() if bad.any() else None,
               "a quad class 1..4 (verbal/material cooperation/conflict)")
    return _QUAD_VALUES.take(idx)


def _countries(raw: pa.Array, day: np.ndarray, fmt: EventFormat, path: Path, line0: int, column: str,
               lenient: bool, unresolved: Counter | None) -> pa.Array:
    if fmt.country_scheme == "iso3":
        raw = pc.utf8_upper(raw)
    values = raw.to_numpy(zero_copy_only=False)
    iso = states.to_iso3(values, scheme=fmt.country_scheme, years=day)
    present = np.asarray(raw.is_valid())
    missing = present & pd.isna(np.asarray(iso, dtype=object))
    if missing.any():
        vals = pd.Series(values, dtype=object)
        unknown = set(states.unresolved(vals[missing].unique(), fmt.country_scheme)) - set(fmt.non_states)
        bad = missing & vals.isin(unknown).to_numpy()
        if bad.any():
            if not lenient:
                i = int(np.flatnonzero(bad)[0])
                raise DataError(
                    path, f"unknown country {values[i]!r}; expected a state alignwatch.states can resolve "
                    f"(scheme {fmt.country_scheme}) or a known non-state code", row=line0 + i, column=column,
                    hint="fix the value, or pass --lenient-countries to keep such events as non-dyadic",
                )
            if unresolved is not None:
                unresolved.update(vals[bad].tolist())
    return pa.array(iso, pa.string())


# ------------------------------------------------------------------------------------------------------ swap


def _swap(con: duckdb.DuckDBPyConnection, staging: str, fmt: EventFormat, paths: list[Path], digests: list[str],
          report: IngestReport) -> None:
    """Replace the live table by the staging table, with provenance and cache invalidation, in one transaction."""
    from ..warehouse import CACHE_PREFIX, PROVENANCE, PROVENANCE_DDL

    digest = digests[0] if len(digests) == 1 else hashlib.sha256("\n".join(digests).encode()).hexdigest()
    origin = str(paths[0]) if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more files)"
    con.execute(PROVENANCE_DDL)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f'DROP TABLE IF EXISTS "{fmt.table}"')
        con.execute(f'ALTER TABLE "{staging}" RENAME TO "{fmt.table}"')
        con.execute(
            f'INSERT OR REPLACE INTO {PROVENANCE} ("table", source, origin, url, sha256, rows, year_min, year_max, '
            "ingested_at, version, citation) VALUES (?,?,?,?,?,?,?,?,?,?,?)",  # named: the table may grow columns
            [fmt.table, fmt.name, origin, fmt.url, digest, report.rows, report.years[0], report.years[1],
             dt.datetime.now(dt.UTC).replace(tzinfo=None), __version__, fmt.citation],
        )
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE ?", [CACHE_PREFIX + "%"]
        ).fetchall():
            con.execute(f'DROP TABLE "{name}"')
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("CHECKPOINT")
