"""Dyad panels written once, as Ibis expressions, so that DuckDB (default) and Spark compute the same thing.

Nothing here touches a connection: each function takes Ibis tables and returns an Ibis expression; the caller
decides where it runs (:mod:`.engines`) and :func:`collect` brings it back in a canonical order and dtype so that
results from different engines compare cell by cell.

Event panel (:func:`event_panel`), one row per dyad and period (year, or year and month):

- Only state-to-state events count: both actors resolved to ISO3 and different (domestic events such as CHN->CHN
  are left out). Undirected by default — ``a < b`` alphabetically, events in both directions pooled, as in the
  project's dyad-year contract; ``directed=True`` keeps ``a`` = source, ``b`` = target.
- ``n_events``; ``n_verbal_coop``, ``n_material_coop``, ``n_verbal_conf``, ``n_material_conf`` (the quad classes);
  ``n_root_01`` .. ``n_root_20`` (CAMEO roots; NA for data not coded in CAMEO, i.e. POLECAT — zero is not missing).
- ``goldstein_mean``: mean Goldstein score of the dyad's events (Goldstein 1992; events without a score skipped).
- ``coop_minus_conflict`` = (verbal + material cooperation) − (verbal + material conflict), a count; and
  ``net_coop_share`` = that divided by ``n_events``, in −1..1 (the usual net-cooperation index of event-data work,
  e.g. Goldstein 1992; Pevehouse 2004), comparable across dyads of very different media volume.
- A dyad-period with no events has no row: absence of reported events is not evidence of zero interaction, and a
  caller that needs a full grid decides itself whether a missing row means 0 or NA.

UNGA agreement baseline (:func:`unga_agreement`), one row per undirected dyad-year: the share of identical votes
(yes/abstain/no) over the roll calls on which both states voted (Voeten's tidy votes, which drop absences, joined to
the roll calls for the year of the vote's date). This is the plain "percent agreement" of the literature (e.g.
Voeten 2013, "Data and analyses of voting in the UN General Assembly"); the chance-corrected and abstention-weighted
variants live in ``alignwatch.measures.unga``. A state that was not a UN member casts no votes, so it has no row:
never a zero.
"""

from __future__ import annotations

from collections.abc import Iterable

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..errors import UsageError
from .formats import QUAD_CLASSES

QUAD_COLUMNS = {1: "n_verbal_coop", 2: "n_material_coop", 3: "n_verbal_conf", 4: "n_material_conf"}
ROOT_COLUMNS = {r: f"n_root_{r:02d}" for r in range(1, 21)}
PERIODS = ("year", "month")
assert set(QUAD_COLUMNS) == set(QUAD_CLASSES)


def event_panel(
    events: ir.Table,
    *,
    by: str = "year",
    directed: bool = False,
    states: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    source: str = "events",
) -> ir.Table:
    """Dyad-year (``by='year'``) or dyad-month (``by='month'``) counts and scores from normalised events."""
    if by not in PERIODS:
        raise UsageError(f"unknown period {by!r}", hint="use --by year or --by month")
    e = events
    e = e.filter(e.source_iso3.notnull(), e.target_iso3.notnull(), e.source_iso3 != e.target_iso3)
    e = e.mutate(year=e.date.year().cast("int32"), month=e.date.month().cast("int32"))
    if years is not None:
        e = e.filter(e.year.between(int(years[0]), int(years[1])))
    if states is not None:
        keep = sorted(set(states))
        e = e.filter(e.source_iso3.isin(keep), e.target_iso3.isin(keep))
    if directed:
        e = e.mutate(a=e.source_iso3, b=e.target_iso3)
    else:
        e = e.mutate(a=ibis.least(e.source_iso3, e.target_iso3), b=ibis.greatest(e.source_iso3, e.target_iso3))
    keys = ["a", "b", "year"] + (["month"] if by == "month" else [])

    # count(where=) is COUNT(*) FILTER (WHERE ...) on DuckDB — the cheapest conditional count there — and a SUM of
    # 0/1 on Spark; both give 0 for a group without such events.
    metrics = {"n_events": e.count(), "n_coded": e.cameo_root.count()}
    metrics |= {name: e.count(where=e.quad_class == q) for q, name in QUAD_COLUMNS.items()}
    metrics |= {name: e.count(where=e.cameo_root == r) for r, name in ROOT_COLUMNS.items()}
    metrics["goldstein_mean"] = e.goldstein.mean()
    g = e.group_by(keys).aggregate(**metrics)
    coop = g.n_verbal_coop + g.n_material_coop
    conf = g.n_verbal_conf + g.n_material_conf
    g = g.mutate(
        coop_minus_conflict=coop - conf,
        net_coop_share=(coop - conf).cast("float64") / g.n_events.cast("float64"),
        source=ibis.literal(source),
        # roots are NA, not 0, where the events carry no CAMEO code at all (POLECAT is coded in PLOVER)
        **{name: ibis.ifelse(g.n_coded > 0, g[name], ibis.null("int64")) for name in ROOT_COLUMNS.values()},
    )
    cols = [*keys, "n_events", *QUAD_COLUMNS.values(), "coop_minus_conflict", "net_coop_share", "goldstein_mean",
            *ROOT_COLUMNS.values(), "source"]
    return g.select(cols)


