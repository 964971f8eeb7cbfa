"""The alignment index: a dynamic measurement model of a latent political and a latent economic alignment per
dyad, the composite of the two, intervals, the families that informed each year, and triad/bloc aggregates.

Why a model and not an average: families are noisy indicators of an unobserved alignment and years differ in
which indicators exist. A weighted mean of the indicators present jumps whenever one enters or leaves; a
measurement model (index_model: AR(1) latent per dyad, every family and every trade series an indicator with its
own loading, offset and noise, estimated once on the reference panel) lets a missing indicator simply be absent,
carries each observation's sampling error, and widens the interval where evidence is thin instead of moving the
point estimate. docs/index.md states the model, its assumptions and its estimation.

``weights.toml`` (:func:`load_weights`) is the user's lever: which families enter and in which domain, how much each
family's evidence counts (its likelihood is tempered by the weight), how the composite weighs the two domains, the
reference states, the interval level and the model's options and priors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from . import index_indicators as ind
from . import index_model as im
from .errors import UsageError
from .measures import families
from .warehouse import Warehouse, cached

INDEX_VERSION = 2  # bump when the indicator panel changes: part of the reference cache key
MODEL_VERSION = 1  # bump when the model or its estimation changes: part of the fitted model's cache key
DOMAINS = im.DOMAINS


@dataclass
class Weights:
    political: dict[str, float]
    economic: dict[str, float]
    composite: dict[str, float] = field(default_factory=lambda: {"political": 0.5, "economic": 0.5})
    replicates: int = 25  # joint posterior paths drawn to locate period breaks (alignwatch.periods)
    seed: int = 20261123
    level: float = 0.90
    threshold: float = 0.5
    reference: list[str] = field(default_factory=list)
    path: str = "default"
    start: int = 1946
    max_iter: int = 300
    tol: float = 1e-6
    priors: im.Priors = field(default_factory=im.Priors)

    def domain_of(self, family: str) -> str | None:
        if self.political.get(family, 0) > 0:
            return "political"
        if self.economic.get(family, 0) > 0:
            return "economic"
        return None

    def weight(self, family: str) -> float:
        return self.political.get(family, 0.0) or self.economic.get(family, 0.0)

    def composite_weights(self) -> dict[str, float]:
        """Domain weights of the composite over the domains that have a family, summing to 1."""
        w = {d: self.composite.get(d, 0.0) for d in DOMAINS
             if self.composite.get(d, 0.0) > 0 and any(v > 0 for v in getattr(self, d).values())}
        total = sum(w.values())
        return {d: v / total for d, v in w.items()} if total > 0 else {}

    def spec(self) -> str:
        """Everything the fitted model depends on (its cache key)."""
        return repr((sorted(self.political.items()), sorted(self.economic.items()), sorted(set(self.reference)),
                     self.start, self.max_iter, self.tol, sorted(self.priors.series_offset_sd.items())))


def _number(where: str, key: str, v, *, lo: float = 0.0, hi: float | None = None, integer: bool = False):
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
    if integer:
        ok = ok and float(v).is_integer()
    if not ok:
        want = "an integer" if integer else "a number"
        rng = f" >= {lo}" + (f" and <= {hi}" if hi is not None else "")
        raise UsageError(f"{where}: {key} = {v!r}: expected {want}{rng}")
    return int(v) if integer else float(v)


def load_weights(path: str | Path | None = None) -> Weights:
    """Read the weights TOML (the packaged default, or a user file), checking every key and value."""
    if path is None:
        text = resources.files("alignwatch.data").joinpath("weights.toml").read_text("utf-8")
        where = "weights.toml (default)"
    else:
        p = Path(path)
        if not p.exists():
            raise UsageError(f"weights file {p} does not exist")
        text, where = p.read_text("utf-8"), str(p)
    try:
        cfg = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{where}: not valid TOML ({e})") from None
    known = set(families())
    out = {}
    for section in ("political", "economic", "composite"):
        vals = cfg.get(section, {})
        for k, v in vals.items():
            if section != "composite" and k not in known:
                raise UsageError(f"{where}: [{section}] {k}: unknown measure family",
                                 hint=f"known: {', '.join(sorted(known))}")
            if section == "composite" and k not in ("political", "economic"):
                raise UsageError(f"{where}: [composite] {k}: expected 'political' or 'economic'")
            _number(where, f"[{section}] {k}", v)
        out[section] = {k: float(v) for k, v in vals.items()}
    both = {k for k, v in out["political"].items() if v > 0} & {k for k, v in out["economic"].items() if v > 0}
    if both:
        raise UsageError(f"{where}: {', '.join(sorted(both))} weighted in both domains; choose one")
    draws = cfg.get("draws", cfg.get("bootstrap", {}))  # [bootstrap]: the name before the model
    model = cfg.get("model", {})
    pri = cfg.get("priors", {})
    dyn = model.get("dynamics", "ar1")
    if dyn != "ar1":
        raise UsageError(f"{where}: [model] dynamics = {dyn!r}: only 'ar1' is implemented")
    offs = pri.get("series_offset_sd", {})
    if not isinstance(offs, dict):
        raise UsageError(f"{where}: [priors] series_offset_sd: expected a table such as {{ \"trade.dep\" = 0.1 }}")
    unknown = set(pri) - {"series_offset_sd"}
    if unknown:
        raise UsageError(f"{where}: [priors] {', '.join(sorted(unknown))}: unknown key", hint="known: series_offset_sd")
    priors = im.Priors(
        series_offset_sd={**im.Priors().series_offset_sd,
                          **{k: _number(where, f"[priors.series_offset_sd] {k}", v, lo=1e-9) for k, v in offs.items()}},
    )
    level = draws.get("level", model.get("level", 0.90))
    return Weights(
        political=out["political"], economic=out["economic"],
        composite=out["composite"] or {"political": 0.5, "economic": 0.5},
        replicates=_number(where, "[draws] replicates", draws.get("replicates", 25), hi=5000, integer=True),
        seed=_number(where, "[draws] seed", draws.get("seed", 20261123), integer=True),
        level=_number(where, "level", level, lo=0.5, hi=0.999),
        threshold=_number(where, "[divergence] threshold", cfg.get("divergence", {}).get("threshold", 0.5)),
        reference=list(cfg.get("reference", {}).get("states", [])), path=where,
        start=_number(where, "[model] start", model.get("start", 1946), lo=1816, hi=2100, integer=True),
        max_iter=_number(where, "[model] max_iter", model.get("max_iter", 300), lo=1, integer=True),
        tol=_number(where, "[model] tol", model.get("tol", 1e-6), lo=1e-12), priors=priors,
    )


# ------------------------------------------------------------------------------------- the reference model


def model_end() -> int:
    """The model's last year: this calendar year (an observation dated later is not read)."""
    return dt.date.today().year


