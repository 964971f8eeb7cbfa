"""Measure families, bootstrap and report, from the warehouse, against the targets of the index and
other-measures work: all families for the PRK–CHN–RUS triad plus the bloc BLR, IRN, SYR, LAO, VNM, CUB (< 10 s);
the bootstrap with 200 replicates for the triad (< 10 s); the report cold (< 15 s); and ``make demo``'s report
right after a fresh ingest (< 20 s): ``alignwatch ingest`` into a new temporary warehouse (no derived cache at
all), then ``alignwatch report --focus PRK --partners CHN,RUS``, each in a fresh process.

Baselines measured in the same run: reading every table the families use straight from DuckDB (the I/O floor),
the index with 0 replicates (the point estimate without the bootstrap), and the same CLI report run again once
its derived caches exist (what the fresh-ingest report costs beyond the work it does once per ingest).

Usage: python benchmarks/bench_families_report.py --db WAREHOUSE
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import peak_rss_mib, run_child, verdict  # noqa: E402

TRIAD = ["PRK", "CHN", "RUS"]
BLOC = TRIAD + ["BLR", "IRN", "SYR", "LAO", "VNM", "CUB"]
FAMILIES = """
import sys, time
from alignwatch.measures import families
from alignwatch.warehouse import Warehouse
wh = Warehouse(sys.argv[1])
states = sys.argv[2].split(",")
t0 = time.perf_counter()
for name, fam in families().items():
    t = time.perf_counter()
    df = fam.dyad_years(wh, states, None)
    print(f"  {name:<12} {time.perf_counter() - t:6.2f} s  {len(df):>6} rows")
print(f"TOTAL {time.perf_counter() - t0:.3f}")
"""
IO_FLOOR = """
import sys, time
from alignwatch.warehouse import Warehouse
wh = Warehouse(sys.argv[1])
t0 = time.perf_counter()
for t in wh.tables():
    if not t.startswith("_") and t not in ("ungdc_speeches", "kcna_stories_2011", "kcna_stories_2012"):
        wh.df(t)
print(f"TOTAL {time.perf_counter() - t0:.3f}")
"""
REPORT = """
import sys, time
from alignwatch.report import build
from alignwatch.warehouse import Warehouse
t0 = time.perf_counter()
with Warehouse(sys.argv[1]) as wh:
    ctx = build.build_report(wh, "PRK", ["CHN", "RUS"], sys.argv[2])
print(f"TOTAL {time.perf_counter() - t0:.3f}")
"""


def _total(out: str) -> float:
    return float([line for line in out.splitlines() if line.startswith("TOTAL")][-1].split()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--fresh-only", action="store_true", help="only the report right after a fresh ingest")
    args = ap.parse_args()
    db = args.db
    if args.fresh_only:
        return fresh_ingest_report()

    print("== measure families, triad + bloc (9 states), fresh process")
    _, rss, out = run_child(FAMILIES, db, ",".join(BLOC))
    fam_s = _total(out)
    print("\n".join(line for line in out.splitlines() if not line.startswith("TOTAL")))
    _, _, io_out = run_child(IO_FLOOR, db)
    io_s = _total(io_out)
    print(f"all families: {fam_s:.2f} s (peak RSS {rss:.0f} MiB); baseline, reading all tables: {io_s:.2f} s; "
          f"ratio {fam_s / io_s:.2f}x; target < 10 s: {verdict(fam_s < 10)}")

    from alignwatch import index as idx
    from alignwatch.warehouse import Warehouse

    print("\n== bootstrap, triad")
    with Warehouse(db) as wh:
        idx.dyad_index(wh, TRIAD)  # warm: family panels come from the warehouse caches after this
        t = time.perf_counter()
        idx.dyad_index(wh, TRIAD, replicates=0)
        point = time.perf_counter() - t
        t = time.perf_counter()
        idx.dyad_index(wh, TRIAD, replicates=200)
        boot = time.perf_counter() - t
    print(f"index with 200 replicates: {boot:.2f} s; point estimate only: {point:.2f} s; "
          f"bootstrap adds {boot - point:.2f} s (ratio {boot / point:.2f}x); target < 10 s: {verdict(boot < 10)}")

    print("\n== report, cold (fresh process)")
    with tempfile.TemporaryDirectory() as d:
        secs, rss, out = run_child(REPORT, db, str(Path(d) / "report.html"))
        size = (Path(d) / "report.html").stat().st_size
    rep = _total(out)
    print(f"report: {rep:.2f} s inside, {secs:.2f} s with interpreter start; {size / 1e6:.1f} MB; peak RSS {rss:.0f} MiB;"
          f" ratio to the bootstrap index {rep / boot:.2f}x; target < 15 s: {verdict(secs < 15)}")
    print(f"(this process peak RSS {peak_rss_mib():.0f} MiB)")
    fresh_ingest_report()


def fresh_ingest_report() -> None:
    print("\n== make demo's report right after a fresh ingest (CLI, fresh processes)")
    with tempfile.TemporaryDirectory() as d:
        fresh, html = str(Path(d) / "fresh.duckdb"), str(Path(d) / "report.html")
        ingest_s = _cli(["ingest", "--db", fresh, "-q", "--format", "csv"])
        report = ["report", "--db", fresh, "--focus", "PRK", "--partners", "CHN,RUS", "--out", html]
        cold = _cli(report)
        warm = _cli(report)
    print(f"report right after a fresh ingest: {cold:.1f} s (target < 20 s: {verdict(cold < 20)}); the same report "
          f"with its derived caches: {warm:.1f} s (ratio {cold / warm:.1f}x); the ingest itself: {ingest_s:.1f} s")


def _cli(args: list[str]) -> float:
    """Seconds of one ``alignwatch`` command in a fresh process (output discarded)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "alignwatch", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
