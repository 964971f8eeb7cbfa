"""Foreign-policy similarity of valued portfolios: the field's measures, vectorised over many pairs at once.

A *portfolio* is one state's vector of values on a common set of objects: its alliance commitment to every state
(Bueno de Mesquita 1975; Signorino & Ritter 1999), its vote on every roll call, its number of shared IGOs with every
state. Two portfolios are compared object by object. The values sit on declared ordinal *levels* (positions), e.g.
0 none < 1 entente < 2 neutrality/non-aggression < 3 defence; ``d_max`` is the distance between the extreme levels.

Measures (formulas, citations and when to use which: docs/measures/similarity.md):

* ``s``      Signorino & Ritter's S = 1 - 2·Σ w·d / (Σ w · d_max), d = |x - y| (``abs``) or (x - y)² (``squared``,
  with d_max squared); optional object weights w (e.g. capability shares).
* ``kappa``  Cohen's κ = 1 - D_o / D_e, D_e from each side's own marginals; disagreement weights ``nominal``
  (unweighted), ``abs`` (linear) or ``squared`` (quadratic) (Cohen 1968; Häge 2011).
* ``pi``     Scott's π: as κ with D_e from the pooled marginals (Scott 1955; Häge 2011).
* ``taub``   Kendall's τb over the objects (Bueno de Mesquita 1975); no weighted form.
* ``a``      Benati & Capurri's A = S - S expected under independent marginals = 2·(D_e - D_o) / d_max.
* ``agree``  share of identical values; ``voeten``: 1 - mean |x - y| / (max level - min level), which on
  yes = 1 / abstain = 0.5 / no = 0 is Voeten's agreement (1 identical, 0.5 when exactly one side abstains).

NA handling: an object counts for a pair only where both values (and its weight, if any) are present (complete
cases, as fpsim does); a pair with no joint object is NA everywhere; κ, π and τb are NA where a side has no
variation (chance disagreement 0); S and A are NA where d_max is 0 (a single level). Never 0 for missing.

Computation: with a few levels (votes, alliances) every pair's K x K contingency table comes from one product of
one-hot matrices (X·diag(w)·Xᵀ) and every measure, τb included, is a closed form of the table. With many levels
(IGO counts) the tables would be too large, so the same quantities come from direct products: squared distances
and marginal-based chance terms from matrix products, absolute distances and identities by blockwise
broadcasting, τb as the cosine of the pairwise sign vectors (Kendall's τb is exactly that). Both routes give the
same numbers (tested).

Python API::

    from alignwatch.similarity import s_score, kappa, scott_pi, tau_b, alignment_index, agreement
    s_score(gmy, rus, levels=[0, 1, 2, 3])                       # 0.4 (Signorino & Ritter 1999, Table 6)
    s_score(gmy, rus, levels=[0, 1, 2, 3], weights=cinc)         # -0.46
    kappa(gmy, rus, levels=[0, 1, 2, 3])                         # quadratic weights: -0.0776
    pairwise(matrix, levels=[0, 1, 2, 3], measures=["s_squared", "kappa_quadratic"])   # every pair at once
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import UsageError

MEASURES = ("s", "kappa", "pi", "taub", "a", "agree", "voeten")
DISTANCES = ("abs", "squared", "nominal")
KAPPA_WEIGHTING = {"none": "nominal", "linear": "abs", "quadratic": "squared"}  # Häge's names -> distance
_WEIGHTING_NAME = {v: k for k, v in KAPPA_WEIGHTING.items()}
_ALLOWED = {"s": ("abs", "squared"), "a": ("abs", "squared"), "kappa": DISTANCES, "pi": DISTANCES,
            "taub": (None,), "agree": (None,), "voeten": (None,)}
_LABEL = {"s": "Signorino-Ritter S", "kappa": "Cohen's kappa", "pi": "Scott's pi", "taub": "Kendall's tau-b",
          "a": "Benati-Capurri A", "agree": "share of identical values", "voeten": "Voeten agreement (half credit)"}
TABLE_MAX_LEVELS = 16  # up to this many levels the contingency-table route is used
_EPS = 1e-12
_BLAS = []


def single_thread_blas():
    """Context manager: BLAS on one thread. Panels run many small products, where BLAS threads only add overhead;
    the library scan happens once per process."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


