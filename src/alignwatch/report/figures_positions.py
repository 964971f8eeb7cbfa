"""Figures for the positions section of the report and dashboard: (a) the proposals timeline, (b) New Year
address term rates. Both take the tables the measures return (never SQL) and cite their sources in the figure.

Written to standalone HTML with the plotly library embedded (:func:`alignwatch.report.figure_common.write_html`), so the files open offline.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..errors import UsageError
from ..measures.positions import POSITION_LEVEL

SOURCE_PROPOSALS = ("Source: alignwatch chronology, proposals.csv (hand-compiled; each proposal cites its own "
                    "sources and confidence). Stances at or shortly after issuance; 'unknown' = no stance found.")
SOURCE_ADDRESSES = ("Source: DPRK New Year addresses 1946–2019 (Park, Park & Jo 2015, Korean Political Science "
                    "Review 49(2); corpus e9t/north-korea-new-years-speechs, CC0). Body only (South Korean synopses "
                    "and wire prefaces removed); rate per 10,000 Hangul syllables; terms in "
                    "alignwatch/data/address_terms.toml. No 1957 text.")

# support greens, middle ambers/greys, against reds, unknown hollow light grey
POSITION_STYLE: dict[str, tuple[str, str]] = {
    "proposer": ("#1b7837", "star"),
    "endorsed": ("#5aae61", "circle"),
    "accepted": ("#a6dba0", "circle"),
    "mixed": ("#f1a340", "diamond"),
    "silent": ("#999999", "diamond"),
    "rejected": ("#d73027", "x"),
    "opposed": ("#a50026", "x"),
    "unknown": ("#d9d9d9", "circle-open"),
    "n/a": ("#ffffff", "circle-open"),
}
_GENRE_SPANS = ((1995, 2012, "joint editorials"), (2013, 2019, "Kim Jong Un's addresses"))


def _wrap(text: str, width: int = 80) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(str(text), width)) if isinstance(text, str) and text else ""


def proposals_timeline(table: pd.DataFrame, states: list[str] | None = None, title: str | None = None) -> go.Figure:
    """States as rows, proposals as marks at their date, coloured by the state's stance; hover shows the title,
    kind, proposers, content, outcome and source. ``table`` is :func:`alignwatch.measures.positions.proposal_table`.
    """
    codes = states or [c for c in ("PRK", "CHN", "RUS", "USA", "KOR", "JPN") if c in table.columns]
    codes = [c for c in codes if c in table.columns]
    rows = []
    for s in codes:
        part = table[["date", "title", "kind", "proposers", "content", "outcome", "source", "confidence"]].copy()
        part["state"] = s
        part["position"] = table[s].astype(str)
        part["co"] = table["proposers"].astype(str).str.split(";").map(lambda p, s=s: s in p)
        rows.append(part)
    long = pd.concat(rows, ignore_index=True)
    long["date"] = pd.to_datetime(long["date"])
    fig = go.Figure()
    for pos, (colour, symbol) in POSITION_STYLE.items():
        d = long[long.position == pos]
        if d.empty:
            continue
        hover = ("<b>" + d.title.map(_wrap) + "</b><br>" + d.date.dt.strftime("%Y-%m-%d") + " · " + d.kind.astype(str)
                 + " · proposers " + d.proposers.astype(str) + "<br>" + d.state + ": <b>" + pos + "</b> ("
                 + POSITION_LEVEL.get(pos, "") + ")<br><br>" + d.content.map(_wrap) + "<br><i>Outcome:</i> "
                 + d.outcome.map(_wrap) + "<br><i>Source:</i> " + d.source.map(lambda x: _wrap(x, 100))
                 + "<br><i>Confidence:</i> " + d.confidence.astype(str))
        fig.add_trace(go.Scatter(
            x=d.date, y=d.state, mode="markers", name=pos,
            marker=dict(color=colour, symbol=symbol, size=13 if pos == "proposer" else 10,
                        line=dict(width=1, color="#555555" if pos != "unknown" else "#bbbbbb")),
            hovertext=hover, hoverinfo="text",
        ))
    fig.update_layout(
        title=title or "Stances on peace proposals, roadmaps and joint statements, 1991–2025",
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(codes)), title=None),
        xaxis=dict(title=None, type="date"),
        legend=dict(title="stance", orientation="h", y=-0.18),
        height=180 + 60 * len(codes), margin=dict(b=170), template="plotly_white", hoverlabel=dict(align="left"),
    )
    fig.add_annotation(text=_wrap(SOURCE_PROPOSALS, 160), xref="paper", yref="paper", x=0, y=-0.36,
                       yanchor="top", xanchor="left", showarrow=False, align="left",
                       font=dict(size=10, color="#555555"))
    return fig


def address_rates_figure(rates: pd.DataFrame, categories: list[str] | None = None,
                         labels: dict[str, str] | None = None, title: str | None = None) -> go.Figure:
    """Term rates per 10,000 syllables by year, one line per category; genre breaks shaded; hover shows counts.

    ``rates`` is :func:`alignwatch.measures.addresses.address_rates` (wide: ``<key>`` rate, ``<key>_n`` count).
    """
    keys = categories or [c[:-2] for c in rates.columns if c.endswith("_n") and c[:-2] in rates.columns]
    labels = labels or {}
    fig = go.Figure()
    for k in keys:
        fig.add_trace(go.Scatter(
            x=rates.year, y=rates[k].astype(float), mode="lines+markers", name=labels.get(k, k),
            customdata=pd.concat([rates[f"{k}_n"], rates.body_syllables, rates.genre], axis=1).to_numpy(),
            hovertemplate="%{x}: %{y:.1f} per 10,000 syllables<br>%{customdata[0]} mentions in %{customdata[1]} "
                          "syllables<br>%{customdata[2]}<extra>" + labels.get(k, k) + "</extra>",
            visible=True if k in ("usa", "nuclear", "peace", "south_korea", "socialist_countries") else "legendonly",
        ))
    for lo, hi, name in _GENRE_SPANS:
        fig.add_vrect(x0=lo - 0.5, x1=hi + 0.5, fillcolor="#eeeeee" if lo < 2013 else "#e0ecf4", opacity=0.5,
                      line_width=0, annotation_text=name, annotation_position="top left")
    fig.update_layout(
        title=title or "What the DPRK New Year addresses talk about, 1946–2019",
        yaxis_title="mentions per 10,000 Hangul syllables", xaxis_title=None, template="plotly_white",
        legend=dict(orientation="h", y=-0.12), height=600, margin=dict(b=200),
    )
    fig.add_annotation(text=_wrap(SOURCE_ADDRESSES + " Click legend entries to show more terms.", 160),
                       xref="paper", yref="paper", x=0, y=-0.3, yanchor="top", xanchor="left", showarrow=False,
                       align="left", font=dict(size=10, color="#555555"))
    return fig


def proposals_timeline_figure(wh, states: list[str] | None = None) -> go.Figure:
    """The proposals timeline from a warehouse (WarehouseError if not ingested), for ``states`` (those the table
    codes, in the order given) or every coded state."""
    from .. import chronology
    from ..measures import positions

    table = positions.proposal_table(chronology.proposals(wh))
    codes = None if states is None else [s for s in states if s in table.columns]
    if states is not None and not codes:
        raise UsageError(f"no stances coded for {', '.join(states)}",
                         hint="the proposals table codes PRK, CHN, RUS, USA, KOR and JPN")
    return proposals_timeline(table, codes)


def addresses_figure(wh) -> go.Figure:
    """The New Year address term rates from a warehouse (report/dashboard entry point)."""
    from ..measures import addresses

    terms = addresses.load_terms()
    return address_rates_figure(addresses.address_rates_wh(wh, terms), labels={k: c.label for k, c in terms.items()})


def figures(wh) -> list[tuple[str, go.Figure]]:
    """The positions section's figures from a warehouse, for the report and the dashboard."""
    from ..measures import addresses, positions

    out = []
    if wh.has(positions.TABLE):
        out.append(("Stances on peace proposals", proposals_timeline_figure(wh)))
    if wh.has(addresses.TABLE):
        out.append(("New Year addresses", addresses_figure(wh)))
    return out
