"""Figures of the index: composite with intervals and period shading; political vs economic panels; the coverage
strip (which families inform each year, and what each says)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figure_common import add_caption

PALETTE = {"CHN": "#d62728", "RUS": "#1f77b4", "USA": "#2ca02c", "KOR": "#9467bd", "JPN": "#8c564b"}
LABEL_COLOURS = {"alignment": "rgba(44,160,44,0.12)", "deep alignment": "rgba(148,103,189,0.16)",
                 "entanglement": "rgba(255,127,14,0.14)", "abandonment": "rgba(214,39,40,0.14)",
                 "dealignment": "rgba(127,127,127,0.12)", "insufficient evidence": "rgba(0,0,0,0.0)"}
CAPTION = ("Index: posterior mean of the latent alignment (dynamic measurement model over the measure families, "
           "z against the reference panel; docs/index.md); bands are posterior intervals. Sources: see the Sources "
           "section.")
COVERAGE_CAPTION = ("Coverage: a cell for each family observed in a year; its colour is what that family alone says "
                    "about the latent (its reading, z units, clipped to ±3); blank = no observation (the model "
                    "carries the latent through the gap and its interval widens). Sources: see the Sources section.")


def _colour(a: str, b: str, focus: str) -> str:
    other = b if a == focus else a
    return PALETTE.get(other, "#444")


def _pairs(idx: pd.DataFrame) -> list[tuple[str, str]]:
    """The dyads in the order their rows come (the caller's order: focus first), not sorted."""
    return list(dict.fromkeys(zip(idx["a"], idx["b"])))


def _periods_of(periods: dict, a: str, b: str):
    p = periods.get((a, b))
    return periods.get((b, a)) if p is None else p


def label_rows(per: pd.DataFrame, span: tuple[int, int], width_px: float = 1000, char_px: float = 6.5) -> list[int]:
    """A text row (0 = top) for each period's label so that no two labels overprint: a label goes on the first row
    where it starts after the previous label there ends (label widths estimated from their characters)."""
    px_per_year = width_px / max(1, span[1] - span[0] + 1)
    ends: list[float] = []
    rows = []
    for r in per.itertuples():
        x0 = r.start - 0.5
        x1 = x0 + (len(str(r.label)) * char_px + 8) / px_per_year
        for i, end in enumerate(ends):
            if x0 >= end:
                ends[i] = x1
                rows.append(i)
                break
        else:
            ends.append(x1)
            rows.append(len(ends) - 1)
    return rows


def index_figure(idx: pd.DataFrame, periods: dict[tuple[str, str], pd.DataFrame], focus: str) -> go.Figure:
    """Composite index per dyad with its interval band, and period shading/labels for each dyad."""
    pairs = _pairs(idx)
    fig = make_subplots(rows=len(pairs), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[f"{a}–{b}" for a, b in pairs])
    span = (int(idx["year"].min()), int(idx["year"].max())) if len(idx) else (0, 1)
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
        per = _periods_of(periods, a, b)
        if per is not None and len(per):
            per = per.sort_values("start")
            yref = "y domain" if i == 1 else f"y{i} domain"
            for r, line in zip(per.itertuples(), label_rows(per, span)):
                fig.add_vrect(x0=r.start - 0.5, x1=r.end + 0.5, fillcolor=LABEL_COLOURS.get(r.label, "rgba(0,0,0,0)"),
                              line_width=0, row=i, col=1)
                fig.add_annotation(x=r.start - 0.5, y=1, xref="x" if i == 1 else f"x{i}", yref=yref,
                                   xanchor="left", yanchor="top", yshift=-2 - 13 * line, text=r.label,
                                   showarrow=False, font=dict(size=10, color="#333"),
                                   hovertext=f"{r.label}: {r.start}–{r.end}")
        fig.add_hline(y=0, line=dict(color="#999", dash="dot", width=1), row=i, col=1)
    fig.update_layout(height=260 * len(pairs) + 140, title="Alignment index with periods", showlegend=False)
    return add_caption(fig, CAPTION, yshift=-40)


def domains_figure(idx: pd.DataFrame, focus: str) -> go.Figure:
    """Political and economic sub-indices side by side: where they part, the 'deep alignment' pattern shows."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["Political sub-index", "Economic sub-index"],
                        shared_yaxes=True)
    for a, b in _pairs(idx):
        d = idx[(idx.a == a) & (idx.b == b)].sort_values("year")
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


def coverage_figure(coverage: pd.DataFrame, focus: str, order: list[tuple[str, str]] | None = None) -> go.Figure:
    """The coverage strip: per dyad a family x year grid with a cell where the family has an observation, coloured
    by its reading (alignwatch.index.coverage_table). Where the index changes, it shows which evidence moved it;
    where the strip is empty, why the interval is wide."""
    pairs = order or _pairs(coverage)
    fams = coverage.groupby("family")["domain"].first().sort_values(ascending=False) if len(coverage) else \
        pd.Series(dtype=str)
    labels = [f"{f} ({d[:3]}.)" for f, d in fams.items()]
    fig = make_subplots(rows=max(1, len(pairs)), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[f"{a}–{b}" for a, b in pairs] or ["no coverage"])
    for i, (a, b) in enumerate(pairs, start=1):
        key = tuple(sorted((a, b)))
        d = coverage[(coverage.a == key[0]) & (coverage.b == key[1])]
        if d.empty:
            continue
        grid = d.pivot_table(index="family", columns="year", values="z").reindex(index=list(fams.index))
        text = d.pivot_table(index="family", columns="year", values="indicators", aggfunc="first") \
            .reindex(index=grid.index, columns=grid.columns)
        fig.add_trace(go.Heatmap(z=grid.clip(-3, 3).to_numpy(), x=list(grid.columns), y=labels, zmin=-3, zmax=3,
                                 colorscale="RdBu", reversescale=False, zmid=0, showscale=i == 1, xgap=1, ygap=1,
                                 colorbar=dict(title="reading", len=0.5) if i == 1 else None,
                                 customdata=text.to_numpy(),
                                 hovertemplate="%{y} %{x}: %{z:.2f} (%{customdata})<extra></extra>"), row=i, col=1)
    fig.update_layout(height=max(320, (24 * len(labels) + 90) * max(1, len(pairs)) + 120),
                      title="Which families inform each year")
    return add_caption(fig, COVERAGE_CAPTION, yshift=-40)
