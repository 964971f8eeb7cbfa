"""The registry of measure families: what the ``dyad`` command, the index and the report iterate over.

Contract for a family's ``dyad_years(wh, states=None, years=None)``: a pandas DataFrame with one row per
undirected dyad-year, columns ``a``, ``b`` (ISO3, ``a < b``), ``year`` (int), the family's own columns, ``score``
(its headline alignment score, higher = more aligned, NA where the source does not cover the dyad-year: never 0
for missing), and ``source`` (which dataset(s) the row comes from). ``states`` restricts the dyads to pairs of
those states; ``years`` is an inclusive ``(first, last)`` range. A column that belongs to one side names the side
(``dep_a``, ``balance_a``); a family may add ``pair_table`` to show one pair in the order the user typed.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..errors import UsageError


@dataclass(frozen=True)
class Family:
    name: str
    label: str
    domain: str  # "political" or "economic" (or "descriptive": shown, not indexed)
    dyad_years: Callable[..., pd.DataFrame]
    description: str = ""
    columns: tuple[str, ...] = ()  # the columns ``alignwatch dyad --measure NAME`` shows, in order
    # optional: the family's own table for one pair in the order typed, ``pair_table(wh, first, second, years)``,
    # for families whose columns have a side (trade: ``balance_PRK``); ``alignwatch dyad`` prints it when present
    pair_table: Callable[..., pd.DataFrame] | None = None


_FAMILIES: dict[str, Family] = {}


def check_states(states) -> list[str] | None:
    """A family's ``states`` argument as sorted unique ISO3 codes; anything else is one clear UsageError.

    Families are called from the CLI, the report and the dashboard: checking here, once, keeps a stray string from
    ever reaching a query."""
    if states is None:
        return None
    if isinstance(states, str):
        states = [states]
    out = []
    for s in states:
        if not isinstance(s, str) or len(s.strip()) != 3 or not s.strip().isalpha() or not s.strip().isascii():
            raise UsageError(f"invalid state code {s!r}", hint="give ISO3 codes, e.g. ['PRK', 'CHN']")
        out.append(s.strip().upper())
    return sorted(set(out))


def check_years(years) -> tuple[int, int] | None:
    """A family's ``years`` argument as an inclusive ``(first, last)`` pair of ints, or None for all years."""
    if years is None:
        return None
    try:
        lo, hi = int(years[0]), int(years[1])
    except (TypeError, ValueError, IndexError, KeyError):
        raise UsageError(f"years must be a (first, last) pair, not {years!r}") from None
    if lo > hi:
        raise UsageError(f"year range {lo}-{hi} is reversed", hint="give the first year before the last")
    return lo, hi


def register(family: Family) -> Family:
    if family.domain not in ("political", "economic", "descriptive"):
        raise ValueError(f"family {family.name}: domain must be political, economic or descriptive")
    _FAMILIES[family.name] = family
    return family


def families() -> dict[str, Family]:
    """All registered families (imports every module of this package once)."""
    from .. import measures

    for info in pkgutil.iter_modules(measures.__path__):
        if info.name != "registry" and not info.name.startswith("_"):
            importlib.import_module(f"{measures.__name__}.{info.name}")
    return dict(_FAMILIES)


def get(name: str) -> Family:
    fams = families()
    if name not in fams:
        raise UsageError(f"unknown measure {name!r}", hint=f"choose from: {', '.join(sorted(fams))}, all")
    return fams[name]
