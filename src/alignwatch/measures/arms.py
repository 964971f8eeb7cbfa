"""Arms transfers between two states per year (SIPRI trade register, deliveries 1950-2024), as directed flows and
as dependence: the share of a recipient's arms imports that came from the partner.

The register has one row per deal with the deal's total TIV delivered and its years of delivery; a deal's TIV is
spread evenly over its delivery years (an approximation: SIPRI's register gives no per-year split). Values are
millions of SIPRI trend-indicator values (1990 constant TIV), a volume of military capability, not money. For a
dyad ``a < b`` and a year:

    tiv_a_to_b      TIV delivered by a to b (0 when none, inside coverage)
    imports_b       TIV b received from every supplier, non-state and unknown suppliers included
    share_b_from_a  tiv_a_to_b / imports_b     (NA when b imported nothing that year: no share, not 0)
    score           the larger of share_a_from_b and share_b_from_a, 0-1 (NA when neither imported anything)
    n               deals delivered that year to the recipient whose share is the score (thin evidence: small n)

The Soviet Union and Russia are one state (RUS). SIPRI counts major conventional weapons only (no small arms, no
ammunition or shells), so the DPRK's shell deliveries to Russia in 2023-24 are absent. Inside 1950-2024 and while
both states are COW system members a dyad-year without deliveries has flows 0; outside it everything is NA.
Formulas, coverage and citations: ``docs/measures/arms.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..sources.arms import CITATION as SIPRI
from ..sources.peacesciencer import COW_STATES
from ..warehouse import Warehouse
from ._system import dyad_frame, labels_at, trim_leading_na
from .registry import Family, NoOptions, register

COVERAGE = (1950, 2024)
SOURCE = "sipri_transfers (SIPRI trade register); ps_cow_ddy"
COLUMNS = ("score", "n", "share_a_from_b", "share_b_from_a", "tiv_a_to_b", "tiv_b_to_a", "imports_a", "imports_b",
           "n_deals")

# one row per deal and delivery year, the deal's TIV spread evenly over its delivery years
_DELIVERIES = """
WITH d AS (
  SELECT deal_id, iso3_supplier, iso3_recipient, tiv_delivered,
         CAST(string_split(replace(delivery_years, ' ', ''), ';') AS INTEGER[]) AS ys
  FROM sipri_transfers WHERE delivery_years IS NOT NULL AND tiv_delivered > 0)
SELECT deal_id, iso3_supplier, iso3_recipient, tiv_delivered / len(ys) AS tiv, unnest(ys) AS year FROM d
"""
_FLOWS_SQL = f"""
SELECT iso3_supplier AS supplier, iso3_recipient AS recipient, year, sum(tiv) AS tiv, count(*) AS deals
FROM ({_DELIVERIES}) WHERE iso3_supplier IS NOT NULL AND iso3_recipient IS NOT NULL AND iso3_supplier <> iso3_recipient
  AND (? OR (iso3_supplier IN (SELECT unnest(?::VARCHAR[])) AND iso3_recipient IN (SELECT unnest(?::VARCHAR[]))))
