"""Periods of a dyad's alignment: change points on the smoothed latent series, breaks that must exceed their
uncertainty, and a label per period from an explicit codebook (docs/periods.md) that is given only where the
evidence decides it.

Method (stated, not tuned to any narrative):
- The series is the index's posterior (alignwatch.index): per year the mean of the political and economic
  latents, and the exact joint covariance of each latent's path (``index.PathCov``, from the smoother gains of the
  model with the dyad's persistent random effects in the state). Change points are read from the smoothed
  latents, never from the raw families, so a family entering or leaving is not a break.
- Candidates: ruptures PELT with a multivariate least-squares cost on the two latents, each year weighted by its
  posterior precision (a thinly informed year counts little), minimum period ``min_size`` years, BIC penalty
  ``(d + 1) log T`` for ``d`` latents (Yao 1988) in these precision units.
- A break must exceed its uncertainty: the change of a latent's mean across it (a linear function of the path,
  so its posterior is Gaussian) must have a ``level`` interval that excludes 0 and a mean of at least ``DELTA``.
  Breaks that fail are removed one at a time, weakest first, and the periods re-formed.
- Location uncertainty: ``B`` joint posterior paths (``[draws] replicates``) are drawn and re-segmented;
  ``break_stability`` is the share of draws with a break within +/-1 year, ``break_interval`` the 5-95 % range of
  the nearest one.
- Labels: the codebook on each period's posterior, each condition evaluated as holding, failing or undecided
  (its ``level`` interval straddles the threshold); precedence abandonment > entanglement > deep alignment >
  alignment > dealignment, and the first condition that is undecided makes the label "insufficient evidence",
  as does a period informed by fewer than two families.
- Window: labels are computed on the dyad's whole series and cut afterwards (:func:`dyad_periods`), so a year's
  label does not depend on the years asked for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

DELTA = 0.5  # a change of half a reference standard deviation counts as a move (codebook threshold)
MIN_FAMILIES = 2  # a period informed by fewer families is "insufficient evidence"
INSUFFICIENT = "insufficient evidence"

CODEBOOK = {
    "abandonment": "previous period politically aligned (political >= 0) and political falls by >= DELTA",
    "entanglement": "political rises by >= DELTA and the treaty family rises by >= DELTA (new binding commitments)",
    "deep alignment": "political >= 0 while economic falls by >= DELTA, or half the period's years are flagged "
                      "as divergent (the patron shields politically while the economic tie shrinks)",
    "alignment": "political >= 0 (otherwise)",
    "dealignment": "political < 0 (less aligned than the typical reference dyad)",
    INSUFFICIENT: f"fewer than {MIN_FAMILIES} families inform the period, or the interval of a quantity a rule "
                  "needs straddles its threshold, so the evidence cannot decide between labels",
}


@dataclass
class Break:
    year: int  # first year of the new period
    stability: float
    lo: int
    hi: int
    change: float = float("nan")  # change of the composite's mean across the break
    change_lo: float = float("nan")
    change_hi: float = float("nan")


@functools.cache
def _weighted_l2():
    """A ruptures cost: least squares of a multivariate signal around each segment's weighted mean, each point
    weighted by its precision, in O(1) per segment from prefix sums (built on first use: importing ruptures
    loads scipy.stats)."""
    import ruptures as rpt

    class WeightedL2(rpt.base.BaseCost):
        model = "weighted_l2"
        min_size = 1

        def __init__(self, weights: np.ndarray):
            self.w = np.asarray(weights, float)

        def fit(self, signal):
            self.signal = np.asarray(signal, float)
            y, w = self.signal, self.w
            self.s0 = np.vstack([np.zeros(y.shape[1]), np.cumsum(w, axis=0)])
            self.s1 = np.vstack([np.zeros(y.shape[1]), np.cumsum(w * y, axis=0)])
            self.s2 = np.vstack([np.zeros(y.shape[1]), np.cumsum(w * y * y, axis=0)])
            return self

        def error(self, start, end):
            if end - start < self.min_size:
                raise rpt.exceptions.NotEnoughPoints
            w = self.s0[end] - self.s0[start]
            t = self.s1[end] - self.s1[start]
            q = self.s2[end] - self.s2[start]
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.sum(np.where(w > 0, q - t * t / w, 0.0)))

    return WeightedL2


def segment(signal: np.ndarray, weights: np.ndarray, *, min_size: int = 3) -> list[int]:
    """Candidate change points (indices where a new period starts) of a (T x d) signal with precision weights."""
    T, d = signal.shape
    if T < 2 * min_size:
        return []
    import ruptures as rpt

    cost = _weighted_l2()(weights)
    algo = rpt.Pelt(custom_cost=cost, min_size=min_size, jump=1).fit(signal)
    return [i for i in algo.predict(pen=(d + 1) * np.log(T)) if i < T]


# ------------------------------------------------------------------------------------------------ posterior


class Posterior:
    """The joint Gaussian posterior of one dyad's consecutive index rows, per latent (political, economic,
    composite): means and covariance matrices (index.path_covariance: exact with ``paths``, the dyad's
    ``index.PathCov``)."""

    def __init__(self, rows: pd.DataFrame, weights=None, paths=None):
        from . import index as idx

        self.years = rows["year"].to_numpy(int)
        self.mean, self.cov = {}, {}
        for t in ("political", "economic", "composite"):
            if t not in rows or not np.isfinite(rows[t].to_numpy(float)).any():
                continue
            if t != "composite" and not {f"{t}_sd", f"{t}_r1"} <= set(rows.columns):
                continue
            self.mean[t] = rows[t].to_numpy(float)
            self.cov[t] = idx.path_covariance(rows, t, weights, paths)

    def linear(self, target: str, c: np.ndarray) -> tuple[float, float]:
        """Posterior mean and sd of ``c @ path``."""
        m, S = self.mean[target], self.cov[target]
        return float(c @ m), float(np.sqrt(max(c @ S @ c, 0.0)))

    def period_mean(self, target: str, i0: int, i1: int) -> tuple[float, float]:
        c = np.zeros(len(self.years))
        c[i0:i1] = 1.0 / (i1 - i0)
        return self.linear(target, c)

    def change(self, target: str, a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
        """Mean and sd of (mean over period b) - (mean over period a), index ranges [i0, i1)."""
        c = np.zeros(len(self.years))
        c[a[0]:a[1]] -= 1.0 / (a[1] - a[0])
        c[b[0]:b[1]] += 1.0 / (b[1] - b[0])
        return self.linear(target, c)

    def draws(self, target: str, n: int, seed: int) -> np.ndarray:
        m, S = self.mean[target], self.cov[target]
        rng = np.random.default_rng(seed)
        vals, vecs = np.linalg.eigh((S + S.T) / 2)
        root = vecs * np.sqrt(np.clip(vals, 0, None))
        return m + rng.standard_normal((n, len(m))) @ root.T


def _prob_at_least(mean: float, sd: float, thr: float) -> float:
    if not np.isfinite(mean):
        return float("nan")
    if not sd > 0:
        return 1.0 if mean >= thr else 0.0
    return float(norm.sf((thr - mean) / sd))


def _tri(p: float, level: float) -> bool | None:
    """A condition with posterior probability ``p``: True / False where the ``level`` interval of the quantity
    lies on one side of the threshold, None (undecided) where it straddles it; NaN (no evidence) is False."""
    if not np.isfinite(p):
        return False
    tail = (1 - level) / 2
    return True if p >= 1 - tail else False if p <= tail else None


def _and(*xs):
    if any(x is False for x in xs):
        return False
    return None if any(x is None for x in xs) else True


def _or(*xs):
    if any(x is True for x in xs):
        return True
    return None if any(x is None for x in xs) else False


def label(pol: float, eco: float, prev_pol: float | None, prev_eco: float | None,
          d_treaties: float | None = None, divergent_share: float = 0.0) -> str:
    """The codebook on point values, every condition decided (see :data:`CODEBOOK`); NaN or None inputs mean
    'no evidence for that condition'."""
    def num(v):
        return np.nan if v is None else float(v)

    pol, eco, prev_pol, prev_eco, d_tr = map(num, (pol, eco, prev_pol, prev_eco, d_treaties))
    dp, de = pol - prev_pol, eco - prev_eco  # NaN where either side is missing: the comparisons are False
    return decide({"pol_ge0": bool(pol >= 0), "prev_ge0": bool(prev_pol >= 0), "dp_fall": bool(dp <= -DELTA),
                   "dp_rise": bool(dp >= DELTA), "de_fall": bool(de <= -DELTA), "treaty_rise": bool(d_tr >= DELTA),
                   "divergent": divergent_share >= 0.5})[0]


def decide(c: dict[str, bool | None]) -> tuple[str, str]:
    """The label from three-valued conditions, and the reason: the first rule (in precedence) that holds gives
    the label; a rule that is undecided before any holds gives "insufficient evidence"."""
    rules = [
        ("abandonment", _and(c["prev_ge0"], c["dp_fall"]), "political fell by >= DELTA from an aligned period"),
        ("entanglement", _and(c["dp_rise"], c["treaty_rise"]), "political and treaties rose by >= DELTA"),
        ("deep alignment", _and(c["pol_ge0"], _or(c["de_fall"], c["divergent"])),
         "political >= 0 while economic fell by >= DELTA (or divergent years)"),
        ("alignment", c["pol_ge0"], "political >= 0"),
        ("dealignment", True if c["pol_ge0"] is False else None, "political < 0"),
    ]
    for name, holds, why in rules:
        if holds is True:
            return name, why
        if holds is None:
            return INSUFFICIENT, f"undecided whether {name} applies ({CODEBOOK[name]})"
    return INSUFFICIENT, "no rule decided"


# ------------------------------------------------------------------------------------------------ periods


def _validate(post: Posterior, idx: list[int], targets: list[str], level: float, min_size: int) -> list[int]:
    """Remove, weakest first, every break whose change (in every latent) fails the rule: a ``level`` interval
    that excludes 0 and a mean of at least DELTA."""
    z = norm.ppf(0.5 + level / 2)
    idx = list(idx)
    T = len(post.years)
    while idx:
        bounds = [0] + idx + [T]
        scores = []
        for k in range(1, len(bounds) - 1):
            a, b = (bounds[k - 1], bounds[k]), (bounds[k], bounds[k + 1])
            best = -np.inf
            for t in targets:
                m, sd = post.change(t, a, b)
                ok = abs(m) >= DELTA and abs(m) > z * sd
                best = max(best, (abs(m) / sd if sd > 0 else np.inf) if ok else -np.inf)
            scores.append(best)
        worst = int(np.argmin(scores))
        if scores[worst] > -np.inf:
            break
        idx.pop(worst)
    return idx


def _locate(post: Posterior, targets: list[str], idx: list[int], min_size: int, B: int, seed: int):
    """Stability and 5-95 % interval of each break's location over ``B`` joint posterior draws."""
    if not idx or B <= 0:
        return [(np.nan, i, i) for i in idx]
    draws = {t: post.draws(t, B, seed + k) for k, t in enumerate(targets)}
    sd = {t: np.sqrt(np.clip(np.diag(post.cov[t]), 1e-12, None)) for t in targets}
    found = []
    for r in range(B):
        sig = np.column_stack([draws[t][r] for t in targets])
        w = np.column_stack([1.0 / sd[t] ** 2 for t in targets])
        found.append(segment(sig, w, min_size=min_size))
    out = []
    for i in idx:
        nearest = [min(f, key=lambda j: abs(j - i)) for f in found if f]
        hits = sum(abs(j - i) <= 1 for j in nearest)
        lo, hi = (np.quantile(nearest, [0.05, 0.95]) if nearest else (i, i))
        out.append((hits / B, int(np.floor(lo)), int(np.ceil(hi))))
    return out


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _conditions(post, est: dict, prev, span: tuple[int, int], fam_z: pd.Series, div: float, level: float) -> dict:
    """The evidence conditions :func:`decide` labels a period by: each is True only where the posterior says so
    at ``level`` (a change of at least DELTA), so a label never rests on noise."""
    conds = {"pol_ge0": _tri(_prob_at_least(*est.get("political", (np.nan, 0)), 0.0), level),
             "divergent": div >= 0.5}
    if prev is None:
        conds.update(prev_ge0=False, dp_fall=False, dp_rise=False, de_fall=False, treaty_rise=False)
        return conds
    a = (prev[0], prev[1])
    dp = post.change("political", a, span) if "political" in post.mean else (np.nan, 0.0)
    de = post.change("economic", a, span) if "economic" in post.mean else (np.nan, 0.0)
    conds["prev_ge0"] = _tri(_prob_at_least(*post.period_mean("political", *a), 0.0), level)
    conds["dp_fall"] = _tri(1 - _prob_at_least(dp[0], dp[1], -DELTA), level) if np.isfinite(dp[0]) else False
    conds["dp_rise"] = _tri(_prob_at_least(dp[0], dp[1], DELTA), level) if np.isfinite(dp[0]) else False
    conds["de_fall"] = _tri(1 - _prob_at_least(de[0], de[1], -DELTA), level) if np.isfinite(de[0]) else False
    conds["treaty_rise"] = bool(np.isfinite(prev[2]) and np.isfinite(fam_z.get("treaties", np.nan))
                                and fam_z["treaties"] - prev[2] >= DELTA)
    return conds


