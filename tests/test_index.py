"""The composite index: standardisation, weights, missing families widen intervals, divergence flag."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alignwatch import index as idx
from alignwatch.errors import UsageError


def _w(**kw) -> idx.Weights:
    base = dict(political={"unga": 1.0, "treaties": 1.0}, economic={"trade": 1.0}, replicates=400, seed=1,
                level=0.9, threshold=0.5)
    base.update(kw)
    return idx.Weights(**base)


def _panel(rows):
    df = pd.DataFrame(rows, columns=["a", "b", "year", "family", "z", "z_se"])
    return df


def test_point_estimate_is_weighted_mean_of_present_families():
    p = _panel([("CHN", "PRK", 2000, "unga", 1.0, 0.0), ("CHN", "PRK", 2000, "treaties", 3.0, 0.0),
                ("CHN", "PRK", 2000, "trade", -1.0, 0.0)])
    out = idx.combine(p, _w(), replicates=0)
    r = out.iloc[0]
    assert r.political == pytest.approx(2.0)
    assert r.economic == pytest.approx(-1.0)
    assert r.composite == pytest.approx(0.5)
    assert r.n_families == 3


def test_missing_family_widens_interval_instead_of_counting_as_zero():
    full = _panel([("CHN", "PRK", 2000, "unga", 1.0, 0.1), ("CHN", "PRK", 2000, "treaties", 1.0, 0.1),
                   ("CHN", "PRK", 2000, "trade", 1.0, 0.1)])
    part = full[full.family != "treaties"]
    a = idx.combine(full, _w()).iloc[0]
    b = idx.combine(part, _w()).iloc[0]
    assert b.political == pytest.approx(1.0)  # not pulled towards 0 by the absent family
    assert (b.political_hi - b.political_lo) > 2 * (a.political_hi - a.political_lo)
    assert b.political_lo < 1.0 < b.political_hi


def test_missing_domain_is_na_not_zero():
    p = _panel([("CHN", "PRK", 2000, "unga", 2.0, 0.0)])
    r = idx.combine(p, _w(), replicates=50).iloc[0]
    assert np.isnan(r.economic)
    assert r.composite == pytest.approx(2.0)


def test_divergence_flags_opposite_moves():
    rows = []
    for y, pol, eco in [(2015, 0.0, 0.0), (2016, 0.5, -0.5), (2017, 0.6, 0.5), (2018, 0.7, 0.6)]:
        rows += [("CHN", "PRK", y, "unga", pol, 0.0), ("CHN", "PRK", y, "trade", eco, 0.0)]
    out = idx.combine(_panel(rows), _w(political={"unga": 1.0}), replicates=0)
    assert out.set_index("year")["divergence"].to_dict() == {2015: False, 2016: True, 2017: False, 2018: False}


def test_weights_file_is_checked(tmp_path):
    bad = tmp_path / "w.toml"
    bad.write_text("[political]\nnot_a_family = 1\n")
    with pytest.raises(UsageError, match="not_a_family"):
        idx.load_weights(bad)
    bad.write_text("[political]\nunga = -1\n")
    with pytest.raises(UsageError, match="unga"):
        idx.load_weights(bad)
    with pytest.raises(UsageError, match="does not exist"):
        idx.load_weights(tmp_path / "none.toml")


def test_default_weights_load():
    w = idx.load_weights()
    assert w.replicates == 200 and "PRK" in w.reference
    assert w.domain_of("trade") == "economic"


def test_group_cohesion_counts_only_votes_all_members_cast(tiny_wh):
    """Joint cohesion: share of roll calls where every member voted and all alike (the undl series, 2025 from the
    3DL file included)."""
    from alignwatch.measures import unga

    votes = pd.DataFrame({"id_record": [1, 1, 1, 2, 2, 2, 3, 3, 3], "iso3": ["CHN", "PRK", "RUS"] * 3,
                          "vote": ["Y", "Y", "Y", "Y", "N", "Y", "N", "N", "X"]})
    votes["resolution_symbol"] = "A/RES/74/" + votes["id_record"].astype(str)
    votes["vote_date"] = pd.to_datetime(["2019-10-01"] * 3 + ["2019-10-02"] * 3 + ["2019-10-03"] * 3).date
    votes = votes.assign(session=74, year=2019, title="t", meeting_record="m")
    v25 = pd.DataFrame({"resolution": ["A/RES/80/1"] * 3, "date": pd.to_datetime(["2025-10-01"] * 3),
                        "council": ["General Assembly"] * 3, "iso3": ["CHN", "PRK", "RUS"], "title": "t",
                        "link": "https://digitallibrary.un.org/record/9", "vote": ["abstain", "abstain", "abstain"]})
    wh = tiny_wh(undl_ga_votes=votes, unga_votes_2025=v25)
    coh = unga.group_cohesion(wh, ["CHN", "PRK", "RUS"]).set_index("year")
    assert coh.loc[2019, "unga_cohesion"] == pytest.approx(0.5)  # record 3: RUS listed without a vote
    assert coh.loc[2019, "unga_n_votes"] == 2
    assert coh.loc[2025, "unga_cohesion"] == 1.0 and coh.loc[2025, "unga_series"] == "undl"