@dataclass(frozen=True)
class Spec:
    """One measure with its distance: ``Spec("s", "squared")``, ``Spec("kappa", "nominal")``, ``Spec("taub")``."""

    measure: str
    distance: str | None = None

    @property
    def column(self) -> str:
        """Column name: s_abs, s_squared, a_abs, kappa_unweighted/linear/quadratic, pi_..., taub, agree, voeten."""
        if self.measure in ("kappa", "pi"):
            return f"{self.measure}_{'unweighted' if self.distance == 'nominal' else _WEIGHTING_NAME[self.distance]}"
        return f"{self.measure}_{self.distance}" if self.distance else self.measure

    @property
    def label(self) -> str:
        return _LABEL[self.measure]

    @property
    def distance_label(self) -> str:
        """How disagreement is scored, in words (for tables and captions)."""
        if self.measure in ("kappa", "pi"):
            return {"nominal": "unweighted (nominal)", "abs": "linear weights",
                    "squared": "quadratic weights"}[self.distance]
        if self.measure == "voeten":
            return "absolute, half credit"
        return {"abs": "absolute distances", "squared": "squared distances", None: "-"}[self.distance]


def spec(measure: str, distance: str | None = None, *, default: str | None = None) -> Spec:
    """A validated :class:`Spec`. ``distance`` None takes ``default`` where the measure has a distance, else the
    measure's own default (S, A: abs, as Signorino & Ritter; κ, π: squared, as fpsim's cohenk)."""
    m = str(measure).strip().lower()
    if m not in MEASURES:
        raise UsageError(f"unknown similarity measure {measure!r}", hint=f"choose from {', '.join(MEASURES)}")
    if distance is not None:
        distance = str(distance).strip().lower()
        distance = {"absolute": "abs", "linear": "abs", "quadratic": "squared", "none": "nominal",
                    "unweighted": "nominal"}.get(distance, distance)
    allowed = _ALLOWED[m]
    if distance is None:
        distance = {"s": "abs", "a": "abs", "kappa": "squared", "pi": "squared"}.get(m)
        if distance is not None and default is not None:
            return spec(m, default)
    elif allowed == (None,):
        raise UsageError(f"measure {m!r} takes no distance", hint="drop the distance for taub, agree and voeten")
    elif distance not in allowed:
        raise UsageError(f"measure {m!r} takes distance {' or '.join(allowed)}, not {distance!r}")
    return Spec(m, distance)


def parse_specs(measures: Iterable[str | Spec]) -> list[Spec]:
    """Column names (``s_squared``, ``kappa_quadratic``, ``taub``) or bare measure names, as Specs."""
    out = []
    for m in measures:
        if isinstance(m, Spec):
            out.append(m)
            continue
        name, _, dist = str(m).partition("_")
        out.append(spec(name, dist or None))
    return list(dict.fromkeys(out))


ALL_SPECS = tuple(parse_specs(["s_abs", "s_squared", "kappa_unweighted", "kappa_linear", "kappa_quadratic",
                               "pi_unweighted", "pi_linear", "pi_quadratic", "taub", "a_abs", "a_squared",
                               "agree", "voeten"]))


# ------------------------------------------------------------------------------------------------ input checks


