"""The index's measurement model: estimation on a simulated panel, missing observations, sampling error, the
weights file, and the real-data properties the index promises (smooth composite, no single family decides it)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alignwatch import index as idx
from alignwatch import index_indicators as ind
from alignwatch import index_model as im
from alignwatch.errors import UsageError

START, END = 1970, 2019


def _simulate(n_dyads=40, rho=0.5, phi=0.9, seed=0, indicators=("u", "v", "w")):
    """A panel from the model itself: AR(1) latents, parallel indicators with known offset and scale."""
    rng = np.random.default_rng(seed)
    T = END - START + 1
    rows, truth = [], {}
    for d in range(n_dyads):
        x = np.empty(T)
        x[0] = rng.normal()
        for t in range(1, T):
            x[t] = phi * x[t - 1] + rng.normal(0, np.sqrt(1 - phi ** 2))
        key = (f"A{d:02d}", f"B{d:02d}")
        truth[key] = x
        for k, name in enumerate(indicators):
            alpha, s = 0.5 + k, 0.2 * (k + 1)
            y = alpha + np.sqrt(rho) * s * x + rng.normal(0, np.sqrt(1 - rho) * s, T)
            for t in range(T):
                rows.append((*key, START + t, name, name, "political", y[t], 0.0, "sim"))
    obs = pd.DataFrame(rows, columns=["a", "b", "year", "family", "indicator", "domain", "y", "se", "source"])
    return obs, truth


def _fit(obs):
    names = obs["indicator"].unique()
    return im.fit(obs, {i: 1.0 for i in names}, {i: None for i in names}, start=START, end=END)


@pytest.fixture(scope="module")
def simulated():
    obs, truth = _simulate()
    return obs, truth, _fit(obs)


def test_estimation_recovers_reliability_and_persistence(simulated):
    _, _, fitted = simulated
    assert fitted.converged
    assert fitted.rho["political"] == pytest.approx(0.5, abs=0.08)
    assert fitted.phi["political"] == pytest.approx(0.9, abs=0.05)
    p = fitted.indicators.set_index("indicator")
    assert p.loc["v", "alpha"] == pytest.approx(1.5, abs=0.1)


def test_intervals_cover_the_true_latent(simulated):
    obs, truth, fitted = simulated
    keys = sorted(truth)[:10]
    post = im.posterior(fitted, obs, keys)["political"]
    x = np.concatenate([truth[k] for k in keys])
    half = 1.645 * np.sqrt(post["var"])
    cover = np.mean(np.abs(post["mean"] - x) <= half)
    assert 0.8 <= cover <= 0.98


def test_a_missing_indicator_widens_the_interval_without_moving_the_estimate(simulated):
    obs, truth, fitted = simulated
    key = sorted(truth)[0]
    mine = obs[(obs["a"] == key[0]) & (obs["b"] == key[1])]
    gap = mine[~((mine["indicator"] == "u") & mine["year"].between(1990, 1999))]
    full = im.posterior(fitted, mine, [key])["political"]
    part = im.posterior(fitted, gap, [key])["political"]
    t = np.arange(1990 - START, 2000 - START)
    assert (part["var"][t] > full["var"][t]).all()
    # no renormalising jump: the estimate changes by much less than its own uncertainty
    assert np.max(np.abs(part["mean"][t] - full["mean"][t])) < 1.645 * np.sqrt(full["var"][t]).max()
    # a year with no observation at all is carried by the dynamics, not dropped
    none = im.posterior(fitted, mine[mine["year"] != 1995], [key])["political"]
    assert np.isfinite(none["mean"][1995 - START]) and none["var"][1995 - START] > full["var"][1995 - START]


def test_thin_observations_cannot_move_the_index(simulated):
    """A share from one joint vote carries its binomial error: an extreme value from n = 1 moves the latent a
    fraction of what the same value from n = 100 does (indicator u: a share-like scale, sd 0.2)."""
    obs, truth, fitted = simulated
    key = sorted(truth)[1]
    mine = obs[(obs["a"] == key[0]) & (obs["b"] == key[1])]
    base = im.posterior(fitted, mine, [key])["political"]["mean"][2000 - START]
    moves = {}
    for n in (1, 100):
        row = mine.iloc[[0]].assign(year=2000, indicator="u", family="u", y=1.0,
                                    se=float(ind.share_se(np.array([1.0]), np.array([n]))[0]))
        bumped = pd.concat([mine[~((mine["year"] == 2000) & (mine["indicator"] == "u"))], row])
        moves[n] = abs(im.posterior(fitted, bumped, [key])["political"]["mean"][2000 - START] - base)
    assert moves[1] < 0.25 * moves[100]


def test_share_se_is_binomial_with_a_floor():
    se = ind.share_se(np.array([1.0, 0.5, 0.5, np.nan]), np.array([1, 100, 0, 10]))
    assert 0.2 < se[0] < 0.3  # one vote: far from certain
    assert se[1] == pytest.approx(np.sqrt(0.5 * 0.5 / 104), rel=1e-6)
    assert np.isnan(se[2])  # no count: no sampling error known


def test_cow_spike_enters_as_its_smoothed_value_with_the_gap_as_error():
    """A flow COW smoothed (a suspected reporting spike) is observed at COW's corrected value, with the gap between
    the two readings as its standard error; other rows and other series are observed as they are."""
    from alignwatch.measures import trade as tr

    def long(total_96, dep_96):
        return pd.DataFrame({
            "a": ["PRK", "PRK", "CHN"], "b": ["RUS", "RUS", "PRK"], "year": [1995, 1996, 2016],
            "series": [tr.COW, tr.COW, "KOTRA"], "total": [92.0, total_96, 5800.0],
            "score": [0.04, dep_96, 0.92]})

    raw, smooth = long(924.0, 0.308), long(95.0, 0.045)
    got = ind.cow_readings(raw, smooth)
    y, se = got["dep"]
    assert y[1] == pytest.approx(np.arcsin(np.sqrt(0.045)))
    assert se[1] == pytest.approx(np.arcsin(np.sqrt(0.308)) - np.arcsin(np.sqrt(0.045)))
    assert se[0] == 0 and se[2] == 0 and y[2] == pytest.approx(np.arcsin(np.sqrt(0.92)))
    y, se = got["vol"]
    assert y[1] == pytest.approx(np.log1p(95.0)) and se[1] == pytest.approx(np.log1p(924.0) - np.log1p(95.0))


def test_real_prk_rus_1996_trade_spike_is_tempered(real_wh):
    obs = ind.trade_indicators(real_wh, ["PRK", "RUS"], "economic")
    cow = obs[(obs["indicator"] == "trade.dep:COW_v4")].set_index("year")
    assert cow.loc[1996, "se"] > 0.3  # raw 30.8 % dependence against 4-5 % smoothed
    assert cow.loc[1996, "y"] < cow.loc[1995, "y"] + 0.05  # no spike in the observed value
    assert (cow.loc[1997:2005, "se"] < 0.01).all()  # rows COW left alone, or barely touched (2003)


def test_series_offsets_come_from_the_overlap():
    rows = []
    for y in range(2000, 2010):
        rows.append(("A", "B", y, "trade", "trade.dep:COW_v4", "economic", 0.5, 0.0, "s"))
        if y >= 2005:
            rows.append(("A", "B", y, "trade", "trade.dep:KOTRA", "economic", 0.6, 0.0, "s"))
    obs = pd.DataFrame(rows, columns=["a", "b", "year", "family", "indicator", "domain", "y", "se", "source"])
    delta = im.series_offsets(obs, ind.bases(obs["indicator"].unique()), im.Priors())
    assert delta["trade.dep:KOTRA"] == pytest.approx(0.1 * 20 / 21)  # five overlaps at 4x the prior's weight


def test_path_covariance_is_markov_in_the_lag_one_correlations():
    rows = pd.DataFrame({"political_sd": [1.0, 2.0, 1.0], "political_r1": [np.nan, 0.5, 0.5],
                         "economic_sd": np.nan, "economic_r1": np.nan})
    cov = idx.path_covariance(rows, "political")
    assert cov[0, 1] == pytest.approx(1.0) and cov[0, 2] == pytest.approx(0.25) and cov[1, 1] == 4.0


def _dense_path_posterior(resid, lam, ovar, tau2, phi):
    """The latent path's posterior covariance by brute force: the joint Gaussian of (x_1..x_T, b_1..b_K) with the
    stationary AR(1) prior and the observations, inverted as one dense matrix (no Kalman recursions)."""
    T, K = resid.shape
    k = np.arange(T)
    prior = np.zeros((T + K, T + K))
    prior[:T, :T] = phi ** np.abs(k[:, None] - k[None, :])
    prior[T:, T:] = np.diag(tau2)
    seen = list(zip(*np.nonzero(np.isfinite(resid))))
    H = np.zeros((len(seen), T + K))
    for i, (t, j) in enumerate(seen):
        H[i, t], H[i, T + j] = lam[j], 1.0
    S = H @ prior @ H.T + np.diag([ovar[t, j] for t, j in seen])  # covariance form: tau2 = 0 is allowed
    post = prior - prior @ H.T @ np.linalg.solve(S, H @ prior)
    return post[:T, :T]


def test_path_covariance_is_exact_with_persistent_effects():
    """im.path_cov (smoother gains of the augmented state) against the dense joint posterior: the latent's path
    with random effects is not Markov, and the chain of lag-one correlations misses its long-range part."""
    rng = np.random.default_rng(3)
    T, K, phi = 12, 3, 0.8
    lam, tau2 = np.array([0.9, 0.5, 1.2]), np.array([0.3, 0.0, 0.6])  # one indicator without a persistent part
    resid = rng.normal(size=(T, K))
    resid[rng.random((T, K)) < 0.3] = np.nan  # missing observations
    resid[4:7, :] = np.nan  # years without any
    ovar = np.where(np.isfinite(resid), rng.uniform(0.2, 1.0, (T, K)), np.nan)
    mod = im.DyadLatent(resid, lam, ovar, tau2, phi)
    res = mod.ssm.smooth()
    exact = im.path_cov(mod, res)
    dense = _dense_path_posterior(resid, lam, ovar, tau2, phi)
    np.testing.assert_allclose(exact, dense, atol=1e-10)
    sd = np.sqrt(np.diag(exact))
    r1 = np.r_[np.nan, [exact[t, t - 1] / (sd[t] * sd[t - 1]) for t in range(1, T)]]
    chain = idx.path_covariance(pd.DataFrame({"political_sd": sd, "political_r1": r1}), "political")
    assert np.abs(chain - dense).max() > 0.05  # what the exact matrix fixes
    np.testing.assert_allclose(im.prior_path_cov(3, 0.5), [[1, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 1]])


def test_weights_file_is_checked(tmp_path):
    bad = tmp_path / "w.toml"
    for text, match in (("[political]\nnot_a_family = 1\n", "not_a_family"), ("[political]\nunga = -1\n", "unga"),
                        ("[political]\nunga = 1\n[economic]\nunga = 1\n", "both domains"),
                        ("[model]\ndynamics = 'rw'\n", "dynamics"), ("[priors]\nfoo = 1\n", "foo"),
                        ("[draws]\nlevel = 2\n", "level")):
        bad.write_text(text)
        with pytest.raises(UsageError, match=match):
            idx.load_weights(bad)
    with pytest.raises(UsageError, match="does not exist"):
        idx.load_weights(tmp_path / "none.toml")


def test_default_weights_load_and_cover_the_new_families():
    w = idx.load_weights()
    assert w.replicates == 25 and w.level == 0.9 and "PRK" in w.reference
    assert w.domain_of("trade") == "economic"
    for fam in ("cobelligerency", "diplomacy", "arms", "alliance_portfolio", "igo"):
        assert w.domain_of(fam) == "political"
    assert w.composite_weights() == {"political": 0.5, "economic": 0.5}


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


# ------------------------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def prk_index(real_wh):
    return idx.dyad_index(real_wh, ["PRK", "CHN", "RUS"], return_panel=True)


def test_index_rows_carry_intervals_and_informing_families(prk_index):
    di, panel, _ = prk_index
    row = di[(di.a == "CHN") & (di.b == "PRK") & (di.year == 2019)].iloc[0]
    assert row.composite_lo < row.composite < row.composite_hi
    assert row.political_lo < row.political < row.political_hi
    fams = set(row.families.split(","))
    assert {"unga", "treaties"} <= fams and row.n_families == len(fams)
    assert set(panel["family"]) >= {"unga", "trade", "treaties"}


def test_composite_changes_only_with_the_political_latent(prk_index):
    """PRK-CHN 2010-2025: no year-on-year composite change above 1.0 unless political moves the same way by at
    least half as much (the old index jumped 2.8 when the trade series came and went)."""
    di, _, _ = prk_index
    d = di[(di.a == "CHN") & (di.b == "PRK") & di.year.between(2010, 2025)].sort_values("year")
    dc, dp = d["composite"].diff().iloc[1:], d["political"].diff().iloc[1:]
    bad = (dc.abs() > 1.0) & ~((np.sign(dp) == np.sign(dc)) & (dp.abs() >= dc.abs() / 2))
    assert not bad.any(), d[["year", "composite", "political"]]


def test_no_single_family_decides_the_index(real_wh):
    """Leave-one-family-out on PRK-CHN and PRK-RUS, 1991-2025: the composite moves by less than its 90 %
    interval's half-width in at least 90 % of the family x dyad-year cases."""
    inf = pd.concat([idx.family_influence(real_wh, p, years=(1991, 2025)) for p in (["PRK", "CHN"], ["PRK", "RUS"])])
    share = inf["within"].mean()
    print(f"leave-one-family-out share within the half-width: {share:.3f}; per family: "
          + " ".join(f"{f}={v:.3f}" for f, v in inf.groupby("family")["within"].mean().sort_values().items()))
    assert share >= 0.9


def test_glance_and_coverage_tables(prk_index):
    di, panel, _ = prk_index
    g = idx.glance_table(di, [("PRK", "CHN"), ("PRK", "RUS")])
    assert list(g["dyad"]) == ["PRK–CHN", "PRK–RUS"]
    for yr in idx.GLANCE_YEARS:
        assert (g[f"change_since_{yr}_lo"] <= g[f"change_since_{yr}"]).all()
        assert (g[f"change_since_{yr}"] <= g[f"change_since_{yr}_hi"]).all()
    cov = idx.coverage_table(panel)
    prk_chn_1955 = set(cov[(cov.a == "CHN") & (cov.b == "PRK") & (cov.year == 1955)]["family"])
    assert {"treaties", "alliance_portfolio"} <= prk_chn_1955 and "unga" not in prk_chn_1955
