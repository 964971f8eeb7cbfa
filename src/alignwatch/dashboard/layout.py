"""The page: controls (states, years, exports), a message area, and one tab per kind of evidence.

Ids are part of the contract with the callbacks, the browser test and the load benchmark (which posts to the Index
tab's callback), so they are named once here.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from dash import dash_table, dcc, html

from .. import index as idx
from .. import periods as per
from .. import states as st
from . import timeline as tl
from . import views as vw
from . import weights as wt

URL, STATES, YEARS = "url", "states", "years"
CONTROL_MESSAGE, MESSAGE, SHARE = "control-message", "message", "share-link"
CSV_BUTTON, CSV_DOWNLOAD, PNG_BUTTON, PNG_STATUS = "csv-button", "csv-download", "png-button", "png-status"
TABS, TITLE, LATEST = "tabs", "view-title", "latest"
INDEX_GRAPH, DOMAINS_GRAPH, PERIODS, TREATIES, EVENTS, NOTES, GROUP = (
    "index-graph", "domains-graph", "periods", "treaties", "events", "notes", "group")
FAMILIES, FAMILIES_CSV_BUTTON, FAMILIES_DOWNLOAD = "families", "families-csv-button", "families-download"
NETWORK, REDLINES, CLAIMS = "network", "redlines", "claims"
YEAR_FROM, YEAR_TO = "year-from", "year-to"
COVERAGE_GRAPH, YEAR_DETAIL, YEAR_STORE = "coverage-graph", "year-detail", "year-store"
WEIGHTS_PANEL, WEIGHTS_RESET, WEIGHTS_BUTTON, WEIGHTS_DOWNLOAD = ("weights-panel", "weights-reset", "weights-button",
                                                                  "weights-download")
TIMELINE, TIMELINE_GRAPH, TIMELINE_TABLE, TIMELINE_SEARCH, TIMELINE_KINDS, TIMELINE_MINE = (
    "timeline", "timeline-graph", "timeline-table", "timeline-search", "timeline-kinds", "timeline-mine")
NETWORK_YEAR, SENSITIVITY, SOURCES = "network-year", "sensitivity", "sources"
TIMELINE_COLUMNS = tl.COLUMNS


def weight_id(name: str) -> str:
    """The id of a weight slider (a family's, or a domain's in the composite)."""
    return f"weight-{name}"

GRAPH_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "alignwatch", "scale": 2},
}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222;margin:0}
.page{max-width:1280px;margin:0 auto;padding:0.5em 1.2em 3em}
header h1{margin:0.3em 0 0}header p{margin:0.2em 0 0.8em;color:#555}
.controls{display:grid;grid-template-columns:1fr 1.2fr;gap:1em;align-items:end;background:#f7f7f7;padding:0.8em;
border-radius:6px}.controls label{font-weight:600;font-size:13px;display:block;margin-bottom:4px}
.buttons{margin-top:0.6em;display:flex;gap:0.6em;align-items:center;flex-wrap:wrap}
.buttons button{padding:5px 12px;border:1px solid #888;background:#fff;border-radius:4px;cursor:pointer}
.alert{background:#fdecea;color:#8a1c1c;border:1px solid #f5c2c0;padding:0.6em 0.9em;border-radius:4px;margin:0.6em 0}
.note{color:#555;font-size:13px}.na{color:#a33}
table.tbl{border-collapse:collapse;font-size:13px;margin:0.4em 0 1em}table.tbl td,table.tbl th{padding:3px 8px;
border-bottom:1px solid #eee;text-align:left;vertical-align:top}table.tbl th{background:#f3f3f3}
.scroll{max-height:420px;overflow:auto}
.years-typed{display:flex;gap:0.5em;align-items:center;margin-top:4px;font-size:13px}
.years-typed input{width:5.5em}#years .dash-range-slider-input{display:none}
.weights{margin-top:0.6em;grid-column:1 / span 2}.weights summary{cursor:pointer;font-weight:600}
.wgrid{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:0.2em 1.2em;margin-top:0.5em}
.wrow label{font-size:12px;font-weight:500;margin:0}
.detail{background:#fafafa;border:1px solid #eee;border-radius:4px;padding:0.3em 0.8em;margin:0.4em 0}
"""

