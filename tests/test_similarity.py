"""Similarity measures: published examples (Signorino & Ritter 1999, fpsim's documented outputs), equality with
the unga family's conventions, both computation routes against a plain per-pair reference, properties
(hypothesis), NA handling, the alliance and IGO portfolio families on a tiny warehouse, and the CLI."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from scipy import stats

from alignwatch import similarity as sim
from alignwatch.cli import main
from alignwatch.errors import UsageError
from alignwatch.measures import alliance_portfolio as ap
from alignwatch.measures import families
from alignwatch.measures import igo
from alignwatch.measures import unga
from test_treaties import _alliance  # (a, b, first, last, obligations) -> yearly rows, both orders

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EPS = 1e-9

# --------------------------------------------------------------------------------------- published examples

# Signorino & Ritter (1999), Table 6: the alliance portfolios of Germany and Russia over the European states of
# 1914 (3 defence, 1 entente, 0 none; each state at 3 with itself) and the states' capability shares. Transcribed
# from fpsim's data set ``gmyrus14`` as printed in Steven V. Miller, "Some Comments on (Weighting) Alliance
# Measures of Foreign Policy Similarity", svmiller.com/blog/2026/06/alliances-weighting-foreign-policy-similarity
GMYRUS14 = pd.DataFrame(
    [("GMY", 0.25, 3, 0), ("RUS", 0.21, 0, 3), ("UKG", 0.2, 0, 1), ("FRN", 0.08, 0, 3), ("AUH", 0.08, 3, 0),
     ("ITA", 0.05, 3, 1), ("BEL", 0.03, 0, 0), ("SPN", 0.03, 0, 0), ("TUR", 0.02, 0, 0), ("NTH", 0.01, 0, 0),
     ("SWD", 0.01, 0, 0), ("RUM", 0.01, 3, 0), ("POR", 0.01, 0, 0), ("SWZ", 0.01, 0, 0), ("GRC", 0.0, 0, 0),
     ("DEN", 0.0, 0, 0), ("YUG", 0.0, 0, 0), ("BUL", 0.0, 0, 0), ("NOR", 0.0, 0, 0), ("ALB", 0.0, 0, 0)],
    columns=["state", "syscap", "gmy", "rus"])
L03 = [0, 1, 2, 3]


def test_signorino_ritter_1914_table6():
    """Their Table 6: τb ~ 0.03 (no association), unweighted S 0.40, capability-weighted S -0.46."""
    g, r, w = GMYRUS14["gmy"], GMYRUS14["rus"], GMYRUS14["syscap"]
    assert sim.s_score(g, r) == pytest.approx(0.4, abs=1e-12)
    assert sim.s_score(g, r, weights=w) == pytest.approx(-0.46, abs=1e-12)
    assert sim.tau_b(g, r) == pytest.approx(0.03031695, abs=5e-9)


def test_fpsim_documented_outputs():
    """fpsim's reference pages print these for gmyrus14 (cohenk, spi, taub, bcai; levels = 0:3)."""
    g, r = GMYRUS14["gmy"], GMYRUS14["rus"]
    assert sim.cohenk(g, r, levels=L03) == pytest.approx(-0.07758621, abs=5e-9)  # w_exp = 2: quadratic
    assert sim.spi(g, r, levels=L03, weighting="none") == pytest.approx(-0.04477612, abs=5e-9)  # unweighted
    assert sim.taub(g, r) == pytest.approx(stats.kendalltau(g, r).statistic, abs=1e-12)
    assert sim.bcai(g, r, levels=L03) == pytest.approx(-0.04, abs=1e-12)
    assert sim.bcai(g, r, levels=L03, distance="squared") == pytest.approx(-0.04, abs=1e-12)


def test_signorino_gauss_example():
    """The example call in Signorino's GAUSS procedure S.g: S(Ai, Aj, W, 3) with every distance 1 gives 1/3."""
    assert sim.s_score([3, 3, 2, 2], [2, 2, 3, 3], weights=[.5, .3, .1, .1], levels=L03) == pytest.approx(1 / 3)


