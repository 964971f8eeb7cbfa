"""Publisher downloads ready for datasets that connectors declare (MANIFEST sections 10 and 11).

This module declares no dataset: a connector passes one of these as the first of its ``downloads`` and its
GitHub snapshot as a :func:`~.publishers.copy` after it, e.g. ``downloads=(catalogue.COW_WAR_PARTICIPANTS,
copy(".../Inter-StateWarData_v4.0.csv", "csv", "GitHub brickleq/CoW", read=catalogue.read_cr_csv))``. Each
reader gives the layout the mirror stores (original column names kept), so the same validation applies to both.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from ..errors import DataError
from . import undl
from .download import Remote
from .publishers import Download, publisher, read_as, read_member, sipri_register

COW = "Correlates of War Project"
_COW = "https://correlatesofwar.org/wp-content/uploads"

# --- UN Digital Library (section 10): undl_ga_votes_1946_2025, undl_records_1946_2025, undl_sc_votes_adopted
UNDL_GA_VOTES = undl.ga(undl.read_ga_votes)
UNDL_SC_VOTES = undl.sc(undl.read_sc_votes)
UNDL_RECORDS = undl.ga_sc(undl.read_records)

# --- Correlates of War (section 11a, 11c)
read_cr_csv = read_as("csv", lineterminator="\r")  # the war participant file has bare CR line endings
COW_WAR_PARTICIPANTS = publisher(f"{_COW}/Inter-StateWarData_v4.0.csv", "csv", COW, read=read_cr_csv)
COW_MID_PARTICIPANTS = publisher(f"{_COW}/MID-5-Data-and-Supporting-Materials.zip", "zip", COW,
                                 read=read_member("*MIDB 5.0.csv", "csv"))
COW_MID_DISPUTES = publisher(f"{_COW}/MID-5-Data-and-Supporting-Materials.zip", "zip", COW,
                             read=read_member("*MIDA 5.0.csv", "csv"))
COW_DIPLOMATIC_EXCHANGE = publisher(f"{_COW}/Diplomatic_Exchange_2006v1.csv", "csv", COW)


# --- SIPRI Arms Transfers Database (section 11d): the trade register, all suppliers and recipients
def _sipri_query(last_year: int) -> bytes:
    """The JSON query SIPRI's database front end sends for a register export (deliveries 1950 to ``last_year``)."""
    filters = [{"field": "Delivery year", "condition": "contains", "value1": 1950, "value2": last_year, "listData": []},
               {"field": "Order year", "condition": "contains", "value1": 0, "value2": last_year, "listData": []},
               {"field": "opendeals", "condition": "", "value1": "", "value2": "", "listData": []},
               {"field": "exportOption", "condition": "", "value1": "", "value2": "", "listData": []}]
    return json.dumps({"filters": filters, "logic": "AND"}).encode()


SIPRI_TRADE_REGISTER = Download(
    (Remote("https://atbackend.sipri.org/api/p/trades/trade-register-csv/", method="POST",
            body=_sipri_query(dt.date.today().year), name="sipri_trade_register.json"),),
    "json", "Stockholm International Peace Research Institute (SIPRI Arms Transfers Database)",
    read=sipri_register,
    note="the database's export endpoint answers a POST with {\"bytes\": base64 CSV}; the CSV has a preamble",
)


# --- UCDP/PRIO Armed Conflict Dataset (section 11b, peacesciencer's ucdp_acd layout)
def read_ucdp_acd(paths) -> pd.DataFrame:
    """UCDP's conflict-year CSV (GW codes, several states per side as "2, 200") -> one row per combination of
    primary and secondary states, as peacesciencer's ``ucdp_acd`` stores it (take unique rows before counting)."""
    df = read_member("*.csv", "csv", dtype=str)(paths)
    cols = ["gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"]
    missing = [c for c in ("conflict_id", "year", *cols) if c not in df.columns]
    if missing:
        raise DataError(paths[0], f"column {missing[0]!r} missing; expected UCDP/PRIO ACD", column=missing[0])
    for c in cols:
        df[c] = df[c].str.split(",")
        df = df.explode(c)
        df[c] = pd.to_numeric(df[c].str.strip(), errors="coerce").astype("Int64")
    keep = ["conflict_id", "year", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd", "incompatibility",
            "intensity_level", "type_of_conflict", "start_date", "start_prec", "start_date2", "start_prec2",
            "ep_end", "ep_end_date"]
    return df[[c for c in keep if c in df.columns]].reset_index(drop=True)


UCDP_ACD = publisher("https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-251-csv.zip", "zip",
                     "Uppsala Conflict Data Program (UCDP/PRIO Armed Conflict Dataset v25.1)", read=read_ucdp_acd)
