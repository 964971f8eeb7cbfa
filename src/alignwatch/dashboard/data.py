"""The dashboard's data layer: validated views, computed by the report's own functions, and cached.

Why a separate layer: the callbacks only format; every number comes from the code path of the report
(:func:`alignwatch.report.build.compute`, :func:`alignwatch.index.group_index`, the figure modules), so the
dashboard and ``alignwatch report`` cannot disagree. Two cache levels make interactions fast:

* an in-process LRU keyed by the view (states, years) — the weights are fixed per server — so repeated views and
  many clients cost a dictionary lookup; a view is computed once even when several requests ask for it at the same
  time (single flight), because one DuckDB connection serves one statement at a time;
* the derived tables behind each view (index, family panel, periods, notes) and the measures' own derived caches,
  kept in memory and in a cache file of their own (a ``Warehouse(cache="separate")``, via
  :func:`alignwatch.warehouse.cached`), so a restarted server does not recompute: the dashboard opens the warehouse
  read-only and never writes to it. ``_cache_*`` tables that the CLI left in the warehouse are read; a replaced
  file (an ingest) drops everything.

Every user value (URL query, dropdown, slider) passes :func:`make_view` / :func:`parse_query` first: unknown states,
reversed or out-of-range years, odd characters and oversized input become one :class:`UsageError` with a clear
message. No SQL is ever built from these values (the warehouse only runs fixed, parameterised queries).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import inspect
import json
import logging
import os
import re
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import __version__, config, states as st
from .. import index as idx
from ..errors import AlignwatchError, UsageError, WarehouseError
from ..warehouse import Warehouse, cached

log = logging.getLogger(__name__)

YEAR_MIN = 1946  # the UN era: every family starts at or after it
MAX_STATES = 12  # a bloc of 12 is 11 focus dyads; more makes the page unreadable and the compute long
MAX_TOKEN = 40  # characters of one state name or code ("Democratic People's Republic of Korea" is 37)
MAX_QUERY = 500  # characters of the address's query string
PARAMS = ("states", "from", "to")
DEFAULT_STATES = ("PRK", "CHN", "RUS")
DEFAULT_FIRST = 1991  # both Koreas join the UN; the post-Cold War era analysts compare against
_TOKEN = re.compile(r"[^\W_]|[ .,'’()&-]")  # letters, digits and the punctuation of state names
_YEAR = re.compile(r"\s*[0-9]{1,4}\s*")


def year_max() -> int:
    """The last selectable year: this calendar year (open ranges end today, as the CLI's)."""
    return dt.date.today().year


# ------------------------------------------------------------------------------------------------ views


@dataclass(frozen=True)
class View:
    """What the page shows: states (the first is the focus, as in the report) and an inclusive year range."""

    states: tuple[str, ...]
    years: tuple[int, int]

    @property
    def focus(self) -> str:
        return self.states[0]

    @property
    def partners(self) -> tuple[str, ...]:
        return self.states[1:]

    @property
    def dyads(self) -> list[tuple[str, str]]:
        """The focus's dyads as the index stores them (a < b)."""
        return [tuple(sorted((self.focus, p))) for p in self.partners]

    @property
    def query(self) -> str:
        """The shareable query string, e.g. ``?states=PRK,RUS&from=1991&to=2025``."""
        return "?" + urllib.parse.urlencode(
            {"states": ",".join(self.states), "from": self.years[0], "to": self.years[1]}, safe=",")

    @property
    def slug(self) -> str:
        return f"{'-'.join(self.states)}_{self.years[0]}-{self.years[1]}"


def _show(value) -> str:
    """A user value quoted for a message, cut to a readable length (never echoed as HTML: Dash escapes text)."""
    text = repr(value)
    return text if len(text) <= 48 else text[:45] + "…'"


def check_state(value) -> str:
    """One user-typed state (ISO3, name, COW code) as ISO3, or a UsageError saying what is wrong with it."""
    if not isinstance(value, str):
        raise UsageError(f"state {_show(value)} is not text", hint="give ISO3 codes, e.g. PRK,RUS")
    text = value.strip()
    if not text:
        raise UsageError("empty state in the list", hint="give ISO3 codes separated by commas, e.g. PRK,RUS")
    if len(text) > MAX_TOKEN:
        raise UsageError(f"state {_show(text)} is too long ({len(text)} characters; a name has at most "
                         f"{MAX_TOKEN})", hint="give ISO3 codes, e.g. PRK,RUS")
    bad = sorted({c for c in text if not _TOKEN.fullmatch(c)})
    if bad:
        raise UsageError(f"state {_show(text)} contains characters no state name has: "
                         f"{' '.join(repr(c) for c in bad[:5])}", hint="give ISO3 codes, e.g. PRK,RUS")
    try:
        return st.resolve(text).iso3
    except UsageError as e:
        raise UsageError(f"unknown state {_show(text)}", hint=e.hint or "give ISO3 codes, e.g. PRK,RUS") from None


def check_states(values) -> tuple[str, ...]:
    """The view's states: a comma-separated string or a list; ISO3, duplicates dropped, order kept (focus first)."""
    if values is None:
        raise UsageError("no states chosen", hint="choose at least two states, e.g. PRK and RUS")
    if isinstance(values, str):
        if len(values) > MAX_QUERY:
            raise UsageError(f"the list of states is too long ({len(values)} characters)")
        values = values.split(",")
    elif not isinstance(values, (list, tuple)):
        raise UsageError(f"states {_show(values)} are not a list", hint="e.g. PRK,RUS")
    if len(values) > 4 * MAX_STATES:
        raise UsageError(f"too many states ({len(values)}); at most {MAX_STATES}")
    codes = list(dict.fromkeys(check_state(v) for v in values))
    if len(codes) < 2:
        raise UsageError(f"choose at least two different states (got {', '.join(codes) or 'none'})",
                         hint="a dyad needs two states, e.g. PRK,RUS")
    if len(codes) > MAX_STATES:
        raise UsageError(f"too many states ({len(codes)}); at most {MAX_STATES}",
                         hint="split a large bloc into several views")
    return tuple(codes)


def check_year(value, what: str) -> int:
    """One year from the slider (a number) or the URL (text of 1–4 digits)."""
    if isinstance(value, bool) or value is None:
        raise UsageError(f"{what} year {_show(value)} is not a year", hint=f"give a year {YEAR_MIN}–{year_max()}")
    if isinstance(value, (int, np.integer)):
        year = int(value)
    elif isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        year = int(value)
    elif isinstance(value, str) and _YEAR.fullmatch(value):
        year = int(value)
    else:
        raise UsageError(f"{what} year {_show(value)} is not a year", hint=f"give a year {YEAR_MIN}–{year_max()}")
    return year


def check_years(first, last) -> tuple[int, int]:
    """An inclusive year range inside the UN era; reversed and out-of-range ranges are refused, not repaired."""
    lo, hi = check_year(first, "first"), check_year(last, "last")
    if lo > hi:
        raise UsageError(f"year range {lo}–{hi} is reversed", hint="give the first year before the last")
    top = year_max()
    if lo < YEAR_MIN or hi > top:
        raise UsageError(f"year range {lo}–{hi} is outside {YEAR_MIN}–{top}",
                         hint=f"the data start in {YEAR_MIN} (UN era) and end this year")
    return lo, hi


def make_view(states, first, last) -> View:
    return View(check_states(states), check_years(first, last))


def default_view() -> View:
    return View(DEFAULT_STATES, (DEFAULT_FIRST, year_max()))


def parse_query(search) -> View:
    """The view in an address's query string (``?states=PRK,RUS&from=1991&to=2025``); empty means the default.

    Missing ``from``/``to`` default to 1991 and this year, missing ``states`` to PRK,CHN,RUS. Unknown or repeated
    parameters are refused (a typo such as ``state=`` must not silently show another view).
    """
    if search is None:
        search = ""
    if not isinstance(search, str):
        raise UsageError("the address's query string is not text")
    if len(search) > MAX_QUERY:
        raise UsageError(f"the address's query string is too long ({len(search)} characters; at most {MAX_QUERY})")
    q = search[1:] if search.startswith("?") else search
    if not q.strip():
        return default_view()
    try:
        pairs = urllib.parse.parse_qsl(q, keep_blank_values=True, max_num_fields=len(PARAMS) + 2)
    except ValueError:
        raise UsageError("too many parameters in the address", hint="use states, from and to") from None
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key not in PARAMS:
            raise UsageError(f"unknown parameter {_show(key)} in the address",
                             hint="known: states, from, to (e.g. ?states=PRK,RUS&from=1991&to=2025)")
        if key in seen:
            raise UsageError(f"parameter {key!r} is given twice in the address")
        seen[key] = value
    base = default_view()
    return make_view(seen.get("states", ",".join(base.states)), seen.get("from", base.years[0]),
                     seen.get("to", base.years[1]))


# ------------------------------------------------------------------------------------------- helpers


def plain(fig: go.Figure) -> dict:
    """A figure as plain JSON types, so that each response is serialised by the fast path (no numpy encoder)."""
    return json.loads(fig.to_json())


def note_figure(text: str) -> dict:
    fig = go.Figure()
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=14))
    fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), height=240, template="plotly_white")
    return plain(fig)


