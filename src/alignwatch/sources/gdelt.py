"""GDELT daily dyad weights for PRK, CHN and RUS, 2018-01-01 to 2024-02-23 (MANIFEST section 9d).

Each row is an undirected country pair on one day with a non-zero weight (pairs within the triad are ordered
CHN-PRK, CHN-RUS, PRK-RUS; self-pairs are kept). ``edge_weight`` is a custom Goldstein/tone intensity, not an event
count, and depends on media volume: compare it with the dyad's own history. A pair absent on a day means 0; about
96 days have no file at all (those are missing, not 0).
"""

from __future__ import annotations

from .base import CountryCol, Dataset

_REPO = "gzemo/gdelt-graph-data"
_COMMIT = "8b719115c084afada0325538dc13c1b8fb75e578"
CITATION = (
    "The GDELT Project, GDELT 2.0 Event Database (Kalev Leetaru and Philip A. Schrodt (2013), 'GDELT: Global Data on "
    "Events, Location and Tone, 1979-2012', ISA Annual Convention); daily country graphs from GitHub "
    "gzemo/gdelt-graph-data"
)

DATASETS = [
    Dataset(
        table="ev_gdelt_daily",
        source="gdelt",
        path="events/gdelt_graph_daily_prk_chn_rus_2018_2024.parquet",
        url=f"https://github.com/{_REPO}/archive/{_COMMIT}.zip",
        original="zip",
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
