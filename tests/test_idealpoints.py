"""Dynamic ideal points: recovery on simulated data, the pieces of the EM, bridging, Voeten's series as a family."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alignwatch.errors import UsageError
from alignwatch.measures import idealpoints as ip


def simulate(n_s=40, n_t=8, n_items=40, q=0.05, seed=1):
    """Votes drawn from the model itself: random-walk points, ordered probit with item-specific abstention bands."""
    rng = np.random.default_rng(seed)
    x = np.cumsum(np.vstack([rng.normal(0, 1, n_s), rng.normal(0, np.sqrt(q), (n_t - 1, n_s))]), axis=0).T
    names = np.array([f"S{i:02d}" for i in range(n_s)])
    rows = []
    for t in range(n_t):
        a, b, tau = rng.normal(0, 1, n_items), rng.normal(0, 1.5, n_items), rng.uniform(0, 1, n_items)
        ys = a[None, :] + b[None, :] * x[:, t][:, None] + rng.normal(size=(n_s, n_items))
        y = np.where(ys < 0, 0, np.where(ys < tau[None, :], 1, 2))
        ss, jj = np.nonzero(rng.random((n_s, n_items)) > 0.1)  # 10% missing
        rows.append(pd.DataFrame({"state": names[ss], "year": 2000 + t, "item": t * 1000 + jj, "y": y[ss, jj]}))
    truth = pd.DataFrame({"iso3": np.repeat(names, n_t), "year": np.tile(2000 + np.arange(n_t), n_s),
                          "x": x.ravel()})
    return pd.concat(rows, ignore_index=True), truth


def test_recovers_simulated_points():
    votes, truth = simulate()
    anchor = truth.loc[truth.year == 2000].sort_values("x").iloc[-1].iso3  # the most positive state
    fit = ip.DynamicIRT(anchor=anchor).fit(votes)
    assert fit.converged_ and fit.n_iter_ < fit.max_iter
    m = fit.points_.merge(truth, on=["iso3", "year"])
    assert len(m) == len(truth)
    assert np.corrcoef(m.ideal, m.x)[0, 1] >= 0.95
    assert m.groupby("year").apply(lambda g: np.corrcoef(g.ideal, g.x)[0, 1], include_groups=False).min() >= 0.9
    assert (m.se > 0).all() and (m.se < 1).all()
    assert fit.points_.loc[fit.points_.iso3 == anchor, "ideal"].mean() > 0  # orientation: anchor positive


def test_orientation_survives_reversed_coding():
    votes, truth = simulate(n_s=25, n_t=4, n_items=30, seed=5)
    anchor = truth.loc[truth.year == 2000].sort_values("x").iloc[0].iso3  # the most negative state
    flipped = votes.assign(y=2 - votes.y)  # yes <-> no: the latent scale turns around
    for v in (votes, flipped):
        pts = ip.DynamicIRT(anchor=anchor).fit(v).points_
        assert pts.loc[pts.iso3 == anchor, "ideal"].mean() > 0


def test_truncated_normal_means_match_scipy():
    mu = np.array([-2.0, 0.3, 1.5, 0.2, -0.4, 3.0, -6.0, 0.0, 9.0])
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    tau = np.array([0.5, 0.5, 0.5, 0.8, 1.2, 0.3, 0.4, 0.0, 2.0])
    cuts = [slice(0, 3), slice(3, 6), slice(6, 9)]
    got = ip._ystar_mean(mu, cuts, tau)
    lo = np.where(y == 0, -np.inf, np.where(y == 1, 0.0, tau))
    hi = np.where(y == 0, 0.0, np.where(y == 1, tau, np.inf))
    want = stats.truncnorm.mean(lo - mu, hi - mu, loc=mu)
    assert np.allclose(got, want, atol=1e-6)


def test_smoother_by_hand():
    q = 0.1
    lam = np.array([[0.0, 0.0, 0.0], [4.0, 0.0, 0.0]])
    eta = np.array([[0.0, 0.0, 0.0], [4.0, 0.0, 0.0]])  # one observation of x = 1 with precision 4 at t = 0
    m, v = ip._smooth(lam, eta, np.array([0, 0]), np.array([2, 2]), q)
    assert np.allclose(m[0], 0) and np.allclose(v[0], [1, 1 + q, 1 + 2 * q])  # no data: the prior
    assert np.allclose(m[1], 0.8) and np.allclose(v[1], [0.2, 0.2 + q, 0.2 + 2 * q])
    m2, v2 = ip._smooth(lam[:1] * 0, eta[:1] * 0, np.array([1]), np.array([1]), q)
    assert np.isnan(m2[0, 0]) and m2[0, 1] == 0 and np.isnan(m2[0, 2])  # only the active year


def test_tau_goes_to_zero_without_abstentions():
    mu = np.zeros(6)
    cuts = [slice(0, 3), slice(3, 3), slice(3, 6)]  # no abstentions
    tau = np.array([0.7])
    for _ in range(30):
        tau = ip._tau_newton(mu, cuts, np.zeros(6, dtype=np.int64), tau, 1)
    assert tau[0] == pytest.approx(0.0)
    # at mu = 0 half the mass is below the cut at 0; two abstain, two yes: (Phi(tau) - 1/2)(1 - Phi(tau)) is
    # largest at Phi(tau) = 3/4
    cuts = [slice(0, 2), slice(2, 4), slice(4, 6)]
    tau = np.array([2.0])
    for _ in range(30):
        tau = ip._tau_newton(mu, cuts, np.zeros(6, dtype=np.int64), tau, 1)
    assert tau[0] == pytest.approx(stats.norm.ppf(0.75), abs=1e-6)


def test_bridging_ties_identical_resolutions_only():
    rc = pd.DataFrame({
        "rcid": [1, 2, 3, 4, 5, 6],
        "session": [50, 51, 51, 51, 52, 52],
        "amend": [0, 0, 1, 0, 0, 0], "para": [0, 0, 0, 0, 0, 0],
        "descr": ["Prevention of an arms race in outer space"] * 3
                 + ["Embargo against Cuba, necessity of ending it"] * 3,
    })
    item = ip.bridged_items(rc)
    assert item[1] == item[2] and item[1] < 0  # same text in sessions 50 and 51: one item
    assert item[3] == 3  # an amendment is its own item
    assert item[5] == 5 and item[6] == 6  # twice in one session: not a bridge
    assert item[4] == 4  # appears once apart from the session-52 duplicates


def test_unanimous_roll_calls_are_dropped():
    votes = pd.DataFrame({"state": list("ABCDEF"), "year": 2000, "item": 1, "y": 2})
    with pytest.raises(UsageError):
        ip.DynamicIRT().fit(votes)
    with pytest.raises(UsageError, match="vote codes"):
        ip.DynamicIRT().fit(votes.assign(y=[0, 1, 2, 3, 0, 1]))


def _voeten_table():
    return pd.DataFrame({
        "ccode": [2, 731, 710, 2, 731, 710, 678, 679],
        "iso3c": ["USA", "PRK", "CHN", "USA", "PRK", "CHN", "YEM", "YEM"],
        "countryname": "x",
        "year": [2023, 2023, 2023, 2024, 2024, 2024, 1990, 1990],
        "idealpointfp": [2.0, -1.0, -0.5, 2.2, -0.8, -0.85, 0.1, -0.3],
        "idealpointall": [2.0, -1.0, -0.5, np.nan, np.nan, np.nan, 0.1, -0.3],
        "idealpointlegacy": np.nan,
        "nvotesfp": [90.0, 80, 90, 95, 85, 95, 10, 50], "nvotesall": 1.0,
        "q5fp": [1.9, -1.2, -0.6, 2.1, -0.9, -0.95, 0.0, -0.4],
        "q95fp": [2.1, -0.8, -0.4, 2.3, -0.7, -0.75, 0.2, -0.2],
        "iso3": ["USA", "PRK", "CHN", "USA", "PRK", "CHN", "YEM", "YEM"],
    })


def test_voeten_family_scores(tiny_wh):
    wh = tiny_wh(unga_idealpoints_voeten=_voeten_table())
    df = ip.dyad_years(wh, states=["PRK", "CHN", "USA"], years=(2023, 2024))
    r = df[(df.a == "CHN") & (df.b == "PRK") & (df.year == 2024)].iloc[0]
    assert r.ideal_a == -0.85 and r.ideal_b == -0.8
    assert r.score == pytest.approx(-0.05) and r.source == ip.SOURCE_VOETEN
    assert r.se_a == pytest.approx(0.2 / (2 * 1.6448536269514722))
    usa = df[(df.a == "PRK") & (df.b == "USA") & (df.year == 2023)].iloc[0]
    assert usa.score == pytest.approx(-3.0)
    pts = ip.voeten(wh)
    assert pts[(pts.iso3 == "YEM") & (pts.year == 1990)].ideal.tolist() == [-0.3]  # the row with more votes
    with pytest.raises(UsageError):
        ip.points(wh, source="mine")


def test_compare_with_voeten():
    ours = pd.DataFrame({"iso3": list("ABCD") * 2, "year": [1] * 4 + [2] * 4,
                         "ideal": [1, 2, 3, 4, 1, 2, 3, 4.0]})
    theirs = pd.DataFrame({"iso3": list("ABCD") * 2, "year": [1] * 4 + [2] * 4,
                           "ideal": [2, 4, 6, 8, 4, 3, 2, 1.0]})
    c = ip.compare_with_voeten(ours, theirs)
    assert c.r.tolist() == pytest.approx([1.0, -1.0]) and c.n_states.tolist() == [4, 4]


def test_votes_continue_with_the_un_digital_library_after_voeten(tiny_wh):
    """Voeten's roll calls to their last date, then the UN DL's adopted resolutions (no vote counted twice)."""
    rc = pd.DataFrame({"rcid": [1, 2], "session": [74, 74], "date": pd.to_datetime(["2019-10-01", "2020-01-14"]),
                       "amend": 0, "para": 0, "descr": ["a resolution on one thing", "another resolution text"]})
    tidy = pd.DataFrame({"rcid": [1, 1, 2, 2], "iso3": ["PRK", "USA"] * 2, "vote": ["no", "yes", "abstain", "yes"]})
    undl = pd.DataFrame({"id_record": [7, 7, 8, 8, 9, 9], "iso3": ["PRK", "USA"] * 3,
                         "vote": ["N", "Y", "Y", "X", "A", "N"],
                         "resolution_symbol": ["A/RES/74/1"] * 2 + ["A/RES/75/1"] * 2 + ["A/RES/ES-11/1"] * 2,
                         "vote_date": pd.to_datetime(["2019-10-01"] * 2 + ["2020-12-01"] * 2 + ["2022-03-02"] * 2).date,
                         "session": [74, 74, 75, 75, 76, 76], "title": "t", "meeting_record": "m"})
    undl["year"] = pd.to_datetime(undl["vote_date"]).dt.year
    wh = tiny_wh(unga_votes=tidy, unga_roll_calls=rc, undl_ga_votes=undl)
    v = ip.load_votes(wh, bridge=False).sort_values(["year", "item", "state"])
    assert len(v) == 4 + 3  # record 7 (2019) is Voeten's era: not read twice; X is not a vote
    late = v[v["item"] >= ip.UNDL_ITEM_OFFSET]
    assert late["year"].tolist() == [2020, 2021, 2021] and late["y"].tolist() == [2, 1, 0]  # yes 2, abstain 1, no 0


@pytest.mark.slow
@pytest.mark.data
def test_real_ours_reaches_2025_and_tracks_voeten(real_wh):
    """Fits the model once (about a minute; cached in the warehouse after)."""
    pts = ip.points(real_wh, "ours")
    assert set(range(2020, 2026)) <= set(pts["year"])  # no hole after Voeten's roll calls end
    c = ip.compare_with_voeten(pts, ip.voeten(real_wh)).set_index("year")
    assert (c.loc[2020:2024, "r"] > 0.95).all()


@pytest.mark.data
def test_real_voeten_series(real_wh):
    pts = ip.points(real_wh, source="voeten", states=["USA", "CHN", "PRK", "RUS"], years=(2024, 2024))
    got = dict(zip(pts.iso3, pts.ideal.round(3)))
    assert got == {"USA": 2.206, "CHN": -0.854, "PRK": -0.794, "RUS": -0.598}  # MANIFEST sanity figures