def _key(prefix: str, *parts) -> str:
    return prefix + hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


@functools.cache
def code_version() -> str:
    """A fingerprint of the model's and the indicators' code and of the families' code and curated tables
    (:func:`alignwatch.measures.registry.code_version`: the panel is made of the families' tables): a cached
    reference panel or fit is never read by other code."""
    from .measures.registry import code_version as families_version

    text = "".join(Path(m.__file__).read_text("utf-8") for m in (im, ind))
    return f"{MODEL_VERSION}.{hashlib.sha256(text.encode()).hexdigest()[:12]}.{families_version()}"


def reference_states(weights: Weights) -> list[str]:
    return sorted(set(weights.reference))


def reference_observations(wh: Warehouse, weights: Weights, notes: list[str] | None = None) -> pd.DataFrame:
    """The indicator panel of every dyad among the reference states, cached per ingest: the model is estimated
    on it, and every index of reference states reads its rows. Cached only when every family answered."""
    notes = [] if notes is None else notes
    ref = reference_states(weights)
    if len(ref) < 2:
        raise UsageError(f"{weights.path}: [reference] states needs at least two states")
    fams = sorted(f for f in {**weights.political, **weights.economic} if weights.domain_of(f))
    key = _key("index_obs_", ref, fams, [weights.domain_of(f) for f in fams], INDEX_VERSION, code_version())
    mine: list[str] = []
    df = cached(wh, key, lambda: ind.indicator_panel(wh, ref, weights, mine), keep=lambda d: not mine)
    notes.extend(mine)
    return df


