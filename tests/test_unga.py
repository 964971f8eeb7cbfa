"""UNGA agreement measures: hand-computed tables, the China seat, PRK before 1991, absences, options, the two series
(undl and voeten) and their quirks, topics, single votes, speed path.

The hand-computed tables use Voeten-style fixtures (series ``voeten``); the UN Digital Library fixtures below test
the ``undl`` series' quirks: X = listed without a vote, the 2025 records of the 3DL file matched on the UN DL record
id, the session from the symbol."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from alignwatch.errors import UsageError
from alignwatch.measures import unga
from alignwatch.measures import unga_series as us

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


def _dy(wh, **kw):
    """The voeten series (the fixtures above are Voeten's tables), computed afresh."""
    return unga.dyad_years(wh, series="voeten", use_cache=False, **kw)


def _row(df, a, b, year):
    lo, hi = sorted((a, b))
    r = df[(df.a == lo) & (df.b == hi) & (df.year == year)]
    assert len(r) == 1, r
    return r.iloc[0]


FOUR = _roll_calls({i: (f"2001-10-0{i}", 56, 0) for i in range(1, 5)})


# ------------------------------------------------------------------------------------- hand-computed measures


def test_perfect_agreement(tiny_wh):
    votes = [(i, s, v) for s in ("FRA", "GBR") for i, v in zip(range(1, 5), ["yes", "yes", "no", "abstain"])]
    df = _dy(_wh(tiny_wh, _votes(votes), FOUR))
    r = _row(df, "FRA", "GBR", 2001)
    assert r.n_joint == 4
    for m in unga.MEASURES:
        assert r[m] == pytest.approx(1.0), m
    assert r.score == 1.0 and pd.isna(r.na_reason) and pd.isna(r.kappa_na)
    assert (r.series, r.source) == ("voeten", "voeten: unga_votes") and r.thin  # 4 votes: thin


def test_perfect_disagreement(tiny_wh):
    votes = [(1, "USA", "yes"), (2, "USA", "no"), (3, "USA", "yes"), (4, "USA", "no"),
             (1, "CUB", "no"), (2, "CUB", "yes"), (3, "CUB", "no"), (4, "CUB", "yes")]
    r = _row(_dy(_wh(tiny_wh, _votes(votes), FOUR)), "USA", "CUB", 2001)
    assert (r.agree_identical, r.agree_voeten) == (0.0, 0.0)
    assert r.s_score == pytest.approx(-1.0) and r.s_score_noabs == pytest.approx(-1.0)
    # D_o = 1; D_e = p_yes q_no + p_no q_yes = 0.5 -> kappa = pi = 1 - 1/0.5 = -1
    assert r.kappa == pytest.approx(-1.0) and r.pi == pytest.approx(-1.0)


def test_abstain_heavy_dyad(tiny_wh):
    # A abstains three times; joint votes: (ab, yes), (ab, ab), (ab, ab), (yes, yes)
    votes = [(1, "AAA", "abstain"), (2, "AAA", "abstain"), (3, "AAA", "abstain"), (4, "AAA", "yes"),
             (1, "BBB", "yes"), (2, "BBB", "abstain"), (3, "BBB", "abstain"), (4, "BBB", "yes")]
    r = _row(_dy(_wh(tiny_wh, _votes(votes), FOUR), states=["AAA", "BBB"]),
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
    r = _row(_dy(_wh(tiny_wh, _votes(votes), FOUR)), "IND", "BRA", 2001)
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
    df = _dy(_wh(tiny_wh, _votes(votes), rc), states=["CHN", "TWN", "USA"])
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
    df = _dy(_wh(tiny_wh, _votes(votes), rc), states=["PRK", "CHN"])
    r90, r91 = _row(df, "PRK", "CHN", 1990), _row(df, "PRK", "CHN", 1991)
    assert pd.isna(r90.n_joint) and np.isnan(r90.agree_identical) and r90.na_reason == "PRK not a UN member"
    assert pd.isna(r90.source)
    assert r91.agree_identical == 1.0


def test_russia_continues_the_ussr(tiny_wh):
    # the sources give USSR votes the ISO3 RUS: one series across December 1991
    rc = _roll_calls({1: ("1990-11-01", 45, 0), 2: ("1991-11-01", 46, 0), 3: ("1992-11-01", 47, 0)})
    votes = [(i, s, "yes") for i in (1, 2, 3) for s in ("RUS", "USA")]
    df = _dy(_wh(tiny_wh, _votes(votes), rc), states=["RUS", "USA"])
    assert df.sort_values("year").score.tolist() == [1.0, 1.0, 1.0]


def test_member_without_votes_and_years_without_roll_calls(tiny_wh):
    rc = _roll_calls({1: ("2018-10-01", 73, 0), 2: ("2020-01-10", 74, 0)})
    votes = [(1, "FRA", "yes"), (1, "USA", "no"), (2, "USA", "no")]
    df = _dy(_wh(tiny_wh, _votes(votes), rc), states=["FRA", "USA"])
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
    miss = _row(_dy(wh, states=["FRA", "GBR"]), "FRA", "GBR", 2001)
    assert (miss.n_joint, miss.agree_identical) == (2, 0.5)
    df = _dy(wh, states=["FRA", "GBR", "CHE"], absences="category")
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
    r = _row(_dy(wh, states=["CHN", "USA"], absences="category"), "CHN", "USA", 1971)
    assert r.n_joint == 1 and r.agree_identical == 0.0


# ---------------------------------------------------------------------------------------------- options


def _wh_voeten_options(tiny_wh):
    rc = _roll_calls({1: ("2019-10-01", 74, 1), 2: ("2019-10-02", 74, 0), 3: ("2020-01-05", 74, 0)})
    votes = [(1, "PRK", "yes"), (1, "RUS", "yes"), (2, "PRK", "no"), (2, "RUS", "yes"),
             (3, "PRK", "yes"), (3, "RUS", "yes")]
    issues = pd.DataFrame({"rcid": [2], "short_name": ["hr"], "issue": ["Human rights"]})
    return _wh(tiny_wh, _votes(votes), rc, issues)


def test_issue_important_and_session_years_in_voeten(tiny_wh):
    wh = _wh_voeten_options(tiny_wh)
    df = _dy(wh, states=["PRK", "RUS"])
    assert _row(df, "PRK", "RUS", 2019).agree_identical == pytest.approx(0.5)
    assert _row(df, "PRK", "RUS", 2020).n_joint == 1 and _row(df, "PRK", "RUS", 2020).thin  # one vote: thin
    assert df.year.max() == 2020  # the voeten series ends in January 2020: no splice with later votes
    assert _row(_dy(wh, states=["PRK", "RUS"], issue="hr"), "PRK", "RUS", 2019).agree_identical == 0.0
    assert _row(_dy(wh, states=["PRK", "RUS"], important=True), "PRK", "RUS", 2019).n_joint == 1
    ses = _dy(wh, states=["PRK", "RUS"], year_basis="session")
    assert _row(ses, "PRK", "RUS", 2019).n_joint == 3  # session 74 = 2019, the January 2020 vote included


def test_session_of_2025_records():
    res = pd.Series(["A/RES/79/300", "A/RES/ES-11/7", "A/RES/ES-11/9", "A/RES/80/1"])
    date = pd.Series(pd.to_datetime(["2025-08-01", "2025-02-24", "2025-12-03", "2025-09-30"]))
    assert unga.session_2025(res, date).tolist() == [79, 79, 80, 80]


def test_session_from_roman_numerals_and_emergency_sessions():
    from alignwatch.sources.unga_recent import ga_session

    sym = ["A/RES/2758(XXVI)", "A/RES/17(I)[RULE-73]", "A/RES/1000(ES-I)", "A/RES/S-6/1", "A/RES/ES-11/1",
           "A/RES/76/262", "A/RES/3379(XXX)", "A/DEC/55/1", None]
    date = pd.to_datetime(["1971-10-25", "1946-01-26", "1956-11-05", "1974-05-01", "2022-03-02", "2022-04-26",
                           "1975-11-10", "2000-10-10", "1946-01-05"])
    assert ga_session(sym, date).tolist() == [26, 1, 11, 28, 76, 76, 30, 55, 1]


def test_bad_arguments():
    with pytest.raises(UsageError):
        unga.Options(absences="as_abstain")
    with pytest.raises(UsageError, match="unknown issue"):
        unga.Options(issue="xx")
    with pytest.raises(UsageError):
        unga.Options(year_basis="fiscal")
    with pytest.raises(UsageError, match="unknown UNGA series"):
        unga.Options(series="spliced")
    with pytest.raises(UsageError, match="unknown UNGA topic"):
        unga.Options(topic="korea war")
    # the UN Digital Library codes neither issues nor important votes: refused in one line, never an empty panel
    with pytest.raises(UsageError, match="undl series has no issue codes"):
        unga.Options(issue="hr")
    with pytest.raises(UsageError, match="important"):
        unga.Options(important=True)
    assert unga.Options(series="voeten", issue="hr").issue == "hr"
    assert unga.Options(topic="ES-11").topic == "es11"


# ------------------------------------------------------------------------------ the undl series (UN DL)


def _undl(rows, titles=None):
    """rows: (id_record, symbol, date, iso3, vote Y/N/A/X) -> an ingested-looking undl_ga_votes table."""
    from alignwatch.sources.unga_recent import ga_session

    df = pd.DataFrame(rows, columns=["id_record", "resolution_symbol", "vote_date", "iso3", "vote"])
    df["vote_date"] = pd.to_datetime(df["vote_date"]).dt.date
    df["ms_code"] = df["iso3"]
    df["country"] = df["iso3"]
    df["title"] = [(titles or {}).get(x, "Some resolution : resolution / adopted") for x in df["resolution_symbol"]]
    df["meeting_record"] = "A/PV.1"
    df["year"] = pd.to_datetime(df["vote_date"]).dt.year.astype("int16")
    df["session"] = ga_session(df["resolution_symbol"], df["vote_date"])
    return df


def _3dl(rows):
    """rows: (symbol, date, link record id or None, iso3, vote yes/no/abstain/None) -> unga_votes_2025 (GA)."""
    df = pd.DataFrame(rows, columns=["resolution", "date", "rid", "iso3", "vote"])
    df["date"] = pd.to_datetime(df["date"])
    df["link"] = ["https://digitallibrary.un.org/record/%d" % r if pd.notna(r) else "no link" for r in df.pop("rid")]
    df["council"], df["title"] = "General Assembly", df["resolution"] + " : resolution / adopted"
    return df


def _undl_wh(tiny_wh, rows, extra=None, titles=None):
    tables = {"undl_ga_votes": _undl(rows, titles)}
    if extra is not None:
        tables["unga_votes_2025"] = _3dl(extra)
    return tiny_wh(**tables)


def _undl_rows():
    """2022: three resolutions (ES-11/1 and /3 on Ukraine); YUG listed X in 1995 while not a member."""
    r = []
    for i, (sym, date, votes) in enumerate([
        ("A/RES/ES-11/1", "2022-03-02", {"PRK": "N", "RUS": "N", "CHN": "A", "USA": "Y"}),
        ("A/RES/ES-11/3", "2022-04-07", {"PRK": "N", "RUS": "N", "CHN": "N", "USA": "Y"}),
        ("A/RES/77/1", "2022-10-10", {"PRK": "Y", "RUS": "Y", "CHN": "Y", "USA": "X"}),
        ("A/RES/50/1", "1995-10-10", {"YUG": "X", "RUS": "Y", "USA": "Y", "CHN": "Y"}),
    ]):
        r += [(100 + i, sym, date, k, v) for k, v in votes.items()]
    return r


def test_undl_x_is_not_a_vote_unless_absences_count(tiny_wh):
    wh = _undl_wh(tiny_wh, _undl_rows())
    df = unga.dyad_years(wh, ["CHN", "USA", "PRK", "RUS"], (2022, 2022), use_cache=False)
    r = _row(df, "CHN", "USA", 2022)
    assert (r.n_joint, r.agree_identical) == (2, 0.0)  # 77/1: USA listed without a vote, not counted
    assert (r.series, r.source) == ("undl", "undl: undl_ga_votes") and r.thin  # two votes: thin
    assert _row(df, "PRK", "RUS", 2022).agree_identical == 1.0
    cat = unga.dyad_years(wh, ["CHN", "USA"], (2022, 2022), absences="category", use_cache=False)
    r = _row(cat, "CHN", "USA", 2022)
    assert (r.n_joint, r.agree_identical) == (3, 0.0)  # X counts as an absence: a full disagreement with yes
    assert r.agree_voeten == pytest.approx((0.5 + 0 + 0) / 3)


def test_undl_absence_of_a_non_member_is_not_scored(tiny_wh):
    # FR Yugoslavia was listed (X) in 1995 although it did not take part in the Assembly (1992-2000)
    wh = _undl_wh(tiny_wh, _undl_rows())
    df = unga.dyad_years(wh, ["YUG", "USA"], (1995, 1995), absences="category", use_cache=False)
    r = _row(df, "USA", "YUG", 1995)
    assert pd.isna(r.n_joint) and np.isnan(r.score) and r.na_reason == "YUG not a UN member"


def test_undl_2025_takes_the_3dl_records_matched_on_record_id(tiny_wh):
    # the UN DL file holds one 2025 record under a provisional symbol; the 3DL file has it under its final symbol,
    # plus two records the UN DL lacks (one without a usable link)
    rows = [(4082671, "A/RES/79/XX", "2025-05-27", k, v) for k, v in {"PRK": "Y", "RUS": "Y", "AFG": "X"}.items()]
    extra = [("A/RES/79/290", "2025-05-27", 4082671, k, v) for k, v in {"PRK": "yes", "RUS": "yes"}.items()]
    extra += [("A/RES/ES-11/9", "2025-12-03", 4094643, k, v)
              for k, v in {"PRK": "no", "RUS": "no", "AFG": None}.items()]
    extra += [("A/RES/80/1", "2025-10-01", None, k, v) for k, v in {"PRK": "abstain", "RUS": "no"}.items()]
    wh = _undl_wh(tiny_wh, rows, extra)
    it = us.items(wh, "undl").set_index("item")
    assert len(it) == 3 and it.loc[4082671, "symbol"] == "A/RES/79/290"  # one roll call, final symbol
    assert it.loc[4094643, "source"] == "unga_votes_2025" and it.loc[4094643, "session"] == 80
    assert (it.index < 0).sum() == 1  # the record without a link gets an id no UN DL record has
    r = _row(unga.dyad_years(wh, ["PRK", "RUS"], use_cache=False), "PRK", "RUS", 2025)
    assert (r.n_joint, r.agree_identical) == (3, pytest.approx(2 / 3))
    assert r.source == "undl: undl_ga_votes+unga_votes_2025"
    ses = unga.dyad_years(wh, ["PRK", "RUS"], year_basis="session", use_cache=False)
    assert _row(ses, "PRK", "RUS", 2024).n_joint == 1 and _row(ses, "PRK", "RUS", 2025).n_joint == 2
    cat = unga.dyad_years(wh, ["AFG", "PRK"], absences="category", use_cache=False)
    assert _row(cat, "AFG", "PRK", 2025).n_joint == 2  # X in the UN DL file and a blank in the 3DL file
    _, votes = unga.votes(wh, resolution="A/RES/ES-11/9")
    assert dict(zip(votes.iso3, votes.vote)) == {"AFG": "not voting", "PRK": "no", "RUS": "no"}


def test_topics_filter_by_symbol_and_title(tiny_wh):
    titles = {"A/RES/68/262": "Territorial integrity of Ukraine : resolution / adopted"}
    rows = _undl_rows() + [(200, "A/RES/68/262", "2014-03-27", k, v)
                           for k, v in {"PRK": "N", "RUS": "N", "CHN": "A", "USA": "Y"}.items()]
    wh = _undl_wh(tiny_wh, rows, titles=titles)
    es11 = unga.dyad_years(wh, ["CHN", "PRK"], topic="es11", use_cache=False)
    assert _row(es11, "CHN", "PRK", 2022).n_joint == 2 and _row(es11, "CHN", "PRK", 2022).agree_identical == 0.5
    assert _row(es11, "CHN", "PRK", 2014).na_reason == unga._REASON_NO_ROLL_CALLS
    ukr = unga.dyad_years(wh, ["CHN", "PRK"], topic="ukraine", use_cache=False)
    assert _row(ukr, "CHN", "PRK", 2014).n_joint == 1  # the title names Ukraine
    assert es11.year.min() == 1995  # a filtered panel still spans the series' years (NA where no roll call)
    chosen, votes = unga.votes(wh, topic="ukraine", states=["CHN", "PRK"])
    assert chosen.symbol.tolist() == ["A/RES/68/262", "A/RES/ES-11/1", "A/RES/ES-11/3"]
    assert set(votes.iso3) == {"CHN", "PRK"}


def test_votes_lookup_and_close_matches(tiny_wh):
    wh = _undl_wh(tiny_wh, _undl_rows())
    chosen, votes = unga.votes(wh, resolution=" a/res/es-11/3 ")
    assert chosen.symbol.tolist() == ["A/RES/ES-11/3"]
    assert dict(zip(votes.iso3, votes.vote))["CHN"] == "no"
    with pytest.raises(UsageError, match="no recorded undl vote") as e:
        unga.votes(wh, resolution="A/RES/ES-11/33")
    assert "ES-11/3" in e.value.hint
    with pytest.raises(UsageError, match="say which votes"):
        unga.votes(wh)


def test_cli_votes_and_compare(tiny_wh, capsys):
    from alignwatch.cli import main

    wh = _undl_wh(tiny_wh, _undl_rows())
    assert main(["unga", "votes", "--resolution", "A/RES/ES-11/3", "--states", "USA,PRK,CHN", "--db", str(wh.path),
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "iso3,state,vote" and out[1].startswith("USA,") and out[2] == "PRK,North Korea,no"
    assert main(["unga", "votes", "--topic", "es11", "--db", str(wh.path), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "date,symbol,title,tally,PRK,CHN,RUS,USA" and "1-3-0" in lines[2]
    assert main(["unga", "votes", "--resolution", "nope", "--db", str(wh.path)]) == 2
    assert main(["dyad", "PRK", "RUS", "--measure", "trade", "--topic", "es11", "--db", str(wh.path)]) == 2


def test_thin_years_are_flagged():
    votes = pd.DataFrame({"item": [1, 1, 2, 2] + [10 + i for i in range(12) for _ in (0, 1)],
                          "iso3": ["A", "B"] * 14, "cat": 0, "source": "x",
                          "year": [2000] * 4 + [2001] * 24})
    items = votes.drop_duplicates("item")[["item", "year"]]
    df = unga.compute_panel(votes, items, k=3, series="undl")
    assert df.set_index("year").thin.tolist() == [True, False]
    assert df.series.tolist() == ["undl", "undl"] and df.source.tolist() == ["undl: x", "undl: x"]


def test_compare_shows_both_series_and_their_difference(tiny_wh):
    rc = _roll_calls({i: ("2019-10-01", 74, 0) for i in range(1, 13)})
    tidy = [(i, s, "yes") for i in range(1, 13) for s in ("PRK", "RUS")] + [(13, "PRK", "no"), (13, "RUS", "yes")]
    rc = pd.concat([rc, _roll_calls({13: ("2019-10-02", 74, 0)})], ignore_index=True)
    rows = [(500 + i, f"A/RES/74/{i}", "2019-10-01", s, "Y") for i in range(12) for s in ("PRK", "RUS")]
    wh = tiny_wh(undl_ga_votes=_undl(rows), unga_votes=_votes(tidy), unga_roll_calls=rc, unga_issues=_issues())
    c = unga.compare(wh, ["PRK", "RUS"]).set_index("year")
    assert (c.loc[2019, "n_undl"], c.loc[2019, "n_voeten"]) == (12, 13)
    assert c.loc[2019, "diff"] == pytest.approx(12 / 13 - 1.0)


def test_figures_show_both_series_and_the_es11_votes(tiny_wh):
    from alignwatch.report import figures_unga as fu

    rc = _roll_calls({i: ("2019-10-01", 74, 0) for i in range(1, 13)})
    tidy = [(i, s, "yes") for i in range(1, 13) for s in ("PRK", "RUS")]
    rows = [(500 + i, f"A/RES/74/{i}", "2019-10-01", s, "Y") for i in range(12) for s in ("PRK", "RUS")]
    rows += _undl_rows()
    wh = tiny_wh(undl_ga_votes=_undl(rows), unga_votes=_votes(tidy), unga_roll_calls=rc, unga_issues=_issues())
    fig = fu.agreement_figure(wh, ["PRK", "RUS"])
    names = [t.name for t in fig.data]
    assert names[:2] == ["PRK–RUS (undl)", "PRK–RUS (voeten)"] and any("voeten − undl" in (n or "") for n in names)
    assert "never spliced" in fig.layout.annotations[0].text
    grid = fu.topic_votes_table(wh, ["PRK", "CHN", "USA"])
    assert grid.loc["CHN"].tolist() == ["abstain", "no"] and list(grid.columns) == ["A/RES/ES-11/1", "A/RES/ES-11/3"]
    heat = fu.ukraine_votes_figure(wh, ["PRK", "CHN", "USA"])
    assert heat.data[0].type == "heatmap" and "ES-11/3" in heat.data[0].x[1]


def test_group_cohesion_counts_only_votes_every_member_cast(tiny_wh):
    wh = _undl_wh(tiny_wh, _undl_rows())
    g = unga.group_cohesion(wh, ["CHN", "PRK", "RUS"]).set_index("year")
    assert g.loc[2022, "unga_n_votes"] == 3 and g.loc[2022, "unga_cohesion"] == pytest.approx(2 / 3)
    g = unga.group_cohesion(wh, ["CHN", "PRK", "USA"], topic="es11").set_index("year")
    assert g.loc[2022, "unga_cohesion"] == 0.0 and g.loc[2022, "unga_series"] == "undl (topic es11)"


def test_directed_output(tiny_wh):
    wh = _undl_wh(tiny_wh, _undl_rows())
    und = unga.dyad_years(wh, states=["PRK", "RUS"], use_cache=False)
    dr = unga.directed(unga.dyad_years(wh, states=["PRK", "RUS"], use_cache=False))
    assert len(dr) == 2 * len(und)
    ab = dr[(dr.a == "PRK") & (dr.b == "RUS")].set_index("year")
    ba = dr[(dr.a == "RUS") & (dr.b == "PRK")].set_index("year")
    pd.testing.assert_series_equal(ab.score, ba.score)
    assert (und.a < und.b).all()


def test_family_call_shape_is_positional(tiny_wh):
    from alignwatch.measures import get

    wh = _undl_wh(tiny_wh, _undl_rows())
    df = get("unga").dyad_years(wh, ["PRK", "RUS"], (2022, 2022))
    assert len(df) == 1 and df.series.iloc[0] == "undl" and "thin" in get("unga").columns


# ------------------------------------------------------------------------------------ ingest of the UN DL files


def _undl_file(tmp_path, **over):
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {"id_record": [1, 1, 2, 2, 3], "resolution_symbol": ["A/RES/505(VI)"] * 2 + ["A/RES/2758(XXVI)"] * 2
            + ["A/RES/ES-11/1"],
            "vote_date": [dt.date(1952, 2, 1)] * 2 + [dt.date(1971, 10, 25)] * 2 + [dt.date(2022, 3, 2)],
            "country": ["CHINA", "USSR", "CHINA", "USSR", "CHINA"], "ms_code": ["CHN", "RUS", "TWN", "RUS", "TWN"],
            "vote": ["Y", "n", "X", "N", None], **{c: ["x"] * 5 for c in ("vote_raw", "title", "meeting_record",
                                                                         "agenda", "committee_report")}}
    data.update(over)
    path = tmp_path / "undl.parquet"
    pq.write_table(pa.table(data), path)
    return path


def test_ingest_undl_china_seat_by_date_and_vote_codes(tmp_path):
    from alignwatch.sources import base, registry

    t = base.load(registry()["undl_ga_votes"], path=_undl_file(tmp_path)).to_pandas()
    # whoever the file names, the China seat is the ROC's before 25 Oct 1971 and the PRC's after; the day keeps it
    assert t.iso3.tolist() == ["TWN", "RUS", "TWN", "RUS", "CHN"]
    assert t.vote.tolist()[:4] == ["Y", "N", "X", "N"] and pd.isna(t.vote.iloc[4])  # lower case fixed; NA kept
    assert t.session.tolist() == [6, 6, 26, 26, 76] and t.year.tolist() == [1952, 1952, 1971, 1971, 2022]


def test_ingest_undl_bad_input_names_row_and_column(tmp_path):
    from alignwatch.errors import DataError
    from alignwatch.sources import base, registry

    ds = registry()["undl_ga_votes"]
    with pytest.raises(DataError, match="column 'vote'"):
        base.load(ds, path=_undl_file(tmp_path, vote=["Y", "Y", "Q", "N", "Y"]))
    with pytest.raises(DataError, match="duplicate key"):
        base.load(ds, path=_undl_file(tmp_path, id_record=[1, 1, 1, 1, 3], ms_code=["CHN", "RUS", "CHN", "RUS",
                                                                                     "TWN"]))
    with pytest.raises(DataError, match="unknown country code 'XXX'"):
        base.load(ds, path=_undl_file(tmp_path, ms_code=["CHN", "RUS", "TWN", "XXX", "TWN"]))
    sc = registry()["undl_sc_votes"]
    assert "session" not in base.load(sc, path=_undl_file(tmp_path)).column_names


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
def test_real_undl_sanity_figures(real_wh):
    """MANIFEST section 10a: identical-vote shares on adopted resolutions, calendar years."""
    df = unga.dyad_years(real_wh, ["PRK", "CHN", "RUS", "USA"], (1946, 2025), use_cache=False)
    r = _row(df, "PRK", "RUS", 2022)
    assert (r.n_joint, round(r.agree_identical, 3)) == (79, 0.835)
    assert round(_row(df, "PRK", "CHN", 2022).agree_identical, 3) == 0.795
    assert round(_row(df, "CHN", "RUS", 2022).agree_identical, 3) == 0.705
    r = _row(df, "PRK", "RUS", 2024)
    assert (r.n_joint, round(r.agree_identical, 3)) == (86, 0.837)
    r = _row(df, "PRK", "CHN", 2024)
    assert (r.n_joint, round(r.agree_identical, 3)) == (85, 0.776)
    r = _row(df, "CHN", "RUS", 2024)
    assert (r.n_joint, round(r.agree_identical, 3)) == (94, 0.670)
    assert round(_row(df, "PRK", "USA", 2024).agree_identical, 3) == 0.118
    # 2025 from the 3DL file (MANIFEST 9b): PRK-CHN 0.856 on 181 shared votes, PRK-RUS 0.912, CHN-RUS 0.781
    r = _row(df, "PRK", "CHN", 2025)
    assert (r.n_joint, round(r.agree_identical, 3)) == (181, 0.856)
    assert round(_row(df, "PRK", "RUS", 2025).agree_identical, 3) == 0.912
    assert round(_row(df, "CHN", "RUS", 2025).agree_identical, 3) == 0.781
    pr = df[(df.a == "PRK") & (df.b == "RUS") & df.year.between(2019, 2025)]
    assert len(pr) == 7 and (pr.n_joint >= 70).all() and (pr.series == "undl").all() and not pr.thin.any()
    for y in range(1946, 1991):
        assert np.isnan(_row(df, "PRK", "USA", y).score)
    assert np.isnan(_row(df, "CHN", "USA", 1970).score)
    rus = df[(df.a == "RUS") & (df.b == "USA") & df.year.between(1946, 2025) & (df.year != 1964)]
    assert rus.score.notna().all()  # the USSR seat continues as RUS
    # the 19th session (1964, the Article 19 crisis) adopted no resolution by a recorded vote
    assert _row(df, "RUS", "USA", 1964).na_reason == unga._REASON_NO_ROLL_CALLS


@pytest.mark.data
def test_real_undl_counts_and_known_votes(real_wh):
    n = real_wh.query("SELECT vote, count(*) AS n FROM undl_ga_votes WHERE iso3 = 'PRK' GROUP BY 1")
    assert dict(zip(n.vote, n.n)) == {"Y": 1905, "X": 321, "N": 252, "A": 239}  # MANIFEST 10a
    per_year = real_wh.query("SELECT year, count(DISTINCT iso3) AS n FROM undl_ga_votes WHERE year BETWEEN 2019 "
                             "AND 2024 GROUP BY 1")
    assert (per_year.n == 193).all()
    _, v = unga.votes(real_wh, resolution="A/RES/ES-11/1")
    counts = v.vote.value_counts()
    assert (counts["yes"], counts["no"], counts["abstain"]) == (141, 5, 35)
    assert set(v.loc[v.vote == "no", "iso3"]) == {"BLR", "ERI", "PRK", "RUS", "SYR"}
    _, v = unga.votes(real_wh, resolution="A/RES/ES-11/3", states=["CHN", "PRK"])
    assert dict(zip(v.iso3, v.vote)) == {"CHN": "no", "PRK": "no"}
    _, v = unga.votes(real_wh, resolution="A/RES/ES-11/9", states=["PRK", "RUS", "CHN", "USA"])
    assert dict(zip(v.iso3, v.vote)) == {"CHN": "abstain", "PRK": "no", "RUS": "no", "USA": "yes"}  # 3DL only
    it = us.items(real_wh, "undl")
    assert (it.date.dt.year == 2025).sum() == 192  # every GA record of the 3DL file, each once
    assert not it.symbol.str.endswith("/XX").any()  # the provisional symbol took the final one (A/RES/79/290)


@pytest.mark.data
def test_real_voeten_series_is_not_spliced(real_wh):
    df = unga.dyad_years(real_wh, ["PRK", "CHN"], series="voeten", use_cache=False)
    assert df.year.max() == 2020 and (df.series == "voeten").all()
    assert _row(df, "CHN", "PRK", 2020).thin  # the single roll call of 14 January 2020
    ses = unga.dyad_years(real_wh, ["RUS", "USA"], (1964, 1964), series="voeten", year_basis="session",
                          use_cache=False)
    assert ses.n_joint.iloc[0] == 1 and ses.thin.iloc[0]  # session 19 held one roll call (1965-02-06)


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
                         series="voeten", use_cache=False)
    early = real_wh.query(
        "SELECT count(*) AS n FROM unga_roll_calls WHERE year(date) = 1971 AND date >= DATE '1971-10-25' "
        "AND rcid IN (SELECT rcid FROM unga_votes_raw)").n.iloc[0]
    assert df.n_joint.iloc[0] <= early
