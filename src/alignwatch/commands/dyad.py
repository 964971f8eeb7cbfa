"""``alignwatch dyad A B``: one row per year for a pair of states, from one measure family or all of them.

Families store a dyad once, as ``a < b``; the command shows it in the order the user typed
(:meth:`alignwatch.measures.registry.Family.pair_table`): the title reads A–B and every directional column names its
state (``ideal_a`` becomes ``ideal_PRK``, ``exports_ab`` becomes ``exports_CHN_to_PRK``), A's column first.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import AlignwatchError, UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, StateA, StateB, ToOption, coverage_error, data_span,
                      emit, has_data, open_warehouse, pair, trim_years, year_range)

if TYPE_CHECKING:
    import pandas as pd

    from ..warehouse import Warehouse

ALL_DETAIL = 2  # columns besides the score that `--measure all` shows per family


class Layout(str, enum.Enum):
    groups = "groups"
    wide = "wide"
    long = "long"


# ------------------------------------------------------------------------------------------------ tables


def all_table(wh: Warehouse, a: str, b: str, years, notes: list[str]) -> pd.DataFrame:
    """Every indexed family side by side (score and two detail columns each) with ``families_covered``.

    A family that fails for the pair (no rows, a table not ingested, or an error) is shown as NA with a note: one
    family must not take the others down."""
    import pandas as pd

    from ..measures import families

    frames, sources = [], []
    for _, fam in sorted(families().items()):
        if fam.domain == "descriptive":
            continue
        try:
            df = fam.pair_table(wh, a, b, years)
        except AlignwatchError as e:
            notes.append(f"{fam.name}: no data for this pair ({e})")
            df = None
        except Exception as e:  # noqa: BLE001 - one family's defect must not hide the others; it is reported
            notes.append(f"{fam.name}: not computed ({type(e).__name__}: {str(e)[:120]}); please report this")
            df = None
        if df is None or df.empty:
            if df is not None:
                notes.append(f"{fam.name}: no rows for this pair")
            frames.append(pd.DataFrame({f"{fam.name}.score": pd.Series(dtype="Float64")},
                                       index=pd.Index([], name="year")))
            continue
        if "headline" in df.columns:  # a family with several series a year (trade): its headline row per year
            df = df[df["headline"].fillna(False).astype(bool)].drop(columns="headline")
        df = df.drop_duplicates("year")
        sources.extend(s for s in df.attrs.get("sources", []) if s not in sources)
        detail = [c for c in df.columns if c not in ("year", "score", "source")][:ALL_DETAIL]
        part = df[["year", "score"] + detail].rename(columns={c: f"{fam.name}.{c}" for c in ["score"] + detail})
        frames.append(part.set_index("year"))
    out = pd.concat(frames, axis=1).sort_index()
    out.index.name = "year"
    out = out.reset_index()
    out["year"] = out["year"].astype(int)
    score_cols = [c for c in out.columns if c.endswith(".score")]
    out["families_covered"] = out[score_cols].notna().sum(axis=1)
    out.attrs["sources"] = sources
    return out


def dyad_table(wh: Warehouse, a: str, b: str, measure: str, years, notes: list[str] | None = None,
               **options) -> pd.DataFrame:
    """The year rows of one family (or all, side by side with coverage) for the pair ``a``–``b``, as typed."""
    from ..measures import get

    if measure == "all":
        return all_table(wh, a, b, years, notes if notes is not None else [])
    return get(measure).pair_table(wh, a, b, years, **options)


def one_sided(df: pd.DataFrame, a: str, b: str) -> list[str]:
    """Columns about one state only (``ideal_PRK``): a year with only these has no data on the pair."""
    def codes(c: str) -> set[str]:
        return {t for t in str(c).replace(".", "_").split("_")} & {a, b}

    return [c for c in df.columns if len(codes(c)) == 1]


def _caption(df: pd.DataFrame, measure: str, notes: list[str], sources: list[str]) -> str:
    from ..measures import families

    if measure == "all":
        fams = [c.split(".")[0] for c in df.columns if c.endswith(".score")]
        text = ("score = each family's headline score (docs/measures.md); families_covered = families with a score "
                "that year. Families: " + "; ".join(f"{f}: {families()[f].label}" for f in fams))
    else:
        fam = families()[measure]
        text = f"{fam.label} ({fam.docs})"
    if sources:
        text += ". Sources: " + "; ".join(sources)
    text += ". NA = not covered by the data or not a member (never 0); provenance: alignwatch sources"
    if notes:
        text += ". Notes: " + "; ".join(notes)
    return text


def _long(df: pd.DataFrame) -> pd.DataFrame:
    """One row per year, family and column (value as text where a family column is text)."""
    long = df.drop(columns=["families_covered"], errors="ignore").melt(id_vars="year", var_name="column")
    parts = long["column"].str.split(".", n=1, expand=True)
    long = long.assign(family=parts[0], column=parts[1])[["year", "family", "column", "value"]]
    return long.dropna(subset=["value"]).sort_values(["year", "family"], kind="stable").reset_index(drop=True)


def _emit_groups(df: pd.DataFrame, fmt: Format, title: str, caption: str) -> None:
    """The terminal view of ``--measure all``: headline scores in one table, then each family's detail."""
    scores = df[["year"] + [c for c in df.columns if c.endswith(".score")] + ["families_covered"]]
    emit(scores.rename(columns=lambda c: c.removesuffix(".score")), fmt, title=f"{title}: headline scores",
         caption=caption)
    for fam in [c.removesuffix(".score") for c in df.columns if c.endswith(".score")]:
        cols = [c for c in df.columns if c.startswith(fam + ".")]
        part = df[["year"] + cols]
        part = part[part[cols].notna().any(axis=1)]
        if len(cols) > 1 and len(part):
            emit(part.rename(columns=lambda c: c.split(".", 1)[-1]), fmt, title=f"{title}: {fam}")