def indicator_weights(obs: pd.DataFrame, weights: Weights) -> dict[str, float]:
    fam = obs.drop_duplicates("indicator").set_index("indicator")["family"]
    return {i: weights.weight(f) for i, f in fam.items()}


def reference_model(wh: Warehouse, weights: Weights | None = None, notes: list[str] | None = None,
                    progress=None) -> im.Fitted:
    """The model estimated on the reference panel (EM, index_model.fit), cached per ingest with a key of the
    model version, the weights file's content and the reference states."""
    weights = weights or load_weights()
    notes = [] if notes is None else notes
    obs = reference_observations(wh, weights, notes)
    if obs.empty:
        raise UsageError("no measure family has data for the reference states", hint="run `alignwatch ingest` first")
    end = model_end()
    key = _key("index_model_", weights.spec(), end, INDEX_VERSION, code_version())

    def compute():
        fitted = im.fit(obs, indicator_weights(obs, weights), ind.bases(obs["indicator"].unique()),
                        start=weights.start, end=end, priors=weights.priors, max_iter=weights.max_iter,
                        tol=weights.tol, progress=progress)
        return fitted.to_frame()

    fitted = im.Fitted.from_frame(cached(wh, key, compute))
    notes.extend(n for n in fitted.notes if n not in notes)
    return fitted


def observations(wh: Warehouse, states: list[str], weights: Weights, notes: list[str]) -> pd.DataFrame:
    """Indicator rows of every dyad among ``states``: from the cached reference panel when all are reference
    states, else read for these states only (the model's parameters stay those of the reference panel)."""
    states = sorted(set(states))
    ref = set(reference_states(weights))
    if set(states) <= ref:
        obs = reference_observations(wh, weights, notes)
    else:
        obs = ind.indicator_panel(wh, states, weights, notes)
    return obs[obs["a"].isin(states) & obs["b"].isin(states)].reset_index(drop=True)


def held_model(wh: Warehouse, states: list[str], estimated_under: Weights, weights: Weights,
               notes: list[str] | None = None) -> tuple[im.Fitted, pd.DataFrame]:
    """The reference model estimated under ``estimated_under`` with each indicator's weight replaced by its family's
    weight in ``weights`` (every other parameter held), and the observations of ``states`` it scores.

    Why: a weight tempers a family's likelihood when a dyad is scored (docs/index.md), so changing the weights
    and holding the parameters re-scores a view in a fraction of a second, where re-estimating the model (what
    ``alignwatch index --weights FILE`` does) takes a minute and re-reads the reference panel. The dashboard's
    weight sliders use it, as :func:`family_influence` does. A family at weight 0 is left out; a family the
    estimate did not include cannot be added (it has no parameters) and is noted."""
    notes = [] if notes is None else notes
    fitted = reference_model(wh, estimated_under, notes)
    obs = observations(wh, states, estimated_under, notes)
    estimated = set(fitted.indicators["family"])
    added = sorted(f for f in {**weights.political, **weights.economic}
                   if weights.weight(f) > 0 and f not in estimated)
    if added:
        notes.append(f"not in the estimated model (no parameters), not used: {', '.join(added)}")
    return reweighted(fitted, obs, weights)


