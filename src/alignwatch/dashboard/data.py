"""What each part of the page shows, for a :class:`~alignwatch.dashboard.views.View`, as plain JSON types.

Why a layer between the callbacks and the analysis: the callbacks only lay out; every number comes from
:func:`alignwatch.context.compute` (the index, periods and chronology the report and ``alignwatch periods`` use)
and every figure from the report's figure functions and its registry (:mod:`alignwatch.report.figures`), so the
dashboard and ``alignwatch report`` cannot disagree. Everything is kept in the caches of
:class:`~alignwatch.dashboard.cache.ViewCache` (memory, single flight, and a cache file of its own for the derived
tables: the warehouse is opened read-only and never written).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from .. import __version__, chronology, claims
from .. import context as cx
from .. import index as idx
from .. import network as nw
from .. import periods as per
from .. import redlines as rl
from .. import states as st
from ..errors import AlignwatchError, UsageError
from ..report import figures, figures_events, figures_family, figures_index, figures_network
from . import sensitivity as sens
from . import timeline as tl
from . import weights as wt
from .cache import ViewCache
from .numbers import number
from .views import View

log = logging.getLogger(__name__)


def _analysis_code() -> str:
    """A fingerprint of the code behind the persisted index, panel and periods (the model's and the families'
    :func:`alignwatch.index.code_version`, and the index, periods and context modules): a cache file written by
    other code is never read as this code's result."""
    text = "".join(Path(m.__file__).read_text("utf-8") for m in (idx, per, cx))
    return f"{idx.code_version()}.{hashlib.sha256(text.encode()).hexdigest()[:12]}"


# ------------------------------------------------------------------------------------------- JSON helpers


def plain(fig: go.Figure) -> dict:
    """A figure as plain JSON types, so that each response is serialised by the fast path (no numpy encoder)."""
    return json.loads(fig.to_json())


def note_figure(text: str) -> dict:
    fig = go.Figure()
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=14))
    fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), height=240, template="plotly_white")
    return plain(fig)


