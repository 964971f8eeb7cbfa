"""Fault injection: what users' machines do to the warehouse. Each case runs the real ``alignwatch`` command in a
subprocess over tiny test datasets, injects one fault (SIGKILL at random points of an ingest and of a derived-cache
write, two ingests at once, a stale write-ahead log, a full disk, a read-only file system, Ctrl-C) and asserts that
the warehouse still opens, nothing already stored is lost, and the user saw one line (no traceback).

The disk-full and read-only cases mount a small tmpfs, so they run as root only (CI runs as root); elsewhere they
are skipped with the reason.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

# The real CLI (alignwatch.cli.main) over test datasets: t_a and t_b (id, year, value) in $ALIGNWATCH_DATA.
# AW_SLOW: seconds each dataset's transform sleeps (a window to inject a fault in); AW_FLAG: a file written when
# the first transform starts (the ingest holds the lock and writes its copy by then).
DRIVER = textwrap.dedent("""
    import os, sys, time, pathlib
    import alignwatch.sources as S
    from alignwatch.sources.base import Dataset

    def slow(tbl):
        flag = os.environ.get("AW_FLAG")
        if flag:
            pathlib.Path(flag).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("AW_SLOW", "0")))
        return tbl

    DS = {n: Dataset(table=n, source="faults", path=f"{n}.parquet", url=None, citation="test fixture",
                     columns={"id": "int", "year": "int", "value": "float"}, key=("id",), coverage="year",
                     transform=slow)
          for n in ("t_a", "t_b")}
    S.registry = lambda: DS
    if sys.argv[1] == "lib-ingest":  # the library call alone (starts in a third of the CLI's time)
        from alignwatch import warehouse
        warehouse.ingest([DS[n] for n in sys.argv[3:]] or list(DS.values()), sys.argv[2], force=True,
                         progress=False)
        sys.exit(0)
    from alignwatch.cli import main
    sys.exit(main(sys.argv[1:]))
""")

# A derived-cache write (warehouse.cached) of a large frame; AW_FLAG is written when the compute is done, i.e. the
# write starts.
CACHE_WRITER = textwrap.dedent("""
    import os, sys, pathlib
    import numpy as np, pandas as pd
    from alignwatch import warehouse
    wh = warehouse.Warehouse(sys.argv[1])
    def compute():  # computed from t_b: an ingest that changes t_b drops it
        n = int(wh.query("SELECT count(*) AS n FROM t_b")["n"].iloc[0])
        df = pd.DataFrame({"a": np.arange(3_000_000) + n, "b": np.random.default_rng(1).random(3_000_000)})
        pathlib.Path(os.environ["AW_FLAG"]).write_text("writing")
        return df
    warehouse.cached(wh, "fault_demo", compute)
""")


def _datasets(*names: str) -> list:
    from alignwatch.sources.base import Dataset

    return [Dataset(table=n, source="faults", path=f"{n}.parquet", url=None, citation="test fixture",
                    columns={"id": "int", "year": "int", "value": "float"}, key=("id",), coverage="year")
            for n in (names or ("t_a", "t_b"))]


@pytest.fixture
def env(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    _write(mirror, "t_a", 1.0)
    _write(mirror, "t_b", 2.0)
    monkeypatch.setenv("ALIGNWATCH_DATA", str(mirror))
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    return {**os.environ, "ALIGNWATCH_DATA": str(mirror), "ALIGNWATCH_CACHE": str(tmp_path / "cache"),
            "AW_FLAG": str(tmp_path / "flag"), "PYTHONUNBUFFERED": "1"}


def _setup(db: Path, *names: str) -> None:
    """Ingest in this process (setup and checks need no subprocess)."""
    from alignwatch import warehouse

    warehouse.ingest(_datasets(*names), db, force=True, progress=False)


def _write(mirror: Path, table: str, value: float, rows: int = 50) -> None:
    pd.DataFrame({"id": np.arange(rows), "year": 1990 + np.arange(rows) % 30,
                  "value": np.full(rows, value)}).to_parquet(mirror / f"{table}.parquet")


def _start_lib(db: Path, env: dict, *names: str, **kw) -> subprocess.Popen:
    return _start(["lib-ingest", str(db), *names], env, **kw)


def _start(args: list[str], env: dict, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", DRIVER, *args], env={**env, **kw}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _run(args: list[str], env: dict, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER, *args], env={**env, **kw}, capture_output=True, text=True,
                          timeout=timeout)


def _ingest(db: Path, env: dict, *names: str, force: bool = True, **kw) -> subprocess.CompletedProcess:
    r = _run(["ingest", *names, "--db", str(db), "-q", "--format", "csv", *(["--force"] if force else [])], env,
             **kw)
    return r


def _one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def _error_line(stderr: str) -> str:
    """The one ``error:`` line; anything else is a ``hint:`` or ``waiting:`` line, never a traceback."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert len(errors) == 1 and all(ln.startswith(("error:", "hint:", "waiting:")) for ln in lines), stderr
    return errors[0]


