"""The two roll-call sets of the UN General Assembly, read from the warehouse as numbers.

The sets differ in what counts as a roll call, so they are two named series and are never spliced:

* ``undl`` (default): the UN Digital Library's recorded votes on **adopted resolutions**, 1946 to today
  (``undl_ga_votes``). Its 2025 is incomplete, so 2025 takes every General Assembly record of the 3DL scrape
  (``unga_votes_2025``); a record in both (same UN DL record id) is read from ``undl_ga_votes`` (it lists every
  member, non-voters included) under the 3DL symbol (the UN DL file has a provisional ``A/RES/79/XX``).
  ``X`` (listed without a vote) and a 3DL blank are absences. No issue codes, no important-vote flag.
* ``voeten``: Voeten, Strezhnev & Bailey's roll calls (``unga_votes``; ``unga_votes_raw`` with absences, to 2015),
  which also hold votes on amendments, paragraphs and failed drafts, to 14 January 2020. Issue codes and the US
  State Department's important votes.

A *topic* (:data:`TOPICS`) selects roll calls by symbol and title in either series, e.g. ``ukraine`` (the eleventh
emergency special session, ES-11, and every resolution on Ukraine or Crimea).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, UsageError
from ..warehouse import Warehouse

SERIES = ("undl", "voeten")
DEFAULT_SERIES = "undl"
SERIES_LABEL = {
    "undl": "UN Digital Library, adopted resolutions 1946-2025 (2025 with the 3DL scrape)",
    "voeten": "Voeten, Strezhnev & Bailey, all roll calls incl. amendment and paragraph votes, 1946-Jan 2020",
}
UNDL, UNDL_2025 = "undl_ga_votes", "unga_votes_2025"
TIDY, RAW = "unga_votes", "unga_votes_raw"
ISSUES = ("me", "nu", "di", "hr", "co", "ec")
ISSUE_LABELS = {
    "me": "Palestinian conflict", "nu": "nuclear weapons and material", "di": "arms control and disarmament",
    "hr": "human rights", "co": "colonialism", "ec": "economic development",
}
VOTE_WORDS = ("yes", "abstain", "no", "not voting")  # category codes 0..3


@dataclass(frozen=True)
class Topic:
    label: str
    symbol: str | None = None  # regular expression on the resolution symbol
    title: str | None = None  # regular expression on the title (case-insensitive)


TOPICS = {
    "es11": Topic("11th emergency special session (Ukraine, 2022-): every A/RES/ES-11 resolution",
                  symbol=r"^A/RES/ES-11/"),
    "ukraine": Topic("Ukraine: the ES-11 resolutions and every resolution whose title names Ukraine, Crimea or "
                     "Sevastopol (territorial integrity 2014, human rights in Crimea 2016-, militarisation 2018-)",
                     symbol=r"^A/RES/ES-11/", title=r"Ukrain|Crimea|Sevastopol"),
    "dprk": Topic("human rights in the DPRK (resolutions whose title names the Democratic People's Republic of "
                  "Korea)", title=r"Democratic People.s Republic of Korea"),
}


def check_series(series: str) -> str:
    if series not in SERIES:
        raise UsageError(f"unknown UNGA series {series!r}",
                         hint="choose undl (adopted resolutions 1946-2025, default) or voeten (all roll calls to 2020)")
    return series


def check_topic(topic: str | None) -> str | None:
    if topic is None:
        return None
    t = str(topic).strip().lower().replace("-", "")
    if t not in TOPICS:
        raise UsageError(f"unknown UNGA topic {topic!r}",
                         hint="choose from " + "; ".join(f"{k}: {v.label}" for k, v in TOPICS.items()))
    return t


def check_supported(series: str, issue: str | None, important: bool) -> None:
    """Refuse, in one line, an option the series cannot honour (the UN DL codes neither issues nor important votes)."""
    if series == "undl" and (issue is not None or important):
        what = f"issue codes (--issue {issue})" if issue is not None else "an important-vote flag (--important)"
        raise UsageError(f"the undl series has no {what}: the UN Digital Library does not code them",
                         hint="use --series voeten (Voeten's roll calls, to January 2020), or --topic "
                              + "|".join(TOPICS))


def topic_mask(symbol: pd.Series, title: pd.Series, topic: str) -> np.ndarray:
    """Which roll calls belong to a topic (symbol pattern or title pattern)."""
    t = TOPICS[topic]
    hit = np.zeros(len(symbol), dtype=bool)
    if t.symbol:
        hit |= symbol.astype("string").str.contains(t.symbol, regex=True).fillna(False).to_numpy(bool)
    if t.title:
        hit |= title.astype("string").str.contains(t.title, regex=True, flags=re.IGNORECASE).fillna(False) \
            .to_numpy(bool)
    return hit


# ------------------------------------------------------------------------------------------------ roll calls

# The 3DL records of 2025 (General Assembly only), each with an item id: its UN DL record id (from the link), or,
# without a parsable link, a negative id that no UN DL record has. Shared by the item and the vote queries.
_G25 = """g25 AS (
    SELECT resolution, any_value(date) AS date, any_value(title) AS title,
           coalesce(TRY_CAST(regexp_extract(any_value(link), '/record/([0-9]+)', 1) AS BIGINT),
                    -dense_rank() OVER (ORDER BY resolution)) AS item
    FROM unga_votes_2025 WHERE council = 'General Assembly' GROUP BY resolution
),
known AS (SELECT DISTINCT id_record::BIGINT AS item FROM undl_ga_votes)"""
_UNDL_ITEMS_SQL = """
SELECT id_record::BIGINT AS item, any_value(resolution_symbol) AS symbol, any_value(vote_date) AS date,
       any_value(session)::SMALLINT AS session, any_value(title) AS title, 'undl_ga_votes' AS source
