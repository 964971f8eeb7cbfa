"""GDELT daily dyad weights for PRK, CHN and RUS, 2018-01-01 to 2024-02-23 (MANIFEST section 9d).

Each row is an undirected country pair on one day with a non-zero weight (pairs within the triad are ordered
CHN-PRK, CHN-RUS, PRK-RUS; self-pairs are kept). ``edge_weight`` is a custom Goldstein/tone intensity, not an event
count, and depends on media volume: compare it with the dyad's own history. A pair absent on a day means 0; about
96 days have no file at all (those are missing, not 0).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import CountryCol, Dataset
from .publishers import archive_member, archive_members, copy

_REPO = "gzemo/gdelt-graph-data"
_COMMIT = "8b719115c084afada0325538dc13c1b8fb75e578"
CITATION = (
    "The GDELT Project, GDELT 2.0 Event Database (Kalev Leetaru and Philip A. Schrodt (2013), 'GDELT: Global Data on "
    "Events, Location and Tone, 1979-2012', ISA Annual Convention); daily country graphs from GitHub "
    "gzemo/gdelt-graph-data"
)

TRIAD = ("CHN", "PRK", "RUS")


def _daily_graphs(paths) -> pd.DataFrame:
    """The repository archive -> daily dyad weights of PRK, CHN and RUS.

    Each ``networks/YYYYMMDD_network.zip`` holds one symmetric 249 x 249 ``.npy`` matrix whose node order is the
    rows of ``country_codes_clean.csv`` (tab-separated) with an ``Alpha3_code``. Every non-zero cell in a triad
    member's row is kept once per undirected pair (triad pairs ordered CHN-PRK, CHN-RUS, PRK-RUS; self-pairs kept).
    """
    _, codes_raw = archive_member(paths[0], "*country_codes_clean.csv")
    codes = pd.read_csv(io.BytesIO(codes_raw), sep="\t", dtype=str)
    if "Alpha3_code" not in codes.columns:
        raise DataError(paths[0], "country_codes_clean.csv has no Alpha3_code column", column="Alpha3_code")
    nodes = codes["Alpha3_code"].dropna().str.strip().tolist()
    rows = {c: nodes.index(c) for c in TRIAD if c in nodes}
    out = []
    for name, read in archive_members(paths[0], "*networks/*_network.zip"):
        day = pd.Timestamp(name.rsplit("/", 1)[-1][:8])
        try:
            mat = np.load(io.BytesIO(archive_member_bytes(read(), "*.npy")), allow_pickle=False)
        except (ValueError, OSError) as e:
            raise DataError(paths[0], f"{name}: not a readable daily matrix: {e}") from None
        if mat.ndim != 2 or mat.shape != (len(nodes), len(nodes)):
            raise DataError(paths[0], f"{name}: expected a {len(nodes)} x {len(nodes)} matrix")
        for a, i in rows.items():
            for j in np.flatnonzero(mat[i]):
                b = nodes[j]
                if b in rows and b < a:
                    continue  # the pair was taken from the other triad member's row
                out.append((day, a, b, float(mat[i, j])))
    if not out:
        raise DataError(paths[0], "no networks/YYYYMMDD_network.zip inside; expected the daily graphs")
    return pd.DataFrame(out, columns=["date", "iso3_a", "iso3_b", "edge_weight"])


def archive_member_bytes(data: bytes, pattern: str) -> bytes:
    """The first member matching ``pattern`` of a zip held in memory (the daily graphs are zips in a zip)."""
    import fnmatch
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for n in zf.namelist():
            if fnmatch.fnmatch(n, pattern):
                return zf.read(n)
    raise ValueError(f"no {pattern} inside")


DATASETS = [
    Dataset(
        table="ev_gdelt_daily",
        source="gdelt",
        path="events/gdelt_graph_daily_prk_chn_rus_2018_2024.parquet",
        url=f"https://github.com/{_REPO}",
        downloads=(copy(f"https://github.com/{_REPO}/archive/{_COMMIT}.zip", "zip", f"GitHub {_REPO}",
                        read=_daily_graphs,
                        note="derived from GDELT 2.0 event exports (data.gdeltproject.org/gdeltv2/*.export.CSV.zip, "
                             "96 files a day); rebuilding it from the publisher means ~200,000 downloads"),),
        citation=CITATION,
        columns={"date": "datetime", "iso3_a": "str", "iso3_b": "str", "edge_weight": "float"},
        key=("date", "iso3_a", "iso3_b"),
        countries=(CountryCol("iso3_a", "iso3", out="iso3_a", year="date", nullable=False),
                   CountryCol("iso3_b", "iso3", out="iso3_b", year="date", nullable=False)),
        coverage="date",
        note="original: networks/YYYYMMDD_network.zip (2,149 daily 249x249 numpy matrices, node order in "
             "country_codes_clean.csv) in the repository archive; only the PRK, CHN and RUS rows were kept.",
    ),
]
