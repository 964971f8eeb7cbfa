"""Warehouse ingest: atomic (a failed or killed ingest leaves the previous file intact), idempotent, with provenance."""

from __future__ import annotations

import datetime as dt
import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from alignwatch import warehouse
from alignwatch.errors import DataError, Interrupted, WarehouseError
from alignwatch.sources import base
from alignwatch.sources.base import Dataset
from alignwatch.warehouse import Warehouse
from alignwatch.writelock import Busy, WriterLock


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
    """An ingest drops exactly the derived results computed from a table whose content it changed (read directly,
    through SQL, or through another derived result), those that looked at the list of tables when a new table
    appears, and those without a record of their inputs; an unchanged re-ingest (--force) drops nothing."""
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False)
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"x": [1, 2]})

    def build(wh):
        def read_a():
            calls.append(1)
            return wh.df("t_a")

        warehouse.cached(wh, "demo", read_a)
        warehouse.cached(wh, "sql_a", lambda: wh.query('SELECT sum(value) AS v FROM "t_a"'))
        warehouse.cached(wh, "on_b", lambda: wh.query("SELECT * FROM t_b"))
        warehouse.cached(wh, "nested", lambda: warehouse.cached(wh, "demo", compute).assign(y=1))
        warehouse.cached(wh, "listing", lambda: pd.DataFrame({"n": [len(wh.tables())]}))
        warehouse.cached(wh, "nothing", lambda: pd.DataFrame({"x": [0]}))

    with Warehouse(db) as wh:
        build(wh)
        assert len(calls) == 1
        build(wh)
        assert len(calls) == 1  # every result read back
    names = ["demo", "sql_a", "on_b", "nested", "listing", "nothing"]

    def cached_now():
        with Warehouse(db) as wh:
            return [n for n in names if wh.has("_cache_" + n)]

    assert cached_now() == names
    warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False, force=True)
    assert cached_now() == names  # the same files, read by the same code: the same tables
    pd.DataFrame({"id": [5], "year": [2001], "value": [1.0]}).to_parquet(mirror / "a.parquet")
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    assert cached_now() == ["on_b", "listing", "nothing"]
    pd.DataFrame({"id": [1], "year": [2001], "value": [1.0]}).to_parquet(mirror / "c.parquet")
    warehouse.ingest([_ds("t_c", "c.parquet")], db, progress=False)  # a new table: the listing may differ
    assert cached_now() == ["on_b", "nothing"]
    con = duckdb.connect(str(db))  # a derived table an older alignwatch left, without a record of its inputs
    con.execute("CREATE TABLE _cache_old AS SELECT 1 AS x")
    con.close()
    pd.DataFrame({"id": [1], "year": [2002], "value": [2.0]}).to_parquet(mirror / "c.parquet")
    warehouse.ingest([_ds("t_c", "c.parquet")], db, progress=False)
    with Warehouse(db) as wh:
        assert not wh.has("_cache_old") and wh.has("_cache_on_b")


# ------------------------------------------------------------------------------------- validation of inputs


def _tiny(tmp_path, name="x.parquet", **cols):
    path = tmp_path / name
    pd.DataFrame(cols).to_parquet(path) if name.endswith(".parquet") else pd.DataFrame(cols).to_csv(path, index=False)
    return path


def _plain(**kw) -> Dataset:
    return Dataset(table="t_x", source="test", path="x", url=None, citation="test fixture",
                   columns={"id": "int", "year": "int", "value": "float"}, **kw)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_float_is_refused_naming_file_row_and_column(tmp_path, bad):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "year": [2000, 2001, 2002], "value": [1.0, bad, 2.0]}), path)
    with pytest.raises(DataError) as e:
        base.load(_plain(key=("id",)), path)
    assert "x.parquet" in str(e.value) and e.value.column == "value" and e.value.row == 1
    assert "not a finite number" in str(e.value)