def test_fpsim_usamex46(real_wh):
    """fpsim's ``usamex46`` (USA and Mexico, the 38 roll calls of 1946 in Voeten's data; 1 yes, 2 abstain, 3 no):
    cohenk -0.01222707, spi -0.02775801, taub 0.01431261 (fpsim reference pages)."""
    d = real_wh.query("""SELECT a.vote AS va, b.vote AS vb FROM unga_votes a JOIN unga_votes b USING (rcid)
                         JOIN unga_roll_calls r USING (rcid)
                         WHERE a.iso3 = 'USA' AND b.iso3 = 'MEX' AND year(r.date) = 1946""")
    code = {"yes": 1, "abstain": 2, "no": 3}
    x, y = d["va"].map(code), d["vb"].map(code)
    assert len(d) == 38
    assert sim.cohenk(x, y) == pytest.approx(-0.01222707, abs=5e-9)
    assert sim.spi(x, y, weighting="none") == pytest.approx(-0.02775801, abs=5e-9)
    assert sim.taub(x, y) == pytest.approx(0.01431261, abs=5e-9)


# ------------------------------------------------------------------------------- the unga family's numbers

counts = hs.integers(min_value=0, max_value=25)


@FAST
@given(hs.lists(hs.lists(hs.lists(counts, min_size=3, max_size=3), min_size=3, max_size=3), min_size=1, max_size=6))
def test_same_numbers_as_unga_family(rows):
    """On yes/abstain/no tables (positions 1, 0.5, 0): S absolute with d_max 1, quadratic κ and π, identical share
    and Voeten's agreement equal ``unga.measures_from_tables``."""
    tab = np.array(rows, dtype=float)
    ours = sim.measures_from_tables(tab, [1.0, 0.5, 0.0], ["s_abs", "kappa_quadratic", "pi_quadratic", "agree",
                                                           "voeten"])
    theirs = unga.measures_from_tables(tab)
    for mine, their in (("s_abs", "s_score"), ("kappa_quadratic", "kappa"), ("pi_quadratic", "pi"),
                        ("agree", "agree_identical"), ("voeten", "agree_voeten")):
        np.testing.assert_allclose(ours[mine], theirs[their], rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=mine)


def test_unga_portfolio_matches_unga_family(real_wh):
    from alignwatch.measures import _vote_portfolio as vp

    fam = unga.dyad_years(real_wh, ["CHN", "PRK"], (1991, 2019)).set_index("year")
    for s, col in ((sim.spec("s", "abs"), "s_score"), (sim.spec("kappa", "squared"), "kappa")):
        ours = vp.dyad_years(real_wh, ["PRK", "CHN"], (1991, 2019), s).set_index("year")
        np.testing.assert_allclose(ours[s.column], fam[col], rtol=1e-9, atol=1e-12)
        assert (ours["n_objects"] == fam["n_joint"]).all()


# --------------------------------------------------------------------- both routes against a plain reference


def _reference(x, y, w, levels, s: sim.Spec) -> float:
    """A straightforward implementation from the definitions, one pair at a time."""
    lv = np.asarray(levels, dtype=float)
    ok = ~np.isnan(x) & ~np.isnan(y) & (~np.isnan(w) if w is not None else True)
    x, y = x[ok], y[ok]
    w = np.ones(x.size) if w is None else w[ok]
    if x.size == 0 or w.sum() == 0:
        return np.nan
    if s.measure == "taub":
        with warnings.catch_warnings():  # scipy warns (and returns NaN) for one object or a constant side
            warnings.simplefilter("ignore")
            return stats.kendalltau(x, y).statistic
    rng = lv.max() - lv.min()
    if s.measure == "agree":
        return np.sum(w * (x == y)) / w.sum()
    if s.measure == "voeten":
        return 1 - np.sum(w * np.abs(x - y)) / w.sum() / rng if rng else np.nan
    f = {"abs": np.abs, "squared": np.square, "nominal": lambda d: (d != 0).astype(float)}[s.distance]
    do = np.sum(w * f(x - y)) / w.sum()
    p = np.array([np.sum(w * (x == v)) for v in lv]) / w.sum()
    q = np.array([np.sum(w * (y == v)) for v in lv]) / w.sum()
    d = f(lv[:, None] - lv[None, :])
    if s.measure in ("s", "a"):
        dmax = rng if s.distance == "abs" else rng ** 2
        if not dmax:
            return np.nan
        return 1 - 2 * do / dmax if s.measure == "s" else 2 * (p @ d @ q - do) / dmax
    m = (p + q) / 2
    de = p @ d @ q if s.measure == "kappa" else m @ d @ m
    return 1 - do / de if de > 1e-12 else np.nan


