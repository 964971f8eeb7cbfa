"""`alignwatch proposals`, `alignwatch positions A B` and `alignwatch addresses`: stances on peace proposals
and joint statements, their dyad-year agreement, and the term rates of the DPRK New Year addresses."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, StateA, StateB, ToOption, emit, file_metadata,
                      open_warehouse, pair, state_code, write_figure, year_range)

DEFAULT_LIVE_YEARS = 1  # measures.positions.DEFAULT_LIVE_YEARS (checked by the tests; not imported at start-up)
SEP = " | "  # measures.positions.SEP


def proposals(
    state: Annotated[str | None, typer.Option("--state", "-s", help="Put this state's stance (and score) first.")]
    = None,
    full: Annotated[bool, typer.Option("--full", help="Also show content, outcome and source.")] = False,
    plot: Annotated[str | None, typer.Option("--plot", help="Write the proposals timeline to this HTML file.")]
    = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Every proposal, roadmap, joint statement and declaration in the chronology (1991–2025) with each state's
    stance: proposer / endorsed / accepted (support, 1), mixed / silent (0.5), rejected / opposed (0), unknown.

    Examples: `alignwatch proposals --state PRK`, `alignwatch proposals --full --format csv`,
    `alignwatch proposals --plot proposals.html`
    """
    from .. import chronology
    from ..measures import positions as pos

    code = state_code(state) if state else None
    with open_warehouse(db) as wh:
        table = pos.proposal_table(chronology.proposals(wh), code)
    if plot:
        from ..report.figures_positions import proposals_timeline

        write_figure(proposals_timeline(table), plot,
                     file_metadata("proposals", options={"state": code, "plot": plot}, df=table))
    shown = table if (full or fmt != Format.table) else table.drop(columns=["content", "outcome", "source"])
    if fmt == Format.table:
        shown = shown.assign(title=shown.title.str.slice(0, 60))
    emit(shown, fmt, title=f"{len(table)} proposals" + (f" — {code}'s stance first" if code else ""),
         caption="chronology/proposals.csv; stances at or shortly after issuance; unknown = no stance found"
                 + (f"; figure written to {plot}" if plot else ""))


def positions_cmd(
    a: StateA,
    b: StateB,
    first: FromOption = None,
    last: ToOption = None,
    live_years: Annotated[int, typer.Option("--live-years", help="Years a proposal stays live after its year "
                                                                "of issue (processes: to their end date).")]
    = DEFAULT_LIVE_YEARS,
    include_low: Annotated[bool, typer.Option("--include-low", help="Count low-confidence rows too.")] = False,
    all_years: Annotated[bool, typer.Option("--all-years", help="Also show years with no live proposal.")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Stance agreement of two states per year over the proposals live that year (1 same stance level, 0.5 one
    level apart, 0 opposite; NA when no live proposal has both stances known, never 0); co-proposals flagged.

    Examples: `alignwatch positions CHN RUS`, `alignwatch positions PRK USA --live-years 0`,
    `alignwatch positions PRK CHN --include-low --format json`
    """
    from ..measures import positions as pos

    ca, cb = pair(a, b)
    if not 0 <= live_years <= 50:
        raise UsageError(f"--live-years must be 0..50, not {live_years}")
    yrs = year_range(first, last)
    lo, hi = sorted((ca, cb))
    with open_warehouse(db) as wh:
        df = pos.dyad_years(wh, [ca, cb], yrs, live_years=live_years, include_low=include_low)
    df = df[(df.a == lo) & (df.b == hi)]
    if df.empty or df.n_live.isna().all():
        raise UsageError(f"no stances coded for {ca}–{cb}",
                         hint="the proposals table codes PRK, CHN, RUS, USA, KOR and JPN")
    used, excluded = df.attrs.get("rows_used"), df.attrs.get("low_excluded")
    if not all_years:
        df = df[(df.n_live.fillna(0) > 0) | (df.meetings_n.fillna(0) > 0)]
    cols = ["year", "n", "pos_agree", "n_co", "co_proposals", "proposals", "n_live", "n_low", "joint_text_n"]
    out = df[cols].reset_index(drop=True)
    if fmt == Format.table:
        # compact in a terminal: co-proposals by date and short title, the others by date (csv/json: in full)
        out = out.assign(co_proposals=out.co_proposals.fillna("").map(lambda s: _short(s, 56)),
                         proposals=out.proposals.fillna("").map(lambda s: _short(s, 10)))
    emit(out, fmt, title=f"{ca}–{cb}: stances on proposals (live {live_years} year(s) after issue)",
         caption=f"{used} proposal rows used, {excluded} low-confidence rows left out "
                 f"({'included' if include_low else 'use --include-low to count them'}); "
                 "joint_text_n = meetings with a joint text (chr_summits, PRK dyads only), kept apart from the score")


def _short(s: str, width: int) -> str:
    """Each listed proposal cut to `width` characters (a date is 10), one per line."""
    parts = [p for p in s.split(SEP) if p]
    if width <= 10:
        return "\n".join(p[:width] for p in parts)
    return "\n".join(p if len(p) <= width else p[: width - 1].rstrip() + "…" for p in parts)


def addresses_cmd(
    plot: Annotated[str | None, typer.Option("--plot", help="Write the term-rate figure to this HTML file.")]
    = None,
    terms_file: Annotated[str | None, typer.Option("--terms", help="Another term dictionary (TOML).")] = None,
    counts: Annotated[bool, typer.Option("--counts", help="Show raw counts instead of rates.")] = False,
    first: FromOption = None,
    last: ToOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Mentions per 10,000 Hangul syllables of the term dictionary in each DPRK New Year address, 1946–2019
    (body only: South Korean synopses and wire prefaces removed; 1995–2012 are joint editorials).

    Examples: `alignwatch addresses`, `alignwatch addresses --plot a.html`,
    `alignwatch addresses --counts --from 2013 --format csv`
    """
    from ..measures import addresses as addr

    yrs = year_range(first, last, lo=1946)
    terms = addr.load_terms(terms_file)
    with open_warehouse(db) as wh:
        rates = addr.address_rates_wh(wh, terms)
    if yrs:
        rates = rates[(rates.year >= yrs[0]) & (rates.year <= yrs[1])]
    if plot:
        from ..report.figures_positions import address_rates_figure

        write_figure(address_rates_figure(rates, labels={k: c.label for k, c in terms.items()}), plot,
                     file_metadata("addresses", options={"terms": terms_file, "from": first, "to": last},
                                   series=["kcna_new_year"]))
    keys = list(terms)
    cols = ["year", "genre", "body_syllables"] + ([f"{k}_n" for k in keys] if counts else keys)
    out = rates[cols].reset_index(drop=True)
    if fmt == Format.table:
        out = out.assign(genre=out.genre.str.replace("address (", "", regex=False).str.rstrip(")"))
    emit(out, fmt, title="DPRK New Year addresses: " + ("mentions" if counts else "mentions per 10,000 syllables"),
         caption="kcna_new_year (Park, Park & Jo 2015 corpus); terms: "
                 + ", ".join(f"{k}={c.label}" for k, c in terms.items())
                 + (f"; figure written to {plot}" if plot else ""))


def register(app: typer.Typer) -> None:
    app.command("proposals")(proposals)
    app.command("positions")(positions_cmd)
    app.command("addresses")(addresses_cmd)
