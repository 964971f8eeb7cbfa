"""Commands that move data: fetch, update, ingest, sources, states."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import FetchError, UsageError
from ._common import DbOption, Format, FormatOption, emit

if TYPE_CHECKING:  # imported where used: `alignwatch --help` must not load pandas, DuckDB or the connectors
    import pandas as pd

    from ..sources.fetch import FetchResult

FOCUS = ("PRK", "CHN", "RUS")  # the dyads whose agreement `update` reports


def _progress_session(cache, *, force: bool, check: bool, show: bool):
    """A download session whose byte counts drive a rich progress bar (or nothing, when ``show`` is off)."""
    from ..sources.fetch import Session

    if not show:
        return Session(cache, force=force, check=check), None
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                               TransferSpeedColumn)

    bar = Progress(TextColumn("[bold]fetch[/] {task.description:<42}"), BarColumn(), DownloadColumn(),
                   TransferSpeedColumn(), TimeRemainingColumn(), transient=True)
    tasks: dict[str, int] = {}

    def progress(label: str, done: int, total: int | None) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done, total=total)

    return Session(cache, force=force, check=check, progress=progress), bar


def _run(datasets, *, force: bool = False, check: bool = False, quiet: bool = False) -> list[FetchResult]:
    """Fetch (or check) each dataset; one failure does not stop the others."""
    from .. import config
    from ..sources.fetch import fetch as fetch_one

    session, bar = _progress_session(config.cache_dir(), force=force, check=check, show=not quiet)
    out = []
    if bar is not None:
        bar.start()
    try:
        for ds in datasets:
            try:
                out.append(fetch_one(ds, force=force, check=check, session=session))
            except FetchError as e:
                out.append(_failure(ds, e))
    finally:
        if bar is not None:
            bar.stop()
    return out


def _show(df: pd.DataFrame, fmt: Format, *, title: str, caption: str | None = None) -> None:
    """Like ``emit``, but a table keeps URLs and publisher names whole (a wide console, no wrapping of URLs)."""
    import pandas as pd

    if fmt != Format.table:
        emit(df, fmt, title=title, caption=caption)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=title, caption=caption)
    widths = {"table": 24, "status": 11, "publisher": 32, "release": 12, "problem": 24, "what": 28}
    for c in df.columns:
        t.add_column(str(c), no_wrap=c in ("url", "table", "retrieved", "status"), min_width=widths.get(c),
                     justify="right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
    for row in df.itertuples(index=False):
        t.add_row(*("" if v is None or (not isinstance(v, str) and pd.isna(v)) else escape(
            f"{v:,.2f}" if isinstance(v, float) else str(v)) for v in row))
    Console(width=240).print(t)


def _failure(ds, err: FetchError) -> FetchResult:
    """A failed dataset for the summary: the last download tried, and why it failed."""
    from ..sources.fetch import FetchResult

    attempts = getattr(err, "attempts", None) or [("", "", str(err))]
    publisher, url, reason = attempts[-1]
    return FetchResult(ds.table, "failed", publisher=publisher, url=url, tried=[str(err)], problem=reason)


def _summary(results: list[FetchResult]) -> tuple[pd.DataFrame, str]:
    import pandas as pd

    rows = [{"table": r.table, "status": r.status, "publisher": r.publisher or "",
             "release": r.release or "", "MB": round(r.bytes / 1e6, 2) if r.bytes else None,
             "problem": r.problem, "url": r.url} for r in results]
    df = pd.DataFrame(rows, columns=["table", "status", "publisher", "release", "MB", "problem", "url"])
    got = [r for r in results if r.status in ("downloaded", "updated")]
    n = lambda st: sum(r.status == st for r in results)  # noqa: E731
    parts = [f"{len(got)} downloaded ({sum(r.bytes for r in got) / 1e6:,.1f} MB; "
             f"{sum(not r.fallback for r in got)} from publishers, {sum(r.fallback for r in got)} from copies)"]
    for st, word in (("cached", "already in the cache"), ("unchanged", "unchanged at the publisher"),
                     ("mirror", "in the mirror (no network)"),
                     ("mirror-only", "compiled tables that ship only with the mirror"), ("failed", "failed")):
        if n(st):
            parts.append(f"{n(st)} {word}")
    return df, "; ".join(parts)


def fetch(
    names: Annotated[list[str] | None, typer.Argument(help="Sources or tables (default: all).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Download again even if cached.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fmt: FormatOption = Format.table,
):
    """Download the public datasets from their publishers into the cache (``ALIGNWATCH_CACHE``).

    Each dataset's publisher is tried first (UN Digital Library, Harvard Dataverse, Correlates of War, ATOP, ...),
    third-party copies after it; the summary says which one answered. Files already in the cache, or in the mirror
    (``ALIGNWATCH_DATA``), are not downloaded again. Example: ``alignwatch fetch unvotes``
    """
    from .. import sources

    res = _run(sources.select(names), force=force, quiet=quiet)
    df, caption = _summary(res)
    _show(df, fmt, title="fetch", caption=caption)
    failed = [r for r in res if r.status == "failed"]
    if failed:
        raise FetchError(f"{len(failed)} of {len(res)} datasets could not be downloaded: "
                         + " / ".join(r.tried[0] for r in failed),
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
    was. Without names, every dataset found in the mirror or the download cache is loaded and the others are
    listed. Example: ``alignwatch ingest`` or ``alignwatch ingest unvotes chronology --db /tmp/aw.duckdb``
    """
    import pandas as pd
    from .. import sources
    from .. import warehouse

    chosen = sources.select(names)
    if not names:
        chosen, absent = _available(chosen)
        if absent:
            _note(f"not ingested ({len(absent)}, neither in the mirror nor in the cache): {', '.join(absent)}; "
                  "run `alignwatch fetch`, or set ALIGNWATCH_DATA to the data mirror for the compiled tables")
        if not chosen:
            raise FetchError("no dataset found in the mirror or the download cache",
                             hint="run `alignwatch fetch` first, or set ALIGNWATCH_DATA to the data mirror")
    t0 = time.perf_counter()
    res = warehouse.ingest(chosen, db, force=force, progress=not quiet)
    secs = time.perf_counter() - t0
    df = pd.DataFrame(
        [{"table": r.table, "status": r.status, "rows": None if r.rows < 0 else r.rows,
          "years": "" if r.years[0] is None else f"{r.years[0]}–{r.years[1]}"} for r in res]
    )
    loaded = int(df.loc[df.status == "loaded", "rows"].sum()) if len(df) else 0
    emit(df, fmt, title="ingest summary",
         caption=f"{(df.status == 'loaded').sum()} loaded, {(df.status == 'skipped').sum()} unchanged; "
                 f"{loaded:,} rows in {secs:.1f} s")


