"""Options and output helpers shared by every command."""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
from typing import Annotated

import pandas as pd
import typer

from .. import states
from ..errors import UsageError

DbOption = Annotated[
    str | None, typer.Option("--db", help="Warehouse file (default: $ALIGNWATCH_DB or the user data dir).")
]


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format: table, csv or json.")]


def state_code(value: str) -> str:
    """A user-typed state (name or code) as ISO3; unknown values raise one clear UsageError."""
    if not isinstance(value, str) or not value.strip() or len(value) > 80:
        raise UsageError(f"invalid state {value!r}", hint="give an ISO3 code (PRK) or a name (North Korea)")
    return states.resolve(value.strip()).iso3


def state_list(value: str | None) -> list[str] | None:
    if value is None or not value.strip():
        return None
    return [state_code(v) for v in value.split(",") if v.strip()]


def year_range(first: int | None, last: int | None, *, lo: int = 1816, hi: int = 2100) -> tuple[int, int] | None:
    """An inclusive year range from --from/--to; an open end runs to the first year or to this year."""
    if first is None and last is None:
        return None
    first = lo if first is None else first
    last = max(first, dt.date.today().year) if last is None else last
    if first > last:
        raise UsageError(f"year range {first}-{last} is reversed", hint="give --from before --to")
    if first < lo or last > hi:
        raise UsageError(f"year range {first}-{last} is outside {lo}-{hi}")
    return (first, last)


def emit(df: pd.DataFrame, fmt: Format = Format.table, *, title: str | None = None, caption: str | None = None):
    """Print a table as rich table, CSV or JSON. NA shows as 'NA' in tables and as empty/null otherwise."""
    if fmt == Format.csv:
        df.to_csv(sys.stdout, index=False)
        return
    if fmt == Format.json:
        sys.stdout.write(df.to_json(orient="records", date_format="iso", force_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, caption=caption, show_lines=False)
    for c in df.columns:
        t.add_column(str(c), justify="right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
    for row in df.itertuples(index=False):
        t.add_row(*(_cell(v) for v in row))
    Console(width=max(100, min(220, 12 * len(df.columns) + 20))).print(t)


def _cell(v) -> str:
    """A table cell as text; text is escaped so that brackets in evidence ('[1]') are shown, not read as markup."""
    from rich.markup import escape

    if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return "NA"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 1000 else f"{v:,.0f}"
    return escape(str(v))


def to_json(obj) -> str:
    return json.dumps(obj, default=str, ensure_ascii=False, indent=2)
