"""The HTTP layer of ``alignwatch fetch`` and ``alignwatch update``: one file from one URL, safely.

A download goes to a temporary file beside its target and is renamed only when it is complete (the byte count
matches ``Content-Length``, nothing is empty, an HTML error page is not taken for data), so an interrupted fetch
never leaves a file that a later ingest would trust. Every download records what a reader of the provenance table
needs: the URL, size, sha256, retrieval time and the server's validators (``ETag``, ``Last-Modified``), which
``update`` sends back as a conditional request so that an unchanged file costs one ``304 Not Modified``.

Two publishers are asked for their current file instead of a fixed URL: Harvard Dataverse (its dataset API lists
the files of the latest version, with a version number and checksum) and the UN Digital Library (its file API
lists the date-stamped CSVs of a record). ``ALIGNWATCH_URL_REWRITE`` (``from=to`` URL prefixes, comma-separated)
sends every request to a local copy of a publisher's site instead: an institutional mirror, or the test server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import FetchError

TIMEOUT_S = 60
RETRIES = 2  # extra tries after a server error (5xx) or a dropped connection
BACKOFF_S = 2.0  # seconds before the first retry, doubled for each further one
CHUNK = 1 << 20
USER_AGENT = f"alignwatch/{__version__} (+https://pypi.org/project/alignwatch/)"
REWRITE_ENV = "ALIGNWATCH_URL_REWRITE"

Progress = Callable[[int, int | None], None]  # (bytes so far, total or None)


@dataclass(frozen=True)
class Remote:
    """One file at a publisher: a URL, or a landing page plus a ``resolve`` that finds the current file there."""

    url: str
    resolve: Callable[[Remote], Resolved] | None = None
    method: str = "GET"
    body: bytes | None = None  # a POST body (SIPRI's register export takes a JSON query)
    name: str | None = None  # local file name (default: the last part of the URL path)

    def local_name(self, resolved: Resolved) -> str:
        if self.name:
            return self.name
        base = resolved.name or Path(urllib.parse.urlsplit(resolved.url).path).name or "download"
        return re.sub(r"[^A-Za-z0-9._-]+", "_", base)


@dataclass(frozen=True)
class Resolved:
    """The file a :class:`Remote` stands for today: its URL and, where the publisher says, release and checksum."""

    url: str
    release: str | None = None  # "V27.0" (Dataverse), "2026_02_06_ga_voting.csv" (UN DL)
    name: str | None = None
    md5: str | None = None


@dataclass
class Fetched:
    """What one download brought, as recorded in the cache and the provenance table."""

    url: str
    path: str
    bytes: int
    sha256: str
    retrieved_at: str
    status: int = 200  # 200 downloaded, 304 not modified
    etag: str | None = None
    last_modified: str | None = None
    release: str | None = None
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


# ----------------------------------------------------------------------------------------------- requests


def rewrite(url: str) -> str:
    """Apply ``ALIGNWATCH_URL_REWRITE`` (``https://a.org/=http://127.0.0.1:8000/a/,...``) to one URL."""
    rules = os.environ.get(REWRITE_ENV, "")
    for rule in filter(None, (r.strip() for r in rules.split(","))):
        src, sep, dst = rule.partition("=")
        if sep and url.startswith(src):
            return dst + url[len(src):]
    return url


def _request(url: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
             timeout: float = TIMEOUT_S):
    req = urllib.request.Request(rewrite(url), data=body, method=method,
                                 headers={"User-Agent": USER_AGENT, **(headers or {})})
    if body is not None:
        req.add_header("Content-Type", "application/json")
    return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 (URLs the connectors declare)


def _retrying(what: str, url: str, fn):
    """Run ``fn`` with retries on server errors and dropped connections; every failure names the URL."""
    delay = BACKOFF_S
    for attempt in range(RETRIES + 1):
        try:
            return fn()
        except urllib.error.HTTPError as e:
            if e.code == 304:
                raise
            if e.code < 500 or attempt == RETRIES:
                raise FetchError(f"{what}: {url}: HTTP {e.code} {e.reason}",
                                 hint=_hint(e.code)) from None
        except FetchError:
            raise
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError, OSError) as e:
            if attempt == RETRIES:
                raise FetchError(f"{what}: {url}: download failed ({getattr(e, 'reason', e)})",
                                 hint="check the network, or set ALIGNWATCH_DATA to a local mirror") from None
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover


