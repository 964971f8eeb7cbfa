"""One focus state's picture with its partners: the index, the standardised family panel, the periods with their
chronology evidence, and the notes of what could not be computed.

The ``periods`` command, the report and the dashboard all call :func:`compute`, so that they cannot disagree; the
rows they show are derived here too (:func:`glance` for "now", :func:`index_with_periods`, :func:`dyad_events`).
The index and the periods are :func:`alignwatch.index.dyad_index` and :func:`alignwatch.periods.periods`, called
through their public functions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from . import chronology
from . import index as idx
from . import periods as per
from .warehouse import Warehouse

GLANCE_YEARS = idx.GLANCE_YEARS  # the years analysts compare "now" with (docs/index.md)


@dataclass
class Context:
    """What :func:`compute` returns: ``index`` (the focus's dyads, stored a < b), ``panel`` (every family's z per
    dyad-year), ``periods`` and ``paths`` (each dyad's exact path covariance, which the periods and the glance's
    changes read) by dyad key a < b, ``notes`` and per-step ``timings``."""

    wh: Warehouse
    focus: str
    partners: list[str]
    weights: idx.Weights
    years: tuple[int, int] | None = None
    index: pd.DataFrame | None = None
    panel: pd.DataFrame | None = None
    periods: dict = field(default_factory=dict)
    paths: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    @property
    def states(self) -> list[str]:
        return [self.focus] + self.partners

    @property
    def dyads(self) -> list[tuple[str, str]]:
        """The focus's dyads as the index stores them (a < b): keys of ``periods`` and of index rows."""
        return [tuple(sorted((self.focus, p))) for p in self.partners]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The same dyads in the user's order (focus first, partners as given): what is shown."""
        return [(self.focus, p) for p in self.partners]

    def rows(self, a: str, b: str) -> pd.DataFrame:
        """The index rows of one dyad (either order)."""
        x, y = sorted((a, b))
        return self.index[(self.index["a"] == x) & (self.index["b"] == y)]


def compute(wh: Warehouse, focus: str, partners: list[str], weights: idx.Weights | None = None,
            years: tuple[int, int] | None = None, replicates: int | None = None, *,
            estimated_under: idx.Weights | None = None) -> Context:
    """The index of the focus with each partner, and each dyad's periods explained by the chronology.

    Index and periods are computed on the whole series and then cut to ``years``: a year's value and label do not
    depend on the window asked for (the model smooths over every year, and breaks are found on the whole path).
    ``replicates``: the joint posterior paths drawn to locate each period break (None: the weights file's
    ``[draws] replicates``); the index's intervals are exact and need none.
    ``estimated_under``: score with ``weights`` on the model estimated under these weights (the dashboard's weight
    sliders: :func:`alignwatch.index.held_model`)."""
    ctx = Context(wh=wh, focus=focus, partners=list(partners), weights=weights or idx.load_weights(), years=years)
    t0 = time.perf_counter()
    di, panel, notes, paths = idx.dyad_index(wh, ctx.states, None, ctx.weights, replicates=replicates,
                                             return_panel=True, estimated_under=estimated_under,
                                             return_paths=ctx.dyads)
    wanted = set(ctx.dyads)
    di = di[[(a, b) in wanted for a, b in zip(di["a"], di["b"])]]
    ctx.index, ctx.panel, ctx.notes = di, panel, notes
    ctx.paths = paths
    ctx.timings["index"] = time.perf_counter() - t0
    events = chronology.events(wh)
    for a, b in ctx.dyads:
        p = panel[(panel["a"] == a) & (panel["b"] == b)]
        table, _ = per.periods(ctx.rows(a, b), p, chronology.events_of(events, a, b), weights=ctx.weights,
                               B=replicates, seed=ctx.weights.seed, paths=ctx.paths[(a, b)])
        ctx.periods[(a, b)] = per.cut(table, years)
    if years is not None:
        ctx.index = di[di["year"].between(*years)].reset_index(drop=True)
        ctx.panel = panel[panel["year"].between(*years)].reset_index(drop=True)
    ctx.timings["periods"] = time.perf_counter() - t0 - ctx.timings["index"]
    return ctx


def glance(ctx: Context) -> pd.DataFrame:
    """"Now" for each of the focus's dyads, in the user's order, against 1992, 2017 and 2019 on the same model
    (:func:`alignwatch.index.glance_table`: the latest year by :func:`alignwatch.index.latest`, the one rule shared
    with the dashboard, with intervals of each change), and the current period. One function, so that the report
    and the dashboard cannot disagree on "now"."""
    g = idx.glance_table(ctx.index, ctx.pairs, ctx.weights, years=GLANCE_YEARS, paths=ctx.paths)
    if len(g):
        cur = {f"{x}–{y}": ctx.periods.get(tuple(sorted((x, y)))) for x, y in ctx.pairs}
        g["current period"] = [f"{p.iloc[-1].label} since {p.iloc[-1].start}" if p is not None and len(p) else ""
                               for p in map(cur.get, g["dyad"])]
    return g


def index_with_periods(ctx: Context) -> pd.DataFrame:
    """The index rows with the period (start–end) and label each year falls in, and the weights file."""
    df = ctx.index.copy()
    df["period"], df["period_label"] = None, None
    for (a, b), p in ctx.periods.items():
        if p is None or p.empty:
            continue
        for r in p.itertuples(index=False):  # a handful of periods per dyad
            m = (df["a"] == a) & (df["b"] == b) & df["year"].between(r.start, r.end)
            df.loc[m, "period"] = f"{r.start}–{r.end}"
            df.loc[m, "period_label"] = r.label
    df.insert(3, "weights", ctx.weights.path)
    return df.sort_values(["a", "b", "year"]).reset_index(drop=True)


def dyad_events(events: pd.DataFrame, dyads: list[tuple[str, str]], years: tuple[int, int]) -> pd.DataFrame:
    """Treaties signed up to the last year (one signed before the range may still be in force) and leader meetings
    inside the range, of the given dyads: date, dyad, kind (treaty/visit), event, source (the row's citation)."""
    cols = ["date", "dyad", "kind", "event", "source"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    keep = (((events["kind"] == "treaty") & (events["year"] <= years[1]))
            | ((events["kind"] == "visit") & events["year"].between(*years)))
    ev = events[keep.fillna(False).to_numpy(bool)]
    parts = []
    for a, b in dyads:
        hit = chronology.events_of(ev, a, b)
        hit = hit[hit["parties"] != chronology.EVERYONE]
        parts.append(pd.DataFrame({"date": hit["date"], "dyad": f"{a}–{b}", "kind": hit["kind"],
                                   "event": hit["text"].str.replace(r"^\w+: ", "", regex=True),
                                   "source": hit["source"]}))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    return out.sort_values(["date", "dyad"]).reset_index(drop=True)[cols]
