"""``alignwatch similarity A B``: foreign-policy similarity of two (or more) states' portfolios, per year."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ._common import DbOption, Format, FormatOption, FromOption, ToOption, emit, state_code, year_range
from ._common import open_warehouse as Warehouse

if TYPE_CHECKING:  # imported where used: `alignwatch --help` must not load numpy or pandas
    import pandas as pd

    from .. import similarity as sim

# the choices of alignwatch.similarity (a test checks they are the same), kept here so the CLI starts light
MEASURES = ("s", "kappa", "pi", "taub", "a", "agree", "voeten")
DISTANCES = ("abs", "squared", "nominal")


def _choices(name: str, values) -> type[enum.Enum]:
    """A str enum of the allowed values, for typer (one list: the module that defines them)."""
    return enum.Enum(name, {v: v for v in values}, type=str)


Portfolio = _choices("Portfolio", ("alliances", "igo", "unga"))
Measure = _choices("Measure", MEASURES)
Distance = _choices("Distance", DISTANCES)
Weights = _choices("Weights", ("none", "capabilities"))
AllianceSource = _choices("AllianceSource", ("atop", "cow"))


_OBJECTS = {
    "alliances": "objects = the states of the COW system each year, the pair included (own entry: defence); levels "
                 "defence 3 > neutrality/non-aggression 2 > entente/consultation 1 > none 0",
    "igo": "objects = the states of the COW system each year, the pair included (own entry: its full IGO "
           "memberships); values = shared full IGO memberships, levels 0 .. the year's largest count",
    "unga": "objects = the year's UNGA roll calls (absences missing); yes = 1, abstain = 0.5, no = 0",
}
_CITES = {
    "atop": "ATOP 5 (Leeds et al. 2002) via peacesciencer",
    "cow": "COW formal alliances 4.1 (Gibler 2009) via peacesciencer",
    "igo": "COW IGO 3.0 (Pevehouse et al. 2020) via peacesciencer",
    "unga": "Voeten, Strezhnev & Bailey UNGA votes; UN Digital Library 2025 GA votes",
}


def portfolio_table(wh: Warehouse, codes: list[str], years: tuple[int, int] | None, portfolio: str, measure: str,
                    distance: str | None, weights: str, source: str) -> tuple[pd.DataFrame, sim.Spec]:
    """Rows for every pair of ``codes`` in the order typed (a = the earlier state), one per year."""
    from .. import similarity as sim

    if portfolio == "unga":
        from ..measures import _vote_portfolio as vp

        if weights != "none":
            raise UsageError("object weights apply to state portfolios, not to roll calls",
                             hint="drop --weights with --portfolio unga")
        chosen = sim.spec(measure, distance, default=vp.DEFAULT_DISTANCE.get(measure))
        df = vp.dyad_years(wh, codes, years, chosen)
        df["measure"], df["distance"], df["weighting"] = chosen.label, chosen.distance_label, "none"
    else:
        from ..measures import alliance_portfolio as ap
        from ..measures import igo

        chosen = sim.spec(measure, distance, default="squared")
        if portfolio == "alliances":
            df = ap.dyad_years(wh, codes, years, source_name=source, measure=chosen.measure,
                               distance=chosen.distance, weights=weights)
        else:
            df = igo.dyad_years(wh, codes, years, measure=chosen.measure, distance=chosen.distance, weights=weights)
    cols = ["a", "b", "year", "n_objects", chosen.column, "measure", "distance", "weighting", "na_reason", "source"]
    return _in_typed_order(df[cols], codes), chosen


def _in_typed_order(df: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Pairs as typed: A then B (the measures are symmetric, so only the labels move)."""
    rank = {c: k for k, c in enumerate(codes)}
    flip = df["a"].map(rank) > df["b"].map(rank)
    a, b = df["a"].copy(), df["b"].copy()
    df = df.assign(a=a.where(~flip, b), b=b.where(~flip, a))
    df["_pair"] = [(rank[x], rank[y]) for x, y in zip(df["a"], df["b"])]
    return df.sort_values(["_pair", "year"], kind="stable").drop(columns="_pair").reset_index(drop=True)