def _as_matrix(values, what: str = "values") -> np.ndarray:
    """A 2-D float array with NaN for missing (None, pd.NA, NaN); anything non-numeric is one UsageError."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        try:  # pd.NA and numeric strings: column by column through pandas
            arr = pd.DataFrame(values).apply(pd.to_numeric, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as e:
            raise UsageError(f"{what} must be numbers (or missing): {e}") from None
    if arr.ndim != 2:
        raise UsageError(f"{what} must be a matrix: one portfolio per row, one object per column")
    if np.isinf(arr).any():
        raise UsageError(f"{what} contain an infinite value")
    return arr


def _as_weights(weights, m: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = _as_matrix(np.asarray(weights, dtype=object).reshape(1, -1), "weights")[0]
    if w.size != m:
        raise UsageError(f"weights must have one value per object ({m}), not {w.size}")
    if (w[~np.isnan(w)] < 0).any():
        raise UsageError("weights must be >= 0")
    return w


def _levels(values: np.ndarray, levels) -> np.ndarray:
    """Declared levels (sorted unique positions) or, when None, the values observed (fpsim's default)."""
    if levels is None:
        return np.unique(values[~np.isnan(values)])
    lv = np.unique(_as_matrix(np.asarray(list(levels), dtype=object).reshape(1, -1), "levels")[0])
    if np.isnan(lv).any():
        raise UsageError("levels must not contain missing values")
    obs = values[~np.isnan(values)]
    if lv.size == 0:
        if obs.size:
            raise UsageError("levels must not be empty")
        return lv
    at = lv[np.clip(np.searchsorted(lv, obs), 0, lv.size - 1)]  # each value's level, if it is one
    if (at != obs).any():
        bad = obs[at != obs][0]
        raise UsageError(f"value {bad:g} is not one of the declared levels {', '.join(f'{x:g}' for x in lv)}")
    return lv


def _dmax(levels: np.ndarray, distance: str) -> float:
    rng = float(levels.max() - levels.min()) if levels.size else 0.0
    return {"abs": rng, "squared": rng * rng, "nominal": 1.0 if levels.size > 1 else 0.0}[distance]


def _dist_matrix(levels: np.ndarray, distance: str) -> np.ndarray:
    diff = levels[:, None] - levels[None, :]
    return {"abs": np.abs(diff), "squared": diff * diff, "nominal": (diff != 0).astype(float)}[distance]


# ------------------------------------------------------------------------------------- measures from tables


def measures_from_tables(tab: np.ndarray, levels: Sequence[float], measures: Iterable[str | Spec] = ALL_SPECS,
                         ) -> dict[str, np.ndarray]:
    """Every requested measure from stacked contingency tables ``tab[n, i, j]`` (a at ``levels[i]``, b at
    ``levels[j]``; counts, or object weights summed). Vectorised over the first axis; NaN where undefined.

    ``levels`` are the positions of the table's rows/columns in that order (any order: τb sorts them).
    Returns ``{"n": total, column: values}``.
    """
    tab = np.asarray(tab, dtype=float)
    lv = np.asarray(levels, dtype=float)
    if tab.ndim != 3 or tab.shape[1] != tab.shape[2] or tab.shape[1] != lv.size:
        raise UsageError(f"tables must be (n, K, K) with K = {lv.size} levels, not {tab.shape}")
    return _from_cells(np.moveaxis(tab, 0, -1), lv, parse_specs(measures), integer=True)


def _from_cells(c: np.ndarray, lv: np.ndarray, specs: list[Spec], *, integer: bool) -> dict[str, np.ndarray]:
    """Measures from cell-major tables ``c[i, j, p]``; ``integer`` False (weighted tables) refuses τb."""
    k = c.shape[0]
    n = c.sum(axis=(0, 1))
    rows, cols = c.sum(axis=1), c.sum(axis=0)  # (K, P)
    dists = {s.distance for s in specs if s.distance} | ({"abs"} if any(s.measure == "voeten" for s in specs)
                                                          else set())
    do, de_k, de_p = {}, {}, {}
    for dname in dists:
        d = _dist_matrix(lv, dname)
        do[dname] = sum(d[i, j] * c[i, j] for i in range(k) for j in range(k) if d[i, j])
        de_k[dname] = sum(d[i, j] * rows[i] * cols[j] for i in range(k) for j in range(k) if d[i, j])
        m = (rows + cols) / 2.0
        de_p[dname] = sum(d[i, j] * m[i] * m[j] for i in range(k) for j in range(k) if d[i, j])
    pieces = {"n": n, "do": do, "de_kappa": de_k, "de_pi": de_p,
              "same": sum(c[i, i] for i in range(k))}
    if any(s.measure == "taub" for s in specs):
        if not integer:
            raise UsageError("Kendall's tau-b has no weighted form", hint="drop the object weights for tau-b")
        pieces["taub"] = _taub_from_cells(c, lv, n, rows, cols)
    return _finish(pieces, lv, specs)


def _taub_from_cells(c, lv, n, rows, cols) -> np.ndarray:
    """τb = (C - D) / sqrt((n0 - n1)(n0 - n2)) from concordant and discordant pair counts of each table."""
    order = np.argsort(lv, kind="stable")
    c = c[order][:, order]
    rows, cols = rows[order], cols[order]
    # ge[i, j] = Σ_{i'>=i, j'>=j} c ; le[i, j] = Σ_{i'>=i, j'<=j} c (padded so that i+1 / j±1 may fall outside)
    ge = np.flip(np.cumsum(np.cumsum(np.flip(c, (0, 1)), axis=0), axis=1), (0, 1))
    le = np.flip(np.cumsum(np.flip(np.cumsum(c, axis=1), 0), axis=0), 0)
    k = c.shape[0]
    conc = sum(c[i, j] * ge[i + 1, j + 1] for i in range(k - 1) for j in range(k - 1))
    disc = sum(c[i, j] * le[i + 1, j - 1] for i in range(k - 1) for j in range(1, k))
    n0 = n * (n - 1) / 2.0
    t1 = n0 - (rows * (rows - 1) / 2.0).sum(axis=0)
    t2 = n0 - (cols * (cols - 1) / 2.0).sum(axis=0)
    den = t1 * t2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (conc - disc) / np.sqrt(np.where(den > 0, den, 1.0)), np.nan)


