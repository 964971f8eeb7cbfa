"""Run every benchmark (``make bench``): each prints its own timings, ratios against an in-run baseline, and
whether it met its target. Benchmarks that need the warehouse get one ingested into a temporary file.

bench_cli.py prints the CLI start-up line (``alignwatch --help`` in a fresh process; target under 1 s)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    if not os.environ.get("ALIGNWATCH_DATA"):
        print("ALIGNWATCH_DATA is not set: benchmarks need the data mirror", file=sys.stderr)
        return 2
    scripts = sorted(p for p in HERE.glob("bench_*.py"))
    only = sys.argv[1:]
    if only:
        scripts = [p for p in scripts if any(o in p.stem for o in only)]
    failed = []
    with tempfile.TemporaryDirectory() as d:
        db = os.environ.get("ALIGNWATCH_BENCH_DB") or str(Path(d) / "bench.duckdb")
        if not Path(db).exists():
            subprocess.run([sys.executable, "-m", "alignwatch", "ingest", "--db", db, "-q", "--format", "csv"],
                           check=True, stdout=subprocess.DEVNULL)
        env = {**os.environ, "ALIGNWATCH_DB": db}
        for s in scripts:
            print(f"\n######## {s.name}", flush=True)
            r = subprocess.run([sys.executable, str(s), "--db", db], env=env)
            if r.returncode != 0:
                failed.append(s.name)
    if failed:
        print(f"\nbenchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
