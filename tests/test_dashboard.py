"""Dashboard: the address/view parser and validators (hand cases and hypothesis fuzzing of every parameter), the
cached data layer (over ``alignwatch.context.compute``, replaced here by a hand-made one on tiny warehouses), the
figures of the Families tab (the report's, from the figure registry: the speech view shows a figure), the callbacks
over HTTP (messages, never tracebacks), ``alignwatch serve``; one real-data view (marked data, slow)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from alignwatch.cli import main
from alignwatch.commands.serve import check_host
from alignwatch import context
from alignwatch.dashboard import create_app
from alignwatch.dashboard import views as dv
from alignwatch.dashboard.data import Data
from alignwatch.dashboard.views import View, make_view, parse_query
from alignwatch.errors import UsageError

THIS_YEAR = dt.date.today().year
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
INJECTION = hs.sampled_from([
    "'; DROP TABLE unga_votes; --", "1 OR 1=1", '" OR ""="', "PRK' --", "Robert'); DROP TABLE students;--",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "../../etc/passwd", "%00", "\x00", "\n\r",
    "${jndi:ldap://x/a}", "{{7*7}}", "__import__('os')", "PRK;RUS", "PRK%2CRUS", "😀", "ＰＲＫ", "A" * 5000,
    "-1", "1e9", "0x7d0", "1991.5", "NaN", "inf", " 1991 ", "99999", "",
])
TEXT = hs.one_of(INJECTION, hs.text(max_size=60), hs.builds(lambda a, b: a + b, INJECTION, hs.text(max_size=10)))


# --------------------------------------------------------------------------------------- views and the URL


def test_empty_address_is_the_default_view():
    assert parse_query("") == parse_query("?") == parse_query(None) == View(("PRK", "CHN", "RUS"), (1991, THIS_YEAR))


def test_address_round_trip_and_canonical_codes():
    v = parse_query("?states=PRK,RUS&from=1991&to=2025")
    assert v == View(("PRK", "RUS"), (1991, 2025))
    assert v.query == "?states=PRK,RUS&from=1991&to=2025" and parse_query(v.query) == v
    assert v.dyads == [("PRK", "RUS")] and v.focus == "PRK" and v.slug == "PRK-RUS_1991-2025"
    # names, lower case, duplicates; the focus stays first; open end = this year
    assert parse_query("?states=north%20korea,china,prk&from=2000") == View(("PRK", "CHN"), (2000, THIS_YEAR))
    assert parse_query("states=CHN,PRK&to=2010").dyads == [("CHN", "PRK")]


@pytest.mark.parametrize("query, says", [
    ("?states=PRK,XYZ", "unknown state 'XYZ'"),
    ("?states=PRK", "at least two different states"),
    ("?states=PRK,prk", "at least two different states"),
    ("?states=,,,", "empty state"),
    ("?states=PRK,RUS&from=2025&to=1991", "year range 2025–1991 is reversed"),
    ("?states=PRK,RUS&to=1950", "is reversed"),  # from defaults to 1991
    ("?states=PRK,RUS&from=1900&to=2025", "outside 1946"),
    ("?states=PRK,RUS&from=1991&to=9999", "outside 1946"),
    ("?states=PRK,RUS&from=1&to=99999", "is not a year"),
    ("?states=PRK,RUS&from=19x1", "is not a year"),
    ("?states=PRK,RUS&from=-5", "is not a year"),
    ("?state=PRK,RUS", "unknown parameter 'state'"),
    ("?states=PRK,RUS&states=CHN,RUS", "given twice"),
    ("?states=PRK,RUS%27%3B%20DROP%20TABLE%20unga_votes%3B--", "contains characters no state name has"),
    ("?states=PRK,%3Cscript%3Ealert(1)%3C/script%3E", "contains characters"),
    ("?states=PRK,%00", "contains characters"),
    ("?states=" + ",".join(["PRK", "CHN", "RUS", "USA", "GBR", "FRA", "JPN", "KOR", "DEU", "IND", "BRA", "ZAF",
                            "TUR"]), "too many states (13)"),
    ("?states=PRK," + "A" * 61, "too long"),
    ("?" + "x" * 600, "query string is too long"),
    ("?a=1&b=2&c=3&d=4&e=5&f=6&g=7", "too many parameters"),
])
def test_bad_addresses_give_one_clear_message(query, says):
    with pytest.raises(UsageError) as e:
        parse_query(query)
    assert says in str(e.value)
    assert "Traceback" not in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("states, first, last, says", [
    (None, 1991, 2025, "no states chosen"),
    (["PRK"], 1991, 2025, "at least two"),
    (["PRK", 5], 1991, 2025, "is not text"),
    ({"PRK": 1}, 1991, 2025, "not a list"),
    (["PRK", "RUS"], None, 2025, "not a year"),
    (["PRK", "RUS"], True, 2025, "not a year"),
    (["PRK", "RUS"], 1991.5, 2025, "not a year"),
    (["PRK", "RUS"], float("nan"), 2025, "not a year"),
    (["PRK", "RUS"], 2020, 1999, "reversed"),
])
def test_bad_controls_give_one_clear_message(states, first, last, says):
    with pytest.raises(UsageError, match=says):
        make_view(states, first, last)


def test_controls_accept_slider_numbers():
    assert make_view(["PRK", "RUS"], 1991.0, np.int64(2025)) == View(("PRK", "RUS"), (1991, 2025))


def _valid_or_usage_error(fn, *args) -> View | None:
    try:
        v = fn(*args)
    except UsageError as e:
        assert str(e) and "Traceback" not in str(e)
        return None
    assert isinstance(v, View) and 2 <= len(v.states) <= dv.MAX_STATES
    assert all(len(s) == 3 and s.isupper() for s in v.states)
    assert dv.YEAR_MIN <= v.years[0] <= v.years[1] <= THIS_YEAR
    return v


@FUZZ
@given(hs.text(max_size=700))
def test_fuzz_raw_address(q):
    _valid_or_usage_error(parse_query, q)


@FUZZ
@given(hs.dictionaries(hs.one_of(hs.sampled_from(dv.PARAMS), TEXT), TEXT, max_size=5))
def test_fuzz_every_address_parameter(params):
    _valid_or_usage_error(parse_query, "?" + urllib.parse.urlencode(params))


ANY = hs.one_of(hs.none(), hs.booleans(), hs.integers(-10**6, 10**6), hs.floats(allow_nan=True), TEXT)


@FUZZ
@given(hs.one_of(ANY, hs.lists(ANY, max_size=15), hs.lists(hs.sampled_from(["PRK", "CHN", "RUS", "xx"]))), ANY, ANY)
def test_fuzz_every_control_parameter(states, first, last):
    _valid_or_usage_error(make_view, states, first, last)


# ------------------------------------------------------------------------------ the data layer (fake compute)


def _fake_context(wh, focus, partners, weights=None, years=None, replicates=None):
    """A hand-made Context: composite rises by 0.1 a year; two periods split at the middle year. The dashboard
    asks for the whole series (``years`` None): it is 1991–2025 here."""
    years = years or (1991, 2025)
    rows, panel, periods = [], [], {}
    mid = (years[0] + years[1]) // 2
    for p in partners:
        a, b = sorted((focus, p))
        for y in range(years[0], years[1] + 1):
            v = round(0.1 * (y - years[0]), 6)
            rows.append(dict(a=a, b=b, year=y, political=v, political_lo=v - 0.5, political_hi=v + 0.5,
                             political_families=2, economic=np.nan, economic_lo=np.nan, economic_hi=np.nan,
                             economic_families=0, composite=v, composite_lo=v - 1, composite_hi=v + 1, n_families=2,
                             families="treaties,unga", gap=np.nan, divergence=False))
            for fam, score in (("unga", 0.8), ("treaties", 3.0)):
                panel.append(dict(a=a, b=b, year=y, family=fam, indicator=fam, score=score, se=0.1, source=f"src_{fam}",
                                  domain="political", mean=0.5, sd=1.0, noise=0.1, n_ref=10, z=score - 0.5,
                                  z_se=0.1))
        periods[(a, b)] = pd.DataFrame([
            dict(start=years[0], end=mid, label="alignment", political=0.1, economic=np.nan, composite=0.1,
                 break_stability=np.nan, break_interval="", top_families="unga +0.30", events=""),
            dict(start=mid + 1, end=years[1], label="entanglement", political=1.0, economic=np.nan, composite=1.0,
                 break_stability=0.9, break_interval=f"{mid}–{mid + 2}", top_families="treaties +2.50",
                 events=""),
        ])
    return context.Context(wh=wh, focus=focus, partners=list(partners), weights=weights, years=years,
                         index=pd.DataFrame(rows), panel=pd.DataFrame(panel), periods=periods, notes=["test note"])


@pytest.fixture
def calls(monkeypatch):
    """Replace the context's compute by the fake and count its calls."""
    made = []

    def compute(*args, **kw):
        made.append((args[1], args[2], args[4]))
        return _fake_context(*args, **kw)

    monkeypatch.setattr(context, "compute", compute)
    return made


