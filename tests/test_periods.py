"""Periods: change points on the smoothed latent, breaks that must exceed their uncertainty, the evidence rules
of the labels, and window independence on the real series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alignwatch import index as idx
from alignwatch import periods as pr

W = idx.Weights(political={"unga": 1.0, "treaties": 1.0}, economic={}, level=0.9)


def _rows(levels: list[tuple[int, int, float]], sd=0.15, r1=0.7, families="unga,treaties", seed=3, wiggle=0.03):
    """Index rows as alignwatch.index gives them: posterior mean, sd and lag-one correlation per year."""
    rng = np.random.default_rng(seed)
    years, vals = [], []
    for s, e, level in levels:
        for y in range(s, e + 1):
            years.append(y)
            vals.append(level + rng.normal(0, wiggle))
    n = len(years)
    return pd.DataFrame({"year": years, "political": vals, "political_sd": sd,
                         "political_r1": [np.nan] + [r1] * (n - 1),
                         "economic": np.nan, "economic_sd": np.nan, "economic_r1": np.nan, "composite": vals,
                         "families": families, "divergence": False})


@pytest.mark.parametrize("planted", [1992, 2000, 2017])
def test_planted_break_found_within_one_year(planted):
    table, breaks = pr.periods(_rows([(1970, planted - 1, 1.0), (planted, 2025, -0.5)], seed=planted), weights=W,
                               B=40)
    assert len(breaks) == 1 and abs(breaks[0].year - planted) <= 1
    assert breaks[0].change_hi < 0  # the fall exceeds its uncertainty
    assert list(table["label"]) == ["alignment", "abandonment"]


def test_no_break_in_a_flat_series():
    table, breaks = pr.periods(_rows([(1970, 2025, 0.6)]), weights=W, B=20)
    assert breaks == [] and list(table["label"]) == ["alignment"]


def test_a_change_inside_its_uncertainty_is_not_a_break():
    # a step of 0.6 where every year is known only to +/- 0.8: the change's interval includes 0
    table, breaks = pr.periods(_rows([(1970, 1999, 1.0), (2000, 2025, 1.6)], sd=0.8, r1=0.95), weights=W, B=20)
    assert breaks == [] and len(table) == 1


def test_evidence_rules():
    one = pr.periods(_rows([(1970, 2025, 1.0)], families="treaties"), weights=W, B=0)[0]
    assert one.iloc[0]["label"] == pr.INSUFFICIENT and "1 family" in one.iloc[0]["evidence"]
    straddle = pr.periods(_rows([(1970, 2025, 0.1)], sd=0.4, r1=0.9), weights=W, B=0)[0]
    assert straddle.iloc[0]["label"] == pr.INSUFFICIENT
    assert straddle.iloc[0]["political_lo"] < 0 < straddle.iloc[0]["political_hi"]


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


def test_undecided_condition_gives_insufficient_evidence():
    c = {"pol_ge0": True, "prev_ge0": True, "dp_fall": None, "dp_rise": False, "de_fall": False,
         "treaty_rise": False, "divergent": False}
    assert pr.decide(c)[0] == pr.INSUFFICIENT
    assert pr.decide({**c, "dp_fall": False})[0] == "alignment"


def test_cut_keeps_labels_and_clips_years():
    t = pd.DataFrame({"start": [1950, 1961, 1992], "end": [1960, 1991, 2025], "label": ["a", "b", "c"]})
    out = pr.cut(t, (1980, 2000))
    assert list(out["label"]) == ["b", "c"] and list(out["start"]) == [1980, 1992] and list(out["end"]) == [1991, 2000]


def test_weighted_cost_matches_least_squares():
    rng = np.random.default_rng(5)
    y, w = rng.normal(size=(40, 2)), rng.uniform(0.5, 2, size=(40, 2))
    cost = pr._weighted_l2()(w).fit(y)
    for a, b in [(0, 40), (3, 17), (10, 12)]:
        m = (w[a:b] * y[a:b]).sum(0) / w[a:b].sum(0)
        assert cost.error(a, b) == pytest.approx(float((w[a:b] * (y[a:b] - m) ** 2).sum()))


# ------------------------------------------------------------------------------------------- real data


def test_korean_war_years_are_not_dealignment(real_wh):
    table, _ = pr.dyad_periods(real_wh, "PRK", "CHN")
    for r in table.itertuples():
        if r.start <= 1958 and r.end >= 1950:
            assert r.label != "dealignment", table


def test_labels_do_not_depend_on_the_window(real_wh):
    full, _ = pr.dyad_periods(real_wh, "PRK", "RUS")
    cut, _ = pr.dyad_periods(real_wh, "PRK", "RUS", years=(1991, 2100))

    def by_year(t):
        return {y: r.label for r in t.itertuples() for y in range(r.start, r.end + 1)}

    a, b = by_year(full), by_year(cut)
    assert all(a[y] == b[y] for y in range(1993, max(a) + 1))
    assert min(b) == 1991


def test_periods_read_the_exact_path_covariance(real_wh):
    """The periods of a real dyad stand on the model's exact path covariance (index.PathCov), not on the chain
    rebuilt from the rows: the random effects make a change between periods surer than the chain says."""
    rows, panel, _, paths = idx.dyad_index(real_wh, ["PRK", "CHN"], None, return_panel=True, return_paths=True)
    exact = pr.Posterior(rows, paths=paths[("CHN", "PRK")])
    chain = pr.Posterior(rows)
    years = rows["year"].to_numpy()
    a = tuple(np.flatnonzero((years >= 2004) & (years <= 2009))[[0, -1]] + [0, 1])
    b = tuple(np.flatnonzero(years >= 2010)[[0, -1]] + [0, 1])
    assert exact.change("political", a, b)[1] < 0.75 * chain.change("political", a, b)[1]
    np.testing.assert_allclose(np.diag(exact.cov["political"]), rows["political_sd"] ** 2, rtol=1e-8)
    table, _ = pr.dyad_periods(real_wh, "PRK", "CHN")
    direct, _ = pr.periods(rows, panel, None, paths=paths[("CHN", "PRK")], seed=idx.load_weights().seed)
    assert list(table["label"]) == list(direct["label"])
    assert list(table["change_interval"]) == list(direct["change_interval"])
