"""Helpers shared by the benchmarks: timing and peak memory of a child process."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time


def run_child(code: str, *args: str, env: dict | None = None) -> tuple[float, float, str]:
    """Run Python code in a fresh process: (seconds, peak RSS in MiB, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark child failed ({status}):\n{out}")
    return secs, usage.ru_maxrss / 1024, out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"
