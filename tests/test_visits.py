"""Visits family: level weights, direction, third-country meetings, joint statements, 0 versus NA by coverage,
low-confidence rows, China Vitae counting rules, AidData."""

from __future__ import annotations

import pandas as pd
import pytest

from alignwatch import chronology
from alignwatch.measures import visits as vi

_COLS = ["date_start", "date_end", "visitor_country", "visitor", "host_country", "host", "location_city", "level",
         "outcome", "source", "confidence"]
SUMMITS = pd.DataFrame([
    ("1990-03-14", "1990-03-16", "CHN", "Jiang Zemin", "PRK", "Kim Il Sung", "Pyongyang", "head_of_state",
     "party-to-party visit; no joint statement known", "wiki", "low"),
    ("1990-09-02", "1990-09-04", "SUN", "Shevardnadze", "PRK", "Kim Yong Nam (FM)", "Pyongyang", "minister",
     "informed DPRK of Soviet recognition of ROK", "wiki", "medium"),
    ("2000-07-19", "2000-07-20", "RUS", "Vladimir Putin", "PRK", "Kim Jong Il", "Pyongyang", "head_of_state",
     "first visit; DPRK-Russia Joint Declaration", "kremlin", "high"),
    ("2018-03-25", "2018-03-28", "PRK", "Kim Jong Un", "CHN", "Xi Jinping", "Beijing", "head_of_state",
     "Kim-Xi summit 1", "wiki", "high"),
    ("2018-05-02", "2018-05-03", "CHN", "Wang Yi (FM)", "PRK", "Kim Jong Un; Ri Yong Ho", "Pyongyang", "minister",
     "met Kim", "pulse", "high"),
    ("2019-04-24", "2019-04-26", "PRK", "Kim Jong Un", "RUS", "Vladimir Putin", "Vladivostok", "head_of_state",
     "first Kim-Putin summit; no documents or joint statement", "tass", "high"),
    ("2019-06-20", "2019-06-21", "CHN", "Xi Jinping", "PRK", "Kim Jong Un", "Pyongyang", "head_of_state",
     "Xi state visit", "wiki", "high"),
    ("2024-06-18", "2024-06-19", "RUS", "Vladimir Putin", "PRK", "Kim Jong Un", "Pyongyang", "head_of_state",
     "Comprehensive Strategic Partnership Treaty signed 2024-06-19", "interfax", "high"),
    ("2025-09-03", "2025-09-03", "RUS", "Vladimir Putin", "CHN", "Xi Jinping (host); Kim Jong Un", "Beijing",
     "head_of_state", "parade; Putin-Kim bilateral talks in Beijing", "sputnik", "high"),
    ("2025-10-09", "2025-10-11", "CHN", "Li Qiang (Premier)", "PRK", "Kim Jong Un", "Pyongyang",
     "head_of_government", "WPK 80th anniversary", "asiaone", "high"),
    ("2026-03-25", "2026-03-26", "BLR", "Alexander Lukashenko", "PRK", "Kim Jong Un", "Pyongyang",
     "head_of_state", "treaty of friendship and cooperation signed", "aggregator", "medium"),
], columns=_COLS)


def _years(include_low=True, pairs=None, years=None, cvy=None, pdy=None):
    every = vi.meetings(chronology.summits_frame(SUMMITS))
    low = every[every.low].groupby(["a", "b", "year"]).size().rename("n_low").reset_index()
    meet = every if include_low else every[~every.low]
    return vi.assemble(vi.chronology_years(meet, low), cvy, pdy, pairs, years).set_index(["a", "b", "year"])


def test_meetings_direction_aliases_and_third_country():
    m = vi.meetings(chronology.summits_frame(SUMMITS))
    shev = m[m.date_start == "1990-09-02"].iloc[0]
    assert (shev.a, shev.b, shev.visitor_country, shev.direction) == ("PRK", "RUS", "RUS", "b_to_a")  # SUN = RUS
    kim = m[m.date_start == "2018-03-25"].iloc[0]
    assert (kim.a, kim.b, kim.direction) == ("CHN", "PRK", "b_to_a")  # PRK visited CHN
    beijing = m[m.date_start == "2025-09-03"]
    assert set(zip(beijing.a, beijing.b, beijing.direction)) == {("CHN", "RUS", "b_to_a"),
                                                                 ("PRK", "RUS", "third_country")}
    assert beijing[beijing.a == "PRK"].venue_country.iloc[0] == "CHN"


def test_joint_statements_read_from_outcome():
    m = vi.meetings(chronology.summits_frame(SUMMITS)).set_index("date_start")
    js = m["joint_statement"]
    assert js[pd.Timestamp("2000-07-19")] and js[pd.Timestamp("2024-06-18")]
    assert not js[pd.Timestamp("2019-04-24")]  # "no documents or joint statement"
    assert not js[pd.Timestamp("1990-03-14")]  # "no joint statement known"


