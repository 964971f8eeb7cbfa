"""``alignwatch unsc`` (Security Council texts on a topic, or P5 co-voting) and ``alignwatch treaties A B``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, PlotOption, StateA, StateB, ToOption, check_plot,
                      emit, file_metadata, pair, write_figure, year_range)
from ._common import open_warehouse as Warehouse

if TYPE_CHECKING:
    import pandas as pd



def timeline_table(wh: Warehouse, topic: str, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The printed timeline: one row per text with the tally, the P5 votes and (DPRK) PoE and stringency."""
    import pandas as pd

    from ..measures import unsc as us

    t = us.unsc_timeline(wh, topic)
    if years is not None:
        t = t[t["year"].between(*years)]
    tally = [f"{y}-{n}-{a}" if pd.notna(y) else pd.NA for y, n, a in zip(t["n_yes"], t["n_no"], t["n_abstain"])]
    out = t[["date", "symbol", "kind"]].assign(tally=pd.array(tally, dtype="string"))
    out = out.join(t[list(us.P5)]).assign(vetoed_by=us.vetoed_by_label(t).to_numpy())
    if "stringency" in t.columns:
        out = out.join(t[["poe", "stringency", "regime_stringency", "trigger"]])
    else:
        out = out.join(t[["agenda"]])
    return out.reset_index(drop=True)


def unsc(
    topic: Annotated[str, typer.Option("--topic", "-t", help="A state (DPRK, Syria) or an agenda keyword.")] = "DPRK",
    covoting: Annotated[bool, typer.Option(
        "--covoting", help="Instead: CHN and RUS co-voting with USA/GBR/FRA per year (share of identical votes; "
                           "all texts).")] = False,
    first: FromOption = None,
    last: ToOption = None,
    plot: PlotOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Every Security Council text on a topic: resolutions, failed drafts, vetoes, and for the DPRK presidential
    statements, Panel of Experts renewals and the sanctions-stringency code (0 none/other, 1 condemnation/demands,
    2 arms and WMD items, 3 financial, 4 sectoral export bans, 5 caps on oil imports / labour). P5 votes: yes, no,
    abstain, veto, not_voting (listed without a vote), no_vote (adopted without a vote), consensus (PRST), sponsor
    (never-voted draft), NA (not in the data). vetoed_by: the vetoing members, "none" where the data show no veto,
    NA where unknown. 1946-1993: adopted resolutions (UN Digital Library) and vetoed drafts only.

    Examples: ``alignwatch unsc --topic DPRK``, ``alignwatch unsc --topic Syria --from 2011``,
    ``alignwatch unsc --covoting --from 2015``, ``alignwatch unsc --topic DPRK --plot dprk_unsc.html``
    """
    from ..measures import unsc as us

    check_plot(plot)
    yrs = year_range(first, last, lo=1946)
    with Warehouse(db) as wh:
        if covoting:
            df = us.p5_covoting(wh, yrs)
            title = "Share of identical votes per year (CHN and RUS with USA, GBR, FRA; all Council texts)"
            caption = ("Sources: undl_sc_votes (UN Digital Library, adopted resolutions 1946-2025), unsc_member_votes "
                       "(every draft put to a vote, 1994-May 2025), unga_votes_2025. Before 1994 adopted resolutions "
                       "only. X in the UN DL (listed without a vote) is not compared.")
        else:
            df = timeline_table(wh, topic, yrs)
            if df.empty:
                raise UsageError(f"no Security Council text found on {topic!r}",
                                 hint="try a state (DPRK, Syria) or another keyword from the agenda")
            title = f"Security Council texts on {topic}"
            caption = ("Sources: undl_sc_votes, unsc_member_votes, unga_votes_2025, unsc_vetoes"
                       + ("; chr_unsc_dprk; stringency: data/unsc_dprk_stringency.csv" if "stringency" in df.columns
                          else ""))
        if plot is not None:
            from ..report import figures_unsc as fu

            write_figure(fu.unsc_timeline_figure(wh, topic), plot, file_metadata(
                "unsc", options={"topic": topic, "covoting": covoting, "from": first, "to": last}))
    emit(df, fmt, title=title, caption=caption + (f"; figure written to {plot}" if plot else ""))


def treaties(
    a: StateA,
    b: StateB,
    first: FromOption = None,
    last: ToOption = None,
    all_columns: Annotated[bool, typer.Option("--all", help="Show every obligation column (COW neutrality, "
                                                            "non-aggression) and the sources.")] = False,
    plot: PlotOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Treaty obligations and strength per year for a pair: ATOP (to 2018), COW (to 2012) and the curated treaty
    spells (after 2018, and the 1961/2000/2024 treaties by name). Strength: 0 none, 1 consultation /
    non-aggression / neutrality, 2 friendship or strategic partnership without defence, 3 defence pact. NA where no
    source covers the year or a state was not in the state system.

    Examples: ``alignwatch treaties PRK RUS``, ``alignwatch treaties PRK CHN --from 1990 --plot prk_chn.html``
    """
    from ..measures import treaties as tr

    ca, cb = pair(a, b)
    check_plot(plot)
    yrs = year_range(first, last)
    lo, hi = min(ca, cb), max(ca, cb)
    with Warehouse(db) as wh:
        d = tr.dyad_years(wh, [ca, cb], yrs)
        d = d[(d["a"] == lo) & (d["b"] == hi)]
        if plot is not None:
            from ..report import figures_unsc as fu

            write_figure(fu.fig_treaties(d, lo, hi), plot, file_metadata(
                "treaties", options={"a": ca, "b": cb, "from": first, "to": last}, df=d))
    cols = ["year", *tr.COLUMNS] if not all_columns else [c for c in d.columns if c not in ("a", "b")]
    emit(d[cols].reset_index(drop=True), fmt, title=f"{lo}–{hi}: treaties and alliance obligations",
         caption="Sources: ATOP 5 (Leeds et al. 2002), COW alliances 4.1 (Gibler 2009), curated treaty spells "
                 "(data/treaty_spells.csv)" + (f"; figure written to {plot}" if plot else ""))


def register(app: typer.Typer) -> None:
    app.command("unsc")(unsc)
    app.command("treaties")(treaties)
