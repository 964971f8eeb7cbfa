"""The composite alignment index: standardised measure families combined into a political and an economic
sub-index and a composite, with bootstrap intervals, a divergence flag, and triad/bloc aggregates.

Why this shape:
- Families speak different units (vote shares, treaty levels, visit counts), so each family's ``score`` is
  standardised (z) against a *reference panel* — every dyad among a fixed, documented set of states — so that a
  z of +1 means "one standard deviation more aligned than the typical reference dyad-year" in every family.
- Missing is not zero: a family that does not cover a dyad-year gets no weight in the point estimate (weights are
  renormalised over the families present), and in the bootstrap it is imputed with a draw of reference spread
  around the estimate of the families present — so a dyad-year covered by fewer families has a wider interval.
- Sampling uncertainty of each family's score comes from the family (``score_se`` column) or, for shares with a
  count, from the binomial standard error (equivalent to resampling the votes or events), or, failing both, from
  the family's typical year-on-year noise across the reference panel.
"""

from __future__ import annotations

import hashlib
import itertools
import tomllib
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AlignwatchError, UsageError
from .measures import families
from .warehouse import Warehouse, cached

INDEX_VERSION = 1  # bump when family_panel's output changes: part of the reference cache key
COUNT_COLUMNS = ("n", "n_joint", "n_votes", "n_drafts", "n_events", "n_proposals")


@dataclass
class Weights:
    political: dict[str, float]
    economic: dict[str, float]
    composite: dict[str, float] = field(default_factory=lambda: {"political": 0.5, "economic": 0.5})
    replicates: int = 200
    seed: int = 20261123
    level: float = 0.90
    threshold: float = 0.5
    reference: list[str] = field(default_factory=list)
    path: str = "default"

    def domain_of(self, family: str) -> str | None:
        if self.political.get(family, 0) > 0:
            return "political"
        if self.economic.get(family, 0) > 0:
            return "economic"
        return None

    def weight(self, family: str) -> float:
        return self.political.get(family, 0.0) or self.economic.get(family, 0.0)


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
            if not isinstance(v, (int, float)) or v < 0:
                raise UsageError(f"{where}: [{section}] {k} = {v!r}: expected a number >= 0")
        out[section] = {k: float(v) for k, v in vals.items()}
    both = set(out["political"]) & set(out["economic"])
    if both:
        raise UsageError(f"{where}: {', '.join(sorted(both))} weighted in both domains; choose one")
    boot = cfg.get("bootstrap", {})
    return Weights(
        political=out["political"], economic=out["economic"],
        composite=out["composite"] or {"political": 0.5, "economic": 0.5},
        replicates=int(boot.get("replicates", 200)), seed=int(boot.get("seed", 20261123)),
        level=float(boot.get("level", 0.90)), threshold=float(cfg.get("divergence", {}).get("threshold", 0.5)),
        reference=list(cfg.get("reference", {}).get("states", [])), path=where,
    )


# ------------------------------------------------------------------------------------------ family panels


def _score_se(df: pd.DataFrame) -> pd.Series:
    """A family's standard error per row: its own, or binomial from a count for shares, else NA (filled later)."""
    if "score_se" in df.columns:
        return pd.to_numeric(df["score_se"], errors="coerce")
    s = pd.to_numeric(df["score"], errors="coerce")
    for c in COUNT_COLUMNS:
        if c in df.columns and s.dropna().between(0, 1).all():
            n = pd.to_numeric(df[c], errors="coerce")
            p = s.clip(0, 1)
            # Agresti-style floor so that p = 0 or 1 still carries uncertainty from a finite n
            return np.sqrt((p * (1 - p) + 0.25 / n.clip(lower=1)) / n.clip(lower=1))
    return pd.Series(np.nan, index=df.index)


