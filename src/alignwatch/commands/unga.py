"""``alignwatch unga-panel`` (every dyad-year of UNGA vote agreement to a file), ``alignwatch unga votes`` (each
state's vote on a resolution, a topic or a year), ``alignwatch unga compare`` (the two series side by side) and
``alignwatch idealpoints``."""

from __future__ import annotations

import enum
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, PlotOption, StateA, StateB, StatesOption, ToOption,
                      emit, file_metadata, pair, state_list, write_figure, write_table, year_range)
from ._common import open_warehouse as Warehouse

if TYPE_CHECKING:
    import pandas as pd

NoCache = Annotated[bool, typer.Option("--no-cache", help="Compute afresh; do not read or write the warehouse "
                                                          "cache.")]


class Absences(str, enum.Enum):
    missing = "missing"
    category = "category"


class YearBasis(str, enum.Enum):
    calendar = "calendar"
    session = "session"


class Source(str, enum.Enum):
    ours = "ours"
    voeten = "voeten"


class Series(str, enum.Enum):
    undl = "undl"
    voeten = "voeten"


SeriesOption = Annotated[Series, typer.Option(
    "--series", help="Roll-call set: undl (UN Digital Library, adopted resolutions 1946-2025; default) or voeten "
                     "(all roll calls incl. amendment and paragraph votes, to January 2020).")]
TopicOption = Annotated[str | None, typer.Option(
    "--topic", help="Only roll calls on a topic: ukraine (ES-11 and every resolution on Ukraine or Crimea), es11 "
                    "(the 11th emergency special session only) or dprk (human rights in the DPRK).")]


def _caption_source(series: str, absences: str) -> str:
    from ..measures import unga_series as us

    if series == "voeten":
        return (f"Series voeten: {us.RAW if absences == 'category' else us.TIDY} (Voeten, Strezhnev & Bailey, "
                "Harvard Dataverse hdl:1902.1/12379), to January 2020.")
    return ("Series undl: undl_ga_votes (UN Digital Library voting records, as crawled in github.com/lefthand67/"
            "un_votes) and, for 2025, unga_votes_2025 (UN Digital Library via 3DL).")


