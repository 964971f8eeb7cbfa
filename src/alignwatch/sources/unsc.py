"""UN Security Council: vetoes 1946-2022, meetings and actions 1946-2019, failed drafts with per-member votes
1947-2022, per-member votes on every draft put to a vote 1994-May 2025 (MANIFEST sections 3 and 9c), and the UN
Digital Library's per-member votes on every adopted resolution 1946-2025 (``undl_sc_votes``, section 10c).

Transforms (only where the manifest describes a quirk):

* ``unsc_failed_drafts_votes`` reads the same file as ``unsc_failed_drafts`` and unpacks its Python-list cells
  (``['Poland', 'Russian Federation']``) into one row per (draft, member). Names there are standardised to current
  names, so "Russian Federation" also stands for the USSR; "China" before 1971 is the Republic of China (``TWN``).
* ``unsc_member_votes`` renames the xlsx headers to snake_case and lowercases the vote. Its ``date`` is a heuristic
  repair of day/month swaps: join on ``draft``/``resolution``, not on dates.
* ``undl_sc_votes`` has the layout of the GA file (``unga_recent.undl_votes``): vote Y / N / A / X, the China seat
  by date (``TWN`` to 25 October 1971), USSR = ``RUS``. 42 records list every member with X: resolutions adopted
  without a vote, not absences. Where it and ``unsc_member_votes`` disagree, the measures prefer it (the rule is in
  ``alignwatch.measures.unsc``).
"""

from __future__ import annotations

import ast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .base import CountryCol, Dataset, RowProblem
from ..errors import DataError
from .publishers import copy, read_any
from .unga_recent import undl_dataset

_VETO = "https://github.com/world-politics-datalab/vetoes-un-security-council/raw/661c5246872143cf16e500e4e7f2f70a45df5ac8"
_TONG = "https://github.com/emilytong123/unsc_for_us/raw/6346d1c963be416b1ffe358b7c5b193a7bc201fe"
_AGENT = "https://github.com/oliverunv/Voting-Agent/raw/b4aa6cb1ae64c2c8e2799fd22278bbd72a9a2ceb"

CITATION_VETOES = (
    "Carlos L. Yordan / World Politics Datalab, 'Vetoes in the United Nations Security Council, 1946-2022', from the "
    "UN Dag Hammarskjöld Library veto list (GitHub world-politics-datalab/vetoes-un-security-council, MIT)"
)
CITATION_MEETINGS = (
    "United Nations Security Council, 'Meetings conducted / actions taken by the Security Council' tables "
    "(un.org), as scraped in GitHub emilytong123/unsc_for_us"
)
CITATION_FAILED = (
    "United Nations Security Council meeting records: votes on failed draft resolutions, hand-entered in GitHub "
    "emilytong123/unsc_for_us (cleaned_data_unsc.xlsx)"
)
CITATION_MEMBERS = (
    "United Nations Security Council voting records 1994-2025 (UN meeting records / UN Digital Library), compiled "
    "for the 'UNSC Voting Explorer' in GitHub oliverunv/Voting-Agent (data/sc_voting.xlsx)"
)

# The UN publishes these as web pages only (the Dag Hammarskjöld Library's veto list and meeting tables; its
# voting-data CSV, record 4055387, has adopted resolutions only): the compilations below are their only files.
_VETO_PAGE = "https://research.un.org/en/docs/sc/quick/veto"
_QUICK = "https://research.un.org/en/docs/sc/quick"
_TONG_COPY = "GitHub emilytong123/unsc_for_us"
_NOTE_WEB = "the UN publishes this as web pages only"
ROC_LAST_YEAR = 1970  # the PRC took the China seat on 25 Oct 1971; the two 1971 failed drafts are from December
_MEMBERS = ("China", "France", "Russia", "USSR", "USA", "UK")
_DUMMIES = ("single_veto", *_MEMBERS, "russia_china", "usa_uk", "usa_france", "usa_france_uk", "france_uk")
_LISTS = (("In Favor", "yes"), ("Abstain", "abstain"), ("Against", "no"))


