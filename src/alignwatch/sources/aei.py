"""AEI / Heritage Foundation China Global Investment Tracker, 2005 - June 2018 (MANIFEST section 5).

One row per transaction; ``quantity_in_millions`` in US dollars; ``country`` is the host country.
"""

from __future__ import annotations

from .base import CountryCol, Dataset
from .publishers import copy

_COPY = "GitHub gbwalker/chinese-diplomacy-and-financing (2005 - June 2018 extract)"
_NOTE = "AEI publishes the tracker as an Excel file from its page, under a new file name each release"
_REPO = "https://github.com/gbwalker/chinese-diplomacy-and-financing/raw/7b8fd3f6c0686ac95266f6d487b95816239fde48"
CITATION = (
    "American Enterprise Institute and The Heritage Foundation, China Global Investment Tracker (Derek Scissors); "
    "via GitHub gbwalker/chinese-diplomacy-and-financing (data/investdf.rds)"
)

DATASETS = [
    Dataset(
        table="ev_aei_investment",
        source="aei",
        path="events/aei_china_global_investment_2005_2018.parquet",
        url="https://www.aei.org/china-global-investment-tracker/",
        downloads=(copy(f"{_REPO}/data/investdf.rds", "rda", _COPY, note=_NOTE),),
        citation=CITATION,
        columns={"country": "str", "date": "date", "chinese_entity": "str", "transaction_party": "str",
                 "quantity_in_millions": "int", "sector": "str", "subsector": "str", "share_size": "str",
                 "region": "str", "bri": "int"},
        ranges={"quantity_in_millions": (0, None), "bri": (0, 1)},
        countries=(CountryCol("country", "name", out="iso3", year="date", nullable=False),),
        coverage="date",
        note="one row per transaction; bri = 1 for Belt and Road projects; date is the month (first of month).",
    ),
]
