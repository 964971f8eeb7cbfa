"""The state system: ISO3 <-> ISO2 <-> COW <-> GW <-> names, with system and UN membership dates.

Every dataset names states its own way (COW or Gleditsch-Ward numbers, ISO2, ISO3, free text with typos and old
names). Mapping them here, once, from one curated table (``data/states.csv``) keeps every join key in the project
the same and makes each judgement call visible in one place.

The table has one row per (entity, spell). A new row starts whenever the COW code, the GW code or the era name of
an entity changes, so ``cow_num`` is filled exactly on the dates COW counts the state as a system member, and
``gw_num`` likewise for GW (with GW's microstates list, as peacesciencer's GW dyads include it). That is what lets
``members(year, 'gw')`` differ from ``members(year, 'cow')`` and ``resolve(345, scheme='cow', on=2010)`` answer
SRB where 1990 answers YUG.

Conventions
- ``iso3`` is the canonical code: ISO 3166-1 alpha-3; ISO 3166-3 codes for DDR, YMD, CSK and YUG; project codes for
  RVN, ZAN, TWN (Republic of China), XKX (Kosovo) and X.. codes for 19th-century states (X.. is ISO's user-assigned
  range, so it never clashes with a real code).
- Continuity: RUS covers the USSR, DEU covers West Germany, YEM covers North Yemen, VNM covers North Vietnam.
- ``start``/``end`` are inclusive (first and last day, as COW and GW publish them). Empty = open.
- ``un_start``/``un_end`` are half-open: a member on day d when ``un_start <= d < un_end``. A seat is held by one
  code at any date (e.g. TWN until 1971-10-25, then CHN), so counting members never counts a seat twice.
- A year passed as ``on`` means 1 July of that year (the spell that covers most of it).
- Names match case-insensitively, ignoring punctuation, diacritics, spacing and UTF-8 read as Latin-1.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import csv
from typing import TYPE_CHECKING

import numpy as np

from alignwatch.errors import DataError, UsageError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NON_STATES", "State", "resolve", "to_iso3", "members", "un_members", "is_un_member", "un_member_mask",
    "china_seat", "table", "name", "unresolved",
]

SCHEMES = (None, "iso3", "iso2", "cow", "cow_abb", "gw", "name")

# Identifiers that occur in the shared datasets but name no state. They are kept here, with the reason, so that a
# reader can drop them on purpose instead of failing on them; resolve() raises UsageError quoting the reason.
_CAMEO = "CAMEO/GDELT region code ({}), not a state"
NON_STATES: dict[str, str] = {
    "World": "aggregate of all states",
    "WLD": "World Bank aggregate code for the world",
    "European Union": "a supranational organisation (UNGDC speakers code EU)",
    "EU": "the European Union, a supranational organisation",
    "European Council": "an EU institution (UNGDC speakers 2011 and 2013)",
    "EC": "UNGDC speakers code for the European Council (as ISO2, EC is Ecuador: use scheme='iso2')",
    "League of Arab States": "an international organisation",
    "Leage of Arab States": "misspelt League of Arab States, an organisation (UNGDC speakers 1987, no iso_code)",
    "Arab League": "an international organisation",
    "Central Africa": "a region; UNGDC speakers 1982 uses it for the Central African Republic (iso_code CAF)",
    "Republic of Co": "truncated name in UNGDC speakers 2020 (iso_code COL); Colombia or Congo cannot be told apart",
    "Taoiseach of Ireland": "a head-of-government title in the country column of UNGDC speakers 2020 (iso_code IRL)",
    "29+C70+A7+D71:E74": "spreadsheet formula debris in the country column of UNGDC speakers 1993 (iso_code ETH)",
    **{code: _CAMEO.format(region) for code, region in {
        "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CAS": "Central Asia", "CAU": "Caucasus",
        "CFR": "Central Africa", "CRB": "Caribbean", "EAF": "East Africa", "EEU": "Eastern Europe",
        "EUR": "Europe", "LAM": "Latin America", "MDT": "Mediterranean", "MEA": "Middle East",
        "NAF": "North Africa", "NMR": "North America", "PGS": "Persian Gulf", "SAM": "South America",
        "SAS": "South Asia", "SEA": "Southeast Asia", "SAF": "Southern Africa (as COW letters: South Africa)",
        "WAF": "West Africa", "WST": "the West"}.items()},
}

_OPEN_LO, _OPEN_HI = -(10**9), 10**9  # day numbers for open spell ends
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class State:
    """One row of the state table: a state during one spell."""

    iso3: str
    iso2: str | None
    cow_num: int | None
    cow_abb: str | None
    gw_num: int | None
    name: str
    start: dt.date | None
    end: dt.date | None
    un_start: dt.date | None
    un_end: dt.date | None


# ----------------------------------------------------------------------------------------------------- helpers
def _norm(value) -> str:
    """Matching key of a name: 'Côte d’Ivoire', 'COTE D'IVOIRE ' and mojibake 'CÃ´te dâ\x80\x99Ivoire' agree."""
    s = str(value)
    if "Ã" in s or "â\x80" in s:  # UTF-8 bytes decoded as Latin-1 (seen in the Voeten ideal points)
        try:
            s = s.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    return " ".join(re.findall(r"[0-9a-z]+", s.casefold().replace("&", " and ")))


