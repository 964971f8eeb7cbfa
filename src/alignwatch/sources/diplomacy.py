"""Correlates of War Diplomatic Exchange v2006.1: who had a mission at whose capital, and at what level
(MANIFEST section 11c).

Directed: every pair appears in both orders. ``DR_at_1`` is the level of ccode2's representation *at* ccode1's
capital, ``DR_at_2`` the level of ccode1's at ccode2's: 0 none, 1 chargé d'affaires, 2 minister, 3 ambassador,
9 other or unknown level. Observation years are irregular before 1844 and every five years after (1950-2005 in
steps of five): a year between observations is *not observed*, never 0 (the measure carries forward within a
stated gap). In 1950-1965 every present mission is coded 9 (the sources did not record the level).
"""

from __future__ import annotations

from . import catalogue
from .publishers import copy, read_member
from .base import CountryCol, Dataset

CITATION = (
    "Reşat Bayer (2006), 'Diplomatic Exchange Data set, v2006.1', Correlates of War Project; after J. David Singer "
    "and Melvin Small (1966), 'The Composition and Status Ordering of the International System: 1815-1940', World "
    "Politics 18(2): 236-282, and Melvin Small and J. David Singer (1973), 'The Diplomatic Importance of States, "
    "1816-1970: An Extension and Refinement of the Indicator', World Politics 25(4): 577-599"
)
LEVELS = frozenset({0, 1, 2, 3, 9})

DATASETS = [
    Dataset(
        table="cow_diplomatic_exchange",
        source="diplomacy",
        path="diplomacy/cow_diplomatic_exchange_2006v1.parquet",
        url="https://correlatesofwar.org/data-sets/diplomatic-exchange/",
        downloads=(catalogue.COW_DIPLOMATIC_EXCHANGE,
                   copy("https://github.com/chsuong/chronos_data_intro/raw/8310571ce73fa1e646651d1cb3d98543c394baba/"
                        "external_data/bayer_2006.zip", "zip", "GitHub chsuong/chronos_data_intro",
                        read=read_member("*Diplomatic_Exchange_2006v1.csv", "csv"))),
        citation=CITATION,
        columns={"ccode1": "int", "ccode2": "int", "year": "int", "DR_at_1": "int", "DR_at_2": "int", "DE": "int"},
        key=("ccode1", "ccode2", "year"),
        ranges={"year": (1816, 2005), "DE": (0, 1)},
        allowed={"DR_at_1": LEVELS, "DR_at_2": LEVELS},
        countries=(CountryCol("ccode1", "cow", out="iso3_1", year="year", nullable=False),
                   CountryCol("ccode2", "cow", out="iso3_2", year="year", nullable=False)),
        coverage="year",
        note="directed (both orders); DR_at_1 = level of ccode2's mission at ccode1's capital; 0 none, 1 chargé "
             "d'affaires, 2 minister, 3 ambassador, 9 other/unknown (every present mission in 1950-65); DE = 1 if "
             "either side is represented. Before 1985 non-resident accreditations count, from 1985 only resident "
             "ones. 38 observation years (1950-2005 every five). Mirror: GitHub chsuong/chronos_data_intro @ "
             "8310571ce73fa1e646651d1cb3d98543c394baba, external_data/bayer_2006.zip -> "
             "bayer_2006/Diplomatic_Exchange_2006v1.csv.",
    ),
]
