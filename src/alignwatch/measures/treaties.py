"""Alliance and treaty obligations per dyad-year, and an ordinal treaty-strength score.

Three sources, kept side by side (they disagree at the edges, and users compare them):

* ATOP 5 (Leeds et al. 2002), 1815-2018: defence, offence, neutrality, non-aggression, consultation obligations.
* COW formal alliances 4.1 (Gibler 2009), 1816-2012: defence, neutrality, non-aggression, entente (consultation).
* the curated treaty spells in ``data/treaty_spells.csv`` (derived from ``chr_treaties``, every row cited): which
  treaty was in force when, with explicit dates, so that years after 2018 (the 2024 Russia-DPRK treaty, the 2026
  Belarus-DPRK treaty) and the disputed end of the 1961 Soviet-DPRK treaty (1995 in COW/Gibler, 1996 by its term
  and in ATOP; both readings are kept) are explicit rather than parsed from free text.

Zero is not missing: within a dataset's coverage and while both states are members of the COW state system
(``ps_cow_ddy``), a dyad-year without an alliance row is 0; outside coverage or system membership it is NA.

``strength`` (0 none, 1 consultation / non-aggression / neutrality, 2 friendship or strategic partnership treaty
without a defence clause, 3 defence pact) is the maximum of the ATOP reading and the curated spells up to 2018, and
the curated spells alone afterwards; ``strength_source`` names the source(s) that set it. After 2018 the curated
list is complete only for dyads within the CHN-PRK-RUS triad: other dyads get a value only in years a curated spell
is in force, NA otherwise. ``score`` = strength / 3. See docs/measures/treaties.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from importlib import resources

import numpy as np
import pandas as pd

from ..sources.peacesciencer import ATOP, COW_ALLIANCE, COW_STATES
from ..warehouse import Warehouse
from .registry import Family, NoOptions, register

ATOP_COLS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
COW_COLS = ("cow_defense", "cow_neutral", "cow_nonagg", "cow_entente")
ATOP_YEARS = (1815, 2018)
COW_YEARS = (1816, 2012)
TRIAD = ("CHN", "PRK", "RUS")  # dyads whose post-2018 treaty record the chronology compiles completely
STRENGTH_LABELS = {0: "none", 1: "consultation / non-aggression / neutrality",
                   2: "friendship or strategic partnership, no defence clause", 3: "defence pact"}
READING_LABELS = {"cow_gibler": "COW/Gibler", "term_atop": "treaty term/ATOP"}
STRENGTH_READINGS = ("all", "term_atop")  # the COW/Gibler reading of the 1961 treaty is shown, not scored


# --------------------------------------------------------------------------------------------- spells


@functools.lru_cache(maxsize=1)
def treaty_spells() -> pd.DataFrame:
    """The curated treaty spells (``data/treaty_spells.csv``), one row per treaty and reading, parties sorted."""
    with resources.files("alignwatch.data").joinpath("treaty_spells.csv").open(encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""])
    parts = df["parties"].str.split(";")
    df["a"] = parts.map(lambda p: min(p))
    df["b"] = parts.map(lambda p: max(p))
    for c in ("signed", "in_force_from", "in_force_to"):
        df[c] = pd.to_datetime(df[c]).dt.date
    df["strength"] = df["strength"].astype("int64")
    df["in_force_confirmed"] = df["in_force_confirmed"].str.lower().eq("true")
    return df


def spell_years(spells: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Expand spells to dyad-years in force on any day of the year (as ATOP codes years): a, b, year, treaty_id,
    reading, short, strength. An open spell runs to ``last_year``."""
    first = pd.Series([d.year for d in spells["in_force_from"]], index=spells.index)
    last = pd.Series([d.year if pd.notna(d) else last_year for d in spells["in_force_to"]], index=spells.index)
    n = (last.clip(upper=last_year) - first + 1).clip(lower=0).astype("int64")
    rep = spells.loc[spells.index.repeat(n)].copy()
    rep["year"] = np.concatenate([np.arange(f, f + k) for f, k in zip(first, n)]) if len(rep) else []
    return rep[["a", "b", "year", "treaty_id", "reading", "short", "strength", "in_force_to"]].reset_index(drop=True)