INDEX_STRING = """<!DOCTYPE html>
<html lang="en"><head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}<style>""" + CSS + """</style></head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body></html>"""


@lru_cache(maxsize=1)
def state_options() -> list[dict]:
    """Every state of the UN era (its latest name), sorted by name; the label shows the ISO3 code to search by."""
    t = st.table()
    end = pd.to_datetime(t["end"], errors="coerce")
    t = t[end.isna() | (end.dt.year >= vw.YEAR_MIN)]
    codes = sorted(set(t["iso3"].dropna().astype(str)))
    opts = [{"label": f"{st.name(c)} ({c})", "value": c} for c in codes]
    return sorted(opts, key=lambda o: o["label"])


def _weights_panel(view: vw.View, base) -> html.Details:
    """A slider per family the server's weights index (grouped by domain) and per domain of the composite."""
    values = wt.current(base, view.weights)
    groups = {}
    for dom, name, _ in wt.sliders(base):
        groups.setdefault(dom, []).append(html.Div(className="wrow", children=[
            html.Label(name, htmlFor=weight_id(name)),
            dcc.Slider(id=weight_id(name), min=0, max=wt.MAX_WEIGHT, step=wt.STEP, value=values[name],
                       marks={0: "0", 0.5: "0.5", 1: "1", 1.5: "1.5", 2: "2"}, updatemode="mouseup",
                       tooltip={"placement": "bottom", "always_visible": False})]))
    titles = {"political": "Political families", "economic": "Economic families",
              "composite": "The composite: weight of each domain"}
    body = []
    for dom in ("political", "economic", "composite"):
        if dom in groups:
            body += [html.H4(titles[dom], style={"margin": "0.6em 0 0"}), html.Div(groups[dom], className="wgrid")]
    return html.Details(id=WEIGHTS_PANEL, className="weights", open=bool(view.weights), children=[
        html.Summary("Weights (the view is re-scored when a slider is released; see the Sensitivity tab)"),
        html.P("A family's weight tempers its evidence (1 as measured, 0.5 as if its noise were doubled, 0 left "
               "out); the composite's weights mix the political and economic latents. Re-scoring holds the "
               "model's parameters at their estimates under the server's weights; `alignwatch index --weights "
               "weights.toml` re-estimates them (docs/dashboard.md).", className="note"),
        *body,
        html.Div(className="buttons", children=[
            html.Button("Reset weights", id=WEIGHTS_RESET, n_clicks=0),
            html.Button("Download weights.toml", id=WEIGHTS_BUTTON, n_clicks=0,
                        title="These weights as a file for alignwatch index --weights"),
            dcc.Download(id=WEIGHTS_DOWNLOAD)]),
    ])


def _controls(view: vw.View, base) -> html.Div:
    top = vw.year_max()
    marks = {y: str(y) for y in range(1950, top + 1, 10)}
    return html.Div(className="controls", children=[
        html.Div([
            html.Label("States: two for a dyad, more for a triad or bloc (the first is the focus)", htmlFor=STATES),
            dcc.Dropdown(id=STATES, options=state_options(), value=list(view.states), multi=True,
                         placeholder="Choose states, e.g. North Korea, Russia"),
        ]),
        html.Div([
            html.Label("Years", htmlFor=YEARS),
            dcc.RangeSlider(id=YEARS, min=vw.YEAR_MIN, max=top, step=1, value=list(view.years), marks=marks,
                            allowCross=False, updatemode="mouseup",
                            tooltip={"placement": "bottom", "always_visible": False}),
            html.Div(className="years-typed", children=[
                html.Label("from", htmlFor=YEAR_FROM, style={"margin": 0}),
                dcc.Input(id=YEAR_FROM, type="number", min=vw.YEAR_MIN, max=top, step=1, value=view.years[0],
                          debounce=True),
                html.Label("to", htmlFor=YEAR_TO, style={"margin": 0}),
                dcc.Input(id=YEAR_TO, type="number", min=vw.YEAR_MIN, max=top, step=1, value=view.years[1],
                          debounce=True),
                html.Span("(type a year, then Enter)", className="note")]),
        ]),
        html.Div(className="buttons", style={"gridColumn": "1 / span 2"}, children=[
            html.Button("Download CSV", id=CSV_BUTTON, n_clicks=0, title="The index of this view, with periods"),
            html.Button("Download PNG", id=PNG_BUTTON, n_clicks=0, title="The index figure as a PNG image"),
            html.A("Link to this view", id=SHARE, href=view.query),
            html.Span(id=PNG_STATUS, className="note"),
            dcc.Download(id=CSV_DOWNLOAD),
        ]),
        _weights_panel(view, base),
    ])