def _finish(p: dict, lv: np.ndarray, specs: list[Spec]) -> dict[str, np.ndarray]:
    """Measures from the sums: observed and chance disagreement per distance, identities, τb (already final)."""
    n = np.asarray(p["n"], dtype=float)
    has = n > _EPS
    safe_n = np.where(has, n, 1.0)
    out = {"n": n}
    with np.errstate(invalid="ignore", divide="ignore"):
        for s in specs:
            if s.measure == "taub":
                v = np.where(has, p["taub"], np.nan)
            elif s.measure == "agree":
                v = p["same"] / safe_n
            elif s.measure == "voeten":
                rng = _dmax(lv, "abs")
                v = 1.0 - p["do"]["abs"] / safe_n / rng if rng > 0 else np.full(n.shape, np.nan)
            else:
                do = p["do"][s.distance] / safe_n  # mean observed disagreement
                if s.measure in ("s", "a"):
                    dm = _dmax(lv, s.distance)
                    if dm <= 0:
                        v = np.full(n.shape, np.nan)
                    elif s.measure == "s":
                        v = 1.0 - 2.0 * do / dm
                    else:
                        v = 2.0 * (p["de_kappa"][s.distance] / (safe_n * safe_n) - do) / dm
                else:
                    de = p["de_kappa" if s.measure == "kappa" else "de_pi"][s.distance] / (safe_n * safe_n)
                    ok = de > 1e-12
                    v = np.where(ok, 1.0 - do / np.where(ok, de, 1.0), np.nan)
            out[s.column] = np.where(has, np.asarray(v, dtype=float), np.nan)
    return out


# --------------------------------------------------------------------------------------------- the engine


