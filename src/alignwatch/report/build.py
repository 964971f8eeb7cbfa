"""The self-contained HTML report: one file, plotly.js inlined once, no external URL, every figure sourced.

Sections are small functions ``(ctx) -> html`` declared once with :func:`section`; their figures come from the one
figure registry (:mod:`alignwatch.report.figures`) that the dashboard and ``alignwatch figure`` use too, and their
numbers from :mod:`alignwatch.context`. A section whose data are missing says so in place (the report never
silently drops a section). The report reads measures and figures, never SQL.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from pathlib import Path

import plotly.offline

from .. import __version__, chronology, claims
from .. import context as cx
from .. import index as idx
from .. import periods as per
from ..errors import AlignwatchError
from ..measures import positions
from ..warehouse import Warehouse
from . import figures, figures_events, figures_family, figures_index, figures_network
from .figure_common import fig_html, html_metadata, table_html

SECTIONS: list[tuple[str, str, Callable[[cx.Context], str]]] = []


def section(key: str, title: str):
    """Declare a report section (in page order)."""
    def deco(fn):
        SECTIONS.append((key, title, fn))
        return fn
    return deco


def panels_html(panels: list[figures.Panel]) -> str:
    """Drawn figures under their titles; a figure that could not be drawn says why in place."""
    out = []
    for p in panels:
        body = fig_html(p.figure) if p.figure is not None else f"<p class='na'>{html.escape(p.note or '')}</p>"
        out.append(f"<h3>{html.escape(p.title)}</h3>{body}")
    return "".join(out)


# ------------------------------------------------------------------------------------------------ sections


@section("glance", "Current state at a glance")
def _glance(ctx: cx.Context) -> str:
    intro = (f"<p>Alignment of <b>{ctx.focus}</b> with {', '.join(ctx.partners)}: posterior mean and "
             f"{int(ctx.weights.level * 100)}% interval of the composite (reference standard deviations, 0 = the "
             "typical dyad-year among the reference states), now and in 1992, 2017 and 2019 on the same model, with "
             f"the change since each. Now: the latest year up to this one that at least {idx.NOW_MIN_FAMILIES} "
             "measure families inform (else the latest with any), the same rule as the dashboard's.</p>")
    return intro + table_html(cx.glance(ctx))


@section("index", "Index over time, with intervals and periods")
def _index(ctx: cx.Context) -> str:
    shown = idx.in_user_order(ctx.index, ctx.states)
    fig = figures_index.index_figure(shown, ctx.periods, ctx.focus)
    if len(shown):  # the treaties signed inside the plotted years, as the dashboard marks them
        span = (int(shown["year"].min()), int(shown["year"].max()))
        figures_events.mark_treaties(fig, shown, cx.dyad_events(chronology.events(ctx.wh), ctx.dyads, span))
    out = fig_html(fig)
    out += fig_html(figures_index.coverage_figure(idx.coverage_table(ctx.panel), ctx.focus, ctx.pairs))
    for key, (x, y) in zip(ctx.dyads, ctx.pairs):
        p = ctx.periods.get(key)
        if p is not None:
            out += f"<h3>Periods {x}–{y}</h3>" + table_html(p)
    out += "<p class='note'>Codebook: " + "; ".join(
        f"<b>{html.escape(k)}</b>: {html.escape(v)}" for k, v in per.CODEBOOK.items()) + ".</p>"
    return out


@section("domains", "Political vs economic")
def _domains(ctx: cx.Context) -> str:
    return fig_html(figures_index.domains_figure(idx.in_user_order(ctx.index, ctx.states), ctx.focus))


@section("families", "Measure families")
def _families(ctx: cx.Context) -> str:
    parts = []
    for (a, b), (x, y) in zip(ctx.dyads, ctx.pairs):
        d = ctx.panel[(ctx.panel["a"] == a) & (ctx.panel["b"] == b)]
        if len(d):
            parts.append(f"<h3>{x}–{y}: every measure family (z against the reference panel)</h3>"
                         + fig_html(figures_family.z_figure(d, x, y)))
    for spec in figures.families_section():
        parts.append(panels_html(spec.draw(ctx.wh, ctx.states, ctx.years)))
    return "".join(parts)


@section("positions", "Positions on peace proposals and New Year addresses")
def _positions(ctx: cx.Context) -> str:
    parts = [panels_html(spec.draw(ctx.wh, ctx.states, ctx.years)) for spec in figures.POSITIONS_SECTION]
    rows = positions.dyad_years(ctx.wh, ctx.states, ctx.years)
    keep = [c for c in ("a", "b", "year", "n", "pos_agree", "n_co", "co_proposals", "proposals") if c in rows]
    scored = idx.in_user_order(rows[rows["pos_agree"].notna()][keep], ctx.states)
    parts.append("<h3>Position agreement per dyad-year (years with at least one stance of both known)</h3>"
                 + table_html(scored, max_rows=120))
    return "".join(parts)


@section("network", "Bloc network")
def _network(ctx: cx.Context) -> str:
    return figures_network.bloc_section(ctx)


@section("redlines", "Red lines")
def _redlines(ctx: cx.Context) -> str:
    return figures_network.redlines_section(ctx)


@section("claims", "Claims checked against the data")
def _claims(ctx: cx.Context) -> str:
    return table_html(claims.check_all(ctx.wh), max_rows=100)


@section("sources", "Sources and provenance")
def _sources(ctx: cx.Context) -> str:
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


def render(ctx: cx.Context, meta: dict | None = None) -> str:
    body, nav = [], []
    for key, title, fn in SECTIONS:
        t0 = time.perf_counter()
        try:
            content = fn(ctx)
        except AlignwatchError as e:
            content = f"<p class='na'>Not available: {html.escape(str(e))}</p>"
        ctx.timings[f"section:{key}"] = time.perf_counter() - t0  # beside the context's own "index", "periods"
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
                 replicates: int | None = None, meta: dict | None = None) -> cx.Context:
    """Compute and write the report atomically (a failed build never leaves a half-written file); ``meta`` (what
    the file holds: options, version) goes into the page head."""
    ctx = cx.compute(wh, focus, partners, weights, years, replicates)
    text = render(ctx, meta)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return ctx
