"""Claims people make about DPRK-China-Russia relations, checked against the data: supported, contradicted, or
not checkable, with the numbers behind each verdict.

Each claim lives in ``data/claims.yaml`` (or a user's YAML file): ``id``, ``claim`` (the text), ``source`` (who
makes it), ``check`` (the name of a check function below) and ``params``. A YAML file can only name a check and give
it parameters: no SQL and no code come from YAML. Every check reads the warehouse through fixed queries or the
measure modules, states its rule in its docstring (and docs/claims.md), and flags every low-confidence chronology
row it rests on ("(low confidence)" in the evidence). A check whose tables are missing answers "not checkable".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import chronology
from .errors import AlignwatchError, DataError, UsageError
from .warehouse import Warehouse

SUPPORTED, CONTRADICTED, NOT_CHECKABLE = "supported", "contradicted", "not checkable"
VERDICTS = (SUPPORTED, CONTRADICTED, NOT_CHECKABLE)
COLUMNS = ["id", "claim", "claim_source", "verdict", "evidence", "sources"]
LOW = " (low confidence)"  # marks a chronology row of low confidence in the evidence


@dataclass
class Result:
    verdict: str
    evidence: str
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    """A check function and the parameters a YAML claim may give it (declared beside the function; a test keeps
    the declaration and the signature in step)."""

    fn: Callable[..., Result]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def problem(self, params: dict) -> str | None:
        """What is wrong with a claim's ``params`` (None when they fit)."""
        unknown = sorted(set(params) - set(self.required) - set(self.optional))
        missing = [p for p in self.required if p not in params]
        if unknown:
            return f"unknown parameter {unknown[0]!r}"
        if missing:
            return f"missing parameter {missing[0]!r}"
        return None


CHECKS: dict[str, Check] = {}


def check(*required: str, optional: tuple[str, ...] = ()):
    """Register a check under its function name (the name a YAML claim gives in ``check``), with the parameters a
    claim must give (``required``) and may give (``optional``)."""
    def deco(fn: Callable[..., Result]) -> Callable[..., Result]:
        CHECKS[fn.__name__] = Check(fn, required, optional)
        return fn
    return deco


def _low(conf) -> str:
    return LOW if str(conf).strip().lower() == "low" else ""


# Citations are shown at their most authoritative: a mirror of a page as the page itself, a mirrored book as the
# book; news aggregators and project-internal notes that some chronology rows cite are left out (the claim's own
# references, in claims.yaml, name the primary source). Rules: docs/claims.md.
MIRRORS = (
    (re.compile(r"https?://(?:www\.)?search\.com\.vn/wiki/en/([^\s)]+).*"), r"https://en.wikipedia.org/wiki/\1"),
    (re.compile(r"https?://en\.m\.wikipedia\.org/wiki/([^\s)]+).*"), r"https://en.wikipedia.org/wiki/\1"),
    (re.compile(r"Gibler, International Military Alliances 1648-2008 \(https?://issuhub\.com/[^)]*\)"),
     "Gibler, International Military Alliances, 1648-2008 (CQ Press, 2009)"),
)
NOT_CITED = re.compile(r"am1\.news|menafn\.com|\bseed\b|DESIGN\.md", re.IGNORECASE)


def cite(source: str) -> str | None:
    """A source as the report cites it: the original instead of a mirror; None for an aggregator or an internal
    note."""
    source = source.strip()
    for pattern, original in MIRRORS:
        if pattern.fullmatch(source):
            return pattern.sub(original, source)
    return None if not source or NOT_CITED.search(source) else source


def _urls(rows: pd.DataFrame, n: int = 3) -> list[str]:
    if rows is None or "source" not in rows:
        return []
    out: list[str] = []
    for s in rows["source"].dropna().astype(str):
        for u in s.split("; "):
            u = cite(u)
            if u and u not in out:
                out.append(u)
    return out[:n]


# ------------------------------------------------------------------------------------------------ checks


_PRK_COW_SQL = """
SELECT iso3_1, iso3_2, year, flow1, flow2, smoothflow1, smoothflow2 FROM ps_cow_trade_ndy
WHERE (iso3_1 = ? OR iso3_2 = ?) AND year BETWEEN ? AND ?
"""
_SY_SQL = "SELECT iso3, year, imports, exports FROM ps_cow_trade_sy WHERE iso3 = ?"


