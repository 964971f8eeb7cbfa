"""The one check of what users type: states (a code or a name) and years, for the CLI and the dashboard alike.

Every value a person gives passes here before any work: odd characters, oversized input, unknown states, reversed or
out-of-range years become one :class:`UsageError` that names the value and says what was expected. Nothing here
builds SQL. (The measure families check their own arguments again, as ISO3 codes and year pairs: their callers are
not only people; see :mod:`alignwatch.measures.registry`.)

This module imports no heavy library: the CLI checks its arguments before pandas or DuckDB are loaded.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re

from .errors import UsageError

FIRST_YEAR = 1816  # the COW state system: no data set of alignwatch starts earlier
LAST_YEAR = 2100
MAX_TOKEN = 60  # characters of one state name or code (the longest name in the state table has 52)
MAX_SHOWN = 60  # characters of a user value quoted back in a message
_TOKEN = re.compile(r"[^\W_]|[ .,'’()&/-]")  # letters, digits and the punctuation of state names
_YEAR = re.compile(r"\s*[0-9]{1,4}\s*")
HINT_STATES = "give ISO3 codes (PRK) or names (North Korea), e.g. PRK,RUS"


def shorten(value, width: int = MAX_SHOWN) -> str:
    """A user value quoted for a message, cut to ``width`` characters: a pasted page must not fill the terminal."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 4] + "…'"


def this_year() -> int:
    return dt.date.today().year


def state(value) -> str:
    """One user-typed state (ISO3, a name, COW letters) as ISO3, or one UsageError saying what is wrong with it
    (unknown states get the close matches the state table knows)."""
    from . import states

    if not isinstance(value, str):
        raise UsageError(f"state {shorten(value)} is not text", hint=HINT_STATES)
    text = value.strip()
    if not text:
        raise UsageError("empty state", hint=HINT_STATES)
    if len(text) > MAX_TOKEN:
        raise UsageError(f"state {shorten(text)} is too long ({len(text)} characters; a name has at most "
                         f"{MAX_TOKEN})", hint=HINT_STATES)
    bad = sorted({c for c in text if not _TOKEN.fullmatch(c)})
    if bad:
        raise UsageError(f"state {shorten(text)} contains characters no state name has: "
                         f"{' '.join(repr(c) for c in bad[:5])}", hint=HINT_STATES)
    return states.resolve(text).iso3


def state_list(values) -> list[str] | None:
    """States from a comma-separated string or a list, as ISO3 in the order typed (repeats dropped); None for
    nothing given."""
    if values is None or (isinstance(values, str) and not values.strip()):
        return None
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    elif not isinstance(values, (list, tuple)):
        raise UsageError(f"states {shorten(values)} are not a list", hint=HINT_STATES)
    return list(dict.fromkeys(state(v) for v in values))


def pair(a, b) -> tuple[str, str]:
    """Two different states as ISO3, in the order typed."""
    ca, cb = state(a), state(b)
    if ca == cb:
        raise UsageError(f"{shorten(a)} and {shorten(b)} are the same state ({ca})")
    return ca, cb


def year(value, what: str = "the") -> int:
    """One year from a number or from text of 1-4 digits (a URL, a slider, an option)."""
    if isinstance(value, bool) or value is None:
        raise UsageError(f"{what} year {shorten(value)} is not a year")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():  # numpy floats are floats
        return int(value)
    if isinstance(value, str) and _YEAR.fullmatch(value):
        return int(value)
    if not isinstance(value, (str, float)):
        try:
            return operator.index(value)  # int and numpy integers (a slider)
        except TypeError:
            pass
    raise UsageError(f"{what} year {shorten(value)} is not a year")


def ordered(first: int, last: int) -> None:
    """One error for a reversed range (used by every check of years)."""
    if first > last:
        raise UsageError(f"year range {first}–{last} is reversed", hint="give the first year before the last")


def year_range(first, last, *, lo: int = FIRST_YEAR, hi: int = LAST_YEAR) -> tuple[int, int] | None:
    """An inclusive year range within ``lo``–``hi``; None when neither end is given. An open start is ``lo``, an
    open end this year (or the start, if later). Reversed and out-of-range ranges are refused, not repaired."""
    if first is None and last is None:
        return None
    first = lo if first is None else year(first, "first")
    last = max(first, this_year()) if last is None else year(last, "last")
    ordered(first, last)
    if first < lo or last > hi:
        raise UsageError(f"year range {first}–{last} is outside {lo}–{hi}", hint=f"give years {lo}–{hi}")
    return first, last
