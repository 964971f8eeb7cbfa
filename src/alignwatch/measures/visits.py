"""Leader and minister meetings per dyad-year, weighted by level, with direction, place and joint documents.

Three series, kept apart because they count different things:

* **chronology** (``chr_summits``): one row per visit or meeting, curated with a source and a confidence per row.
  Weight by level: head of state 3, head of government 2, minister (foreign/defence) 1, other 0.5 (envoys,
  vice-presidents, legislature or party heads). It aims at completeness for the leaders of the PRK-CHN and PRK-RUS
  pairs, so inside :data:`COMPLETE_YEARS` a year with no recorded meeting is 0 for those pairs; for every other
  pair (CHN-RUS is only partly covered, one BLR row) counts are lower bounds where a row exists and NA otherwise,
  and the score is NA.
* **China Vitae** (``ev_chinavitae``, 2003-2018): dated in-person records of seven Chinese leaders. ``country`` is
  a *mention*, so a row counts for CHN-X only when it is an in-person record ("travelled to" / "was in"), and the
  same record filed under several leaders counts once (engagement-days, not trips).
* **AidData public diplomacy** (``ev_aiddata_pd``): Chinese government and military visits to 39 Asian countries,
  as counted by AidData; NA outside those countries and years.

The headline ``score`` is the chronology's level-weighted count (NA where that table does not aim at completeness).
Definitions and citations: ``docs/measures/visits.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import chronology
from ..errors import DataError, UsageError
from ..sources.aiddata import CITATION_PD
from ..sources.chinavitae import CITATION as CHINA_VITAE
from ..sources.chronology import CITATION as CHRONOLOGY
from ..warehouse import Warehouse
from .registry import Family, register

LEVEL_WEIGHTS = {"head_of_state": 3.0, "head_of_government": 2.0, "minister": 1.0, "other": 0.5}
LEVELS = tuple(LEVEL_WEIGHTS)
# Pairs for which chr_summits aims at completeness of leader meetings, and the years it covers in full (the table
# starts in March 1990; 2026 is only partly compiled, so it is left out of the complete window).
COMPLETE_PAIRS = frozenset({("CHN", "PRK"), ("PRK", "RUS")})
COMPLETE_YEARS = (1990, 2025)
# Leaders named in ``host`` who belong to neither the visitor's nor the host's state: a meeting on third-country
# ground (e.g. the Putin-Kim talks at the 2025 Beijing parade). Only the triad's and Belarus's top leaders.
LEADER_STATE = {
    "Kim Il Sung": "PRK", "Kim Jong Il": "PRK", "Kim Jong Un": "PRK", "Kim Yong Nam": "PRK",
    "Jiang Zemin": "CHN", "Hu Jintao": "CHN", "Xi Jinping": "CHN", "Li Qiang": "CHN",
    "Vladimir Putin": "RUS", "Dmitry Medvedev": "RUS", "Boris Yeltsin": "RUS", "Alexander Lukashenko": "BLR",
}
_DOC_YES = re.compile(r"joint (?:statement|declaration|communiqu)|declaration|\bsigned\b|\bagreements?\b", re.I)
_DOC_NO = re.compile(r"\bno (?:joint statement|documents?)\b", re.I)

CV_YEARS = (2003, 2018)
# Offices of the seven China Vitae leaders (start date, level): the weight of a record is the office held that day.
CV_TENURE = {
    "Hu Jintao": [("2002-11-15", "head_of_state"), ("2013-03-15", None)],  # party leader, then president
    "Xi Jinping": [("2008-03-15", "other"), ("2012-11-15", "head_of_state")],  # vice-president, then leader
    "Wen Jiabao": [("1998-03-18", "other"), ("2003-03-16", "head_of_government"), ("2013-03-16", None)],
    "Li Keqiang": [("2008-03-17", "other"), ("2013-03-16", "head_of_government")],
    "Li Zhaoxing": [("2001-01-01", "other"), ("2003-03-17", "minister"), ("2007-04-27", "other")],
    "Yang Jiechi": [("2001-01-01", "other"), ("2007-04-27", "minister"), ("2013-03-16", "other")],
    "Wang Yi": [("2001-01-01", "other"), ("2013-03-16", "minister")],
}
_IN_PERSON = re.compile(r"^\s*(?:[A-Z][a-z]+ [A-Z][a-z]+ )?(?:travelled to|was in) (?P<place>.+?)"
                        r"(?: and met with the following:| Others Attending:|\s*$)", re.S)
_CHINA_PLACE = re.compile(r"Province|Municipality|Autonomous Region|SAR\b|Special Administrative|Hong Kong|"
                          r"Maca[ou]|^China\b")
_DPRK = re.compile(r"DPRK|Democratic People|North Korea")
_ROK = re.compile(r"\(ROK\)|Republic of Korea \(ROK|Republic of Korea \(South|South Korea|\bROK\b")

SOURCES = {
    "chronology": "chr_summits (alignwatch chronology, each row cited)",
    "chinavitae": "ev_chinavitae (China Vitae, Carnegie Endowment; scraped by G. B. Walker)",
    "aiddata": "ev_aiddata_pd (AidData China Public Diplomacy Dashboard v2.0; Custer et al. 2018)",
}
ALL_COLUMNS = ("weighted", "n_meetings", "n_leader", "n_minister", "n_other", "a_to_b", "b_to_a", "third_country",
               "joint_statements", "n_low", "locations", "complete", "cv_engagements", "cv_weighted", "cv_in_partner",
               "cv_in_china", "cv_third", "pd_gov_visits", "pd_mil_visits")
# what ``alignwatch dyad --measure visits`` shows (dyad_years returns ALL_COLUMNS)
COLUMNS = ("weighted", "n_meetings", "n_leader", "a_to_b", "b_to_a", "third_country", "joint_statements", "n_low",
           "complete", "cv_engagements", "cv_weighted", "pd_gov_visits")
MEETING_COLUMNS = ["date_start", "date_end", "year", "a", "b", "visitor_country", "visitor", "host_country", "host",
                   "location_city", "venue_country", "level", "weight", "direction", "joint_statement", "derived",
                   "outcome", "confidence", "low", "source"]


# ----------------------------------------------------------------------------------------------- chronology


def _pair(x: pd.Series, y: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = x.astype(str).to_numpy(), y.astype(str).to_numpy()
    return np.where(xs < ys, xs, ys), np.where(xs < ys, ys, xs)


def _host_names(host: str) -> list[str]:
    return [re.sub(r"\s*\(.*?\)", "", part).strip() for part in str(host).split(";")]


def meetings(summits: pd.DataFrame, *, include_low: bool = True) -> pd.DataFrame:
    """One row per meeting and dyad: the chronology rows (canonical codes: :func:`alignwatch.chronology.summits`)
    plus third-country meetings named in ``host``.

    ``direction`` is ``a_to_b`` when a's delegation visited b, ``b_to_a`` the reverse, ``third_country`` when
    both met on a third state's ground (``venue_country``). ``joint_statement`` is true when ``outcome`` reports a
    joint statement or declaration, or a treaty or agreement signed, and does not say "no joint statement".
    """
    s = summits.copy()
    if s.empty:
        return pd.DataFrame(columns=MEETING_COLUMNS)
    s["venue_country"] = s["host_country"]
    s["derived"] = False
    # third-country meetings: a leader in ``host`` whose state is neither the visitor's nor the venue's
    extra = []
    for i, row in s.iterrows():  # a few dozen curated rows
        for name in _host_names(row["host"]):
            st = LEADER_STATE.get(name)
            if st and st not in (row["visitor_country"], row["host_country"]):
                e = row.copy()
                e["host_country"], e["host"], e["derived"] = st, name, True
                extra.append(e)
    if extra:
        s = pd.concat([s, pd.DataFrame(extra)], ignore_index=True)
    s["date_start"] = pd.to_datetime(s["date_start"])
    s["date_end"] = pd.to_datetime(s["date_end"])
    s["year"] = s["date_start"].dt.year.astype(int)
    s["a"], s["b"] = _pair(s["visitor_country"], s["host_country"])
    s["direction"] = np.where(s["derived"], "third_country",
                              np.where(s["visitor_country"] == s["a"], "a_to_b", "b_to_a"))
    unknown = sorted(set(s["level"].dropna()) - set(LEVELS))
    if unknown:
        raise DataError("chr_summits", f"unknown level {unknown[0]!r}; expected one of {', '.join(LEVELS)}",
                        column="level")
    s["weight"] = s["level"].map(LEVEL_WEIGHTS).astype(float)
    outcome = s["outcome"].fillna("").astype(str)
    s["joint_statement"] = outcome.str.contains(_DOC_YES) & ~outcome.str.contains(_DOC_NO)
    s["low"] = s["confidence"].eq("low")
    if not include_low:
        s = s[~s["low"]]
    return s[MEETING_COLUMNS].sort_values(["a", "b", "date_start"]).reset_index(drop=True)


def chronology_years(meet: pd.DataFrame, n_low: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts per undirected dyad-year from :func:`meetings` (only years with a meeting; zero-filling and NA are
    decided by :func:`dyad_years` from coverage). ``n_low`` (a, b, year, n_low) counts the low-confidence rows,
    also those excluded with ``include_low=False``."""
    key = ["a", "b", "year"]
    if meet.empty:
        out = pd.DataFrame(columns=key + ["n_meetings"])
    else:
        m = meet.assign(
            lead=meet["level"].isin(["head_of_state", "head_of_government"]),
            mini=meet["level"].eq("minister"), oth=meet["level"].eq("other"),
            ab=meet["direction"].eq("a_to_b"), ba=meet["direction"].eq("b_to_a"),
            third=meet["direction"].eq("third_country"),
        )
        out = m.groupby(key).agg(
            n_meetings=("weight", "size"), weighted=("weight", "sum"), n_leader=("lead", "sum"),
            n_minister=("mini", "sum"), n_other=("oth", "sum"), a_to_b=("ab", "sum"), b_to_a=("ba", "sum"),
            third_country=("third", "sum"), joint_statements=("joint_statement", "sum"),
            locations=("location_city", lambda x: "; ".join(dict.fromkeys(x.dropna().astype(str)))),
        ).reset_index()
    if n_low is not None and not n_low.empty:
        out = out.merge(n_low, on=key, how="outer")
    return out