def _as_code(value) -> int | None:
    """A COW/GW number from an int, an integral float (700.0) or a numeric string; None otherwise."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if np.isfinite(value) and float(value).is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.0*)?\s*", value):
        return int(float(value))
    return None


def _as_date(on) -> dt.date | None:
    if on is None:
        return None
    if isinstance(on, (bool, np.bool_)):
        raise UsageError(f"not a date: {on!r}")
    if isinstance(on, (int, np.integer)):
        return dt.date(int(on), 7, 1)
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, np.datetime64):
        return on.astype("datetime64[D]").item()
    if isinstance(on, str):
        s = on.strip()
        if re.fullmatch(r"\d{4}", s):
            return dt.date(int(s), 7, 1)
        try:
            return dt.date.fromisoformat(s[:10])
        except ValueError:
            pass
    raise UsageError(f"not a date: {on!r}", hint="give a datetime.date, an ISO string 'YYYY-MM-DD' or a year")


def _day(d: dt.date) -> int:
    return (d - _EPOCH).days


def _days(values) -> np.ndarray:
    """Day numbers (int64) of an array of dates, datetimes, ISO strings or years (years mean 1 July).

    Missing entries become int64 min, which compares as 'before everything', so they are never inside a spell.
    """
    import pandas as pd

    arr = np.asarray(values)
    if arr.dtype.kind == "O" and pd.api.types.infer_dtype(arr, skipna=True) in (
            "integer", "floating", "mixed-integer-float", "empty"):
        arr = pd.to_numeric(pd.Series(arr, dtype=object), errors="coerce").to_numpy(dtype="float64")
    if arr.dtype.kind in "iuf":  # years -> 1 July, by integer arithmetic (days_from_civil; fast on millions)
        ok = np.isfinite(arr) if arr.dtype.kind == "f" else np.ones(arr.shape, dtype=bool)
        era, yoe = np.divmod(np.where(ok, arr, 1970).astype("int64"), 400)
        out = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + 122 - 719468
        return np.where(ok, out, np.iinfo("int64").min)
    if arr.dtype.kind != "M":
        arr = pd.to_datetime(pd.Series(arr, dtype=object), errors="coerce").to_numpy("datetime64[ns]")
    return arr.astype("datetime64[D]").astype("int64")


# ----------------------------------------------------------------------------------------------------- table
def _csv_path():
    return resources.files("alignwatch").joinpath("data", "states.csv")


_COLUMNS = ["iso3", "iso2", "cow_num", "cow_abb", "gw_num", "name", "aliases", "start", "end", "un_start", "un_end",
            "note"]


@functools.lru_cache(maxsize=1)
def _records() -> tuple[dict, ...]:
    """data/states.csv as rows of strings, read with the csv module: resolving a name (every command's first
    step) needs no pandas. Every cell stays a string ('NA' is Namibia)."""
    with _csv_path().open("r", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != _COLUMNS:
            raise DataError(_csv_path(), f"columns {_COLUMNS}")
        rows = []
        for i, r in enumerate(reader, start=2):
            if None in r or any(v is None for v in r.values()):
                raise DataError(_csv_path(), f"{len(_COLUMNS)} fields", row=i)
            rows.append(r)
    return tuple(rows)


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(list(_records()), columns=_COLUMNS, dtype=str)


def table() -> pd.DataFrame:
    """The curated state table as written in data/states.csv (a copy: callers may modify it freely)."""
    return _table().copy()


class _Index:
    """Lookup structures built once from the table (see _index())."""

    def __init__(self, records):
        def date(s):
            return dt.date.fromisoformat(s) if s else None

        def num(s):
            return int(s) if s else None

        self.rows: list[State] = []
        for r in records:
            self.rows.append(State(r["iso3"], r["iso2"] or None, num(r["cow_num"]), r["cow_abb"] or None,
                                   num(r["gw_num"]), r["name"], date(r["start"]), date(r["end"]), date(r["un_start"]),
                                   date(r["un_end"])))
        self.iso3 = np.array([s.iso3 for s in self.rows], dtype=object)
        self.start = np.array([_day(s.start) if s.start else _OPEN_LO for s in self.rows], dtype="int64")
        self.end = np.array([_day(s.end) if s.end else _OPEN_HI for s in self.rows], dtype="int64")
        self.has = {"cow": np.array([s.cow_num is not None for s in self.rows]),
                    "gw": np.array([s.gw_num is not None for s in self.rows])}

        def add(d, key, i):
            d.setdefault(key, []).append(i)

        self.by = {k: {} for k in ("iso3", "iso2", "cow_abb", "cow", "gw", "name")}
        self.display: dict[str, str] = {}  # normalised key -> how it is written, for suggestions
        owner: dict[str, str] = {}
        for i, (s, aliases) in enumerate(zip(self.rows, (r["aliases"] for r in records))):
            add(self.by["iso3"], s.iso3, i)
            if s.iso2:
                add(self.by["iso2"], s.iso2, i)
            if s.cow_abb:
                add(self.by["cow_abb"], s.cow_abb, i)
            if s.cow_num is not None:
                add(self.by["cow"], s.cow_num, i)
            if s.gw_num is not None:
                add(self.by["gw"], s.gw_num, i)
            for label in [s.name, *filter(None, aliases.split("|"))]:
                key = _norm(label)
                if owner.setdefault(key, s.iso3) != s.iso3:
                    raise DataError(_csv_path(), f"a name or alias that names one state; {label!r} also names "
                                    f"{owner[key]}", row=i + 2, column="aliases")
                add(self.by["name"], key, i)
                self.display.setdefault(key, label)
        self.rows_of = {k: np.array(v) for k, v in self.by["iso3"].items()}
        self.non_states = {_norm(k): (k, why) for k, why in NON_STATES.items()}
        # UN seats: per iso3, the merged half-open intervals [start, end) in day numbers
        un: dict[str, set] = {}
        for s in self.rows:
            if s.un_start:
                un.setdefault(s.iso3, set()).add((_day(s.un_start), _day(s.un_end) if s.un_end else _OPEN_HI))
        self.un = {k: sorted(v) for k, v in un.items()}


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index(_records())


# ----------------------------------------------------------------------------------------------------- lookup
def _check_scheme(scheme):
    if scheme not in SCHEMES:
        raise UsageError(f"unknown scheme {scheme!r}", hint=f"use one of {SCHEMES}")


_ORDER = {None: ("iso3", "iso2", "cow_abb", "name"), "iso3": ("iso3", "name"), "iso2": ("iso2", "name"),
          "cow_abb": ("cow_abb", "name"), "name": ("name", "iso3")}


def _string_rows(value: str, scheme) -> tuple[str, list[int]]:
    """(what matched, rows) for a string, trying the columns in _ORDER[scheme].

    Aliases are consulted for every textual scheme because non-standard codes live there (SUN and YAR used as
    ISO3, SU and YU as ISO2, GW letters such as RUM as COW letters), and 'name' falls back to ISO3 because name
    columns hold codes too ('USA', 'DDR'). With no scheme, codes win over names in the order ISO3, ISO2, COW
    letters, so 'AUS' is Australia (COW letters AUS = Austria need scheme='cow_abb').
    """
    ix = _index()
    for col in _ORDER[scheme]:
        key = _norm(value) if col == "name" else value.strip().upper()
        if key in ix.by[col]:
            return col, ix.by[col][key]
    return "", []


def _rows(value, scheme) -> dict[str, list[int]]:
    """Candidate rows, keyed by how they were read: 'cow'/'gw' (numbers), 'code' (COW letters), 'text'.

    Numbers and COW letters name a spell (COW 345 is YUG, then SRB); ISO codes and names name an entity, so a
    date may then choose among all rows of that entity ('text', see _pick).
    """
    ix = _index()
    code = _as_code(value)
    if code is not None:
        systems = ("cow", "gw") if scheme is None else (scheme,) if scheme in ("cow", "gw") else ()
        return {k: ix.by[k][code] for k in systems if code in ix.by[k]}
    if not isinstance(value, str) or scheme in ("cow", "gw"):
        return {}
    col, rows = _string_rows(value, scheme)
    if not rows:
        return {}
    return {"code" if col == "cow_abb" else "text": rows}


def _spells(rows) -> str:
    """'SRB 1878-07-13..1918-11-30, 2006-06-05..; YUG 1918-12-01..2006-06-04' (contiguous rows merged)."""
    ix = _index()
    merged: dict[str, list[list]] = {}
    for r in sorted(rows, key=lambda r: ix.start[r]):
        spans = merged.setdefault(ix.iso3[r], [])
        if spans and spans[-1][1] is not None and ix.start[r] <= ix.end[spans[-1][1]] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    return "; ".join(f"{k} " + ", ".join(f"{ix.rows[a].start or ''}..{ix.rows[b].end or ''}" for a, b in v)
                     for k, v in merged.items())


def _pick(rows, day: int | None, *, widen: bool, value=None) -> int:
    """One row out of candidates: the one whose spell contains `day`, else the nearest one.

    `widen` (for names and ISO codes, which name an entity, not a spell) lets the date choose among all rows of
    the entity; without a date the candidate rows answer, latest first.
    """
    ix = _index()
    rows = np.asarray(rows)
    if day is None:
        if len(set(ix.iso3[rows])) > 1:
            raise UsageError(f"{value!r} names different states at different dates ({_spells(rows)}); pass on=",
                             hint="pass on=<date or year>")
        return int(rows[np.argmax(ix.start[rows])])
    if widen:
        rows = ix.rows_of[ix.iso3[rows[0]]]
    inside = rows[(ix.start[rows] <= day) & (day <= ix.end[rows])]
    if len(inside):
        return int(inside[0])
    dist = np.maximum(ix.start[rows] - day, day - ix.end[rows])
    best = rows[dist == dist.min()]
    return int(best[np.argmax(ix.start[best])])


def _unknown(value, scheme) -> UsageError:
    ix = _index()
    where = f" as {scheme}" if scheme else ""
    key = _norm(value)
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:56] + "…'"
    if key in ix.non_states and _as_code(value) is None:
        _, why = ix.non_states[key]
        return UsageError(f"{shown} is not a state: {why}", hint="drop it, or map it in the reader")
    if isinstance(value, str) and ";" in value:
        return UsageError(f"{shown} lists several states", hint="split the value on ';' first")
    if _as_code(value) is not None and scheme in (None, "cow", "gw"):
        pool = [str(c) for k in (("cow", "gw") if scheme is None else (scheme,)) for c in ix.by[k]]
        close = difflib.get_close_matches(str(_as_code(value)), pool, n=3, cutoff=0.6)
    else:
        close = _close_names(key, str(value).strip().upper())
    hint = (f"did you mean {', '.join(map(repr, dict.fromkeys(close)))}?" if close
            else "`alignwatch states` lists every name and code")
    return UsageError(f"unknown state {shown}{where}; {hint}", hint=hint)


def _close_names(key: str, upper: str, n: int = 4) -> list[str]:
    """Suggestions for an unknown name or code: names that contain it or start like it ('Soviet' -> 'Soviet
    Union'), then spelling neighbours (difflib), then codes one letter away ('PKR' -> 'PRK')."""
    ix = _index()
    out: list[str] = []
    if len(key) >= 3:
        words = [k for k in ix.display if key in k.split() or k.startswith(key) or (len(key) >= 5 and key in k)]
        out += [ix.display[k] for k in sorted(words, key=len)[:n]]
    out += [ix.display[k] for k in difflib.get_close_matches(key, list(ix.display), n=3, cutoff=0.75)]
    if 2 <= len(upper) <= 3 and upper.isalpha():
        pool = list(ix.by["iso3"]) if len(upper) == 3 else list(ix.by["iso2"])
        codes = difflib.get_close_matches(upper, pool, n=3, cutoff=0.6)
        codes += [c for c in pool if len(c) == len(upper) and sorted(c) == sorted(upper) and c != upper]
        out += [f"{c} ({ix.rows[ix.by['iso3' if len(upper) == 3 else 'iso2'][c][-1]].name})" for c in codes]
    return list(dict.fromkeys(out))[:n]


def resolve(value, *, scheme: str | None = None, on: dt.date | int | None = None) -> State:
    """The State named by `value` (name, alias, ISO2/ISO3, COW letters, COW or GW number) on date `on`.

    Numbers mean different states in COW and GW, so a number without `scheme` must mean the same state in both,
    else UsageError asks for a scheme. A code that changed hands (COW 345: YUG, then SRB from 2006-06-05) needs
    `on`. Unknown values raise UsageError with close matches; known non-states raise it with the reason.
    """
    _check_scheme(scheme)
    day = _as_date(on)
    day = None if day is None else _day(day)
    found = _rows(value, scheme)
    if not found:
        raise _unknown(value, scheme)
    picks = {k: _pick(rows, day, widen=(k == "text"), value=value) for k, rows in found.items()}
    ix = _index()
    if len({ix.iso3[r] for r in picks.values()}) > 1:
        what = " but ".join(f"{ix.iso3[r]} as {k.upper()}" for k, r in picks.items())
        raise UsageError(f"number {value!r} means {what}; pass scheme='cow' or scheme='gw'",
                         hint="pass scheme='cow' or scheme='gw'")
    return ix.rows[next(iter(picks.values()))]


def to_iso3(values, *, scheme: str | None, years=None) -> np.ndarray:
    """ISO3 codes for an array of identifiers (object array; None where missing, unknown or not a state).

    Vectorised for millions of rows: each distinct value is looked up once and the answer broadcast; only codes
    that changed hands (COW 345) look at `years` (ints mean 1 July, or pass dates), once per distinct date.
    """
    import pandas as pd

    _check_scheme(scheme)
    ix = _index()
    codes, uniq = pd.factorize(pd.Series(np.asarray(values, dtype=object) if not hasattr(values, "dtype")
                                         else values), use_na_sentinel=True)
    uniq = np.asarray(uniq, dtype=object)
    out_u = np.empty(len(uniq) + 1, dtype=object)  # last slot: missing values
    dated: dict[int, dict[str, list[int]]] = {}
    for k, value in enumerate(uniq):
        if isinstance(value, str) and not value.strip():
            continue
        found = _rows(value, scheme)
        isos = {ix.iso3[r] for rows in found.values() for r in rows}
        if len(isos) == 1:
            out_u[k] = isos.pop()
        elif isos:
            dated[k] = found
    codes = np.where(codes < 0, len(uniq), codes)
    out = out_u[codes]
    if dated:
        if years is None:
            k = next(iter(dated))
            spells = _spells([r for rows in dated[k].values() for r in rows])
            raise UsageError(f"{uniq[k]!r} names different states at different dates ({spells}); pass years=",
                             hint="pass years=")
        years = np.asarray(years)
        if years.shape != codes.shape:
            raise UsageError("years must have one entry per value")
        for k, found in dated.items():
            pos = np.flatnonzero(codes == k)
            udays, inv = np.unique(_days(years[pos]), return_inverse=True)
            answers = []
            for d in udays:
                if d == np.iinfo("int64").min:  # no date for a code that needs one: unknown, not a guess
                    answers.append(None)
                    continue
                picks = {how: _pick(rows, int(d), widen=(how == "text")) for how, rows in found.items()}
                isos = {ix.iso3[r] for r in picks.values()}
                if len(isos) > 1:
                    raise UsageError(f"number {uniq[k]!r} means different states in COW and GW; pass scheme='cow'"
                                     " or scheme='gw'", hint="pass scheme='cow' or scheme='gw'")
                answers.append(isos.pop())
            out[pos] = np.asarray(answers, dtype=object)[inv]
    return out


def unresolved(values, scheme: str | None, *, non_states: bool = False) -> list:
    """Distinct values that name no state (in order of appearance); missing values are skipped.

    Documented NON_STATES are left out unless `non_states=True`: they are known and a reader drops them on purpose.
    """
    import pandas as pd

    _check_scheme(scheme)
    ix = _index()
    out = []
    for value in pd.unique(pd.Series(np.asarray(values, dtype=object)).dropna()):
        if isinstance(value, str) and not value.strip():
            continue
        if _rows(value, scheme):
            continue
        if not non_states and _as_code(value) is None and _norm(value) in ix.non_states:
            continue
        out.append(value)
    return out


# ----------------------------------------------------------------------------------------------------- membership
def members(year: int, system: str = "cow") -> list[str]:
    """ISO3 codes of the members of the state system (COW or GW) at any time in `year` (the state-year rule).

    This is system membership, not UN membership: PRK is a member from 1948, a UN member only from 1991.
    """
    if system not in ("cow", "gw"):
        raise UsageError(f"unknown system {system!r}", hint="use 'cow' or 'gw'")
    ix = _index()
    lo, hi = _day(dt.date(int(year), 1, 1)), _day(dt.date(int(year), 12, 31))
    mask = ix.has[system] & (ix.start <= hi) & (ix.end >= lo)
    return sorted(set(ix.iso3[mask]))


def _seat_day(on) -> int:
    d = _as_date(on)
    if d is None:
        raise UsageError("a date is required")
    return _day(d)


def un_members(on: dt.date | str) -> list[str]:
    """ISO3 codes holding a UN seat on date `on` (one code per seat: TWN before 1971-10-25, CHN after)."""
    day = _seat_day(on)
    return sorted(k for k, spells in _index().un.items() if any(a <= day < b for a, b in spells))


def is_un_member(iso3: str, on: dt.date | str) -> bool:
    """Whether `iso3` held a UN seat on `on`. Unknown codes raise UsageError (a typo must not read as 'no')."""
    ix = _index()
    if iso3 not in ix.rows_of:
        raise _unknown(iso3, "iso3")
    day = _seat_day(on)
    return any(a <= day < b for a, b in ix.un.get(iso3, []))


def un_member_mask(iso3_array, dates_array) -> np.ndarray:
    """Vectorised is_un_member: True where the ISO3 code held a UN seat on the date (False for unknown/missing).

    Dates may be datetime64, dates, ISO strings or integer years (1 July).
    """
    import pandas as pd

    ix = _index()
    codes, uniq = pd.factorize(pd.Series(np.asarray(iso3_array, dtype=object)), use_na_sentinel=True)
    days = _days(dates_array)
    if days.shape != codes.shape:
        raise UsageError("iso3_array and dates_array must have the same length")
    k_max = max((len(v) for v in ix.un.values()), default=1)
    lo = np.full((k_max, len(uniq) + 1), _OPEN_HI, dtype="int64")  # default: an empty interval
    hi = np.full((k_max, len(uniq) + 1), _OPEN_LO, dtype="int64")
    for j, code in enumerate(uniq):
        for k, (a, b) in enumerate(ix.un.get(code, [])):
            lo[k, j], hi[k, j] = a, b
    codes = np.where(codes < 0, len(uniq), codes)
    mask = np.zeros(len(codes), dtype=bool)
    for k in range(k_max):
        mask |= (days >= lo[k][codes]) & (days < hi[k][codes])
    return mask


def china_seat(on) -> str:
    """Who held the China seat at the UN on `on`: 'TWN' (Republic of China) before 1971-10-25, 'CHN' from then.

    Source readers use this to relabel 'China' in UN data (votes, speeches, vetoes) before joining on ISO3.
    """
    switch = _index().un["CHN"][0][0]
    return "TWN" if _seat_day(on) < switch else "CHN"


def name(iso3: str) -> str:
    """Display name of an ISO3 code (its latest spell: 'Russia', 'Germany', 'Yemen')."""
    ix = _index()
    if iso3 not in ix.rows_of:
        raise _unknown(iso3, "iso3")
    rows = ix.rows_of[iso3]
    return ix.rows[int(rows[np.argmax(ix.start[rows])])].name
