"""UN General Assembly roll-call votes (Voeten, Strezhnev & Bailey), as packaged by the R package ``unvotes``.

Three tidy tables (votes without absences, roll calls, issue codes) and the raw table that keeps absent (8) and
non-member (9) codes. The tidy votes' ``country_code`` is NA for three historical states, so canonical ISO3 is
taken from the country *name*; "Taiwan" there is the ROC holding the China seat until 1971 (ISO3 TWN).
"""

from .base import CountryCol, Dataset

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
