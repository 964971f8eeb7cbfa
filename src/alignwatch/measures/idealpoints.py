"""Dynamic one-dimensional UN General Assembly ideal points, bridged over years, fitted by variational EM.

The model (in the spirit of Bailey, Strezhnev & Voeten 2017; the EM follows Imai, Lo & Olmsted 2016):

* vote of state i in year t on roll call j, ordered no < abstain < yes, from a latent utility difference
  y* = alpha_j + beta_j x_it + e, e ~ N(0, 1): no if y* < 0, abstain if 0 <= y* < tau_j, yes if y* >= tau_j
  (tau_j >= 0 is the roll call's abstention band; 0 when nobody abstained).
* ideal points follow a random walk: x_i,first ~ N(0, 1), x_it ~ N(x_i,t-1, omega2) — this bridges the years.
* bridging resolutions: roll calls with the identical description in different sessions (not amendments, not
  paragraph votes, unique within their session) share one set of item parameters, as BSV fix the parameters of
  resolutions that recur verbatim.
* priors alpha_j, beta_j ~ N(0, 25).

Variational EM: the E-step gives the truncated-normal mean of each y*; the x-step is a Kalman filter and RTS
smoother per state (vectorised over states), whose posterior variances give the standard errors (variational, so
they understate the uncertainty somewhat); the item step is a closed-form ridge regression per roll call and a
Newton step for tau_j on the ordered-probit likelihood.

Orientation: the sign is fixed after fitting so that the USA's mean ideal point is positive (higher = closer to
the US position, as in Voeten's published series).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

from ..errors import UsageError
from ..sources.unga_recent import CITATION_IDEAL
from ..warehouse import Warehouse
from .registry import Family, register

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
SOURCE_OURS = ("alignwatch dynamic IRT (unga_votes to 14 Jan 2020; undl_ga_votes and unga_votes_2025 after, "
               "to 2025)")
UNDL_ITEM_OFFSET = 10_000_000_000  # UN DL record ids become items above every rcid and every bridge id
SOURCE_VOETEN = "unga_idealpoints_voeten"
SOURCES = ("ours", "voeten")
ANCHOR = "USA"
_Z90 = 1.6448536269514722  # the 5% and 95% posterior quantiles are +-1.645 sd for a normal posterior

_VOTES_SQL = """
SELECT v.rcid::BIGINT AS rcid, v.iso3,
       CASE v.vote WHEN 'no' THEN 0 WHEN 'abstain' THEN 1 WHEN 'yes' THEN 2 END::TINYINT AS y,
       (r.session + 1945)::SMALLINT AS year
