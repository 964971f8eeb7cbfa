"""The dashboard's caches, for one warehouse file: what makes a repeated view cost a dictionary lookup.

* :meth:`ViewCache.get` memoises anything derived from the warehouse (views, their figures, the page components)
  in an in-process LRU; a key is computed once even when several requests ask for it at the same time (single
  flight: one DuckDB connection serves one statement at a time). A key that cannot be computed (no data for
  these states) is kept as its error too; a warehouse error is not (it may be transient: a lock held by an ingest).
* :meth:`ViewCache.persist` keeps derived tables in memory and in a cache file of their own (a
  ``Warehouse(cache="separate")``, via :func:`alignwatch.warehouse.cached`), so a restarted server does not
  recompute: the dashboard opens the warehouse read-only and never writes to it. ``_cache_*`` tables that the CLI
  left in the warehouse are read.

A replaced warehouse file (an ingest's swap makes a new inode) drops everything.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import pandas as pd

from .. import config
from ..errors import AlignwatchError, WarehouseError
from ..warehouse import Warehouse, cached

_MISS = object()


class _Failure:
    """A cached error: a view that cannot be computed (no data) is not recomputed on every request."""

    def __init__(self, error: AlignwatchError):
        self.error = error


class ViewCache:
    """Memoised, single-flight access to one warehouse file, opened read-only (see the module docstring)."""

    def __init__(self, db=None, *, maxsize: int = 64):
        self.path = config.db_path(db)
        self.maxsize = maxsize
        self._wh: Warehouse | None = None
        self._lock = threading.RLock()  # one DuckDB connection: one statement (and one compute) at a time
        self._memo_lock = threading.Lock()
        self._memo: OrderedDict = OrderedDict()
        self._inode: int | None = None

    @property
    def wh(self) -> Warehouse:
        if self._wh is None:
            self._wh = Warehouse(self.path, cache="separate")
        return self._wh

    def close(self) -> None:
        with self._lock:
            if self._wh is not None:
                self._wh.close()
                self._wh = None

    def _fresh(self) -> None:
        """Drop everything cached when an ingest replaced the warehouse file (a new inode)."""
        try:
            inode = os.stat(self.path).st_ino
        except OSError:
            raise WarehouseError(f"no warehouse at {self.path}",
                                 hint="run `alignwatch ingest` (if an ingest is running, retry in a minute)") from None
        if inode != self._inode:
            with self._lock:
                if inode != self._inode:
                    if self._wh is not None:
                        self._wh.close()
                        self._wh = None
                    with self._memo_lock:
                        self._memo.clear()
                    self._inode = inode

    def generation(self) -> int:
        """Which warehouse file the cached data belong to (its inode; an ingest's swap makes a new one)."""
        self._fresh()
        return self._inode

    def get(self, key: Hashable, compute: Callable):
        """Memoised ``compute()`` (LRU, single flight); an AlignwatchError other than a warehouse error is kept
        and raised again for the same key."""
        self._fresh()
        hit = self._lookup(key)
        if hit is _MISS:
            with self._lock:
                hit = self._lookup(key)
                if hit is _MISS:
                    try:
                        hit = compute()
                    except WarehouseError:
                        raise  # may pass (a lock held by an ingest or a cache write): ask again next time
                    except AlignwatchError as e:
                        hit = _Failure(e)
                    self._store(key, hit)
        if isinstance(hit, _Failure):
            raise hit.error.with_traceback(None)
        return hit

    def _lookup(self, key):
        with self._memo_lock:
            hit = self._memo.get(key, _MISS)
            if hit is not _MISS:
                self._memo.move_to_end(key)
            return hit

    def _store(self, key, value) -> None:
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > self.maxsize:
                self._memo.popitem(last=False)

    def persist(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A derived table, computed once per warehouse file and kept in the separate cache (never in the file)."""
        return cached(self.wh, name, make)