def _about() -> html.Div:
    codebook = [html.Li([html.B(k + ": "), v]) for k, v in per.CODEBOOK.items()]
    return html.Div([
        html.H3("What this shows"),
        html.P("The composite alignment index of the focus state (the first one chosen) with each partner: every "
               "measure family's score standardised against a reference panel of states (0 = the typical reference "
               "dyad-year, higher = more aligned), combined into political and economic sub-indices with bootstrap "
               "intervals. NA, never 0, where no family covers a year. Periods are change points of the composite, "
               "labelled by the codebook below. The numbers are those of `alignwatch index` and `alignwatch report` "
               "for the same states, years and weights."),
        html.H3("Which year is \"now\""),
        html.P(f"The line above the figure gives, per dyad, the latest year up to this one that at least "
               f"{idx.NOW_MIN_FAMILIES} measure families cover (else the latest year with any composite): a year "
               "resting on one or two families, such as a treaty in force with nothing else reported yet, would read "
               "as the whole relationship. The report's \"at a glance\" table uses the same rule, so both show the "
               "same year and value."),
        html.H3("Period codebook"), html.Ul(codebook),
        html.H3("Sharing and export"),
        html.P("The address holds the view (?states=PRK,RUS&from=1991&to=2025, and &weights=unga:0 when a weight "
               "slider differs from the server's weights): copy it to share. Download CSV "
               "exports the index rows of the view with their period; every figure's camera icon (or Download PNG) "
               "saves a PNG. Definitions and sources: docs/dashboard.md and docs/index.md."),
    ])


def _timeline_tab() -> list:
    return [
        html.P("Every dated event the chronology holds: treaties and declarations, leader and minister visits, "
               "proposals and joint statements, Security Council texts on the DPRK (with the Chinese and Russian "
               "votes; vetoed and failed drafts), DPRK nuclear tests and launches, and General Assembly votes of "
               "note. Search the text, filter by kind or by column (the row under the header), sort by any column; "
               "a click on a year in the index figure selects that year here.", className="note"),
        html.Div(className="buttons", children=[
            dcc.Input(id=TIMELINE_SEARCH, type="search", placeholder="Search, e.g. treaty, Kim Jong Un, S/RES",
                      debounce=True, style={"width": "22em"}),
            dcc.Checklist(id=TIMELINE_KINDS, options=[{"label": k, "value": k} for k in tl.KIND_ORDER],
                          value=list(tl.KIND_ORDER), inline=True, inputStyle={"marginLeft": "0.6em"}),
            dcc.Checklist(id=TIMELINE_MINE, options=[{"label": "only events of the chosen states", "value": "mine"}],
                          value=[], inline=True),
        ]),
        dcc.Loading(dcc.Graph(id=TIMELINE_GRAPH, config=GRAPH_CONFIG)),
        dash_table.DataTable(
            id=TIMELINE_TABLE, data=[], columns=[{"name": c, "id": c} for c in ["year"] + TIMELINE_COLUMNS],
            page_size=25, sort_action="native", filter_action="native",
            style_table={"overflowX": "auto"}, style_header={"fontWeight": "600", "backgroundColor": "#f3f3f3"},
            style_cell={"textAlign": "left", "fontSize": "13px", "fontFamily": "inherit", "whiteSpace": "normal",
                        "height": "auto", "maxWidth": "520px", "padding": "3px 8px"}),
    ]


