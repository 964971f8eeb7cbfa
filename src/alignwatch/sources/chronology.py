"""Hand-compiled, cited fact tables on DPRK-China-Russia relations, 1990-2026 (``chronology/`` in the mirror).

These tables are compiled for alignwatch from many public sources, so there is no single public file to download:
they come from the mirror only (``url=None``) and every row cites its own ``source`` and carries a ``confidence``
(high / medium / low; check low rows before they carry a conclusion). Country codes are ISO3, with ``SUN`` for the
USSR (before 1992). See ``chronology/README.md`` for the coding rules of each file. Sources disagree in places (DPRK
trade series, the end of the Soviet/Russian-DPRK alliance): rows are kept per source, never merged.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import pyarrow as pa
import pyarrow.compute as pc

from .base import CountryCol, Dataset

CITATION = (
    "alignwatch chronology tables (compiled 2026 from public sources: UN documents and press releases, KCNA, Xinhua, "
    "TASS, Kremlin, Yonhap, Reuters, KOTRA and Chinese-customs reports, COW trade and Voeten UNGA data); each row "
    "cites its own source"
)
NOTE = "compiled table: from the mirror only (no single public file); each row cites its own source."
CONFIDENCE = frozenset({"high", "medium", "low"})
POSITIONS = frozenset({"proposer", "endorsed", "accepted", "mixed", "silent", "rejected", "opposed", "unknown", "n/a"})
UN_VOTES = frozenset({"yes", "no", "abstain", "absent"})
SC_VOTES = frozenset({"yes", "no", "abstain", "no (veto)", "consensus", "no_vote", "sponsor"})
UKRAINE_STATES = ("CHN", "RUS", "PRK", "BLR", "IRN", "SYR", "LAO", "VNM", "CUB", "ERI", "NIC")
PROPOSAL_STATES = ("PRK", "CHN", "RUS", "USA", "KOR", "JPN")


@lru_cache(maxsize=1)
def _checks() -> tuple[dict, ...]:
    """The project's own checks of low-confidence chronology rows (data/chronology_checks.csv), each cited."""
    text = resources.files("alignwatch.data").joinpath("chronology_checks.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def apply_checks(table: str, tbl: pa.Table) -> pa.Table:
    """Apply the checks for one table: ``confirm`` raises a row's confidence, ``refute`` sets its value to NA.

    Rows are never dropped: every checked row keeps its original values beside a ``check`` note and source, so a
    reader sees what was changed and why.
    """
    checks = [c for c in _checks() if c["table"] == table]
    n = tbl.num_rows
    note = [None] * n
    conf = tbl["confidence"].to_pylist()
    value = tbl["value"].to_pylist() if "value" in tbl.column_names else None
    for c in checks:
        mask = pa.array([True] * n)
        for part in c["key"].split(";"):
            col, _, want = part.partition("=")
            mask = pc.and_(mask, pc.equal(pc.cast(tbl[col], pa.string()).combine_chunks()
                                          if not pa.types.is_date(tbl[col].type)
                                          else pc.strftime(tbl[col], "%Y-%m-%d").combine_chunks(), want))
        hits = [i for i, m in enumerate(mask.to_pylist()) if m]
        if len(hits) != 1:
            raise RuntimeError(f"chronology_checks.csv: key {c['key']!r} matches {len(hits)} rows of {table}")
        i = hits[0]
        conf[i] = c["confidence"]
        note[i] = f"{c['action']}: {c['note']} [{c['source']}]"
        if c["action"] == "refute" and value is not None:
            value[i] = None
    out = tbl.set_column(tbl.column_names.index("confidence"), "confidence", pa.array(conf, pa.string()))
    if value is not None:
        out = out.set_column(out.column_names.index("value"), "value", pa.array(value, pa.float64()))
    return out.append_column("check", pa.array(note, pa.string()))


def _chr(name: str, file: str, note: str = "", **kw) -> Dataset:
    table = f"chr_{name}"
    if "transform" not in kw:
        kw["transform"] = lambda tbl: apply_checks(table, tbl)
    return Dataset(table=table, source="chronology", path=f"chronology/{file}", url=None,
                   citation=CITATION, note=f"{note} {NOTE}".strip(), **kw)


DATASETS = [
    _chr("summits", "summits_visits.csv",
         columns={"date_start": "date", "date_end": "date", "visitor_country": "str", "visitor": "str",
                  "host_country": "str", "host": "str", "location_city": "str", "level": "str", "outcome": "str",
                  "source": "str", "confidence": "str"},
         key=("date_start", "visitor_country", "host_country"),
         allowed={"level": frozenset({"head_of_state", "head_of_government", "minister", "other"}),
                  "confidence": CONFIDENCE},
         countries=(CountryCol("visitor_country", "iso3", year="date_start", nullable=False),
                    CountryCol("host_country", "iso3", year="date_start", nullable=False)),
         coverage="date_start"),
    _chr("treaties", "treaties.csv",
         columns={"date_signed": "date", "parties": "str", "name": "str", "type": "str", "mutual_defence": "bool",
                  "status_changes": "str", "source": "str", "confidence": "str"},
         key=("date_signed", "parties"),
         allowed={"type": frozenset({"defence_pact", "neutrality", "consultation", "friendship",
                                     "strategic_partnership", "normalisation", "joint_statement"}),
                  "confidence": CONFIDENCE},
         countries=(CountryCol("parties", "iso3", split=";", nullable=False),),
         coverage="date_signed",
         note="parties: ';'-separated ISO3. mutual_defence=false for the 2026 Belarus treaty means 'not reported'."),
    _chr("unsc_dprk", "unsc_dprk.csv",
         columns={"date": "date", "document": "str", "kind": "str", "trigger": "str", "vote_yes": "int",
                  "vote_no": "int", "vote_abstain": "int", "chn_vote": "str", "rus_vote": "str", "measures": "str",
                  "source": "str", "confidence": "str"},
         key=("document",),
         ranges={"vote_yes": (0, 15), "vote_no": (0, 15), "vote_abstain": (0, 15)},
         allowed={"kind": frozenset({"resolution", "prst", "failed_draft", "draft_not_voted"}),
                  "chn_vote": SC_VOTES, "rus_vote": SC_VOTES, "confidence": CONFIDENCE},
         coverage="date",
         note="vote fields blank for PRSTs (consensus) and the never-voted Dec 2019 China-Russia draft."),
    _chr("dprk_tests", "dprk_tests.csv",
         columns={"date": "date", "kind": "str", "name": "str", "yield_kt_estimate": "str", "source": "str",
                  "confidence": "str"},
         key=("date", "kind", "name"),
         allowed={"kind": frozenset({"nuclear_test", "icbm_test", "irbm_test", "missile_test", "satellite_launch"}),
                  "confidence": CONFIDENCE},
         coverage="date",
         note="yields are text ranges because estimates disagree; not exhaustive for short-range launches."),
    _chr("trade_prk", "trade_prk.csv",
         columns={"year": "int", "partner": "str", "flow": "str", "value": "float", "unit": "str",
                  "source_series": "str", "source": "str", "confidence": "str"},
         key=("year", "partner", "flow", "source_series"),
         ranges={"year": (1946, 2100), "value": (0, None)},
         allowed={"flow": frozenset({"exports_to_partner", "imports_from_partner", "total",
                                     "partner_share_of_total"}),
                  "unit": frozenset({"USD million", "percent"}),
                  "source_series": frozenset({"COW_v4_IMF_DOTS", "KOTRA", "KITA", "ITC_TradeMap_mirror", "GACC",
                                              "Russian_customs", "Russian_govt_customs"}),
                  "confidence": CONFIDENCE},
         countries=(CountryCol("partner", "iso3", out="iso3", year="year", nullable=False),),
         coverage="year",
         note="flows from the DPRK side; one row per source series (never merged: sources disagree)."),
    _chr("unga_ukraine", "unga_ukraine.csv",
         columns={"date": "date", "resolution": "str", "title_short": "str", "yes": "int", "no": "int",
                  "abstain": "int", **{c: "str" for c in UKRAINE_STATES}, "source": "str", "confidence": "str"},
         key=("resolution",),
         ranges={"yes": (0, 193), "no": (0, 193), "abstain": (0, 193)},
         allowed={**{c: UN_VOTES for c in UKRAINE_STATES}, "confidence": CONFIDENCE},
         coverage="date",
         note="one column per state (ISO3 header): yes/no/abstain/absent; blank = not found."),
    _chr("proposals", "proposals.csv",
         columns={"date": "date", "end_date": "date", "title": "str", "kind": "str", "proposers": "str",
                  **{f"pos_{c}": "str" for c in PROPOSAL_STATES}, "content": "str", "outcome": "str",
                  "source": "str", "confidence": "str"},
         key=("date", "title"),
         allowed={"kind": frozenset({"peace_proposal", "roadmap", "joint_statement", "declaration",
                                     "draft_resolution", "agreement", "initiative"}),
                  **{f"pos_{c}": POSITIONS for c in PROPOSAL_STATES}, "confidence": CONFIDENCE},
         countries=(CountryCol("proposers", "iso3", split=";", nullable=False),),
         coverage="date",
         note="pos_XXX = stance of state XXX at or shortly after issuance (README vocabulary); unknown = no stance "
              "found, not silent."),
]
