"""Callbacks: the address is the single source of the view; controls write it, every panel reads it.

Each callback parses the query string with :func:`views.parse_query` and asks :class:`data.Data` for plain data;
errors become a message in the page (AlignwatchError: its text and hint; anything else: a generic line, the
traceback only in the server log), never a traceback in the browser. Callbacks only lay out.
"""

from __future__ import annotations

import functools
import logging

import dash
from dash import Input, Output, State, dash_table, dcc, html, no_update

from ..errors import AlignwatchError
from . import layout as L
from . import timeline as tl
from . import weights as wt
from .data import Data
from .views import make_view, parse_query

log = logging.getLogger(__name__)


def alert(error: Exception) -> html.Div:
    """One clear message for the page; the hint, where there is one, says what to do."""
    if isinstance(error, AlignwatchError):
        parts = [html.Strong("Cannot show this view: "), str(error)]
        if error.hint:
            parts += [html.Br(), html.Span(f"Hint: {error.hint}", className="note")]
    else:
        parts = [html.Strong("Internal error: "), f"{type(error).__name__}. The server log has the details."]
    return html.Div(parts, className="alert")


def guarded(n_outputs: int, message_at: int | None = None):
    """Turn every exception of a callback into a message (at output ``message_at``), the rest left unchanged."""
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args):
            try:
                return fn(*args)
            except dash.exceptions.PreventUpdate:
                raise
            except Exception as e:  # the page shows a message, the log keeps the traceback
                if not isinstance(e, AlignwatchError):
                    log.exception("callback %s failed", fn.__name__)
                out = [no_update] * n_outputs
                if message_at is not None:
                    out[message_at] = alert(e)
                return out[0] if n_outputs == 1 else tuple(out)
        return wrapper
    return deco


def table(rows: list[dict], columns: list[str] | None = None, page_size: int = 25):
    """A DataTable: one component whatever the number of rows (cheap to send); None shows as NA; every cell is
    text (Dash never renders user or data text as markup)."""
    if not rows:
        return html.P("No rows.", className="na")
    columns = columns or list(rows[0])
    shown = [{c: ("NA" if r.get(c) is None else r.get(c)) for c in columns} for r in rows]
    return dash_table.DataTable(
        data=shown, columns=[{"name": c, "id": c} for c in columns], page_size=page_size, sort_action="native",
        style_table={"overflowX": "auto"}, style_header={"fontWeight": "600", "backgroundColor": "#f3f3f3"},
        style_cell={"textAlign": "left", "fontSize": "13px", "fontFamily": "inherit", "whiteSpace": "normal",
                    "height": "auto", "maxWidth": "520px", "padding": "3px 8px"})


def graph(fig: dict, gid: str | None = None) -> dcc.Graph:
    kw = {"id": gid} if gid else {}
    return dcc.Graph(figure=fig, config=L.GRAPH_CONFIG, **kw)


def items(app: dash.Dash, entries: list[dict]) -> list:
    out = []
    for it in entries:
        out.append(html.H3(it["title"]))
        if "figure" in it:
            out.append(graph(it["figure"]))
        else:
            out.append(html.P(it.get("note", ""), className="na"))
    return out


def note(text: str) -> html.P:
    return html.P(text, className="na")


def register(app: dash.Dash, data: Data) -> None:
    """Wire every callback of the page to ``data``."""
    _register_address(app, data)
    _register_index(app, data)
    _register_tabs(app, data)
    _register_timeline(app, data)
    _register_downloads(app, data)


