"""Full ingest of the data mirror into a new warehouse: seconds, rows/s and peak RSS, against targets
(< 30 s, < 2 GB) and against a baseline measured in the same run: DuckDB loading the same Parquet/CSV files
directly (no validation, no code resolution, no provenance) — the ratio is the price of checking the data.

Usage: python benchmarks/bench_ingest.py  (needs ALIGNWATCH_DATA)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import run_child, verdict  # noqa: E402

INGEST = """
import sys
from alignwatch import sources, warehouse
res = warehouse.ingest(sources.select(None), sys.argv[1], progress=False)
print(sum(r.rows for r in res))
"""
BASELINE = """
import sys, duckdb, os
from alignwatch import sources
con = duckdb.connect(sys.argv[1])
n = 0
for ds in sources.registry().values():
    p = str(sources.locate(ds))
    reader = "read_parquet" if p.endswith(".parquet") else "read_csv"
    con.execute(f"CREATE TABLE {ds.table} AS SELECT * FROM {reader}(?)", [p])
    n += con.execute(f"SELECT count(*) FROM {ds.table}").fetchone()[0]
con.execute("CHECKPOINT")
print(n)
"""


def main() -> None:
    if not os.environ.get("ALIGNWATCH_DATA"):
        raise SystemExit("set ALIGNWATCH_DATA to the data mirror")
    with tempfile.TemporaryDirectory() as d:
        base_s, base_rss, _ = run_child(BASELINE, str(Path(d) / "baseline.duckdb"))
        secs, rss, out = run_child(INGEST, str(Path(d) / "alignwatch.duckdb"))
        rows = int(out.strip().splitlines()[-1])
    print("== ingest (full mirror, fresh warehouse)")
    print(f"alignwatch ingest : {secs:6.1f} s  {rows / secs:>10,.0f} rows/s  peak RSS {rss:6.0f} MiB  ({rows:,} rows)")
    print(f"baseline (DuckDB) : {base_s:6.1f} s  peak RSS {base_rss:6.0f} MiB  (read_parquet/read_csv, no checks)")
    print(f"ratio ingest/baseline: {secs / base_s:.2f}x")
    print(f"target < 30 s: {verdict(secs < 30)}; target < 2 GB: {verdict(rss < 2048)}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", help="accepted for run_all.py; the ingest benchmark always uses a fresh file")
    ap.parse_args()
    main()
