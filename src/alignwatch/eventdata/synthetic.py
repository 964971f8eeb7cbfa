"""Synthetic GDELT-shaped events for scale tests: the skew of real event data, none of its content.

Real event data are extremely unequal: a handful of dyads (USA–CHN, USA–RUS, ISR–PSE, ...) carry a large share of
all events, most dyads are rare, volume rises over the years and dips at weekends. A benchmark on uniform random
dyads would flatter any engine (few groups, no hot keys), so the generator reproduces that shape:

- **Dyads — gravity over a Zipf ranking of states.** States are ranked by media prominence (a fixed head list, then
  the rest of the 2020 COW system alphabetically) and weighted ``w_k = 1 / k^s`` (Zipf, ``s = 1.3`` by default).
  A directed dyad (i, j), i != j, is drawn with probability proportional to ``w_i * w_j``, so the top 10 dyads
  carry about a fifth of all events and thousands of dyads share the tail.
- **Dates — trend, season, week.** Days between ``start`` and ``end`` are drawn with weight
  ``1.05^years_since_start * (1 + 0.15 cos(2 pi (doy - 15) / 365.25)) * (0.7 at weekends)``.
- **Quad classes — dyad-specific.** Each dyad has a conflict propensity ``c ~ Beta(2, 5)`` (mean 0.29), fixed by the
  seed; an event is conflict with probability ``c`` (material conflict 45% of that, verbal 55%) and cooperation
  otherwise (material 15%, verbal 85%) — roughly GDELT's overall mix.
- **CAMEO codes and Goldstein.** The root is drawn within the quad class with fixed weights, the code is
  ``<root><0-3>``; the Goldstein score is the CAMEO weight of the root's base code (``GOLDSTEIN_ROOT``).

Everything is drawn from ``numpy.random.default_rng([seed, chunk])``: the same seed and sizes give the same files.
Rows are generated and written one chunk at a time (``chunk_rows``, 1M by default), so 10^8 rows need no more
memory than 10^6. Output: Parquet in the normalised event schema (``<out>/ev_events_synth/part-NNNNN.parquet``,
ready for ``alignwatch events aggregate --dataset synth --tables-from <out>``), or GDELT 2.0 export TSV
(``<out>/gdelt/synth-NNNNN.export.CSV``, 61 columns, ready for ``alignwatch events ingest --format gdelt``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import UsageError
from .formats import EVENT_SCHEMA, GDELT_COLUMNS, ROOT_TO_QUAD, SYNTH_DATASET, event_table

#: Most prominent states first (roughly their share of GDELT actor mentions); the rest follow alphabetically.
HEAD = (
    "USA", "CHN", "RUS", "GBR", "ISR", "IND", "IRN", "UKR", "FRA", "DEU", "JPN", "TUR", "PAK", "SYR", "KOR", "PRK",
    "SAU", "AFG", "IRQ", "CAN", "AUS", "EGY", "ITA", "PSE", "NGA", "MEX", "BRA", "PHL", "ESP", "ZAF", "IDN", "TWN",
    "VNM", "POL", "QAT", "ARE", "LBN", "KEN", "VEN", "LBY",
)

#: CAMEO Goldstein weight of each root's base code (xx0), as in GDELT's CAMEO.goldsteinscale lookup.
GOLDSTEIN_ROOT = {
    1: 0.0, 2: 3.0, 3: 4.0, 4: 1.0, 5: 3.5, 6: 6.0, 7: 7.0, 8: 5.0, 9: -2.0, 10: -5.0,
    11: -2.0, 12: -4.0, 13: -4.4, 14: -6.5, 15: -7.2, 16: -4.0, 17: -7.0, 18: -9.0, 19: -10.0, 20: -10.0,
}
#: Share of each root within its quad class.
ROOT_WEIGHTS = {
    1: {1: 0.30, 2: 0.10, 3: 0.15, 4: 0.30, 5: 0.15},
    2: {6: 0.30, 7: 0.20, 8: 0.20, 9: 0.30},
    3: {10: 0.15, 11: 0.40, 12: 0.15, 13: 0.15, 14: 0.15},
    4: {15: 0.10, 16: 0.10, 17: 0.25, 18: 0.30, 19: 0.20, 20: 0.05},
}
assert all(ROOT_TO_QUAD[r] == q for q, w in ROOT_WEIGHTS.items() for r in w)
FORMATS = ("parquet", "gdelt")


@dataclass(frozen=True)
class Spec:
    """Everything that shapes the synthetic data; the seed fixes every draw."""

    seed: int = 0
    start: dt.date = dt.date(2015, 1, 1)
    end: dt.date = dt.date(2024, 12, 31)
    zipf: float = 1.3


def state_list() -> list[str]:
    from .. import states

    rest = sorted(set(states.members(2020)) - set(HEAD))
    return list(HEAD) + rest


class _Model:
    """The fixed part of the generator: dyad and day probabilities, dyad conflict propensities."""

    def __init__(self, spec: Spec):
        if spec.end < spec.start:
            raise UsageError(f"synthetic date range {spec.start}..{spec.end} is reversed")
        rng = np.random.default_rng([spec.seed, 2**31 - 1])
        self.codes = np.asarray(state_list(), dtype=object)
        k = len(self.codes)
        w = 1.0 / np.arange(1, k + 1) ** spec.zipf
        i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
        off = i != j
        self.src, self.tgt = i[off], j[off]
        p = (w[:, None] * w[None, :])[off]
        self.dyad_p = p / p.sum()
        self.conflict = rng.beta(2.0, 5.0, size=len(self.dyad_p))
        days = np.arange(np.datetime64(spec.start), np.datetime64(spec.end) + 1)
        t = (days - days[0]).astype(float) / 365.25
        doy = (days - days.astype("datetime64[Y]")).astype(float)
        weekday = (days.astype("datetime64[D]").view("int64") + 3) % 7  # 0 = Monday
        wd = np.where(weekday >= 5, 0.7, 1.0)
        dp = 1.05**t * (1 + 0.15 * np.cos(2 * np.pi * (doy - 15) / 365.25)) * wd
        self.days, self.day_p = days, dp / dp.sum()

    def chunk(self, rng: np.random.Generator, n: int, first_id: int) -> pa.Table:
        d = rng.choice(len(self.dyad_p), size=n, p=self.dyad_p)
        day = self.days[rng.choice(len(self.days), size=n, p=self.day_p)]
        c = self.conflict[d]
        u, v = rng.random(n), rng.random(n)
        conflict = u < c
        material = np.where(conflict, v < 0.45, v < 0.15)
        quad = np.where(conflict, np.where(material, 4, 3), np.where(material, 2, 1)).astype(np.int8)
        root = np.empty(n, dtype=np.int8)
        for q, weights in ROOT_WEIGHTS.items():
            at = np.flatnonzero(quad == q)
            root[at] = rng.choice(list(weights), size=len(at), p=list(weights.values()))
        sub = rng.choice(4, size=n, p=[0.6, 0.2, 0.1, 0.1])
        code = pc.binary_join_element_wise(
            pc.utf8_lpad(pa.array(root.astype(np.int64)).cast(pa.string()), 2, "0"),
            pa.array(sub).cast(pa.string()), "",
        )
        gold = np.array([0.0, *GOLDSTEIN_ROOT.values()])[root]
        src = pa.DictionaryArray.from_arrays(pa.array(self.src[d].astype(np.int32)), pa.array(self.codes.tolist()))
        tgt = pa.DictionaryArray.from_arrays(pa.array(self.tgt[d].astype(np.int32)), pa.array(self.codes.tolist()))
        src, tgt = src.cast(pa.string()), tgt.cast(pa.string())
        ids = pa.array(np.arange(first_id, first_id + n, dtype=np.int64)).cast(pa.string())
        return pa.Table.from_arrays(
            [ids, pa.array(day, pa.date32()), src, tgt, src, tgt, code, pa.array(root, pa.int8()),
             pa.array(quad, pa.int8()), pa.array(gold, pa.float64()),
             pa.repeat(pa.scalar(SYNTH_DATASET), n)],
            schema=EVENT_SCHEMA,
        )


def chunks(rows: int, spec: Spec = Spec(), chunk_rows: int = 1_000_000) -> Iterator[pa.Table]:
    """Yield ``rows`` synthetic events in the normalised schema, ``chunk_rows`` at a time."""
    if rows < 1:
        raise UsageError(f"--rows must be at least 1 (got {rows})")
    if chunk_rows < 1:
        raise UsageError(f"chunk size must be at least 1 (got {chunk_rows})")
    model = _Model(spec)
    done, k = 0, 0
    while done < rows:
        n = min(chunk_rows, rows - done)
        yield model.chunk(np.random.default_rng([spec.seed, k]), n, first_id=done + 1)
        done += n
        k += 1


def generate(rows: int, out: str | Path, *, spec: Spec = Spec(), fmt: str = "parquet",
             chunk_rows: int = 1_000_000) -> list[Path]:
    """Write ``rows`` synthetic events under ``out`` (see the module docstring); returns the files written."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown synthetic output format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    out = Path(out).expanduser()
    folder = out / (event_table(SYNTH_DATASET) if fmt == "parquet" else "gdelt")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.parquet" if fmt == "parquet" else "synth-*.export.CSV"):
        old.unlink()  # a smaller rerun must not leave parts of a bigger one behind
    written = []
    for k, tbl in enumerate(chunks(rows, spec, chunk_rows)):
        if fmt == "parquet":
            path = folder / f"part-{k:05d}.parquet"
            pq.write_table(tbl, path, compression="zstd")
        else:
            path = folder / f"synth-{k:05d}.export.CSV"
            pacsv.write_csv(to_gdelt(tbl, np.random.default_rng([spec.seed, k, 1])), path,
                            write_options=pacsv.WriteOptions(include_header=False, delimiter="\t",
                                                             quoting_style="none"))
        written.append(path)
    return written


