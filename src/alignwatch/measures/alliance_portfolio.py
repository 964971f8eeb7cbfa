"""Alliance-portfolio similarity per dyad-year: how alike two states' alliance commitments to every state are.

Each state's portfolio is its alliance level with every member of the COW state system that year, itself included
at the top level (Signorino & Ritter 1999). Levels, as in the COW typology behind Bueno de Mesquita's τb and
Signorino & Ritter's S: 3 defence pact > 2 neutrality or non-aggression > 1 entente > 0 none.

* ATOP 5 (``ps_atop_alliance``, 1816-2018): defence **or offence** -> 3 (a promise of active military support, as
  COW's defence class); neutrality or non-aggression -> 2; consultation only -> 1 (ATOP's consultation pact is
  the closest class to COW's entente); none -> 0. A dyad-year takes its strongest obligation.
* COW formal alliances 4.1 (``ps_cow_alliance``, 1816-2012): defence -> 3, neutrality or non-aggression -> 2,
  entente -> 1, none -> 0.

Within coverage a pair without an alliance row is 0 (no alliance); outside coverage the dyad-year is NA. Default
score: S with squared distances, d_max = 3² (docs/measures/similarity.md says why and cites the practice); any
measure of :mod:`alignwatch.similarity` can be chosen, optionally weighted by COW capabilities (CINC).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import UsageError
from ..sources.peacesciencer import ATOP, COW_ALLIANCE
from ..warehouse import Warehouse
from . import _portfolio
from .registry import Family, register

LEVELS = (0.0, 1.0, 2.0, 3.0)
LEVEL_LABELS = {3: "defence pact", 2: "neutrality or non-aggression", 1: "entente / consultation", 0: "none"}
SR_CITATION = ("Curtis S. Signorino and Jeffrey M. Ritter (1999), 'Tau-b or Not Tau-b: Measuring the Similarity of "
               "Foreign Policy Positions', International Studies Quarterly 43(1): 115-144")

# the strongest obligation of a dyad-year as a level (fixed SQL: the level expressions and tables are constants)
_LEVEL = {
    "atop": ("ps_atop_alliance", "CASE WHEN atop_defense = 1 OR atop_offense = 1 THEN 3 "
                                 "WHEN atop_neutral = 1 OR atop_nonagg = 1 THEN 2 WHEN atop_consul = 1 THEN 1 ELSE 0 END"),
    "cow": ("ps_cow_alliance", "CASE WHEN cow_defense = 1 THEN 3 "
                               "WHEN cow_neutral = 1 OR cow_nonagg = 1 THEN 2 WHEN cow_entente = 1 THEN 1 ELSE 0 END"),
}
_TIES_SQL = """
SELECT least(iso3_1, iso3_2) AS a, greatest(iso3_1, iso3_2) AS b, year::BIGINT AS year, max({level})::DOUBLE AS value
FROM {table}
WHERE iso3_1 IS NOT NULL AND iso3_2 IS NOT NULL
  AND (? OR iso3_1 IN (SELECT unnest(?::VARCHAR[])) OR iso3_2 IN (SELECT unnest(?::VARCHAR[])))
GROUP BY ALL
"""


def _ties_sql(key: str) -> str:
    table, level = _LEVEL[key]
    return _TIES_SQL.format(table=table, level=level)


SOURCES = {
    "atop": _portfolio.Source(
        key="atop", label="ATOP", tables=("ps_atop_alliance",), years=(1816, 2018), ties_sql=_ties_sql("atop"),
        own_sql=None, top_sql=None, levels=LEVELS, absent=0.0, citation=ATOP),
    "cow": _portfolio.Source(
        key="cow", label="COW alliances", tables=("ps_cow_alliance",), years=(1816, 2012), ties_sql=_ties_sql("cow"),
        own_sql=None, top_sql=None, levels=LEVELS, absent=0.0, citation=COW_ALLIANCE),
}
COLUMNS = ("n_objects", "s_squared", "s_abs", "kappa_quadratic", "pi_quadratic", "taub", "a_squared")


def source(name: str) -> _portfolio.Source:
    key = str(name).strip().lower()
    if key not in SOURCES:
        raise UsageError(f"unknown alliance source {name!r}", hint="choose atop (to 2018) or cow (to 2012)")
    return SOURCES[key]


@dataclass(frozen=True)
class Options(_portfolio.Options):
    """``source_name``: atop (default, to 2018) or cow (to 2012); the similarity measure as in
    :class:`alignwatch.measures._portfolio.Options` (default S with squared distances)."""

    source_name: str = "atop"

    def __post_init__(self):
        super().__post_init__()
        source(self.source_name)


class AlliancePortfolio(Family):
    name = "alliance_portfolio"
    label = "Alliance-portfolio similarity (ATOP; COW as an option)"
    domain = "political"
    description = ("similarity of two states' alliance portfolios over the state system (levels defence 3 > "
                   "neutrality/non-aggression 2 > entente/consultation 1 > none 0; own entry 3): S with squared "
                   "distances by default, or kappa, pi, tau-b, A; ATOP to 2018, COW to 2012")
    columns = COLUMNS
    coverage = (1816, 2018)
    citation = f"{ATOP} (default); {COW_ALLIANCE}; {SR_CITATION}"
    docs = "docs/measures/similarity.md"
    Options = Options

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        """Alliance-portfolio similarity per undirected dyad-year (see the module docstring); ``score`` = the
        chosen measure (default S, squared distances, unweighted, ATOP)."""
        return _portfolio.dyad_years(self, source(options.source_name), wh, states, years, options,
                                     use_cache=use_cache)


FAMILY = register(AlliancePortfolio())
dyad_years = FAMILY.dyad_years