def reweighted(fitted: im.Fitted, obs: pd.DataFrame, weights: Weights) -> tuple[im.Fitted, pd.DataFrame]:
    """``fitted`` with each indicator's weight set to its family's weight in ``weights`` (every other parameter
    held), and the observations it still scores: a family at weight 0 is left out of both."""
    p = fitted.indicators.copy()
    p["weight"] = [float(weights.weight(f)) for f in p["family"]]
    p = p[p["weight"] > 0].reset_index(drop=True)
    obs = obs[obs["indicator"].isin(set(p["indicator"]))].reset_index(drop=True)
    return dataclasses.replace(fitted, indicators=p), obs


def _families_by_year(obs: pd.DataFrame, col: str = "family") -> pd.DataFrame:
    if obs.empty:
        return pd.DataFrame(columns=["a", "b", "year", "families"])
    g = obs.groupby(["a", "b", "year"])[col].agg(lambda s: ",".join(sorted(set(s))))
    return g.rename("families" if col == "family" else "indicators").reset_index()


def smooth_states(wh: Warehouse, states: list[str], weights: Weights, notes: list[str] | None = None,
                  *, obs: pd.DataFrame | None = None, fitted: im.Fitted | None = None, paths=False):
    """Posterior of every dyad among ``states`` on the model's full span (years never cut here: a smoother's
    value for a year depends on the years around it, so the window asked for must not change it).

    Returns (rows, obs, fitted, post): rows per dyad-year from the dyad's first to its last observed year; with
    ``paths`` (True for every dyad, or the keys (a, b) wanted), ``post["paths"]`` holds those dyads' exact path
    covariances (:class:`PathCov`)."""
    notes = [] if notes is None else notes
    fitted = fitted or reference_model(wh, weights, notes)
    if obs is None:
        obs = observations(wh, states, weights, notes)
    obs = obs[(obs["year"] >= fitted.start) & (obs["year"] <= fitted.end)].reset_index(drop=True)
    known = set(fitted.indicators["indicator"])
    unknown = sorted(set(obs["indicator"]) - known)
    if unknown:
        notes.append(f"not in the reference model (no parameters), not used: {', '.join(unknown)}")
        obs = obs[obs["indicator"].isin(known)].reset_index(drop=True)
    keys = all_pairs(states)
    asked = set(keys) if paths is True else set(paths or ())
    want = [k for k in keys if k in asked]
    post = im.posterior(fitted, obs, keys, paths=want)
    rows = _rows(post, obs, weights)
    if paths is not False:
        post["paths"] = {k: PathCov(fitted.start, {d: post[d]["path"][k] for d in DOMAINS}) for k in want}
    return rows, obs, fitted, post


def _rows(post: dict, obs: pd.DataFrame, weights: Weights) -> pd.DataFrame:
    grid: im.Grid = post["grid"]
    T = grid.T
    out = pd.DataFrame({"a": np.repeat([k[0] for k in grid.keys], T), "b": np.repeat([k[1] for k in grid.keys], T),
                        "year": np.tile(np.arange(grid.start, grid.end + 1), len(grid.keys))})
    zq = norm.ppf(0.5 + weights.level / 2)
    cw = weights.composite_weights()
    comp_mean = np.zeros(len(out))
    comp_var = np.zeros(len(out))
    for d in DOMAINS:
        m, v = post[d]["mean"], post[d]["var"]
        sd = np.sqrt(np.clip(v, 0, None))
        out[d], out[f"{d}_lo"], out[f"{d}_hi"], out[f"{d}_sd"] = m, m - zq * sd, m + zq * sd, sd
        out[f"{d}_r1"] = post[d]["r1"]
        if d in cw:
            comp_mean += cw[d] * m
            comp_var += cw[d] ** 2 * v
    out["composite"] = comp_mean if cw else np.nan
    csd = np.sqrt(comp_var)
    out["composite_lo"], out["composite_hi"], out["composite_sd"] = comp_mean - zq * csd, comp_mean + zq * csd, csd
    for d in DOMAINS:
        n = obs[obs["domain"] == d].groupby(["a", "b", "year"])["family"].nunique().rename(f"{d}_families")
        out = out.merge(n.reset_index(), on=["a", "b", "year"], how="left")
        out[f"{d}_families"] = out[f"{d}_families"].fillna(0).astype(int)
    out["n_families"] = out["political_families"] + out["economic_families"]
    out = out.merge(_families_by_year(obs), on=["a", "b", "year"], how="left")
    out = out.merge(_families_by_year(obs, "indicator"), on=["a", "b", "year"], how="left")
    out["families"] = out["families"].fillna("")
    out["indicators"] = out["indicators"].fillna("")
    # a dyad's rows run from its first to its last observed year: no extrapolation beyond its evidence
    seen = out["n_families"] > 0
    g = out.assign(_y=out["year"].where(seen)).groupby(["a", "b"])["_y"]
    first, last = g.transform("min"), g.transform("max")
    out = out[(out["year"] >= first) & (out["year"] <= last)]
    for d in DOMAINS:  # a domain with no family at all in the weights is NA, not the prior
        if not any(v > 0 for v in getattr(weights, d).values()):
            out[[d, f"{d}_lo", f"{d}_hi", f"{d}_sd", f"{d}_r1"]] = np.nan
    return _divergence(out.reset_index(drop=True), weights.threshold)


