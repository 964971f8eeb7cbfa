"""Report sections for the bloc network and the red lines, and their plotly figures.

The ``*_figure`` functions are pure (tables in, figure out); :func:`bloc_section` and :func:`redlines_section` are
the hooks ``report/build.py`` calls with its Context. Every figure cites its sources in a caption under the plot.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import network as nw
from .. import redlines as rl
from .figure_common import add_caption, fig_html, table_html

UNGA_CAPTION = (f"Source: {nw.SOURCE_NOTE}. Agreement = share of identical votes (yes/abstain/no) on roll calls "
                "both states voted on; dyad-years with fewer than "
                f"{nw.MIN_JOINT} joint votes or under {nw.MIN_SHARE:.0%} of the year's median are left out (gaps). "
                "Definitions: docs/network.md.")
REDLINES_CAPTION = ("Sources: " + "; ".join(rl.SOURCES.values()) + ". Window: 365 days after the event; trade: "
                    "year after vs year before within one series. Base rates are empirical, not forecasts.")
STRINGENCY_LEGEND = ("Stringency: 0 none/other, 1 condemnation/demands, 2 arms and WMD items, 3 financial, "
                     "4 sectoral export bans, 5 caps on oil imports / labour.")
#: The columns of the "bloc members in the focus's community" table (report and dashboard).
FOCUS_COLUMNS = ["year", "community_size", "n_bloc_in", "bloc_in", "joined", "left", "bloc_out",
                 "closest_outside_bloc", "modularity"]
OUTCOME_STYLE = {  # outcome -> (colour, label)
    "voted for measures": ("#c00000", "voted for a resolution with measures"),
    "vetoed": ("#1f4e79", "vetoed a DPRK draft"),
    "no new measures": ("#a5a5a5", "no new measures supported"),
    "no record": ("#ffffff", "no UNSC record"),
}
KIND_SYMBOL = {"nuclear_test": "star", "icbm_test": "triangle-up", "irbm_test": "triangle-right",
               "satellite_launch": "circle", "missile_test": "diamond-tall", "veto": "x", "treaty": "square"}


def _bloc_of(ctx) -> list[str]:
    """The report's states first, in their order, then the rest of the default bloc."""
    return list(dict.fromkeys([ctx.focus, *ctx.partners, *nw.DEFAULT_BLOC]))


# ------------------------------------------------------------------------------------------------ network


def cohesion_figure(coh: pd.DataFrame, bloc: list[str]) -> go.Figure:
    """Within-bloc agreement against bloc-to-rest and the all-dyad baseline, per year (NA years are gaps)."""
    fig = go.Figure()
    for col, name, colour, dash in (("within", "within the bloc (mean)", "#c00000", "solid"),
                                    ("within_min", "within the bloc (least aligned pair)", "#c00000", "dot"),
                                    ("to_rest", "bloc members with all other states", "#1f4e79", "solid"),
                                    ("all_dyads", "all dyads (baseline)", "#7f7f7f", "dash")):
        # markers too: a year between two gaps is a point, and a line alone hides it
        fig.add_trace(go.Scatter(x=coh["year"], y=coh[col], name=name, mode="lines+markers",
                                 line=dict(color=colour, dash=dash), marker=dict(size=4), connectgaps=False,
                                 hovertemplate="%{x}: %{y:.3f}<extra>" + name + "</extra>"))
    fig.update_layout(title=f"UNGA cohesion of the bloc {', '.join(bloc)}", yaxis_title="agreement (share identical)",
                      height=430, legend=dict(orientation="h", y=1.08), yaxis=dict(range=[0, 1.02]))
    return add_caption(fig, UNGA_CAPTION, 160, yshift=-50)


