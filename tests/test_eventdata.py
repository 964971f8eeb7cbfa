"""Event data at scale: format validation, hand-computed panels, synthetic data, and DuckDB == Spark.

Fixtures are tiny files written here. The engine-equality tests (``slow``) start one local[2] Spark session for
the whole run and compare every panel cell by cell with DuckDB.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from alignwatch.cli import main
from alignwatch.errors import DataError, UsageError
from alignwatch.eventdata import aggregate as agg
from alignwatch.eventdata import engines, synthetic
from alignwatch.eventdata.formats import EVENT_SCHEMA, GDELT_COLUMNS
from alignwatch.eventdata.load import ingest_events, read_events

# ------------------------------------------------------------------------------------------------ fixtures


def gdelt_line(eid, day, a1, a2, code, quad, gold) -> str:
    f = dict.fromkeys(GDELT_COLUMNS, "")
    f.update(GlobalEventID=str(eid), Day=day, MonthYear=day[:6], Year=day[:4], Actor1CountryCode=a1,
             Actor2CountryCode=a2, EventCode=code, EventBaseCode=code[:3], EventRootCode=code[:2],
             QuadClass=str(quad), GoldsteinScale=str(gold), SOURCEURL="https://example.org/x")
    return "\t".join(f[c] for c in GDELT_COLUMNS)


GDELT_ROWS = [
    (1, "20190301", "CHN", "PRK", "042", 1, 1.9),
    (2, "20190402", "PRK", "CHN", "190", 4, -10.0),
    (3, "20190315", "CHN", "PRK", "061", 2, 6.0),
    (4, "20200110", "RUS", "PRK", "0211", 1, 3.0),
    (5, "20200111", "USA", "", "010", 1, 0.0),  # no target country: not dyadic
    (6, "20200112", "AFR", "CHN", "112", 3, -2.0),  # CAMEO region: not a state, kept as NA
    (7, "20200113", "PRK", "PRK", "173", 4, -5.0),  # domestic event: not a dyad
]


def write_gdelt(path, rows=GDELT_ROWS, extra: list[str] | None = None):
    lines = [gdelt_line(*r) for r in rows] + (extra or [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ICEWS_HEADER = ["Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
                "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID"]


def write_icews(path, rows):
    lines = ["\t".join(ICEWS_HEADER)]
    for eid, date, src, code, inten, tgt in rows:
        lines.append("\t".join([str(eid), date, "x", "Government", src, "text", code, str(inten), "y", "", tgt, "9"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


POLECAT_HEADER = ["Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Actor Name",
                  "Actor Country", "Recipient Name", "Recipient Country", "Event Text"]


def write_polecat(path, rows):
    lines = ["\t".join(POLECAT_HEADER)]
    for eid, date, etype, inten, quad, src, tgt in rows:
        lines.append("\t".join([eid, date, etype, "", inten, quad, "a", src, "b", tgt, "t"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def events_frame() -> pd.DataFrame:
    """Normalised events for the hand-computed panels (the GDELT fixture after ingest, plus one 2019 USA event)."""
    rows = [
        ("1", dt.date(2019, 3, 1), "CHN", "PRK", "042", 4, 1, 1.9),
        ("2", dt.date(2019, 4, 2), "PRK", "CHN", "190", 19, 4, -10.0),
        ("3", dt.date(2019, 3, 15), "CHN", "PRK", "061", 6, 2, 6.0),
        ("4", dt.date(2020, 1, 10), "RUS", "PRK", "0211", 2, 1, 3.0),
        ("5", dt.date(2020, 1, 11), "USA", None, "010", 1, 1, 0.0),
        ("6", dt.date(2020, 1, 12), None, "CHN", "112", 11, 3, -2.0),
        ("7", dt.date(2020, 1, 13), "PRK", "PRK", "173", 17, 4, -5.0),
        ("8", dt.date(2019, 12, 31), "USA", "PRK", "130", 13, 3, -4.4),
    ]
    df = pd.DataFrame(rows, columns=["event_id", "date", "source_iso3", "target_iso3", "event_code", "cameo_root",
                                     "quad_class", "goldstein"])
    df["source"], df["target"], df["dataset"] = df.source_iso3, df.target_iso3, "gdelt"
    return df[list(EVENT_SCHEMA.names)]


def as_arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, schema=EVENT_SCHEMA, preserve_index=False)


VOTES = pd.DataFrame(
    [(1, "CHN", "yes"), (1, "PRK", "yes"), (1, "RUS", "yes"), (1, "USA", "no"),
     (2, "CHN", "abstain"), (2, "PRK", "yes"), (2, "RUS", "abstain"), (2, "USA", "no"),
     (3, "CHN", "no"), (3, "PRK", "no"), (3, "USA", "yes"),  # RUS absent: dropped from tidy votes
     (4, "CHN", "yes"), (4, "PRK", "yes"), (4, "RUS", "no")],
    columns=["rcid", "iso3", "vote"],
)
ROLL_CALLS = pd.DataFrame({"rcid": [1, 2, 3, 4], "session": [73, 73, 74, 74],
                           "date": [dt.date(2018, 12, 1), dt.date(2018, 12, 2), dt.date(2019, 1, 5),
                                    dt.date(2019, 10, 1)]})


@pytest.fixture
def duck():
    return engines.connect("duckdb", in_memory=True)


def db_tables(db) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
    finally:
        con.close()


def db_df(db, sql) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


# ------------------------------------------------------------------------------------------------ ingest


def test_gdelt_ingest_normalises_and_records_provenance(tmp_path):
    db = tmp_path / "wh.duckdb"
    rep = ingest_events([write_gdelt(tmp_path / "a.export.CSV")], "gdelt", db)
    assert (rep.table, rep.rows, rep.dyadic, rep.years) == ("ev_events_gdelt", 7, 4, (2019, 2020))
    df = db_df(db, "SELECT * FROM ev_events_gdelt ORDER BY event_id")
    assert list(df.columns) == list(EVENT_SCHEMA.names)
    assert df.source_iso3.tolist()[:4] == ["CHN", "PRK", "CHN", "RUS"]
    assert pd.isna(df.target_iso3[4]) and pd.isna(df.source_iso3[5])  # empty cell, CAMEO region AFR
    assert df.source[5] == "AFR"  # the raw code is kept
    assert df.event_code.tolist()[:4] == ["042", "190", "061", "0211"]
    assert df.cameo_root.tolist()[:4] == [4, 19, 6, 2]
    assert df.date[0] == pd.Timestamp("2019-03-01")
    prov = db_df(db, "SELECT * FROM _provenance")
    assert prov.loc[0, "table"] == "ev_events_gdelt" and prov.loc[0, "rows"] == 7
    assert prov.loc[0, "year_min"] == 2019 and "GDELT" in prov.loc[0, "citation"]


@pytest.mark.parametrize(
    "bad_line, line, column, expected",
    [
        ("1\t2\t3", 3, None, "expected 61"),  # wrong field count
        (gdelt_line(9, "20191345", "CHN", "PRK", "042", 1, 1.9), 3, "Day", "YYYYMMDD"),
        (gdelt_line(9, "20190101", "CHN", "PRK", "042", 7, 1.9), 3, "QuadClass", "quad class"),
        (gdelt_line(9, "20190101", "CHN", "PRK", "042", 1, 12.5), 3, "GoldsteinScale", "-10..10"),
        (gdelt_line(9, "20190101", "CHN", "PRK", "2A1", 1, 1.0), 3, "EventCode", "CAMEO"),
        (gdelt_line(9, "20190101", "CHN", "PRK", "0012", 1, 1.0), 3, "EventCode", "root"),
        (gdelt_line(9, "20190101", "XYZ", "PRK", "042", 1, 1.0), 3, "Actor1CountryCode", "unknown country 'XYZ'"),
        (gdelt_line("", "20190101", "CHN", "PRK", "042", 1, 1.0), 3, "GlobalEventID", "event id"),
    ],
)
def test_bad_row_names_file_and_line_and_loads_nothing(tmp_path, bad_line, line, column, expected):
    db = tmp_path / "wh.duckdb"
    good = write_gdelt(tmp_path / "good.CSV")
    ingest_events([good], "gdelt", db)
    before = db_df(db, "SELECT * FROM ev_events_gdelt ORDER BY event_id")
    bad = write_gdelt(tmp_path / "bad.CSV", rows=GDELT_ROWS[:2], extra=[bad_line] + [gdelt_line(*GDELT_ROWS[3])])
    with pytest.raises(DataError) as err:
        ingest_events([good, bad], "gdelt", db)  # the good file first: its rows must not stay behind either
    e = err.value
    assert e.path == str(bad) and e.row == line and e.column == column
    assert expected in str(e) and str(bad) in str(e)
    pd.testing.assert_frame_equal(db_df(db, "SELECT * FROM ev_events_gdelt ORDER BY event_id"), before)
    assert not [t for t in db_tables(db) if t.startswith("_staging")]


def test_bad_row_in_a_later_block_reports_its_own_line(tmp_path):
    rows = [(i, "20190301", "CHN", "PRK", "042", 1, 1.9) for i in range(1, 3001)]
    path = write_gdelt(tmp_path / "big.CSV", rows=rows, extra=[gdelt_line(9999, "2019-03-01", "CHN", "PRK", "042",
                                                                             1, 1.9)])
    with pytest.raises(DataError) as err:
        list(read_events(path, "gdelt", block_size=1 << 16))  # many blocks
    assert err.value.row == 3001 and err.value.column == "Day"


def test_first_ingest_failing_leaves_no_table(tmp_path):
    db = tmp_path / "wh.duckdb"
    bad = write_gdelt(tmp_path / "bad.CSV", extra=["only\tthree\tfields"])
    with pytest.raises(DataError) as err:
        ingest_events([bad], "gdelt", db)
    assert err.value.row == len(GDELT_ROWS) + 1
    assert "ev_events_gdelt" not in db_tables(db)


def test_lenient_countries_keeps_unknown_as_nondyadic(tmp_path):
    db = tmp_path / "wh.duckdb"
    path = write_gdelt(tmp_path / "a.CSV", extra=[gdelt_line(8, "20190101", "XYZ", "PRK", "042", 1, 1.0)])
    rep = ingest_events([path], "gdelt", db, lenient_countries=True)
    assert rep.rows == 8 and rep.dyadic == 4 and rep.unresolved == {"XYZ": 1}


def test_wrong_format_and_arguments(tmp_path):
    icews = write_icews(tmp_path / "icews.tsv", [(1, "2019-01-01", "China", "042", 1.9, "North Korea")])
    with pytest.raises(DataError, match="expected 61") as err:
        ingest_events([icews], "gdelt", tmp_path / "wh.duckdb")
    assert err.value.row == 1
    with pytest.raises(UsageError, match="unknown event format"):
        ingest_events([icews], "acled", tmp_path / "wh.duckdb")
    with pytest.raises(DataError, match="does not exist"):
        ingest_events([tmp_path / "missing.tsv"], "icews", tmp_path / "wh.duckdb")


def test_invalid_utf8_and_duplicate_files(tmp_path):
    path = write_icews(tmp_path / "i.tsv", [(1, "2014-01-01", "China", "042", 1.9, "Japan"),
                                            (2, "2014-01-02", "China", "042", 1.9, "Japan")])
    data = path.read_bytes().split(b"\n")
    data[2] = data[2].replace(b"Japan", b"Jap\xffan")
    path.write_bytes(b"\n".join(data))
    with pytest.raises(DataError, match="invalid UTF-8") as err:
        ingest_events([path], "icews", tmp_path / "wh.duckdb")
    assert err.value.row == 3 and err.value.column == "Target Country"
    good = write_gdelt(tmp_path / "a.CSV")
    copy = tmp_path / "b.CSV"
    copy.write_bytes(good.read_bytes())
    with pytest.raises(UsageError, match="same content"):
        ingest_events([good, copy], "gdelt", tmp_path / "wh.duckdb")


def test_icews_names_leading_zeros_and_derived_quads(tmp_path):
    rows = [
        (10, "2014-05-01", "China", "42", 1.9, "North Korea"),  # leading zero lost in a spreadsheet
        (11, "2014-05-02", "Russian Federation", "1831", -10.0, "Ukraine"),
        (12, "2014-05-03", "North Korea", "111", -2.0, "United States"),
        (13, "1990-05-03", "Yugoslavia", "0874", 5.0, "Serbia"),  # name resolved for the event's year
    ]
    tbl = pa.concat_tables(read_events(write_icews(tmp_path / "i.tsv", rows), "icews"))
    df = tbl.to_pandas()
    assert df.source_iso3.tolist() == ["CHN", "RUS", "PRK", "YUG"]
    assert df.target_iso3.tolist() == ["PRK", "UKR", "USA", "SRB"]
    assert df.event_code.tolist() == ["042", "1831", "111", "0874"]
    assert df.cameo_root.tolist() == [4, 18, 11, 8]
    assert df.quad_class.tolist() == [1, 4, 3, 2]  # roots 04, 18, 11, 08 under GDELT's grouping


def test_icews_missing_header_column(tmp_path):
    path = tmp_path / "i.tsv"
    path.write_text("Event ID\tEvent Date\tSource Country\tTarget Country\n1\t2014-01-01\tChina\tJapan\n")
    with pytest.raises(DataError, match="header lacks column 'CAMEO Code'") as err:
        ingest_events([path], "icews", tmp_path / "wh.duckdb")
    assert err.value.row == 1 and err.value.column == "CAMEO Code"


def test_polecat_quad_names_and_no_cameo_roots(tmp_path):
    rows = [("a1", "2023-02-01", "consult", "1.0", "VERBAL COOPERATION", "CHN", "PRK"),
            ("a2", "2023-02-03", "ASSAULT", "-9", "material_conflict", "RUS", "UKR"),
            ("a3", "2023-02-04", "AID", "", "2", "CHN", "PRK")]
    db = tmp_path / "wh.duckdb"
    ingest_events([write_polecat(tmp_path / "p.tsv", rows)], "polecat", db)
    df = db_df(db, "SELECT * FROM ev_events_polecat ORDER BY event_id")
    assert df.quad_class.tolist() == [1, 4, 2] and df.event_code.tolist() == ["CONSULT", "ASSAULT", "AID"]
    assert df.cameo_root.isna().all() and np.isnan(df.goldstein[2])
    con = engines.connect("duckdb", db)
    panel = agg.collect(agg.event_panel(engines.table(con, "ev_events_polecat"), source="polecat"))
    con.disconnect()  # DuckDB: no writer while this process holds a read-only connection
    chn_prk = panel[(panel.a == "CHN") & (panel.b == "PRK")].iloc[0]
    assert chn_prk.n_events == 2 and chn_prk.n_material_coop == 1 and chn_prk.goldstein_mean == 1.0
    assert pd.isna(chn_prk.n_root_04)  # not CAMEO-coded: NA, never a zero
    bad = write_polecat(tmp_path / "bad.tsv", rows[:1] + [("a9", "2023-02-05", "AID", "1", "NEUTRAL", "CHN", "PRK")])
    with pytest.raises(DataError, match="quad class") as err:
        ingest_events([bad], "polecat", db)
    assert err.value.row == 3 and err.value.column == "Quad Code"


def test_gzip_and_zip_inputs(tmp_path):
    import gzip
    import zipfile

    text = write_gdelt(tmp_path / "a.CSV").read_bytes()
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "b.export.CSV.gz").write_bytes(gzip.compress(text))
    with zipfile.ZipFile(tmp_path / "g" / "c.export.CSV.zip", "w") as z:
        z.writestr("c.export.CSV", text)
    rep = ingest_events([tmp_path / "g"], "gdelt", tmp_path / "wh.duckdb")
    assert rep.rows == 14 and len(rep.files) == 2


# ------------------------------------------------------------------------------------------------ panels


def test_event_panel_by_year_by_hand(duck):
    engines.register(duck, "ev", as_arrow(events_frame()))
    df = agg.collect(agg.event_panel(duck.table("ev"), source="gdelt"))
    assert list(zip(df.a, df.b, df.year)) == [("CHN", "PRK", 2019), ("PRK", "RUS", 2020), ("PRK", "USA", 2019)]
    r = df.iloc[0]  # events 1 (coop, +1.9), 2 (PRK->CHN conflict, -10), 3 (material coop, +6)
    assert (r.n_events, r.n_verbal_coop, r.n_material_coop, r.n_verbal_conf, r.n_material_conf) == (3, 1, 1, 0, 1)
    assert r.coop_minus_conflict == 1 and r.net_coop_share == pytest.approx(1 / 3)
    assert r.goldstein_mean == pytest.approx((1.9 - 10.0 + 6.0) / 3)
    assert (r.n_root_04, r.n_root_06, r.n_root_19, r.n_root_01) == (1, 1, 1, 0)  # zero where none, not NA
    r = df.iloc[2]
    assert (r.n_events, r.n_verbal_conf, r.coop_minus_conflict, r.net_coop_share, r.goldstein_mean) == (
        1, 1, -1, -1.0, -4.4)
    assert set(df.source) == {"gdelt"}


def test_event_panel_directed_monthly_and_filters(duck):
    engines.register(duck, "ev", as_arrow(events_frame()))
    ev = duck.table("ev")
    d = agg.collect(agg.event_panel(ev, directed=True))
    assert list(zip(d.a, d.b, d.n_events)) == [("CHN", "PRK", 2), ("PRK", "CHN", 1), ("RUS", "PRK", 1),
                                                ("USA", "PRK", 1)]
    m = agg.collect(agg.event_panel(ev, by="month"))
    chn = m[m.a == "CHN"]
    assert list(zip(chn.month, chn.n_events)) == [(3, 2), (4, 1)]
    assert chn.goldstein_mean.tolist() == pytest.approx([(1.9 + 6.0) / 2, -10.0])
    f = agg.collect(agg.event_panel(ev, states=["PRK", "RUS", "CHN"], years=(2020, 2020)))
    assert list(zip(f.a, f.b, f.year)) == [("PRK", "RUS", 2020)]
    with pytest.raises(UsageError):
        agg.event_panel(ev, by="week")


def test_unga_agreement_by_hand(duck):
    engines.register(duck, "votes", VOTES)
    engines.register(duck, "calls", ROLL_CALLS)
    df = agg.collect(agg.unga_agreement(duck.table("votes"), duck.table("calls")))
    got = {(r.a, r.b, r.year): (r.n_votes, r.n_identical, r.agreement) for r in df.itertuples()}
    # 2018: rcids 1-2. CHN-PRK: yes/yes, abstain/yes -> 1 of 2. CHN-RUS: 2 of 2. PRK-USA: 0 of 2.
    assert got[("CHN", "PRK", 2018)] == (2, 1, 0.5)
    assert got[("CHN", "RUS", 2018)] == (2, 2, 1.0)
    assert got[("PRK", "USA", 2018)] == (2, 0, 0.0)
    # 2019: rcids 3-4; RUS absent on 3, so CHN-RUS has one common vote (4: yes/no) -> 0 of 1
    assert got[("CHN", "PRK", 2019)] == (2, 2, 1.0)
    assert got[("CHN", "RUS", 2019)] == (1, 0, 0.0)
    assert ("RUS", "USA", 2019) not in got  # never voted together in 2019: no row, not a zero
    assert len(df) == 6 + 5  # all 6 pairs in 2018; in 2019 all but RUS-USA
    sub = agg.collect(agg.unga_agreement(duck.table("votes"), duck.table("calls"), states=["PRK", "CHN"],
                                         years=(2019, 2019)))
    assert sub[["a", "b", "year", "n_votes"]].values.tolist() == [["CHN", "PRK", 2019, 2]]


def test_frames_equal_detects_differences():
    a = pd.DataFrame({"a": ["CHN"], "b": ["PRK"], "year": [2019], "n_events": [3], "goldstein_mean": [0.1]})
    assert agg.frames_equal(a, a.copy())[0]
    b = a.assign(goldstein_mean=[0.1 + 1e-9])
    assert not agg.frames_equal(a, b)[0]
    assert not agg.frames_equal(a, a.assign(n_events=[4]))[0]


# ------------------------------------------------------------------------------------------------ synthetic


def test_synthetic_is_deterministic_skewed_and_valid():
    one = pa.concat_tables(synthetic.chunks(30_000, synthetic.Spec(seed=7), chunk_rows=10_000))
    two = pa.concat_tables(synthetic.chunks(30_000, synthetic.Spec(seed=7), chunk_rows=10_000))
    other = pa.concat_tables(synthetic.chunks(30_000, synthetic.Spec(seed=8), chunk_rows=10_000))
    assert one.equals(two) and not one.equals(other)
    assert one.schema == EVENT_SCHEMA and one.num_rows == 30_000
    df = one.to_pandas()
    share = df.groupby(["source", "target"]).size().sort_values(ascending=False)
    assert share.head(10).sum() / len(df) > 0.15  # a few dyads dominate
    assert share.index[0] in {("USA", "CHN"), ("CHN", "USA")}
    assert (df.source != df.target).all() and df.quad_class.between(1, 4).all()
    assert (df.event_code.str[:2].astype(int) == df.cameo_root).all()
    weekend = pd.to_datetime(df.date).dt.day_of_week >= 5
    assert 0.18 < weekend.mean() < 0.24  # 2/7 = 0.286 without the weekend dip; 0.7 weight gives ~0.22


def test_synthetic_gdelt_tsv_roundtrips_through_ingest(tmp_path):
    files = synthetic.generate(3_000, tmp_path / "s", fmt="gdelt", chunk_rows=1_000, spec=synthetic.Spec(seed=3))
    assert len(files) == 3
    db = tmp_path / "wh.duckdb"
    rep = ingest_events(files, "gdelt", db)
    assert rep.rows == rep.dyadic == 3_000
    got = db_df(db, "SELECT * EXCLUDE (dataset) FROM ev_events_gdelt ORDER BY CAST(event_id AS BIGINT)")
    want = pa.concat_tables(synthetic.chunks(3_000, synthetic.Spec(seed=3), chunk_rows=1_000)).to_pandas()
    want = want.drop(columns="dataset")
    got["date"] = pd.to_datetime(got["date"]).dt.date
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_cli_ingest_error_exit_code_and_aggregate_out(tmp_path, capsys):
    db = tmp_path / "wh.duckdb"
    bad = write_gdelt(tmp_path / "bad.CSV", extra=[gdelt_line(9, "20190101", "CHN", "PRK", "042", 9, 1.0)])
    assert main(["events", "ingest", "--format", "gdelt", str(bad), "--db", str(db), "-q"]) == 3
    err = re.sub(r"\s*\n", " ", capsys.readouterr().err)  # rich wraps long lines
    assert f"{bad}, row {len(GDELT_ROWS) + 1}, column 'QuadClass'" in err
    good = write_gdelt(tmp_path / "good.CSV")
    assert main(["events", "ingest", "--format", "gdelt", str(good), "--db", str(db), "-q"]) == 0
    out = tmp_path / "panel.parquet"
    assert main(["events", "aggregate", "--db", str(db), "--states", "PRK,CHN,RUS", "--out", str(out)]) == 0
    panel = pd.read_parquet(out)
    assert panel[["a", "b", "year", "n_events"]].values.tolist() == [["CHN", "PRK", 2019, 3], ["PRK", "RUS", 2020, 1]]
    assert main(["events", "aggregate", "--db", str(db), "--panel", "unga"]) == 4  # no UNGA tables: warehouse error
    assert main(["events", "synth", "--rows", "0", "--out", str(tmp_path / "s")]) == 2


# ------------------------------------------------------------------------------------------------ Spark


@pytest.fixture(scope="session")
def spark_con():
    """One local[2] Spark session for every Spark test of the run (startup costs seconds)."""
    pytest.importorskip("pyspark")
    con = engines.connect("spark")
    yield con
    con._session.stop()


@pytest.fixture(scope="module")
def synth_events() -> pa.Table:
    events = pa.concat_tables(synthetic.chunks(20_000, synthetic.Spec(seed=11), chunk_rows=20_000))
    return pa.concat_tables([events, as_arrow(events_frame())])


def _both(spark_con, tables: dict[str, pa.Table | pd.DataFrame], build) -> tuple[pd.DataFrame, pd.DataFrame]:
    duck = engines.connect("duckdb", in_memory=True)
    out = []
    for con in (duck, spark_con):
        for name, data in tables.items():
            engines.register(con, name, data)
        out.append(agg.collect(build(con)))
    return out[0], out[1]


@pytest.mark.slow
@pytest.mark.parametrize("by, directed", [("year", False), ("month", False), ("year", True)])
def test_event_panel_identical_on_duckdb_and_spark(spark_con, synth_events, by, directed):
    d, s = _both(spark_con, {"ev": synth_events},
                 lambda con: agg.event_panel(con.table("ev"), by=by, directed=directed, source="synth"))
    ok, why = agg.frames_equal(d, s)
    assert ok, why
    assert len(d) > 1000 and d.n_events.sum() == 20_000 + 5  # every dyadic event counted once
    pd.testing.assert_frame_equal(d.drop(columns=["goldstein_mean", "net_coop_share"]),
                                  s.drop(columns=["goldstein_mean", "net_coop_share"]))  # counts: exact


@pytest.mark.slow
def test_unga_agreement_identical_on_duckdb_and_spark(spark_con):
    rng = np.random.default_rng(5)
    codes = ["CHN", "PRK", "RUS", "USA", "GBR", "FRA", "IND", "BRA"]
    votes = pd.DataFrame([(rc, c, rng.choice(["yes", "no", "abstain"], p=[0.6, 0.2, 0.2]))
                          for rc in range(1, 121) for c in codes if rng.random() > 0.1],
                         columns=["rcid", "iso3", "vote"])
    calls = pd.DataFrame({"rcid": range(1, 121),
                          "date": [dt.date(2000 + rc // 12, 1 + rc % 12, 15) for rc in range(1, 121)]})
    votes = pd.concat([VOTES.assign(rcid=VOTES.rcid + 1000), votes])
    calls = pd.concat([ROLL_CALLS.assign(rcid=ROLL_CALLS.rcid + 1000)[["rcid", "date"]], calls])
    d, s = _both(spark_con, {"votes": votes, "calls": calls},
                 lambda con: agg.unga_agreement(con.table("votes"), con.table("calls")))
    ok, why = agg.frames_equal(d, s)
    assert ok, why
    assert len(d) == 28 * 11 + 11  # every pair of the 8 states in each of 11 years, plus the hand fixture


@pytest.mark.slow
def test_spark_reads_parquet_tables_like_duckdb(spark_con, tmp_path):
    files = synthetic.generate(5_000, tmp_path, chunk_rows=2_500, spec=synthetic.Spec(seed=2))
    assert len(files) == 2
    out = []
    for con in (engines.connect("duckdb", in_memory=True), spark_con):
        ev = engines.table(con, "ev_events_synth", tables_from=tmp_path)
        out.append(agg.collect(agg.event_panel(ev, states=["USA", "CHN", "RUS", "PRK"], source="synth")))
    ok, why = agg.frames_equal(*out)
    assert ok, why


# ------------------------------------------------------------------------------------------------ real data


@pytest.mark.data
def test_unga_agreement_on_real_votes_matches_pandas(real_wh):
    """The Ibis baseline on the real warehouse equals a plain pandas self-join for the PRK/CHN/RUS triad."""
    real_wh.require("unga_votes", "unga_roll_calls")
    con = engines.connect("duckdb", real_wh.path)
    got = agg.collect(agg.unga_agreement(engines.table(con, "unga_votes"), engines.table(con, "unga_roll_calls"),
                                         states=["PRK", "CHN", "RUS"]))
    con.disconnect()
    v = real_wh.df("unga_votes", ["rcid", "iso3", "vote"])
    v = v[v.iso3.isin(["PRK", "CHN", "RUS"])]
    rc = real_wh.df("unga_roll_calls", ["rcid", "date"])
    v = v.merge(rc.assign(year=pd.to_datetime(rc.date).dt.year)[["rcid", "year"]], on="rcid")
    p = v.merge(v, on=["rcid", "year"], suffixes=("_a", "_b"))
    p = p[p.iso3_a < p.iso3_b]
    want = (p.assign(same=(p.vote_a == p.vote_b).astype(int))
             .groupby(["iso3_a", "iso3_b", "year"]).same.agg(["size", "sum"]).reset_index())
    assert got[["a", "b", "year", "n_votes", "n_identical"]].values.tolist() == want.values.tolist()
    chn_prk = got[(got.a == "CHN") & (got.b == "PRK")]
    assert chn_prk.year.min() == 1991  # the DPRK joined the UN on 1991-09-17: no earlier row, never a zero