def pairwise(values, *, levels=None, weights=None, measures: Iterable[str | Spec] = ("s_abs",),
             pairs: tuple[np.ndarray, np.ndarray] | None = None, method: str = "auto") -> dict[str, np.ndarray]:
    """Similarity of every pair of portfolios (rows of ``values``, objects in columns; NaN = missing).

    ``pairs``: (i, j) row indices to score; default every pair i < j in ``np.triu_indices`` order. ``levels``:
    declared positions (values outside them are an error); None = the values observed anywhere in ``values``.
    ``weights``: one per object (NaN drops the object). ``method``: ``auto`` (tables up to
    :data:`TABLE_MAX_LEVELS` levels, else direct), ``table`` or ``direct``.

    Returns ``{"i", "j", "n_objects", "n" (weight total), column: values}``.
    """
    v = _as_matrix(values)
    w = _as_weights(weights, v.shape[1])
    specs = parse_specs(measures)
    if w is not None:
        keep = ~np.isnan(w)
        v, w = v[:, keep], w[keep]
        if any(s.measure == "taub" for s in specs):
            raise UsageError("Kendall's tau-b has no weighted form", hint="drop the object weights for tau-b")
    lv = _levels(v, levels)
    if pairs is None:
        i, j = np.triu_indices(v.shape[0], 1)
    else:
        i, j = (np.asarray(x, dtype=np.int64) for x in pairs)
        if i.shape != j.shape or (i.size and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= v.shape[0])):
            raise UsageError("pairs must be two equally long arrays of row indices")
    if method not in ("auto", "table", "direct"):
        raise UsageError(f"method must be auto, table or direct, not {method!r}")
    use_table = method == "table" or (method == "auto" and lv.size <= TABLE_MAX_LEVELS)
    rows = np.unique(np.concatenate([i, j])) if i.size else np.zeros(0, dtype=np.int64)
    li, lj = np.searchsorted(rows, i), np.searchsorted(rows, j)
    sub = v[rows]
    obs = ~np.isnan(sub)
    with single_thread_blas():
        if obs.all():
            n_objects = np.full(i.size, float(sub.shape[1]))
        else:
            n_objects = _pair_products(obs.astype(np.float32), obs.astype(np.float32), li, lj)
        if lv.size == 0 or not i.size:  # nothing observed: every measure NA
            res = {"n": np.zeros(i.size), **{s.column: np.full(i.size, np.nan) for s in specs}}
        elif use_table:
            codes = np.where(obs, np.searchsorted(lv, np.nan_to_num(sub)), -1)
            cells = pair_tables(codes, lv.size, w, li, lj)
            res = _from_cells(cells, lv, specs, integer=w is None)
        else:
            res = _direct(sub, obs, w, lv, specs, li, lj)
    return {"i": i, "j": j, "n_objects": n_objects.astype(np.int64), **res}


def _pair_products(a: np.ndarray, b: np.ndarray, li: np.ndarray, lj: np.ndarray) -> np.ndarray:
    """``(a @ b.T)[li, lj]`` as float64 (a and b are row-aligned matrices over the same objects)."""
    if not li.size:
        return np.zeros(0)
    return (a @ b.T)[li, lj].astype(float)


def pair_tables(codes: np.ndarray, k: int, weights: np.ndarray | None, li: np.ndarray, lj: np.ndarray) -> np.ndarray:
    """Cell-major contingency tables ``(K, K, P)`` of the pairs (li[p], lj[p]) of rows of ``codes`` (level index per
    object, -1 = missing), summing object weights (or counts).

    One-hot X (K·R x M): row k·R + r is 1 where row r sits at level k. X·diag(w)·Xᵀ holds every pair's table; the
    pairs' cells are read out with one fancy index. Counts use float32 (exact below 2**24), weights float64.
    Without missing values the most common level is left out of X (its row and column of each table follow from
    the two sides' level totals) and X is sparse when most objects sit at that level (alliance portfolios, where
    nearly every tie is "none"): the product then costs a fraction of the dense one.
    """
    r, m = codes.shape
    w = np.ones(m) if weights is None else np.asarray(weights, dtype=float)
    dtype = np.float32 if weights is None else np.float64
    ks = np.arange(k)
    if (codes < 0).any():
        x = np.zeros((k * r, m), dtype=dtype)
        rr, mm = np.nonzero(codes >= 0)
        x[codes[rr, mm] * r + rr, mm] = 1.0
        xw = x if weights is None else x * w[None, :]
        with single_thread_blas():
            full = xw @ x.T
        return full[(ks[:, None, None] * r + li[None, None, :]),
                    (ks[None, :, None] * r + lj[None, None, :])].astype(float)
    # complete data: every table sums to Σw, and each side's level totals are known per row
    from scipy import sparse

    # totals[k, row]: weight of the row's objects at level k
    totals = np.bincount((codes * r + np.arange(r)[:, None]).ravel(), weights=np.broadcast_to(w, codes.shape).ravel(),
                         minlength=k * r).reshape(k, r)
    base = int(np.argmax(totals.sum(axis=1)))
    rest = ks[ks != base]
    pos = np.full(k, -1)
    pos[rest] = np.arange(k - 1)
    rr, mm = np.nonzero(codes != base)
    x = sparse.csr_matrix((np.ones(rr.size, dtype=dtype), (pos[codes[rr, mm]] * r + rr, mm)),
                          shape=((k - 1) * r, m))
    xw = x if weights is None else x @ sparse.diags(w.astype(dtype))
    full = np.asarray((xw @ x.T).todense()) if x.nnz < 0.25 * x.shape[0] * m else xw.toarray() @ x.toarray().T
    q = np.arange(k - 1)
    inner = full[(q[:, None, None] * r + li[None, None, :]), (q[None, :, None] * r + lj[None, None, :])]
    out = np.empty((k, k, li.size))
    edge_b = totals[rest][:, lj] - inner.sum(axis=0)  # b at each other level while a sits at the base level
    edge_a = totals[rest][:, li] - inner.sum(axis=1)
    if base == 0:  # the usual case ("none" is the commonest tie): slices instead of fancy indexing
        out[1:, 1:], out[0, 1:], out[1:, 0] = inner, edge_b, edge_a
    else:
        out[np.ix_(rest, rest)], out[base, rest], out[rest, base] = inner, edge_b, edge_a
    out[base, base] = totals[base][li] - edge_b.sum(axis=0)
    return out


