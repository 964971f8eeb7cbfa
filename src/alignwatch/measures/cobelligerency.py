"""Co-belligerency: fighting on the same side of wars, militarized disputes and armed conflicts, or on opposite
sides, per undirected dyad-year.

Three sources, each with sides at the participant level (every dyadic conflict file lists opposing dyads only):

* COW Inter-State War v4.0 participants (``cow_war_participants``, wars 1816-2007): ``Side`` 1/2, each state's own
  participation spells. Weight of a war record: 1.
* COW MID 5.0 participants (``cow_mid_participants``, 1816-2014): ``sidea``; each participant has its own hostility
  level ``hostlev`` (1 no militarized action ... 5 war). A pair's record weighs ``(min(hostlev_a, hostlev_b) - 1)
  / 4``: 0 when either side took no militarized action (the USSR's part in MID 1379, 1969), 1 for war.
* UCDP/PRIO Armed Conflict Dataset v25.1 (``ps_ucdp_acd``, 1946-2024): primary parties and secondary states
  supporting a side with troops, deduplicated from the table's cartesian expansion. Weight 0.5 for a minor
  conflict-year (25-999 battle deaths), 1 for a war-level year (1,000 or more).

A pair shares a record when both are active in the same war / dispute / conflict in the same year. ``same_w`` is
the heaviest same-side record of the year, ``opp_w`` the heaviest opposing one, and

    score = same_w - opp_w  in [-1, 1]

(the *maximum*, not the sum, so that one war seen by all three sources counts once). Zero is an observation: inside
1816-2024 and while both states are COW system members, a dyad-year without any shared record scores 0 ("no joint
fighting"); outside that it is NA. ``n`` counts the records behind a year (0 for "no joint fighting"), so 0 with
``n == 0`` is never confused with a missing year. Per-source counts (``war_same`` ...) are NA outside each source's
own coverage. The GML MID participants (1816-2010) are shown as a second reading of the MIDs (``gml_same``,
``gml_opp``; not scored) and the Thompson-Sakuwa-Suhas strategic rivalry in force as ``rivalry`` (to 2020).
Formulas, coverage and citations: ``docs/measures/cobelligerency.md``.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from ..sources.conflict import MID5, WARS
from ..sources.peacesciencer import COW_STATES, GML, TSS, UCDP_ACD
from ..warehouse import Warehouse
from ._system import dyad_frame, labels_at, trim_leading_na
from .registry import Family, NoOptions, register

WAR_YEARS = (1816, 2007)
MID_YEARS = (1816, 2014)
UCDP_YEARS = (1946, 2024)
GML_YEARS = (1816, 2010)
RIVALRY_YEARS = (1494, 2020)
COVERAGE = (1816, 2024)  # the union of the scored sources
SCORED = ("war", "mid", "ucdp")
SOURCES = {"war": ("cow_war_participants", WAR_YEARS), "mid": ("cow_mid_participants", MID_YEARS),
           "ucdp": ("ps_ucdp_acd", UCDP_YEARS), "gml": ("ps_gml_part", GML_YEARS)}
UCDP_WEIGHT = {1: 0.5, 2: 1.0}
RECORD_COLUMNS = ["source", "conflict", "label", "year", "iso3", "side", "weight"]
COUNT_COLUMNS = tuple(f"{s}_{k}" for s in ("war", "mid", "ucdp", "gml") for k in ("same", "opp"))
COLUMNS = ("score", "same_w", "opp_w", "n", "war_same", "war_opp", "mid_same", "mid_opp", "ucdp_same", "ucdp_opp",
           "rivalry", "conflicts")


# -------------------------------------------------------------------------------------------- state records


def expand_spells(df: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """One row per year of each row's ``start..end`` spell (inclusive), as column ``year``; vectorised."""
    s = df[start].to_numpy(dtype="int64")
    n = np.clip(df[end].to_numpy(dtype="int64") - s + 1, 0, None)
    out = df.loc[df.index.repeat(n)].copy()
    offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    out["year"] = np.repeat(s, n) + offsets
    return out.reset_index(drop=True)


