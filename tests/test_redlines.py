"""Red lines: triggers, responses in the 12-month window, base rates (hand-computed fixtures)."""

from __future__ import annotations

import pandas as pd
import pytest

from alignwatch import redlines as rl
from alignwatch.errors import UsageError
from alignwatch.measures import trade as trm

TESTS = pd.DataFrame({
    "date": ["2006-07-05", "2006-10-09", "2009-05-25", "2017-07-04"],
    "kind": ["missile_test", "nuclear_test", "nuclear_test", "icbm_test"],
    "name": ["Taepodong-2", "nuclear test 1", "nuclear test 2", "Hwasong-14"],
    "yield_kt_estimate": [None, "<1", "2-6", None],
    "source": ["s1", "s2", "s3", "s4"],
    "confidence": ["high", "high", "low", "high"],
})
TREATIES = pd.DataFrame({
    "date_signed": ["1961-07-06", "2000-07-19", "2024-06-19", "1992-08-24"],
    "parties": ["SUN;PRK", "RUS;PRK", "RUS;PRK", "CHN;KOR"],
    "name": ["1961 treaty", "joint declaration", "CSP treaty", "normalisation"],
    "type": ["defence_pact", "joint_statement", "strategic_partnership", "normalisation"],
    "mutual_defence": [True, False, True, False], "status_changes": "", "source": "t", "confidence": "high",
})
TIMELINE = pd.DataFrame({
    "date": ["2006-10-06", "2006-10-14", "2007-01-10", "2009-06-12", "2022-05-26"],
    "symbol": ["S/PRST/2006/41", "S/RES/1718 (2006)", "S/2007/1", "S/RES/1874 (2009)", "S/2022/431"],
    "kind": ["prst", "resolution", "failed_draft", "resolution", "failed_draft"],
    "CHN": ["consensus", "yes", "veto", "yes", "veto"],
    "RUS": ["consensus", "yes", "yes", "abstain", "veto"],
    "vetoed_by": [None, None, "CHN", None, "CHN;RUS"],
    "stringency": [1, 3, 5, 3, 5],
    "trigger": ["announced test", "nuclear test 1", "x", "nuclear test 2", "ICBM launches 2022 (incl. 2022-03-24)"],
    "scope": ["dprk"] * 5, "confidence": ["medium", "high", "high", "high", "high"], "source": "chr_unsc_dprk",
})


def _trade_long(kotra_2010=True):
    years = [2005, 2007, 2008, 2010] if kotra_2010 else [2005, 2007]
    chr_trade = pd.DataFrame({
        "year": years,
        "partner": ["CHN"] * len(years),
        "flow": ["total"] * len(years),
        "value": [800.0, 1000.0, 100.0, 50.0][:len(years)],
        "unit": "USD million",
        "source_series": "KOTRA",
        "source": "x", "confidence": ["high", "low", "high", "high"][:len(years)],
    })
    customs = pd.DataFrame({
        "reporter": "GACC", "reporter_state": "CHN", "partner": "PRK", "year": [2005, 2007, 2008, 2010],
        "period": "annual", "month": None, "flow": "total", "value": [1000.0, 1500.0, 400.0, 300.0],
        "precision": 1.0, "basis": "reported", "outlet": "o", "published": "2011", "source": "u",
        "confidence": "high", "note": "",
    })
    return trm.trade_long(trm.cow_series(pd.DataFrame(), pd.DataFrame()), trm.chronology_series(chr_trade),
                          trm.customs_series(customs))


MEETINGS = pd.DataFrame({
    "a": ["CHN", "CHN", "PRK"], "b": ["PRK", "PRK", "RUS"],
    "date_start": ["2006-11-01", "2008-01-01", "2006-12-01"],
    "level": ["head_of_state", "minister", "minister"],
    "visitor": ["Hu Jintao", "FM", "FM"], "location_city": ["Pyongyang", "Pyongyang", "Moscow"],
    "confidence": ["high", "high", "low"],
})


def _events(kinds=None):
    return rl.trigger_events(TESTS, TIMELINE, TREATIES, kinds=kinds)


def test_trigger_events_kinds_numbering_and_filters():
    ev = _events()
    assert ev["trigger"].tolist() == ["treaty 1", "nuclear_test 1", "veto 1", "nuclear_test 2", "icbm_test 1",
                                      "veto 2", "treaty 2"]
    # treaties: the DPRK a party (SUN counted as RUS), joint statements left out
    assert ev.loc[ev.kind == "treaty", "event"].str.startswith(("1961", "CSP")).all()
    assert ev.loc[ev.trigger == "veto 2", "event"].item() == "S/2022/431 vetoed by CHN;RUS"
    ev2 = _events(["missile_test"])
    assert ev2["trigger"].tolist() == ["missile_test 1"]
    with pytest.raises(UsageError):
        _events(["bogus"])


