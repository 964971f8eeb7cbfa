"""The Sensitivity tab: how much each family moves the composite, and which conclusions hold across a range of
weights.

Scenarios, around the view's weights: each family indexed at weight 0 (left out) and at twice its weight, and the
composite's domain weights tilted 3:1 each way. Every scenario re-scores the view's dyads with the model's
parameters held (:func:`alignwatch.index.held_model`, as :func:`alignwatch.index.family_influence` does), then
re-reads the two conclusions an analyst quotes:

* the **labels**: the periods (:func:`alignwatch.periods.periods`, breaks and codebook; the break-location draws
  are not needed for labels and are skipped), compared year by year with the labels under the view's weights;
* **now vs 1992, 2017 and 2019** (:func:`alignwatch.index.glance_table`): the direction of the change and whether
  its interval excludes 0.

A conclusion that holds in every scenario does not depend on any one family's weight; one that flips names the
family it rests on.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import index as idx
from .. import periods as per
from ..report.figure_common import add_caption, years_text
from .numbers import number

FACTORS = (0.0, 2.0)  # each family's weight times these
TILT = 3.0  # the composite's domains tilted 3:1 each way


def scenarios(weights: idx.Weights, families: list[str]) -> list[tuple[str, str | None, idx.Weights]]:
    """``(name, family or None, weights)``: each family at each factor, then the domain tilts."""
    out = []
    for fam in families:
        for k in FACTORS:
            pol, eco = dict(weights.political), dict(weights.economic)
            table = pol if fam in pol else eco
            table[fam] = round(table[fam] * k, 4)
            if not any(v > 0 for v in [*pol.values(), *eco.values()]):
                continue
            name = f"{fam} left out" if k == 0 else f"{fam} ×{k:g}"
            out.append((name, fam, dataclasses.replace(weights, political=pol, economic=eco)))
    cw = weights.composite_weights()
    if len(cw) == 2:
        for heavy, light in (("political", "economic"), ("economic", "political")):
            comp = {heavy: TILT * cw[heavy], light: cw[light]}
            out.append((f"{heavy} ×{TILT:g} in the composite", None, dataclasses.replace(weights, composite=comp)))
    return out


def _labels(rows: pd.DataFrame, readings: pd.DataFrame, w: idx.Weights, paths: idx.PathCov) -> pd.Series:
    """The period label of every year of one dyad's whole series (labels do not need the location draws)."""
    table, _ = per.periods(rows, readings, None, weights=w, B=0, seed=w.seed, paths=paths)
    out = {}
    for r in table.itertuples(index=False):
        for y in range(int(r.start), int(r.end) + 1):
            out[y] = r.label
    return pd.Series(out, dtype=object)


def _glance(rows: pd.DataFrame, pair, w: idx.Weights, paths: dict) -> dict:
    g = idx.glance_table(rows, [pair], w, paths=paths)
    if g.empty:
        return {}
    r = g.iloc[0]
    out = {}
    for yr in idx.GLANCE_YEARS:
        d, lo, hi = r.get(f"change_since_{yr}"), r.get(f"change_since_{yr}_lo"), r.get(f"change_since_{yr}_hi")
        if d is None or not np.isfinite(d):
            continue
        sure = bool(lo > 0 or hi < 0)
        out[yr] = ("up" if d > 0 else "down") + ("" if sure else " (interval includes 0)")
        out[f"{yr}_value"] = float(d)
    out["now"] = int(r["year"])
    return out


