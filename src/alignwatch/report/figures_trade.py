"""Plotly figures for trade and visits. Each figure cites its sources in a caption under the plot.

The ``fig_*`` functions are pure (tables in, figure out); :func:`trade_share`, :func:`trade_flows` and
:func:`visits` read the measures for a pair of states, and :func:`alignwatch.report.figure_common.write_html` writes a standalone, offline HTML file
(plotly.js embedded, no external script).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..measures import trade as tr
from ..measures import visits as vi
from ..warehouse import Warehouse
from .figure_common import add_caption, state_name, year_runs, years_text

_SERIES_STYLE = {  # (dash, marker symbol) per series, so the series stay distinguishable in print
    tr.COW: ("solid", "circle"), "KOTRA": ("dash", "square"), "KITA": ("dot", "diamond"),
    "ITC_TradeMap_mirror": ("dashdot", "triangle-up"), tr.GACC: ("longdash", "x"), tr.RU_CUSTOMS: ("dash", "star"),
}
_SERIES_COLOR = {tr.COW: "#1f4e79", "KOTRA": "#c55a11", "KITA": "#7f6000", "ITC_TradeMap_mirror": "#548235",
                 tr.GACC: "#c00000", tr.RU_CUSTOMS: "#7030a0"}
_LEGEND = dict(orientation="v", x=1.02, y=1, font=dict(size=11))
_LEVEL_COLOR = {"head_of_state": "#c00000", "head_of_government": "#ed7d31", "minister": "#2e75b6",
                "other": "#7f7f7f"}
# DPRK context markers (the figures are about DPRK trade first): sanctions that banned the DPRK's main exports
SANCTIONS_2017 = (2017, 2018, "UNSC res. 2371, 2375, 2397 (Aug–Dec 2017):<br>bans on DPRK coal, iron, seafood, "
                              "textiles")
COVID_CLOSURE = (2020, 2022, "DPRK border closure (COVID-19)")


def _seriesadd_caption(series: list[str], extra: str = "") -> str:
    cites = [tr.SERIES_CITATION.get(s, s) for s in series]
    return "Sources: " + "; ".join(cites) + "." + (" " + extra if extra else "")


def _gap_note(a: str, b: str) -> str:
    x, y = sorted((a, b))
    notes = [why for (p, q), lo, hi, why in tr.KNOWN_MISSING if (p, q) == (x, y)]
    return " ".join(f"COW zeros treated as missing: {n}." for n in notes) + (
        " Other COW zeros are drawn as 0 (under USD 0.5 million)." if notes else "")


def _context(fig: go.Figure, a: str, b: str, years: pd.Series, **kw) -> None:
    """Shade the 2017 sanctions and the COVID-19 closure on DPRK figures (only inside the plotted years)."""
    if "PRK" not in (a, b) or years.empty:
        return
    lo, hi = int(years.min()), int(years.max())
    shift = 0  # each label below the previous one: bands three years apart would otherwise overprint
    for x0, x1, label in (SANCTIONS_2017, COVID_CLOSURE):
        if x0 <= hi and x1 >= lo:
            fig.add_vrect(x0=x0 - 0.5, x1=x1 - 0.5, fillcolor="#f4b183", opacity=0.18, line_width=0, **kw)
            fig.add_annotation(x=x0 - 0.5, y=1, xref="x", yref="paper", xanchor="left", yanchor="top",
                               yshift=-2 - shift, text=label, showarrow=False, align="left",
                               font=dict(size=10, color="#7f3f00"), bgcolor="rgba(255,255,255,0.75)")
            shift += 14 * (label.count("<br>") + 1) + 4


def _gaps(fig: go.Figure, years_with_data: pd.Series, last: int) -> list[int]:
    """Grey bands over the years no series covers, between the first covered year and ``last``."""
    if years_with_data.empty:
        return []
    have = set(years_with_data.astype(int))
    missing = [y for y in range(int(min(have)), last + 1) if y not in have]
    runs = year_runs(missing)
    for i, run in enumerate(runs):
        label = dict(annotation_text="no series: gap, not zero", annotation_position="bottom left",
                     annotation_font_size=10) if i == len(runs) - 1 else {}
        fig.add_vrect(x0=run[0] - 0.5, x1=run[-1] + 0.5, fillcolor="#bfbfbf", opacity=0.35, line_width=0, **label)
    return missing


def _hover(d: pd.DataFrame) -> np.ndarray:
    cite = d["source"].fillna("") + (" " + d["url"].fillna("") if "url" in d else "")
    return np.column_stack([d["series"], d["confidence"].fillna(""), cite.str.slice(0, 200)])


# ------------------------------------------------------------------------------------------------ trade share


def fig_trade_share(long: pd.DataFrame, state: str, partner: str) -> go.Figure:
    """(a) ``partner``'s share of ``state``'s total trade, one line per series, with the spread between series
    drawn as a grey bar per year where two or more series report a share."""
    d = tr.directed(long, state, partner)
    d = d[d["dependence"].notna()].astype({"dependence": float})
    d["pct"] = d["dependence"] * 100
    fig = go.Figure()
    multi = d.groupby("year")["pct"].agg(["min", "max", "count"]).query("count >= 2")
    if len(multi):
        xs, ys = [], []
        for y, r in multi.iterrows():
            xs += [y, y, None]
            ys += [r["min"], r["max"], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="rgba(120,120,120,0.45)", width=10),
                                 name="spread between series", hoverinfo="skip"))
    order = [s for s in tr.SERIES_ORDER if s in set(d["series"])] + sorted(set(d["series"]) - set(tr.SERIES_ORDER))
    for s in order:
        g = d[d["series"] == s].sort_values("year")
        dash, sym = _SERIES_STYLE.get(s, ("solid", "circle"))
        fig.add_trace(go.Scatter(
            x=g["year"], y=g["pct"], mode="lines+markers", name=s,
            line=dict(dash=dash, color=_SERIES_COLOR.get(s)), marker=dict(symbol=sym, size=8),
            customdata=_hover(g),
            hovertemplate="%{x}: %{y:.1f}%<br>series %{customdata[0]} (confidence %{customdata[1]})"
                          "<br>%{customdata[2]}<extra></extra>"))
    _context(fig, state, partner, d["year"])
    fig.update_layout(
        title=f"{state_name(partner)}'s share of {state_name(state)}'s total trade, by source series",
        xaxis_title="year", yaxis_title=f"% of {state}'s total trade (exports + imports)",
        yaxis=dict(rangemode="tozero"), template="plotly_white", legend=_LEGEND,
    )
    extra = (f"Share = bilateral trade / {state}'s total trade. Series are never merged; a grey bar spans the "
             "values of the series that report the same year. KOTRA's DPRK totals exclude inter-Korean trade; COW "
             "uses partner-reported (mirror) figures. " + _gap_note(state, partner))
    return add_caption(fig, _seriesadd_caption(order, extra))


# ------------------------------------------------------------------------------------------------ trade flows


def fig_trade_flows(long: pd.DataFrame, state: str, partner: str, last: int | None = None) -> go.Figure:
    """(b, c) ``state``'s exports to and imports from ``partner`` by series (USD million), in the order given
    (``PRK CHN``: the DPRK's exports to China = China's imports from the DPRK), plus the totals of series that
    report no split; years no series covers are shaded as gaps (not zeros)."""
    d = tr.directed(long, state, partner)
    d = d[d[["exports", "imports", "total"]].notna().any(axis=1)].copy()
    for c in ("exports", "imports", "total"):
        d[c] = d[c].astype(float)
    fig = go.Figure()
    order = [s for s in tr.SERIES_ORDER if s in set(d["series"])] + sorted(set(d["series"]) - set(tr.SERIES_ORDER))
    flows = (("exports", f"{state} exports to {partner}", "#2e75b6"),
             ("imports", f"{state} imports from {partner}", "#c00000"))
    for s in order:
        g = d[d["series"] == s].sort_values("year")
        dash, sym = _SERIES_STYLE.get(s, ("solid", "circle"))
        for col, label, color in flows:
            h = g[g[col].notna()]
            if h.empty:
                continue
            fig.add_trace(go.Scatter(
                x=h["year"], y=h[col], mode="lines+markers", name=f"{label} ({s})", legendgroup=col,
                line=dict(dash=dash, color=color), marker=dict(symbol=sym, size=7), customdata=_hover(h),
                hovertemplate="%{x}: %{y:,.1f} USD m<br>series %{customdata[0]} (confidence %{customdata[1]})"
                              "<br>%{customdata[2]}<extra></extra>"))
        only = g[g["total"].notna() & g["exports"].isna() & g["imports"].isna()]
        if len(only):
            fig.add_trace(go.Scatter(
                x=only["year"], y=only["total"], mode="lines+markers", name=f"total only ({s})",
                legendgroup="total", line=dict(dash=dash, color="#7f7f7f", width=1),
                marker=dict(symbol=sym, size=8, color="#7f7f7f"), customdata=_hover(only),
                hovertemplate="%{x}: total %{y:,.1f} USD m<br>series %{customdata[0]} (confidence "
                              "%{customdata[1]})<br>%{customdata[2]}<extra></extra>"))
    end = last if last is not None else (int(long["year"].max()) if len(long) else None)
    gaps = _gaps(fig, d["year"], end) if end is not None else []
    _context(fig, state, partner, d["year"])
    fig.update_layout(
        title=f"{state_name(state)}–{state_name(partner)} trade: {state_name(state)}'s exports to and imports from "
              f"{state_name(partner)}",
        xaxis_title="year", yaxis_title="USD million (current)", yaxis=dict(rangemode="tozero"),
        template="plotly_white", legend=_LEGEND,
    )
    gap_txt = (f" No series covers {years_text(gaps)}: a recorded gap, not zero." if gaps else "")
    extra = (f"{state}'s exports to {partner} = {partner}'s imports from {state} (as reported by each series). "
             "Grey 'total only' points: series that report no import/export split. GACC and RU_customs: one "
             "annual report per flow of the partner's customs (other reports of the same figure: alignwatch trade "
             f"{state} {partner} --check)." + gap_txt + " " + _gap_note(state, partner))
    return add_caption(fig, _seriesadd_caption(order, extra))


# ------------------------------------------------------------------------------------------------------ visits


def fig_visits(meet: pd.DataFrame, yearly: pd.DataFrame, state: str, partner: str) -> go.Figure:
    """Timeline of ``state``–``partner`` meetings (marker size and colour = level, row = direction; open markers =
    low confidence) above the level-weighted count per year (0 drawn only where the chronology aims at
    completeness)."""
    x, y = sorted((state, partner))
    m = meet[(meet["a"] == x) & (meet["b"] == y)].copy()
    lab_out, lab_in = f"{state} → {partner}", f"{partner} → {state}"
    vis_a = f"{x} → {y}"
    m["row"] = np.where(m["direction"] == "third_country", "third country",
                        np.where((m["direction"] == "a_to_b") == (vis_a == lab_out), lab_out, lab_in))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=False, row_heights=[0.6, 0.4], vertical_spacing=0.12,
                        subplot_titles=("meetings (size and colour = level; open = low confidence)",
                                        "level-weighted meetings per year (HoS 3, HoG 2, minister 1, other 0.5)"))
    for level in vi.LEVELS:
        g = m[m["level"] == level]
        if g.empty:
            continue
        fig.add_trace(go.Scatter(
            x=g["date_start"], y=g["row"], mode="markers", name=level.replace("_", " "),
            marker=dict(size=6 + 5 * g["weight"], color=_LEVEL_COLOR[level],
                        symbol=np.where(g["low"], "circle-open", "circle"), line=dict(width=1.5)),
            customdata=np.column_stack([g["visitor"].fillna(""), g["host"].fillna(""),
                                        g["location_city"].fillna(""), g["outcome"].fillna("").str.slice(0, 140),
                                        g["confidence"].fillna(""), g["source"].fillna("").str.slice(0, 140)]),
            hovertemplate="%{x|%Y-%m-%d}: %{customdata[0]} → %{customdata[1]} (%{customdata[2]})<br>"
                          "%{customdata[3]}<br>confidence %{customdata[4]}; %{customdata[5]}<extra></extra>"),
            row=1, col=1)
    yy = yearly[(yearly["a"] == x) & (yearly["b"] == y)].copy()
    complete = yy["complete"].fillna(False).astype(bool)
    bars = yy[yy["weighted"].notna()]
    fig.add_trace(go.Bar(x=bars["year"], y=bars["weighted"].astype(float),
                         marker_color=np.where(complete[bars.index], "#404040", "#bfbfbf"),
                         name="weighted meetings", showlegend=False,
                         hovertemplate="%{x}: %{y}<extra></extra>"), row=2, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=["third country", lab_in, lab_out], row=1, col=1)
    fig.update_layout(title=f"{state_name(state)}–{state_name(partner)} leader and minister meetings",
                      template="plotly_white", legend=dict(orientation="h", y=1.08), height=650)
    pair_complete = (x, y) in vi.COMPLETE_PAIRS
    cover = (f"The table aims at completeness for this pair's leaders in {vi.COMPLETE_YEARS[0]}–"
             f"{vi.COMPLETE_YEARS[1]}: a year without a bar there is 0 meetings. Ministerial and lower visits before "
             "2018 are incomplete; 1990s rows are low confidence." if pair_complete else
             "The table does not aim at completeness for this pair: bars are recorded meetings (light grey, lower "
             "bounds) and years without a bar are unknown (NA), not zero.")
    text = ("Source: alignwatch chronology chr_summits (summits_visits.csv; each row cites its own source: Kremlin, "
            "KCNA, Xinhua, Yonhap, TASS, press; hover for the citation). " + cover)
    return add_caption(fig, text)


# --------------------------------------------------------------------------------------- warehouse + writing


def trade_share(wh: Warehouse, a: str, b: str, years: tuple[int, int] | None = None) -> go.Figure:
    return fig_trade_share(tr.series(wh, [a, b], years), a, b)


def trade_flows(wh: Warehouse, a: str, b: str, years: tuple[int, int] | None = None) -> go.Figure:
    last = years[1] if years else tr.last_year(wh)
    return fig_trade_flows(tr.series(wh, [a, b], years), a, b, last=last)


def visits(wh: Warehouse, a: str, b: str, years: tuple[int, int] | None = None) -> go.Figure:
    meet = vi.meeting_list(wh, a, b, years)
    yearly = vi.dyad_years(wh, [a, b], years)
    return fig_visits(meet, yearly, a, b)
