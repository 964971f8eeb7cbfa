"""Where each dataset is published, in what format, and how that format becomes the table a connector validates.

A connector declares its downloads on its :class:`~alignwatch.sources.base.Dataset` (``downloads=``): the
publisher's own release first, third-party copies after it (``fallback=True``, named as such). ``alignwatch fetch``
tries them in order. Each :class:`Download` names one or more files (:class:`~.download.Remote`), the format they
come in, and a ``read`` function that turns the downloaded files into the connector's layout; without one, the
generic reader for the format is used (CSV, TSV, Parquet, Excel, Stata, R data, and a member of a zip or tar
archive). A new dataset therefore needs only a declaration::

    Dataset(table="cow_wars", ..., downloads=(
        publisher("https://correlatesofwar.org/wp-content/uploads/Inter-StateWarData_v4.0.csv", "csv",
                  "Correlates of War Project", read=read_csv_as(lineterminator="\\r")),
        copy("https://github.com/owner/repo/raw/<commit>/war.csv", "csv", "GitHub owner/repo"),
    ))
"""

from __future__ import annotations

import base64
import fnmatch
import io
import json
import re
import tarfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..errors import DataError, FetchError
from .download import Remote, dataverse_file, undl_file

Table = pd.DataFrame | pa.Table
Reader = Callable[[list[Path]], Table]
FORMATS = ("csv", "tsv", "parquet", "xlsx", "dta", "rda", "zip", "tar.gz", "gz", "json")


@dataclass(frozen=True)
class Download:
    """One way to obtain a dataset: files from one publisher (or one copy), their format, and their reader."""

    files: tuple[Remote, ...]
    format: str  # what the files are: one of FORMATS
    publisher: str  # who publishes them ("UN Dag Hammarskjöld Library", "GitHub dgrtwo/unvotes (copy)")
    read: Reader | None = None  # downloaded files -> the connector's table (None: the generic reader)
    fallback: bool = False  # a third-party copy, used when the publisher's release cannot be had
    note: str = ""

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ValueError(f"unknown download format {self.format!r}; expected one of {', '.join(FORMATS)}")

    @property
    def url(self) -> str:
        return self.files[0].url


def publisher(url: str | Remote | Sequence[str | Remote], format: str, name: str, *, read: Reader | None = None,
              note: str = "") -> Download:
    """The publisher's own release (one URL, a :class:`Remote`, or several files read together)."""
    return Download(_remotes(url), format, name, read, False, note)


def copy(url: str | Remote | Sequence[str | Remote], format: str, name: str, *, read: Reader | None = None,
         note: str = "") -> Download:
    """A third-party copy of the data (a GitHub snapshot): tried only when the publisher's release fails."""
    return Download(_remotes(url), format, f"{name} (third-party copy)", read, True, note)


def dataverse(doi: str, pattern: str, format: str, name: str, *, read: Reader | None = None,
              host: str = "https://dataverse.harvard.edu", note: str = "") -> Download:
    """A file of a Dataverse dataset's latest version, found by name (so a new release is picked up by itself)."""
    remote = Remote(f"{host}/dataset.xhtml?persistentId=doi:{doi}", resolve=dataverse_file(pattern))
    return Download((remote,), format, name, read, False, note)


def undl(recid: int | str, pattern: str, name: str = "UN Dag Hammarskjöld Library (UN Digital Library)", *,
         read: Reader | None = None, note: str = "") -> Download:
    """The newest date-stamped file of a UN Digital Library record (voting data: records 4060887, 4055387)."""
    remote = Remote(f"https://digitallibrary.un.org/record/{recid}", resolve=undl_file(pattern))
    return Download((remote,), "csv", name, read, False, note)


def _remotes(url) -> tuple[Remote, ...]:
    items = [url] if isinstance(url, (str, Remote)) else list(url)
    return tuple(u if isinstance(u, Remote) else Remote(u) for u in items)


# ---------------------------------------------------------------------------------------- generic readers


def read_any(path: Path, format: str | None = None, *, member: str | None = None, **kw) -> pd.DataFrame:
    """One table from one downloaded file, by format; archives give up the member matching ``member``."""
    path = Path(path)
    fmt = format or _guess(path.name)
    try:
        if fmt in ("zip", "tar.gz"):
            name, data = archive_member(path, member or "*")
            return read_any(_spill(path, name, data), _guess(name), **kw)
        if fmt == "gz":
            import gzip

            inner = re.sub(r"\.gz$", "", path.name)
            return read_any(_spill(path, inner, gzip.decompress(path.read_bytes())), _guess(inner), **kw)
        if fmt == "csv":
            return pd.read_csv(path, dtype=kw.pop("dtype", None), low_memory=False, **kw)
        if fmt == "tsv":
            return pd.read_csv(path, sep="\t", low_memory=False, **kw)
        if fmt == "parquet":
            return pd.read_parquet(path)
        if fmt == "dta":
            return pd.read_stata(path, convert_categoricals=False, **kw)
        if fmt == "xlsx":
            try:
                return pd.read_excel(path, **kw)
            except ImportError:
                raise FetchError(f"{path}: Excel needs openpyxl", hint="pip install openpyxl") from None
        if fmt == "rda":
            return read_rdata(path, kw.get("object"))
    except (FetchError, DataError):
        raise
    except Exception as e:  # noqa: BLE001 - every reader's own error becomes one line naming the file
        raise DataError(path, f"cannot read as {fmt}: {type(e).__name__}: {e}") from None
    raise DataError(path, f"no reader for format {fmt!r}")


