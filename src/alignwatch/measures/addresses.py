"""What Pyongyang's New Year addresses talk about: mentions per 10,000 Hangul syllables of a term dictionary,
per year, 1946–2019 (``kcna_new_year``).

Why: the addresses are the leadership's yearly programme (Kim Il Sung's speeches to 1994, the joint editorials of
the party, army and youth papers 1995–2012, Kim Jong Un's speeches 2013–2019). They almost never name China or
Russia, so the measure counts what they do say — the United States, nuclear, sanctions, peace, independence,
"socialist countries", friendship, South Korea — and shows the rare China/USSR mentions too.

Counting is plain substring counting over a dictionary kept in ``data/address_terms.toml`` (rules in its header
and in ``docs/measures/positions.md``). A Korean morphological analyser (kiwipiepy 0.24, which installs from PyPI
and runs offline) was tried and not used: on these North Korean texts it tags the noun 자주 "independence" as the
adverb "often" in lists such as "자주, 평화, 친선" and splits 미제국주의 into 미 + 제국주의, so it would add errors
rather than remove them; the substring rules and their exclusions are exact and reproducible.

The corpus files are not clean speeches: 1946–2003 and 2006 begin with a South Korean synopsis ("해 제", in
South Korean spelling) before the original ("원 문"); several 2004–2012 texts are wire copies (Yonhap, CBS,
Chosun Sinbo) with a preface and a sign-off. :func:`address_body` cuts those parts so that only the North's
words are counted.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..warehouse import Warehouse

TABLE = "kcna_new_year"
PER = 10_000
DEFAULT_TERMS = Path(__file__).resolve().parent.parent / "data" / "address_terms.toml"

# Body start: the first of these within the first 3,000 characters; the body begins after it.
_START = re.compile(
    r"(?m)^[^\n]{0,40}원\s*문[ \t\u3000]*$"  # "원 문" (original text) after the synopsis; "[공동사설] 원문"
    r"|전문이다\.|전문은 다음과 같다\.|전문임\."  # Yonhap / KCNA-relay prefaces ("... the full text follows")
    r"|정보보고\]"  # CBS report header (2012)
    r"|^[^\n]*송고[ \t]*$"  # Yonhap dateline line "... 08:17송고" (2005)
)
_START_WITHIN = 3000
# Body end: a sign-off ("(끝)" = end), or the Chosun Sinbo credit (2004); everything after it is dropped.
_END = re.compile(r"\(끝\)|＜끝＞|<끝>|\(조선신보 ")
# Citation lines of the collection ("『김일성저작집』44권 (평양: ...), pp.291~300.", "☞ 조선중앙통신, 2003.1.1.") are
# dropped. Only lines that look like a citation: Yonhap also opens the quoted full text with 『 (2005, 2007).
_CITATION_LINE = re.compile(r"(?m)^[ \t\u3000]*(?:☞[^\n]*|『[^\n]*저작집[^\n]*pp\.[^\n]*)$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    pattern: re.Pattern
    exclude: re.Pattern | None
    terms: tuple[str, ...]
    note: str = ""


def _literal(term: str) -> str:
    """A dictionary string as a regex: literal characters, a space = optional whitespace."""
    parts = [re.escape(unicodedata.normalize("NFC", p)) for p in term.split()]
    return r"\s*".join(parts)


def load_terms(path: str | Path | None = None) -> dict[str, Category]:
    """Read and check the term dictionary (default: the packaged ``address_terms.toml``)."""
    if path is None:
        path = DEFAULT_TERMS
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise DataError(name, f"cannot read the term dictionary: {e}") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise DataError(name, f"not a valid UTF-8 TOML file: {e}") from None
    cats = doc.get("categories")
    if not isinstance(cats, dict) or not cats:
        raise DataError(name, "expected a [categories.<key>] table with at least one category", column="categories")
    out: dict[str, Category] = {}
    for key, spec in cats.items():
        where = f"categories.{key}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise DataError(name, "category keys must be lower_snake_case", column=where)
        terms = spec.get("terms") if isinstance(spec, dict) else None
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise DataError(name, "expected terms = a non-empty list of non-empty strings", column=f"{where}.terms")
        excl = spec.get("exclude", [])
        excl_re = spec.get("exclude_regex", [])
        if not isinstance(excl, list) or not all(isinstance(t, str) and t.strip() for t in excl):
            raise DataError(name, "expected exclude = a list of non-empty strings", column=f"{where}.exclude")
        if not isinstance(excl_re, list) or not all(isinstance(t, str) and t for t in excl_re):
            raise DataError(name, "expected exclude_regex = a list of regular expressions",
                            column=f"{where}.exclude_regex")
        # longest first, so that at one position the longest term wins (Python alternation is ordered)
        ordered = sorted(terms, key=lambda t: len(t.replace(" ", "")), reverse=True)
        ex_parts = [_literal(t) for t in excl] + list(excl_re)
        try:
            pattern = re.compile("|".join(_literal(t) for t in ordered))
            exclude = re.compile("|".join(f"(?:{p})" for p in ex_parts)) if ex_parts else None
        except re.error as e:
            raise DataError(name, f"invalid regular expression: {e}", column=f"{where}.exclude_regex") from None
        out[key] = Category(key, str(spec.get("label", key)), pattern, exclude, tuple(terms),
                            str(spec.get("note", "")))
    return out


def address_body(text: str) -> str:
    """The North's own words: cut the synopsis/preface before the start marker, the sign-off and citation lines."""
    text = unicodedata.normalize("NFC", text or "")
    m = _START.search(text, 0, _START_WITHIN)
    body = text[m.end():] if m else text
    e = _END.search(body)
    if e:
        body = body[: e.start()]
    return _CITATION_LINE.sub("", body)