def _chronology():
    return dict(
        chr_treaties=pd.DataFrame({
            "date_signed": ["1961-07-06", "1961-07-11", "2000-02-09", "2024-06-19"],
            "parties": ["PRK;SUN", "PRK;CHN", "PRK;RUS", "PRK;RUS"],
            "name": ["USSR-DPRK treaty of 1961", "Sino-DPRK treaty of 1961", "Russia-DPRK treaty of 2000",
                     "Treaty on Comprehensive Strategic Partnership (Russia-DPRK)"],
            "source": ["s1", "s2", "s3", "https://example.org/2024-treaty"]}),
        chr_summits=pd.DataFrame({
            "date_start": ["1986-10-24", "2019-04-24", "2023-09-13"], "visitor_country": ["PRK", "PRK", "PRK"],
            "host_country": ["SUN", "RUS", "RUS"], "visitor": ["Kim Il Sung", "Kim Jong Un", "Kim Jong Un"],
            "location_city": ["Moscow", "Vladivostok", "Vostochny"]}),
        # General Debate speeches of three years: the Families tab draws the speech similarity of PRK-RUS
        ungdc_speeches=pd.DataFrame({
            "year": [2000, 2000, 2000, 2001, 2001, 2001, 2002, 2002],
            "iso3": ["PRK", "RUS", "CHN", "PRK", "RUS", "CHN", "PRK", "CHN"],
            "text": ["peace nuclear sovereignty", "peace nuclear", "peace trade", "sanctions imperialists peace",
                     "sanctions peace", "trade peace", "imperialists sovereignty", "sovereignty trade"]}),
    )


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path, monkeypatch):
    """The dashboard's separate derived cache goes to the user's cache dir: keep each test's apart."""
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def wh(tiny_wh):
    return tiny_wh(**_chronology())