@check("state", "partner", "min_years", optional=("first_year",))
def top_trading_partner(wh: Warehouse, state: str, partner: str, min_years: int, first_year: int = 1990) -> Result:
    """``partner`` has been ``state``'s largest trading partner for more than ``min_years`` years up to the last
    year of the data.

    Rule: COW (to 2014) ranks every partner by bilateral trade; after COW, a partner share of total trade above
    50% in any chronology series (KOTRA, KITA, ITC) proves the rank, and a rival's larger bilateral total in the
    same year disproves it. An *exception* is a year in which another partner is ahead. Supported when the years
    since the last exception of medium or high confidence exceed ``min_years`` and no rival is ahead in any year
    after it; years that no series can compare are listed, not counted against the claim.
    """
    from .measures import trade as trm

    wh.require(*trm.TABLES)
    ndy = wh.query(_PRK_COW_SQL, [state, state, first_year, trm.COW_LAST_YEAR])
    cow = trm.cow_series(ndy, wh.query(_SY_SQL, [state]))
    cow = cow[cow["total"].notna()].copy()
    cow["other"] = np.where(cow["a"] == state, cow["b"], cow["a"])
    top = cow.sort_values(["year", "total"], ascending=[True, False]).groupby("year").head(1).set_index("year")
    mine = cow[cow["other"] == partner].set_index("year")
    rows = []  # year, status (top / exception / uncompared), text, low
    for y, r in top.iterrows():
        if r["other"] == partner:
            rows.append((y, "top", "", False))
        else:
            p = mine.loc[y] if y in mine.index else None
            low = r["confidence"] == "low" or (p is not None and p["confidence"] == "low")
            ptxt = f"{p['total']:,.0f}" if p is not None else "NA"
            rows.append((y, "exception", f"{y} {r['other']} {r['total']:,.0f} vs {partner} {ptxt}"
                         + (" (low confidence: COW smoothed flow)" if low else ""), low))
    after = (trm.COW_LAST_YEAR + 1, 2100)  # the DPRK series after COW: the chronology's and the partners' customs
    chron = pd.concat([trm.chronology_series(chronology.trade_prk(wh, after)),
                       trm.customs_series(trm.customs_rows(wh, after))], ignore_index=True)
    chron["other"] = np.where(chron["a"] == state, chron["b"], chron["a"])
    chron["dep"] = np.where(chron["a"] == state, chron["dep_a"], chron["dep_b"]).astype(float)
    last_year = int(max(top.index.max() if len(top) else first_year, chron["year"].max() if len(chron) else 0))
    share_txt = []
    for y in range(trm.COW_LAST_YEAR + 1, last_year + 1):
        c = chron[chron["year"] == y]
        mine_c = c[c["other"] == partner]
        rival = c[(c["other"] != partner) & c["total"].notna()]
        best = mine_c["total"].max()
        if len(rival) and pd.notna(best) and (rival["total"] > best).any():
            r = rival.loc[rival["total"].idxmax()]
            rows.append((y, "exception", f"{y} {r['other']} {r['total']:,.0f} vs {partner} {best:,.0f}",
                         r["confidence"] == "low"))
        elif (mine_c["dep"] > 0.5).any():
            m = mine_c[mine_c["dep"] > 0.5].iloc[0]
            rows.append((y, "top", "", m["confidence"] == "low"))
            share_txt.append(f"{y} {m['dep']:.1%} ({m['series']}){_low(m['confidence'])}")
        else:
            rows.append((y, "uncompared", str(y), False))
    st = pd.DataFrame(rows, columns=["year", "status", "text", "low"]).sort_values("year")
    exc = st[st["status"] == "exception"]
    firm = exc[~exc["low"]]
    since = int(firm["year"].max()) + 1 if len(firm) else int(st["year"].min())
    since_any = int(exc["year"].max()) + 1 if len(exc) else int(st["year"].min())
    span = last_year - since + 1
    unc = st[(st["status"] == "uncompared") & (st["year"] >= since)]["year"].tolist()
    ok = span > min_years
    ev = (f"{partner} ahead of every other partner in each compared year {since}–{last_year} ({span} years; "
          f"{since_any}–{last_year} = {last_year - since_any + 1} years if low-confidence exceptions count). "
          f"Exceptions (COW, all partners, {first_year}–{trm.COW_LAST_YEAR}; USD million): "
          + ("; ".join(exc["text"]) or "none") + ". ")
    if share_txt:
        ev += f"After {trm.COW_LAST_YEAR}, {partner}'s share of {state} trade: " + "; ".join(share_txt) + ". "
    if unc:
        ev += "No comparison possible (no series with a share or a rival's total): " + ", ".join(map(str, unc)) + "."
    return Result(SUPPORTED if ok else CONTRADICTED, ev.strip(),
                  ["ps_cow_trade_ndy", "ps_cow_trade_sy", "chr_trade_prk (KOTRA, KITA, ITC Trade Map)",
                   "trade_prk_customs (GACC, RU_customs)"])


