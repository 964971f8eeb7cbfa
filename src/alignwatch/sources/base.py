"""The shape every connector shares: locate a file (mirror, cache or download), read it, validate it, normalise
country identifiers to the project's canonical ISO3 codes, and hand back an Arrow table.

A connector module only *declares* its datasets (:class:`Dataset`); the machinery here does the work, so every
source fails the same way: one :class:`~alignwatch.errors.DataError` naming the file, the row or column, and what
was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .. import config
from ..errors import DataError, FetchError

KINDS = ("int", "float", "str", "date", "datetime", "bool")
YEARS = (1800, 2100)  # the range of every year column, and of every date column's years, unless declared
_YEAR_COLUMN = re.compile(r"(?i)(^|_|st|end)year(_|$)")  # year, Year, styear, endyear, dyad_st_year, year_min


class RowProblem(ValueError):
    """Raised by a :attr:`Dataset.transform` for a cell it cannot reshape or parse.

    ``row`` is the 0-based row of the table the transform received (the file's row order), ``column`` the column
    of that table; :func:`validate` turns it into a :class:`DataError` that names the file, as every check does.
    """

    def __init__(self, expected: str, *, row: int | None = None, column: str | None = None):
        super().__init__(expected)
        self.expected = expected
        self.row = row
        self.column = column


@dataclass(frozen=True)
class CountryCol:
    """A column holding country identifiers, and where its canonical ISO3 goes.

    ``scheme`` is how to read the values (see :func:`alignwatch.states.to_iso3`); ``year`` names a column (of years
    or of dates) that picks the spell for codes reused over time (COW 345 is Yugoslavia then Serbia). ``split``
    handles cells that list several codes (``"CHN;PRK"``): each part must resolve, and no output column is added.
    ``allow`` lists values that are known non-states (``"World"``) and are kept as NA.
    """

    column: str
    scheme: str
    out: str | None = None
    year: str | None = None
    split: str | None = None
    allow: frozenset[str] = frozenset()
    nullable: bool = True


@dataclass(frozen=True)
class Dataset:
    """One file of a public dataset and the warehouse table it becomes."""

    table: str
    source: str
    path: str  # relative to the mirror / cache root, e.g. "unvotes/votes.parquet"
    url: str | None  # the publisher's page for the dataset (DOI, record, site); None: compiled, mirror only
    citation: str
    columns: dict[str, str]  # required columns -> kind in KINDS
    key: tuple[str, ...] = ()  # unique columns of the output table (checked before the transform when possible)
    countries: tuple[CountryCol, ...] = ()
    # (lo, hi) of a numeric column; of a date column, in years. Year columns (see YEARS) and date columns that are
    # not declared here get YEARS.
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    allowed: dict[str, frozenset] = field(default_factory=dict)
    coverage: str | None = None  # a year or date column that gives the coverage years
    transform: Callable[[pa.Table], pa.Table] | None = None  # after validation (reshape, relabel)
    original: str | None = None  # old style: the format of a single download at ``url`` (prefer ``downloads``)
    note: str = ""
    # where to download it: the publisher's release first, third-party copies after (sources/publishers.py)
    downloads: tuple = ()
    # float columns where NaN or +-inf means "not recorded": stored as NULL. In any other float column they are
    # refused (NaN makes avg() NaN; inf passes every one-sided bound).
    non_finite: frozenset[str] = frozenset()
    # why identical rows are kept, for a dataset without a key (e.g. two vetoes cast at one meeting are two identical
    # rows). Empty: identical rows are refused as duplicates.
    duplicates: str = ""


def locate(ds: Dataset) -> Path:
    """Find a dataset's file: the mirror (``ALIGNWATCH_DATA``) first, then the download cache."""
    tried = []
    mirror = config.data_mirror()
    if mirror is not None:
        p = mirror / ds.path
        if p.exists():
            return regular_file(p)
        tried.append(str(p))
    p = config.cache_dir() / ds.path
    if p.exists():
        return regular_file(p)
    tried.append(str(p))
    raise FetchError(
        f"{ds.table}: file not found (looked in {', '.join(tried)})",
        hint="set ALIGNWATCH_DATA to the data mirror (e.g. ../shared/data) or run `alignwatch fetch`",
    )


def regular_file(path: Path) -> Path:
    """``path`` if it is a regular file (a symlink to one is fine). A directory, a device (a link to /dev/zero would
    never end), a pipe or a socket is refused in one line: only files are read."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise DataError(path, "file does not exist (a broken link?)") from None
    except OSError as e:
        raise DataError(path, f"cannot read: {e.strerror or e}") from None
    if not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else "a device, pipe or socket"
        raise DataError(path, f"is {what}, not a regular file; expected a data file")
    return path


def sha256(path: Path) -> str:
    regular_file(path)
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as e:
        raise DataError(path, f"cannot read: {e.strerror or e}") from None
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------- reading


def read_file(path: Path, ds: Dataset) -> pa.Table:
    """Read Parquet or CSV into Arrow, turning every low-level failure into one DataError."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file does not exist")
    regular_file(path)
    if path.stat().st_size == 0:
        raise DataError(path, f"file is empty; expected a table with columns {', '.join(ds.columns)}")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pq.read_table(path)
        except (pa.ArrowException, OSError) as e:
            raise DataError(path, f"not a readable Parquet file (truncated or corrupt?): {e}") from None
    if suffix == ".csv":
        return _read_csv(path, ds)
    raise DataError(path, f"unsupported file type {suffix!r}; expected .parquet or .csv")


