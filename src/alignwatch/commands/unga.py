"""``alignwatch unga-panel`` (every dyad-year of UNGA vote agreement to a file) and ``alignwatch idealpoints``."""

from __future__ import annotations

import enum
import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import DbOption, Format, FormatOption, emit, file_metadata, state_list, write_figure, write_table
from ._common import open_warehouse as Warehouse
from ._common import year_range

FromOption = Annotated[int | None, typer.Option("--from", help="First year.")]
ToOption = Annotated[int | None, typer.Option("--to", help="Last year.")]
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


def unga_panel(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .parquet (default) or .csv.")],
    states: Annotated[str | None, typer.Option("--states", help="Only dyads among these states (comma list); "
                                                                "default: all.")] = None,
    first: FromOption = None,
    last: ToOption = None,
    absences: Annotated[Absences, typer.Option(
        "--absences", help="Absences as missing (default) or as a category (raw table to 2015, plus 2025).")
    ] = Absences.missing,
    issue: Annotated[str | None, typer.Option("--issue", help="Only roll calls coded with this issue: me, nu, di, hr, "
                                                              "co, ec.")] = None,
    important: Annotated[bool, typer.Option("--important", help="Only the US State Department's important "
                                                                "votes.")] = False,
    year_basis: Annotated[YearBasis, typer.Option("--year-basis", help="Calendar year of the vote or the "
                                                                       "session's first year.")] = YearBasis.calendar,
    directed: Annotated[bool, typer.Option("--directed", help="Both orderings of each dyad (a->b and b->a).")] = False,
    no_cache: NoCache = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Write the UN General Assembly agreement panel, one row per dyad-year: n_joint, agree_identical (score),
    agree_voeten, s_score, s_score_noabs, kappa, pi, na_reason, kappa_na, source. NA, never 0, where a state was
    not a UN member or the data have no roll calls (2021-2024).

    Examples: ``alignwatch unga-panel --out panel.parquet``,
    ``alignwatch unga-panel --out hr.csv --issue hr --states PRK,CHN,RUS,USA --from 1991``
    """
    import pandas as pd

    from ..measures import unga

    if out.suffix.lower() not in (".parquet", ".csv"):
        raise UsageError(f"--out must end in .parquet or .csv, not {out.name!r}")
    codes = state_list(states)
    yrs = year_range(first, last)
    unga.Options(absences.value, issue, important, year_basis.value)  # validate before opening the warehouse
    t0 = time.perf_counter()
    with Warehouse(db) as wh:
        df = unga.dyad_years(wh, codes, yrs, absences=absences.value, issue=issue, important=important,
                             year_basis=year_basis.value, directed_output=directed, use_cache=not no_cache)
    secs = time.perf_counter() - t0
    write_table(df, out, file_metadata("unga-panel", options={
        "states": states, "from": first, "to": last, "absences": absences, "issue": issue, "important": important,
        "directed": directed}, year_basis=year_basis.value, df=df))
    summary = pd.DataFrame([{
        "rows": len(df), "dyads": df[["a", "b"]].drop_duplicates().shape[0],
        "states": pd.concat([df.a, df.b]).nunique(),
        "years": f"{df.year.min()}–{df.year.max()}" if len(df) else "", "scored_rows": int(df.score.notna().sum()),
        "seconds": round(secs, 2), "file": str(out),
    }])
    emit(summary, fmt, title="UNGA agreement panel", caption=(
        f"absences {absences.value}; issue {issue or 'all'}; {'important votes only; ' if important else ''}"
        f"{year_basis.value} years; {'directed' if directed else 'undirected'}. Sources: unga_votes/unga_votes_raw "
        "(Voeten, Strezhnev & Bailey, Harvard Dataverse hdl:1902.1/12379) and unga_votes_2025 (UN Digital Library "
        "via 3DL)."))


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
    plot: Annotated[Path | None, typer.Option("--plot", help="Also write an offline HTML figure here.")] = None,
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
    from ..report import figures_unga

    codes = state_list(states)
    if not codes:
        raise UsageError("give at least one state with --states")
    codes = list(dict.fromkeys(codes))
    yrs = year_range(first, last)
    if plot is not None and plot.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--plot must end in .html, not {plot.name!r}")
    with Warehouse(db) as wh:
        df = figures_unga.idealpoint_table(wh, codes, yrs, source.value, use_cache=not no_cache)
    if plot is not None:
        write_figure(figures_unga.fig_idealpoints(df, codes, source.value), plot, file_metadata(
            "idealpoints", options={"states": ",".join(codes), "from": first, "to": last, "source": source},
            year_basis="session", series=[source.value]))
    caption = _side_summary(df, codes)
    caption = (caption + ". " if caption else "") + (
        "Source: Voeten's published ideal points ('fp' series), se from the 5-95% posterior quantiles."
        if source == Source.voeten else
        "Source: alignwatch dynamic IRT on unga_votes + unga_votes_2025; se = variational posterior sd "
        "(understates uncertainty).")
    if plot is not None:
        caption += f" Figure: {plot}"
    emit(df, fmt, title=f"UNGA ideal points ({source.value})", caption=caption)


def register(app: typer.Typer) -> None:
    app.command("unga-panel")(unga_panel)
    app.command("idealpoints")(idealpoints)