FROM unga_votes v JOIN unga_roll_calls r USING (rcid)
WHERE v.iso3 IS NOT NULL AND v.vote IN ('yes', 'abstain', 'no')
"""
_ROLL_CALLS_SQL = "SELECT rcid::BIGINT AS rcid, session, amend, para, descr FROM unga_roll_calls"
_VOETEN_SQL = """
SELECT iso3, year, idealpointfp AS ideal, q5fp, q95fp, nvotesfp AS n_votes, idealpointall
FROM unga_idealpoints_voeten WHERE iso3 IS NOT NULL AND idealpointfp IS NOT NULL
"""


# ------------------------------------------------------------------------------------------------ the estimator


def _log_phi(z):
    return -0.5 * z * z - _LOG_SQRT_2PI


def _log_interval(a, b):
    """log(Phi(b) - Phi(a)) for a < b, stable in both tails."""
    upper = a > 0  # both in the upper tail: use Phi(-a) - Phi(-b)
    hi = np.where(upper, log_ndtr(-a), log_ndtr(b))
    lo = np.where(upper, log_ndtr(-b), log_ndtr(a))
    with np.errstate(divide="ignore"):
        return hi + np.log1p(-np.exp(np.minimum(lo - hi, 0.0)) + 1e-300)


def _ystar_mean(mu, cuts, tau):
    """E[y*] for y* ~ N(mu, 1) truncated to the interval each vote implies; ``cuts`` slice the no | abstain | yes
    blocks (no: y* < 0, abstain: 0 <= y* < tau, yes: y* >= tau)."""
    out = np.empty_like(mu)
    no, ab, yes = cuts
    m = mu[no]
    out[no] = m - np.exp(_log_phi(m) - log_ndtr(-m))
    m, t = mu[yes], tau[yes]
    out[yes] = m + np.exp(_log_phi(t - m) - log_ndtr(m - t))
    m, t = mu[ab], tau[ab]
    a, b = -m, t - m
    la = _log_interval(a, b)
    out[ab] = np.clip(m + np.exp(_log_phi(a) - la) - np.exp(_log_phi(b) - la), 0.0, t)
    return out


def _tau_newton(mu, cuts, item, tau, n_items, hi=8.0):
    """One Newton step per roll call on the ordered-probit log-likelihood in tau (concave), vectorised.

    l(tau) = sum_abstain log(Phi(tau - mu) - Phi(-mu)) + sum_yes log(1 - Phi(tau - mu)).
    """
    _, ab, yes = cuts
    it_ab, it_y = item[ab], item[yes]
    b_ab = tau[it_ab] - mu[ab]
    r_ab = np.exp(_log_phi(b_ab) - _log_interval(-mu[ab], b_ab))  # phi(b) / (Phi(b) - Phi(a))
    b_y = tau[it_y] - mu[yes]
    lam = np.exp(_log_phi(b_y) - log_ndtr(-b_y))  # inverse Mills ratio of the upper tail
    g = np.bincount(it_ab, r_ab, n_items) - np.bincount(it_y, lam, n_items)
    # d/dtau [phi(b)/A] = -r (b + r);  d/dtau lambda(b) = lambda (lambda - b)
    h = -np.bincount(it_ab, r_ab * (b_ab + r_ab), n_items) - np.bincount(it_y, lam * (lam - b_y), n_items)
    h = np.minimum(h, -1e-6)
    # with abstentions the optimum is interior (the likelihood falls to -inf at tau = 0): never more than halve tau
    floor = np.where(np.bincount(it_ab, minlength=n_items) > 0, 0.5 * tau, 0.0)
    return np.clip(tau + np.clip(-g / h, -1.0, 1.0), floor, hi)


@dataclass
class DynamicIRT:
    """Dynamic ordinal ideal-point model (see the module docstring); ``fit(votes)`` then read ``points_``.

    ``votes`` columns: ``state`` (label), ``year`` (int), ``item`` (roll-call id, shared by bridged roll calls),
    ``y`` (0 no, 1 abstain, 2 yes).
    """

    evolution_var: float = 0.1
    prior_var_item: float = 25.0
    max_iter: int = 500
    tol: float = 1e-6  # stop when 1 - corr(x_new, x_old) < tol (the emIRT rule of Imai, Lo & Olmsted 2016)
    anchor: str | None = ANCHOR
    min_votes_item: int = 5
    points_: pd.DataFrame = field(default=None, init=False, repr=False)
    items_: pd.DataFrame = field(default=None, init=False, repr=False)
    n_iter_: int = field(default=0, init=False)
    converged_: bool = field(default=False, init=False)
    seconds_: float = field(default=0.0, init=False)

    def fit(self, votes: pd.DataFrame) -> "DynamicIRT":
        from threadpoolctl import threadpool_limits

        t0 = time.perf_counter()
        bad = ~votes["y"].isin([0, 1, 2]) & votes["y"].notna()
        if bad.any():
            raise UsageError(f"vote codes must be 0 (no), 1 (abstain) or 2 (yes); found {votes['y'][bad].iloc[0]!r}")
        v = _informative(votes, self.min_votes_item)
        if v.empty:
            raise UsageError("no informative votes to scale (every roll call is unanimous or too small)")
        v = v.sort_values("y", kind="stable")  # no | abstain | yes blocks: each step slices views, no masks
        s_codes, s_labels = pd.factorize(v["state"], sort=True)
        i_codes, i_labels = pd.factorize(v["item"], sort=True)
        years = v["year"].to_numpy(dtype=np.int64)
        y0 = int(years.min())
        n_t = int(years.max()) - y0 + 1
        n_s, n_j = len(s_labels), len(i_labels)
        t_idx = years - y0
        sy = s_codes.astype(np.int64) * n_t + t_idx
        y = v["y"].to_numpy(dtype=np.int8)
        item = i_codes.astype(np.int64)
        blocks = np.searchsorted(y, [0, 1, 2, 3])
        cuts = [slice(blocks[c], blocks[c + 1]) for c in range(3)]
        counts = np.bincount(sy, minlength=n_s * n_t)
        voted = counts > 0
        first = np.full(n_s, n_t, dtype=np.int64)
        last = np.full(n_s, -1, dtype=np.int64)
        np.minimum.at(first, s_codes, t_idx)
        np.maximum.at(last, s_codes, t_idx)

        with threadpool_limits(1, user_api="blas"):  # small SVDs: threads only add overhead
            m = _init_points(s_codes, t_idx, item, y, n_s, n_t, n_j, s_labels, self.anchor)
        var = np.full(n_s * n_t, 0.1)
        alpha, beta = _item_step(y - 1.0, m[sy], var[sy], item, n_j, self.prior_var_item)
        tau = np.full(n_j, 0.5)
        mu = alpha[item] + beta[item] * m[sy]
        it, converged = 0, False
        for it in range(1, self.max_iter + 1):
            ys = _ystar_mean(mu, cuts, tau[item])
            b = beta[item]
            lam = np.bincount(sy, b * b, n_s * n_t)
            eta = np.bincount(sy, b * (ys - alpha[item]), n_s * n_t)
            m_new, var = _smooth(lam.reshape(n_s, n_t), eta.reshape(n_s, n_t), first, last, self.evolution_var)
            m_new, var = m_new.ravel(), var.ravel()
            # the scale is fixed here, not by the weak priors: all state-years with votes have mean 0 and sd 1
            c, sd = m_new[voted].mean(), m_new[voted].std()
            m_new, var = (m_new - c) / sd, var / (sd * sd)
            xm = m_new[sy]
            alpha, beta = _item_step(ys, xm, var[sy], item, n_j, self.prior_var_item)
            mu = alpha[item] + beta[item] * xm
            tau = _tau_newton(mu, cuts, item, tau, n_j)
            change = 1.0 - np.corrcoef(m_new[voted], m[voted])[0, 1]
            m = m_new
            if change < self.tol:
                converged = True
                break
        m2, var2 = m.reshape(n_s, n_t), var.reshape(n_s, n_t)
        counts = counts.reshape(n_s, n_t)
        ss, tt = np.nonzero(counts > 0)
        sign = 1.0
        if self.anchor is not None and self.anchor in set(s_labels):
            a = list(s_labels).index(self.anchor)
            if np.mean(m2[a, counts[a] > 0]) < 0:
                sign = -1.0
        self.points_ = pd.DataFrame({
            "iso3": np.asarray(s_labels, dtype=object)[ss], "year": tt + y0, "ideal": sign * m2[ss, tt],
            "se": np.sqrt(var2[ss, tt]), "n_votes": counts[ss, tt],
        })
        self.items_ = pd.DataFrame({"item": i_labels, "alpha": alpha, "beta": sign * beta, "tau": tau,
                                    "n_votes": np.bincount(item, minlength=n_j)})
        self.n_iter_, self.converged_ = it, converged
        self.seconds_ = time.perf_counter() - t0
        return self


def _informative(votes: pd.DataFrame, min_votes: int) -> pd.DataFrame:
    """Roll calls with at least ``min_votes`` votes and at least two different votes (unanimity tells nothing)."""
    v = votes[["state", "year", "item", "y"]].dropna()
    g = v.groupby("item")["y"]
    ok = (g.transform("size") >= min_votes) & (g.transform("nunique") > 1)
    return v[ok.to_numpy()].reset_index(drop=True)


def _init_points(s_codes, t_idx, item, y, n_s, n_t, n_j, s_labels, anchor) -> np.ndarray:
    """Start values: per year, the first principal component of the state x roll-call matrix (yes 1, abstain 0.5,
    no 0, missing = roll-call mean), standardised and signed like the previous year (or the anchor)."""
    m = np.zeros((n_s, n_t))
    a_idx = list(s_labels).index(anchor) if anchor is not None and anchor in set(s_labels) else None
    prev = None
    order = np.argsort(t_idx, kind="stable")
    bounds = np.searchsorted(t_idx[order], np.arange(n_t + 1))
    for t in range(n_t):
        sel = order[bounds[t]:bounds[t + 1]]
        if sel.size == 0:
            if prev is not None:
                m[:, t] = prev
            continue
        su, s_loc = np.unique(s_codes[sel], return_inverse=True)
        iu, i_loc = np.unique(item[sel], return_inverse=True)
        x = np.full((su.size, iu.size), np.nan)
        x[s_loc, i_loc] = y[sel] / 2.0
        col = np.nanmean(x, axis=0)
        x = np.where(np.isnan(x), col[None, :], x) - col[None, :]
        if su.size < 2 or iu.size < 1:
            continue
        u, s, _ = np.linalg.svd(x, full_matrices=False)
        pc = u[:, 0] * s[0]
        sd = pc.std()
        pc = (pc - pc.mean()) / (sd if sd > 0 else 1.0)
        full = np.full(n_s, np.nan)
        full[su] = pc
        if a_idx is not None and np.isfinite(full[a_idx]):
            sgn = np.sign(full[a_idx]) or 1.0
        elif prev is not None:
            both = np.isfinite(full) & np.isfinite(prev)
            sgn = np.sign(np.corrcoef(full[both], prev[both])[0, 1]) if both.sum() > 2 else 1.0
        else:
            sgn = 1.0
        full *= sgn
        if prev is not None:
            full = np.where(np.isfinite(full), full, prev)
        m[:, t] = np.nan_to_num(full)
        prev = full
    return m.ravel()


def _item_step(ys, xm, xv, item, n_j, prior_var):
    """Ridge regression of E[y*] on (1, x) per roll call, with E[x^2] = m^2 + V (closed form, vectorised)."""
    p = 1.0 / prior_var
    s0 = np.bincount(item, minlength=n_j) + p
    s1 = np.bincount(item, xm, n_j)
    s2 = np.bincount(item, xm * xm + xv, n_j) + p
    b0 = np.bincount(item, ys, n_j)
    b1 = np.bincount(item, ys * xm, n_j)
    det = s0 * s2 - s1 * s1
    return (s2 * b0 - s1 * b1) / det, (s0 * b1 - s1 * b0) / det


def _smooth(lam, eta, first, last, q):
    """Kalman filter + RTS smoother of random walks, one per state (rows), vectorised over states.

    Observation information per state-year: precision ``lam`` and precision-weighted mean ``eta``. Each state's
    chain runs from its first to its last year with votes (years without votes only propagate the prior).
    """
    n_s, n_t = lam.shape
    fm = np.full((n_s, n_t), np.nan)
    fv = np.full((n_s, n_t), np.nan)
    for t in range(n_t):
        start = first == t
        active = (first <= t) & (last >= t)
        pm = np.where(start, 0.0, fm[:, t - 1] if t else 0.0)
        pv = np.where(start, 1.0, (fv[:, t - 1] if t else 1.0) + q)
        v = 1.0 / (1.0 / pv + lam[:, t])
        fm[:, t] = np.where(active, v * (pm / pv + eta[:, t]), np.nan)
        fv[:, t] = np.where(active, v, np.nan)
    sm, sv = fm.copy(), fv.copy()
    for t in range(n_t - 2, -1, -1):
        inner = (first <= t) & (last > t)
        pv = fv[:, t] + q
        j = fv[:, t] / pv
        sm[:, t] = np.where(inner, fm[:, t] + j * (sm[:, t + 1] - fm[:, t]), sm[:, t])
        sv[:, t] = np.where(inner, fv[:, t] + j * j * (sv[:, t + 1] - pv), sv[:, t])
    return sm, sv


# ------------------------------------------------------------------------------------------------ real data


def bridged_items(roll_calls: pd.DataFrame) -> pd.Series:
    """Item id per rcid: roll calls whose description recurs verbatim across sessions share one id (bridges).

    Only final votes on whole resolutions qualify (not amendments, not paragraph votes) whose description is unique
    within its session; every other roll call is its own item.
    """
    rc = roll_calls.reset_index(drop=True)
    desc = rc["descr"].astype("string").str.strip()
    whole = (rc["amend"].fillna(0) == 0) & (rc["para"].fillna(0) == 0) & (desc.str.len() > 20)
    final = pd.DataFrame({"session": rc["session"], "desc": desc})[whole.fillna(False).to_numpy(bool)]
    final = final[final.groupby(["session", "desc"])["session"].transform("size") == 1]  # unique in its session
    recurs = final.groupby("desc")["session"].transform("nunique") > 1
    bridge = np.zeros(len(rc), dtype=bool)
    bridge[final.index[recurs.to_numpy()]] = True
    codes, _ = pd.factorize(desc.where(bridge))
    item = np.where(bridge, -1 - codes.astype(np.int64), rc["rcid"].to_numpy(dtype=np.int64))
    return pd.Series(item, index=rc["rcid"].to_numpy(), name="item")


def load_votes(wh: Warehouse, bridge: bool = True) -> pd.DataFrame:
    """Votes for scaling, in session years: Voeten's roll calls (to their last date, 14 January 2020), then the UN
    Digital Library's adopted resolutions voted after that date (series undl, 2025 with the 3DL scrape).

    The two sets are different items of one model, not a splice: each roll call has its own parameters, and the
    random walk of every state carries its ideal point across the seam."""
    from . import unga_series as us

    wh.require("unga_votes", "unga_roll_calls")
    v = wh.query(_VOTES_SQL)
    v["iso3"] = v["iso3"].astype(str)
    if bridge:
        v["item"] = v["rcid"].map(bridged_items(wh.query(_ROLL_CALLS_SQL))).to_numpy(dtype=np.int64)
    else:
        v["item"] = v["rcid"]
    parts = [v.rename(columns={"iso3": "state"})[["state", "year", "item", "y"]]]
    if wh.has(us.UNDL):
        last = wh.query("SELECT max(date) AS d FROM unga_roll_calls")["d"].iloc[0]
        u, items, _ = us.load(wh, "undl", year_basis="session")
        after = items.loc[items["date"] > pd.Timestamp(last), "item"]
        u = u[u["item"].isin(after) & (u["cat"] < 3)]
        parts.append(pd.DataFrame({
            "state": u["iso3"].astype(str).to_numpy(), "year": u["year"].to_numpy(dtype=np.int64),
            "item": UNDL_ITEM_OFFSET + u["item"].to_numpy(dtype=np.int64),
            "y": 2 - u["cat"].to_numpy(dtype=np.int64),  # yes 0 / abstain 1 / no 2 -> no 0 < abstain 1 < yes 2
        }))
    out = pd.concat(parts, ignore_index=True)
    out["y"] = out["y"].astype(np.int8)
    return out


def fit(wh: Warehouse, **kwargs) -> DynamicIRT:
    """Fit our dynamic ideal points on every GA roll call in the warehouse."""
    bridge = kwargs.pop("bridge", True)
    return DynamicIRT(**kwargs).fit(load_votes(wh, bridge))


def ours(wh: Warehouse, use_cache: bool = True) -> pd.DataFrame:
    """Our state-year points (iso3, year, ideal, se, n_votes, source), cached in the warehouse after one fit."""
    def compute():
        pts = fit(wh).points_
        pts["source"] = SOURCE_OURS
        return pts
    return FAMILY.cached(wh, "ours_fit", compute, use_cache=use_cache)


def voeten(wh: Warehouse) -> pd.DataFrame:
    """Voeten's published points (Bailey, Strezhnev & Voeten; July 2025 release), ``fp`` series to 2024.

    ``se`` is derived from the 5% and 95% posterior quantiles ((q95 - q5) / 3.29). The source stores 4-byte
    floats; values are rounded to 6 decimals so that -0.854 reads -0.854, not -0.85399997. Where two COW codes map
    to one ISO3 in a year (a state and its predecessor), the row with more votes is kept.
    """
    wh.require("unga_idealpoints_voeten")
    d = wh.query(_VOETEN_SQL)
    for c in ("ideal", "q5fp", "q95fp", "idealpointall"):  # stored as 4-byte floats (Stata): drop the float noise
        d[c] = d[c].astype(np.float64).round(6)
    d["se"] = (d["q95fp"] - d["q5fp"]) / (2 * _Z90)
    d = d.sort_values("n_votes", ascending=False).drop_duplicates(["iso3", "year"])
    d["source"] = SOURCE_VOETEN
    return d[["iso3", "year", "ideal", "se", "n_votes", "source", "idealpointall"]].sort_values(
        ["iso3", "year"]).reset_index(drop=True)


def points(wh: Warehouse, source: str = "ours", states: list[str] | None = None,
           years: tuple[int, int] | None = None, use_cache: bool = True) -> pd.DataFrame:
    if source not in SOURCES:
        raise UsageError(f"source must be ours or voeten, not {source!r}")
    p = ours(wh, use_cache) if source == "ours" else voeten(wh)
    if states is not None:
        p = p[p["iso3"].isin(states)]
    if years is not None:
        p = p[p["year"].between(years[0], years[1])]
    return p.reset_index(drop=True)


def compare_with_voeten(ours_pts: pd.DataFrame, voeten_pts: pd.DataFrame, column: str = "ideal") -> pd.DataFrame:
    """Pearson correlation per year between our points and Voeten's (states present in both)."""
    m = ours_pts.merge(voeten_pts[["iso3", "year", column]], on=["iso3", "year"], suffixes=("", "_voeten"))
    other = column + "_voeten" if column == "ideal" else column
    m = m.dropna(subset=["ideal", other])
    r = m.groupby("year").apply(lambda g: g["ideal"].corr(g[other]) if len(g) > 2 else np.nan, include_groups=False)
    n = m.groupby("year").size()
    return pd.DataFrame({"year": r.index, "r": r.to_numpy(), "n_states": n.reindex(r.index).to_numpy()})


