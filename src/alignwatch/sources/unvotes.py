"""UN General Assembly roll-call votes (Voeten, Strezhnev & Bailey), as packaged by the R package ``unvotes``.

Three tidy tables (votes without absences, roll calls, issue codes) and the raw table that keeps absent (8) and
non-member (9) codes. The tidy votes' ``country_code`` is NA for three historical states, so canonical ISO3 is
taken from the country *name*; "Taiwan" there is the ROC holding the China seat until 1971 (ISO3 TWN). Names label
seats, not governments: "Yugoslavia" votes after 2006-06-05 are Serbia's, so each vote is re-resolved through its
COW code on the roll call's date (which the tidy votes lack, so it is joined from the roll calls).
"""


import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import DataError
from .base import CountryCol, Dataset, _lookup, locate
from .publishers import copy, dataverse, read_rdata


def _seat_holder_on_vote_date(tbl: pa.Table) -> pa.Table:
    """Add the roll call's ``date`` and re-resolve ISO3 through the COW seat on that date (YUG -> SRB from 2006)."""
    from .. import states

    rc = pq.read_table(locate(next(d for d in DATASETS if d.table == "unga_roll_calls")), columns=["rcid", "date"])
    date = pc.take(rc["date"], pc.index_in(tbl["rcid"], rc["rcid"]))
    iso = tbl["iso3"].to_pandas()
    cow = states.table().dropna(subset=["cow_num"]).groupby("iso3")["cow_num"].last()
    codes = iso.map(cow)
    when = pd.Series(date.to_pandas())
    has = (codes.notna() & when.notna()).to_numpy()
    # each distinct (seat, date) pair is resolved once, then spread back over the votes
    idx, iso_u = _lookup(codes[has].astype("int64").reset_index(drop=True), "cow",
                         when[has].reset_index(drop=True))
    again = iso_u[idx]
    out = iso.to_numpy(dtype=object).copy()
    resolved = np.array([a is not None for a in again], dtype=bool)
    out[np.flatnonzero(has)[resolved]] = again[resolved]
    tbl = tbl.append_column("date", date)
    return tbl.set_column(tbl.column_names.index("iso3"), "iso3", pa.array(out.tolist(), pa.string()))


# The publisher: Voeten, Strezhnev & Bailey on Harvard Dataverse (doi:10.7910/DVN/LEJUQZ = hdl:1902.1/12379), whose
# R data file holds one data frame, ``completeVotes``: one row per (roll call, country) with the vote (1 yes,
# 2 abstain, 3 no, 8 absent, 9 not a member), the COW code and the roll call's description and issue flags. The
# unvotes package builds its three tidy tables from it (data-raw/un-data.R); the readers below do the same.
DOI = "10.7910/DVN/LEJUQZ"
PAGE = f"https://doi.org/{DOI}"
PUBLISHER = "Erik Voeten, Anton Strezhnev and Michael Bailey (Harvard Dataverse)"
_UNVOTES_FILE = r"^UNVotes[^/]*\.(RData|rda)$"
_REPO = "https://github.com/dgrtwo/unvotes/raw/7eb7034314ff79c49c9e0785fcd9d216fa04cf14"
_COPY = "GitHub dgrtwo/unvotes (R package unvotes)"
ISSUES = {"me": "Palestinian conflict", "nu": "Nuclear weapons and nuclear material", "di": "Arms control and "
          "disarmament", "hr": "Human rights", "co": "Colonialism", "ec": "Economic development"}
_VOTE_WORDS = {1: "yes", 2: "abstain", 3: "no"}
_RC_COLS = ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr"]


def _complete_votes(paths) -> pd.DataFrame:
    df = read_rdata(paths[0])
    missing = [c for c in ("rcid", "ccode", "vote", "session", "date", "year") if c not in df.columns]
    if missing:
        raise DataError(paths[0], f"column {missing[0]!r} missing; expected Voeten's completeVotes (rcid, ccode, "
                        "vote, session, date, year, ...)", column=missing[0])
    return df


def _from_voeten_votes(paths) -> pd.DataFrame:
    return tidy_votes(_complete_votes(paths))