# ---------------------------------------------------------------------------------------------- China Vitae


def _cv_level(leader: pd.Series, date: pd.Series) -> pd.Series:
    """The office each leader held on the date (see :data:`CV_TENURE`); NA before the first listed office."""
    out = pd.Series(pd.NA, index=leader.index, dtype="object")
    d = pd.to_datetime(date)
    for name, spells in CV_TENURE.items():
        who = leader.eq(name)
        for start, level in spells:  # spells in date order: later ones overwrite
            out[who & (d >= pd.Timestamp(start))] = level
    return out


def _fix_korea(iso3: pd.Series, text: pd.Series) -> pd.Series:
    """China Vitae's mention coding confuses the two Koreas: recode a PRK/KOR mention whose text names only the
    other Korea (e.g. Park Geun-hye of the ROK filed under "North Korea")."""
    dprk, rok = text.str.contains(_DPRK), text.str.contains(_ROK)
    out = iso3.copy()
    out[iso3.eq("PRK") & rok & ~dprk] = "KOR"
    out[iso3.eq("KOR") & dprk & ~rok] = "PRK"
    return out


def _place_state(place: pd.Series, resolve) -> pd.Series:
    """ISO3 of the country in a China Vitae place ("Russia, Vladivostok"); CHN for Chinese provinces and cities."""
    first = place.str.split(",").str[0].str.strip()
    china = place.str.contains(_CHINA_PLACE)
    uniq = first[~china].dropna().unique()
    found = dict(zip(uniq, resolve(np.asarray(uniq, dtype=object))))
    return first.map(found).where(~china, "CHN")


