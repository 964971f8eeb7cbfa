"""UNGA agreement measures: hand-computed tables, the China seat, PRK before 1991, absences, options, speed path."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from alignwatch.errors import UsageError
from alignwatch.measures import unga

# ------------------------------------------------------------------------------------------------ fixtures


def _roll_calls(specs):
    """specs: rcid -> (date, session, important)."""
    return pd.DataFrame({
        "rcid": list(specs),
        "session": [s for _, s, _ in specs.values()],
        "importantvote": pd.array([i for _, _, i in specs.values()], dtype="Int8"),
        "date": [dt.date.fromisoformat(d) for d, _, _ in specs.values()],
        "amend": 0, "para": 0, "unres": "", "short": "", "descr": [f"resolution {r}" for r in specs],
    })


def _votes(rows):
    """rows: (rcid, iso3, vote) -> tidy votes table."""
    df = pd.DataFrame(rows, columns=["rcid", "iso3", "vote"])
    df["country"] = df["iso3"]
    df["country_code"] = df["iso3"].str[:2]
    return df[["rcid", "country", "country_code", "vote", "iso3"]]


def _issues():
    return pd.DataFrame({"rcid": pd.Series([], dtype="int64"), "short_name": pd.Series([], dtype="string"),
                         "issue": pd.Series([], dtype="string")})


def _wh(tiny_wh, votes, roll_calls, issues=None, **more):
    return tiny_wh(unga_votes=votes, unga_roll_calls=roll_calls, unga_issues=_issues() if issues is None else issues,
                   **more)


def _row(df, a, b, year):
    lo, hi = sorted((a, b))
    r = df[(df.a == lo) & (df.b == hi) & (df.year == year)]
    assert len(r) == 1, r
    return r.iloc[0]


FOUR = _roll_calls({i: (f"2001-10-0{i}", 56, 0) for i in range(1, 5)})


# ------------------------------------------------------------------------------------- hand-computed measures


def test_perfect_agreement(tiny_wh):
    votes = [(i, s, v) for s in ("FRA", "GBR") for i, v in zip(range(1, 5), ["yes", "yes", "no", "abstain"])]
    df = unga.dyad_years(_wh(tiny_wh, _votes(votes), FOUR), use_cache=False)
    r = _row(df, "FRA", "GBR", 2001)
    assert r.n_joint == 4
    for m in unga.MEASURES:
        assert r[m] == pytest.approx(1.0), m
    assert r.score == 1.0 and pd.isna(r.na_reason) and pd.isna(r.kappa_na) and r.source == "unga_votes"


def test_perfect_disagreement(tiny_wh):
    votes = [(1, "USA", "yes"), (2, "USA", "no"), (3, "USA", "yes"), (4, "USA", "no"),
             (1, "CUB", "no"), (2, "CUB", "yes"), (3, "CUB", "no"), (4, "CUB", "yes")]
    r = _row(unga.dyad_years(_wh(tiny_wh, _votes(votes), FOUR), use_cache=False), "USA", "CUB", 2001)
    assert (r.agree_identical, r.agree_voeten) == (0.0, 0.0)
    assert r.s_score == pytest.approx(-1.0) and r.s_score_noabs == pytest.approx(-1.0)
    # D_o = 1; D_e = p_yes q_no + p_no q_yes = 0.5 -> kappa = pi = 1 - 1/0.5 = -1
    assert r.kappa == pytest.approx(-1.0) and r.pi == pytest.approx(-1.0)


def test_abstain_heavy_dyad(tiny_wh):
    # A abstains three times; joint votes: (ab, yes), (ab, ab), (ab, ab), (yes, yes)
    votes = [(1, "AAA", "abstain"), (2, "AAA", "abstain"), (3, "AAA", "abstain"), (4, "AAA", "yes"),
             (1, "BBB", "yes"), (2, "BBB", "abstain"), (3, "BBB", "abstain"), (4, "BBB", "yes")]
    r = _row(unga.dyad_years(_wh(tiny_wh, _votes(votes), FOUR), states=["AAA", "BBB"], use_cache=False),
             "AAA", "BBB", 2001)
    assert r.agree_identical == pytest.approx(0.75)
    assert r.agree_voeten == pytest.approx(3.5 / 4)
    assert r.s_score == pytest.approx(1 - 2 * 0.5 / 4)
    assert r.s_score_noabs == pytest.approx(1.0)  # only (yes, yes) is left without abstentions
    # quadratic weights: d^2(abstain, yes) = 0.25. D_o = 0.25/4; own marginals a (.25 yes, .75 ab), b (.5, .5):
    # D_e = .25*.5*.25 + .75*.5*.25 = 0.125 -> kappa = 0.5. Pooled (.375, .625): D_e = 2*.375*.625*.25 -> pi = 7/15
    assert r.kappa == pytest.approx(0.5)
    assert r.pi == pytest.approx(7 / 15)


def test_no_variation_gives_na_kappa_with_reason(tiny_wh):
    votes = [(i, s, "yes") for s in ("IND", "BRA") for i in range(1, 5)]
    r = _row(unga.dyad_years(_wh(tiny_wh, _votes(votes), FOUR), use_cache=False), "IND", "BRA", 2001)
    assert r.agree_identical == 1.0 and r.s_score == 1.0
    assert np.isnan(r.kappa) and np.isnan(r.pi)
    assert r.kappa_na == "no variation" and pd.isna(r.na_reason)


def test_one_sided_variation_gives_kappa_zero():
    # a always votes yes, b varies: chance disagreement equals observed disagreement, kappa = 0 (defined)
    tab = np.zeros((1, 3, 3))
    tab[0, 0, 0], tab[0, 0, 2] = 3, 1
    res = unga.measures_from_tables(tab)
    assert res["kappa"][0] == pytest.approx(0.0)
    assert res["pi"][0] == pytest.approx(1 - (1 / 4) / (2 * (7 / 8) * (1 / 8)))


def test_s_is_twice_voeten_minus_one_and_bounds():
    rng = np.random.default_rng(3)
    tab = rng.integers(0, 5, size=(200, 3, 3)).astype(float)
    res = unga.measures_from_tables(tab)
    ok = res["n_joint"] > 0
    assert np.allclose(res["s_score"][ok], 2 * res["agree_voeten"][ok] - 1)
    assert np.all(res["agree_identical"][ok] <= res["agree_voeten"][ok] + 1e-12)
    for m in ("kappa", "pi"):
        x = res[m][np.isfinite(res[m])]
        assert np.all(x <= 1 + 1e-12) and np.all(x >= -1 - 1e-12)


# ------------------------------------------------------------------------------- membership and identity


def test_china_seat_switch_1971(tiny_wh):
    rc = _roll_calls({1: ("1970-11-20", 25, 0), 2: ("1971-09-21", 26, 0), 3: ("1971-11-15", 26, 0),
                      4: ("1971-12-01", 26, 0)})
    votes = [(1, "TWN", "yes"), (1, "USA", "yes"), (2, "TWN", "yes"), (2, "USA", "yes"),
             (3, "CHN", "no"), (3, "USA", "yes"), (4, "CHN", "yes"), (4, "USA", "yes")]
    df = unga.dyad_years(_wh(tiny_wh, _votes(votes), rc), states=["CHN", "TWN", "USA"], use_cache=False)
    r70 = _row(df, "CHN", "USA", 1970)
    assert pd.isna(r70.n_joint) and np.isnan(r70.score) and r70.na_reason.startswith("CHN not holding the China seat")
    r71 = _row(df, "CHN", "USA", 1971)
    assert r71.n_joint == 2 and r71.agree_identical == pytest.approx(0.5)  # the PRC's votes only
    assert _row(df, "TWN", "USA", 1970).agree_identical == 1.0
    assert _row(df, "TWN", "USA", 1971).n_joint == 1  # the ROC's last vote, in September
    assert _row(df, "CHN", "TWN", 1971).na_reason == unga._REASON_NO_JOINT  # never on the same roll call


def test_prk_before_1991_is_na_not_zero(tiny_wh):
    rc = _roll_calls({1: ("1990-10-10", 45, 0), 2: ("1991-10-03", 46, 0)})
    votes = [(1, "CHN", "yes"), (2, "CHN", "yes"), (2, "PRK", "yes")]
    df = unga.dyad_years(_wh(tiny_wh, _votes(votes), rc), states=["PRK", "CHN"], use_cache=False)
    r90, r91 = _row(df, "PRK", "CHN", 1990), _row(df, "PRK", "CHN", 1991)
    assert pd.isna(r90.n_joint) and np.isnan(r90.agree_identical) and r90.na_reason == "PRK not a UN member"
    assert pd.isna(r90.source)
    assert r91.agree_identical == 1.0


def test_russia_continues_the_ussr(tiny_wh):
    # the sources give USSR votes the ISO3 RUS: one series across December 1991
    rc = _roll_calls({1: ("1990-11-01", 45, 0), 2: ("1991-11-01", 46, 0), 3: ("1992-11-01", 47, 0)})
    votes = [(i, s, "yes") for i in (1, 2, 3) for s in ("RUS", "USA")]
    df = unga.dyad_years(_wh(tiny_wh, _votes(votes), rc), states=["RUS", "USA"], use_cache=False)
    assert df.sort_values("year").score.tolist() == [1.0, 1.0, 1.0]


def test_member_without_votes_and_years_without_roll_calls(tiny_wh):
    rc = _roll_calls({1: ("2018-10-01", 73, 0), 2: ("2020-01-10", 74, 0)})
    votes = [(1, "FRA", "yes"), (1, "USA", "no"), (2, "USA", "no")]
    df = unga.dyad_years(_wh(tiny_wh, _votes(votes), rc), states=["FRA", "USA"], use_cache=False)
    assert df.year.tolist() == [2018, 2019, 2020]
    assert _row(df, "FRA", "USA", 2019).na_reason == unga._REASON_NO_ROLL_CALLS
    assert _row(df, "FRA", "USA", 2020).na_reason == "FRA cast no recorded vote"
    assert _row(df, "FRA", "USA", 2018).score == 0.0  # zero is a value, not missing


# ------------------------------------------------------------------------------------- absences as category


def _raw(rows, rc):
    """rows: (rcid, iso3, code) with codes 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member."""
    df = pd.DataFrame(rows, columns=["rcid", "iso3", "vote"])
    meta = rc.set_index("rcid")
    df["session"] = df["rcid"].map(meta["session"])
    df["date"] = df["rcid"].map(meta["date"])
    df["year"] = pd.to_datetime(df["date"]).dt.year
    df["ccode"] = 0
    df["importantvote"] = 0
    for c in unga.ISSUES:
        df[c] = 0
    return df


def test_absences_missing_vs_category(tiny_wh):
    rc = _roll_calls({1: ("2001-10-01", 56, 0), 2: ("2001-10-02", 56, 0), 3: ("2001-10-03", 56, 0)})
    raw = [(1, "FRA", 1), (2, "FRA", 8), (3, "FRA", 3), (1, "GBR", 1), (2, "GBR", 8), (3, "GBR", 1),
           (1, "CHE", 9), (2, "CHE", 9), (3, "CHE", 9)]
    tidy = [(1, "FRA", "yes"), (3, "FRA", "no"), (1, "GBR", "yes"), (3, "GBR", "yes")]
    wh = _wh(tiny_wh, _votes(tidy), rc, unga_votes_raw=_raw(raw, rc))
    miss = _row(unga.dyad_years(wh, states=["FRA", "GBR"], use_cache=False), "FRA", "GBR", 2001)
    assert (miss.n_joint, miss.agree_identical) == (2, 0.5)
    df = unga.dyad_years(wh, states=["FRA", "GBR", "CHE"], absences="category", use_cache=False)
    cat = _row(df, "FRA", "GBR", 2001)
    assert cat.n_joint == 3
    assert cat.agree_identical == pytest.approx(2 / 3)  # (yes, yes), (absent, absent), (no, yes)
    assert cat.agree_voeten == pytest.approx(2 / 3)
    assert cat.s_score == pytest.approx(1 / 3)
    # absent is at distance 1 from every vote: D_o = 1/3, D_e = 1/9 + 2/9 + 1/9 + 2/9 = 2/3 -> kappa = 0.5
    assert cat.kappa == pytest.approx(0.5)
    assert cat.s_score_noabs == pytest.approx(1 / 3)  # no abstentions here: the same table
    non = _row(df, "FRA", "CHE", 2001)  # Switzerland joined in 2002 (code 9): never scored
    assert pd.isna(non.n_joint) and np.isnan(non.score)


def test_category_mode_drops_absences_before_the_seat_changed_hands(tiny_wh):
    # the raw table codes the PRC absent (8) in early October 1971, before resolution 2758: not a record
    rc = _roll_calls({1: ("1971-10-03", 26, 0), 2: ("1971-11-15", 26, 0)})
    raw = [(1, "CHN", 8), (1, "USA", 1), (2, "CHN", 3), (2, "USA", 1)]
    wh = _wh(tiny_wh, _votes([(2, "CHN", "no"), (1, "USA", "yes"), (2, "USA", "yes")]), rc,
             unga_votes_raw=_raw(raw, rc))
    r = _row(unga.dyad_years(wh, states=["CHN", "USA"], absences="category", use_cache=False), "CHN", "USA", 1971)
    assert r.n_joint == 1 and r.agree_identical == 0.0


# ---------------------------------------------------------------------------------------------- options


def _wh_2025(tiny_wh):
    rc = _roll_calls({1: ("2019-10-01", 74, 1), 2: ("2019-10-02", 74, 0), 3: ("2020-01-05", 74, 0)})
    votes = [(1, "PRK", "yes"), (1, "RUS", "yes"), (2, "PRK", "no"), (2, "RUS", "yes"),
             (3, "PRK", "yes"), (3, "RUS", "yes")]
    issues = pd.DataFrame({"rcid": [2], "short_name": ["hr"], "issue": ["Human rights"]})
    v25 = pd.DataFrame({
        "resolution": ["A/RES/79/1", "A/RES/79/1", "A/RES/ES-11/9", "A/RES/ES-11/9", "S/RES/1(2025)",
                       "S/RES/1(2025)"],
        "date": pd.to_datetime(["2025-03-01"] * 2 + ["2025-12-03"] * 2 + ["2025-05-01"] * 2),
        "council": ["General Assembly"] * 4 + ["Security Council"] * 2,
        "title": "t", "link": "l", "iso3": ["PRK", "RUS"] * 3,
        "vote": ["no", "no", None, "no", "yes", "no"],
    })
    return _wh(tiny_wh, _votes(votes), rc, issues, unga_votes_2025=v25)


def test_issue_important_and_2025_votes(tiny_wh):
    wh = _wh_2025(tiny_wh)
    df = unga.dyad_years(wh, states=["PRK", "RUS"], use_cache=False)
    assert _row(df, "PRK", "RUS", 2019).agree_identical == pytest.approx(0.5)
    r25 = _row(df, "PRK", "RUS", 2025)  # GA only: A/RES/79/1 (no, no); PRK did not vote on ES-11/9
    assert (r25.n_joint, r25.agree_identical, r25.source) == (1, 1.0, "unga_votes_2025")
    hr = unga.dyad_years(wh, states=["PRK", "RUS"], issue="hr", use_cache=False)
    assert _row(hr, "PRK", "RUS", 2019).agree_identical == 0.0
    assert _row(hr, "PRK", "RUS", 2025).na_reason == unga._REASON_NO_ROLL_CALLS  # no issue codes in 2025
    imp = unga.dyad_years(wh, states=["PRK", "RUS"], important=True, use_cache=False)
    assert _row(imp, "PRK", "RUS", 2019).n_joint == 1


def test_session_years(tiny_wh):
    wh = _wh_2025(tiny_wh)
    cal = unga.dyad_years(wh, states=["PRK", "RUS"], use_cache=False)
    ses = unga.dyad_years(wh, states=["PRK", "RUS"], year_basis="session", use_cache=False)
    assert _row(cal, "PRK", "RUS", 2020).n_joint == 1  # the January 2020 vote of session 74
    assert _row(ses, "PRK", "RUS", 2019).n_joint == 3  # session 74 = 2019
    assert _row(ses, "PRK", "RUS", 2024).n_joint == 1  # A/RES/79/1 (March 2025) belongs to session 79
    assert _row(ses, "PRK", "RUS", 2025).n_joint == 0  # ES-11/9 (December 2025): PRK not voting


def test_session_of_2025_records():
    res = pd.Series(["A/RES/79/300", "A/RES/ES-11/7", "A/RES/ES-11/9", "A/RES/80/1"])
    date = pd.Series(pd.to_datetime(["2025-08-01", "2025-02-24", "2025-12-03", "2025-09-30"]))
    assert unga.session_2025(res, date).tolist() == [79, 79, 80, 80]


def test_directed_output(tiny_wh):
    wh = _wh_2025(tiny_wh)
    und = unga.dyad_years(wh, states=["PRK", "RUS"], use_cache=False)
    dr = unga.dyad_years(wh, states=["PRK", "RUS"], directed_output=True, use_cache=False)
    assert len(dr) == 2 * len(und)
    ab = dr[(dr.a == "PRK") & (dr.b == "RUS")].set_index("year")
    ba = dr[(dr.a == "RUS") & (dr.b == "PRK")].set_index("year")
    pd.testing.assert_series_equal(ab.score, ba.score)
    assert (und.a < und.b).all()


def test_bad_arguments():
    with pytest.raises(UsageError):
        unga.Options(absences="as_abstain")
    with pytest.raises(UsageError, match="unknown issue"):
        unga.Options(issue="xx")
    with pytest.raises(UsageError):
        unga.Options(year_basis="fiscal")


# ------------------------------------------------------------------------- vectorised == pair-by-pair


def test_matrix_products_equal_a_pair_by_pair_count():
    rng = np.random.default_rng(7)
    states = [f"S{i}" for i in range(7)]
    rows = []
    for item in range(60):
        year = 2000 + item // 20
        for s in states:
            if rng.random() < 0.8:
                rows.append((item, s, int(rng.choice(4, p=[0.5, 0.2, 0.2, 0.1])), year))
    votes = pd.DataFrame(rows, columns=["item", "iso3", "cat", "year"]).assign(source="x")
    items = votes.drop_duplicates("item")[["item", "year"]]
    got = unga.compute_panel(votes, items, k=4)
    # naive: merge each pair's votes, build the 4x4 table, apply the same formulas
    for (a, b) in [("S0", "S1"), ("S2", "S6"), ("S3", "S5")]:
        for year in (2000, 2001, 2002):
            va = votes[(votes.iso3 == a) & (votes.year == year)]
            vb = votes[(votes.iso3 == b) & (votes.year == year)]
            j = va.merge(vb, on="item")
            tab = np.zeros((1, 4, 4))
            np.add.at(tab[0], (j.cat_x.to_numpy(), j.cat_y.to_numpy()), 1)
            want = unga.measures_from_tables(tab)
            r = got[(got.a == a) & (got.b == b) & (got.year == year)].iloc[0]
            assert r.n_joint == len(j)
            assert r.agree_identical == pytest.approx((j.cat_x == j.cat_y).mean())
            for m in unga.MEASURES:
                assert r[m] == pytest.approx(want[m][0], nan_ok=True), m


# --------------------------------------------------------------------------------------------- real data


@pytest.mark.data
def test_real_prk_chn_rus(real_wh):
    df = unga.dyad_years(real_wh, states=["PRK", "CHN", "RUS", "USA"], years=(1946, 2025), use_cache=False)
    r = _row(df, "PRK", "CHN", 2025)
    assert r.n_joint == 181 and r.agree_identical == pytest.approx(0.856, abs=5e-4)  # MANIFEST sanity figure
    assert _row(df, "PRK", "RUS", 2025).agree_identical == pytest.approx(0.912, abs=5e-4)
    assert _row(df, "CHN", "RUS", 2025).agree_identical == pytest.approx(0.781, abs=5e-4)
    for y in range(1946, 1991):
        assert np.isnan(_row(df, "PRK", "USA", y).score)
    for y in range(2021, 2025):
        assert _row(df, "PRK", "CHN", y).na_reason == unga._REASON_NO_ROLL_CALLS
    assert np.isnan(_row(df, "CHN", "USA", 1970).score)
    rus = df[(df.a == "RUS") & (df.b == "USA") & df.year.between(1946, 2019) & (df.year != 1964)]
    assert rus.score.notna().all()  # the USSR seat continues as RUS
    # the 19th session (1964, the Article 19 crisis) held no recorded vote
    assert _row(df, "RUS", "USA", 1964).na_reason == unga._REASON_NO_ROLL_CALLS


@pytest.mark.data
def test_real_chn_has_no_votes_before_the_seat_changed(real_wh):
    first = real_wh.query(
        "SELECT min(r.date) AS d FROM unga_votes v JOIN unga_roll_calls r USING (rcid) WHERE v.iso3 = 'CHN'"
    ).d.iloc[0]
    assert pd.Timestamp(first) >= pd.Timestamp("1971-10-25")
    raw = real_wh.query(
        "SELECT count(*) AS n FROM unga_votes_raw v JOIN unga_roll_calls r USING (rcid) "
        "WHERE v.iso3 = 'CHN' AND v.vote IN (1, 2, 3) AND r.date < DATE '1971-10-25'"
    ).n.iloc[0]
    assert raw == 0
    df = unga.dyad_years(real_wh, states=["CHN", "USA"], years=(1971, 1971), absences="category",
                         use_cache=False)
    early = real_wh.query(
        "SELECT count(*) AS n FROM unga_roll_calls WHERE year(date) = 1971 AND date >= DATE '1971-10-25' "
        "AND rcid IN (SELECT rcid FROM unga_votes_raw)").n.iloc[0]
    assert df.n_joint.iloc[0] <= early
