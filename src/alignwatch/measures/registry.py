"""The measure-family contract and its registry: what the ``dyad`` command, the index, the report, the dashboard and
the contract test iterate over.

A family is a subclass of :class:`Family`, in the spirit of ruptures' ``BaseCost``: it *declares* what it is (name,
label, domain, columns, coverage, citation, docs page, typed options) and *implements* one method,
:meth:`Family.compute`. It is registered once, with :func:`register`, at the bottom of its module; the module is
listed once, in :func:`families`.

Every caller goes through :meth:`Family.dyad_years` (``wh, states=None, years=None, **options``), which applies the
one check of states and years (:func:`check_states`, :func:`check_years`, at least two states), turns the keyword
options into the family's typed ``Options`` (a frozen dataclass; an unknown or invalid option is one UsageError),
serves the all-states panel from the derived cache where the family asks for it, and only then calls ``compute``
with clean arguments. Nothing is probed by reflection: what a family accepts is what it declares.

Output contract of ``dyad_years``: a pandas DataFrame with one row per undirected dyad-year, ``a``, ``b`` (ISO3,
``a < b``), ``year`` (int), the declared ``columns``, ``score`` (the headline alignment score, higher = more
aligned, NA where the source does not cover the dyad-year or a state was not a member: never 0 for missing) and
``source`` (the dataset(s) behind the row, set wherever ``score`` is). A column that belongs to one side names the
side (``dep_a``, ``balance_a``, ``a_to_b``): :func:`orient_columns` shows them in the order the user typed.
``tests/test_family_contract.py`` checks all of it for every registered family.
"""

from __future__ import annotations

import dataclasses
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from ..checks import ordered
from ..errors import UsageError

if TYPE_CHECKING:  # plotly and pandas are loaded where a table or figure is made, not when the registry is read
    import pandas as pd
    import plotly.graph_objects as go

    from ..warehouse import Warehouse

Domain = Literal["political", "economic", "descriptive"]
DOMAINS: tuple[str, ...] = ("political", "economic", "descriptive")
KEY_COLUMNS = ("a", "b", "year")
REQUIRED_COLUMNS = ("a", "b", "year", "score", "source")
Compute = Callable[[], "pd.DataFrame"]


# -------------------------------------------------------------------------------------------- the one check


def check_states(states) -> list[str] | None:
    """A family's ``states`` argument as sorted unique ISO3 codes; anything else is one clear UsageError.

    Families are called from the CLI, the report, the dashboard and the API: checking here, once, keeps a stray
    string from ever reaching a query. Names are resolved before this (``alignwatch.checks``); a family takes
    codes."""
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
    ordered(lo, hi)
    return lo, hi


# -------------------------------------------------------------------------------------- code fingerprint


# What a cached panel's numbers depend on besides the warehouse: the computing modules and the package's curated
# tables. The warehouse's own generation (every ingest) is handled by the cache itself.
_CODE = ("measures", "similarity.py", "states.py", "chronology.py", "network.py", "data")
_NOT_CODE = {"weights.toml"}  # the index's weights: they do not change a family's numbers


