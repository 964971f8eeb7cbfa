"""Periods of a dyad's alignment: change points on its index, the uncertainty of every break, and a label per
period from an explicit codebook (docs/periods.md), with the evidence behind each label.

Method (stated, not tuned to any narrative):
- Change points: ruptures PELT with a mean-shift (``l2``) cost on the yearly composite index, minimum segment
  length ``min_size`` years. Penalty: the BIC-type ``pen = 2 * sigma^2 * log(T)`` (Yao 1988), with the noise
  ``sigma`` estimated robustly from first differences (MAD / 0.6745 / sqrt 2), so the criterion adapts to each
  series' own noise instead of a hand-picked constant.
- Uncertainty: a residual bootstrap (fitted segment means plus resampled residuals, re-detected ``B`` = 100 times).
  Every break reports its stability (share of replicates with a break within +/-1 year) and a 90% interval of the
  nearest replicate break (``B`` = 100 replicates). Breaks found in fewer than ``min_stability`` (default half) of the replicates are
  reported as unstable and do not split periods: a break the data cannot reproduce is not evidence.
- Labels: codebook on period means of the political and economic sub-indices (z units) and their change from the
  previous period; precedence abandonment > entanglement > deep alignment > alignment > dealignment.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

DELTA = 0.5  # a change of half a reference standard deviation counts as a move (codebook threshold)

CODEBOOK = {
    "abandonment": "previous period politically aligned (political >= 0) and political falls by >= DELTA",
    "entanglement": "political rises by >= DELTA and the treaty family rises by >= DELTA (new binding commitments)",
    "deep alignment": "political >= 0 while economic falls by >= DELTA, or half the period's years are flagged "
                      "as divergent (the patron shields politically while the economic tie shrinks)",
    "alignment": "political >= 0 (otherwise)",
    "dealignment": "political < 0 (less aligned than the typical reference dyad)",
}


@dataclass
class Break:
    year: int  # first year of the new period
    stability: float
    lo: int
    hi: int


def noise_sigma(y: np.ndarray) -> float:
    d = np.diff(y)
    if len(d) < 2:
        return float(np.std(y)) or 1.0
    mad = np.median(np.abs(d - np.median(d)))
    s = mad / 0.6745 / np.sqrt(2)
    return float(s) if s > 0 else float(np.std(d) / np.sqrt(2)) or 1e-6


@functools.cache
def _prefix_l2():
    """The PrefixL2 cost class, built on first use: importing ruptures takes seconds (it loads scipy.stats), and
    only the change-point search needs it, not every command that imports this module."""
    import ruptures as rpt

    class PrefixL2(rpt.base.BaseCost):
        """ruptures' ``l2`` cost (sum of squared deviations from the segment mean) in O(1) per segment from prefix
        sums: the same numbers as ``CostL2``, which recomputes a variance for every candidate segment."""

        model = "prefix_l2"
        min_size = 1

        def fit(self, signal):
            self.signal = np.asarray(signal, dtype=float).reshape(-1, 1)  # ruptures reads its length
            y = self.signal[:, 0]
            self.s1 = np.concatenate([[0.0], np.cumsum(y)])
            self.s2 = np.concatenate([[0.0], np.cumsum(y * y)])
            return self

        def error(self, start, end):
            n = end - start
            if n < self.min_size:
                raise rpt.exceptions.NotEnoughPoints
            t = self.s1[end] - self.s1[start]
            return float(self.s2[end] - self.s2[start] - t * t / n)

    return PrefixL2


def __getattr__(name: str):
    if name == "PrefixL2":  # periods.PrefixL2 and periods.rpt stay importable, loaded on first use
        return _prefix_l2()
    if name == "rpt":
        import ruptures

        return ruptures
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _detect(y: np.ndarray, pen: float, min_size: int) -> list[int]:
    if len(y) < 2 * min_size:
        return []
    import ruptures as rpt

    algo = rpt.Pelt(custom_cost=_prefix_l2()(), min_size=min_size, jump=1).fit(y.reshape(-1, 1))
    return [i for i in algo.predict(pen=pen) if i < len(y)]


def detect(series: pd.Series, *, min_size: int = 3, B: int = 100, seed: int = 0,
           min_stability: float = 0.0) -> list[Break]:
    """Breaks of a yearly series (index = year); NaN years are skipped; ``min_stability`` drops unstable ones."""
    s = series.dropna().sort_index()
    y, years = s.to_numpy(float), s.index.to_numpy(int)
    if len(y) < 2 * min_size:
        return []
    sigma = noise_sigma(y)
    pen = 2 * sigma**2 * np.log(len(y))
    idx = _detect(y, pen, min_size)
    if not idx:
        return []
    bounds = [0] + idx + [len(y)]
    fitted = np.concatenate([np.full(b - a, y[a:b].mean()) for a, b in zip(bounds[:-1], bounds[1:])])
    resid = y - fitted
    rng = np.random.default_rng(seed)
    reps = [_detect(fitted + rng.choice(resid, size=len(y), replace=True), pen, min_size) for _ in range(B)]
    out = []
    for i in idx:
        nearest = []
        hits = 0
        for r in reps:
            if not r:
                continue
            j = min(r, key=lambda k: abs(k - i))
            nearest.append(j)
            hits += abs(j - i) <= 1
        lo, hi = (np.quantile(nearest, [0.05, 0.95]) if nearest else (i, i))
        out.append(Break(int(years[i]), hits / B if B else float("nan"),
                         int(years[int(np.floor(lo))]), int(years[min(int(np.ceil(hi)), len(years) - 1)])))
    return [b for b in out if not (b.stability < min_stability)]


def label(pol: float, eco: float, prev_pol: float | None, prev_eco: float | None,
          d_treaties: float | None = None, divergent_share: float = 0.0) -> str:
    """The codebook (see CODEBOOK and docs/periods.md); NaN inputs mean 'no evidence for that condition'."""
    dp = None if prev_pol is None or np.isnan(prev_pol) or np.isnan(pol) else pol - prev_pol
    de = None if prev_eco is None or np.isnan(prev_eco) or np.isnan(eco) else eco - prev_eco
    if dp is not None and prev_pol >= 0 and dp <= -DELTA:
        return "abandonment"
    if dp is not None and dp >= DELTA and d_treaties is not None and not np.isnan(d_treaties) and d_treaties >= DELTA:
        return "entanglement"
    if not np.isnan(pol) and pol >= 0 and ((de is not None and de <= -DELTA) or divergent_share >= 0.5):
        return "deep alignment"
    if not np.isnan(pol) and pol >= 0:
        return "alignment"
    return "dealignment"


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def periods(index_rows: pd.DataFrame, panel: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
            *, min_size: int = 3, B: int = 100, seed: int = 0, top: int = 3,
            min_stability: float = 0.5, max_events: int = 4) -> tuple[pd.DataFrame, list[Break]]:
    """Periods of one dyad from its index rows (year, political, economic, composite, divergence).

    ``panel`` (standardised family panel: year, family, z) supplies the top contributing families; ``events``
    (date, kind, text) the chronology events inside each period.
    """
    rows = index_rows.sort_values("year").set_index("year")
    breaks = detect(rows["composite"], min_size=min_size, B=B, seed=seed, min_stability=min_stability)
    years = rows["composite"].dropna().index
    if len(years) == 0:
        return pd.DataFrame(), []
    starts = [int(years.min())] + [b.year for b in breaks]
    ends = [b.year - 1 for b in breaks] + [int(years.max())]
    out, prev = [], (None, None, None)
    for k, (s, e) in enumerate(zip(starts, ends)):
        seg = rows.loc[s:e]
        pol = float(seg["political"].mean()) if "political" in seg else np.nan
        eco = float(seg["economic"].mean()) if "economic" in seg else np.nan
        treaties = np.nan
        contrib = ""
        if panel is not None and len(panel):
            p = panel[panel["year"].between(s, e)]
            fam = p.groupby("family")["z"].mean()
            treaties = float(fam.get("treaties", np.nan))
            contrib = ", ".join(f"{f} {v:+.2f}" for f, v in fam.reindex(fam.abs().sort_values(ascending=False).index)
                                .head(top).items())
        div = float(seg["divergence"].mean()) if "divergence" in seg else 0.0
        d_tr = None if prev[2] is None or np.isnan(prev[2]) else treaties - prev[2]
        lab = label(pol, eco, prev[0], prev[1], d_tr, div)
        ev = ""
        if events is not None and len(events):
            inside = events[(events["year"] >= s) & (events["year"] <= e)]
            ev = "; ".join(f"{r.date} {_short(r.text)}" for r in inside.head(max_events).itertuples())
            if len(inside) > max_events:
                ev += f"; … {len(inside) - max_events} more"
        br = breaks[k - 1] if k > 0 else None
        out.append({"start": s, "end": e, "label": lab, "political": pol, "economic": eco,
                    "composite": float(seg["composite"].mean()),
                    "break_stability": br.stability if br else np.nan,
                    "break_interval": f"{br.lo}–{br.hi}" if br else "",
                    "top_families": contrib, "events": ev})
        prev = (pol, eco, treaties)
    return pd.DataFrame(out), breaks