@hs.composite
def portfolios(draw, max_levels: int = 5):
    k = draw(hs.integers(1, max_levels))
    levels = sorted(draw(hs.sets(hs.integers(-3, 9), min_size=k, max_size=k)))
    r = draw(hs.integers(2, 5))
    m = draw(hs.integers(1, 12))
    vals = draw(hs.lists(hs.lists(hs.one_of(hs.sampled_from(levels), hs.none()), min_size=m, max_size=m),
                         min_size=r, max_size=r))
    v = np.array([[np.nan if z is None else z for z in row] for row in vals], dtype=float)
    weight = hs.one_of(hs.just(0.0), hs.floats(0.01, 1), hs.none())
    w = draw(hs.one_of(hs.none(), hs.lists(weight, min_size=m, max_size=m)))
    w = None if w is None else np.array([np.nan if z is None else z for z in w], dtype=float)
    return v, levels, w


@FAST
@given(portfolios())
def test_table_and_direct_routes_equal_the_reference(case):
    v, levels, w = case
    specs = [s for s in sim.ALL_SPECS if not (w is not None and s.measure == "taub")]
    tab = sim.pairwise(v, levels=levels, weights=w, measures=specs, method="table")
    direct = sim.pairwise(v, levels=levels, weights=w, measures=specs, method="direct")
    for p, (i, j) in enumerate(zip(tab["i"], tab["j"])):
        for s in specs:
            ref = _reference(v[i], v[j], w, levels, s)
            assert tab[s.column][p] == pytest.approx(ref, abs=1e-9, nan_ok=True), (s.column, "table")
            assert direct[s.column][p] == pytest.approx(ref, abs=1e-9, nan_ok=True), (s.column, "direct")


def test_many_levels_take_the_direct_route():
    rng = np.random.default_rng(7)
    v = rng.integers(0, 40, size=(6, 30)).astype(float)
    v[rng.random(v.shape) < 0.1] = np.nan
    res = sim.pairwise(v, levels=np.arange(40), measures=sim.ALL_SPECS)  # 40 levels > TABLE_MAX_LEVELS
    for p, (i, j) in enumerate(zip(res["i"], res["j"])):
        for s in sim.ALL_SPECS:
            assert res[s.column][p] == pytest.approx(_reference(v[i], v[j], None, np.arange(40), s), abs=1e-9,
                                                     nan_ok=True), s.column


# ------------------------------------------------------------------------------------------------ properties


@FAST
@given(portfolios())
def test_symmetric_in_the_pair(case):
    v, levels, w = case
    specs = [s for s in sim.ALL_SPECS if not (w is not None and s.measure == "taub")]
    ab = sim.pairwise(v[:2], levels=levels, weights=w, measures=specs)
    ba = sim.pairwise(v[1::-1], levels=levels, weights=w, measures=specs)
    for s in specs:
        assert ab[s.column][0] == pytest.approx(ba[s.column][0], abs=1e-12, nan_ok=True), s.column


@FAST
@given(portfolios(), hs.randoms(use_true_random=False))
def test_invariant_to_object_order(case, rnd):
    v, levels, w = case
    perm = list(range(v.shape[1]))
    rnd.shuffle(perm)
    specs = [s for s in sim.ALL_SPECS if not (w is not None and s.measure == "taub")]
    a = sim.pairwise(v, levels=levels, weights=w, measures=specs)
    b = sim.pairwise(v[:, perm], levels=levels, weights=None if w is None else w[perm], measures=specs)
    for s in specs:
        np.testing.assert_allclose(a[s.column], b[s.column], atol=1e-12, equal_nan=True, err_msg=s.column)


