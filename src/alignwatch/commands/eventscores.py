"""`alignwatch event-scores A B`: cooperation and conflict between two states per year, from ICEWS and GDELT."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import (DbOption, Format, FormatOption, FromOption, StateA, StateB, ToOption, emit, open_warehouse, pair,
                      year_range)

_SHOW = {
    "year": "year", "icews_coop": "icews coop", "icews_conf": "icews conf", "icews_net_coop": "icews net",
    "gdelt_sum": "gdelt sum", "gdelt_mean": "gdelt mean/day", "gdelt_z": "gdelt z", "gdelt_days_present": "days",
    "source": "source",
}


def event_scores(
    a: StateA,
    b: StateB,
    first: FromOption = None,
    last: ToOption = None,
    full: Annotated[bool, typer.Option("--full", help="Show every column (verbal/material counts, active days).")]
    = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Cooperation and conflict between two states per year: ICEWS 2002-2014 and GDELT 2018-2024, kept apart.

    icews net = (coop - conf) / (coop + conf) over both directions (the score). GDELT is a Goldstein/tone
    intensity, not an event count, available only for pairs with PRK, CHN or RUS: its yearly sum depends on media
    volume and on the days present (days; about 96 are missing), so compare the daily mean and z (against the
    pair's own 2018-2024 history) within a pair, not across pairs. NA outside each source's coverage.

    Examples: `alignwatch event-scores PRK CHN`, `alignwatch event-scores PRK RUS --from 2018`,
    `alignwatch event-scores CHN RUS --full --format csv`
    """
    from ..measures import events as ev

    ca, cb = pair(a, b)
    yrs = year_range(first, last)
    with open_warehouse(db) as wh:
        df = ev.dyad_years(wh, [ca, cb], yrs)
    x, y = sorted((ca, cb))  # stored as a < b; every column is symmetric (both directions pooled)
    df = df[(df["a"] == x) & (df["b"] == y)]
    covered = df["source"].notna()
    if covered.any():  # years outside both sources are not shown unless asked for; the 2015-17 gap is
        lo = first if first is not None else df.loc[covered, "year"].min()
        hi = last if last is not None else df.loc[covered, "year"].max()
        df = df[df["year"].between(lo, hi)]
    if full:
        out = df.drop(columns=["a", "b", "score"])
    else:
        out = df[list(_SHOW)].rename(columns=_SHOW)
    emit(out.reset_index(drop=True), fmt, title=f"{ca}–{cb}: event-data cooperation and conflict",
         caption=f"Sources: {ev.CITATION_ICEWS}; {ev.CITATION_GDELT}.")


def register(app: typer.Typer) -> None:
    app.command("event-scores")(event_scores)
