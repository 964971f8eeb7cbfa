"""Events family: ICEWS directions summed, net cooperation share, zero vs NA on the ICEWS grid; GDELT yearly sums,
days present (missing days), covered pairs, z against the dyad's own history; the two series kept apart."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alignwatch.cli import main
from alignwatch.errors import UsageError
from alignwatch.measures import events as ev
from alignwatch.measures import families

# ICEWS grid of three states (CHN, PRK, USA) in 2013-2014, directed. PRK->CHN and CHN->PRK in 2013; CHN-USA 2013 has
# no events either way; the CHN-PRK 2014 rows are absent (grid gap: a real zero inside the grid).
ICEWS = pd.DataFrame([
    # iso3_i, iso3_j, year, verbCoop, matlCoop, verbConf, matlConf
    ("CHN", "PRK", 2013, 3.0, 1.0, 1.0, 0.0),
    ("PRK", "CHN", 2013, 2.0, 0.0, 0.0, 2.0),
    ("CHN", "USA", 2013, 0.0, 0.0, 0.0, 0.0),
    ("USA", "CHN", 2013, 0.0, 0.0, 0.0, 0.0),
    ("PRK", "USA", 2013, 0.0, 0.0, 4.0, 1.0),
    ("USA", "PRK", 2014, 1.0, 0.0, 0.0, 0.0),
    ("CHN", "USA", 2014, 5.0, 0.0, 0.0, 0.0),
], columns=["iso3_i", "iso3_j", "year", "verbCoop", "matlCoop", "verbConf", "matlConf"])

# GDELT: 2018 has files for Jan 1, 2 and 4 (Jan 3 missing), 2019 for two days, 2020 for one.
GDELT = pd.DataFrame([
    ("2018-01-01", "CHN", "PRK", 10.0),
    ("2018-01-01", "PRK", "PRK", 100.0),  # self-pair: dropped
    ("2018-01-02", "PRK", "RUS", -2.0),
    ("2018-01-02", "CHN", "USA", 7.0),
    ("2018-01-04", "CHN", "PRK", 5.0),
    ("2019-01-01", "CHN", "PRK", 4.0),
    ("2019-01-02", "CHN", "RUS", 1.0),
    ("2020-06-01", "RUS", "USA", 3.0),
], columns=["date", "iso3_a", "iso3_b", "edge_weight"]).assign(date=lambda d: pd.to_datetime(d.date))


def _row(df, a, b, year):
    r = df[(df.a == a) & (df.b == b) & (df.year == year)]
    assert len(r) == 1, (a, b, year)
    return r.iloc[0]


def test_icews_directions_summed():
    out = ev.icews_undirected(ICEWS)
    r = _row(out, "CHN", "PRK", 2013)
    assert [r.icews_verb_coop, r.icews_matl_coop, r.icews_verb_conf, r.icews_matl_conf] == [5, 1, 1, 2]
    assert (r.icews_coop, r.icews_conf, r.icews_events) == (6, 3, 9)
    assert r.icews_net_coop == pytest.approx((6 - 3) / 9)
    assert _row(out, "PRK", "USA", 2013).icews_net_coop == pytest.approx(-1.0)  # conflict only
    r0 = _row(out, "CHN", "USA", 2013)
    assert r0.icews_events == 0 and pd.isna(r0.icews_net_coop)  # 0/0: no events is not neutral
    assert (out.a < out.b).all()


def test_gdelt_yearly_sums_days_and_z():
    out = ev.gdelt_yearly(GDELT)
    r = _row(out, "CHN", "PRK", 2018)
    assert r.gdelt_sum == 15.0 and r.gdelt_days_present == 3 and r.gdelt_days_active == 2
    assert r.gdelt_mean == pytest.approx(5.0)  # 15 over 3 days present (Jan 3 has no file: not a zero day)
    assert _row(out, "CHN", "PRK", 2019).gdelt_mean == pytest.approx(2.0)
    z0 = _row(out, "CHN", "PRK", 2020)
    assert z0.gdelt_sum == 0.0 and z0.gdelt_days_present == 1  # covered, no event that day: a real 0
    # z of the daily means 5, 2, 0 against their own mean 7/3 and sd (ddof 1) sqrt(19/3)
    assert r.gdelt_z == pytest.approx((5 - 7 / 3) / math.sqrt(19 / 3))
    assert z0.gdelt_z == pytest.approx((0 - 7 / 3) / math.sqrt(19 / 3))
    # PRK-USA is covered (PRK is focal, USA a node) with no weight: zeros, z undefined (sd 0)
    pu = out[(out.a == "PRK") & (out.b == "USA")]
    assert (pu.gdelt_sum == 0).all() and pu.gdelt_z.isna().all()
    assert not ((out.a == "PRK") & (out.b == "PRK")).any()  # self-pairs dropped
    assert _row(out, "PRK", "RUS", 2018).gdelt_sum == -2.0  # conflictual coverage is negative


def test_gdelt_days_present_come_from_the_whole_file():
    only_pair = GDELT[(GDELT.iso3_a == "CHN") & (GDELT.iso3_b == "PRK")]
    out = ev.gdelt_yearly(only_pair, days=GDELT.date, focal={"CHN", "PRK", "RUS"},
                          nodes={"CHN", "PRK", "RUS", "USA"}, states=["CHN", "PRK"])
    assert set(zip(out.a, out.b)) == {("CHN", "PRK")}
    assert _row(out, "CHN", "PRK", 2018).gdelt_days_present == 3
    assert _row(out, "CHN", "PRK", 2018).gdelt_mean == pytest.approx(5.0)


def test_dyad_years_keeps_series_apart_with_na_outside_coverage(tiny_wh):
    wh = tiny_wh(ev_icews=ICEWS, ev_gdelt_daily=GDELT)
    out = ev.dyad_years(wh, ["PRK", "CHN", "USA", "KOR"])
    assert out.year.min() == 2013 and out.year.max() == 2020  # the span of both sources
    r = _row(out, "CHN", "PRK", 2013)
    assert r.score == pytest.approx(1 / 3) and r.source == "ev_icews" and pd.isna(r.gdelt_sum)
    gap = _row(out, "CHN", "PRK", 2014)  # both in the ICEWS grid, no row: zero events, net share NA
    assert gap.icews_events == 0 and pd.isna(gap.score) and gap.source == "ev_icews"
    g = _row(out, "CHN", "PRK", 2018)
    assert g.gdelt_sum == 15.0 and g.source == "ev_gdelt_daily" and pd.isna(g.score) and pd.isna(g.icews_coop)
    none = _row(out, "CHN", "PRK", 2016)  # no source covers 2015-2017
    assert pd.isna(none.source) and none[list(ev.ICEWS_COLUMNS + ev.GDELT_COLUMNS)].isna().all()
    kor = out[(out.a == "KOR") | (out.b == "KOR")]  # in neither the ICEWS grid nor the GDELT nodes
    assert kor.score.isna().all() and kor.source.isna().all() and kor.icews_events.isna().all()
    assert _row(out, "CHN", "USA", 2018).gdelt_sum == 7.0
    assert pd.isna(_row(out, "CHN", "USA", 2018).icews_events)  # outside ICEWS years: NA, not 0


def test_dyad_years_all_and_years(tiny_wh):
    wh = tiny_wh(ev_icews=ICEWS, ev_gdelt_daily=GDELT)
    out = ev.dyad_years(wh)
    assert set(out.source.dropna()) == {"ev_icews", "ev_gdelt_daily"}
    assert set(ev.dyad_years(wh, years=(2019, 2019)).year) == {2019}
    sub = ev.dyad_years(wh, ["CHN", "PRK"], (2012, 2013))
    assert list(sub.year) == [2012, 2013] and pd.isna(sub.score.iloc[0])  # 2012: before ICEWS's first year here
    with pytest.raises(UsageError):
        ev.dyad_years(wh, ["CHN", "P"])
    with pytest.raises(UsageError):
        ev.dyad_years(wh, ["CHN", "PRK"], (2014, 2013))


def test_registered():
    fam = families()["events"]
    assert fam.domain == "political" and fam.columns[:2] == ("icews_net_coop", "gdelt_z")


def test_cli_event_scores(tiny_wh, capsys):
    wh = tiny_wh(ev_icews=ICEWS, ev_gdelt_daily=GDELT)
    wh.close()
    assert main(["event-scores", "PRK", "CHN", "--db", str(wh.path), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("year,icews coop,icews conf,icews net,gdelt sum")
    assert lines[1].startswith("2013,6.0,3.0,0.333")
    assert [ln.split(",")[0] for ln in lines[1:]] == [str(y) for y in range(2013, 2021)]
    assert main(["event-scores", "PRK", "PRK", "--db", str(wh.path)]) == 2


# ------------------------------------------------------------------------------------------------ real data


@pytest.mark.data
def test_real_icews_sanity(real_wh):
    directed = real_wh.query("SELECT year, iso3_i, iso3_j, verbCoop FROM ev_icews WHERE "
                             "(iso3_i = 'CHN' AND iso3_j = 'PRK') OR (iso3_i = 'PRK' AND iso3_j = 'CHN')")
    chn_prk = directed[directed.iso3_i == "CHN"].set_index("year").verbCoop
    assert chn_prk[2002] == 495 and chn_prk[2006] == 3520  # MANIFEST sanity figures (directed)
    out = ev.dyad_years(real_wh, ["CHN", "PRK", "RUS"])
    both = directed.groupby("year").verbCoop.sum()
    r = out[(out.a == "CHN") & (out.b == "PRK")].set_index("year")
    assert r.loc[2002, "icews_verb_coop"] == both[2002] and r.loc[2006, "icews_verb_coop"] == both[2006]
    assert r.loc[2002:2014, "score"].between(-1, 1).all() and r.loc[2015:2017, "score"].isna().all()


@pytest.mark.data
def test_real_gdelt_sanity(real_wh):
    out = ev.dyad_years(real_wh, ["CHN", "PRK", "RUS"], (2018, 2024))
    assert _row(out, "CHN", "PRK", 2018).gdelt_sum == pytest.approx(54_444.5, abs=0.1)  # MANIFEST
    assert _row(out, "PRK", "RUS", 2023).gdelt_sum == pytest.approx(35_560.3, abs=0.1)
    assert _row(out, "CHN", "PRK", 2022).gdelt_sum == pytest.approx(898.3, abs=0.1)
    days = out[(out.a == "CHN") & (out.b == "PRK")].set_index("year").gdelt_days_present
    assert days[2018] == 365 and days[2023] == 297 and days[2024] == 54
    span = (pd.Timestamp("2024-02-23") - pd.Timestamp("2018-01-01")).days + 1
    assert span - int(days.sum()) == 96  # the ~96 missing days of the MANIFEST
    assert np.isfinite(out.gdelt_z).all()
