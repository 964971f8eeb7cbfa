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

from .base import CountryCol, Dataset, _lookup, locate


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


_REPO = "https://github.com/dgrtwo/unvotes/raw/7eb7034314ff79c49c9e0785fcd9d216fa04cf14"
CITATION = (
    "Erik Voeten, Anton Strezhnev and Michael Bailey, 'United Nations General Assembly Voting Data', "
    "Harvard Dataverse, hdl:1902.1/12379; packaged by David Robinson (R package unvotes)"
)

DATASETS = [
    Dataset(
        table="unga_votes",
        source="unvotes",
        path="unvotes/votes.parquet",
        url=f"{_REPO}/data/un_votes.rda",
        original="rda",
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
        url=f"{_REPO}/data/un_roll_calls.rda",
        original="rda",
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
        url=f"{_REPO}/data/un_roll_call_issues.rda",
        original="rda",
        citation=CITATION,
        columns={"rcid": "int", "short_name": "str", "issue": "str"},
        key=("rcid", "short_name"),
        allowed={"short_name": frozenset({"me", "nu", "di", "hr", "co", "ec"})},
    ),
    Dataset(
        table="unga_votes_raw",
        source="unvotes",
        path="unvotes/raw/UNVotesPublished.parquet",
        url=f"{_REPO}/data-raw/UNVotesPublished.RData",
        original="rda",
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
