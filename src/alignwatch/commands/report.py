"""`alignwatch report` and `alignwatch periods`."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, ReplicatesOption, StateA, StateB, ToOption,
                      WeightsOption, emit, file_metadata, open_warehouse, pair, state_code, state_list, year_range)


def report(
    focus: Annotated[str, typer.Option("--focus", help="The state the report is about.")] = "PRK",
    partners: Annotated[str, typer.Option("--partners", help="Comma-separated partners.")] = "CHN,RUS",
    out: Annotated[str, typer.Option("--out", "-o", help="HTML file to write.")] = "report.html",
    first: FromOption = None,
    last: ToOption = None,
    replicates: ReplicatesOption = None,
    weights: WeightsOption = None,
    db: DbOption = None,
):
    """Write one self-contained HTML report (opens offline): current state, index with intervals and periods,
    political vs economic, each family's figure, bloc network, red lines, claims, sources.

    Example: `alignwatch report --focus PRK --partners CHN,RUS --out report.html`
    """
    from .. import index as idx
    from ..report import build

    f = state_code(focus)
    ps = [p for p in (state_list(partners) or []) if p != f]
    if not ps:
        raise UsageError("give at least one partner different from the focus state")
    if not out.lower().endswith((".html", ".htm")):
        raise UsageError(f"--out {out!r}: expected an .html file name")
    t0 = time.perf_counter()
    w = idx.load_weights(weights)
    meta = file_metadata("report", options={"focus": f, "partners": ",".join(ps), "from": first, "to": last,
                                            "replicates": replicates, "weights": w.path})
    with open_warehouse(db) as wh:
        ctx = build.build_report(wh, f, ps, out, weights=w, years=year_range(first, last), replicates=replicates,
                                 meta=meta)
    typer.echo(f"wrote {out} ({len(build.SECTIONS)} sections, {time.perf_counter() - t0:.1f} s)")
    for key, (a, b) in zip(ctx.dyads, ctx.pairs):
        p = ctx.periods.get(key)
        if p is not None and len(p):
            cur = p.iloc[-1]
            typer.echo(f"  {a}–{b}: {cur.label} since {cur.start} (composite {cur.composite:+.2f})")


def periods_cmd(
    a: StateA,
    b: StateB,
    first: FromOption = None,
    last: ToOption = None,
    weights: WeightsOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Periods of a dyad's alignment: change points on the smoothed latent series that exceed their
    uncertainty, a codebook label per period where the evidence decides it ("insufficient evidence" otherwise),
    and the evidence (families, top readings, chronology events). Labels are computed on the whole series and then
    cut to --from/--to, so a year's label does not depend on the window.

    Example: `alignwatch periods PRK CHN`
    """
    from .. import chronology
    from .. import index as idx
    from .. import periods as per

    ca, cb = pair(a, b)
    w = idx.load_weights(weights)
    with open_warehouse(db) as wh:
        table, _ = per.dyad_periods(wh, ca, cb, w, year_range(first, last), events=chronology.events(wh))
    if fmt == Format.table and len(table):  # the table shows intervals as text; csv and json keep every column
        pct = int(w.level * 100)
        for t in ("political", "economic", "composite"):
            table[f"{t} ({pct}%)"] = [f"{m:+.2f} [{lo:+.2f}, {hi:+.2f}]" if m == m else "NA" for m, lo, hi in
                                      zip(table[t], table[f"{t}_lo"], table[f"{t}_hi"])]
        table = table[["start", "end", "label", f"political ({pct}%)", f"economic ({pct}%)", f"composite ({pct}%)",
                       "change_interval", "break_interval", "n_families", "evidence", "events"]]
    emit(table, fmt, title=f"periods {ca}–{cb}",
         caption=f"labels from the codebook in docs/periods.md on the model's posterior ({int(w.level * 100)}% "
                 "intervals); a break stands only where the change across it exceeds its uncertainty; stability = "
                 "share of posterior draws with the break within ±1 year. Sources: the index's families (alignwatch "
                 "index, docs/index.md) and the chronology (events)")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("periods")(periods_cmd)