def family_panel(wh: Warehouse, states: list[str], years: tuple[int, int] | None, weights: Weights,
                 notes: list[str] | None = None) -> pd.DataFrame:
    """Long table (a, b, year, family, domain, score, se, source) of every weighted family for the states."""
    frames = []
    for name, fam in families().items():
        domain = weights.domain_of(name)
        if domain is None:
            continue
        try:
            df = fam.dyad_years(wh, states, years)
        except AlignwatchError as e:  # a family whose tables are absent is reported, not fatal
            if notes is not None:
                notes.append(f"{name}: skipped ({e})")
            continue
        if df.empty or "score" not in df.columns:
            continue
        df = df[df["a"].isin(states) & df["b"].isin(states)]
        part = pd.DataFrame({
            "a": df["a"].astype(str).to_numpy(), "b": df["b"].astype(str).to_numpy(),
            "year": pd.to_numeric(df["year"]).astype(int).to_numpy(),
            "score": pd.to_numeric(df["score"], errors="coerce").astype(float).to_numpy(),
            "se": _score_se(df).astype(float).to_numpy(),
            "source": df["source"].astype(str).to_numpy() if "source" in df.columns else name,
        })
        part["family"], part["domain"] = name, domain
        frames.append(part.dropna(subset=["score"]))
    if not frames:
        return pd.DataFrame(columns=["a", "b", "year", "score", "se", "source", "family", "domain"])
    out = pd.concat(frames, ignore_index=True)
    return out.groupby(["a", "b", "year", "family"], as_index=False).agg(
        score=("score", "mean"), se=("se", "mean"), source=("source", "first"), domain=("domain", "first"))


def reference_panel(wh: Warehouse, ref_states: list[str], weights: Weights, notes: list[str]) -> pd.DataFrame:
    """The family panel of the reference states, cached in the warehouse: every report and dashboard view with
    the default reference shares it, and it is the costly part of an index. Cached only when every weighted family
    answered (a skipped family's note must reach the reader)."""
    spec = repr((ref_states, sorted(weights.political.items()), sorted(weights.economic.items()), INDEX_VERSION))
    key = "index_ref_" + hashlib.sha256(spec.encode()).hexdigest()[:16]
    return cached(wh, key, lambda: family_panel(wh, ref_states, None, weights, notes), keep=lambda df: not notes)


def reference_stats(ref: pd.DataFrame) -> pd.DataFrame:
    """Per family: mean and sd of the score over the reference panel, and a noise floor for missing SEs."""
    def noise(g: pd.DataFrame) -> float:
        d = g.sort_values("year").groupby(["a", "b"])["score"].diff().dropna()
        return float(d.std() / np.sqrt(2)) if len(d) > 2 else float(g["score"].std() or 0.0)

    rows = []
    for fam, g in ref.groupby("family"):
        sd = float(g["score"].std())
        rows.append({"family": fam, "mean": float(g["score"].mean()), "sd": sd if sd > 0 else 1.0,
                     "noise": noise(g), "n_ref": len(g)})
    return pd.DataFrame(rows).set_index("family")


# ---------------------------------------------------------------------------------------------- the index


def dyad_index(wh: Warehouse, states: list[str], years: tuple[int, int] | None = None,
               weights: Weights | None = None, *, replicates: int | None = None,
               return_panel: bool = False):
    """Index per dyad-year for every pair of ``states``: political, economic and composite with intervals.

    Returns a DataFrame (and, with ``return_panel``, the standardised family panel and notes as well).
    """
    weights = weights or load_weights()
    states = sorted(set(states))
    if len(states) < 2:
        raise UsageError("the index needs at least two states")
    notes: list[str] = []
    ref_states = sorted(set(weights.reference) | set(states))
    ref = reference_panel(wh, ref_states, weights, notes)
    if ref.empty:
        raise UsageError("no measure family has data for these states", hint="run `alignwatch ingest` first")
    stats = reference_stats(ref)
    panel = ref[ref["a"].isin(states) & ref["b"].isin(states)].copy()
    if years is not None:
        panel = panel[panel["year"].between(*years)]
    panel = panel.join(stats, on="family")
    panel["z"] = (panel["score"] - panel["mean"]) / panel["sd"]
    panel["z_se"] = panel["se"].fillna(panel["noise"]) / panel["sd"]
    out = combine(panel, weights, replicates=replicates)
    if return_panel:
        return out, panel, notes
    return out


def combine(panel: pd.DataFrame, weights: Weights, *, replicates: int | None = None) -> pd.DataFrame:
    """Weighted sub-indices and composite with bootstrap intervals from a standardised long panel (z, z_se)."""
    with warnings.catch_warnings():  # all-NaN rows (no family covers a dyad-year) are expected and give NA
        warnings.simplefilter("ignore", RuntimeWarning)
        return _combine(panel, weights, replicates)