def _hint(code: int) -> str:
    if code == 404:
        return "the publisher moved or withdrew the file; a fallback copy is tried when one is declared"
    if code in (401, 403):
        return "the publisher refuses automated downloads here; download the file by hand into the cache"
    return "the publisher's server failed; try again later"


def get_json(url: str, what: str) -> object:
    """A small JSON document (a publisher's file list), with the same errors as a download."""
    def go():
        with _request(url, headers={"Accept": "application/json"}) as resp:
            return resp.read()
    raw = _retrying(what, url, go)
    try:
        return json.loads(raw)
    except ValueError:
        raise FetchError(f"{what}: {url}: the answer is not JSON; expected the publisher's file list") from None


def download(remote: Remote, resolved: Resolved, dest: Path, *, what: str, previous: dict | None = None,
             progress: Progress | None = None, timeout: float = TIMEOUT_S) -> Fetched:
    """Download ``resolved.url`` to ``dest`` atomically; with ``previous`` (an earlier :class:`Fetched` as a dict)
    ask conditionally and return ``status=304`` (``dest`` untouched) when the publisher has nothing new."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    headers = {}
    if previous and dest.exists() and previous.get("url") == resolved.url:
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
    url = resolved.url

    def go() -> Fetched:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                try:
                    resp = _request(url, method=remote.method, body=remote.body, headers=headers, timeout=timeout)
                except urllib.error.HTTPError as e:
                    if e.code == 304:
                        return _not_modified(previous, resolved)
                    raise
                with resp:
                    expected = resp.headers.get("Content-Length")
                    total = int(expected) if expected and expected.isdigit() else None
                    ctype = (resp.headers.get("Content-Type") or "").lower()
                    done = 0
                    while chunk := resp.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
                    if total is not None and done != total:
                        raise FetchError(f"{what}: {url}: truncated download ({done:,} of {total:,} bytes)",
                                         hint="the connection dropped; run the command again")
                    etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
            if done == 0:
                raise FetchError(f"{what}: {url}: empty response; expected a data file")
            if "text/html" in ctype and not url.endswith((".html", ".htm")):
                raise FetchError(f"{what}: {url}: the server sent a web page, not a data file",
                                 hint="the publisher's site may ask for a login or a licence form")
            os.replace(tmp, dest)
            return Fetched(url=url, path=str(dest), bytes=done, sha256=digest.hexdigest(),
                           retrieved_at=now(), etag=etag, last_modified=modified, release=resolved.release)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    got = _retrying(what, url, go)
    if resolved.md5 and got.status == 200:
        h = hashlib.md5()  # noqa: S324 (Dataverse publishes md5 checksums; this only compares them)
        with open(dest, "rb") as f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                h.update(chunk)
        if h.hexdigest() != resolved.md5:
            dest.unlink(missing_ok=True)
            raise FetchError(f"{what}: {url}: checksum mismatch (md5 {h.hexdigest()}, publisher says "
                             f"{resolved.md5})", hint="the download was corrupted; run the command again")
    return got


def _not_modified(previous: dict, resolved: Resolved) -> Fetched:
    out = Fetched(**{k: v for k, v in previous.items() if k in Fetched.__dataclass_fields__})
    out.status = 304
    out.release = resolved.release or out.release
    return out


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------------------------------------- resolvers


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def dataverse_file(pattern: str) -> Callable[[Remote], Resolved]:
    """Resolver: the file of a Harvard Dataverse dataset's latest version whose (original) name matches
    ``pattern`` (a regular expression, case-insensitive); several matches: the most recently added file.

    ``Remote.url`` is the dataset page (``https://dataverse.harvard.edu/dataset.xhtml?persistentId=doi:...``).
    Tabular files that Dataverse ingested (``.tab``) are downloaded in their original format (``?format=original``).
    """
    rx = re.compile(pattern, re.IGNORECASE)

    def resolve(remote: Remote) -> Resolved:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(remote.url).query)
        pid = (query.get("persistentId") or [""])[0]
        api = f"{_origin(remote.url)}/api/datasets/:persistentId/?persistentId={urllib.parse.quote(pid, safe=':/')}"
        meta = get_json(api, f"Dataverse {pid}")
        try:
            version = meta["data"]["latestVersion"]
            files = version["files"]
        except (KeyError, TypeError):
            raise FetchError(f"Dataverse {pid}: {api}: no file list in the answer; expected data.latestVersion.files")
        hits = []
        for f in files:
            df = f.get("dataFile", {})
            names = [n for n in (df.get("originalFileName"), df.get("filename")) if n]
            if any(rx.search(n) for n in names):
                hits.append(df)
        if not hits:
            listed = ", ".join(f.get("dataFile", {}).get("filename", "?") for f in files)
            raise FetchError(f"Dataverse {pid}: no file matching {pattern!r} (files: {listed})",
                             hint="the publisher renamed the file; a fallback copy is tried when one is declared")
        df = max(hits, key=lambda d: d.get("id", 0))
        url = f"{_origin(remote.url)}/api/access/datafile/{df['id']}"
        original = bool(df.get("originalFileFormat"))
        if original:
            url += "?format=original"
        release = f"V{version.get('versionNumber', '?')}.{version.get('versionMinorNumber', 0)}"
        checksum = df.get("checksum") or {}
        md5 = (checksum.get("value") if checksum.get("type", "").upper() == "MD5" else None) or df.get("md5")
        return Resolved(url=url, release=release, name=df.get("originalFileName") or df.get("filename"),
                        md5=None if original else md5)  # the checksum is of the stored (ingested) file

    return resolve


def undl_file(pattern: str) -> Callable[[Remote], Resolved]:
    """Resolver: the newest file of a UN Digital Library record whose name matches ``pattern``.

    ``Remote.url`` is the record page (``https://digitallibrary.un.org/record/4060887``); the library's file API
    (``/api/v1/file?recid=N``) lists the record's files (``2026_02_06_ga_voting.csv`` …): the one with the latest
    date in its name wins, and that name is the release.
    """
    rx = re.compile(pattern, re.IGNORECASE)

    def resolve(remote: Remote) -> Resolved:
        recid = urllib.parse.urlsplit(remote.url).path.rstrip("/").rsplit("/", 1)[-1]
        api = f"{_origin(remote.url)}/api/v1/file?recid={urllib.parse.quote(recid)}"
        listing = get_json(api, f"UN Digital Library record {recid}")
        if not isinstance(listing, list):
            raise FetchError(f"UN Digital Library record {recid}: {api}: expected a list of files")
        hits = []
        for f in listing:
            if not isinstance(f, dict):
                continue
            name = f.get("name") or ""
            fmt = f.get("format") or ""
            full = name + (fmt if fmt and not name.endswith(fmt) else "")
            if rx.search(full) and f.get("url"):
                url = urllib.parse.urljoin(remote.url, f["url"])  # the API may answer with a relative path
                hits.append((_date_key(full), full, url))
        if not hits:
            raise FetchError(f"UN Digital Library record {recid}: no file matching {pattern!r}",
                             hint="the library renamed its files; a fallback copy is tried when one is declared")
        _, name, url = max(hits)
        return Resolved(url=url, release=name, name=name)

    return resolve


def _date_key(name: str) -> tuple[int, ...]:
    """``2025_7_23_ga_voting.csv`` -> (2025, 7, 23): the UN DL stamps files with unpadded dates."""
    m = re.match(r"(\d{4})_(\d{1,2})_(\d{1,2})", name)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def resolve(remote: Remote) -> Resolved:
    """The file a Remote stands for today (a fixed URL stands for itself)."""
    return remote.resolve(remote) if remote.resolve else Resolved(url=remote.url)
