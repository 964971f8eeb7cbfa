"""UN General Assembly voting beyond Voeten's roll calls: the UN Digital Library's recorded votes 1946-2025,
Voeten's ideal points to 2024, and every 2025 GA/SC recorded vote.

The roll calls of ``unvotes`` end in January 2020. Four files cover what they lack (MANIFEST sections 9a, 9b, 10):

* ``undl_ga_votes``: one row per member state listed on a recorded (adopted) GA resolution of the UN Digital
  Library, 1946-01-26 to 2025-10-29 (2025 incomplete); ``vote`` Y / N / A, or X = listed without a vote (present
  but not voting, or absent). A state that was not a member is not listed. ``undl_records``: one row per UN DL
  voting record (GA and SC), including the records without a roll call.

* ``unga_idealpoints_voeten``: country-year ideal points (Bailey, Strezhnev & Voeten), July 2025 release. ``year`` is
  the session's first calendar year; a higher ideal point is closer to the US position. Not roll-call data.
* ``unga_votes_2025``: the UN Digital Library voting records of calendar 2025 as scraped by 3DL, stored wide (one
  column per member, named by ISO3). The transform makes it long: one row per (record, member) with ``vote`` in
  yes/no/abstain or NULL (not voting; for Security Council rows also "not a Council member").

Both GA vote tables get a ``session`` column at ingest (:func:`ga_session`), so that session years need no parsing
when votes are read.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import catalogue, undl
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

CITATION_UNDL = (
    "United Nations Dag Hammarskjöld Library, voting records, digitallibrary.un.org (© United Nations; "
    "non-commercial use with attribution), as crawled by Vadim Rudakov, 'UN votes database', "
    "github.com/lefthand67/un_votes (2024-2025); rebuilt from the crawler's logs (MANIFEST section 10)"
)
# the crawler's full build of 12-14 March 2024 (later monthly updates are in logs_update/scrapy.log); the per-record
# origin is https://digitallibrary.un.org/record/<id_record>
UNDL_NOTE = (
    "rebuilt from the crawler's debug logs (scrapy.zip and 17 versions of logs_update/scrapy.log, de-duplicated by "
    "UN DL record id; MANIFEST section 10), so fetch cannot rebuild it: use the mirror. "
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


# ------------------------------------------------------------------------------------------------ GA sessions

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_REGULAR = re.compile(r"^A/(?:RES|DEC)/(?:(\d+)/|\d+\s*\(([IVXLC]+)\))")
SESSION_OPENS = (9, 9)  # (month, day): a record dated on or after 9 September belongs to the session opened then


def _roman(s: str) -> int:
    vals = [_ROMAN[c] for c in s]
    return sum(-v if i + 1 < len(vals) and v < vals[i + 1] else v for i, v in enumerate(vals))


def ga_session(symbol, date) -> np.ndarray:
    """The GA session of each record: from the symbol of a regular-session resolution (``A/RES/76/262``,
    ``A/RES/2758(XXVI)``), else (emergency and special sessions: ``A/RES/ES-11/1``, ``A/RES/1000(ES-I)``,
    ``A/RES/S-6/1``) from the date: session ``year - 1945`` from 9 September, ``year - 1946`` before (at least 1).

    Emergency and special sessions are counted in the regular session during which they met, as Voeten's data do.
    """
    codes, uniq = pd.factorize(pd.Series(symbol).astype("string").to_numpy(dtype=object, na_value=None))
    parsed = np.full(len(uniq) + 1, -1, dtype=np.int64)  # the last slot: a missing symbol
    for i, u in enumerate(uniq):
        m = _REGULAR.match(str(u))
        if m:
            parsed[i] = int(m.group(1)) if m.group(1) else _roman(m.group(2))
    out = parsed[np.where(codes >= 0, codes, len(uniq))]
    d = pd.DatetimeIndex(pd.to_datetime(date))
    late = (d.month > SESSION_OPENS[0]) | ((d.month == SESSION_OPENS[0]) & (d.day >= SESSION_OPENS[1]))
    by_date = np.maximum(np.where(late, d.year - 1945, d.year - 1946), 1)
    return np.where(out > 0, out, by_date).astype(np.int16)


# ------------------------------------------------------------------------------------------- UN Digital Library

UNDL_VOTES = frozenset({"Y", "N", "A", "X"})
UNDL_COLUMNS = {"id_record": "int", "resolution_symbol": "str", "vote_date": "date", "country": "str",
                "ms_code": "str", "vote": "str", "title": "str", "meeting_record": "str", "agenda": "str"}


def china_switch() -> pd.Timestamp:
    """The day the PRC took the China seat (GA resolution 2758), from the state table."""
    from .. import states

    t = states.table()
    return pd.Timestamp(pd.to_datetime(t.loc[t["iso3"] == "CHN", "un_start"]).dropna().min())


def undl_votes(tbl: pa.Table, *, ga: bool = True) -> pa.Table:
    """Tidy the UN DL vote rows (GA or SC) after validation: votes upper-cased (Y/N/A/X; the source has a few
    lower-case typos), the China seat by date, a calendar ``year`` and, for the GA, a ``session`` column.

    China: whoever the file names, a vote for the China seat before 25 October 1971 is the Republic of China's
    (``TWN``) and after it the People's Republic's (``CHN``); on the day itself the file's code is kept (the ROC is
    listed, not voting, on resolution 2758).
    """
    vote = pc.utf8_upper(tbl["vote"])
    bad = pc.and_(pc.is_valid(vote), pc.invert(pc.is_in(vote, pa.array(sorted(UNDL_VOTES)))))  # NA: unknown vote
    if pc.any(bad).as_py():
        i = int(pc.index(bad, True).as_py())
        raise RowProblem(f"unknown vote {tbl['vote'][i].as_py()!r}; expected Y, N, A or X (listed, not voting)",
                         row=i, column="vote")
    date = pc.cast(tbl["vote_date"], pa.timestamp("s"))
    if date.null_count:
        raise RowProblem("missing vote date; expected a date", row=int(pc.index(pc.is_null(date), True).as_py()),
                         column="vote_date")
    switch = pa.scalar(china_switch().to_pydatetime(), pa.timestamp("s"))
    iso = tbl["iso3"]
    china = pc.is_in(iso, pa.array(["CHN", "TWN"]))
    iso = pc.if_else(pc.and_(china, pc.less(date, switch)), "TWN",
                     pc.if_else(pc.and_(china, pc.greater(date, switch)), "CHN", iso))
    out = tbl.set_column(tbl.column_names.index("vote"), "vote", vote)
    out = out.set_column(out.column_names.index("iso3"), "iso3", iso)
    out = out.append_column("year", pc.cast(pc.year(date), pa.int16()))
    if ga:  # one session per record, spread over its rows
        rec = tbl["id_record"].to_numpy()
        _, first, inv = np.unique(rec, return_index=True, return_inverse=True)
        sess = ga_session(tbl["resolution_symbol"].take(pa.array(first)).to_pandas(),
                          date.take(pa.array(first)).to_pandas())
        out = out.append_column("session", pa.array(sess[inv]))
    return out


def _undl_ga(tbl: pa.Table) -> pa.Table:
    return undl_votes(tbl, ga=True)


def _undl_sc(tbl: pa.Table) -> pa.Table:
    return undl_votes(tbl, ga=False)


def undl_dataset(table: str, source: str, path: str, note: str, *, ga: bool = True) -> Dataset:
    """The declaration shared by the GA and SC vote files of the UN Digital Library (same layout and quirks)."""
    return Dataset(
        table=table, source=source, path=path, url=undl.GA_PAGE if ga else undl.SC_PAGE,
        downloads=(catalogue.UNDL_GA_VOTES if ga else catalogue.UNDL_SC_VOTES,), citation=CITATION_UNDL,
        columns=UNDL_COLUMNS, key=("id_record", "ms_code"),
        allowed={"vote": frozenset(UNDL_VOTES | {v.lower() for v in UNDL_VOTES})},
        ranges={"id_record": (1, None)},
        countries=(CountryCol("ms_code", "iso3", out="iso3", nullable=False),),
        coverage="vote_date", transform=_undl_ga if ga else _undl_sc, note=UNDL_NOTE + note,
    )


# --------------------------------------------------------------------------------------------- 3DL 2025 file


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
    res = tbl[column_of["resolution"]].to_numpy(zero_copy_only=False)
    out["session"] = pa.array(np.repeat(ga_session(res, tbl[column_of["date"]].to_pandas()), m))
    return pa.table(out)


DATASETS = [
    undl_dataset(
        "undl_ga_votes", "unga_recent", "unga_recent/undl_ga_votes_1946_2025.parquet",
        "One row per member listed on a recorded GA resolution (adopted resolutions only; a few separate votes on "
        "parts). vote Y/N/A or X = listed without a vote; not listed = not a member. 2025 is incomplete (34 records; "
        "unga_votes_2025 has the year). iso3: China seat by date (TWN to 1971-10-25); USSR = RUS; session parsed "
        "from the symbol (emergency/special sessions: by date); year = calendar year.",
    ),
    Dataset(
        table="undl_records",
        source="unga_recent",
        path="unga_recent/undl_records_1946_2025.parquet",
        url=undl.GA_PAGE,
        downloads=(catalogue.UNDL_RECORDS,),
        citation=CITATION_UNDL,
        columns={"id_record": "int", "body": "str", "resolution_symbol": "str", "vote_date": "date", "title": "str",
                 "recorded": "bool", "n_countries": "int", "scraped_at": "str", "source_log": "str"},
        key=("id_record",),
        allowed={"body": frozenset({"GA", "SC"})},
        ranges={"id_record": (1, None), "n_countries": (0, 200)},
        coverage="vote_date",
        note=UNDL_NOTE + "One row per UN DL voting record (GA and SC); recorded = False: no country votes listed "
                         "(adopted without a vote, or not recorded). scraped_at and source_log give each record's "
                         "crawl.",
    ),
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