def _optional(module: str, *attrs: str):
    """The first of ``attrs`` in ``alignwatch.<module>``, or None where the module is not (yet) part of the build."""
    try:
        mod = importlib.import_module(f"alignwatch.{module}")
    except ImportError:
        return None
    for a in attrs:
        fn = getattr(mod, a, None)
        if callable(fn):
            return fn
    return None


def _takes(fn, name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _records(df: pd.DataFrame, digits: int = 3) -> list[dict]:
    """Rows as JSON-safe dicts: floats rounded, NA as None (the tables show it as 'NA')."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


_MISS = object()


class _Failure:
    """A cached error: a view that cannot be computed (no data) is not recomputed on every request."""

    def __init__(self, error: AlignwatchError):
        self.error = error


# ------------------------------------------------------------------------------------------- the layer


class Data:
    """Cached access to everything the dashboard shows, for one warehouse and one set of weights.

    The warehouse is only read: derived tables live in memory and a cache file of their own (see the module's
    docstring).
    """

    def __init__(self, db=None, weights=None, *, replicates: int | None = None,
                 maxsize: int = 64):
        self.path = config.db_path(db)
        self.weights = weights if isinstance(weights, idx.Weights) else idx.load_weights(weights)
        self.replicates = replicates
        self.maxsize = maxsize
        self._wh: Warehouse | None = None
        self._lock = threading.RLock()  # one DuckDB connection: one statement (and one compute) at a time
        self._memo_lock = threading.Lock()
        self._memo: OrderedDict = OrderedDict()
        self._inode: int | None = None
        w = self.weights
        self._wkey = hashlib.sha1(repr((w.political, w.economic, w.composite, w.replicates, w.seed, w.level,
                                        w.threshold, w.reference, replicates, __version__)).encode()).hexdigest()

    # ------------------------------------------------------------------- warehouse and caches

    @property
    def wh(self) -> Warehouse:
        if self._wh is None:
            self._wh = Warehouse(self.path, cache="separate")
        return self._wh

    def close(self) -> None:
        with self._lock:
            if self._wh is not None:
                self._wh.close()
                self._wh = None

    def _fresh(self) -> None:
        """Drop everything cached when an ingest replaced the warehouse file (a new inode)."""
        try:
            inode = os.stat(self.path).st_ino
        except OSError:
            raise WarehouseError(f"no warehouse at {self.path}",
                                 hint="run `alignwatch ingest` (if an ingest is running, retry in a minute)") from None
        if inode != self._inode:
            with self._lock:
                if inode != self._inode:
                    if self._wh is not None:
                        self._wh.close()
                        self._wh = None
                    with self._memo_lock:
                        self._memo.clear()
                    self._inode = inode

    def generation(self) -> int:
        """Which warehouse file the cached data belong to (its inode; an ingest's swap makes a new one)."""
        self._fresh()
        return self._inode

    def _get(self, key, compute: Callable):
        """Memoised ``compute()`` (LRU, single flight). A view that cannot be computed (no data for these states)
        is cached as its error too; a warehouse error is not (it may be transient)."""
        self._fresh()
        with self._memo_lock:
            hit = self._memo.get(key, _MISS)
            if hit is not _MISS:
                self._memo.move_to_end(key)
        if hit is _MISS:
            with self._lock:
                with self._memo_lock:
                    hit = self._memo.get(key, _MISS)
                if hit is _MISS:
                    try:
                        hit = compute()
                    except WarehouseError:
                        raise  # may pass (a lock held by an ingest or a cache write): ask again next time
                    except AlignwatchError as e:
                        hit = _Failure(e)
                    with self._memo_lock:
                        self._memo[key] = hit
                        while len(self._memo) > self.maxsize:
                            self._memo.popitem(last=False)
        if isinstance(hit, _Failure):
            raise hit.error.with_traceback(None)
        return hit

    def memo(self, key, compute: Callable):
        """Memoise anything derived from the warehouse (callbacks keep their built components here too), so that
        it is dropped together with the data when an ingest replaces the warehouse."""
        return self._get(key, compute)

    def _name(self, kind: str, view: View, part: str) -> str:
        h = hashlib.sha1(repr((kind, view.states, view.years, self._wkey)).encode()).hexdigest()[:16]
        return f"dash_v1_{kind}_{h}_{part}"

    def _persist(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A derived table, computed once per warehouse file and kept in the separate cache (never in the file)."""
        return cached(self.wh, name, make)

    # --------------------------------------------------------------------------- the index

    def context(self, view: View):
        """The report's Context for the view (index, periods, panel, notes): ``build.compute`` once per view."""
        return self._get(("context", view), lambda: self._context(view))

    def _context(self, view: View):
        from ..report import build

        made: dict = {}

        def ctx():
            if "ctx" not in made:
                made["ctx"] = build.compute(self.wh, view.focus, list(view.partners), self.weights, view.years,
                                            self.replicates)
            return made["ctx"]

        def periods_frame() -> pd.DataFrame:
            parts = [p.assign(a=a, b=b) for (a, b), p in ctx().periods.items() if p is not None and len(p)]
            return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"a": [], "b": [], "start": []})

        index = self._persist(self._name("ctx", view, "index"), lambda: ctx().index.reset_index(drop=True))
        panel = self._persist(self._name("ctx", view, "panel"), lambda: ctx().panel.reset_index(drop=True))
        pers = self._persist(self._name("ctx", view, "periods"), periods_frame)
        notes = self._persist(self._name("ctx", view, "notes"),
                              lambda: pd.DataFrame({"note": pd.Series(ctx().notes, dtype=object)}))
        if "ctx" in made:
            return made["ctx"]
        periods = {}
        if len(pers):
            for (a, b), g in pers.groupby(["a", "b"]):
                periods[(a, b)] = g.drop(columns=["a", "b"]).sort_values("start").reset_index(drop=True)
        return build.Context(wh=self.wh, focus=view.focus, partners=list(view.partners), weights=self.weights,
                             years=view.years, index=index, panel=panel, periods=periods,
                             notes=[str(n) for n in notes["note"]] if "note" in notes else [])

    def chronology(self) -> pd.DataFrame:
        from ..report import build

        return self._get(("chronology",), lambda: build.chronology_events(self.wh))

    def events(self, view: View) -> pd.DataFrame:
        """Treaties signed up to the view's last year (one signed before the range may still be in force) and leader
        meetings inside the range, of the view's dyads: date, dyad, kind (treaty/visit), event."""
        ev = self.chronology()
        cols = ["date", "dyad", "kind", "event"]
        if ev.empty:
            return pd.DataFrame(columns=cols)
        kind = ev["text"].str.extract(r"^(treaty|visit): ", expand=False)
        keep = ((kind == "treaty") & (ev["year"] <= view.years[1])) | ((kind == "visit")
                                                                        & ev["year"].between(*view.years))
        ev, kind = ev[keep], kind[keep]
        rows = []
        for a, b in view.dyads:
            hit = ev["parties"].map(lambda p, pair={a, b}: pair <= p).astype(bool)
            rows.append(pd.DataFrame({"date": ev["date"][hit], "dyad": f"{a}–{b}", "kind": kind[hit],
                                      "event": ev["text"][hit].str.replace(r"^\w+: ", "", regex=True)}))
        out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
        return out.sort_values(["date", "dyad"]).reset_index(drop=True)[cols]

    def _treaty_sources(self, tr: pd.DataFrame) -> pd.DataFrame:
        """The chronology's own citation of each treaty row (by signing date and name)."""
        if tr.empty or not self.wh.has("chr_treaties"):
            return tr.assign(source=None)
        src = self.wh.df("chr_treaties", ["date_signed", "name", "source"])
        src = pd.DataFrame({"date": src["date_signed"].astype(str).str[:10], "event": src["name"].astype(str),
                            "source": src["source"]}).drop_duplicates(["date", "event"])
        return tr.merge(src, on=["date", "event"], how="left")

    def index_view(self, view: View) -> dict:
        """Everything the Index tab shows, as plain JSON types (figures, periods, events, notes)."""
        return self._get(("index_view", view), lambda: self._index_view(view))

    def _index_view(self, view: View) -> dict:
        from ..report import figures_index

        ctx = self.context(view)
        ev = self.events(view)
        if ctx.index is None or ctx.index.empty:
            fig = dom = note_figure(f"No index rows for {', '.join(view.states)} in {view.years[0]}–{view.years[1]}")
        else:
            f = figures_index.index_figure(idx.in_user_order(ctx.index, view.states), ctx.periods, ctx.focus)
            _mark_treaties(f, ctx.index, ev)
            f.update_layout(title=f"Alignment index {view.focus} with {', '.join(view.partners)}, "
                                  f"{view.years[0]}–{view.years[1]}")
            fig = plain(f)
            dom = plain(figures_index.domains_figure(idx.in_user_order(ctx.index, view.states), ctx.focus))
        periods = []
        shown = [f"{view.focus}–{p}" for p in view.partners]  # labels in the user's order; keys are a < b
        for (a, b), label in zip(view.dyads, shown):
            p = ctx.periods.get((a, b))
            if p is not None and len(p):
                keep = [c for c in ("start", "end", "label", "composite", "political", "economic",
                                    "break_stability", "break_interval", "top_families", "events") if c in p]
                periods.append({"dyad": label, "rows": _records(p[keep], 2)})
        latest = []
        for (a, b), label in zip(view.dyads, shown):
            r = idx.latest(ctx.index[(ctx.index["a"] == a) & (ctx.index["b"] == b)])  # the report's rule for "now"
            if r is not None:
                latest.append({"dyad": label, "year": int(r["year"]), "composite": _num(r.get("composite")),
                               "lo": _num(r.get("composite_lo")), "hi": _num(r.get("composite_hi")),
                               "families": int(r["n_families"])})
        return {"title": f"{st.name(view.focus)} with {', '.join(st.name(p) for p in view.partners)}, "
                         f"{view.years[0]}–{view.years[1]}",
                "index_fig": fig, "domains_fig": dom, "periods": periods, "latest": latest,
                "treaties": _records(self._treaty_sources(ev[ev["kind"] == "treaty"][["date", "dyad", "event"]])),
                "meetings": _records(ev[ev["kind"] == "visit"][["date", "dyad", "event"]]),
                "notes": list(ctx.notes), "query": view.query}

    def index_csv(self, view: View) -> pd.DataFrame:
        """The view's index rows with the period (start–end, label) each year falls in: the CSV export."""
        ctx = self.context(view)
        df = ctx.index.copy()
        df["period"], df["period_label"] = None, None
        for (a, b), p in ctx.periods.items():
            if p is None or p.empty:
                continue
            for r in p.itertuples(index=False):  # a handful of periods per dyad
                m = (df["a"] == a) & (df["b"] == b) & df["year"].between(r.start, r.end)
                df.loc[m, "period"] = f"{r.start}–{r.end}"
                df.loc[m, "period_label"] = r.label
        df.insert(3, "weights", self.weights.path)
        return df.sort_values(["a", "b", "year"]).reset_index(drop=True)

    def panel_csv(self, view: View) -> pd.DataFrame:
        """Every family's score for the view's dyads: raw score, its SE, the z against the reference, source."""
        p = self.context(view).panel
        keep = [c for c in ("a", "b", "year", "family", "domain", "score", "se", "z", "z_se", "source") if c in p]
        pairs = set(view.dyads)
        p = p[[(a, b) in pairs for a, b in zip(p["a"], p["b"])]]
        return p[keep].sort_values(["a", "b", "family", "year"]).reset_index(drop=True)

    # -------------------------------------------------------------------------- families

    def families_view(self, view: View) -> list[dict]:
        """Per dyad: every family's z-score over time, then each family's own figure from its report module.

        Items are ``{"title", "figure"}`` or ``{"title", "note"}`` (a module or table that is not available says
        so in place, as the report does)."""
        items = []
        try:
            panel, why = self.panel_csv(view), "No family covers this dyad in these years."
        except AlignwatchError as e:  # no index: the families' own figures may still have data
            panel, why = None, f"Not available: {e}"
        for p in view.partners:
            a, b = sorted((view.focus, p))
            d = panel[(panel["a"] == a) & (panel["b"] == b)] if panel is not None else ()
            title = f"{view.focus}–{p}: every measure family (z against the reference panel)"
            items.append({"title": title, "figure": _z_figure(d, a, b)} if len(d) else {"title": title, "note": why})
            for spec in FAMILY_FIGURES:
                items.append(self._family_figure(spec, view.focus, p, view.years))
        if "PRK" in view.states:
            for spec in PRK_FIGURES:
                items.extend(self._figure_list(spec))
        return items

    def _family_figure(self, spec: tuple, focus: str, partner: str, years: tuple[int, int]) -> dict:
        title, module, attrs = spec
        title = f"{focus}–{partner}: {title}"

        def make():
            fn = _optional(module, *attrs)
            if fn is None:
                return {"title": title, "note": "Figure not available in this build."}
            kw = {"years": years} if _takes(fn, "years") else {}
            try:
                return {"title": title, "figure": plain(fn(self.wh, focus, partner, **kw))}
            except Exception as e:
                return {"title": title, "note": _failed(e)}
        return self._get(("family_fig", module, attrs, focus, partner, years), make)

    def _figure_list(self, spec: tuple) -> list[dict]:
        title, module, attrs = spec

        def make():
            fn = _optional(module, *attrs)
            if fn is None:
                return [{"title": title, "note": "Figure not available in this build."}]
            try:
                out = fn(self.wh)
            except Exception as e:
                return [{"title": title, "note": _failed(e)}]
            if isinstance(out, go.Figure):
                return [{"title": title, "figure": plain(out)}]
            return [{"title": t, "figure": plain(f)} for t, f in out]
        return self._get(("figure_list", module, attrs), make)

    # ------------------------------------------------------------------- groups, network

    def group(self, view: View) -> pd.DataFrame:
        """Triad/bloc aggregate per year (mean and minimum of every pair's index, joint UNGA cohesion)."""
        def make():
            return self._persist(self._name("group", view, "table"), lambda: idx.group_index(
                self.wh, list(view.states), view.years, self.weights, replicates=self.replicates))
        return self._get(("group", view), make)

    def group_view(self, view: View) -> dict:
        def make():
            g = self.group(view)
            return {"figure": plain(_group_figure(g, view)), "rows": _records(g, 3)}
        return self._get(("group_view", view), make)

    def network_view(self, view: View) -> dict:
        """The bloc network: the network figures module's section where it exists, else bloc cohesion from
        :mod:`alignwatch.network` (the view's states as the bloc when there are three or more)."""
        return self._get(("network_view", view), lambda: self._network_view(view))

    def _network_view(self, view: View) -> dict:
        section = _optional("report.figures_network", "bloc_section")
        if section is not None:
            return {"html": section(self.context(view))}
        from .. import network

        bloc = list(view.states) if len(view.states) >= 3 else list(network.DEFAULT_BLOC)
        panel = network.agreement_panel(self.wh, view.years)  # cached apart: self.wh never writes the warehouse
        coh = network.cohesion(panel, bloc)
        return {"figure": plain(_cohesion_figure(coh, bloc, view)), "rows": _records(coh, 3), "bloc": bloc,
                "note": "Network figures module not available in this build: bloc cohesion shown instead."}

    def redlines_view(self, view: View) -> dict:
        def make():
            fn = _optional("report.figures_network", "redlines_section")
            if fn is None:
                return {"note": "Red-lines module not available in this build."}
            return {"html": fn(self.context(view))}
        return self._get(("redlines", view), make)

    def claims_view(self) -> dict:
        def make():
            fn = _optional("claims", "check_all")
            if fn is None:
                return {"note": "Claims module not available in this build."}
            return {"rows": _records(fn(self.wh), 3)}
        return self._get(("claims",), make)

    def warm(self, views: Iterable[View]) -> None:
        """Compute views ahead of the first visitor (the server starts this in a background thread)."""
        for v in views:
            try:
                self.index_view(v)
            except Exception:  # a warm-up failure only means the first visitor waits
                log.exception("warm-up of %s failed", v.query)


# (title, module under alignwatch, candidate function names): f(wh, focus, partner[, years]) -> Figure
FAMILY_FIGURES = (
    ("treaty strength", "report.figures_unsc", ("treaty_figure",)),
    ("partner's share of trade", "report.figures_trade", ("trade_share", "trade_share_figure")),
    ("trade flows", "report.figures_trade", ("trade_flows", "trade_flows_figure")),
    ("leader meetings", "report.figures_trade", ("visits", "visits_figure")),
    ("General Debate speeches", "report.figures_text", ("speech_dyad_figure", "speech_figure")),
)
# figures about the DPRK as a whole: f(wh) -> Figure or [(title, Figure)]
PRK_FIGURES = (
    ("Security Council texts on the DPRK", "report.figures_unsc", ("unsc_timeline_figure",)),
    ("Positions on peace proposals; New Year addresses", "report.figures_positions", ("figures",)),
)


def _failed(e: Exception) -> str:
    """One figure that cannot be drawn says why in place; the rest of the tab still shows (a bug is logged)."""
    if isinstance(e, AlignwatchError):
        return f"Not available: {e}"
    log.error("figure failed", exc_info=e)
    return f"Not available: the figure failed ({type(e).__name__}); the server log has the details."


def _num(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else round(v, 3)


def _mark_treaties(fig: go.Figure, index: pd.DataFrame, events: pd.DataFrame) -> None:
    """Dashed lines at the signing date of each treaty of a dyad inside the plotted years, named on hover."""
    pairs = list(index.groupby(["a", "b"]).groups)  # the subplot order of figures_index.index_figure
    tr = events[(events["kind"] == "treaty") & events["date"].str[:4].astype(int).between(
        int(index["year"].min()), int(index["year"].max()))]
    for i, (a, b) in enumerate(pairs, start=1):
        for r in tr[tr["dyad"] == f"{a}–{b}"].itertuples(index=False):
            d = pd.Timestamp(r.date)
            x = d.year + (d.day_of_year - 1) / 365.25
            fig.add_vline(x=x, row=i, col=1, line=dict(color="#c00000", dash="dash", width=1),
                          annotation=dict(text=f"treaty {r.date[:7]}", hovertext=f"{r.date}: {r.event}",
                                          font=dict(size=9, color="#c00000"), textangle=-90),
                          annotation_position="bottom right")


def _datasets(values) -> str:
    """Dataset names out of ``source`` cells ("chr_trade_prk:KOTRA (https://…)" -> "chr_trade_prk"): a caption names
    the datasets; the row-level citations are in the CSV export."""
    names = set()
    for v in values:
        for part in re.split(r"[,;+]", str(v)):
            part = part.strip().split(" (")[0].split(":")[0].strip()
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)+", part):  # table names: unga_votes, ps_cow_ddy
                names.add(part)
    return ", ".join(sorted(names))


def _z_figure(d: pd.DataFrame, a: str, b: str) -> dict:
    fig = go.Figure()
    per_family = []
    for fam, g in d.groupby("family"):
        g = g.sort_values("year")
        fig.add_trace(go.Scatter(
            x=g["year"], y=g["z"], mode="lines+markers", name=fam, marker=dict(size=4),
            customdata=np.column_stack([g["score"].round(3), g["source"].astype(str).str.slice(0, 120)]),
            hovertemplate=f"{fam} %{{x}}: z %{{y:.2f}} (score %{{customdata[0]}})<br>%{{customdata[1]}}"
                          "<extra></extra>"))
        per_family.append(f"{fam}: {_datasets(g['source'].dropna().unique())}")
    fig.add_hline(y=0, line=dict(color="#999", dash="dot", width=1))
    fig.update_layout(template="plotly_white", height=480, title=f"{a}–{b}: measure families (z)",
                      yaxis_title="z (reference panel)", margin=dict(b=150))
    fig.add_annotation(text=_wrap("Score of each family standardised against the reference panel (0 = the typical "
                                  "reference dyad-year; higher = more aligned). Datasets: " + "; ".join(per_family)
                                  + ". Row-level citations: Download family scores CSV."),
                       xref="paper", yref="paper", x=0, y=-0.22, yanchor="top", showarrow=False, align="left",
                       font=dict(size=10))
    return plain(fig)


def _wrap(text: str, width: int = 150) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(text, width))