def _guess(name: str) -> str:
    low = name.lower()
    for suffix, fmt in ((".tar.gz", "tar.gz"), (".tgz", "tar.gz"), (".zip", "zip"), (".gz", "gz"),
                        (".csv", "csv"), (".tsv", "tsv"), (".tab", "tsv"), (".dat", "tsv"), (".txt", "tsv"),
                        (".parquet", "parquet"), (".xlsx", "xlsx"), (".xls", "xlsx"), (".dta", "dta"),
                        (".rdata", "rda"), (".rda", "rda"), (".rds", "rda"), (".json", "json")):
        if low.endswith(suffix):
            return fmt
    return "csv"


def _spill(archive: Path, name: str, data: bytes) -> Path:
    """Write an archive member beside the archive (readers such as pyreadr need a real file)."""
    out = archive.parent / f".{archive.name}.members" / Path(name).name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def read_rdata(path: Path, name: str | None = None) -> pd.DataFrame:
    """A data frame from an R data file (``.rda``/``.RData``/``.rds``), by object name or the only/largest one.

    Several tables are often built from one R file (Voeten's votes give four): the last file read is kept."""
    path = Path(path)
    st = path.stat()
    return _read_rdata(str(path), st.st_mtime_ns, st.st_size, name)


@lru_cache(maxsize=1)
def _read_rdata(path: str, _mtime: int, _size: int, name: str | None) -> pd.DataFrame:
    path = Path(path)
    try:
        import pyreadr
    except ImportError:
        raise FetchError(f"{path}: R data needs pyreadr", hint="pip install pyreadr") from None
    try:
        frames = pyreadr.read_r(str(path))
    except Exception as e:  # noqa: BLE001 - pyreadr raises its own LibrdataError and friends
        raise DataError(path, f"not a readable R data file (truncated or corrupt?): {e}") from None
    if not frames:
        raise DataError(path, "no data frame inside; expected an R data frame")
    if name is not None:
        if name not in frames:
            raise DataError(path, f"no object {name!r} inside (objects: {', '.join(frames)})")
        return frames[name]
    return max(frames.values(), key=len)


def archive_members(path: Path, pattern: str = "*") -> list[tuple[str, Callable[[], bytes]]]:
    """(name, read) for every file of a zip or tar archive whose path matches ``pattern`` (fnmatch), in order."""
    path = Path(path)
    out = []
    try:
        if zipfile.is_zipfile(path):
            zf = zipfile.ZipFile(path)
            for info in zf.infolist():
                if not info.is_dir() and fnmatch.fnmatch(info.filename, pattern):
                    out.append((info.filename, lambda i=info: zf.read(i)))
        elif tarfile.is_tarfile(path):
            tf = tarfile.open(path)  # members in archive order: a gzipped tar cannot seek backwards cheaply
            for m in tf.getmembers():
                if m.isfile() and fnmatch.fnmatch(m.name, pattern):
                    out.append((m.name, lambda m=m: tf.extractfile(m).read()))
        else:
            raise DataError(path, "not a zip or tar archive (truncated download?)")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
        raise DataError(path, f"broken archive (truncated download?): {e}") from None
    return out


def texts(path: Path, pattern: str, name_rx: str) -> list[tuple[re.Match, str, str]]:
    """(match of ``name_rx`` on the file name, file name, UTF-8 text) for every text file of an archive whose
    path matches ``pattern``: corpora published as one file per speech or per year."""
    rx = re.compile(name_rx)
    out = []
    try:
        for name, read in archive_members(path, pattern):
            base = name.rsplit("/", 1)[-1]
            m = rx.fullmatch(base)
            if m is None or base.startswith("._"):
                continue
            try:
                out.append((m, base, read().decode("utf-8-sig")))
            except UnicodeDecodeError as e:
                raise DataError(path, f"{name}: invalid UTF-8 at byte {e.start}; expected UTF-8 text") from None
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
        raise DataError(path, f"broken archive (truncated download?): {e}") from None
    if not out:
        raise DataError(path, f"no file matching {pattern!r} named like {name_rx!r} in the archive")
    return out


def clean_names(reader: Reader) -> Reader:
    """Reader: another reader's table with column names in snake_case ("Name of Person Speaking" ->
    name_of_person_speaking), as the R janitor package writes them."""
    def read(paths: list[Path]) -> pd.DataFrame:
        df = _frame(reader(paths))
        df.columns = [re.sub(r"[^0-9a-z]+", "_", str(c).strip().lower()).strip("_") for c in df.columns]
        return df
    return read


