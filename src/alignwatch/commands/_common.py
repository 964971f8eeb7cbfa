"""Options, argument checks and output helpers shared by every command: each option that several commands take
(``--from``, ``--to``, states, ``--db``, ``--format``, ``--weights``, ``--replicates``, ``--plot``) is defined here
once, with one help text, and the values go through :mod:`alignwatch.checks` (the checks the dashboard uses too).

This module (like every command module) imports no heavy library at module level: ``alignwatch --help`` and the
argument checks run before pandas, DuckDB or plotly are loaded.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import __version__
from ..checks import pair, shorten, state_list, year_range  # noqa: F401 (the commands' argument checks)
from ..checks import state as state_code  # noqa: F401
from ..errors import UsageError

if TYPE_CHECKING:  # annotations only
    import pandas as pd

    from ..warehouse import Warehouse

MAX_WIDTH = 240  # characters of a printed table; wider tables wrap their cells

# ------------------------------------------------------------------------------------------ shared options

DbOption = Annotated[
    str | None, typer.Option("--db", help="Warehouse file (default: $ALIGNWATCH_DB or the user data dir).")
]
FromOption = Annotated[int | None, typer.Option("--from", help="First year (default: where the data start).")]
ToOption = Annotated[int | None, typer.Option("--to", help="Last year (default: where the data end).")]
StateA = Annotated[str, typer.Argument(help="First state (ISO3 code or name).")]
StateB = Annotated[str, typer.Argument(help="Second state (ISO3 code or name).")]
StatesOption = Annotated[str | None, typer.Option("--states", help="States (comma list of ISO3 codes or names).")]
WeightsOption = Annotated[str | None, typer.Option("--weights", help="TOML file overriding the default weights.")]
ReplicatesOption = Annotated[int | None, typer.Option(
    "--replicates", min=0, max=5000, help="Joint posterior paths drawn to locate each period break (break "
                                          "stability and interval; default: the weights file's [draws] replicates, "
                                          "25; 0 = no draws, faster). The index's intervals are exact and need none.")]
PlotOption = Annotated[Path | None, typer.Option("--plot", help="Also write the figure as a standalone HTML file.")]


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format: table, csv or json.")]


def open_warehouse(db: str | None) -> Warehouse:
    """The warehouse, imported only when a command needs it (DuckDB and pandas load here, not at start-up)."""
    from ..warehouse import Warehouse

    return Warehouse(db)


def check_plot(path: Path | None) -> None:
    """An ``--plot`` file must be .html (checked before any work)."""
    if path is not None and path.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--plot {path}: expected an .html file")


def has_data(df: pd.DataFrame, ignore=()):
    """Rows with at least one number besides the year, counts of coverage and the ``ignore`` columns (text such as
    na_reason is not data)."""
    import pandas as pd

    num = [c for c in df.columns if c not in ("year", "families_covered", "n_families", "n_dyads", *ignore)
           and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    return df[num].notna().any(axis=1) if num else pd.Series(False, index=df.index)


def data_span(df: pd.DataFrame, ignore=()) -> tuple[int, int] | None:
    """First and last year with data (see :func:`has_data`), or None."""
    years = df.loc[has_data(df, ignore), "year"]
    return (int(years.min()), int(years.max())) if len(years) else None


def trim_years(df: pd.DataFrame, first: int | None, last: int | None, ignore=()) -> pd.DataFrame:
    """Without --from (--to), start (end) where the data start (end): leading and trailing years without data
    are dropped (rows are in year order); gaps inside stay visible."""
    if df.empty or "year" not in df.columns:
        return df
    has = has_data(df, ignore).to_numpy()
    if not has.any():
        return df
    keep = has.copy()
    keep[:] = True
    if first is None:
        keep &= has.cumsum() > 0
    if last is None:
        keep &= has[::-1].cumsum()[::-1] > 0
    return df[keep].reset_index(drop=True)


def coverage_error(what: str, asked: tuple[int, int] | None, covered: tuple[int, int] | None) -> UsageError:
    """One line for a window (or, with ``asked`` None, all years) without data: what the data cover instead."""
    if asked is None or covered is None:
        return UsageError(f"{what}: no data in any year",
                          hint="docs/measures.md lists each family's states and years")
    span = f"{asked[0]}" if asked[0] == asked[1] else f"{asked[0]}–{asked[1]}"
    return UsageError(f"{what}: no data in {span}; the data cover {covered[0]}–{covered[1]}",
                      hint=f"try --from {covered[0]} --to {covered[1]}")


# ------------------------------------------------------------------------------------------------ tables


def emit(df: pd.DataFrame, fmt: Format = Format.table, *, title: str | None = None, caption: str | None = None):
    """Print a table as rich table, CSV or JSON. NA shows as 'NA' in tables and as empty/null otherwise.

    In a table every column has one number format: whole numbers (counts, years) as integers, with thousands
    separators only where a column reaches 10,000; other numbers with 3 decimals (1 where the column reaches 1,000).
    The caption (sources) is printed under the table. A reader that stops early (``| head``) is not an error: the
    rest of the output is dropped quietly."""
    try:
        _emit(df, fmt, title, caption)
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second failure at exit


def _emit(df: pd.DataFrame, fmt: Format, title: str | None, caption: str | None) -> None:
    if fmt == Format.csv:
        df.to_csv(sys.stdout, index=False)
        return
    if fmt == Format.json:
        sys.stdout.write(df.to_json(orient="records", date_format="iso", force_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, caption=caption, show_lines=False, caption_justify="left")
    cells, natural = [], 1
    for c in df.columns:
        fmt_c, numeric = column_format(df[c])
        t.add_column(str(c), justify="right" if numeric else "left")
        cells.append([fmt_c(v) for v in df[c]])
        natural += 3 + max([len(str(c))] + [min(len(x), 40) for x in cells[-1]])
    for row in zip(*cells):
        t.add_row(*row)
    Console(width=max(100, min(MAX_WIDTH, natural))).print(t)


def column_format(col: pd.Series):
    """(formatter, is_numeric) for one column: the same format for every cell of the column."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
        return _text, False
    vals = pd.to_numeric(col, errors="coerce").dropna().astype(float)
    vals = vals[np.isfinite(vals)]
    big = bool(len(vals)) and float(vals.abs().max()) >= 10_000
    if len(vals) == 0 or (vals == vals.round()).all():
        spec = ",.0f" if big else ".0f"
    else:
        spec = ",.1f" if float(vals.abs().max()) >= 1000 else ".3f"

    def number(v) -> str:
        if v is None or pd.isna(v):
            return "NA"
        return format(float(v), spec)

    return number, True