def _available(datasets) -> tuple[list, list[str]]:
    from .. import sources

    found, absent = [], []
    for ds in datasets:
        try:
            sources.locate(ds)
            found.append(ds)
        except FetchError:
            absent.append(ds.table)
    return found, absent


def _note(text: str) -> None:
    from rich.console import Console

    Console(stderr=True, width=200).print(f"[yellow]note:[/] {text}", highlight=False, soft_wrap=True)


def update(
    names: Annotated[list[str] | None, typer.Argument(help="Sources or tables (default: all downloadable).")] = None,
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fmt: FormatOption = Format.table,
):
    """Ask each publisher whether a newer release exists, download only what changed, and re-ingest it.

    Publishers are asked with their version API (Dataverse, UN Digital Library) or a conditional request (ETag,
    Last-Modified); an unchanged file costs one request. Afterwards the changes in the numbers are printed: rows
    and coverage of each re-ingested table, new UNGA roll calls per year, and how the agreement of the PRK, CHN
    and RUS dyads moved in the latest years the new votes touch. Works on the download cache: with
    ``ALIGNWATCH_DATA`` set it refuses (the mirror is read-only). Example: ``alignwatch update unvotes``
    """
    from .. import config
    from .. import sources
    from .. import warehouse
    from ..sources.fetch import downloads_of

    if config.data_mirror() is not None:
        raise UsageError("ALIGNWATCH_DATA is set: update refreshes the download cache, which the mirror overrides",
                         hint="unset ALIGNWATCH_DATA to update from the publishers")
    datasets = [ds for ds in sources.select(names) if downloads_of(ds)]
    res = _run(datasets, check=True, quiet=quiet)
    df, caption = _summary(res)
    _show(df, fmt, title="update: publishers asked", caption=caption)
    changed = [ds for ds, r in zip(datasets, res) if r.status in ("updated", "downloaded")]
    failed = [r for r in res if r.status == "failed"]
    if changed:
        before = numbers(db)
        warehouse.ingest(changed, db, progress=not quiet)
        after = numbers(db)
        _show(changes(before, after, [ds.table for ds in changed]), fmt, title="what changed in the numbers")
    elif not failed:
        _note("every dataset is current: nothing to re-ingest")
    if failed:
        raise FetchError(f"{len(failed)} publishers could not be asked: " + " / ".join(
            r.tried[0] for r in failed), hint="the other datasets were updated")