FROM undl_ga_votes GROUP BY 1
"""
# the same without symbol and title, for a panel that needs only dates (strings are most of the cost)
_UNDL_DATES_SQL = """
SELECT id_record::BIGINT AS item, NULL::VARCHAR AS symbol, min(vote_date) AS date, min(session)::SMALLINT AS session,
       NULL::VARCHAR AS title, 'undl_ga_votes' AS source
FROM undl_ga_votes GROUP BY 1
"""
_ITEMS_2025 = """
WITH {g25},
d AS ({undl})
SELECT d.item, coalesce(g25.resolution, d.symbol) AS symbol, d.date, d.session, d.title, d.source
FROM d LEFT JOIN g25 ON g25.item = d.item
UNION ALL
SELECT item, resolution, date, NULL, title, 'unga_votes_2025' FROM g25 WHERE item NOT IN (SELECT item FROM known)
"""
_UNDL_ITEMS_2025_SQL = _ITEMS_2025.format(g25=_G25, undl=_UNDL_ITEMS_SQL)
_UNDL_DATES_2025_SQL = _ITEMS_2025.format(g25=_G25, undl=_UNDL_DATES_SQL)
_VOETEN_ITEMS_SQL = """
SELECT r.rcid::BIGINT AS item, r.unres AS symbol, r.date, r.session::SMALLINT AS session,
       coalesce(r.short, '') || CASE WHEN r.descr IS NULL THEN '' ELSE ' | ' || r.descr END AS title,
       r.importantvote AS important, 'unga_votes' AS source
