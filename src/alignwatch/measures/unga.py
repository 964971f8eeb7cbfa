"""UN General Assembly vote similarity for every dyad-year: agreement, S, Cohen's kappa and Scott's pi.

All dyads are computed at once. Per year, the votes form a one-hot matrix X (categories x states by roll calls);
one matrix product X Xᵀ gives, for every pair of states, the full K x K contingency table of their joint votes.
Every measure is a closed-form function of that table, so no pair loop and no SQL self-join is needed.

Conventions (docs/measures/unga.md has the formulas and citations):

* categories, in order: yes, abstain, no (+ absent when absences count as a category). Interval positions
  yes = 1, abstain = 0.5, no = 0; an absence is a nominal category at distance 1 from every vote.
* ``agree_identical``: share of joint votes that are identical (abstain vs yes/no counts 0). The headline ``score``.
* ``agree_voeten``: Voeten's agreement: 1 identical, 0.5 when exactly one side abstains, 0 otherwise
  (= 1 - mean interval distance).
* ``s_score``: Signorino & Ritter (1999) S with the interval metric above, d_max = 1: S = 1 - 2·mean distance
  (so S = 2·agree_voeten - 1). ``s_score_noabs``: S over the joint yes/no votes only (abstentions dropped).
* ``kappa``: Cohen's kappa, quadratic-weighted (disagreement = squared interval distance), chance agreement from
  each side's own marginals; ``pi``: Scott's pi, same weights, pooled marginals (Häge 2011). NA with a reason in
  ``kappa_na`` when there is no variation (both sides cast one and the same category on every joint vote).
* absences: ``missing`` (default; tidy votes to early 2020 plus the 2025 GA votes) or ``category`` (the raw table
  with absent = 8 to 2015 plus the 2025 GA votes, where "not voting" = absent). Non-members (raw code 9, or not a
  UN member on the vote date, or a China seat held by the other government) are never scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, UsageError
from ..warehouse import Warehouse, cached
from .registry import Family, register

ISSUES = ("me", "nu", "di", "hr", "co", "ec")
ISSUE_LABELS = {
    "me": "Palestinian conflict", "nu": "nuclear weapons and material", "di": "arms control and disarmament",
    "hr": "human rights", "co": "colonialism", "ec": "economic development",
}
CATEGORIES = ("yes", "abstain", "no", "absent")
POSITION = np.array([1.0, 0.5, 0.0])  # interval positions of yes, abstain, no
ABSENCES = ("missing", "category")
YEAR_BASES = ("calendar", "session")
MEASURES = ("agree_identical", "agree_voeten", "s_score", "s_score_noabs", "kappa", "pi")
COLUMNS = ("n_joint",) + MEASURES + ("na_reason", "kappa_na")
COLUMN_DOC = {
    "n_joint": "roll calls on which both states have a scored record (a vote; or an absence in category mode)",
    "agree_identical": "share of identical votes over yes/abstain/no (abstain vs yes/no = 0)",
    "agree_voeten": "Voeten's agreement: 1 identical, 0.5 exactly one side abstains, 0 otherwise",
    "s_score": "Signorino-Ritter S, interval metric yes=1/abstain=0.5/no=0, d_max=1 (abstentions included)",
    "s_score_noabs": "Signorino-Ritter S over joint yes/no votes only (abstentions dropped)",
    "kappa": "Cohen's kappa, quadratic weights, each side's own marginals",
    "pi": "Scott's pi, quadratic weights, pooled marginals (Häge 2011)",
    "na_reason": "why the dyad-year has no score: 'no roll calls in the data' (year), '<ISO3> not a UN member' (or "
                 "not holding the China seat), '<ISO3> cast no recorded vote', 'no joint vote'",
    "kappa_na": "'no variation' when kappa and pi are undefined: both sides cast one and the same category on every "
                "joint vote (agreement is still defined)",
}
# the 2025 GA records get item ids above every rcid; the 80th session opened on 9 September 2025
_ITEM_2025 = 10_000_000
_TIDY_CODE = {"yes": 0, "abstain": 1, "no": 2}
_REASON_NO_ROLL_CALLS = "no roll calls in the data"
_REASON_NO_JOINT = "no joint vote"
_REASON_NO_VARIATION = "no variation"

SOURCE_TIDY, SOURCE_RAW, SOURCE_2025 = "unga_votes", "unga_votes_raw", "unga_votes_2025"

# Votes as numbers (category code, year) straight from DuckDB: the 870k-row tables leave as Arrow, not strings.
_YEAR_EXPR = "CASE WHEN ? THEN r.session + 1945 ELSE year(r.date) END::SMALLINT"
_FILTER = """
  AND (CAST(? AS VARCHAR) IS NULL OR r.rcid IN (SELECT rcid FROM unga_issues WHERE short_name = ?))
  AND (NOT ? OR r.importantvote = 1)"""
_TIDY_SQL = f"""
SELECT v.rcid::BIGINT AS item, v.iso3,
       CASE v.vote WHEN 'yes' THEN 0 WHEN 'abstain' THEN 1 WHEN 'no' THEN 2 END::TINYINT AS cat,
       {_YEAR_EXPR} AS year
