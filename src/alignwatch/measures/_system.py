"""The frame of dyad-years a family scores: pairs of COW state-system members, so that "no event" (0) can be told
apart from "not a state then" (NA).

Used by the families whose zero is a real observation (co-belligerency, arms transfers): inside a dataset's
coverage *and* while both states are system members (``ps_cow_ddy``, 1816-2024), a dyad-year without a record is
0; otherwise it is NA.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa

from ..warehouse import Warehouse

_DDY_SQL = """
SELECT least(iso3_1, iso3_2) AS a, greatest(iso3_1, iso3_2) AS b, year
FROM ps_cow_ddy
WHERE iso3_1 < iso3_2 AND year BETWEEN ? AND ?
  AND (? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))))
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def dyad_frame(wh: Warehouse, states: list[str] | None, lo: int, hi: int) -> pd.DataFrame:
    """``a, b, year, in_system``: every system dyad-year in ``lo..hi`` (all states), or the full grid of the given
    states' pairs and years with ``in_system`` telling which dyad-years both were COW system members."""
    wh.require("ps_cow_ddy")
    every = states is None
    member = wh.query(_DDY_SQL, [lo, hi, every, states or [], states or []])
    member["year"] = member["year"].astype("int64")
    if every:
        return member.assign(in_system=True)
    pairs = pd.DataFrame(list(itertools.combinations(states, 2)), columns=["a", "b"])
    grid = pairs.merge(pd.DataFrame({"year": np.arange(lo, hi + 1, dtype="int64")}), how="cross")
    grid = grid.merge(member.assign(in_system=True), on=["a", "b", "year"], how="left")
    grid["in_system"] = grid["in_system"].fillna(False).astype(bool)
    return grid


def undirected(df: pd.DataFrame, x: str, y: str) -> tuple[np.ndarray, np.ndarray]:
    """The canonical (a, b) order (a < b) of two ISO3 columns."""
    xs, ys = df[x].to_numpy(dtype=object), df[y].to_numpy(dtype=object)
    first = xs < ys
    return np.where(first, xs, ys), np.where(first, ys, xs)


def labels_at(labels: list[str | None], codes: np.ndarray) -> pd.arrays.ArrowStringArray:
    """A string column from a few labels and one code per row (Arrow take: no Python string per row)."""
    return pd.arrays.ArrowStringArray(pa.array(labels, pa.string()).take(pa.array(codes)))


def trim_leading_na(out: pd.DataFrame, covered: pd.Series) -> pd.DataFrame:
    """Start each dyad at its first covered year (used when no year range was asked for)."""
    first = out.loc[covered.to_numpy()].groupby(["a", "b"])["year"].min().rename("_first")
    out = out.merge(first, on=["a", "b"], how="inner")
    return out[out["year"] >= out["_first"]].drop(columns="_first").reset_index(drop=True)