def _person(s: pd.Series, name: str) -> pd.Series:
    return s.fillna("").astype(str).str.contains(name, regex=False)


@check("leader_a", "leader_b", "first_year", "last_year", "expected_n", optional=("expected_venue",))
def leader_meetings(wh: Warehouse, leader_a: str, leader_b: str, first_year: int, last_year: int,
                    expected_n: int, expected_venue: str | None = None) -> Result:
    """``leader_a`` and ``leader_b`` met ``expected_n`` times in the years given (and all in ``expected_venue``).

    Rule: chronology rows in which one leader is the visitor and the other among the hosts. Supported when the
    count matches and every venue is the expected country; contradicted otherwise (the evidence lists each).
    """
    s = chronology.summits(wh)
    s["date"] = pd.to_datetime(s["date_start"])
    s = s[s["date"].dt.year.between(first_year, last_year)]
    hit = ((_person(s["visitor"], leader_a) & _person(s["host"], leader_b))
           | (_person(s["visitor"], leader_b) & _person(s["host"], leader_a)))
    m = s[hit].sort_values("date")
    venue = m["host_country"].astype(str)
    lines = [f"{d:%Y-%m-%d} {c} ({v}){_low(k)}" for d, c, v, k in zip(m["date"], m["location_city"], venue,
                                                                       m["confidence"])]
    n_ok = len(m) == expected_n
    v_ok = expected_venue is None or bool((venue == expected_venue).all())
    ev = f"{len(m)} meetings of {leader_a} and {leader_b} in {first_year}–{last_year}: " + "; ".join(lines) + "."
    if expected_venue is not None:
        away = m[venue != expected_venue]
        elsewhere = ", ".join(f"{d:%Y-%m-%d} {c}" for d, c in zip(away["date"], away["location_city"]))
        ev += f" {len(m) - len(away)} in {expected_venue}" + (f"; not in {expected_venue}: {elsewhere}" if len(away)
                                                               else "") + "."
    return Result(SUPPORTED if n_ok and v_ok else CONTRADICTED, ev, ["chr_summits"] + _urls(m))


@check("visitor", "host_country", "claimed_year", optional=("claimed_month", "level"))
def first_visit(wh: Warehouse, visitor: str, host_country: str, claimed_year: int, claimed_month: int | None = None,
                level: str = "head_of_state") -> Result:
    """``visitor``'s first visit to ``host_country`` at ``level`` was in the claimed year (and month).

    Rule: the earliest chronology row with the visitor named, the host country given and that level."""
    s = chronology.summits(wh)
    s["date"] = pd.to_datetime(s["date_start"])
    m = s[_person(s["visitor"], visitor) & (s["host_country"] == host_country)
          & (s["level"] == level)].sort_values("date")
    if m.empty:
        return Result(NOT_CHECKABLE, f"no {level} visit of {visitor} to {host_country} in the chronology",
                      ["chr_summits"])
    f = m.iloc[0]
    ok = f["date"].year == claimed_year and (claimed_month is None or f["date"].month == claimed_month)
    earlier = s[_person(s["visitor"], visitor) & (s["host_country"] == host_country)
                & (s["level"] != level) & (s["date"] < f["date"])]
    ev = (f"first {level} visit of {visitor} to {host_country}: {f['date']:%Y-%m-%d}–{f['date_end']} "
          f"({f['location_city']}){_low(f['confidence'])}; claimed {claimed_year}"
          + (f"-{claimed_month:02d}" if claimed_month else "") + f"; {len(m)} such visit(s) in all.")
    if len(earlier):
        ev += " Earlier visits at other levels: " + "; ".join(
            f"{d:%Y-%m-%d} as {lv}{_low(c)}" for d, lv, c in zip(earlier["date"], earlier["level"],
                                                                earlier["confidence"])) + "."
    return Result(SUPPORTED if ok else CONTRADICTED, ev, ["chr_summits"] + _urls(m.head(1)))