def build(view: vw.View | None = None, base=None) -> html.Div:
    view = view or vw.default_view()
    base = base or idx.load_weights()
    return html.Div(className="page", children=[
        dcc.Location(id=URL, refresh=False),
        html.Header([
            html.H1("alignwatch"),
            html.P("How closely states are aligned, from public data: UN votes, treaties, leader meetings, trade, "
                   "speeches, Security Council behaviour. Pick a dyad, triad or bloc and a year range."),
        ]),
        _controls(view, base),
        dcc.Store(id=YEAR_STORE),
        html.Div(id=CONTROL_MESSAGE, role="status"),
        html.Div(id=MESSAGE, role="alert"),
        dcc.Tabs(id=TABS, value="index", children=[
            dcc.Tab(label="Index and periods", value="index", children=[
                html.H2(id=TITLE),
                html.Div(id=LATEST),
                dcc.Loading(dcc.Graph(id=INDEX_GRAPH, config=GRAPH_CONFIG), type="default"),
                html.P("Click a year in the figure (or in the coverage strip) to see its events and which families "
                       "moved.", className="note"),
                html.Div(id=YEAR_DETAIL),
                html.H3("Evidence: which families inform each year"),
                dcc.Graph(id=COVERAGE_GRAPH, config=GRAPH_CONFIG),
                dcc.Graph(id=DOMAINS_GRAPH, config=GRAPH_CONFIG),
                html.H3("Periods"), html.Div(id=PERIODS),
                html.H3("Treaties and declarations of these dyads"),
                html.P("Signed up to the last year shown (a treaty signed earlier may still be in force); dashed "
                       "lines in the index figure mark those signed inside the years shown. Source: the "
                       "alignwatch chronology (chr_treaties; each row cites its own source).", className="note"),
                html.Div(id=TREATIES),
                html.H3("Leader and minister meetings of these dyads"),
                html.P("Source: the alignwatch chronology (chr_summits; every row there cites its source).",
                       className="note"),
                html.Div(id=EVENTS),
                html.Div(id=NOTES),
                dcc.Loading(html.Div(id=GROUP)),
            ]),
            dcc.Tab(label="Measure families", value="families", children=[
                html.Div(className="buttons", children=[
                    html.Button("Download family scores CSV", id=FAMILIES_CSV_BUTTON, n_clicks=0),
                    dcc.Download(id=FAMILIES_DOWNLOAD)]),
                dcc.Loading(html.Div(id=FAMILIES)),
            ]),
            dcc.Tab(label="Timeline", value="timeline", children=_timeline_tab()),
            dcc.Tab(label="Bloc network", value="network", children=[
                html.P("The bloc is exactly the chosen states. Measure: UNGA identical-vote share (series undl). "
                       "The network below is of one year: choose it with this slider (the years follow the range "
                       "chosen above).", className="note"),
                html.Label("Network year", htmlFor=NETWORK_YEAR),
                dcc.Slider(id=NETWORK_YEAR, min=view.years[0], max=view.years[1], step=1, value=view.years[1],
                           marks=None, updatemode="mouseup", tooltip={"placement": "bottom", "always_visible": True}),
                dcc.Loading(html.Div(id=NETWORK))]),
            dcc.Tab(label="Red lines", value="redlines", children=[dcc.Loading(html.Div(id=REDLINES))]),
            dcc.Tab(label="Sensitivity", value="sensitivity", children=[dcc.Loading(html.Div(id=SENSITIVITY))]),
            dcc.Tab(label="Claims", value="claims", children=[dcc.Loading(html.Div(id=CLAIMS))]),
            dcc.Tab(label="Sources", value="sources", children=[dcc.Loading(html.Div(id=SOURCES))]),
            dcc.Tab(label="About", value="about", children=[_about()]),
        ]),
    ])