def war_records(parts: pd.DataFrame) -> pd.DataFrame:
    """COW war participants -> one record per state, war and year of its participation (both spells)."""
    first = parts.rename(columns={"StartYear1": "y0", "EndYear1": "y1"})
    second = parts[parts["StartYear2"] > 0].rename(columns={"StartYear2": "y0", "EndYear2": "y1"})
    spells = pd.concat([first[["WarNum", "WarName", "iso3", "Side", "y0", "y1"]],
                        second[["WarNum", "WarName", "iso3", "Side", "y0", "y1"]]], ignore_index=True)
    rec = expand_spells(spells, "y0", "y1")
    return pd.DataFrame({"source": "war", "conflict": rec["WarNum"].astype("int64"),
                         "label": "COW war " + rec["WarNum"].astype(str) + " " + rec["WarName"].astype(str),
                         "year": rec["year"], "iso3": rec["iso3"], "side": rec["Side"].astype("int64"),
                         "weight": 1.0})


def mid_records(parts: pd.DataFrame, source: str = "mid") -> pd.DataFrame:
    """MID participants (COW MIDB, or GML with ``hostlev`` absent) -> records weighted by the participant's
    hostility level: (hostlev - 1) / 4."""
    rec = expand_spells(parts, "styear", "endyear")
    host = rec["hostlev"].astype("float64") if "hostlev" in rec else pd.Series(np.nan, index=rec.index)
    return pd.DataFrame({"source": source, "conflict": rec["dispnum"].astype("int64"),
                         "label": ("MID " if source == "mid" else "GML MID ") + rec["dispnum"].astype(str),
                         "year": rec["year"], "iso3": rec["iso3"], "side": rec["sidea"].astype("int64"),
                         "weight": (host - 1.0) / 4.0})


def ucdp_records(acd: pd.DataFrame) -> pd.DataFrame:
    """UCDP ACD -> unique (conflict, year, side, state): the table repeats a conflict-year once per combination of
    secondary supporters, so a state is counted once however many rows carry it."""
    parts = [acd[["conflict_id", "year", "intensity_level", col]].rename(columns={col: "iso3"}).assign(side=side)
             for col, side in (("iso3_a", 1), ("iso3_a_2nd", 1), ("iso3_b", 2), ("iso3_b_2nd", 2))]
    rec = pd.concat(parts, ignore_index=True).dropna(subset=["iso3"])
    rec = rec.drop_duplicates(["conflict_id", "year", "side", "iso3"])
    return pd.DataFrame({"source": "ucdp", "conflict": rec["conflict_id"].astype("int64"),
                         "label": "UCDP " + rec["conflict_id"].astype(str), "year": rec["year"].astype("int64"),
                         "iso3": rec["iso3"], "side": rec["side"].astype("int64"),
                         "weight": rec["intensity_level"].astype("int64").map(UCDP_WEIGHT).astype("float64")})


# ------------------------------------------------------------------------------------------------ pairs


def pair_records(records: pd.DataFrame) -> pd.DataFrame:
    """Every pair of states active in the same conflict-year: a < b, ``same`` (same side), ``weight`` = the lower of
    the two states' weights. A state on both sides in one year (a side switch) yields a same and an opposing record."""
    rec = (records.dropna(subset=["iso3"]).sort_values("weight", ascending=False, na_position="last")
           .drop_duplicates(["source", "conflict", "year", "iso3", "side"]))
    m = rec.merge(rec, on=["source", "conflict", "year"], suffixes=("_a", "_b"))
    m = m[m["iso3_a"] < m["iso3_b"]]
    out = pd.DataFrame({"a": m["iso3_a"].to_numpy(), "b": m["iso3_b"].to_numpy(), "year": m["year"].to_numpy(),
                        "source": m["source"].to_numpy(), "conflict": m["conflict"].to_numpy(),
                        "label": m["label_a"].to_numpy(), "same": (m["side_a"] == m["side_b"]).to_numpy(),
                        "weight": np.fmin(m["weight_a"].to_numpy(dtype=float), m["weight_b"].to_numpy(dtype=float))})
    return out.drop_duplicates(["a", "b", "year", "source", "conflict", "same"]).reset_index(drop=True)


