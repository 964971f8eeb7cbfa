"""Plotly figures for the Security Council timeline and for treaty strength. Each cites its sources in a caption.

``fig_*`` functions are pure (tables in, figure out); :func:`unsc_timeline_figure` and :func:`treaty_figure` read
the measures; :func:`alignwatch.report.figure_common.write_html` writes a standalone file that opens offline (plotly.js embedded).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..measures import treaties as tr
from ..measures import unsc as us
from ..warehouse import Warehouse
from .figure_common import add_caption

UNSC_SOURCES = (
    "Sources: per-member votes on adopted resolutions 1946-2025 (UN Dag Hammarskjöld Library voting records, "
    "digitallibrary.un.org, as crawled in GitHub lefthand67/un_votes; preferred where sources overlap); on every "
    "draft 1994-May 2025 (UN voting records compiled in GitHub oliverunv/Voting-Agent); 2025 "
    "Security Council votes (UN Digital Library, 3DL scrape, GitHub HZloto/unga-2025); vetoes 1946-2022 (Yordan / "
    "World Politics Datalab, from the UN Dag Hammarskjöld Library veto list); alignwatch chronology chr_unsc_dprk "
    "(resolution 825 of 1993, presidential statements, the Dec 2019 draft; UN press releases); stringency codes: "
    "alignwatch data/unsc_dprk_stringency.csv, one cited UN document per text (undocs.org)."
)
TREATY_SOURCES = (
    "Sources: ATOP 5.1 (Leeds, Ritter, Mitchell & Long 2002, International Interactions 28: 237-260) to 2018; COW "
    "Formal Alliances 4.1 (Gibler 2009, International Military Alliances 1648-2008) to 2012, both via peacesciencer "
    "(Miller 2022); curated treaty spells (alignwatch data/treaty_spells.csv, from chr_treaties; each row cites "
    "treaty texts or news reports) for every year after 2018; state-system membership: COW (ps_cow_ddy)."
)
_KIND_SYMBOL = {"resolution": "circle", "failed_draft": "x", "prst": "diamond", "draft_not_voted": "square"}
_KIND_NAME = {"resolution": "resolution", "failed_draft": "failed draft (vetoed)", "prst": "presidential statement",
              "draft_not_voted": "draft never voted"}
_PAIR_COLOR = {"CHN-RUS": "#7f7f7f", "CHN-USA": "#c00000", "CHN-GBR": "#ff7c80", "CHN-FRA": "#f4b183",
               "RUS-USA": "#1f4e79", "RUS-GBR": "#2e75b6", "RUS-FRA": "#9dc3e6"}


def _hover_text(t: pd.DataFrame) -> list[str]:
    out = []
    for r in t.itertuples(index=False):
        tally = "" if pd.isna(r.n_yes) else f"{r.n_yes}-{r.n_no}-{r.n_abstain}"
        p5 = ", ".join(f"{m} {getattr(r, m)}" for m in us.P5 if isinstance(getattr(r, m), str))
        lines = [f"<b>{r.symbol}</b> ({r.date})", f"{_KIND_NAME.get(r.kind, r.kind)}; {r.outcome}",
                 f"vote {tally}" if tally else "", p5]
        if isinstance(getattr(r, "stringency_reason", None), str):
            lines.append(f"stringency {r.stringency} ({r.stringency_label}): " + "<br>".join(
                textwrap.wrap(r.stringency_reason, 70)))
        if isinstance(getattr(r, "poe", None), str):
            lines.append(f"Panel of Experts: {r.poe}")
        out.append("<br>".join(x for x in lines if x))
    return out


def fig_unsc_timeline(t: pd.DataFrame, covoting: pd.DataFrame | None = None, topic: str = "DPRK") -> go.Figure:
    """Top: every text on the topic by date and stringency code (vetoed drafts in red, with the vetoers named),
    the sanctions level in force as a step line, Panel of Experts renewals as ticks. Bottom: yearly share of
    identical votes of CHN and RUS with USA/GBR/FRA and with each other, on all Council texts."""
    has_code = "stringency" in t.columns
    rows = 2 if covoting is not None and not covoting.empty else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.62, 0.38][:rows] if rows == 2 else [1.0],
                        subplot_titles=(f"Security Council texts on {topic}" + (" and sanctions stringency" if has_code
                                                                                 else ""),
                                        "Share of identical votes on all Council texts (per year)")[:rows])
    t = t.copy()
    t["x"] = pd.to_datetime(t["date"])
    t["y"] = t["stringency"].astype("Float64") if has_code else 0.0
    if has_code:
        level = t.dropna(subset=["regime_stringency"])
        fig.add_trace(go.Scatter(x=level["x"], y=level["regime_stringency"].astype(float), mode="lines",
                                 line=dict(shape="hv", color="#a6a6a6", width=2),
                                 name="sanctions level in force (highest adopted code)"), row=1, col=1)
    for kind, g in t.groupby("kind", sort=False):
        vetoed = g["vetoed_by"].notna()
        color = np.where(vetoed, "#c00000", np.where(g["kind"] == "prst", "#7f7f7f", "#1f4e79"))
        fig.add_trace(go.Scatter(
            x=g["x"], y=g["y"].astype(float), mode="markers", name=_KIND_NAME.get(kind, kind),
            marker=dict(symbol=_KIND_SYMBOL.get(kind, "circle"), size=11, color=color, line=dict(width=1)),
            hovertext=_hover_text(g), hoverinfo="text"), row=1, col=1)
    for r in t[t["vetoed_by"].notna()].itertuples(index=False):
        fig.add_annotation(x=r.x, y=float(r.y) if pd.notna(r.y) else 0, row=1, col=1, ax=-40, ay=-35,
                           text=f"{r.symbol}<br>{r.vetoed_by.replace(';', '+')} veto ({r.date})",
                           font=dict(size=10, color="#c00000"), arrowcolor="#c00000")
    if "poe" in t.columns:
        poe = t[t["poe"].notna()]
        fig.add_trace(go.Scatter(x=poe["x"], y=[-0.6] * len(poe), mode="markers", name="Panel of Experts",
                                 marker=dict(symbol="line-ns-open", size=12, color="#548235"),
                                 hovertext=[f"{s}: Panel {p}" for s, p in zip(poe["symbol"], poe["poe"])],
                                 hoverinfo="text"), row=1, col=1)
    if has_code:
        fig.update_yaxes(row=1, col=1, range=[-1, 5.6], tickvals=list(range(6)),
                         ticktext=[f"{k} {v}" for k, v in us.STRINGENCY_LABELS.items()], title="stringency code")
    else:
        fig.update_yaxes(row=1, col=1, visible=False)
    if rows == 2:
        for pair in _PAIR_COLOR:
            if pair not in covoting.columns:
                continue
            x = pd.to_datetime(covoting["year"].astype(str) + "-07-01")
            fig.add_trace(go.Scatter(x=x, y=covoting[pair], mode="lines+markers", name=pair,
                                     line=dict(color=_PAIR_COLOR[pair], width=3 if pair == "CHN-RUS" else 1.5,
                                               dash="solid" if pair.startswith("CHN") else "dot"),
                                     hovertemplate=f"{pair} %{{x|%Y}}: %{{y:.2f}}<extra></extra>"), row=2, col=1)
        fig.update_yaxes(row=2, col=1, range=[0, 1.02], title="share identical")
    fig.update_layout(template="plotly_white", height=820 if rows == 2 else 560, hovermode="closest",
                      legend=dict(orientation="h", y=-0.08 if rows == 2 else -0.12, font=dict(size=10)),
                      title=f"UN Security Council on {topic}: votes, vetoes"
                            + (", sanctions stringency" if has_code else "")
                            + (" and P5 co-voting" if rows == 2 else ""))
    note = ("Stringency code of a text = highest rung of the measures it itself imposes (0 none/other, 1 condemnation/"
            "demands, 2 arms and WMD items, 3 financial, 4 sectoral export bans, 5 caps on oil imports or labour); "
            "failed drafts are placed at the code of what they would have imposed. Co-voting counts yes/no/abstain "
            "as three categories (a member listed without a vote is not compared); before 1994 it rests on adopted "
            "resolutions only.")
    return add_caption(fig, UNSC_SOURCES + "\n" + note)


def unsc_timeline_figure(wh: Warehouse, topic: str = "DPRK") -> go.Figure:
    """The timeline of Council texts on ``topic`` with the P5 co-voting panel."""
    data = us.load(wh)
    t = us.unsc_timeline(wh, topic, data=data)
    cov = us.p5_covoting(wh, data=data)
    if len(t):  # the co-voting panel spans the texts shown (votes reach back to 1946)
        cov = cov[cov["year"] >= int(t["year"].min())]
    iso, _ = us.topic_pattern(topic)
    return fig_unsc_timeline(t, cov, topic="the DPRK" if iso == "PRK" else topic)


LABEL_CHARS = 34  # characters of a treaty label on the figure
LABEL_GAP = 3  # years between two rotated labels that do not touch


def fig_treaties(d: pd.DataFrame, a: str, b: str) -> go.Figure:
    """Step lines of treaty strength per year: the headline (ATOP to 2018, curated spells after), the ATOP and COW
    readings separately, and dated treaty events as markers with their text."""
    d = d.sort_values("year")
    fig = go.Figure()
    atop = tr.obligation_strength(*(d[c] for c in tr.ATOP_COLS))
    cow = tr.obligation_strength(d["cow_defense"], np.zeros(len(d)), d["cow_neutral"], d["cow_nonagg"],
                                 d["cow_entente"])
    cow = np.where(d["cow_defense"].isna().to_numpy(), np.nan, cow)
    fig.add_trace(go.Scatter(x=d["year"], y=d["strength"].astype(float), mode="lines", name="treaty strength "
                             "(headline)", line=dict(shape="hv", width=4, color="#1f4e79"),
                             hovertext=[f"{y}: {s} ({src}){'<br>' + t if isinstance(t, str) else ''}"
                                        for y, s, src, t in zip(d["year"], d["strength"], d["strength_source"],
                                                                d["treaties_in_force"])], hoverinfo="text"))
    fig.add_trace(go.Scatter(x=d["year"], y=atop + 0.06, mode="lines", name="ATOP reading (to 2018)",
                             line=dict(shape="hv", width=1.5, dash="dot", color="#c55a11")))
    fig.add_trace(go.Scatter(x=d["year"], y=cow - 0.06, mode="lines", name="COW reading (to 2012)",
                             line=dict(shape="hv", width=1.5, dash="dash", color="#548235")))
    ev = d.dropna(subset=["treaty_events"])
    fig.add_trace(go.Scatter(x=ev["year"], y=ev["strength"].astype(float).fillna(0) + 0.25, mode="markers",
                             name="treaty event", marker=dict(symbol="triangle-down", size=11, color="#c00000"),
                             hovertext=["<br>".join(textwrap.wrap(t, 80)) for t in ev["treaty_events"]],
                             hoverinfo="text"))
    labels: list[list] = []  # [year, y, texts]: events less than LABEL_GAP years apart share one label
    for r in ev.itertuples(index=False):
        y = float(r.strength) + 0.35 if pd.notna(r.strength) else 0.35
        if labels and r.year - labels[-1][0] < LABEL_GAP:
            labels[-1][2].append(r.treaty_events)
        else:
            labels.append([r.year, y, [r.treaty_events]])
    for year, y, texts in labels:
        # short labels (the full text is in the marker's hover) inside the plot's headroom: long rotated labels
        # ran out of the figure and were cut
        short = textwrap.shorten(texts[0].split("; ")[0], width=LABEL_CHARS, placeholder="…")
        short += f" (+{len(texts) - 1})" if len(texts) > 1 else ""
        fig.add_annotation(x=year, y=y, text=short, textangle=-50, showarrow=False, xanchor="left", yanchor="bottom",
                           font=dict(size=9, color="#404040"), hovertext="<br>".join(texts))
    fig.update_yaxes(range=[-0.3, 6.2], tickvals=[0, 1, 2, 3],
                     ticktext=[f"{k} {v}" for k, v in tr.STRENGTH_LABELS.items()], title="treaty strength")
    fig.update_xaxes(title="year")
    fig.update_layout(template="plotly_white", height=620, title=f"Treaty strength {a}-{b} per year",
                      legend=dict(orientation="h", y=-0.15))
    note = ("Strength: 0 none; 1 consultation, non-aggression or neutrality; 2 friendship or strategic-partnership "
            "treaty without a defence clause; 3 defence pact. A treaty counts in every year it is in force on any "
            "day. The 1961 Soviet-DPRK treaty ends 1995-09-07 in COW/Gibler and 1996 by its term and in ATOP: both "
            "shown. After 2018 only the curated spells cover the years (complete for CHN-PRK-RUS dyads only).")
    return add_caption(fig, TREATY_SOURCES + "\n" + note)


def treaty_figure(wh: Warehouse, a: str, b: str, years: tuple[int, int] | None = None) -> go.Figure:
    lo, hi = min(a, b), max(a, b)
    d = tr.dyad_years(wh, [a, b], years)
    return fig_treaties(d[(d["a"] == lo) & (d["b"] == hi)], a, b)  # rows a < b; the title as given
