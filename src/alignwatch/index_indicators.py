"""The observations of the index's measurement model: every family's score (and every trade series) as an
indicator ``y`` with the standard error ``se`` of its own sampling, per dyad-year.

Why a table of adapters rather than each family's ``score`` as is: the model needs, for each observation, how
precisely the source measured it (a UNGA share from one joint vote is not a share from 90), and a few scores need a
documented reading before they are linear-Gaussian indicators of alignment:

- shares with a count (UNGA and UNSC agreement, positions, arms dependence, ICEWS net cooperation) carry the
  binomial standard error of a share of ``n`` (Agresti-Coull floor, so 0 % or 100 % of one vote is not certain);
- diplomatic representation gives its own ``score_se`` and is observed every five years: the carried years are
  the same observation again, so only observation years enter (the model's dynamics fill the years between);
- ideal-point closeness carries ``sqrt(se_a^2 + se_b^2)`` from the ideal points' own standard errors;
- visits are counts of weighted meetings: square-root transformed (variance-stabilising for counts; Anscombe 1948)
  with the Poisson standard error of that root, ``0.5 * sqrt(mean weight)``;
- co-belligerency speaks only when the two fought (``n > 0``): not fighting together is not evidence of
  non-alignment, and a 0 for the 91 % of dyad-years without a shared conflict would make the indicator measure
  war-proneness instead;
- dependence shares (arms, trade) pile up near 0 with a long tail, so they enter as ``asin(sqrt(share))``;
- trade is one indicator per series and measure: the dependence of the more dependent side (``trade.dep:<series>``)
  and the log bilateral total (``trade.vol:<series>``, ``ln(1 + USD million)``), each with its own offset and
  noise, so that a change of source (COW to KOTRA, KOTRA to GACC) is a change of indicator, not of the index;
  where COW smoothed a flow (a suspected reporting spike), the smoothed value is observed with the gap between the
  two readings as its standard error (:func:`cow_readings`).

Families not listed in :data:`ADAPTERS` enter with their ``score`` and no sampling error (a census such as
treaties in force, alliance and IGO portfolios, or a text similarity).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .errors import AlignwatchError
from .measures import families

COLUMNS = ["a", "b", "year", "family", "indicator", "domain", "y", "se", "source"]


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").astype(float).to_numpy()


def share_se(p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Binomial standard error of a share ``p`` of ``n`` trials with the Agresti-Coull adjustment (add two
    successes and two failures): a share of 1 from one vote has SE 0.22, not 0; NaN where ``n`` is unknown."""
    n = np.where(n > 0, n, np.nan)
    pt = (np.clip(p, 0, 1) * n + 2) / (n + 4)
    return np.sqrt(pt * (1 - pt) / (n + 4))


def _share(count: str) -> Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    def adapt(df):
        y = _num(df, "score")
        return y, share_se(y, _num(df, count)), np.ones(len(df), bool)
    return adapt


def asin_sqrt(p: np.ndarray, se: np.ndarray | None = None):
    """The variance-stabilising transform of a share, ``asin(sqrt(p))`` (Anscombe 1948), and its standard error
    by the delta method: dependence shares are piled up near 0 with a long tail (PRK-CHN near 0.9), which a
    linear-Gaussian indicator reads badly on the raw scale."""
    p = np.clip(p, 0, 1)
    t = np.arcsin(np.sqrt(p))
    if se is None:
        return t, np.zeros(len(p))
    with np.errstate(divide="ignore", invalid="ignore"):
        d = 0.5 / np.sqrt(np.clip(p * (1 - p), 1e-4, None))
    return t, se * d


def _arms(df):
    # a 0 share with no deal delivered is an exact 0 (both imported arms, none from the other): no sampling error
    y, n = _num(df, "score"), _num(df, "n")
    t, se = asin_sqrt(y, np.where(n > 0, share_se(y, n), 0.0))
    return t, se, np.ones(len(df), bool)


def _events(df):
    # net cooperation (c - k) / (c + k) = 2p - 1 with p the cooperative share of c + k events
    y = _num(df, "score")
    n = _num(df, "icews_events")
    return y, 2 * share_se((y + 1) / 2, n), np.ones(len(df), bool)


def _diplomacy(df):
    y = _num(df, "score")
    carried = _num(df, "carried")
    return y, np.nan_to_num(_num(df, "score_se"), nan=0.0), ~(carried > 0)


def _idealpoints(df):
    return _num(df, "score"), np.sqrt(_num(df, "se_a") ** 2 + _num(df, "se_b") ** 2), np.ones(len(df), bool)


def _visits(df):
    w, n = _num(df, "score"), _num(df, "n_meetings")
    mean_w = np.where(n > 0, w / np.where(n > 0, n, 1), 1.0)
    return np.sqrt(np.clip(w, 0, None)), 0.5 * np.sqrt(mean_w), np.ones(len(df), bool)


def _cobelligerency(df):
    return _num(df, "score"), np.zeros(len(df)), _num(df, "n") > 0


# family -> adapter(dyad_years frame) -> (y, se, keep)
ADAPTERS: dict[str, Callable] = {
    "unga": _share("n_joint"),
    "unsc": _share("n_joint"),
    "positions": _share("n"),
    "arms": _arms,
    "events": _events,
    "diplomacy": _diplomacy,
    "idealpoints": _idealpoints,
    "visits": _visits,
    "cobelligerency": _cobelligerency,
}

TRANSFORMS = {"visits": "sqrt(weighted meetings)", "trade.vol": "ln(1 + total, USD million)",
              "trade.dep": "asin(sqrt(dependence))", "arms": "asin(sqrt(dependence))",
              "cobelligerency": "only years with a shared conflict", "diplomacy": "observation years only"}


