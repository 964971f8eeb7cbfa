"""UN General Assembly vote similarity for every dyad-year: agreement, S, Cohen's kappa and Scott's pi.

All dyads are computed at once. Per year, the votes form a one-hot matrix X (categories x states by roll calls);
one matrix product X Xᵀ gives, for every pair of states, the full K x K contingency table of their joint votes.
Every measure is a closed-form function of that table, so no pair loop and no SQL self-join is needed.

Two roll-call sets, two named series (:mod:`.unga_series`), never spliced: ``undl`` (adopted resolutions,
1946-2025, the default because it is continuous to today) and ``voeten`` (all roll calls incl. amendment and
paragraph votes, to January 2020). Every row names its series (``series``, and ``source`` = "series: tables").

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
* absences: ``missing`` (default) or ``category`` (undl: X = listed without a vote, 1946-2025; voeten: the raw
  table's absent = 8, to 2015). Non-members (not listed, raw code 9, not a UN member on the vote date, or a China
  seat held by the other government) are never scored.
* ``thin``: True where the score rests on fewer than :data:`MIN_JOINT` joint votes (a year with one roll call, such
  as session 19 in Voeten's data); read such scores as anecdotes, not as alignment.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, UsageError
from ..sources.unga_recent import CITATION_2025, CITATION_UNDL
from ..sources.unvotes import CITATION as VOETEN
from ..warehouse import Warehouse
from . import unga_series as us
from .registry import Family, options_text, register
from .unga_series import DEFAULT_SERIES, ISSUE_LABELS, ISSUES, SERIES, TOPICS  # noqa: F401 (public names)

CATEGORIES = ("yes", "abstain", "no", "absent")
POSITION = np.array([1.0, 0.5, 0.0])  # interval positions of yes, abstain, no
ABSENCES = ("missing", "category")
YEAR_BASES = ("calendar", "session")
MIN_JOINT = 10  # fewer joint votes than this: the dyad-year's score is flagged thin
MEASURES = ("agree_identical", "agree_voeten", "s_score", "s_score_noabs", "kappa", "pi")
COLUMNS = ("n_joint",) + MEASURES + ("thin", "na_reason", "kappa_na", "series", "source")
COLUMN_DOC = {
    "n_joint": "roll calls on which both states have a scored record (a vote; or an absence in category mode)",
    "agree_identical": "share of identical votes over yes/abstain/no (abstain vs yes/no = 0)",
    "agree_voeten": "Voeten's agreement: 1 identical, 0.5 exactly one side abstains, 0 otherwise",
    "s_score": "Signorino-Ritter S, interval metric yes=1/abstain=0.5/no=0, d_max=1 (abstentions included)",
    "s_score_noabs": "Signorino-Ritter S over joint yes/no votes only (abstentions dropped)",
    "kappa": "Cohen's kappa, quadratic weights, each side's own marginals",
    "pi": "Scott's pi, quadratic weights, pooled marginals (Häge 2011)",
    "thin": f"True when n_joint < {MIN_JOINT}: the score rests on too few votes to read as alignment (NA: no count)",
    "na_reason": "why the dyad-year has no score: 'no roll calls in the data' (year), '<ISO3> not a UN member' (or "
                 "not holding the China seat), '<ISO3> cast no recorded vote', 'no joint vote'",
    "kappa_na": "'no variation' when kappa and pi are undefined: both sides cast one and the same category on every "
                "joint vote (agreement is still defined)",
    "series": "the roll-call set: undl (UN Digital Library, adopted resolutions 1946-2025) or voeten (all roll "
              "calls, to January 2020)",
    "source": "'<series>: <warehouse tables>' behind the row (NA where there is no score)",
}
_REASON_NO_ROLL_CALLS = "no roll calls in the data"
_REASON_NO_JOINT = "no joint vote"
_REASON_NO_VARIATION = "no variation"


@dataclass(frozen=True)
class Options:
    """Which series, what counts as a vote and which votes count; every combination is a separate, cacheable
    panel. Options a series cannot honour are refused when the votes are read (the undl series has no issue codes)."""

    absences: str = "missing"
    issue: str | None = None
    important: bool = False
    year_basis: str = "calendar"
    series: str = DEFAULT_SERIES
    topic: str | None = None

    def __post_init__(self):
        if self.absences not in ABSENCES:
            raise UsageError(f"absences must be one of {', '.join(ABSENCES)}, not {self.absences!r}")
        if self.issue is not None and self.issue not in ISSUES:
            raise UsageError(f"unknown issue {self.issue!r}",
                             hint="choose from " + ", ".join(f"{k} ({v})" for k, v in ISSUE_LABELS.items()))
        if self.year_basis not in YEAR_BASES:
            raise UsageError(f"year basis must be calendar or session, not {self.year_basis!r}")
        us.check_series(self.series)
        us.check_supported(self.series, self.issue, self.important)
        object.__setattr__(self, "topic", us.check_topic(self.topic))

    @property
    def k(self) -> int:
        return 4 if self.absences == "category" else 3



# ------------------------------------------------------------------------------------------------ vote loading


def session_2025(resolution: pd.Series, date: pd.Series) -> np.ndarray:
    """GA session of a record from its symbol or, for emergency and special sessions, its date (kept for callers
    of the 2025-only helper; :func:`alignwatch.sources.unga_recent.ga_session` handles every year)."""
    from ..sources.unga_recent import ga_session

    return ga_session(resolution, date).astype(np.int64)


def load_votes(wh: Warehouse, opts: Options) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]]:
    """The scored records and the roll calls of the selection, from the warehouse (see :func:`unga_series.load`);
    absences outside a state's membership are dropped."""
    votes, items, span = us.load(wh, opts.series, absences=opts.absences, issue=opts.issue,
                                 important=opts.important, topic=opts.topic, year_basis=opts.year_basis)
    return _member_votes_only(votes, items, opts.absences == "category"), items, span


