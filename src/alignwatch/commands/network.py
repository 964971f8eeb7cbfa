"""``alignwatch network``: cohesion of a bloc over time and who joins or leaves the focus state's voting group."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import network
from ..warehouse import Warehouse
from ._common import DbOption, Format, FormatOption, emit, state_code, state_list, year_range


def network_cmd(
    bloc: Annotated[str | None, typer.Option("--bloc", help="Comma-separated bloc (default: PRK, CHN, RUS, BLR, "
                                                            "IRN, SYR, LAO, VNM, CUB, NIC, ERI).")] = None,
    focus: Annotated[str, typer.Option("--focus", help="State whose voting group is followed.")] = "PRK",
    view: Annotated[str, typer.Option("--view", help="cohesion | members | groups")] = "cohesion",
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """The bloc in the UNGA agreement network, per year: within-bloc vs bloc-to-rest agreement (cohesion), each
    member's agreement with the bloc (members), or the focus state's voting group with joins and leaves (groups).

    Examples: ``alignwatch network``, ``alignwatch network --view groups --from 1991``,
    ``alignwatch network --bloc PRK,CHN,RUS,IRN --view members --format csv``
    """
    views = {"cohesion": "cohesion", "members": "members", "groups": "focus"}
    if view not in views:
        from ..errors import UsageError

        raise UsageError(f"--view {view!r}: expected one of {', '.join(views)}")
    members = state_list(bloc) or list(network.DEFAULT_BLOC)
    with Warehouse(db) as wh:
        out = network.bloc_report(wh, state_code(focus), members, year_range(first, last))
    emit(out[views[view]], fmt, title=f"bloc {view}: {', '.join(members)}",
         caption="UNGA agreement network (share of identical votes); 2020-2024 have no roll calls")


def register(app: typer.Typer) -> None:
    app.command("network")(network_cmd)
