"""What the page shows, parsed and checked: the address's query string and the controls become one :class:`View`.

Every user value (URL query, dropdown, slider) passes :func:`make_view` / :func:`parse_query` first: unknown states,
reversed or out-of-range years, odd characters and oversized input become one :class:`UsageError` with a clear
message, through the same checks the CLI uses (:mod:`alignwatch.checks`). No SQL is ever built from these values.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass

from .. import checks
from ..errors import UsageError
from . import weights as wt

YEAR_MIN = 1946  # the UN era: every family starts at or after it
MAX_STATES = 12  # a bloc of 12 is 11 focus dyads; more makes the page unreadable and the compute long
MAX_QUERY = 500  # characters of the address's query string
PARAMS = ("states", "from", "to", "weights")
DEFAULT_STATES = ("PRK", "CHN", "RUS")
DEFAULT_FIRST = 1991  # both Koreas join the UN; the post-Cold War era analysts compare against


def year_max() -> int:
    """The last selectable year: this calendar year (open ranges end today, as the CLI's)."""
    return dt.date.today().year


@dataclass(frozen=True)
class View:
    """What the page shows: states (the first is the focus, as in the report), an inclusive year range, and the
    weights that differ from the server's (``(name, value)`` pairs sorted by name; empty: the server's weights)."""

    states: tuple[str, ...]
    years: tuple[int, int]
    weights: tuple[tuple[str, float], ...] = ()

    @property
    def focus(self) -> str:
        return self.states[0]

    @property
    def partners(self) -> tuple[str, ...]:
        return self.states[1:]

    @property
    def dyads(self) -> list[tuple[str, str]]:
        """The focus's dyads as the index stores them (a < b)."""
        return [tuple(sorted((self.focus, p))) for p in self.partners]

    @property
    def query(self) -> str:
        """The shareable query string, e.g. ``?states=PRK,RUS&from=1991&to=2025&weights=unga:0``."""
        q = {"states": ",".join(self.states), "from": self.years[0], "to": self.years[1]}
        if self.weights:
            q["weights"] = wt.format_overrides(self.weights)
        return "?" + urllib.parse.urlencode(q, safe=",:")

    @property
    def slug(self) -> str:
        return f"{'-'.join(self.states)}_{self.years[0]}-{self.years[1]}" + ("_reweighted" if self.weights else "")


def check_states(values) -> tuple[str, ...]:
    """The view's states: a comma-separated string or a list; ISO3, duplicates dropped, order kept (focus first)."""
    if values is None:
        raise UsageError("no states chosen", hint="choose at least two states, e.g. PRK and RUS")
    if isinstance(values, str):
        if len(values) > MAX_QUERY:
            raise UsageError(f"the list of states is too long ({len(values)} characters)")
        values = values.split(",")
    elif not isinstance(values, (list, tuple)):
        raise UsageError(f"states {checks.shorten(values)} are not a list", hint="e.g. PRK,RUS")
    if len(values) > 4 * MAX_STATES:
        raise UsageError(f"too many states ({len(values)}); at most {MAX_STATES}")
    codes = list(dict.fromkeys(checks.state(v) for v in values))
    if len(codes) < 2:
        raise UsageError(f"choose at least two different states (got {', '.join(codes) or 'none'})",
                         hint="a dyad needs two states, e.g. PRK,RUS")
    if len(codes) > MAX_STATES:
        raise UsageError(f"too many states ({len(codes)}); at most {MAX_STATES}",
                         hint="split a large bloc into several views")
    return tuple(codes)


def check_years(first, last) -> tuple[int, int]:
    """An inclusive year range inside the UN era; both ends required (the slider or the address gives them)."""
    lo, hi = checks.year(first, "first"), checks.year(last, "last")
    return checks.year_range(lo, hi, lo=YEAR_MIN, hi=year_max())


def make_view(states, first, last, weights=()) -> View:
    return View(check_states(states), check_years(first, last), wt.check_overrides(weights))


def default_view() -> View:
    return View(DEFAULT_STATES, (DEFAULT_FIRST, year_max()))


def parse_query(search) -> View:
    """The view in an address's query string (``?states=PRK,RUS&from=1991&to=2025``); empty means the default.

    Missing ``from``/``to`` default to 1991 and this year, missing ``states`` to PRK,CHN,RUS, missing ``weights``
    to the server's weights (``weights=unga:0,economic:0.3``: families and domains that differ). Unknown or repeated
    parameters are refused (a typo such as ``state=`` must not silently show another view).
    """
    if search is None:
        search = ""
    if not isinstance(search, str):
        raise UsageError("the address's query string is not text")
    if len(search) > MAX_QUERY:
        raise UsageError(f"the address's query string is too long ({len(search)} characters; at most {MAX_QUERY})")
    q = search[1:] if search.startswith("?") else search
    if not q.strip():
        return default_view()
    try:
        pairs = urllib.parse.parse_qsl(q, keep_blank_values=True, max_num_fields=len(PARAMS) + 2)
    except ValueError:
        raise UsageError("too many parameters in the address", hint="use states, from, to and weights") from None
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key not in PARAMS:
            raise UsageError(f"unknown parameter {checks.shorten(key)} in the address",
                             hint="known: states, from, to, weights (e.g. ?states=PRK,RUS&from=1991&to=2025)")
        if key in seen:
            raise UsageError(f"parameter {key!r} is given twice in the address")
        seen[key] = value
    base = default_view()
    return make_view(seen.get("states", ",".join(base.states)), seen.get("from", base.years[0]),
                     seen.get("to", base.years[1]), seen.get("weights", ""))