def to_gdelt(tbl: pa.Table, rng: np.random.Generator) -> pa.Table:
    """Normalised events as the 61 columns of a GDELT 2.0 export (fields alignwatch does not read left empty)."""
    n = tbl.num_rows
    day = pc.strftime(tbl["date"].cast(pa.timestamp("s")), format="%Y%m%d")
    empty = pa.nulls(n, pa.string())
    mentions = rng.geometric(0.3, size=n)
    cols = {c: empty for c in GDELT_COLUMNS}
    code = tbl["event_code"]
    cols.update({
        "GlobalEventID": tbl["event_id"],
        "Day": day,
        "MonthYear": pc.utf8_slice_codeunits(day, 0, 6),
        "Year": pc.utf8_slice_codeunits(day, 0, 4),
        "Actor1Code": tbl["source"], "Actor1Name": tbl["source"], "Actor1CountryCode": tbl["source"],
        "Actor2Code": tbl["target"], "Actor2Name": tbl["target"], "Actor2CountryCode": tbl["target"],
        "IsRootEvent": pa.array(np.full(n, "1", dtype=object), pa.string()),
        "EventCode": code, "EventBaseCode": code, "EventRootCode": pc.utf8_slice_codeunits(code, 0, 2),
        "QuadClass": tbl["quad_class"].cast(pa.string()),
        "GoldsteinScale": tbl["goldstein"].cast(pa.string()),
        "NumMentions": pa.array(mentions).cast(pa.string()),
        "NumSources": pa.array(np.maximum(1, mentions // 2)).cast(pa.string()),
        "NumArticles": pa.array(mentions).cast(pa.string()),
        "AvgTone": pa.array(np.round(rng.normal(-1.5, 3.0, size=n), 4)).cast(pa.string()),
        "DATEADDED": pc.binary_join_element_wise(day, "000000", ""),
        "SOURCEURL": pc.binary_join_element_wise("https://example.org/synthetic/", tbl["event_id"], ""),
    })
    cols["FractionDate"] = empty
    return pa.table(cols)
