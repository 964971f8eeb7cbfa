"""Cooperation and conflict per dyad-year from the two event aggregates available: ICEWS and GDELT.

The two series are kept apart (``icews_*`` and ``gdelt_*`` columns; ``source`` names the dataset of each row) because
they measure different things and do not overlap in time:

* **ICEWS** (Boschee et al.), dyad-year counts 2002–2014 (``ev_icews``, directed source → target): verbal and
  material cooperation and conflict. A dyad's undirected count is the sum of both directions. The headline
  ``icews_net_coop`` = (coop − conf) / (coop + conf), with coop = verbal + material cooperation and conf = verbal +
  material conflict, is a share in [−1, 1] that does not depend on media volume (which inflates all counts
  together); it is NA when the dyad has no event in the year (0/0). The aggregate is a complete grid of 152
  countries: a dyad-year without events there is a real 0, a state outside the grid is NA.
* **GDELT** (Leetaru & Schrodt 2013), daily dyad weights 2018-01-01 → 2024-02-23 (``ev_gdelt_daily``), only for
  pairs with PRK, CHN or RUS. ``edge_weight`` is a Goldstein/tone/coverage intensity, **not an event count**, and
  grows with media volume. Reported per year: ``gdelt_sum`` (sum over the days present), ``gdelt_mean`` (per day
  present, a pair absent on a present day counting 0), the days present in the file (about 96 days have no file:
  365 in 2018 but 297 in 2023 and 54 in early 2024) and the days with a non-zero weight. ``gdelt_z`` standardises
  the daily mean against the dyad's own 2018–2024 history ((mean − mean over years) / sd over years): relative
  intensity only, comparable within a dyad, not across dyads or with ICEWS.

``score`` is ``icews_net_coop`` (2002–2014); it is NA in GDELT years, because a relative intensity is not an
alignment level. Years 2015–2017 have no source (NA).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..warehouse import Warehouse
from .registry import Family, NoOptions, register

ICEWS = "ev_icews"
GDELT = "ev_gdelt_daily"
CITATION_ICEWS = ("ICEWS Coded Event Data (Boschee et al.), Harvard Dataverse doi:10.7910/DVN/28075; dyad-year "
                  "aggregate from the R package netify")
CITATION_GDELT = ("GDELT 2.0 (Leetaru & Schrodt 2013); daily country graphs from GitHub gzemo/gdelt-graph-data")
_COUNTS = {"verbCoop": "icews_verb_coop", "matlCoop": "icews_matl_coop", "verbConf": "icews_verb_conf",
           "matlConf": "icews_matl_conf"}
ICEWS_COLUMNS = (*_COUNTS.values(), "icews_coop", "icews_conf", "icews_events", "icews_net_coop")
GDELT_COLUMNS = ("gdelt_sum", "gdelt_mean", "gdelt_z", "gdelt_days_present", "gdelt_days_active")
COLUMNS = ("icews_net_coop", "gdelt_z", "icews_coop", "icews_conf", "gdelt_sum", "gdelt_mean",
           "gdelt_days_present")
_MIN_YEARS_Z = 3  # a z-score needs a history


# ------------------------------------------------------------------------------------------- pure functions


def _orient(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    a, b = a.astype(str).to_numpy(dtype=object), b.astype(str).to_numpy(dtype=object)
    swap = a > b
    return np.where(swap, b, a), np.where(swap, a, b)


def icews_undirected(directed: pd.DataFrame) -> pd.DataFrame:
    """Directed ICEWS counts (iso3_i → iso3_j) as undirected dyad-years: each count summed over both directions.

    Also returns coop, conf, their total and the net-cooperation share (NA when the total is 0).
    """
    need = {"iso3_i", "iso3_j", "year", *_COUNTS}
    if missing := need - set(directed.columns):
        raise DataError(ICEWS, f"ICEWS rows lack column(s) {sorted(missing)}")
    d = directed[directed["iso3_i"].notna() & directed["iso3_j"].notna()
                 & (directed["iso3_i"] != directed["iso3_j"])]
    a, b = _orient(d["iso3_i"], d["iso3_j"])
    d = pd.DataFrame({"a": a, "b": b, "year": d["year"].astype("int64").to_numpy(),
                      **{new: d[old].astype("float64").to_numpy() for old, new in _COUNTS.items()}})
    out = d.groupby(["a", "b", "year"], as_index=False, sort=True)[list(_COUNTS.values())].sum(min_count=1)
    out["icews_coop"] = out["icews_verb_coop"] + out["icews_matl_coop"]
    out["icews_conf"] = out["icews_verb_conf"] + out["icews_matl_conf"]
    out["icews_events"] = out["icews_coop"] + out["icews_conf"]
    total = out["icews_events"].where(out["icews_events"] > 0)
    out["icews_net_coop"] = (out["icews_coop"] - out["icews_conf"]) / total
    return out


def gdelt_yearly(daily: pd.DataFrame, *, days=None, focal: set[str] | None = None, nodes: set[str] | None = None,
                 states: list[str] | None = None) -> pd.DataFrame:
    """Daily GDELT dyad weights (date, iso3_a, iso3_b, edge_weight) as dyad-years.

    Coverage comes from the whole file (pass ``days``, ``focal``, ``nodes`` when ``daily`` holds only some pairs):
    a day is present if the file has any row that day; a pair is covered if one side is a focal state (the states
    in ``iso3_a``: PRK, CHN, RUS) and the other appears anywhere in the file. A covered pair absent on a present day
    counts 0; self-pairs (both actors coded as the same state) are dropped. ``states`` restricts the pairs.
    """
    if missing := {"date", "iso3_a", "iso3_b", "edge_weight"} - set(daily.columns):
        raise DataError(GDELT, f"GDELT rows lack column(s) {sorted(missing)}")
    d = daily.dropna(subset=["date", "iso3_a", "iso3_b"])
    date = pd.to_datetime(d["date"]).dt.normalize()
    present = pd.Series(pd.to_datetime(pd.Series(days if days is not None else date)).dt.normalize().unique())
    dayn = present.dt.year.astype("int64").value_counts().sort_index()
    dayn = dayn.rename_axis("year").rename("gdelt_days_present").reset_index()
    focal = set(d["iso3_a"].astype(str)) if focal is None else set(focal)
    nodes = (set(d["iso3_a"].astype(str)) | set(d["iso3_b"].astype(str))) if nodes is None else set(nodes)
    if states is not None:
        focal, nodes = focal & set(states), nodes & set(states)
    pairs = {tuple(sorted((x, y))) for x in focal for y in nodes if x != y}
    if not pairs or dayn.empty:
        return pd.DataFrame({"a": pd.Series(dtype=str), "b": pd.Series(dtype=str),
                             "year": pd.Series(dtype="int64"), **{c: pd.Series(dtype="float64")
                                                                  for c in GDELT_COLUMNS}})
    d = d[(d["iso3_a"] != d["iso3_b"]).to_numpy()]
    a, b = _orient(d["iso3_a"], d["iso3_b"])
    w = d["edge_weight"].astype("float64").to_numpy()
    d = pd.DataFrame({"a": a, "b": b, "year": date[d.index].dt.year.astype("int64").to_numpy(),
                      "date": date[d.index].to_numpy(), "w": w})
    per_day = d.groupby(["a", "b", "year", "date"], as_index=False)["w"].sum()  # a pair given twice, if ever
    per_day["active"] = per_day["w"] != 0
    agg = per_day.groupby(["a", "b", "year"], as_index=False).agg(gdelt_sum=("w", "sum"),
                                                                  gdelt_days_active=("active", "sum"))
    grid = pd.DataFrame(sorted(pairs), columns=["a", "b"]).merge(dayn, how="cross")
    out = grid.merge(agg, on=["a", "b", "year"], how="left")  # rows of uncovered pairs fall away here
    out["gdelt_sum"] = out["gdelt_sum"].fillna(0.0)
    out["gdelt_days_active"] = out["gdelt_days_active"].fillna(0).astype("int64")
    out["gdelt_mean"] = out["gdelt_sum"] / out["gdelt_days_present"]
    g = out.groupby(["a", "b"])["gdelt_mean"]
    mu, sd, n = g.transform("mean"), g.transform("std"), g.transform("size")
    out["gdelt_z"] = ((out["gdelt_mean"] - mu) / sd.where(sd > 0)).where(n >= _MIN_YEARS_Z)
    return out[["a", "b", "year", *GDELT_COLUMNS]].sort_values(["a", "b", "year"]).reset_index(drop=True)


def combine(icews: pd.DataFrame | None, gdelt: pd.DataFrame | None, *, icews_states: set[str] | None = None,
            icews_years: tuple[int, int] | None = None, states: list[str] | None = None,
            years: tuple[int, int] | None = None) -> pd.DataFrame:
    """One row per dyad-year with both series side by side, ``score`` and ``source``.

    With ``states``: every pair of them for every year of ``years`` (default: the span of both sources), NA outside
    each source's coverage. ICEWS zeros are filled only for pairs of ``icews_states`` within ``icews_years``.
    """
    frames = [f for f in (icews, gdelt) if f is not None and len(f)]
    if states is not None:
        spans = [(int(f["year"].min()), int(f["year"].max())) for f in frames]
        if icews_years is not None:
            spans.append(icews_years)
        lo, hi = years or ((min(s[0] for s in spans), max(s[1] for s in spans)) if spans else (0, -1))
        st = sorted(set(states))
        grid = pd.DataFrame([(x, y, yr) for i, x in enumerate(st) for y in st[i + 1:] for yr in range(lo, hi + 1)],
                            columns=["a", "b", "year"])
    else:
        keys = [f[["a", "b", "year"]] for f in frames]
        grid = (pd.concat(keys).drop_duplicates() if keys else pd.DataFrame(columns=["a", "b", "year"]))
        if years is not None:
            grid = grid[grid["year"].between(*years)]
    grid = grid.astype({"a": str, "b": str, "year": "int64"})
    out = grid.copy()
    for f, cols in ((icews, ICEWS_COLUMNS), (gdelt, GDELT_COLUMNS)):
        if f is not None and len(f):
            out = out.merge(f[["a", "b", "year", *cols]].astype({"a": str, "b": str, "year": "int64"}),
                            on=["a", "b", "year"], how="left")
        else:
            out = out.assign(**{c: np.nan for c in cols})
    # ICEWS is a complete grid: inside it, a missing dyad-year is 0 events (net share NA, 0/0)
    if icews_states is not None and icews_years is not None:
        inside = (out["a"].isin(icews_states) & out["b"].isin(icews_states)
                  & out["year"].between(*icews_years)).to_numpy()
        fill = inside & out["icews_events"].isna().to_numpy()
        out.loc[fill, [c for c in ICEWS_COLUMNS if c != "icews_net_coop"]] = 0.0
    for c in ("gdelt_days_present", "gdelt_days_active"):
        out[c] = out[c].astype("Int64")
    has_i = out["icews_events"].notna()
    has_g = out["gdelt_days_present"].notna()
    out["source"] = pd.Series(np.where(has_i, ICEWS, np.where(has_g, GDELT, None)), index=out.index,
                              dtype="string")
    out.loc[has_i & has_g, "source"] = f"{ICEWS}+{GDELT}"
    out["score"] = out["icews_net_coop"].astype("float64")
    cols = ["a", "b", "year", *ICEWS_COLUMNS, *GDELT_COLUMNS, "score", "source"]
    return out[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- warehouse API

_ICEWS_SQL = """
SELECT iso3_i, iso3_j, year, verbCoop, matlCoop, verbConf, matlConf FROM ev_icews
WHERE iso3_i IN (SELECT unnest(?::VARCHAR[])) AND iso3_j IN (SELECT unnest(?::VARCHAR[]))
"""
_ICEWS_ALL_SQL = "SELECT iso3_i, iso3_j, year, verbCoop, matlCoop, verbConf, matlConf FROM ev_icews"
_ICEWS_GRID_SQL = """
SELECT min(year) AS lo, max(year) AS hi, list(DISTINCT iso3_i) AS states FROM ev_icews WHERE iso3_i IS NOT NULL
"""
# Days present and the node list come from the whole file; the weights only from the pairs asked for.
_GDELT_DAYS_SQL = "SELECT DISTINCT CAST(date AS DATE) AS date FROM ev_gdelt_daily"
_GDELT_NODES_SQL = "SELECT DISTINCT iso3_a, iso3_b FROM ev_gdelt_daily"
_GDELT_SQL = """
SELECT CAST(date AS DATE) AS date, iso3_a, iso3_b, edge_weight FROM ev_gdelt_daily
WHERE iso3_a IN (SELECT unnest(?::VARCHAR[])) AND iso3_b IN (SELECT unnest(?::VARCHAR[]))
"""
_GDELT_ALL_SQL = "SELECT CAST(date AS DATE) AS date, iso3_a, iso3_b, edge_weight FROM ev_gdelt_daily"


def _gdelt(wh: Warehouse, states: list[str] | None) -> pd.DataFrame:
    rows = wh.query(_GDELT_ALL_SQL) if states is None else wh.query(_GDELT_SQL, [states, states])
    nodes = wh.query(_GDELT_NODES_SQL)
    focal = set(nodes["iso3_a"].dropna())
    return gdelt_yearly(rows, days=wh.query(_GDELT_DAYS_SQL)["date"], focal=focal,
                        nodes=focal | set(nodes["iso3_b"].dropna()), states=states)


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None) -> pd.DataFrame:
    """ICEWS and GDELT cooperation/conflict per undirected dyad-year (see the module docstring)."""
    wh.require(ICEWS, GDELT)
    if states is None:
        directed = wh.query(_ICEWS_ALL_SQL)
    else:
        directed = wh.query(_ICEWS_SQL, [states, states])
    grid = wh.query(_ICEWS_GRID_SQL)
    listed = grid["states"].iloc[0] if len(grid) else None
    icews_states = set(listed) if listed is not None else set()
    icews_years = ((int(grid["lo"].iloc[0]), int(grid["hi"].iloc[0]))
                   if len(grid) and pd.notna(grid["lo"].iloc[0]) else None)
    icews = icews_undirected(directed)
    gdelt = _gdelt(wh, states)
    return combine(icews, gdelt, icews_states=icews_states, icews_years=icews_years, states=states, years=years)


class Events(Family):
    name = "events"
    label = "Event data: cooperation and conflict (ICEWS, GDELT)"
    domain = "political"
    description = ("ICEWS 2002-2014 net cooperation share (coop - conf)/(coop + conf) of both directions; GDELT "
                   "2018-2024 daily Goldstein/tone weights (PRK, CHN, RUS pairs): yearly sum, daily mean and z "
                   "against the dyad's own history (relative intensity, not a count)")
    columns = COLUMNS
    coverage = (1995, 2024)
    citation = f"{CITATION_ICEWS}; {CITATION_GDELT}"
    docs = "docs/measures/events.md"

    def compute(self, wh: Warehouse, states, years, options: NoOptions, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years)


FAMILY = register(Events())
dyad_years = FAMILY.dyad_years
