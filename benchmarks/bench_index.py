"""The index's measurement model against its targets: fitting on the reference panel (< 30 s), one dyad's smoothed
series (< 0.2 s), and ``make demo``'s report right after a fresh ingest (< 20 s); plus the leave-one-family-out
share of PRK-CHN and PRK-RUS (at least 90 % of family x dyad-years 1991-2025 move by less than the interval's
half-width).

Baselines measured in the same run: one pass of statsmodels' Kalman filter over the stacked reference panel (the
unit of work the fit repeats), reading the dyad's observations from the cached panel (the I/O floor of a dyad),
and the same report once the derived caches exist (what the cold report costs beyond the work itself).

"Right after a fresh ingest" is a copy of the warehouse without its ``_cache_`` tables: what ``alignwatch
ingest`` leaves (it drops every derived cache).

Usage: python benchmarks/bench_index.py --db WAREHOUSE
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import run_child, verdict  # noqa: E402

FRESH = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, '_cache_')").fetchall():
    con.execute(f'DROP TABLE "{t}"')
con.execute("CHECKPOINT")
"""
REPORT = """
import sys, time
from alignwatch.report import build
from alignwatch.warehouse import Warehouse
t = time.perf_counter()
with Warehouse(sys.argv[1]) as wh:
    build.build_report(wh, "PRK", ["CHN", "RUS"], sys.argv[2])
print(f"{time.perf_counter() - t:.3f}")
"""
MODEL = """
import sys, time
import numpy as np
from alignwatch import index as idx, index_indicators as ind, index_model as im
from alignwatch.warehouse import Warehouse
wh = Warehouse(sys.argv[1])
w = idx.load_weights()
obs = idx.reference_observations(wh, w)
fitted = idx.reference_model(wh, w)  # warm the cache for the dyad timings below
t = time.perf_counter()
im.fit(obs, idx.indicator_weights(obs, w), ind.bases(obs["indicator"].unique()), start=w.start,
       end=idx.model_end(), priors=w.priors, max_iter=w.max_iter, tol=w.tol)
fit_s = time.perf_counter() - t
o = obs[(obs["domain"] == "political") & obs["year"].between(w.start, idx.model_end())].reset_index(drop=True)
params = im._init_params(o, idx.indicator_weights(o, w), ind.bases(o["indicator"].unique()), {})
dom = im._Domain(o, params, w.start, idx.model_end())
alpha = params.loc[dom.names, "alpha"].to_numpy(float)
t = time.perf_counter()
dom.loglik(alpha, 0.3, 0.95)
filt_s = time.perf_counter() - t
reps = 20
t = time.perf_counter()
for _ in range(reps):
    rows = obs[(obs["a"] == "CHN") & (obs["b"] == "PRK")]
read_s = (time.perf_counter() - t) / reps
t = time.perf_counter()
for _ in range(reps):
    idx.smooth_states(wh, ["PRK", "CHN"], w, obs=rows, fitted=fitted)
dyad_s = (time.perf_counter() - t) / reps
inf = [idx.family_influence(wh, p, w, years=(1991, 2025)) for p in (["PRK", "CHN"], ["PRK", "RUS"])]
share = [float(i["within"].mean()) for i in inf]
print(fit_s, filt_s, dyad_s, read_s, share[0], share[1], float(np.mean([x for i in inf for x in i["within"]])))
both = __import__("pandas").concat(inf)
print(" ".join(f"{f}={v:.3f}" for f, v in both.groupby("family")["within"].mean().sort_values().items()))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        db = str(Path(d) / "fresh.duckdb")
        shutil.copy(args.db, db)
        run_child(FRESH, db)
        out = str(Path(d) / "report.html")
        _, rss_cold, cold = run_child(REPORT, db, out)
        _, _, warm = run_child(REPORT, db, out)
        cold_s, warm_s = float(cold.strip()), float(warm.strip())
        print(f"report right after a fresh ingest: {cold_s:.1f} s (target < 20 s: {verdict(cold_s < 20)}); "
              f"with the derived caches: {warm_s:.1f} s (cold / warm = {cold_s / warm_s:.1f}x); "
              f"peak RSS {rss_cold:.0f} MiB")
        _, _, res = run_child(MODEL, db)
    numbers, per_family = res.strip().splitlines()[-2:]
    fit_s, filt_s, dyad_s, read_s, s_chn, s_rus, s_all = map(float, numbers.split())
    print(f"fit on the reference panel: {fit_s:.1f} s (target < 30 s: {verdict(fit_s < 30)}); "
          f"one Kalman filter pass over the stacked political panel {filt_s:.3f} s (fit = {fit_s / filt_s:.0f} passes)")
    print(f"one dyad's smoothed series (PRK-CHN): {dyad_s:.3f} s (target < 0.2 s: {verdict(dyad_s < 0.2)}); "
          f"reading its observations {read_s:.4f} s (ratio {dyad_s / read_s:.0f}x)")
    print(f"leave-one-family-out, 1991-2025: share of family x dyad-years moving less than the 90 % half-width "
          f"{s_all:.3f} (PRK-CHN {s_chn:.3f}, PRK-RUS {s_rus:.3f}; target >= 0.90: {verdict(s_all >= 0.9)})")
    worst = {k: float(v) for k, v in (kv.split("=") for kv in per_family.split())}
    print(f"leave-one-family-out per family (both dyads; lowest first): {per_family}; every family >= 0.90: "
          f"{verdict(min(worst.values()) >= 0.9)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
