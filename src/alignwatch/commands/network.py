"""`alignwatch network`: cohesion of a bloc over time and who joins or leaves the focus state's voting group."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, ToOption, emit, open_warehouse, state_code,
                      state_list, trim_years, year_range)


def network_cmd(
    bloc: Annotated[str | None, typer.Option("--bloc", help="Comma-separated bloc (default: PRK, CHN, RUS, BLR, "
                                                            "IRN, SYR, LAO, VNM, CUB, NIC, ERI).")] = None,
    focus: Annotated[str, typer.Option("--focus", help="State whose voting group is followed.")] = "PRK",
    view: Annotated[str, typer.Option("--view", help="cohesion | members | groups")] = "cohesion",
    first: FromOption = None,
    last: ToOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """The bloc in the UNGA agreement network, per year: within-bloc vs bloc-to-rest agreement (cohesion), each
    member's agreement with the bloc (members), or the focus state's voting group with joins and leaves (groups).

    Examples: `alignwatch network`, `alignwatch network --view groups --from 1991`,
    `alignwatch network --bloc PRK,CHN,RUS,IRN --view members --format csv`
    """
    from .. import network

    views = {"cohesion": "cohesion", "members": "members", "groups": "focus"}
    if view not in views:
        raise UsageError(f"--view {view!r}: expected one of {', '.join(views)}")
    members = state_list(bloc) or list(network.DEFAULT_BLOC)
    if len(members) < 2:
        raise UsageError("a bloc needs at least two different states", hint="e.g. --bloc PRK,CHN,RUS")
    with open_warehouse(db) as wh:
        out = network.bloc_report(wh, state_code(focus), members, year_range(first, last))
    df = out[views[view]]
    if view == "members" and len(df):  # the members in the order given
        order = {s: i for i, s in enumerate(members)}
        df = df.sort_values(["year", "iso3"], key=lambda c: c.map(order) if c.name == "iso3" else c, kind="stable")
    if view == "cohesion" and first is None and df["within"].notna().any():  # from the bloc's first scored year
        df = df[df["year"] >= df.loc[df["within"].notna(), "year"].min()]
    if view == "cohesion":
        df = trim_years(df.reset_index(drop=True), first, last)
    emit(df.reset_index(drop=True), fmt, title=f"bloc {view}: {', '.join(members)}",
         caption=f"UNGA agreement network (share of identical votes); thin dyad-years are gaps. Source: "
                 f"{network.SOURCE_NOTE}")


def register(app: typer.Typer) -> None:
    app.command("network")(network_cmd)