def _direct(v, obs, w, lv, specs, li, lj) -> dict[str, np.ndarray]:
    """Direct route for many levels: products and blockwise broadcasting instead of K x K tables."""
    ww = np.ones(v.shape[1]) if w is None else w
    x = np.where(obs, v, 0.0)
    o = obs.astype(float)
    ow = o * ww
    n = _pair_products(ow, o, li, lj)
    dists = {s.distance for s in specs if s.distance} | ({"abs"} if any(s.measure == "voeten" for s in specs)
                                                          else set())
    need_same = any(s.measure == "agree" for s in specs) or "nominal" in dists
    do = {}
    if "squared" in dists:
        x2 = x * x
        do["squared"] = (_pair_products(ow * x2, o, li, lj) + _pair_products(ow, x2, li, lj)
                         - 2.0 * _pair_products(ow * x, x, li, lj))
    if "abs" in dists or need_same:
        absd, same = _blockwise(x, obs, ww, li, lj, "abs" in dists, need_same)
        if "abs" in dists:
            do["abs"] = absd
    if "nominal" in dists:
        do["nominal"] = n - same
    chance = {d for s in specs if s.measure in ("kappa", "pi", "a") for d in [s.distance]}
    de_k, de_p = _chance(v, obs, ww, lv, chance, li, lj, n)
    out = {"n": n, "do": do, "de_kappa": de_k, "de_pi": de_p, "same": same if need_same else None}
    if any(s.measure == "taub" for s in specs):
        out["taub"] = _taub_direct(x, obs, li, lj)
    return _finish(out, lv, specs)


def _blockwise(x, obs, w, li, lj, want_abs: bool, want_same: bool):
    """Σ w·|x_a - x_b| and Σ w·[x_a = x_b] over joint objects, one row a against all its partners at a time."""
    absd, same = np.zeros(li.size), np.zeros(li.size)
    full = obs.all()
    order = np.argsort(li, kind="stable")
    starts = np.flatnonzero(np.r_[True, li[order][1:] != li[order][:-1]])
    for s, e in zip(starts, np.r_[starts[1:], order.size]):
        at = order[s:e]
        a, b = li[at[0]], lj[at]
        if full:  # no missing value: weighted sums are matrix-vector products
            if want_abs:
                absd[at] = np.abs(x[b] - x[a]) @ w
            if want_same:
                same[at] = (x[b] == x[a]) @ w
        else:
            wj = (obs[b] & obs[a]) * w
            if want_abs:
                absd[at] = np.einsum("pm,pm->p", np.abs(x[b] - x[a]), wj)
            if want_same:
                same[at] = np.einsum("pm,pm->p", (x[b] == x[a]).astype(float), wj)
    return absd, same


