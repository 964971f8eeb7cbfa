"""Download the original public files into the cache and convert them to the Parquet layout the readers expect.

Downloads go to a temporary file beside the target and are renamed only when complete, so an interrupted fetch
never leaves a half-written file that a later ingest would trust. A file already in the cache is not downloaded
again unless ``force`` is given. Originals stored as R data, Stata or Excel are converted with optional packages
(``pip install alignwatch[fetch]``).
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import FetchError
from .base import Dataset

TIMEOUT_S = 60


@dataclass
class FetchResult:
    table: str
    status: str  # downloaded | cached | mirror-only
    path: str
    bytes: int


def _download(url: str, dest: Path, timeout: float = TIMEOUT_S) -> int:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (https URLs we declare)
                    expected = resp.headers.get("Content-Length")
                    shutil.copyfileobj(resp, out, 1 << 20)
                    if expected is not None and out.tell() != int(expected):
                        raise FetchError(f"{url}: connection closed after {out.tell()} of {expected} bytes")
            except urllib.error.HTTPError as e:
                raise FetchError(f"{url}: HTTP {e.code} {e.reason}") from None
            except (urllib.error.URLError, http.client.HTTPException, TimeoutError, OSError) as e:
                raise FetchError(f"{url}: download failed ({getattr(e, 'reason', e)})",
                                 hint="check the network, or set ALIGNWATCH_DATA to a local mirror") from None
        size = os.path.getsize(tmp)
        if size == 0:
            raise FetchError(f"{url}: empty response")
        os.replace(tmp, dest)
        return size
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _convert_rda(src: Path, dest: Path) -> None:
    try:
        import pyreadr
    except ImportError:
        raise FetchError(f"{src}: R data needs pyreadr", hint="pip install 'alignwatch[fetch]'") from None
    frames = pyreadr.read_r(str(src))
    if not frames:
        raise FetchError(f"{src}: no data frame inside")
    next(iter(frames.values())).to_parquet(dest, index=False)


def _convert_dta(src: Path, dest: Path) -> None:
    import pandas as pd

    pd.read_stata(src).to_parquet(dest, index=False)


def _convert_xlsx(src: Path, dest: Path) -> None:
    import pandas as pd

    try:
        df = pd.read_excel(src)
    except ImportError:
        raise FetchError(f"{src}: Excel needs openpyxl", hint="pip install 'alignwatch[fetch]'") from None
    df.to_parquet(dest, index=False)


def _convert_csv(src: Path, dest: Path) -> None:
    import pandas as pd

    pd.read_csv(src).to_parquet(dest, index=False)


CONVERTERS: dict[str, Callable[[Path, Path], None]] = {
    "rda": _convert_rda,
    "dta": _convert_dta,
    "xlsx": _convert_xlsx,
    "csv": _convert_csv,
}


def fetch(ds: Dataset, *, force: bool = False, cache: Path | None = None) -> FetchResult:
    """Make ``ds`` available in the cache: download its original and convert it where needed."""
    cache = cache or config.cache_dir()
    dest = cache / ds.path
    if ds.url is None:
        return FetchResult(ds.table, "mirror-only", str(dest), 0)
    if dest.exists() and not force:
        return FetchResult(ds.table, "cached", str(dest), dest.stat().st_size)
    target_is_native = ds.original is None or Path(ds.path).suffix.lstrip(".") == ds.original
    if target_is_native:
        size = _download(ds.url, dest)
        return FetchResult(ds.table, "downloaded", str(dest), size)
    raw = cache / "originals" / Path(ds.url).name
    if force or not raw.exists():
        _download(ds.url, raw)
    convert = CONVERTERS.get(ds.original)
    if convert is None:
        raise FetchError(f"{ds.table}: no converter for original format {ds.original!r}",
                         hint="set ALIGNWATCH_DATA to a mirror holding the converted file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    try:
        convert(raw, Path(tmp))
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return FetchResult(ds.table, "downloaded", str(dest), dest.stat().st_size)
