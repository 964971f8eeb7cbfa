"""China's and Russia's customs figures for their trade with the DPRK after 2014, one cited row per figure.

No public series file holds China–DPRK or Russia–DPRK trade after COW ends (2014): the General Administration
of Customs of China (GACC) publishes monthly country tables that news agencies and research institutes quote, and
Russia's customs figures reach the press through TASS, KBS, VOA or Kremlin officials. ``trade_prk_customs.csv``
(shipped in ``alignwatch/data``) transcribes those reports: one row per published figure (a year, a month, or a
year to date), with the outlet, publication date, URL, a confidence grade, and whether the value was reported or
derived (from a stated growth rate or a difference). Two reports of the same figure are two rows; they are never
averaged, and ``alignwatch.measures.trade.customs_crosscheck`` shows where they, the monthly figures and the annual
totals disagree. Flows are from the reporter's side: ``exports`` are China's (or Russia's) exports to the DPRK.

The table is compiled for alignwatch, so there is no file to download (``url=None``); it ships with the package,
so ``path`` is the packaged file's absolute path (a mirror or cache root joined with an absolute path is the path
itself). Every row cites its own source.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pyarrow as pa

from .base import CountryCol, Dataset, RowProblem

FILE = "trade_prk_customs.csv"
REPORTERS = {"GACC": "CHN", "RU_customs": "RUS"}
PERIODS = frozenset({"annual", "month", "ytd"})
FLOWS = frozenset({"exports", "imports", "total", "balance"})
CITATION = (
    "alignwatch curated customs table trade_prk_customs.csv (compiled 2026 from reports of China's General "
    "Administration of Customs and of Russian customs statistics by Reuters, Yonhap, VOA, KBS, Global Times, TASS, "
    "Kyodo, AFP, NK News and others); each row cites its own source"
)
_PUBLISHED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def packaged_path() -> Path:
    return Path(str(resources.files("alignwatch.data").joinpath(FILE)))


def check_rows(tbl: pa.Table) -> pa.Table:
    """Row rules the declarative checks cannot express: month against period, reporter against its state,
    non-negative values (a balance may be negative), a positive precision and an ISO publication date."""
    d = tbl.select(["reporter", "reporter_state", "period", "month", "flow", "value", "precision",
                    "published"]).to_pylist()
    for i, r in enumerate(d):
        if REPORTERS[r["reporter"]] != r["reporter_state"]:
            raise RowProblem(f"reporter {r['reporter']} reports for {REPORTERS[r['reporter']]}, not "
                             f"{r['reporter_state']}", row=i, column="reporter_state")
        if (r["period"] == "annual") != (r["month"] is None):
            raise RowProblem("month must be blank for an annual figure and 1-12 for a month or a year to date",
                             row=i, column="month")
        if r["value"] is None or (r["flow"] != "balance" and r["value"] < 0):
            raise RowProblem("expected a value of at least 0 (USD million)", row=i, column="value")
        if r["precision"] is None or r["precision"] <= 0:
            raise RowProblem("expected the precision of the published figure (USD million, > 0)", row=i,
                             column="precision")
        if not _PUBLISHED.match(str(r["published"] or "")):
            raise RowProblem("expected the publication date as YYYY, YYYY-MM or YYYY-MM-DD", row=i,
                             column="published")
    return tbl


DATASETS = [
    Dataset(
        table="trade_prk_customs",
        source="trade_customs",
        path=str(packaged_path()),
        url=None,
        citation=CITATION,
        columns={"reporter": "str", "reporter_state": "str", "partner": "str", "year": "int", "period": "str",
                 "month": "int", "flow": "str", "value": "float", "precision": "float", "basis": "str",
                 "outlet": "str", "published": "str", "source": "str", "confidence": "str", "note": "str"},
        key=("reporter", "year", "period", "month", "flow", "source"),
        ranges={"year": (2000, 2100), "month": (1, 12)},
        allowed={"reporter": frozenset(REPORTERS), "period": PERIODS, "flow": FLOWS,
                 "basis": frozenset({"reported", "derived"}), "confidence": frozenset({"high", "medium", "low"})},
        countries=(CountryCol("reporter_state", "iso3", year="year", nullable=False),
                   CountryCol("partner", "iso3", year="year", nullable=False)),
        coverage="year",
        transform=check_rows,
        note="shipped with the package (alignwatch/data/trade_prk_customs.csv); flows from the reporter's side; "
             "one row per published figure, never merged.",
    ),
]