def test_declared_non_finite_is_stored_as_null(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "year": [2000, 2001, 2002], "value": [1.0, float("nan"), np.inf]}),
                   path)
    out = base.load(_plain(key=("id",), non_finite=frozenset({"value"})), path)
    assert out["value"].to_pylist() == [1.0, None, None]


def test_inf_in_csv_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,year,value\n1,2000,1.5\n2,2001,inf\n")
    with pytest.raises(DataError) as e:
        base.load(_plain(key=("id",)), path)
    assert e.value.row == 3 and e.value.column == "value"


def test_year_9999_is_refused_by_the_default_range(tmp_path):
    path = _tiny(tmp_path, id=[1, 2], year=[2014, 9999], value=[1.0, 2.0])
    with pytest.raises(DataError, match=r"9999 out of range; expected 1800\.\.2100") as e:
        base.load(_plain(key=("id",)), path)
    assert e.value.column == "year" and e.value.row == 1


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_date_2999_is_refused(tmp_path, suffix):
    ds = Dataset(table="t_d", source="test", path="x", url=None, citation="test fixture",
                 columns={"rcid": "int", "date": "date"}, key=("rcid",))
    path = _tiny(tmp_path, f"x.{suffix}", rcid=[1, 2], date=[dt.date(1991, 9, 17), dt.date(2999, 1, 1)])
    with pytest.raises(DataError, match=r"date 2999-01-01 out of range; expected years 1800\.\.2100") as e:
        base.load(ds, path)
    assert e.value.column == "date" and e.value.row == (3 if suffix == "csv" else 1)


def test_duplicate_rows_are_refused_without_a_key_unless_documented(tmp_path):
    path = _tiny(tmp_path, id=[1, 2, 1], year=[2000, 2001, 2000], value=[1.0, 2.0, 1.0])
    with pytest.raises(DataError, match=r"duplicate row \(same as row 0\)") as e:
        base.load(_plain(), path)
    assert e.value.row == 2
    out = base.load(_plain(duplicates="two identical rows are two records in this test"), path)
    assert out.num_rows == 3


def test_only_regular_files_are_read(tmp_path):
    link = tmp_path / "zero.parquet"
    link.symlink_to("/dev/zero")
    t0 = time.monotonic()
    for call in (lambda: base.sha256(link), lambda: base.read_file(link, _plain())):
        with pytest.raises(DataError, match="a device, pipe or socket, not a regular file"):
            call()
    (tmp_path / "dir.parquet").mkdir()
    with pytest.raises(DataError, match="is a directory, not a regular file"):
        base.sha256(tmp_path / "dir.parquet")
    assert time.monotonic() - t0 < 5  # never reads the device