def count_category(text: str, cat: Category) -> int:
    """Non-overlapping matches of a category's terms in ``text`` that do not overlap an exclusion."""
    text = unicodedata.normalize("NFC", text)
    hits = [m.span() for m in cat.pattern.finditer(text)]
    if not hits or cat.exclude is None:
        return len(hits)
    # exclusions may overlap each other: scan every start position
    spans = []
    pos = 0
    while True:
        m = cat.exclude.search(text, pos)
        if m is None:
            break
        spans.append((m.start(), max(m.end(), m.start() + 1)))
        pos = m.start() + 1
    if not spans:
        return len(hits)
    starts = np.array([s for s, _ in spans])
    ends = np.array([e for _, e in spans])
    return int(sum(not np.any((starts < he) & (ends > hs)) for hs, he in hits))


def hangul_syllables(text: str) -> int:
    """The denominator: precomposed Hangul syllables (U+AC00..U+D7A3), so spacing and punctuation do not count."""
    return len(_HANGUL.findall(unicodedata.normalize("NFC", text)))


def genre(year: int, text: str) -> str:
    """What kind of text the year's "address" is (the series changes genre; read rates across breaks with care)."""
    if year >= 2013:
        return "address (Kim Jong Un)"
    if year >= 1995:
        return "joint editorial"
    head = unicodedata.normalize("NFC", text or "")[:400]
    if "시정연설" in head:
        return "SPA policy speech"
    if "사설" in head:
        return "Rodong Sinmun editorial"
    return "address (Kim Il Sung)"


def address_rates(texts: pd.DataFrame, terms: dict[str, Category] | None = None,
                  path: str = TABLE) -> pd.DataFrame:
    """Per year: genre, body size, and per category ``<key>_n`` (count) and ``<key>`` (per 10,000 syllables).

    ``texts`` needs ``year`` and ``text``. A year with an empty body has NA rates (no text is not zero mentions).
    """
    for c in ("year", "text"):
        if c not in texts.columns:
            raise DataError(path, "required column missing; expected columns year, text", column=c)
    terms = load_terms() if terms is None else terms
    df = texts[["year", "text"]].sort_values("year").reset_index(drop=True)
    bad = df.year.duplicated().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(path, f"duplicate year {df.year.iloc[i]}; expected one text per year", row=i + 1,
                        column="year")
    bodies = df.text.fillna("").map(address_body)
    out = pd.DataFrame({
        "year": df.year.astype("int64"),
        "genre": [genre(y, t) for y, t in zip(df.year, df.text.fillna(""))],
        "n_chars": df.text.fillna("").str.len().astype("int64"),
        "body_syllables": bodies.map(hangul_syllables).astype("int64"),
    })
    denom = out.body_syllables.where(out.body_syllables > 0).astype("Float64")
    for key, cat in terms.items():
        n = bodies.map(lambda t, c=cat: count_category(t, c)).astype("int64")
        out[f"{key}_n"] = n
        out[key] = (n / denom * PER).astype("Float64")
    out["source"] = TABLE
    return out


def address_rates_wh(wh: Warehouse, terms: dict[str, Category] | None = None) -> pd.DataFrame:
    wh.require(TABLE)
    return address_rates(wh.df(TABLE, ["year", "text"]), terms)


def long_rates(rates: pd.DataFrame, terms: dict[str, Category] | None = None) -> pd.DataFrame:
    """The wide table as year × category rows (for plots): year, genre, category, label, count, rate."""
    terms = load_terms() if terms is None else terms
    frames = [pd.DataFrame({"year": rates.year, "genre": rates.genre, "category": k, "label": c.label,
                            "count": rates[f"{k}_n"], "rate": rates[k]})
              for k, c in terms.items() if k in rates.columns]
    return pd.concat(frames, ignore_index=True)
