"""The one reader of the curated chronology tables (``chr_*``, ingested by :mod:`alignwatch.sources.chronology`).

Every module that uses the chronology (the visits, positions, unsc and trade families, red lines, claims, the dyad
context behind ``periods``, the report and the dashboard) reads it here, so the tables' conventions are applied
once:

* party codes go through :mod:`alignwatch.states`: the chronology writes ``SUN`` for the USSR before 1992, and the
  state system holds the one rule that the Soviet Union and Russia are one state (COW/GW 365, ISO3 RUS, the USSR's
  UN seat continued). Code columns come back canonical (``SUN`` -> ``RUS``; ``;``-lists rejoined).
* :func:`events` is the dated list of what happened between whom (treaties, visits, Council decisions on the DPRK,
  DPRK tests) that periods are explained with.

The ``*_frame`` functions are pure (a raw table in, the canonical table out: tests hand in small frames); the
others read the warehouse (``wh.require`` first: a missing table is one clear WarehouseError).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import states
from .warehouse import Warehouse

SUMMITS = "chr_summits"
TREATIES = "chr_treaties"
UNSC_DPRK = "chr_unsc_dprk"
DPRK_TESTS = "chr_dprk_tests"
TRADE_PRK = "chr_trade_prk"
UNGA_UKRAINE = "chr_unga_ukraine"
PROPOSALS = "chr_proposals"
TABLES = (SUMMITS, TREATIES, UNSC_DPRK, DPRK_TESTS, TRADE_PRK, UNGA_UKRAINE, PROPOSALS)
SEP = ";"
EVERYONE = frozenset({"*"})  # an event about the DPRK as a whole (a test, a Council decision): every DPRK dyad
EVENT_COLUMNS = ["date", "year", "parties", "kind", "text", "source"]


# ------------------------------------------------------------------------------------------------ codes


def canonical(codes) -> np.ndarray:
    """ISO3 codes as the state system names the state (``SUN`` -> ``RUS``); a code it does not know is kept."""
    values = pd.Series(codes, dtype=object).to_numpy()
    stripped = np.array([v.strip() if isinstance(v, str) else None for v in values], dtype=object)
    if stripped.size == 0:
        return stripped
    out = states.to_iso3(stripped, scheme="iso3")
    return np.where(pd.isna(out), stripped, out)


def canonical_list(values) -> list[str | None]:
    """``;``-separated code lists (treaty parties, proposers) with each code canonical, in the order given."""
    out = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
            continue
        parts = [p.strip() for p in str(v).split(SEP) if p.strip()]
        out.append(SEP.join(dict.fromkeys(canonical(parts))))
    return out


def party_set(value) -> frozenset[str]:
    """The parties of a (canonical) ``;``-list as a set."""
    return frozenset(p for p in str(value).split(SEP) if p) if isinstance(value, str) else frozenset()


# ------------------------------------------------------------------------------------------- pure frames


def _canonical_columns(raw: pd.DataFrame, codes: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> pd.DataFrame:
    out = raw.copy()
    for c in codes:
        if c in out:
            out[c] = canonical(out[c])
    for c in lists:
        if c in out:
            out[c] = canonical_list(out[c])
    return out


def summits_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Visits and meetings with ``visitor_country`` and ``host_country`` canonical."""
    return _canonical_columns(raw, codes=("visitor_country", "host_country"))


def treaties_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Treaties with ``parties`` a canonical ``;``-list (``PRK;SUN`` -> ``PRK;RUS``)."""
    return _canonical_columns(raw, lists=("parties",))


def proposals_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Peace proposals with ``proposers`` a canonical ``;``-list (values that are not codes are kept for the
    positions family's own check to name)."""
    return _canonical_columns(raw, lists=("proposers",))


def trade_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The DPRK trade series with ``partner`` canonical."""
    return _canonical_columns(raw, codes=("partner",))


def _event_rows(df: pd.DataFrame, date: str, parties, kind: str, text) -> pd.DataFrame:
    """One table's rows as dated events: ``date`` as text (YYYY-MM-DD) and the row's own citation."""
    return pd.DataFrame({"date": df[date].astype(str).str[:10], "parties": parties, "kind": kind, "text": text,
                         "source": df["source"] if "source" in df else None})


def _dated(parts: list[pd.DataFrame], columns: list[str], by: list[str]) -> pd.DataFrame:
    """The tables' events in one frame, with ``year`` from the date, sorted by ``by`` (stable)."""
    df = (pd.concat(parts, ignore_index=True) if parts
          else pd.DataFrame(columns=["date", "parties", "kind", "text", "source"]))
    df.insert(1, "year", pd.to_numeric(df["date"].str[:4], errors="coerce").astype("Int64"))
    return df.sort_values(by, kind="stable").reset_index(drop=True)[columns]


