"""A local HTTP server standing in for the publishers' sites, serving the fixtures of tests/fixtures/publishers.

The files are packed the way each publisher serves them (R data and Stata on Harvard Dataverse behind its dataset
API, date-stamped CSVs behind the UN Digital Library's file API, zip and tar.gz archives, an Excel workbook).
``ALIGNWATCH_URL_REWRITE`` sends alignwatch's requests here: ``https://host/path`` becomes
``http://127.0.0.1:PORT/https/host/path``. Every route answers conditional requests (ETag, Last-Modified) and can
be told to fail (404, 500, a truncated body) or to change its content.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import io
import json
import tarfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

FIXTURES = Path(__file__).parent / "fixtures" / "publishers"
UNDL = "https://digitallibrary.un.org"
DATAVERSE = "https://dataverse.harvard.edu"
COW = "https://correlatesofwar.org/wp-content/uploads"
ATOP = "http://www.atopdata.org/uploads/6/9/1/3/69134503/atop_5.1__.csv_.zip"
NY = "https://github.com/e9t/north-korea-new-years-speechs/archive/dd3ae53ce957508fe21a50c070ac1924f7de0b9d.zip"
GDELT = "https://github.com/gzemo/gdelt-graph-data/archive/8b719115c084afada0325538dc13c1b8fb75e578.zip"
# the datasets whose publisher (or only) downloads the fixtures cover
TABLES = ["unga_votes", "unga_roll_calls", "unga_issues", "unga_votes_raw", "unga_idealpoints_voeten",
          "unga_votes_2025", "ungdc_speeches", "ungdc_speakers", "ps_cow_states", "ps_cow_majors", "ps_cow_nmc",
          "ps_cow_trade_ndy", "ps_cow_trade_sy", "ps_cow_alliance", "ps_atop_alliance", "kcna_new_year",
          "ev_gdelt_daily"]


@dataclass
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    fault: str | None = None  # "404", "500", "truncate"
    fail_times: int | None = None  # fail only this many times, then serve (None: always)
    modified: str = field(default_factory=lambda: email.utils.formatdate(1_700_000_000, usegmt=True))

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


class Site:
    """Routes by original URL, plus a log of the requests the server received."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, str, dict]] = []
        self.base = ""

    @staticmethod
    def key(url: str) -> str:
        scheme, rest = url.split("://", 1)
        return f"/{scheme}/{rest}"

    def add(self, url: str, body: bytes, content_type: str = "application/octet-stream") -> Route:
        self.routes[self.key(url)] = r = Route(body, content_type)
        return r

    def route(self, url: str) -> Route:
        return self.routes[self.key(url)]

    def rewrite_rules(self) -> str:
        return f"https://={self.base}/https/,http://={self.base}/http/"

    def requests_to(self, fragment: str) -> list[tuple[str, str, dict]]:
        return [h for h in self.hits if fragment in h[1]]