@FAST
@given(portfolios())
def test_bounds(case):
    v, levels, w = case
    specs = [s for s in sim.ALL_SPECS if not (w is not None and s.measure == "taub")]
    res = sim.pairwise(v, levels=levels, weights=w, measures=specs)
    bounds = {"s": (-1, 1), "taub": (-1, 1), "agree": (0, 1), "voeten": (0, 1), "kappa": (-np.inf, 1),
              "pi": (-np.inf, 1), "a": (-2, 2)}
    for s in specs:
        x = res[s.column][~np.isnan(res[s.column])]
        lo, hi = bounds[s.measure]
        assert ((x >= lo - EPS) & (x <= hi + EPS)).all(), (s.column, x)


@FAST
@given(portfolios())
def test_identity(case):
    """A portfolio compared with itself: S, agreement and Voeten 1; κ, π, τb 1 wherever it varies; A >= 0."""
    v, levels, w = case
    x = v[0]
    both = np.vstack([x, x])
    specs = [s for s in sim.ALL_SPECS if not (w is not None and s.measure == "taub")]
    res = sim.pairwise(both, levels=levels, weights=w, measures=specs)
    ok = ~np.isnan(x) & (~np.isnan(w) & (w > 0) if w is not None else True)
    if not ok.any():
        return
    varies = np.unique(x[ok]).size > 1
    for s in specs:
        val = res[s.column][0]
        if s.measure in ("s", "agree", "voeten") and len(levels) > 1:
            assert val == pytest.approx(1.0), s.column
        elif s.measure in ("kappa", "pi", "taub") and varies:
            assert val == pytest.approx(1.0), s.column
        elif s.measure == "a" and len(levels) > 1:
            assert val >= -EPS


def test_missing_values_and_no_variation_are_na_never_zero():
    nan = np.nan
    v = np.array([[1, 0, nan, nan], [nan, nan, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1]], dtype=float)
    res = sim.pairwise(v, levels=[0, 1], measures=sim.ALL_SPECS)
    pair = dict(zip(zip(res["i"], res["j"]), range(res["i"].size)))
    p01 = pair[(0, 1)]  # no joint object
    assert res["n_objects"][p01] == 0
    assert all(np.isnan(res[s.column][p01]) for s in sim.ALL_SPECS)
    p23 = pair[(2, 3)]  # identical, no variation: S = 1, κ/π/τb undefined
    assert res["s_abs"][p23] == 1.0 and res["agree"][p23] == 1.0
    assert np.isnan(res["kappa_quadratic"][p23]) and np.isnan(res["pi_unweighted"][p23]) and np.isnan(res["taub"][p23])
    assert np.isnan(sim.s_score([2, 2], [2, 2]))  # one level: d_max 0, S undefined


def test_bad_input_is_one_usage_error():
    with pytest.raises(UsageError, match="same length"):
        sim.s_score([1, 2], [1, 2, 3])
    with pytest.raises(UsageError, match="not one of the declared levels"):
        sim.kappa([0, 4], [0, 1], levels=L03)
    with pytest.raises(UsageError, match="no weighted form"):
        sim.pairwise(np.zeros((2, 3)), weights=[1, 1, 1], measures=["taub"])
    with pytest.raises(UsageError, match="unknown similarity measure"):
        sim.similarity([1], [1], "tau")
    with pytest.raises(UsageError, match="takes distance"):
        sim.similarity([1], [1], "s", "nominal")
    with pytest.raises(UsageError, match="takes no distance"):
        sim.similarity([1], [1], "taub", "abs")
    with pytest.raises(UsageError, match=">= 0"):
        sim.s_score([1, 2], [1, 2], weights=[1, -1])
    with pytest.raises(UsageError, match="numbers"):
        sim.s_score(["yes", "no"], [1, 2])
    with pytest.raises(UsageError, match="weighting"):
        sim.kappa([1, 2], [1, 2], weighting="cubic")


