"""The index's measurement model: per dyad a latent political and a latent economic alignment, each an AR(1)
state over years, observed through noisy indicators (docs/index.md).

Model, for a domain (political or economic), dyad ``d``, year ``t`` and indicator ``k`` of the domain::

    x[d, t]    = phi * x[d, t-1] + eta,      eta ~ N(0, 1 - phi^2),     x[d, first year] ~ N(0, 1)
    y[k, d, t] = alpha_k + lambda_k * x[d, t] + b[k, d] + e[k, d, t]
    lambda_k = sqrt(rho) * s_k,  b ~ N(0, tau2_k),  e ~ N(0, sigma2_k + se[k, d, t]^2),
    tau2_k + sigma2_k = (1 - rho) * s_k^2

``x`` is stationary with mean 0 and variance 1, so the latent is on the z scale of the reference panel: 0 is the
typical reference dyad-year, 1 one standard deviation more aligned. ``s_k`` is the indicator's standard deviation
over the reference panel, ``alpha_k`` its offset and ``rho`` the domain's reliability, the share of each indicator's
variance that is the latent's: the indicators are *parallel* once standardised (Lord & Novick 1968, ch. 2). Free
loadings were tried and rejected: the families correlate weakly across dyads and in two clusters (voting: UNGA,
ideal points, alliance portfolios, events; institutional: IGOs, diplomacy, treaties, speech), so a free one-factor
fit puts the latent on whichever indicator is smoothest (IGO co-membership, with a noise variance near zero) and
the index would measure it. Parallel indicators keep every family's say to its weight in weights.toml.

The unique variance of an indicator has a part that persists within a dyad (``b``: the DPRK's few IGO memberships,
a treaty in force for decades) and a transient part (``e``); without ``b`` every year of a persistent deviation
would count as new evidence. ``se`` is the observation's own sampling error (index_indicators), so a share from one
vote has a large variance and barely moves ``x``. A missing observation is simply absent (the Kalman filter skips
it). ``w_k``, the family's weight, tempers its likelihood (composite likelihood, Varin, Reid & Firth 2011): 0.5
counts its evidence half.

Estimation on the reference panel, in two steps (:func:`fit`): (1) the model without ``b`` (independent errors):
``rho`` and ``phi`` per domain by maximum likelihood (L-BFGS-B on the Kalman filter's likelihood), alternating
with an EM update of the offsets from the smoothed latent (Shumway & Stoffer 1982; Durbin & Koopman 2012, 7.3.4).
For speed the observations of one dyad-year are collapsed into one exact univariate observation (Jungbacker &
Koopman 2015) and the dyads stacked into one series whose AR(1) restarts at each dyad's first year, so that
statsmodels' filter runs once over the panel; the part of the likelihood the collapse leaves out is added back
exactly. (2) The unique variance split into ``tau2`` and ``sigma2`` by the variance components of each indicator's
residuals (:func:`variance_components`). A dyad is then scored by statsmodels' Kalman smoother on its own model
with the latent and one random effect per indicator (:class:`DyadLatent`). A trade series other than COW shares
COW's scale and variance split and has its own offset (:func:`series_offsets`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from statsmodels.tsa.statespace.kalman_smoother import SMOOTHER_STATE, SMOOTHER_STATE_AUTOCOV, SMOOTHER_STATE_COV
from statsmodels.tsa.statespace.mlemodel import MLEModel

DOMAINS = ("political", "economic")
MIN_OBS = 10  # an indicator without a base series needs this many reference observations to be scaled
PHI_MAX = 0.999
RHO_MIN, RHO_MAX = 0.01, 0.99
SIGMA2_FLOOR = 0.02  # the transient noise is at least 2 % of an indicator's unique variance
LOG2PI = math.log(2 * math.pi)


class LatentAR1(MLEModel):
    """One latent AR(1) per block (dyad) observed through collapsed observations with known, time-varying
    variance; ``starts`` marks each block's first period, where the state restarts from N(0, 1)."""

    def __init__(self, endog: np.ndarray, obs_var: np.ndarray, starts: np.ndarray):
        super().__init__(np.asarray(endog, float), k_states=1, initialization="known",
                         initial_state=[0.0], initial_state_cov=[[1.0]])
        self["design"] = np.ones((1, 1))
        self["selection"] = np.ones((1, 1))
        self["obs_cov"] = np.where(np.isfinite(obs_var), obs_var, 1.0)[None, None, :]
        # the transition at t maps t to t + 1: where t + 1 starts a block the state restarts
        self._restart = np.r_[np.asarray(starts, bool)[1:], False]

    @property
    def param_names(self):
        return ["phi"]

    @property
    def start_params(self):
        return np.array([0.9])

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        phi = float(params[0])
        self["transition"] = np.where(self._restart, 0.0, phi)[None, None, :]
        self["state_cov"] = np.where(self._restart, 1.0, 1.0 - phi * phi)[None, None, :]
        return params


