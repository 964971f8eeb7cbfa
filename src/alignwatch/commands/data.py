"""Commands that move data: fetch, ingest, sources, states."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..errors import FetchError
from ._common import DbOption, Format, FormatOption, emit


def fetch(
    names: Annotated[list[str] | None, typer.Argument(help="Sources or tables (default: all).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Download again even if cached.")] = False,
    fmt: FormatOption = Format.table,
):
    """Download the original public files into the cache (``ALIGNWATCH_CACHE`` or the user cache dir).

    Example: ``alignwatch fetch unvotes``
    """
    import pandas as pd

    from .. import sources
    from ..sources.fetch import fetch as fetch_one

    rows, failed = [], 0
    for ds in sources.select(names):
        try:
            r = fetch_one(ds, force=force)
            rows.append({"table": r.table, "status": r.status, "bytes": r.bytes, "path": r.path})
        except FetchError as e:  # one unreachable file does not stop the others; the exit code says it
            failed += 1
            rows.append({"table": ds.table, "status": f"failed: {e}", "bytes": 0, "path": ""})
    emit(pd.DataFrame(rows), fmt, title="fetch")
    if failed:
        raise FetchError(f"{failed} of {len(rows)} downloads failed (see the table above)",
                         hint="check the network, or set ALIGNWATCH_DATA to a local mirror")


def ingest(
    names: Annotated[list[str] | None, typer.Argument(help="Sources or tables (default: all).")] = None,
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Reload even when the input is unchanged.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fmt: FormatOption = Format.table,
):
    """Validate and load datasets into the warehouse, atomically and idempotently.

    Unchanged inputs (same sha256) are skipped; a failed or interrupted ingest leaves the previous warehouse as it
    was. Example: ``alignwatch ingest`` or ``alignwatch ingest unvotes chronology --db /tmp/aw.duckdb``
    """
    import pandas as pd

    from .. import sources, warehouse

    t0 = time.perf_counter()
    res = warehouse.ingest(sources.select(names), db, force=force, progress=not quiet)
    secs = time.perf_counter() - t0
    df = pd.DataFrame(
        [{"table": r.table, "status": r.status, "rows": None if r.rows < 0 else r.rows,
          "years": "" if r.years[0] is None else f"{r.years[0]}–{r.years[1]}"} for r in res]
    )
    loaded = int(df.loc[df.status == "loaded", "rows"].sum()) if len(df) else 0
    emit(df, fmt, title="ingest summary",
         caption=f"{(df.status == 'loaded').sum()} loaded, {(df.status == 'skipped').sum()} unchanged; "
                 f"{loaded:,} rows in {secs:.1f} s")


def sources_cmd(db: DbOption = None, fmt: FormatOption = Format.table):
    """Show the provenance of every ingested table: origin, sha256, rows, coverage, time, version.

    Example: ``alignwatch sources --format csv``
    """
    from .. import warehouse

    wh = warehouse.Warehouse(db)
    prov = wh.provenance()
    if prov.empty:
        emit(prov, fmt, title="no tables ingested yet")
        return
    prov["sha256"] = prov["sha256"].str[:12]
    cols = ["table", "source", "rows", "year_min", "year_max", "sha256", "ingested_at", "version", "origin"]
    emit(prov[cols], fmt, title=f"sources in {wh.path}")


def states_cmd(
    unresolved: Annotated[bool, typer.Option("--unresolved", help="List identifiers in the data that do not resolve.")] = False,
    query: Annotated[str | None, typer.Option("--resolve", help="Resolve one name or code.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Members of the state system in this year.")] = None,
    fmt: FormatOption = Format.table,
):
    """The state system: resolve names and codes, list members, or check every identifier in the data.

    Examples: ``alignwatch states --resolve "Soviet Union"``, ``alignwatch states --year 1991``,
    ``alignwatch states --unresolved`` (prints nothing when every identifier in the data resolves).
    """
    import pandas as pd

    from .. import states

    if unresolved:
        rows = find_unresolved()
        if rows:
            emit(pd.DataFrame(rows), fmt, title="unresolved identifiers")
            raise typer.Exit(1)
        return
    if query:
        s = states.resolve(query)
        emit(pd.DataFrame([s.__dict__]), fmt)
        return
    tbl = states.table()
    if year is not None:
        members = set(states.members(year))
        tbl = tbl[tbl.iso3.isin(members)].drop_duplicates("iso3")
    emit(tbl, fmt)


def find_unresolved() -> list[dict]:
    """Every country identifier in every dataset that the state system cannot resolve (goal: none)."""
    import pandas as pd

    from .. import sources, states

    out = []
    for ds in sources.registry().values():
        if not ds.countries:
            continue
        path = sources.locate(ds)
        tbl = sources.base.read_file(path, ds)
        for cc in ds.countries:
            col = tbl[cc.column].to_pandas()
            if cc.split:
                col = col.astype("string").str.split(cc.split).explode().str.strip()
            vals = pd.Series(col.dropna().unique())
            vals = vals[vals.astype(str).str.strip() != ""]
            vals = vals[~vals.isin(list(cc.allow))]
            for v in states.unresolved(vals.to_numpy(dtype=object), scheme=cc.scheme):
                out.append({"table": ds.table, "column": cc.column, "scheme": cc.scheme, "value": v})
    return out


def register(app: typer.Typer) -> None:
    app.command("fetch")(fetch)
    app.command("ingest")(ingest)
    app.command("sources")(sources_cmd)
    app.command("states")(states_cmd)