def _register_address(app: dash.Dash, data: Data) -> None:
    names = [name for _, name, _ in wt.sliders(data.weights)]
    sliders = [L.weight_id(n) for n in names]
    controls = (L.STATES, L.YEARS, L.YEAR_FROM, L.YEAR_TO, L.WEIGHTS_RESET, *sliders)

    @app.callback(
        Output(L.URL, "search"), Output(L.STATES, "value"), Output(L.YEARS, "value"), Output(L.YEAR_FROM, "value"),
        Output(L.YEAR_TO, "value"), *[Output(s, "value") for s in sliders], Output(L.CONTROL_MESSAGE, "children"),
        Input(L.URL, "search"), Input(L.STATES, "value"), Input(L.YEARS, "value"), Input(L.YEAR_FROM, "value"),
        Input(L.YEAR_TO, "value"), Input(L.WEIGHTS_RESET, "n_clicks"), *[Input(s, "value") for s in sliders],
    )
    def sync(search, states, years, first, last, reset, *weights):
        """Controls -> address (a new history entry, shareable); address -> controls (first load, back button).
        The typed years apply on Enter (or when the box loses focus); the weight sliders on release."""
        trig = dash.ctx.triggered_id
        keep = [no_update] * (4 + len(sliders))
        try:
            if trig in controls:
                yrs = years if isinstance(years, (list, tuple)) and len(years) == 2 else (None, None)
                if trig in (L.YEAR_FROM, L.YEAR_TO):
                    yrs = (first, last)
                values = dict(zip(names, weights))
                over = () if trig == L.WEIGHTS_RESET else wt.overrides_from(data.weights, values)
                view = make_view(states, yrs[0], yrs[1], over)
                data.weights_of(view)  # refuse weights that cannot be applied here, with the reason
                out = view.query if view.query != search else no_update
                fill = [no_update] * (4 + len(sliders))
                if trig in (L.YEAR_FROM, L.YEAR_TO):
                    fill[1] = list(view.years)
                elif trig == L.YEARS:
                    fill[2], fill[3] = view.years
                elif trig == L.WEIGHTS_RESET:
                    cur = wt.current(data.weights, ())
                    fill[4:] = [cur[n] for n in names]
                return (out, *fill, None)
            view = parse_query(search)
            data.weights_of(view)
        except AlignwatchError as e:
            return (no_update, *keep, alert(e))
        except Exception as e:
            log.exception("sync failed")
            return (no_update, *keep, alert(e))
        out_search = view.query if (search or "") not in ("", view.query) else no_update
        cur = wt.current(data.weights, view.weights)
        return (out_search, list(view.states), list(view.years), view.years[0], view.years[1],
                *[cur[n] for n in names], None)


def _register_index(app: dash.Dash, data: Data) -> None:
    @app.callback(
        Output(L.TITLE, "children"), Output(L.LATEST, "children"), Output(L.INDEX_GRAPH, "figure"),
        Output(L.DOMAINS_GRAPH, "figure"), Output(L.COVERAGE_GRAPH, "figure"), Output(L.PERIODS, "children"),
        Output(L.TREATIES, "children"),
        Output(L.EVENTS, "children"),
        Output(L.NOTES, "children"), Output(L.MESSAGE, "children"), Output(L.SHARE, "href"),
        Input(L.URL, "search"),
    )
    def index_view(search):
        """The dyad view's data callback: index with intervals and periods, domains, periods, chronology."""
        try:
            view = parse_query(search)
            # the components themselves are memoised with the view: a repeated view costs one lookup
            return data.memo(("index_outputs", view), lambda: _index_outputs(data.index_view(view)))
        except Exception as e:
            if not isinstance(e, AlignwatchError):
                log.exception("index view failed")
            empty = {"data": [], "layout": {"height": 120, "xaxis": {"visible": False},
                                            "yaxis": {"visible": False}}}
            return "", None, empty, empty, empty, None, None, None, None, alert(e), no_update

    @app.callback(Output(L.YEAR_STORE, "data"), Input(L.INDEX_GRAPH, "clickData"),
                  Input(L.COVERAGE_GRAPH, "clickData"), Input(L.URL, "search"))
    def pick_year(click, cov_click, search):
        """A click on the index figure or the coverage strip selects its year; a new view clears it."""
        trig = dash.ctx.triggered_id
        click = click if trig == L.INDEX_GRAPH else cov_click if trig == L.COVERAGE_GRAPH else None
        try:
            x = click["points"][0]["x"]
            return int(str(x)[:4])
        except (TypeError, KeyError, IndexError, ValueError):
            return None

    @app.callback(Output(L.YEAR_DETAIL, "children"), Input(L.YEAR_STORE, "data"), State(L.URL, "search"))
    @guarded(1, 0)
    def year_detail(year, search):
        if year is None:
            return None
        view = parse_query(search)
        v = data.year_view(view, int(year))
        comp = [html.Li(f"{c['dyad']}: composite {_fmt(c['composite'])} in {c['year']}"
                        + (f", {_fmt(c['change'])} since {c['year'] - 1}" if c["change"] is not None else "")
                        + f"; families: {c['families'] or 'none'}") for c in v["composite"]]
        return html.Div(className="detail", children=[
            html.H4(f"{year}: what happened and what moved"),
            html.Ul(comp) if comp else note(f"No index value in {year}."),
            html.H5("Events concerning the chosen states (the Timeline tab lists every event)"),
            table(v["events"], L.TIMELINE_COLUMNS, page_size=10),
            html.H5(f"Families: reading in {year - 1} and {year} (what each family alone says about the latent, "
                    "z; largest change first)"),
            table(v["moves"], ["dyad", "family", "what", "reading_before", "reading", "change"], page_size=15),
        ])

    @app.callback(Output(L.GROUP, "children"), Input(L.URL, "search"))
    @guarded(1, 0)
    def group(search):
        view = parse_query(search)
        if len(view.states) < 3:
            return None
        g = data.group_view(view)
        return [html.H3(f"The group {', '.join(view.states)}: every pair"), graph(g["figure"]),
                html.Details([html.Summary("Table"), table(g["rows"])])]


