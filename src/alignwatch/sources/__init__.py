"""Connectors, one module per public dataset. Each module declares ``DATASETS: list[Dataset]``.

The connector modules are listed once, in :func:`registry`: a new connector is a module and its name there.
(``base``, ``fetch``, ``download``, ``publishers``, ``catalogue`` and ``undl`` are the machinery they share.)
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import UsageError
from .base import CountryCol, Dataset, load, locate  # noqa: F401


@lru_cache(maxsize=1)
def registry() -> dict[str, Dataset]:
    """All datasets by warehouse table name, in module order."""
    from . import (aei, aiddata, arms, chinavitae, chronology, conflict, diplomacy, gdelt, icews, kcna,
                   peacesciencer, trade_customs, unga_recent, ungdc, unsc, unvotes)

    out: dict[str, Dataset] = {}
    for mod in (aei, aiddata, arms, chinavitae, chronology, conflict, diplomacy, gdelt, icews, kcna, peacesciencer,
                trade_customs, unga_recent, ungdc, unsc, unvotes):
        for ds in mod.DATASETS:
            if ds.table in out:
                raise RuntimeError(f"duplicate warehouse table {ds.table!r} in {mod.__name__}")
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