def unga_agreement(
    votes: ir.Table,
    roll_calls: ir.Table,
    *,
    states: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    source: str = "unvotes",
) -> ir.Table:
    """Share of identical UNGA votes per undirected dyad-year (the SQL baseline of the agreement panel).

    ``votes``: rcid, iso3, vote (yes/abstain/no; absences already dropped). ``roll_calls``: rcid, date.
    Columns: a, b, year, n_votes (roll calls both voted on), n_identical, agreement = n_identical / n_votes.
    """
    v = votes.filter(votes.iso3.notnull(), votes.vote.notnull()).select("rcid", "iso3", "vote")
    if states is not None:
        v = v.filter(v.iso3.isin(sorted(set(states))))
    rc = roll_calls.filter(roll_calls.date.notnull())
    rc = rc.select("rcid", year=rc.date.year().cast("int32"))
    if years is not None:
        rc = rc.filter(rc.year.between(int(years[0]), int(years[1])))
    vy = v.join(rc, "rcid")
    left = vy.select(rcid="rcid", year="year", a="iso3", vote_a="vote")
    right = vy.view().select(rcid_b="rcid", b="iso3", vote_b="vote")
    pairs = left.join(right, [left.rcid == right.rcid_b, left.a < right.b])
    g = pairs.group_by(["a", "b", "year"]).aggregate(
        n_votes=pairs.count(),
        n_identical=(pairs.vote_a == pairs.vote_b).cast("int64").sum(),
    )
    g = g.mutate(
        agreement=g.n_identical.cast("float64") / g.n_votes.cast("float64"),
        source=ibis.literal(source),
    )
    return g.select("a", "b", "year", "n_votes", "n_identical", "agreement", "source")


# --------------------------------------------------------------------------------------------- collecting


def collect(expr: ir.Table, limit: int | None = None) -> pd.DataFrame:
    """Run ``expr`` on its backend; rows sorted by the key columns, dtypes made engine-independent.

    Engines return the same values with different physical types (int32 vs int64, object vs string, NaN vs None);
    normalising here is what lets the engine-equality test compare frames exactly.
    """
    keys = [c for c in ("a", "b", "year", "month") if c in expr.columns]
    expr = expr.order_by(keys)
    if limit is not None:
        expr = expr.limit(int(limit))
    df = expr.to_pandas()
    return normalise(df)


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical dtypes: keys int64/str, counts Int64 (nullable), scores float64; sorted by the keys."""
    df = df.copy()
    for c in df.columns:
        s = df[c]
        if c in ("a", "b", "source"):
            df[c] = s.astype("string")
        elif c in ("year", "month"):
            df[c] = s.astype("int64")
        elif c.startswith("n_") or c == "coop_minus_conflict":
            df[c] = pd.array(pd.to_numeric(s), dtype="Int64")
        else:
            df[c] = pd.to_numeric(s).astype("float64")
    keys = [c for c in ("a", "b", "year", "month") if c in df.columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def frames_equal(left: pd.DataFrame, right: pd.DataFrame, *, rtol: float = 1e-12) -> tuple[bool, str]:
    """Exact on keys and counts; floats equal up to ``rtol`` (engines may sum in a different order)."""
    left, right = normalise(left), normalise(right)
    if list(left.columns) != list(right.columns):
        return False, f"columns differ: {list(left.columns)} vs {list(right.columns)}"
    if len(left) != len(right):
        return False, f"row counts differ: {len(left)} vs {len(right)}"
    for c in left.columns:
        a, b = left[c], right[c]
        if a.dtype == "float64":
            ok = np.allclose(a.to_numpy(), b.to_numpy(), rtol=rtol, atol=0.0, equal_nan=True)
        else:
            ok = bool(((a == b) | (a.isna() & b.isna())).fillna(False).all())
        if not ok:
            return False, f"column {c!r} differs"
    return True, ""