def similarity(
    states: Annotated[list[str], typer.Argument(metavar="STATES", help="Two or more states (ISO3 codes or "
                                                                            "names), in the order wanted.")],
    portfolio: Annotated[Portfolio, typer.Option("--portfolio", "-p", help="alliances (ATOP/COW), igo (COW IGO "
                                                                            "co-membership) or unga (roll calls).")]
    = Portfolio.alliances,
    measure: Annotated[Measure | None, typer.Option(
        "--measure", "-m", help="s (Signorino-Ritter), kappa (Cohen), pi (Scott), taub (Kendall), a "
                                "(Benati-Capurri), agree (identical share), voeten. Default: s for alliances and "
                                "unga, kappa for igo.")] = None,
    distance: Annotated[Distance | None, typer.Option(
        "--distance", "-d", help="abs or squared for s and a (default: squared; unga: abs, d_max 1); for kappa and "
                                 "pi the disagreement weights: nominal, abs (linear), squared (quadratic, default)."
    )] = None,
    weights: Annotated[Weights, typer.Option("--weights", "-w", help="capabilities: weight each object state by "
                                                                     "its COW CINC share.")] = Weights.none,
    source: Annotated[AllianceSource, typer.Option("--source", help="Alliance data: atop (to 2018) or cow (to "
                                                                    "2012).")] = AllianceSource.atop,
    first: FromOption = None,
    last: ToOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Foreign-policy similarity of the states' portfolios, one row per pair and year: alliance commitments to
    every state, shared IGO memberships with every state, or UNGA votes. NA (with a reason) outside a source's
    coverage, the state system or UN membership, never 0. Formulas and citations: docs/measures/similarity.md.

    Examples: ``alignwatch similarity PRK CHN --portfolio alliances --measure s --from 1961 --to 1965``,
    ``alignwatch similarity PRK CHN RUS --portfolio igo --measure kappa``,
    ``alignwatch similarity PRK CHN -p unga -m kappa -d nominal --from 1991``
    """
    codes = [state_code(s) for s in states]
    if len(codes) < 2:
        raise UsageError("give at least two states", hint="alignwatch similarity PRK CHN")
    if len(set(codes)) < len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise UsageError(f"{dup} is given twice", hint="give each state once")
    yrs = year_range(first, last)
    dist = distance.value if distance is not None else None
    measure = measure or (Measure.kappa if portfolio == Portfolio.igo else Measure.s)
    from .. import similarity as sim

    sim.spec(measure.value, dist)  # validate before opening the warehouse
    if measure == Measure.taub and weights != Weights.none:
        raise UsageError("Kendall's tau-b has no weighted form", hint="drop --weights for tau-b")
    with Warehouse(db) as wh:
        df, chosen = portfolio_table(wh, codes, yrs, portfolio.value, measure.value, dist, weights.value,
                                     source.value)
    what = {"alliances": f"alliance portfolios ({source.value.upper()})", "igo": "IGO co-membership portfolios",
            "unga": "UNGA vote portfolios"}[portfolio.value]
    cite = _CITES[source.value if portfolio == Portfolio.alliances else portfolio.value]
    weighting = "unweighted" if weights == Weights.none else "objects weighted by COW CINC share (ps_cow_nmc)"
    caption = (f"{chosen.label}, {chosen.distance_label}, {weighting}; {_OBJECTS[portfolio.value]}. "
               f"Source: {cite}. NA rows say why in na_reason.")
    emit(df, fmt, title=f"{' – '.join(codes)}: {chosen.label} of {what}", caption=caption)


def register(app: typer.Typer) -> None:
    app.command("similarity")(similarity)