def test_pairwise_frame_and_missing_as_none():
    df = pd.DataFrame({"x": [3, 0, None], "y": [0, 3, 3], "z": [1, 1, 3]}, index=["GMY", "RUS", "FRN"])
    out = sim.pairwise_frame(df, levels=L03, measures=["s_abs", "taub"])
    assert list(zip(out["a"], out["b"])) == [("GMY", "RUS"), ("GMY", "FRN"), ("RUS", "FRN")]
    assert out.loc[1, "n_objects"] == 2  # FRN's x is missing: two joint objects
    assert out.loc[0, "s_abs"] == pytest.approx(sim.s_score([3, 0, 1], [0, 3, 1], levels=L03))


# ------------------------------------------------------------------------------------ the portfolio families


ATOP_COLS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
COW_COLS = ("cow_defense", "cow_neutral", "cow_nonagg", "cow_entente")
ATOP = _alliance([
    ("CHN", "PRK", 1961, 2018, {"atop_defense": 1, "atop_nonagg": 1}),
    ("PRK", "RUS", 1961, 1996, {"atop_defense": 1}),
    ("CHN", "RUS", 1950, 1979, {"atop_offense": 1}),  # offence counts as defence (3)
    ("CHN", "USA", 1970, 1975, {"atop_consul": 1}),    # consultation only: entente (1)
    ("RUS", "USA", 1970, 1975, {"atop_nonagg": 1}),    # non-aggression: 2
], ATOP_COLS)
COW = _alliance([("CHN", "PRK", 1961, 2012, {"cow_entente": 1})], COW_COLS)
IGO_NDY = pd.DataFrame([{"iso3_1": a, "iso3_2": b, "year": y, "dyadigos": n}
                        for y in (2000, 2001) for a, b, n in (("CHN", "PRK", 30), ("CHN", "USA", 60),
                                                              ("PRK", "USA", 10), ("CHN", "RUS", 50))])
IGO_SY = pd.DataFrame([{"iso3": s, "year": y, "sum_igo_full": n} for y in (2000, 2001)
                       for s, n in (("CHN", 70), ("PRK", 30), ("USA", 90), ("RUS", 40))])  # RUS: 40 < 50 shared
NMC = pd.DataFrame([{"iso3": s, "year": y, "cinc": c} for y in range(1960, 1980)
                    for s, c in (("CHN", .12), ("PRK", .01), ("RUS", .17), ("USA", .20))])


@pytest.fixture(scope="module")
def pwh(tmp_path_factory):
    from conftest import make_warehouse

    w = make_warehouse(tmp_path_factory.mktemp("similarity") / "wh.duckdb", ps_atop_alliance=ATOP,
                       ps_cow_alliance=COW, ps_cow_igo_ndy=IGO_NDY, ps_cow_igo_sy=IGO_SY, ps_cow_nmc=NMC)
    yield w
    w.close()


def test_registered_as_political_families():
    fams = families()
    for name in ("alliance_portfolio", "igo"):
        assert fams[name].domain == "political" and "s_squared" in fams[name].columns


def test_alliance_portfolio_levels_own_entry_and_coverage(pwh):
    from alignwatch import states

    df = ap.dyad_years(pwh, ["PRK", "CHN", "RUS", "USA"], (1945, 2020)).set_index(["a", "b", "year"])
    # the portfolios over the 1972 state system, rebuilt by hand: own entry 3, ATOP levels mapped
    members = states.members(1972)
    port = {s: pd.Series(0.0, index=members) for s in ("CHN", "PRK", "RUS", "USA")}
    for a, b, lvl in (("CHN", "PRK", 3), ("PRK", "RUS", 3), ("CHN", "RUS", 3), ("CHN", "USA", 1), ("RUS", "USA", 2)):
        port[a][b] = port[b][a] = lvl
    for s in port:
        port[s][s] = 3
    row = df.loc[("CHN", "PRK", 1972)]
    assert row["n_objects"] == len(members)
    assert row["s_squared"] == pytest.approx(sim.s_score(port["CHN"], port["PRK"], distance="squared", levels=L03))
    assert row["kappa_quadratic"] == pytest.approx(sim.kappa(port["CHN"], port["PRK"], levels=L03))
    assert row["taub"] == pytest.approx(sim.tau_b(port["CHN"], port["PRK"]))
    assert row["score"] == row["s_squared"] and row["measure"] == "Signorino-Ritter S"
    assert row["source"] == "ps_atop_alliance"
    # NA, never 0: PRK outside the state system in 1945; every pair after ATOP's last year
    assert df.loc[("CHN", "PRK", 1945), "na_reason"] == "PRK not in the state system"
    assert np.isnan(df.loc[("CHN", "PRK", 1945), "score"])
    assert df.loc[("CHN", "PRK", 2019), "na_reason"] == "outside ATOP coverage (1816-2018)"
    assert pd.isna(df.loc[("CHN", "PRK", 2019), "source"])
    assert df.reset_index().eval("a < b").all()


