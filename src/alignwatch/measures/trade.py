"""Trade dependence, balance and asymmetry per dyad-year, with every source series kept apart.

Three kinds of input, never merged:

* **COW Trade v4.0** (Barbieri & Keshk 2016; ``ps_cow_trade_ndy`` and ``ps_cow_trade_sy``), any dyad, to 2014.
  ``flow1`` is ccode1's imports from ccode2 and ``flow2`` ccode2's imports from ccode1 (importer-reported, millions
  of current USD, rounded to whole millions in the peacesciencer extract), so a state's *exports* to its partner
  are the partner's reported imports.
* **The partners' customs** (``trade_prk_customs``, the package's curated table, 2014-2025): China's customs
  (series ``GACC``) and Russia's customs statistics (series ``RU_customs``) as quoted by news agencies, one cited
  row per published figure. The series takes one annual figure per year and flow by a fixed rule
  (:func:`pick_reports`) and names the other reports of the same figure in ``note``; the partners report only the
  bilateral flows, not the DPRK's total, so these series give no dependence.
* **The chronology's DPRK series** (``chr_trade_prk``): KOTRA, KITA and ITC Trade Map mirror data, DPRK-CHN and
  DPRK-RUS only, in the DPRK's perspective. Its ``COW_v4_IMF_DOTS`` rows were computed from the same COW files and
  its customs rows are superseded by the curated table, so both are left out here (never counted twice).

Sources disagree (KOTRA's DPRK totals exclude inter-Korean trade and add estimated crude oil; Chinese customs report
China's side only), so every series is a row of its own (``series``) and the disagreement is reported per year
(``n_series``, ``spread_total``, ``spread_score``). The headline ``score`` comes from one preferred series per year
(rule in :data:`SERIES_ORDER`). No trade-composition (commodity) data are in the mirror.

Sides. Long rows and :func:`dyad_years` keep the undirected order a < b (ISO3) and name every directional column
by side: ``exports_ab`` / ``exports_a_to_b`` = a's exports to b, ``balance_a`` = a's exports minus a's imports,
``dep_a`` = b's share of a's total trade. :func:`pair_table` turns them into the order a user typed, with the state
codes in the column names (``balance_PRK``), which is what the CLI prints.

Definitions (documented with citations in ``docs/measures/trade.md``): ``dep_a`` = bilateral trade / a's total
trade (Barbieri 1996 "trade share"); ``asymmetry`` = dep_a - dep_b; ``salience`` = sqrt(dep_a * dep_b) (Barbieri
1996); ``score`` = the larger of dep_a and dep_b (the more dependent side's dependence, Hirschman 1945); NA in COW
where one side's total trade is missing; for the DPRK series the DPRK's dependence.

Zeros. A COW flow of 0 is kept as 0 and means "under USD 0.5 million, or none reported" (the extract rounds to
whole millions), except in the spells of :data:`KNOWN_MISSING`, where COW's 0 stands for trade that existed but was
not reported and is NA. Years no series covers are NA, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import chronology
from ..errors import UsageError
from ..warehouse import Warehouse
from .registry import Family, check_years, register

COW = "COW_v4"
COW_LAST_YEAR = 2014
GACC = "GACC"
RU_CUSTOMS = "RU_customs"
CUSTOMS_SERIES = {GACC: "CHN", RU_CUSTOMS: "RUS"}  # series -> the reporting state
CHR_COW = "COW_v4_IMF_DOTS"  # chronology rows recomputed from the COW files: read COW directly instead
# chronology customs rows: every figure is in the curated customs table, with its source, so they are not read twice
CHR_CUSTOMS = ("GACC", "Russian_customs", "Russian_govt_customs")
# Preferred series for the headline score: COW while it lasts (one consistent, importer-reported source for every
# dyad), then KOTRA (the standard DPRK series; its totals are the DPRK's total trade excluding inter-Korean trade,
# the right denominator for dependence), KITA, ITC Trade Map mirror data, then the partners' own customs (which
# report the bilateral value but not the DPRK's total, hence no dependence).
SERIES_ORDER = (COW, "KOTRA", "KITA", "ITC_TradeMap_mirror", GACC, RU_CUSTOMS)

SERIES_CITATION = {
    COW: "COW Trade v4.0 (Barbieri & Keshk 2016), via peacesciencer",
    "KOTRA": "KOTRA (Korea Trade-Investment Promotion Agency), North Korea foreign trade trends, as reported in "
             "the press (chronology/trade_prk.csv)",
    "KITA": "KITA (Korea International Trade Association), as reported in the press (chronology/trade_prk.csv)",
    "ITC_TradeMap_mirror": "ITC Trade Map mirror data, as reported in the press (chronology/trade_prk.csv)",
    GACC: "China General Administration of Customs, as reported by Reuters, Yonhap, VOA, KBS, Global Times and "
          "others (alignwatch trade_prk_customs.csv, one cited row per figure)",
    RU_CUSTOMS: "Russian customs statistics, as reported by TASS, KBS and VOA or quoted by Kremlin officials "
                "(alignwatch trade_prk_customs.csv, one cited row per figure)",
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
ZERO_RULE = ("COW 0 = under USD 0.5 million or none reported (peacesciencer rounds COW flows to whole millions); "
             "COW zeros known to hide unreported trade (USSR-DPRK 1948-91, USSR-China 1960-63, China-DPRK 1961) "
             "are NA; a year no series covers is NA, never 0")

_CONF_RANK = {"low": 0, "medium": 1, "high": 2}
CLOSE = 0.01  # customs cross-check: reports within 1% are "close" (revisions, rounded growth rates)
COLUMNS = ("series", "total", "exports_a_to_b", "exports_b_to_a", "balance_a", "dep_a", "dep_b", "asymmetry",
           "salience", "n_series", "spread_total", "spread_score", "confidence")
LONG_COLUMNS = ["a", "b", "year", "series", "exports_ab", "exports_ba", "total", "dep_a", "dep_b", "confidence",
                "source", "url", "note"]
COW_URL = "https://correlatesofwar.org/data-sets/bilateral-trade/"

_NDY_SQL = """
SELECT iso3_1, iso3_2, year, flow1, flow2, smoothflow1, smoothflow2 FROM ps_cow_trade_ndy
WHERE (? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[]))))
  AND year BETWEEN ? AND ?
