"""Portfolio panels: every state's valued ties to every state of the system, scored pairwise per year.

Shared by the ``alliance_portfolio`` and ``igo`` families. A source supplies undirected ties (a, b, year, value)
and each state's own entry; per year the object set is the states of the COW state system that year
(``states.members``), the dyad members included, and a state's own entry is the top level (Signorino & Ritter
1999: a state is maximally allied with itself). A state outside the system has no portfolio that year, and its
dyads no score (NA, never 0); years outside the source's coverage are NA. The similarity measures come from
:mod:`alignwatch.similarity`, all pairs of a year at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import similarity as sim
from .. import states as st
from ..errors import UsageError
from ..warehouse import Warehouse
from .registry import Family

WEIGHTINGS = ("none", "capabilities")
CAPABILITIES_TABLE = "ps_cow_nmc"
BASE_COLUMNS = ("a", "b", "year", "n_objects")
TAIL_COLUMNS = ("score", "measure", "distance", "weighting", "na_reason", "source")
_CINC_SQL = "SELECT iso3, year::BIGINT AS year, cinc::DOUBLE AS value FROM ps_cow_nmc WHERE cinc IS NOT NULL"


@dataclass(frozen=True)
class Source:
    """One portfolio data set: the queries for its ties and own entries, its levels and coverage.

    ``ties_sql`` returns a, b, year, value (undirected, a < b, one row per pair and year) and filters on
    ``iso3_1``/``iso3_2`` with three bound parameters: every (bool), states, states (so that one dyad reads only
    its two states' ties). ``own_sql`` returns iso3, year, value (None: a state's own entry is the top level).
    ``top_sql`` returns year, value: the year's largest tie, for count levels (``levels`` None: 0 .. the year's
    largest value, own entries included).
    """

    key: str
    label: str
    tables: tuple[str, ...]
    years: tuple[int, int]
    ties_sql: str
    own_sql: str | None
    top_sql: str | None
    levels: tuple[float, ...] | None
    absent: float  # value of a pair without a tie inside coverage (0 = no tie; NaN = not observed)
    citation: str

    @property
    def source_text(self) -> str:
        return "; ".join(self.tables)


def check_weighting(weights: str | None) -> str:
    w = "none" if weights is None else str(weights).strip().lower()
    if w not in WEIGHTINGS:
        raise UsageError(f"weights must be none or capabilities, not {weights!r}",
                         hint="capabilities weights each object state by its COW CINC share (ps_cow_nmc)")
    return w


def panel_specs(source: Source, weighting: str) -> tuple[sim.Spec, ...]:
    """The measures a cached panel holds: all of them for few levels (τb only unweighted: it has no weighted
    form). With count levels (IGO) the measures that need every pair's full level distribution or sign vectors
    (τb; κ, π, A with linear or no weights) are left out and computed, and cached, only when asked for."""
    specs = [s for s in sim.ALL_SPECS if not (weighting != "none" and s.measure == "taub")]
    if source.levels is None:
        specs = [s for s in specs if s.measure != "taub"
                 and not (s.measure in ("kappa", "pi", "a") and s.distance in ("abs", "nominal"))]
    return tuple(specs)


@dataclass(frozen=True)
class Options:
    """Which similarity measure scores the portfolios: ``measure`` (s, kappa, pi, taub, a, agreement), ``distance``
    (None: squared distances for S and A, quadratic weights for kappa and pi), ``weights`` (none or capabilities:
    each object state weighted by its COW CINC share). Checked when the panel is asked for."""

    measure: str = "s"
    distance: str | None = None
    weights: str | None = None

    def __post_init__(self):
        sim.spec(self.measure, self.distance, default="squared")
        check_weighting(self.weights)


def dyad_years(family: Family, source: Source, wh: Warehouse, states: list[str] | None,
               years: tuple[int, int] | None, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
    """One row per undirected dyad-year (a < b): ``n_objects``, every measure column, ``score`` (the chosen
    measure), ``measure``/``distance``/``weighting`` (in words), ``na_reason`` and ``source``.

    ``states`` None: every dyad of the state system in the source's coverage (kept in ``family``'s derived cache
    per source and weighting). Otherwise every pair of ``states`` for every year of ``years`` (default: from the
    pair's first covered year), NA with a reason outside coverage or the state system.
    """
    weighting = check_weighting(options.weights)
    chosen = sim.spec(options.measure, options.distance, default="squared")  # squared distances / quadratic weights
    if weighting != "none" and chosen.measure == "taub":
        raise UsageError("Kendall's tau-b has no weighted form", hint="drop --weights for tau-b")
    wh.require(*source.tables, *((CAPABILITIES_TABLE,) if weighting != "none" else ()))
    if states is None:
        specs = panel_specs(source, weighting)
        key = f"{source.key}_{weighting}"
        if chosen not in specs:  # a measure the standard panel leaves out: a panel (and cache) of its own
            specs, key = (chosen,), f"{key}_{chosen.column}"
        df = family.cached(wh, key, lambda: compute_panel(source, wh, None, None, weighting, specs),
                           use_cache=use_cache)
        if years is not None:
            df = df[df["year"].between(*years)].reset_index(drop=True)
    else:
        specs = tuple(dict.fromkeys((*panel_specs(source, weighting), chosen)))
        df = compute_panel(source, wh, states, years, weighting, specs)
    return finish(df, source, chosen, weighting)


def finish(df: pd.DataFrame, source: Source, chosen: sim.Spec, weighting: str) -> pd.DataFrame:
    """Add the headline ``score`` and the words naming it; NA rows keep their reason."""
    if chosen.column not in df.columns:
        raise UsageError(f"{chosen.column} is not available with weights={weighting}")
    out = df.copy()
    out["score"] = out[chosen.column].astype(float)
    out["measure"] = chosen.label
    out["distance"] = chosen.distance_label
    out["weighting"] = "none" if weighting == "none" else "capabilities (COW CINC share of each object state)"
    undefined = out["score"].isna() & out["na_reason"].isna()
    out.loc[undefined, "na_reason"] = "undefined (a side without variation)"
    cols = [*BASE_COLUMNS, *[c for c in out.columns if c not in BASE_COLUMNS + TAIL_COLUMNS], *TAIL_COLUMNS]
    return out[cols]


# --------------------------------------------------------------------------------------------- the panel


@dataclass
class _Data:
    """A source's ties, own entries and weights as integer-coded arrays sorted by year (codes index ``names``)."""

    names: np.ndarray
    ties: dict[str, np.ndarray]
    own: dict[str, np.ndarray] | None
    top: dict[int, float]
    cinc: dict[str, np.ndarray] | None


def _arrays(wh: Warehouse, sql: str, params: list, names: pd.Index, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """A fixed query via Arrow: ISO3 columns ``keys`` as codes into ``names`` (-1 unknown), the rest as numbers,
    rows sorted by year. Dictionary-encoding the strings keeps a million-row read fast."""
    tbl = wh.arrow(sql, params)
    out = {}
    for col in tbl.column_names:
        arr = tbl.column(col).combine_chunks()
        if col in keys:
            enc = arr.dictionary_encode()
            look = names.get_indexer(enc.dictionary.to_pylist())
            idx = enc.indices.to_numpy(zero_copy_only=False)
            out[col] = np.where(arr.is_null().to_numpy(zero_copy_only=False), -1, look[np.nan_to_num(idx).astype(int)])
        else:
            out[col] = arr.to_numpy(zero_copy_only=False).astype(float if col != "year" else np.int64)
    order = np.argsort(out["year"], kind="stable")
    return {k: v[order] for k, v in out.items()}


def _load(source: Source, wh: Warehouse, codes: list[str] | None, names: pd.Index, weighting: str) -> _Data:
    every = codes is None
    ties = _arrays(wh, source.ties_sql, [every, codes or [], codes or []], names, ("a", "b"))
    ok = (ties["a"] >= 0) & (ties["b"] >= 0) & (ties["a"] != ties["b"])
    ties = {k: v[ok] for k, v in ties.items()}
    own = _arrays(wh, source.own_sql, [], names, ("iso3",)) if source.own_sql else None
    top = {}
    if source.top_sql:
        t = wh.query(source.top_sql)
        top = dict(zip(t["year"].astype(int), t["value"].astype(float)))
        if own is not None:
            o = pd.DataFrame(own).groupby("year")["value"].max()
            top = {y: max(top.get(y, 0.0), float(o.get(y, 0.0))) for y in set(top) | set(o.index)}
    cinc = _arrays(wh, _CINC_SQL, [], names, ("iso3",)) if weighting != "none" else None
    return _Data(np.asarray(names, dtype=object), ties, own, top, cinc)


def _year_slice(arrays: dict[str, np.ndarray], year: int) -> dict[str, np.ndarray]:
    lo, hi = np.searchsorted(arrays["year"], [year, year + 1])
    return {k: v[lo:hi] for k, v in arrays.items()}


def _state_values(arrays: dict[str, np.ndarray] | None, year: int, member_codes: np.ndarray, n_names: int,
                  how: str) -> np.ndarray:
    """A per-state value (own entry, CINC) for the year's members; NaN where absent; duplicates ``max`` or ``sum``."""
    out = np.full(n_names, np.nan)
    if arrays is not None:
        y = _year_slice(arrays, year)
        keep = y["iso3"] >= 0
        code, val = y["iso3"][keep], y["value"][keep]
        if how == "sum":
            tot = np.zeros(n_names)
            np.add.at(tot, code, val)
            out[np.unique(code)] = tot[np.unique(code)]
        else:
            tot = np.full(n_names, -np.inf)
            np.maximum.at(tot, code, val)
            out[np.unique(code)] = tot[np.unique(code)]
    return out[member_codes]


def portfolio_matrix(source: Source, data: _Data, year: int, member_codes: np.ndarray) -> np.ndarray:
    """The year's S x S matrix: row = a state's portfolio over the system's states (columns, same order)."""
    s = member_codes.size
    pos = np.full(data.names.size, -1)
    pos[member_codes] = np.arange(s)
    v = np.full((s, s), source.absent, dtype=float)
    t = _year_slice(data.ties, year)
    ia, ib = pos[t["a"]], pos[t["b"]]
    ok = (ia >= 0) & (ib >= 0)
    v[ia[ok], ib[ok]] = t["value"][ok]
    v[ib[ok], ia[ok]] = t["value"][ok]
    if data.own is None:
        np.fill_diagonal(v, max(source.levels))
    else:  # a state shares all its ties with itself: its own entry is at least its largest tie
        diag = _state_values(data.own, year, member_codes, data.names.size, "max")
        row_max = np.where(np.isnan(v), -np.inf, v).max(axis=1) if s else np.zeros(0)
        np.fill_diagonal(v, np.where(np.isnan(diag), np.nan, np.fmax(diag, row_max)))
    return v


def compute_panel(source: Source, wh: Warehouse, codes: list[str] | None, years: tuple[int, int] | None,
                  weighting: str, specs: tuple[sim.Spec, ...]) -> pd.DataFrame:
    """The panel for ``codes`` (None: every state of the system) over ``years`` (None: the coverage)."""
    lo, hi = source.years
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])
    members = {year: st.members(year) for year in range(lo, hi + 1)}
    names = pd.Index(sorted(set().union(*members.values(), codes or [])))
    data = _load(source, wh, codes, names, weighting)
    want = None if codes is None else names.get_indexer(codes)
    parts = []
    with sim.single_thread_blas():
        for year, mem in members.items():  # members are sorted, so their codes come from a binary search
            part = _year_panel(source, data, year, np.searchsorted(data.names, np.asarray(mem, dtype=object)), want,
                               specs)
            if part is not None:
                parts.append(part)
    cols = (*BASE_COLUMNS, *(s.column for s in specs))
    arrays = {c: np.concatenate([p[c] for p in parts]) for c in cols} if parts else {c: np.zeros(0, int) for c in cols}
    df = pd.DataFrame(arrays)  # year by year, pairs (a < b) in order within a year, as the unga panel
    for c in ("a", "b"):
        df[c] = _strings(arrays[c], data.names)
    df["year"] = df["year"].astype("int64")
    df["n_objects"] = df["n_objects"].astype("Int64")
    df["na_reason"] = _strings(np.full(len(df), -1), np.array([], dtype=object))
    if codes is not None:
        df = _with_missing_rows(df, source, codes, years, members)
    nojoint = df["na_reason"].isna() & (df["n_objects"].fillna(0) == 0)
    df.loc[nojoint, "na_reason"] = "no joint objects"
    tables = source.source_text + (f"; {CAPABILITIES_TABLE}" if weighting != "none" else "")
    scored = (df["na_reason"].isna() | (df["na_reason"] == "no joint objects")).to_numpy()
    df["source"] = _strings(np.where(scored, 0, -1), np.array([tables], dtype=object)).to_numpy()
    return df