def records(df: pd.DataFrame, digits: int = 3) -> list[dict]:
    """Rows as JSON-safe dicts: floats rounded, NA as None (the tables show it as 'NA')."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def failed(e: Exception) -> str:
    """One figure that cannot be drawn says why in place; the rest of the tab still shows (a bug is logged)."""
    if isinstance(e, AlignwatchError):
        return f"Not available: {e}"
    log.error("figure failed", exc_info=e)
    return f"Not available: the figure failed ({type(e).__name__}); the server log has the details."


def item(panel: figures.Panel) -> dict:
    return {"title": panel.title, "figure": plain(panel.figure)} if panel.figure is not None \
        else {"title": panel.title, "note": panel.note}


# ------------------------------------------------------------------------------------------------ the layer


class Data(ViewCache):
    """What the dashboard shows, for one warehouse and one set of weights (fixed per server)."""

    def __init__(self, db=None, weights=None, *, replicates: int | None = None, maxsize: int = 64):
        super().__init__(db, maxsize=maxsize)
        self.weights = weights if isinstance(weights, idx.Weights) else idx.load_weights(weights)
        self.replicates = replicates
        w = self.weights
        self._wkey = hashlib.sha1(repr((w.political, w.economic, w.composite, w.replicates, w.seed, w.level,
                                        w.threshold, w.reference, replicates, __version__,
                                        _analysis_code())).encode()).hexdigest()

    def memo(self, key, compute):
        """Memoise anything derived from the warehouse (callbacks keep their built components here too), so that
        it is dropped together with the data when an ingest replaces the warehouse."""
        return self.get(key, compute)

    def _name(self, kind: str, view: View, part: str) -> str:
        h = hashlib.sha1(repr((kind, view.states, view.years, view.weights, self._wkey)).encode()).hexdigest()[:16]
        return f"dash_v2_{kind}_{h}_{part}"

    def weights_of(self, view: View) -> idx.Weights:
        """The server's weights with the view's slider overrides (:func:`alignwatch.dashboard.weights.apply`)."""
        return wt.apply(self.weights, view.weights)

    def weights_toml(self, view: View) -> str:
        """The view's weights as a complete weights.toml that ``alignwatch index --weights FILE`` reads."""
        return wt.to_toml(self.weights_of(view))

    # --------------------------------------------------------------------------- the index

    def context(self, view: View) -> cx.Context:
        """The view's :class:`~alignwatch.context.Context`: the states' whole series (computed once per states and
        weights, whatever the years) cut to the view's years, as :func:`alignwatch.context.compute` cuts it. A new
        year range of a pair already seen costs a cut, not a compute."""
        def make():
            full = self.series(view)
            lo, hi = view.years
            return dataclasses.replace(
                full, years=view.years,
                index=full.index[full.index["year"].between(lo, hi)].reset_index(drop=True),
                panel=full.panel[full.panel["year"].between(lo, hi)].reset_index(drop=True),
                periods={k: per.cut(p, view.years) for k, p in full.periods.items()})
        return self.get(("context", view), make)

    def series(self, view: View) -> cx.Context:
        """The whole-series context of the view's states and weights (every year; see :meth:`context`)."""
        whole = View(view.states, (0, 0), view.weights)  # the cache key: the years do not enter
        return self.get(("series", whole), lambda: self._series(view, whole))

    def _series(self, view: View, whole: View) -> cx.Context:
        made: dict = {}

        weights = self.weights_of(view)

        def ctx() -> cx.Context:
            if "ctx" not in made:
                # re-weighted views are scored on the parameters estimated under the server's weights
                kw = {"estimated_under": self.weights} if view.weights else {}
                made["ctx"] = cx.compute(self.wh, view.focus, list(view.partners), weights, None,
                                         self.replicates, **kw)
            return made["ctx"]

        def periods_frame() -> pd.DataFrame:
            parts = [p.assign(a=a, b=b) for (a, b), p in ctx().periods.items() if p is not None and len(p)]
            return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"a": [], "b": [], "start": []})

        index = self.persist(self._name("ctx", whole, "index"), lambda: ctx().index.reset_index(drop=True))
        panel = self.persist(self._name("ctx", whole, "panel"), lambda: ctx().panel.reset_index(drop=True))
        pers = self.persist(self._name("ctx", whole, "periods"), periods_frame)
        notes = self.persist(self._name("ctx", whole, "notes"),
                             lambda: pd.DataFrame({"note": pd.Series(ctx().notes, dtype=object)}))
        if "ctx" in made:
            return made["ctx"]
        periods = {(a, b): g.drop(columns=["a", "b"]).sort_values("start").reset_index(drop=True)
                   for (a, b), g in pers.groupby(["a", "b"])} if len(pers) else {}
        return cx.Context(wh=self.wh, focus=view.focus, partners=list(view.partners), weights=weights,
                          years=None, index=index, panel=panel, periods=periods,
                          notes=[str(n) for n in notes["note"]] if "note" in notes else [])

    def events(self, view: View) -> pd.DataFrame:
        """The view's treaties and leader meetings (:func:`alignwatch.context.dyad_events`)."""
        ev = self.get(("chronology",), lambda: chronology.events(self.wh))
        return cx.dyad_events(ev, view.dyads, view.years)

    def index_view(self, view: View) -> dict:
        """Everything the Index tab shows, as plain JSON types (figures, periods, events, notes)."""
        return self.get(("index_view", view), lambda: self._index_view(view))

    def _index_view(self, view: View) -> dict:
        ctx = self.context(view)
        ev = self.events(view)
        if ctx.index is None or ctx.index.empty:
            fig = dom = cov = note_figure(f"No index rows for {', '.join(view.states)} in "
                                          f"{view.years[0]}–{view.years[1]}")
        else:
            shown = idx.in_user_order(ctx.index, view.states)
            f = figures_index.index_figure(shown, ctx.periods, ctx.focus)
            f = figures_events.mark_treaties(f, shown, ev)
            reweighted = f" (weights: {wt.format_overrides(view.weights)})" if view.weights else ""
            f.update_layout(title=f"Alignment index {view.focus} with {', '.join(view.partners)}, "
                                  f"{view.years[0]}–{view.years[1]}{reweighted}", clickmode="event")
            fig, dom = plain(f), plain(figures_index.domains_figure(shown, ctx.focus))
            c = figures_index.coverage_figure(idx.coverage_table(ctx.panel), ctx.focus, ctx.pairs)
            c.update_xaxes(range=[view.years[0] - 0.5, view.years[1] + 0.5])
            cov = plain(c)
        shown_pairs = [f"{view.focus}–{p}" for p in view.partners]  # labels in the user's order; keys are a < b
        periods, latest = [], []
        for (a, b), label in zip(view.dyads, shown_pairs):
            p = ctx.periods.get((a, b))
            if p is not None and len(p):
                keep = [c for c in ("start", "end", "label", "composite", "political", "economic",
                                    "break_stability", "break_interval", "top_families", "events") if c in p]
                periods.append({"dyad": label, "rows": records(p[keep], 2)})
            r = idx.latest(ctx.rows(a, b))  # the report's rule for "now"
            if r is not None:
                latest.append({"dyad": label, "year": int(r["year"]), "composite": number(r.get("composite")),
                               "lo": number(r.get("composite_lo")), "hi": number(r.get("composite_hi")),
                               "families": int(r["n_families"])})
        return {"title": f"{st.name(view.focus)} with {', '.join(st.name(p) for p in view.partners)}, "
                         f"{view.years[0]}–{view.years[1]}",
                "index_fig": fig, "domains_fig": dom, "coverage_fig": cov, "periods": periods, "latest": latest,
                "treaties": records(ev[ev["kind"] == "treaty"][["date", "dyad", "event", "source"]]),
                "meetings": records(ev[ev["kind"] == "visit"][["date", "dyad", "event"]]),
                "notes": list(ctx.notes), "query": view.query}

    def index_csv(self, view: View) -> pd.DataFrame:
        """The view's index rows with the period each year falls in: the CSV export."""
        return cx.index_with_periods(self.context(view))

    def panel_csv(self, view: View) -> pd.DataFrame:
        """Every family's score for the view's dyads: raw score, its SE, the z against the reference, source."""
        p = self.context(view).panel
        keep = [c for c in ("a", "b", "year", "family", "indicator", "domain", "score", "y", "se", "z", "z_se",
                            "source") if c in p]
        pairs = set(view.dyads)
        p = p[[(a, b) in pairs for a, b in zip(p["a"], p["b"])]]
        return p[keep].sort_values(["a", "b", "family", "year"]).reset_index(drop=True)

    # -------------------------------------------------------------------------------------- families

    def families_view(self, view: View) -> list[dict]:
        """Per dyad every family's z-score over time, then the figures of the report's "Measure families" section
        (:func:`alignwatch.report.figures.families_section`). Items are ``{"title", "figure"}`` or
        ``{"title", "note"}`` (a figure whose data are missing says so in place, as in the report)."""
        try:
            panel, why = self.panel_csv(view), "No family covers this dyad in these years."
        except AlignwatchError as e:  # no index: the families' own figures may still have data
            panel, why = None, f"Not available: {e}"
        items = []
        for p in view.partners:
            a, b = sorted((view.focus, p))
            d = panel[(panel["a"] == a) & (panel["b"] == b)] if panel is not None else ()
            title = f"{view.focus}–{p}: every measure family (z against the reference panel)"
            items.append({"title": title, "figure": plain(figures_family.z_figure(d, view.focus, p))} if len(d)
                         else {"title": title, "note": why})
        for spec in figures.families_section():
            items.extend(self.get(("figure", spec.name, view), lambda spec=spec: [
                item(panel) for panel in spec.draw(self.wh, list(view.states), view.years, on_bug=failed)]))
        return items

    # ------------------------------------------------------------------- groups, network, red lines, claims

    def group(self, view: View) -> pd.DataFrame:
        """Triad/bloc aggregate per year (mean and minimum of every pair's index, joint UNGA cohesion)."""
        def make():
            return self.persist(self._name("group", view, "table"), lambda: idx.group_index(
                self.wh, list(view.states), view.years, self.weights, replicates=self.replicates))
        return self.get(("group", view), make)

    def group_view(self, view: View) -> dict:
        def make():
            g = self.group(view)
            return {"figure": plain(figures_network.group_figure(g, list(view.states))), "rows": records(g, 3)}
        return self.get(("group_view", view), make)

    # ---------------------------------------------------------------------------- the bloc network

    def agreement_panel(self) -> pd.DataFrame:
        """The UNGA agreement panel of every dyad-year (:func:`alignwatch.network.agreement_panel`, cached)."""
        return self.get(("agreement_panel",), lambda: nw.agreement_panel(self.wh))

    def communities(self, year: int) -> pd.DataFrame:
        """Louvain communities of one year's agreement network (about 0.3 s a year; kept per year: they do not
        depend on the states chosen)."""
        def make():
            return nw.communities(self.agreement_panel(), years=[int(year)])
        return self.get(("communities", int(year)), make)

    def network_years(self, view: View) -> list[int]:
        """The years of the view in which the focus has an UNGA score (the network's year slider)."""
        p = self.agreement_panel()
        fm = (nw._in(p["a"], [view.focus]) | nw._in(p["b"], [view.focus])) & p["weight"].notna().to_numpy()
        ys = sorted(int(y) for y in p.loc[fm, "year"].unique() if view.years[0] <= y <= view.years[1])
        return ys

    def network_view(self, view: View, year: int | None = None) -> dict:
        """The Bloc network tab for the view: the bloc is exactly the chosen states. Cohesion per year, each
        member's agreement with the others, the network of ``year`` (default: the last year with a score) with
        its communities, and who of the bloc joins or leaves the focus's community year by year."""
        def make():
            try:
                return self._network_view(view, year)
            except AlignwatchError as e:
                return {"note": f"Not available: {e}"}
        return self.get(("network_view", view.states, view.years, year), make)

    def _network_view(self, view: View, year: int | None) -> dict:
        bloc = list(view.states)
        panel = self.agreement_panel()
        if panel.empty:
            raise UsageError("no UNGA votes in the warehouse", hint="run `alignwatch ingest`")
        cut = panel[panel["year"].between(*view.years)]
        coh = nw.cohesion(cut, bloc)
        mem = nw.member_cohesion(cut, bloc)
        years = self.network_years(view)
        out = {"bloc": bloc, "years": years,
               "cohesion_fig": plain(figures_network.cohesion_figure(coh, bloc)),
               "members_fig": plain(figures_network.members_figure(mem, bloc)),
               "cohesion": records(coh.drop(columns=["source"]), 3)}
        if not years:
            out["note"] = f"{view.focus} has no UNGA score in {view.years[0]}–{view.years[1]}."
            return out
        year = year if year in years else years[-1]
        comm = pd.concat([self.communities(y) for y in years], ignore_index=True)
        out["year"] = year
        out["network_fig"] = plain(figures_network.network_figure(panel[panel["year"] == year],
                                                                  comm[comm["year"] == year], [year], bloc,
                                                                  view.focus))
        f = nw.focus_community(comm, cut, view.focus, bloc, years=years)
        out["focus"] = records(f.dropna(subset=["community_size"])[figures_network.FOCUS_COLUMNS], 3)
        return out

    # -------------------------------------------------------------------------------------- red lines

    def redlines_view(self, view: View) -> dict:
        """The Red lines tab: each trigger (DPRK tests, vetoes, treaties), each chosen patron's response within
        12 months, and the base rates (:func:`alignwatch.redlines.red_lines` and :func:`~alignwatch.redlines.summary`)."""
        def make():
            try:
                return self._redlines_view(view)
            except AlignwatchError as e:
                return {"note": f"Not available: {e}"}
        return self.get(("redlines", view.states, view.years), make)

    def _redlines_view(self, view: View) -> dict:
        if "PRK" not in view.states:
            return {"note": "Red lines are compiled for the DPRK's tests, vetoes and treaties: add PRK to the states."}
        patrons = [s for s in view.states if s != "PRK"]
        resp = rl.red_lines(self.wh, focus="PRK", patrons=patrons)
        if len(resp):
            yr = pd.to_datetime(resp["date"]).dt.year
            resp = resp[yr.between(*view.years).to_numpy()].reset_index(drop=True)
        if resp.empty:
            return {"note": f"No trigger event in {view.years[0]}–{view.years[1]}."}
        summ, rates = figures_network.base_rates(resp)
        cols = [c for c in ("trigger", "date", "kind", "patron", "unsc_texts", "voted_for_sanctions",
                            "stringency_supported", "vetoed", "trade_all_series", "visits", "first_visit", "notes")
                if c in resp]
        return {"figure": plain(figures_network.redlines_figure(resp)), "summary": records(summ, 3),
                "base_rates": rates, "events": records(resp[cols].astype(object), 3),
                "caption": f"{figures_network.REDLINES_CAPTION} {figures_network.STRINGENCY_LEGEND}"}

    # --------------------------------------------------------------------- timeline, year, sensitivity

    def timeline(self) -> pd.DataFrame:
        return self.get(("timeline",), lambda: chronology.timeline(self.wh))

    def timeline_view(self, view: View) -> dict:
        """Every dated event the chronology holds (all of it, searchable), and the figure of the view's years."""
        def make():
            try:
                t = self.timeline()
            except AlignwatchError as e:
                return {"note": f"Not available: {e}"}
            return {"rows": records(t, 3), "figure": plain(tl.timeline_figure(t, view))}
        return self.get(("timeline_view", view.states, view.years), make)

    def year_view(self, view: View, year: int) -> dict:
        """One year of the view: its events (the view's states) and, per dyad, which families moved."""
        def make():
            ctx = self.context(view)
            try:
                t = self.timeline()
            except AlignwatchError:
                t = pd.DataFrame(columns=chronology.TIMELINE_COLUMNS)
            return tl.year_detail(ctx, t, view, int(year))
        return self.get(("year_view", view, int(year)), make)

    def sensitivity_view(self, view: View) -> dict:
        """How much each family moves the composite, and which conclusions hold across a range of weights
        (:func:`alignwatch.dashboard.sensitivity.compute`)."""
        def make():
            ctx = self.context(view)
            return sens.compute(self.wh, ctx, self.weights, self.weights_of(view), view)
        return self.get(("sensitivity", view), make)

    def sources_view(self, view: View) -> dict:
        """Provenance of every warehouse table (source, rows, years, checksum, citation) and the view's notes."""
        def make():
            prov = self.wh.provenance()
            if not prov.empty:
                prov = prov.assign(sha256=prov["sha256"].astype(str).str[:12])
                prov = prov[[c for c in ("table", "rows", "year_min", "year_max", "citation", "url", "sha256",
                                         "ingested_at") if c in prov]]
            return {"rows": records(prov.astype(object), 3) if len(prov) else []}
        out = dict(self.get(("sources",), make))
        try:
            ctx = self.context(view)
            out["notes"], out["weights"] = list(ctx.notes), ctx.weights.path
        except AlignwatchError as e:
            out["notes"], out["weights"] = [f"Not available: {e}"], self.weights.path
        out["version"] = __version__
        return out

    def claims_view(self) -> dict:
        def make():
            try:
                return {"rows": records(claims.check_all(self.wh), 3)}
            except AlignwatchError as e:
                return {"note": f"Not available: {e}"}
        return self.get(("claims",), make)

    def warm(self, views: Iterable[View]) -> None:
        """Compute views ahead of the first visitor (the server starts this in a background thread)."""
        for v in views:
            try:
                self.index_view(v)
            except Exception:  # a warm-up failure only means the first visitor waits
                log.exception("warm-up of %s failed", v.query)
        try:  # the network tab's communities, newest year first, one year per lock: a visitor waits <1 s
            years = sorted(set(int(y) for y in self.agreement_panel()["year"].unique()), reverse=True)
            for y in years:
                self.communities(y)
        except Exception:
            log.exception("warm-up of the network communities failed")