def compute(wh, ctx, base: idx.Weights, weights: idx.Weights, view) -> dict:
    """The Sensitivity tab of a view (see the module docstring), as plain JSON types."""
    notes: list[str] = []
    fitted, obs = idx.held_model(wh, list(view.states), base, weights, notes)
    out: dict = {"dyads": []}
    lo, hi = view.years
    for (a, b), (x, y) in zip(ctx.dyads, ctx.pairs):
        od = obs[(obs["a"] == a) & (obs["b"] == b)]
        fams = sorted(set(od["family"]))
        if od.empty:
            out["dyads"].append({"dyad": f"{x}–{y}", "note": "No family observes this dyad."})
            continue
        rows0, _, _, post0 = idx.smooth_states(wh, [a, b], weights, [], obs=od, fitted=fitted, paths=True)
        labels0 = _labels(rows0, idx.readings(od, fitted), weights, post0["paths"][(a, b)])
        glance0 = _glance(rows0, (x, y), weights, post0["paths"])
        r0 = rows0.set_index("year")
        inview = r0.index[(r0.index >= lo) & (r0.index <= hi)]
        half = ((r0["composite_hi"] - r0["composite_lo"]) / 2).reindex(inview)
        results = []
        for name, fam, w in scenarios(weights, fams):
            f, o = idx.reweighted(fitted, od, w)
            if o.empty:
                continue
            rows, _, _, post = idx.smooth_states(wh, [a, b], w, [], obs=o, fitted=f, paths=True)
            r = rows.set_index("year")["composite"].reindex(inview)
            move = (r - r0["composite"].reindex(inview)).abs()
            labels = _labels(rows, idx.readings(o, f), w, post["paths"][(a, b)]).reindex(inview)
            same = (labels == labels0.reindex(inview))
            changed = [int(y) for y in inview[~same.to_numpy()]]
            gl = _glance(rows, (x, y), w, post["paths"])
            held = {yr: gl.get(yr) == glance0.get(yr) for yr in idx.GLANCE_YEARS if yr in glance0}
            results.append({"scenario": name, "family": fam, "mean_move": number(move.mean()),
                            "max_move": number(move.max()), "beyond_interval": number((move > half).mean()),
                            "labels_same": number(same.mean()), "labels_changed_years": years_text(changed),
                            "changed": changed,
                            **{f"since_{yr}": gl.get(yr) for yr in idx.GLANCE_YEARS}, "glance_held": held})
        out["dyads"].append({"dyad": f"{x}–{y}", "results": results, "glance": glance0,
                             "half_width": number(half.median()),
                             "periods": _period_rows(labels0.reindex(inview), results, inview)})
    for d in out["dyads"]:
        if "results" in d:
            d["figure"] = _influence_figure(d)
            d["conclusions"] = _conclusions(d)
    out["notes"] = notes
    return out


def _period_rows(labels0: pd.Series, results: list[dict], years) -> list[dict]:
    """Each period under the view's weights: in how many scenarios every one of its years keeps its label."""
    out = []
    if labels0.empty:
        return out
    lab = labels0.fillna("")
    start = years[0]
    for i in range(1, len(years) + 1):
        if i == len(years) or lab.iloc[i] != lab.iloc[i - 1]:
            end = years[i - 1]
            flips = [r["scenario"] for r in results if any(start <= y <= end for y in r["changed"])]
            out.append({"period": f"{start}–{end}", "label": lab.iloc[i - 1] or "NA",
                        "holds_in": f"{len(results) - len(flips)} of {len(results)} scenarios",
                        "changed_by": "; ".join(flips) if flips else "none"})
            if i < len(years):
                start = years[i]
    return out


def _conclusions(d: dict) -> list[dict]:
    out = []
    g0, res = d["glance"], d["results"]
    for yr in idx.GLANCE_YEARS:
        if yr not in g0:
            continue
        flips = [r["scenario"] for r in res if not r["glance_held"].get(yr, True)]
        out.append({"conclusion": f"{d['dyad']} now ({g0['now']}) vs {yr}: {g0[yr]} "
                                  f"({g0[f'{yr}_value']:+.2f})",
                    "holds_in": f"{len(res) - len(flips)} of {len(res)} scenarios",
                    "changed_by": "; ".join(flips) if flips else "none"})
    for p in d["periods"]:
        out.append({"conclusion": f"{d['dyad']} {p['period']}: {p['label']}", "holds_in": p["holds_in"],
                    "changed_by": p["changed_by"]})
    return out


def _influence_figure(d: dict) -> dict:
    fams = [r for r in d["results"] if r["family"]]
    names = sorted({r["family"] for r in fams}, key=lambda f: -max(
        (r["mean_move"] or 0) for r in fams if r["family"] == f))
    fig = go.Figure()
    for label, test, colour in (("left out (weight 0)", lambda r: "left out" in r["scenario"], "#c00000"),
                                ("doubled (weight ×2)", lambda r: "×" in r["scenario"], "#1f4e79")):
        vals = {r["family"]: r["mean_move"] for r in fams if test(r)}
        fig.add_trace(go.Bar(y=names, x=[vals.get(n) for n in names], name=label, orientation="h",
                             marker_color=colour, hovertemplate="%{y}: %{x:.3f}<extra>" + label + "</extra>"))
    if d.get("half_width"):
        fig.add_vline(x=d["half_width"], line_dash="dot", line_color="#555",
                      annotation_text="median interval half-width", annotation_position="top")
    fig.update_layout(template="plotly_white", barmode="group", height=140 + 34 * max(1, len(names)),
                      title=f"{d['dyad']}: how far the composite moves (mean |change| over the years shown)",
                      xaxis_title="mean |change of the composite| (reference sd)", yaxis=dict(autorange="reversed"),
                      legend=dict(orientation="h", y=-0.15))
    fig = add_caption(fig, "Each family's weight set to 0 and doubled, the model's parameters held at their "
                           "estimates (alignwatch.index.held_model); the dotted line is the median half-width of the "
                           "composite's interval: a move below it is within the index's own uncertainty.",
                      yshift=-80)
    import json

    return json.loads(fig.to_json())
