"""The download layer: cache, force, atomic files, old-style declarations, conditional requests (local HTTP only).

Publisher formats, fallbacks and the fetch -> ingest -> report path are in test_publishers.py."""

from __future__ import annotations

import http.server
import threading
from functools import partial

import pandas as pd
import pytest

from alignwatch.errors import FetchError
from alignwatch.sources import base, download
from alignwatch.sources.base import Dataset
from alignwatch.sources.fetch import Session, fetch, read_source
from alignwatch.sources.publishers import copy, publisher, read_as


class _Handler(http.server.SimpleHTTPRequestHandler):
    hits: list[tuple[str, str | None]] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        _Handler.hits.append((self.path, self.headers.get("If-None-Match")))
        if self.path == "/truncated.parquet":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"PAR1 only a little")
            return
        if self.path == "/page.csv":
            body = b"<html><body>Please log in</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path == "/t.csv" and self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        super().do_GET()

    def end_headers(self):
        if self.path == "/t.csv":
            self.send_header("ETag", '"v1"')
        super().end_headers()


@pytest.fixture
def server(tmp_path, monkeypatch):
    root = tmp_path / "www"
    root.mkdir()
    pd.DataFrame({"id": [1, 2], "year": [2000, 2001], "value": [1.5, 2.5]}).to_parquet(root / "t.parquet")
    (root / "t.csv").write_text("id,year,value\n1,2000,1.5\n2,2001,2.5\n")
    (root / "nines.csv").write_text("id,year,value\n1,2000,-9\n2,2001,2.5\n")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    th = threading.Thread(target=httpd.serve_forever, daemon=True)
    th.start()
    _Handler.hits.clear()
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ALIGNWATCH_DATA", raising=False)
    monkeypatch.delenv(download.REWRITE_ENV, raising=False)
    monkeypatch.setattr(download, "BACKOFF_S", 0.0)
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _ds(url: str | None, path: str = "x/t.parquet", original: str | None = None, downloads=()) -> Dataset:
    return Dataset(table="t", source="test", path=path, url=url, citation="c", original=original,
                   downloads=downloads, columns={"id": "int", "year": "int", "value": "float"}, key=("id",))


def test_download_then_cache_then_force(server):
    ds = _ds(f"{server}/t.parquet")  # an old-style declaration: one URL in the mirror's format
    assert fetch(ds).status == "downloaded"
    assert fetch(ds).status == "cached"
    assert [h[0] for h in _Handler.hits] == ["/t.parquet"]
    assert fetch(ds, force=True).status == "downloaded"
    assert len(_Handler.hits) == 2
    assert base.load(ds)["value"].to_pylist() == [1.5, 2.5]  # locate() finds the cached file


def test_convert_csv_original_with_its_source_record(server):
    ds = _ds(f"{server}/t.csv", original="csv")
    r = fetch(ds)
    assert r.status == "downloaded" and r.path.endswith("t.parquet")
    assert pd.read_parquet(r.path)["id"].tolist() == [1, 2]
    meta = read_source(r.path)
    assert meta["url"] == f"{server}/t.csv" and meta["bytes"] == 36 and len(meta["sha256"]) == 64
    assert meta["retrieved_at"].endswith("Z")


def test_a_reader_turns_publisher_codes_into_missing(server):
    from alignwatch.sources.publishers import rename

    ds = _ds(None, downloads=(publisher(f"{server}/nines.csv", "csv", "P", read=rename(read_as("csv"), {},
                                                                                         na=(-9,))),))
    r = fetch(ds)
    assert pd.read_parquet(r.path)["value"].isna().tolist() == [True, False]


def test_http_error_and_truncated_download_leave_nothing(server, tmp_path):
    cache = tmp_path / "cache"
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(_ds(f"{server}/missing.parquet"))
    with pytest.raises(FetchError, match="truncated.parquet"):
        fetch(_ds(f"{server}/truncated.parquet"))
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_a_web_page_is_not_taken_for_data(server):
    with pytest.raises(FetchError, match="web page, not a data file"):
        fetch(_ds(None, downloads=(publisher(f"{server}/page.csv", "csv", "P"),)))


def test_fallback_copy_when_the_publisher_fails(server):
    ds = _ds(None, downloads=(publisher(f"{server}/gone.csv", "csv", "Publisher"),
                              copy(f"{server}/t.csv", "csv", "GitHub someone/copy")))
    r = fetch(ds)
    assert r.fallback and r.publisher == "GitHub someone/copy (third-party copy)"
    assert "gone.csv" in r.tried[0] and "HTTP 404" in r.tried[0]


def test_check_sends_the_etag_and_a_304_means_unchanged(server, tmp_path):
    ds = _ds(None, downloads=(publisher(f"{server}/t.csv", "csv", "P"),))
    assert fetch(ds).status == "downloaded"
    r = fetch(ds, check=True)
    assert r.status == "unchanged"
    assert _Handler.hits[-1] == ("/t.csv", '"v1"')


def test_one_session_downloads_a_shared_file_once(server, tmp_path):
    a = _ds(None, path="x/a.parquet", downloads=(publisher(f"{server}/t.csv", "csv", "P"),))
    b = _ds(None, path="x/b.parquet", downloads=(publisher(f"{server}/t.csv", "csv", "P"),))
    session = Session(tmp_path / "cache")
    fetch(a, session=session)
    fetch(b, session=session)
    assert len(_Handler.hits) == 1


def test_url_rewrite(monkeypatch):
    monkeypatch.setenv(download.REWRITE_ENV, "https://a.org/=http://127.0.0.1:9/a/,http://b.org/=http://x/")
    assert download.rewrite("https://a.org/f.csv") == "http://127.0.0.1:9/a/f.csv"
    assert download.rewrite("https://c.org/f.csv") == "https://c.org/f.csv"


def test_mirror_only_dataset_is_not_downloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    assert fetch(_ds(None)).status == "mirror-only"
