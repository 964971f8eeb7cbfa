"""``alignwatch trade A B`` (year rows per source series) and ``alignwatch visits A B`` (meetings per year)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ._common import DbOption, Format, FormatOption, emit, open_warehouse, state_code, year_range

if TYPE_CHECKING:
    import pandas as pd

    from ..warehouse import Warehouse

FromOption = Annotated[int | None, typer.Option("--from", help="First year.")]
ToOption = Annotated[int | None, typer.Option("--to", help="Last year.")]
ExcludeLow = Annotated[bool, typer.Option("--exclude-low", help="Drop rows graded low confidence.")]


def _pair(a: str, b: str) -> tuple[str, str]:
    ca, cb = state_code(a), state_code(b)
    if ca == cb:
        raise UsageError(f"{a!r} and {b!r} are the same state ({ca})")
    return ca, cb


def trade_table(wh: Warehouse, a: str, b: str, years, *, series: list[str] | None = None,
                include_low: bool = True) -> pd.DataFrame:
    """Year rows per source series, seen from ``a``: exports to / imports from ``b``, balance, dependence."""
    from ..measures import trade as tr

    df = tr.directed(tr.series(wh, [a, b], years, include_low=include_low), a, b)
    if series:
        df = df[df["series"].isin(series)]
    return df.reset_index(drop=True)


def trade(
    a: Annotated[str, typer.Argument(help="State whose trade is measured (ISO3 code or name).")],
    b: Annotated[str, typer.Argument(help="Partner (ISO3 code or name).")],
    first: FromOption = None,
    last: ToOption = None,
    series: Annotated[str | None, typer.Option("--series", help="Only these series (comma list, e.g. "
                                                                 "COW_v4,KOTRA,GACC).")] = None,
    exclude_low: ExcludeLow = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Trade of A with B per year and source series (USD million, current): A's exports, imports, balance,
    dependence (B's share of A's total trade, 0-1), and where series disagree (n_series, spread_total,
    spread_score). Series are never merged; years no series covers do not appear.

    Examples: ``alignwatch trade PRK CHN``, ``alignwatch trade PRK RUS --from 2010``,
    ``alignwatch trade PRK CHN --series KOTRA,GACC --format csv``
    """
    from ..measures import trade as tr

    ca, cb = _pair(a, b)
    yrs = year_range(first, last)
    wanted = None
    if series:
        wanted = [s.strip() for s in series.split(",") if s.strip()]
        bad = [s for s in wanted if s not in tr.SERIES_ORDER]
        if bad:
            raise UsageError(f"unknown series {', '.join(bad)}", hint=f"choose from: {', '.join(tr.SERIES_ORDER)}")
    with open_warehouse(db) as wh:
        df = trade_table(wh, ca, cb, yrs, series=wanted, include_low=not exclude_low)
    caption = None
    if fmt == Format.table:
        used = [s for s in tr.SERIES_ORDER if s in set(df["series"])]
        caption = "Sources: " + "; ".join(f"{s} = {tr.SERIES_CITATION[s]}" for s in used) if used else \
            "no series covers this pair in these years"
        caption += ". No trade-composition data are in the mirror."
        df = df.drop(columns=["state", "partner", "source"])
    emit(df, fmt, title=f"{ca} trade with {cb} by source series (USD million; dependence = {cb}'s share of "
                        f"{ca}'s total trade)", caption=caption)


def visits_table(wh: Warehouse, a: str, b: str, years, *, include_low: bool = True) -> pd.DataFrame:
    """Per-year visits of the pair, oriented from ``a``: ``visits_out`` = a's delegations to b."""
    from ..measures import visits as vi

    df = vi.dyad_years(wh, [a, b], years, include_low=include_low)
    out, inn = ("a_to_b", "b_to_a") if a < b else ("b_to_a", "a_to_b")
    df = df.rename(columns={out: "visits_out", inn: "visits_in", "weighted": "weighted_meetings"})
    cols = ["year", "score", "weighted_meetings", "n_meetings", "n_leader", "n_minister", "n_other", "visits_out",
            "visits_in", "third_country", "joint_statements", "n_low", "complete", "locations", "cv_engagements",
            "cv_weighted", "cv_in_partner", "cv_in_china", "cv_third", "pd_gov_visits", "pd_mil_visits", "source"]
    return df[cols]


def meetings_table(wh: Warehouse, a: str, b: str, years, *, include_low: bool = True) -> pd.DataFrame:
    from ..measures import visits as vi

    m = vi.meeting_list(wh, a, b, years, include_low=include_low)
    m = m.assign(direction=m.apply(lambda r: "third country" if r["direction"] == "third_country"
                                   else f"{r['visitor_country']}→{r['host_country']}", axis=1) if len(m) else [],
                 date_start=m["date_start"].dt.date, date_end=m["date_end"].dt.date)
    cols = ["date_start", "date_end", "direction", "visitor", "host", "location_city", "level", "weight",
            "joint_statement", "confidence", "outcome", "source"]
    return m[cols]


def visits(
    a: Annotated[str, typer.Argument(help="First state (ISO3 code or name).")],
    b: Annotated[str, typer.Argument(help="Second state (ISO3 code or name).")],
    first: FromOption = None,
    last: ToOption = None,
    list_: Annotated[bool, typer.Option("--list", help="List the meetings instead of the yearly counts.")] = False,
    exclude_low: ExcludeLow = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Leader and minister meetings of A and B per year, weighted by level (head of state 3, head of government 2,
    minister 1, other 0.5), by direction (visits_out = A's delegations to B), with joint statements; plus China
    Vitae engagement-days (cv_*, 2003-2018) and AidData government visits (pd_*) as separate series.

    0 means no recorded meeting only where the chronology aims at completeness (PRK-CHN, PRK-RUS, 1990-2025,
    ``complete`` true); elsewhere the counts are lower bounds and missing years are NA.

    Examples: ``alignwatch visits PRK CHN``, ``alignwatch visits PRK RUS --list``,
    ``alignwatch visits CHN RUS --from 2003 --to 2018 --format csv``
    """
    ca, cb = _pair(a, b)
    yrs = year_range(first, last)
    with open_warehouse(db) as wh:
        if list_:
            df = meetings_table(wh, ca, cb, yrs, include_low=not exclude_low)
            title = f"{ca}–{cb} meetings (chronology)"
        else:
            df = visits_table(wh, ca, cb, yrs, include_low=not exclude_low)
            title = f"{ca}–{cb} meetings per year (score = level-weighted chronology count)"
    caption = None
    if fmt == Format.table:
        caption = ("Sources: chr_summits (chronology, per-row citations); ev_chinavitae (China Vitae, 2003-2018); "
                   "ev_aiddata_pd (AidData Public Diplomacy v2.0). score = weighted where complete; "
                   "more columns with --format csv")
        if df.empty:
            caption = "no series covers this pair in these years (NA, not zero). " + caption
        wide = ["outcome"] if list_ else ["score", "locations", "cv_in_partner", "cv_in_china", "cv_third",
                                           "pd_mil_visits"]
        df = df.drop(columns=["source"] + wide)  # the full set: --format csv or json
    emit(df, fmt, title=title, caption=caption)


def register(app: typer.Typer) -> None:
    app.command("trade")(trade)
    app.command("visits")(visits)