def chinavitae_engagements(cv: pd.DataFrame, resolve=None) -> pd.DataFrame:
    """In-person engagement-days of the seven leaders with a mentioned state: one row per (date, state, record).

    Kept: records that say "<leader> travelled to <place>" or "<leader> was in <place>" (phone calls, messages and
    news items are dropped). A record filed under several leaders (one subject, others attending) counts once,
    weighted by the highest office among the seven present. ``where`` is ``partner`` (a Chinese leader in the
    mentioned state), ``china`` (the meeting was in China) or ``third`` (elsewhere, e.g. a summit abroad).
    ``resolve(names) -> ISO3s`` maps an array of place names to states, None where a name is not a state
    (defaults to :func:`alignwatch.states.to_iso3` plus a few spellings of the source).
    """
    if resolve is None:
        resolve = _resolve_names
    d = cv.copy()
    d["text"] = d["text"].fillna("").astype(str)
    place = d["text"].str.extract(_IN_PERSON)["place"]
    d = d.assign(place=place.str.strip())[place.notna()]
    if "iso3" not in d.columns:  # a frame straight from the file: resolve the mentioned country by name
        uniq = d["country"].dropna().unique()
        d["iso3"] = d["country"].map(dict(zip(uniq, resolve(np.asarray(uniq, dtype=object)))))
    if d.empty:
        return pd.DataFrame(columns=["date", "year", "iso3", "weight", "where", "place"])
    d["iso3"] = _fix_korea(d["iso3"].astype("string"), d["text"])
    d["date"] = pd.to_datetime(d["date"])
    d["level"] = _cv_level(d["leader"], d["date"])
    d["weight"] = d["level"].map(LEVEL_WEIGHTS).astype(float)
    d["norm"] = d["text"].str.replace(r"\s+", " ", regex=True).str.strip()
    e = d.groupby(["date", "iso3", "norm"], as_index=False).agg(weight=("weight", "max"), place=("place", "first"))
    ps = _place_state(e["place"], resolve)
    e["where"] = np.select([ps.eq("CHN").fillna(False), ps.eq(e["iso3"]).fillna(False)], ["china", "partner"],
                           "third")
    e["year"] = e["date"].dt.year.astype(int)
    return e[["date", "year", "iso3", "weight", "where", "place"]]