def _strings(codes: np.ndarray, names: np.ndarray) -> pd.Series:
    """Codes into ``names`` (-1 = missing) as a pandas string column via an Arrow dictionary: a million rows in a
    few hundredths of a second, where building the strings one by one takes a second."""
    import pyarrow as pa

    idx = np.asarray(codes, dtype=np.int32)
    arr = pa.DictionaryArray.from_arrays(pa.array(idx, mask=idx < 0), pa.array(list(names), type=pa.string()))
    return pd.Series(pd.arrays.ArrowStringArray(arr.cast(pa.string())))


def _year_panel(source: Source, data: _Data, year: int, member_codes: np.ndarray, want: np.ndarray | None,
                specs) -> dict[str, np.ndarray] | None:
    """One year's rows as arrays; ``a`` and ``b`` are codes into ``data.names`` (a < b: members are sorted)."""
    if member_codes.size < 2:
        return None
    v = portfolio_matrix(source, data, year, member_codes)
    w = None if data.cinc is None else _state_values(data.cinc, year, member_codes, data.names.size, "sum")
    rows = np.arange(member_codes.size) if want is None else np.flatnonzero(np.isin(member_codes, want))
    if rows.size < 2:
        return None
    if source.levels is not None:
        levels = np.asarray(source.levels, dtype=float)
    else:  # counts: 0 .. the year's largest value (own entries included), so d_max is the year's range
        levels = np.arange(0.0, float(data.top.get(year, np.nanmax(v) if np.isfinite(v).any() else 0.0)) + 1.0)
    res = sim.pairwise(v[rows], levels=levels, weights=w, measures=specs)
    _blank_chance_corrected(res, v[rows], specs)
    out = {"a": member_codes[rows][res["i"]], "b": member_codes[rows][res["j"]],
           "year": np.full(res["i"].size, year), "n_objects": res["n_objects"]}
    return out | {s.column: res[s.column] for s in specs}