_TIMELINES: dict[tuple[str, float], pd.DataFrame] = {}


def _dprk_timeline(wh: Warehouse) -> pd.DataFrame:
    """The Council's DPRK timeline, built once per warehouse file version (several checks read it)."""
    from .measures import unsc as un

    wh.require("unsc_member_votes", "unsc_vetoes", "chr_unsc_dprk")
    key = (str(wh.path), wh.path.stat().st_mtime)
    if key not in _TIMELINES:
        _TIMELINES.clear()
        _TIMELINES[key] = un.unsc_timeline(wh, "DPRK")
    return _TIMELINES[key].copy()


def _tally(r) -> str:
    vals = [r.get(c) for c in ("n_yes", "n_no", "n_abstain")]
    return "-".join("?" if pd.isna(v) else str(int(v)) for v in vals)


@check("document", "states", "vetoed")
def unsc_veto(wh: Warehouse, document: str, states: list[str], vetoed: bool) -> Result:
    """On Council text ``document``, each of ``states`` vetoed (``vetoed: true``) or none of them did (false).

    Rule: the DPRK timeline (member votes, the veto list and the curated chronology, joined on the symbol)."""
    tl = _dprk_timeline(wh)
    row = tl[tl["symbol"].astype(str) == document]
    if row.empty:
        return Result(NOT_CHECKABLE, f"{document} is not in the Council data", ["chr_unsc_dprk", "unsc_member_votes"])
    r = row.iloc[0]
    votes = {s: (str(r[s]) if s in r and pd.notna(r[s]) else "not recorded") for s in states}
    did = [s for s, v in votes.items() if v == "veto"]
    unknown = [s for s, v in votes.items() if v == "not recorded"]
    others = {p: str(r[p]) for p in ("CHN", "FRA", "GBR", "RUS", "USA") if p not in states and pd.notna(r.get(p))}
    ev = (f"{document} ({r['date']}, {r['kind']}, {r['outcome']}, {_tally(r)}): "
          + ", ".join(f"{s} {v}" for s, v in votes.items())
          + ("; other permanent members: " + ", ".join(f"{p} {v}" for p, v in others.items()) if others else "")
          + f"; vetoed by: {r['vetoed_by'] if pd.notna(r['vetoed_by']) else 'none recorded'}"
          + (f"; chronology confidence {r['confidence']}{_low(r['confidence'])}" if pd.notna(r.get("confidence"))
             else "") + ".")
    if unknown and not did:
        return Result(NOT_CHECKABLE, ev, [str(r["source"])])
    ok = (len(did) == len(states)) if vetoed else (len(did) == 0)
    src = [str(r["source"])] + ([str(r["chronology_source"])] if pd.notna(r.get("chronology_source")) else [])
    return Result(SUPPORTED if ok else CONTRADICTED, ev, src)


@check("first_year", "last_year", "states", optional=("min_stringency",))
def sanctions_unanimous(wh: Warehouse, first_year: int, last_year: int, states: list[str],
                        min_stringency: int = 2) -> Result:
    """Every adopted DPRK resolution imposing measures (stringency >= ``min_stringency``) in the years given was
    adopted with no 'no' and no abstention, and each of ``states`` voted yes."""
    tl = _dprk_timeline(wh)
    d = tl[(tl["kind"] == "resolution") & tl["year"].between(first_year, last_year)
           & (tl["stringency"].astype("Float64") >= min_stringency).fillna(False)]
    if d.empty:
        return Result(NOT_CHECKABLE, f"no sanctions resolution on the DPRK in {first_year}–{last_year}",
                      ["chr_unsc_dprk"])
    unan = (d["n_no"].fillna(-1) == 0) & (d["n_abstain"].fillna(-1) == 0)
    yes = np.logical_and.reduce([d[s].astype("string").fillna("") == "yes" for s in states])
    bad = d[~(unan & yes)]
    ev = (f"{len(d)} resolutions with measures (stringency ≥ {min_stringency}) in {first_year}–{last_year}: "
          + ", ".join(f"{s} {_tally(r)}" for s, r in zip(d["symbol"], d.to_dict("records"))) + ". "
          + (("Not unanimous or not all yes: " + ", ".join(bad["symbol"])) if len(bad) else
             f"All unanimous; {', '.join(states)} voted yes on each."))
    return Result(SUPPORTED if bad.empty else CONTRADICTED, ev,
                  ["unsc_member_votes", "chr_unsc_dprk", "alignwatch/data/unsc_dprk_stringency.csv"])