def _frame(df: pd.DataFrame, family: str, domain: str, y, se, keep, indicator=None) -> pd.DataFrame:
    out = pd.DataFrame({
        "a": df["a"].astype(str).to_numpy(), "b": df["b"].astype(str).to_numpy(),
        "year": pd.to_numeric(df["year"]).astype(int).to_numpy(),
        "family": family, "indicator": indicator if indicator is not None else family, "domain": domain,
        "y": np.asarray(y, float), "se": np.nan_to_num(np.asarray(se, float), nan=0.0),
        "source": df["source"].astype(str).to_numpy() if "source" in df.columns else family,
    })
    return out[np.asarray(keep, bool) & np.isfinite(out["y"].to_numpy())]


def trade_values(long: pd.DataFrame) -> dict[str, np.ndarray]:
    """The two trade indicators' values per long row: ``dep``, the asin-sqrt dependence of the more dependent
    side, and ``vol``, the log bilateral total."""
    return {"dep": asin_sqrt(_num(long, "score"))[0], "vol": np.log1p(np.clip(_num(long, "total"), 0, None))}


def cow_readings(raw: pd.DataFrame, smooth: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per measure, (y, se) for each row of ``raw`` (the long trade table with COW's raw flows), given ``smooth``
    (the same with COW's smoothed flows).

    Where COW's smoothing replaced a flow (a suspected reporting spike or dip: RUS-PRK 1996 reads 347/577 raw,
    16/79 smoothed; Barbieri, Keshk & Pollins 2009), the two are readings of one flow: the observation is COW's
    corrected value and the gap between the readings is its standard error, so a spike neither enters at full
    weight nor is thrown away. Every other row (and every other series) is observed as is, with no error."""
    from .measures.trade import COW

    keys = ["a", "b", "year", "series"]
    cow = smooth[keys].assign(_at=np.arange(len(smooth)))
    cow = cow[cow["series"].astype(str) == COW].drop_duplicates(keys)  # one COW row per dyad-year
    match = raw[keys].merge(cow, on=keys, how="left", validate="many_to_one")["_at"]
    have = (match.notna() & (raw["series"].astype(str) == COW).to_numpy()).to_numpy()
    at = match.fillna(0).astype(int).to_numpy()
    out = {}
    raw_v, smooth_v = trade_values(raw), trade_values(smooth)
    for m in ("dep", "vol"):
        r = raw_v[m]
        s = np.where(have, smooth_v[m][at], np.nan)
        both = np.isfinite(r) & np.isfinite(s)
        out[m] = np.where(both, s, r), np.where(both, np.abs(r - s), 0.0)
    return out


def trade_indicators(wh, states: list[str], domain: str) -> pd.DataFrame:
    """Trade as one indicator per series and measure (see the module docstring), from the family's long table;
    COW's smoothed flows temper its suspected spikes (:func:`cow_readings`)."""
    from .measures import trade

    both = trade.series_by_flows(wh, states, None)
    long = both["raw"]
    if long.empty:
        return pd.DataFrame(columns=COLUMNS)
    readings = cow_readings(long, both["smoothed"])
    parts = []
    for measure, (values, se) in readings.items():
        ind = [f"trade.{measure}:{s}" for s in long["series"].astype(str)]
        src = [f"{s}: {x}" for s, x in zip(long["series"].astype(str), long["source"].astype(str))]
        parts.append(_frame(long.assign(source=src), "trade", domain, values, se, np.ones(len(long), bool), ind))
    return pd.concat(parts, ignore_index=True)


def indicator_panel(wh, states: list[str], weights, notes: list[str] | None = None) -> pd.DataFrame:
    """Long table (a, b, year, family, indicator, domain, y, se, source) of every family the weights include,
    for every dyad among ``states``; a family whose tables are absent is reported in ``notes``, not fatal."""
    frames = []
    for name, fam in families().items():
        domain = weights.domain_of(name)
        if domain is None:
            continue
        try:
            if name == "trade":
                frames.append(trade_indicators(wh, states, domain))
                continue
            df = fam.dyad_years(wh, states, None)
        except AlignwatchError as e:
            if notes is not None:
                notes.append(f"{name}: skipped ({e})")
            continue
        if df.empty or "score" not in df.columns:
            continue
        df = df[df["a"].isin(states) & df["b"].isin(states)].reset_index(drop=True)
        adapt = ADAPTERS.get(name, lambda d: (_num(d, "score"), np.zeros(len(d)), np.ones(len(d), bool)))
        frames.append(_frame(df, name, domain, *adapt(df)))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    # one observation per indicator and dyad-year (a family never reports two; guard against a duplicated row)
    out = out.groupby(["a", "b", "year", "indicator"], as_index=False, sort=True).agg(
        family=("family", "first"), domain=("domain", "first"), y=("y", "mean"), se=("se", "max"),
        source=("source", "first"))
    return out[COLUMNS]


BASE_SERIES = {"trade": "COW_v4"}  # per family with series: the series every other one is bridged to


def bases(indicators) -> dict[str, str | None]:
    """Each series indicator's base (``trade.dep:KOTRA`` -> ``trade.dep:COW_v4``), None for the others: a series
    shares its base's loading (same construct, same units) and has its offset shrunk towards the base's."""
    have = set(indicators)
    out: dict[str, str | None] = {}
    for i in have:
        base = None
        if ":" in i:
            group = i.split(":", 1)[0]
            cand = f"{group}:{BASE_SERIES.get(group.split('.')[0], '')}"
            base = cand if cand != i and cand in have else None
        out[i] = base
    return out
