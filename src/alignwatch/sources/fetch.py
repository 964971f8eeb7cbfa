"""Fill the download cache from the publishers: ``alignwatch fetch`` (what is missing) and ``update`` (what changed).

For each dataset the declared downloads (:mod:`.publishers`) are tried in order, the publisher's own release first
and third-party copies after it. Downloaded files are kept under ``<cache>/downloads/`` with their validators, so
``update`` asks each publisher with a conditional request (or its version API) and downloads only what changed.
The downloaded files are read into the connector's layout and written to ``<cache>/<dataset path>`` atomically,
beside a ``.source.json`` record (publisher, URL, size, sha256, retrieval time, release) that ingest copies into
the provenance table. With a mirror (``ALIGNWATCH_DATA``) holding the file, nothing touches the network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import config
from ..errors import DataError, FetchError
from .base import Dataset, sha256
from .download import Fetched, Remote, download, resolve
from .publishers import FORMATS, Download, _guess, read_table

META_SUFFIX = ".source.json"
Progress = Callable[[str, int, int | None], None]  # (label, bytes so far, total)


@dataclass
class FetchResult:
    table: str
    status: str  # downloaded | cached | mirror | mirror-only | unchanged | updated | failed
    path: str = ""
    bytes: int = 0
    publisher: str = ""
    url: str = ""
    fallback: bool = False
    release: str | None = None
    tried: list[str] = field(default_factory=list)  # failures of earlier downloads: "publisher: url: reason"
    problem: str = ""  # why the last failed download failed ("HTTP 404 Not Found"), for the summary


class Session:
    """Downloads shared by the datasets of one command: a file several tables read is fetched once."""

    def __init__(self, cache: Path, *, force: bool = False, check: bool = False, progress: Progress | None = None):
        self.cache, self.force, self.check, self.progress = cache, force, check, progress
        self.done: dict[str, Fetched] = {}

    def get(self, remote: Remote, what: str) -> Fetched:
        resolved = resolve(remote)
        key = hashlib.sha1(f"{remote.url}|{remote.method}|{remote.body!r}|{resolved.name or ''}".encode()).hexdigest()
        if key in self.done:
            return self.done[key]
        dest = self.cache / "downloads" / key[:12] / remote.local_name(resolved)
        side = dest.with_name(dest.name + ".json")
        previous = _read_json(side)
        same_file = previous is not None and dest.exists() and previous.get("sha256") and previous.get(
            "url") == resolved.url
        # the publisher's version API already answered: the same release of the same file needs no download
        same_release = same_file and self.check and resolved.release and previous.get("release") == resolved.release
        if same_file and not self.force and (not self.check or same_release):
            got = Fetched(**{k: v for k, v in previous.items() if k in Fetched.__dataclass_fields__})
            got.status = 304 if self.check else 0  # 0: reused from the cache, no request made
        else:
            label = what if len(what) <= 40 else what[:39] + "…"
            got = download(remote, resolved, dest, what=what, previous=previous if same_file else None,
                           progress=(lambda n, t: self.progress(label, n, t)) if self.progress else None)
            if got.status == 200:
                _write_json(side, got.to_json())
        self.done[key] = got
        return got


# -------------------------------------------------------------------------------------------------- fetch


def fetch(ds: Dataset, *, force: bool = False, cache: Path | None = None, session: Session | None = None,
          check: bool = False) -> FetchResult:
    """Make ``ds`` available in the cache (or find it in the mirror); ``check`` asks the publisher for news."""
    cache = cache or config.cache_dir()
    session = session or Session(cache, force=force, check=check)
    mirror = config.data_mirror()
    if mirror is not None and (mirror / ds.path).exists():
        return FetchResult(ds.table, "mirror", str(mirror / ds.path))
    downloads = downloads_of(ds)
    dest = cache / ds.path
    if not downloads:
        return FetchResult(ds.table, "mirror-only", str(dest))
    meta = read_source(dest)
    if meta is not None and not force and not check:
        return FetchResult(ds.table, "cached", str(dest), dest.stat().st_size, meta.get("publisher", ""),
                           meta.get("url", ""), bool(meta.get("fallback")), meta.get("release"))
    tried: list[str] = []
    attempts: list[tuple[str, str, str]] = []  # (publisher, url, reason) of each failed download
    for dl in downloads:
        what = ds.table
        try:
            got = [session.get(remote, what) for remote in dl.files]
        except FetchError as e:
            attempts.append(_attempt(dl, str(e), what))
            tried.append(": ".join(attempts[-1]))
            continue
        if check and meta is not None and _unchanged(meta, dl, got):
            return FetchResult(ds.table, "unchanged", str(dest), dest.stat().st_size, dl.publisher, got[0].url,
                               dl.fallback, got[0].release, tried)
        try:
            _convert(ds, dl, got, dest)
        except (FetchError, DataError) as e:
            attempts.append((dl.publisher, got[0].url, str(e)))
            tried.append(": ".join(attempts[-1]))
            continue
        status = "updated" if check and meta is not None else "downloaded"
        return FetchResult(ds.table, status, str(dest), dest.stat().st_size, dl.publisher, got[0].url, dl.fallback,
                           got[0].release, tried, problem=tried[-1] if tried else "")
    err = FetchError(f"{ds.table}: no download succeeded ({'; '.join(tried)})",
                     hint="check the network, or set ALIGNWATCH_DATA to a local mirror")
    err.attempts = attempts
    raise err


def _attempt(dl: Download, message: str, what: str) -> tuple[str, str, str]:
    """(publisher, url, reason) of a failed download, from the error's ``what: url: reason``."""
    rest = message[len(what) + 2:] if message.startswith(f"{what}: ") else message
    url, sep, reason = rest.partition(": ")
    if not sep or "://" not in url:
        return dl.publisher, dl.url, rest
    return dl.publisher, url, reason