"""
_SY_SQL = """
SELECT iso3, year, imports, exports FROM ps_cow_trade_sy
WHERE (? OR iso3 IN (SELECT unnest(?::VARCHAR[]))) AND year BETWEEN ? AND ?
"""
_CHR_COLUMNS = ["year", "partner", "flow", "value", "unit", "source_series", "source", "confidence"]
_CUSTOMS_SQL = """
SELECT reporter, reporter_state, partner, year, period, month, flow, value, precision, basis, outlet, published,
       source, confidence, note FROM trade_prk_customs
WHERE year BETWEEN ? AND ?
"""


# ----------------------------------------------------------------------------------------------- pure functions


def _orient(x: pd.Series, y: pd.Series) -> np.ndarray:
    """True where (x, y) is already in undirected order (x < y)."""
    return (x.astype(str) < y.astype(str)).to_numpy()


def _empty_long() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Float64" if c in ("exports_ab", "exports_ba", "total", "dep_a",
                                                              "dep_b") else "int64" if c == "year" else object)
                         for c in LONG_COLUMNS})


def cow_series(ndy: pd.DataFrame, sy: pd.DataFrame, *, flows: str = "raw") -> pd.DataFrame:
    """COW dyadic flows as undirected long rows (series ``COW_v4``).

    ``ndy`` has iso3_1, iso3_2, year, flow1, flow2 (and optionally smoothflow1/2); ``sy`` has iso3, year, imports,
    exports. A flow missing in COW stays NA and so does the total (a half-reported dyad is not a small one).
    Confidence is "medium" (a derived research dataset, graded as the chronology grades its COW rows) and "low"
    where COW's own smoothing replaced a raw flow (a suspected spike or dip, e.g. RUS-PRK 1996).
    ``flows="smoothed"`` reads COW's smoothed flows instead of the raw ones (the same rows, still flagged), for the
    index, which weighs the two readings against each other (:func:`alignwatch.index_indicators.trade_indicators`).
    """
    if flows not in ("raw", "smoothed"):
        raise ValueError(f"flows must be 'raw' or 'smoothed', not {flows!r}")
    if ndy.empty:
        return _empty_long().assign(smoothed=pd.Series(dtype=bool))
    d = ndy.copy()
    keep = _orient(d["iso3_1"], d["iso3_2"])
    f1, f2 = d["flow1"].astype("Float64"), d["flow2"].astype("Float64")
    has_smooth = {"smoothflow1", "smoothflow2"} <= set(d.columns)
    if has_smooth:
        s1, s2 = d["smoothflow1"].astype("Float64"), d["smoothflow2"].astype("Float64")
        smoothed = ((f1 != s1) | (f2 != s2)).fillna(False).to_numpy(dtype=bool)
        if flows == "smoothed":
            f1, f2 = s1, s2
    else:
        smoothed = np.zeros(len(d), dtype=bool)
    out = pd.DataFrame({
        "a": np.where(keep, d["iso3_1"], d["iso3_2"]),
        "b": np.where(keep, d["iso3_2"], d["iso3_1"]),
        "year": d["year"].astype(int).to_numpy(),
        # flow2 = imports of ccode2 from ccode1 = exports 1 -> 2
        "exports_ab": np.where(keep, f2, f1),
        "exports_ba": np.where(keep, f1, f2),
    })
    out[["exports_ab", "exports_ba"]] = out[["exports_ab", "exports_ba"]].astype("Float64")
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
    out["source"] = "COW_v4 via peacesciencer (ps_cow_trade_ndy, ps_cow_trade_sy)"
    out["url"] = COW_URL
    out["note"] = np.where(out["smoothed"], "COW smoothed this flow (smoothflow differs from flow)", None)
    return out[LONG_COLUMNS + ["smoothed"]]


def chronology_series(chr_trade: pd.DataFrame) -> pd.DataFrame:
    """The chronology's DPRK trade rows (one row per flow and series) as undirected long rows, one per series-year.

    Flows are from the DPRK side: ``exports_to_partner`` (= the partner's imports from the DPRK),
    ``imports_from_partner``, ``total`` and ``partner_share_of_total`` (percent of the DPRK's total trade). The
    total is the reported one, else exports + imports when both are reported. Only the DPRK's dependence is known
    (the partners' total trade is not in these rows). A row's confidence is the lowest of the values it combines.
    COW copies and customs rows are left out (see the module docstring).
    """
    c = chr_trade[~chr_trade["source_series"].isin((CHR_COW, *CHR_CUSTOMS))].copy()
    if "value" in c:
        c = c[c["value"].notna()]  # a value refuted by the project's checks is no observation
    if c.empty:
        return _empty_long()
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
    out["source"] = ("chr_trade_prk:" + w["source_series"]).to_numpy()
    out["url"] = w["source"].to_numpy()
    out["note"] = None
    return out[LONG_COLUMNS]


# ----------------------------------------------------------------------------------------------- customs reports


def _rank_reports(rows: pd.DataFrame) -> pd.DataFrame:
    """Reports sorted best first within each figure: reported before derived, then higher confidence, then the
    finer published precision (the fuller release), then the later publication (a revision)."""
    return rows.assign(
        _derived=rows["basis"].ne("reported"), _conf=-rows["confidence"].map(_CONF_RANK).fillna(-1),
        _prec=rows["precision"].astype(float), _pub=rows["published"].astype(str),
    ).sort_values(["_derived", "_conf", "_prec", "_pub"], ascending=[True, True, True, False], kind="mergesort")


def _fmt(v: float) -> str:
    return f"{v:,.3f}".rstrip("0").rstrip(".")


def _cite(r) -> str:
    return f"{r['outlet']}, {r['published']}"


def pick_reports(rows: pd.DataFrame) -> pd.DataFrame:
    """One report per figure (reporter, year, period, month, flow): the best by :func:`_rank_reports`, with the
    other reports of the same figure that differ from it by more than the coarser precision in ``others``."""
    if rows.empty:
        return rows.assign(others=pd.Series(dtype=object), n_reports=pd.Series(dtype=int))
    key = ["reporter", "year", "period", "month", "flow"]
    r = _rank_reports(rows.assign(month=rows["month"].astype("Int64")))
    out = []
    for _, g in r.groupby(key, dropna=False, sort=False):
        best = g.iloc[0]
        diff = []
        for _, o in g.iloc[1:].iterrows():
            if abs(float(o["value"]) - float(best["value"])) > max(float(o["precision"]), float(best["precision"])):
                diff.append(f"{_fmt(o['value'])} ({_cite(o)}{', derived' if o['basis'] != 'reported' else ''})")
        rec = best.to_dict()
        rec["others"] = "; ".join(diff) or None
        rec["n_reports"] = len(g)
        out.append(rec)
    return pd.DataFrame(out).drop(columns=["_derived", "_conf", "_prec", "_pub"])


def customs_series(customs: pd.DataFrame, *, include_low: bool = True) -> pd.DataFrame:
    """The customs table's annual figures as undirected long rows, one per reporter-year (series ``GACC`` for
    China's customs, ``RU_customs`` for Russia's).

    Flows are from the reporter's side in the table (``exports`` = China's exports to the DPRK). The total takes
    its best report (:func:`pick_reports`); exports and imports come from the same report as the total where it
    gives them (so that the three add up), else from their own best report; a total that is not reported is
    exports + imports. With ``include_low=False`` low-confidence reports are dropped before the choice (so a
    derived flow does not take a reported total with it). ``confidence`` is the lowest of the reports used;
    ``source`` names them (outlet and date), ``url`` links them, ``note`` names other reports of the same figure
    that disagree with the one used.
    """
    c = customs[customs["period"] == "annual"]
    if not include_low:
        c = c[c["confidence"] != "low"]
    c = c[c["flow"].isin(("exports", "imports", "total"))]
    if c.empty:
        return _empty_long()
    best = pick_reports(c)
    ranked = _rank_reports(c)
    rows = []
    for (rep, state, partner, year), g in best.groupby(["reporter", "reporter_state", "partner", "year"]):
        f = {r["flow"]: r for _, r in g.iterrows()}
        if "total" in f:  # flows of the same report as the total, where it gives them
            same = ranked[(ranked["reporter"] == rep) & (ranked["year"] == year)
                          & (ranked["source"] == f["total"]["source"])]
            for flow in ("exports", "imports"):
                hit = same[same["flow"] == flow]
                if len(hit) and flow in f and hit.iloc[0]["value"] != f[flow]["value"]:
                    alt = f[flow]
                    rec = hit.iloc[0].to_dict()
                    rec["others"] = f"{_fmt(alt['value'])} ({_cite(alt)})"
                    f[flow] = pd.Series(rec)
        val = {k: float(v["value"]) for k, v in f.items()}
        ex, im = val.get("exports", np.nan), val.get("imports", np.nan)
        total = val.get("total", ex + im)
        rep_first = state < partner
        used = [f[k] for k in ("total", "exports", "imports") if k in f]
        conf = min((_CONF_RANK[u["confidence"]] for u in used), default=0)
        by_report: dict[str, list[str]] = {}
        for u in used:
            by_report.setdefault(_cite(u) + (", derived" if u["basis"] != "reported" else ""), []).append(u["flow"])
        one = len(by_report) == 1
        notes = [f"other reports of {u['flow']}: {u['others']}" for u in used
                 if isinstance(u["others"], str) and u["others"]]
        if "total" not in f and not np.isnan(total):
            notes.append("total = exports + imports")
        rows.append({
            "a": state if rep_first else partner, "b": partner if rep_first else state, "year": int(year),
            "series": rep,
            "exports_ab": ex if rep_first else im, "exports_ba": im if rep_first else ex,
            "total": total, "dep_a": np.nan, "dep_b": np.nan,
            "confidence": {v: k for k, v in _CONF_RANK.items()}[conf],
            "source": f"{rep} via " + "; ".join(k if one else f"{k} ({', '.join(v)})" for k, v in by_report.items()),
            "url": "; ".join(dict.fromkeys(u["source"] for u in used)),
            "note": "; ".join(notes) or None,
        })
    out = pd.DataFrame(rows)
    for col in ("exports_ab", "exports_ba", "total", "dep_a", "dep_b"):
        out[col] = pd.array(out[col].astype(float), dtype="Float64")
    return out[LONG_COLUMNS]


def _value_map(best: pd.DataFrame) -> dict:
    """(reporter, year, period, month, flow) -> (value, precision, label) of the best reports, plus flows implied
    by the other two (imports = total - exports, ...) where a flow is not reported."""
    vals = {}
    for _, r in best.iterrows():
        m = None if pd.isna(r["month"]) else int(r["month"])
        vals[(r["reporter"], int(r["year"]), r["period"], m, r["flow"])] = (
            float(r["value"]), float(r["precision"]) * (1 if r["basis"] == "reported" else 2), _cite(r))
    implied = {}
    for (rep, y, per, m, flow) in list(vals):
        k = (rep, y, per, m)
        have = {f: vals.get(k + (f,)) for f in ("exports", "imports", "total")}
        missing = [f for f, v in have.items() if v is None]
        if len(missing) == 1 and k + (missing[0],) not in implied:
            x = {f: v for f, v in have.items() if v is not None}
            f0 = missing[0]
            v = (x["exports"][0] + x["imports"][0] if f0 == "total"
                 else x["total"][0] - x["imports" if f0 == "exports" else "exports"][0])
            implied[k + (f0,)] = (v, sum(p for _, p, _ in x.values()), "implied by the other two flows")
    return {**implied, **vals}


def customs_crosscheck(customs: pd.DataFrame) -> pd.DataFrame:
    """Where the customs reports agree and where they do not, one row per comparison.

    * ``same figure``: every other report of a figure against the one the series uses;
    * ``parts vs total``: exports + imports against the total (and exports - imports against the balance);
    * ``months vs period``: the year to date through month m-1 plus month m against the year to date through m
      (the annual figure for m = 12), and the sum of months 1..m where every month is reported.

    ``tolerance`` is the coarser published precision (doubled for a derived value; summed over the figures
    added); ``status`` is "agree" within it, "close" within 1% (a revision or a rounded growth rate), else
    "disagree". Nothing is dropped or averaged: this is a report, the table stays as published.
    """
    cols = ["check", "reporter", "year", "period", "month", "flow", "value", "compared_with", "difference",
            "tolerance", "status", "detail"]
    if customs.empty:
        return pd.DataFrame(columns=cols)
    c = customs.assign(month=customs["month"].astype("Int64"))
    ranked = _rank_reports(c)
    key = ["reporter", "year", "period", "month", "flow"]
    out = []

    def row(check, k, value, other, tol, detail):
        diff = other - value
        out.append({"check": check, "reporter": k[0], "year": k[1], "period": k[2], "month": k[3], "flow": k[4],
                    "value": value, "compared_with": other, "difference": diff, "tolerance": tol,
                    "status": ("agree" if abs(diff) <= tol + 1e-9 else
                               "close" if abs(diff) <= CLOSE * abs(value) else "disagree"), "detail": detail})

    for k, g in ranked.groupby(key, dropna=False, sort=True):
        if len(g) < 2:
            continue
        best = g.iloc[0]
        for _, o in g.iloc[1:].iterrows():
            tol = max(float(best["precision"]), float(o["precision"]))
            tol *= 2 if "derived" in (best["basis"], o["basis"]) else 1
            row("same figure", (k[0], k[1], k[2], None if pd.isna(k[3]) else int(k[3]), k[4]),
                float(best["value"]), float(o["value"]), tol,
                f"used: {_cite(best)} ({best['basis']}); other: {_cite(o)} ({o['basis']})")
    vals = _value_map(pick_reports(c))
    for (rep, y, per, m, flow), (v, p, lab) in sorted(vals.items(), key=lambda kv: str(kv[0])):
        base = (rep, y, per, m)
        if flow == "total" and lab != "implied by the other two flows":
            ex, im = vals.get(base + ("exports",)), vals.get(base + ("imports",))
            if ex and im and "implied" not in ex[2] and "implied" not in im[2]:
                row("parts vs total", base + ("total",), v, ex[0] + im[0], p + ex[1] + im[1],
                    f"total: {lab}; exports: {ex[2]}; imports: {im[2]}")
        if flow == "balance":
            ex, im = vals.get(base + ("exports",)), vals.get(base + ("imports",))
            if ex and im:
                row("parts vs total", base + ("balance",), v, ex[0] - im[0], p + ex[1] + im[1],
                    f"balance: {lab}; exports: {ex[2]}; imports: {im[2]}")
    # months vs period: for every year-to-date or annual figure through month m
    for (rep, y, per, m, flow), (v, p, lab) in sorted(vals.items(), key=lambda kv: str(kv[0])):
        if per not in ("ytd", "annual") or flow == "balance":
            continue
        end = 12 if per == "annual" else m
        prev = vals.get((rep, y, "ytd", end - 1, flow)) if end > 1 else None
        month = vals.get((rep, y, "month", end, flow))
        key_ = (rep, y, per, m, flow)
        if prev and month:
            row("months vs period", key_, v, prev[0] + month[0], p + prev[1] + month[1],
                f"{lab} against January-{end - 1} ({prev[2]}) + month {end} ({month[2]})")
        months = [vals.get((rep, y, "month", i, flow)) for i in range(1, end + 1)]
        if end > 1 and all(months):
            row("months vs period", key_, v, sum(x[0] for x in months), p + sum(x[1] for x in months),
                f"{lab} against the sum of months 1-{end}")
    res = pd.DataFrame(out, columns=cols)
    res["month"] = res["month"].astype("Int64")
    return res.sort_values(["reporter", "year", "check", "period", "month", "flow"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------- combining series


def _series_rank(series: pd.Series) -> np.ndarray:
    codes = pd.Categorical(series, categories=list(SERIES_ORDER)).codes
    return np.where(codes < 0, len(SERIES_ORDER), codes)


def add_spread(long: pd.DataFrame) -> pd.DataFrame:
    """Per dyad-year disagreement between series: how many series cover it, and max - min of the total and of
    each series' score (the larger dependence). Zero spread with one series means "nothing to compare"."""
    out = long.copy()
    # COW: the larger dependence needs both sides (with one side's total missing we cannot tell which side is
    # more dependent); the DPRK series report only the DPRK's side, which is always the more dependent one
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


def trade_long(cow: pd.DataFrame, chron: pd.DataFrame, customs: pd.DataFrame | None = None, *,
               include_low: bool = True) -> pd.DataFrame:
    """All series, one row per dyad-year and series, sorted, with the per-year spread columns."""
    parts = [p for p in (cow.drop(columns=["smoothed"], errors="ignore"), chron, customs)
             if p is not None and not p.empty]
    long = pd.concat(parts, ignore_index=True) if parts else _empty_long()
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
    (a dependence); where no series gives one, the first with any value (its score stays NA). Always has the
    balance, asymmetry and salience columns, also when there is no row."""
    d = long.assign(rank=_series_rank(long["series"]), noscore=long["score"].isna())
    d = d.sort_values(["a", "b", "year", "noscore", "rank"])
    top = d.drop_duplicates(["a", "b", "year"], keep="first").drop(columns=["rank", "noscore"])
    top = top.assign(
        balance_a=(top["exports_ab"] - top["exports_ba"]).astype("Float64"),
        asymmetry=(top["dep_a"] - top["dep_b"]).astype("Float64"),
        salience=pd.array(np.sqrt((top["dep_a"] * top["dep_b"]).astype(float)), dtype="Float64"),
    )
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
    out["score"] = d["score"]
    out["n_series"] = d["n_series"]
    out["spread_total"] = d["spread_total"]
    out["spread_score"] = d["spread_score"]
    out["confidence"] = d["confidence"]
    for c in ("source", "url", "note"):
        out[c] = d[c] if c in d else None
    cols = ["year", "state", "partner", "series", "exports", "imports", "total", "balance", "dependence",
            "partner_dependence", "asymmetry", "score", "n_series", "spread_total", "spread_score", "confidence",
            "source", "url", "note"]
    return out[cols].reset_index(drop=True)


def pair_table(long: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Every series' row for one pair in the order the user typed, directional columns named by state:
    ``exports_PRK_to_CHN``, ``exports_CHN_to_PRK``, ``balance_PRK`` (PRK's exports minus its imports: negative =
    PRK's deficit), ``dep_PRK`` (CHN's share of PRK's total trade), ``dep_CHN``, ``asymmetry_PRK`` (dep_PRK -
    dep_CHN). ``headline`` marks the row whose ``score`` the family uses for that year."""
    d = directed(long, first, second)
    top = headline(long) if len(long) else long
    a, b = sorted((first, second))
    chosen = set()
    if len(top):
        t = top[(top["a"] == a) & (top["b"] == b)]
        chosen = set(zip(t["year"], t["series"]))
    out = pd.DataFrame({
        "year": d["year"].astype(int), "series": d["series"],
        "headline": [(y, s) in chosen for y, s in zip(d["year"], d["series"])],
        f"exports_{first}_to_{second}": d["exports"], f"exports_{second}_to_{first}": d["imports"],
        "total": d["total"], f"balance_{first}": d["balance"].round(6),  # no float noise from the subtraction
        f"dep_{first}": d["dependence"], f"dep_{second}": d["partner_dependence"],
        f"asymmetry_{first}": d["asymmetry"], "score": d["score"],
        "n_series": d["n_series"], "spread_total": d["spread_total"], "confidence": d["confidence"],
        "source": d["source"], "url": d["url"], "note": d["note"],
    })
    out = out.sort_values(["year", "headline", "series"], ascending=[True, False, True]).reset_index(drop=True)
    out.attrs["table_drop"] = [f"asymmetry_{first}", "n_series", "url", "note"]  # in --format csv/json only
    out.attrs["caption"] = (f"USD million (current). exports_{first}_to_{second} = {first}'s exports to {second} "
                            f"(as reported by each series); balance_{first} < 0 = {first}'s deficit; dep_X = the "
                            f"partner's share of X's total trade (0-1). One row per series, never merged; headline = "
                            "the series the family's score uses. " + ZERO_RULE + ". URLs and notes: --format csv.")
    return out


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


TABLES = ("ps_cow_trade_ndy", "ps_cow_trade_sy", "chr_trade_prk", "trade_prk_customs")


def customs_rows(wh: Warehouse, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The curated customs table (every report, annual, monthly and year to date) within ``years``."""
    wh.require("trade_prk_customs")
    lo, hi = _check_years(years)
    return wh.query(_CUSTOMS_SQL, [lo, hi])


def series(wh: Warehouse, states: list[str] | None = None, years: tuple[int, int] | None = None, *,
           include_low: bool = True, cow_flows: str = "raw") -> pd.DataFrame:
    """Every series as long rows for dyads among ``states`` (all COW dyads when None); ``cow_flows``: COW's raw
    or smoothed flows (:func:`cow_series`)."""
    return series_by_flows(wh, states, years, include_low=include_low, flows=(cow_flows,))[cow_flows]


def series_by_flows(wh: Warehouse, states: list[str] | None = None, years: tuple[int, int] | None = None, *,
                    include_low: bool = True, flows=("raw", "smoothed")) -> dict[str, pd.DataFrame]:
    """:func:`series` once per reading of COW's flows in ``flows``, from one read of the tables (the index
    weighs the raw against the smoothed reading)."""
    wh.require(*TABLES)
    lo, hi = _check_years(years)
    everyone = states is None
    codes = [] if everyone else sorted(set(states))
    ndy = wh.query(_NDY_SQL, [everyone, codes, codes, lo, hi])
    sy = wh.query(_SY_SQL, [everyone, codes, lo, hi])
    chron = chronology_series(chronology.trade_prk(wh, (lo, hi))[_CHR_COLUMNS])
    customs = customs_series(wh.query(_CUSTOMS_SQL, [lo, hi]), include_low=include_low)
    if not everyone:
        chron = chron[chron["a"].isin(codes) & chron["b"].isin(codes)]
        customs = customs[customs["a"].isin(codes) & customs["b"].isin(codes)]
    return {f: trade_long(cow_series(ndy, sy, flows=f), chron, customs, include_low=include_low) for f in flows}


def last_year(wh: Warehouse) -> int:
    """The last year any trade series covers (the DPRK series' last year; COW's when neither table exists)."""
    ends = []
    if wh.has(chronology.TRADE_PRK):
        ends.append(chronology.trade_prk(wh)["year"].max())
    if wh.has("trade_prk_customs"):
        ends.append(wh.query("SELECT max(year) AS y FROM trade_prk_customs")["y"].iloc[0])
    ends = [int(y) for y in ends if pd.notna(y)]
    return max(ends) if ends else COW_LAST_YEAR  # no compiled tables: COW's series ends the data


@dataclass(frozen=True)
class Options:
    """``include_low`` False drops customs figures graded low confidence."""

    include_low: bool = True

    def __post_init__(self):
        if not isinstance(self.include_low, bool):
            raise UsageError(f"include_low must be True or False, not {self.include_low!r}")


def _dyad_years(wh: Warehouse, states, years, include_low: bool) -> pd.DataFrame:
    """Headline trade measures per undirected dyad-year (see the module docstring); directional columns are
    named by side (``exports_a_to_b``, ``balance_a``, ``dep_a``) with ``a`` < ``b``.

    With ``states`` given, every dyad among them gets a row for every year from its first covered year to the
    last year of the trade data (within ``years``): years no series covers are NA, never 0 (e.g. DPRK-Russia
    2021 is a recorded gap)."""
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
        years_ = [np.arange(s0, end + 1) for s0, k in zip(pairs["start"], n) if k > 0]
        frame["year"] = np.concatenate(years_).astype(int) if years_ else np.array([], dtype=int)
        top = frame.merge(top, on=["a", "b", "year"], how="left")
    top["n_series"] = top["n_series"].fillna(0).astype(int)
    top = top.rename(columns={"exports_ab": "exports_a_to_b", "exports_ba": "exports_b_to_a"})
    cols = ["a", "b", "year", *COLUMNS, "score", "source"]
    return top[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)


def _coverage_reason(first: str, second: str, years) -> str:
    a, b = sorted((first, second))
    span = f"{years[0]}–{years[1]}" if years else "any year"
    gaps = [why for (p, q), lo, hi, why in KNOWN_MISSING if (p, q) == (a, b)
            and (years is None or (lo <= years[1] and hi >= years[0]))]
    text = (f"no trade figure for {first}–{second} in {span}: COW covers every pair to {COW_LAST_YEAR}; after "
            f"that only PRK–CHN and PRK–RUS have series (customs, KOTRA, KITA, ITC)")
    return text + (f"; {gaps[0]}" if gaps else "")


def dyad_table(wh: Warehouse, first: str, second: str, years: tuple[int, int] | None = None, *,
               include_low: bool = True) -> pd.DataFrame:
    """``alignwatch dyad A B --measure trade``: :func:`pair_table` for the pair, in the order typed. A pair no
    series covers in ``years`` is one clear UsageError that says which series cover what."""
    if first == second:
        raise UsageError(f"{first} and {second} are the same state")
    long = series(wh, [first, second], years, include_low=include_low)
    out = pair_table(long, first, second)
    if out.empty:
        raise UsageError(_coverage_reason(first, second, check_years(years)),
                         hint="see docs/measures/trade.md (sources and series)")
    return with_gaps(out, end=min(years[1], last_year(wh)) if years else last_year(wh))


def with_gaps(table: pd.DataFrame, *, end: int) -> pd.DataFrame:
    """A :func:`pair_table` with one row per year no series covers, from its first year to ``end``: the gap is
    shown (series NA, values NA), never filled with 0 and never skipped silently."""
    if table.empty:
        return table
    have = set(table["year"].astype(int))
    missing = [y for y in range(int(min(have)), end + 1) if y not in have]
    if not missing:
        return table
    gap = pd.DataFrame({"year": missing, "headline": False, "n_series": 0,
                        "source": "no series covers this year (a gap, not zero)"})
    out = pd.concat([table, gap], ignore_index=True).sort_values(["year", "headline"], ascending=[True, False],
                                                                   kind="mergesort")
    out = out.reset_index(drop=True)
    out.attrs.update(table.attrs)
    return out


class Trade(Family):
    name = "trade"
    label = "Trade dependence (COW to 2014; DPRK series to 2025)"
    domain = "economic"
    description = ("partner's share of each side's total trade, balance, asymmetry; score = the larger dependence "
                   "from the preferred series (COW to 2014, then KOTRA, KITA, ITC, China's and Russia's customs)")
    columns = COLUMNS
    coverage = (1870, 2025)
    citation = "; ".join(SERIES_CITATION.values())
    docs = "docs/measures/trade.md"
    Options = Options
    cache_all = True

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years, options.include_low)

    def pair_table(self, wh: Warehouse, first: str, second: str, years=None, **options) -> pd.DataFrame:
        """One row per year and source series (series are never merged), sided columns named by state."""
        check_years(years)
        return dyad_table(wh, first, second, years, include_low=self.options(**options).include_low)

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        from ..report import figures_trade

        return figures_trade.trade_share(wh, first, second, years)


FAMILY = register(Trade())
dyad_years = FAMILY.dyad_years