def test_alliance_options_cow_weights_and_measures(pwh):
    cow = ap.dyad_years(pwh, ["PRK", "CHN"], (2011, 2013), source_name="cow").set_index("year")
    assert cow.loc[2013, "na_reason"] == "outside COW alliances coverage (1816-2012)"
    assert cow.loc[2012, "source"] == "ps_cow_alliance"
    w = ap.dyad_years(pwh, ["PRK", "CHN"], (1970, 1970), weights="capabilities", measure="kappa").iloc[0]
    assert w["source"] == "ps_atop_alliance; ps_cow_nmc" and w["weighting"].startswith("capabilities")
    assert w["n_objects"] == 4  # only the four states with a CINC weight count
    assert w["score"] == w["kappa_quadratic"]
    with pytest.raises(UsageError, match="no weighted form"):
        ap.dyad_years(pwh, ["PRK", "CHN"], (1970, 1970), weights="capabilities", measure="taub")
    with pytest.raises(UsageError, match="at least two"):
        ap.dyad_years(pwh, ["PRK"], None)
    with pytest.raises(UsageError, match="unknown alliance source"):
        ap.dyad_years(pwh, ["PRK", "CHN"], None, source_name="eugene")
    with pytest.raises(UsageError, match="weights"):
        ap.dyad_years(pwh, ["PRK", "CHN"], None, weights="gdp")


def test_full_panel_is_cached_and_matches_the_pair(pwh):
    """Every dyad of the system, cached once (a short coverage keeps the test fast)."""
    import dataclasses

    from alignwatch import states
    from alignwatch.measures import _portfolio

    short = dataclasses.replace(ap.SOURCES["atop"], key="test_short", years=(1971, 1972))
    opts = ap.Options()
    full = _portfolio.dyad_years(ap.FAMILY, short, pwh, None, None, opts)
    assert "_cache_" + ap.FAMILY.cache_key("test_short_none") in pwh.tables()
    again = _portfolio.dyad_years(ap.FAMILY, short, pwh, None, None, opts)  # read back from the cache
    pd.testing.assert_series_equal(full["s_squared"], again["s_squared"])
    members = len(states.members(1972))
    assert (full["year"] == 1972).sum() == members * (members - 1) // 2
    pair = ap.dyad_years(pwh, ["CHN", "PRK"], (1972, 1972)).iloc[0]
    row = full[(full.a == "CHN") & (full.b == "PRK") & (full.year == 1972)].iloc[0]
    for c in ("s_squared", "kappa_quadratic", "taub", "a_abs", "n_objects"):
        assert row[c] == pytest.approx(pair[c])


def test_igo_counts_own_entry_and_missing_pairs(pwh):
    from alignwatch import states

    df = igo.dyad_years(pwh, ["PRK", "CHN", "RUS"], (2000, 2015)).set_index(["a", "b", "year"])
    members = states.members(2000)
    # pairs absent from the dyadic file are not observed: only the listed pairs and the own entries count
    row = df.loc[("CHN", "PRK", 2000)]
    assert row["n_objects"] == 3  # CHN, PRK, USA: RUS has no tie with PRK in the file
    chn = pd.Series(np.nan, index=members)
    prk = chn.copy()
    chn[["CHN", "PRK", "USA", "RUS"]] = [70, 30, 60, 50]
    prk[["CHN", "PRK", "USA"]] = [30, 30, 10]
    levels = np.arange(0, 91)  # 0 .. the year's largest count (USA's own 90)
    assert row["s_squared"] == pytest.approx(sim.s_score(chn, prk, distance="squared", levels=levels))
    assert row["kappa_quadratic"] == pytest.approx(sim.kappa(chn, prk, levels=levels))
    # RUS's own entry is raised to its largest shared count (50 > 40)
    rus = df.loc[("CHN", "RUS", 2000)]
    chn_rus = pd.Series(np.nan, index=members)
    chn_rus[["CHN", "RUS"]] = [50, 50]
    assert rus["n_objects"] == 2
    assert rus["s_abs"] == pytest.approx(sim.s_score(chn[["CHN", "RUS"]], chn_rus[["CHN", "RUS"]], levels=levels))
    assert df.loc[("CHN", "PRK", 2015), "na_reason"] == "outside COW IGO coverage (1816-2014)"


