"""The self-contained HTML report: one file, plotly.js inlined once, no external URL, every figure sourced.

Sections are small functions ``(ctx) -> html``; a section whose data are missing says so in place (the report
never silently drops a section). The report reads measures and figures, never SQL.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from .. import __version__, periods as per
from .. import index as idx
from ..errors import AlignwatchError
from ..warehouse import Warehouse
from . import figures_index
from .figure_common import html_metadata


@dataclass
class Context:
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
        """The same dyads in the user's order (focus first, partners as given): what the report shows."""
        return [(self.focus, p) for p in self.partners]


SECTIONS: list[tuple[str, str, Callable[[Context], str]]] = []


def section(key: str, title: str):
    def deco(fn):
        SECTIONS.append((key, title, fn))
        return fn
    return deco


def fig_html(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})


def table_html(df: pd.DataFrame, max_rows: int = 60) -> str:
    if df is None or df.empty:
        return "<p class='na'>No rows.</p>"
    table = df.head(max_rows).to_html(index=False, na_rep="NA", float_format=lambda v: f"{v:.3f}",
                                      classes="tbl", border=0, escape=True)
    return f"<div class='tbl-wrap'>{table}</div>"  # a wide table scrolls inside the page, not the page


def _optional(module: str, attr: str):
    """A figure function from another module of the report, or None where that module is not installed."""
    try:
        return getattr(importlib.import_module(f"alignwatch.{module}"), attr)
    except (ImportError, AttributeError):
        return None


# ------------------------------------------------------------------------------------------------ sections


@section("glance", "Current state at a glance")
def _glance(ctx: Context) -> str:
    g = idx.glance_table(ctx.index, ctx.pairs, ctx.weights)  # "now" against 1992, 2017, 2019 on the same model
    if len(g):
        cur = {f"{x}–{y}": ctx.periods.get(tuple(sorted((x, y)))) for x, y in ctx.pairs}
        g["current period"] = [f"{p.iloc[-1].label} since {p.iloc[-1].start}" if p is not None and len(p) else ""
                               for p in map(cur.get, g["dyad"])]
    intro = (f"<p>Alignment of <b>{ctx.focus}</b> with {', '.join(ctx.partners)}: posterior mean and "
             f"{int(ctx.weights.level * 100)}% interval of the composite (reference standard deviations, 0 = the "
             "typical dyad-year among the reference states), now and in 1992, 2017 and 2019 on the same model, with "
             f"the change since each. Now: the latest year up to this one that at least {idx.NOW_MIN_FAMILIES} "
             "measure families inform (else the latest with any), the same rule as the dashboard's.</p>")
    return intro + table_html(g)


@section("index", "Index over time, with intervals and periods")
def _index(ctx: Context) -> str:
    shown = idx.in_user_order(ctx.index, ctx.states)
    out = fig_html(figures_index.index_figure(shown, ctx.periods, ctx.focus))
    out += fig_html(figures_index.coverage_figure(idx.coverage_table(ctx.panel), ctx.focus, ctx.pairs))
    for key, (x, y) in zip(ctx.dyads, ctx.pairs):
        p = ctx.periods.get(key)
        if p is not None:
            out += f"<h3>Periods {x}–{y}</h3>" + table_html(p)
    out += "<p class='note'>Codebook: " + "; ".join(
        f"<b>{html.escape(k)}</b>: {html.escape(v)}" for k, v in per.CODEBOOK.items()) + ".</p>"
    return out


@section("domains", "Political vs economic")
def _domains(ctx: Context) -> str:
    return fig_html(figures_index.domains_figure(idx.in_user_order(ctx.index, ctx.states), ctx.focus))


@section("families", "Measure families")
def _families(ctx: Context) -> str:
    parts = []
    for title, module, attr, args in (
        ("UN General Assembly: agreement in the two roll-call series", "report.figures_unga", "agreement_figure",
         "states"),
        ("UN General Assembly: the Ukraine emergency-session votes (ES-11)", "report.figures_unga",
         "ukraine_votes_figure", "states"),
        ("UN General Assembly: ideal points", "report.figures_unga", "idealpoints_figure", "states"),
        ("Security Council: DPRK timeline", "report.figures_unsc", "unsc_timeline_figure", "topic"),
        ("Treaties", "report.figures_unsc", "treaty_figure", "dyads"),
        ("Trade: China's share of DPRK trade", "report.figures_trade", "trade_share", "focus_chn"),
        ("Trade: China–DPRK flows", "report.figures_trade", "trade_flows", "focus_chn"),
        ("Trade: DPRK–Russia", "report.figures_trade", "trade_flows", "focus_rus"),
        ("Visits", "report.figures_trade", "visits", "dyads"),
        ("Speeches: General Debate similarity", "report.figures_text", "speech_similarity", "dyad_list"),
        ("KCNA headlines naming China and Russia", "report.figures_text", "kcna_salience", "wh"),
    ):
        fn = _optional(module, attr)
        if fn is None:
            parts.append(f"<h3>{title}</h3><p class='na'>Figure not available in this build.</p>")
            continue
        try:
            figs = _call(fn, args, ctx)
        except AlignwatchError as e:
            parts.append(f"<h3>{title}</h3><p class='na'>Not available: {html.escape(str(e))}</p>")
            continue
        parts.append(f"<h3>{title}</h3>" + "".join(fig_html(f) for f in figs))
    return "".join(parts)