def _chance(v, obs, w, lv, dists, li, lj, n):
    """Chance disagreement Σ_kl p_k q_l d_kl (κ, own marginals) and Σ m_k m_l d_kl (π, pooled), times n².

    Marginals are weighted level counts over the pair's joint objects. Squared distances need only the first two
    moments (matrix products, any number of levels). Otherwise, without missing values the marginals are per row
    (P·D·Pᵀ, cheap); with missing values each pair has its own (K products of R x M by M x R, then K² per pair).
    """
    de_k, de_p = {}, {}
    if "squared" in dists:  # E(X - Y)² = E X² + E Y² - 2 E X E Y over the joint objects; π: 2·pooled variance
        x = np.where(obs, v, 0.0)
        o = obs.astype(float)
        ow = o * w
        g1, g2 = (ow * x) @ o.T, (ow * x * x) @ o.T  # g[a, b]: Σ w·x_a (or x_a²) over the objects b also has
        s1a, s1b, s2a, s2b = g1[li, lj], g1[lj, li], g2[li, lj], g2[lj, li]
        de_k["squared"] = n * (s2a + s2b) - 2.0 * s1a * s1b
        de_p["squared"] = n * (s2a + s2b) - (s1a + s1b) ** 2 / 2.0
    rest = [d for d in dists if d != "squared"]
    if not rest:
        return de_k, de_p
    k = lv.size
    codes = np.where(obs, np.searchsorted(lv, np.nan_to_num(v)), -1)
    onehot = np.zeros((k, v.shape[0], v.shape[1]))
    rr, mm = np.nonzero(obs)
    onehot[codes[rr, mm], rr, mm] = 1.0
    onehot *= w[None, None, :]
    if obs.all():
        pm = onehot.sum(axis=2)  # (K, R)
        for d in rest:
            g = pm.T @ _dist_matrix(lv, d) @ pm  # (R, R): Σ_kl P_ak d_kl P_bl
            de_k[d] = g[li, lj]
            de_p[d] = (g[li, li] + 2.0 * g[li, lj] + g[lj, lj]) / 4.0
        return de_k, de_p
    # pab[k, a, b]: weight of a's objects at level k among the objects b also has
    r, m = v.shape
    pab = (onehot.reshape(k * r, m) @ obs.T.astype(float)).reshape(k, r, r)
    pa, pb = pab[:, li, lj], pab[:, lj, li]  # (K, P)
    for d in rest:
        dm = _dist_matrix(lv, d)
        de_k[d] = np.einsum("kp,kl,lp->p", pa, dm, pb, optimize=True)
        mm2 = (pa + pb) / 2.0
        de_p[d] = np.einsum("kp,kl,lp->p", mm2, dm, mm2, optimize=True)
    return de_k, de_p


def _taub_direct(x, obs, li, lj, block: int = 200_000) -> np.ndarray:
    """Kendall's τb as the cosine of the pairs' sign vectors: for objects i < j, s_ij = sign(x_i - x_j) (0 where a
    value is missing); τb = Σ s^a s^b / sqrt(#untied-in-a · #untied-in-b) over the object pairs both observe."""
    m = x.shape[1]
    iu, ju = np.triu_indices(m, 1)
    r = x.shape[0]
    num = np.zeros((r, r))
    den = np.zeros((r, r))
    full = obs.all()
    for s in range(0, iu.size, block):
        a, b = iu[s:s + block], ju[s:s + block]
        sg = (np.sign(x[:, a] - x[:, b]) * (obs[:, a] & obs[:, b])).astype(np.float32)
        num += (sg @ sg.T).astype(float)
        if full:
            den += np.abs(sg).sum(axis=1)[:, None].astype(float)
        else:
            both = (obs[:, a] & obs[:, b]).astype(np.float32)
            den += (np.abs(sg) @ both.T).astype(float)  # den[a, b]: untied in a among pairs b observes
    d = den[li, lj] * den[lj, li]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d > 0, num[li, lj] / np.sqrt(np.where(d > 0, d, 1.0)), np.nan)


