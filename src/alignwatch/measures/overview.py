"""A first look at joined data for a few dyads: UNGA votes both cast and their identical share, COW trade between
the two, and alliance obligations in force (ATOP, COW) — each NA where its dataset does not cover the year or a
state was not a member, never 0.

This is the foundation's plain view; the measure families (``unga``, ``trade``, ``treaties``) give the full,
documented measures.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd

from .. import states as st
from ..errors import UsageError
from ..sources.peacesciencer import ATOP, COW_ALLIANCE, TRADE
from ..sources.unga_recent import CITATION_UNDL
from ..warehouse import Warehouse
from .registry import Family, NoOptions, get, register

_TRADE_SQL = """
SELECT iso3_1, iso3_2, year, flow1, flow2 FROM ps_cow_trade_ndy
WHERE iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))
"""
_ALLY_SQL = """
SELECT iso3_1, iso3_2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul
FROM ps_atop_alliance
WHERE iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))
"""
_COW_ALLY_SQL = """
SELECT iso3_1, iso3_2, year, cow_defense FROM ps_cow_alliance
WHERE iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))
"""
_SPAN_SQL = 'SELECT year_min, year_max FROM _provenance WHERE "table" = ?'

COLUMNS = ("unga_n_joint", "unga_agree", "trade_a_imports_from_b", "trade_b_imports_from_a",
           "atop_defense", "atop_nonagg", "atop_consul", "cow_defense")


def _span(wh: Warehouse, table: str, default: tuple[int, int]) -> tuple[int, int]:
    """A table's coverage years from provenance (falls back to the manifest's when provenance lacks them)."""
    if wh.has("_provenance"):
        r = wh.query(_SPAN_SQL, [table])
        if len(r) and pd.notna(r.year_min.iloc[0]):
            return int(r.year_min.iloc[0]), int(r.year_max.iloc[0])
    return default


def _undirected(df: pd.DataFrame, cols_swap: dict[str, str]) -> pd.DataFrame:
    """Orient rows so that a < b, swapping directed columns when a row is flipped."""
    flip = df["a"] > df["b"]
    out = df.copy()
    out.loc[flip, ["a", "b"]] = df.loc[flip, ["b", "a"]].to_numpy()
    for x, y in cols_swap.items():
        out.loc[flip, [x, y]] = df.loc[flip, [y, x]].to_numpy()
    return out


def _frame(codes: list[str], years: tuple[int, int]) -> pd.DataFrame:
    pairs = [(a, b) for a, b in itertools.combinations(sorted(set(codes)), 2)]
    yrs = np.arange(years[0], years[1] + 1)
    return pd.DataFrame([(a, b, int(y)) for a, b in pairs for y in yrs], columns=["a", "b", "year"])


def _dyad_years(wh: Warehouse, states: list[str], years: tuple[int, int] | None) -> pd.DataFrame:
    wh.require("ps_cow_trade_ndy", "ps_atop_alliance", "ps_cow_alliance")
    years = years or (1946, dt.date.today().year)
    out = _frame(states, years)

    # the UNGA family's counts and identical-vote share (its seat, membership and coverage rules: NA, never 0)
    unga = get("unga").dyad_years(wh, states, years)[["a", "b", "year", "n_joint", "agree_identical"]]
    unga = unga.rename(columns={"n_joint": "unga_n_joint", "agree_identical": "unga_agree"})
    out = out.merge(unga.astype({"a": str, "b": str}), on=["a", "b", "year"], how="left")
    out["unga_n_joint"] = out["unga_n_joint"].astype("Int64")

    trade = wh.query(_TRADE_SQL, [states, states]).rename(
        columns={"iso3_1": "a", "iso3_2": "b", "flow1": "trade_a_imports_from_b", "flow2": "trade_b_imports_from_a"})
    trade = _undirected(trade, {"trade_a_imports_from_b": "trade_b_imports_from_a"})
    out = out.merge(trade, on=["a", "b", "year"], how="left")  # no row or NA flow: not reported -> NA
    # one rule for COW zeros everywhere: the zeros the trade family documents as missing are NA here too
    from .trade import KNOWN_MISSING

    for (p, q), lo, hi, _why in KNOWN_MISSING:
        bad = (out["a"] == p) & (out["b"] == q) & out["year"].between(lo, hi)
        out.loc[bad, ["trade_a_imports_from_b", "trade_b_imports_from_a"]] = np.nan

    for sql, table, cols, default in (
        (_ALLY_SQL, "ps_atop_alliance", ["atop_defense", "atop_nonagg", "atop_consul"], (1815, 2018)),
        (_COW_ALLY_SQL, "ps_cow_alliance", ["cow_defense"], (1816, 2012)),
    ):
        ally = wh.query(sql, [states, states]).rename(columns={"iso3_1": "a", "iso3_2": "b"})
        ally = _undirected(ally, {}).groupby(["a", "b", "year"], as_index=False)[cols].max()
        out = out.merge(ally, on=["a", "b", "year"], how="left")
        lo, hi = _span(wh, table, default)
        inside = out["year"].between(lo, hi)
        in_system = _both_in_system(out)
        for c in cols:
            # within coverage a missing dyad-year means "no alliance" (0), outside it is unknown (NA)
            out[c] = out[c].where(~(inside & in_system) | out[c].notna(), 0).where(inside & in_system)
            out[c] = out[c].astype("Int64")
    out["score"] = out["unga_agree"]
    out["source"] = ("unga family (series undl: undl_ga_votes, unga_votes_2025); ps_cow_trade_ndy; ps_atop_alliance; "
                     "ps_cow_alliance")
    return out


def _both_in_system(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(False, index=df.index)
    for y, idx in df.groupby("year").groups.items():
        m = set(st.members(int(y)))
        sub = df.loc[idx]
        ok.loc[idx] = sub["a"].isin(m) & sub["b"].isin(m)
    return ok


class Overview(Family):
    name = "overview"
    label = "First look: UNGA votes, COW trade, alliances"
    domain = "descriptive"
    description = ("UNGA votes both cast and identical share; COW trade (to 2014); ATOP (to 2018) and COW (to 2012) "
                   "alliance obligations in force")
    columns = COLUMNS
    coverage = (1946, 2025)
    citation = f"{CITATION_UNDL}; {TRADE}; {ATOP}; {COW_ALLIANCE}"
    docs = "docs/measures.md"

    def compute(self, wh: Warehouse, states, years, options: NoOptions, *, use_cache: bool = True) -> pd.DataFrame:
        if states is None:  # a first look at a few dyads, not a panel of the world
            raise UsageError("the overview needs the states to look at", hint="e.g. alignwatch dyad PRK CHN")
        return _dyad_years(wh, states, years)


FAMILY = register(Overview())
dyad_years = FAMILY.dyad_years