@section("positions", "Positions on peace proposals and New Year addresses")
def _positions(ctx: Context) -> str:
    parts = []
    for title, attr in (("Stances on peace proposals, roadmaps and joint statements", "proposals_timeline_figure"),
                        ("Pyongyang's New Year addresses: term rates", "addresses_figure")):
        fn = _optional("report.figures_positions", attr)
        parts.append(f"<h3>{title}</h3>" + (fig_html(fn(ctx.wh)) if fn else
                                             "<p class='na'>Figure not available in this build.</p>"))
    pos = _optional("measures.positions", "dyad_years")
    if pos is not None:
        rows = pos(ctx.wh, ctx.states, ctx.years)
        keep = [c for c in ("a", "b", "year", "n", "pos_agree", "n_co", "co_proposals", "proposals") if c in rows]
        scored = idx.in_user_order(rows[rows["pos_agree"].notna()][keep], ctx.states)
        parts.append("<h3>Position agreement per dyad-year (years with at least one stance of both known)</h3>"
                     + table_html(scored, max_rows=120))
    return "".join(parts)


def _call(fn, args: str, ctx: Context) -> list[go.Figure]:
    if args == "states":  # the user's states and the USA as the anchor, once each (USA may be a partner)
        return [fn(ctx.wh, list(dict.fromkeys(ctx.states + ["USA"])))]
    if args == "topic":
        return [fn(ctx.wh, "DPRK")]
    if args == "dyads":
        return [fn(ctx.wh, a, b) for a, b in ctx.pairs]
    if args == "focus_chn":
        return [fn(ctx.wh, ctx.focus, "CHN")] if "CHN" in ctx.partners else []
    if args == "focus_rus":
        return [fn(ctx.wh, ctx.focus, "RUS")] if "RUS" in ctx.partners else []
    if args == "dyad_list":
        return [fn(ctx.wh, ctx.pairs)]
    return [fn(ctx.wh)]


@section("network", "Bloc network")
def _network(ctx: Context) -> str:
    fn = _optional("report.figures_network", "bloc_section")
    return fn(ctx) if fn else "<p class='na'>Network module not available in this build.</p>"


@section("redlines", "Red lines")
def _redlines(ctx: Context) -> str:
    fn = _optional("report.figures_network", "redlines_section")
    return fn(ctx) if fn else "<p class='na'>Red-lines module not available in this build.</p>"


@section("claims", "Claims checked against the data")
def _claims(ctx: Context) -> str:
    fn = _optional("claims", "check_all")
    if fn is None:
        return "<p class='na'>Claims module not available in this build.</p>"
    return table_html(fn(ctx.wh), max_rows=100)


@section("sources", "Sources and provenance")
def _sources(ctx: Context) -> str:
    prov = ctx.wh.provenance()
    if not prov.empty:
        prov = prov.assign(sha256=prov["sha256"].str[:12])[
            ["table", "rows", "year_min", "year_max", "sha256", "ingested_at", "citation", "url"]]
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in ctx.notes)
    return (table_html(prov, max_rows=200) + (f"<h3>Notes</h3><ul>{notes}</ul>" if notes else "")
            + f"<p class='note'>alignwatch {__version__}; weights: {html.escape(ctx.weights.path)}; "
              f"generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.</p>")


