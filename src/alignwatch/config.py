"""Where data, cache and the warehouse live; every location can be overridden by environment or argument."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "alignwatch"


def data_mirror() -> Path | None:
    """The read-only mirror of the public datasets (``ALIGNWATCH_DATA``), if set."""
    value = os.environ.get("ALIGNWATCH_DATA")
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where ``alignwatch fetch`` stores downloads (``ALIGNWATCH_CACHE`` or the user cache dir)."""
    value = os.environ.get("ALIGNWATCH_CACHE")
    return Path(value).expanduser() if value else Path(platformdirs.user_cache_dir(APP))


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse file: ``--db`` beats ``ALIGNWATCH_DB`` beats the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    value = os.environ.get("ALIGNWATCH_DB")
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_data_dir(APP)) / "alignwatch.duckdb"