def _combine(panel: pd.DataFrame, weights: Weights, replicates: int | None) -> pd.DataFrame:
    R = weights.replicates if replicates is None else replicates
    rng = np.random.default_rng(weights.seed)
    # every weighted family is a column, so one that covers no row here is imputed (wider interval), not dropped
    fams = sorted({f for f, w in {**weights.political, **weights.economic}.items() if w > 0}
                  | set(panel["family"].unique()))
    Z = panel.pivot_table(index=["a", "b", "year"], columns="family", values="z")
    SE = panel.pivot_table(index=["a", "b", "year"], columns="family", values="z_se").reindex_like(Z)
    Z, SE = Z.reindex(columns=fams), SE.reindex(columns=fams)
    z, se = Z.to_numpy(float), np.nan_to_num(SE.to_numpy(float), nan=0.0)
    present = ~np.isnan(z)
    out = Z.index.to_frame(index=False)
    alpha = (1 - weights.level) / 2
    domain_point, domain_draws = {}, {}
    for domain in ("political", "economic"):
        w = np.array([getattr(weights, domain).get(f, 0.0) for f in fams])
        if not (w > 0).any():
            continue
        wm = np.where(present, w, 0.0)
        wsum = wm.sum(axis=1)
        point = np.where(wsum > 0, np.nansum(np.nan_to_num(z) * wm, axis=1) / np.where(wsum > 0, wsum, 1), np.nan)
        # bootstrap: present families jitter by their SE; missing ones are imputed around the point with sd 1
        eps = rng.standard_normal((R,) + z.shape)
        eta = rng.standard_normal((R,) + z.shape)
        draws_f = np.where(present, np.nan_to_num(z) + se * eps, point[None, :, None] + eta)
        wall = np.where(w > 0, w, 0.0)
        draws = (draws_f * wall).sum(axis=2) / wall.sum()
        draws[:, np.isnan(point)] = np.nan
        domain_point[domain], domain_draws[domain] = point, draws
        out[domain] = point
        with np.errstate(all="ignore"):
            out[f"{domain}_lo"] = np.nanquantile(draws, alpha, axis=0) if R else np.nan
            out[f"{domain}_hi"] = np.nanquantile(draws, 1 - alpha, axis=0) if R else np.nan
        out[f"{domain}_families"] = present[:, w > 0].sum(axis=1)
    # composite: domains weighted; a missing domain is imputed like a missing family (widens, not zero)
    cw = {d: weights.composite.get(d, 0.0) for d in domain_point}
    P = np.column_stack([domain_point[d] for d in cw]) if cw else np.empty((len(out), 0))
    wv = np.array(list(cw.values()))
    pres = ~np.isnan(P)
    wm = np.where(pres, wv, 0.0)
    ws = wm.sum(axis=1)
    comp = np.where(ws > 0, (np.nan_to_num(P) * wm).sum(axis=1) / np.where(ws > 0, ws, 1), np.nan)
    out["composite"] = comp
    if cw and R:
        D = np.stack([domain_draws[d] for d in cw], axis=2)
        eta = rng.standard_normal(D.shape)
        D = np.where(np.isnan(D), comp[None, :, None] + eta, D)
        cd = (D * wv).sum(axis=2) / wv.sum()
        cd[:, np.isnan(comp)] = np.nan
        with np.errstate(all="ignore"):
            out["composite_lo"] = np.nanquantile(cd, alpha, axis=0)
            out["composite_hi"] = np.nanquantile(cd, 1 - alpha, axis=0)
    out["n_families"] = present.sum(axis=1)
    out["families"] = [",".join(f for f, p in zip(fams, row) if p) for row in present]
    out = out.sort_values(["a", "b", "year"]).reset_index(drop=True)
    return _divergence(out, weights.threshold)


def _divergence(df: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Flag years where the political and economic sub-indices move apart ("deep alignment" pattern)."""
    if "political" not in df or "economic" not in df:
        df["gap"], df["divergence"] = np.nan, False
        return df
    df["gap"] = df["political"] - df["economic"]
    g = df.groupby(["a", "b"], sort=False)
    dpol, decon = g["political"].diff(), g["economic"].diff()
    df["divergence"] = ((np.sign(dpol) != np.sign(decon)) & ((dpol - decon).abs() > threshold)).fillna(False)
    return df


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
    that at least ``min_families`` measure families cover, not after this calendar year; where no year has that
    many, its latest year with a composite. A year resting on one or two families (a treaty in force, nothing else
    reported yet) would read as the whole relationship."""
    import datetime as dt

    g = rows.dropna(subset=["composite"])
    g = g[g["year"] <= dt.date.today().year].sort_values("year")
    if g.empty:
        return None
    rich = g[g["n_families"] >= min_families]
    return (rich if len(rich) else g).iloc[-1]