def _events_text(events: pd.DataFrame | None, start: int, end: int, max_events: int) -> str:
    """The chronology events inside a period, at most ``max_events`` of them, and how many more there are."""
    if events is None or not len(events):
        return ""
    inside = events[(events["year"] >= start) & (events["year"] <= end)]
    ev = "; ".join(f"{r.date} {_short(r.text)}" for r in inside.head(max_events).itertuples())
    if len(inside) > max_events:
        ev += f"; … {len(inside) - max_events} more"
    return ev


def periods(index_rows: pd.DataFrame, panel: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
            *, min_size: int = 3, B: int | None = None, seed: int = 0, top: int = 3, level: float | None = None,
            max_events: int = 4, weights=None, min_stability: float | None = None,
            paths=None) -> tuple[pd.DataFrame, list[Break]]:
    """Periods of one dyad from its index rows (alignwatch.index: year, the latents' means, ``_sd`` and ``_r1``,
    composite, families, divergence), on the years given: pass the dyad's whole series (or use
    :func:`dyad_periods`) for labels that do not depend on a window.

    ``panel`` (the index's observation readings: year, family, z) supplies the top families and the treaty
    family's change; ``events`` (date, year, text) the chronology events inside each period; ``paths`` the
    dyad's exact path covariance (``index.PathCov``, from :func:`alignwatch.index.dyad_index` with
    ``return_paths``; without it the covariance is the chain rebuilt from the rows' ``_sd`` and ``_r1``, exact only
    for rows of a model without random effects).
    """
    del min_stability  # kept for callers of the earlier signature: a break now stands on its change's interval
    if level is None or B is None:
        from . import index as idx

        w = weights or idx.load_weights()
        level = w.level if level is None else level
        B = w.replicates if B is None else B
    rows = index_rows.sort_values("year").reset_index(drop=True)
    rows = rows[rows["composite"].notna()].reset_index(drop=True)
    if rows.empty:
        return pd.DataFrame(), []
    post = Posterior(rows, weights, paths)
    targets = [t for t in ("political", "economic") if t in post.mean]
    T = len(rows)
    sig = np.column_stack([post.mean[t] for t in targets])
    prec = np.column_stack([1.0 / np.clip(np.diag(post.cov[t]), 1e-12, None) for t in targets])
    idx = _validate(post, segment(sig, prec, min_size=min_size), targets, level, min_size)
    loc = _locate(post, targets, idx, min_size, B, seed)
    years = rows["year"].to_numpy(int)
    bounds = [0] + idx + [T]
    zq = norm.ppf(0.5 + level / 2)
    breaks, out, prev = [], [], None
    fam_rows = rows["families"].fillna("").astype(str) if "families" in rows else pd.Series([""] * T)
    for k in range(len(bounds) - 1):
        i0, i1 = bounds[k], bounds[k + 1]
        s, e = int(years[i0]), int(years[i1 - 1])
        est = {t: post.period_mean(t, i0, i1) for t in post.mean}
        fams = sorted({f for v in fam_rows.iloc[i0:i1] for f in v.split(",") if f})
        p = panel[panel["year"].between(s, e)] if panel is not None and len(panel) else None
        fam_z = p.groupby("family")["z"].mean() if p is not None and "z" in p else pd.Series(dtype=float)
        contrib = ", ".join(f"{f} {v:+.2f}" for f, v in fam_z.reindex(fam_z.abs().sort_values(ascending=False)
                                                                          .index).head(top).items())
        div = float(rows["divergence"].iloc[i0:i1].mean()) if "divergence" in rows else 0.0
        conds = _conditions(post, est, prev, (i0, i1), fam_z, div, level)
        if len(fams) < MIN_FAMILIES:
            lab, why = INSUFFICIENT, f"{len(fams)} famil{'y' if len(fams) == 1 else 'ies'} inform the period"
        else:
            lab, why = decide(conds)
        ev = _events_text(events, s, e, max_events)
        br = None
        if k > 0:
            stab, lo, hi = loc[k - 1]
            ch = post.change("composite", (prev[0], prev[1]), (i0, i1))
            br = Break(s, stab, int(years[max(lo, 0)]), int(years[min(hi, T - 1)]), ch[0], ch[0] - zq * ch[1],
                       ch[0] + zq * ch[1])
            breaks.append(br)
        row = {"start": s, "end": e, "label": lab}
        for t in ("political", "economic", "composite"):
            m, sd = est.get(t, (np.nan, np.nan))
            row.update({t: m, f"{t}_lo": m - zq * sd, f"{t}_hi": m + zq * sd})
        row.update({"change": br.change if br else np.nan,
                    "change_interval": f"{br.change_lo:+.2f} … {br.change_hi:+.2f}" if br else "",
                    "break_stability": br.stability if br else np.nan,
                    "break_interval": f"{br.lo}–{br.hi}" if br else "",
                    "n_families": len(fams), "families": ",".join(fams), "top_families": contrib,
                    "evidence": why, "events": ev})
        out.append(row)
        prev = (i0, i1, float(fam_z.get("treaties", np.nan)))
    return pd.DataFrame(out), breaks


