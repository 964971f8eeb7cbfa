"""Connectors, one module per public dataset. Each module declares ``DATASETS: list[Dataset]``.

The registry is discovered from the modules in this package, so a new connector needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from ..errors import UsageError
from .base import CountryCol, Dataset, load, locate  # noqa: F401

_SKIP = {"base", "fetch", "download", "publishers", "undl", "catalogue"}


@lru_cache(maxsize=1)
def registry() -> dict[str, Dataset]:
    """All datasets by warehouse table name, in module order."""
    out: dict[str, Dataset] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in _SKIP or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for ds in getattr(mod, "DATASETS", []):
            if ds.table in out:
                raise RuntimeError(f"duplicate warehouse table {ds.table!r} in sources.{info.name}")
            out[ds.table] = ds
    return out


def select(names: list[str] | None) -> list[Dataset]:
    """Datasets named by table or by source module (``unvotes`` selects all its tables); all when empty."""
    reg = registry()
    if not names:
        return list(reg.values())
    chosen: list[Dataset] = []
    for n in names:
        hits = [ds for ds in reg.values() if n in (ds.table, ds.source)]
        if not hits:
            known = sorted({ds.source for ds in reg.values()} | set(reg))
            raise UsageError(f"unknown source {n!r}", hint=f"choose from: {', '.join(known)}")
        chosen.extend(h for h in hits if h not in chosen)
    return chosen