def _text(v) -> str:
    """A table cell as text; text is escaped so that brackets in evidence ('[1]') are shown, not read as markup."""
    import pandas as pd
    from rich.markup import escape

    if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return "NA"
    if isinstance(v, float):
        return f"{v:.3f}"
    return escape(str(v))


def to_json(obj) -> str:
    return json.dumps(obj, default=str, ensure_ascii=False, indent=2)


# ------------------------------------------------------------------------------------------------- files


def file_metadata(command: str, *, options: dict | None = None, year_basis: str = "calendar",
                  series=None, df: pd.DataFrame | None = None) -> dict:
    """What a written file holds: the command and its options, the year basis, the source series, the package
    version and the time. Every ``--out`` / ``--plot`` file carries this (see :func:`write_table`)."""
    if series is None and df is not None and "source" in getattr(df, "columns", ()):
        series = sorted({str(s) for s in df["source"].dropna().unique()})
    return {
        "alignwatch_version": __version__,
        "command": f"alignwatch {command}",
        "options": {k: (v.value if isinstance(v, enum.Enum) else v if v is None or isinstance(v, (int, float, bool))
                        else str(v)) for k, v in (options or {}).items()},
        "year_basis": year_basis,
        "series": list(series) if series is not None else [],
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_table(df: pd.DataFrame, path: str | Path, meta: dict) -> Path:
    """Write a table to .parquet (``meta`` in the file's key-value metadata under ``alignwatch``) or .csv (RFC 4180
    CSV plus a CSVW sidecar ``<file>.csv-metadata.json`` holding ``meta``), atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix.lower() == ".csv":
        df.to_csv(tmp, index=False)
        side = path.with_name(path.name + "-metadata.json")
        side_tmp = side.with_name(f".{side.name}.tmp")
        side_tmp.write_text(json.dumps({"@context": "http://www.w3.org/ns/csvw", "url": path.name,
                                        "dc:creator": f"alignwatch {__version__}", "alignwatch": meta},
                                       indent=2, ensure_ascii=False), encoding="utf-8")
        side_tmp.replace(side)
    else:
        tbl = pa.Table.from_pandas(df, preserve_index=False)
        kv = dict(tbl.schema.metadata or {})
        kv[b"alignwatch"] = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        pq.write_table(tbl.replace_schema_metadata(kv), tmp)
    tmp.replace(path)
    return path


def read_metadata(path: str | Path) -> dict:
    """The ``meta`` a file written by :func:`write_table` or :func:`write_figure` carries (tests, users)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return json.loads(path.with_name(path.name + "-metadata.json").read_text("utf-8"))["alignwatch"]
    if path.suffix.lower() in (".html", ".htm"):
        from ..report.figure_common import read_html_metadata

        return read_html_metadata(path)
    import pyarrow.parquet as pq

    return json.loads(pq.read_schema(path).metadata[b"alignwatch"])


def write_figure(fig, path: str | Path, meta: dict) -> Path:
    """A figure as one offline HTML file carrying ``meta`` (see :func:`alignwatch.report.figure_common.write_html`)."""
    import re

    from ..report.figure_common import write_html

    if not meta.get("series"):  # the figure's own source caption says which series it plots
        notes = [re.sub(r"<[^>]+>", " ", str(a.text or "")) for a in fig.layout.annotations]
        meta = {**meta, "series": [" ".join(n.split()) for n in notes if "Source" in n]}
    return write_html(fig, path, meta=meta)