def numbers(db) -> dict:
    """What ``update`` compares: each table's rows and coverage, UNGA roll calls per year, latest agreement."""
    import pandas as pd
    from .. import warehouse

    out: dict = {"tables": {}, "roll_calls": {}, "agreement": {}}
    try:
        wh = warehouse.Warehouse(db)
        prov = wh.provenance()
    except Exception:  # noqa: BLE001 - no warehouse yet: everything is new
        return out
    try:
        for r in prov.itertuples(index=False):
            out["tables"][r.table] = (int(r.rows), r.year_min, r.year_max)
        if wh.has("unga_roll_calls"):
            q = wh.query("SELECT year(date) AS y, count(*) AS n FROM unga_roll_calls GROUP BY 1")
            out["roll_calls"] = {int(y): int(n) for y, n in zip(q["y"], q["n"]) if pd.notna(y)}
        from ..measures.registry import families

        for series in ("undl", "voeten"):  # each UNGA series on its own (never spliced); either may be absent
            try:
                dy = families()["unga"].dyad_years(wh, states=list(FOCUS), series=series, use_cache=False)
            except Exception:  # noqa: BLE001 - a series that cannot run on this warehouse is left out, not fatal
                continue
            dy = dy[dy["score"].notna()]
            out["agreement"].update({(f"{a}-{b} ({series})", int(y)): float(v) for a, b, y, v in
                                     zip(dy["a"], dy["b"], dy["year"], dy["score"])})
    finally:
        wh.close()
    return out


def _size(t: tuple) -> str:
    import pandas as pd

    rows, lo, hi = t
    return f"{rows:,} rows" + ("" if pd.isna(lo) else f", {int(lo)}–{int(hi)}")