def group_figure(group: pd.DataFrame, states: list[str]) -> go.Figure:
    """A triad or bloc per year (``group``: :func:`alignwatch.index.group_index`): the mean and the weakest of its
    pairs' composite index, and the joint UNGA cohesion on the right axis (hover: how many roll calls)."""
    fig = go.Figure()
    for col, name, dash in (("composite_mean", "mean of dyads", None), ("composite_min", "weakest dyad", "dot")):
        if col in group:
            fig.add_trace(go.Scatter(x=group["year"], y=group[col], name=f"composite, {name}", line=dict(dash=dash)))
    if "unga_cohesion" in group:
        n = group["unga_n_votes"] if "unga_n_votes" in group else pd.Series(np.nan, index=group.index)
        fig.add_trace(go.Scatter(x=group["year"], y=group["unga_cohesion"], name="UNGA joint cohesion (right axis)",
                                 yaxis="y2", mode="lines+markers", marker=dict(size=4), customdata=n,
                                 hovertemplate="%{x}: %{y:.0%} of %{customdata} roll calls<extra></extra>"))
    series = str(group["unga_series"].dropna().iloc[0]) if "unga_series" in group and \
        group["unga_series"].notna().any() else "undl"
    fig.update_layout(template="plotly_white", height=460,
                      title=f"Group {', '.join(states)}: every pair's index, and joint UNGA cohesion",
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
                      yaxis=dict(title="composite (z)"),
                      yaxis2=dict(title="roll calls all voted alike", overlaying="y", side="right",
                                  range=[0, 1.02], tickformat=".0%", showgrid=False, tickmode="auto"))
    return add_caption(fig, "Mean and minimum of the composite index over every pair of the group "
                            "(alignwatch.index.group_index). Joint cohesion: share of UNGA roll calls on which every "
                            "member voted and all alike (hover: the number of roll calls; a year with few is thin "
                            f"evidence); UNGA series {series}. Sources: the index's families; {nw.SOURCE_NOTE}.")


