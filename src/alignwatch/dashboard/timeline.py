"""The Timeline tab and the year under the index figure: every dated event the chronology holds
(:func:`alignwatch.chronology.timeline`), drawn over the view's years, and for one year its events and which
families moved.

Why here and not in the report: the report is a document of one view; the timeline is a list to search and filter,
linked to the index figure (a click on a year shows that year's events and the families whose readings changed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..chronology import TIMELINE_COLUMNS
from ..report.figure_common import add_caption
from .numbers import number

KIND_ORDER = ["treaty", "visit", "proposal", "unsc", "test", "unga vote"]
#: An event's columns as the tab and the year detail show them (the year is a column of its own in the table).
COLUMNS = [c for c in TIMELINE_COLUMNS if c != "year"]
KIND_COLOUR = {"treaty": "#d62728", "visit": "#1f77b4", "proposal": "#2ca02c", "unsc": "#9467bd",
               "test": "#ff7f0e", "unga vote": "#8c564b"}
CAPTION = ("Source: the alignwatch chronology (chr_treaties, chr_summits, chr_proposals, chr_unsc_dprk, "
           "chr_dprk_tests, chr_unga_ukraine); every row cites its own source (the table's source column).")


def concerns_event(parties, kind: str, want: set[str]) -> bool:
    """One event concerns the states ``want``: one of them a party (the DPRK's tests and Council texts list PRK),
    or a General Assembly vote (every state voted)."""
    return bool({p for p in str(parties or "").split(";") if p} & want) or kind == "unga vote"


def concerns(t: pd.DataFrame, states) -> np.ndarray:
    """:func:`concerns_event` for every row of a timeline frame."""
    want = set(states)
    return np.array([concerns_event(p, k, want) for p, k in zip(t["parties"].fillna(""), t["kind"])], dtype=bool)


def timeline_figure(t: pd.DataFrame, view) -> go.Figure:
    """Events of the view's years by kind (one row each), those that concern the view's states drawn strong and
    the others faint; hover for the text."""
    d = t[t["year"].between(*view.years)] if len(t) else t
    mine = concerns(d, view.states) if len(d) else np.array([], bool)
    fig = go.Figure()
    for kind in [k for k in KIND_ORDER if k in set(d["kind"])] + sorted(set(d["kind"]) - set(KIND_ORDER)):
        for own in (True, False):
            g = d[(d["kind"] == kind).to_numpy() & (mine == own)]
            if g.empty:
                continue
            fig.add_trace(go.Scatter(
                x=pd.to_datetime(g["date"], errors="coerce"), y=[kind] * len(g), mode="markers",
                name=kind if own else f"{kind} (other states)", showlegend=own or not (d["kind"] == kind)[mine].any(),
                marker=dict(size=11 if own else 7, color=KIND_COLOUR.get(kind, "#555"), opacity=1 if own else 0.25,
                            line=dict(width=1, color="#333") if own else dict(width=0)),
                customdata=np.column_stack([g["text"].astype(str), g["parties"].fillna("").astype(str)]),
                hovertemplate="%{x|%Y-%m-%d} %{customdata[0]}<br>parties: %{customdata[1]}<extra></extra>"))
    fig.update_layout(template="plotly_white", height=360, title=f"Events {view.years[0]}–{view.years[1]} "
                      f"(strong: concerning {', '.join(view.states)})",
                      xaxis=dict(range=[f"{view.years[0]}-01-01", f"{view.years[1]}-12-31"]),
                      yaxis=dict(type="category", categoryorder="array", categoryarray=KIND_ORDER[::-1]),
                      legend=dict(orientation="h", y=-0.2), clickmode="event")
    return add_caption(fig, CAPTION, yshift=-70)


def year_detail(ctx, t: pd.DataFrame, view, year: int) -> dict:
    """One year of the view: the events concerning its states, each dyad's composite then and a year earlier,
    and the families whose reading (what the family alone says about the latent, z) moved most."""
    ev = t[(t["year"] == year).fillna(False).to_numpy()] if len(t) else t
    ev = ev[concerns(ev, view.states)] if len(ev) else ev
    comp, moves = [], []
    for (a, b), (x, y) in zip(ctx.dyads, ctx.pairs):
        rows = ctx.rows(a, b).set_index("year") if ctx.index is not None and len(ctx.index) else pd.DataFrame()
        if year in rows.index:
            now = rows.loc[year]
            before = rows.loc[year - 1] if year - 1 in rows.index else None
            comp.append({"dyad": f"{x}–{y}", "year": year, "composite": number(now.get("composite")),
                         "change": number(now["composite"] - before["composite"]) if before is not None else None,
                         "families": now.get("families", "")})
        p = ctx.panel
        if p is None or p.empty or "z" not in p:
            continue
        d = p[(p["a"] == a) & (p["b"] == b) & p["year"].isin([year - 1, year])]
        z = d.groupby(["family", "year"])["z"].mean().unstack("year")
        for fam, r in z.iterrows():
            zb, zn = r.get(year - 1, np.nan), r.get(year, np.nan)
            what = ("entered" if pd.isna(zb) and pd.notna(zn) else "left" if pd.notna(zb) and pd.isna(zn)
                    else "moved")
            moves.append({"dyad": f"{x}–{y}", "family": fam, "reading_before": number(zb), "reading": number(zn),
                          "change": number(zn - zb) if pd.notna(zb) and pd.notna(zn) else None, "what": what})
    moves.sort(key=lambda m: (m["dyad"], -(abs(m["change"]) if m["change"] is not None else -1)))
    return {"year": year, "events": ev[COLUMNS].astype(object).where(ev[COLUMNS].notna(), None).to_dict("records"),
            "composite": comp, "moves": moves}