def _failed_long(tbl: pa.Table) -> pa.Table:
    """One row per (failed draft, member) from the Python-list cells In Favor / Abstain / Against."""
    from .. import states

    draft = tbl["Voting On"].to_pylist()
    meeting = tbl["Meeting Number"].to_pylist()
    year = tbl["Year"].to_pylist()
    rows: list[tuple] = []  # (source row, column, name, vote)
    for col, vote in _LISTS:
        for i, cell in enumerate(tbl[col].to_pylist()):
            if cell is None:
                continue
            try:
                names = ast.literal_eval(cell)
            except (ValueError, SyntaxError):
                names = None
            if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
                raise RowProblem(f"cell {cell!r} is not a list of member names; expected e.g. ['China', 'France']",
                                 row=i, column=col)
            rows.extend((i, col, n.strip(), vote) for n in names)
    rows.sort(key=lambda r: (r[0], [c for c, _ in _LISTS].index(r[1])))
    src = np.array([r[0] for r in rows], dtype=np.int64)
    names = np.array([r[2] for r in rows], dtype=object)
    years = np.array([year[i] for i in src], dtype=object)
    iso = np.asarray(states.to_iso3(names, scheme="name", years=years), dtype=object)
    bad = np.flatnonzero(pd.isna(iso))
    if bad.size:
        k = int(bad[0])
        raise RowProblem(f"unknown member state {names[k]!r}; expected a name alignwatch.states can resolve",
                         row=rows[k][0], column=rows[k][1])
    roc = (iso == "CHN") & np.array([y is not None and y <= ROC_LAST_YEAR for y in years])
    iso[roc] = "TWN"
    return pa.table({
        "draft": pa.array([draft[i] for i in src], type=pa.string()),
        "meeting": pa.array([meeting[i] for i in src], type=pa.int64()),
        "year": pa.array(years.tolist(), type=pa.int64()),
        "member": pa.array(names.tolist(), type=pa.string()),
        "iso3": pa.array(iso.tolist(), type=pa.string()),
        "vote": pa.array([r[3] for r in rows], type=pa.string()),
        "source_row": pa.array(src, type=pa.int64()),
    })


_MEMBER_RENAME = {
    "Year": "year", "date_raw": "date_raw", "Resolution": "resolution", "Meeting": "meeting", "Draft": "draft",
    "Agenda item": "agenda_item", "Category": "category", "Region": "region", "Submitted by": "submitted_by",
    "Outcome results": "outcome", "Vote": "vote", "Member State": "member_state", "ID": "draft_id",
    "Membership_Status": "membership_status", "Topic": "topic", "date": "date", "date_swapped": "date_swapped",
}


def _repair_dates(paths) -> pd.DataFrame:
    """The Voting-Agent workbook with its day/month swaps repaired (MANIFEST 9c): drafts are numbered in
    chronological order, so an ambiguous date (day <= 12, day != month) is swapped when the swapped date lies
    nearer the line through its unambiguous neighbours. ``date_raw`` keeps the workbook's value."""
    return repair_dates(read_any(paths[0], "xlsx"), paths[0])