def dyad(
    a: StateA,
    b: StateB,
    measure: Annotated[str, typer.Option("--measure", "-m", help="Measure family, or 'all'.")] = "overview",
    first: FromOption = None,
    last: ToOption = None,
    layout: Annotated[Layout | None, typer.Option(
        "--layout", help="With --measure all: groups (headline scores, then one table per family; the terminal "
                         "default), wide (one row per year, every column; the csv/json default) or long (one row "
                         "per year, family and column).")] = None,
    series: Annotated[str | None, typer.Option("--series", help="--measure unga: undl (default, 1946-2025) or "
                                                                "voeten (all roll calls, to 2020).")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="--measure unga: only roll calls on ukraine, es11 "
                                                              "or dprk.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """One row per year for a pair of states, as typed: A's columns first, directional columns named after their
    state. NA where a dataset does not cover the year or a state was not a member (never 0). Without --from/--to
    the rows start and end where the data do.

    Examples: `alignwatch dyad PRK CHN`, `alignwatch dyad PRK RUS --measure treaties`,
    `alignwatch dyad "North Korea" China --measure all --from 1991`, `alignwatch dyad CHN RUS -m all --layout long`,
    `alignwatch dyad PRK RUS --measure unga --topic ukraine --from 2014`
    """
    ca, cb = pair(a, b)
    yrs = year_range(first, last)
    options = {k: v for k, v in (("series", series), ("topic", topic)) if v is not None}
    if measure != "all":
        from ..measures import get

        get(measure).options(**options)  # the name and the family's options, checked before the warehouse opens
    elif options:
        raise UsageError("--series and --topic apply to --measure unga only")
    if layout is not None and measure != "all":
        raise UsageError("--layout applies to --measure all only")
    if layout == Layout.groups and fmt != Format.table:
        raise UsageError("--layout groups prints several tables: use it with --format table",
                         hint="with csv or json use --layout wide or --layout long")
    notes: list[str] = []
    with open_warehouse(db) as wh:
        # a window in the future or without any value: say what the data cover instead of printing NA rows
        future = yrs is not None and yrs[0] > dt.date.today().year
        df = None if future else dyad_table(wh, ca, cb, measure, yrs, notes, **options)
        if df is None or not has_data(df, one_sided(df, ca, cb)).any():
            whole = df if yrs is None else dyad_table(wh, ca, cb, measure, None, [], **options)
            span = data_span(whole, one_sided(whole, ca, cb))
            if span is not None:
                span = (span[0], min(span[1], dt.date.today().year))
            raise coverage_error(f"{ca}–{cb} ({measure})", yrs, span)
    sources = df.attrs.get("sources") or []
    own_caption, table_drop = df.attrs.get("caption"), df.attrs.get("table_drop", [])
    df = trim_years(df, first, last, one_sided(df, ca, cb))
    title = f"{ca}–{cb}: {measure}"
    caption = own_caption or _caption(df, measure, notes, sources)
    if fmt == Format.table:  # columns a family names for the csv only (long citations, URLs)
        df = df.drop(columns=table_drop, errors="ignore")
    if fmt != Format.table:
        for n in notes:  # stdout stays a clean table; the notes go to stderr
            sys.stderr.write(f"note: {n}\n")
    if measure != "all":
        emit(df, fmt, title=title, caption=caption)
        return
    chosen = layout or (Layout.groups if fmt == Format.table else Layout.wide)
    if chosen == Layout.long:
        emit(_long(df), fmt, title=title, caption=caption)
    elif chosen == Layout.wide:
        emit(df, fmt, title=title, caption=caption)
    else:
        _emit_groups(df, fmt, title, caption)


def register(app: typer.Typer) -> None:
    app.command("dyad")(dyad)