def members_figure(mem: pd.DataFrame, bloc: list[str] | None = None) -> go.Figure:
    """Each member's mean agreement with the rest of the bloc (heatmap, member x year): who drifts. Rows follow
    ``bloc`` (the order given), first at the top."""
    m = mem.pivot_table(index="iso3", columns="year", values="with_bloc")
    order = list(dict.fromkeys(list(bloc or []) + list(mem["iso3"])))
    m = m.reindex(index=[s for s in order if s in m.index])
    if len(m.columns):  # every year a column: years without a score stay blank, not stretched over
        m = m.reindex(columns=range(int(min(m.columns)), int(max(m.columns)) + 1))
    fig = go.Figure(go.Heatmap(z=m.to_numpy(), x=list(m.columns), y=list(m.index), colorscale="Blues", zmin=0,
                               zmax=1, colorbar=dict(title="agreement<br>(share)"), hoverongaps=False,
                               hovertemplate="%{y} %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(title="Each member's mean agreement with the other bloc members (blank: no score)",
                      height=160 + 26 * len(m), yaxis=dict(autorange="reversed", type="category"),
                      plot_bgcolor="#ffffff")
    return add_caption(fig, UNGA_CAPTION, 160, yshift=-50)


def network_figure(panel: pd.DataFrame, comm: pd.DataFrame, years: list[int], bloc: list[str], focus: str,
                   top: int = 8) -> go.Figure:
    """The agreement network of the given years: states placed by classical MDS of 1 - agreement (close = vote
    alike), coloured by Louvain community; bloc members labelled; lines from the focus to its ``top`` partners."""
    fig = make_subplots(rows=1, cols=len(years), subplot_titles=[str(y) for y in years], horizontal_spacing=0.04)
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    for i, y in enumerate(years, start=1):
        py = panel[panel["year"] == y]
        pos = nw.layout(py).set_index("iso3")
        cy = comm[comm["year"] == y].set_index("iso3")["community"] if len(comm) else pd.Series(dtype=int)
        lab = cy.reindex(pos.index)
        fc = lab.get(focus)
        w = py.dropna(subset=["weight"])
        a, b = w["a"].astype(str).to_numpy(), w["b"].astype(str).to_numpy()
        fm = (a == focus) | (b == focus)
        partners = pd.DataFrame({"other": np.where(a[fm] == focus, b[fm], a[fm]),
                                 "weight": w["weight"].to_numpy()[fm]}).nlargest(top, "weight")
        if focus in pos.index:
            for o in partners["other"]:
                if o in pos.index:
                    fig.add_trace(go.Scatter(x=[pos.at[focus, "x"], pos.at[o, "x"]], y=[pos.at[focus, "y"],
                                             pos.at[o, "y"]], mode="lines", line=dict(color="#bbbbbb", width=1),
                                             hoverinfo="skip", showlegend=False), row=1, col=i)
        colours = [palette[int(c) % len(palette)] if pd.notna(c) else "#dddddd" for c in lab]
        inb = pos.index.isin(bloc)
        same = (lab == fc).to_numpy() if fc is not None and pd.notna(fc) else np.zeros(len(pos), bool)
        fig.add_trace(go.Scatter(
            x=pos["x"], y=pos["y"], mode="markers+text",
            text=[s if s in bloc else "" for s in pos.index], textposition="top center", textfont=dict(size=9),
            marker=dict(size=np.where(inb, 12, 6), color=colours, line=dict(width=np.where(same & inb, 2, 0),
                                                                            color="#000")),
            customdata=np.column_stack([pos.index, lab.fillna(-1).astype(int)]),
            hovertemplate="%{customdata[0]} (community %{customdata[1]})<extra></extra>", showlegend=False),
            row=1, col=i)
        fig.update_xaxes(showticklabels=False, zeroline=False, row=1, col=i)
        fig.update_yaxes(showticklabels=False, zeroline=False, row=1, col=i)
    fig.update_layout(title=f"UNGA agreement network: colour = community (Louvain on excess agreement); labels = "
                            f"bloc; black ring = in {focus}'s community; grey lines = {focus}'s {top} closest",
                      height=520, title_font_size=13)
    return add_caption(fig, UNGA_CAPTION + " Position: classical multidimensional scaling of 1 - agreement.", 160,
                       yshift=-50)


def _network_years(panel: pd.DataFrame, focus: str) -> list[int]:
    """The latest roll-call year and the latest year overall (2025) in which the focus has a score."""
    fm = (nw._in(panel["a"], [focus]) | nw._in(panel["b"], [focus])) & panel["weight"].notna().to_numpy()
    d = panel[fm]
    if d.empty:
        return []
    src = d["source"].astype(str)
    rc = d.loc[~src.str.contains("2025"), "year"]
    out = ([int(rc.max())] if len(rc) else []) + [int(d["year"].max())]
    return sorted(set(out))


def bloc_section(ctx) -> str:
    """Report hook: bloc cohesion over time, each member's agreement, the network of the latest roll-call year
    and of 2025, and who joined or left the focus's community."""
    bloc = _bloc_of(ctx)
    r = nw.bloc_report(ctx.wh, ctx.focus, bloc)
    parts = [f"<p>Bloc: {html.escape(', '.join(bloc))} (default bloc plus the report's states). Measure: UNGA "
             "identical-vote share. The bloc is cohesive in a year when its within-bloc agreement stands above the "
             "agreement of its members with everyone else (the gap).</p>",
             fig_html(cohesion_figure(r["cohesion"], bloc)), fig_html(members_figure(r["members"], bloc))]
    yrs = _network_years(r["panel"], ctx.focus)
    if yrs:
        parts.append(fig_html(network_figure(r["panel"], r["communities"], yrs, bloc, ctx.focus)))
    f = r["focus"].dropna(subset=["community_size"])
    parts.append(f"<h3>Bloc members in {html.escape(ctx.focus)}'s community, year by year</h3>"
                 "<p class='note'>Louvain communities (networkx, fixed seed) of the excess-agreement network; joined /"
                 " left compare with the previous year with roll calls. Modularity near 0 means weak structure: read"
                 " single-year moves with care. " + html.escape(UNGA_CAPTION) + "</p>"
                 + table_html(f[FOCUS_COLUMNS], max_rows=80))
    return "".join(parts)


# ----------------------------------------------------------------------------------------------- red lines


def _outcome(row) -> str:
    if pd.isna(row["voted_for_sanctions"]):
        return "no record"
    if bool(row["voted_for_sanctions"]):
        return "voted for measures"
    if pd.notna(row["vetoed"]) and bool(row["vetoed"]):
        return "vetoed"
    return "no new measures"


def redlines_figure(resp: pd.DataFrame) -> go.Figure:
    """Each trigger (x: date; symbol: kind) per patron (row), coloured by the patron's Council response within
    12 months; hover shows the texts, trade change and visits."""
    d = resp.assign(outcome=resp.apply(_outcome, axis=1), date=pd.to_datetime(resp["date"]))
    fig = go.Figure()
    for out, (colour, label) in OUTCOME_STYLE.items():
        g = d[d["outcome"] == out]
        if g.empty:
            continue
        fig.add_trace(go.Scatter(
            x=g["date"], y=g["patron"], mode="markers", name=label,
            marker=dict(size=13, color=colour, symbol=[KIND_SYMBOL.get(k, "circle") for k in g["kind"]],
                        line=dict(width=1, color="#333")),
            customdata=np.column_stack([g["trigger"], g["unsc_texts"].fillna("NA"),
                                        g["trade_change"].map(lambda v: f"{v:+.0%}" if pd.notna(v) else "NA"),
                                        g["visits"].astype("string").fillna("NA")]),
            hovertemplate="%{customdata[0]} (%{x|%Y-%m-%d})<br>UNSC: %{customdata[1]}<br>trade: %{customdata[2]}"
                          "<br>visits: %{customdata[3]}<extra></extra>"))
    fig.update_layout(title="Red lines: each patron's Security Council response within 12 months of a trigger "
                            "(star nuclear test, triangle ICBM, x veto, square treaty)", height=330,
                      title_font_size=13, legend=dict(orientation="h", y=-0.25),
                      yaxis=dict(type="category", categoryorder="array", autorange="reversed",
                                 categoryarray=list(dict.fromkeys(resp["patron"]))))  # patrons as given, top down
    return add_caption(fig, REDLINES_CAPTION, 160, yshift=-50)  # moves the bottom legend aside


def redlines_section(ctx) -> str:
    """Report hook: the red-lines figure, the base rates per kind and patron, and the event table."""
    if ctx.focus != "PRK":
        return "<p class='na'>Red lines are compiled for the DPRK's tests, vetoes and treaties only.</p>"
    resp = rl.red_lines(ctx.wh, focus=ctx.focus, patrons=ctx.partners)
    if resp.empty:
        return "<p class='na'>No trigger events in the data.</p>"
    summ, rates = base_rates(resp)
    show = resp[["trigger", "date", "patron", "unsc_texts", "voted_for_sanctions", "stringency_supported", "vetoed",
                 "trade_all_series", "visits", "first_visit", "notes"]]
    items = "".join(f"<li>{html.escape(t)}</li>" for t in rates)
    return (fig_html(redlines_figure(resp))
            + "<h3>Base rates (empirical, over past events; not a forecast)</h3>"
            + table_html(summ)
            + f"<ul class='note'>{items}</ul>"
            + "<h3>Events and responses</h3>" + table_html(show, max_rows=200)
            + f"<p class='note'>{html.escape(REDLINES_CAPTION)} {STRINGENCY_LEGEND} A 12-month "
              "window credits an event with everything that followed it, including responses to other events in "
              "the same window. Method and limits: docs/network.md.</p>")


def base_rates(resp: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The red lines' base rates as shown (report and dashboard): the table, its median trade change as a signed
    percentage, and each base rate as a sentence."""
    summ = rl.summary(resp)
    rates = [str(t) for t in summ["base_rate"]]
    summ = summ.drop(columns=[c for c in ("base_rate", "share_sanctions") if c in summ]).assign(
        trade_change_median=summ["trade_change_median"].map(lambda v: f"{v:+.0%}" if pd.notna(v) else None))
    return summ, rates