PRK_RUS = View(("PRK", "RUS"), (1991, 2025))


def _cache_tables(path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_name "
                                          "LIKE '_cache_dash%'").fetchall()]
    finally:
        con.close()


def test_index_view_calls_the_context_compute_once(wh, calls):
    d = Data(wh.path)
    v = d.index_view(PRK_RUS)
    assert calls == [("PRK", ["RUS"], None)]  # the whole series, once per states and weights; years only cut

    assert v["title"] == "North Korea with Russia, 1991–2025" and v["query"] == PRK_RUS.query
    assert v["latest"] == [{"dyad": "PRK–RUS", "year": 2025, "composite": 3.4, "lo": 2.4, "hi": 4.4, "families": 2}]
    assert [r["label"] for r in v["periods"][0]["rows"]] == ["alignment", "entanglement"]
    assert v["notes"] == ["test note"]
    d.index_view(PRK_RUS), d.index_csv(PRK_RUS), d.panel_csv(PRK_RUS)
    assert len(calls) == 1


def test_treaties_listed_and_marked(wh, calls):
    v = Data(wh.path).index_view(PRK_RUS)
    tr = pd.DataFrame(v["treaties"])
    # signed before the range and possibly in force: listed; SUN is RUS (continuity); CHN's treaty is not this dyad
    assert tr["date"].tolist() == ["1961-07-06", "2000-02-09", "2024-06-19"]
    assert tr.loc[2, "event"].startswith("Treaty on Comprehensive Strategic Partnership")
    assert tr.loc[2, "source"] == "https://example.org/2024-treaty"
    marks = [a["text"] for a in v["index_fig"]["layout"]["annotations"] if a["text"].startswith("treaty")]
    assert marks == ["treaty 2000-02", "treaty 2024-06"]  # only those inside the plotted years
    assert [m["date"] for m in v["meetings"]] == ["2019-04-24", "2023-09-13"]  # 1986 is outside the range


