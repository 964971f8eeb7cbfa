"""``alignwatch events``: ingest raw event data, aggregate it to dyad panels on DuckDB or Spark, make synthetic data."""

from __future__ import annotations

import enum
import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import (DbOption, Format, FormatOption, FromOption, ToOption, emit, file_metadata, state_list,
                      write_table, year_range)

events_app = typer.Typer(
    name="events",
    help="Event data (GDELT, ICEWS, POLECAT) at scale: ingest, aggregate on DuckDB or Spark, synthesise.",
    no_args_is_help=True,
)


class EventFormatChoice(str, enum.Enum):
    gdelt = "gdelt"
    icews = "icews"
    polecat = "polecat"


class Dataset(str, enum.Enum):
    gdelt = "gdelt"
    icews = "icews"
    polecat = "polecat"
    synth = "synth"


class Period(str, enum.Enum):
    year = "year"
    month = "month"


class Engine(str, enum.Enum):
    duckdb = "duckdb"
    spark = "spark"


class Panel(str, enum.Enum):
    events = "events"
    unga = "unga"


class Layout(str, enum.Enum):
    parquet = "parquet"
    gdelt = "gdelt"


@events_app.command("ingest")
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Event files or directories (.csv/.tsv/.txt, .gz, .zip).")],
    format: Annotated[EventFormatChoice, typer.Option("--format", help="File format: gdelt, icews or polecat.")],
    db: DbOption = None,
    lenient_countries: Annotated[bool, typer.Option(
        "--lenient-countries", help="Keep events with unknown country values as non-dyadic instead of failing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    report_format: Annotated[Format, typer.Option("--report-format", help="Summary as table, csv or json.")] = Format.table,
):
    """Validate raw event files and load them into the warehouse as ``ev_events_<format>``, all or nothing.

    The first bad row stops the ingest with the file, line and column; the previous table stays as it was.
    Example: ``alignwatch events ingest --format gdelt 20240101*.export.CSV.zip --db /tmp/aw.duckdb``
    """
    import pandas as pd

    from ..eventdata.load import ingest_events

    t0 = time.perf_counter()
    rep = ingest_events(files, format.value, db, lenient_countries=lenient_countries, progress=not quiet)
    secs = time.perf_counter() - t0
    df = pd.DataFrame([{
        "table": rep.table, "files": len(rep.files), "rows": rep.rows, "state_dyad_rows": rep.dyadic,
        "years": "" if rep.years[0] is None else f"{rep.years[0]}–{rep.years[1]}",
        "seconds": round(secs, 2), "rows_per_s": round(rep.rows / secs) if secs > 0 else None,
    }])
    caption = None
    if rep.unresolved:
        top = ", ".join(f"{k!r} ({v:,})" for k, v in rep.unresolved.most_common(8))
        caption = f"kept as non-dyadic (unknown country): {top}"
    emit(df, report_format, title="events ingest", caption=caption)


@events_app.command("aggregate")
def aggregate(
    by: Annotated[Period, typer.Option("--by", help="Period: year or month.")] = Period.year,
    panel: Annotated[Panel, typer.Option(
        "--panel", help="events: event counts and scores; unga: UNGA vote-agreement baseline.")] = Panel.events,
    dataset: Annotated[Dataset | None, typer.Option(
        "--dataset", help="Event dataset (default: the one ingested; required when several are).")] = None,
    engine: Annotated[Engine, typer.Option("--engine", help="duckdb (default) or spark.")] = Engine.duckdb,
    spark_remote: Annotated[str | None, typer.Option(
        "--spark-remote", help="Spark Connect URL of a cluster, e.g. sc://host:15002 (with --engine spark).")] = None,
    tables_from: Annotated[str | None, typer.Option(
        "--tables-from", help="Read tables from Parquet under this directory/URL (<table>.parquet or <table>/).")] = None,
    states: Annotated[str | None, typer.Option(
        "--states", help="Only dyads among these states, e.g. PRK,CHN,RUS.")] = None,
    first: FromOption = None,
    last: ToOption = None,
    directed: Annotated[bool, typer.Option("--directed", help="Directed dyads (a = source, b = target).")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the panel to this Parquet file.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Print at most this many rows.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
):
    """Dyad-year or dyad-month panel, computed by the same Ibis expression on DuckDB or Spark.

    Examples: ``alignwatch events aggregate --states PRK,CHN,RUS --by month``;
    ``alignwatch events aggregate --panel unga --states PRK,CHN,RUS --from 2010``;
    ``alignwatch events aggregate --engine spark --spark-remote sc://spark-master:15002
    --tables-from s3a://bucket/alignwatch --out panel.parquet``
    """
    from ..eventdata import aggregate as agg
    from ..eventdata import engines
    from ..eventdata.formats import FORMATS

    if panel == Panel.unga and (dataset is not None or by == Period.month or directed):
        raise UsageError("--dataset, --by month and --directed apply to --panel events only")
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be positive (got {limit})")
    chosen = state_list(states)
    years = year_range(first, last)
    t0 = time.perf_counter()
    con = engines.connect(engine.value, db, spark_remote, in_memory=tables_from is not None and engine == Engine.duckdb)
    if panel == Panel.events:
        name = dataset.value if dataset is not None else _only_dataset(con, tables_from, db)
        events = engines.table(con, f"ev_events_{name}", tables_from=tables_from, db=db)
        expr = agg.event_panel(events, by=by.value, directed=directed, states=chosen, years=years, source=name)
        cite = FORMATS[name].label if name in FORMATS else "synthetic events (alignwatch.eventdata.synthetic)"
    else:
        votes = engines.table(con, "unga_votes", tables_from=tables_from, db=db)
        calls = engines.table(con, "unga_roll_calls", tables_from=tables_from, db=db)
        expr = agg.unga_agreement(votes, calls, states=chosen, years=years)
        cite = "UNGA votes, Voeten, Strezhnev & Bailey (Harvard Dataverse hdl:1902.1/12379)"
    df = agg.collect(expr)
    secs = time.perf_counter() - t0
    caption = f"{len(df):,} rows on {engine.value} in {secs:.1f} s; source: {cite}"
    if out is not None:
        write_table(df, out, file_metadata("events aggregate", options={
            "panel": panel, "by": by, "dataset": dataset, "engine": engine, "states": states, "from": first,
            "to": last, "directed": directed, "tables_from": tables_from}, series=[cite]))
        typer.echo(f"wrote {len(df):,} rows to {out} ({caption})")
        return
    shown = df if limit is None else df.head(limit)
    if fmt == Format.table and panel == Panel.events:  # 20 root columns do not fit a terminal
        shown = shown[[c for c in shown.columns if not c.startswith("n_root_")]]
        caption += "; CAMEO root counts n_root_01..20 in --format csv/json or --out"
    emit(shown, fmt, title=f"{panel.value} panel by {by.value}" if panel == Panel.events else "UNGA agreement",
         caption=caption)


@events_app.command("synth")
def synth(
    rows: Annotated[int, typer.Option("--rows", help="Number of events to generate.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
    layout: Annotated[Layout, typer.Option(
        "--layout", help="parquet: normalised events (ev_events_synth/); gdelt: 61-column GDELT export TSV.")
    ] = Layout.parquet,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data).")] = 0,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", help="Rows per file (bounds memory).")] = 1_000_000,
):
    """Generate synthetic GDELT-shaped events with realistic skew (a few dyads dominate) for scale tests.

    Example: ``alignwatch events synth --rows 10000000 --out /tmp/synth`` then
    ``alignwatch events aggregate --dataset synth --tables-from /tmp/synth --out /tmp/panel.parquet``
    """
    from ..eventdata import synthetic

    t0 = time.perf_counter()
    files = synthetic.generate(rows, out, spec=synthetic.Spec(seed=seed), fmt=layout.value, chunk_rows=chunk_rows)
    secs = time.perf_counter() - t0
    typer.echo(f"wrote {rows:,} synthetic events in {len(files)} file(s) under {files[0].parent} "
               f"in {secs:.1f} s ({rows / secs:,.0f} rows/s)")


def _only_dataset(con, tables_from: str | None, db) -> str:
    """The event dataset to use when --dataset is not given: the only one present."""
    from ..eventdata import engines
    from ..eventdata.formats import DATASETS

    if tables_from is not None:
        if "://" in tables_from:
            raise UsageError("--dataset is required with a --tables-from URL")
        present = [d for d in DATASETS if _parquet_exists(tables_from, f"ev_events_{d}")]
    else:
        have = set(engines.list_tables(con))
        if engines.is_spark(con) and not any(f"ev_events_{d}" in have for d in DATASETS):
            from ..warehouse import Warehouse

            with Warehouse(db) as wh:  # Spark reads the local warehouse's tables
                have = set(wh.tables())
        present = [d for d in DATASETS if f"ev_events_{d}" in have]
    if len(present) == 1:
        return present[0]
    if not present:
        raise UsageError("no event data found (no ev_events_* table)",
                         hint="run `alignwatch events ingest --format gdelt FILE...` or pass --tables-from DIR")
    raise UsageError(f"several event datasets present ({', '.join(present)})", hint="choose one with --dataset")


def _parquet_exists(base: str, name: str) -> bool:
    root = Path(base).expanduser()
    return (root / f"{name}.parquet").exists() or (root / name).is_dir()


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")
