"""North Korean state media: KCNA headlines 1997-2014 and story texts 2011-2012 (Xavier Marquez's scrape of
kcna.co.jp), and the New Year addresses 1946-2019 in Korean (MANIFEST section 6).

Headlines mix English and Spanish (filter on ``english``); their ``date`` is the index date. The story dates were
broken in the source .rda files and were re-derived from ``index_link`` when the mirror was built (one 2012 story has
none). New Year texts for 1995-2012 are joint newspaper editorials, not speeches; 2013-2019 are Kim Jong Un's.
"""

from __future__ import annotations

import pandas as pd

from .base import Dataset
from .publishers import publisher, read_rdata, texts

_KCNA = "https://github.com/xmarquez/KCNA/raw/ba82fadc306ff79bcf974c490907f4c029bb3b81"
_NY_REPO = "e9t/north-korea-new-years-speechs"
_NY_COMMIT = "dd3ae53ce957508fe21a50c070ac1924f7de0b9d"
CITATION_KCNA = (
    "Korean Central News Agency (kcna.co.jp), headlines and stories scraped by Xavier Marquez (R package KCNA, "
    "GitHub xmarquez/KCNA, GPL-3)"
)
CITATION_NY = (
    "North Korean New Year addresses and joint editorials 1946-2019 (Korean texts), compiled by Park, Park & Jo "
    "(2015), Korean Political Science Review 49(2); GitHub e9t/north-korea-new-years-speechs (CC0)"
)
_KCNA_PUBLISHER = "Xavier Marquez, R package KCNA (GitHub xmarquez/KCNA; scraped from kcna.co.jp)"
_NY_PUBLISHER = "Park, Park & Jo, north-korea-new-years-speechs (GitHub e9t; CC0)"


def _stories_with_dates(paths) -> pd.DataFrame:
    """The package's story table, its broken dates (1970-01-01 in the .rda) re-derived from the index page
    (``.../item/2011/201112/2011-12-01ee.html``), as the mirror's were."""
    df = read_rdata(paths[0]).copy()
    day = df["index_link"].astype("string").str.extract(r"(\d{4}-\d{2}-\d{2})[a-z]*\.html?$")[0]
    df["date"] = pd.to_datetime(day, errors="coerce", format="%Y-%m-%d").dt.date
    return df


def _new_year_texts(paths) -> pd.DataFrame:
    """The repository archive's ``data/YYYY.txt`` files -> one row per year."""
    rows = [{"year": int(m["year"]), "text": text, "n_chars": len(text)}
            for m, _, text in texts(paths[0], "*/data/*.txt", r"(?P<year>\d{4})\.txt")]
    return pd.DataFrame(rows).sort_values("year").reset_index(drop=True)


_STORY_COLS = {"date": "date", "title": "str", "language": "str", "story": "str", "index_link": "str"}


def _stories(year: int, rows_note: str) -> Dataset:
    return Dataset(
        table=f"kcna_stories_{year}",
        source="kcna",
        path=f"kcna/stories_{year}.parquet",
        url="https://github.com/xmarquez/KCNA",
        downloads=(publisher(f"{_KCNA}/data/KCNA_{year}.rda", "rda", _KCNA_PUBLISHER, read=_stories_with_dates),),
        citation=CITATION_KCNA,
        columns=_STORY_COLS,
        allowed={"language": frozenset({"en", "es"})},
        coverage="date",
        note=f"full story texts, {rows_note}; date re-derived from index_link (broken in the source).",
        duplicates="the KCNA index lists some stories twice on one day; kept as in the source",
    )


DATASETS = [
    Dataset(
        table="kcna_headlines",
        source="kcna",
        path="kcna/headlines_1997_2014.parquet",
        url="https://github.com/xmarquez/KCNA",
        downloads=(publisher(f"{_KCNA}/data/headlines.rda", "rda", _KCNA_PUBLISHER),),
        citation=CITATION_KCNA,
        columns={"date": "date", "title": "str", "english": "bool", "english_prob": "float", "story_link": "str",
                 "index_link": "str"},
        ranges={"english_prob": (0, 1)},
        coverage="date",
        note="English and Spanish headlines (filter on english); date = index date; story_link repeats.",
        duplicates="the KCNA index lists some headlines twice on one day; kept as in the source",
    ),
    _stories(2011, "2011"),
    _stories(2012, "Jan-Nov 2012 (one story without a date)"),
    Dataset(
        table="kcna_new_year",
        source="kcna",
        path="kcna/nk_new_year_addresses_1946_2019.parquet",
        url=f"https://github.com/{_NY_REPO}",
        downloads=(publisher(f"https://github.com/{_NY_REPO}/archive/{_NY_COMMIT}.zip", "zip", _NY_PUBLISHER,
                             read=_new_year_texts),),
        citation=CITATION_NY,
        columns={"year": "int", "text": "str", "n_chars": "int"},
        key=("year",),
        ranges={"year": (1946, 2100), "n_chars": (0, None)},
        coverage="year",
        note="original: data/YYYY.txt (one file per year) in the repository archive; Korean UTF-8 text; no 1957. "
             "1995-2012 are joint newspaper editorials, 2013-2019 Kim Jong Un's addresses.",
    ),
]
