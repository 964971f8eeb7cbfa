"""``alignwatch dyad A B``: one row per year for a pair of states, from one measure family or all of them."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from ..errors import UsageError
from ..measures import families, get
from ..warehouse import Warehouse
from ._common import DbOption, Format, FormatOption, emit, state_code, year_range


def dyad_table(wh: Warehouse, a: str, b: str, measure: str, years: tuple[int, int] | None,
               **options) -> pd.DataFrame:
    """The year rows of one family (or all, side by side with coverage) for the pair ``a``–``b``; ``options`` go to
    the family (``series`` and ``topic`` of ``unga``)."""
    lo_hi = (min(a, b), max(a, b))
    if measure == "all":
        frames = []
        for fam in families().values():
            if fam.domain == "descriptive":
                continue
            try:
                df = fam.dyad_years(wh, [a, b], years)
            except UsageError:
                continue
            df = df[(df.a == lo_hi[0]) & (df.b == lo_hi[1])]
            keep = ["year", "score"] + [c for c in fam.columns if c in df.columns and c != "score"][:2]
            df = df[keep].rename(columns={c: f"{fam.name}.{c}" for c in keep if c != "year"})
            frames.append(df.set_index("year"))
        if not frames:
            return pd.DataFrame()
        out = pd.concat(frames, axis=1).sort_index().reset_index()
        score_cols = [c for c in out.columns if c.endswith(".score")]
        out["families_covered"] = out[score_cols].notna().sum(axis=1)
        return out
    fam = get(measure)
    df = fam.dyad_years(wh, [a, b], years, **options)
    df = df[(df.a == lo_hi[0]) & (df.b == lo_hi[1])]
    cols = ["year"] + [c for c in fam.columns if c in df.columns] + (["score"] if "score" not in fam.columns else [])
    return df[cols].sort_values("year").reset_index(drop=True)


def dyad(
    a: Annotated[str, typer.Argument(help="First state (ISO3 code or name).")],
    b: Annotated[str, typer.Argument(help="Second state (ISO3 code or name).")],
    measure: Annotated[str, typer.Option("--measure", "-m", help="Measure family, or 'all'.")] = "overview",
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    series: Annotated[str | None, typer.Option("--series", help="--measure unga: undl (default, 1946-2025) or "
                                                                "voeten (all roll calls, to 2020).")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="--measure unga: only roll calls on ukraine, es11 "
                                                              "or dprk.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """One row per year for a pair of states. NA where a dataset does not cover the year or a state was not a
    member (never 0).

    Examples: ``alignwatch dyad PRK CHN``, ``alignwatch dyad PRK RUS --measure treaties``,
    ``alignwatch dyad "North Korea" China --measure all --from 1991``,
    ``alignwatch dyad PRK RUS --measure unga --topic ukraine --from 2014``
    """
    ca, cb = state_code(a), state_code(b)
    if ca == cb:
        raise UsageError(f"{a!r} and {b!r} are the same state ({ca})")
    yrs = year_range(first, last)
    if measure != "all":
        get(measure)  # validate the name before opening the warehouse
    options = {k: v for k, v in (("series", series), ("topic", topic)) if v is not None}
    if options and measure != "unga":
        raise UsageError("--series and --topic apply to --measure unga only")
    with Warehouse(db) as wh:
        df = dyad_table(wh, ca, cb, measure, yrs, **options)
        if measure == "overview" and yrs is None and not df.empty:
            has = df.drop(columns=["year", "score"], errors="ignore").notna().any(axis=1)
            df = df[has.cummax()]  # start at the first year any source covers the pair
    emit(df, fmt, title=f"{ca}–{cb}: {measure}")


def register(app: typer.Typer) -> None:
    app.command("dyad")(dyad)