def test_csv_export_carries_periods_and_weights(wh, calls):
    df = Data(wh.path).index_csv(PRK_RUS)
    assert len(df) == 35 and df["year"].tolist() == list(range(1991, 2026))
    assert (df.loc[df.year <= 2008, "period_label"] == "alignment").all()
    assert (df.loc[df.year >= 2009, "period_label"] == "entanglement").all()
    assert df.loc[df.year == 2009, "period"].item() == "2009–2025"
    assert df.loc[df.year == 2001, "composite"].item() == pytest.approx(1.0)
    assert (df["weights"] == "weights.toml (default)").all()
    fam = Data(wh.path).panel_csv(PRK_RUS)
    assert set(fam["family"]) == {"unga", "treaties"} and set(fam["source"]) == {"src_unga", "src_treaties"}


def test_read_only_layer_never_writes(wh, calls, tmp_path):
    before = os.stat(wh.path).st_mtime_ns
    assert Data(wh.path).index_view(PRK_RUS)["latest"]
    assert _cache_tables(wh.path) == [] and os.stat(wh.path).st_mtime_ns == before
    assert not list(wh.path.parent.glob(f"{wh.path.name}.wal"))
    assert list((tmp_path / "cache" / "derived").glob("*.duckdb"))  # derived tables went to their own file


def test_derived_cache_survives_a_restart(wh, calls, monkeypatch):
    d = Data(wh.path)
    first = d.index_view(PRK_RUS)
    d.close()

    def boom(*a, **k):
        raise AssertionError("recomputed despite the cache")

    monkeypatch.setattr(context, "compute", boom)
    again = Data(wh.path).index_view(PRK_RUS)  # a new server reads the separate cache file
    assert again["latest"] == first["latest"] and again["periods"] == first["periods"]
    assert again["index_fig"]["data"][1]["y"] == first["index_fig"]["data"][1]["y"]


