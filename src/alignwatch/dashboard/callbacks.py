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


def html_section(app: dash.Dash, body: str, height: int = 900) -> html.Iframe:
    """A report section (HTML with plotly figures) in a sandboxed frame; plotly.js is served by this app."""
    src = app.get_relative_path("/_alignwatch/plotly.min.js")
    doc = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><script src='{src}'></script>"
           f"<style>{L.CSS}</style></head><body>{body}</body></html>")
    return html.Iframe(srcDoc=doc, sandbox="allow-scripts", style={"width": "100%", "height": f"{height}px",
                                                                    "border": "0"})


def items(app: dash.Dash, entries: list[dict]) -> list:
    out = []
    for it in entries:
        out.append(html.H3(it["title"]))
        if "figure" in it:
            out.append(graph(it["figure"]))
        elif "html" in it:
            out.append(html_section(app, it["html"]))
        else:
            out.append(html.P(it.get("note", ""), className="na"))
    return out


def register(app: dash.Dash, data: Data) -> None:
    """Wire every callback of the page to ``data``."""
    _register_address(app)
    _register_index(app, data)
    _register_tabs(app, data)
    _register_downloads(app, data)


def _register_address(app: dash.Dash) -> None:
    @app.callback(
        Output(L.URL, "search"), Output(L.STATES, "value"), Output(L.YEARS, "value"), Output(L.CONTROL_MESSAGE,
                                                                                              "children"),
        Input(L.URL, "search"), Input(L.STATES, "value"), Input(L.YEARS, "value"),
    )
    def sync(search, states, years):
        """Controls -> address (a new history entry, shareable); address -> controls (first load, back button)."""
        trig = dash.ctx.triggered_id
        try:
            if trig in (L.STATES, L.YEARS):
                yrs = years if isinstance(years, (list, tuple)) and len(years) == 2 else (None, None)
                view = make_view(states, yrs[0], yrs[1])
                return (view.query if view.query != search else no_update), no_update, no_update, None
            view = parse_query(search)
        except AlignwatchError as e:
            return no_update, no_update, no_update, alert(e)
        except Exception as e:
            log.exception("sync failed")
            return no_update, no_update, no_update, alert(e)
        out_search = view.query if (search or "") not in ("", view.query) else no_update
        return out_search, list(view.states), list(view.years), None


def _register_index(app: dash.Dash, data: Data) -> None:
    @app.callback(
        Output(L.TITLE, "children"), Output(L.LATEST, "children"), Output(L.INDEX_GRAPH, "figure"),
        Output(L.DOMAINS_GRAPH, "figure"), Output(L.PERIODS, "children"), Output(L.TREATIES, "children"),
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
            return "", None, empty, empty, None, None, None, None, alert(e), no_update

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

    @app.callback(Output(L.NETWORK, "children"), Input(L.URL, "search"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def network(search, tab):
        return section(app, data.network_view(parse_query(search)), 1400) if tab == "network" else None

    @app.callback(Output(L.REDLINES, "children"), Input(L.URL, "search"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def redlines(search, tab):
        return section(app, data.redlines_view(parse_query(search)), 1200) if tab == "redlines" else None

    @app.callback(Output(L.CLAIMS, "children"), Input(L.TABS, "value"))
    @guarded(1, 0)
    def claims(tab):
        if tab != "claims":
            return None
        v = data.claims_view()
        return table(v["rows"]) if "rows" in v else html.P(v["note"], className="na")


def _register_downloads(app: dash.Dash, data: Data) -> None:
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


def section(app: dash.Dash, v: dict, height: int):
    """A report section in a frame, or the note saying why it cannot be shown."""
    return html_section(app, v["html"], height) if "html" in v else html.P(v["note"], className="na")


def _index_outputs(v: dict) -> tuple:
    latest = [html.Li(f"{r['dyad']}: composite {r['composite']:+.2f} in {r['year']} on {r['families']} measure "
                      f"families (interval {_fmt(r['lo'])} … {_fmt(r['hi'])})") for r in v["latest"]]
    periods = []
    for p in v["periods"]:
        periods += [html.H4(f"Periods {p['dyad']}"), table(p["rows"])]
    notes = [html.P("Notes: " + "; ".join(v["notes"]), className="note")] if v["notes"] else None
    return (v["title"], html.Ul(latest) if latest else html.P("No year with an index value.", className="na"),
            v["index_fig"], v["domains_fig"], periods or html.P("No periods.", className="na"),
            table(v["treaties"], page_size=50), table(v["meetings"], page_size=15), notes, None, v["query"])


def _fmt(v) -> str:
    return "NA" if v is None else f"{v:+.2f}"
