"""Diplomatic representation both ways, per undirected dyad-year (COW Diplomatic Exchange v2006.1, to 2005).

For a dyad ``a < b``: ``dr_at_a`` is the level of b's mission at a's capital, ``dr_at_b`` the level of a's mission
at b's (0 none, 1 chargé d'affaires, 2 minister, 3 ambassador, 9 present at an unknown or other level). Each level
becomes a value in 0-1: ``level / 3`` for 0-3. A 9 (every present mission in 1950-1965) is a mission whose level is
unknown, so it gets the mean and standard deviation of ``level / 3`` over all missions present in
:data:`PRIOR_YEAR` (1970, the first observation that records levels again; computed from the table):

    score    = (v_at_a + v_at_b) / 2                      (0 = no mission either way, 1 = ambassadors both ways)
    score_se = sqrt(se_at_a^2 + se_at_b^2) / 2            (0 where both levels are known)

Observations exist every five years (1950-2005; irregular before). A year between observations carries the last
observation forward for at most :data:`MAX_GAP` years (so 1950-2009 is covered, 1941-1949 is not): ``obs_year`` and
``carried`` (years since it) say which observation a row shows. A year never observed is NA, never 0; 0 is an
observed "no representation". Rows are limited to years both states are COW system members (``ps_cow_ddy``).
Formulas, coverage and citations: ``docs/measures/diplomacy.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..sources.diplomacy import CITATION as DIPLOMATIC_EXCHANGE
from ..sources.peacesciencer import COW_STATES
from ..warehouse import Warehouse
from ._system import dyad_frame, labels_at, trim_leading_na, undirected
from .registry import Family, NoOptions, register

MAX_GAP = 4  # years an observation is carried forward (observations are five years apart)
PRIOR_YEAR = 1970  # the level distribution that stands in for an unknown level (9)
UNKNOWN = 9
COVERAGE = (1817, 2005 + MAX_GAP)
COLUMNS = ("score", "score_se", "dr_at_a", "dr_at_b", "obs_year", "carried", "de")
SOURCE = "cow_diplomatic_exchange; ps_cow_ddy"

_OBS_SQL = """
SELECT iso3_1, iso3_2, year, DR_at_1, DR_at_2, DE FROM cow_diplomatic_exchange
WHERE iso3_1 <> iso3_2 AND (? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))))
"""
_PRIOR_SQL = """
SELECT DR_at_1 AS level, count(*) AS n FROM cow_diplomatic_exchange
WHERE year = ? AND DR_at_1 BETWEEN 1 AND 3 GROUP BY 1
"""
_YEARS_SQL = "SELECT DISTINCT year FROM cow_diplomatic_exchange ORDER BY year"


def unknown_level_prior(counts: pd.DataFrame) -> tuple[float, float]:
    """Mean and standard deviation of ``level / 3`` among present missions (``level``, ``n`` rows for 1-3)."""
    n = counts["n"].to_numpy(dtype=float)
    if n.sum() == 0:
        raise DataError("cow_diplomatic_exchange", f"no mission with a level 1-3 in {PRIOR_YEAR}; expected the "
                        "1970 observation (it sets the value of an unknown level 9)", column="DR_at_1")
    v = counts["level"].to_numpy(dtype=float) / 3.0
    mean = float((n * v).sum() / n.sum())
    return mean, float(np.sqrt((n * (v - mean) ** 2).sum() / n.sum()))


def level_values(level: pd.Series, prior: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Value in 0-1 and its standard error per level: level/3 (se 0) for 0-3, the prior for 9, NA for NA."""
    lv = level.to_numpy(dtype=float, na_value=np.nan)
    unknown = lv == UNKNOWN
    value = np.where(unknown, prior[0], lv / 3.0)
    se = np.where(unknown, prior[1], np.where(np.isnan(lv), np.nan, 0.0))
    return value, se


def observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Directed rows -> one row per undirected dyad and observation year: ``dr_at_a``, ``dr_at_b``, ``de``.

    Both orders of a pair say the same; a pair listed in one order only still counts. Two COW codes that resolve to
    one state in the same year (North Yemen 678 and Yemen 679 in 1990) keep the higher level."""
    a, b = undirected(obs, "iso3_1", "iso3_2")
    flip = obs["iso3_1"].to_numpy(dtype=object) != a
    at1, at2 = obs["DR_at_1"].to_numpy(dtype=float), obs["DR_at_2"].to_numpy(dtype=float)
    # a 9 is "present, level unknown": rank it between none (0) and a known level when two rows compete
    rank = lambda x: np.where(x == UNKNOWN, 0.5, x)  # noqa: E731
    df = pd.DataFrame({"a": a, "b": b, "year": obs["year"].to_numpy(dtype="int64"),
                       "dr_at_a": np.where(flip, at2, at1), "dr_at_b": np.where(flip, at1, at2),
                       "de": obs["DE"].to_numpy(dtype=float)})
    df["_rank"] = rank(df["dr_at_a"].to_numpy()) + rank(df["dr_at_b"].to_numpy())
    df = df.sort_values("_rank", ascending=False).drop_duplicates(["a", "b", "year"]).drop(columns="_rank")
    return df.sort_values(["a", "b", "year"]).reset_index(drop=True)


def carry_forward(obs: pd.DataFrame, obs_years: np.ndarray, max_gap: int = MAX_GAP) -> pd.DataFrame:
    """Each observation stands for its year and the following years up to the next observation year of the
    dataset, at most ``max_gap`` years: adds ``obs_year`` and ``carried``; vectorised."""
    obs_years = np.sort(np.unique(np.asarray(obs_years, dtype="int64")))
    y = obs["year"].to_numpy(dtype="int64")
    nxt = np.searchsorted(obs_years, y, side="right")
    next_year = np.where(nxt < len(obs_years), obs_years[np.minimum(nxt, len(obs_years) - 1)], np.iinfo("int64").max)
    n = np.minimum(next_year - y, max_gap + 1)
    out = obs.loc[obs.index.repeat(n)].copy()
    carried = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    out["obs_year"] = np.repeat(y, n)
    out["year"] = out["obs_year"] + carried
    out["carried"] = carried
    return out.reset_index(drop=True)


def score(df: pd.DataFrame, prior: tuple[float, float]) -> pd.DataFrame:
    va, sa = level_values(df["dr_at_a"], prior)
    vb, sb = level_values(df["dr_at_b"], prior)
    df["score"] = pd.array((va + vb) / 2.0, dtype="Float64")
    df["score_se"] = pd.array(np.sqrt(sa ** 2 + sb ** 2) / 2.0, dtype="Float64")
    return df


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None) -> pd.DataFrame:
    wh.require("cow_diplomatic_exchange", "ps_cow_ddy")
    lo, hi = years or COVERAGE
    prior = unknown_level_prior(wh.query(_PRIOR_SQL, [PRIOR_YEAR]))
    obs = observations(wh.query(_OBS_SQL, [states is None, states or [], states or []]))
    rows = carry_forward(obs, wh.query(_YEARS_SQL)["year"].to_numpy())
    rows = rows[rows["year"].between(lo, hi)]
    frame = dyad_frame(wh, states, lo, hi)
    how = "inner" if states is None else "left"  # all states: only observed dyad-years; a few: the full grid
    out = frame.merge(rows, on=["a", "b", "year"], how=how)
    outside = ~out["in_system"].to_numpy()
    for c in ("dr_at_a", "dr_at_b", "de", "obs_year", "carried"):
        out[c] = pd.array(np.where(outside, np.nan, out[c].to_numpy(dtype=float, na_value=np.nan)),
                          dtype="Float64").astype("Int64")
    out = score(out, prior)
    out["source"] = labels_at([None, SOURCE], out["score"].notna().to_numpy().astype(int))
    if years is None and states is not None:
        out = trim_leading_na(out, out["score"].notna())
    cols = ["a", "b", "year", "score", "score_se", "dr_at_a", "dr_at_b", "obs_year", "carried", "de", "source"]
    return out[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)


class Diplomacy(Family):
    name = "diplomacy"
    label = "Diplomatic representation both ways (COW Diplomatic Exchange)"
    domain = "political"
    description = ("mean of both directions' representation level / 3, 0-1 (0 none, 1 ambassadors both ways; level "
                   "unknown in 1950-65 = 1970 mean, with score_se); observed every 5 years 1950-2005, carried "
                   f"forward at most {MAX_GAP} years; 1817-2009")
    columns = COLUMNS
    coverage = COVERAGE
    citation = f"{DIPLOMATIC_EXCHANGE}; {COW_STATES}"
    docs = "docs/measures/diplomacy.md"
    cache_all = True

    def compute(self, wh: Warehouse, states, years, options: NoOptions, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years)


FAMILY = register(Diplomacy())
dyad_years = FAMILY.dyad_years
