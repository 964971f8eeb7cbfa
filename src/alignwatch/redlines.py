"""Red lines: what each patron did in the 12 months after a trigger event, and the base rate over past events.

Analysts ask "what did China do after the 6th nuclear test?" and "what would a 7th cost?". This module answers the
first from the record and the second only as an *empirical base rate* over the past events of the same kind (with
n and spread), never as a forecast.

Trigger events (:func:`trigger_events`): DPRK nuclear tests and ICBM launches (``chr_dprk_tests``; IRBM, satellite
and other launches on request), vetoes of DPRK drafts (the Council's DPRK timeline) and treaties the DPRK signed
(``chr_treaties``, joint statements left out). Responses per patron in the window (date, date + 365 days]
(:func:`responses`):

* UN Security Council (``unsc_timeline``: member votes, vetoes and the curated DPRK chronology with its ordinal
  sanctions-stringency code 0-5): every DPRK text in the window with the patron's vote; whether an adopted
  resolution imposing measures (stringency >= 2) followed and the patron voted for it; the highest stringency the
  patron supported (0 when it supported nothing); whether it vetoed; which texts name the event as their trigger.
* Trade (``measures.trade``: COW, KOTRA, KITA, ITC, Chinese and Russian customs, each series apart): the change of
  bilateral trade and of the DPRK's exports to the patron, year after vs year before the event, within one series
  (never across series); NA where no series covers both years (e.g. 2015 for China, Russia after 2020).
* Visits (``chr_summits`` via ``measures.visits.meetings``): meetings between the patron and the DPRK starting in
  the window, the highest level and the first one.

Limits (docs/network.md): a 12-month window attributes to an event everything that followed it, including
responses to other events in the same window (the 2016 and 2017 tests overlap); the counts are small; the
Council's response is a joint product of all fifteen members.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from . import chronology
from .errors import UsageError
from .warehouse import Warehouse

PATRONS = ("CHN", "RUS")
DEFAULT_KINDS = ("nuclear_test", "icbm_test", "veto", "treaty")
TEST_KINDS = ("nuclear_test", "icbm_test", "irbm_test", "satellite_launch", "missile_test")
ALL_KINDS = TEST_KINDS + ("veto", "treaty")
WINDOW_DAYS = 365
SANCTIONS_MIN = 2  # stringency code from which a resolution imposes measures (2 arms/WMD items ... 5 oil/labour)
SUPPORT = ("yes", "consensus")  # a PRST is adopted by consensus: every member consented
LEVEL_RANK = {"other": 0, "minister": 1, "head_of_government": 2, "head_of_state": 3}
UNSC_FIRST = dt.date(1991, 1, 1)  # the curated DPRK chronology starts with resolution 702 (1991)
VISITS_FIRST = dt.date(1990, 1, 1)  # chr_summits covers 1990-03 onwards (chronology README)
SOURCES = {
    "triggers": "chr_dprk_tests, chr_treaties (chronology, hand-compiled and cited); vetoes from unsc_member_votes, "
                "unsc_vetoes and chr_unsc_dprk",
    "unsc": "unsc_member_votes (1994-2025), unsc_vetoes, unga_votes_2025 (SC 2025), chr_unsc_dprk; stringency "
            "codes: alignwatch/data/unsc_dprk_stringency.csv",
    "trade": "COW Trade v4.0 (Barbieri & Keshk 2016) to 2014; after: China's and Russia's customs "
             "(trade_prk_customs: GACC, RU_customs) and chr_trade_prk series (KOTRA, KITA, ITC Trade Map)",
    "visits": "chr_summits (chronology)",
}
BASE_RATE_NOTE = "empirical base rate over past events, not a forecast"
KIND_LABELS = {"nuclear_test": "nuclear tests", "icbm_test": "ICBM launches", "irbm_test": "IRBM launches",
               "satellite_launch": "satellite launches", "missile_test": "missile launches",
               "veto": "vetoes of DPRK drafts", "treaty": "treaty signings"}


# ---------------------------------------------------------------------------------------------- triggers


def _kinds(kinds) -> list[str]:
    kinds = list(DEFAULT_KINDS if kinds is None else ([kinds] if isinstance(kinds, str) else kinds))
    bad = [k for k in kinds if k not in ALL_KINDS]
    if bad:
        raise UsageError(f"unknown trigger kind {bad[0]!r}", hint="choose from " + ", ".join(ALL_KINDS))
    return kinds


def _date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce").dt.normalize()


def trigger_events(tests: pd.DataFrame | None, timeline: pd.DataFrame | None, treaties: pd.DataFrame | None, *,
                   focus: str = "PRK", kinds=None) -> pd.DataFrame:
    """One row per trigger: trigger (``<kind> <n>``, n counted from the first event of that kind), kind, n, date,
    event, confidence, source. Pure; ``treaties`` with canonical parties (:func:`alignwatch.chronology.treaties`)."""
    kinds = _kinds(kinds)
    parts = []
    if tests is not None and len(tests):
        t = tests[tests["kind"].isin(kinds)].copy()
        t["date"] = _date(t["date"])
        t = t.sort_values("date")
        t["n"] = t.groupby("kind").cumcount() + 1
        parts.append(pd.DataFrame({"kind": t["kind"], "n": t["n"], "date": t["date"], "event": t["name"],
                                   "confidence": t["confidence"],
                                   "source": "chr_dprk_tests: " + t["source"].astype(str)}))
    if "veto" in kinds and timeline is not None and len(timeline):
        v = timeline[timeline["vetoed_by"].notna()].copy()
        if "scope" in v:
            v = v[v["scope"].fillna("dprk") != "cross_regime"]
        v["date"] = _date(v["date"])
        v = v.sort_values("date")
        conf = v["confidence"] if "confidence" in v else pd.Series(pd.NA, index=v.index)
        parts.append(pd.DataFrame({"kind": "veto", "n": np.arange(1, len(v) + 1), "date": v["date"],
                                   "event": v["symbol"].astype(str) + " vetoed by " + v["vetoed_by"].astype(str),
                                   "confidence": conf, "source": v["source"].astype(str)}))
    if "treaty" in kinds and treaties is not None and len(treaties):
        tr = treaties.copy()
        tr = tr[tr["parties"].map(lambda p: focus in chronology.party_set(p)) & (tr["type"] != "joint_statement")]
        tr = tr.copy()
        tr["date"] = _date(tr["date_signed"])
        tr = tr.sort_values("date")
        parts.append(pd.DataFrame({"kind": "treaty", "n": np.arange(1, len(tr) + 1), "date": tr["date"],
                                   "event": tr["name"].astype(str) + " (" + tr["parties"].astype(str) + ")",
                                   "confidence": tr["confidence"],
                                   "source": "chr_treaties: " + tr["source"].astype(str)}))
    cols = ["trigger", "kind", "n", "date", "event", "confidence", "source"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True).dropna(subset=["date"])
    out["n"] = out["n"].astype(int)
    out["trigger"] = out["kind"] + " " + out["n"].astype(str)
    return out.sort_values(["date", "kind"]).reset_index(drop=True)[cols]


# ---------------------------------------------------------------------------------------------- responses


def _linked(trigger_text, kind: str, n: int, date: pd.Timestamp) -> bool:
    """Whether a text's chronology 'trigger' names the event: 'nuclear test <n>' for tests, else the event's date."""
    txt = "" if trigger_text is None or (isinstance(trigger_text, float) and np.isnan(trigger_text)) \
        else str(trigger_text)
    if kind == "nuclear_test":
        return re.search(rf"\bnuclear test {n}\b", txt) is not None
    return date.strftime("%Y-%m-%d") in txt


def _na(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _unsc(recs: list[dict] | None, patron: str, ev, end: pd.Timestamp) -> dict:
    """The patron's Council record on DPRK texts in the window (``recs``: timeline rows as dicts; a few dozen)."""
    if recs is None or ev.date.date() < UNSC_FIRST:
        return {"unsc_texts": None, "sanctions_resolution": pd.NA, "voted_for_sanctions": pd.NA,
                "stringency_supported": pd.NA, "vetoed": pd.NA, "days_to_sanctions": pd.NA, "linked_texts": None}
    texts, linked, supported, days = [], [], [], []
    sanction_any = vetoed = False
    for r in recs:
        if not ev.date < r["date"] <= end:
            continue
        vote = "not recorded" if _na(r.get(patron)) else str(r[patron])
        code = None if _na(r.get("stringency")) else int(r["stringency"])
        texts.append(f"{r['symbol']} {vote}" + (f" (stringency {code})" if code is not None else ""))
        if _linked(r.get("trigger"), ev.kind, ev.n, ev.date):
            linked.append(str(r["symbol"]))
        sanction = r["kind"] == "resolution" and code is not None and code >= SANCTIONS_MIN
        sanction_any |= sanction
        vetoed |= vote == "veto"
        if r["kind"] in ("resolution", "prst") and vote in SUPPORT:
            supported.append(code if code is not None else 0)
            if sanction:
                days.append((r["date"] - ev.date).days)
    return {
        "unsc_texts": "; ".join(texts) if texts else "none",
        "sanctions_resolution": sanction_any,
        "voted_for_sanctions": bool(days),
        "stringency_supported": max(supported) if supported else 0,
        "vetoed": vetoed,
        "days_to_sanctions": min(days) if days else pd.NA,
        "linked_texts": ", ".join(linked) if linked else None,
    }


