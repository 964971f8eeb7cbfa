"""`alignwatch claims`: claims about DPRK-China-Russia relations checked against the data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import DbOption, Format, FormatOption, emit, open_warehouse


def claims_cmd(
    ids: Annotated[str | None, typer.Option("--id", help="Comma-separated claim ids (default: every claim).")] = None,
    file: Annotated[Path | None, typer.Option("--claims", help="A YAML file of claims instead of the packaged "
                                                                "one (same format; checks by name only).")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Check each claim against the warehouse: supported, contradicted or not checkable, with the evidence
    (the key numbers; chronology rows of low confidence are marked) and the sources. Table format prints the
    verdicts, then each claim's evidence; csv/json give every column.

    Examples: `alignwatch claims`, `alignwatch claims --id kim-xi-five-in-china`,
    `alignwatch claims --format json`, `alignwatch claims --claims my_claims.yaml`
    """
    from .. import claims as cl

    wanted = [i.strip() for i in ids.split(",") if i.strip()] if ids else None
    with open_warehouse(db) as wh:
        df = cl.check_all(wh, file, wanted)
    if fmt != Format.table:
        emit(df, fmt)
        return
    counts = df["verdict"].value_counts()
    emit(df[["id", "verdict", "claim"]], fmt, title="claims checked against the data",
         caption=", ".join(f"{counts.get(v, 0)} {v}" for v in cl.VERDICTS) + "; rules: docs/claims.md")
    for r in df.itertuples():  # long evidence reads better as paragraphs than as table cells
        typer.echo(f"\n{r.id} ({r.verdict}): {r.evidence}\n  sources: {r.sources}")


def register(app: typer.Typer) -> None:
    app.command("claims")(claims_cmd)
