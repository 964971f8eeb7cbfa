"""``alignwatch index``: the composite alignment index for a dyad, triad or bloc."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import index as idx
from ..warehouse import Warehouse
from ._common import DbOption, Format, FormatOption, emit, state_list, year_range

WeightsOption = Annotated[str | None, typer.Option("--weights", help="TOML file overriding the default weights.")]


def index_cmd(
    states: Annotated[str, typer.Argument(help="Comma-separated states: two for a dyad, more for a triad or bloc.")],
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    group: Annotated[bool, typer.Option("--group", help="Aggregate the dyads: mean, minimum, joint cohesion.")] = False,
    replicates: Annotated[int | None, typer.Option("--replicates", min=0, max=5000,
                                                   help="Bootstrap replicates (default from weights).")] = None,
    weights: WeightsOption = None,
    topic: Annotated[str | None, typer.Option("--topic", help="UNGA topic (ukraine, es11, dprk): with --group, joint "
                                                              "cohesion on its votes; else each dyad's agreement on "
                                                              "them beside the index.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Political, economic and composite alignment per dyad-year with bootstrap intervals and a divergence flag.

    Examples: ``alignwatch index PRK,CHN``, ``alignwatch index PRK,CHN,RUS --group --from 1991``,
    ``alignwatch index PRK,RUS --weights my_weights.toml --format csv``,
    ``alignwatch index PRK,CHN,RUS,BLR --group --topic ukraine``
    """
    from ..measures import unga

    codes = state_list(states) or []
    yrs = year_range(first, last)
    w = idx.load_weights(weights)
    if topic is not None:
        topic = unga.Options(topic=topic).topic  # one clear error for an unknown topic, before any work
    with Warehouse(db) as wh:
        if group:
            df = idx.group_index(wh, codes, yrs, w, replicates=replicates, topic=topic)
        else:
            df = idx.dyad_index(wh, codes, yrs, w, replicates=replicates)
            df = df.drop(columns=["families"])
            if topic is not None:
                t = unga.dyad_years(wh, codes, yrs, topic=topic)[["a", "b", "year", "n_joint", "score"]]
                df = df.merge(t.rename(columns={"n_joint": f"unga_{topic}_n", "score": f"unga_{topic}_agree"}),
                              on=["a", "b", "year"], how="left")
    emit(df, fmt, title=f"alignment index: {', '.join(codes)}",
         caption=f"z against the reference panel; {int(w.level * 100)}% bootstrap intervals; weights: {w.path}")


def register(app: typer.Typer) -> None:
    app.command("index")(index_cmd)
