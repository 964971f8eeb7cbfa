"""Change points and labels on synthetic dyads with planted breaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alignwatch import periods as pr


def _series(levels: list[tuple[int, int, float]], noise=0.1, seed=3) -> pd.Series:
    rng = np.random.default_rng(seed)
    years, vals = [], []
    for s, e, level in levels:
        for y in range(s, e + 1):
            years.append(y)
            vals.append(level + rng.normal(0, noise))
    return pd.Series(vals, index=years)


@pytest.mark.parametrize("planted", [1992, 2000, 2017])
def test_planted_break_found_within_one_year(planted):
    s = _series([(1970, planted - 1, 1.0), (planted, 2025, -0.5)], seed=planted)
    breaks = pr.detect(s, B=100)
    assert len(breaks) == 1
    b = breaks[0]
    assert abs(b.year - planted) <= 1
    assert b.stability >= 0.8
    assert b.lo <= planted <= b.hi + 1


def test_no_break_in_a_flat_series():
    assert pr.detect(_series([(1970, 2025, 0.3)], noise=0.2), B=50) == []


def test_two_breaks():
    s = _series([(1970, 1989, 1.0), (1990, 2005, -0.8), (2006, 2025, 0.6)], noise=0.15)
    years = [b.year for b in pr.detect(s, B=50)]
    assert len(years) == 2 and abs(years[0] - 1990) <= 1 and abs(years[1] - 2006) <= 1


@pytest.mark.parametrize("args,expected", [
    ((-1.0, 0.5, 0.8, 0.4), "abandonment"),          # from aligned, political falls by 1.8
    ((1.2, 0.0, 0.5, 0.0, 0.8), "entanglement"),      # political and treaties rise
    ((0.8, -0.7, 0.7, 0.3), "deep alignment"),        # political steady, economic falls by 1.0
    ((0.8, 0.5, 0.7, 0.4), "alignment"),
    ((-0.6, 0.2, -0.5, 0.1), "dealignment"),          # below reference, no sharp fall from aligned
    ((0.4, np.nan, None, None), "alignment"),         # first period, no economic data
    ((0.4, 0.1, None, None, None, 0.6), "deep alignment"),  # most years flagged divergent
])
def test_labels_follow_codebook(args, expected):
    assert pr.label(*args) == expected


def test_periods_table_on_synthetic_index():
    years = np.arange(1980, 2026)
    comp = np.where(years < 2000, 1.0, -0.6) + np.random.default_rng(0).normal(0, 0.1, len(years))
    rows = pd.DataFrame({"year": years, "composite": comp, "political": comp, "economic": np.zeros(len(years)),
                         "divergence": False})
    events = pd.DataFrame({"year": [2000], "date": ["2000-02-09"], "text": ["treaty signed"]})
    table, breaks = pr.periods(rows, events=events, B=50)
    assert list(table["label"]) == ["alignment", "abandonment"]
    assert table.iloc[1]["start"] in (1999, 2000, 2001)
    assert "treaty signed" in table.iloc[1]["events"]


def test_prefix_l2_cost_equals_ruptures_l2():
    y = np.random.default_rng(5).normal(size=(40, 1))
    fast, ref = pr.PrefixL2().fit(y), pr.rpt.costs.CostL2().fit(y)
    for a, b in [(0, 40), (3, 17), (10, 12), (25, 39)]:
        assert fast.error(a, b) == pytest.approx(ref.error(a, b), abs=1e-9)