def _blank_chance_corrected(res: dict, v: np.ndarray, specs) -> None:
    """κ, π and τb compare two portfolios with what their own spreads give by chance; a state whose portfolio does
    not vary (the DPRK's before it joined any IGO: every count 0) has no spread, and the formulas then return 0 or
    nothing — "no better than chance" where the truth is "no evidence". Such rows are NA (``finish`` names why)."""
    fin = np.isfinite(v)
    flat = ~(np.where(fin, v, -np.inf).max(axis=1) > np.where(fin, v, np.inf).min(axis=1))
    bad = flat[res["i"]] | flat[res["j"]]
    if not bad.any():
        return
    for s in specs:
        if s.measure in ("kappa", "pi", "taub"):
            res[s.column] = np.where(bad, np.nan, res[s.column])


def _with_missing_rows(df: pd.DataFrame, source: Source, codes: list[str], years, members) -> pd.DataFrame:
    """Every requested pair for every requested year; rows without a portfolio say why."""
    lo, hi = years if years is not None else source.years
    pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]]
    grid = pd.DataFrame([(a, b, y) for a, b in pairs for y in range(lo, hi + 1)], columns=["a", "b", "year"])
    out = grid.merge(df, on=["a", "b", "year"], how="left")
    c_lo, c_hi = source.years
    member = {y: set(members[y]) if y in members else set(st.members(y)) for y in range(lo, hi + 1)}
    outside = f"outside {source.label} coverage ({c_lo}-{c_hi})"
    reason = [outside if not c_lo <= y <= c_hi else f"{a} not in the state system" if a not in member[y]
              else f"{b} not in the state system" if b not in member[y] else None
              for a, b, y in zip(out["a"], out["b"], out["year"])]  # one Series at the end: per-cell writes are slow
    out["na_reason"] = pd.Series(reason, index=out.index, dtype="string")
    if years is None:  # start each pair at its first year with a portfolio
        first = out[out["na_reason"].isna()].groupby(["a", "b"])["year"].min().rename("first")
        out = out.merge(first, on=["a", "b"], how="left")
        out = out[out["first"].isna() | (out["year"] >= out["first"])].drop(columns="first")
    for c in ("a", "b"):
        out[c] = out[c].astype("string")
    out["n_objects"] = out["n_objects"].astype("Int64")
    return out.sort_values(["a", "b", "year"]).reset_index(drop=True)
