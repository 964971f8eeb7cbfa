"""UN General Debate Corpus (UNGDC) 1946-2024: one speech per country-year, and the speakers table.

Quirk handled here (MANIFEST section 2, corrected): the source labels the China seat ``CHN`` throughout, but speeches
from 1946 to 1971 were given by the Republic of China delegation. The manifest says "to 1970", but the 1971 debate
(September–October, before the seat changed hands on 25 Oct) was still the ROC's: the speaker is Chow Shu-kai and
the text speaks for "the Republic of China". The canonical ``iso3`` therefore reads ``TWN`` for those
years (never join ROC speeches onto the PRC); the source code is kept in ``iso3_source`` (speakers: ``iso_code``).
``RUS`` before 1991 is the USSR, as the state system treats it.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

import pandas as pd

from .base import CountryCol, Dataset
from .publishers import clean_names, copy, dataverse, read_as, texts

_REPO = "SarahFranzen/Emotions_in_the_United_Nations_General_Debates"
_COMMIT = "3b277c419f85fd6e1f14f69a5fd29a3a6b59fc96"
CITATION = (
    "Slava Jankin, Alexander Baturo and Niheer Dasandi, 'Words to unite nations: The complete UN General Debate "
    "Corpus, 1946-present', Journal of Peace Research; Alexander Baturo, Niheer Dasandi and Slava J. Mikhaylov "
    "(2017), 'Understanding State Preferences With Text As Data: Introducing the UN General Debate Corpus', "
    "Research & Politics; Harvard Dataverse doi:10.7910/DVN/0TJX8Y (CC0)"
)
DOI = "10.7910/DVN/0TJX8Y"
PUBLISHER = "Slava Jankin, Alexander Baturo and Niheer Dasandi (Harvard Dataverse)"
ROC_LAST_YEAR = 1971  # the 1971 general debate preceded the seat change of 25 Oct 1971: its China speech is the ROC's


def _roc(year: pa.ChunkedArray, iso3: pa.ChunkedArray) -> pa.ChunkedArray:
    is_roc = pc.and_(pc.equal(iso3, "CHN"), pc.less_equal(year, ROC_LAST_YEAR))
    return pc.if_else(is_roc, pa.scalar("TWN", pa.string()), iso3.cast(pa.string()))


def _speech_files(paths) -> pd.DataFrame:
    """The corpus archive (``UNGDC_1946-2025.tar.gz`` on Dataverse: ``TXT/Session NN - YYYY/ISO_NN_YYYY.txt``;
    the same tree in the GitHub copy's zip) -> one row per speech file."""
    rows = [
        {"year": int(m["year"]), "session": int(m["session"]), "iso3": m["iso"], "text": text,
         "n_chars": len(text), "source_file": name}
        for m, name, text in texts(paths[0], "*Session *", r"(?P<iso>[A-Z]{2,4})_(?P<session>\d+)_(?P<year>\d{4})\.txt")
    ]
    return pd.DataFrame(rows).sort_values(["year", "iso3"]).reset_index(drop=True)


def _speeches(tbl: pa.Table) -> pa.Table:
    canon = _roc(tbl["year"], tbl["_iso3"])
    i = tbl.column_names.index("iso3")
    tbl = tbl.rename_columns(["iso3_source" if c == "iso3" else c for c in tbl.column_names])
    tbl = tbl.drop_columns(["_iso3"]).add_column(i, "iso3", canon)
    cols = tbl.column_names
    cols.remove("iso3_source")
    cols.insert(cols.index("iso3") + 1, "iso3_source")
    return tbl.select(cols)


def _speakers(tbl: pa.Table) -> pa.Table:
    return tbl.set_column(tbl.column_names.index("iso3"), "iso3", _roc(tbl["year"], tbl["iso3"]))


DATASETS = [
    Dataset(
        table="ungdc_speeches",
        source="ungdc",
        path="ungdc/ungdc_1946_2024.parquet",
        url=f"https://doi.org/{DOI}",
        downloads=(
            dataverse(DOI, r"^UNGDC_1946-\d{4}\.(tar\.gz|tgz)$", "tar.gz", PUBLISHER, read=_speech_files),
            copy(f"https://github.com/{_REPO}/archive/{_COMMIT}.zip", "zip", f"GitHub {_REPO}", read=_speech_files),
        ),
        citation=CITATION,
        columns={"year": "int", "session": "int", "iso3": "str", "text": "str", "n_chars": "int",
                 "source_file": "str"},
        key=("year", "iso3"),
        ranges={"year": (1946, 2100), "session": (1, 200), "n_chars": (0, None)},
        countries=(CountryCol("iso3", "iso3", out="_iso3", nullable=False),),
        coverage="year",
        transform=_speeches,
        note="original: the text files TXT/Session NN - YYYY/ISO_NN_YYYY.txt in the corpus archive (one row per "
             "file). iso3 = canonical (CHN 1946-1971 -> TWN, the ROC delegation); "
             "iso3_source = the code in the file name.",
    ),
    Dataset(
        table="ungdc_speakers",
        source="ungdc",
        path="ungdc/speakers_by_session.parquet",
        url=f"https://doi.org/{DOI}",
        downloads=(
            dataverse(DOI, r"^Speakers_by_session\.xlsx$", "xlsx", PUBLISHER, read=clean_names(read_as("xlsx"))),
            copy(f"https://github.com/{_REPO}/raw/{_COMMIT}/data/data_original/Speakers_by_session.xlsx", "xlsx",
                 f"GitHub {_REPO}", read=clean_names(read_as("xlsx"))),
        ),
        citation=CITATION,
        columns={"year": "int", "session": "int", "iso_code": "str", "country": "str",
                 "name_of_person_speaking": "str", "post": "str"},
        ranges={"year": (1946, 2100), "session": (1, 200)},
        countries=(CountryCol("iso_code", "iso3", out="iso3", allow=frozenset({"EU", "EC"})),),
        coverage="year",
        duplicates="the source lists a few speakers twice in one session (1956, 1958); kept as published",
        transform=_speakers,
        note="(year, iso_code) is not unique: some sessions list two speakers for one state, and one row (League "
             "of Arab States, 1987) has no code. iso3 = canonical (CHN 1946-1971 -> TWN); post unreliable before 1994.",
    ),
]