def dyad_scores(pairs: pd.DataFrame) -> pd.DataFrame:
    """Aggregate pair records to one row per (a, b, year) that has any: counts per source and side, the heaviest
    same-side and opposing weights of the scored sources, the record count ``n`` and a readable list."""
    key = ["a", "b", "year"]
    if pairs.empty:
        return pd.DataFrame(columns=[*key, *COUNT_COLUMNS, "same_w", "opp_w", "n", "conflicts"])
    p = pairs.assign(kind=np.where(pairs["same"], "same", "opp"))
    counts = p.groupby([*key, "source", "kind"]).size().unstack(["source", "kind"], fill_value=0)
    counts.columns = [f"{s}_{k}" for s, k in counts.columns]
    counts = counts.reindex(columns=list(COUNT_COLUMNS), fill_value=0)
    scored = p[p["source"].isin(SCORED)]
    w = scored.groupby([*key, "kind"])["weight"].max().unstack("kind")
    w = w.reindex(columns=["same", "opp"]).rename(columns={"same": "same_w", "opp": "opp_w"})
    n = scored.groupby(key).size().rename("n")
    shown = scored.assign(text=np.where(scored["same"], "same: ", "opposed: ") + scored["label"] + " (w "
                          + scored["weight"].map("{:.2f}".format) + ")",
                          order=(~scored["same"]).astype(int) * 10 + scored["source"].map(_SOURCE_ORDER))
    text = join_text(shown, key, "text", ["order", "conflict"]).rename(columns={"text": "conflicts"})
    return counts.join([w, n], how="left").reset_index().merge(text, on=key, how="left")


_SOURCE_ORDER = {"war": 0, "ucdp": 1, "mid": 2}


def join_text(df: pd.DataFrame, key: list[str], col: str, order: list[str]) -> pd.DataFrame:
    """``"; "``-joined ``col`` per ``key`` group, in ``order`` (DuckDB's string_agg: a pandas groupby-join over
    tens of thousands of groups is the slowest step of the full panel)."""
    q = lambda c: f'"{c}"'  # noqa: E731  (column names are this module's constants, never user input)
    by = ", ".join(map(q, key))
    sql = (f"SELECT {by}, string_agg({q(col)}, '; ' ORDER BY {', '.join(map(q, order))}) AS {q(col)} "
           f"FROM _t GROUP BY {by}")
    con = duckdb.connect()
    try:
        con.register("_t", df[[*key, col, *order]])
        return con.execute(sql).fetchdf()
    finally:
        con.close()


def rivalry_years(riv: pd.DataFrame) -> pd.DataFrame:
    """Strategic rivalries in force per undirected dyad-year (``a, b, year, rivalry``)."""
    riv = riv.dropna(subset=["iso3_1", "iso3_2"])
    riv = riv.assign(a=np.minimum(riv["iso3_1"], riv["iso3_2"]), b=np.maximum(riv["iso3_1"], riv["iso3_2"]),
                     start=riv["start"].clip(lower=COVERAGE[0]))
    ry = expand_spells(riv[riv["end"] >= COVERAGE[0]], "start", "end")
    return join_text(ry, ["a", "b", "year"], "rivalry", ["rivalry"])


# ------------------------------------------------------------------------------------------- the family

_WAR_SQL = """SELECT WarNum, WarName, iso3, Side, StartYear1, EndYear1, StartYear2, EndYear2
FROM cow_war_participants WHERE ? OR iso3 IN (SELECT unnest(?::VARCHAR[]))"""
_MID_SQL = """SELECT dispnum, iso3, sidea, hostlev, styear, endyear
FROM cow_mid_participants WHERE ? OR iso3 IN (SELECT unnest(?::VARCHAR[]))"""
_GML_SQL = """SELECT dispnum, iso3, sidea, styear, endyear
FROM ps_gml_part WHERE ? OR iso3 IN (SELECT unnest(?::VARCHAR[]))"""
_UCDP_SQL = """SELECT conflict_id, year, intensity_level, iso3_a, iso3_a_2nd, iso3_b, iso3_b_2nd
FROM ps_ucdp_acd WHERE ? OR iso3_a IN (SELECT unnest(?::VARCHAR[])) OR iso3_a_2nd IN (SELECT unnest(?::VARCHAR[]))
   OR iso3_b IN (SELECT unnest(?::VARCHAR[])) OR iso3_b_2nd IN (SELECT unnest(?::VARCHAR[]))"""
_RIV_SQL = """SELECT rivalry, iso3_1, iso3_2, "start", "end" FROM ps_tss_rivalries
WHERE ? OR (iso3_1 IN (SELECT unnest(?::VARCHAR[])) AND iso3_2 IN (SELECT unnest(?::VARCHAR[])))"""
TABLES = ("cow_war_participants", "cow_mid_participants", "ps_gml_part", "ps_ucdp_acd", "ps_tss_rivalries",
          "ps_cow_ddy")


