"""``alignwatch trade A B`` (year rows per source series) and ``alignwatch visits A B`` (meetings per year)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, StateA, StateB, ToOption, emit, open_warehouse, pair,
                      year_range)

if TYPE_CHECKING:
    import pandas as pd

    from ..warehouse import Warehouse

ExcludeLow = Annotated[bool, typer.Option("--exclude-low", help="Drop rows graded low confidence.")]


def trade_table(wh: Warehouse, a: str, b: str, years, *, series: list[str] | None = None,
                include_low: bool = True) -> pd.DataFrame:
    """Year rows per source series for the pair in the order given, sided columns named by state
    (``exports_PRK_to_CHN``, ``balance_PRK``); the same table as ``alignwatch dyad A B --measure trade``."""
    from ..measures import trade as tr

    df = tr.dyad_table(wh, a, b, years, include_low=include_low)
    if series:
        attrs = dict(df.attrs)
        df = df[df["series"].isin(series)].reset_index(drop=True)
        df.attrs.update(attrs)
    return df


def customs_table(wh: Warehouse, a: str, b: str, years, *, include_low: bool = True) -> pd.DataFrame:
    """Every customs report on the pair (annual, monthly, year to date), one cited row each, with the direction
    of each flow spelled out by state (``CHN→PRK``)."""
    from ..measures import trade as tr

    rep = _customs_reporter(a, b)
    c = tr.customs_rows(wh, years)
    c = c[(c["reporter_state"] == rep) & (c["partner"] == "PRK")]
    if not include_low:
        c = c[c["confidence"] != "low"]
    arrow = {"exports": f"{rep}→PRK", "imports": f"PRK→{rep}", "total": "total", "balance": f"balance {rep}"}
    out = c.assign(flow=c["flow"].map(arrow), month=c["month"].astype("Int64"))
    order = {"annual": 0, "ytd": 1, "month": 2}
    out = out.assign(_o=out["period"].map(order)).sort_values(["year", "_o", "month", "flow", "published"])
    cols = ["year", "period", "month", "flow", "value", "precision", "basis", "confidence", "outlet", "published",
            "source", "note"]
    return out[cols].reset_index(drop=True)


def _customs_reporter(a: str, b: str) -> str:
    from ..measures import trade as tr

    pair = {a, b}
    for series, state in tr.CUSTOMS_SERIES.items():
        if pair == {"PRK", state}:
            return state
    raise UsageError(f"no customs figures for {a}–{b}",
                     hint="the customs table covers PRK–CHN (China's customs) and PRK–RUS (Russia's customs)")


def trade(
    a: Annotated[str, typer.Argument(help="First state (ISO3 code or name): the columns are named from its side.")],
    b: Annotated[str, typer.Argument(help="Partner (ISO3 code or name).")],
    first: FromOption = None,
    last: ToOption = None,
    series: Annotated[str | None, typer.Option("--series", help="Only these series (comma list, e.g. "
                                                                 "COW_v4,KOTRA,GACC).")] = None,
    customs: Annotated[bool, typer.Option("--customs", help="List every customs report on the pair (annual, "
                                                            "monthly, year to date), one cited row each.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Cross-check the customs reports: two outlets for one "
                                                        "figure, exports + imports against the total, months "
                                                        "against the year.")] = False,
    exclude_low: ExcludeLow = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Trade of A with B per year and source series (USD million, current), in the order typed: A's exports to
    B, B's exports to A, the total, A's balance (negative = A's deficit), each side's dependence (the partner's
    share of its total trade, 0-1) and where series disagree (spread_total). Series are never merged; a year no
    series covers is shown as a gap, never as 0.

    After 2014 the DPRK pairs have China's customs (GACC), Russia's customs (RU_customs), KOTRA, KITA and ITC
    series; every customs figure cites its report (--customs lists them all, --check shows where they disagree).

    Examples: alignwatch trade PRK CHN; alignwatch trade PRK RUS --from 2010;
    alignwatch trade PRK CHN --series KOTRA,GACC --format csv; alignwatch trade PRK CHN --customs --from 2018
    """
    from ..measures import trade as tr

    ca, cb = pair(a, b)
    yrs = year_range(first, last)
    wanted = None
    if series:
        wanted = [s.strip() for s in series.split(",") if s.strip()]
        bad = [s for s in wanted if s not in tr.SERIES_ORDER]
        if bad:
            raise UsageError(f"unknown series {', '.join(bad)}", hint=f"choose from: {', '.join(tr.SERIES_ORDER)}")
    if customs and check:
        raise UsageError("give --customs or --check, not both")
    caption = None
    with open_warehouse(db) as wh:
        if customs or check:
            rep = _customs_reporter(ca, cb)
            name = next(s for s, st in tr.CUSTOMS_SERIES.items() if st == rep)
            if check:
                c = tr.customs_rows(wh, yrs)
                c = c[c["reporter"] == name]
                df = tr.customs_crosscheck(c if not exclude_low else c[c["confidence"] != "low"])
                title = (f"{name}: where the reports on {ca}–{cb} trade agree (USD million; agree = within the "
                         "published rounding, close = within 1%)")
            else:
                df = customs_table(wh, ca, cb, yrs, include_low=not exclude_low)
                title = f"{name} reports on {ca}–{cb} trade (USD million, current)"
            if fmt == Format.table:
                caption = "Source: " + tr.SERIES_CITATION[name] + "."
                df = df.drop(columns=[c for c in ("source", "precision", "detail") if c in df.columns])
        else:
            df = trade_table(wh, ca, cb, yrs, series=wanted, include_low=not exclude_low)
            title = f"{ca} trade with {cb} by source series (USD million; dep_X = the partner's share of X's trade)"
            if fmt == Format.table:
                used = [s for s in tr.SERIES_ORDER if s in set(df["series"].dropna())]
                caption = ("Sources: " + "; ".join(f"{s} = {tr.SERIES_CITATION[s]}" for s in used) + ". "
                           if used else "") + df.attrs.get("caption", "")
                df = df.drop(columns=df.attrs.get("table_drop", []), errors="ignore")
    if df.empty and fmt == Format.table:
        caption = "no rows in these years. " + (caption or "")
    emit(df, fmt, title=title, caption=caption)


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
    a: StateA,
    b: StateB,
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
    ca, cb = pair(a, b)
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
