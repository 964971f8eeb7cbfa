"""Figures every measure family gets: its headline score per year for one pair (the default of
:meth:`alignwatch.measures.registry.Family.figure`), and all families' standardised scores for one dyad side by side.

Both are pure (tables in, figure out) and cite the datasets under the plot, like every figure of the report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import UsageError
from .figure_common import add_caption, datasets, state_name


def score_figure(family, table: pd.DataFrame, first: str, second: str) -> go.Figure:
    """``family``'s headline score per year for the pair ``first``–``second`` (``table`` from
    :meth:`Family.pair_table`). Gaps are years the sources do not cover (NA, never drawn as 0)."""
    d = table.dropna(subset=["score"]) if "score" in table else table.iloc[:0]
    if d.empty:
        raise UsageError(f"{first}–{second}: the {family.name} family has no score in these years",
                         hint=f"see {family.docs} for its coverage")
    full = table.set_index("year")["score"].astype(float)
    full = full.reindex(range(int(d["year"].min()), int(d["year"].max()) + 1))
    fig = go.Figure(go.Scatter(x=full.index, y=full.to_numpy(), mode="lines+markers", connectgaps=False,
                               name=family.name, marker=dict(size=5), line=dict(color="#1f4e79"),
                               hovertemplate="%{x}: %{y:.3f}<extra>" + family.name + "</extra>"))
    fig.update_layout(title=f"{state_name(first)}–{state_name(second)}: {family.label}", xaxis_title="year",
                      yaxis_title=f"{family.name} score", template="plotly_white", height=440,
                      hovermode="x unified")
    used = table.attrs.get("sources") or []
    return add_caption(fig, f"Score: {family.description}. Datasets: {'; '.join(used) or family.name}. "
                            f"Sources: {family.citation}. Definitions: {family.docs}.")


def z_figure(panel: pd.DataFrame, first: str, second: str) -> go.Figure:
    """Every indicator's reading for one dyad, standardised against the index's reference panel (``panel``: the
    index's long table with family, indicator, year, y (the reading), z, source), one line per indicator."""
    fig = go.Figure()
    per_family = []
    # the index's readings: one line per indicator (a family, or one trade series of the trade family)
    by = "indicator" if "indicator" in panel.columns else "family"
    reading = "score" if "score" in panel.columns else "y"
    for name, g in panel.groupby(by):
        g = g.sort_values("year")
        fig.add_trace(go.Scatter(
            x=g["year"], y=g["z"], mode="lines+markers", name=name, marker=dict(size=4),
            customdata=np.column_stack([g[reading].round(3), g["source"].astype(str).str.slice(0, 120)]),
            hovertemplate=f"{name} %{{x}}: z %{{y:.2f}} (reading %{{customdata[0]}})<br>%{{customdata[1]}}"
                          "<extra></extra>"))
        per_family.append(f"{name}: {datasets(g['source'].dropna().unique())}")
    fig.add_hline(y=0, line=dict(color="#999", dash="dot", width=1))
    fig.update_layout(template="plotly_white", height=480, title=f"{first}–{second}: measure families (z)",
                      yaxis_title="z (reference panel)")
    return add_caption(fig, "Score of each family standardised against the reference panel (0 = the typical "
                            "reference dyad-year; higher = more aligned). Datasets: " + "; ".join(per_family)
                       + ". Row-level citations: the family scores CSV (dashboard) or alignwatch dyad.")
