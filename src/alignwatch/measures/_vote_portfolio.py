"""UN General Assembly votes as portfolios: any similarity measure of :mod:`alignwatch.similarity` on the roll calls
of each year, for a few named states (``alignwatch similarity A B --portfolio unga``).

The objects are the year's roll calls (the ``unga`` family's selection: tidy votes to early 2020 plus the 2025 GA
votes, absences missing, calendar years); the levels are the interval positions yes = 1, abstain = 0.5, no = 0, as
in the ``unga`` family, so S with absolute distances and κ/π with quadratic weights reproduce its columns. NA, never
0, where a year has no roll calls, a state was not a UN member, cast no recorded vote, or the pair no joint vote.
The all-dyad panel of the standard measures is the ``unga`` family itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import similarity as sim
from ..errors import UsageError
from ..warehouse import Warehouse
from . import unga

LEVELS = (0.0, 0.5, 1.0)  # no, abstain, yes
POSITION = np.array([1.0, 0.5, 0.0])  # by the unga category codes 0 yes, 1 abstain, 2 no
DEFAULT_DISTANCE = {"s": "abs", "a": "abs"}  # the unga family's S: absolute, d_max = 1


def dyad_years(wh: Warehouse, states: list[str], years: tuple[int, int] | None, chosen: sim.Spec) -> pd.DataFrame:
    """a, b (a < b), year, n_objects, the chosen measure's column, na_reason, source for every pair of ``states``."""
    codes = sorted(set(states))
    if len(codes) < 2:
        raise UsageError("a vote comparison needs at least two states", hint="e.g. PRK CHN")
    votes, items, (lo, hi) = unga.load_votes(wh, unga.Options())
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])
    member = unga.membership(items, codes).set_index(["iso3", "year"])["member"]
    sel = votes[votes["iso3"].isin(codes)]
    sel = sel.assign(iso3=sel["iso3"].astype(str))
    row_of = {c: r for r, c in enumerate(codes)}
    i, j = np.triu_indices(len(codes), 1)
    rows = []
    for year in range(lo, hi + 1):
        its = np.sort(items.loc[items["year"] == year, "item"].unique())
        v = np.full((len(codes), its.size), np.nan)
        yv = sel[sel["year"] == year]
        if its.size and len(yv):
            v[yv["iso3"].map(row_of).to_numpy(), np.searchsorted(its, yv["item"].to_numpy())] = \
                POSITION[yv["cat"].to_numpy(dtype=int)]
        res = sim.pairwise(v, levels=LEVELS, measures=[chosen], pairs=(i, j))
        voted = ~np.isnan(v).all(axis=1)
        srcs = ",".join(sorted(map(str, yv["source"].unique()))) if len(yv) else None
        for p, (a, b) in enumerate(zip(i, j)):
            reason = _reason(codes[a], codes[b], year, its.size, voted[a], voted[b], res["n_objects"][p], member)
            if reason is None and np.isnan(res[chosen.column][p]):
                reason = "undefined (a side without variation)"
            rows.append((codes[a], codes[b], year, None if its.size == 0 else int(res["n_objects"][p]),
                         res[chosen.column][p] if reason is None else np.nan, reason,
                         srcs if reason is None or reason in ("no joint vote", "undefined (a side without variation)")
                         else None))
    df = pd.DataFrame(rows, columns=["a", "b", "year", "n_objects", chosen.column, "na_reason", "source"])
    df["n_objects"] = df["n_objects"].astype("Int64")
    for c in ("a", "b", "na_reason", "source"):
        df[c] = df[c].astype("string")
    return df


def _reason(a: str, b: str, year: int, n_items: int, voted_a: bool, voted_b: bool, n_joint: int,
            member: pd.Series) -> str | None:
    if n_items == 0:
        return "no roll calls in the data"
    for s, voted in ((a, voted_a), (b, voted_b)):
        if not member.get((s, year), False) and not voted:
            return f"{s} not a UN member"
    for s, voted in ((a, voted_a), (b, voted_b)):
        if not voted:
            return f"{s} cast no recorded vote"
    return "no joint vote" if n_joint == 0 else None
