"""Shared test helpers: tiny warehouses built from hand-written frames, and the real-data marker."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from alignwatch.warehouse import Warehouse


def make_warehouse(path: Path, **tables: pd.DataFrame) -> Warehouse:
    """A warehouse file holding the given frames as tables (tests only: no validation, no provenance)."""
    con = duckdb.connect(str(path))
    try:
        for name, df in tables.items():
            con.register("_t", df)
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _t')
            con.unregister("_t")
    finally:
        con.close()
    return Warehouse(path)


@pytest.fixture
def tiny_wh(tmp_path):
    """Factory fixture: ``tiny_wh(table=df, ...)`` -> Warehouse on a temp file."""
    made = []

    def factory(**tables):
        wh = make_warehouse(tmp_path / f"wh{len(made)}.duckdb", **tables)
        made.append(wh)
        return wh

    yield factory
    for wh in made:
        wh.close()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared data mirror; tests that need it are skipped where it is absent."""
    value = os.environ.get("ALIGNWATCH_DATA")
    if not value or not Path(value).exists():
        pytest.skip("ALIGNWATCH_DATA not set: real-data test skipped")
    return Path(value)


@pytest.fixture(scope="session")
def real_wh(data_dir, tmp_path_factory) -> Warehouse:
    """A warehouse ingested once per test session from the real mirror (or ALIGNWATCH_TEST_DB if given)."""
    given = os.environ.get("ALIGNWATCH_TEST_DB")
    if given and Path(given).exists():
        return Warehouse(given)
    from alignwatch import sources, warehouse

    db = tmp_path_factory.mktemp("real") / "alignwatch.duckdb"
    warehouse.ingest(sources.select(None), db, progress=False)
    return Warehouse(db)


@pytest.fixture(autouse=True)
def _release_real_wh(request):
    """Close the session warehouse's read-only connection after each test that used it. DuckDB opens no writer
    beside an open read-only connection in the same process, so while it stays open the derived caches that
    later tests compute (the CLI run in-process opens its own Warehouse) cannot be written into the file, and
    subprocesses would compute them again; closed, every cache is computed once per session."""
    yield
    if "real_wh" in request.fixturenames:
        request.getfixturevalue("real_wh").close()
