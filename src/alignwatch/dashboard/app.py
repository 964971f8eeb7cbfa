"""The Dash application: ``create_app(db)`` builds it over a warehouse; ``alignwatch serve`` runs it."""

from __future__ import annotations

import functools
import logging

import dash
import flask
import plotly.offline

from . import callbacks, layout
from .data import Data

MAX_BODY = 1 << 20  # callback requests are a few hundred bytes; refuse anything above 1 MiB outright


@functools.lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    return plotly.offline.get_plotlyjs().encode("utf-8")


def create_app(db=None, *, weights=None, write_cache: bool = True, data: Data | None = None) -> dash.Dash:
    """The dashboard over the warehouse ``db`` (default: ``$ALIGNWATCH_DB``). Nothing is computed until a page asks.

    ``write_cache=False`` never writes ``_cache_dash_*`` tables into the warehouse (a shared, read-only file).
    The app serves every asset itself (``serve_locally``), so it works offline.
    """
    data = data or Data(db, weights, write_cache=write_cache)
    app = dash.Dash(__name__, title="alignwatch", update_title=None, serve_locally=True,
                    suppress_callback_exceptions=False)
    app.index_string = layout.INDEX_STRING
    app.layout = layout.build()
    callbacks.register(app, data)
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    @server.route("/_alignwatch/plotly.min.js")
    def plotly_js():  # for report sections shown in frames: same plotly.js, no CDN
        resp = flask.Response(_plotly_js(), mimetype="application/javascript")
        resp.headers["Cache-Control"] = "public, max-age=86400"
        return resp

    @server.after_request
    def headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    app.alignwatch_data = data
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request would swamp the terminal
    return app
