"""UN General Assembly figures: agreement in the two roll-call series and their difference, how states voted on
the Ukraine emergency-session resolutions (ES-11), and ideal points over time (ours or Voeten's published series)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..measures import idealpoints as ip
from ..warehouse import Warehouse
from .figure_common import add_caption, state_name

PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
SERIES_NOTE = (
    "Series undl: UN Digital Library recorded votes on adopted GA resolutions 1946-2025 (undl_ga_votes, as crawled "
    "in github.com/lefthand67/un_votes; 2025 with unga_votes_2025, UN DL via 3DL). Series voeten: Voeten, "
    "Strezhnev & Bailey, UNGA Voting Data, Harvard Dataverse hdl:1902.1/12379 (unga_votes; all roll calls incl. "
    "amendment and paragraph votes, to January 2020). The two are never spliced."
)


def agreement_table(wh: Warehouse, states: list[str], years=None) -> pd.DataFrame:
    """Identical-vote share of the first state with each other state in both series, and their difference."""
    from ..measures import unga

    focus, others = states[0], [s for s in dict.fromkeys(states[1:]) if s != states[0]]
    df = unga.compare(wh, [focus, *others], years)
    df = df[(df["a"] == focus) | (df["b"] == focus)]
    df = df.assign(partner=df["a"].where(df["b"] == focus, df["b"]))
    return df[df["partner"].isin(others)].reset_index(drop=True)


def fig_agreement(df: pd.DataFrame, focus: str, partners: list[str]) -> go.Figure:
    """Top: agreement per year, undl solid and voeten dashed, thin years (< 10 joint votes) left out; bottom: the
    difference voeten - undl where both exist."""
    from ..measures import unga

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    for i, p in enumerate(partners):
        d = df[df["partner"] == p].sort_values("year")
        c = PALETTE[i % len(PALETTE)]
        for series, dash in (("undl", "solid"), ("voeten", "dash")):
            ok = d[f"n_{series}"].fillna(0) >= unga.MIN_JOINT
            y = d[f"agree_identical_{series}"].where(ok.to_numpy(bool))
            fig.add_trace(go.Scatter(x=d["year"], y=y, mode="lines+markers", name=f"{focus}–{p} ({series})",
                                     line={"color": c, "dash": dash}, marker={"size": 4}), row=1, col=1)
        fig.add_trace(go.Bar(x=d["year"], y=d["diff"], name=f"{focus}–{p}: voeten − undl", marker_color=c,
                             opacity=0.7, showlegend=False), row=2, col=1)
    scored = df.loc[df[["agree_identical_undl", "agree_identical_voeten"]].notna().any(axis=1), "year"]
    if len(scored):  # start where the pair starts (both members), not in 1946
        fig.update_xaxes(range=[int(scored.min()) - 0.5, int(scored.max()) + 0.5])
    fig.update_yaxes(title_text="identical votes (share)", range=[0, 1.02], row=1, col=1)
    fig.update_yaxes(title_text="voeten − undl", row=2, col=1)
    fig.update_layout(title=f"UN General Assembly: {state_name(focus)} voting with "
                            f"{', '.join(state_name(p) for p in partners)} in the two roll-call series",
                      template="plotly_white", height=560, barmode="group")
    return add_caption(fig, "Share of identical votes (yes/abstain/no) on roll calls both cast, per calendar year; "
                            f"years with fewer than {unga.MIN_JOINT} joint votes are not drawn. Sources: " + SERIES_NOTE)


def agreement_figure(wh: Warehouse, states: list[str], *, years: tuple[int, int] | None = None) -> go.Figure:
    """The first state against the others in both series (the report adds the USA as a reference)."""
    partners = [s for s in dict.fromkeys(states[1:]) if s != states[0]]
    return fig_agreement(agreement_table(wh, states, years), states[0], partners)


VOTE_CODES = {"yes": 3, "abstain": 2, "no": 1, "not voting": 0}
VOTE_COLOURS = [[0.0, "#d9d9d9"], [0.25, "#d9d9d9"], [0.25, "#d62728"], [0.5, "#d62728"], [0.5, "#fdd49e"],
                [0.75, "#fdd49e"], [0.75, "#1a9850"], [1.0, "#1a9850"]]


def topic_votes_table(wh: Warehouse, states: list[str], topic: str = "es11") -> pd.DataFrame:
    """One row per state, one column per resolution of the topic (date order): yes / no / abstain / not voting,
    NA where the state was not listed (not a member)."""
    from ..measures import unga

    chosen, rows = unga.votes(wh, topic=topic, states=states)
    wide = rows.pivot_table(index="iso3", columns="symbol", values="vote", aggfunc="first")
    return wide.reindex(index=list(dict.fromkeys(states)), columns=list(chosen["symbol"]))


def fig_topic_votes(table: pd.DataFrame, titles: dict[str, str], topic_label: str) -> go.Figure:
    """A vote grid: states down, resolutions across, colour and text = the vote."""
    z = table.apply(lambda col: col.map(VOTE_CODES)).to_numpy(dtype=float)
    text = table.fillna("not listed").to_numpy(dtype=object)
    hover = [[f"{state_name(s)} on {r}: {text[i][j]}<br>{titles.get(r, '')}" for j, r in enumerate(table.columns)]
             for i, s in enumerate(table.index)]
    labels = [f"{r.replace('A/RES/', '')}<br>{titles.get(r, '')[:10]}" for r in table.columns]
    fig = go.Figure(go.Heatmap(z=z, x=labels, y=[state_name(s) for s in table.index], zmin=0, zmax=3,
                               colorscale=VOTE_COLOURS, showscale=False, text=text, texttemplate="%{text}",
                               hovertext=hover, hoverinfo="text", xgap=2, ygap=2))
    fig.update_layout(title=f"How the states voted: {topic_label}", template="plotly_white",
                      height=160 + 40 * len(table.index), yaxis={"autorange": "reversed"})
    return add_caption(fig, "Green yes, orange abstain, red no, grey not voting; blank: not listed (not a member). "
                            + SERIES_NOTE.split(" Series voeten")[0], yshift=-90)


def ukraine_votes_figure(wh: Warehouse, states: list[str]) -> go.Figure:
    """The report's view: the focus states (and the USA) on every resolution of the 11th emergency special
    session on Ukraine (A/RES/ES-11/1 to 9, 2022-2025)."""
    from ..measures import unga
    from ..measures import unga_series as us

    table = topic_votes_table(wh, states, "es11")
    chosen, _ = unga.votes(wh, topic="es11", states=states)
    titles = dict(zip(chosen["symbol"], chosen["date"].dt.strftime("%Y-%m-%d") + " "
                      + chosen["title"].astype(str).str.split(" : resolution").str[0]))
    return fig_topic_votes(table, titles, us.TOPICS["es11"].label)


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
        else ("alignwatch dynamic ordinal IRT (variational EM) on UNGA roll calls: Voeten, Strezhnev & Bailey, "
              "Harvard Dataverse hdl:1902.1/12379, to 14 January 2020, then the UN Digital Library's recorded votes "
              "on adopted resolutions (undl_ga_votes; 2025 with unga_votes_2025); years are sessions")
    fig.update_layout(
        title="UN General Assembly ideal points (higher = closer to the US position), 95% bands",
        xaxis_title="year (session)", yaxis_title="ideal point", template="plotly_white", height=560,
    )
    # the caption goes below the axis title (a fixed paper position overlapped it at some heights)
    return add_caption(fig, "Source: " + cite, yshift=-60)


def idealpoints_figure(wh: Warehouse, states: list[str], source: str = "voeten", *,
                       years: tuple[int, int] | None = None) -> go.Figure:
    """The report's view: Voeten's published series by default (to 2024, no model fit needed at report time)."""
    return fig_idealpoints(ip.table(wh, states, years, source), states, source)