def test_one_compute_for_simultaneous_requests(wh, monkeypatch):
    n = []

    def slow(*args, **kw):
        n.append(1)
        time.sleep(0.3)
        return _fake_context(*args, **kw)

    monkeypatch.setattr(context, "compute", slow)
    d = Data(wh.path)
    out = []
    threads = [threading.Thread(target=lambda: out.append(d.index_view(PRK_RUS)["latest"])) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(n) == 1 and len(out) == 8 and all(o == out[0] for o in out)


def test_failures_are_cached_and_reingest_clears_everything(wh, monkeypatch, tmp_path):
    n = []

    def none(*a, **k):
        n.append(1)
        raise UsageError("no measure family has data for these states")

    monkeypatch.setattr(context, "compute", none)
    d = Data(wh.path)
    for _ in range(3):
        with pytest.raises(UsageError, match="no measure family"):
            d.index_view(PRK_RUS)
    assert len(n) == 1
    # an ingest replaces the file (new inode): the next request computes again
    copy = tmp_path / "new.duckdb"
    shutil.copy(wh.path, copy)
    os.replace(copy, wh.path)
    with pytest.raises(UsageError):
        d.index_view(PRK_RUS)
    assert len(n) == 2


def _values(a) -> np.ndarray:
    """A plotly JSON array: a list, or the typed binary form ({"dtype", "bdata"})."""
    import base64

    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"])
    return np.array([np.nan if v is None else v for v in a], dtype=float)


def test_families_tab_draws_the_report_figures(wh, calls):
    """The Families tab draws the figures of the report's section from the one figure registry: the z figure per
    dyad, the speech similarity of the pair (a real figure from the tiny speeches table), and in place notes where
    a table is missing or a figure fails."""
    from alignwatch.report import figures

    items = Data(wh.path).families_view(PRK_RUS)
    assert items[0]["title"].startswith("PRK–RUS: every measure family") and "figure" in items[0]
    speech = next(i for i in items if i["title"] == figures.SPEECHES.title)
    assert "figure" in speech, speech.get("note")
    line = next(t for t in speech["figure"]["data"] if t.get("name", "").endswith("Russia"))
    by_year = dict(zip(_values(line["x"]).tolist(), _values(line["y"]).tolist()))
    assert by_year[2000] > 0 and by_year[2001] > 0  # cosine of two speeches that share words
    assert all(np.isnan(v) for y, v in by_year.items() if y not in (2000, 2001))  # no RUS speech: NA, never 0
    notes = {i["title"]: i["note"] for i in items if "note" in i}
    assert "lacks table(s)" in notes["PRK–RUS: Alliances and treaties: ATOP, COW and the curated treaty spells"]
    # a figure that fails with a bug (here: the summits fixture lacks columns) says so; the tab still shows
    assert notes["PRK–RUS: Leader and minister visits, weighted by level"].endswith("the server log has the details.")
    assert all(n.startswith("Not available") for n in notes.values())
    titles = [i["title"] for i in items]
    assert titles.index(figures.UNGA_SERIES.title) < titles.index(figures.SPEECHES.title)  # the report's order


def test_sections_without_tables_are_notes(wh, calls, tiny_wh):
    d = Data(wh.path)
    assert d.redlines_view(PRK_RUS)["note"].startswith("Not available: ")
    assert d.network_view(PRK_RUS)["note"].startswith("Not available: ")
    rows = Data(tiny_wh().path).claims_view()["rows"]  # every claim answers, "not checkable" without its tables
    assert rows and {r["verdict"] for r in rows} == {"not checkable"}


# ----------------------------------------------------------------------------------- callbacks over HTTP


def _callback(client, output_has: str) -> dict:
    deps = client.get("/_dash-dependencies").get_json()
    return next(d for d in deps if output_has in d["output"])


def _post(client, cb: dict, values: dict, changed: list[str]):
    def spec(o):
        i, p = o.split(".", 1)
        return {"id": i, "property": p}
    out = cb["output"]
    outputs = [spec(o) for o in out.strip(".").split("...")] if out.startswith("..") else spec(out)
    fill = lambda items: [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]  # noqa: E731
    return client.post("/_dash-update-component", json={"output": out, "outputs": outputs,
                                                         "inputs": fill(cb["inputs"]), "state": fill(cb["state"]),
                                                         "changedPropIds": changed})


@pytest.fixture
def client(wh, calls):
    app = create_app(wh.path)
    return app.server.test_client()


def test_index_callback_over_http(client):
    cb = _callback(client, "index-graph.figure")
    r = _post(client, cb, {"url.search": PRK_RUS.query}, ["url.search"])
    assert r.status_code == 200
    resp = r.get_json()["response"]
    assert resp["view-title"]["children"] == "North Korea with Russia, 1991–2025"
    assert resp["index-graph"]["figure"]["data"] and resp["message"]["children"] is None
    assert "Treaty on Comprehensive Strategic Partnership" in json.dumps(resp["treaties"])


@pytest.mark.parametrize("query, says", [
    ("?states=PRK,XYZ", "unknown state 'XYZ'"),
    ("?states=PRK,RUS&from=2025&to=1991", "reversed"),
    ("?states=PRK,RUS%27%3B%20DROP%20TABLE%20unga_votes%3B--", "contains characters"),
])
def test_bad_address_is_a_message_in_the_page(client, query, says):
    r = _post(client, _callback(client, "index-graph.figure"), {"url.search": query}, ["url.search"])
    assert r.status_code == 200
    text = json.dumps(r.get_json())
    assert "Cannot show this view" in text and says in text and "Traceback" not in text


def test_internal_error_shows_no_details(wh, monkeypatch):
    def bug(*a, **k):
        raise RuntimeError("secret /home/x/path")

    monkeypatch.setattr(context, "compute", bug)
    c = create_app(wh.path).server.test_client()
    r = _post(c, _callback(c, "index-graph.figure"), {"url.search": PRK_RUS.query}, ["url.search"])
    text = json.dumps(r.get_json())
    assert r.status_code == 200 and "Internal error" in text and "RuntimeError" in text
    assert "secret" not in text and "Traceback" not in text


@FUZZ
@given(hs.one_of(hs.text(max_size=300), hs.builds(lambda s: "?states=" + urllib.parse.quote(s), TEXT)))
def test_fuzz_address_never_breaks_the_server(client, q):
    r = _post(client, _callback(client, "index-graph.figure"), {"url.search": q}, ["url.search"])
    assert r.status_code == 200 and "Traceback" not in r.get_data(as_text=True)


def test_controls_write_the_address(client):
    cb = _callback(client, "url.search")
    r = _post(client, cb, {"url.search": "", "states.value": ["PRK", "RUS"], "years.value": [1991, 2025]},
              ["states.value"])
    assert r.get_json()["response"]["url"]["search"] == "?states=PRK,RUS&from=1991&to=2025"
    r = _post(client, cb, {"url.search": "", "states.value": ["PRK"], "years.value": [1991, 2025]},
              ["states.value"])
    resp = r.get_json()["response"]
    assert "url" not in resp and "at least two" in json.dumps(resp["control-message"])
    # the address sets the controls (first load, back button), canonical codes written back
    r = _post(client, cb, {"url.search": "?states=prk,russia&from=2000&to=2010", "states.value": None,
                           "years.value": None}, ["url.search"])
    resp = r.get_json()["response"]
    assert resp["states"]["value"] == ["PRK", "RUS"] and resp["years"]["value"] == [2000, 2010]
    assert resp["url"]["search"] == "?states=PRK,RUS&from=2000&to=2010"


def test_csv_download_callback(client):
    cb = _callback(client, "csv-download.data")
    r = _post(client, cb, {"csv-button.n_clicks": 1, "url.search": PRK_RUS.query}, ["csv-button.n_clicks"])
    got = r.get_json()["response"]["csv-download"]["data"]
    assert got["filename"] == "alignwatch_index_PRK-RUS_1991-2025.csv"
    lines = got["content"].splitlines()
    assert lines[0].startswith("a,b,year,weights,political") and len(lines) == 36
    assert lines[-1].startswith("PRK,RUS,2025,")


def test_server_limits_and_assets(client):
    assert client.post("/_dash-update-component", data=b"x" * (2 << 20),
                       content_type="application/json").status_code == 413
    assert client.get("/").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"{}", b'{"output": "nope.children"}',
                                  b'{"output": "index-graph.figure", "inputs": 7}',
                                  b'{"output": "index-graph.figure", "inputs": [{"id": "x", "property": "y"}]}'])