FROM unga_roll_calls r WHERE r.date IS NOT NULL
"""


def items(wh: Warehouse, series: str, *, text: bool = True) -> pd.DataFrame:
    """Every roll call of a series: item, symbol, date, session, title, source (and ``important`` for voeten).

    undl: a 2025 record in both files keeps its UN DL id and rows but takes the 3DL symbol (the UN DL file has a
    provisional 'A/RES/79/XX'); 3DL records the UN DL file lacks are added with ``source`` = unga_votes_2025.
    ``text=False`` leaves the UN DL symbols and titles NA (a panel without a topic needs only the dates)."""
    from ..sources.unga_recent import ga_session

    check_series(series)
    if series == "voeten":
        wh.require("unga_roll_calls")
        it = wh.query(_VOETEN_ITEMS_SQL)
    else:
        wh.require(UNDL)
        with_2025 = wh.has(UNDL_2025)
        sql = {(True, True): _UNDL_ITEMS_2025_SQL, (True, False): _UNDL_ITEMS_SQL,
               (False, True): _UNDL_DATES_2025_SQL, (False, False): _UNDL_DATES_SQL}[(text, with_2025)]
        it = wh.query(sql)
    it["date"] = pd.to_datetime(it["date"])
    miss = it["session"].isna().to_numpy()
    if miss.any():  # 3DL records: the session from the symbol or the date
        sess = it["session"].to_numpy(dtype=float, na_value=np.nan)
        sess[miss] = ga_session(it.loc[miss, "symbol"], it.loc[miss, "date"])
        it["session"] = sess
    it["session"] = it["session"].astype(np.int64)
    return it


def with_year(it: pd.DataFrame, year_basis: str) -> pd.DataFrame:
    it = it.copy()
    it["year"] = (it["session"] + 1945) if year_basis == "session" else it["date"].dt.year.astype(np.int64)
    return it


# ---------------------------------------------------------------------------------------------------- votes

_UNDL_VOTES_SQL = """
SELECT v.id_record::BIGINT AS item, v.iso3,
       CASE v.vote WHEN 'Y' THEN 0 WHEN 'A' THEN 1 WHEN 'N' THEN 2 ELSE 3 END::TINYINT AS cat, 0::TINYINT AS src
FROM undl_ga_votes v
WHERE v.iso3 IS NOT NULL AND v.vote IN ('Y', 'A', 'N', 'X') AND (? OR v.vote <> 'X')
  AND (CAST(? AS BIGINT[]) IS NULL OR list_contains(CAST(? AS BIGINT[]), v.id_record::BIGINT))
"""
# ... and the 3DL rows of the 2025 records the UN DL file lacks (a blank = not voting = absent)
_UNDL_VOTES_2025_SQL = f"""
WITH {_G25}
{_UNDL_VOTES_SQL}
UNION ALL
SELECT g25.item, v.iso3,
       CASE v.vote WHEN 'yes' THEN 0 WHEN 'abstain' THEN 1 WHEN 'no' THEN 2 ELSE 3 END::TINYINT, 1::TINYINT
FROM unga_votes_2025 v JOIN g25 USING (resolution)
WHERE v.council = 'General Assembly' AND v.iso3 IS NOT NULL AND g25.item NOT IN (SELECT item FROM known)
  AND (? OR v.vote IS NOT NULL)
  AND (CAST(? AS BIGINT[]) IS NULL OR list_contains(CAST(? AS BIGINT[]), g25.item))
"""
_TIDY_SQL = """
SELECT v.rcid::BIGINT AS item, v.iso3,
       CASE v.vote WHEN 'yes' THEN 0 WHEN 'abstain' THEN 1 WHEN 'no' THEN 2 END::TINYINT AS cat
FROM unga_votes v
WHERE v.iso3 IS NOT NULL AND (CAST(? AS BIGINT[]) IS NULL OR list_contains(CAST(? AS BIGINT[]), v.rcid::BIGINT))
"""
_RAW_SQL = """
SELECT v.rcid::BIGINT AS item, v.iso3,
       CASE v.vote WHEN 1 THEN 0 WHEN 2 THEN 1 WHEN 3 THEN 2 WHEN 8 THEN 3 END::TINYINT AS cat
FROM unga_votes_raw v
WHERE v.vote <> 9 AND v.iso3 IS NOT NULL
  AND (CAST(? AS BIGINT[]) IS NULL OR list_contains(CAST(? AS BIGINT[]), v.rcid::BIGINT))