@lru_cache(maxsize=1)
def code_version() -> str:
    """A short hash of the code and curated tables that compute derived panels. It is part of every cache key a
    family makes (:meth:`Family.cache_key`), so that a changed computation is never served from a ``_cache_*``
    table an older alignwatch left in the warehouse (no version number to remember to bump)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for part in _CODE:
        p = root / part
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file() and f.suffix in (".py", ".csv", ".toml") and f.name not in _NOT_CODE \
                    and "__pycache__" not in f.parts:
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:10]


# ------------------------------------------------------------------------------------------------ options


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """The options of a family that has none."""


def options_text(options) -> str:
    """The options as ``name=value`` pairs (for cache keys and messages)."""
    return ",".join(f"{f.name}={getattr(options, f.name)!r}" for f in dataclasses.fields(options))


# -------------------------------------------------------------------------------------------- the contract


class Family(ABC):
    """A measure family. Subclasses declare the class attributes below and implement :meth:`compute`.

    Declarations (all required except where a default is given):

    ``name``         the registry key and ``--measure`` value
    ``label``        one line for tables and figure titles
    ``domain``       "political" or "economic" (indexed), or "descriptive" (shown, not indexed); declared here
                     only: the index weights refer to families by name (docs/architecture.md)
    ``description``  what the headline score is, in a sentence or two
    ``columns``      the family's own columns, in the order ``alignwatch dyad A B --measure NAME`` shows them
    ``coverage``     (first, last) year any of its sources covers: outside it every score is NA
    ``citation``     the datasets to cite
    ``docs``         its page under docs/ (one page per family; two closely related families may share one)
    ``Options``      a frozen dataclass of typed keyword options, validated in ``__post_init__`` (NoOptions)
    ``cache_all``    True: the all-states panel is computed once per ingest and code version and kept in the
                     warehouse's derived cache (a family with its own finer cache leaves this False)
    """

    name: ClassVar[str]
    label: ClassVar[str]
    domain: ClassVar[Domain]
    description: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    coverage: ClassVar[tuple[int, int]]
    citation: ClassVar[str]
    docs: ClassVar[str]
    Options: ClassVar[type] = NoOptions
    cache_all: ClassVar[bool] = False

    # ------------------------------------------------------------------------------- what subclasses write

    @abstractmethod
    def compute(self, wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None, options, *,
                use_cache: bool = True) -> pd.DataFrame:
        """The family's table (see the module docstring for the output contract).

        ``states``: sorted unique ISO3 codes, at least two, or None for every dyad the sources cover; ``years``:
        an inclusive range or None for the family's coverage; ``options``: an instance of ``Options``;
        ``use_cache`` False: a family with its own derived cache computes afresh."""

    # ------------------------------------------------------------------------------ what every caller uses

    def options(self, **options):
        """The typed options from keywords: an option the family does not declare is one UsageError naming the
        ones it does (the dataclass's own ``__post_init__`` checks the values)."""
        known = [f.name for f in dataclasses.fields(self.Options)]
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise UsageError(f"the {self.name} family has no option {unknown[0]!r}",
                             hint=f"its options: {', '.join(known)}" if known else "it takes no options")
        return self.Options(**options)

    def dyad_years(self, wh: Warehouse, states=None, years=None, *, use_cache: bool = True,
                   **options) -> pd.DataFrame:
        """The family's table after the one check of states, years and options (see the module docstring)."""
        codes, yrs = check_states(states), check_years(years)
        if codes is not None and len(codes) < 2:
            raise UsageError(f"the {self.name} family needs at least two states",
                             hint=f"e.g. alignwatch dyad PRK CHN --measure {self.name}")
        opts = self.options(**options)
        if codes is not None or not self.cache_all:
            return self.compute(wh, codes, yrs, opts, use_cache=use_cache)
        full = self.cached(wh, options_text(opts) or "all", lambda: self.compute(wh, None, None, opts),
                           use_cache=use_cache)
        return full if yrs is None else full[full["year"].between(*yrs)].reset_index(drop=True)

    def pair_table(self, wh: Warehouse, first: str, second: str, years=None, **options) -> pd.DataFrame:
        """One pair's year rows in the order the user typed: ``year``, the declared columns, ``score``, with every
        sided column named after its state (:func:`orient_columns`); ``attrs["sources"]`` lists the datasets.
        A family whose table has several rows a year (trade: one per series) overrides this."""
        import pandas as pd

        lo, hi = sorted((first, second))
        df = self.dyad_years(wh, [first, second], years, **options)
        df = df[(df["a"] == lo) & (df["b"] == hi)]
        cols = ["year", *(c for c in self.columns if c in df.columns and c not in KEY_COLUMNS)]
        if "score" not in cols:
            cols.append("score")
        out = orient_columns(df[cols].sort_values("year").reset_index(drop=True), first, second)
        out.attrs["sources"] = sorted({s.strip() for v in df.get("source", pd.Series(dtype=str)).dropna()
                                       .astype(str) for s in v.split(";") if s.strip()})
        return out

    def figure(self, wh: Warehouse, first: str, second: str, years=None) -> go.Figure:
        """The family's figure for one pair, in the user's order. Default: the headline score per year with the
        datasets cited under the plot; families with a richer picture override this. (Plotly and the figure
        modules are imported here, when a figure is drawn, so that computing a table never loads them.)"""
        from ..report import figures_family

        return figures_family.score_figure(self, self.pair_table(wh, first, second, years), first, second)

    # -------------------------------------------------------------------------------------------- caching

    def cache_key(self, key: str) -> str:
        """A derived-cache key of this family: its name, :func:`code_version` and ``key`` (the options), hashed
        where long; table names stay short and safe."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        return f"{self.name}_{code_version()}_{digest}"

    def cached(self, wh: Warehouse, key: str, compute: Compute, *, use_cache: bool = True) -> pd.DataFrame:
        """``compute()`` through the warehouse's derived cache under :meth:`cache_key` (``use_cache`` False:
        computed afresh, nothing read or written)."""
        if not use_cache:
            return compute()
        from ..warehouse import cached

        return cached(wh, self.cache_key(key), compute)

    def __repr__(self) -> str:
        return f"<family {self.name}>"


# ----------------------------------------------------------------------------------- user-order columns


def _swap_token(tok: str) -> str:
    return {"a": "b", "b": "a", "ab": "ba", "ba": "ab"}.get(tok, tok)


def _name_token(tok: str, a: str, b: str) -> str:
    return {"a": a, "b": b, "ab": f"{a}_to_{b}", "ba": f"{b}_to_{a}"}.get(tok, tok)


# Benati & Capurri's A over portfolios (similarity.Spec("a", ...).column): an "a" that names a measure, not a side.
_MEASURE_A = frozenset({"a_abs", "a_squared"})


def is_directional(col: str) -> bool:
    return col not in _MEASURE_A and any(t in ("a", "b", "ab", "ba") for t in col.split("_"))


def orient_columns(df: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Name each directional column after its state (rows hold the dyad as a < b) and put ``first``'s column
    before ``second``'s: ``ideal_a``/``ideal_b`` of CHN–PRK become ``ideal_PRK``, ``ideal_CHN`` for PRK CHN."""
    lo, hi = sorted((first, second))
    cols = list(df.columns)
    order = list(cols)
    if first != lo:  # the user's first state is the stored b: swap each directional pair's positions
        for i, c in enumerate(cols):
            if is_directional(c):
                twin = "_".join(_swap_token(t) for t in c.split("_"))
                if twin in cols:
                    order[cols.index(twin)] = c
    out = df[order]
    return out.rename(columns={c: "_".join(_name_token(t, lo, hi) for t in c.split("_"))
                               for c in order if is_directional(c)})


