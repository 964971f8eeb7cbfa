"""China Vitae: appearances of seven Chinese leaders 2003-2018 (Xi Jinping, Hu Jintao, Wen Jiabao, Li Keqiang,
Wang Yi, Yang Jiechi, Li Zhaoxing), one row per appearance that mentions a foreign country.

``country`` is a mention, not a trip destination: a meeting with a visitor in Beijing counts (MANIFEST section 5).
Xi appears only from 2013.
"""

from __future__ import annotations

from .base import CountryCol, Dataset
from .publishers import copy

_REPO = "https://github.com/gbwalker/chinese-diplomacy-and-financing/raw/7b8fd3f6c0686ac95266f6d487b95816239fde48"
CITATION = (
    "China Vitae (Carnegie Endowment for International Peace), leaders' appearances 2003-2018, scraped by G. B. "
    "Walker (GitHub gbwalker/chinese-diplomacy-and-financing, data/all_engagements_2003-2018.rds)"
)
LEADERS = frozenset({"Xi Jinping", "Hu Jintao", "Wen Jiabao", "Li Keqiang", "Wang Yi", "Yang Jiechi", "Li Zhaoxing"})

DATASETS = [
    Dataset(
        table="ev_chinavitae",
        source="chinavitae",
        path="events/chinavitae_engagements_2003_2018.parquet",
        url="http://www.chinavitae.com/",
        downloads=(copy(f"{_REPO}/data/all_engagements_2003-2018.rds", "rda",
                        "GitHub gbwalker/chinese-diplomacy-and-financing (scrape of China Vitae)",
                        note="China Vitae publishes web pages only"),),
        citation=CITATION,
        columns={"date": "date", "year": "int", "country": "str", "leader": "str", "text": "str"},
        ranges={"year": (2003, 2018)},
        allowed={"leader": LEADERS},
        countries=(CountryCol("country", "name", out="iso3", year="year", nullable=False),),
        coverage="date",
        note="country is a mention (meetings held in Beijing count), not a destination; original is an R .rds file.",
    ),
]
