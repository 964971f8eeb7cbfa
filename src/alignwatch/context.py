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

GLANCE_YEARS = (1992, 2017, 2019)  # the years analysts compare "now" with (docs/index.md)


@dataclass
class Context:
    """What :func:`compute` returns: ``index`` (the focus's dyads, stored a < b), ``panel`` (every family's z per
    dyad-year), ``periods`` (by dyad key a < b), ``notes`` and per-step ``timings``."""

    wh: Warehouse
    focus: str
    partners: list[str]
    weights: idx.Weights
    years: tuple[int, int] | None = None
    index: pd.DataFrame | None = None
    panel: pd.DataFrame | None = None
    periods: dict = field(default_factory=dict)
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
            years: tuple[int, int] | None = None, replicates: int | None = None) -> Context:
    """The index of the focus with each partner, and each dyad's periods explained by the chronology."""
    ctx = Context(wh=wh, focus=focus, partners=list(partners), weights=weights or idx.load_weights(), years=years)
    t0 = time.perf_counter()
    di, panel, notes = idx.dyad_index(wh, ctx.states, years, ctx.weights, replicates=replicates, return_panel=True)
    wanted = set(ctx.dyads)
    ctx.index = di[[(a, b) in wanted for a, b in zip(di["a"], di["b"])]]
    ctx.panel, ctx.notes = panel, notes
    ctx.timings["index"] = time.perf_counter() - t0
    events = chronology.events(wh)
    for a, b in ctx.dyads:
        p = panel[(panel["a"] == a) & (panel["b"] == b)]
        ctx.periods[(a, b)], _ = per.periods(ctx.rows(a, b), p, chronology.events_of(events, a, b),
                                             seed=ctx.weights.seed)
    ctx.timings["periods"] = time.perf_counter() - t0 - ctx.timings["index"]
    return ctx


def glance(ctx: Context) -> pd.DataFrame:
    """"Now" for each of the focus's dyads, in the user's order: the latest year by :func:`alignwatch.index.latest`
    (the one rule, shared with the dashboard), its composite, interval, domains, the composite in the comparison
    years, and the current period. One function, so that a new index model changes "now" in one place."""
    rows = []
    for (a, b), (x, y) in zip(ctx.dyads, ctx.pairs):
        g = ctx.rows(a, b).dropna(subset=["composite"]).sort_values("year")
        last = idx.latest(g)
        if last is None:
            continue
        p = ctx.periods.get((a, b))
        cur = p.iloc[-1] if p is not None and len(p) else None
        ref = {yr: g.loc[g["year"] == yr, "composite"] for yr in GLANCE_YEARS}
        rows.append({
            "dyad": f"{x}–{y}", "latest year": int(last["year"]), "families": int(last["n_families"]),
            "composite": last["composite"],
            "interval": f"{last.get('composite_lo', float('nan')):.2f} … {last.get('composite_hi', float('nan')):.2f}",
            "political": last.get("political"), "economic": last.get("economic"),
            **{f"in {yr}": (float(v.iloc[0]) if len(v) else None) for yr, v in ref.items()},
            "current period": f"{cur.label} since {cur.start}" if cur is not None else "",
        })
    return pd.DataFrame(rows)


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