def chinavitae_years(eng: pd.DataFrame) -> pd.DataFrame:
    """Per CHN-X year: engagement-days, level-weighted engagement-days, and where they took place."""
    if eng.empty:
        return pd.DataFrame(columns=["a", "b", "year", "cv_engagements"])
    e = eng[eng["iso3"].notna() & eng["iso3"].ne("CHN")]
    e = e.assign(p=e["where"].eq("partner"), c=e["where"].eq("china"), t=e["where"].eq("third"))
    g = e.groupby(["iso3", "year"]).agg(cv_engagements=("weight", "size"), cv_weighted=("weight", "sum"),
                                        cv_in_partner=("p", "sum"), cv_in_china=("c", "sum"),
                                        cv_third=("t", "sum")).reset_index()
    g["a"], g["b"] = _pair(pd.Series("CHN", index=g.index), g["iso3"])
    return g.drop(columns="iso3")


_PLACE_ALIASES = {"United Kingdom": "GBR", "England": "GBR", "Wales": "GBR", "Scotland": "GBR",
                  "Democratic People's Republic of Korea": "PRK", "Republic of Korea": "KOR",
                  "Republic of Korea (South Korea)": "KOR", "Czechoslovakia": "CZE"}


def _resolve_names(names: np.ndarray) -> np.ndarray:
    """Country names as ISO3 (None for cities, regions and other non-states)."""
    from .. import states

    out = np.array([_PLACE_ALIASES.get(n) for n in names], dtype=object)
    rest = np.array([o is None for o in out])
    if rest.any():
        try:
            out[rest] = states.to_iso3(names[rest], scheme="name")
        except Exception:  # a name that means different states at different dates: not worth a guess here
            pass
    return out


# ------------------------------------------------------------------------------------------------- AidData


def aiddata_years(pd_df: pd.DataFrame) -> pd.DataFrame:
    """Chinese government and military visits to each receiving country-year (NA where AidData did not collect)."""
    d = pd_df[pd_df["iso3"].notna()].copy()
    out = pd.DataFrame({"year": d["year"].astype(int).to_numpy(),
                        "pd_gov_visits": d["government_visits"].astype("Float64").to_numpy(),
                        "pd_mil_visits": d["military_visits"].astype("Float64").to_numpy()})
    out["a"], out["b"] = _pair(pd.Series("CHN", index=d.index), d["iso3"])
    return out[out["a"] != out["b"]]


# --------------------------------------------------------------------------------------------- assembling


