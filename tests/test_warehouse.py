"""Warehouse ingest: atomic (a failed or killed ingest leaves the previous file intact), idempotent, with provenance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pandas as pd
import pytest

from alignwatch import warehouse
from alignwatch.errors import DataError
from alignwatch.sources.base import Dataset
from alignwatch.warehouse import Warehouse


def _ds(table: str, path: str, **kw) -> Dataset:
    return Dataset(table=table, source="test", path=path, url=None, citation="test fixture",
                   columns={"id": "int", "year": "int", "value": "float"}, key=("id",), coverage="year", **kw)


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    root = tmp_path / "mirror"
    root.mkdir()
    monkeypatch.setenv("ALIGNWATCH_DATA", str(root))
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    pd.DataFrame({"id": [1, 2, 3], "year": [1991, 1992, 2014], "value": [0.5, 1.0, 2.0]}).to_parquet(root / "a.parquet")
    pd.DataFrame({"id": [1, 2], "year": [2000, 2001], "value": [3.0, 4.0]}).to_parquet(root / "b.parquet")
    return root


def _snapshot(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


def test_ingest_records_provenance_and_is_idempotent(mirror, tmp_path):
    db = tmp_path / "w.duckdb"
    res = warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False)
    assert [r.status for r in res] == ["loaded", "loaded"]
    with Warehouse(db) as wh:
        assert wh.df("t_a")["value"].tolist() == [0.5, 1.0, 2.0]
        prov = wh.provenance().set_index("table")
        assert prov.loc["t_a", "rows"] == 3
        assert (prov.loc["t_a", "year_min"], prov.loc["t_a", "year_max"]) == (1991, 2014)
        assert len(prov.loc["t_a", "sha256"]) == 64
    before = _snapshot(db)
    res = warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False)
    assert [r.status for r in res] == ["skipped", "skipped"]
    assert _snapshot(db) == before
    # a changed input is reloaded; the other stays skipped
    pd.DataFrame({"id": [1], "year": [1999], "value": [9.0]}).to_parquet(mirror / "a.parquet")
    res = warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False)
    assert [r.status for r in res] == ["loaded", "skipped"]


def test_failed_ingest_leaves_warehouse_unchanged(mirror, tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    before = _snapshot(db)
    (mirror / "b.parquet").write_bytes(b"PAR1 truncated")
    pd.DataFrame({"id": [7], "year": [2020], "value": [7.0]}).to_parquet(mirror / "a.parquet")  # changed, loads first
    with pytest.raises(DataError, match="b.parquet"):
        warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False)
    assert _snapshot(db) == before
    assert not list(tmp_path.glob(".w.duckdb.ingest-*"))


_KILL_SCRIPT = textwrap.dedent("""
    import sys, time, pathlib
    from alignwatch import warehouse
    from alignwatch.sources.base import Dataset
    flag = pathlib.Path(sys.argv[2])
    def slow(tbl):
        flag.write_text("started")
        time.sleep(60)
        return tbl
    ds = Dataset(table="t_a", source="test", path="a.parquet", url=None, citation="x",
                 columns={"id": "int", "year": "int", "value": "float"}, transform=slow)
    warehouse.ingest([ds], sys.argv[1], force=True, progress=False)
""")


def test_sigkill_midway_leaves_previous_warehouse_intact(mirror, tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False)
    before = _snapshot(db)
    flag = tmp_path / "flag"
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(db), str(flag)], env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert proc.poll() is None, "ingest subprocess ended early"
            assert time.monotonic() < deadline, "ingest subprocess never reached the load step"
            time.sleep(0.05)
        assert list(tmp_path.glob(".w.duckdb.ingest-*")), "ingest should be writing into a copy"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(db) == before  # previous warehouse intact and queryable
    # the next ingest clears the stale copy and works
    warehouse.ingest([_ds("t_a", "a.parquet")], db, force=True, progress=False)
    assert not list(tmp_path.glob(".w.duckdb.ingest-*"))


def test_cli_bad_input_is_one_line_without_traceback(mirror, tmp_path):
    (mirror / "unvotes").mkdir()
    (mirror / "unvotes" / "roll_calls.parquet").write_bytes(b"PAR1\x00\x01garbage")
    db = tmp_path / "w.duckdb"
    r = subprocess.run([sys.executable, "-m", "alignwatch", "ingest", "unga_roll_calls", "--db", str(db), "-q"],
                       capture_output=True, text=True, env=os.environ.copy())
    assert r.returncode == 3
    assert "Traceback" not in r.stderr
    err = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(err) == 1 and "roll_calls.parquet" in err[0] and "Parquet" in err[0]
    assert not db.exists()


def test_missing_warehouse_is_a_clear_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "alignwatch", "sources", "--db", str(tmp_path / "none.duckdb")],
                       capture_output=True, text=True)
    assert r.returncode == 4 and "no warehouse" in r.stderr and "Traceback" not in r.stderr


def test_cached_results_are_dropped_by_the_next_ingest(mirror, tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    wh = Warehouse(db)
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"x": [1, 2]})

    assert warehouse.cached(wh, "demo", compute)["x"].tolist() == [1, 2]
    assert warehouse.cached(wh, "demo", compute)["x"].tolist() == [1, 2]
    assert len(calls) == 1
    wh.close()
    pd.DataFrame({"id": [5], "year": [2001], "value": [1.0]}).to_parquet(mirror / "a.parquet")
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    with Warehouse(db) as wh2:
        assert not wh2.has("_cache_demo")
