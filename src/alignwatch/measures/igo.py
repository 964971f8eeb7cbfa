"""IGO co-membership portfolios per dyad-year: how alike two states' shared-IGO counts with every state are.

A state's portfolio is, for every member of the COW state system that year, the number of intergovernmental
organisations in which both are full members (COW IGO 3.0 via peacesciencer, ``ps_cow_igo_ndy.dyadigos``,
1816-2014). Its own entry is the top of its row: its number of full memberships (``ps_cow_igo_sy.sum_igo_full``),
raised to its largest shared count where the two files disagree (they do by one in 15 state-years). The levels are
the counts 0 .. the year's largest, so S's d_max is that year's range. A pair missing from the dyadic file is
not observed (NA for that object), never 0; years after 2014 are NA.

Default score: Cohen's κ with quadratic weights, not S: on counts that reach a hundred, S divides small distances by
the year's largest count squared and sits near 1 for almost every pair (PRK-CHN 0.941-0.9999, 1950-2014), while κ
compares the two rows with what their own distributions give by chance (Häge 2011; with quadratic weights it is
the concordance of the two count vectors, Fleiss & Cohen 1973). See docs/measures/similarity.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..sources.peacesciencer import IGO
from ..warehouse import Warehouse
from . import _portfolio
from .registry import Family, register

_TIES_SQL = """
SELECT least(iso3_1, iso3_2) AS a, greatest(iso3_1, iso3_2) AS b, year::BIGINT AS year,
       max(dyadigos)::DOUBLE AS value
FROM ps_cow_igo_ndy
WHERE iso3_1 IS NOT NULL AND iso3_2 IS NOT NULL AND dyadigos IS NOT NULL
  AND (? OR iso3_1 IN (SELECT unnest(?::VARCHAR[])) OR iso3_2 IN (SELECT unnest(?::VARCHAR[])))
GROUP BY ALL
"""
_TOP_SQL = "SELECT year::BIGINT AS year, max(dyadigos)::DOUBLE AS value FROM ps_cow_igo_ndy GROUP BY ALL"
_OWN_SQL = """
SELECT iso3, year::BIGINT AS year, max(sum_igo_full)::DOUBLE AS value
FROM ps_cow_igo_sy WHERE iso3 IS NOT NULL AND sum_igo_full IS NOT NULL GROUP BY ALL
"""

SOURCE = _portfolio.Source(
    key="igo", label="COW IGO", tables=("ps_cow_igo_ndy", "ps_cow_igo_sy"), years=(1816, 2014),
    ties_sql=_TIES_SQL, own_sql=_OWN_SQL, top_sql=_TOP_SQL, levels=None, absent=float("nan"),
    citation=IGO)
COLUMNS = ("n_objects", "kappa_quadratic", "pi_quadratic", "s_squared", "s_abs", "a_squared")


@dataclass(frozen=True)
class Options(_portfolio.Options):
    """The similarity measure as in :class:`alignwatch.measures._portfolio.Options`; default Cohen's kappa with
    quadratic weights (module docstring: why not S)."""

    measure: str = "kappa"


class Igo(Family):
    name = "igo"
    label = "IGO co-membership portfolio similarity (COW IGO 3.0)"
    domain = "political"
    description = ("similarity of two states' shared-IGO counts with every state of the system (own entry = its "
                   "full memberships): quadratic-weighted Cohen's kappa by default, or S, pi, tau-b, A; 1816-2014")
    columns = COLUMNS
    coverage = SOURCE.years
    citation = IGO
    docs = "docs/measures/similarity.md"
    Options = Options

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        """IGO co-membership portfolio similarity per undirected dyad-year; ``score`` = the chosen measure."""
        return _portfolio.dyad_years(self, SOURCE, wh, states, years, options, use_cache=use_cache)


FAMILY = register(Igo())
dyad_years = FAMILY.dyad_years