def _in_system(frame: pd.DataFrame) -> np.ndarray:
    """Both states in the state system that year (NA rather than 0 for a state that did not exist)."""
    from .. import states

    yrs = frame["year"].astype(int).unique()
    mem = pd.DataFrame([(c, int(y)) for y in yrs for c in states.members(int(y))], columns=["iso3", "year"])
    idx = pd.MultiIndex.from_frame(mem)
    ok_a = pd.MultiIndex.from_arrays([frame["a"], frame["year"].astype(int)]).isin(idx)
    ok_b = pd.MultiIndex.from_arrays([frame["b"], frame["year"].astype(int)]).isin(idx)
    return ok_a & ok_b


def assemble(chron: pd.DataFrame, cvy: pd.DataFrame | None, pdy: pd.DataFrame | None,
             pairs: list[tuple[str, str]] | None, years: tuple[int, int] | None,
             in_system=None) -> pd.DataFrame:
    """Join the three series on a dyad-year frame and decide 0 versus NA by each series' coverage.

    ``pairs`` None: every dyad any series mentions. Years: the union of the series' coverage (within ``years``);
    a dyad-year outside every series' coverage has no row.
    ``in_system(frame) -> bool array`` masks dyad-years where a state did not exist (China Vitae zeros only).
    """
    key = ["a", "b", "year"]
    cvy = cvy if cvy is not None else pd.DataFrame(columns=key)
    pdy = pdy if pdy is not None else pd.DataFrame(columns=key)
    if pairs is None:
        found = pd.concat([chron[["a", "b"]], cvy[["a", "b"]], pdy[["a", "b"]]]).drop_duplicates()
        pairs = sorted(set(map(tuple, found.to_numpy())) | set(COMPLETE_PAIRS))
    rows = []
    for a, b in pairs:
        yrs: set[int] = set()
        if (a, b) in COMPLETE_PAIRS:
            yrs |= set(range(COMPLETE_YEARS[0], COMPLETE_YEARS[1] + 1))
        if "CHN" in (a, b) and not cvy.empty:
            yrs |= set(range(CV_YEARS[0], CV_YEARS[1] + 1))
        for t in (chron, pdy):
            if not t.empty:
                yrs |= set(t.loc[(t["a"] == a) & (t["b"] == b), "year"].astype(int))
        if years is not None:
            yrs = {y for y in yrs if years[0] <= y <= years[1]}
        rows.append(pd.DataFrame({"a": a, "b": b, "year": sorted(yrs)}))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=key)
    frame["year"] = frame["year"].astype(int)
    chron = chron.astype({"year": int}) if not chron.empty else chron
    out = frame.merge(chron, on=key, how="left") if not chron.empty else frame.copy()
    for c in ("n_meetings", "weighted", "n_leader", "n_minister", "n_other", "a_to_b", "b_to_a", "third_country",
              "joint_statements", "n_low", "locations"):
        if c not in out.columns:
            out[c] = pd.NA
    pair_ok = pd.Series([(x, y) in COMPLETE_PAIRS for x, y in zip(out["a"], out["b"])], index=out.index)
    out["complete"] = pair_ok & out["year"].between(*COMPLETE_YEARS)
    counts = ["n_meetings", "weighted", "n_leader", "n_minister", "n_other", "a_to_b", "b_to_a", "third_country",
              "joint_statements", "n_low"]
    for c in counts:
        out[c] = out[c].astype("Float64")
        out.loc[out["complete"], c] = out.loc[out["complete"], c].fillna(0)
    out["n_low"] = out["n_low"].where(out["n_low"].notna() | out["n_meetings"].isna(), 0)
    for c in counts:
        if c != "weighted":
            out[c] = out[c].astype("Int64")
    out["score"] = out["weighted"].where(out["complete"])

    cv_cols = ["cv_engagements", "cv_weighted", "cv_in_partner", "cv_in_china", "cv_third"]
    if not cvy.empty:
        out = out.merge(cvy.astype({"year": int}), on=key, how="left")
        covered = (out["a"].eq("CHN") | out["b"].eq("CHN")) & out["year"].between(*CV_YEARS)
        covered &= (out["a"] != out["b"])
        if in_system is not None:
            covered &= in_system(out)
        for c in cv_cols:
            out[c] = out[c].astype("Float64").where(~covered | out[c].notna(), 0).where(covered)
            if c != "cv_weighted":
                out[c] = out[c].astype("Int64")
    else:
        for c in cv_cols:
            out[c] = pd.NA
    if not pdy.empty:
        out = out.merge(pdy.astype({"year": int}), on=key, how="left")
    else:
        out["pd_gov_visits"] = pd.NA
        out["pd_mil_visits"] = pd.NA

    src = np.full(len(out), "", dtype=object)
    for cols, name in ((["n_meetings"], "chr_summits"), (["cv_engagements"], "ev_chinavitae"),
                       (["pd_gov_visits", "pd_mil_visits"], "ev_aiddata_pd")):
        has = out[cols].notna().any(axis=1).to_numpy()
        src = np.where(has, np.where(src == "", name, src + "; " + name), src)
    out["source"] = pd.Series(src, index=out.index).replace("", pd.NA)
    return out[["a", "b", "year", *ALL_COLUMNS, "score", "source"]].sort_values(key).reset_index(drop=True)