def _snapshot(db: Path) -> dict:
    """Every table's rows (the warehouse opens: that is the first assertion of every case)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * EXCLUDE (ingested_at) FROM "{n}" ORDER BY ALL').fetchall()
                if n == "_provenance" else con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


def _values(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f'SELECT min(value), count(*) FROM "{t}"').fetchone() for t in ("t_a", "t_b")}
    finally:
        con.close()


def _leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(f".{db.name}.ingest-*"))


def _wait_for(path: Path, proc: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"process ended early ({proc.returncode}): {proc.stderr.read()}")
        assert time.monotonic() < deadline, "the fault window never opened"
        time.sleep(0.02)


# ------------------------------------------------------------------------------------------- kills and races


def test_sigkill_at_random_points_of_ingest(env, tmp_path):
    """SIGKILL while the copy is written, a table loads, the copy is checkpointed or swapped in: the warehouse
    opens with the old or the new version, complete; the next ingest clears the dead process's copy."""
    db = tmp_path / "w.duckdb"
    _setup(db)
    before = _snapshot(db)
    _write(Path(env["ALIGNWATCH_DATA"]), "t_a", 7.0)
    flag = Path(env["AW_FLAG"])
    rng = random.Random(16)
    for delay in [0.0] + [rng.uniform(0.0, 0.5) for _ in range(4)]:
        flag.unlink(missing_ok=True)
        proc = _start_lib(db, env, AW_SLOW="0.2")
        _wait_for(flag, proc)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        now = _snapshot(db)  # opens, and holds either the old or the new version, complete
        assert now == before or _values(db) == {"t_a": (7.0, 50), "t_b": (2.0, 50)}, f"killed after {delay:.2f} s"
        before = now
    _setup(db)
    assert _values(db) == {"t_a": (7.0, 50), "t_b": (2.0, 50)} and _leftovers(db) == []


def test_two_ingests_at_once_lose_nothing(env, tmp_path):
    """Each ingest loads a different table from the same old file: without one writer at a time, the last swap
    would drop the other's table (both saying 'loaded')."""
    db = tmp_path / "w.duckdb"
    _setup(db)
    mirror = Path(env["ALIGNWATCH_DATA"])
    _write(mirror, "t_a", 10.0)
    _write(mirror, "t_b", 20.0)
    first = _start(["ingest", "t_a", "--db", str(db), "-q", "--force"], env, AW_SLOW="3")
    time.sleep(0.1)
    second = _start(["ingest", "t_b", "--db", str(db), "-q", "--force"], env, AW_SLOW="3")
    out = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, out
    waited = [e for _, e in out if "waiting:" in e]
    assert len(waited) == 1 and "is being written by pid" in waited[0] and " --db " in waited[0]
    assert _one_line(waited[0]).startswith("waiting:")
    assert _values(db) == {"t_a": (10.0, 50), "t_b": (20.0, 50)}  # both updates kept
    assert _leftovers(db) == []


def test_second_ingest_gives_up_in_one_line(env, tmp_path):
    db = tmp_path / "w.duckdb"
    _setup(db)
    before = _snapshot(db)
    first = _start_lib(db, env, AW_SLOW="60")
    try:
        _wait_for(Path(env["AW_FLAG"]), first)
        r = _ingest(db, env, ALIGNWATCH_LOCK_TIMEOUT="0.5", AW_FLAG="")
        assert r.returncode == 4
        line = _error_line(r.stderr)
        assert f"is being written by pid {first.pid} (python -c lib-ingest" in line and "nothing was changed" in line
        assert sum(ln.startswith("waiting:") for ln in r.stderr.splitlines()) == 1
        assert _snapshot(db) == before  # readers keep working during the ingest: the old file until the swap
    finally:
        first.kill()
        first.communicate(timeout=60)
    assert _snapshot(db) == before