def cut(table: pd.DataFrame, years: tuple[int, int] | None) -> pd.DataFrame:
    """The periods overlapping ``years``, their first and last years clipped to it; labels unchanged."""
    if years is None or table.empty:
        return table
    t = table[(table["end"] >= years[0]) & (table["start"] <= years[1])].copy()
    t["start"] = t["start"].clip(lower=years[0])
    t["end"] = t["end"].clip(upper=years[1])
    return t.reset_index(drop=True)


def dyad_periods(wh, a: str, b: str, weights=None, years: tuple[int, int] | None = None, *,
                 events: pd.DataFrame | None = None, **kwargs) -> tuple[pd.DataFrame, list[Break]]:
    """Periods of the dyad computed on its whole series and then cut to ``years``: a year's label does not
    depend on the window asked for."""
    from . import index as idx

    weights = weights or idx.load_weights()
    rows, panel, _, paths = idx.dyad_index(wh, [a, b], None, weights, return_panel=True, return_paths=True)
    from .chronology import events_of

    mine = events_of(events, *sorted((a, b))) if events is not None else None
    table, breaks = periods(rows, panel, mine, weights=weights, seed=kwargs.pop("seed", weights.seed),
                            paths=paths.get(tuple(sorted((a, b)))), **kwargs)
    if years is not None:
        breaks = [br for br in breaks if years[0] <= br.year <= years[1]]
    return cut(table, years), breaks