# ------------------------------------------------------------------------------------------ warehouse readers


def meeting_list(wh: Warehouse, a: str | None = None, b: str | None = None, years: tuple[int, int] | None = None,
                 *, include_low: bool = True) -> pd.DataFrame:
    """The chronology's meetings (optionally of one pair and year range), one row per meeting and dyad."""
    m = meetings(chronology.summits(wh), include_low=include_low)
    if a is not None and b is not None:
        x, y = sorted((a, b))
        m = m[(m["a"] == x) & (m["b"] == y)]
    if years is not None:
        m = m[m["year"].between(*years)]
    return m.reset_index(drop=True)


@dataclass(frozen=True)
class Options:
    """``include_low`` False drops the chronology's low-confidence rows (``n_low`` still counts them, so a year's
    uncertainty stays visible)."""

    include_low: bool = True

    def __post_init__(self):
        if not isinstance(self.include_low, bool):
            raise UsageError(f"include_low must be True or False, not {self.include_low!r}")


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None,
                include_low: bool) -> pd.DataFrame:
    """Visits per undirected dyad-year from the three series (module docstring)."""
    wh.require("chr_summits", "ev_chinavitae", "ev_aiddata_pd")
    every = meetings(chronology.summits(wh), include_low=True)
    low = every[every["low"]].groupby(["a", "b", "year"]).size().rename("n_low").reset_index()
    meet = every if include_low else every[~every["low"]]
    chron = chronology_years(meet, low)
    cv = wh.df("ev_chinavitae", ["date", "year", "country", "leader", "text", "iso3"])
    if states is not None:  # only the mentions that can matter (both Koreas: the source confuses them)
        cv = cv[cv["iso3"].isin(set(states) | {"PRK", "KOR"})] if "CHN" in states else cv.iloc[:0]
    cvy = chinavitae_years(chinavitae_engagements(cv))
    pdy = aiddata_years(wh.df("ev_aiddata_pd", ["iso3", "year", "government_visits", "military_visits"]))
    pairs = None
    if states is not None:
        pairs = [(x, y) for i, x in enumerate(states) for y in states[i + 1:]]
        keep = lambda t: t[t["a"].isin(states) & t["b"].isin(states)]  # noqa: E731
        chron, cvy, pdy = keep(chron), keep(cvy), keep(pdy)
    out = assemble(chron, cvy, pdy, pairs, years, in_system=_in_system)
    if years is not None:
        out = out[out["year"].between(*years)]
    return out.reset_index(drop=True)


class Visits(Family):
    name = "visits"
    label = "Leader and minister visits, weighted by level"
    domain = "political"
    description = ("meetings per year weighted head of state 3, head of government 2, minister 1, other 0.5 "
                   "(chronology; 0 only for PRK-CHN and PRK-RUS 1990-2025), plus China Vitae engagement-days "
                   "(2003-2018) and AidData government visits as separate series")
    columns = COLUMNS
    coverage = (1990, 2026)
    citation = f"{CHRONOLOGY}; {CHINA_VITAE}; {CITATION_PD}"
    docs = "docs/measures/visits.md"
    Options = Options

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years, options.include_low)

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        from ..report import figures_trade

        return figures_trade.visits(wh, first, second, years)


FAMILY = register(Visits())
dyad_years = FAMILY.dyad_years