def _register_tabs(app: dash.Dash, data: Data) -> None:
    """The tabs other than the index: computed when a tab is opened."""
    @app.callback(Output(L.FAMILIES, "children"), Input(L.URL, "search"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def families(search, tab):
        return items(app, data.families_view(parse_query(search))) if tab == "families" else None

    @app.callback(Output(L.NETWORK_YEAR, "min"), Output(L.NETWORK_YEAR, "max"), Output(L.NETWORK_YEAR, "value"),
                  Output(L.NETWORK_YEAR, "marks"), Input(L.URL, "search"))
    def network_years(search):
        """The network's year slider follows the years chosen above (its value: the last year)."""
        try:
            view = parse_query(search)
        except Exception:
            raise dash.exceptions.PreventUpdate from None
        lo, hi = view.years
        step = max(1, (hi - lo) // 8)
        return lo, hi, hi, {y: str(y) for y in range(lo, hi + 1, step)}

    @app.callback(Output(L.NETWORK, "children"), Input(L.URL, "search"), Input(L.TABS, "value"),
                  Input(L.NETWORK_YEAR, "value"))
    @guarded(1, 0)
    def network(search, tab, year):
        if tab != "network":
            return None
        view = parse_query(search)
        v = data.network_view(view, int(year) if isinstance(year, (int, float)) else None)
        return _network_children(v, view)

    @app.callback(Output(L.REDLINES, "children"), Input(L.URL, "search"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def redlines(search, tab):
        if tab != "redlines":
            return None
        v = data.redlines_view(parse_query(search))
        if "figure" not in v:
            return note(v["note"])
        return [graph(v["figure"], "redlines-figure"),
                html.H3("Base rates (empirical, over past events; not a forecast)"),
                table(v["summary"]), html.Ul([html.Li(t, className="note") for t in v["base_rates"]]),
                html.H3("Events and each patron's response"), table(v["events"], page_size=30),
                html.P(v["caption"] + " Method and limits: docs/network.md.", className="note")]

    @app.callback(Output(L.SENSITIVITY, "children"), Input(L.URL, "search"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def sensitivity(search, tab):
        if tab != "sensitivity":
            return None
        view = parse_query(search)
        v = data.sensitivity_view(view)
        return _sensitivity_children(v)

    @app.callback(Output(L.SOURCES, "children"), Input(L.URL, "search"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def sources(search, tab):
        if tab != "sources":
            return None
        v = data.sources_view(parse_query(search))
        notes = [html.Li(n) for n in v["notes"]]
        return [html.P("Every table in the warehouse, with the source it was read from, its rows and years, the "
                       "checksum of the file and its citation (the report's Sources section). Each chronology row "
                       "(treaties, visits, Council texts, tests, proposals) also cites its own source: see the "
                       "Timeline tab.", className="note"),
                table(v["rows"], page_size=80),
                html.H3("Notes of this view"), html.Ul(notes) if notes else html.P("None.", className="note"),
                html.P(f"alignwatch {v['version']}; weights: {v['weights']}.", className="note")]

    @app.callback(Output(L.CLAIMS, "children"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def claims(tab):
        if tab != "claims":
            return None
        v = data.claims_view()
        return table(v["rows"]) if "rows" in v else html.P(v["note"], className="na")


def _network_children(v: dict, view) -> list:
    """The network tab: the bloc's cohesion, its members' agreement and the year's agreement network."""
    if "cohesion_fig" not in v:
        return note(v["note"])
    out = [html.H3(f"The bloc {', '.join(v['bloc'])}: UNGA cohesion"),
           html.P("Within the bloc (mean and least aligned pair) against its members' agreement with every "
                  "other state and the all-dyad baseline; the bloc is cohesive in a year when within stands "
                  "above to_rest (the gap).", className="note"),
           graph(v["cohesion_fig"], "network-cohesion"),
           html.Details([html.Summary("Cohesion table"), html.Div(id="cohesion-table", children=table(
               v["cohesion"], ["year", "members", "within", "within_min", "n_within", "to_rest", "all_dyads",
                               "gap"]))], open=False),
           html.H3("Each member's agreement with the other members"), graph(v["members_fig"], "network-members")]
    if "network_fig" in v:
        out += [html.H3(f"The agreement network of {v['year']}"), graph(v["network_fig"]),
                html.H3(f"Bloc members in {view.focus}'s community, year by year: who joins and who leaves"),
                html.P("Louvain communities (networkx, fixed seed) of the excess-agreement network; joined / "
                       "left compare with the previous year with roll calls. Modularity near 0 means weak "
                       "structure.", className="note"),
                table(v["focus"], page_size=40)]
    elif v.get("note"):
        out.append(note(v["note"]))
    return out


def _sensitivity_children(v: dict) -> list:
    """The sensitivity tab: per dyad, which conclusions hold across the weight scenarios."""
    out = [html.P("Scenarios around the view's weights: each family left out and doubled, and the composite "
                  "tilted 3:1 to each domain; the model's parameters held. The conclusions an analyst quotes "
                  "(each period's label, and now against 1992, 2017 and 2019) are re-read in every scenario: "
                  "one that holds in all of them does not rest on any one family's weight.", className="note")]
    for d in v["dyads"]:
        if "results" not in d:
            out.append(note(f"{d['dyad']}: {d['note']}"))
            continue
        out += [html.H3(f"{d['dyad']}: conclusions across weights"),
                table(d["conclusions"], ["conclusion", "holds_in", "changed_by"], page_size=20),
                graph(d["figure"]),
                html.Details([html.Summary("Every scenario"), table(
                    d["results"], ["scenario", "mean_move", "max_move", "beyond_interval", "labels_same",
                                   "labels_changed_years", "since_1992", "since_2017", "since_2019"],
                    page_size=40)])]
    return out


def _register_timeline(app: dash.Dash, data: Data) -> None:
    @app.callback(Output(L.TIMELINE_GRAPH, "figure"), Output(L.TIMELINE_TABLE, "data"),
                  Output(L.MESSAGE, "children", allow_duplicate=True),
                  Input(L.URL, "search"), Input(L.TABS, "value"), Input(L.TIMELINE_SEARCH, "value"),
                  Input(L.TIMELINE_KINDS, "value"), Input(L.TIMELINE_MINE, "value"), Input(L.YEAR_STORE, "data"),
                  prevent_initial_call="initial_duplicate")
    @guarded(3, 2)
    def timeline(search, tab, text, kinds, mine, year):
        """Every event, filtered by the search text, the kinds ticked, the chosen states and the year clicked in
        the index figure (the table's own filter row narrows further)."""
        if tab != "timeline":
            return no_update, no_update, no_update
        view = parse_query(search)
        v = data.timeline_view(view)
        if "rows" not in v:
            return no_update, [], alert(AlignwatchError(v["note"]))
        rows = v["rows"]
        kinds = set(kinds or [])
        rows = [r for r in rows if r["kind"] in kinds]
        if mine:
            want = set(view.states)
            rows = [r for r in rows if tl.concerns_event(r["parties"], r["kind"], want)]
        if isinstance(year, int):
            rows = [r for r in rows if r["year"] == year]
        if isinstance(text, str) and text.strip():
            needle = text.strip().lower()[:200]
            rows = [r for r in rows if any(needle in str(r.get(c) or "").lower()
                                           for c in L.TIMELINE_COLUMNS)]
        return v["figure"], [{k: ("NA" if r.get(k) is None else r.get(k)) for k in ["year", *L.TIMELINE_COLUMNS]}
                             for r in rows], None


def _register_downloads(app: dash.Dash, data: Data) -> None:
    @app.callback(Output(L.WEIGHTS_DOWNLOAD, "data"), Output(L.MESSAGE, "children", allow_duplicate=True),
                  Input(L.WEIGHTS_BUTTON, "n_clicks"), State(L.URL, "search"), prevent_initial_call=True)
    @guarded(2, 1)
    def weights_file(n, search):
        """The view's weights as weights.toml (every setting), for ``alignwatch index --weights``."""
        if not n:
            raise dash.exceptions.PreventUpdate
        return dict(content=data.weights_toml(parse_query(search)), filename="weights.toml"), no_update

    for button, target, export, prefix in ((L.CSV_BUTTON, L.CSV_DOWNLOAD, data.index_csv, "index"),
                                           (L.FAMILIES_CSV_BUTTON, L.FAMILIES_DOWNLOAD, data.panel_csv, "families")):
        app.callback(Output(target, "data"), Output(L.MESSAGE, "children", allow_duplicate=True),
                     Input(button, "n_clicks"), State(L.URL, "search"),
                     prevent_initial_call=True)(guarded(2, 1)(_download(export, prefix)))

    app.clientside_callback(
        """function(n) {
            if (!n) { return window.dash_clientside.no_update; }
            var el = document.querySelector('#index-graph .js-plotly-plot');
            if (!el || !window.Plotly) { return 'The figure is not drawn yet.'; }
            window.Plotly.downloadImage(el, {format: 'png', filename: 'alignwatch_index', scale: 2});
            return '';
        }""",
        Output(L.PNG_STATUS, "children"), Input(L.PNG_BUTTON, "n_clicks"), prevent_initial_call=True,
    )


def _download(export, prefix: str):
    """A CSV download callback: the view's table from ``export`` as ``alignwatch_<prefix>_<view>.csv``."""
    def download(n, search):
        if not n:
            raise dash.exceptions.PreventUpdate
        view = parse_query(search)
        df = export(view)
        return dcc.send_data_frame(df.to_csv, f"alignwatch_{prefix}_{view.slug}.csv", index=False), no_update
    return download


def _index_outputs(v: dict) -> tuple:
    latest = [html.Li(f"{r['dyad']}: composite {r['composite']:+.2f} in {r['year']} on {r['families']} measure "
                      f"families (interval {_fmt(r['lo'])} … {_fmt(r['hi'])})") for r in v["latest"]]
    periods = []
    for p in v["periods"]:
        periods += [html.H4(f"Periods {p['dyad']}"), table(p["rows"])]
    notes = [html.P("Notes: " + "; ".join(v["notes"]), className="note")] if v["notes"] else None
    return (v["title"], html.Ul(latest) if latest else html.P("No year with an index value.", className="na"),
            v["index_fig"], v["domains_fig"], v["coverage_fig"], periods or html.P("No periods.", className="na"),
            table(v["treaties"], page_size=50), table(v["meetings"], page_size=15), notes, None, v["query"])


def _fmt(v) -> str:
    return "NA" if v is None else f"{v:+.2f}"