# --------------------------------------------------------------------------------------------------- build

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#222}h1{margin-bottom:0}nav a{margin-right:1em}section{margin-top:2.5em;border-top:1px solid #ddd}
table.tbl{border-collapse:collapse;font-size:13px}table.tbl td,table.tbl th{padding:3px 8px;border-bottom:1px solid #eee;
text-align:right}table.tbl th{background:#f6f6f6}.na{color:#a33}.note{color:#555;font-size:13px}
.tbl-wrap{max-width:100%;overflow-x:auto}table.tbl td{max-width:28em;overflow-wrap:anywhere;vertical-align:top}
.plotly-graph-div{max-width:100%}
"""


def compute(wh: Warehouse, focus: str, partners: list[str], weights: idx.Weights | None = None,
            years: tuple[int, int] | None = None, replicates: int | None = None) -> Context:
    ctx = Context(wh=wh, focus=focus, partners=partners, weights=weights or idx.load_weights(), years=years)
    t0 = time.perf_counter()
    di, panel, notes = idx.dyad_index(wh, ctx.states, years, ctx.weights, replicates=replicates, return_panel=True)
    pairs = set(ctx.dyads)
    ctx.index = di[[(a, b) in pairs for a, b in zip(di.a, di.b)]]
    ctx.panel, ctx.notes = panel, notes
    ctx.timings["index"] = time.perf_counter() - t0
    events = chronology_events(wh)
    for a, b in ctx.dyads:
        rows = ctx.index[(ctx.index.a == a) & (ctx.index.b == b)]
        p = panel[(panel.a == a) & (panel.b == b)]
        ev = events[events.apply(lambda r: {a, b} <= r.parties or (r.parties == {"*"} and "PRK" in (a, b)), axis=1)] \
            if len(events) else events
        ctx.periods[(a, b)], _ = per.periods(rows, p, ev, seed=ctx.weights.seed)
    ctx.timings["periods"] = time.perf_counter() - t0 - ctx.timings["index"]
    return ctx


def chronology_events(wh: Warehouse) -> pd.DataFrame:
    """Dated chronology events (treaties, summits, UNSC decisions, tests) with the parties they concern."""
    rows = []
    if wh.has("chr_treaties"):
        for r in wh.df("chr_treaties").itertuples():
            rows.append((str(r.date_signed)[:10], set(str(r.parties).replace("SUN", "RUS").split(";")), f"treaty: {r.name}"))
    if wh.has("chr_summits"):
        for r in wh.df("chr_summits").itertuples():
            parties = {str(r.visitor_country).replace("SUN", "RUS"), str(r.host_country).replace("SUN", "RUS")}
            rows.append((str(r.date_start)[:10], parties, f"visit: {r.visitor} to {r.location_city}"))
    if wh.has("chr_unsc_dprk"):
        for r in wh.df("chr_unsc_dprk").itertuples():
            rows.append((str(r.date)[:10], {"*"}, f"UNSC {r.document} ({r.kind})"))
    if wh.has("chr_dprk_tests"):
        for r in wh.df("chr_dprk_tests").itertuples():
            if r.kind in ("nuclear_test", "icbm_test"):
                rows.append((str(r.date)[:10], {"*"}, f"{r.kind.replace('_', ' ')}: {r.name}"))
    df = pd.DataFrame(rows, columns=["date", "parties", "text"])
    df["year"] = pd.to_numeric(df["date"].str[:4], errors="coerce")
    return df.sort_values("date").reset_index(drop=True)


def render(ctx: Context, meta: dict | None = None) -> str:
    body, nav = [], []
    for key, title, fn in SECTIONS:
        t0 = time.perf_counter()
        try:
            content = fn(ctx)
        except AlignwatchError as e:
            content = f"<p class='na'>Not available: {html.escape(str(e))}</p>"
        ctx.timings[key] = time.perf_counter() - t0
        nav.append(f"<a href='#{key}'>{html.escape(title)}</a>")
        body.append(f"<section id='{key}'><h2>{html.escape(title)}</h2>{content}</section>")
    title = f"alignwatch: {ctx.focus} with {', '.join(ctx.partners)}"
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"{html_metadata(meta)}<title>{html.escape(title)}</title>"
            f"<style>{CSS}</style><script type='text/javascript'>{plotly.offline.get_plotlyjs()}</script></head>"
            f"<body><h1>{html.escape(title)}</h1><nav>{''.join(nav)}</nav>{''.join(body)}</body></html>")


def build_report(wh: Warehouse, focus: str, partners: list[str], out: str | Path, *,
                 weights: idx.Weights | None = None, years: tuple[int, int] | None = None,
                 replicates: int | None = None, meta: dict | None = None) -> Context:
    """Compute and write the report atomically (a failed build never leaves a half-written file); ``meta`` (what
    the file holds: options, version) goes into the page head."""
    ctx = compute(wh, focus, partners, weights, years, replicates)
    text = render(ctx, meta)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return ctx