def _read_csv(path: Path, ds: Dataset) -> pa.Table:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataError(path, f"cannot read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataError(path, f"invalid UTF-8 byte 0x{raw[e.start]:02x}; expected UTF-8 text", row=line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        # Everything as strings first: types are checked (and cast) by validate, which can name the row.
        tbl = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            convert_options=pacsv.ConvertOptions(
                column_types={}, strings_can_be_null=True, auto_dict_encode=False
            ),
            read_options=pacsv.ReadOptions(autogenerate_column_names=False),
        )
    except pa.ArrowInvalid as e:
        row, fields, header = _ragged_row(text)
        if row is not None:
            raise DataError(path, f"malformed CSV: {fields} fields; expected {header} as in the header",
                            row=row) from None
        raise DataError(path, f"malformed CSV: {str(e).splitlines()[0][:200]}") from None
    # cast every column to string so that validation sees the text the user wrote
    return pa.table({n: pc_to_str(tbl[n]) for n in tbl.column_names})


def _ragged_row(text: str) -> tuple[int | None, int, int]:
    """The first line whose field count differs from the header's (the line a user opens in an editor; the header
    is line 1), found by Python's csv module when Arrow's parser refuses the file without saying where."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = len(next(reader))
        for fields in reader:
            if fields and len(fields) != header:
                return reader.line_num, len(fields), header
    except (csv.Error, StopIteration):
        return (reader.line_num or None), 0, 0
    return None, 0, 0


def pc_to_str(col: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        return col
    return col.cast(pa.string())


# ------------------------------------------------------------------------------------------------ validating


def _kind_ok(kind: str, t: pa.DataType) -> bool:
    if pa.types.is_null(t):
        return True
    return {
        "int": pa.types.is_integer(t),
        "float": pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t),
        "str": pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t),
        "date": pa.types.is_date(t) or pa.types.is_timestamp(t),
        "datetime": pa.types.is_timestamp(t) or pa.types.is_date(t),
        "bool": pa.types.is_boolean(t),
    }[kind]


def _show(v) -> str:
    """A cell for a message: ``2`` or ``'CHN'``, never ``np.int32(2)``."""
    return repr(v.item() if isinstance(v, np.generic) else v)


def _row_label(path: Path, i: int) -> int:
    """Human row number: the line in a CSV (header is line 1), the 0-based row index in Parquet."""
    return i + 2 if path.suffix.lower() == ".csv" else i


def _cast_csv_column(path: Path, name: str, col: pd.Series, kind: str) -> pd.Series:
    """CSV cells arrive as text; cast to the declared kind, naming the first cell that does not fit."""
    if kind == "str":
        return col
    s = col.astype("string").str.strip()
    present = s.notna() & (s != "")
    if kind in ("int", "float"):
        out = pd.to_numeric(s.where(present), errors="coerce")
        if kind == "int":
            bad = present & (out.isna() | (out.fillna(0) % 1 != 0))
            out = out.astype("Int64") if not bad.any() else out
        else:
            bad = present & out.isna()
    elif kind in ("date", "datetime"):
        out = pd.to_datetime(s.where(present), errors="coerce", format="ISO8601")
        bad = present & out.isna()
        if kind == "date" and not bad.any():
            out = out.dt.date
    elif kind == "bool":
        low = s.str.lower()
        mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
        out = low.map(mapping).astype("boolean")
        bad = present & out.isna()
    else:  # pragma: no cover - guarded by KINDS
        raise ValueError(kind)
    if bad.any():
        raise _bad_row(path, bad.to_numpy(), lambda i: f"value {_show(col.iloc[i])} is not a valid {kind}", name)
    return out


def validate(tbl: pa.Table, ds: Dataset, path: Path) -> pa.Table:
    """Check columns, types, keys, ranges and country codes; add canonical ISO3 columns; apply the transform."""
    path = Path(path)
    if tbl.num_rows == 0:
        raise DataError(path, "table has no rows; expected at least one")
    missing = [c for c in ds.columns if c not in tbl.column_names]
    if missing:
        raise DataError(
            path, f"required column missing; expected columns {', '.join(ds.columns)}", column=missing[0]
        )
    is_csv = path.suffix.lower() == ".csv"
    if is_csv:
        df = tbl.to_pandas(types_mapper=pd.ArrowDtype)
        df = df.astype({c: "string" for c in df.columns})
        for name, kind in ds.columns.items():
            df[name] = _cast_csv_column(path, name, df[name], kind)
    else:
        for name, kind in ds.columns.items():
            t = tbl.schema.field(name).type
            if not _kind_ok(kind, t):
                raise DataError(path, f"wrong type {t}; expected {kind}", column=name)
        # only the columns the checks read go through pandas: long texts (speeches) stay in Arrow untouched
        needed = set(ds.key) | set(_numeric_ranges(ds, tbl.schema)) | set(ds.allowed) | {
            cc.column for cc in ds.countries} | {cc.year for cc in ds.countries if cc.year}
        df = tbl.select([c for c in tbl.column_names if c in needed]).to_pandas()

    key_now = bool(ds.key) and all(k in df.columns for k in ds.key)
    if key_now:
        _check_key(df, ds.key, path, file_rows=True)
    _check_values(df, ds, tbl.schema, path)
    for cc in ds.countries:
        df = _resolve_countries(df, cc, path)

    if is_csv:
        out = pa.Table.from_pandas(df, preserve_index=False)
    else:
        out = tbl
        for c in (cc.out for cc in ds.countries if cc.out):
            arr = pa.array(df[c].to_numpy(dtype=object, na_value=None), type=pa.string())
            out = (out.set_column(out.column_names.index(c), c, arr) if c in out.column_names
                   else out.append_column(c, arr))
    _check_dates(out, ds, path)
    _check_finite(out, ds, path, file_rows=True)
    if not ds.key and not ds.duplicates:
        _check_duplicate_rows(out, path)
    if ds.transform is not None:
        try:
            out = ds.transform(out)
        except RowProblem as e:
            row = None if e.row is None else _row_label(path, e.row)
            raise DataError(path, e.expected, row=row, column=e.column) from None
    if ds.key and not key_now:  # a key of reshaped output (e.g. wide -> long): checked on what the transform made
        missing = [k for k in ds.key if k not in out.column_names]
        if missing:
            raise DataError(path, f"key column missing after reshaping; expected columns {', '.join(ds.key)}",
                            column=missing[0])
        _check_key(out.select(list(ds.key)).to_pandas(), ds.key, path, file_rows=False)
    if ds.transform is not None:
        _check_finite(out, ds, path, file_rows=False)  # a reshaping that divides can make inf
    return _non_finite_to_null(out, ds)


def _bad_row(path: Path, bad, expected, column: str | None = None) -> DataError:
    """The error for the first True of ``bad``: ``expected(i)`` says what was wrong with row ``i``."""
    i = int(np.flatnonzero(np.asarray(bad))[0])
    return DataError(path, expected(i), row=_row_label(path, i), column=column)


def _check_values(df: pd.DataFrame, ds: Dataset, schema: pa.Schema, path: Path) -> None:
    """Numeric ranges and allowed values: the first offending row is one DataError naming the row and column."""
    for name, (lo, hi) in _numeric_ranges(ds, schema).items():
        if name not in df.columns:
            continue
        v = pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)  # NA is never out of range
        bad = np.zeros(len(v), dtype=bool)
        if lo is not None:
            bad |= v < lo
        if hi is not None:
            bad |= v > hi
        if bad.any():
            raise _bad_row(path, bad, lambda i: f"value {_show(df[name].iloc[i])} out of range; expected {lo}..{hi}",
                           name)
    for name, allowed in ds.allowed.items():
        s = df[name]
        bad = (s.notna() & ~s.isin(list(allowed))).to_numpy()
        if bad.any():
            raise _bad_row(path, bad, lambda i: f"unknown value {_show(s.iloc[i])}; expected one of "
                                                f"{', '.join(sorted(map(str, allowed)))}", name)


def _is_year_column(name: str, t: pa.DataType, kind: str | None) -> bool:
    numeric = pa.types.is_integer(t) or pa.types.is_floating(t) or kind in ("int", "float")
    return numeric and bool(_YEAR_COLUMN.search(name))


def _numeric_ranges(ds: Dataset, schema: pa.Schema) -> dict[str, tuple]:
    """Declared ranges of numeric columns, plus YEARS for every year column that declares none."""
    out = {}
    for f in schema:
        kind = ds.columns.get(f.name)
        if kind in ("date", "datetime") or pa.types.is_date(f.type) or pa.types.is_timestamp(f.type):
            continue
        if f.name in ds.ranges:
            out[f.name] = ds.ranges[f.name]
        elif _is_year_column(f.name, f.type, kind):
            out[f.name] = YEARS
    return out


def _first(mask) -> int | None:
    """The first True of a boolean Arrow array (nulls are False), or None."""
    i = pc.index(pc.fill_null(mask, False), True).as_py()
    return None if i is None or i < 0 else i


def _check_dates(out: pa.Table, ds: Dataset, path: Path) -> None:
    """Every date or timestamp column lies within its declared years, else YEARS (a roll call dated 2999 is a
    typo, not a vote)."""
    for f in out.schema:
        if not (pa.types.is_date(f.type) or pa.types.is_timestamp(f.type)):
            continue
        lo, hi = ds.ranges.get(f.name, YEARS)
        years = pc.year(out[f.name])
        bad = None
        if lo is not None:
            bad = pc.less(years, int(lo))
        if hi is not None:
            over = pc.greater(years, int(hi))
            bad = over if bad is None else pc.or_(bad, over)
        i = None if bad is None else _first(bad)
        if i is not None:
            value = out[f.name][i].as_py()
            raise DataError(path, f"date {str(value)[:10]!s} out of range; expected years {lo}..{hi}",
                            row=_row_label(path, i), column=f.name)


def _check_finite(out: pa.Table, ds: Dataset, path: Path, *, file_rows: bool) -> None:
    """NaN and +-inf are refused in every float column, except where the dataset declares them (then NULL)."""
    for f in out.schema:
        if not pa.types.is_floating(f.type) or f.name in ds.non_finite:
            continue
        col = out[f.name]
        i = _first(pc.invert(pc.is_finite(col)))
        if i is not None:
            value = col[i].as_py()
            where = "" if file_rows else " after reshaping"
            raise DataError(path, f"value {value!r}{where} is not a finite number; expected a number or an empty "
                            "cell", row=_row_label(path, i) if file_rows else None, column=f.name)


def _non_finite_to_null(out: pa.Table, ds: Dataset) -> pa.Table:
    for name in ds.non_finite:
        if name in out.column_names and pa.types.is_floating(out.schema.field(name).type):
            col = out[name]
            out = out.set_column(out.column_names.index(name), name,
                                 pc.if_else(pc.is_finite(col), col, pa.scalar(None, col.type)))
    return out


def _check_duplicate_rows(out: pa.Table, path: Path) -> None:
    """Identical rows in a dataset without a key are refused, unless the dataset says why they are kept."""
    try:
        df = out.to_pandas()
        dup = df.duplicated(keep="first").to_numpy()
    except TypeError:  # unhashable cells (lists): compare their text
        df = out.to_pandas().astype(str)
        dup = df.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = df.iloc[:i][(df.iloc[:i] == df.iloc[i]).fillna(False).all(axis=1)].index
        same = f" (same as row {_row_label(path, int(first[0]))})" if len(first) else ""
        raise DataError(path, f"duplicate row{same}; expected distinct rows (the dataset declares no key; "
                        "declare `duplicates` with the reason if identical rows are distinct records)",
                        row=_row_label(path, i))


def _check_key(df: pd.DataFrame, key: tuple[str, ...], path: Path, *, file_rows: bool) -> None:
    dup = df.duplicated(list(key), keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        vals = ", ".join(f"{k}={_show(df[k].iloc[i])}" for k in key)
        raise DataError(
            path, f"duplicate key ({vals}); expected ({', '.join(key)}) to be unique",
            row=_row_label(path, i) if file_rows else None,
        )


def _years(s: pd.Series) -> np.ndarray:
    """When each value was recorded, for year-aware code lookups, as ``datetime64[D]`` (NaT where unknown).

    A year column means 1 July of that year (the spell that covers most of it); a date column is taken as is.
    """
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(v)
        out = np.full(len(v), np.datetime64("NaT"), dtype="datetime64[D]")
        out[ok] = ((v[ok].astype("int64") - 1970).astype("datetime64[Y]").astype("datetime64[M]") + 6).astype(
            "datetime64[D]")
        return out
    return pd.to_datetime(s, errors="coerce").to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _lookup(raw: pd.Series, scheme: str, when: pd.Series | None) -> tuple[np.ndarray, np.ndarray]:
    """``states.to_iso3`` once per distinct value (and year or date, when year-aware): row codes, ISO3 per code.

    Dyad tables repeat a few hundred codes millions of times; resolving the distinct (value, when) pairs and
    broadcasting keeps a full ingest fast.
    """
    from .. import states

    if when is None:
        codes, uniq = pd.factorize(raw, use_na_sentinel=False)
        iso_u = states.to_iso3(np.asarray(uniq, dtype=object), scheme=scheme)
    else:
        # integer codes for (value, when) pairs: two factorizations and one np.unique, no Python-level grouping
        vc, _ = pd.factorize(raw, use_na_sentinel=False)
        wc, wu = pd.factorize(when, use_na_sentinel=False)
        _, first, codes = np.unique(vc.astype(np.int64) * max(len(wu), 1) + wc, return_index=True,
                                    return_inverse=True)
        iso_u = states.to_iso3(raw.to_numpy(dtype=object)[first], scheme=scheme,
                               years=_years(when.iloc[first].reset_index(drop=True)))
    return codes, np.asarray(iso_u, dtype=object)


def _resolve_countries(df: pd.DataFrame, cc: CountryCol, path: Path) -> pd.DataFrame:
    from .. import states

    raw = df[cc.column]
    if cc.split:
        parts = raw.astype("string").str.split(cc.split).explode().str.strip()
        vals = parts.dropna()
        vals = vals[vals != ""]
        iso = states.to_iso3(vals.to_numpy(dtype=object), scheme=cc.scheme)
        bad = pd.isna(np.asarray(iso, dtype=object)) & ~vals.isin(list(cc.allow)).to_numpy()
        if bad.any():
            j = vals.index[np.flatnonzero(bad)[0]]
            i = int(np.flatnonzero(df.index == j)[0])
            raise DataError(
                path,
                f"unknown country code {_show(vals.iloc[np.flatnonzero(bad)[0]])} (scheme {cc.scheme}); "
                "expected a code alignwatch.states can resolve",
                row=_row_label(path, i),
                column=cc.column,
            )
        return df
    codes, iso_u = _lookup(raw, cc.scheme, df[cc.year] if cc.year else None)
    if pd.api.types.is_numeric_dtype(raw.dtype):
        present = raw.notna().to_numpy()
    else:
        present = raw.notna().to_numpy() & (raw.astype("string").str.strip() != "").fillna(False).to_numpy()
    unresolved = present & pd.isna(iso_u)[codes]
    if cc.allow and unresolved.any():
        unresolved &= ~raw.isin(list(cc.allow)).to_numpy()
    if unresolved.any():
        raise _bad_row(path, unresolved, lambda i: f"unknown country code {_show(raw.iloc[i])} (scheme {cc.scheme}); "
                                                   "expected a code alignwatch.states can resolve", cc.column)
    if not cc.nullable and (~present).any():
        raise _bad_row(path, ~present, lambda i: "missing country code; expected a value", cc.column)
    if cc.out:
        df[cc.out] = pd.arrays.ArrowStringArray(pa.array(iso_u, type=pa.string(), from_pandas=True).take(pa.array(codes)))
    return df


def load(ds: Dataset, path: Path | None = None) -> pa.Table:
    """Locate (unless a path is given), read and validate one dataset."""
    path = Path(path) if path is not None else locate(ds)
    return validate(read_file(path, ds), ds, path)


def coverage_years(tbl: pa.Table, ds: Dataset) -> tuple[int | None, int | None]:
    if not ds.coverage or ds.coverage not in tbl.column_names:
        return (None, None)
    s = tbl[ds.coverage].to_pandas()
    if s.empty:
        return (None, None)
    if pd.api.types.is_numeric_dtype(s):
        v = pd.to_numeric(s, errors="coerce").dropna()
        return (int(v.min()), int(v.max())) if len(v) else (None, None)
    d = pd.to_datetime(s, errors="coerce").dropna()
    return (int(d.min().year), int(d.max().year)) if len(d) else (None, None)