"""
_BAD_VOTES_SQL = {
    UNDL: "SELECT vote FROM undl_ga_votes WHERE vote NOT IN ('Y', 'A', 'N', 'X') LIMIT 1",
    UNDL_2025: "SELECT vote FROM unga_votes_2025 WHERE vote NOT IN ('yes', 'abstain', 'no') LIMIT 1",
    TIDY: "SELECT vote FROM unga_votes WHERE vote IS NULL OR vote NOT IN ('yes', 'abstain', 'no') LIMIT 1",
    RAW: "SELECT vote FROM unga_votes_raw WHERE vote IS NULL OR vote NOT IN (1, 2, 3, 8, 9) LIMIT 1",
}
_ISSUE_SQL = "SELECT rcid::BIGINT AS item FROM unga_issues WHERE short_name = ?"
_RAW_ITEMS_SQL = "SELECT DISTINCT rcid::BIGINT AS item FROM unga_votes_raw"


def _arrow_frame(wh: Warehouse, sql: str, params: list) -> pd.DataFrame:
    """A fixed query with bound parameters, via Arrow; the ``iso3`` column comes back categorical (fast)."""
    tbl = wh.arrow(sql, params)
    cols = {}
    for name in tbl.column_names:
        col = tbl.column(name).combine_chunks()
        if name == "iso3":
            enc = col.dictionary_encode()
            cols[name] = pd.Categorical.from_codes(enc.indices.to_numpy(zero_copy_only=False).astype(np.int32),
                                                   categories=enc.dictionary.to_pylist())
        else:
            cols[name] = col.to_numpy(zero_copy_only=False)
    return pd.DataFrame(cols)


def selection(wh: Warehouse, series: str, *, issue: str | None = None, important: bool = False,
              topic: str | None = None, absences: str = "missing", all_items: pd.DataFrame | None = None
              ) -> pd.DataFrame:
    """The roll calls a panel is computed on: the series' items, narrowed by issue, important votes and topic.

    The undl series has no issue codes and no important-vote flag: asking for them is refused (one line), not
    answered with an empty panel."""
    check_supported(series, issue, important)
    it = items(wh, series) if all_items is None else all_items
    keep = np.ones(len(it), dtype=bool)
    if issue is not None:
        wh.require("unga_issues")
        keep &= it["item"].isin(wh.query(_ISSUE_SQL, [issue])["item"]).to_numpy()
    if important:
        keep &= (it["important"] == 1).fillna(False).to_numpy(bool)
    if topic is not None:
        keep &= topic_mask(it["symbol"], it["title"], topic)
    if series == "voeten" and absences == "category":  # the raw table (absences kept) ends in 2015
        wh.require(RAW)
        keep &= it["item"].isin(wh.query(_RAW_ITEMS_SQL)["item"]).to_numpy()
    return it[keep].reset_index(drop=True)


def load(wh: Warehouse, series: str, *, absences: str = "missing", issue: str | None = None,
         important: bool = False, topic: str | None = None, year_basis: str = "calendar"
         ) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]]:
    """Scored records and roll calls of a selection.

    Returns ``votes`` (item, iso3 categorical, cat 0 yes / 1 abstain / 2 no / 3 absent, year, source categorical),
    ``items`` (item, date, year, source, symbol, title: every roll call of the selection, so that a year with roll
    calls but no vote by a state is told apart from a year without roll calls), and ``span``: the first and last
    year of the series whatever the filter, so a filtered panel still shows the years it cannot score.
    """
    cat_mode = absences == "category"
    all_items = with_year(items(wh, series, text=topic is not None), year_basis)
    sel = selection(wh, series, issue=issue, important=important, topic=topic, absences=absences,
                    all_items=all_items)
    span = (int(all_items["year"].min()), int(all_items["year"].max())) if len(all_items) else (0, -1)
    ids = [int(i) for i in sel["item"]] if len(sel) < len(all_items) else None
    if series == "voeten":
        table = RAW if cat_mode else TIDY
        wh.require(table)
        _check_votes(wh, table)
        v = _arrow_frame(wh, _RAW_SQL if cat_mode else _TIDY_SQL, [ids, ids])
        v["source"] = pd.Categorical.from_codes(np.zeros(len(v), np.int8), categories=[table])
        sel["source"] = table
    else:
        _check_votes(wh, UNDL)
        if wh.has(UNDL_2025):
            _check_votes(wh, UNDL_2025)
            v = _arrow_frame(wh, _UNDL_VOTES_2025_SQL, [cat_mode, ids, ids, cat_mode, ids, ids])
        else:
            v = _arrow_frame(wh, _UNDL_VOTES_SQL, [cat_mode, ids, ids])
        v["source"] = pd.Categorical.from_codes(v.pop("src").astype(np.int8), categories=[UNDL, UNDL_2025])
    pos = pd.Index(sel["item"].to_numpy()).get_indexer(v["item"].to_numpy())
    if (pos < 0).any():  # a vote on a roll call the selection does not hold: not scored
        v, pos = v[pos >= 0], pos[pos >= 0]
    v["year"] = sel["year"].to_numpy(dtype=np.int64)[pos]
    v["cat"] = v["cat"].astype(np.int8)
    return v.reset_index(drop=True), sel, span


def _check_votes(wh: Warehouse, table: str) -> None:
    bad = wh.query(_BAD_VOTES_SQL[table])
    if len(bad):
        raise DataError(table, f"unexpected vote value {bad.iloc[0, 0]!r}", column="vote")


# -------------------------------------------------------------------------------------------- single votes

_UNDL_ROWS_SQL = """
SELECT id_record::BIGINT AS item, iso3, CASE vote WHEN 'Y' THEN 'yes' WHEN 'A' THEN 'abstain' WHEN 'N' THEN 'no'
       WHEN 'X' THEN 'not voting' END AS vote