def archive_member(path: Path, pattern: str) -> tuple[str, bytes]:
    hits = archive_members(path, pattern)
    if not hits:
        raise DataError(path, f"no file matching {pattern!r} in the archive")
    name, read = hits[0]
    return name, read()


def read_member(pattern: str, format: str | None = None, **kw) -> Reader:
    """Reader: one member of a downloaded archive (``read_member('*/Dyadic_COW_4.0.csv')``)."""
    def read(paths: list[Path]) -> pd.DataFrame:
        name, data = archive_member(paths[0], pattern)
        return read_any(_spill(paths[0], name, data), format or _guess(name), **kw)
    return read


def read_as(format: str | None = None, **kw) -> Reader:
    """Reader: the generic reader with options (``read_as('csv', na_values=[-9])``)."""
    def read(paths: list[Path]) -> pd.DataFrame:
        return read_any(paths[0], format, **kw)
    return read


def rename(reader: Reader, columns: dict[str, str], *, keep: Sequence[str] | None = None,
           na: Sequence = ()) -> Reader:
    """Reader: another reader's table with columns renamed (publisher names -> connector names), the publisher's
    missing-value codes (COW's -9) set to NA, and optionally only ``keep`` columns."""
    def read(paths: list[Path]) -> pd.DataFrame:
        df = reader(paths)
        df = _frame(df).rename(columns=columns)
        if na:
            num = df.select_dtypes("number").columns
            df[num] = df[num].mask(df[num].isin(list(na)))
        if keep is not None:
            missing = [c for c in keep if c not in df.columns]
            if missing:
                raise DataError(paths[0], f"column {missing[0]!r} missing from the publisher's file; expected "
                                f"{', '.join(keep)}", column=missing[0])
            df = df[list(keep)]
        return df
    return read


def _frame(t: Table) -> pd.DataFrame:
    return t.to_pandas() if isinstance(t, pa.Table) else t


def read_table(paths: list[Path], dl: Download) -> Table:
    """Run a download's reader (or the generic one) over its downloaded files."""
    if dl.read is not None:
        return dl.read(paths)
    if len(paths) != 1:
        raise FetchError(f"{dl.publisher}: {len(paths)} files need a reader that combines them")
    return read_any(paths[0], dl.format)


# -------------------------------------------------------------------------------------- publisher formats


def sipri_register(paths: list[Path]) -> pd.DataFrame:
    """SIPRI's trade-register export: JSON ``{"bytes": <base64 CSV>}`` whose CSV starts with a preamble
    (title, coverage, copyright) before the header row; the three unnamed uncertainty columns become ``… ?``."""
    raw = Path(paths[0]).read_bytes()
    try:
        text = base64.b64decode(json.loads(raw)["bytes"]).decode("utf-8-sig", errors="replace")
    except (ValueError, KeyError, TypeError):
        text = raw.decode("utf-8-sig", errors="replace")  # a plain CSV saved from the web page
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(("Recipient,", "\"Recipient\""))), None)
    if start is None:
        raise DataError(paths[0], "no header row starting with 'Recipient'; expected SIPRI's trade register")
    df = pd.read_csv(io.StringIO("\n".join(lines[start:])), dtype=str, keep_default_na=False)
    cols, prev = [], None
    for c in df.columns:
        blank = c.strip() == "" or c.startswith("Unnamed:")
        cols.append(f"{prev} ?" if blank and prev else c)
        prev = c if not blank else prev
    df.columns = cols
    return df.replace({"": None})


# The UN Digital Library voting CSVs (data dictionaries of records 4060887 and 4055387, version 5/6 of Feb 2026):
# undl_id, ms_code, ms_name, ms_vote (Y/N/A/X; older versions NV for non-voting), date, resolution, draft,
# meeting, title (GA) / description (SC), agenda_title (GA) / agenda (SC), committee_report (GA), subjects,
# vote_note, modality (SC), total_yes, total_no, total_abstentions, total_non_voting, total_ms, undl_link,
# permanent_member (SC), session (GA).
UNDL_VOTES = {"Y": "Y", "N": "N", "A": "A", "X": "X", "NV": "X"}


def read_undl(path: Path) -> pd.DataFrame:
    """A UN DL voting CSV with its vote codes normalised (``NV`` of the first release -> ``X``)."""
    df = read_any(path, "csv", dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in ("undl_id", "ms_code", "ms_name", "ms_vote", "date", "resolution") if c not in df.columns]
    if missing:
        raise DataError(path, "not a UN Digital Library voting file; expected columns undl_id, ms_code, ms_name, "
                        "ms_vote, date, resolution", column=missing[0])
    vote = df["ms_vote"].str.strip().str.upper()
    df["ms_vote"] = vote.map(UNDL_VOTES).where(vote.notna())
    bad = vote.notna() & df["ms_vote"].isna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(path, f"unknown vote {vote.iloc[i]!r}; expected Y, N, A or X", row=i + 2, column="ms_vote")
    return df