def repair_dates(df: pd.DataFrame, path="sc_voting.xlsx") -> pd.DataFrame:
    """See :func:`_repair_dates` (a workbook already read)."""
    col = next((c for c in df.columns if str(c).strip().lower() in ("date", "date_raw")), None)
    if col is None or "ID" not in df.columns:
        raise DataError(path, "expected columns ID and Date (the Voting-Agent sc_voting workbook)",
                        column="ID" if "ID" in df.columns else "Date")
    df = df.rename(columns={col: "date_raw"})
    df["date_raw"] = pd.to_datetime(df["date_raw"], errors="coerce")
    per = df.groupby("ID")["date_raw"].first().sort_index()
    day, month = per.dt.day, per.dt.month
    ambiguous = (day <= 12) & (day != month)
    ordinal = per.map(lambda d: d.toordinal() if pd.notna(d) else np.nan).astype(float)
    pos = np.arange(len(per), dtype=float)
    known = (~ambiguous & ordinal.notna()).to_numpy()
    ref = np.interp(pos, pos[known], ordinal.to_numpy()[known]) if known.any() else ordinal.to_numpy()

    def swap(d):
        try:
            return d.replace(month=d.day, day=d.month)
        except (ValueError, AttributeError):
            return pd.NaT

    alt = per.where(ambiguous).map(lambda d: swap(d) if pd.notna(d) else pd.NaT)
    alt_ord = alt.map(lambda d: d.toordinal() if pd.notna(d) else np.nan).astype(float).to_numpy()
    better = ambiguous.to_numpy() & ~np.isnan(alt_ord) & (np.abs(alt_ord - ref) < np.abs(ordinal.to_numpy() - ref))
    fixed = per.where(~better, alt)
    df["date"] = df["ID"].map(fixed)
    df["date_swapped"] = df["ID"].map(pd.Series(better, index=per.index))
    return df


def _member_votes(tbl: pa.Table) -> pa.Table:
    tbl = tbl.rename_columns([_MEMBER_RENAME.get(c, c) for c in tbl.column_names])
    return tbl.set_column(tbl.column_names.index("vote"), "vote", pc.utf8_lower(tbl["vote"]))