def test_a_live_ingests_copy_is_never_deleted(env, tmp_path):
    """A copy whose owner process still runs is kept (only copies of dead processes are removed)."""
    from alignwatch.warehouse import _stale_copies

    db = tmp_path / "w.duckdb"
    _setup(db)
    alive = tmp_path / f".w.duckdb.ingest-{os.getppid()}"
    dead = tmp_path / ".w.duckdb.ingest-999999999"
    alive.write_bytes(b"x")
    dead.write_bytes(b"x")
    assert _stale_copies(db) == [dead]
    _setup(db)
    assert alive.exists() and not dead.exists()


# ------------------------------------------------------------------------------------------ write-ahead logs


def _leave_wal(db: Path) -> None:
    """A cache write killed after its commit and before its checkpoint: ``<db>.wal`` stays beside the file."""
    code = ("import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); "
            "con.execute('CREATE TABLE _cache_killed AS SELECT range AS x FROM range(1000)'); os._exit(9)")
    subprocess.run([sys.executable, "-c", code, str(db)], check=False, timeout=60)
    assert Path(str(db) + ".wal").exists(), "expected a write-ahead log from the killed writer"


def _swap_in_beside_an_old_wal(db: Path) -> None:
    """What older versions did: a killed cache write leaves a log, then a new version of the file (one more
    checkpoint) is swapped in beside it."""
    other = db.with_name("other.duckdb")
    shutil.copy2(db, other)
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t_new AS SELECT 1 AS x")
    con.close()
    _leave_wal(db)
    os.replace(other, db)


def test_stale_wal_never_survives_a_swap(env, tmp_path):
    """Kill a cache write (its log stays), re-ingest, then read: the sequence that left an unopenable file."""
    from alignwatch.warehouse import Warehouse

    db = tmp_path / "w.duckdb"
    _setup(db)
    _leave_wal(db)
    _setup(db, "t_a")
    assert not Path(str(db) + ".wal").exists()
    with Warehouse(db) as wh:
        assert "t_a" in wh.tables() and "_cache_killed" not in wh.tables()
    assert _values(db) == {"t_a": (1.0, 50), "t_b": (2.0, 50)}


def test_unreplayable_wal_is_set_aside(env, tmp_path, capsys):
    """A log left beside a file that was replaced since (as older versions did): a reader recovers with one
    warning line instead of failing with 'WAL checkpoint iteration does not match the database file'."""
    from alignwatch.warehouse import Warehouse

    db = tmp_path / "w.duckdb"
    _setup(db)
    _swap_in_beside_an_old_wal(db)
    with Warehouse(db) as wh:
        assert "t_a" in wh.tables()
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("warning: write-ahead log") and "set aside" in line
    assert _values(db) == {"t_a": (1.0, 50), "t_b": (2.0, 50)}
    assert list(tmp_path.glob("w.duckdb.wal.unreplayable-*"))