def tidy_votes(df: pd.DataFrame) -> pd.DataFrame:
    """The tidy votes (yes/abstain/no only), named as the unvotes package names them: country and ISO2 code."""
    from .. import states

    df = df[pd.to_numeric(df["vote"], errors="coerce").isin([1, 2, 3])]
    iso = pd.Series(states.to_iso3(df["ccode"].astype("Int64").to_numpy(dtype=object), scheme="cow",
                                   years=df["year"].astype("Int64").to_numpy(dtype=object)), index=df.index)
    tbl = states.table().drop_duplicates("iso3", keep="last").set_index("iso3")
    names = {c: states.name(c) for c in iso.dropna().unique()}
    return pd.DataFrame({
        "rcid": df["rcid"].astype("int64"), "country": iso.map(names),
        "country_code": iso.map(tbl["iso2"]), "vote": pd.to_numeric(df["vote"]).astype(int).map(_VOTE_WORDS),
    })


def _from_voeten_roll_calls(paths) -> pd.DataFrame:
    df = _complete_votes(paths)
    return df[[c for c in _RC_COLS if c in df.columns]].drop_duplicates("rcid").sort_values("rcid")


def _from_voeten_issues(paths) -> pd.DataFrame:
    df = _complete_votes(paths).drop_duplicates("rcid")
    long = df[["rcid", *ISSUES]].melt(id_vars="rcid", var_name="short_name", value_name="flag")
    long = long[pd.to_numeric(long["flag"], errors="coerce") == 1]
    return long.assign(issue=long["short_name"].map(ISSUES))[["rcid", "short_name", "issue"]].sort_values(
        ["rcid", "short_name"])


def _from_voeten_raw(paths) -> pd.DataFrame:
    df = _complete_votes(paths)
    cols = ["rcid", "session", "vote", "ccode", "member", "importantvote", "date", "unres", *ISSUES, "year"]
    return df[[c for c in cols if c in df.columns]]


def _downloads(read, copy_path: str) -> tuple:
    return (dataverse(DOI, _UNVOTES_FILE, "rda", PUBLISHER, read=read),
            copy(f"{_REPO}/{copy_path}", "rda", _COPY))


CITATION = (
    "Erik Voeten, Anton Strezhnev and Michael Bailey, 'United Nations General Assembly Voting Data', "
    "Harvard Dataverse, hdl:1902.1/12379; packaged by David Robinson (R package unvotes)"
)

DATASETS = [
    Dataset(
        table="unga_votes",
        source="unvotes",
        path="unvotes/votes.parquet",
        url=PAGE,
        downloads=_downloads(_from_voeten_votes, "data/un_votes.rda"),
        citation=CITATION,
        columns={"rcid": "int", "country": "str", "country_code": "str", "vote": "str"},
        key=("rcid", "country"),
        allowed={"vote": frozenset({"yes", "abstain", "no"})},
        countries=(CountryCol("country", "name", out="iso3", nullable=False),),
        transform=lambda t: _seat_holder_on_vote_date(t),
    ),
    Dataset(
        table="unga_roll_calls",
        source="unvotes",
        path="unvotes/roll_calls.parquet",
        url=PAGE,
        downloads=_downloads(_from_voeten_roll_calls, "data/un_roll_calls.rda"),
        citation=CITATION,
        columns={"rcid": "int", "session": "int", "importantvote": "int", "date": "date", "unres": "str",
                 "short": "str", "descr": "str"},
        key=("rcid",),
        ranges={"session": (1, 200), "importantvote": (0, 1)},
        coverage="date",
    ),
    Dataset(
        table="unga_issues",
        source="unvotes",
        path="unvotes/roll_call_issues.parquet",
        url=PAGE,
        downloads=_downloads(_from_voeten_issues, "data/un_roll_call_issues.rda"),
        citation=CITATION,
        columns={"rcid": "int", "short_name": "str", "issue": "str"},
        key=("rcid", "short_name"),
        allowed={"short_name": frozenset({"me", "nu", "di", "hr", "co", "ec"})},
    ),
    Dataset(
        table="unga_votes_raw",
        source="unvotes",
        path="unvotes/raw/UNVotesPublished.parquet",
        url=PAGE,
        downloads=_downloads(_from_voeten_raw, "data-raw/UNVotesPublished.RData"),
        citation=CITATION,
        columns={"rcid": "int", "session": "int", "vote": "int", "ccode": "int", "date": "date",
                 "importantvote": "int", "year": "int",
                 "me": "int", "nu": "int", "di": "int", "hr": "int", "co": "int", "ec": "int"},
        key=("rcid", "ccode"),
        allowed={"vote": frozenset({1, 2, 3, 8, 9})},
        countries=(CountryCol("ccode", "cow", out="iso3", year="year", nullable=False),),
        coverage="year",
        note="vote: 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member",
    ),
]
