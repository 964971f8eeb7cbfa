"""Where the Ibis expressions of :mod:`.aggregate` run: DuckDB on one machine, or Spark on one machine or a cluster.

``connect('duckdb', db)`` opens the warehouse read-only (the default everywhere). ``connect('spark')`` returns an
Ibis backend over a SparkSession, found in this order:

1. ``spark_remote='sc://host:15002'`` — a Spark Connect server (Spark >= 3.4; the cluster does the work, this
   process only sends the plan). Needs the Spark Connect client: ``pip install 'pyspark[connect]'``.
2. an active session — the program was started by ``spark-submit`` (or in a notebook with a session), so the
   cluster, master and resources are whatever ``spark-submit`` was given.
3. otherwise a local session, ``local[2]`` (tests and laptops): no UI, 4 shuffle partitions, UTC session time zone
   (dates must not shift between engines), nothing downloaded at run time.

Tables are looked up by name with :func:`table`: on Spark a table or view already in the catalog wins (a cluster
user registers ``ev_events_gdelt`` over Parquet on HDFS/S3 once); else ``tables_from`` — a directory or URL holding
``<name>.parquet`` or a ``<name>/`` folder of Parquet parts, read by the engine itself (so ``s3a://`` works on a
cluster); else the DuckDB warehouse, whose table is shipped to Spark through Arrow (fine locally, not for 10^8 rows).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import ibis

from .. import config
from ..errors import UsageError, WarehouseError

ENGINES = ("duckdb", "spark")
LOCAL_MASTER = "local[2]"
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "2g",
    "spark.sql.warehouse.dir": "",  # filled with a temp dir: never litter the working directory
}


def connect(engine: str = "duckdb", db: str | os.PathLike | None = None, spark_remote: str | None = None, *,
            in_memory: bool = False):
    """An Ibis backend for ``engine``; ``db`` is the warehouse (DuckDB engine, or the source of tables for Spark)."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}", hint=f"use one of {', '.join(ENGINES)}")
    if spark_remote is not None and engine != "spark":
        raise UsageError("--spark-remote needs --engine spark")
    if engine == "duckdb":
        if in_memory:
            return ibis.duckdb.connect()
        path = config.db_path(db)
        if not path.exists():
            raise WarehouseError(f"no warehouse at {path}", hint="run `alignwatch ingest` / `alignwatch events ingest` "
                                 "first, pass --db PATH, or read Parquet with --tables-from DIR")
        return ibis.duckdb.connect(str(path), read_only=True)
    return ibis.pyspark.connect(spark_session(spark_remote))


def spark_session(remote: str | None = None, master: str = LOCAL_MASTER):
    """A SparkSession: Spark Connect at ``remote``, else the active one (spark-submit), else local ``master``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("the Spark engine needs pyspark", hint="pip install 'alignwatch[spark]'") from None
    if remote is not None:
        if not remote.startswith("sc://"):
            raise UsageError(f"invalid Spark Connect URL {remote!r}", hint="use sc://HOST:15002")
        try:
            return SparkSession.builder.remote(remote).getOrCreate()
        except ImportError as e:
            raise UsageError(f"Spark Connect client missing: {e}", hint="pip install 'pyspark[connect]'") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    import tempfile

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("alignwatch")
    for k, v in SPARK_CONF.items():
        if k == "spark.sql.warehouse.dir":
            v = tempfile.mkdtemp(prefix="alignwatch-spark-")
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def is_spark(con) -> bool:
    return con.name == "pyspark"


def list_tables(con) -> list[str]:
    """Table names on either engine.

    On DuckDB this asks the catalog directly: Ibis 12's ``list_tables`` calls ``fetch_arrow_table``, which DuckDB 2.0
    removed.
    """
    if is_spark(con):
        return list(con.list_tables())
    rows = con.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return [r[0] for r in rows]


def table(con, name: str, *, tables_from: str | os.PathLike | None = None, db: str | os.PathLike | None = None):
    """The Ibis table ``name`` on ``con`` (see the module docstring for where it is looked up)."""
    if tables_from is not None:
        return con.read_parquet(_parquet_location(str(tables_from), name), table_name=name)
    if not is_spark(con):
        if name not in list_tables(con):
            raise WarehouseError(f"warehouse lacks table {name}",
                                 hint="ingest it first (alignwatch ingest / alignwatch events ingest)")
        return con.table(name)
    if name in list_tables(con):
        return con.table(name)
    from ..warehouse import Warehouse

    with Warehouse(db) as wh:  # a local warehouse shipped to Spark through Arrow
        wh.require(name)
        arrow = wh.table(name)
    session = con._session
    session.createDataFrame(arrow).createOrReplaceTempView(name)
    return con.table(name)


def register(con, name: str, data) -> None:
    """Make an Arrow table or pandas frame available as ``name`` on either engine (tests, small inputs)."""
    import pyarrow as pa

    arrow = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
    if is_spark(con):
        con._session.createDataFrame(arrow).createOrReplaceTempView(name)
    else:
        con.create_table(name, arrow, overwrite=True)


def _parquet_location(base: str, name: str) -> str:
    """``base/name.parquet`` or every part under ``base/name/``; URLs (s3a://, hdfs://) are left to the engine."""
    if "://" in base:
        return f"{base.rstrip('/')}/{name}"
    root = Path(base).expanduser()
    single = root / f"{name}.parquet"
    folder = root / name
    if single.exists():
        return str(single)
    if folder.is_dir():
        return str(folder / "*.parquet")
    raise WarehouseError(f"no Parquet for table {name} under {root}",
                         hint=f"expected {single} or a folder {folder}/ of .parquet files")