GROUP BY ALL
"""
_IMPORTS_SQL = f"""
SELECT iso3_recipient AS recipient, year, sum(tiv) AS imports, count(*) AS deals
FROM ({_DELIVERIES}) WHERE iso3_recipient IS NOT NULL AND (? OR iso3_recipient IN (SELECT unnest(?::VARCHAR[])))
GROUP BY ALL
"""


def dependence(frame: pd.DataFrame, flows: pd.DataFrame, imports: pd.DataFrame) -> pd.DataFrame:
    """Directed flows, import totals, shares and the score on a frame of ``a, b, year, in_system`` rows.

    ``flows``: supplier, recipient, year, tiv, deals; ``imports``: recipient, year, imports, deals. Pure pandas
    (tested on hand-written tables)."""
    key = ["a", "b", "year"]
    out = frame.copy()
    f = flows.rename(columns={"tiv": "_tiv", "deals": "_deals"})
    ab = f.rename(columns={"supplier": "a", "recipient": "b", "_tiv": "tiv_a_to_b", "_deals": "_d_ab"})
    ba = f.rename(columns={"supplier": "b", "recipient": "a", "_tiv": "tiv_b_to_a", "_deals": "_d_ba"})
    out = out.merge(ab[[*key, "tiv_a_to_b", "_d_ab"]], on=key, how="left")
    out = out.merge(ba[[*key, "tiv_b_to_a", "_d_ba"]], on=key, how="left")
    for side in ("a", "b"):
        imp = imports.rename(columns={"recipient": side, "imports": f"imports_{side}", "deals": f"_n_{side}"})
        out = out.merge(imp[[side, "year", f"imports_{side}", f"_n_{side}"]], on=[side, "year"], how="left")

    year = out["year"].to_numpy()
    inside = out["in_system"].to_numpy() & (year >= COVERAGE[0]) & (year <= COVERAGE[1])

    def filled(c: str) -> np.ndarray:
        return np.where(inside, out[c].fillna(0).to_numpy(dtype=float), np.nan)

    t_ab, t_ba, imp_a, imp_b = (filled(c) for c in ("tiv_a_to_b", "tiv_b_to_a", "imports_a", "imports_b"))
    n_a, n_b = filled("_n_a"), filled("_n_b")
    with np.errstate(divide="ignore", invalid="ignore"):
        sh_a = np.where(imp_a > 0, t_ba / imp_a, np.nan)  # a's imports supplied by b
        sh_b = np.where(imp_b > 0, t_ab / imp_b, np.nan)
    score = np.fmax(sh_a, sh_b)
    a_sets = ~np.isnan(sh_a) & (np.isnan(sh_b) | (sh_a > sh_b) | ((sh_a == sh_b) & (n_a >= n_b)))
    n = np.where(np.isnan(score), np.nan, np.where(a_sets, n_a, n_b))
    deals = filled("_d_ab") + filled("_d_ba")
    for c, v in (("tiv_a_to_b", t_ab), ("tiv_b_to_a", t_ba), ("imports_a", imp_a), ("imports_b", imp_b),
                 ("share_a_from_b", sh_a), ("share_b_from_a", sh_b), ("score", score)):
        out[c] = pd.array(v, dtype="Float64")
    out["n"] = pd.array(n, dtype="Float64").astype("Int64")
    out["n_deals"] = pd.array(deals, dtype="Float64").astype("Int64")
    out["source"] = labels_at([None, SOURCE], inside.astype(int))
    return out[[*key, *COLUMNS, "source"]]


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None) -> pd.DataFrame:
    wh.require("sipri_transfers", "ps_cow_ddy")
    lo, hi = years or COVERAGE
    every, s = states is None, states or []
    out = dependence(dyad_frame(wh, states, lo, hi), wh.query(_FLOWS_SQL, [every, s, s]),
                     wh.query(_IMPORTS_SQL, [every, s]))
    if years is None and states is not None:
        out = trim_leading_na(out, out["tiv_a_to_b"].notna())
    return out.sort_values(["a", "b", "year"]).reset_index(drop=True)


class Arms(Family):
    name = "arms"
    label = "Arms transfers: SIPRI TIV flows and import dependence"
    domain = "political"
    description = ("larger of the two import-dependence shares (partner's share of a state's SIPRI TIV imports), "
                   "0-1; directed TIV flows (deal TIV spread evenly over delivery years); 1950-2024")
    columns = COLUMNS
    coverage = COVERAGE
    citation = f"{SIPRI}; {COW_STATES}"
    docs = "docs/measures/arms.md"
    cache_all = True

    def compute(self, wh: Warehouse, states, years, options: NoOptions, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years)


FAMILY = register(Arms())
dyad_years = FAMILY.dyad_years
