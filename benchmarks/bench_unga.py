"""Benchmark: UNGA agreement for all dyads x all years in both series, and dynamic ideal points for all years.

1. The vectorised panels (per-year one-hot matrices, one matrix product per year) of both roll-call series, undl
   (UN Digital Library, 1946-2025) and voeten (to 2020), against a straightforward DuckDB self-join that computes the
   same agreement on the same votes, in the same run: wall and CPU seconds, the ratios, the largest absolute
   difference (identical-vote share, Voeten agreement, joint-vote count) and peak RSS.
2. Our dynamic ideal points for every year: seconds, iterations, and the correlation per year with Voeten's
   published series.

Run: ``python benchmarks/bench_unga.py --db PATH`` (targets: both panels together < 1.0 s and >= 10x the self-joins
in CPU time; peak RSS < 2 GB; ideal points < 60 s on 2 cores). CPU time is the robust figure on a shared machine:
wall time there measures the neighbours as much as the code.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import duckdb
import numpy as np
import pandas as pd

from alignwatch.measures import idealpoints as ip
from alignwatch.measures import unga
from alignwatch.measures import unga_series as us
from alignwatch.warehouse import Warehouse

# The same votes as the panels read: for undl the UN DL rows (Y/A/N) and the 3DL rows of the 2025 records the UN DL
# file lacks (the CTE is the one the series module uses); for voeten the tidy roll calls.
SELF_JOIN = {
    "undl": f"""
WITH {us._G25},
v AS (
    SELECT id_record::BIGINT AS rec, year(vote_date) AS year, iso3,
           CASE vote WHEN 'Y' THEN 'yes' WHEN 'A' THEN 'abstain' ELSE 'no' END AS vote
    FROM undl_ga_votes WHERE vote IN ('Y', 'A', 'N') AND iso3 IS NOT NULL
    UNION ALL
    SELECT g25.item, year(v.date), v.iso3, v.vote FROM unga_votes_2025 v JOIN g25 USING (resolution)
    WHERE v.council = 'General Assembly' AND v.vote IS NOT NULL AND v.iso3 IS NOT NULL
      AND g25.item NOT IN (SELECT item FROM known)
)""",
    "voeten": """
WITH v AS (
    SELECT v.rcid::BIGINT AS rec, year(r.date) AS year, v.iso3, v.vote
    FROM unga_votes v JOIN unga_roll_calls r USING (rcid) WHERE v.iso3 IS NOT NULL
)""",
}
AGREEMENT = """
SELECT x.iso3 AS a, y.iso3 AS b, x.year, count(*) AS n_joint,
       avg(CASE WHEN x.vote = y.vote THEN 1.0 ELSE 0.0 END) AS agree_identical,
       avg(CASE WHEN x.vote = y.vote THEN 1.0 WHEN x.vote = 'abstain' OR y.vote = 'abstain' THEN 0.5 ELSE 0.0 END)
           AS agree_voeten
FROM v x JOIN v y ON x.rec = y.rec AND x.iso3 < y.iso3
GROUP BY 1, 2, 3
"""
TARGET_S, TARGET_RATIO = 1.0, 10.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _timed(fn, repeats: int):
    """(result, best wall seconds, best CPU seconds, every wall time)."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return out, min(walls), min(cpus), walls


def _check(ours: pd.DataFrame, base: pd.DataFrame) -> tuple[dict, int, int]:
    scored = ours[ours["n_joint"].fillna(0) > 0][["a", "b", "year", "n_joint", "agree_identical", "agree_voeten"]]
    scored = scored.assign(a=scored["a"].astype(str), b=scored["b"].astype(str))
    m = scored.merge(base, on=["a", "b", "year"], how="outer", suffixes=("", "_sql"), indicator=True)
    only = int((m["_merge"] != "both").sum())
    both = m[m["_merge"] == "both"]
    diff = {c: float(np.max(np.abs(both[c].to_numpy(float) - both[c + "_sql"].to_numpy(float))))
            for c in ("agree_identical", "agree_voeten", "n_joint")}
    return diff, only, len(scored)