def test_unreplayable_wal_is_set_aside_by_ingest(env, tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    _setup(db)
    _swap_in_beside_an_old_wal(db)
    _setup(db, "t_a")  # under the writer lock, before reading the old hashes
    assert "set aside" in _one_line(capsys.readouterr().err)
    assert _values(db) == {"t_a": (1.0, 50), "t_b": (2.0, 50)} and not Path(str(db) + ".wal").exists()


def test_sigkill_during_cache_write_then_ingest(env, tmp_path):
    """Kill a derived-cache write at random points, then re-ingest the table it was computed from: the warehouse
    opens after each step, and the derived table (complete or not) is gone."""
    db = tmp_path / "w.duckdb"
    _setup(db)
    rng = random.Random(7)
    for k, delay in enumerate([rng.uniform(0.0, 0.8) for _ in range(3)], start=1):
        flag = tmp_path / f"cache-flag-{uuid.uuid4().hex}"
        proc = subprocess.Popen([sys.executable, "-c", CACHE_WRITER, str(db)], env={**env, "AW_FLAG": str(flag)},
                                stderr=subprocess.PIPE, text=True)
        _wait_for(flag, proc)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        _snapshot(db)  # opens (replaying a committed log, or without it)
        _write(Path(env["ALIGNWATCH_DATA"]), "t_b", 2.0 + k)
        _setup(db, "t_b")
        assert not Path(str(db) + ".wal").exists()
        assert "_cache_fault_demo" not in _snapshot(db) and _values(db) == {"t_a": (1.0, 50), "t_b": (2.0 + k, 50)}


# ------------------------------------------------------------------------------------------- interrupts


def test_ctrl_c_during_ingest(env, tmp_path):
    db = tmp_path / "w.duckdb"
    _setup(db)
    before = _snapshot(db)
    _write(Path(env["ALIGNWATCH_DATA"]), "t_a", 5.0)
    proc = _start(["ingest", "--db", str(db), "-q", "--force"], env, AW_SLOW="5")
    _wait_for(Path(env["AW_FLAG"]), proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert _one_line(err) == f"interrupted; the previous warehouse {db} is unchanged"
    assert _snapshot(db) == before and _leftovers(db) == []


def test_ctrl_c_while_waiting_for_the_lock(env, tmp_path):
    db = tmp_path / "w.duckdb"
    _setup(db)
    first = _start_lib(db, env, AW_SLOW="60")
    try:
        _wait_for(Path(env["AW_FLAG"]), first)
        second = _start(["ingest", "--db", str(db), "-q", "--force"], env, AW_FLAG="")
        deadline = time.monotonic() + 60
        while "waiting" not in (line := second.stderr.readline()):  # started, and waiting
            assert line or second.poll() is None, "the second ingest ended without waiting"
            assert time.monotonic() < deadline
        second.send_signal(signal.SIGINT)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 130 and "Traceback" not in err
        assert _one_line(err) == f"interrupted; the previous warehouse {db} is unchanged"
    finally:
        first.kill()
        first.communicate(timeout=60)
    assert _values(db)["t_a"] == (1.0, 50)


# --------------------------------------------------------------------------------- disk full, read-only


@pytest.fixture
def small_fs(tmp_path):
    """A tmpfs of a few MiB (root only): ``small_fs(size)`` -> its mount point."""
    mounts = []

    def make(size: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("needs root to mount a small tmpfs (disk-full and read-only cases)")
        point = tmp_path / f"fs{len(mounts)}"
        point.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True,
                           text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()[:200]}")
        mounts.append(point)
        return point

    yield make
    for point in mounts:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _fill(fs: Path, leave: int) -> None:
    """Fill the file system until ``leave`` bytes are free."""
    st = os.statvfs(fs)
    free = st.f_bavail * st.f_frsize
    with open(fs / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave))


@pytest.mark.parametrize("stage", ["copy", "load"])
def test_disk_full(env, tmp_path, small_fs, stage):
    """No room for the copy of the warehouse, or room for the copy but not for the new table."""
    fs = small_fs("16m")
    db = fs / "w.duckdb"
    _setup(db)
    before = _snapshot(db)
    if stage == "load":
        n = 1_500_000  # random floats do not compress: tens of MiB in DuckDB
        pd.DataFrame({"id": np.arange(n), "year": 1990 + np.arange(n) % 30,
                      "value": np.random.default_rng(0).random(n)}).to_parquet(
            Path(env["ALIGNWATCH_DATA"]) / "t_b.parquet")
    _fill(fs, db.stat().st_size // 2 if stage == "copy" else db.stat().st_size + (2 << 20))
    r = _ingest(db, env, "t_b")
    assert r.returncode == 4
    line = _error_line(r.stderr)
    assert "no space left on device" in line and f"the previous warehouse {db} is unchanged" in line
    assert _snapshot(db) == before and _leftovers(db) == []


def test_read_only_file_system(env, tmp_path, small_fs):
    fs = small_fs("8m")
    db = fs / "w.duckdb"
    _setup(db)
    before = _snapshot(db)
    r = subprocess.run(["mount", "-o", "remount,ro", str(fs)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot remount read-only: {r.stderr.strip()[:200]}")
    r = _ingest(db, env)
    assert r.returncode == 4
    line = _error_line(r.stderr)
    assert "read-only file system" in line and "unchanged" in line
    from alignwatch.warehouse import Warehouse

    with Warehouse(db) as wh:  # readers need no lock and no write
        assert wh.provenance()["table"].tolist() == ["t_a", "t_b"]
    assert _snapshot(db) == before
