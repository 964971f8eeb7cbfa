"""`alignwatch redlines`: what China and Russia did in the 12 months after DPRK tests, vetoes and treaties."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import DbOption, Format, FormatOption, emit, open_warehouse, state_code, state_list

_SHOW = ["trigger", "date", "patron", "unsc_texts", "voted_for_sanctions", "stringency_supported", "vetoed",
         "trade_change", "trade_series", "visits", "top_visit_level", "notes"]


def _short(text):
    """'S/RES/2375 (2017) yes (stringency 5)' -> '2375 yes s5': the table stays readable."""
    if not isinstance(text, str):
        return text
    text = re.sub(r"S/RES/(\d+) \(\d{4}\)", r"\1", text)
    return re.sub(r" \(stringency (\d)\)", r" s\1", text)


def redlines_cmd(
    patron: Annotated[str | None, typer.Option("--patron", help="Patron(s), comma-separated (default CHN,RUS).")]
    = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="Trigger kind(s), comma-separated: nuclear_test, icbm_test, veto, treaty (default: all "
                       "four), irbm_test, satellite_launch, missile_test.")] = None,
    nth: Annotated[int | None, typer.Option("--nth", min=1, help="Only the n-th event of the kind (e.g. 6).")]
    = None,
    since: Annotated[int | None, typer.Option("--since", help="Only events from this year on.")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="Only the base rates per kind and patron.")] = False,
    focus: Annotated[str, typer.Option("--focus", help="The state whose events are triggers.")] = "PRK",
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Trigger events and each patron's observed response in the following 12 months: Security Council texts
    with its vote and their sanctions stringency (0-5), bilateral trade year after vs year before (per source
    series), and visits. Then the base rate per kind and patron (n, share with Wilson 95% interval, median and
    range): an empirical base rate over past events, not a forecast. Table format prints both tables; csv/json
    print the events (or, with --summary, the base rates).

    Examples: `alignwatch redlines --patron CHN --kind nuclear_test`,
    `alignwatch redlines --kind nuclear_test --nth 6`, `alignwatch redlines --summary --since 2018`,
    `alignwatch redlines --format csv`
    """
    import pandas as pd

    from .. import redlines as rl

    pats = state_list(patron) or list(rl.PATRONS)
    kinds = [k.strip() for k in kind.split(",") if k.strip()] if kind else None
    if nth is not None and (not kinds or len(kinds) != 1):
        raise UsageError("--nth needs exactly one --kind", hint="e.g. --kind nuclear_test --nth 6")
    with open_warehouse(db) as wh:
        resp = rl.red_lines(wh, focus=state_code(focus), patrons=pats, kinds=kinds, since=since)
    if nth is not None:
        resp = resp[resp["n"] == nth]
        if resp.empty:
            raise UsageError(f"there is no {kinds[0]} number {nth} in the data")
    summ = rl.summary(resp)
    if fmt != Format.table:
        emit(summ if summary else resp, fmt)
        return
    if not summary:
        show = resp[_SHOW].copy()
        show["unsc_texts"] = show["unsc_texts"].map(_short)
        show["trade_change"] = show["trade_change"].map(lambda v: f"{v:+.0%}" if pd.notna(v) else pd.NA)
        emit(show, fmt, title="red lines: responses within 12 months",
             caption="unsc_texts: resolution (or draft) number, the patron's vote, sN = sanctions stringency "
                     "0 none … 5 oil caps/labour; trade: year after vs year before, one series; sources: "
                     + "; ".join(rl.SOURCES.values()))
    emit(summ[["kind", "patron", "n_events", "years", "voted_for_sanctions", "vetoed", "stringency_median",
               "trade_series", "trade_change_range", "trade_other_series", "visit_within_12m", "latest"]],
         fmt, title="base rates (empirical, over past events; not a forecast)")
    for line in summ["base_rate"]:
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command("redlines")(redlines_cmd)