def test_level_weights_and_counts():
    y = _years()
    r = y.loc[("CHN", "PRK", 2018)]
    assert r.weighted == 3 + 1 and r.n_meetings == 2 and r.n_leader == 1 and r.n_minister == 1
    assert (r.a_to_b, r.b_to_a) == (1, 1)  # Wang Yi to Pyongyang, Kim to Beijing
    assert y.loc[("CHN", "PRK", 2025)].weighted == 2  # head of government
    assert y.loc[("PRK", "RUS", 2025)].weighted == 3 and y.loc[("PRK", "RUS", 2025)].third_country == 1
    assert y.loc[("PRK", "RUS", 2024)].joint_statements == 1


def test_zero_only_where_the_table_aims_at_completeness():
    y = _years()
    r = y.loc[("CHN", "PRK", 2017)]  # no recorded meeting in a complete pair and year: a real 0
    assert r.n_meetings == 0 and r.score == 0 and bool(r.complete)
    # CHN-RUS is only partly covered: the recorded 2025 meeting is a lower bound, the score is NA
    cr = y.loc[("CHN", "RUS", 2025)]
    assert cr.n_meetings == 1 and pd.isna(cr.score) and not bool(cr.complete)
    assert ("CHN", "RUS", 2024) not in y.index
    # BLR-PRK: one row (2026); other years unknown
    assert y.loc[("BLR", "PRK", 2026)].n_meetings == 1 and pd.isna(y.loc[("BLR", "PRK", 2026)].score)
    # years outside every series' coverage have no row (unknown), inside the complete window 0
    w = _years(pairs=[("CHN", "PRK"), ("BLR", "PRK")], years=(1988, 1991))
    assert sorted(w.index) == [("CHN", "PRK", 1990), ("CHN", "PRK", 1991)]
    assert w.loc[("CHN", "PRK", 1991)].score == 0


def test_low_confidence_rows_can_be_excluded_but_stay_visible():
    inc = _years().loc[("CHN", "PRK", 1990)]
    assert inc.n_meetings == 1 and inc.score == 3 and inc.n_low == 1
    exc = _years(include_low=False).loc[("CHN", "PRK", 1990)]
    assert exc.n_meetings == 0 and exc.score == 0 and exc.n_low == 1
    assert _years().loc[("CHN", "PRK", 2018)].n_low == 0


# ---------------------------------------------------------------------------------------------- China Vitae

_CV = pd.DataFrame([
    ("2018-06-19", 2018, "North Korea", "PRK", "Xi Jinping",
     "Xi Jinping was in Beijing Municipality and met with the following:  Kim Jong Un (Chairman of the WPK)"),
    ("2010-05-06", 2010, "North Korea", "PRK", "Hu Jintao",
     "Hu Jintao was in Beijing Municipality and met with the following: Jong Il Kim (of the DPRK) Others "
     "Attending: Wen Jiabao"),
    ("2010-05-06", 2010, "North Korea", "PRK", "Wen Jiabao",  # the same record filed under Wen: counts once
     "Hu Jintao was in Beijing Municipality and met with the following: Jong Il Kim (of the DPRK) Others "
     "Attending: Wen Jiabao"),
    ("2005-10-29", 2005, "North Korea", "PRK", "Hu Jintao",
     "Hu Jintao travelled to Democratic People's Republic of Korea, Pyongyang and met with the following:  Kim "
     "Yong Nam (DPRK)"),
    ("2005-05-24", 2005, "North Korea", "PRK", "Hu Jintao",  # an ROK politician coded North Korea
     "Hu Jintao was in Beijing Municipality and met with the following:  Park Geun-hye (Chairman of the Grand "
     "National Party of the Republic of Korea (ROK))"),
    ("2006-07-09", 2006, "North Korea", "PRK", "Li Zhaoxing",  # a phone call: not in person
     "Li Zhaoxing talked with 12 Foreign Minister on the missile launches by the DPRK (Beijing Municipality)"),
    ("2016-07-25", 2016, "North Korea", "PRK", "Wang Yi",
     "Wang Yi travelled to Laos, Vientiane and met with the following:  Ri Yong Ho (Foreign Minister of the DPRK)"),
    ("2012-08-17", 2012, "North Korea", "PRK", "Wang Yi",  # before he became foreign minister: "other"
     "Wang Yi was in Beijing Municipality and met with the following: a DPRK delegation"),
], columns=["date", "year", "country", "iso3", "leader", "text"])
_PLACES = {"Democratic People's Republic of Korea": "PRK", "Laos": "LAO", "Beijing Municipality": None}


def _places(names):
    return [_PLACES.get(n) for n in names]


def test_chinavitae_counting_rules():
    e = vi.chinavitae_engagements(_CV, resolve=_places)
    # the duplicate record counts once, the phone call not at all, the ROK politician for KOR
    assert len(e) == 6 and (e.iso3 == "PRK").sum() == 5 and (e.iso3 == "KOR").sum() == 1
    prk = e[e.iso3 == "PRK"].set_index("year")
    assert prk.loc[2010, "weight"] == 3  # Hu (head of state) and Wen present: the higher office
    assert prk.loc[2005, "where"] == "partner" and prk.loc[2018, "where"] == "china"
    assert prk.loc[2016, "where"] == "third" and prk.loc[2016, "weight"] == 1
    assert prk.loc[2012, "weight"] == 0.5