def test_ragged_csv_row_is_named(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,year,value\n1,2000,1.0\n2,2001,2.0,extra\n3,2002,3.0\n")
    with pytest.raises(DataError) as e:
        base.load(_plain(key=("id",)), path)
    assert e.value.row == 3 and "4 fields; expected 3" in str(e.value)


# ---------------------------------------------------------------------------- OS errors, interrupts, locks


@pytest.mark.parametrize("err, says", [(errno.ENOSPC, "no space left on device"),
                                       (errno.EACCES, "permission denied"), (errno.EROFS, "read-only file system")])
def test_os_error_during_the_copy_is_one_warehouse_error(mirror, tmp_path, monkeypatch, err, says):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    before = _snapshot(db)

    def fail(src, dst, *a, **k):
        Path(dst).write_bytes(b"partial")
        raise OSError(err, os.strerror(err), str(dst))

    monkeypatch.setattr(warehouse.shutil, "copy2", fail)
    with pytest.raises(WarehouseError) as e:
        warehouse.ingest([_ds("t_a", "a.parquet")], db, force=True, progress=False)
    assert says in str(e.value) and f"the previous warehouse {db} is unchanged" in str(e.value)
    assert _snapshot(db) == before and not list(tmp_path.glob(".w.duckdb.ingest-*"))


def test_interrupt_leaves_the_warehouse_and_no_copy(mirror, tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    before = _snapshot(db)

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(warehouse.base, "load", interrupted)
    with pytest.raises(Interrupted, match="interrupted; the previous warehouse .* is unchanged"):
        warehouse.ingest([_ds("t_a", "a.parquet")], db, force=True, progress=False)
    assert _snapshot(db) == before and not list(tmp_path.glob(".w.duckdb.ingest-*"))


def test_directory_as_warehouse_is_one_line(mirror, tmp_path):
    (tmp_path / "d.duckdb").mkdir()
    with pytest.raises(WarehouseError, match="is not a file"):
        warehouse.ingest([_ds("t_a", "a.parquet")], tmp_path / "d.duckdb", progress=False)
    with pytest.raises(WarehouseError, match="is not a file"):
        Warehouse(tmp_path / "d.duckdb").tables()


def test_ingest_refuses_when_another_writer_holds_the_lock(mirror, tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    with WriterLock(db):
        with pytest.raises(Busy, match=rf"is being written by pid {os.getpid()} \(.*\).*gave up after waiting 0.2 s"):
            warehouse.ingest([_ds("t_b", "b.parquet")], db, progress=False, wait=0.2, on_wait=lambda line: None)
    assert warehouse.ingest([_ds("t_b", "b.parquet")], db, progress=False)[0].status == "loaded"


def test_cache_write_skips_a_busy_or_replaced_warehouse(mirror, tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    frame = lambda: pd.DataFrame({"x": [1]})  # noqa: E731
    with WriterLock(db), Warehouse(db) as wh:  # another writer: computed, not stored
        assert warehouse.cached(wh, "busy", frame)["x"].tolist() == [1]
    with Warehouse(db) as wh:
        assert not wh.has("_cache_busy")

        def replaced_meanwhile():  # an ingest swaps in a new file while this result is computed
            warehouse.ingest([_ds("t_b", "b.parquet")], db, progress=False)
            return frame()

        warehouse.cached(wh, "stale", replaced_meanwhile)
    with Warehouse(db) as wh:
        assert wh.has("t_b") and not wh.has("_cache_stale")


def test_nested_cached_results_are_each_written_once(mirror, tmp_path, tiny_wh):
    """A cached computation that reads another cached result (the index's panel reads the families' caches):
    the inner write changes the file, yet it is the same file, so the outer result is written too, each once."""
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    for wh in (Warehouse(db), tiny_wh(t=pd.DataFrame({"x": [1]}))):  # with provenance, and a hand-made file
        calls = []

        def inner():
            calls.append("inner")
            return pd.DataFrame({"x": [1]})

        def outer():
            calls.append("outer")
            return warehouse.cached(wh, "inner", inner).assign(y=2)

        with wh:
            assert warehouse.cached(wh, "outer", outer)["y"].tolist() == [2]  # both read nothing: equal sets
            assert wh.has("_cache_inner") and wh.has("_cache_outer") and wh._reading == []
            assert warehouse.cached(wh, "outer", outer)["y"].tolist() == [2]
        assert calls == ["outer", "inner"]


def test_nested_results_record_their_own_inputs(mirror, tmp_path):
    """An enclosing computation's inputs are what it read itself plus what its nested results read, whatever
    the order (the inner set equals the outer one while the inner runs)."""
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet"), _ds("t_b", "b.parquet")], db, progress=False)
    with Warehouse(db) as wh:
        def outer():
            inner = warehouse.cached(wh, "inner", lambda: wh.query("SELECT * FROM t_a"))
            return inner.assign(n=len(wh.query("SELECT * FROM t_b")))

        warehouse.cached(wh, "outer", outer)
        assert wh._reading == []
    with Warehouse(db) as wh:
        assert wh._inputs_of("_cache_inner") == {"t_a"} and wh._inputs_of("_cache_outer") == {"t_a", "t_b"}


def test_a_result_the_file_cannot_take_is_kept_for_the_process(mirror, tmp_path):
    """Another Warehouse of the same file open in this process blocks DuckDB's writer: the result is then kept
    in the process (computed once, not once per Warehouse object), and written once the file is free."""
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    calls = []
    compute = lambda: calls.append(1) or pd.DataFrame({"x": [1]})  # noqa: E731
    holder = Warehouse(db)
    holder.tables()  # an open read-only connection
    for _ in range(3):
        with Warehouse(db) as wh:
            assert warehouse.cached(wh, "held", compute)["x"].tolist() == [1]
    assert len(calls) == 1 and not holder.has("_cache_held")
    holder.close()
    with Warehouse(db) as wh:
        warehouse.cached(wh, "free", compute)
    with Warehouse(db) as wh:
        assert wh.has("_cache_free")


def test_memory_cache_never_writes(mirror, tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    before = os.stat(db).st_mtime_ns
    calls = []
    with Warehouse(db, cache="memory") as wh:
        for _ in range(2):
            warehouse.cached(wh, "mem", lambda: calls.append(1) or pd.DataFrame({"x": [1]}))
    assert len(calls) == 1 and os.stat(db).st_mtime_ns == before and not Warehouse(db).has("_cache_mem")


# ----------------------------------------------------------------------------------------- CLI exit codes


def test_cli_returns_the_commands_exit_code(monkeypatch, capsys):
    from alignwatch.cli import main
    from alignwatch.commands import data as data_cmd

    monkeypatch.setattr(data_cmd, "find_unresolved",
                        lambda: [{"table": "t", "column": "c", "scheme": "iso3", "value": "XXX"}])
    assert main(["states", "--unresolved", "--format", "csv"]) == 1
    assert "XXX" in capsys.readouterr().out
    monkeypatch.setattr(data_cmd, "find_unresolved", lambda: [])
    assert main(["states", "--unresolved"]) == 0


def test_cli_maps_unexpected_errors_to_one_line(monkeypatch, capsys):
    from alignwatch.cli import main
    from alignwatch.commands import data as data_cmd

    def bug():
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(data_cmd, "find_unresolved", bug)
    assert main(["states", "--unresolved"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "error: internal error (RuntimeError: boom)" and "Traceback" not in err

    def oserror():
        raise PermissionError(errno.EACCES, "Permission denied", "/data/x.parquet")

    monkeypatch.setattr(data_cmd, "find_unresolved", oserror)
    assert main(["states", "--unresolved"]) == 1
    assert capsys.readouterr().err == "error: /data/x.parquet: Permission denied\n"


def test_cli_nan_in_parquet_is_exit_3_naming_file_and_column(mirror, tmp_path, monkeypatch, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from alignwatch import sources
    from alignwatch.cli import main

    pq.write_table(pa.table({"id": [1, 2], "year": [2000, 2001], "value": [1.0, float("nan")]}), mirror / "a.parquet")
    monkeypatch.setattr(sources, "registry", lambda: {"t_a": _ds("t_a", "a.parquet")})
    assert main(["ingest", "t_a", "--db", str(tmp_path / "w.duckdb"), "-q"]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"error: {mirror / 'a.parquet'}, row 1, column 'value': value nan is not a finite number")
    assert not (tmp_path / "w.duckdb").exists()


def test_separate_cache_survives_a_restart_and_not_an_ingest(mirror, tmp_path):
    db, cache = tmp_path / "w.duckdb", tmp_path / "derived.duckdb"
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    before = os.stat(db).st_mtime_ns
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"x": [len(calls)]})

    for _ in range(2):  # two "servers" one after the other
        with Warehouse(db, cache="separate", cache_file=cache) as wh:
            assert warehouse.cached(wh, "sep", compute)["x"].tolist() == [1]
    assert len(calls) == 1 and os.stat(db).st_mtime_ns == before and not Warehouse(db).has("_cache_sep")
    pd.DataFrame({"id": [9], "year": [2001], "value": [1.0]}).to_parquet(mirror / "a.parquet")
    warehouse.ingest([_ds("t_a", "a.parquet")], db, progress=False)
    with Warehouse(db, cache="separate", cache_file=cache) as wh:  # a new generation: computed again
        assert warehouse.cached(wh, "sep", compute)["x"].tolist() == [2]
