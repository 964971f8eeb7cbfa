"""Plotly figures for the text measures: General Debate speech similarity over time and KCNA headline salience.

The ``fig_*`` functions are pure (measure tables in, figure out); :func:`speech_similarity` and
:func:`kcna_salience` read the measures from a warehouse. Every figure cites its sources in a caption under the
plot; :func:`alignwatch.report.figure_common.write_html` writes a standalone file that opens offline (plotly.js embedded).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..errors import UsageError
from ..measures import speech as sp
from ..warehouse import Warehouse
from .figure_common import add_caption, state_name

_COLORS = ("#c00000", "#1f4e79", "#548235", "#c55a11", "#7030a0", "#7f6000", "#2e75b6", "#a5a5a5")
_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def _dyads(dyads) -> list[tuple[str, str]]:
    """The dyads as given (the user's order, shown in labels); one entry per unordered pair."""
    out = {}
    for d in dyads:
        if isinstance(d, str):
            d = d.replace("–", "-").split("-")
        if len(d) != 2 or d[0] == d[1]:
            raise UsageError(f"a dyad is two different states, not {d!r}", hint="e.g. [('PRK', 'CHN')] or 'PRK-CHN'")
        pair = (str(d[0]).upper(), str(d[1]).upper())
        out.setdefault(tuple(sorted(pair)), pair)
    return list(out.values())


def fig_speech_similarity(df: pd.DataFrame, dyads=None, *, value: str = "similarity") -> go.Figure:
    """One line per dyad over the years (``df`` from :func:`alignwatch.measures.speech.dyad_years`).

    ``value`` is ``similarity`` (cosine) or ``similarity_pct`` (percentile among the year's dyads). Gaps are years
    where a state gave no speech (NA, not 0). Hovering a point shows the shared terms.
    """
    if value not in ("similarity", "similarity_pct"):
        raise UsageError(f"value must be similarity or similarity_pct, not {value!r}")
    pairs = _dyads(dyads) if dyads is not None else list(df[["a", "b"]].drop_duplicates().itertuples(index=False))
    fig = go.Figure()
    for i, (a, b) in enumerate(pairs):
        lo, hi = sorted((a, b))  # rows hold the dyad as a < b; the label keeps the given order
        d = df[(df["a"] == lo) & (df["b"] == hi)].sort_values("year")
        if d.empty:
            continue
        terms = d["shared_terms"].astype(object).where(d["shared_terms"].notna(), "")
        fig.add_trace(go.Scatter(
            x=d["year"], y=d[value], mode="lines+markers", name=f"{state_name(a)}–{state_name(b)}",
            line=dict(color=_COLORS[i % len(_COLORS)], dash=_DASHES[i // len(_COLORS) % len(_DASHES)]),
            marker=dict(size=5), connectgaps=False, customdata=list(zip(terms, d["similarity_pct"])),
            hovertemplate="%{x}: %{y:.3f}<br>percentile %{customdata[1]:.2f}<br>shared: %{customdata[0]}"
                          "<extra>" + f"{a}–{b}" + "</extra>",
        ))
    ylabel = "cosine similarity" if value == "similarity" else "percentile among the year's dyads"
    source = df["source"].dropna().iloc[0] if "source" in df and df["source"].notna().any() else sp.SOURCE
    fig.update_layout(title="UN General Debate: speech similarity", xaxis_title="year", yaxis_title=ylabel,
                      template="plotly_white", hovermode="closest", height=560)
    if value == "similarity_pct":
        fig.update_yaxes(range=[0, 1.02])
    return add_caption(fig, (
        f"Source: {sp.CITATION}. Measure: {source}; similarity is the cosine of the two speeches' TF-IDF vectors "
        "(words of 3+ letters, English stop words removed, sublinear tf); percentile = share of all dyads of the same "
        "year with a lower or equal similarity. Gaps: a state gave no speech that year (NA). China's seat was held "
        "by the Republic of China (TWN) until 1971."))


def speech_similarity(wh: Warehouse, dyads, years: tuple[int, int] | None = None, *,
                      value: str = "similarity", **options) -> go.Figure:
    """Speech similarity of a list of dyads over time, from the warehouse (``options`` go to ``dyad_years``)."""
    pairs = _dyads(dyads)
    states = sorted({s for p in pairs for s in p})
    df = sp.dyad_years(wh, states, years, **options)
    if years is None:  # start at the first year any of the dyads has a value
        has = df.groupby("year")["similarity"].apply(lambda s: s.notna().any())
        if has.any():
            df = df[df["year"] >= has[has].index.min()]
    return fig_speech_similarity(df, pairs, value=value)


def fig_kcna_salience(df: pd.DataFrame) -> go.Figure:
    """Share of KCNA's English headlines naming China and Russia per year (``df`` from ``kcna_salience``)."""
    fig = go.Figure()
    for col, n, label, color in (("rate_china", "n_china", "China / Chinese / Sino-", "#c00000"),
                                 ("rate_russia", "n_russia", "Russia(n) / Soviet / USSR", "#1f4e79")):
        fig.add_trace(go.Scatter(
            x=df["year"], y=100 * df[col], mode="lines+markers", name=label, line=dict(color=color),
            customdata=list(zip(df[n], df["n_headlines"])),
            hovertemplate="%{x}: %{y:.2f}% (%{customdata[0]} of %{customdata[1]} headlines)<extra></extra>",
        ))
    last = df.loc[df["year"].idxmax()] if len(df) else None
    partial = (f" {int(last['year'])} runs only to {last['last_date']}." if last is not None
               and str(last["last_date"])[5:] != "12-31" else "")
    fig.update_layout(title="KCNA headlines naming China and Russia", xaxis_title="year",
                      yaxis_title="% of English headlines", template="plotly_white", height=520)
    fig.update_yaxes(rangemode="tozero")
    return add_caption(fig, (
        f"Source: {sp.KCNA_CITATION}; English headlines only (english = True), a title repeated on one day counted "
        f"once.{partial} A headline counts for China when its title contains the whole word China, Chinese or Sino "
        "(as in Sino-DPRK), for Russia Russia, Russian(s), Soviet(s) or USSR, in any case. From 2011 KCNA carried "
        "many short foreign-news items (e.g. 'China Launches Satellite'): the headline count doubles and China's "
        "rate jumps. Salience in state media, not a measure of approval."))


def kcna_salience(wh: Warehouse, years: tuple[int, int] | None = None) -> go.Figure:
    return fig_kcna_salience(sp.kcna_salience(wh, years))
