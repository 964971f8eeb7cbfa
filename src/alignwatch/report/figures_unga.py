"""UN General Assembly figures: ideal points over time (ours or Voeten's published series)."""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from ..measures import idealpoints as ip
from ..warehouse import Warehouse
from .figure_common import add_caption


def idealpoint_table(wh: Warehouse, states: list[str], years, source: str, use_cache: bool = True) -> pd.DataFrame:
    """Wide table: year, one column per state (ideal point), its standard error, and the year's median state."""
    allp = ip.points(wh, source, None, years, use_cache)
    med = allp.groupby("year")["ideal"].median().rename("median")
    states = list(dict.fromkeys(states))  # a state named twice (USA as partner and as anchor) is one column
    p = allp[allp["iso3"].isin(states)]
    wide = p.pivot(index="year", columns="iso3", values="ideal").reindex(columns=states)
    se = p.pivot(index="year", columns="iso3", values="se").reindex(columns=states).add_suffix("_se")
    return pd.concat([wide, se, med], axis=1).dropna(how="all", subset=states).reset_index()


def fig_idealpoints(df: pd.DataFrame, states: list[str], source: str) -> go.Figure:
    """Lines with 95% bands (±1.96 se) and the median state, citing its source."""

    states = list(dict.fromkeys(states))
    fig = go.Figure()
    palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    for i, s in enumerate(states):
        d = df[["year", s, f"{s}_se"]].dropna()
        if d.empty:
            continue
        c = palette[i % len(palette)]
        band = pd.concat([d["year"], d["year"][::-1]])
        vals = pd.concat([d[s] + 1.96 * d[f"{s}_se"], (d[s] - 1.96 * d[f"{s}_se"])[::-1]])
        fig.add_trace(go.Scatter(x=band, y=vals, fill="toself", line={"width": 0}, fillcolor=c, opacity=0.15,
                                 hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=d["year"], y=d[s], mode="lines+markers", name=s, line={"color": c},
                                 marker={"size": 4}))
    fig.add_trace(go.Scatter(x=df["year"], y=df["median"], mode="lines", name="median state",
                             line={"color": "grey", "dash": "dash"}))
    cite = (ip.SOURCE_VOETEN + ": Bailey, Strezhnev & Voeten (2017), JCR 61(2); Voeten, Strezhnev & Bailey, UNGA "
            "Voting Data, Harvard Dataverse hdl:1902.1/12379 (July 2025 release, 'fp' series)") if source == "voeten" \
        else ("alignwatch dynamic ordinal IRT (variational EM) on UNGA roll calls (Voeten, Strezhnev & Bailey, "
              "Harvard Dataverse hdl:1902.1/12379) and the 2025 GA votes (UN Digital Library via 3DL); years are "
              "sessions; 2020-2023 have no roll calls")
    fig.update_layout(
        title="UN General Assembly ideal points (higher = closer to the US position), 95% bands",
        xaxis_title="year (session)", yaxis_title="ideal point", template="plotly_white", height=560,
    )
    # the caption goes below the axis title (a fixed paper position overlapped it at some heights)
    return add_caption(fig, "Source: " + cite, yshift=-60)


def idealpoints_figure(wh: Warehouse, states: list[str], source: str = "voeten") -> go.Figure:
    """The report's view: Voeten's published series by default (to 2024, no model fit needed at report time)."""
    return fig_idealpoints(idealpoint_table(wh, states, None, source), states, source)