FROM unga_votes v JOIN unga_roll_calls r USING (rcid)
WHERE v.iso3 IS NOT NULL {_FILTER}
"""
_RAW_SQL = f"""
SELECT v.rcid::BIGINT AS item, v.iso3,
       CASE v.vote WHEN 1 THEN 0 WHEN 2 THEN 1 WHEN 3 THEN 2 WHEN 8 THEN 3 END::TINYINT AS cat,
       {_YEAR_EXPR} AS year
FROM unga_votes_raw v JOIN unga_roll_calls r USING (rcid)
WHERE v.vote <> 9 AND v.iso3 IS NOT NULL {_FILTER}
"""
_BAD_VOTES_SQL = {
    "tidy": "SELECT vote FROM unga_votes WHERE vote IS NULL OR vote NOT IN ('yes', 'abstain', 'no') LIMIT 1",
    "raw": "SELECT vote FROM unga_votes_raw WHERE vote IS NULL OR vote NOT IN (1, 2, 3, 8, 9) LIMIT 1",
}
_ROLL_CALLS_SQL = f"""
SELECT r.rcid::BIGINT AS item, r.date, {_YEAR_EXPR} AS year FROM unga_roll_calls r
WHERE r.date IS NOT NULL {_FILTER}
"""
_RAW_ROLL_CALLS_SQL = _ROLL_CALLS_SQL + "  AND r.rcid IN (SELECT DISTINCT rcid FROM unga_votes_raw)\n"
_SPAN_SQL = f"SELECT min({_YEAR_EXPR}), max({_YEAR_EXPR}) FROM unga_roll_calls r WHERE r.date IS NOT NULL"
_GA2025_SQL = """
SELECT resolution, date, iso3, vote FROM unga_votes_2025 WHERE council = 'General Assembly' AND iso3 IS NOT NULL
"""


@dataclass(frozen=True)
class Options:
    """What counts as a vote and which votes count; every combination is a separate, cacheable panel."""

    absences: str = "missing"
    issue: str | None = None
    important: bool = False
    year_basis: str = "calendar"

    def __post_init__(self):
        if self.absences not in ABSENCES:
            raise UsageError(f"absences must be one of {', '.join(ABSENCES)}, not {self.absences!r}")
        if self.issue is not None and self.issue not in ISSUES:
            raise UsageError(f"unknown issue {self.issue!r}",
                             hint="choose from " + ", ".join(f"{k} ({v})" for k, v in ISSUE_LABELS.items()))
        if self.year_basis not in YEAR_BASES:
            raise UsageError(f"year basis must be calendar or session, not {self.year_basis!r}")

    @property
    def k(self) -> int:
        return 4 if self.absences == "category" else 3

    @property
    def key(self) -> str:
        votes = "imp" if self.important else "allvotes"
        return f"unga_v2_{self.absences}_{self.issue or 'all'}_{votes}_{self.year_basis}"


# ------------------------------------------------------------------------------------------------ vote loading


def session_2025(resolution: pd.Series, date: pd.Series) -> np.ndarray:
    """GA session of a 2025 record: from the symbol (A/RES/80/...) or, for emergency special sessions, the date."""
    codes, uniq = pd.factorize(resolution.astype("string"))
    num = pd.to_numeric(pd.Series(uniq).str.extract(r"^A/RES/(\d+)/", expand=False), errors="coerce")
    num = pd.Series(num.to_numpy(dtype=float)[codes] if len(uniq) else np.array([], dtype=float))
    d = pd.to_datetime(date)
    by_date = np.where((d.dt.month > 9) | ((d.dt.month == 9) & (d.dt.day >= 9)), d.dt.year - 1945, d.dt.year - 1946)
    return np.where(num.notna(), num.fillna(0).to_numpy(dtype=float), by_date).astype(np.int64)


def _year(date: pd.Series, session: pd.Series | np.ndarray, basis: str) -> np.ndarray:
    if basis == "session":
        return np.asarray(session, dtype=np.int64) + 1945
    return pd.to_datetime(date).dt.year.to_numpy(dtype=np.int64)


def _arrow_frame(wh: Warehouse, sql: str, params: list) -> pd.DataFrame:
    """A fixed query with bound parameters, via Arrow; the ``iso3`` column comes back categorical (fast)."""
    tbl = wh.con.sql(sql, params=params).to_arrow_table()
    cols = {}
    for name in tbl.column_names:
        col = tbl.column(name).combine_chunks()
        if name == "iso3":
            enc = col.dictionary_encode()
            cols[name] = pd.Categorical.from_codes(enc.indices.to_numpy(zero_copy_only=False).astype(np.int32),
                                                   categories=enc.dictionary.to_pylist())
        else:
            cols[name] = col.to_numpy(zero_copy_only=False)
    return pd.DataFrame(cols)


def load_votes(wh: Warehouse, opts: Options) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]]:
    """The scored records and the roll calls of the selection, from the warehouse.

    Returns ``votes`` (item, iso3, cat 0..K-1, year, source) and ``items`` (item, date, year, source): the latter
    lists every roll call of the selection, so that a year with roll calls but no vote by a state is told apart
    from a year without roll calls. ``span`` is the first and last year of the sources, whatever the filter, so a
    filtered panel still shows the years it cannot score.
    """
    cat_mode = opts.absences == "category"
    src = SOURCE_RAW if cat_mode else SOURCE_TIDY
    wh.require("unga_roll_calls", "unga_issues", src)
    bad = wh.query(_BAD_VOTES_SQL["raw" if cat_mode else "tidy"])
    if len(bad):
        raise DataError(src, f"unexpected vote value {bad.iloc[0, 0]!r}", column="vote")
    params = [opts.year_basis == "session", opts.issue, opts.issue, opts.important]
    v = _arrow_frame(wh, _RAW_SQL if cat_mode else _TIDY_SQL, params)
    v["source"] = pd.Categorical.from_codes(np.zeros(len(v), dtype=np.int8), categories=[src])
    items = wh.query(_RAW_ROLL_CALLS_SQL if cat_mode else _ROLL_CALLS_SQL, params)
    items["source"] = src
    span = wh.query(_SPAN_SQL, [opts.year_basis == "session"] * 2)
    lo, hi = span.iloc[0]
    parts_v, parts_i = [v], [items[["item", "date", "year", "source"]]]

    # the 2025 GA votes carry no issue codes and no important-vote flag: a filtered panel has no 2025 roll calls
    g = wh.query(_GA2025_SQL) if wh.has(SOURCE_2025) else pd.DataFrame()
    if len(g):
        hi = max(int(hi), int(pd.Timestamp(g["date"].max()).year))
    if len(g) and opts.issue is None and not opts.important:
        codes, _ = pd.factorize(g["resolution"], sort=True)
        g["item"] = _ITEM_2025 + codes
        g["year"] = _year(g["date"], session_2025(g["resolution"], g["date"]), opts.year_basis)
        g["source"] = SOURCE_2025
        cat = g["vote"].map(_TIDY_CODE)
        if cat[g["vote"].notna()].isna().any():
            raise DataError(SOURCE_2025, "vote must be yes, no, abstain or NULL", column="vote")
        g["cat"] = cat.fillna(3) if cat_mode else cat  # "not voting" is an absence
        parts_v.append(g[g["cat"].notna()][["item", "iso3", "cat", "year", "source"]])
        parts_i.append(g.drop_duplicates("item")[["item", "date", "year", "source"]])
    if len(parts_v) > 1:  # union the categories first: concatenating differing categoricals makes strings
        cats = sorted(set(v["iso3"].cat.categories).union(*(set(p["iso3"].dropna().unique()) for p in parts_v[1:])))
        srcs = sorted({str(x) for p in parts_v for x in pd.unique(p["source"])})
        parts_v = [p.assign(iso3=pd.Categorical(p["iso3"], categories=cats),
                            source=pd.Categorical(p["source"], categories=srcs)) for p in parts_v]
        votes = pd.concat(parts_v, ignore_index=True)
    else:
        votes = v
    votes["cat"] = votes["cat"].astype(np.int8)
    votes["year"] = votes["year"].astype(np.int64)
    items = pd.concat(parts_i, ignore_index=True)
    items["date"] = pd.to_datetime(items["date"])
    items["year"] = items["year"].astype(np.int64)
    return _member_votes_only(votes, items, cat_mode), items, (int(lo), int(hi))


def _member_votes_only(votes: pd.DataFrame, items: pd.DataFrame, cat_mode: bool) -> pd.DataFrame:
    """Drop records that no UN member cast: absences dated outside a state's membership or before its government
    held the seat (the raw table codes the PRC absent in October 1971, before the seat changed hands).

    Recorded yes/abstain/no votes are kept as the data give them; a duplicate (roll call, state) is a data error.
    """
    from .. import states

    key = np.sort(votes["item"].to_numpy(dtype=np.int64) * 4096 + votes["iso3"].cat.codes.to_numpy(dtype=np.int64))
    same = np.flatnonzero(key[1:] == key[:-1])
    if same.size:
        k = int(key[same[0]])
        dup = votes.loc[(votes["item"] == k // 4096) & (votes["iso3"].cat.codes == k % 4096)].iloc[0]
        raise DataError("unga votes", f"two records for {dup.iso3} on roll call {dup.item}; expected one per state",
                        column="iso3")
    if cat_mode:
        absent = (votes["cat"] == 3).to_numpy()
        if absent.any():
            sub = votes.loc[absent, ["item", "iso3"]]
            dates = sub["item"].map(items.drop_duplicates("item").set_index("item")["date"])
            ok = np.asarray(states.un_member_mask(sub["iso3"].to_numpy(dtype=object), dates.to_numpy()), dtype=bool)
            keep = np.ones(len(votes), dtype=bool)
            keep[np.flatnonzero(absent)[~ok]] = False
            votes = votes[keep]
    return votes.reset_index(drop=True)


# ------------------------------------------------------------------------------------------- the computation


def _distance(k: int) -> np.ndarray:
    """Interval distances between categories; an absence sits at distance 1 from every vote, 0 from an absence."""
    d = np.ones((k, k))
    d[:3, :3] = np.abs(POSITION[:, None] - POSITION[None, :])
    d[np.diag_indices(k)] = 0.0
    return d


def measures_from_tables(tab: np.ndarray) -> dict[str, np.ndarray]:
    """Every measure from stacked K x K contingency tables ``tab[n, i, j]`` (a's category i, b's category j).

    Pure and vectorised over the first axis (cell by cell, so each step is one pass over contiguous arrays);
    NaN where a measure is undefined; ``no_variation`` flags the tables where kappa and pi are undefined.
    """
    tab = np.asarray(tab)
    return measures_from_cells(np.moveaxis(tab, 0, -1))


def measures_from_cells(cells: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`measures_from_tables` on cell-major tables ``cells[i, j, n]`` (the layout the panel builds).

    Every accumulated quantity is a count times 0.25, 0.5 or 1 (products of marginal counts for the chance terms,
    at most ~10^6), so float32 sums are exact; the ratios are then taken in float64.
    """
    k = cells.shape[0]
    c = np.asarray(cells, dtype=np.float32)
    d = _distance(k)
    f64 = np.float64
    pa = c.sum(axis=1)  # (K, N): a's category counts
    pb = c.sum(axis=0)
    n = pa.sum(axis=0).astype(f64)
    trace = sum(c[i, i] for i in range(k)).astype(f64)
    obs_d, obs_dq, e_kappa, e_pi = (np.zeros(c.shape[2], dtype=np.float32) for _ in range(4))
    noabs_n = sum(c[i, i] for i in range(k) if i != 1)
    noabs_d = np.zeros_like(obs_d)
    for i in range(k):  # each unordered pair of categories once (d is symmetric)
        for j in range(i + 1, k):
            w = np.float32(d[i, j])
            both = c[i, j] + c[j, i]
            obs_d += w * both
            obs_dq += w * w * both
            e_kappa += w * w * (pa[i] * pb[j] + pa[j] * pb[i])
            e_pi += w * w * (pa[i] + pb[i]) * (pa[j] + pb[j])
            if i != 1 and j != 1:
                noabs_n = noabs_n + both
                noabs_d += w * both
    obs_d, obs_dq, e_kappa, e_pi = (x.astype(f64) for x in (obs_d, obs_dq, e_kappa, e_pi))
    noabs_n, noabs_d = np.asarray(noabs_n, dtype=f64), noabs_d.astype(f64)
    with np.errstate(invalid="ignore", divide="ignore"):
        has = n > 0
        inv = np.where(has, 1.0 / np.where(has, n, 1.0), np.nan)
        mean_d = obs_d * inv
        out = {"n_joint": n, "agree_identical": trace * inv, "agree_voeten": 1.0 - mean_d,
               "s_score": 1.0 - 2.0 * mean_d}
        out["s_score_noabs"] = np.where(noabs_n > 0, 1.0 - 2.0 * noabs_d / np.where(noabs_n > 0, noabs_n, 1.0), np.nan)
        # kappa, pi = 1 - D_o / D_e; D_o = obs_dq / n; D_e = sum p_i q_j d_ij^2 with p = pa / n, q = pb / n, and
        # the chance terms were summed over unordered pairs (both orders: e_kappa; 2 m_i m_j: e_pi / 2 with m = /2)
        e_kappa_n = e_kappa * inv  # = n · D_e
        e_pi_n = e_pi * inv / 2.0
        ok_k = e_kappa_n > 1e-9
        ok_p = e_pi_n > 1e-9
        out["kappa"] = np.where(ok_k, 1.0 - obs_dq / np.where(ok_k, e_kappa_n, 1.0), np.nan)
        out["pi"] = np.where(ok_p, 1.0 - obs_dq / np.where(ok_p, e_pi_n, 1.0), np.nan)
    out["no_variation"] = has & ~ok_k
    return out


