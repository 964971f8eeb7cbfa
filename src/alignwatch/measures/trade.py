"""Trade dependence, balance and asymmetry per dyad-year, with every source series kept apart.

Two kinds of input, never merged:

* **COW Trade v4.0** (Barbieri & Keshk 2016; ``ps_cow_trade_ndy`` and ``ps_cow_trade_sy``), any dyad, to 2014.
  ``flow1`` is ccode1's imports from ccode2 and ``flow2`` ccode2's imports from ccode1 (importer-reported, millions
  of current USD), so a state's *exports* to its partner are the partner's reported imports.
* **The chronology's DPRK series** (``chr_trade_prk``, to 2025): KOTRA, KITA, ITC Trade Map mirror data, Chinese
  customs (GACC) and Russian customs figures, DPRK–CHN and DPRK–RUS only, in the DPRK's perspective. Its
  ``COW_v4_IMF_DOTS`` rows were computed from the same COW files and are left out here (COW is read directly).

Sources disagree (KOTRA's DPRK totals exclude inter-Korean trade; Chinese customs report China's side only), so
every series is a row of its own (``series``) and the disagreement is reported per year (``n_series``,
``spread_total``, ``spread_score``). The headline ``score`` comes from one preferred series per year (rule in
:data:`SERIES_ORDER`). No trade-composition (commodity) data are in the mirror, so composition is not measured.

Definitions (documented with citations in ``docs/measures/trade.md``):
``dep_a`` = bilateral trade / a's total trade (Barbieri 1996 "trade share"); ``balance_a`` = a's exports to b minus
a's imports from b; ``asymmetry`` = dep_a - dep_b; ``salience`` = sqrt(dep_a * dep_b) (Barbieri 1996);
``score`` = the larger of dep_a and dep_b (the more dependent side's dependence, Hirschman 1945); NA in COW where
one side's total trade is missing; for the chronology series (DPRK side only) the DPRK's dependence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..warehouse import Warehouse, cached
from .registry import Family, check_years, register

COW = "COW_v4"
COW_LAST_YEAR = 2014
CHR_COW = "COW_v4_IMF_DOTS"  # chronology rows recomputed from the COW files: read COW directly instead
# Preferred series for the headline score: COW while it lasts (one consistent, importer-reported source for every
# dyad), then KOTRA (the standard DPRK series; its totals are the DPRK's total trade excluding inter-Korean trade,
# the right denominator for dependence), KITA, ITC Trade Map mirror data, then the partners' own customs (which
# report the bilateral value but not the DPRK's total, hence no dependence).
SERIES_ORDER = (COW, "KOTRA", "KITA", "ITC_TradeMap_mirror", "GACC", "Russian_customs", "Russian_govt_customs")

SERIES_CITATION = {
    COW: "COW Trade v4.0 (Barbieri & Keshk 2016), via peacesciencer",
    "KOTRA": "KOTRA (Korea Trade-Investment Promotion Agency), North Korea foreign trade trends, as reported in "
             "the press (chronology/trade_prk.csv)",
    "KITA": "KITA (Korea International Trade Association), as reported in the press (chronology/trade_prk.csv)",
    "ITC_TradeMap_mirror": "ITC Trade Map mirror data, as reported in the press (chronology/trade_prk.csv)",
    "GACC": "China General Administration of Customs, as reported in the press (chronology/trade_prk.csv)",
    "Russian_customs": "Russian Federal Customs Service, as reported by TASS (chronology/trade_prk.csv)",
    "Russian_govt_customs": "Russian government (Kremlin) customs figure, as reported by TASS "
                            "(chronology/trade_prk.csv)",
}

# COW records exact zeros for dyads whose trade existed but was not reported to the IMF (intra-bloc trade of
# centrally planned economies). These zeros are missing values, not zeros: (pair, first year, last year, reason).
KNOWN_MISSING = (
    (("PRK", "RUS"), 1948, 1991, "USSR-DPRK trade (the DPRK's largest partner) is 0 in COW; the chronology README "
                                 "also treats it as missing"),
    (("CHN", "RUS"), 1960, 1963, "Sino-Soviet trade continued after the split but is 0 in COW"),
    (("CHN", "PRK"), 1949, 1961, "China-DPRK trade is 0 in COW's only row before 1978 (1961), the year of the "
                                 "alliance treaty, when China was a main partner of the DPRK"),
)

_CONF_RANK = {"low": 0, "medium": 1, "high": 2}
COLUMNS = ("total", "series", "dep_a", "dep_b", "balance_a", "exports_ab", "exports_ba", "asymmetry", "salience",
           "n_series", "spread_total", "spread_score", "confidence")
LONG_COLUMNS = ["a", "b", "year", "series", "exports_ab", "exports_ba", "total", "dep_a", "dep_b", "confidence",
                "source"]

_NDY_SQL = """
SELECT iso3_1, iso3_2, year, flow1, flow2, smoothflow1, smoothflow2 FROM ps_cow_trade_ndy
WHERE (? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))))
  AND year BETWEEN ? AND ?