@check("a", "b", "first_year", "last_year")
def defence_treaty_lapse(wh: Warehouse, a: str, b: str, first_year: int, last_year: int) -> Result:
    """The defence obligation between ``a`` and ``b`` ended within ``first_year``–``last_year``.

    Rule: in ATOP (``atop_defense``) and COW (``cow_defense``), the last year of the defence obligation that was in
    force at ``first_year`` - 1. Supported when every source ends it inside the window (their disagreement is
    shown); contradicted when a source still codes it after the window, or ends it before."""
    wh.require("ps_atop_alliance", "ps_cow_alliance", "chr_treaties")
    out, ends = [], {}
    for table, col, (lo, hi) in (("ps_atop_alliance", "atop_defense", (1815, 2018)),
                                 ("ps_cow_alliance", "cow_defense", (1816, 2012))):
        q = wh.query(f"SELECT year, max({col}) AS d FROM {table} WHERE iso3_1 = ? AND iso3_2 = ? GROUP BY year",
                     [a, b])
        yrs = set(q.loc[q["d"] == 1, "year"].astype(int))
        if first_year - 1 not in yrs:
            out.append(f"{table}: no defence obligation in {first_year - 1}")
            ends[table] = None
            continue
        y = first_year - 1
        while y + 1 in yrs:
            y += 1
        ends[table] = y if y < hi else None
        out.append(f"{table}: defence obligation to {y}" + (" (end of coverage)" if y >= hi else ""))
        later = sorted(v for v in yrs if v > y)
        if later:
            out[-1] += f", again from {later[0]}"
    t = chronology.treaties(wh)
    t = t[t["parties"].map(lambda p: {a, b} <= chronology.party_set(p))
          & t["mutual_defence"].astype(bool)
          & (pd.to_datetime(t["date_signed"]).dt.year < first_year)]  # the treaty in force when the window opens
    chron = "; ".join(f"{r.date_signed} {r.name}: {r.status_changes}{_low(r.confidence)}" for r in t.itertuples())
    ok = all(e is not None and first_year <= e <= last_year for e in ends.values())
    ev = "; ".join(out) + f". Chronology: {chron}"
    return Result(SUPPORTED if ok else CONTRADICTED, ev, ["ps_atop_alliance", "ps_cow_alliance", "chr_treaties"]
                  + _urls(t, 2))


@check("month", "state", "expected", optional=("rank", "resolution"))
def unga_vote(wh: Warehouse, month: str, state: str, expected: str, rank: int = 1,
              resolution: str | None = None) -> Result:
    """In the ``rank``-th recorded GA vote of ``month`` (YYYY-MM) in the Ukraine table, ``state`` voted ``expected``.

    Rule: ``chr_unga_ukraine`` ordered by date (the named ``resolution`` must be that vote when given)."""
    u = chronology.unga_ukraine(wh)
    u["date"] = pd.to_datetime(u["date"])
    m = u[u["date"].dt.strftime("%Y-%m") == month].sort_values(["date", "resolution"])
    if len(m) < rank:
        return Result(NOT_CHECKABLE, f"fewer than {rank} recorded GA vote(s) on Ukraine in {month}",
                      ["chr_unga_ukraine"])
    r = m.iloc[rank - 1]
    if resolution is not None and r["resolution"] != resolution:
        return Result(NOT_CHECKABLE, f"the {rank}. vote of {month} is {r['resolution']}, not {resolution}",
                      ["chr_unga_ukraine"])
    if state not in r or pd.isna(r[state]):
        return Result(NOT_CHECKABLE, f"{r['resolution']}: no {state} vote recorded", ["chr_unga_ukraine"])
    coded = [c for c in u.columns if len(c) == 3 and c.isupper()]
    same = [c for c in coded if c != state and str(r[c]) == str(r[state])]
    ev = (f"{r['resolution']} ({r['date']:%Y-%m-%d}, {r['title_short']}; {r['yes']}-{r['no']}-{r['abstain']}): "
          f"{state} {r[state]}; claimed {expected}. Also {r[state]} among the states the table codes: "
          f"{', '.join(same) or 'none'}.{_low(r['confidence'])}")
    return Result(SUPPORTED if str(r[state]) == expected else CONTRADICTED, ev,
                  ["chr_unga_ukraine"] + _urls(m.iloc[[rank - 1]]))