@dataclass
class Grid:
    """The stacked dyad-years of one run: ``keys`` (a, b) per block, each on the years ``start``..``end``."""
    keys: list[tuple[str, str]]
    start: int
    end: int

    @property
    def T(self) -> int:
        return self.end - self.start + 1

    @property
    def n(self) -> int:
        return len(self.keys) * self.T

    def starts(self) -> np.ndarray:
        s = np.zeros(self.n, bool)
        s[:: self.T] = True
        return s

    def position(self, obs: pd.DataFrame) -> np.ndarray:
        """Flat position of each observation row (a, b, year) in the stack; -1 outside it."""
        block = {k: i for i, k in enumerate(self.keys)}
        b = np.array([block.get(k, -1) for k in zip(obs["a"], obs["b"])], dtype=np.int64)
        t = obs["year"].to_numpy(np.int64) - self.start
        ok = (b >= 0) & (t >= 0) & (t < self.T)
        return np.where(ok, b * self.T + t, -1)


@dataclass
class Fitted:
    """Estimated parameters: one row per indicator (alpha, scale, lam, sigma2, weight, base), and per domain
    its reliability ``rho`` and persistence ``phi``."""
    indicators: pd.DataFrame
    phi: dict[str, float]
    start: int
    end: int
    loglik: float = float("nan")
    iterations: int = 0
    converged: bool = False
    notes: list[str] = field(default_factory=list)
    rho: dict[str, float] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        meta = pd.DataFrame([{"indicator": f"_domain:{d}", "domain": d, "phi": p, "rho": self.rho.get(d)}
                             for d, p in self.phi.items()]
                            + [{"indicator": "_fit", "start": self.start, "end": self.end, "loglik": self.loglik,
                                "iterations": self.iterations, "converged": self.converged,
                                "notes": " | ".join(self.notes)}])
        return pd.concat([self.indicators, meta], ignore_index=True)

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Fitted:
        is_meta = df["indicator"].astype(str).str.startswith("_")
        ind = df[~is_meta].drop(columns=[c for c in ("phi", "rho", "start", "end", "loglik", "iterations",
                                                     "converged", "notes") if c in df.columns])
        meta = df[is_meta]
        dom = meta[meta["indicator"].astype(str).str.startswith("_domain:")]
        fit = meta[meta["indicator"] == "_fit"].iloc[0]
        notes = str(fit["notes"]).split(" | ") if isinstance(fit.get("notes"), str) and fit["notes"] else []
        return cls(ind.reset_index(drop=True), {r.domain: float(r.phi) for r in dom.itertuples()},
                   int(fit["start"]), int(fit["end"]), float(fit["loglik"]), int(fit["iterations"]),
                   bool(fit["converged"]), notes, {r.domain: float(r.rho) for r in dom.itertuples()})


# ------------------------------------------------------------------------------------ filtering and smoothing