DATASETS = [
    undl_dataset(
        "undl_sc_votes", "unsc", "unsc/undl_sc_votes_adopted_1946_2025.parquet",
        "One row per Council member listed on an adopted resolution, 1946-01-25 to 2025-10-31 (892 resolutions before "
        "1994); vetoed and failed drafts are not included. vote Y/N/A or X (listed without a vote: an absent or "
        "non-participating member; all 15 X = adopted without a vote). iso3: China seat by date; USSR = RUS.",
        ga=False,
    ),
    Dataset(
        table="unsc_vetoes",
        source="unsc",
        path="unsc/vetoes_1946_2022.parquet",
        url=_VETO_PAGE,
        downloads=(copy(f"{_VETO}/unsc_vetoes_1946_sept2022.csv", "csv",
                        "GitHub world-politics-datalab/vetoes-un-security-council", note=_NOTE_WEB),),
        citation=CITATION_VETOES,
        columns={"year": "int", "date": "date", "month": "int", "draft": "str", "meeting_record": "str",
                 "agenda_item": "str", "crisis_topic": "str", "region": "str", "member_veto1": "str",
                 "member_veto2": "str", "member_veto3": "str", **{c: "int" for c in _DUMMIES},
                 "multiple_vetoes": "float"},
        ranges={"month": (1, 12), "single_veto": (0, 1), "multiple_vetoes": (0, 1), **{c: (0, 1) for c in _MEMBERS}},
        countries=tuple(CountryCol(f"member_veto{k}", "name", out=f"iso3_veto{k}", year="year") for k in (1, 2, 3)),
        coverage="date",
        note="one row per vetoed draft (draft is not unique: 1946-47 rows carry the meeting symbol for several "
             "drafts). China = PRC vetoes only; USSR and Russia are separate columns. Ends 8 Jul 2022. The combination "
             "dummies are not range-checked: usa_uk is 2 in one row (S/10928, 1973; 1 intended).",
        duplicates="two identical rows are two vetoes: the list has two USSR vetoes at S/PV.49 (26 June 1946, "
                   "the Spanish question)",
    ),
    Dataset(
        table="unsc_meetings_1946_2019",
        source="unsc",
        path="unsc/meetings_1946_2019.parquet",
        url=_QUICK,
        downloads=(copy(f"{_TONG}/sample_1946_2019.xlsx", "xlsx", _TONG_COPY, note=_NOTE_WEB),),
        citation=CITATION_MEETINGS,
        columns={"year": "int", "date": "str", "topics": "str", "result": "str"},
        ranges={"year": (1946, 2100)},
        coverage="year",
        note="date is day and month as text ('19 December'); result is free text ('adopted unanimously').",
        duplicates="one row per meeting: several meetings on one day and topic are identical rows",
    ),
    Dataset(
        table="unsc_meetings_2000_2019",
        source="unsc",
        path="unsc/meetings_2000_2019.parquet",
        url=_QUICK,
        downloads=(copy(f"{_TONG}/sample_2000_2019.xlsx", "xlsx", _TONG_COPY, note=_NOTE_WEB),),
        citation=CITATION_MEETINGS,
        columns={"year": "int", "date": "str", "topics": "str", "result": "str"},
        ranges={"year": (1946, 2100)},
        coverage="year",
        note="result is free text: the resolution symbol followed by the yes-no-abstain tally.",
        duplicates="one row per meeting: several meetings on one day and topic are identical rows",
    ),
    Dataset(
        table="unsc_failed_drafts",
        source="unsc",
        path="unsc/failed_drafts_votes_1947_2022.parquet",
        url=_QUICK,
        downloads=(copy(f"{_TONG}/cleaned_data_unsc.xlsx", "xlsx", _TONG_COPY, note=_NOTE_WEB),),
        citation=CITATION_FAILED,
        columns={"Meeting Number": "int", "Voting On": "str", "Year": "int", "Submitted By": "str",
                 "In Favor": "str", "Abstain": "str", "Against": "str", "For,Abstain,Against": "str"},
        ranges={"Year": (1946, 2100)},
        coverage="Year",
        note="wide, as in the source: member lists are Python-list strings (see unsc_failed_drafts_votes). Failed "
             "drafts only, mostly those without enough votes; (meeting, draft) repeats once (S/2017/962).",
    ),
    Dataset(
        table="unsc_failed_drafts_votes",
        source="unsc",
        path="unsc/failed_drafts_votes_1947_2022.parquet",
        url=_QUICK,
        downloads=(copy(f"{_TONG}/cleaned_data_unsc.xlsx", "xlsx", _TONG_COPY, note=_NOTE_WEB),),
        citation=CITATION_FAILED,
        columns={"Meeting Number": "int", "Voting On": "str", "Year": "int", "In Favor": "str", "Abstain": "str",
                 "Against": "str"},
        ranges={"Year": (1946, 2100)},
        coverage="year",
        transform=_failed_long,
        note="long: one row per (failed draft row, member); vote yes/abstain/no; member = name as in the source "
             "(standardised to current names: 'Russian Federation' also for the USSR); iso3 canonical, China "
             "1946-1970 = TWN; source_row = row of the wide table.",
    ),
    Dataset(
        table="unsc_member_votes",
        source="unsc",
        path="unsc/sc_votes_by_member_1994_2025.parquet",
        url="https://github.com/oliverunv/Voting-Agent",
        downloads=(copy(f"{_AGENT}/data/sc_voting.xlsx", "xlsx", "GitHub oliverunv/Voting-Agent",
                        read=_repair_dates, note=_NOTE_WEB),),
        citation=CITATION_MEMBERS,
        columns={"Year": "int", "date_raw": "datetime", "Resolution": "str", "Meeting": "str", "Draft": "str",
                 "Agenda item": "str", "Category": "str", "Region": "str", "Submitted by": "str",
                 "Outcome results": "str", "Vote": "str", "Member State": "str", "ID": "int",
                 "Membership_Status": "str", "Topic": "str", "date": "datetime", "date_swapped": "bool"},
        ranges={"Year": (1946, 2100)},
        allowed={"Vote": frozenset({"Yes", "No", "Abstain"})},
        countries=(CountryCol("Member State", "name", out="iso3", year="Year", nullable=False),),
        coverage="year",
        transform=_member_votes,
        note="columns renamed to snake_case, vote lowercased (yes/no/abstain). (draft_id, member_state) is not "
             "unique (5 conflicting repeats); 10 failed drafts of 1995-99 appear under two IDs. date is a heuristic "
             "day/month repair: join on draft or resolution, not on dates.",
    ),
]