@check("state", "partner", "series", "flow", "from_year", "to_year", "threshold")
def trade_change(wh: Warehouse, state: str, partner: str, series: str, flow: str, from_year: int, to_year: int,
                 threshold: float) -> Result:
    """``flow`` of ``state``-``partner`` trade in one ``series`` changed by at most ``threshold`` (a fraction;
    -0.9 = "fell by more than 90 %") from ``from_year`` to ``to_year``; both values from the same series."""
    c = chronology.trade_prk(wh, partner=partner, series=series, flow=flow)
    c = c[c["year"].isin([from_year, to_year])]
    v = c.set_index("year")
    if from_year not in v.index or to_year not in v.index:
        return Result(NOT_CHECKABLE, f"{series} has no {flow} value for {partner} in "
                      + " and ".join(str(y) for y in (from_year, to_year) if y not in v.index), ["chr_trade_prk"])
    x0, x1 = float(v.at[from_year, "value"]), float(v.at[to_year, "value"])
    ch = x1 / x0 - 1.0
    ev = (f"{series} {flow} ({state} side, {partner}): {from_year} {x0:,.0f}{_low(v.at[from_year, 'confidence'])}"
          f" → {to_year} {x1:,.0f}{_low(v.at[to_year, 'confidence'])} USD million = {ch:+.1%} "
          f"(claim: change ≤ {threshold:+.0%}).")
    ok = ch <= threshold if threshold < 0 else ch >= threshold
    return Result(SUPPORTED if ok else CONTRADICTED, ev, ["chr_trade_prk"] + _urls(c))


@check("state", "partner", "rival", "event", "event_date")
def trade_share_after(wh: Warehouse, state: str, partner: str, rival: str, event: str, event_date: str) -> Result:
    """After ``event`` (``event_date``), ``partner``'s share of ``state``'s trade fell (the claim that the event
    lowered dependence on ``partner``).

    Rule: the partner's share of total trade (any series; the mean across series per year) in the years before the
    event year against the years after it. Not checkable when no share is recorded after the event; the evidence
    then gives the partner's and the rival's bilateral totals around the event, so the reader sees what is known.
    """
    from .measures import trade as trm

    y0 = pd.Timestamp(event_date).year
    c = chronology.trade_prk(wh, (y0 - 3, y0 + 5))
    c = c[c["source_series"] != trm.CHR_COW]
    sh = c[(c["partner"] == partner) & (c["flow"] == "partner_share_of_total") & c["value"].notna()]
    before, after = sh[sh["year"] < y0], sh[sh["year"] > y0]
    tot = c[(c["flow"] == "total") & c["value"].notna()]
    def fmt(d: pd.DataFrame) -> str:
        return "; ".join(f"{r.year} {r.partner} {r.value:,.0f} ({r.source_series}){_low(r.confidence)}"
                         for r in d.sort_values(["partner", "year"]).itertuples()) or "none"

    rv = chronology.trade_prk(wh, partner=rival)["year"].max()
    ev = (f"{event} ({event_date}). {partner} share of {state} trade before: "
          + ("; ".join(f"{r.year} {r.value:.1f}% ({r.source_series}){_low(r.confidence)}"
                       for r in before.sort_values("year").itertuples()) or "none")
          + "; after: " + ("; ".join(f"{r.year} {r.value:.1f}% ({r.source_series}){_low(r.confidence)}"
                                      for r in after.sort_values("year").itertuples()) or "none recorded")
          + f". Bilateral totals (USD million): {fmt(tot)}. Last year with any {rival}–{state} figure: "
          + (str(int(rv)) if pd.notna(rv) else "none") + ".")
    if before.empty or after.empty:
        return Result(NOT_CHECKABLE, ev, ["chr_trade_prk"])
    b = before.groupby("year")["value"].mean().mean()
    a = after.groupby("year")["value"].mean().mean()
    ev += f" Mean share before {b:.1f}%, after {a:.1f}%."
    return Result(SUPPORTED if a < b else CONTRADICTED, ev, ["chr_trade_prk"] + _urls(pd.concat([before, after])))