def _pair_cells(n_states: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions in the (K·S x K·S) product of cell (i, j) for every pair i < j, and the pairs' ranks."""
    iu = np.triu_indices(n_states, 1)
    size = k * n_states
    ci = np.arange(k)[:, None, None] * n_states + iu[0][None, None, :]
    cj = np.arange(k)[None, :, None] * n_states + iu[1][None, None, :]
    return ci * size + cj, iu  # (K, K, P)


def _pair_id(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """Rank of pair (i, j), i < j, in ``np.triu_indices(n, 1)`` order."""
    return i * n - i * (i + 1) // 2 + (j - i - 1)


def _tables_for_year(s_loc: np.ndarray, cat: np.ndarray, item_loc: np.ndarray, local: np.ndarray, n_states: int,
                     k: int) -> tuple[np.ndarray, np.ndarray]:
    """Contingency tables (K, K, P_y) of the pairs of the states that voted in one year, and the pairs' global ranks.

    One-hot matrix X (K·S_y x R) of the year's S_y voting states (``local``, sorted global indices; ``s_loc`` the
    records' positions in it) and R roll calls; X Xᵀ holds every pair's joint counts. Only voting states enter, so
    the early years (55 members) cost a tenth of the late ones.
    """
    n_loc = local.size
    x = np.zeros((k * n_loc, int(item_loc[-1]) + 1), dtype=np.float32)  # float32 counts are exact below 2**24
    x[cat * n_loc + s_loc, item_loc] = 1.0
    cells, iu = _pair_cells(n_loc, k)
    tab = np.take((x @ x.T).ravel(), cells)
    return tab, _pair_id(local[iu[0]], local[iu[1]], n_states)


def _state_index(iso3: pd.Series, index: pd.Index) -> np.ndarray:
    if isinstance(iso3.dtype, pd.CategoricalDtype):
        look = index.get_indexer(iso3.cat.categories)
        codes = iso3.cat.codes.to_numpy()
        return np.where(codes >= 0, look[codes], -1)
    return index.get_indexer(iso3)


def compute_panel(votes: pd.DataFrame, items: pd.DataFrame, *, k: int, states: list[str] | None = None,
                  years: tuple[int, int] | None = None, member_years: pd.DataFrame | None = None,
                  span: tuple[int, int] | None = None) -> pd.DataFrame:
    """The undirected dyad-year panel from scored records (pure: no warehouse).

    ``votes``: item, iso3, cat (0 yes, 1 abstain, 2 no, 3 absent), year, source. ``items``: item, year (every roll
    call of the selection). ``member_years``: iso3, year, member (bool) for the NA reasons; when None, a state
    without records is reported as having no recorded vote. Rows: every pair of ``states`` (default: every state
    with a record) for every year of ``span`` (default: the first to the last year with roll calls), within
    ``years``.
    """
    present = votes["iso3"].dropna().unique()
    codes = sorted(set(map(str, present)) if states is None else set(states))
    n_states = len(codes)
    if n_states < 2:
        raise UsageError("need at least two states for a dyad panel")
    s_pos = pd.Index(codes)
    item_years = items["year"].to_numpy(dtype=np.int64)
    if span is not None:
        lo, hi = span
    elif len(items):
        lo, hi = int(item_years.min()), int(item_years.max())
    else:
        lo, hi = (years if years is not None else (0, -1))
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])
    grid = np.arange(lo, hi + 1, dtype=np.int64)
    iu = np.triu_indices(n_states, 1)
    n_pairs = iu[0].size
    has_items = np.isin(grid, item_years)

    s_idx_all = _state_index(votes["iso3"], s_pos)
    yrs_all = votes["year"].to_numpy(dtype=np.int64)
    keep = (s_idx_all >= 0) & (yrs_all >= lo) & (yrs_all <= hi)
    # one sort by (year, roll call); then each year is a slice and its roll calls are numbered by a running count
    item_codes = pd.factorize(votes["item"].to_numpy(dtype=np.int64), sort=True)[0].astype(np.int64)
    sel = np.flatnonzero(keep)
    order = sel[np.argsort((yrs_all[sel] - lo) * (int(item_codes.max(initial=0)) + 1) + item_codes[sel])]
    s_idx, yrs = s_idx_all[order], yrs_all[order]
    cats = votes["cat"].to_numpy(dtype=np.int64)[order]
    its = item_codes[order]
    bounds = np.searchsorted(yrs, np.append(grid, hi + 1))
    voted = np.zeros((grid.size, n_states), dtype=bool)
    tabs, rows = [], []  # per year: the (K, K, P_y) tables of the pairs that both voted, and their panel rows
    to_local = np.full(n_states, -1, dtype=np.int64)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):  # ~80 small products: BLAS threads only add overhead
        for t in range(grid.size):  # one matrix product per year, never a loop over pairs
            a, b = bounds[t], bounds[t + 1]
            if a == b:
                continue
            voted[t, s_idx[a:b]] = True
            local = np.flatnonzero(voted[t])
            to_local[local] = np.arange(local.size)
            it = its[a:b]
            item_loc = np.concatenate([[0], np.cumsum(it[1:] != it[:-1])])
            tab, pid = _tables_for_year(to_local[s_idx[a:b]], cats[a:b], item_loc, local, n_states, k)
            tabs.append(tab)
            rows.append(t * n_pairs + pid)

    nonempty = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    res = measures_from_cells(np.concatenate(tabs, axis=2) if tabs else np.zeros((k, k, 0), dtype=np.float32))
    n_rows = grid.size * n_pairs
    out = pd.DataFrame({
        "a": pd.Categorical.from_codes(np.tile(iu[0], grid.size), categories=codes),
        "b": pd.Categorical.from_codes(np.tile(iu[1], grid.size), categories=codes),
        "year": np.repeat(grid, n_pairs),
    })
    n_joint = np.zeros(n_rows, dtype=np.int64)
    n_joint[nonempty] = res["n_joint"].astype(np.int64)
    out["n_joint"] = n_joint
    for m in MEASURES:
        col = np.full(n_rows, np.nan)
        col[nonempty] = res[m]
        out[m] = col
    no_var = np.zeros(n_rows, dtype=bool)
    no_var[nonempty] = res["no_variation"]

    # NA reasons, per state-year then per pair: no roll calls > not a member > no recorded vote > no joint vote
    member = np.ones((grid.size, n_states), dtype=bool)
    if member_years is not None and len(member_years):
        mm = member_years[member_years["iso3"].isin(s_pos) & member_years["year"].between(lo, hi)]
        member[:] = False
        member[mm["year"].to_numpy(dtype=np.int64) - lo, s_pos.get_indexer(mm["iso3"])] = mm["member"].to_numpy(bool)
    status = np.where(voted, 0, np.where(member, 2, 1))  # 0 ok, 1 not a member, 2 member without a record
    labels = [_REASON_NO_ROLL_CALLS, _REASON_NO_JOINT]
    labels += [f"{c} {_not_member_text(c)}" for c in codes] + [f"{c} cast no recorded vote" for c in codes]
    sa, sb = status[:, iu[0]], status[:, iu[1]]
    ia, ib = np.broadcast_to(iu[0], sa.shape), np.broadcast_to(iu[1], sb.shape)
    reason = np.select(
        [np.broadcast_to(~has_items[:, None], sa.shape), sa == 1, sb == 1, sa == 2, sb == 2,
         (n_joint == 0).reshape(sa.shape)],
        [0, 2 + ia, 2 + ib, 2 + n_states + ia, 2 + n_states + ib, 1],
        default=-1,
    ).reshape(-1)
    out["na_reason"] = pd.Categorical.from_codes(reason, categories=labels)
    # a count is only a count where votes could have been cast: no roll calls, or a non-member, is NA, never 0
    uncountable = (reason == 0) | ((reason >= 2) & (reason < 2 + n_states))
    out["n_joint"] = pd.array(np.where(uncountable, 0, n_joint), dtype="Int64")
    out.loc[uncountable, "n_joint"] = pd.NA
    out["kappa_na"] = pd.Categorical.from_codes(np.where(no_var, 0, -1), categories=[_REASON_NO_VARIATION])
    out["score"] = out["agree_identical"]
    src_cat = pd.Categorical(votes["source"])
    n_src = max(len(src_cat.categories), 1)
    y_min = int(yrs_all.min()) if yrs_all.size else 0
    seen = np.flatnonzero(np.bincount((yrs_all - y_min) * n_src + src_cat.codes, minlength=1))  # O(n), no sort
    src_year = pd.Series([str(src_cat.categories[c]) for c in seen % n_src], index=seen // n_src + y_min) \
        .groupby(level=0).agg(lambda x: ",".join(sorted(x)))
    src_labels = sorted(set(src_year))
    src_code = pd.Series(range(len(src_labels)), index=src_labels)
    per_year = src_year.reindex(grid).map(src_code).fillna(-1).to_numpy(dtype=np.int64)
    src = np.where(n_joint > 0, np.repeat(per_year, n_pairs), -1)
    out["source"] = pd.Categorical.from_codes(src, categories=src_labels)
    return out


def _not_member_text(iso3: str) -> str:
    if iso3 == "CHN":
        return "not holding the China seat (ROC/TWN until 1971-10-25)"
    return "not a UN member"


def membership(items: pd.DataFrame, codes) -> pd.DataFrame:
    """Whether each state was a UN member (holding its seat) on the first or last roll call of each year."""
    from .. import states

    span = items.groupby("year")["date"].agg(["min", "max"]).dropna()
    if span.empty or len(codes) == 0:
        return pd.DataFrame({"iso3": [], "year": [], "member": []})
    codes = np.asarray(list(codes), dtype=object)
    yrs = span.index.to_numpy()
    iso = np.repeat(codes, len(yrs))
    yy = np.tile(yrs, len(codes))
    first = np.tile(span["min"].to_numpy(), len(codes))
    last = np.tile(span["max"].to_numpy(), len(codes))
    m = np.asarray(states.un_member_mask(iso, first), dtype=bool) | np.asarray(states.un_member_mask(iso, last), bool)
    return pd.DataFrame({"iso3": iso, "year": yy, "member": m})


def _as_str(col: pd.Series) -> pd.Series:
    """A categorical column as plain strings (missing stays missing), via Arrow: 100x faster than ``astype``."""
    import pyarrow as pa

    cat = pd.Categorical(col)
    codes = pa.array(cat.codes.astype(np.int32), mask=cat.codes < 0)
    arr = pa.DictionaryArray.from_arrays(codes, pa.array([str(x) for x in cat.categories], type=pa.string()))
    return pd.Series(arr.cast(pa.string()).to_pandas(), index=col.index, name=col.name)


def directed(df: pd.DataFrame) -> pd.DataFrame:
    """Both orderings of every dyad (the measures are symmetric, so a->b equals b->a)."""
    flip = df.rename(columns={"a": "b", "b": "a"})
    out = pd.concat([df, flip[df.columns]], ignore_index=True)
    return out.sort_values(["a", "b", "year"], kind="stable").reset_index(drop=True)


def panel(wh: Warehouse, states: list[str] | None = None, years: tuple[int, int] | None = None, *,
          absences: str = "missing", issue: str | None = None, important: bool = False,
          year_basis: str = "calendar", use_cache: bool = True) -> pd.DataFrame:
    """The undirected panel for a selection of votes. The all-states panel is cached in the warehouse."""
    opts = Options(absences, issue, important, year_basis)

    def compute(sel=None):
        votes, items, span = load_votes(wh, opts)
        codes = sorted(set(map(str, votes["iso3"].dropna().unique())) if sel is None else set(sel))
        return compute_panel(votes, items, k=opts.k, states=sel, member_years=membership(items, codes), span=span)

    if states is None:
        df = cached(wh, opts.key, compute) if use_cache else compute()
        for c in ("a", "b"):
            if not isinstance(df[c].dtype, pd.CategoricalDtype):
                df[c] = df[c].astype("category")
    else:
        df = compute(sorted(set(states)))
    if years is not None:
        df = df[df["year"].between(years[0], years[1])].reset_index(drop=True)
    return df


def dyad_years(wh: Warehouse, states: list[str] | None = None, years: tuple[int, int] | None = None, *,
               absences: str = "missing", issue: str | None = None, important: bool = False,
               year_basis: str = "calendar", directed_output: bool = False, use_cache: bool = True) -> pd.DataFrame:
    """Registry entry: one row per undirected dyad-year (or both orderings with ``directed_output``).

    ``score`` = ``agree_identical``. a, b and the reason columns are plain strings (missing = NA).
    """
    df = panel(wh, states, years, absences=absences, issue=issue, important=important, year_basis=year_basis,
               use_cache=use_cache)
    for c in ("a", "b", "na_reason", "kappa_na", "source"):
        df[c] = _as_str(df[c])
    if directed_output:
        df = directed(df)
    return df


register(Family(
    name="unga",
    label="UNGA vote agreement",
    domain="political",
    dyad_years=dyad_years,
    description=(
        "UN General Assembly roll calls (Voeten, Strezhnev & Bailey, to early 2020) and the 2025 GA votes (UN "
        "Digital Library via 3DL): identical-vote share (score), Voeten agreement (abstain = 0.5), "
        "Signorino-Ritter S with and without abstentions, quadratic-weighted Cohen's kappa (own marginals) and "
        "Scott's pi (pooled marginals). Absences missing; 2021-2024 have no roll calls (NA)."
    ),
    columns=COLUMNS,
))