def _member_votes_only(votes: pd.DataFrame, items: pd.DataFrame, cat_mode: bool) -> pd.DataFrame:
    """Drop records that no UN member cast: absences dated outside a state's membership or before its government
    held the seat (the raw table codes the PRC absent in October 1971, before the seat changed hands).

    Recorded yes/abstain/no votes are kept as the data give them (a duplicate (roll call, state) is a data error,
    found year by year in :func:`compute_panel`).
    """
    from .. import states

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


@functools.lru_cache(maxsize=4)
def _weights(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights that turn flattened K x K tables into every linear term in one matrix product, and D².

    Rows: n, trace, Σ d·O, Σ d²·O, the yes/no-only count and distance sum (cells without an abstention), then a's
    marginals (K rows) and b's (K rows)."""
    d = _distance(k)
    i, j = np.divmod(np.arange(k * k), k)
    no_abs = (i != 1) & (j != 1)
    rows = [np.ones(k * k), (i == j) * 1.0, d.ravel(), (d * d).ravel(), no_abs * 1.0, no_abs * d.ravel()]
    rows += [(i == c) * 1.0 for c in range(k)] + [(j == c) * 1.0 for c in range(k)]
    return np.array(rows, dtype=np.float32), (d * d).astype(np.float32)


def measures_from_cells(cells: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`measures_from_tables` on cell-major tables ``cells[i, j, n]`` (the layout the panel builds).

    Every linear term comes from one product of a small weight matrix with the flattened tables; the chance terms
    are quadratic forms of the marginals: e_kappa = Σ d²_ij p_i q_j · n², e_pi = Σ d²_ij m_i m_j · 4n² with
    m = (p + q) / 2. All are counts times 0.25, 0.5 or 1 below 2^24, so float32 is exact; ratios are float64.
    """
    k = cells.shape[0]
    c = np.ascontiguousarray(cells, dtype=np.float32).reshape(k * k, -1)
    w, d2 = _weights(k)
    lin = w @ c
    pa, pb = lin[6:6 + k], lin[6 + k:]
    m = pa + pb
    chance = np.empty((2, c.shape[1]), dtype=np.float32)
    np.einsum("ip,ip->p", pa, d2 @ pb, out=chance[0])  # = n² D_e with own marginals (kappa)
    np.einsum("ip,ip->p", m, d2 @ m, out=chance[1])  # = 4 n² D_e with pooled marginals (pi)
    n, trace, obs_d, obs_dq, noabs_n, noabs_d = lin[:6].astype(np.float64)
    e_kappa, e_pi = chance.astype(np.float64)
    has = n > 0

    def ratio(num, den, ok):
        """num / den where ok, NaN elsewhere (no division by zero, no extra temporaries)."""
        return np.divide(num, den, out=np.full(num.shape, np.nan), where=ok)

    agree = ratio(trace, n, has)
    mean_d = ratio(obs_d, n, has)
    ok_k, ok_p = e_kappa > 0, e_pi > 0  # both sides cast one category on every joint vote: undefined
    dq_n = obs_dq * n
    out = {"n_joint": n, "agree_identical": agree, "agree_voeten": 1.0 - mean_d, "s_score": 1.0 - 2.0 * mean_d,
           # kappa, pi = 1 - D_o / D_e with D_o = obs_dq / n
           "s_score_noabs": 1.0 - 2.0 * ratio(noabs_d, noabs_n, noabs_n > 0),
           "kappa": 1.0 - ratio(dq_n, e_kappa, ok_k), "pi": 1.0 - ratio(4.0 * dq_n, e_pi, ok_p)}
    out["no_variation"] = has & ~ok_k
    return out


@functools.lru_cache(maxsize=256)
def _pair_cells(n_states: int, k: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Flat positions in the (K·S x K·S) product of cell (i, j) for every pair i < j, and the pairs (cached: the
    same number of voting states recurs across years)."""
    iu = np.triu_indices(n_states, 1)
    size = k * n_states
    base = iu[0] * size + iu[1]
    off = (np.arange(k)[:, None] * n_states * size + np.arange(k)[None, :] * n_states)
    cells = off[:, :, None] + base[None, None, :]  # (K, K, P)
    cells.flags.writeable = False
    return cells, iu


def _pair_id(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """Rank of pair (i, j), i < j, in ``np.triu_indices(n, 1)`` order."""
    return i * n - i * (i + 1) // 2 + (j - i - 1)


class _Workspace:
    """Buffers reused year after year. Fresh arrays of a year's size (a few hundred kB) are mmap'd and
    page-faulted on every allocation, which costs more than the arithmetic done on them."""

    def __init__(self, n_states: int, k: int, max_items: int):
        m = k * n_states
        self.k = k
        self.x = np.zeros(m * max(max_items, 1), dtype=np.float32)
        self.g = np.empty(m * m, dtype=np.float32)
        self.tab = np.empty(k * k * max(n_states * (n_states - 1) // 2, 1), dtype=np.float32)

    def tables(self, s_loc: np.ndarray, cat: np.ndarray, item_loc: np.ndarray, local: np.ndarray,
               n_states: int) -> tuple[np.ndarray, np.ndarray]:
        """Contingency tables (K, K, P_y) of the pairs of the states that voted in one year, and the pairs' global
        ranks.

        One-hot matrix X (K·S_y x R) of the year's S_y voting states (``local``, sorted global indices; ``s_loc``
        the records' positions in it) and R roll calls; X Xᵀ holds every pair's joint counts. Only voting states
        enter, so the early years (55 members) cost a tenth of the late ones."""
        k, n_loc = self.k, local.size
        m, r = k * n_loc, int(item_loc.max()) + 1
        x = self.x[: m * r].reshape(m, r)
        x.fill(0.0)
        x[cat * n_loc + s_loc, item_loc] = 1.0  # float32 counts are exact below 2**24
        g = self.g[: m * m].reshape(m, m)
        np.matmul(x, x.T, out=g)
        cells, iu = _pair_cells(n_loc, k)
        tab = self.tab[: cells.size].reshape(cells.shape)
        np.take(g.ravel(), cells, out=tab)
        loc = local.astype(np.int64)
        return tab, _pair_id(loc[iu[0]], loc[iu[1]], n_states)


def _tables_for_year(s_loc: np.ndarray, cat: np.ndarray, item_loc: np.ndarray, local: np.ndarray, n_states: int,
                     k: int) -> tuple[np.ndarray, np.ndarray]:
    """One year's tables and pair ranks with a throw-away workspace (see :class:`_Workspace`)."""
    tab, pid = _Workspace(local.size, k, int(item_loc.max()) + 1).tables(s_loc, cat, item_loc, local, n_states)
    return tab.copy(), pid


def _state_index(iso3: pd.Series, index: pd.Index) -> np.ndarray:
    if isinstance(iso3.dtype, pd.CategoricalDtype):
        look = index.get_indexer(iso3.cat.categories)
        codes = iso3.cat.codes.to_numpy()
        return np.where(codes >= 0, look[codes], -1)
    return index.get_indexer(iso3)


def compute_panel(votes: pd.DataFrame, items: pd.DataFrame, *, k: int, states: list[str] | None = None,
                  years: tuple[int, int] | None = None, member_years: pd.DataFrame | None = None,
                  span: tuple[int, int] | None = None, series: str | None = None) -> pd.DataFrame:
    """The undirected dyad-year panel from scored records (pure: no warehouse).

    ``votes``: item, iso3, cat (0 yes, 1 abstain, 2 no, 3 absent), year, source. ``items``: item, year (every roll
    call of the selection). ``member_years``: iso3, year, member (bool) for the NA reasons; when None, a state
    without records is reported as having no recorded vote. Rows: every pair of ``states`` (default: every state
    with a record) for every year of ``span`` (default: the first to the last year with roll calls), within
    ``years``. ``series`` names the roll-call set in the ``series`` column and in ``source``.

    Year by year (one slice of the sorted votes, one matrix product, the measures of that year's pairs written
    straight into the output columns): every intermediate array stays small enough for the CPU cache.
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
    g = _by_year(votes, s_pos, lo, hi, grid.size)
    member = _members(member_years, s_pos, lo, hi, grid.size)
    t = _year_tables(votes, g, k, n_states, grid.size)
    reason, labels, uncountable = _na_reasons(codes, t["n_joint"], t["voted"], member, np.isin(grid, item_years))
    iu0, iu1 = np.triu_indices(n_states, 1)
    code_type = np.int16 if 2 + 2 * n_states < 2 ** 15 else np.int32
    out = {
        "a": pd.Categorical.from_codes(np.tile(iu0.astype(code_type), grid.size), categories=codes, validate=False),
        "b": pd.Categorical.from_codes(np.tile(iu1.astype(code_type), grid.size), categories=codes, validate=False),
        "year": np.repeat(grid, iu0.size),
        "n_joint": pd.arrays.IntegerArray(t["n_joint"], uncountable),
    }
    out.update(t["cols"])
    out["thin"] = pd.arrays.BooleanArray(t["n_joint"] < MIN_JOINT, uncountable)
    out["na_reason"] = pd.Categorical.from_codes(reason, categories=labels, validate=False)
    out["kappa_na"] = pd.Categorical.from_codes(t["no_var"].view(np.int8) - np.int8(1),
                                                categories=[_REASON_NO_VARIATION], validate=False)
    out["score"] = t["cols"]["agree_identical"]
    if series is not None:
        out["series"] = pd.Categorical.from_codes(np.zeros(len(reason), np.int8), categories=[series],
                                                  validate=False)
    out["source"] = _row_sources(votes, g["yrs_all"], grid, iu0.size, t["n_joint"], series)
    return pd.DataFrame(out, copy=False)


def _by_year(votes: pd.DataFrame, s_pos: pd.Index, lo: int, hi: int, n_years: int) -> dict[str, np.ndarray]:
    """The records of ``lo``..``hi`` grouped by year with one O(n) radix sort, each year's roll calls numbered
    0..R_y-1 through a small per-roll-call table (no sort of the records by roll call): ``order`` (record rows),
    ``s_idx``, ``cats``, ``item_loc`` and ``bounds`` (a year's slice), ``max_items`` and ``yrs_all``."""
    s_idx_all = _state_index(votes["iso3"], s_pos)
    yrs_all = votes["year"].to_numpy(dtype=np.int64)
    sel = np.flatnonzero((s_idx_all >= 0) & (yrs_all >= lo) & (yrs_all <= hi))
    yi = (yrs_all[sel] - lo).astype(np.int16)
    perm = np.argsort(yi, kind="stable")
    order, ys = sel[perm], yi[perm]
    item_codes, uniq = pd.factorize(votes["item"].to_numpy(dtype=np.int64))
    code_year = np.full(len(uniq), -1, dtype=np.int64)  # -1: a roll call outside the selection
    code_year[item_codes[sel]] = yi
    by_year = np.lexsort((np.arange(len(uniq)), code_year))
    first_of_year = np.searchsorted(code_year[by_year], code_year[by_year])
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[by_year] = np.arange(len(uniq)) - first_of_year
    return {"order": order, "s_idx": s_idx_all[order], "cats": votes["cat"].to_numpy(dtype=np.int64)[order],
            "item_loc": rank[item_codes[order]], "bounds": np.searchsorted(ys, np.arange(n_years + 1)),
            "max_items": int(np.bincount(code_year + 1).max()) if len(uniq) else 1, "yrs_all": yrs_all}


def _members(member_years: pd.DataFrame | None, s_pos: pd.Index, lo: int, hi: int, n_years: int) -> np.ndarray:
    """Year x state: a UN member (holding its seat); every state when no membership is given."""
    member = np.ones((n_years, len(s_pos)), dtype=bool)
    if member_years is not None and len(member_years):
        mm = member_years[member_years["iso3"].isin(s_pos) & member_years["year"].between(lo, hi)]
        member[:] = False
        member[mm["year"].to_numpy(dtype=np.int64) - lo, s_pos.get_indexer(mm["iso3"])] = mm["member"].to_numpy(bool)
    return member


def _year_tables(votes: pd.DataFrame, g: dict[str, np.ndarray], k: int, n_states: int,
                 n_years: int) -> dict[str, np.ndarray]:
    """Every measure of every pair, one matrix product per year (never a loop over pairs): ``n_joint``, ``cols``
    (measure -> array), ``no_var`` and ``voted`` (year x state)."""
    n_pairs = n_states * (n_states - 1) // 2
    n_rows = n_years * n_pairs
    n_joint = np.zeros(n_rows, dtype=np.int32)
    cols = {m: np.full(n_rows, np.nan) for m in MEASURES}
    no_var = np.zeros(n_rows, dtype=bool)
    voted = np.zeros((n_years, n_states), dtype=bool)
    to_local = np.full(n_states, -1, dtype=np.int64)
    ws = _Workspace(n_states, k, g["max_items"])
    s_idx, item_loc, bounds = g["s_idx"], g["item_loc"], g["bounds"]
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):  # ~80 small products: BLAS threads only add overhead
        for t in np.flatnonzero(np.diff(bounds)):
            a, b = bounds[t], bounds[t + 1]
            voted[t, s_idx[a:b]] = True
            local = np.flatnonzero(voted[t])
            to_local[local] = np.arange(local.size)
            s_loc, it_loc = to_local[s_idx[a:b]], item_loc[a:b]
            key = s_loc * (int(it_loc.max()) + 1) + it_loc
            twice = np.bincount(key)[key] > 1
            if twice.any():
                dup = votes.iloc[g["order"][a + int(np.flatnonzero(twice)[0])]]
                raise DataError("unga votes", f"two records for {dup['iso3']} on roll call {dup['item']}; expected "
                                "one per state", column="iso3")
            tab, pid = ws.tables(s_loc, g["cats"][a:b], it_loc, local, n_states)
            rows = pid + t * n_pairs  # rows of the panel
            res = measures_from_cells(tab)
            n_joint[rows] = res["n_joint"]
            for m in MEASURES:
                cols[m][rows] = res[m]
            no_var[rows] = res["no_variation"]
    return {"n_joint": n_joint, "cols": cols, "no_var": no_var, "voted": voted}


def _na_reasons(codes: list[str], n_joint: np.ndarray, voted: np.ndarray, member: np.ndarray,
                has_items: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Per row the code of why there is no score (-1: scored) into the returned labels, by precedence: no roll
    calls > not a member > no recorded vote > no joint vote; and where a count is no count (NA, never 0)."""
    n_states = len(codes)
    iu0, iu1 = np.triu_indices(n_states, 1)
    n_years = voted.shape[0]
    code_type = np.int16 if 2 + 2 * n_states < 2 ** 15 else np.int32  # state and reason codes
    status = np.where(voted, 0, np.where(member, 2, 1)).astype(np.int8)  # 0 voted, 1 not a member, 2 no record
    sa, sb = status[:, iu0].ravel(), status[:, iu1].ravel()
    pa_, pb_ = np.tile(iu0.astype(code_type), n_years), np.tile(iu1.astype(code_type), n_years)
    reason = np.where(n_joint == 0, 1, -1).astype(code_type)
    np.copyto(reason, pb_ + (2 + n_states), where=sb == 2)
    np.copyto(reason, pa_ + (2 + n_states), where=sa == 2)
    np.copyto(reason, pb_ + 2, where=sb == 1)
    np.copyto(reason, pa_ + 2, where=sa == 1)
    reason.reshape(n_years, iu0.size)[~has_items] = 0
    labels = [_REASON_NO_ROLL_CALLS, _REASON_NO_JOINT]
    labels += [f"{c} {_not_member_text(c)}" for c in codes] + [f"{c} cast no recorded vote" for c in codes]
    # a count is only a count where votes could have been cast: no roll calls, or a non-member, is NA, never 0
    uncountable = (reason == 0) | ((reason >= 2) & (reason < 2 + n_states))
    return reason, labels, uncountable


def _row_sources(votes: pd.DataFrame, yrs_all: np.ndarray, grid: np.ndarray, n_pairs: int, n_joint: np.ndarray,
                 series: str | None) -> pd.Categorical:
    """The tables behind each scored row ('<series>: a+b'), per year; NA where there is no joint vote."""
    src_cat = pd.Categorical(votes["source"])
    n_src = max(len(src_cat.categories), 1)
    y_min = int(yrs_all.min()) if yrs_all.size else 0
    seen = np.flatnonzero(np.bincount((yrs_all - y_min) * n_src + src_cat.codes, minlength=1))  # O(n), no sort
    src_year = pd.Series([str(src_cat.categories[c]) for c in seen % n_src], index=seen // n_src + y_min) \
        .groupby(level=0).agg(lambda x: "+".join(sorted(x)))
    if series is not None:
        src_year = f"{series}: " + src_year
    src_labels = sorted(set(src_year))
    src_code = pd.Series(range(len(src_labels)), index=src_labels)
    per_year = src_year.reindex(grid).map(src_code).fillna(-1).to_numpy(dtype=np.int16)
    src = np.where(n_joint > 0, np.repeat(per_year, n_pairs), np.int16(-1))
    return pd.Categorical.from_codes(src, categories=src_labels, validate=False)


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


def panel(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None, opts: Options, *,
          use_cache: bool = True) -> pd.DataFrame:
    """The undirected panel of one series for a selection of votes (a, b and the labels categorical). The
    all-states panel is kept in the derived cache (per options and code version)."""
    def compute(sel=None):
        votes, items, span = load_votes(wh, opts)
        codes = sorted(set(map(str, votes["iso3"].dropna().unique())) if sel is None else set(sel))
        return compute_panel(votes, items, k=opts.k, states=sel, member_years=membership(items, codes), span=span,
                             series=opts.series)

    if states is None:
        df = FAMILY.cached(wh, options_text(opts), compute, use_cache=use_cache)
        for c in ("a", "b"):
            if not isinstance(df[c].dtype, pd.CategoricalDtype):
                df[c] = df[c].astype("category")
    else:
        df = compute(states)
    if years is not None:
        df = df[df["year"].between(years[0], years[1])].reset_index(drop=True)
    return df


def compare(wh: Warehouse, states: list[str], years: tuple[int, int] | None = None, *,
            measure: str = "agree_identical", **options) -> pd.DataFrame:
    """Both series side by side for the dyads of ``states``: per dyad-year ``n_joint`` and ``measure`` of each,
    and ``diff`` = voeten - undl where both rest on at least :data:`MIN_JOINT` joint votes (the effect of the
    roll-call set: Voeten's amendment and paragraph votes, and recorded votes one source has and the other lacks)."""
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}", hint="choose from " + ", ".join(MEASURES))
    options.pop("series", None)
    parts = []
    for s in SERIES:
        d = dyad_years(wh, states, years, series=s, **options)
        parts.append(d[["a", "b", "year", "n_joint", measure]].rename(
            columns={"n_joint": f"n_{s}", measure: f"{measure}_{s}"}))
    out = parts[0].merge(parts[1], on=["a", "b", "year"], how="outer")
    enough = (out["n_undl"].fillna(0) >= MIN_JOINT) & (out["n_voeten"].fillna(0) >= MIN_JOINT)
    out["diff"] = (out[f"{measure}_voeten"] - out[f"{measure}_undl"]).where(enough.to_numpy(bool))
    out["source"] = "undl: " + us.UNDL + "+" + us.UNDL_2025 + "; voeten: " + (
        us.RAW if options.get("absences") == "category" else us.TIDY)
    return out.sort_values(["a", "b", "year"]).reset_index(drop=True)


def group_cohesion(wh: Warehouse, states: list[str], *, series: str = DEFAULT_SERIES, topic: str | None = None,
                   year_basis: str = "calendar") -> pd.DataFrame:
    """Joint cohesion of a group per year: the share of roll calls on which every member cast a vote (yes, no or
    abstain) and all voted alike (``unga_cohesion``), over ``unga_n_votes`` such roll calls. A stricter test than
    any dyad's agreement, which pairwise means can hide."""
    opts = Options(year_basis=year_basis, series=series, topic=topic)
    members = sorted(set(states))
    votes, _, _ = load_votes(wh, opts)
    v = votes[votes["iso3"].isin(members) & (votes["cat"] < 3)]
    g = v.groupby(["year", "item"], observed=True)["cat"].agg(["size", "nunique"])
    g = g[g["size"] == len(members)]
    out = (g["nunique"].eq(1).groupby(level="year").agg(["mean", "size"])
           .rename(columns={"mean": "unga_cohesion", "size": "unga_n_votes"}).reset_index())
    out["unga_series"] = series + (f" (topic {topic})" if topic else "")
    return out


def votes(wh: Warehouse, *, series: str = DEFAULT_SERIES, resolution: str | None = None, topic: str | None = None,
          years: tuple[int, int] | None = None, states: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Individual votes: (roll calls chosen, long table item, symbol, date, iso3, vote) for a resolution symbol,
    a topic and/or calendar years; ``states`` restricts the voters."""
    us.check_series(series)
    topic = us.check_topic(topic)
    if resolution is None and topic is None and years is None:
        raise UsageError("say which votes: --resolution, --topic or --year", hint="e.g. --resolution A/RES/ES-11/1")
    chosen = us.find(wh, series, resolution=resolution, topic=topic, years=years)
    rows = us.vote_rows(wh, series, chosen)
    if states is not None:
        rows = rows[rows["iso3"].isin(states)]
    rows = rows.merge(chosen[["item", "symbol", "date"]], on="item")
    return chosen, rows[["item", "symbol", "date", "iso3", "vote"]].sort_values(["date", "symbol", "iso3"])


class Unga(Family):
    name = "unga"
    label = "UNGA vote agreement"
    domain = "political"
    description = (
        "UN General Assembly recorded votes, two named series never spliced: undl (default; UN Digital Library, "
        "adopted resolutions 1946-2025, 2025 with the 3DL scrape) and voeten (Voeten, Strezhnev & Bailey, all roll "
        "calls to January 2020). Identical-vote share (score), Voeten agreement (abstain = 0.5), Signorino-Ritter S "
        "with and without abstentions, quadratic-weighted Cohen's kappa (own marginals) and Scott's pi (pooled "
        "marginals); absences missing or a category; topics (ukraine, es11, dprk); thin = fewer than 10 joint votes."
    )
    columns = COLUMNS
    coverage = (1946, 2025)
    citation = f"undl: {CITATION_UNDL}; {CITATION_2025}. voeten: {VOETEN}"
    docs = "docs/measures/unga.md"
    Options = Options

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        """``score`` = ``agree_identical``; a, b and the label columns as plain strings (missing = NA);
        :func:`directed` gives both orderings of every dyad."""
        df = panel(wh, states, years, options, use_cache=use_cache)
        for c in ("a", "b", "na_reason", "kappa_na", "source", "series"):
            if c in df.columns:
                df[c] = _as_str(df[c])
        return df

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        from ..report import figures_unga

        return figures_unga.agreement_figure(wh, [first, second], years=years)


FAMILY = register(Unga())
dyad_years = FAMILY.dyad_years