def unga_panel(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .parquet (default) or .csv.")],
    states: Annotated[str | None, typer.Option("--states", help="Only dyads among these states (comma list); "
                                                                "default: all.")] = None,
    series: SeriesOption = Series.undl,
    topic: TopicOption = None,
    first: FromOption = None,
    last: ToOption = None,
    absences: Annotated[Absences, typer.Option(
        "--absences", help="Absences as missing (default) or as a category (undl: listed without a vote, "
                           "1946-2025; voeten: the raw table, to 2015).")
    ] = Absences.missing,
    issue: Annotated[str | None, typer.Option("--issue", help="Only roll calls coded with this issue: me, nu, di, hr, "
                                                              "co, ec (series voeten only).")] = None,
    important: Annotated[bool, typer.Option("--important", help="Only the US State Department's important "
                                                                "votes (series voeten only).")] = False,
    year_basis: Annotated[YearBasis, typer.Option("--year-basis", help="Calendar year of the vote or the "
                                                                       "session's first year.")] = YearBasis.calendar,
    directed: Annotated[bool, typer.Option("--directed", help="Both orderings of each dyad (a->b and b->a).")] = False,
    no_cache: NoCache = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Write the UN General Assembly agreement panel, one row per dyad-year: n_joint, agree_identical (score),
    agree_voeten, s_score, s_score_noabs, kappa, pi, thin (fewer than 10 joint votes), na_reason, kappa_na,
    series, source. NA, never 0, where a state was not a UN member or the series has no roll calls in the year.

    Examples: ``alignwatch unga-panel --out panel.parquet``,
    ``alignwatch unga-panel --out ukraine.csv --topic ukraine --states PRK,CHN,RUS,USA --from 2014``,
    ``alignwatch unga-panel --out hr.csv --series voeten --issue hr --states PRK,CHN,RUS,USA --from 1991``
    """
    import pandas as pd

    from ..measures import unga

    if out.suffix.lower() not in (".parquet", ".csv"):
        raise UsageError(f"--out must end in .parquet or .csv, not {out.name!r}")
    codes = state_list(states)
    yrs = year_range(first, last)
    opts = unga.Options(absences.value, issue, important, year_basis.value, series.value, topic)  # before the db
    t0 = time.perf_counter()
    with Warehouse(db) as wh:
        df = unga.dyad_years(wh, codes, yrs, series=series.value, topic=opts.topic, absences=absences.value,
                             issue=issue, important=important, year_basis=year_basis.value, use_cache=not no_cache)
    if directed:
        df = unga.directed(df)
    secs = time.perf_counter() - t0
    write_table(df, out, file_metadata("unga-panel", options={
        "states": states, "from": first, "to": last, "series": series, "topic": topic, "absences": absences,
        "issue": issue, "important": important, "directed": directed}, year_basis=year_basis.value, df=df))
    summary = pd.DataFrame([{
        "rows": len(df), "dyads": df[["a", "b"]].drop_duplicates().shape[0],
        "states": pd.concat([df.a, df.b]).nunique(),
        "years": f"{df.year.min()}–{df.year.max()}" if len(df) else "", "scored_rows": int(df.score.notna().sum()),
        "seconds": round(secs, 2), "file": str(out),
    }])
    emit(summary, fmt, title=f"UNGA agreement panel (series {series.value})", caption=(
        f"series {series.value}; topic {opts.topic or 'all'}; absences {absences.value}; issue {issue or 'all'}; "
        f"{'important votes only; ' if important else ''}{year_basis.value} years; "
        f"{'directed' if directed else 'undirected'}; thin = fewer than {unga.MIN_JOINT} joint votes. "
        + _caption_source(series.value, absences.value)))


def _side_summary(df: pd.DataFrame, states: list[str], anchor: str = "USA") -> str:
    """Which states sit below the anchor and below the median state, in how many of the years shown."""
    if anchor not in df.columns:
        return ""
    parts = []
    for s in states:
        if s == anchor:
            continue
        ok = df[[s, anchor]].notna().all(axis=1)
        if not ok.any():
            continue
        below = (df.loc[ok, s] < df.loc[ok, anchor]).sum()
        neg = (df.loc[ok, s] < 0).sum()
        under_med = (df.loc[ok, s] < df.loc[ok, "median"]).sum()
        parts.append(f"{s}: below {anchor} {below}/{ok.sum()} years, below 0 {neg}/{ok.sum()}, "
                     f"below the median state {under_med}/{ok.sum()}")
    return "; ".join(parts)


def idealpoints(
    states: Annotated[str, typer.Option("--states", help="States (comma list of ISO3 codes or names).")]
    = "PRK,CHN,RUS,USA",
    first: FromOption = None,
    last: ToOption = None,
    source: Annotated[Source, typer.Option("--source", help="ours: alignwatch's dynamic IRT fit (to 2025); voeten: "
                                                            "the published series (to 2024).")] = Source.ours,
    plot: PlotOption = None,
    no_cache: NoCache = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Dynamic UN General Assembly ideal points per state and year (session years), with standard errors and the
    year's median state. Higher = closer to the US position (the orientation is fixed with the USA positive).

    Our fit (``--source ours``) is a one-dimensional ordinal IRT with random-walk points, bridged across years by
    identical resolutions, fitted by variational EM (about a minute once, then cached in the warehouse).

    Examples: ``alignwatch idealpoints --states PRK,CHN,RUS,USA --from 1991``,
    ``alignwatch idealpoints --source voeten --plot ideal.html``
    """
    from ..measures import idealpoints as ip

    codes = state_list(states)
    if not codes:
        raise UsageError("give at least one state with --states")
    codes = list(dict.fromkeys(codes))
    yrs = year_range(first, last)
    if plot is not None and plot.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--plot must end in .html, not {plot.name!r}")
    with Warehouse(db) as wh:
        df = ip.table(wh, codes, yrs, source.value, use_cache=not no_cache)
    if plot is not None:
        from ..report import figures_unga

        write_figure(figures_unga.fig_idealpoints(df, codes, source.value), plot, file_metadata(
            "idealpoints", options={"states": ",".join(codes), "from": first, "to": last, "source": source},
            year_basis="session", series=[source.value]))
    caption = _side_summary(df, codes)
    caption = (caption + ". " if caption else "") + (
        "Source: Voeten's published ideal points ('fp' series), se from the 5-95% posterior quantiles."
        if source == Source.voeten else
        "Source: alignwatch dynamic IRT on unga_votes (to 14 Jan 2020), then undl_ga_votes + unga_votes_2025 (UN "
        "Digital Library); se = variational posterior sd "
        "(understates uncertainty).")
    if plot is not None:
        caption += f" Figure: {plot}"
    emit(df, fmt, title=f"UNGA ideal points ({source.value})", caption=caption)


def votes(
    resolution: Annotated[str | None, typer.Option("--resolution", "-r", help="A GA resolution symbol, e.g. "
                                                                              "A/RES/ES-11/1.")] = None,
    topic: TopicOption = None,
    year: Annotated[int | None, typer.Option("--year", help="All recorded votes of a calendar year.")] = None,
    states: StatesOption = None,
    series: SeriesOption = Series.undl,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Each state's vote on a General Assembly resolution (yes, no, abstain, not voting), or, for a topic or a
    year, one row per resolution with its tally and the votes of the chosen states (default PRK, CHN, RUS, USA).

    Examples: ``alignwatch unga votes --resolution A/RES/ES-11/1``,
    ``alignwatch unga votes --topic ukraine --states PRK,CHN,RUS,BLR,IRN``,
    ``alignwatch unga votes --year 2024 --states PRK,RUS``
    """
    from .. import states as st
    from ..measures import unga

    codes = list(dict.fromkeys(state_list(states) or []))
    yrs = None if year is None else year_range(year, year, lo=1946)
    with Warehouse(db) as wh:
        chosen, every = unga.votes(wh, series=series.value, resolution=resolution, topic=topic, years=yrs)
    if chosen.empty:
        raise UsageError("no recorded vote matches", hint="try another --topic or --year, or --series undl")
    src = _caption_source(series.value, "missing")
    if len(chosen) == 1:
        r = chosen.iloc[0]
        rows = every if not codes else every[every["iso3"].isin(codes)]
        out = rows.assign(state=[st.name(c) for c in rows["iso3"]])[["iso3", "state", "vote"]]
        order = {c: i for i, c in enumerate(codes)}
        out = out.sort_values("iso3", key=(lambda s: s.map(order)) if codes else None)
        missing = [c for c in codes if c not in set(rows["iso3"])]
        note = f" Not listed (not a member): {', '.join(missing)}." if missing else ""
        emit(out.reset_index(drop=True), fmt, title=f"{r['symbol']} ({r['date']:%Y-%m-%d})",
             caption=f"{str(r['title']).split(' : resolution')[0]}. Recorded vote {_tally(every['vote'])}.{note} "
                     + src)
        return
    shown = codes or ["PRK", "CHN", "RUS", "USA"]
    wide = every[every["iso3"].isin(shown)].pivot_table(index="item", columns="iso3", values="vote",
                                                         aggfunc="first")
    tally = every.groupby("item")["vote"].agg(_tally)
    out = chosen.assign(date=chosen["date"].dt.strftime("%Y-%m-%d"),
                        title=chosen["title"].astype(str).str.split(" : resolution").str[0].str.slice(0, 60),
                        tally=chosen["item"].map(tally))[["date", "symbol", "title", "tally", "item"]]
    out = out.join(wide.reindex(columns=shown), on="item").drop(columns="item")
    emit(out.reset_index(drop=True), fmt, title=f"UNGA recorded votes ({len(out)} resolutions)",
         caption=f"tally = yes-no-abstain (not voting); NA: not a member (not listed). {src}")


def _tally(v: pd.Series) -> str:
    c = v.value_counts()
    return (f"{c.get('yes', 0)}-{c.get('no', 0)}-{c.get('abstain', 0)}"
            + (f" ({c.get('not voting', 0)} not voting)" if c.get("not voting", 0) else ""))


def compare(
    a: StateA,
    b: StateB,
    first: FromOption = None,
    last: ToOption = None,
    measure: Annotated[str, typer.Option("--measure", "-m", help="agree_identical (default), agree_voeten, "
                                                                 "s_score, s_score_noabs, kappa or pi.")]
    = "agree_identical",
    topic: TopicOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """The two UNGA series side by side for a pair: joint votes and the measure per year in each, and the
    difference (voeten - undl) where both have a score (1946-2019; the undl series alone continues to 2025).

    Examples: ``alignwatch unga compare PRK RUS --from 1991``, ``alignwatch unga compare CHN USA -m kappa``
    """
    from ..measures import unga

    ca, cb = pair(a, b)
    yrs = year_range(first, last, lo=1946)
    with Warehouse(db) as wh:
        df = unga.compare(wh, [ca, cb], yrs, measure=measure, topic=topic)
    df = df.drop(columns=["a", "b", "source"])
    emit(df, fmt, title=f"{ca}–{cb}: {measure} in the two UNGA series", caption=(
        "undl: UN Digital Library, adopted resolutions (undl_ga_votes; 2025 with unga_votes_2025); voeten: Voeten, "
        "Strezhnev & Bailey, all roll calls incl. amendment and paragraph votes (unga_votes), to January 2020. "
        f"diff = voeten - undl where both rest on at least {unga.MIN_JOINT} joint votes."))


def register(app: typer.Typer) -> None:
    app.command("unga-panel")(unga_panel)
    app.command("idealpoints")(idealpoints)
    group = typer.Typer(help="UN General Assembly: individual votes and the two roll-call series.",
                        no_args_is_help=True)
    group.command("votes")(votes)
    group.command("compare")(compare)
    app.add_typer(group, name="unga")