def changes(before: dict, after: dict, tables: list[str]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for t in tables:
        b, a = before["tables"].get(t), after["tables"].get(t)
        if a is None:
            continue
        rows.append({"what": t, "before": "new" if b is None else _size(b), "after": _size(a),
                     "change": "" if b is None else f"{a[0] - b[0]:+,} rows"})
    new_years = sorted(set(after["roll_calls"]) | set(before["roll_calls"]))
    for y in new_years:
        nb, na = before["roll_calls"].get(y, 0), after["roll_calls"].get(y, 0)
        if nb != na:
            rows.append({"what": f"UNGA roll calls {y}", "before": f"{nb}", "after": f"{na}", "change": f"{na - nb:+}"})
    moved = sorted(k for k in after["agreement"] if after["agreement"][k] != before["agreement"].get(k))
    by_pair: dict[str, list[int]] = {}
    for pair, year in moved:
        by_pair.setdefault(pair, []).append(year)
    for pair, years in by_pair.items():
        for year in years[-3:]:  # the latest years whose agreement moved (new roll calls land there)
            b, a = before["agreement"].get((pair, year)), after["agreement"][(pair, year)]
            rows.append({"what": f"agreement {pair} {year}", "before": "new" if b is None else f"{b:.3f}",
                         "after": f"{a:.3f}", "change": "" if b is None else f"{a - b:+.3f}"})
    return pd.DataFrame(rows, columns=["what", "before", "after", "change"])


def sources_cmd(
    db: DbOption = None,
    downloads: Annotated[bool, typer.Option(
        "--downloads", help="List every dataset's declared downloads (publisher first) instead.")] = False,
    fmt: FormatOption = Format.table,
):
    """Show the provenance of every ingested table: publisher, URL, release, retrieval time, rows, coverage, sha256.

    ``retrieved`` is when ``alignwatch fetch`` downloaded the file (``mirror`` for files read from the mirror).
    Example: ``alignwatch sources --format csv``, ``alignwatch sources --downloads``
    """
    import pandas as pd
    from .. import sources
    from .. import warehouse
    from ..sources.fetch import downloads_of

    if downloads:
        rows = [{"table": ds.table, "order": i + 1, "kind": "copy" if dl.fallback else "publisher",
                 "publisher": dl.publisher, "format": dl.format, "url": " + ".join(r.url for r in dl.files)}
                for ds in sources.registry().values() for i, dl in enumerate(downloads_of(ds))]
        _show(pd.DataFrame(rows), fmt, title="declared downloads (tried in this order)")
        return
    wh = warehouse.Warehouse(db)
    prov = wh.provenance()
    if prov.empty:
        emit(prov, fmt, title="no tables ingested yet")
        return
    for c in warehouse.DOWNLOAD_COLUMNS:
        if c not in prov.columns:
            prov[c] = None
    prov["sha256"] = prov["sha256"].str[:12]
    prov["retrieved"] = prov["retrieved_at"].map(lambda v: "mirror" if pd.isna(v) else pd.Timestamp(v).strftime(
        "%Y-%m-%d %H:%M") + " UTC")
    declared = {ds.table: ds for ds in sources.registry().values()}

    def publisher_of(table: str) -> str:  # a mirror file: its dataset's declared publisher
        ds = declared.get(table)
        dls = downloads_of(ds) if ds is not None else ()
        if dls or ds is None:
            return dls[0].publisher if dls else ""
        packaged = Path(ds.path).is_absolute()  # a curated table shipped inside the package
        return "curated table packaged with alignwatch" if packaged else "compiled for alignwatch (mirror only)"

    prov["publisher"] = [p if isinstance(p, str) and p else publisher_of(t)
                         for t, p in zip(prov["table"], prov["publisher"])]
    prov["release"] = prov["release"].fillna("")
    prov["url"] = prov["download_url"].where(prov["download_url"].notna(), prov["url"])
    prov["years"] = [("" if pd.isna(a) else f"{int(a)}–{int(b)}") for a, b in zip(prov["year_min"], prov["year_max"])]
    if fmt == Format.table:
        cols = ["table", "publisher", "release", "retrieved", "rows", "years", "sha256", "url"]
    else:
        cols = ["table", "source", "publisher", "url", "release", "retrieved_at", "download_bytes",
                "download_sha256", "fallback", "origin", "rows", "year_min", "year_max", "sha256", "ingested_at",
                "version", "citation"]
    _show(prov[cols], fmt, title=f"sources in {wh.path}")


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
    app.command("update")(update)
    app.command("ingest")(ingest)
    app.command("sources")(sources_cmd)
    app.command("states")(states_cmd)