def events_frame(treaties: pd.DataFrame | None = None, summits: pd.DataFrame | None = None,
                 unsc: pd.DataFrame | None = None, tests: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dated events from canonical tables: ``date`` (text, YYYY-MM-DD), ``year``, ``parties`` (a frozenset of
    ISO3, or :data:`EVERYONE` for an event about the DPRK as a whole), ``kind`` (treaty, visit, unsc, test),
    ``text`` and ``source`` (the row's own citation)."""
    part = _event_rows  # (table, date column, parties, kind, text)
    parts = []
    if treaties is not None:
        parts.append(part(treaties, "date_signed", treaties["parties"].map(party_set), "treaty",
                          "treaty: " + treaties["name"].astype(str)))
    if summits is not None:
        parties = [frozenset({str(v), str(h)}) for v, h in zip(summits["visitor_country"], summits["host_country"])]
        parts.append(part(summits, "date_start", parties, "visit", "visit: " + summits["visitor"].astype(str)
                          + " to " + summits["location_city"].astype(str)))
    if unsc is not None:
        parts.append(part(unsc, "date", [EVERYONE] * len(unsc), "unsc", "UNSC " + unsc["document"].astype(str)
                          + " (" + unsc["kind"].astype(str) + ")"))
    if tests is not None:
        t = tests[tests["kind"].isin(("nuclear_test", "icbm_test"))]
        parts.append(part(t, "date", [EVERYONE] * len(t), "test", t["kind"].str.replace("_", " ") + ": "
                          + t["name"].astype(str)))
    return _dated(parts, EVENT_COLUMNS, ["date"])


def events_of(events: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The events of one dyad: both states among the parties, or (for an event about the DPRK as a whole) the
    DPRK one of the two."""
    if events.empty:
        return events
    keep = [{a, b} <= p or (p == EVERYONE and "PRK" in (a, b)) for p in events["parties"]]
    return events[keep]


# ---------------------------------------------------------------------------------------- warehouse reads


def _read(wh: Warehouse, table: str, columns=None) -> pd.DataFrame:
    wh.require(table)
    return wh.df(table, columns)


def summits(wh: Warehouse) -> pd.DataFrame:
    """``chr_summits``: one row per visit or meeting, each cited (:func:`summits_frame`)."""
    return summits_frame(_read(wh, SUMMITS))


def treaties(wh: Warehouse) -> pd.DataFrame:
    """``chr_treaties``: treaties, declarations and joint statements, each cited (:func:`treaties_frame`)."""
    return treaties_frame(_read(wh, TREATIES))


def unsc_dprk(wh: Warehouse) -> pd.DataFrame:
    """``chr_unsc_dprk``: Council texts on the DPRK 1991-, with the CHN and RUS votes, each cited."""
    return _read(wh, UNSC_DPRK)


def dprk_tests(wh: Warehouse) -> pd.DataFrame:
    """``chr_dprk_tests``: nuclear tests and missile launches, each cited."""
    return _read(wh, DPRK_TESTS)


def trade_prk(wh: Warehouse, years: tuple[int, int] | None = None, *, partner: str | None = None,
              series: str | None = None, flow: str | None = None) -> pd.DataFrame:
    """``chr_trade_prk``: the DPRK's trade by partner and source series (never merged), optionally one partner,
    series or flow and a year range."""
    t = trade_frame(_read(wh, TRADE_PRK))
    keep = np.ones(len(t), dtype=bool)
    if years is not None:
        keep &= t["year"].between(*years).to_numpy()
    for col, want in (("partner", partner), ("source_series", series), ("flow", flow)):
        if want is not None:
            keep &= (t[col] == want).to_numpy()
    return t[keep].reset_index(drop=True)


def unga_ukraine(wh: Warehouse) -> pd.DataFrame:
    """``chr_unga_ukraine``: the GA votes on Ukraine with the votes of the bloc states, each cited."""
    return _read(wh, UNGA_UKRAINE)


def proposals(wh: Warehouse) -> pd.DataFrame:
    """``chr_proposals``: peace proposals, roadmaps and joint statements with each state's stance, each cited."""
    return proposals_frame(_read(wh, PROPOSALS))


def events(wh: Warehouse) -> pd.DataFrame:
    """Every dated chronology event in the warehouse (:func:`events_frame`); a table not ingested adds none."""
    return events_frame(**_ingested(wh, "treaties", "summits", "unsc", "tests"))


def _ingested(wh: Warehouse, *names: str) -> dict[str, pd.DataFrame | None]:
    """The chronology tables ``names`` (keyword names of :func:`events_frame` / :func:`timeline_frame`) read from
    the warehouse; None for a table not ingested."""
    readers = {"treaties": (TREATIES, treaties), "summits": (SUMMITS, summits), "unsc": (UNSC_DPRK, unsc_dprk),
               "tests": (DPRK_TESTS, dprk_tests), "ukraine": (UNGA_UKRAINE, unga_ukraine),
               "proposals": (PROPOSALS, proposals)}
    return {n: readers[n][1](wh) if wh.has(readers[n][0]) else None for n in names}


TIMELINE_COLUMNS = ["date", "year", "kind", "parties", "text", "source"]


def timeline_frame(treaties: pd.DataFrame | None = None, summits: pd.DataFrame | None = None,
                   unsc: pd.DataFrame | None = None, tests: pd.DataFrame | None = None,
                   ukraine: pd.DataFrame | None = None, proposals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every dated event of the chronology in one list (the dashboard's Timeline): treaties, visits and summits,
    Council texts (with the CHN and RUS votes; vetoed and failed drafts), every DPRK test and launch, the UNGA
    votes of note, and proposals. ``parties``: ISO3 codes joined by ``;`` ("" where the event is the DPRK's as a
    whole, as a test). Unlike :func:`events` (what explains a dyad's periods) nothing is left out. Pure."""
    part = _event_rows  # (table, date column, parties, kind, text)

    def joined(values) -> list[str]:
        return [SEP.join(sorted(party_set(v))) for v in values]

    parts = []
    if treaties is not None and len(treaties):
        parts.append(part(treaties, "date_signed", joined(treaties["parties"]), "treaty",
                          treaties["name"].astype(str)))
    if summits is not None and len(summits):
        parties = [SEP.join(sorted({str(v), str(h)})) for v, h in zip(summits["visitor_country"],
                                                                      summits["host_country"])]
        parts.append(part(summits, "date_start", parties, "visit", summits["visitor"].astype(str) + " to "
                          + summits["location_city"].astype(str)))
    if unsc is not None and len(unsc):
        votes = [f" (CHN {c}, RUS {r})" if isinstance(c, str) else "" for c, r in
                 zip(unsc.get("chn_vote", pd.Series([None] * len(unsc))),
                     unsc.get("rus_vote", pd.Series([None] * len(unsc))))]
        text = (unsc["document"].astype(str) + " " + unsc["kind"].astype(str).str.replace("_", " ") + ": "
                + unsc.get("trigger", pd.Series([""] * len(unsc))).fillna("").astype(str) + votes)
        parts.append(part(unsc, "date", "PRK", "unsc", text))
    if tests is not None and len(tests):
        parts.append(part(tests, "date", "PRK", "test", tests["kind"].astype(str).str.replace("_", " ") + ": "
                          + tests["name"].astype(str)))
    if ukraine is not None and len(ukraine):
        text = (ukraine["resolution"].astype(str) + " " + ukraine["title_short"].astype(str) + " (yes "
                + ukraine["yes"].astype(str) + ", no " + ukraine["no"].astype(str) + ", abstain "
                + ukraine["abstain"].astype(str) + ")")
        parts.append(part(ukraine, "date", "", "unga vote", text))
    if proposals is not None and len(proposals):
        parts.append(part(proposals, "date", joined(proposals["proposers"].fillna("")), "proposal",
                          proposals["title"].astype(str) + " (" + proposals["kind"].astype(str).str.replace("_", " ")
                          + ")"))
    return _dated(parts, TIMELINE_COLUMNS, ["date", "kind"])


def timeline(wh: Warehouse) -> pd.DataFrame:
    """Every dated chronology event in the warehouse (:func:`timeline_frame`); a table not ingested adds none."""
    return timeline_frame(**_ingested(wh, "treaties", "summits", "unsc", "tests", "ukraine", "proposals"))
