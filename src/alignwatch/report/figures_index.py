"""Figures of the index: composite with intervals and period shading; political vs economic panels."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figure_common import add_caption

PALETTE = {"CHN": "#d62728", "RUS": "#1f77b4", "USA": "#2ca02c", "KOR": "#9467bd", "JPN": "#8c564b"}
LABEL_COLOURS = {"alignment": "rgba(44,160,44,0.12)", "deep alignment": "rgba(148,103,189,0.16)",
                 "entanglement": "rgba(255,127,14,0.14)", "abandonment": "rgba(214,39,40,0.14)",
                 "dealignment": "rgba(127,127,127,0.12)"}
CAPTION = ("Index: z-scores of each measure family against the reference panel, weighted (weights.toml); "
           "bands are bootstrap intervals. Sources: see the Sources section.")


def _colour(a: str, b: str, focus: str) -> str:
    other = b if a == focus else a
    return PALETTE.get(other, "#444")


def index_figure(idx: pd.DataFrame, periods: dict[tuple[str, str], pd.DataFrame], focus: str) -> go.Figure:
    """Composite index per dyad with its interval band, and period shading/labels for each dyad."""
    pairs = list(idx.groupby(["a", "b"]).groups)
    fig = make_subplots(rows=len(pairs), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[f"{a}–{b}" for a, b in pairs])
    for i, (a, b) in enumerate(pairs, start=1):
        d = idx[(idx.a == a) & (idx.b == b)].sort_values("year")
        c = _colour(a, b, focus)
        if "composite_lo" in d:
            fig.add_trace(go.Scatter(x=list(d.year) + list(d.year[::-1]),
                                     y=list(d.composite_hi) + list(d.composite_lo[::-1]),
                                     fill="toself", line=dict(width=0), fillcolor="rgba(80,80,80,0.15)",
                                     hoverinfo="skip", showlegend=False), row=i, col=1)
        fig.add_trace(go.Scatter(x=d.year, y=d.composite, mode="lines+markers", name=f"{a}–{b}",
                                 line=dict(color=c), marker=dict(size=4),
                                 customdata=d[["n_families"]].to_numpy(),
                                 hovertemplate="%{x}: %{y:.2f} (families: %{customdata[0]})<extra></extra>"),
                      row=i, col=1)
        per = periods.get((a, b))
        if per is not None and len(per):
            for r in per.itertuples():
                fig.add_vrect(x0=r.start - 0.5, x1=r.end + 0.5, fillcolor=LABEL_COLOURS.get(r.label, "rgba(0,0,0,0)"),
                              line_width=0, row=i, col=1, annotation_text=r.label,
                              annotation_position="top left", annotation_font_size=10)
        fig.add_hline(y=0, line=dict(color="#999", dash="dot", width=1), row=i, col=1)
    fig.update_layout(height=260 * len(pairs) + 140, title="Alignment index with periods", showlegend=False)
    return add_caption(fig, CAPTION, yshift=-40)


def domains_figure(idx: pd.DataFrame, focus: str) -> go.Figure:
    """Political and economic sub-indices side by side: where they part, the 'deep alignment' pattern shows."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["Political sub-index", "Economic sub-index"],
                        shared_yaxes=True)
    for (a, b), d in idx.groupby(["a", "b"]):
        d = d.sort_values("year")
        c = _colour(a, b, focus)
        for col, dom in ((1, "political"), (2, "economic")):
            if dom not in d:
                continue
            fig.add_trace(go.Scatter(x=d.year, y=d[dom], name=f"{a}–{b}", legendgroup=f"{a}{b}",
                                     showlegend=col == 1, line=dict(color=c)), row=1, col=col)
        div = d[d.get("divergence", False) == True]  # noqa: E712
        if len(div):
            fig.add_trace(go.Scatter(x=div.year, y=div.political, mode="markers", name=f"{a}–{b} divergence",
                                     marker=dict(symbol="x", size=9, color=c), showlegend=True), row=1, col=1)
    fig.update_layout(height=480, title="Political vs economic alignment (x: divergence flag)")
    return add_caption(fig, CAPTION, yshift=-40)