def _group_figure(g: pd.DataFrame, view: View) -> go.Figure:
    fig = go.Figure()
    for col, name, dash in (("composite_mean", "mean of dyads", None), ("composite_min", "weakest dyad", "dot")):
        if col in g:
            fig.add_trace(go.Scatter(x=g["year"], y=g[col], name=f"composite, {name}", line=dict(dash=dash)))
    if "unga_cohesion" in g:
        n = g["unga_n_votes"] if "unga_n_votes" in g else pd.Series(np.nan, index=g.index)
        fig.add_trace(go.Scatter(x=g["year"], y=g["unga_cohesion"], name="UNGA joint cohesion (right axis)",
                                 yaxis="y2", mode="lines+markers", marker=dict(size=4), customdata=n,
                                 hovertemplate="%{x}: %{y:.0%} of %{customdata} roll calls<extra></extra>"))
    fig.update_layout(template="plotly_white", height=460, margin=dict(b=120),
                      title=f"Group {', '.join(view.states)}: every pair's index, and joint UNGA cohesion",
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
                      yaxis=dict(title="composite (z)"),
                      yaxis2=dict(title="roll calls all voted alike", overlaying="y", side="right",
                                  range=[0, 1.02], tickformat=".0%", showgrid=False, tickmode="auto"))
    fig.add_annotation(text=_wrap("Mean and minimum of the composite index over every pair of the group "
                                  "(alignwatch.index.group_index). Joint cohesion: share of UNGA roll calls on which "
                                  "every member voted and all alike (hover: the number of roll calls; a year with "
                                  "few is thin evidence). Sources: the index's families; UNGA roll calls "
                                  "(Voeten, Strezhnev & Bailey 2009)."), xref="paper", yref="paper", x=0, y=-0.18,
                       yanchor="top", showarrow=False, align="left", font=dict(size=10))
    return fig


def _cohesion_figure(coh: pd.DataFrame, bloc: list[str], view: View) -> go.Figure:
    fig = go.Figure()
    for col, name in (("within", "within the bloc"), ("to_rest", "bloc with the rest"), ("all_dyads", "all dyads")):
        if col in coh:
            fig.add_trace(go.Scatter(x=coh["year"], y=coh[col], name=name, mode="lines+markers",
                                     marker=dict(size=4)))
    srcs = ", ".join(sorted({s for v in coh.get("source", pd.Series(dtype=object)).dropna().astype(str)
                             for s in v.split(",") if s}))
    fig.update_layout(template="plotly_white", height=420, margin=dict(b=110), yaxis_title="UNGA agreement",
                      title=f"Bloc cohesion {', '.join(bloc)}, {view.years[0]}–{view.years[1]}")
    fig.add_annotation(text=_wrap("Mean share of identical UNGA votes within the bloc, between members and other "
                                  "states, and over all dyads (alignwatch.network.cohesion). Sources: " + srcs),
                       xref="paper", yref="paper", x=0, y=-0.3, showarrow=False, align="left", font=dict(size=10))
    return fig