def _divergence(df: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Flag years where the political and economic latents move apart (the "deep alignment" pattern)."""
    df["gap"] = df["political"] - df["economic"]
    g = df.groupby(["a", "b"], sort=False)
    dpol, decon = g["political"].diff(), g["economic"].diff()
    df["divergence"] = ((np.sign(dpol) != np.sign(decon)) & ((dpol - decon).abs() > threshold)).fillna(False)
    return df


COLUMNS = ["a", "b", "year", "political", "political_lo", "political_hi", "political_families", "economic",
           "economic_lo", "economic_hi", "economic_families", "composite", "composite_lo", "composite_hi",
           "n_families", "families", "gap", "divergence", "political_sd", "economic_sd", "composite_sd",
           "political_r1", "economic_r1", "indicators"]


def dyad_index(wh: Warehouse, states: list[str], years: tuple[int, int] | None = None,
               weights: Weights | None = None, *, replicates: int | None = None,
               return_panel: bool = False, estimated_under: Weights | None = None, return_paths=False):
    """Index per dyad-year for every pair of ``states``: posterior mean and interval of the political and the
    economic latent and of the composite, and the families observed in the year (stored a < b).

    The intervals are the Kalman smoother's exact Gaussian posterior at ``weights.level``: no draws are needed
    (``replicates`` is accepted from callers that pass it; the periods use ``weights.replicates``).
    With ``return_panel``: (index, observations with each one's reading on the latent scale, notes).
    With ``estimated_under``: scored with ``weights`` on the parameters estimated under those weights
    (:func:`held_model`), not re-estimated. With ``return_paths`` (True, or the keys (a, b) wanted): one more
    item, those dyads' exact path covariances by key (:class:`PathCov`), which the periods and the glance's
    changes need.
    """
    del replicates
    weights = weights or load_weights()
    states = sorted(set(states))
    if len(states) < 2:
        raise UsageError("the index needs at least two states")
    notes: list[str] = []
    if estimated_under is not None:
        fitted, obs = held_model(wh, states, estimated_under, weights, notes)
        rows, obs, fitted, post = smooth_states(wh, states, weights, notes, obs=obs, fitted=fitted,
                                                paths=return_paths)
    else:
        rows, obs, fitted, post = smooth_states(wh, states, weights, notes, paths=return_paths)
    extra = (post["paths"],) if return_paths is not False else ()
    if years is not None:
        rows = rows[rows["year"].between(*years)]
    out = rows[COLUMNS].sort_values(["a", "b", "year"]).reset_index(drop=True)
    if return_panel:
        panel = readings(obs, fitted)
        if years is not None:
            panel = panel[panel["year"].between(*years)].reset_index(drop=True)
        return (out, panel, notes) + extra
    return (out,) + extra if extra else out


def readings(obs: pd.DataFrame, fitted: im.Fitted) -> pd.DataFrame:
    """Each observation read on its latent's scale: ``z = (y - alpha) / lambda`` with ``z_se`` from its noise
    (what that indicator alone says about the latent; the periods' evidence and the figures show it)."""
    p = fitted.indicators.set_index("indicator")
    q = p.reindex(obs["indicator"].to_numpy())
    lam = q["lam"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(lam > 0, (obs["y"].to_numpy(float) - q["alpha"].to_numpy(float)) / lam, np.nan)
        zse = np.where(lam > 0, np.sqrt(q["sigma2"].to_numpy(float) + obs["se"].to_numpy(float) ** 2) / lam, np.nan)
    return obs.assign(z=z, z_se=zse)


@dataclass
class PathCov:
    """One dyad's exact joint posterior covariance of each domain's latent path on the model's years from
    ``start`` (:func:`alignwatch.index_model.path_cov`); the domains are independent a posteriori."""
    start: int
    cov: dict[str, np.ndarray]


def path_covariance(rows: pd.DataFrame, target: str = "composite", weights: Weights | None = None,
                    paths: PathCov | None = None) -> np.ndarray:
    """The joint posterior covariance of one dyad's index rows for ``target`` (a domain, or the composite as the
    weighted sum of the independent domains). Period means, the change across a break and the change since a
    past year are linear in the path, so their intervals follow from this matrix.

    With ``paths`` (what :func:`dyad_index` returns with ``return_paths``) it is exact. Without, it is rebuilt
    from the rows as a Gauss-Markov chain, ``sd_s sd_t r1[s+1] ... r1[t]``: exact for an AR(1) latent alone,
    but the model's persistent random effects add a long-range correlation the chain leaves out (a change between
    periods then looks up to twice as uncertain as it is); only rows without a model (tests, hand-made rows) use
    it."""
    weights = weights or load_weights()
    parts = weights.composite_weights() if target == "composite" else {target: 1.0}
    n = len(rows)
    cov = np.zeros((n, n))
    at = rows["year"].to_numpy(int) - paths.start if paths is not None else None
    for d, w in parts.items():
        if paths is not None:
            if d not in rows or not np.isfinite(rows[d].to_numpy(float)).any():
                continue
            cov += w * w * paths.cov[d][np.ix_(at, at)]
            continue
        sd = rows[f"{d}_sd"].to_numpy(float)
        if not np.isfinite(sd).any():
            continue
        r1 = rows[f"{d}_r1"].to_numpy(float).copy()
        r1[0] = 1.0
        logr = np.cumsum(np.log(np.clip(np.nan_to_num(r1, nan=0.0), 1e-300, 1.0)))
        corr = np.exp(-np.abs(logr[:, None] - logr[None, :]))
        cov += w * w * np.outer(sd, sd) * corr
    return cov


# ------------------------------------------------------------------------------------------ triads and blocs

def group_index(wh: Warehouse, states: list[str], years: tuple[int, int] | None = None,
                weights: Weights | None = None, *, replicates: int | None = None,
                topic: str | None = None) -> pd.DataFrame:
    """Triad or bloc per year: mean and minimum of its dyads' indices, and joint UNGA cohesion.

    Joint cohesion is the share of roll calls on which every member of the group voted (yes/no/abstain) and all
    voted alike: a stricter test than any dyad's agreement, which pairwise means can hide. It reads the continuous
    UNGA series (undl, 1946-2025; ``unga_series`` names it), on the roll calls of ``topic`` when one is given.
    """
    states = sorted(set(states))
    di = dyad_index(wh, states, years, weights, replicates=replicates)
    cols = [c for c in ("political", "economic", "composite") if c in di]
    agg = di.groupby("year")[cols].agg(["mean", "min"])
    agg.columns = [f"{c}_{s}" for c, s in agg.columns]
    agg["n_dyads"] = di.groupby("year")["composite"].count()
    agg = agg.reset_index()
    from .measures import unga

    if wh.has("undl_ga_votes"):
        coh = unga.group_cohesion(wh, states, topic=topic)
        agg = agg.merge(coh, on="year", how="outer" if topic else "left")
        agg["unga_n_votes"] = agg["unga_n_votes"].astype("Int64")
        if years is not None:
            agg = agg[agg["year"].between(*years)]
    elif topic is not None:
        raise UsageError("no UNGA votes in the warehouse for --topic", hint="run `alignwatch ingest`")
    return agg.sort_values("year").reset_index(drop=True)


def all_pairs(states: list[str]) -> list[tuple[str, str]]:
    return list(itertools.combinations(sorted(set(states)), 2))


def user_pairs(states: list[str]) -> list[tuple[str, str]]:
    """The pairs of ``states`` in the order the user gave them: PRK,CHN,RUS -> PRK–CHN, PRK–RUS, CHN–RUS."""
    return list(itertools.combinations(list(dict.fromkeys(states)), 2))


def in_user_order(df: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Index rows (stored as a < b) relabelled and sorted in the user's order: ``index PRK,CHN`` reads PRK, CHN.

    Every index column is symmetric in the two states (political, economic, composite, gap), so relabelling
    ``a`` and ``b`` is all a flip needs."""
    if df.empty or not {"a", "b"} <= set(df.columns):
        return df
    pos = {tuple(sorted(p)): (i, p) for i, p in enumerate(user_pairs(states))}
    keys = [tuple(sorted((x, y))) for x, y in zip(df["a"], df["b"])]
    out = df.copy()
    out["a"] = [pos[k][1][0] if k in pos else x for k, x in zip(keys, df["a"])]
    out["b"] = [pos[k][1][1] if k in pos else y for k, y in zip(keys, df["b"])]
    out["_order"] = [pos[k][0] if k in pos else len(pos) for k in keys]
    return out.sort_values(["_order", "year"], kind="stable").drop(columns="_order").reset_index(drop=True)


# -------------------------------------------------------------------------------------------------- "now"

NOW_MIN_FAMILIES = 3


def latest(rows: pd.DataFrame, min_families: int = NOW_MIN_FAMILIES) -> pd.Series | None:
    """The one rule for "now" (report glance, dashboard, docs/index.md): a dyad's latest year with a composite
    that at least ``min_families`` measure families inform, not after this calendar year; where no year has that
    many, its latest year with a composite. A year resting on one or two families (a treaty in force, nothing else
    reported yet) would read as the whole relationship."""
    g = rows.dropna(subset=["composite"])
    g = g[g["year"] <= dt.date.today().year].sort_values("year")
    if g.empty:
        return None
    rich = g[g["n_families"] >= min_families]
    return (rich if len(rich) else g).iloc[-1]


# ------------------------------------------------------------------------------------------------ evidence

GLANCE_YEARS = (1992, 2017, 2019)  # normalisation with Seoul (1992), the sanctions year (2017), the summits (2019)


def coverage_table(panel: pd.DataFrame) -> pd.DataFrame:
    """Which families inform each dyad-year (the coverage strip under the index figure): one row per dyad, year
    and family observed, with its domain, indicators and mean reading on the latent scale. ``panel`` is the
    observation table :func:`dyad_index` returns with ``return_panel=True``."""
    if panel is None or panel.empty:
        return pd.DataFrame(columns=["a", "b", "year", "family", "domain", "indicators", "n_indicators", "z"])
    z = panel["z"] if "z" in panel else pd.Series(np.nan, index=panel.index)
    g = panel.assign(z=z).groupby(["a", "b", "year", "family"], as_index=False).agg(
        domain=("domain", "first"), indicators=("indicator", lambda s: ",".join(sorted(set(s)))),
        n_indicators=("indicator", "nunique"), z=("z", "mean"))
    return g.sort_values(["a", "b", "domain", "family", "year"], ascending=[True, True, False, True, True]) \
        .reset_index(drop=True)


def glance_table(index_rows: pd.DataFrame, pairs: list[tuple[str, str]], weights: Weights | None = None, *,
                 years: tuple[int, ...] = GLANCE_YEARS, paths: dict | None = None) -> pd.DataFrame:
    """"Now" (:func:`latest`) against fixed past years on the same model, per dyad in the order given: the
    composite and its interval in each, and the change since each year with its interval (exact, from the joint
    posterior of the path: :func:`path_covariance`). ``index_rows`` are :func:`dyad_index` rows (a < b) that
    include the years compared; ``paths`` the exact path covariances by key (a, b) that it returns with
    ``return_paths``."""
    weights = weights or load_weights()
    zq = norm.ppf(0.5 + weights.level / 2)
    out = []
    for x, y in pairs:
        a, b = sorted((x, y))
        g = index_rows[(index_rows["a"] == a) & (index_rows["b"] == b)].sort_values("year").reset_index(drop=True)
        now = latest(g)
        if now is None:
            continue
        row = {"dyad": f"{x}–{y}", "year": int(now["year"]), "families": int(now["n_families"]),
               "composite": now["composite"], "composite_lo": now["composite_lo"],
               "composite_hi": now["composite_hi"], "political": now["political"],
               "political_lo": now["political_lo"], "political_hi": now["political_hi"],
               "economic": now["economic"], "economic_lo": now["economic_lo"], "economic_hi": now["economic_hi"]}
        exact = (paths or {}).get((a, b))
        cov = (path_covariance(g, "composite", weights, exact)
               if exact is not None or {"political_r1", "political_sd"} <= set(g.columns) else None)
        i_now = int(np.flatnonzero(g["year"].to_numpy() == now["year"])[0])
        for yr in years:
            hit = np.flatnonzero(g["year"].to_numpy() == yr)
            if not len(hit):
                row.update({f"composite_{yr}": np.nan, f"change_since_{yr}": np.nan,
                            f"change_since_{yr}_lo": np.nan, f"change_since_{yr}_hi": np.nan})
                continue
            j = int(hit[0])
            d = float(g.loc[i_now, "composite"] - g.loc[j, "composite"])
            sd = float(np.sqrt(max(cov[i_now, i_now] + cov[j, j] - 2 * cov[i_now, j], 0.0))) if cov is not None \
                else float("nan")
            row.update({f"composite_{yr}": g.loc[j, "composite"], f"composite_{yr}_lo": g.loc[j, "composite_lo"],
                        f"composite_{yr}_hi": g.loc[j, "composite_hi"], f"change_since_{yr}": d,
                        f"change_since_{yr}_lo": d - zq * sd, f"change_since_{yr}_hi": d + zq * sd})
        out.append(row)
    return pd.DataFrame(out)


def family_influence(wh: Warehouse, states: list[str], weights: Weights | None = None,
                     years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Leave-one-family-out: for each family and dyad-year, how far the composite moves when that family's
    observations are removed (the model's parameters held at their reference estimates), against the half-width
    of the composite's interval with every family in. ``within`` is True where the move is smaller: no single
    family then decides the index."""
    weights = weights or load_weights()
    notes: list[str] = []
    full, obs, fitted, _ = smooth_states(wh, states, weights, notes)
    keep = ["a", "b", "year", "composite", "composite_lo", "composite_hi"]
    base = full[keep]
    parts = []
    for fam in sorted(obs["family"].unique()):
        rows, *_ = smooth_states(wh, states, weights, notes, obs=obs[obs["family"] != fam], fitted=fitted)
        m = base.merge(rows[["a", "b", "year", "composite"]].rename(columns={"composite": "without"}),
                       on=["a", "b", "year"], how="left")
        parts.append(m.assign(family=fam))
    out = pd.concat(parts, ignore_index=True)
    if years is not None:
        out = out[out["year"].between(*years)]
    out["move"] = (out["without"] - out["composite"]).abs()
    out["half_width"] = (out["composite_hi"] - out["composite_lo"]) / 2
    out["within"] = out["move"] < out["half_width"]
    return out.reset_index(drop=True)