# ------------------------------------------------------------------------------------------------------- CLI


def test_cli_typed_order_columns_and_errors(pwh, capsys):
    db = str(pwh.path)
    assert main(["similarity", "PRK", "CHN", "--from", "1961", "--to", "1962", "--db", db, "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["a"], r["b"], r["year"]) for r in rows] == [("PRK", "CHN", 1961), ("PRK", "CHN", 1962)]
    assert {"s_squared", "measure", "distance", "weighting", "source"} <= set(rows[0])
    assert rows[0]["distance"] == "squared distances" and rows[0]["source"] == "ps_atop_alliance"
    assert main(["similarity", "CHN", "PRK", "RUS", "-m", "kappa", "-d", "abs", "--from", "1972", "--to", "1972",
                 "--db", db, "-f", "csv"]) == 0
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert list(zip(out.a, out.b)) == [("CHN", "PRK"), ("CHN", "RUS"), ("PRK", "RUS")]
    assert "kappa_linear" in out.columns
    assert main(["similarity", "PRK", "CHN", "-m", "taub", "-w", "capabilities", "--db", db]) == 2
    assert main(["similarity", "PRK", "PRK", "--db", db]) == 2
    assert main(["similarity", "PRK", "CHN", "-m", "s", "-d", "nominal", "--db", db]) == 2
    assert main(["similarity", "PRK", "CHN", "-p", "unga", "-w", "capabilities", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 4


def test_cli_must_show_on_real_data(real_wh, capsys):
    assert main(["similarity", "PRK", "CHN", "--portfolio", "alliances", "--measure", "s", "--from", "1961",
                 "--to", "1965", "--db", str(real_wh.path)]) == 0
    out = capsys.readouterr().out
    for word in ("Signorino-Ritter S", "squared distances", "unweighted", "ps_atop_alliance", "PRK", "1965"):
        assert word in out


def test_real_alliances_react_to_the_1961_treaties(real_wh):
    """ATOP: the 1961 Sino-DPRK and Soviet-DPRK treaties make the two portfolios agree beyond chance."""
    df = ap.dyad_years(real_wh, ["CHN", "PRK"], (1959, 1962), measure="kappa").set_index("year")
    assert df.loc[1960, "score"] < 0.05 < 0.5 < df.loc[1961, "score"]
    assert (df["n_objects"] == df.index.map(lambda y: len(__import__("alignwatch.states", fromlist=["m"])
                                                           .members(y)))).all()


def test_igo_without_memberships_is_no_evidence_not_zero(real_wh):
    """The DPRK belonged to no IGO before 1956 (COW IGO): its portfolio is all zeros, so kappa (the igo score)
    would read 0, "no better than chance", and pull the index down in the Korean War years. It is NA, with why."""
    df = igo.dyad_years(real_wh, ["PRK", "CHN"], (1950, 1957)).set_index("year")
    assert df.loc[1950:1955, "score"].isna().all()
    assert (df.loc[1950:1955, "na_reason"] == "undefined (a side without variation)").all()
    assert df.loc[1950:1955, "s_squared"].notna().all()  # S is still defined: both rows compared level by level
    assert df.loc[1957, "score"] > 0.5


def test_benati_capurri_a_column_is_not_a_side():
    from alignwatch.measures.registry import orient_columns

    df = pd.DataFrame({"a_squared": [0.1], "dep_a": [0.2], "dep_b": [0.3]})
    out = orient_columns(df, "PRK", "CHN")
    assert list(out.columns) == ["a_squared", "dep_PRK", "dep_CHN"]
