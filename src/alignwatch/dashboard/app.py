"""The Dash application: ``create_app(db)`` builds it over a warehouse; :func:`serve` runs it under waitress.

Dash's own ``run`` is Flask's development server (a thread per connection: a thousand idle connections hold a
thousand threads). ``alignwatch serve`` uses waitress instead: a production WSGI server whose connections wait in one
event loop, with a bounded pool of worker threads, a cap on open connections and timeouts for idle and slow clients.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections import OrderedDict

import dash
import flask

from ..errors import AlignwatchError
from . import callbacks, layout
from .data import Data

MAX_BODY = 1 << 20  # callback requests are a few hundred bytes; refuse anything above 1 MiB outright
CALLBACK_PATH = "/_dash-update-component"
# waitress: worker threads (one DuckDB connection computes one view at a time; cached views are answered in a few
# ms, so a few threads keep every core busy), open connections at most, and seconds before an idle or stalled
# connection is closed
THREADS = 8
CONNECTION_LIMIT = 200
CHANNEL_TIMEOUT = 30


def create_app(db=None, *, weights=None, data: Data | None = None) -> dash.Dash:
    """The dashboard over the warehouse ``db`` (default: ``$ALIGNWATCH_DB``). Nothing is computed until a page asks.

    The warehouse is opened read-only and never written (derived tables are kept in memory). The app serves every
    asset itself (``serve_locally``), so it works offline. A callback request that is not what the page sends
    (not JSON, an unknown output, inputs that do not match the callback) is answered 400, never 500.
    """
    data = data or Data(db, weights)
    app = dash.Dash(__name__, title="alignwatch", update_title=None, serve_locally=True,
                    suppress_callback_exceptions=False)
    app.index_string = layout.INDEX_STRING
    app.layout = layout.build(base=data.weights)
    callbacks.register(app, data)
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    responses = ResponseCache()

    @server.before_request
    def check_callback_body():
        if flask.request.path != CALLBACK_PATH or flask.request.method != "POST":
            return None
        problem = callback_body_problem(flask.request.get_json(force=True, silent=True), app.callback_map)
        if problem:
            return flask.Response(f"malformed callback request: {problem}\n", status=400, mimetype="text/plain")
        return responses.lookup(flask.request.get_data(), data)

    @server.after_request
    def keep_response(resp):
        responses.store(resp)
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


class ResponseCache:
    """The encoded answers to callback requests, by request body, for the current warehouse file and day.

    A repeated view costs a dictionary lookup in :class:`Data`, but Dash still encodes its figures as JSON on every
    request (about 3 ms for the index view, most of the server's time under load). Callbacks are functions of
    their inputs and the warehouse, so an identical request body gets the identical bytes until an ingest replaces
    the file (or the day changes: open year ranges end today). Answers that show a message (class ``alert``: an
    error, possibly transient) are never kept. Bounded by total size, least recently used dropped first.
    """

    MAX_BYTES = 64 << 20

    def __init__(self):
        self._lock = threading.Lock()
        self._items: OrderedDict[bytes, bytes] = OrderedDict()
        self._size = 0
        self._token = None

    def _current(self, data: Data):
        try:
            return (data.generation(), dt.date.today())
        except AlignwatchError:
            return None

    def lookup(self, body: bytes, data: Data) -> flask.Response | None:
        token = self._current(data)
        key = hashlib.sha256(body).digest()
        flask.g.alignwatch_key = (key, token)
        with self._lock:
            if token is None or token != self._token:
                self._items.clear()
                self._size = 0
                self._token = token
                return None
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
        flask.g.alignwatch_key = None  # answered from here: nothing to store
        return flask.Response(hit, status=200, mimetype="application/json")

    def store(self, resp: flask.Response) -> None:
        """Keep the answer of a callback request that :meth:`lookup` saw and could not answer."""
        key, token = flask.g.get("alignwatch_key") or (None, None)
        if key is None or resp.status_code != 200 or resp.mimetype != "application/json" or resp.direct_passthrough:
            return
        out = resp.get_data()
        if b'"alert"' in out or len(out) > self.MAX_BYTES // 8:
            return
        with self._lock:
            if key in self._items or token != self._token:
                return
            self._items[key] = out
            self._size += len(out)
            while self._size > self.MAX_BYTES:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)


def _prop(item) -> tuple | None:
    if not isinstance(item, dict) or not isinstance(item.get("property"), str):
        return None
    ident = item.get("id")
    return (ident, item["property"]) if isinstance(ident, str) else None


def callback_body_problem(body, callback_map: dict) -> str | None:
    """Why a ``/_dash-update-component`` body is not one the page could have sent (None when it is fine): Dash
    itself would fail on it with a KeyError or TypeError, i.e. a 500 for what is the client's mistake."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown output"
    cb = callback_map[output]
    for key, declared in (("inputs", cb.get("inputs", [])), ("state", cb.get("state", []))):
        items = body.get(key, [])
        if not isinstance(items, list) or len(items) != len(declared):
            return f"{key} must be a list of {len(declared)}"
        if [_prop(i) for i in items] != [(d["id"], d["property"]) for d in declared]:
            return f"{key} do not match the callback"
    outputs = body.get("outputs", [])
    outs = outputs if isinstance(outputs, list) else [outputs]
    if any(_prop(o) is None for o in outs):
        return "outputs must name an id and a property"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    return None


def serve(app: dash.Dash, host: str, port: int, *, threads: int = THREADS, connection_limit: int = CONNECTION_LIMIT,
          channel_timeout: int = CHANNEL_TIMEOUT) -> None:
    """Serve ``app`` with waitress until interrupted (bounded threads and connections, timeouts, body limit)."""
    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" under load is expected
    waitress.serve(app.server, host=host, port=port, threads=threads, connection_limit=connection_limit,
                   channel_timeout=channel_timeout, cleanup_interval=min(10, channel_timeout),
                   max_request_body_size=MAX_BODY, max_request_header_size=64 * 1024, asyncore_use_poll=True,
                   ident="alignwatch", _quiet=True)