def bench_panel(db: str, repeats: int) -> None:
    wh = Warehouse(db)
    wh.con  # open before timing
    panels, walls, cpus = {}, {}, {}
    for series in us.SERIES:
        panels[series], walls[series], cpus[series], _ = _timed(
            lambda s=series: unga.panel(wh, None, None, unga.Options(series=s), use_cache=False), repeats)
    both = _timed(lambda: [unga.panel(wh, None, None, unga.Options(series=s), use_cache=False) for s in us.SERIES],
                  repeats)
    rss_ours = peak_rss_mb()
    wh.close()

    con = duckdb.connect(db, read_only=True)
    bases, bwalls, bcpus = {}, {}, {}
    for series in us.SERIES:
        bases[series], bwalls[series], bcpus[series], _ = _timed(
            lambda s=series: con.execute(SELF_JOIN[s] + AGREEMENT).df(), repeats)
    con.close()

    print("== UNGA agreement, all dyads x all years, both series ==")
    for series in us.SERIES:
        p = panels[series]
        diff, only, n_scored = _check(p, bases[series])
        n_dyads = p[["a", "b"]].drop_duplicates().shape[0]
        print(f"[{series}] panel: {len(p):,} dyad-years ({n_dyads:,} dyads x {p.year.nunique()} years "
              f"{p.year.min()}-{p.year.max()}), {n_scored:,} scored")
        print(f"[{series}] vectorised {walls[series]:.2f} s wall / {cpus[series]:.2f} s CPU; DuckDB self-join "
              f"{bwalls[series]:.2f} s wall / {bcpus[series]:.2f} s CPU (all threads)")
        print(f"[{series}] max abs difference: agree_identical {diff['agree_identical']:.1e}, agree_voeten "
              f"{diff['agree_voeten']:.1e}, n_joint {diff['n_joint']:.0f}; dyad-years in only one result: {only}")
    _, t_both, c_both, runs = both
    base_cpu = sum(bcpus.values())
    base_wall = sum(bwalls.values())
    print(f"both series: vectorised {t_both:.2f} s wall (runs: {', '.join(f'{t:.2f}' for t in runs)}), "
          f"{c_both:.2f} s CPU; self-join {base_wall:.2f} s wall, {base_cpu:.2f} s CPU")
    print(f"speed-up: {base_cpu / c_both:.1f}x CPU (target >= {TARGET_RATIO:.0f}x: "
          f"{'met' if base_cpu / c_both >= TARGET_RATIO else 'MISSED'}), {base_wall / t_both:.1f}x wall")
    print(f"both panels < {TARGET_S:.1f} s: wall {'met' if t_both < TARGET_S else 'MISSED'} ({t_both:.2f} s), "
          f"CPU {'met' if c_both < TARGET_S else 'MISSED'} ({c_both:.2f} s)")
    print(f"peak RSS: {rss_ours:.0f} MB after the vectorised panels, {peak_rss_mb():.0f} MB after the self-joins "
          f"(target < 2048 MB)")
    sys.stdout.flush()


def bench_idealpoints(db: str) -> None:
    wh = Warehouse(db)
    t0 = time.perf_counter()
    votes = ip.load_votes(wh)
    t_load = time.perf_counter() - t0
    model = ip.DynamicIRT().fit(votes)
    vo = ip.voeten(wh)
    wh.close()
    pts = model.points_
    fp = ip.compare_with_voeten(pts, vo)
    al = ip.compare_with_voeten(pts, vo.drop(columns="ideal").rename(columns={"idealpointall": "ideal"}))
    print("\n== Dynamic ideal points, all years ==")
    print(f"votes: {len(votes):,} ({votes['item'].nunique():,} items after bridging), {pts.iso3.nunique()} states, "
          f"{pts.year.nunique()} session-years; load {t_load:.1f} s")
    print(f"fit: {model.seconds_:.1f} s, {model.n_iter_} iterations, converged={model.converged_} (target < 60 s)")
    print(f"peak RSS so far: {peak_rss_mb():.0f} MB")
    print("correlation with Voeten per session-year (Pearson r over common states):")
    print(f"  'fp' series:  mean {fp.r.mean():.3f}, median {fp.r.median():.3f}, min {fp.r.min():.3f} "
          f"({int(fp.loc[fp.r.idxmin(), 'year'])}), years {len(fp)}")
    print(f"  'all' series: mean {al.r.mean():.3f}, median {al.r.median():.3f}, min {al.r.min():.3f} "
          f"({int(al.loc[al.r.idxmin(), 'year'])}), years {len(al)}")
    tab = fp.merge(al[["year", "r"]], on="year", how="left", suffixes=("_fp", "_all"))
    with pd.option_context("display.max_rows", 200, "display.width", 120):
        print(tab.round(3).to_string(index=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="warehouse file (opened read-only)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each panel method (the best is compared)")
    ap.add_argument("--skip-idealpoints", action="store_true")
    args = ap.parse_args(argv)
    bench_panel(args.db, args.repeats)
    if not args.skip_idealpoints:
        bench_idealpoints(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
