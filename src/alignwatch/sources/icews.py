"""ICEWS directed dyad-year event counts 2002-2014, as packaged in the R package netify (MANIFEST section 5).

Country names are ICEWS-style, so canonical ISO3 comes from ``i_iso3c`` / ``j_iso3c`` (sender ``iso3_i``, target
``iso3_j``). Counts are raw event counts (verbal/material cooperation and conflict), not normalised for media volume.
"""

from __future__ import annotations

from .base import CountryCol, Dataset
from .publishers import copy

_REPO = "https://github.com/netify-dev/netify/raw/d0dceb6a666e013651d017c5f6a55a51fee7bff2"
CITATION = (
    "Elizabeth Boschee et al., ICEWS Coded Event Data, Harvard Dataverse, doi:10.7910/DVN/28075; dyad-year "
    "aggregate distributed with the R package netify (Cassy Dorff, Shahryar Minhas et al.; GPL-3)"
)
_COUNTS = ("verbCoop", "matlCoop", "verbConf", "matlConf")

DATASETS = [
    Dataset(
        table="ev_icews",
        source="icews",
        path="events/icews_dyad_year_2002_2014.parquet",
        url="https://doi.org/10.7910/DVN/28075",
        downloads=(copy(f"{_REPO}/data/icews.rda", "rda", "GitHub netify-dev/netify (dyad-year aggregate)",
                        note="the publisher's files are event-level (Harvard Dataverse doi:10.7910/DVN/28075)"),),
        citation=CITATION,
        columns={"i": "str", "j": "str", "year": "int", **{c: "float" for c in _COUNTS}, "i_iso3c": "str",
                 "j_iso3c": "str", "i_polity2": "float", "j_polity2": "float", "i_gdp": "float", "j_gdp": "float",
                 "i_pop": "float", "j_pop": "float"},
        key=("i_iso3c", "j_iso3c", "year"),
        ranges={"year": (1995, 2100), **{c: (0, None) for c in _COUNTS}},
        countries=(CountryCol("i_iso3c", "iso3", out="iso3_i", year="year", nullable=False),
                   CountryCol("j_iso3c", "iso3", out="iso3_j", year="year", nullable=False)),
        coverage="year",
        note="directed: i = source actor, j = target; raw event counts.",
    ),
]
