"""`alignwatch figure NAME A B --out f.html`: one figure for a pair of states, as a standalone offline HTML file.

Figures are looked up by name in :data:`FIGURES`; a new figure is one :func:`register_figure` call with a function
`build(wh, a, b, years) -> plotly Figure`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import DbOption, file_metadata, open_warehouse, state_code, write_figure, year_range


@dataclass(frozen=True)
class FigureSpec:
    name: str
    build: Callable  # (wh, a, b, years) -> plotly.graph_objects.Figure
    help: str
    example: str


FIGURES: dict[str, FigureSpec] = {}


def register_figure(name: str, build: Callable, help: str, example: str) -> None:
    """Make a figure available to `alignwatch figure NAME`."""
    FIGURES[name] = FigureSpec(name, build, help, example)


def _trade_share(wh, a, b, years):
    from ..report import figures_trade

    return figures_trade.trade_share(wh, a, b, years)


def _trade_flows(wh, a, b, years):
    from ..report import figures_trade

    return figures_trade.trade_flows(wh, a, b, years)


def _visits(wh, a, b, years):
    from ..report import figures_trade

    return figures_trade.visits(wh, a, b, years)


register_figure("trade-share", _trade_share, "B's share of A's total trade, every source series and their spread",
                "alignwatch figure trade-share PRK CHN --out share.html")
register_figure("trade-flows", _trade_flows, "A's exports to and imports from B by series; gaps shaded "
                "(PRK CHN shows the 2017 collapse of the DPRK's exports to China; PRK RUS the DPRK-Russia series)",
                "alignwatch figure trade-flows PRK RUS --out russia.html")
register_figure("visits", _visits, "timeline of A-B meetings by level and direction, weighted count per year",
                "alignwatch figure visits PRK CHN --out visits.html")


def _listing() -> str:
    return "\n".join(f"  {f.name:<12} {f.help}  (e.g. {f.example})" for f in FIGURES.values())


def figure(
    name: Annotated[str | None, typer.Argument(help="Figure name (see --list).")] = None,
    a: Annotated[str | None, typer.Argument(help="First state (ISO3 code or name).")] = None,
    b: Annotated[str | None, typer.Argument(help="Second state (ISO3 code or name).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file to write.")] = None,
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the figures and exit.")] = False,
    db: DbOption = None,
):
    """Write one figure as a standalone HTML file (plotly.js embedded: opens offline). Every figure cites its
    sources under the plot.

    Examples: `alignwatch figure trade-share PRK CHN --out share.html`,
    `alignwatch figure trade-flows PRK CHN --out flows.html`, `alignwatch figure trade-flows PRK RUS -o ru.html`,
    `alignwatch figure visits PRK RUS --from 2018 --out visits.html`, `alignwatch figure --list`
    """
    if list_ or name is None:
        typer.echo("figures:\n" + _listing())
        return
    if name not in FIGURES:
        raise UsageError(f"unknown figure {name!r}", hint=f"choose from: {', '.join(FIGURES)}")
    if a is None or b is None:
        raise UsageError(f"figure {name} needs two states", hint=FIGURES[name].example)
    ca, cb = state_code(a), state_code(b)
    if ca == cb:
        raise UsageError(f"{a!r} and {b!r} are the same state ({ca})")
    if out is None:
        raise UsageError("no output file given", hint="add --out FILE.html")
    if not out.parent.exists():
        raise UsageError(f"folder {out.parent} does not exist", hint="create it or choose another --out")
    yrs = year_range(first, last)
    with open_warehouse(db) as wh:
        fig = FIGURES[name].build(wh, ca, cb, yrs)
    path = write_figure(fig, out, file_metadata(f"figure {name}", options={"a": ca, "b": cb, "from": first,
                                                                           "to": last}))
    typer.echo(f"wrote {path} ({name} {ca}–{cb}, {path.stat().st_size // 1024} KiB, opens offline)")


def register(app: typer.Typer) -> None:
    app.command("figure")(figure)