def treaty_events(spells: pd.DataFrame) -> pd.DataFrame:
    """Dated events per dyad: signature, entry into force (when later than signature), end (per reading), and
    renewals or extensions: a, b, year, date, event."""
    rows = []
    for r in spells.drop_duplicates(["treaty_id", "signed"]).itertuples():
        rows.append((r.a, r.b, r.signed, f"{r.short} signed {r.signed}"))
        if pd.notna(r.in_force_from) and r.in_force_from != r.signed:
            rows.append((r.a, r.b, r.in_force_from, f"{r.short} in force {r.in_force_from}"))
        elif not r.in_force_confirmed:
            rows.append((r.a, r.b, r.signed, f"{r.short}: entry into force not confirmed"))
        if isinstance(r.renewals, str) and r.renewals:
            for d in r.renewals.split(";"):
                rows.append((r.a, r.b, dt.date.fromisoformat(d), f"{r.short} renewal/extension {d}"))
    for r in spells.dropna(subset=["in_force_to"]).itertuples():
        how = f" ({READING_LABELS[r.reading]} reading)" if r.reading in READING_LABELS else ""
        rows.append((r.a, r.b, r.in_force_to, f"{r.short} ends {r.in_force_to}{how}"))
    ev = pd.DataFrame(rows, columns=["a", "b", "date", "event"])
    ev["year"] = [d.year for d in ev["date"]]
    return ev.sort_values(["a", "b", "date"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- scoring


def obligation_strength(defense, offense, neutral, nonagg, consul) -> np.ndarray:
    """3 if a defence or offence obligation, else 1 if neutrality, non-aggression or consultation, else 0; NA
    where the inputs are NA (outside coverage). Works on arrays (nullable)."""
    m = np.column_stack([pd.array(x, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan)
                         for x in (defense, offense, neutral, nonagg, consul)])
    s = np.where((m[:, 0] == 1) | (m[:, 1] == 1), 3.0, np.where((m[:, 2:] == 1).any(axis=1), 1.0, 0.0))
    return np.where(np.isnan(m[:, 0]), np.nan, s)


# ------------------------------------------------------------------------------------------- the family


_ATOP_SQL = """
SELECT iso3_1, iso3_2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul
FROM ps_atop_alliance WHERE ? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[])))
"""
_COW_SQL = """
SELECT iso3_1, iso3_2, year, cow_defense, cow_neutral, cow_nonagg, cow_entente
FROM ps_cow_alliance WHERE ? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[])))
"""
_DDY_SQL = """
SELECT DISTINCT least(iso3_1, iso3_2) AS a, greatest(iso3_1, iso3_2) AS b, year
FROM ps_cow_ddy WHERE iso3_1 < iso3_2 AND (? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[]))
                                             AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))))
"""

# shown by `alignwatch dyad --measure treaties` (offence and neutrality are rare: in the frame, not the view)
COLUMNS = ("strength", "strength_source", "treaties_in_force", "treaty_events", "atop_defense", "atop_nonagg",
           "atop_consul", "cow_defense", "cow_entente")


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None) -> pd.DataFrame:
    wh.require("ps_atop_alliance", "ps_cow_alliance", "ps_cow_ddy")
    lo, hi = years or (ATOP_YEARS[0], dt.date.today().year)
    known = min(hi, dt.date.today().year)  # a treaty in force today says nothing yet about a later year: NA
    params = [states is None, states or [], states or []]
    out = _system_frame(wh, states, params, lo, hi, known)
    in_system = out.pop("member").notna().to_numpy()
    out = _obligations(wh, out, params, in_system)
    out = _with_spells(out, states, known)
    out = _strength(out, in_system)
    if years is None:  # start each dyad at its first covered year
        covered = out["strength"].notna() | out["cow_defense"].notna()
        first = out.loc[covered].groupby(["a", "b"])["year"].min().rename("first")
        out = out.merge(first, on=["a", "b"], how="inner")
        out = out[out["year"] >= out["first"]].drop(columns="first")
    cols = ["a", "b", "year", "strength", "strength_source", "treaties_in_force", "treaty_events", *ATOP_COLS,
            *COW_COLS, "score", "source"]
    return out[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)


def _system_frame(wh: Warehouse, states: list[str] | None, params: list, lo: int, hi: int,
                  known: int) -> pd.DataFrame:
    """a, b, year and ``member`` (True while both are COW system members; after the last year of ps_cow_ddy, that
    year's membership carries forward to ``known``): every system dyad-year, or the full grid of the given states'
    pairs and years ``lo``-``hi``."""
    ddy = wh.query(_DDY_SQL, params)
    # the dataset's last year, not the selection's: a state that left the system (DDR 1990) must not carry forward
    last = wh.query("SELECT max(year) AS y FROM ps_cow_ddy")["y"]
    ddy_last = int(last.iloc[0]) if len(last) and pd.notna(last.iloc[0]) else ATOP_YEARS[1]
    member = ddy.assign(member=True)
    tail = member[member["year"] == ddy_last]
    member = pd.concat([member, *(tail.assign(year=y) for y in range(ddy_last + 1, known + 1))], ignore_index=True)
    member = member[member["year"].between(lo, hi)]
    if states is None:  # every dyad-year of the state system (rows outside it would all be NA)
        return member.copy()
    pairs = pd.DataFrame(list(itertools.combinations(states, 2)), columns=["a", "b"])
    out = pairs.merge(pd.DataFrame({"year": np.arange(lo, hi + 1, dtype="int64")}), how="cross")
    return out.merge(member, on=["a", "b", "year"], how="left")


def _obligations(wh: Warehouse, out: pd.DataFrame, params: list, in_system: np.ndarray) -> pd.DataFrame:
    """ATOP and COW obligation columns: 0 inside a dataset's coverage without a row, NA outside it."""
    for sql, cols, (c_lo, c_hi) in ((_ATOP_SQL, ATOP_COLS, ATOP_YEARS), (_COW_SQL, COW_COLS, COW_YEARS)):
        al = wh.query(sql, params)
        al["a"] = np.minimum(al["iso3_1"], al["iso3_2"])
        al["b"] = np.maximum(al["iso3_1"], al["iso3_2"])
        al = al.groupby(["a", "b", "year"], as_index=False)[list(cols)].max()
        out = out.merge(al, on=["a", "b", "year"], how="left")
        inside = (out["year"].between(c_lo, c_hi).to_numpy() & in_system)
        for c in cols:
            vals = out[c].astype("Float64").fillna(0).to_numpy(dtype="float64", na_value=np.nan)
            out[c] = pd.array(np.where(inside, vals, np.nan), dtype="Float64").astype("Int64")
    return out


def _with_spells(out: pd.DataFrame, states: list[str] | None, hi: int) -> pd.DataFrame:
    """The curated spells' strength (``chr_strength``), the treaties in force and the dated treaty events."""
    spells = treaty_spells()
    if states is not None:
        spells = spells[spells["a"].isin(states) & spells["b"].isin(states)]
    sy = spell_years(spells, hi)
    scored = sy[sy["reading"].isin(STRENGTH_READINGS)]
    chr_max = scored.groupby(["a", "b", "year"])["strength"].max().rename("chr_strength").reset_index()
    out = out.merge(chr_max, on=["a", "b", "year"], how="left")
    out = out.merge(_in_force_labels(sy), on=["a", "b", "year"], how="left")
    ev = treaty_events(spells)
    ev = ev.groupby(["a", "b", "year"])["event"].agg("; ".join).rename("treaty_events").reset_index()
    out = out.merge(ev, on=["a", "b", "year"], how="left")
    for c in ("treaties_in_force", "treaty_events"):
        out[c] = out[c].astype("string")
    return out


def _strength(out: pd.DataFrame, in_system: np.ndarray) -> pd.DataFrame:
    """Headline strength: to 2018 max(ATOP, curated spells); after 2018 the spells alone (complete for the triad)."""
    atop = obligation_strength(*(out[c] for c in ATOP_COLS))
    chr_s = out["chr_strength"].to_numpy(dtype="float64", na_value=np.nan)  # NaN: no curated spell in force
    year = out["year"].to_numpy()
    atop_era = year <= ATOP_YEARS[1]
    triad = out["a"].isin(TRIAD).to_numpy() & out["b"].isin(TRIAD).to_numpy()
    to_2018 = np.where(np.isnan(atop), chr_s, np.maximum(atop, np.nan_to_num(chr_s)))
    after = np.where(np.isnan(chr_s), np.where(triad & in_system, 0.0, np.nan), chr_s)
    strength = np.where(atop_era, to_2018, after)
    src = np.full(len(out), None, dtype=object)
    has = ~np.isnan(strength)
    by_atop = has & atop_era & (atop == strength)
    by_chr = (has & (chr_s == strength) & (strength > 0)) | (has & ~atop_era)
    src[by_atop & by_chr] = "ATOP+chronology"
    src[by_atop & ~by_chr] = "ATOP"
    src[~by_atop & by_chr] = "chronology"
    out["strength"] = pd.array(strength, dtype="Float64").astype("Int64")
    out["strength_source"] = pd.array(src, dtype="string")
    out["score"] = pd.array(strength / 3.0, dtype="Float64")
    out["source"] = _source(out, year, in_system)
    return out.drop(columns="chr_strength")


def _in_force_labels(sy: pd.DataFrame) -> pd.DataFrame:
    """'1961 Sino-DPRK treaty; 1961 USSR-DPRK treaty [COW/Gibler to 1995-09-07; treaty term/ATOP to 1996-09-10]'."""
    if sy.empty:
        return pd.DataFrame(columns=["a", "b", "year", "treaties_in_force"])
    sy = sy.copy()
    multi = sy.groupby(["a", "b", "year", "treaty_id"])["reading"].transform("size") > 1
    single_reading = ~multi & sy["reading"].isin(READING_LABELS)
    sy["note"] = ""
    sy.loc[multi | single_reading, "note"] = (
        sy["reading"].map(READING_LABELS).fillna(sy["reading"]) + " to " + sy["in_force_to"].astype(str))
    per = (sy.groupby(["a", "b", "year", "treaty_id", "short"])["note"]
           .agg(lambda s: "; ".join(x for x in s if x)).reset_index())
    per["label"] = np.where(per["note"] != "", per["short"] + " [" + per["note"] + "]", per["short"])
    return (per.groupby(["a", "b", "year"])["label"].agg("; ".join).rename("treaties_in_force").reset_index())


def _source(out: pd.DataFrame, year: np.ndarray, in_system: np.ndarray) -> np.ndarray:
    """The datasets behind each row, from four flags (a lookup, not string arithmetic on a million rows)."""
    chron = out["treaties_in_force"].notna().to_numpy() | (year > ATOP_YEARS[1])
    code = (year <= ATOP_YEARS[1]) * 1 + (year <= COW_YEARS[1]) * 2 + chron * 4
    names = []
    for c in range(8):
        parts = [n for bit, n in ((1, "ps_atop_alliance"), (2, "ps_cow_alliance"), (4, "treaty_spells (chr_treaties)"))
                 if c & bit]
        names.append("; ".join(parts + ["ps_cow_ddy"]))
    return np.asarray(names, dtype=object)[code]


class Treaties(Family):
    name = "treaties"
    label = "Alliances and treaties: ATOP, COW and the curated treaty spells"
    domain = "political"
    description = ("ATOP (to 2018) and COW (to 2012) obligations, curated treaty spells after 2018; strength 0-3 "
                   "(none, consultation/non-aggression/neutrality, friendship/partnership, defence pact)")
    columns = COLUMNS
    coverage = (ATOP_YEARS[0], dt.date.today().year)
    citation = (f"{ATOP}; {COW_ALLIANCE}; alignwatch curated treaty spells (data/treaty_spells.csv, from the "
                "chronology's chr_treaties, each row cited); " + COW_STATES)
    docs = "docs/measures/treaties.md"
    cache_all = True

    def compute(self, wh: Warehouse, states, years, options: NoOptions, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years)

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        from ..report import figures_unsc

        return figures_unsc.treaty_figure(wh, first, second, years)


FAMILY = register(Treaties())
dyad_years = FAMILY.dyad_years
