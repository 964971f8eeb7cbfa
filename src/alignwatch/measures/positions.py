"""Stances on peace proposals, roadmaps, joint statements and declarations (``chr_proposals``), and joint texts
issued at leader/minister meetings (``chr_summits``), per undirected dyad-year.

Why positions: analysts read alignment from who proposed, endorsed or rejected each settlement offer (the 1994
Agreed Framework, China's 2017 "suspension for suspension", the 2017 China–Russia roadmap, the Dec 2019 China–Russia
draft), not only from votes and trade. The chronology codes each of six states' stance on each text (see
``chronology/README.md``, section proposals.csv); this module turns the stances into an ordinal score and a
dyad-year agreement. Definitions, justification and citations: ``docs/measures/positions.md``.

Ordinal coding (:data:`POSITION_SCORE`): support (proposer, endorsed, accepted) = 1.0; neither (mixed, silent)
= 0.5; against (rejected, opposed) = 0.0; ``unknown`` = NA (no stance found is not a stance); ``n/a`` = not a
party and no stake, left out altogether (not NA, not counted in ``n_live_known``).

Agreement on one proposal = ``1 - |s_a - s_b|`` (1 same level, 0.5 one level apart, 0 opposite: the same
convention as Voeten's UNGA agreement score, where one abstention scores 0.5). A dyad-year's ``pos_agree`` is the
mean over the proposals *live* that year on which both stances are known. Liveness: a process with an
``end_date`` (the Six-Party Talks) is live from the year of ``date`` to the year of ``end_date``; any other text
is live in the year of its ``date`` and the ``live_years`` following calendar years (default 1: stances are coded
at or shortly after issuance, and a text issued late in a year — the Dec 2019 draft — is argued over in the next).
A co-proposal (both states among ``proposers``) is the strongest signal and is flagged and counted separately; it
does not get extra weight in the score, so the score stays a plain, interpretable share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import chronology
from ..errors import DataError, UsageError
from ..sources.chronology import CITATION as CHRONOLOGY
from ..warehouse import Warehouse
from .registry import Family, register

TABLE = chronology.PROPOSALS
SUMMITS = chronology.SUMMITS

#: stance -> ordinal score. ``unknown`` is NA (missing, never 0); ``n/a`` is absent from the map on purpose.
POSITION_SCORE: dict[str, float] = {
    "proposer": 1.0, "endorsed": 1.0, "accepted": 1.0,
    "mixed": 0.5, "silent": 0.5,
    "rejected": 0.0, "opposed": 0.0,
    "unknown": np.nan,
}
NOT_COUNTED = frozenset({"n/a"})
POSITIONS = frozenset(POSITION_SCORE) | NOT_COUNTED
#: stance -> level name used in figures and the proposals table.
POSITION_LEVEL = {"proposer": "support", "endorsed": "support", "accepted": "support", "mixed": "middle",
                  "silent": "middle", "rejected": "against", "opposed": "against", "unknown": "unknown",
                  "n/a": "not counted"}
CONFIDENCE = frozenset({"high", "medium", "low"})
DEFAULT_LIVE_YEARS = 1
SEP = " | "  # joins lists of proposals in one cell (titles contain "; ")

COLUMNS = ("n", "pos_agree", "n_co", "co_proposals", "proposals", "n_live", "n_low",
           "meetings_n", "joint_text_n", "joint_texts")


# ------------------------------------------------------------------------------------------------ proposals


def _bad(column: str, i: int, expected: str, df: pd.DataFrame, path: str) -> DataError:
    title = df["title"].iloc[i] if "title" in df.columns else ""
    return DataError(path, f"{expected} (proposal {str(title)[:60]!r})", row=i + 1, column=column)


def position_columns(df: pd.DataFrame) -> dict[str, str]:
    """``{ISO3: column}`` for every ``pos_XXX`` column: the states the table codes."""
    return {c[4:]: c for c in df.columns if re.fullmatch(r"pos_[A-Z]{3}", c)}


def prepare(df: pd.DataFrame, path: str = TABLE) -> pd.DataFrame:
    """Check and normalise a proposals table (as ingested or read from the CSV) for the measure.

    The connector already rejects bad rows at ingest; this re-checks what the measure relies on, so a table built
    any other way fails with one DataError naming the (1-based) row and column rather than a wrong number.
    Adds ``pid`` (row order), ``d`` / ``d_end`` (Timestamps) and ``proposer_set`` (frozenset of ISO3; the codes as
    :func:`alignwatch.chronology.proposals` gives them, the USSR as RUS).
    """
    need = ["date", "end_date", "title", "proposers", "confidence"]
    for c in need:
        if c not in df.columns:
            raise DataError(path, f"required column missing; expected columns {', '.join(need)}, pos_XXX", column=c)
    pos = position_columns(df)
    if not pos:
        raise DataError(path, "no position columns; expected pos_XXX columns (XXX = ISO3)", column="pos_XXX")
    out = df.reset_index(drop=True).copy()
    for col in ("date", "end_date"):
        raw = out[col]
        present = raw.notna() & (raw.astype("string").str.strip() != "").fillna(False)
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            d = raw
        else:  # ISO text, or datetime.date objects (their str() is ISO)
            d = pd.to_datetime(raw.where(present).astype("string"), errors="coerce", format="ISO8601")
        bad = (present & d.isna()).to_numpy()
        if col == "date":
            bad |= ~present.to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _bad(col, i, f"value {raw.iloc[i]!r} is not a valid date; expected YYYY-MM-DD", out, path)
        out["d" if col == "date" else "d_end"] = d
    late = (out.d_end.notna() & (out.d_end < out.d)).to_numpy()
    if late.any():
        i = int(np.flatnonzero(late)[0])
        raise _bad("end_date", i, f"end_date {out.end_date.iloc[i]} is before date {out.date.iloc[i]}", out, path)
    for iso, col in pos.items():
        s = out[col].astype("string").str.strip()
        bad = (s.isna() | ~s.isin(list(POSITIONS))).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _bad(col, i, f"unknown position {out[col].iloc[i]!r}; expected one of "
                               f"{', '.join(sorted(POSITIONS))}", out, path)
        out[col] = s.astype(object)
    conf = out["confidence"].astype("string").str.strip()
    bad = (conf.isna() | ~conf.isin(list(CONFIDENCE))).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _bad("confidence", i, f"unknown confidence {out.confidence.iloc[i]!r}; expected high, medium or low",
                   out, path)
    out["confidence"] = conf.astype(object)
    props = out["proposers"].astype("string").fillna("").str.split(";")
    sets = props.map(lambda parts: frozenset(p.strip() for p in parts if p.strip()))
    bad = sets.map(lambda s: not s or any(not re.fullmatch(r"[A-Z]{3}", p) for p in s)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _bad("proposers", i, f"value {out.proposers.iloc[i]!r} is not a ';'-separated list of ISO3 codes",
                   out, path)
    out["proposer_set"] = sets
    out.insert(0, "pid", np.arange(len(out)))
    return out


def live_span(prep: pd.DataFrame, live_years: int = DEFAULT_LIVE_YEARS) -> pd.DataFrame:
    """``first``/``last`` live calendar year of each proposal (the liveness rule of the module docstring)."""
    if not isinstance(live_years, (int, np.integer)) or isinstance(live_years, bool) or not 0 <= live_years <= 50:
        raise UsageError(f"live_years must be an integer 0..50, not {live_years!r}",
                         hint="0 = the year of issue only; 1 (default) = that year and the next")
    first = prep.d.dt.year
    last = prep.d_end.dt.year.where(prep.d_end.notna(), first + int(live_years))
    return pd.DataFrame({"pid": prep.pid, "first": first.astype(int), "last": last.astype(int)})


def _label(prep: pd.DataFrame) -> pd.Series:
    return prep.d.dt.strftime("%Y-%m-%d") + " " + prep.title.astype(str)


def _stance_pairs(use: pd.DataFrame, pos: dict[str, str], coded: list[str], span: pd.DataFrame, lo: int,
                  hi: int) -> pd.DataFrame:
    """One row per proposal, pair of coded states (a < b) and live year in ``lo..hi``: both stances and values
    (n/a dropped, unknown kept as NA), the proposal's label, ``co`` (both proposed it) and ``low``."""
    long = use.melt(id_vars=["pid"], value_vars=[pos[s] for s in coded], var_name="col", value_name="position")
    long["state"] = long.col.str[4:]
    long = long[~long.position.isin(NOT_COUNTED)]
    long["value"] = long.position.map(POSITION_SCORE).astype(float)
    pairs = long.merge(long, on="pid", suffixes=("_a", "_b"))
    pairs = pairs[pairs.state_a < pairs.state_b]
    pairs = pairs.merge(span, on="pid")
    yrs = pairs["last"] - pairs["first"] + 1
    pairs = pairs.loc[pairs.index.repeat(yrs)].copy()
    pairs["year"] = pairs["first"] + pairs.groupby(level=0).cumcount()
    pairs = pairs[(pairs.year >= lo) & (pairs.year <= hi)]
    info = use.set_index("pid")
    pairs["label"] = _label(use).set_axis(use.pid).reindex(pairs.pid).to_numpy()
    pset = info.proposer_set.reindex(pairs.pid).to_numpy()
    pairs["co"] = [a in s and b in s for a, b, s in zip(pairs.state_a, pairs.state_b, pset)]
    pairs["low"] = info.confidence.reindex(pairs.pid).eq("low").to_numpy()
    return pairs.rename(columns={"state_a": "a", "state_b": "b"})