def test_malformed_callback_body_is_400(client, body):
    cb = _callback(client, "index-graph.figure")
    if body.startswith(b'{"output": "index-graph.figure"'):
        body = body.replace(b'"index-graph.figure"', json.dumps(cb["output"]).encode())
    r = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert r.status_code == 400 and b"malformed callback request" in r.data and b"Traceback" not in r.data


# ---------------------------------------------------------------------------------------- alignwatch serve


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                            ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                            ("dash.example.org", False)])
def test_host_check(host, loopback):
    assert check_host(host) is loopback


@pytest.mark.parametrize("host", ["", "bad host", "; rm -rf /", "a" * 300, "-oops", "http://x"])
def test_bad_host_is_a_usage_error(host):
    with pytest.raises(UsageError):
        check_host(host)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_warns_when_not_loopback(wh, monkeypatch, capsys):
    from alignwatch.dashboard import app as dashboard_app

    ran = []
    monkeypatch.setattr(dashboard_app, "serve", lambda app, host, port, **kw: ran.append({"host": host, **kw}))
    rc = main(["serve", "--host", "0.0.0.0", "--port", str(_free_port()), "--db", str(wh.path), "--no-warm"])
    err = capsys.readouterr().err
    assert rc == 0 and ran and ran[0]["host"] == "0.0.0.0" and ran[0]["threads"] == 8
    assert "warning: --host 0.0.0.0 is not a loopback address" in err


def test_serve_bad_arguments_exit_codes(wh, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port), "--db", str(wh.path)]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
    assert main(["serve", "--host", "; rm -rf /", "--db", str(wh.path)]) == 2
    assert main(["serve", "--db", str(wh.path) + ".missing"]) == 4
    assert "no warehouse" in capsys.readouterr().err