def table(wh: Warehouse, states: list[str], years, source: str, use_cache: bool = True) -> pd.DataFrame:
    """Wide table: year, one column per state (ideal point), its standard error, and the year's median state."""
    allp = points(wh, source, None, years, use_cache)
    med = allp.groupby("year")["ideal"].median().rename("median")
    states = list(dict.fromkeys(states))  # a state named twice (USA as partner and as anchor) is one column
    p = allp[allp["iso3"].isin(states)]
    wide = p.pivot(index="year", columns="iso3", values="ideal").reindex(columns=states)
    se = p.pivot(index="year", columns="iso3", values="se").reindex(columns=states).add_suffix("_se")
    return pd.concat([wide, se, med], axis=1).dropna(how="all", subset=states).reset_index()


@dataclass(frozen=True)
class Options:
    """``source``: voeten (Voeten's published series, default) or ours (alignwatch's own fit)."""

    source: str = "voeten"

    def __post_init__(self):
        if self.source not in SOURCES:
            raise UsageError(f"source must be ours or voeten, not {self.source!r}")


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None, source: str,
                use_cache: bool = True) -> pd.DataFrame:
    """Per dyad-year, both ideal points and ``score`` = -|x_a - x_b| (higher = closer).

    Default source: Voeten's published series (1946-2024); ``source="ours"`` uses our fit (Voeten's roll calls to
    January 2020, the UN Digital Library's after, to 2025). Scores from the two sources are on different scales and
    are never mixed in one table.
    """
    full = points(wh, source, None, None, use_cache)
    p = full if years is None else full[full["year"].between(years[0], years[1])]
    codes = sorted(set(p["iso3"])) if states is None else states
    p = p[p["iso3"].isin(codes)]
    lo, hi = (int(full["year"].min()), int(full["year"].max())) if len(full) else (0, -1)  # the series' coverage
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])
    grid = np.arange(lo, hi + 1)
    x = np.full((grid.size, len(codes)), np.nan)
    se = np.full_like(x, np.nan)
    si = pd.Index(codes).get_indexer(p["iso3"])
    ti = p["year"].to_numpy(dtype=np.int64) - lo
    ok = (ti >= 0) & (ti < grid.size)
    x[ti[ok], si[ok]] = p["ideal"].to_numpy(dtype=float)[ok]
    se[ti[ok], si[ok]] = p["se"].to_numpy(dtype=float)[ok]
    ia, ib = np.triu_indices(len(codes), 1)
    out = pd.DataFrame({
        "a": np.tile(np.asarray(codes, dtype=object)[ia], grid.size),
        "b": np.tile(np.asarray(codes, dtype=object)[ib], grid.size),
        "year": np.repeat(grid, ia.size),
        "ideal_a": x[:, ia].ravel(), "ideal_b": x[:, ib].ravel(),
        "se_a": se[:, ia].ravel(), "se_b": se[:, ib].ravel(),
    })
    out["distance"] = (out["ideal_a"] - out["ideal_b"]).abs()
    out["score"] = -out["distance"]
    out["source"] = np.where(out["distance"].notna(), SOURCE_VOETEN if source == "voeten" else SOURCE_OURS, None)
    return out


class IdealPoints(Family):
    name = "idealpoints"
    label = "UNGA ideal-point distance"
    domain = "political"
    description = ("Distance between the two states' dynamic UNGA ideal points (score = -|x_a - x_b|): Voeten's "
                   "published series (Bailey, Strezhnev & Voeten 2017; to 2024) by default, or alignwatch's own "
                   "variational-EM fit.")
    columns = ("ideal_a", "ideal_b", "distance", "source")
    coverage = (1946, 2025)
    citation = CITATION_IDEAL
    docs = "docs/measures/unga.md"
    Options = Options

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years, options.source, use_cache)

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        from ..report import figures_unga

        return figures_unga.idealpoints_figure(wh, [first, second], years=years)


FAMILY = register(IdealPoints())
dyad_years = FAMILY.dyad_years