def collapse(y, se2, alpha, lam, sig2, w, pos, n):
    """Per stacked position: the collapsed observation ``z`` and its variance ``h`` (NaN where nothing is
    observed), and the per-observation terms the likelihood needs."""
    v = sig2 + se2
    ok = (pos >= 0) & (lam > 0) & (w > 0) & np.isfinite(y)
    prec = np.bincount(pos[ok], weights=(w * lam * lam / v)[ok], minlength=n)
    num = np.bincount(pos[ok], weights=(w * lam * (y - alpha) / v)[ok], minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(prec > 0, num / prec, np.nan)
        h = np.where(prec > 0, 1.0 / prec, np.nan)
    return z, h, dict(ok=ok, v=v, prec=prec)


def loglik(z, h, starts, phi, y, alpha, lam, w, pos, terms) -> float:
    """The tempered log-likelihood of all observations: statsmodels' likelihood of the collapsed series plus,
    per dyad-year, the part of the observations orthogonal to the latent (their GLS residual given ``z``)."""
    mod = LatentAR1(z, h, starts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        llf = float(mod.loglike([phi]))
    ok = terms["ok"]
    if not ok.any():
        return llf
    p = pos[ok]
    v, wk = terms["v"][ok], w[ok]
    e = y[ok] - alpha[ok] - lam[ok] * z[p]
    d = v / wk  # w log N(y; m, v) = log N(y; m, v / w) + c(v, w)
    occupied = np.flatnonzero(terms["prec"] > 0)
    resid = np.sum(LOG2PI + np.log(d) + e * e / d) - LOG2PI * len(occupied) + np.log(terms["prec"][occupied]).sum()
    c = np.sum(0.5 * (LOG2PI + np.log(d)) - 0.5 * wk * (LOG2PI + np.log(v)))
    return llf - 0.5 * resid + c


def smooth(z, h, starts, phi, *, autocov: bool = False) -> dict[str, np.ndarray]:
    """Posterior mean and variance (and, with ``autocov``, Cov(x_t, x_{t-1}) at t) of the stacked latent."""
    mod = LatentAR1(z, h, starts)
    mod.update([phi])
    out = SMOOTHER_STATE | SMOOTHER_STATE_COV | (SMOOTHER_STATE_AUTOCOV if autocov else 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mod.ssm.smooth(smoother_output=out)
    r = {"mean": np.array(res.smoothed_state[0], float), "var": np.array(res.smoothed_state_cov[0, 0], float)}
    if autocov:
        ac = np.asarray(res.smoothed_state_autocov[0, 0], float)  # [t] = Cov(x_{t+1}, x_t)
        r["lag1"] = np.r_[np.nan, ac[:-1]]
    return r


# ------------------------------------------------------------------------------------------------ fitting


@dataclass
class Priors:
    # sd of the normal prior of a series' offset around its base series' offset, per indicator group
    series_offset_sd: dict[str, float] = field(default_factory=lambda: {"trade.dep": 0.10, "trade.vol": 0.5})


class _Domain:
    """One domain's observations on the stacked grid, with the per-observation parameter arrays."""

    def __init__(self, obs: pd.DataFrame, params: pd.DataFrame, start: int, end: int):
        self.grid = Grid(sorted(set(zip(obs["a"], obs["b"]))), start, end)
        self.pos = self.grid.position(obs)
        self.starts = self.grid.starts()
        self.y = obs["y"].to_numpy(float)
        self.se2 = obs["se"].to_numpy(float) ** 2
        self.ind = obs["indicator"].to_numpy()
        self.names = sorted(set(self.ind))
        self.code = pd.Categorical(self.ind, categories=self.names).codes
        p = params.loc[self.names]
        self.scale = p["scale"].to_numpy(float)[self.code]
        self.w = p["weight"].to_numpy(float)[self.code]

    def arrays(self, alpha: np.ndarray, rho: float):
        lam = math.sqrt(rho) * self.scale
        return alpha[self.code], lam, (1.0 - rho) * self.scale ** 2

    def loglik(self, alpha: np.ndarray, rho: float, phi: float) -> float:
        a, lam, sig2 = self.arrays(alpha, rho)
        z, h, terms = collapse(self.y, self.se2, a, lam, sig2, self.w, self.pos, self.grid.n)
        return loglik(z, h, self.starts, phi, self.y, a, lam, self.w, self.pos, terms)

    def smoothed(self, alpha: np.ndarray, rho: float, phi: float) -> tuple[np.ndarray, np.ndarray]:
        a, lam, sig2 = self.arrays(alpha, rho)
        z, h, _ = collapse(self.y, self.se2, a, lam, sig2, self.w, self.pos, self.grid.n)
        s = smooth(z, h, self.starts, phi)
        return s["mean"][self.pos], sig2


def series_offsets(obs: pd.DataFrame, bases: dict[str, str | None], priors: Priors) -> dict[str, float]:
    """Each series' offset from its base (``delta``), learnt where sources report the same dyad-year.

    The level of one source against another is a property of the sources (KOTRA's share of DPRK trade leaves out
    inter-Korean trade; KOTRA's totals include an estimate of crude oil that Chinese customs does not record), so
    it is set from the dyad-years both report: ridge least squares of every overlapping pair's difference,
    ``(y_s - delta_s) - (y_t - delta_t)``, with the base's delta 0 and a N(0, sd^2) prior per series (sd from
    weights.toml, each overlap weighing four times the prior). A series that overlaps none keeps delta 0 and the
    interval of its years says how little is known."""
    out: dict[str, float] = {}
    groups: dict[str, list[str]] = {}
    for i, b in bases.items():
        if b:
            groups.setdefault(b, []).append(i)
    for base, series in groups.items():
        names = [base] + sorted(series)
        sd = priors.series_offset_sd.get(base.split(":", 1)[0], 1.0)
        wide = obs[obs["indicator"].isin(names)].pivot_table(index=["a", "b", "year"], columns="indicator",
                                                             values="y").reindex(columns=names)
        k = len(names) - 1  # unknowns: delta of each series (the base's is 0)
        A, r = np.eye(k) / sd ** 2, np.zeros(k)
        wt = 4.0 / sd ** 2
        vals = wide.to_numpy(float)
        for row in vals:
            have = np.flatnonzero(np.isfinite(row))
            for i_, j_ in ((i, j) for n_, i in enumerate(have) for j in have[n_ + 1:]):
                g = np.zeros(k)  # (y_i - d_i) - (y_j - d_j) = 0  ->  d_i - d_j = y_i - y_j
                if i_ > 0:
                    g[i_ - 1] += 1
                if j_ > 0:
                    g[j_ - 1] -= 1
                A += wt * np.outer(g, g)
                r += wt * g * (row[i_] - row[j_])
        delta = np.linalg.solve(A, r)
        out.update({n: float(d) for n, d in zip(names[1:], delta)})
    return out


def _init_params(obs: pd.DataFrame, weights: dict[str, float], bases: dict[str, str | None],
                 delta: dict[str, float]) -> pd.DataFrame:
    """Per indicator: reference mean and standard deviation (a series takes its base's scale and its base's
    offset plus ``delta``), weight, base."""
    rows = []
    for i, d in obs.groupby("indicator"):
        y = d["y"].to_numpy(float)
        rows.append({"indicator": i, "family": d["family"].iloc[0], "domain": d["domain"].iloc[0],
                     "alpha": float(y.mean()), "mean": float(y.mean()),
                     "scale": float(y.std()) if len(y) > 1 else float("nan"),
                     "weight": float(weights.get(i, 1.0)), "base": bases.get(i), "delta": delta.get(i, 0.0),
                     "n_obs": len(d), "n_dyads": d.groupby(["a", "b"]).ngroups})
    p = pd.DataFrame(rows).set_index("indicator")
    has_base = p["base"].notna() & p["base"].isin(p.index)
    p.loc[has_base, "scale"] = p.loc[p.loc[has_base, "base"], "scale"].to_numpy()
    p.loc[has_base, "alpha"] = p.loc[p.loc[has_base, "base"], "alpha"].to_numpy() + p.loc[has_base, "delta"]
    p.loc[~has_base, "base"] = None
    return p


def _offsets(dom: _Domain, params: pd.DataFrame, alpha: np.ndarray, rho: float, phi: float) -> np.ndarray:
    """EM update of the base indicators' offsets given the smoothed latent (weighted least squares), the
    latent's location fixed so that the reference panel's average is 0 (the observation-weighted mean of the
    standardised offsets equals the indicators' reference means), and each series at its base's offset plus its
    delta."""
    mu, sig2 = dom.smoothed(alpha, rho, phi)
    lam = math.sqrt(rho) * dom.scale
    wt = 1.0 / (sig2 + dom.se2)
    m = len(dom.names)
    num = np.bincount(dom.code, weights=wt * (dom.y - lam * mu), minlength=m)
    den = np.bincount(dom.code, weights=wt, minlength=m)
    p = params.loc[dom.names]
    is_base = ~p["base"].apply(lambda b: isinstance(b, str)).to_numpy()
    new = np.where(den > 0, num / np.where(den > 0, den, 1), alpha)
    scale, mean, n = p["scale"].to_numpy(float), p["mean"].to_numpy(float), p["n_obs"].to_numpy(float)
    shift = np.sum((n * (new - mean) / scale)[is_base]) / np.sum(n[is_base])
    new = new - shift * scale  # along the ridge alpha_k + c lambda_k, which only the prior of x pins down
    for j in np.flatnonzero(~is_base):
        new[j] = new[dom.names.index(p["base"].iloc[j])] + p["delta"].iloc[j]
    return new


def _logit(p, lo, hi):
    q = (p - lo) / (hi - lo)
    return math.log(q / (1 - q))


def _expit(x, lo, hi):
    return lo + (hi - lo) / (1 + math.exp(-x))


def variance_components(dom: _Domain, alpha: np.ndarray, rho: float, phi: float) -> tuple[np.ndarray, np.ndarray]:
    """Per indicator of the domain: its unique variance split into a part that persists within a dyad
    (``tau2``: the dyad's own deviation on that indicator, such as a state's few IGO memberships or a treaty in
    force for decades) and a transient part (``sigma2``), by one-way random-effects ANOVA of its residuals from
    the smoothed latent over dyads (Searle, Casella & McCulloch 1992, ch. 3), net of the observations' own
    sampling variance. NaN where fewer than three dyads carry the indicator."""
    mu, _ = dom.smoothed(alpha, rho, phi)
    r = dom.y - alpha[dom.code] - math.sqrt(rho) * dom.scale * mu
    block = dom.pos // dom.grid.T
    tau2, sig2 = np.full(len(dom.names), np.nan), np.full(len(dom.names), np.nan)
    for j in range(len(dom.names)):
        k = np.flatnonzero(dom.code == j)
        g = pd.DataFrame({"r": r[k], "d": block[k], "se2": dom.se2[k]})
        sizes = g.groupby("d")["r"].size()
        D, N = len(sizes), len(g)
        if D < 3 or N <= D:
            continue
        means = g.groupby("d")["r"].transform("mean")
        msw = float(((g["r"] - means) ** 2).sum()) / (N - D)
        grand = g["r"].mean()
        msb = float((sizes * (g.groupby("d")["r"].mean() - grand) ** 2).sum()) / (D - 1)
        n0 = (N - float((sizes ** 2).sum()) / N) / (D - 1)
        tau2[j] = max((msb - msw) / n0, 0.0)
        sig2[j] = max(msw - float(g["se2"].mean()), 0.0)
    return tau2, sig2


def _fit_domain(dom: _Domain, params: pd.DataFrame, alpha: np.ndarray, theta: np.ndarray, *, max_iter: int,
                tol: float, progress, name: str):
    prev, it, ll = -np.inf, 0, -np.inf
    for it in range(1, max_iter + 1):
        def nll(t, alpha=alpha):
            return -dom.loglik(alpha, _expit(t[0], RHO_MIN, RHO_MAX), _expit(t[1], 0.0, PHI_MAX))
        theta = minimize(nll, theta, method="L-BFGS-B", options={"maxiter": 100}).x
        r, p = _expit(theta[0], RHO_MIN, RHO_MAX), _expit(theta[1], 0.0, PHI_MAX)
        alpha = _offsets(dom, params, alpha, r, p)
        ll = dom.loglik(alpha, r, p)
        if progress is not None:
            progress(name, it, ll)
        if abs(ll - prev) < tol * (1.0 + abs(ll)):
            return alpha, theta, ll, it, True
        prev = ll
    return alpha, theta, ll, it, False


def fit(obs: pd.DataFrame, weights: dict[str, float], bases: dict[str, str | None], *, start: int, end: int,
        priors: Priors | None = None, max_iter: int = 50, tol: float = 1e-6, progress=None) -> Fitted:
    """Estimate the model on the reference panel's observations (a, b, year, indicator, family, domain, y, se),
    in two steps (docs/index.md):

    1. the parallel-indicators model with independent errors: per domain, rounds of maximum likelihood for
       (rho, phi) on the Kalman filter's likelihood and an EM update of the offsets, until the log-likelihood
       changes by less than ``tol`` (relative) or ``max_iter`` rounds;
    2. each indicator's unique variance ``(1 - rho) s^2`` split by the variance components of its residuals
       into a dyad-persistent part ``tau2`` and a transient part ``sigma2`` (:func:`variance_components`).

    A dyad's posterior (:func:`posterior`) then carries one random effect per indicator: a family that deviates
    from the others in the same way for decades counts once for the dyad's level, while its changes count every
    year. ``weights`` per indicator; ``bases`` maps a series to the indicator whose scale and components it
    shares."""
    priors = priors or Priors()
    obs = obs[(obs["year"] >= start) & (obs["year"] <= end)].reset_index(drop=True)
    notes: list[str] = []
    counts = obs.groupby("indicator")["y"].agg(["size", "std"])
    keep = [i for i in counts.index if (counts.loc[i, "size"] >= MIN_OBS and counts.loc[i, "std"] > 0)
            or bases.get(i)]
    for i in counts.index.difference(keep):
        notes.append(f"{i}: {int(counts.loc[i, 'size'])} reference observations, too few to scale; not used")
    obs = obs[obs["indicator"].isin(keep)].reset_index(drop=True)
    params = _init_params(obs, weights, bases, series_offsets(obs, bases, priors))
    params["tau2"], params["sigma2"] = np.nan, np.nan
    rho, phi, lls = {}, {}, {}
    rounds, converged = 0, True
    for d in DOMAINS:
        od = obs[obs["domain"] == d]
        if od.empty:
            continue
        dom = _Domain(od, params, start, end)
        alpha = params.loc[dom.names, "alpha"].to_numpy(float)
        theta = np.array([_logit(0.3, RHO_MIN, RHO_MAX), _logit(0.95, 0.0, PHI_MAX)])
        alpha, theta, ll, it, ok = _fit_domain(dom, params, alpha, theta, max_iter=max_iter, tol=tol,
                                               progress=progress, name=d)
        rounds, converged = max(rounds, it), converged and ok
        if not ok:
            notes.append(f"{d}: estimation stopped after {max_iter} rounds without meeting the tolerance {tol}")
        r, p = _expit(theta[0], RHO_MIN, RHO_MAX), _expit(theta[1], 0.0, PHI_MAX)
        params.loc[dom.names, "alpha"] = alpha
        tau2, sig2 = variance_components(dom, alpha, r, p)
        unique = (1.0 - r) * params.loc[dom.names, "scale"].to_numpy(float) ** 2
        share = tau2 / (tau2 + sig2)
        fill = float(np.nanmedian(share)) if np.isfinite(share).any() else 0.5
        pp = params.loc[dom.names]
        for j, name in enumerate(dom.names):  # a series (or a thinly spread indicator) takes its base's split
            base = pp["base"].iloc[j]
            src = dom.names.index(base) if isinstance(base, str) and base in dom.names else j
            sh = share[src] if np.isfinite(share[src]) else fill
            params.loc[name, "tau2"] = sh * unique[j]
            params.loc[name, "sigma2"] = max((1.0 - sh) * unique[j], SIGMA2_FLOOR * unique[j])
        rho[d], phi[d], lls[d] = r, p, ll
    r_ind = params["domain"].map(rho).astype(float)
    params["lam"] = np.sqrt(r_ind) * params["scale"]
    return Fitted(params.reset_index(), phi, start, end, float(sum(lls.values())), rounds, converged, notes, rho)


# ------------------------------------------------------------------------------------------------ scoring


class DyadLatent(MLEModel):
    """One dyad's latent AR(1) with one static random effect per indicator (its persistent deviation on that
    dyad): states ``[x, b_1 .. b_K]``, observations ``y_k - alpha_k = lambda_k x + b_k + e_k``. Missing
    observations are NaN (statsmodels' filter skips them); ``obs_var`` is per year and indicator."""

    def __init__(self, resid: np.ndarray, lam: np.ndarray, obs_var: np.ndarray, tau2: np.ndarray, phi: float):
        T, K = resid.shape
        super().__init__(resid, k_states=1 + K, k_posdef=1, initialization="known",
                         initial_state=np.zeros(1 + K), initial_state_cov=np.diag(np.r_[1.0, tau2]))
        self.ssm.filter_univariate = True  # the errors are independent: one observation at a time
        design = np.zeros((K, 1 + K))
        design[:, 0] = lam
        design[:, 1:] = np.eye(K)
        self["design"] = design
        cov = np.zeros((K, K, T))
        cov[np.arange(K), np.arange(K), :] = np.where(np.isfinite(obs_var), obs_var, 1.0).T
        self["obs_cov"] = cov
        self["transition"] = np.diag(np.r_[phi, np.ones(K)])
        sel = np.zeros((1 + K, 1))
        sel[0, 0] = 1.0
        self["selection"] = sel
        self["state_cov"] = np.array([[1.0 - phi * phi]])

    @property
    def param_names(self):
        return []

    @property
    def start_params(self):
        return np.array([])


def _dyad_model(params: pd.DataFrame, g: pd.DataFrame, T: int, phi: float) -> DyadLatent:
    """:class:`DyadLatent` of one dyad and domain from its observation rows ``g`` (with ``_pos``, the flat grid
    position) and the fitted indicator parameters."""
    names = sorted(set(g["indicator"]))
    p = params.loc[names]
    w = p["weight"].to_numpy(float)
    col = pd.Categorical(g["indicator"], categories=names).codes
    t = g["_pos"].to_numpy() % T
    resid = np.full((T, len(names)), np.nan)
    ovar = np.full((T, len(names)), np.nan)
    resid[t, col] = g["y"].to_numpy(float) - p["alpha"].to_numpy(float)[col]
    ovar[t, col] = (p["sigma2"].to_numpy(float)[col] + g["se"].to_numpy(float) ** 2) / w[col]
    return DyadLatent(resid, p["lam"].to_numpy(float), ovar, p["tau2"].to_numpy(float) / w, phi)


def path_cov(mod: DyadLatent, res) -> np.ndarray:
    """The exact joint posterior covariance of the latent's whole path, ``Cov(x_s, x_t | Y)`` (T x T).

    Why: the latent alone is not Markov once the random effects are in the state, so its path covariance is not
    the chain of neighbouring correlations; the augmented state ``[x, b]`` is, and its smoothed cross-covariances
    are products of the smoother gains (Rauch, Tung & Striebel 1965; Durbin & Koopman 2012, 4.7):
    ``Cov(a_s, a_t | Y) = J_s ... J_{t-1} V_t`` with ``J_s = P_{s|s} T' P_{s+1|s}^-1``. The persistent effects
    make the level of every year uncertain in the same direction; a change between periods is much surer than the
    chain says, and a period's mean less so."""
    Pf, Pp, V = res.filtered_state_cov, res.predicted_state_cov, res.smoothed_state_cov
    Tm = mod["transition"]
    n = V.shape[2]
    gains = [Pf[:, :, s] @ Tm.T @ np.linalg.pinv(Pp[:, :, s + 1], hermitian=True) for s in range(n - 1)]
    C = np.zeros((n, n))
    R = np.zeros((n, V.shape[0]))  # row s: e_x' J_s ... J_{t-1} at step t (the latent's row of the products)
    for t in range(n):
        if t:
            R[:t] = R[:t] @ gains[t - 1]
        R[t, 0] = 1.0
        C[: t + 1, t] = R[: t + 1] @ V[:, 0, t]  # Cov(x_s, x_t | Y) for s <= t
    return np.triu(C) + np.triu(C, 1).T


def prior_path_cov(T: int, phi: float) -> np.ndarray:
    """The stationary AR(1)'s path covariance ``phi^|s - t|``: the posterior of a dyad without observations."""
    k = np.arange(T)
    return phi ** np.abs(k[:, None] - k[None, :])


def posterior(fitted: Fitted, obs: pd.DataFrame, keys: list[tuple[str, str]], *, paths=()) -> dict:
    """Smoothed mean, variance and correlation with the previous year (``r1``) of each domain's latent for the
    dyads ``keys`` on the model's years (flat arrays in the order of ``Grid(keys, start, end)``), from the
    statsmodels smoother of :class:`DyadLatent` with the fitted parameters. ``paths``: the keys (of ``keys``)
    whose exact path covariance is wanted too (``path``: a T x T matrix per such key, :func:`path_cov`); each
    costs a few milliseconds, so only the dyads whose periods or changes are read ask for it."""
    grid = Grid(keys, fitted.start, fitted.end)
    T = grid.T
    params = fitted.indicators.set_index("indicator")
    out: dict = {"grid": grid}
    starts = grid.starts()
    want = set(paths) & set(keys)
    for d in DOMAINS:
        mean, var, r1 = np.zeros(grid.n), np.ones(grid.n), np.full(grid.n, np.nan)
        phi = fitted.phi.get(d, 0.9)
        # an unobserved dyad's latent is its prior: mean 0, variance 1, correlation phi
        r1[~starts] = phi
        cov: dict = {}
        od = obs[(obs["domain"] == d) & obs["indicator"].isin(params.index)]
        pos = grid.position(od)
        od = od[pos >= 0].assign(_pos=pos[pos >= 0])
        for blk, g in od.groupby(od["_pos"] // T):
            mod = _dyad_model(params, g, T, phi)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = mod.ssm.smooth(smoother_output=SMOOTHER_STATE | SMOOTHER_STATE_COV | SMOOTHER_STATE_AUTOCOV)
            sl = slice(blk * T, (blk + 1) * T)
            mean[sl] = res.smoothed_state[0]
            v = res.smoothed_state_cov[0, 0]
            var[sl] = v
            ac = np.asarray(res.smoothed_state_autocov[0, 0], float)  # [t] = Cov(x_{t+1}, x_t)
            with np.errstate(divide="ignore", invalid="ignore"):
                rr = ac[:-1] / np.sqrt(v[1:] * v[:-1])
            r1[sl] = np.r_[np.nan, np.clip(rr, 0.0, 1.0)]
            if keys[blk] in want:
                cov[keys[blk]] = path_cov(mod, res)
        out[d] = {"mean": mean, "var": var, "r1": r1}
        if want:
            out[d]["path"] = {k: cov[k] if k in cov else prior_path_cov(T, phi) for k in want}
    return out