def test_chinavitae_years_zero_inside_coverage_na_outside():
    cvy = vi.chinavitae_years(vi.chinavitae_engagements(_CV, resolve=_places))
    y = _years(pairs=[("CHN", "PRK"), ("CHN", "RUS")], cvy=cvy)
    assert y.loc[("CHN", "PRK", 2010)].cv_engagements == 1 and y.loc[("CHN", "PRK", 2010)].cv_weighted == 3
    assert y.loc[("CHN", "PRK", 2011)].cv_engagements == 0  # inside 2003-2018: zero
    assert pd.isna(y.loc[("CHN", "PRK", 2019)].cv_engagements)  # after China Vitae ends: NA
    assert y.loc[("CHN", "RUS", 2010)].cv_engagements == 0 and pd.isna(y.loc[("CHN", "RUS", 2010)].score)
    assert "ev_chinavitae" in y.loc[("CHN", "PRK", 2010)].source


def test_aiddata_visits_na_where_not_collected():
    pdf = pd.DataFrame({"iso3": ["PRK", "PRK", "PRK"], "year": [2000, 2015, 2016],
                        "government_visits": [14.0, 3.0, None], "military_visits": [4.0, 0.0, None]})
    cvy = vi.chinavitae_years(vi.chinavitae_engagements(_CV, resolve=_places))
    y = _years(pairs=[("CHN", "PRK"), ("CHN", "RUS")], cvy=cvy, pdy=vi.aiddata_years(pdf))
    assert y.loc[("CHN", "PRK", 2000)].pd_gov_visits == 14
    assert y.loc[("CHN", "PRK", 2015)].pd_mil_visits == 0
    assert pd.isna(y.loc[("CHN", "PRK", 2016)].pd_gov_visits)  # a row of the source with NA: not collected
    assert pd.isna(y.loc[("CHN", "RUS", 2005)].pd_gov_visits)  # Russia is not in the dashboard
    assert y.loc[("CHN", "RUS", 2005)].cv_engagements == 0


def test_visits_figure_from_tiny_tables():
    from alignwatch.report import figures_trade as ft

    fig = ft.fig_visits(vi.meetings(chronology.summits_frame(SUMMITS)), _years().reset_index(), "PRK", "RUS")
    rows = set()
    for t in fig.data:
        if t.type == "scatter":
            rows |= set(t.y)
    assert rows == {"PRK → RUS", "RUS → PRK", "third country"}
    assert "chr_summits" in " ".join(a.text or "" for a in fig.layout.annotations)


def test_visits_cli_on_tiny_warehouse(tiny_wh, capsys):
    from alignwatch.cli import main

    pdf = pd.DataFrame({"receiving_country": ["North Korea"], "iso3": ["PRK"], "year": [2005],
                        "government_visits": [5.0], "military_visits": [0.0]})
    wh = tiny_wh(chr_summits=SUMMITS.assign(date_start=pd.to_datetime(SUMMITS.date_start),
                                            date_end=pd.to_datetime(SUMMITS.date_end)),
                 ev_chinavitae=_CV.assign(date=pd.to_datetime(_CV.date).dt.date), ev_aiddata_pd=pdf)
    assert main(["visits", "PRK", "CHN", "--format", "csv", "--db", str(wh.path)]) == 0
    df = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out)).set_index("year")
    # seen from PRK: Kim's 2018 trip is PRK -> CHN (out), Wang Yi's is CHN -> PRK (in)
    assert (df.loc[2018, "visits_out"], df.loc[2018, "visits_in"]) == (1, 1)
    assert df.loc[2005, "pd_gov_visits"] == 5 and df.loc[2005, "cv_engagements"] == 1
    assert main(["visits", "PRK", "RUS", "--list", "--exclude-low", "--format", "csv", "--db", str(wh.path)]) == 0
    listed = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert "third country" in set(listed.direction) and (listed.confidence != "low").all()


# --------------------------------------------------------------------------------------------- real data


@pytest.mark.data
def test_real_summit_era_counts(real_wh):
    df = vi.dyad_years(real_wh, ["PRK", "CHN", "RUS"]).set_index(["a", "b", "year"])
    assert df.loc[("CHN", "PRK", 2018)].n_leader == 3  # three Kim-Xi meetings in China
    assert df.loc[("CHN", "PRK", 2019)].n_leader == 2  # Beijing (January) and Xi in Pyongyang (June)
    assert df.loc[("CHN", "PRK", 2020)].score == 0
    assert df.loc[("PRK", "RUS", 2025)].third_country == 1
    assert df.loc[("CHN", "PRK", 2010)].cv_engagements >= 2  # Kim Jong Il's two visits
    assert df.loc[("CHN", "PRK", 2000)].pd_gov_visits == 14  # MANIFEST sanity figure
    assert ("CHN", "RUS", 2020) not in df.index  # not covered by any series: no row, never a 0
    assert pd.isna(df.loc[("CHN", "RUS", 2025)].score) and df.loc[("CHN", "RUS", 2025)].n_meetings == 1
