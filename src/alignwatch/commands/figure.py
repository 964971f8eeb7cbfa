"""`alignwatch figure NAME [STATES...] --out f.html`: one figure of the figure registry as a standalone offline HTML
file: a measure family's figure for a pair, a figure of a set of states, or a figure about the DPRK as a whole.

The figures are those of :mod:`alignwatch.report.figures`, the registry the report and the dashboard draw from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import DbOption, FromOption, ToOption, file_metadata, open_warehouse, state_list, write_figure, year_range


def figure(
    name: Annotated[str | None, typer.Argument(help="Figure name (see --list).")] = None,
    states: Annotated[list[str] | None, typer.Argument(help="The states: two for a pair figure, one or more for a "
                                                             "figure of a set, none for a DPRK figure.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file to write.")] = None,
    first: FromOption = None,
    last: ToOption = None,
    list_: Annotated[bool, typer.Option("--list", help="List the figures and exit.")] = False,
    db: DbOption = None,
):
    """Write one figure as a standalone HTML file (plotly.js embedded: opens offline). Every figure cites its
    sources under the plot; each measure family has one under its own name (`alignwatch figure --list`).

    Examples: `alignwatch figure trade PRK CHN --out share.html`,
    `alignwatch figure trade-flows PRK RUS -o ru.html`, `alignwatch figure visits PRK RUS --from 2018 --out v.html`,
    `alignwatch figure ideal-points PRK CHN RUS USA --out ideal.html`, `alignwatch figure unsc-dprk --out unsc.html`,
    `alignwatch figure --list`
    """
    from ..report import figures

    if list_ or name is None:
        typer.echo("figures:\n" + "\n".join(f"  {f.name:<18} {f.help}  (e.g. {f.example})"
                                            for f in figures.registry().values()))
        return
    spec = figures.get(name)
    codes = state_list(list(states or [])) or []
    if len(codes) < len(states or []):
        raise UsageError("a state is given twice", hint=spec.example)
    spec.check(codes)
    if out is None:
        raise UsageError("no output file given", hint="add --out FILE.html")
    if not out.parent.exists():
        raise UsageError(f"folder {out.parent} does not exist", hint="create it or choose another --out")
    yrs = year_range(first, last)
    with open_warehouse(db) as wh:
        fig = spec.one(wh, codes, yrs)
    options = {"states": ",".join(codes), "from": first, "to": last}
    if len(codes) == 2:
        options.update(a=codes[0], b=codes[1])
    path = write_figure(fig, out, file_metadata(f"figure {name}", options=options))
    what = " ".join([name, "–".join(codes)]).strip()
    typer.echo(f"wrote {path} ({what}, {path.stat().st_size // 1024} KiB, opens offline)")


def register(app: typer.Typer) -> None:
    app.command("figure")(figure)
