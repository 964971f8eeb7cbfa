"""Recent UN General Assembly voting: Voeten's ideal points to 2024 and every 2025 GA/SC recorded vote.

The roll calls of ``unvotes`` end in 2019-20. Two files bridge the gap (MANIFEST section 9a/9b):

* ``unga_idealpoints_voeten``: country-year ideal points (Bailey, Strezhnev & Voeten), July 2025 release. ``year`` is
  the session's first calendar year; a higher ideal point is closer to the US position. Not roll-call data.
* ``unga_votes_2025``: the UN Digital Library voting records of calendar 2025 as scraped by 3DL, stored wide (one
  column per member, named by ISO3). The transform makes it long: one row per (record, member) with ``vote`` in
  yes/no/abstain or NULL (not voting; for Security Council rows also "not a Council member").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from . import undl
from .base import CountryCol, Dataset, RowProblem
from .publishers import copy, dataverse

CITATION_IDEAL = (
    "Michael A. Bailey, Anton Strezhnev and Erik Voeten (2017), 'Estimating Dynamic State Preferences from United "
    "Nations Voting Data', Journal of Conflict Resolution 61(2); data: Erik Voeten, Anton Strezhnev and Michael "
    "Bailey, 'United Nations General Assembly Voting Data', Harvard Dataverse, hdl:1902.1/12379 (ideal points, "
    "July 2025 release)"
)
CITATION_2025 = (
    "United Nations Digital Library, voting records 2025 (© United Nations; non-commercial use with attribution), "
    "scraped by the Data Driven Decision Lab (3DL) un-digital-library-scraper; processed file from GitHub "
    "HZloto/unga-2025 (topic and geography tags are LLM-made)"
)

_IDEAL = "https://github.com/lucasbuildsapps/Masterthesis/raw/00de4ce7f259894dd3f9c1ea7006b192be4dcb74"
_UNGA25 = "https://github.com/HZloto/unga-2025/raw/46fa27efae8b05d522b89bbdcdcd564a96e49cef"

# the non-member columns of the wide 2025 file; every other column is a member state named by ISO3
_META = {
    "Link": "link", "token": "token", "Scrape_Year": "scrape_year", "Title": "title", "Council": "council",
    "Resolution": "resolution", "country": "subject_country", "subregion": "subject_subregion",
    "continent": "subject_continent", "Date": "date", "YES COUNT": "yes_count", "NO COUNT": "no_count",
    "ABSTAIN COUNT": "abstain_count", "NO-VOTE COUNT": "novote_count", "TOTAL VOTES": "total_votes", "tags": "tags",
}
_VOTES = {"YES": "yes", "NO": "no", "ABSTAIN": "abstain"}


def _votes_long(tbl: pa.Table) -> pa.Table:
    """Wide (one ISO3 column per member) -> long (one row per record and member)."""
    from .. import states

    members = [c for c in tbl.column_names if c not in _META]
    iso = states.to_iso3(np.array(members, dtype=object), scheme="iso3")
    for name, code in zip(members, iso):
        if pd.isna(code):
            raise RowProblem(
                "column is neither a known field nor a member state's ISO3 code; expected one column per member, "
                "named by ISO3", column=name,
            )
    n, m = tbl.num_rows, len(members)
    cells = pd.Series(tbl.select(members).to_pandas().to_numpy(dtype=object).reshape(-1))  # record-major
    present = cells.notna().to_numpy()
    votes = cells.where(present).astype("string").str.strip().str.upper().map(_VOTES)
    bad = np.flatnonzero(present & votes.isna().to_numpy())
    if bad.size:
        k = int(bad[0])
        raise RowProblem(
            f"unknown vote {cells.iloc[k]!r}; expected YES, NO, ABSTAIN or empty (not voting)",
            row=k // m, column=members[k % m],
        )
    rec = pa.array(np.repeat(np.arange(n), m))
    column_of = {dst: src for src, dst in _META.items()}

    def repeat(name: str) -> pa.Array:
        return tbl[column_of[name]].combine_chunks().take(rec)

    out = {k: repeat(k) for k in ("resolution", "date", "council", "title", "link")}
    out["iso3"] = pa.array(np.tile(np.asarray(iso, dtype=object), n), type=pa.string())
    out["vote"] = pa.array(votes.to_numpy(dtype=object, na_value=None), type=pa.string())
    out.update({k: repeat(k) for k in ("yes_count", "no_count", "abstain_count", "novote_count")})
    return pa.table(out)


DATASETS = [
    Dataset(
        table="unga_idealpoints_voeten",
        source="unga_recent",
        path="unga_recent/voeten_idealpoints_1946_2024.parquet",
        url="https://doi.org/10.7910/DVN/LEJUQZ",
        downloads=(
            dataverse("10.7910/DVN/LEJUQZ", r"^Idealpoints[^/]*\.dta$", "dta",
                      "Michael Bailey, Anton Strezhnev and Erik Voeten (Harvard Dataverse)"),
            copy(f"{_IDEAL}/IdealpointsJuly2025.dta", "dta", "GitHub lucasbuildsapps/Masterthesis"),
        ),
        citation=CITATION_IDEAL,
        columns={"ccode": "int", "iso3c": "str", "countryname": "str", "year": "int",
                 "idealpointfp": "float", "idealpointall": "float", "idealpointlegacy": "float",
                 "nvotesfp": "float", "nvotesall": "float", "q5fp": "float", "q95fp": "float"},
        key=("ccode", "year"),
        ranges={"year": (1946, 2100), "nvotesfp": (0, None), "nvotesall": (0, None)},
        countries=(CountryCol("ccode", "cow", out="iso3", year="year", nullable=False),),
        coverage="year",
        note="year = first calendar year of the session; higher = closer to the US; the 'all' series ends in 2023 "
             "(NaN for 2024). iso3c repeats for historical states, so the key is (ccode, year).",
    ),
    Dataset(
        table="unga_votes_2025",
        source="unga_recent",
        path="unga_recent/undl_3dl_votes_2025_wide.parquet",
        url=undl.GA_PAGE,
        downloads=(
            undl.ga_sc(undl.read_wide_year(2025)),
            copy(f"{_UNGA25}/data/un_votes_2025_processed.csv", "csv", "GitHub HZloto/unga-2025 (3DL scrape)"),
        ),
        citation=CITATION_2025,
        columns={"Link": "str", "token": "int", "Title": "str", "Council": "str", "Resolution": "str",
                 "Date": "datetime", "YES COUNT": "int", "NO COUNT": "int", "ABSTAIN COUNT": "int",
                 "NO-VOTE COUNT": "int", "TOTAL VOTES": "int"},
        key=("resolution", "iso3"),
        allowed={"Council": frozenset({"General Assembly", "Security Council"})},
        ranges={"YES COUNT": (0, 193), "NO COUNT": (0, 193), "ABSTAIN COUNT": (0, 193), "NO-VOTE COUNT": (0, 193)},
        coverage="date",
        transform=_votes_long,
        note="long: one row per (record, member ISO3); vote yes/no/abstain, NULL = not voting (SC rows: also not a "
             "Council member). AFG and VEN have no column in the source (no recorded votes in 2025).",
    ),
]