# ------------------------------------------------------------------------------------------- the claims file


def default_path():
    return resources.files("alignwatch.data").joinpath("claims.yaml")


def load_claims(path: str | Path | None = None) -> list[dict]:
    """The claims of a YAML file (default: the packaged ``claims.yaml``), validated: unique ids, a known check,
    parameters the check accepts."""
    src = default_path() if path is None else Path(path)
    if path is not None and not Path(path).exists():
        raise UsageError(f"no claims file at {path}")
    try:
        items = yaml.safe_load(src.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise DataError(src, f"valid YAML ({e})") from None
    if not isinstance(items, list):
        raise DataError(src, "a YAML list of claims")
    seen = set()
    for i, c in enumerate(items, start=1):
        if not isinstance(c, dict) or not {"id", "claim", "check"} <= set(c):
            raise DataError(src, "a mapping with id, claim, source, check and params", row=i)
        if c["id"] in seen:
            raise DataError(src, f"a unique id (duplicate {c['id']!r})", row=i, column="id")
        seen.add(c["id"])
        fn = CHECKS.get(c["check"])
        if fn is None:
            raise DataError(src, f"a known check, not {c['check']!r} (known: {', '.join(sorted(CHECKS))})",
                            row=i, column="check")
        refs = c.get("references", [])
        if not isinstance(refs, list) or not all(isinstance(r, str) and r.strip() for r in refs):
            raise DataError(src, "references as a list of citations", row=i, column="references")
        params = c.get("params") or {}
        if not isinstance(params, dict):
            raise DataError(src, "params as a mapping", row=i, column="params")
        problem = fn.problem(params)
        if problem:
            raise DataError(src, f"parameters that {c['check']} accepts ({problem}; it takes "
                            f"{', '.join(fn.required + fn.optional)})", row=i, column="params")
        c["params"] = params
    return items


def check_claim(wh: Warehouse, claim: dict) -> dict:
    """One claim's row. A check that cannot run on this warehouse (a missing table) is 'not checkable'."""
    try:
        res = CHECKS[claim["check"]].fn(wh, **claim["params"])
    except AlignwatchError as e:
        res = Result(NOT_CHECKABLE, f"cannot check on this warehouse: {e}", [])
    if res.verdict not in VERDICTS:  # a programming error, not a data problem
        raise ValueError(f"check {claim['check']} returned verdict {res.verdict!r}")
    refs = [c for c in (cite(str(r)) for r in claim.get("references") or []) if c]
    found = [c for c in (cite(str(x)) for x in res.sources) if c and not any(c in r for r in refs)]
    sources = found + refs  # the datasets and rows the check read, then the claim's references
    return {"id": claim["id"], "claim": claim["claim"], "claim_source": claim.get("source", ""),
            "verdict": res.verdict, "evidence": res.evidence, "sources": "; ".join(dict.fromkeys(sources))}


def check_all(wh: Warehouse, path: str | Path | None = None, ids: list[str] | None = None) -> pd.DataFrame:
    """Every claim of the file checked against the warehouse: id, claim, claim_source, verdict, evidence,
    sources."""
    items = load_claims(path)
    if ids:
        unknown = sorted(set(ids) - {c["id"] for c in items})
        if unknown:
            raise UsageError(f"unknown claim id {unknown[0]!r}",
                             hint="ids: " + ", ".join(c["id"] for c in items))
        items = [c for c in items if c["id"] in ids]
    return pd.DataFrame([check_claim(wh, c) for c in items], columns=COLUMNS)
