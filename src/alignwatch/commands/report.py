"""``alignwatch report`` and ``alignwatch periods``."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from .. import index as idx
from ..errors import UsageError
from ..report import build
from ..warehouse import Warehouse
from ._common import DbOption, Format, FormatOption, emit, state_code, state_list, year_range
from .index import WeightsOption


def report(
    focus: Annotated[str, typer.Option("--focus", help="The state the report is about.")] = "PRK",
    partners: Annotated[str, typer.Option("--partners", help="Comma-separated partners.")] = "CHN,RUS",
    out: Annotated[str, typer.Option("--out", "-o", help="HTML file to write.")] = "report.html",
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    replicates: Annotated[int | None, typer.Option("--replicates", min=0, max=5000)] = None,
    weights: WeightsOption = None,
    db: DbOption = None,
):
    """Write one self-contained HTML report (opens offline): current state, index with intervals and periods,
    political vs economic, each family's figure, bloc network, red lines, claims, sources.

    Example: ``alignwatch report --focus PRK --partners CHN,RUS --out report.html``
    """
    f = state_code(focus)
    ps = [p for p in (state_list(partners) or []) if p != f]
    if not ps:
        raise UsageError("give at least one partner different from the focus state")
    if not out.lower().endswith((".html", ".htm")):
        raise UsageError(f"--out {out!r}: expected an .html file name")
    t0 = time.perf_counter()
    with Warehouse(db) as wh:
        ctx = build.build_report(wh, f, ps, out, weights=idx.load_weights(weights), years=year_range(first, last),
                                 replicates=replicates)
    typer.echo(f"wrote {out} ({len(build.SECTIONS)} sections, {time.perf_counter() - t0:.1f} s)")
    for a, b in ctx.dyads:
        p = ctx.periods.get((a, b))
        if p is not None and len(p):
            cur = p.iloc[-1]
            typer.echo(f"  {a}–{b}: {cur.label} since {cur.start} (composite {cur.composite:+.2f})")


def periods_cmd(
    a: Annotated[str, typer.Argument(help="First state.")],
    b: Annotated[str, typer.Argument(help="Second state.")],
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    weights: WeightsOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Periods of a dyad's alignment: change points with their stability and interval, a codebook label per
    period, and the evidence (top contributing families, chronology events).

    Example: ``alignwatch periods PRK CHN``
    """
    ca, cb = sorted((state_code(a), state_code(b)))
    if ca == cb:
        raise UsageError("give two different states")
    w = idx.load_weights(weights)
    with Warehouse(db) as wh:
        ctx = build.compute(wh, ca, [cb], w, year_range(first, last))
    emit(ctx.periods[(ca, cb)], fmt, title=f"periods {ca}–{cb}",
         caption="labels from the codebook in docs/periods.md; stability = share of bootstrap replicates with the "
                 "break within ±1 year")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("periods")(periods_cmd)
