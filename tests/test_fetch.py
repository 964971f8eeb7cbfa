"""``alignwatch fetch``: download into the cache, reuse the cache, never leave a partial file (local HTTP only)."""

from __future__ import annotations

import http.server
import threading
from functools import partial

import pandas as pd
import pytest

from alignwatch.errors import FetchError
from alignwatch.sources import base
from alignwatch.sources.base import Dataset
from alignwatch.sources.fetch import fetch


class _Handler(http.server.SimpleHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        _Handler.hits.append(self.path)
        if self.path == "/truncated.parquet":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"PAR1 only a little")
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    pd.DataFrame({"id": [1, 2], "year": [2000, 2001], "value": [1.5, 2.5]}).to_parquet(root / "t.parquet")
    (root / "t.csv").write_text("id,year,value\n1,2000,1.5\n2,2001,2.5\n")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    th = threading.Thread(target=httpd.serve_forever, daemon=True)
    th.start()
    _Handler.hits.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _ds(url: str, path: str = "x/t.parquet", original: str | None = None) -> Dataset:
    return Dataset(table="t", source="test", path=path, url=url, citation="c", original=original,
                   columns={"id": "int", "year": "int", "value": "float"}, key=("id",))


def test_download_then_cache_then_force(server, tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ALIGNWATCH_DATA", raising=False)
    ds = _ds(f"{server}/t.parquet")
    assert fetch(ds).status == "downloaded"
    assert fetch(ds).status == "cached"
    assert _Handler.hits == ["/t.parquet"]
    assert fetch(ds, force=True).status == "downloaded"
    assert len(_Handler.hits) == 2
    assert base.load(ds)["value"].to_pylist() == [1.5, 2.5]  # locate() finds the cached file


def test_convert_csv_original(server, tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    ds = _ds(f"{server}/t.csv", original="csv")
    r = fetch(ds)
    assert r.status == "downloaded" and r.path.endswith("t.parquet")
    assert pd.read_parquet(r.path)["id"].tolist() == [1, 2]


def test_http_error_and_truncated_download_leave_nothing(server, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(cache))
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(_ds(f"{server}/missing.parquet"))
    with pytest.raises(FetchError, match="truncated.parquet"):
        fetch(_ds(f"{server}/truncated.parquet"))
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_mirror_only_dataset_is_not_downloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    assert fetch(_ds(None)).status == "mirror-only"