def _trade(by_key: dict, year: int, order) -> dict:
    """Year after vs year before, within each series; the preferred series (``order``) gives the headline.
    ``by_key``: (year, series) -> directed trade row (dict) of the dyad."""
    out = {"trade_series": None, "trade_before": np.nan, "trade_after": np.nan, "trade_change": np.nan,
           "exports_change": np.nan, "trade_spread": np.nan, "trade_all_series": None, "trade_low_conf": False}
    if not by_key:
        return out
    series = sorted({s for _, s in by_key}, key=lambda s: (list(order).index(s) if s in order else len(order), s))
    both = []
    for s in series:
        b, a = by_key.get((year - 1, s)), by_key.get((year + 1, s))
        if b and a and not _na(b["total"]) and not _na(a["total"]) and b["total"] > 0:
            both.append((s, b, a))
    if not both:
        return out
    ch = {s: float(a["total"] / b["total"] - 1.0) for s, b, a in both}
    s0, b0, a0 = both[0]
    low = {s: "low" in (str(b["confidence"]), str(a["confidence"])) for s, b, a in both}
    ex_ok = not _na(b0["exports"]) and not _na(a0["exports"]) and b0["exports"] > 0
    out.update({
        "trade_series": s0, "trade_before": float(b0["total"]), "trade_after": float(a0["total"]),
        "trade_change": ch[s0],
        "exports_change": float(a0["exports"] / b0["exports"] - 1.0) if ex_ok else np.nan,
        "trade_spread": (max(ch.values()) - min(ch.values())) if len(ch) > 1 else np.nan,
        "trade_all_series": "; ".join(f"{s} {ch[s]:+.0%} ({b['total']:,.0f}→{a['total']:,.0f})"
                                      + (" (low confidence)" if low[s] else "") for s, b, a in both),
        "trade_low_conf": any(low.values()),
    })
    return out