def test_serve_answers_on_loopback(wh):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "alignwatch", "serve", "--port", str(port), "--db", str(wh.path),
                             "--no-warm"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.2)
        else:
            pytest.fail("no answer on 127.0.0.1")
        assert "<title>alignwatch</title>" in body
    finally:
        proc.terminate()
        proc.wait(10)


# ------------------------------------------------------------------------------------------------ real data


@pytest.mark.data
@pytest.mark.slow
def test_real_prk_rus_view_matches_the_index(real_wh):
    from alignwatch import index as idx

    view = View(("PRK", "RUS"), (2015, 2025))
    d = Data(real_wh.path)
    v = d.index_view(view)
    tr = pd.DataFrame(v["treaties"])
    assert ((tr["date"] == "2024-06-19") & tr["event"].str.contains("Comprehensive Strategic Partnership")).any()
    assert "treaty 2024-06" in [a["text"] for a in v["index_fig"]["layout"]["annotations"]]
    csv = d.index_csv(view)
    assert csv["year"].between(2015, 2025).all() and csv["year"].is_unique
    # the same numbers as the index itself (point estimates do not depend on the bootstrap)
    want = idx.dyad_index(real_wh, ["PRK", "RUS"], (2015, 2025), replicates=0)
    got = csv.set_index("year")["composite"]
    np.testing.assert_allclose(got.to_numpy(float), want.set_index("year")["composite"].reindex(got.index)
                               .to_numpy(float), rtol=1e-9, equal_nan=True)


# ------------------------------------------------------------------- CLI: bad input everywhere, one clear line

CLI_CASES = [
    (["dyad", "PRK", "XYZ"], 2, "unknown state 'XYZ'"),
    (["dyad", "PRK", "CHN", "--from", "2025", "--to", "1991"], 2, "reversed"),
    (["dyad", "PRK", "CHN", "--from", "1", "--to", "99999"], 2, "outside"),
    (["dyad", "PRK", "CHN", "--from", "abc"], 2, "Invalid value for '--from'"),
    (["dyad", "PRK", "CHN", "--format", "xml"], 2, "Invalid value for '--format'"),
    (["index", "PRK,';DROP TABLE unga_votes;--"], 2, "error:"),
    (["index", "PRK,CHN", "--replicates", "-5"], 2, "Invalid value for '--replicates'"),
    (["serve", "--port", "0"], 2, "Invalid value for '--port'"),
    (["serve", "--port", "70000"], 2, "Invalid value for '--port'"),
    (["report", "--focus", "<script>", "--partners", "CHN"], 2, "error:"),
    (["no-such-command"], 2, "No such command"),
]


@pytest.mark.parametrize("argv, code, says", CLI_CASES, ids=[" ".join(c[0])[:40] for c in CLI_CASES])
def test_cli_bad_input_is_a_message_and_an_exit_code(wh, capsys, argv, code, says):
    """Every bad value, including those the option parser rejects, ends as a message and the documented exit
    code (docs/cli.md), never as a traceback."""
    rc = main(argv + (["--db", str(wh.path)] if argv[0] in ("dyad", "index", "report", "serve") else []))
    err = capsys.readouterr().err
    assert rc == code and says in err and "Traceback" not in err


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cmd=hs.sampled_from(["dyad", "index", "periods", "serve", "states"]), a=TEXT, b=TEXT,
       first=hs.one_of(TEXT, hs.integers(-10**5, 10**5).map(str)))
def test_cli_fuzz_every_argument(tiny_wh, monkeypatch, capsys, cmd, a, b, first):
    from alignwatch.dashboard import app as dashboard_app

    monkeypatch.setattr(dashboard_app, "serve", lambda *a, **kw: None)  # a valid `serve` must not block
    db = str(tiny_wh().path)  # empty warehouse: a valid request ends in exit code 4, fast
    argv = {"dyad": ["dyad", a, b, "--from", first, "--db", db],
            "index": ["index", f"{a},{b}", "--to", first, "--db", db],
            "periods": ["periods", a, b, "--from", first, "--db", db],
            "serve": ["serve", "--host", a, "--port", first, "--db", db, "--no-warm"],
            "states": ["states", "--resolve", a]}[cmd]
    if any("\x00" in v for v in argv):
        return  # an OS argv cannot carry NUL
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc in (0, 1, 2, 3, 4, 5) and "Traceback" not in err