"""
_SY_SQL = """
SELECT iso3, year, imports, exports FROM ps_cow_trade_sy
WHERE (? OR iso3 IN (SELECT unnest(?::VARCHAR[]))) AND year BETWEEN ? AND ?
"""
_CHR_SQL = """
SELECT year, partner, flow, value, unit, source_series, source, confidence FROM chr_trade_prk
WHERE year BETWEEN ? AND ?
"""


# ----------------------------------------------------------------------------------------------- pure functions


def _orient(x: pd.Series, y: pd.Series) -> np.ndarray:
    """True where (x, y) is already in undirected order (x < y)."""
    return (x.astype(str) < y.astype(str)).to_numpy()


def cow_series(ndy: pd.DataFrame, sy: pd.DataFrame) -> pd.DataFrame:
    """COW dyadic flows as undirected long rows (series ``COW_v4``).

    ``ndy`` has iso3_1, iso3_2, year, flow1, flow2 (and optionally smoothflow1/2); ``sy`` has iso3, year, imports,
    exports. A flow missing in COW stays NA and so does the total (a half-reported dyad is not a small one).
    Confidence is "medium" (a derived research dataset, graded as the chronology grades its COW rows) and "low"
    where COW's own smoothing replaced a raw flow (a suspected spike or dip, e.g. RUS-PRK 1996).
    """
    if ndy.empty:
        return pd.DataFrame(columns=LONG_COLUMNS + ["smoothed"])
    d = ndy.copy()
    keep = _orient(d["iso3_1"], d["iso3_2"])
    f1, f2 = d["flow1"].astype("Float64"), d["flow2"].astype("Float64")
    out = pd.DataFrame({
        "a": np.where(keep, d["iso3_1"], d["iso3_2"]),
        "b": np.where(keep, d["iso3_2"], d["iso3_1"]),
        "year": d["year"].astype(int).to_numpy(),
        # flow2 = imports of ccode2 from ccode1 = exports 1 -> 2
        "exports_ab": np.where(keep, f2, f1),
        "exports_ba": np.where(keep, f1, f2),
    })
    out[["exports_ab", "exports_ba"]] = out[["exports_ab", "exports_ba"]].astype("Float64")
    if {"smoothflow1", "smoothflow2"} <= set(d.columns):
        s1, s2 = d["smoothflow1"].astype("Float64"), d["smoothflow2"].astype("Float64")
        smoothed = ((f1 != s1) | (f2 != s2)).fillna(False).to_numpy(dtype=bool)
    else:
        smoothed = np.zeros(len(d), dtype=bool)
    out["smoothed"] = smoothed
    for (p, q), lo, hi, _why in KNOWN_MISSING:
        bad = (out["a"] == p) & (out["b"] == q) & out["year"].between(lo, hi)
        out.loc[bad, ["exports_ab", "exports_ba"]] = pd.NA
    # two COW codes can map to one ISO3 in a transition year (e.g. GFR and Germany in 1990): add them up
    dup = out.duplicated(["a", "b", "year"], keep=False).to_numpy()
    if dup.any():  # a handful of rows: a missing part makes the sum missing
        merged = out[dup].groupby(["a", "b", "year"], as_index=False).agg(
            exports_ab=("exports_ab", lambda s: s.sum(min_count=len(s))),
            exports_ba=("exports_ba", lambda s: s.sum(min_count=len(s))),
            smoothed=("smoothed", "any"))
        out = pd.concat([out[~dup], merged], ignore_index=True)
    out["total"] = out["exports_ab"] + out["exports_ba"]
    tot = sy.assign(tot=sy["imports"].astype("Float64") + sy["exports"].astype("Float64"))
    tot = tot.groupby(["iso3", "year"], as_index=False)["tot"].sum(min_count=1)
    tot["year"] = tot["year"].astype(int)
    tot.loc[tot["tot"] <= 0, "tot"] = pd.NA  # a zero national total cannot be a denominator
    for side in ("a", "b"):
        m = out[[side, "year"]].merge(tot, left_on=[side, "year"], right_on=["iso3", "year"], how="left")
        out[f"dep_{side}"] = (out["total"] / m["tot"].to_numpy()).astype("Float64")
    out["series"] = COW
    out["confidence"] = np.where(out["smoothed"], "low", "medium")
    out["source"] = "ps_cow_trade_ndy+ps_cow_trade_sy"
    return out[LONG_COLUMNS + ["smoothed"]]


def chronology_series(chr_trade: pd.DataFrame) -> pd.DataFrame:
    """The chronology's DPRK trade rows (one row per flow and series) as undirected long rows, one per series-year.

    Flows are from the DPRK side: ``exports_to_partner`` (= the partner's imports from the DPRK),
    ``imports_from_partner``, ``total`` and ``partner_share_of_total`` (percent of the DPRK's total trade). The
    total is the reported one, else exports + imports when both are reported. Only the DPRK's dependence is known
    (the partners' total trade is not in these rows). A row's confidence is the lowest of the values it combines.
    """
    c = chr_trade[chr_trade["source_series"] != CHR_COW].copy()
    if c.empty:
        return pd.DataFrame(columns=LONG_COLUMNS)
    c["year"] = c["year"].astype(int)
    c["value"] = c["value"].astype(float)
    key = ["partner", "year", "source_series"]
    wide = c.pivot_table(index=key, columns="flow", values="value", aggfunc="first")
    wide = wide.reindex(columns=["exports_to_partner", "imports_from_partner", "total", "partner_share_of_total"])
    meta = c.assign(rank=c["confidence"].map(_CONF_RANK)).groupby(key).agg(
        rank=("rank", "min"), source=("source", lambda s: "; ".join(dict.fromkeys(s.dropna()))))
    w = wide.join(meta).reset_index()
    total = w["total"].where(w["total"].notna(), w["exports_to_partner"] + w["imports_from_partner"])
    prk_first = _orient(pd.Series("PRK", index=w.index), w["partner"])
    out = pd.DataFrame({
        "a": np.where(prk_first, "PRK", w["partner"]),
        "b": np.where(prk_first, w["partner"], "PRK"),
        "year": w["year"].to_numpy(),
        "series": w["source_series"].to_numpy(),
        "exports_ab": np.where(prk_first, w["exports_to_partner"], w["imports_from_partner"]),
        "exports_ba": np.where(prk_first, w["imports_from_partner"], w["exports_to_partner"]),
        "total": total.to_numpy(),
    })
    dep_prk = (w["partner_share_of_total"] / 100.0).to_numpy()
    out["dep_a"] = np.where(prk_first, dep_prk, np.nan)
    out["dep_b"] = np.where(prk_first, np.nan, dep_prk)
    for col in ("exports_ab", "exports_ba", "total", "dep_a", "dep_b"):
        out[col] = pd.array(out[col].astype(float), dtype="Float64")
    inv = {v: k for k, v in _CONF_RANK.items()}
    out["confidence"] = w["rank"].map(inv).to_numpy()
    out["source"] = ("chr_trade_prk:" + w["source_series"] + " (" + w["source"] + ")").to_numpy()
    return out[LONG_COLUMNS]


def _series_rank(series: pd.Series) -> np.ndarray:
    codes = pd.Categorical(series, categories=list(SERIES_ORDER)).codes
    return np.where(codes < 0, len(SERIES_ORDER), codes)


def add_spread(long: pd.DataFrame) -> pd.DataFrame:
    """Per dyad-year disagreement between series: how many series cover it, and max - min of the total and of
    each series' score (the larger dependence). Zero spread with one series means "nothing to compare"."""
    out = long.copy()
    # COW: the larger dependence needs both sides (with one side's total missing we cannot tell which side is
    # more dependent); the chronology reports only the DPRK's side, which is always the more dependent one
    both = out[["dep_a", "dep_b"]].max(axis=1, skipna=False)
    either = out[["dep_a", "dep_b"]].max(axis=1, skipna=True)
    out["score"] = both.where(out["series"].eq(COW), either).astype("Float64")
    g = out.groupby(["a", "b", "year"])
    out["n_series"] = g["series"].transform("size").astype(int)
    for col, name in (("total", "spread_total"), ("score", "spread_score")):
        spread = g[col].transform("max") - g[col].transform("min")
        n = g[col].transform("count")
        out[name] = spread.where(n >= 2).astype("Float64")
    return out


def trade_long(cow: pd.DataFrame, chron: pd.DataFrame, *, include_low: bool = True) -> pd.DataFrame:
    """All series, one row per dyad-year and series, sorted, with the per-year spread columns."""
    parts = [p for p in (cow.drop(columns=["smoothed"], errors="ignore"), chron) if not p.empty]
    if not parts:
        long = pd.DataFrame(columns=LONG_COLUMNS)
    else:
        long = pd.concat(parts, ignore_index=True)
    # a row without any value (a COW zero known to be missing, an unreported COW flow) is no observation
    long = long[long[["exports_ab", "exports_ba", "total", "dep_a", "dep_b"]].notna().any(axis=1)]
    if not include_low:
        long = long[long["confidence"] != "low"]
    long = add_spread(long)
    long["rank"] = _series_rank(long["series"])
    long = long.sort_values(["a", "b", "year", "rank"]).drop(columns="rank").reset_index(drop=True)
    return long


def headline(long: pd.DataFrame) -> pd.DataFrame:
    """One row per dyad-year from the preferred series: the first in :data:`SERIES_ORDER` that gives a score
    (a dependence); where no series gives one, the first with any value (its score stays NA)."""
    if long.empty:
        return long.assign(balance_a=pd.Series(dtype="Float64"))
    d = long.assign(rank=_series_rank(long["series"]), noscore=long["score"].isna())
    d = d.sort_values(["a", "b", "year", "noscore", "rank"])
    top = d.drop_duplicates(["a", "b", "year"], keep="first").drop(columns=["rank", "noscore"])
    top = top.assign(
        balance_a=top["exports_ab"] - top["exports_ba"],
        asymmetry=top["dep_a"] - top["dep_b"],
        salience=np.sqrt((top["dep_a"] * top["dep_b"]).astype(float)),
    )
    top["salience"] = top["salience"].astype("Float64")
    return top.reset_index(drop=True)


def directed(long: pd.DataFrame, state: str, partner: str) -> pd.DataFrame:
    """The long table seen from ``state``: its exports to and imports from ``partner``, its balance and its
    dependence (partner's share of its total trade), one row per year and series."""
    a, b = sorted((state, partner))
    d = long[(long["a"] == a) & (long["b"] == b)].copy()
    flip = state != a
    pick = (lambda x, y: d[y] if flip else d[x])
    out = pd.DataFrame({
        "year": d["year"], "state": state, "partner": partner, "series": d["series"],
        "exports": pick("exports_ab", "exports_ba"), "imports": pick("exports_ba", "exports_ab"),
        "total": d["total"],
        "dependence": pick("dep_a", "dep_b"), "partner_dependence": pick("dep_b", "dep_a"),
    })
    out["balance"] = out["exports"] - out["imports"]
    out["asymmetry"] = out["dependence"] - out["partner_dependence"]
    out["n_series"] = d["n_series"]
    out["spread_total"] = d["spread_total"]
    out["spread_score"] = d["spread_score"]
    out["confidence"] = d["confidence"]
    out["source"] = d["source"]
    cols = ["year", "state", "partner", "series", "exports", "imports", "total", "balance", "dependence",
            "partner_dependence", "asymmetry", "n_series", "spread_total", "spread_score", "confidence", "source"]
    return out[cols].reset_index(drop=True)


def spread_table(long: pd.DataFrame) -> pd.DataFrame:
    """Per dyad-year disagreement summary: series present, min/max of total and score across series."""
    g = long.groupby(["a", "b", "year"])
    out = g.agg(n_series=("n_series", "first"), series=("series", lambda s: ", ".join(s)),
                total_min=("total", "min"), total_max=("total", "max"),
                score_min=("score", "min"), score_max=("score", "max")).reset_index()
    out["spread_total"] = out["total_max"] - out["total_min"]
    out["spread_score"] = out["score_max"] - out["score_min"]
    return out


# ------------------------------------------------------------------------------------------ warehouse readers


def _check_years(years: tuple[int, int] | None) -> tuple[int, int]:
    return check_years(years) or (1816, 2100)


def series(wh: Warehouse, states: list[str] | None = None, years: tuple[int, int] | None = None, *,
           include_low: bool = True) -> pd.DataFrame:
    """Every series as long rows for dyads among ``states`` (all COW dyads when None)."""
    wh.require("ps_cow_trade_ndy", "ps_cow_trade_sy", "chr_trade_prk")
    lo, hi = _check_years(years)
    everyone = states is None
    codes = [] if everyone else sorted(set(states))
    ndy = wh.query(_NDY_SQL, [everyone, codes, codes, lo, hi])
    sy = wh.query(_SY_SQL, [everyone, codes, lo, hi])
    chron = chronology_series(wh.query(_CHR_SQL, [lo, hi]))
    if not everyone:
        chron = chron[chron["a"].isin(codes) & chron["b"].isin(codes)]
    return trade_long(cow_series(ndy, sy), chron, include_low=include_low)


def last_year(wh: Warehouse) -> int:
    """The last year any trade series covers (the chronology's last year)."""
    if not wh.has("chr_trade_prk"):  # no mirror: the compiled table is absent, COW's series ends the data
        return COW_LAST_YEAR
    r = wh.query("SELECT max(year) AS y FROM chr_trade_prk")
    return int(r["y"].iloc[0]) if len(r) and pd.notna(r["y"].iloc[0]) else COW_LAST_YEAR


def dyad_years(wh: Warehouse, states: list[str] | None = None, years: tuple[int, int] | None = None, *,
               include_low: bool = True) -> pd.DataFrame:
    """Headline trade measures per undirected dyad-year (see the module docstring).

    With ``states`` given, every dyad among them gets a row for every year from its first covered year to the
    last year of the trade data (within ``years``): years no series covers are NA, never 0 (e.g. DPRK-Russia
    after 2020 is a recorded gap).
    """
    if states is not None and len(set(states)) < 2:
        raise UsageError("trade needs at least two states", hint="e.g. alignwatch dyad PRK CHN --measure trade")
    if states is None and years is None:  # every COW dyad: computed once per ingest
        key = "trade_dyad_years" + ("" if include_low else "_nolow")
        return cached(wh, key, lambda: _dyad_years(wh, None, None, include_low))
    return _dyad_years(wh, states, years, include_low)


def _dyad_years(wh: Warehouse, states, years, include_low: bool) -> pd.DataFrame:
    long = series(wh, states, years, include_low=include_low)
    top = headline(long)
    if states is not None:
        codes = sorted(set(states))
        pairs = pd.DataFrame([(x, y) for i, x in enumerate(codes) for y in codes[i + 1:]], columns=["a", "b"])
        # from the pair's first covered year to the data's last year, within the requested years (a pair no
        # series covers gets one NA row, the last year)
        end = min(years[1], last_year(wh)) if years else last_year(wh)
        first = top[top["n_series"] > 0].groupby(["a", "b"], as_index=False)["year"].min()
        pairs = pairs.merge(first, on=["a", "b"], how="left")
        pairs["start"] = pairs["year"].fillna(end).astype(int)
        if years:
            pairs["start"] = pairs["start"].clip(lower=years[0], upper=end)
        n = (end - pairs["start"] + 1).clip(lower=0).to_numpy()
        frame = pd.DataFrame({"a": np.repeat(pairs["a"].to_numpy(), n), "b": np.repeat(pairs["b"].to_numpy(), n)})
        frame["year"] = np.concatenate([np.arange(s0, end + 1) for s0 in pairs["start"]]) if len(pairs) else []
        frame["year"] = frame["year"].astype(int)
        top = frame.merge(top, on=["a", "b", "year"], how="left")
    top["n_series"] = top["n_series"].fillna(0).astype(int)
    cols = ["a", "b", "year", *COLUMNS, "score", "source"]
    return top[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)


register(Family(
    name="trade",
    label="Trade dependence (COW to 2014; DPRK series to 2025)",
    domain="economic",
    dyad_years=dyad_years,
    description="partner's share of each side's total trade, balance, asymmetry; score = the larger dependence "
                "from the preferred series (COW to 2014, then KOTRA, KITA, ITC, GACC, Russian customs)",
    columns=COLUMNS,
))