FROM undl_ga_votes WHERE list_contains(CAST(? AS BIGINT[]), id_record::BIGINT)
"""
_UNDL_ROWS_2025_SQL = f"""
WITH {_G25}
{_UNDL_ROWS_SQL}
UNION ALL
SELECT g25.item, v.iso3, coalesce(v.vote, 'not voting')
FROM unga_votes_2025 v JOIN g25 USING (resolution)
WHERE v.council = 'General Assembly' AND v.iso3 IS NOT NULL AND g25.item NOT IN (SELECT item FROM known)
  AND list_contains(CAST(? AS BIGINT[]), g25.item)
"""
_TIDY_ROWS_SQL = """
SELECT rcid::BIGINT AS item, iso3, vote FROM unga_votes WHERE list_contains(CAST(? AS BIGINT[]), rcid::BIGINT)
"""


def find(wh: Warehouse, series: str, *, resolution: str | None = None, topic: str | None = None,
         years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The roll calls a user asked for by symbol (exact, case and spaces ignored), topic and/or calendar years."""
    it = with_year(items(wh, series), "calendar")
    keep = np.ones(len(it), dtype=bool)
    if resolution is not None:
        want = _norm(resolution)
        keep &= (it["symbol"].map(_norm) == want).to_numpy()
        if not keep.any():
            import difflib

            close = difflib.get_close_matches(want, it["symbol"].dropna().map(_norm).unique().tolist(), n=4)
            raise UsageError(f"no recorded {series} vote on {resolution!r}",
                             hint=("did you mean " + ", ".join(close) + "?") if close else
                             "give a GA resolution symbol, e.g. A/RES/ES-11/1 or A/RES/2758(XXVI)")
    if topic is not None:
        keep &= topic_mask(it["symbol"], it["title"], topic)
    if years is not None:
        keep &= it["year"].between(*years).to_numpy()
    return it[keep].sort_values(["date", "symbol"]).reset_index(drop=True)


def _norm(s) -> str:
    return re.sub(r"\s+", "", str(s)).upper()


def vote_rows(wh: Warehouse, series: str, chosen: pd.DataFrame) -> pd.DataFrame:
    """Each state's vote on the chosen roll calls: item, iso3, vote (yes / abstain / no / not voting)."""
    ids = [int(i) for i in chosen["item"]]
    if not ids:
        return pd.DataFrame(columns=["item", "iso3", "vote"])
    if series == "voeten":
        return wh.query(_TIDY_ROWS_SQL, [ids])
    if wh.has(UNDL_2025):
        return wh.query(_UNDL_ROWS_2025_SQL, [ids, ids])
    return wh.query(_UNDL_ROWS_SQL, [ids])
