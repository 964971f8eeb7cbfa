"""The UN Digital Library's voting data: the publisher's downloads and readers that other connectors declare.

The Dag Hammarskjöld Library publishes two CSVs, updated several times a year, one row per member state per
adopted resolution: General Assembly voting data (record 4060887; version 5 of Feb 2026 runs to resolution
80/246) and Security Council voting data (record 4055387; version 6 of Feb 2026 runs to resolution 2815). Each
record's files are date-stamped (``2026_02_06_ga_voting.csv``); :func:`~.download.undl_file` picks the newest
through the library's file API. Columns (the records' data dictionaries): undl_id, ms_code, ms_name, ms_vote (Y,
N, A, X = non-voting), date, resolution, draft, meeting, title (GA) / description (SC), agenda_title (GA) / agenda
(SC), committee_report (GA), subjects, vote_note, modality, total_yes, total_no, total_abstentions,
total_non_voting, total_ms, undl_link, permanent_member (SC), session (GA). © United Nations; non-commercial use
with attribution.

This module declares no dataset of its own: connectors pass ``downloads=(ga_sc(read_wide_year(2025)),)`` and the
like. The readers give the layouts of the tables that connectors validate (``unga_votes_2025`` and the
``undl_*`` tables of MANIFEST section 10).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import DataError
from .download import Remote, undl_file
from .publishers import Download, read_undl

PUBLISHER = "UN Dag Hammarskjöld Library (UN Digital Library voting data)"
GA_PAGE = "https://digitallibrary.un.org/record/4060887"
SC_PAGE = "https://digitallibrary.un.org/record/4055387"
GA = Remote(GA_PAGE, resolve=undl_file(r"_ga_voting\.csv$"))
SC = Remote(SC_PAGE, resolve=undl_file(r"_sc_voting\.csv$"))
CITATION_GA = ("United Nations Dag Hammarskjöld Library, General Assembly Voting Data, United Nations, downloaded "
               f"from {GA_PAGE} (© United Nations; non-commercial use with attribution)")
CITATION_SC = ("United Nations Dag Hammarskjöld Library, Security Council Voting Data, United Nations, downloaded "
               f"from {SC_PAGE} (© United Nations; non-commercial use with attribution)")
PRC_SEAT = dt.date(1971, 10, 25)  # GA resolution 2758: before it the China seat was the ROC's (TWN)


def ga(read) -> Download:
    return Download((GA,), "csv", PUBLISHER, read)


def sc(read) -> Download:
    return Download((SC,), "csv", PUBLISHER, read)


def ga_sc(read) -> Download:
    """Both files, read together (the GA file first)."""
    return Download((GA, SC), "csv", PUBLISHER, read)


def _both(paths) -> pd.DataFrame:
    frames = []
    for path, body in zip(paths, ("GA", "SC")):
        df = read_undl(path)
        df["body"] = body
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _dates(df: pd.DataFrame, path) -> pd.Series:
    d = pd.to_datetime(df["date"], errors="coerce", format="mixed")
    bad = df["date"].notna() & d.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(path, f"value {df['date'].iloc[i]!r} is not a date", row=i + 2, column="date")
    return d


def _col(df: pd.DataFrame, *names: str) -> pd.Series:
    for n in names:
        if n in df.columns:
            return df[n]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _seat(codes: pd.Series, dates: pd.Series) -> pd.Series:
    """The China seat before 25 Oct 1971 was the Republic of China's: code it TWN, never join it onto the PRC."""
    roc = (codes == "CHN") & (dates.dt.date < PRC_SEAT)
    return codes.mask(roc, "TWN")