def records(wh: Warehouse, states: list[str] | None) -> pd.DataFrame:
    """State-conflict-year records of every source (only the given states' when ``states`` is set)."""
    every, s = states is None, states or []
    recs = [war_records(wh.query(_WAR_SQL, [every, s])), mid_records(wh.query(_MID_SQL, [every, s])),
            mid_records(wh.query(_GML_SQL, [every, s]), source="gml"),
            ucdp_records(wh.query(_UCDP_SQL, [every, s, s, s, s]))]
    rec = pd.concat(recs, ignore_index=True)
    return rec[rec["iso3"].isin(states)] if states is not None else rec


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None) -> pd.DataFrame:
    wh.require(*TABLES)
    lo, hi = years or COVERAGE
    out = dyad_frame(wh, states, lo, hi)
    scores = dyad_scores(pair_records(records(wh, states)))
    out = out.merge(scores, on=["a", "b", "year"], how="left")
    every, s = states is None, states or []
    out = out.merge(rivalry_years(wh.query(_RIV_SQL, [every, s, s])), on=["a", "b", "year"], how="left")

    year = out["year"].to_numpy()
    in_sys = out["in_system"].to_numpy()
    for src, (_, (y0, y1)) in SOURCES.items():
        inside = in_sys & (year >= y0) & (year <= y1)
        for k in ("same", "opp"):
            c = f"{src}_{k}"
            out[c] = pd.array(np.where(inside, out[c].fillna(0).to_numpy(dtype=float), np.nan),
                              dtype="Float64").astype("Int64")
    covered = in_sys & (year >= COVERAGE[0]) & (year <= COVERAGE[1])
    same_w = out["same_w"].to_numpy(dtype=float, na_value=np.nan)
    opp_w = out["opp_w"].to_numpy(dtype=float, na_value=np.nan)
    out["score"] = pd.array(np.where(covered, np.nan_to_num(same_w) - np.nan_to_num(opp_w), np.nan), dtype="Float64")
    out["same_w"] = pd.array(np.where(covered, np.nan_to_num(same_w), np.nan), dtype="Float64")
    out["opp_w"] = pd.array(np.where(covered, np.nan_to_num(opp_w), np.nan), dtype="Float64")
    out["n"] = pd.array(np.where(covered, out["n"].fillna(0).to_numpy(dtype=float), np.nan),
                        dtype="Float64").astype("Int64")
    out["rivalry"] = out["rivalry"].astype("string").where(in_sys & (year <= RIVALRY_YEARS[1]))
    out["conflicts"] = out["conflicts"].astype("string")
    out["source"] = _source(year, covered)
    if years is None and states is not None:
        out = trim_leading_na(out, out["score"].notna())
    cols = ["a", "b", "year", "score", "same_w", "opp_w", "n", *COUNT_COLUMNS, "rivalry", "conflicts", "source"]
    return out[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)


def _source(year: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """The scored datasets covering each row's year (a lookup over three coverage bits, not per-row strings)."""
    names = [src for src, _ in SOURCES.values()][:3]
    spans = [SOURCES[k][1] for k in SCORED]
    code = sum(((year >= y0) & (year <= y1)).astype(int) << i for i, (y0, y1) in enumerate(spans))
    labels = [("; ".join(n for i, n in enumerate(names) if c >> i & 1) + "; ps_cow_ddy") if c else None
              for c in range(8)]
    return labels_at(labels, np.where(covered, code, 0))


class Cobelligerency(Family):
    name = "cobelligerency"
    label = "Co-belligerency: same or opposite sides in wars, MIDs and armed conflicts"
    domain = "political"
    description = ("heaviest same-side record minus heaviest opposing record, -1..1 (war 1; MID (min hostlev-1)/4; "
                   "UCDP 0.5 minor / 1 war); 0 = no joint fighting; COW wars 1816-2007, MID 5 to 2014, UCDP ACD "
                   "1946-2024")
    columns = COLUMNS
    coverage = COVERAGE
    citation = f"{WARS}; {MID5}; {UCDP_ACD}; {GML} (second reading); {TSS} (rivalry); {COW_STATES}"
    docs = "docs/measures/cobelligerency.md"
    cache_all = True

    def compute(self, wh: Warehouse, states, years, options: NoOptions, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years)


FAMILY = register(Cobelligerency())
dyad_years = FAMILY.dyad_years