# --------------------------------------------------------------------------------------- two-vector API


def similarity(x, y, measure: str = "s", distance: str | None = None, *, weights=None, levels=None) -> float:
    """One measure for two portfolios ``x`` and ``y`` (equal length; NaN/None = missing). See the module doc."""
    xa, ya = (np.asarray(list(z), dtype=object) for z in (x, y))
    if xa.size != ya.size:
        raise UsageError(f"the two portfolios must have the same length ({xa.size} vs {ya.size})")
    s = spec(measure, distance)
    res = pairwise(np.vstack([xa, ya]), levels=levels, weights=weights, measures=[s])
    return float(res[s.column][0])


def s_score(x, y, *, distance: str = "abs", weights=None, levels=None) -> float:
    """Signorino & Ritter's S (absolute distances by default, as in their 1999 article; ``squared`` as in most
    later alliance work); d_max from ``levels`` (default: the observed range of x and y, as fpsim's ``srs``)."""
    return similarity(x, y, "s", distance, weights=weights, levels=levels)


def kappa(x, y, *, weighting: str = "quadratic", weights=None, levels=None) -> float:
    """Cohen's κ with ``none``, ``linear`` or ``quadratic`` (default, as fpsim's ``cohenk``) disagreement weights."""
    return similarity(x, y, "kappa", _weighting(weighting), weights=weights, levels=levels)


def scott_pi(x, y, *, weighting: str = "quadratic", weights=None, levels=None) -> float:
    """Scott's π (pooled marginals); ``weighting="none"`` reproduces fpsim's unweighted ``spi``."""
    return similarity(x, y, "pi", _weighting(weighting), weights=weights, levels=levels)


def tau_b(x, y, *, levels=None) -> float:
    """Kendall's τb over the objects both portfolios cover (Bueno de Mesquita's alliance-portfolio measure)."""
    return similarity(x, y, "taub", levels=levels)


def alignment_index(x, y, *, distance: str = "abs", weights=None, levels=None) -> float:
    """Benati & Capurri's A: S minus the S expected if both sides drew independently from their marginals."""
    return similarity(x, y, "a", distance, weights=weights, levels=levels)


def agreement(x, y, *, weights=None, levels=None) -> float:
    """Share of objects on which the two portfolios take the same value."""
    return similarity(x, y, "agree", weights=weights, levels=levels)


def voeten_agreement(x, y, *, weights=None, levels=None) -> float:
    """1 - mean |x - y| / (max level - min level): Voeten's half-credit agreement on yes=1/abstain=0.5/no=0."""
    return similarity(x, y, "voeten", weights=weights, levels=levels)


def _weighting(name: str) -> str:
    key = str(name).strip().lower()
    if key not in KAPPA_WEIGHTING:
        raise UsageError(f"weighting must be none, linear or quadratic, not {name!r}")
    return KAPPA_WEIGHTING[key]


# fpsim's names, for users coming from R
srs, cohenk, spi, taub, bcai = s_score, kappa, scott_pi, tau_b, alignment_index


def pairwise_frame(portfolios: pd.DataFrame, *, levels=None, weights=None,
                   measures: Iterable[str | Spec] = ("s_abs",)) -> pd.DataFrame:
    """Every pair of the rows of ``portfolios`` (index = units, columns = objects): a tidy frame a, b,
    n_objects and one column per measure, pairs in the order of the rows."""
    if not isinstance(portfolios, pd.DataFrame):
        raise UsageError("portfolios must be a DataFrame: one row per unit, one column per object")
    w = None
    if weights is not None:
        w = pd.Series(weights).reindex(portfolios.columns).to_numpy(dtype=float) if isinstance(
            weights, (pd.Series, dict)) else weights
    res = pairwise(portfolios.to_numpy(dtype=object), levels=levels, weights=w, measures=measures)
    names = np.asarray(portfolios.index.astype(str))
    out = pd.DataFrame({"a": names[res["i"]], "b": names[res["j"]], "n_objects": res["n_objects"]})
    for s in parse_specs(measures):
        out[s.column] = res[s.column]
    return out