def test_responses_hand_computed():
    ev = _events(["nuclear_test"])
    r = rl.responses(ev, TIMELINE, _trade_long(), MEETINGS, series_order=trm.SERIES_ORDER,
                     visits_start="1990-01-01")
    one = r[(r.trigger == "nuclear_test 1")].set_index("patron")
    c = one.loc["CHN"]
    # the PRST of 2006-10-06 came before the test: outside the window
    assert c.unsc_texts == ("S/RES/1718 (2006) yes (stringency 3); S/2007/1 veto (stringency 5)")
    assert bool(c.voted_for_sanctions) and bool(c.sanctions_resolution)
    assert c.stringency_supported == 3  # a veto is not support: the vetoed draft's 5 does not count
    assert bool(c.vetoed)
    assert c.days_to_sanctions == 5
    assert c.linked_texts == "S/RES/1718 (2006)"
    # trade 2005 -> 2007, per series; KOTRA precedes GACC in the preferred order
    assert c.trade_series == "KOTRA"
    assert c.trade_change == pytest.approx(0.25)
    assert c.trade_spread == pytest.approx(0.25)  # GACC +50% vs KOTRA +25%
    assert bool(c.trade_low_conf)  # KOTRA 2007 is low confidence
    assert "(low confidence)" in c.trade_all_series
    assert c.visits == 1 and c.top_visit_level == "head_of_state"
    ru = one.loc["RUS"]
    assert not bool(ru.vetoed) and bool(ru.voted_for_sanctions)
    assert pd.isna(ru.trade_change)  # no RUS series: NA, never 0
    assert ru.visits == 1 and ru.visits_low_conf == 1
    two = r[(r.trigger == "nuclear_test 2")].set_index("patron")
    assert not bool(two.loc["RUS", "voted_for_sanctions"])  # abstained on 1874
    assert two.loc["RUS", "stringency_supported"] == 0
    assert two.loc["CHN", "trade_change"] == pytest.approx(-0.5)  # KOTRA 2008 100 -> 2010 50
    assert "trigger row low confidence" in two.loc["CHN", "notes"]


def test_events_before_coverage_are_na():
    ev = _events(["treaty"])
    r = rl.responses(ev, TIMELINE, _trade_long(), MEETINGS, series_order=trm.SERIES_ORDER,
                     visits_start="1990-01-01")
    old = r[r.trigger == "treaty 1"].iloc[0]
    assert pd.isna(old.voted_for_sanctions) and pd.isna(old.unsc_texts)  # 1961: before the Council chronology
    assert pd.isna(old.visits)  # before the first meeting in the chronology


def test_window_end_flagged():
    ev = _events(["icbm_test"])
    r = rl.responses(ev, TIMELINE, None, None, unsc_end="2017-12-31")
    assert "UNSC data end 2017-12-31" in r["notes"].iloc[0]


def test_wilson_interval_known_values():
    lo, hi = rl.wilson(6, 6)
    assert lo == pytest.approx(6 / (6 + 1.959964 ** 2), abs=1e-4)  # all successes: n / (n + z^2)
    assert hi == pytest.approx(1.0)
    assert all(pd.isna(v) for v in rl.wilson(0, 0))


def test_summary_counts_and_text():
    ev = _events(["nuclear_test"])
    r = rl.responses(ev, TIMELINE, _trade_long(), MEETINGS, series_order=trm.SERIES_ORDER,
                     visits_start="1990-01-01")
    s = rl.summary(r).set_index(["kind", "patron"])
    c = s.loc[("nuclear_test", "CHN")]
    assert c.n_events == 2
    assert c.voted_for_sanctions.startswith("2/2")
    assert c.stringency_median == 3
    assert c.trade_change_median == pytest.approx((0.25 - 0.5) / 2)
    assert "not a forecast" in c.base_rate
    assert c.trade_series == "KOTRA" and pd.isna(c.trade_other_series)
    ru = s.loc[("nuclear_test", "RUS")]
    assert ru.voted_for_sanctions.startswith("1/2") and ru.share_sanctions == pytest.approx(0.5)
    assert ru.n_trade == 0


def test_summary_never_pools_trade_changes_across_series():
    # without KOTRA for 2008-2010 the second test is measured in GACC only (400 -> 300): two series, two lines
    ev = _events(["nuclear_test"])
    r = rl.responses(ev, TIMELINE, _trade_long(kotra_2010=False), MEETINGS, series_order=trm.SERIES_ORDER,
                     visits_start="1990-01-01")
    assert r.set_index(["trigger", "patron"]).loc[("nuclear_test 2", "CHN"), "trade_series"] == "GACC"
    c = rl.summary(r).set_index(["kind", "patron"]).loc[("nuclear_test", "CHN")]
    # one event each: the tie goes to the preferred order (KOTRA before GACC); the other series is its own line
    assert c.trade_series == "KOTRA" and c.n_trade == 1 and c.trade_change_median == pytest.approx(0.25)
    assert c.trade_other_series == "GACC -25% (n=1)"
    assert "KOTRA +25% (n=1); GACC -25% (n=1)" in c.base_rate and "median" not in c.base_rate.split("trade")[1]


@pytest.mark.data
def test_real_sixth_test_and_2022(real_wh):
    r = rl.red_lines(real_wh, kinds=["nuclear_test", "icbm_test"])
    six = r[(r.trigger == "nuclear_test 6") & (r.patron == "CHN")].iloc[0]
    assert bool(six.voted_for_sanctions) and six.stringency_supported == 5
    assert "S/RES/2375 (2017)" in six.linked_texts
    icbm = r[(r.date == pd.Timestamp("2022-03-24").date()) & (r.patron == "CHN")].iloc[0]
    assert bool(icbm.vetoed) and not bool(icbm.voted_for_sanctions)
    s = rl.summary(r).set_index(["kind", "patron"])
    assert s.loc[("nuclear_test", "CHN"), "voted_for_sanctions"].startswith("6/6")