def read_wide_year(year: int):
    """Reader: GA and SC records of one calendar year in the wide layout of ``unga_votes_2025`` (one column per
    member, named by ISO3, holding YES / NO / ABSTAIN, empty when not voting)."""
    def read(paths) -> pd.DataFrame:
        df = _both(paths)
        df["date"] = _dates(df, paths[0])
        df = df[df["date"].dt.year == year]
        if df.empty:
            raise DataError(paths[0], f"no voting record dated {year}; expected the year's GA and SC votes")
        df["_vote"] = df["ms_vote"].map({"Y": "YES", "N": "NO", "A": "ABSTAIN"})
        wide = df.pivot_table(index="undl_id", columns="ms_code", values="_vote", aggfunc="first")
        first = df.drop_duplicates("undl_id").set_index("undl_id")
        n = lambda c: pd.to_numeric(_col(first, c), errors="coerce").astype("Int64")  # noqa: E731
        meta = pd.DataFrame({
            "Link": _col(first, "undl_link").fillna(pd.Series(
                [f"{GA_PAGE.rsplit('/', 1)[0]}/{i}" for i in first.index], index=first.index)),
            "token": pd.to_numeric(pd.Series(first.index, index=first.index), errors="coerce").astype("Int64"),
            "Title": _col(first, "title").fillna(_col(first, "description")),
            "Council": first["body"].map({"GA": "General Assembly", "SC": "Security Council"}),
            "Resolution": first["resolution"], "Date": first["date"],
            "YES COUNT": n("total_yes"), "NO COUNT": n("total_no"), "ABSTAIN COUNT": n("total_abstentions"),
            "NO-VOTE COUNT": n("total_non_voting"), "TOTAL VOTES": n("total_ms"),
        }, index=first.index)
        out = meta.join(wide[sorted(c for c in wide.columns if isinstance(c, str) and len(c) == 3)])
        return out.sort_values(["Date", "Resolution"]).reset_index(drop=True)
    return read


def _votes_layout(df: pd.DataFrame, path) -> pd.DataFrame:
    d = _dates(df, path)
    return pd.DataFrame({
        "id_record": pd.to_numeric(df["undl_id"], errors="coerce").astype("Int64"),
        "resolution_symbol": df["resolution"], "vote_date": d.dt.date, "country": df["ms_name"],
        "ms_code": _seat(df["ms_code"], d), "vote": df["ms_vote"],
        "vote_raw": (df["ms_vote"].fillna("") + " " + df["ms_name"].fillna("")).str.strip(),
        "title": _col(df, "title").fillna(_col(df, "description")), "meeting_record": _col(df, "meeting"),
        "agenda": _col(df, "agenda_title", "agenda"), "committee_report": _col(df, "committee_report"),
    })


def read_ga_votes(paths) -> pd.DataFrame:
    """Reader: the GA file in the layout of ``undl_ga_votes_1946_2025`` (MANIFEST 10a)."""
    return _votes_layout(read_undl(paths[0]), paths[0])


def read_sc_votes(paths) -> pd.DataFrame:
    """Reader: the SC file in the layout of ``undl_sc_votes_adopted_1946_2025`` (MANIFEST 10c)."""
    return _votes_layout(read_undl(paths[0]), paths[0])


def read_records(paths) -> pd.DataFrame:
    """Reader: one row per voting record (GA and SC) in the layout of ``undl_records_1946_2025`` (10b).

    The library's CSVs list recorded votes, so every record here is ``recorded``; resolutions adopted without a
    vote are not in them (the crawled table of the mirror has them, with ``recorded`` False)."""
    df = _both(paths)
    d = _dates(df, paths[0])
    df = df.assign(_date=d.dt.date, _counted=df["ms_vote"].isin(["Y", "N", "A"]))
    g = df.groupby("undl_id", sort=False)
    first = g.first()
    return pd.DataFrame({
        "id_record": pd.to_numeric(first.index.to_series(), errors="coerce").astype("Int64").to_numpy(),
        "body": first["body"].to_numpy(), "resolution_symbol": first["resolution"].to_numpy(),
        "vote_date": first["_date"].to_numpy(),
        "title": _col(first, "title").fillna(_col(first, "description")).to_numpy(),
        "meeting_record": _col(first, "meeting").to_numpy(),
        "agenda": _col(first, "agenda_title").fillna(_col(first, "agenda")).to_numpy(),
        "committee_report": _col(first, "committee_report").to_numpy(),
        "recorded": g["_counted"].any().to_numpy(), "n_countries": g["ms_code"].count().astype("int16").to_numpy(),
        "scraped_at": None, "source_log": None,
    })