# ------------------------------------------------------------------------------------------- the registry


_FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    """Add a family instance to the registry (once, at the bottom of its module); its declarations are checked
    here, so a family that forgets one fails on import, not in front of a user."""
    cls = type(family)
    for attr in ("name", "label", "domain", "description", "columns", "coverage", "citation", "docs"):
        if not hasattr(cls, attr):
            raise TypeError(f"family {cls.__name__} does not declare {attr!r}")
    if family.domain not in DOMAINS:
        raise TypeError(f"family {family.name}: domain must be one of {', '.join(DOMAINS)}")
    if not dataclasses.is_dataclass(family.Options):
        raise TypeError(f"family {family.name}: Options must be a dataclass")
    lo, hi = family.coverage
    if not 1800 <= lo <= hi:
        raise TypeError(f"family {family.name}: coverage {family.coverage} is not a (first, last) year range")
    if family.name in _FAMILIES and type(_FAMILIES[family.name]) is not cls:
        raise TypeError(f"two families named {family.name!r}")
    _FAMILIES[family.name] = family
    return family


def families() -> dict[str, Family]:
    """Every registered family, by name. The list of family modules is here and nowhere else: a new family is a
    new module under ``measures/`` that ends with ``register(...)``, plus its name in this import."""
    from . import (  # noqa: F401
        alliance_portfolio,
        arms,
        cobelligerency,
        diplomacy,
        events,
        idealpoints,
        igo,
        overview,
        positions,
        speech,
        trade,
        treaties,
        unga,
        unsc,
        visits,
    )

    return dict(_FAMILIES)


def get(name: str) -> Family:
    fams = families()
    if name not in fams:
        raise UsageError(f"unknown measure {name!r}", hint=f"choose from: {', '.join(sorted(fams))}, all")
    return fams[name]


def indexed() -> dict[str, Family]:
    """The families the index may weight: every family whose domain is political or economic."""
    return {n: f for n, f in families().items() if f.domain != "descriptive"}


def by_domain(weights: dict[str, float]) -> dict[str, dict[str, float]]:
    """Family weights (``{family: weight}``) split by each family's declared domain: how an index reads a flat
    weights table without declaring domains a second time. An unknown or descriptive family is one UsageError."""
    fams = families()
    out: dict[str, dict[str, float]] = {"political": {}, "economic": {}}
    for name, w in weights.items():
        if name not in fams:
            raise UsageError(f"weights: {name}: unknown measure family", hint=f"known: {', '.join(sorted(fams))}")
        if fams[name].domain == "descriptive":
            raise UsageError(f"weights: {name} is descriptive (shown, not indexed)")
        out[fams[name].domain][name] = float(w)
    return out
