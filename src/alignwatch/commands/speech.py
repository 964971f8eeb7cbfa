"""`alignwatch speech A B`: General Debate speech similarity per year; `alignwatch kcna-salience`: China and
Russia in KCNA's headlines per year."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, PlotOption, ToOption, emit, file_metadata,
                      open_warehouse, state_code, write_figure, year_range)


class Backend(str, enum.Enum):
    tfidf = "tfidf"
    embeddings = "embeddings"


class Fit(str, enum.Enum):
    year = "year"
    corpus = "corpus"


def speech(
    states: Annotated[list[str], typer.Argument(help="Two or more states (ISO3 codes or names).")],
    first: FromOption = None,
    last: ToOption = None,
    backend: Annotated[Backend, typer.Option("--backend", help="tfidf (default) or embeddings (optional extra).")]
    = Backend.tfidf,
    fit: Annotated[Fit, typer.Option("--fit", help="Fit the TF-IDF weights per year (default) or on the corpus.")]
    = Fit.year,
    terms: Annotated[int, typer.Option("--terms", help="How many shared terms to list (0-50).")] = 5,
    plot: PlotOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Similarity of the states' UN General Debate speeches per year, with the most distinctive shared terms.

    similarity = cosine of the TF-IDF vectors (IDF fitted per year); pct = its percentile among all dyads of that
    year; NA where a state gave no speech. The first run after an ingest builds the all-dyads cache (about a
    minute); later runs take about a second.

    Examples: `alignwatch speech PRK CHN`, `alignwatch speech PRK CHN RUS --from 2010`,
    `alignwatch speech PRK RUS --plot prk_rus.html`, `alignwatch speech PRK CHN --format csv`
    """
    from ..measures import speech as sp

    codes = list(dict.fromkeys(state_code(s) for s in states))
    if len(codes) < 2:
        raise UsageError("speech needs at least two different states", hint="e.g. alignwatch speech PRK CHN")
    import itertools

    from .. import index as idx

    yrs = year_range(first, last)
    pairs = list(itertools.combinations(codes, 2))  # the user's order
    with open_warehouse(db) as wh:
        df = sp.dyad_years(wh, codes, yrs, backend=backend.value, fit=fit.value, top_terms=terms)
        if plot is not None:
            from ..report import figures_text

            path = write_figure(figures_text.fig_speech_similarity(_trim(df, first), pairs), plot, file_metadata(
                "speech", options={"states": ",".join(codes), "from": first, "to": last, "backend": backend,
                                   "fit": fit}, df=df))
    df = idx.in_user_order(_trim(df, first), codes)
    cols = ["year", "similarity", "similarity_pct", "shared_terms"]
    if len(codes) > 2:
        cols = ["a", "b"] + cols
    out = df[cols].rename(columns={"similarity_pct": "pct"})
    source = df["source"].iloc[0] if len(df) else sp.SOURCE
    emit(out, fmt, title=f"General Debate speech similarity: {', '.join(codes)}",
         caption=f"{source}. Source: {sp.CITATION}.")
    if plot is not None and fmt == Format.table:
        typer.echo(f"wrote {path}")


def _trim(df, first):
    """Drop years the corpus does not reach; without --from, also start at the first year any pair has a value
    (PRK spoke from 1991)."""
    df = df[df["year_speeches"].notna()]
    has = df["similarity"].notna()
    if first is not None or not has.any():
        return df
    return df[df["year"] >= df.loc[has, "year"].min()]


def kcna_salience(
    first: FromOption = None,
    last: ToOption = None,
    plot: PlotOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """How often KCNA's English headlines name China and Russia, per year (1997-2014).

    A headline counts for China when its title contains China, Chinese or Sino (whole words, any case); for
    Russia when it contains Russia, Russian(s), Soviet(s) or USSR. Rates are shares of that year's English headlines.

    Examples: `alignwatch kcna-salience`, `alignwatch kcna-salience --plot kcna.html`,
    `alignwatch kcna-salience --from 2009 --format csv`
    """
    from ..measures import speech as sp

    yrs = year_range(first, last)
    with open_warehouse(db) as wh:
        df = sp.kcna_salience(wh, yrs)
    if plot is not None:
        from ..report import figures_text

        path = write_figure(figures_text.fig_kcna_salience(df), plot,
                            file_metadata("kcna-salience", options={"from": first, "to": last}, df=df))
    emit(df.drop(columns=["source"]), fmt, title="China and Russia in KCNA headlines",
         caption=f"Source: {sp.KCNA_CITATION}; English headlines only.")
    if plot is not None and fmt == Format.table:
        typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.command("speech")(speech)
    app.command("kcna-salience")(kcna_salience)
