"""``alignwatch index``: the composite alignment index for a dyad, triad or bloc."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, ReplicatesOption, ToOption, WeightsOption, emit,
                      open_warehouse, state_list, trim_years, year_range)

# what the table shows; csv and json keep every column (sd, lag-one correlation, indicators)
TABLE_COLUMNS = ("a", "b", "year", "political", "political_lo", "political_hi", "economic", "economic_lo",
                 "economic_hi", "composite", "composite_lo", "composite_hi", "n_families", "divergence")


def index_caption(w, families: str | None = None) -> str:
    """Sources and definitions under an index table."""
    fams = f" Families: {families}." if families else ""
    return (f"Posterior means of the latent political and economic alignment (measurement model, z against the "
            f"reference panel) with {int(w.level * 100)}% intervals; n_families = families observed that year "
            f"(the families and indicators columns in --format csv/json); weights: {w.path}.{fams} "
            "Sources: the families' datasets (docs/measures.md; provenance: alignwatch sources); method: docs/index.md")


def index_cmd(
    states: Annotated[str, typer.Argument(help="Comma-separated states: two for a dyad, more for a triad or bloc.")],
    first: FromOption = None,
    last: ToOption = None,
    group: Annotated[bool, typer.Option("--group", help="Aggregate the dyads: mean, minimum, joint cohesion.")] = False,
    replicates: ReplicatesOption = None,
    weights: WeightsOption = None,
    topic: Annotated[str | None, typer.Option("--topic", help="UNGA topic (ukraine, es11, dprk): with --group, joint "
                                                              "cohesion on its votes; else each dyad's agreement on "
                                                              "them beside the index.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Political, economic and composite alignment per dyad-year: posterior means and intervals of a dynamic
    measurement model (docs/index.md), the families that informed each year, and a divergence flag; dyads in the
    order the states are given (PRK,CHN reads PRK–CHN). Without --from the rows start where the data do; with
    --group, where every dyad of the group has an index. A year's value does not depend on --from/--to: the
    model smooths the whole series and the window only cuts the rows shown.

    Examples: `alignwatch index PRK,CHN`, `alignwatch index PRK,CHN,RUS --group --from 1991`,
    `alignwatch index PRK,RUS --weights my_weights.toml --format csv`,
    `alignwatch index PRK,CHN,RUS,BLR --group --topic ukraine`
    """
    import pandas as pd

    from .. import index as idx
    from ..measures import unga

    codes = state_list(states) or []
    if len(codes) < 2:
        raise UsageError("the index needs at least two different states", hint="e.g. alignwatch index PRK,CHN")
    yrs = year_range(first, last)
    w = idx.load_weights(weights)
    if topic is not None:
        topic = unga.Options(topic=topic).topic  # one clear error for an unknown topic, before any work
    with open_warehouse(db) as wh:
        if group:
            df = idx.group_index(wh, codes, yrs, w, replicates=replicates, topic=topic)
            n_pairs = len(idx.user_pairs(codes))
            if first is None and len(df) and (df["n_dyads"] == n_pairs).any():  # the group exists from then on
                df = df[df["year"] >= df.loc[df["n_dyads"] == n_pairs, "year"].min()]
            df = trim_years(df.reset_index(drop=True), first, last)
            families = None
        else:
            df = idx.in_user_order(idx.dyad_index(wh, codes, yrs, w, replicates=replicates), codes)
            families = ", ".join(sorted({f for v in df["families"] for f in str(v).split(",") if f}))
            if topic is not None:
                t = unga.dyad_years(wh, codes, yrs, topic=topic)[["a", "b", "year", "n_joint", "score"]]
                t = pd.concat([t, t.rename(columns={"a": "b", "b": "a"})], ignore_index=True)  # either order
                df = df.merge(t.rename(columns={"n_joint": f"unga_{topic}_n", "score": f"unga_{topic}_agree"}),
                              on=["a", "b", "year"], how="left")
            if len(df):
                df = pd.concat([trim_years(g.reset_index(drop=True), first, last)
                                for _, g in df.groupby(["a", "b"], sort=False)], ignore_index=True)
    if fmt == Format.table and not group:
        df = df[[c for c in df.columns if c in TABLE_COLUMNS or c.startswith("unga_")]]
    emit(df, fmt, title=f"alignment index: {', '.join(codes)}" + (" (group)" if group else ""),
         caption=index_caption(w, families))


def register(app: typer.Typer) -> None:
    app.command("index")(index_cmd)