def _visits(meet: pd.DataFrame | None, ev, end: pd.Timestamp, first_day) -> dict:
    """Meetings of the dyad (``meet``: already the pair's rows) starting in the window; NA before the chronology."""
    if meet is None or first_day is None or ev.date < first_day:
        return {"visits": pd.NA, "top_visit_level": None, "first_visit": None, "visits_low_conf": pd.NA}
    m = meet[(meet["date_start"] > ev.date) & (meet["date_start"] <= end)].sort_values("date_start")
    if m.empty:
        return {"visits": 0, "top_visit_level": None, "first_visit": None, "visits_low_conf": 0}
    top = max(m["level"], key=lambda lv: LEVEL_RANK.get(lv, -1))
    f = m.iloc[0]
    return {
        "visits": int(len(m)), "top_visit_level": top,
        "first_visit": f"{f['date_start']:%Y-%m-%d} {f['visitor']} → {f['location_city']} ({f['level']})"
                       + (" (low confidence)" if f["confidence"] == "low" else ""),
        "visits_low_conf": int((m["confidence"] == "low").sum()),
    }


def responses(events: pd.DataFrame, timeline: pd.DataFrame | None, trade_long: pd.DataFrame | None,
              meetings: pd.DataFrame | None, *, focus: str = "PRK", patrons=PATRONS,
              window_days: int = WINDOW_DAYS, unsc_end=None, visits_start=None, visits_end=None,
              series_order=()) -> pd.DataFrame:
    """One row per trigger and patron with the responses in (date, date + window_days]. Pure.

    ``timeline``: the DPRK Council timeline (date, symbol, kind, P5 vote columns, stringency, trigger);
    ``trade_long``: :func:`alignwatch.measures.trade.series` rows; ``meetings``: :func:`visits.meetings` rows;
    ``unsc_end``/``visits_end``: last day the sources cover (a window reaching past it is flagged in ``notes``);
    ``visits_start``: first day the meetings cover (default: the first meeting); earlier events get NA visits.
    """
    if window_days < 1:
        raise UsageError(f"window must be at least one day, not {window_days}")
    from .measures import trade as trm

    recs = None
    if timeline is not None:
        tl = timeline.copy()
        tl["date"] = _date(tl["date"])
        if "scope" in tl:
            tl = tl[tl["scope"].fillna("dprk") != "cross_regime"]
        recs = tl.sort_values("date").to_dict("records")
    meet = None
    first_day = None
    if meetings is not None and len(meetings):
        meet = meetings.copy()
        meet["date_start"] = _date(meet["date_start"])
        first_day = pd.Timestamp(visits_start) if visits_start is not None else meet["date_start"].min()
    unsc_end = pd.Timestamp(unsc_end) if unsc_end is not None else None
    visits_end = pd.Timestamp(visits_end) if visits_end is not None else None
    last_trade = int(trade_long["year"].max()) if trade_long is not None and len(trade_long) else None
    rows = []
    for p in patrons:
        by_key = {}
        if trade_long is not None and len(trade_long):
            td = trm.directed(trade_long, focus, p)
            by_key = {(int(r["year"]), r["series"]): r for r in td.to_dict("records")}
        pair = tuple(sorted((focus, p)))
        pm = None if meet is None else meet[(meet["a"] == pair[0]) & (meet["b"] == pair[1])]
        for ev in events.itertuples(index=False):  # a few dozen events
            end = ev.date + pd.Timedelta(days=window_days)
            notes = []
            if unsc_end is not None and end > unsc_end and ev.date.date() >= UNSC_FIRST:
                notes.append(f"UNSC data end {unsc_end:%Y-%m-%d}")
            if visits_end is not None and end > visits_end:
                notes.append(f"visits data end {visits_end:%Y-%m-%d}")
            if last_trade is not None and ev.date.year + 1 > last_trade:
                notes.append(f"trade data end {last_trade}")
            if str(ev.confidence) == "low":
                notes.append("trigger row low confidence")
            row = {"trigger": ev.trigger, "kind": ev.kind, "n": ev.n, "date": ev.date.date(), "event": ev.event,
                   "patron": p, "window_end": end.date()}
            row.update(_unsc(recs, p, ev, end))
            row.update(_trade(by_key, ev.date.year, series_order))
            row.update(_visits(pm, ev, end, first_day))
            row["notes"] = "; ".join(notes) or None
            rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    for c in ("sanctions_resolution", "voted_for_sanctions", "vetoed"):
        out[c] = out[c].astype("boolean")
    for c in ("stringency_supported", "days_to_sanctions", "visits", "visits_low_conf"):
        out[c] = out[c].astype("Int64")
    return out.sort_values(["date", "patron"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ summary


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (Wilson 1927); (nan, nan) when n = 0."""
    if n == 0:
        return (np.nan, np.nan)
    from scipy.stats import binomtest

    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return (float(ci.low), float(ci.high))


def _share(flags: pd.Series) -> tuple[int, int, str]:
    f = flags.dropna().astype(bool)
    k, n = int(f.sum()), int(len(f))
    if n == 0:
        return k, n, "NA"
    lo, hi = wilson(k, n)
    return k, n, f"{k}/{n} (95% CI {lo:.2f}–{hi:.2f})"


def _outcome(row) -> str:
    if pd.isna(row["voted_for_sanctions"]):
        return "no UNSC record"
    if bool(row["voted_for_sanctions"]):
        return f"voted for measures (stringency {row['stringency_supported']})"
    if pd.notna(row["vetoed"]) and bool(row["vetoed"]):
        return "vetoed a DPRK draft"
    return "no new measures supported"


def _trade_by_series(g: pd.DataFrame) -> dict[str, pd.Series]:
    """Each event's trade change grouped by the series it was measured in (COW before 2015, the DPRK series
    after): the series with the most events first (ties: the preferred order). Changes from different series are
    never pooled into one median."""
    from .measures.trade import SERIES_ORDER

    d = g[["trade_series", "trade_change"]].dropna()
    groups = {s: x["trade_change"].astype(float) for s, x in d.groupby("trade_series")}
    rank = {s: i for i, s in enumerate(SERIES_ORDER)}
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), rank.get(kv[0], len(rank)), kv[0])))


def _change_text(series: str, tc: pd.Series) -> str:
    if len(tc) == 1:
        return f"{series} {tc.iloc[0]:+.0%} (n=1)"
    return f"{series} median {tc.median():+.0%} (range {tc.min():+.0%} to {tc.max():+.0%}, n={len(tc)})"


def summary(resp: pd.DataFrame) -> pd.DataFrame:
    """Per trigger kind and patron: the typical response, with n and spread, as a base rate (not a forecast).

    Shares carry Wilson 95% intervals; stringency and trade change give the median and the range over events.
    Trade changes are summarised per series (``trade_series`` = the series with most events; the others in
    ``trade_other_series``), never pooled across series.
    """
    rows = []
    if resp is None or resp.empty:
        return pd.DataFrame()
    for (kind, p), g in resp.groupby(["kind", "patron"], sort=True):
        k_s, n_s, sanc = _share(g["voted_for_sanctions"])
        _, _, veto = _share(g["vetoed"])
        covered = g["visits"].notna()
        _, _, vis = _share(g["visits"][covered].astype(int).gt(0))
        _, _, hosv = _share(g["top_visit_level"][covered].eq("head_of_state"))
        st = g["stringency_supported"].dropna().astype(float)
        by_series = _trade_by_series(g)
        main = next(iter(by_series), None)
        tc = by_series.get(main, pd.Series(dtype=float))
        last = g.sort_values("date").iloc[-1]
        yrs = pd.to_datetime(g["date"]).dt.year
        text = (f"After {k_s} of {n_s} past {KIND_LABELS.get(kind, kind)} ({yrs.min()}–{yrs.max()}) {p} voted for a "
                f"new UNSC resolution with measures within 12 months" if n_s else f"No UNSC record for {kind} ({p})")
        if len(st):
            text += f"; highest stringency it supported: median {st.median():g} (range {st.min():g}–{st.max():g})"
        if by_series:
            text += (f"; {p}–DPRK trade, year after vs before, within one series (never pooled across series): "
                     + "; ".join(_change_text(s, v) for s, v in by_series.items())
                     + " (the change includes every other shock of those years, not only a response)")
        text += f" ({BASE_RATE_NOTE})."
        rows.append({
            "kind": kind, "patron": p, "n_events": int(len(g)), "years": f"{yrs.min()}–{yrs.max()}",
            "voted_for_sanctions": sanc, "share_sanctions": (k_s / n_s) if n_s else np.nan, "vetoed": veto,
            "stringency_median": st.median() if len(st) else np.nan,
            "stringency_range": f"{st.min():g}–{st.max():g}" if len(st) else None,
            "trade_series": main,
            "trade_change_median": tc.median() if len(tc) else np.nan,
            "trade_change_range": f"{tc.min():+.0%} to {tc.max():+.0%}" if len(tc) else None,
            "n_trade": int(len(tc)),
            "trade_other_series": "; ".join(_change_text(s, v) for s, v in list(by_series.items())[1:]) or None,
            "visit_within_12m": vis, "head_of_state_visit": hosv,
            "latest": f"{last['trigger']} ({last['date']}): " + _outcome(last),
            "base_rate": text,
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- warehouse


def red_lines(wh: Warehouse, *, focus: str = "PRK", patrons=PATRONS, kinds=None, since: int | None = None,
              window_days: int = WINDOW_DAYS) -> pd.DataFrame:
    """The responses table from the warehouse (see :func:`responses`)."""
    from .measures import trade as trm
    from .measures import unsc as un
    from .measures import visits as vi

    focus = str(focus).upper()
    patrons = [str(p).upper() for p in patrons]
    if focus in patrons:
        raise UsageError(f"{focus} cannot be its own patron")
    kinds = _kinds(kinds)
    wh.require("chr_dprk_tests", "chr_treaties", "chr_summits", "chr_unsc_dprk", "unsc_member_votes", "unsc_vetoes")
    tests = chronology.dprk_tests(wh)
    treaties = chronology.treaties(wh)
    data = un.load(wh)
    tl = un.unsc_timeline(wh, "DPRK", data=data)
    unsc_end = pd.to_datetime(data.texts["date"]).max()
    events = trigger_events(tests, tl, treaties, focus=focus, kinds=kinds)
    if since is not None:
        events = events[events["date"].dt.year >= since]
    long = trm.series(wh, [focus, *patrons])
    meet = vi.meetings(chronology.summits(wh))
    visits_end = pd.to_datetime(meet["date_start"]).max() if len(meet) else None
    return responses(events, tl, long, meet, focus=focus, patrons=patrons, window_days=window_days,
                     unsc_end=unsc_end, visits_start=VISITS_FIRST, visits_end=visits_end,
                     series_order=trm.SERIES_ORDER)
