"""Benchmark: the event-panel Ibis expressions on DuckDB (10M events) and Spark local (1M), and how cost grows.

    python benchmarks/bench_events.py                 # 10M on DuckDB, 1M on Spark local[2]; a few minutes on 2 cores
    python benchmarks/bench_events.py --rows 2000000  # smaller machine / quicker check
    python benchmarks/bench_events.py --no-spark

What is measured: synthetic GDELT-shaped events (``alignwatch.eventdata.synthetic``, seed 0: Zipf-skewed dyads,
seasonality, dyad-specific quad mix) are written once as Parquet, 1M rows per file. Each engine then runs, in its own
subprocess (so peak RSS is that engine's alone), the dyad-year and the dyad-month panel of
``alignwatch.eventdata.aggregate.event_panel`` straight from the Parquet files, materialising the result. The best
of ``--repeat`` runs is reported (DuckDB's first run is not special; Spark's first run includes JIT warm-up and is
shown separately; Spark session start-up is excluded and shown). Growth is the DuckDB cost at ``--rows`` over the
cost at ``--small`` (first file only): near-linear means close to rows/small. The Spark and DuckDB panels of the
same ``--spark-rows`` events are compared cell by cell.

Targets (from the scale-path issue): DuckDB, 10M events, < 20 s and < 4 GB peak RSS — checked on the dyad-year
panel, the headline; the dyad-month time and their sum are printed beside it. Wall-clock figures depend on what else
runs on the machine, so the CPU time of each run (all threads) is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S, TARGET_RSS_GB = 20.0, 4.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _jvm_rss_mb(spark) -> float | None:
    """Peak RSS (VmHWM) of the local Spark JVM, read from /proc (Linux, local mode only)."""
    try:
        pid = spark.sparkContext._gateway.proc.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except Exception:  # not local, not Linux: no figure rather than a wrong one
        return None
    return None


def _jvm_cpu_s(spark) -> float:
    """CPU seconds (user + system) of the local Spark JVM so far, from /proc; 0 where unavailable."""
    try:
        pid = spark.sparkContext._gateway.proc.pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except Exception:
        return 0.0


def worker(engine: str, files: str, repeat: int, out: str | None) -> dict:
    """Run both panels ``repeat`` times on one engine; print JSON with timings and memory."""
    from alignwatch.eventdata import aggregate as agg
    from alignwatch.eventdata import engines

    t0 = time.perf_counter()
    con = engines.connect(engine, in_memory=True)
    startup = time.perf_counter() - t0
    events = con.read_parquet(files, table_name="ev_events_synth")
    n_rows = int(events.count().to_pyarrow().as_py())
    res = {"engine": engine, "rows": n_rows, "startup_s": startup, "runs": {}}
    for by in ("year", "month"):
        expr = agg.event_panel(events, by=by, source="synth")
        times, cpus = [], []
        for _ in range(repeat):
            c = time.process_time() + (_jvm_cpu_s(con._session) if engine == "spark" else 0.0)
            t = time.perf_counter()
            tbl = expr.to_pyarrow()
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() + (_jvm_cpu_s(con._session) if engine == "spark" else 0.0) - c)
        res["runs"][by] = {"times": times, "cpu": cpus, "groups": tbl.num_rows}
        if out and by == "year":
            agg.collect(expr).to_parquet(out, index=False)
    res["rss_mb"] = _rss_mb()
    if engine == "spark":
        res["jvm_rss_mb"] = _jvm_rss_mb(con._session)
        con._session.stop()
    return res


def _run_worker(engine: str, files: str, repeat: int, out: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--worker", engine, "--files", files, "--repeat", str(repeat)]
    if out:
        cmd += ["--panel-out", out]
    env = dict(os.environ, SPARK_LOCAL_IP=os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{engine} worker failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_rate(r: float) -> str:
    return f"{r / 1e6:.2f}M" if r >= 1e6 else f"{r / 1e3:.0f}k"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="events for the DuckDB run (default 10M)")
    ap.add_argument("--small", type=int, default=1_000_000, help="events for the growth baseline (default 1M)")
    ap.add_argument("--spark-rows", type=int, default=1_000_000, help="events for the Spark run (default 1M)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per panel; the best is reported")
    ap.add_argument("--no-spark", action="store_true", help="skip the Spark run")
    ap.add_argument("--data", help="directory for the synthetic Parquet (default: a temp dir, removed)")
    ap.add_argument("--db", help="accepted for benchmarks/run_all.py; unused (synthetic data need no warehouse)")
    ap.add_argument("--worker", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    ap.add_argument("--panel-out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(worker(a.worker, a.files, a.repeat, a.panel_out)))
        return 0
    if not 0 < a.small <= a.rows or a.rows % a.small or a.spark_rows % a.small or a.spark_rows > a.rows:
        ap.error("--rows and --spark-rows must be multiples of --small (one Parquet file per --small rows), "
                 "and --spark-rows at most --rows")

    from alignwatch.eventdata import aggregate as agg
    from alignwatch.eventdata import synthetic

    tmp = tempfile.TemporaryDirectory(prefix="aw-bench-")
    data = Path(a.data) if a.data else Path(tmp.name)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"alignwatch events benchmark: synthetic GDELT-shaped events (seed 0), {cores} CPU cores, "
          f"load average {load:.1f} at start")

    t = time.perf_counter()
    files = synthetic.generate(a.rows, data, chunk_rows=a.small)
    gen_s = time.perf_counter() - t
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    print(f"generated {a.rows:,} events in {gen_s:.1f} s ({_fmt_rate(a.rows / gen_s)} rows/s), "
          f"{len(files)} Parquet files, {size_mb:.0f} MB")
    folder = files[0].parent

    def glob_for(n: int) -> str:
        k = n // a.small
        return str(files[0]) if k == 1 else str(folder / "part-*.parquet") if k == len(files) else \
            str(folder / f"part-{{{','.join(f'{i:05d}' for i in range(k))}}}.parquet")

    results = []
    sizes = sorted({a.small, a.rows})
    for n in sizes:
        out = str(data / "panel_duckdb.parquet") if n == a.spark_rows else None
        results.append(_run_worker("duckdb", glob_for(n), a.repeat, out))
    spark = None
    if not a.no_spark:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            print("spark: pyspark not installed (pip install 'alignwatch[spark]'); skipped")
        else:
            spark = _run_worker("spark", glob_for(a.spark_rows), max(2, a.repeat),
                                str(data / "panel_spark.parquet"))
            results.append(spark)

    print()
    print(f"{'engine':<7} {'events':>12} {'panel':<11} {'best s':>7} {'cpu s':>6} {'rows/s':>8} {'groups':>8} "
          f"{'peak RSS':>10}")
    for r in results:
        for by, run in r["runs"].items():
            i = min(range(len(run["times"])), key=run["times"].__getitem__)
            best = run["times"][i]
            rss = r["rss_mb"] + (r.get("jvm_rss_mb") or 0)
            print(f"{r['engine']:<7} {r['rows']:>12,} {'dyad-' + by:<11} {best:>7.2f} {run['cpu'][i]:>6.2f} "
                  f"{_fmt_rate(r['rows'] / best):>8} {run['groups']:>8,} {rss / 1024:>8.2f} GB")
    print("(best s: wall clock of the best run; cpu s: CPU time of that run over all threads — wall clock far above "
          f"cpu s / {cores} means other processes competed for the cores)")
    if spark is not None:
        first = spark["runs"]["year"]["times"][0]
        print(f"spark: session start {spark['startup_s']:.1f} s and first (warm-up) dyad-year run {first:.1f} s, "
              "both excluded from the best time; RSS = Python driver + JVM")

    duck = {r["rows"]: r for r in results if r["engine"] == "duckdb"}
    big, small = duck[max(duck)], duck[min(duck)]

    def cost(r):
        return sum(min(run["times"]) for run in r["runs"].values())

    print()
    if big is not small:
        ratio = cost(big) / cost(small)
        print(f"growth {small['rows']:,} -> {big['rows']:,} events (duckdb, dyad-year + dyad-month): cost x{ratio:.1f} "
              f"(linear = x{big['rows'] / small['rows']:.0f}; per-event cost x{ratio * small['rows'] / big['rows']:.2f})")
    best = min(range(len(big["runs"]["year"]["times"])), key=big["runs"]["year"]["times"].__getitem__)
    year_s, year_cpu = big["runs"]["year"]["times"][best], big["runs"]["year"]["cpu"][best]
    rss_gb = big["rss_mb"] / 1024
    verdict = "PASS" if year_s < TARGET_S and rss_gb < TARGET_RSS_GB else "FAIL"
    print(f"target duckdb {big['rows']:,} events, dyad-year panel from Parquet, < {TARGET_S:.0f} s and < "
          f"{TARGET_RSS_GB:.0f} GB peak RSS: {verdict} ({year_s:.2f} s wall, {year_cpu:.1f} s CPU, {rss_gb:.2f} GB); "
          f"dyad-year + dyad-month: {cost(big):.2f} s; generating the events: {gen_s:.1f} s")
    if spark is not None:
        import pandas as pd

        same, why = agg.frames_equal(pd.read_parquet(data / "panel_duckdb.parquet"),
                                     pd.read_parquet(data / "panel_spark.parquet"))
        print(f"duckdb vs spark dyad-year panel of the same {spark['rows']:,} events: "
              f"{'identical' if same else 'DIFFERENT: ' + why}")
        rate_d = small["rows"] / min(small["runs"]["year"]["times"]) if small["rows"] == spark["rows"] else None
        rate_s = spark["rows"] / min(spark["runs"]["year"]["times"])
        if rate_d:
            print(f"rows/s dyad-year at {spark['rows']:,} events: duckdb {_fmt_rate(rate_d)}, spark local "
                  f"{_fmt_rate(rate_s)} (duckdb x{rate_d / rate_s:.0f})")
        if not same:
            return 1
    if hasattr(os, "getloadavg"):
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
