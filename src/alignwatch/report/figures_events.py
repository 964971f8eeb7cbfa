"""Chronology events on a figure: the treaties of each dyad as dated lines on the index figure (report and
dashboard draw the same)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go


def mark_treaties(fig: go.Figure, shown: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Dashed lines at the signing date of each treaty of a dyad inside the plotted years, named on hover.

    ``shown``: the index rows as plotted (one subplot per dyad, in the order of the rows: the user's);
    ``events``: :func:`alignwatch.context.dyad_events` (``dyad`` named as stored, a < b)."""
    if shown.empty or events.empty:
        return fig
    pairs = list(dict.fromkeys(zip(shown["a"], shown["b"])))  # the subplot order of figures_index.index_figure
    years = events["date"].str[:4].astype(int)
    tr = events[(events["kind"] == "treaty") & years.between(int(shown["year"].min()), int(shown["year"].max()))]
    for i, (a, b) in enumerate(pairs, start=1):
        x, y = sorted((a, b))
        for r in tr[tr["dyad"] == f"{x}–{y}"].itertuples(index=False):
            d = pd.Timestamp(r.date)
            fig.add_vline(x=d.year + (d.day_of_year - 1) / 365.25, row=i, col=1,
                          line=dict(color="#c00000", dash="dash", width=1),
                          annotation=dict(text=f"treaty {r.date[:7]}", hovertext=f"{r.date}: {r.event}",
                                          font=dict(size=9, color="#c00000"), textangle=-90),
                          annotation_position="bottom right")
    return fig