class _Handler(http.server.BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        self.site.hits.append(("GET", self.path, {k: v for k, v in self.headers.items()
                                                  if k.lower().startswith("if-")}))
        r = self.site.routes.get(self.path)
        if r is None:
            self.send_error(404, "Not Found")
            return
        if r.fault and (r.fail_times is None or r.fail_times > 0):
            if r.fail_times is not None:
                r.fail_times -= 1
            if r.fault in ("404", "500"):
                self.send_error(int(r.fault))
                return
            if r.fault == "truncate":
                self.send_response(200)
                self.send_header("Content-Length", str(len(r.body)))
                self.end_headers()
                self.wfile.write(r.body[: len(r.body) // 3])
                self.wfile.flush()
                self.close_connection = True
                return
        if self.headers.get("If-None-Match") == r.etag:
            self.send_response(304)
            self.send_header("ETag", r.etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", r.content_type)
        self.send_header("Content-Length", str(len(r.body)))
        self.send_header("ETag", r.etag)
        self.send_header("Last-Modified", r.modified)
        self.end_headers()
        self.wfile.write(r.body)


def serve(site: Site):
    """Start a threaded server for ``site``; returns (server, thread). ``site.base`` is set to its address."""
    handler = type("Handler", (_Handler,), {"site": site})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    site.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    th = threading.Thread(target=httpd.serve_forever, daemon=True)
    th.start()
    return httpd, th


# ------------------------------------------------------------------------------------------ packing files


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _targz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _tree(folder: Path, prefix: str, pattern: str = "*") -> dict[str, bytes]:
    return {f"{prefix}{p.relative_to(folder).as_posix()}": p.read_bytes()
            for p in sorted(folder.rglob(pattern)) if p.is_file()}


def rdata(df: pd.DataFrame, name: str, tmp: Path) -> bytes:
    import pyreadr

    path = tmp / f"{name}.RData"
    pyreadr.write_rdata(str(path), df, df_name=name)
    return path.read_bytes()


def complete_votes(with_2020: bool = False) -> pd.DataFrame:
    df = pd.read_csv(FIXTURES / "voeten" / "completeVotes.csv")
    if with_2020:
        df = pd.concat([df, pd.read_csv(FIXTURES / "voeten" / "completeVotes_2020_session.csv")], ignore_index=True)
    return df


def dataverse_listing(files: list[dict], version: int = 27) -> bytes:
    return json.dumps({"status": "OK", "data": {"latestVersion": {
        "versionNumber": version, "versionMinorNumber": 0, "files": [{"dataFile": f} for f in files]}}}).encode()


def build(site: Site, tmp: Path) -> Site:
    """Every publisher's route, packed from the fixtures."""
    tmp.mkdir(parents=True, exist_ok=True)
    # UN Digital Library: the file API of each record, the date-stamped CSVs it lists
    for recid, stem in ((4060887, "ga"), (4055387, "sc")):
        listing = []
        for p in sorted((FIXTURES / "undl").glob(f"*_{stem}_voting.csv")):
            url = f"{UNDL}/record/{recid}/files/{p.name}"
            site.add(url, p.read_bytes(), "text/csv")
            listing.append({"name": p.stem, "url": url, "format": ".csv"})
        listing.append({"name": f"2026_02_06_{stem}_voting_md", "url": f"{UNDL}/record/{recid}/files/md.md",
                        "format": ".md"})
        site.add(f"{UNDL}/api/v1/file?recid={recid}", json.dumps(listing).encode(), "application/json")
    # Harvard Dataverse: Voeten et al. (R data, ingested as .tab: served in its original format) and the UNGDC
    votes = rdata(complete_votes(), "completeVotes", tmp)
    ideal = io.BytesIO()
    pd.read_csv(FIXTURES / "voeten" / "idealpoints.csv").to_stata(ideal, write_index=False, version=118)
    site.add(f"{DATAVERSE}/api/datasets/:persistentId/?persistentId=doi:10.7910/DVN/LEJUQZ", dataverse_listing([
        {"id": 101, "filename": "UNVotes.tab", "originalFileName": "UNVotes.RData",
         "originalFileFormat": "application/x-rlang-transport"},
        {"id": 102, "filename": "IdealpointsJuly2025.tab", "originalFileName": "IdealpointsJuly2025.dta",
         "originalFileFormat": "application/x-stata-14"},
        {"id": 103, "filename": "Codebook.pdf", "checksum": {"type": "MD5", "value": "0" * 32}},
    ]), "application/json")
    site.add(f"{DATAVERSE}/api/access/datafile/101?format=original", votes)
    site.add(f"{DATAVERSE}/api/access/datafile/102?format=original", ideal.getvalue())
    corpus = _targz(_tree(FIXTURES / "ungdc" / "TXT", "UNGDC_1946-2025/TXT/", "*.txt"))
    speakers = io.BytesIO()
    pd.read_csv(FIXTURES / "ungdc" / "speakers_by_session.csv").to_excel(speakers, index=False)
    site.add(f"{DATAVERSE}/api/datasets/:persistentId/?persistentId=doi:10.7910/DVN/0TJX8Y", dataverse_listing([
        {"id": 201, "filename": "UNGDC_1946-2025.tar.gz", "checksum": {"type": "MD5",
                                                                      "value": hashlib.md5(corpus).hexdigest()}},
        {"id": 202, "filename": "Speakers_by_session.xlsx", "checksum": {
            "type": "MD5", "value": hashlib.md5(speakers.getvalue()).hexdigest()}},
        {"id": 203, "filename": "Raw_PDFs_1991-2022.tgz"},
    ], version=14), "application/json")
    site.add(f"{DATAVERSE}/api/access/datafile/201", corpus)
    site.add(f"{DATAVERSE}/api/access/datafile/202", speakers.getvalue())
    # Correlates of War and ATOP
    for name in ("states2016.csv", "majors2016.csv", "NMC-60-abridged.csv"):
        site.add(f"{COW}/{name}", (FIXTURES / "cow" / name).read_bytes(), "text/csv")
    site.add(f"{COW}/COW_Trade_4.0.zip", _zip(_tree(FIXTURES / "cow" / "COW_Trade_4.0", "COW_Trade_4.0/")))
    site.add(f"{COW}/version4.1_csv.zip", _zip(_tree(FIXTURES / "cow" / "version4.1_csv", "version4.1_csv/")))
    site.add(ATOP, _zip(_tree(FIXTURES / "atop", "ATOP 5.1 (.csv)/")))
    # repositories that publish compiled data: repository archives
    site.add(NY, _zip(_tree(FIXTURES / "github" / "new-year", "north-korea-new-years-speechs-dd3ae53/")))
    site.add(GDELT, _zip(gdelt_archive()))
    return site


def gdelt_archive() -> dict[str, bytes]:
    codes = (FIXTURES / "github" / "gdelt" / "country_codes_clean.csv").read_bytes()
    files = {"gdelt-graph-data-8b71911/country_codes_clean.csv": codes}
    nodes = ["CHN", "PRK", "RUS", "KOR", "USA"]
    rng = np.random.default_rng(7)
    for day in ("20180101", "20180102"):
        m = np.round(rng.normal(size=(5, 5)), 3)
        m = m + m.T
        m[3, 4] = m[4, 3] = 0.0  # a pair outside the triad that no triad row holds
        m[1, 3] = m[3, 1] = 0.0  # PRK-KOR absent that day: no row
        buf = io.BytesIO()
        np.save(buf, m)
        files[f"gdelt-graph-data-8b71911/networks/{day}_network.zip"] = _zip({f"{day}_network.npy": buf.getvalue()})
    assert len(nodes) == 5
    return files


if __name__ == "__main__":  # python tests/publisher_site.py: serve the fixtures until interrupted
    import sys
    import tempfile
    import time

    site = Site()
    httpd, _ = serve(site)
    build(site, Path(tempfile.mkdtemp()))
    print(f"export ALIGNWATCH_URL_REWRITE='{site.rewrite_rules()}'", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sys.exit(0)