def _agreement(pairs: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Per dyad-year: the agreement over proposals with both stances known (n, pos_agree, co-proposals, the texts
    used, low-confidence count), and the number of proposals live."""
    live = pairs.groupby(["a", "b", "year"]).size().rename("n_live")
    known = pairs[pairs.value_a.notna() & pairs.value_b.notna()].copy()
    known["agree"] = 1.0 - (known.value_a - known.value_b).abs()
    known["desc"] = (known.label + " [" + known.a + " " + known.position_a + ", " + known.b + " "
                     + known.position_b + "]")
    known["co_label"] = known.label.where(known.co, "")
    g = known.sort_values(["year", "label"]).groupby(["a", "b", "year"])
    agg = pd.DataFrame({
        "n": g.size(),
        "pos_agree": g.agree.mean(),
        "n_co": g.co.sum(),
        "co_proposals": g.co_label.agg(lambda x: SEP.join(v for v in x if v)),
        "proposals": g.desc.agg(SEP.join),
        "n_low": g.low.sum(),
    })
    return agg, live


def dyad_positions(
    proposals: pd.DataFrame,
    states: list[str] | None = None,
    years: tuple[int, int] | None = None,
    *,
    live_years: int = DEFAULT_LIVE_YEARS,
    include_low: bool = False,
    path: str = TABLE,
) -> pd.DataFrame:
    """Position agreement per undirected dyad-year from a proposals table (pure function, no warehouse).

    One row per dyad of coded states and year from the first to the last live year of the table (cut to
    ``years``): ``n`` proposals used (both stances known), ``pos_agree`` (mean agreement; NA when n = 0, never 0),
    ``n_co`` and ``co_proposals`` (texts both co-proposed), ``proposals`` (the texts used, with both stances),
    ``n_live`` (proposals live that year, whatever the stances), ``n_low`` (low-confidence rows among those used;
    0 unless ``include_low``). ``attrs['rows_used']`` / ``attrs['low_excluded']`` say how many table rows fed it.
    """
    prep = prepare(proposals, path)
    pos = position_columns(prep)
    coded = sorted(pos)
    if states is not None:
        coded = [s for s in coded if s in set(states)]
    low = prep.confidence.eq("low")
    use = prep if include_low else prep[~low]
    span = live_span(prep, live_years)
    lo, hi = int(span["first"].min()), int(span["last"].max())
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])

    dyads = [(a, b) for i, a in enumerate(coded) for b in coded[i + 1:]]
    if not dyads:  # fewer than two of the states have a stance column: no dyad to score (not an error)
        out = pd.DataFrame({c: pd.Series(dtype=t) for c, t in OUT_DTYPES.items()})
        out.attrs.update(rows_used=int(len(use)), low_excluded=int(0 if include_low else low.sum()),
                         live_years=int(live_years))
        return out
    grid = pd.DataFrame(
        [(a, b, y) for a, b in dyads for y in range(lo, hi + 1)], columns=["a", "b", "year"]
    ).astype({"year": "int64"})

    agg, live = _agreement(_stance_pairs(use, pos, coded, span, lo, hi))
    out = grid.merge(agg.reset_index(), on=["a", "b", "year"], how="left")
    out = out.merge(live.reset_index(), on=["a", "b", "year"], how="left")
    for c in ("n", "n_co", "n_live", "n_low"):
        out[c] = out[c].fillna(0).astype("int64")
    out["pos_agree"] = out["pos_agree"].astype("Float64")  # NA when n == 0: no evidence is not disagreement
    out["co_proposals"] = out["co_proposals"].fillna("")
    out["proposals"] = out["proposals"].fillna("")
    out["score"] = out["pos_agree"]
    out["source"] = TABLE
    out.attrs["rows_used"] = int(len(use))
    out.attrs["low_excluded"] = int(0 if include_low else low.sum())
    out.attrs["live_years"] = int(live_years)
    return out[["a", "b", "year", "n", "pos_agree", "n_co", "co_proposals", "proposals", "n_live", "n_low",
                "score", "source"]]


OUT_DTYPES = {"a": "object", "b": "object", "year": "int64", "n": "int64", "pos_agree": "Float64", "n_co": "int64",
              "co_proposals": "object", "proposals": "object", "n_live": "int64", "n_low": "int64",
              "score": "Float64", "source": "object"}


def proposal_table(proposals: pd.DataFrame, state: str | None = None, path: str = TABLE) -> pd.DataFrame:
    """Every proposal with each coded state's stance (and ``state``'s ordinal score first, when given)."""
    prep = prepare(proposals, path)
    pos = position_columns(prep)
    if state is not None and state not in pos:
        raise UsageError(f"{state} has no position column in {path}",
                         hint=f"the proposals table codes {', '.join(sorted(pos))}")
    out = pd.DataFrame({"date": prep.d.dt.strftime("%Y-%m-%d"), "title": prep.title, "kind": prep.get("kind"),
                        "proposers": prep.proposers})
    order = ([state] if state else []) + [s for s in pos if s != state]
    if state:
        out[f"{state}_score"] = prep[pos[state]].map(POSITION_SCORE).astype("Float64")
    for s in order:
        out[s] = prep[pos[s]]
    for c in ("confidence", "content", "outcome", "source"):
        if c in prep.columns:
            out[c] = prep[c]
    return out


# ------------------------------------------------------------------------------------ joint texts at meetings

# A meeting "produced a joint text" when its outcome names a joint statement / declaration / communiqué or a
# signed instrument (treaty, declaration). "no joint statement", "no documents" negate it.
_JOINT = re.compile(r"joint (?:statement|declaration|communiqu)|declaration signed|\bsigned\b|treaty signed", re.I)
_NEGATED = re.compile(r"\bno (?:joint statement|joint declaration|documents?)\b", re.I)


def meeting_joint_texts(summits: pd.DataFrame) -> pd.DataFrame:
    """Meetings and meetings with a joint text per undirected dyad-year, for dyads that include the DPRK.

    ``chr_summits`` lists visits to and from the DPRK (1990-2026), not all meetings of other pairs (the one
    CHN–RUS row is the 2025 Beijing parade), so only PRK dyads are covered: other dyads get no rows (NA), and a
    covered PRK dyad-year with no meeting is 0. A separate indicator, never mixed into ``pos_agree``.
    """
    s = summits.copy()  # canonical codes (alignwatch.chronology.summits): the USSR is RUS
    s["year"] = pd.to_datetime(s["date_start"]).dt.year.astype(int)
    outcome = s["outcome"].fillna("").astype(str)
    s["joint"] = outcome.str.contains(_JOINT) & ~outcome.str.contains(_NEGATED)
    s["a"] = s[["visitor_country", "host_country"]].min(axis=1)
    s["b"] = s[["visitor_country", "host_country"]].max(axis=1)
    lo, hi = int(s.year.min()), int(s.year.max())  # the table's coverage, before keeping the PRK dyads
    s = s[(s.a == "PRK") | (s.b == "PRK")]
    s["desc"] = pd.to_datetime(s["date_start"]).dt.strftime("%Y-%m-%d") + " " + outcome
    s["joint_desc"] = s.desc.where(s.joint, "")
    g = s.groupby(["a", "b", "year"])
    agg = pd.DataFrame({
        "meetings_n": g.size(),
        "joint_text_n": g.joint.sum(),
        "joint_texts": g.joint_desc.agg(lambda x: SEP.join(v for v in x if v)),
    }).reset_index()
    grid = pd.DataFrame([(a, b, y) for a, b in agg[["a", "b"]].drop_duplicates().itertuples(index=False)
                         for y in range(lo, hi + 1)], columns=["a", "b", "year"])
    out = grid.merge(agg, on=["a", "b", "year"], how="left")
    out["meetings_n"] = out.meetings_n.fillna(0).astype("int64")
    out["joint_text_n"] = out.joint_text_n.fillna(0).astype("int64")
    out["joint_texts"] = out.joint_texts.fillna("")
    return out


# --------------------------------------------------------------------------------------- warehouse entry points


@dataclass(frozen=True)
class Options:
    """``live_years``: years a proposal stays live after its year of issue (processes: to their end date);
    ``include_low``: count low-confidence rows too."""

    live_years: int = DEFAULT_LIVE_YEARS
    include_low: bool = False

    def __post_init__(self):
        if not isinstance(self.live_years, int) or isinstance(self.live_years, bool) or \
                not 0 <= self.live_years <= 50:
            raise UsageError(f"live_years must be an integer 0..50, not {self.live_years!r}",
                             hint="0 = the year of issue only; 1 (default) = that year and the next")
        if not isinstance(self.include_low, bool):
            raise UsageError(f"include_low must be True or False, not {self.include_low!r}")


def _dyad_years(wh: Warehouse, states, years, options: Options) -> pd.DataFrame:
    """Position agreement (score) plus the separate meetings/joint-text counts."""
    pos = dyad_positions(chronology.proposals(wh), states, years, live_years=options.live_years,
                         include_low=options.include_low)
    attrs = dict(pos.attrs)
    if wh.has(SUMMITS):
        meet = meeting_joint_texts(chronology.summits(wh))
        if states is not None:
            meet = meet[meet.a.isin(states) & meet.b.isin(states)]
        if years is not None:
            meet = meet[(meet.year >= years[0]) & (meet.year <= years[1])]
        out = pos.merge(meet, on=["a", "b", "year"], how="outer")
        out["meetings_n"] = out["meetings_n"].astype("Int64")
        out["joint_text_n"] = out["joint_text_n"].astype("Int64")
        for c in ("n", "n_co", "n_live", "n_low"):  # years the summits table adds are outside proposal coverage
            out[c] = out[c].astype("Int64")
        covered = out.source.notna()
        out["source"] = np.where(covered & out.meetings_n.notna(), f"{TABLE}; {SUMMITS}",
                                 np.where(covered, TABLE, SUMMITS))
    else:
        out = pos.assign(meetings_n=pd.NA, joint_text_n=pd.NA, joint_texts=pd.NA)
    out = out.sort_values(["a", "b", "year"]).reset_index(drop=True)
    out.attrs.update(attrs)
    return out[["a", "b", "year", *COLUMNS, "score", "source"]]


class Positions(Family):
    name = "positions"
    label = "Stances on peace proposals and joint statements"
    domain = "political"
    description = ("Agreement of coded stances (support 1 / mixed-silent 0.5 / against 0) on the peace proposals, "
                   "roadmaps and joint statements live in a year (chronology proposals.csv; live in the year of "
                   "issue and the next, or over a process's span); co-proposals flagged; meetings with a joint text "
                   "(summits_visits.csv) kept as separate columns. NA where no live proposal has both stances known.")
    columns = ("n", "pos_agree", "n_co", "co_proposals", "n_live", "joint_text_n")
    coverage = (1990, 2026)
    citation = f"{CHRONOLOGY} (proposals.csv, summits_visits.csv)"
    docs = "docs/measures/positions.md"
    Options = Options

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years, options)

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        from ..report import figures_positions

        return figures_positions.proposals_timeline_figure(wh, [first, second])


FAMILY = register(Positions())
dyad_years = FAMILY.dyad_years