def downloads_of(ds: Dataset) -> tuple[Download, ...]:
    """A dataset's declared downloads; an old-style declaration (``url`` + ``original``) counts as one copy."""
    if ds.downloads:
        return tuple(ds.downloads)
    data_suffixes = (".parquet", ".csv", ".tsv", ".zip", ".gz", ".tgz", ".rda", ".rdata", ".rds", ".dta", ".xlsx")
    if ds.url and (ds.original or ds.url.lower().endswith(data_suffixes)):
        fmt = {"txt": "zip"}.get(ds.original, ds.original) or _guess(ds.url)
        if fmt in FORMATS:
            return (Download((Remote(ds.url),), fmt, f"{ds.url.split('/')[2]} (declared URL)"),)
    return ()


def _unchanged(meta: dict, dl: Download, got: list[Fetched]) -> bool:
    """The same publisher's files, byte for byte (a 304, or a 200 with the same sha256)."""
    before = {f["url"]: f.get("sha256") for f in meta.get("files", [])}
    return meta.get("publisher") == dl.publisher and all(before.get(g.url) == g.sha256 for g in got)


def _convert(ds: Dataset, dl: Download, got: list[Fetched], dest: Path) -> None:
    """Read the downloaded files into the connector's layout and write it (and its source record) atomically."""
    tbl = read_table([Path(g.path) for g in got], dl)
    df = conform(tbl.to_pandas() if isinstance(tbl, pa.Table) else tbl, ds)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    try:
        if dest.suffix == ".csv":
            df.to_csv(tmp, index=False)
        else:
            try:
                pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
            except (pa.ArrowException, TypeError, ValueError) as e:
                raise DataError(got[0].path, f"cannot store the table read from {dl.publisher}: {e}") from None
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    record = {
        "table": ds.table, "publisher": dl.publisher, "fallback": dl.fallback, "format": dl.format,
        "url": got[0].url, "release": got[0].release, "retrieved_at": max(g.retrieved_at for g in got),
        "bytes": sum(g.bytes for g in got), "sha256": got[0].sha256 if len(got) == 1 else hashlib.sha256(
            "".join(g.sha256 for g in got).encode()).hexdigest(),
        "files": [g.to_json() for g in got], "output_sha256": sha256(dest),
        "written_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    _write_json(dest.with_name(dest.name + META_SUFFIX), record)


def conform(df: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Give the declared columns the declared kinds, as the mirror stores them (whole-number doubles -> Int64,
    text -> string, ISO dates -> dates); values that do not fit are left for validation to name."""
    df = df.copy()
    for name, kind in ds.columns.items():
        if name not in df.columns:
            continue
        s = df[name]
        try:
            if kind == "int":
                v = pd.to_numeric(s, errors="raise")
                if (v.dropna() % 1 == 0).all():
                    df[name] = v.astype("Int64")
            elif kind == "float":
                df[name] = pd.to_numeric(s, errors="raise").astype("float64")
            elif kind == "str":
                if not pd.api.types.is_string_dtype(s) or s.dtype == object:
                    df[name] = s.map(_text, na_action="ignore").astype("string")
            elif kind in ("date", "datetime"):
                if not (pd.api.types.is_datetime64_any_dtype(s) or _is_dates(s)):
                    d = pd.to_datetime(s, errors="raise", format="mixed")
                    df[name] = d.dt.date if kind == "date" else d
            elif kind == "bool" and not pd.api.types.is_bool_dtype(s):
                low = s.astype("string").str.strip().str.lower()
                df[name] = low.map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
        except (ValueError, TypeError):
            continue
    return df


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _is_dates(s: pd.Series) -> bool:
    first = s.dropna()
    return len(first) > 0 and isinstance(first.iloc[0], dt.date)


# --------------------------------------------------------------------------------------------- records


def read_source(path: str | Path) -> dict | None:
    """The ``.source.json`` record of a file in the cache, if it still describes the file beside it."""
    path = Path(path)
    meta = _read_json(path.with_name(path.name + META_SUFFIX))
    if meta is None or not path.exists():
        return None
    if meta.get("output_sha256") and meta["output_sha256"] != sha256(path):
        return None  # the file was replaced by hand: its record no longer applies
    return meta


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, obj: dict) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(obj, indent=1, default=_json_default), "utf-8")
    os.replace(tmp, path)


def _json_default(v):
    if isinstance(v, np.generic):
        return v.item()
    return str(v)
