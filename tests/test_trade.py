"""Trade family: flow direction, dependence, NA versus 0, series kept apart, preferred-series rule, figures."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from alignwatch.errors import UsageError
from alignwatch.measures import trade as tr

# COW: CHN(710)-PRK(731) has CHN as ccode1; RUS(365)-PRK(731) has RUS as ccode1 but PRK first in ISO3 order.
NDY = pd.DataFrame({
    "ccode1": [710, 710, 365, 365, 365],
    "ccode2": [731, 731, 731, 731, 731],
    "iso3_1": ["CHN", "CHN", "RUS", "RUS", "RUS"],
    "iso3_2": ["PRK", "PRK", "PRK", "PRK", "PRK"],
    "year": [2013, 2014, 1991, 1996, 2014],
    "flow1": [2914.0, 2845.0, 0.0, 347.0, 10.0],
    "flow2": [4025.0, 3883.0, 0.0, 577.0, 90.0],
    "smoothflow1": [2914.0, 2845.0, 0.0, 16.0, 10.0],
    "smoothflow2": [4025.0, 3883.0, 0.0, 79.0, 90.0],
})
SY = pd.DataFrame({
    "ccode": [731, 731, 710, 365, 731],
    "iso3": ["PRK", "PRK", "CHN", "RUS", "PRK"],
    "year": [2014, 2013, 2014, 2014, 1996],
    "imports": [4879.314, 5205.438, 2519304.0, 285843.5, 1983.434],
    "exports": [3287.412, 3478.411, 2818427.0, 497614.9, 1017.195],
})
PRK_TOTAL_2014 = 4879.314 + 3287.412


def _chr(rows):
    return pd.DataFrame(rows, columns=["year", "partner", "flow", "value", "unit", "source_series", "source",
                                       "confidence"])


CHR = _chr([
    (2014, "CHN", "partner_share_of_total", 82.4, "percent", "COW_v4_IMF_DOTS", "cow", "medium"),
    (2014, "CHN", "partner_share_of_total", 90.1, "percent", "KOTRA", "k14", "medium"),
    (2014, "CHN", "total", 6390.0, "USD million", "GACC", "chr-g14", "medium"),  # superseded by the customs table
    (2018, "CHN", "exports_to_partner", 195.0, "USD million", "KOTRA", "k18", "medium"),
    (2018, "CHN", "imports_from_partner", 2525.0, "USD million", "KOTRA", "k18", "medium"),
    (2018, "CHN", "total", 2720.0, "USD million", "KOTRA", "k18", "high"),
    (2018, "CHN", "partner_share_of_total", 95.8, "percent", "KOTRA", "k18", "high"),
    (2018, "CHN", "partner_share_of_total", 91.8, "percent", "KITA", "kita18", "medium"),
    (2020, "RUS", "exports_to_partner", 0.714, "USD million", "Russian_customs", "chr-tass", "high"),
    (2023, "CHN", "partner_share_of_total", 96.7, "percent", "KOTRA", "intellinews", "low"),
])

CUSTOMS_COLUMNS = ["reporter", "reporter_state", "partner", "year", "period", "month", "flow", "value", "precision",
                   "basis", "outlet", "published", "source", "confidence", "note"]


def _cus(rows):
    d = pd.DataFrame(rows, columns=CUSTOMS_COLUMNS)
    d["month"] = d["month"].astype("Float64")
    return d


G, R = ("GACC", "CHN", "PRK"), ("RU_customs", "RUS", "PRK")
CUSTOMS = _cus([
    # China's side: exports = China's exports to the DPRK
    (*G, 2018, "annual", None, "total", 2430.0, 10.0, "reported", "Reuters", "2019-01-23", "r19", "high", ""),
    (*G, 2018, "annual", None, "exports", 2220.0, 10.0, "reported", "Reuters", "2019-01-23", "r19", "high", ""),
    (*G, 2018, "annual", None, "imports", 213.15, 0.01, "reported", "Reuters", "2019-01-23", "r19", "high", ""),
    (*G, 2018, "annual", None, "imports", 213.208, 0.001, "reported", "NK News", "2020-02-04", "nkn", "medium", ""),
    (*G, 2018, "ytd", 11, "imports", 191.75, 0.01, "reported", "Reuters", "2018-12-23", "r18", "high", ""),
    (*G, 2018, "month", 12, "total", 228.89, 0.01, "reported", "Reuters", "2019-01-23", "r19", "high", ""),
    (*G, 2018, "month", 12, "exports", 207.43, 0.01, "reported", "Reuters", "2019-01-23", "r19", "high", ""),
    # two reports of one total, one derived; a derived flow of the same report as the total
    (*G, 2017, "annual", None, "total", 5060.0, 10.0, "reported", "Global Times", "2018-01-12", "gt", "high", ""),
    (*G, 2017, "annual", None, "imports", 1720.0, 10.0, "reported", "Global Times", "2018-01-12", "gt", "high",
     ""),
    (*G, 2017, "annual", None, "exports", 3340.0, 10.0, "derived", "Global Times", "2018-01-12", "gt", "medium",
     ""),
    (*G, 2017, "annual", None, "exports", 3245.0, 1.0, "reported", "Comtrade", "2019-04-10", "ct", "medium", ""),
    (*G, 2017, "annual", None, "total", 4976.0, 1.0, "reported", "Comtrade", "2019-04-10", "ct", "medium", ""),
    (*G, 2025, "annual", None, "total", 2730.0, 10.0, "reported", "AFP", "2026-01-20", "afp", "high", ""),
    (*G, 2025, "annual", None, "total", 2700.0, 100.0, "reported", "Reuters", "2026-01-20", "rt", "medium", ""),
    # a low-confidence derived flow beside a reported total
    (*G, 2015, "annual", None, "total", 5511.0, 1.0, "reported", "KEI", "2016", "kei", "medium", ""),
    (*G, 2015, "annual", None, "exports", 2950.0, 10.0, "derived", "KOTRA", "2016-06-15", "kotra", "low", ""),
    (*R, 2020, "annual", None, "total", 42.74, 0.01, "reported", "TASS", "2021-02-19", "tass", "high", ""),
    (*R, 2020, "annual", None, "exports", 42.0, 1.0, "reported", "TASS", "2021-02-19", "tass", "high", ""),
    (*R, 2020, "annual", None, "imports", 0.714, 0.001, "reported", "TASS", "2021-02-19", "tass", "high", ""),
])


def _long(include_low=True):
    return tr.trade_long(tr.cow_series(NDY, SY), tr.chronology_series(CHR),
                         tr.customs_series(CUSTOMS, include_low=include_low), include_low=include_low)


def _row(df, a, b, year, series):
    r = df[(df.a == a) & (df.b == b) & (df.year == year) & (df.series == series)]
    assert len(r) == 1, r
    return r.iloc[0]


def test_cow_flow_direction_follows_the_importer():
    cow = tr.cow_series(NDY, SY)
    r = _row(cow, "CHN", "PRK", 2014, tr.COW)
    # flow2 = PRK's imports from CHN = CHN's exports to PRK; flow1 = CHN's imports from PRK
    assert (r.exports_ab, r.exports_ba, r.total) == (3883.0, 2845.0, 6728.0)
    # RUS is ccode1 but PRK comes first in ISO3 order: flow1 (RUS imports from PRK) is PRK's exports
    r = _row(cow, "PRK", "RUS", 2014, tr.COW)
    assert (r.exports_ab, r.exports_ba) == (10.0, 90.0)


def test_dependence_is_share_of_own_total_trade():
    r = _row(tr.cow_series(NDY, SY), "CHN", "PRK", 2014, tr.COW)
    assert r.dep_b == pytest.approx(6728 / PRK_TOTAL_2014)  # 0.824: the 82.4 % of the chronology
    assert r.dep_a == pytest.approx(6728 / (2519304.0 + 2818427.0))
    assert round(100 * r.dep_b, 1) == 82.4


def test_known_missing_cow_zeros_are_na_not_zero():
    r = _row(tr.cow_series(NDY, SY), "PRK", "RUS", 1991, tr.COW)
    assert pd.isna(r.exports_ab) and pd.isna(r.total) and pd.isna(r.dep_a)


def test_cow_smoothed_flows_replace_the_raw_ones_on_request():
    raw = tr.cow_series(NDY, SY).set_index(["a", "b", "year"])
    smooth = tr.cow_series(NDY, SY, flows="smoothed").set_index(["a", "b", "year"])
    assert raw.loc[("PRK", "RUS", 1996), "total"] == 347 + 577
    assert smooth.loc[("PRK", "RUS", 1996), "total"] == 16 + 79
    assert bool(smooth.loc[("PRK", "RUS", 1996), "smoothed"])  # still flagged: the same row, read otherwise
    assert smooth.loc[("CHN", "PRK", 2014), "total"] == raw.loc[("CHN", "PRK", 2014), "total"]
    with pytest.raises(ValueError):
        tr.cow_series(NDY, SY, flows="mean")


def test_cow_smoothed_spike_is_low_confidence_and_can_be_excluded():
    assert _row(tr.cow_series(NDY, SY), "PRK", "RUS", 1996, tr.COW).confidence == "low"
    assert _row(tr.cow_series(NDY, SY), "PRK", "RUS", 2014, tr.COW).confidence == "medium"
    kept = _long(include_low=False)
    assert not ((kept.year == 1996) & (kept.b == "RUS")).any()
    assert not ((kept.year == 2023) & (kept.series == "KOTRA")).any()


def test_chronology_series_are_kept_apart_and_cow_and_customs_copies_dropped():
    ch = tr.chronology_series(CHR)
    assert not set(ch.series) & {"COW_v4_IMF_DOTS", "GACC", "Russian_customs"}
    r = _row(ch, "CHN", "PRK", 2018, "KOTRA")
    # DPRK side: exports_to_partner 195 is PRK -> CHN (= exports_ba when a = CHN)
    assert (r.exports_ab, r.exports_ba, r.total) == (2525.0, 195.0, 2720.0)
    assert r.dep_b == pytest.approx(0.958) and pd.isna(r.dep_a)
    assert r.confidence == "medium"  # lowest of the values combined


def test_customs_series_sides_and_report_choice():
    cs = tr.customs_series(CUSTOMS)
    g = _row(cs, "CHN", "PRK", 2018, tr.GACC)
    # the reporter's exports (China's) are a -> b because CHN < PRK; the high-confidence Reuters report wins
    assert (g.exports_ab, g.exports_ba, g.total) == (2220.0, 213.15, 2430.0)
    assert g.confidence == "high" and "Reuters, 2019-01-23" in g.source and g.url == "r19"
    ru = _row(cs, "PRK", "RUS", 2020, tr.RU_CUSTOMS)
    assert (ru.exports_ab, ru.exports_ba) == (0.714, 42.0)  # PRK first: Russia's imports are PRK -> RUS
    # 2017: the total's own report gives the flows, even derived, so that they add up; the other report is named
    g17 = _row(cs, "CHN", "PRK", 2017, tr.GACC)
    assert (g17.exports_ab, g17.exports_ba, g17.total) == (3340.0, 1720.0, 5060.0)
    assert "derived" in g17.source and "3,245 (Comtrade" in g17.note and "4,976 (Comtrade" in g17.note
    # 2025: 2,700 (rounded to 100) is within its rounding of 2,730: not listed as disagreeing
    assert pd.isna(_row(cs, "CHN", "PRK", 2025, tr.GACC).note)
    # a derived low-confidence flow lowers the row's grade; without low rows the reported total stands alone
    assert _row(cs, "CHN", "PRK", 2015, tr.GACC).confidence == "low"
    hi = tr.customs_series(CUSTOMS, include_low=False)
    r15 = _row(hi, "CHN", "PRK", 2015, tr.GACC)
    assert r15.total == 5511.0 and pd.isna(r15.exports_ab) and r15.confidence == "medium"


def test_customs_crosscheck_agree_close_disagree():
    x = tr.customs_crosscheck(CUSTOMS)
    same = x[x.check == "same figure"].set_index(["year", "flow", "compared_with"])
    assert same.loc[(2017, "total", 4976.0), "status"] == "disagree"  # 84 apart, 1.7 %
    assert same.loc[(2018, "imports", 213.208), "status"] == "close"  # 0.058 > 0.01 rounding, within 1 %
    assert same.loc[(2025, "total", 2700.0), "status"] == "agree"  # within the 100 rounding of 2.7bn
    months = x[(x.check == "months vs period") & (x.year == 2018)].set_index("flow")
    # January-November imports 191.75 + December (228.89 - 207.43 = 21.46, implied) against the year's 213.15
    assert months.loc["imports", "compared_with"] == pytest.approx(191.75 + 228.89 - 207.43)
    parts = x[(x.check == "parts vs total") & (x.year == 2018)].iloc[0]
    assert parts.compared_with == pytest.approx(2433.15) and parts.status == "agree"
    assert set(x.status) <= {"agree", "close", "disagree"}


def test_spread_between_series():
    long = _long()
    r = _row(long, "CHN", "PRK", 2018, "KOTRA")
    assert r.n_series == 3
    assert r.spread_total == pytest.approx(2720 - 2430)
    assert r.spread_score == pytest.approx(0.958 - 0.918)
    r14 = _row(long, "CHN", "PRK", 2014, tr.COW)
    assert r14.spread_score == pytest.approx(0.901 - 6728 / PRK_TOTAL_2014)
    assert pd.isna(_row(long, "CHN", "PRK", 2025, tr.GACC).spread_total)  # one series: nothing to compare


def test_spread_table_one_row_per_dyad_year():
    sp = tr.spread_table(_long()).set_index(["a", "b", "year"])
    r = sp.loc[("CHN", "PRK", 2018)]
    assert r.series == "KOTRA, KITA, GACC" and r.total_min == 2430 and r.total_max == 2720
    assert r.spread_score == pytest.approx(0.04)


def test_headline_prefers_cow_then_the_first_series_with_a_dependence():
    top = tr.headline(_long())
    pick = top.set_index(["a", "b", "year"])
    assert pick.loc[("CHN", "PRK", 2014), "series"] == tr.COW
    assert pick.loc[("CHN", "PRK", 2014), "score"] == pytest.approx(6728 / PRK_TOTAL_2014)
    assert pick.loc[("CHN", "PRK", 2018), "series"] == "KOTRA"
    assert pick.loc[("CHN", "PRK", 2018), "score"] == pytest.approx(0.958)
    assert pick.loc[("CHN", "PRK", 2018), "balance_a"] == pytest.approx(2525 - 195)
    # GACC reports no DPRK total: the year has a value but no dependence, so the score is NA (not 0)
    assert pick.loc[("CHN", "PRK", 2025), "series"] == tr.GACC
    assert pd.isna(pick.loc[("CHN", "PRK", 2025), "score"])


def test_headline_of_nothing_has_every_column():
    empty = tr.headline(tr.trade_long(tr.cow_series(pd.DataFrame(), pd.DataFrame()), tr.chronology_series(
        CHR.iloc[:0])))
    assert empty.empty and {"balance_a", "asymmetry", "salience"} <= set(empty.columns)


def test_directed_view_from_the_dprk():
    d = tr.directed(_long(), "PRK", "CHN")
    r = d[(d.year == 2014) & (d.series == tr.COW)].iloc[0]
    assert (r.exports, r.imports, r.balance) == (2845.0, 3883.0, 2845.0 - 3883.0)
    assert r.dependence == pytest.approx(6728 / PRK_TOTAL_2014)


def test_pair_table_follows_the_order_typed_and_names_sides():
    prk = tr.pair_table(_long(), "PRK", "CHN")
    assert {"exports_PRK_to_CHN", "exports_CHN_to_PRK", "balance_PRK", "dep_PRK", "dep_CHN"} <= set(prk.columns)
    r = prk[(prk.year == 2014) & (prk.series == tr.COW)].iloc[0]
    assert r.balance_PRK == 2845 - 3883 < 0  # the DPRK's deficit with China
    assert r.dep_PRK == pytest.approx(6728 / PRK_TOTAL_2014) and bool(r.headline)
    chn = tr.pair_table(_long(), "CHN", "PRK")
    r = chn[(chn.year == 2014) & (chn.series == tr.COW)].iloc[0]
    assert r.balance_CHN == 3883 - 2845 and r.exports_CHN_to_PRK == 3883
    g = prk[(prk.year == 2018) & (prk.series == tr.GACC)].iloc[0]
    assert (g.exports_PRK_to_CHN, g.exports_CHN_to_PRK) == (213.15, 2220.0) and not g.headline
    assert prk.source.notna().all()


@pytest.fixture
def trade_wh(tiny_wh):
    return tiny_wh(ps_cow_trade_ndy=NDY, ps_cow_trade_sy=SY, chr_trade_prk=CHR, trade_prk_customs=CUSTOMS)


def test_dyad_years_gap_years_are_na_never_zero(trade_wh):
    df = tr.dyad_years(trade_wh, ["PRK", "RUS"])
    assert list(df.columns[:3]) == ["a", "b", "year"] and set(df.a + df.b) == {"PRKRUS"}
    assert {"exports_a_to_b", "exports_b_to_a", "balance_a", "dep_a", "dep_b"} <= set(df.columns)
    assert df.year.min() == 1996 and df.year.max() == 2025  # first covered year .. last year of the data
    gap = df[df.year.between(2021, 2025)]
    assert len(gap) == 5 and gap.score.isna().all() and gap.total.isna().all() and (gap.n_series == 0).all()
    assert df.loc[df.year == 2014, "score"].iloc[0] == pytest.approx(100 / PRK_TOTAL_2014)


def test_dyad_years_all_pairs_and_years(trade_wh):
    df = tr.dyad_years(trade_wh, ["PRK", "CHN", "RUS"], (2013, 2014))
    assert set(zip(df.a, df.b)) == {("CHN", "PRK"), ("CHN", "RUS"), ("PRK", "RUS")}
    cr = df[(df.a == "CHN") & (df.b == "RUS")]
    assert cr.score.isna().all()  # no row in the data: NA
    r13 = df[(df.a == "CHN") & (df.year == 2013) & (df.b == "PRK")].iloc[0]
    assert r13.dep_b == pytest.approx(6939 / (5205.438 + 3478.411))
    # China's 2013 total is not in the fixture: which side is more dependent is unknown, so no score
    assert pd.isna(r13.dep_a) and pd.isna(r13.score)


def test_all_dyads_without_states(trade_wh):
    df = tr.dyad_years(trade_wh)  # every dyad in the data, cached in the warehouse after the first call
    assert set(zip(df.a, df.b)) == {("CHN", "PRK"), ("PRK", "RUS")}
    again = tr.dyad_years(trade_wh)
    assert len(again) == len(df) and again.score.isna().sum() == df.score.isna().sum()


def test_trade_cli_on_tiny_warehouse(trade_wh, capsys):
    from alignwatch.cli import main

    assert main(["trade", "PRK", "CHN", "--format", "csv", "--db", str(trade_wh.path)]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    r = out[(out.year == 2014) & (out.series == tr.COW)].iloc[0]
    assert (r.exports_PRK_to_CHN, r.exports_CHN_to_PRK, r.balance_PRK) == (2845.0, 3883.0, -1038.0)
    assert main(["trade", "PRK", "CHN", "--series", "NOPE", "--db", str(trade_wh.path)]) == 2
    assert main(["trade", "PRK", "CHN", "--customs", "--format", "csv", "--db", str(trade_wh.path)]) == 0
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"CHN→PRK", "PRK→CHN", "total"} == set(rows.flow) and rows.source.notna().all()
    assert main(["trade", "PRK", "CHN", "--check", "--format", "csv", "--db", str(trade_wh.path)]) == 0
    assert "disagree" in set(pd.read_csv(io.StringIO(capsys.readouterr().out)).status)
    assert main(["trade", "KOR", "USA", "--customs", "--db", str(trade_wh.path)]) == 2


@pytest.mark.parametrize("first,second", [("PRK", "CHN"), ("CHN", "PRK")])
def test_dyad_trade_csv_keeps_the_order_typed(trade_wh, capsys, first, second):
    from alignwatch.cli import main

    args = ["dyad", first, second, "--measure", "trade", "--format", "csv", "--db", str(trade_wh.path)]
    assert main(args) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert f"balance_{first}" in out.columns and f"exports_{first}_to_{second}" in out.columns
    r = out[(out.year == 2014) & (out.series == tr.COW)].iloc[0]
    assert (r[f"balance_{first}"] < 0) == (first == "PRK")  # the DPRK's deficit, China's surplus
    assert out.series.dropna().isin(tr.SERIES_ORDER).all() and out.source.notna().all()
    # a year no series covers inside the range is a gap row (NA values), never a 0 and never skipped
    assert set(range(out.year.min(), out.year.max() + 1)) == set(out.year)


@pytest.mark.parametrize("args", [["KOR", "USA", "--from", "2015"], ["PRK", "RUS", "--from", "1991", "--to", "1991"],
                                  ["CHN", "RUS", "--from", "2015"]])
def test_dyad_trade_without_rows_is_one_line_exit_2(trade_wh, capsys, args):
    from alignwatch.cli import main

    assert main(["dyad", *args, "--measure", "trade", "--db", str(trade_wh.path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no trade figure for" in err


def test_dyad_years_in_a_window_without_rows_does_not_crash(trade_wh):
    df = tr.dyad_years(trade_wh, ["KOR", "USA"], (2015, 2020))
    assert set(tr.COLUMNS) <= set(df.columns) and df.score.isna().all()
    df = tr.dyad_years(trade_wh, ["PRK", "RUS"], (1991, 1991))
    assert list(df.year) == [1991] and df.total.isna().all() and (df.n_series == 0).all()


def test_bad_arguments(trade_wh):
    with pytest.raises(UsageError):
        tr.dyad_years(trade_wh, ["PRK"])
    with pytest.raises(UsageError):
        tr.dyad_years(trade_wh, ["PRK", "CHN"], (2015, 2010))


def test_figures_from_tiny_tables_cite_sources():
    from alignwatch.report import figures_trade as ft

    long = _long()
    share = ft.fig_trade_share(long, "PRK", "CHN")
    names = {t.name for t in share.data}
    assert {tr.COW, "KOTRA", "KITA", "spread between series"} <= names
    caption = " ".join(a.text for a in share.layout.annotations)
    assert "Barbieri" in caption and "KOTRA" in caption
    flows = ft.fig_trade_flows(long, "PRK", "RUS", last=2025)
    caption = " ".join(a.text or "" for a in flows.layout.annotations)
    assert "2021–2025" in caption and "gap, not zero" in caption
    # the figure follows the order given: PRK CHN draws the DPRK's exports to China (COW 2014: 2,845)
    for first, second, value in (("PRK", "CHN", 2845.0), ("CHN", "PRK", 3883.0)):
        fig = ft.fig_trade_flows(long, first, second)
        tr_ = next(t for t in fig.data if t.name == f"{first} exports to {second} (COW_v4)")
        assert dict(zip(tr_.x, tr_.y))[2014] == value
        assert fig.layout.title.text.startswith(ft.state_name(first))


# --------------------------------------------------------------------------------------------- real data


@pytest.mark.data
def test_real_cow_sanity_and_chronology_agree(real_wh):
    long = tr.series(real_wh, ["PRK", "CHN", "RUS"])
    d = tr.directed(long, "PRK", "CHN")
    r = d[(d.year == 2014) & (d.series == tr.COW)].iloc[0]
    assert (r.imports, r.exports) == (3883.0, 2845.0)  # MANIFEST: CHN-PRK 2014 flow1 2845 / flow2 3883
    assert round(100 * r.dependence, 1) == 82.4
    # the chronology's COW rows were computed from the same files: our shares must reproduce them
    chron = real_wh.df("chr_trade_prk")
    chron = chron[(chron.source_series == "COW_v4_IMF_DOTS") & (chron.flow == "partner_share_of_total")]
    for partner in ("CHN", "RUS"):
        ours = tr.directed(long, "PRK", partner)
        ours = ours[ours.series == tr.COW].set_index("year")["dependence"].astype(float) * 100
        theirs = chron[chron.partner == partner].set_index("year")["value"].astype(float)
        joined = pd.concat([ours.rename("ours"), theirs.rename("theirs")], axis=1, join="inner")
        assert len(joined) >= 20
        assert (joined.ours - joined.theirs).abs().max() < 0.06


@pytest.mark.data
def test_real_russia_after_2020_gaps_are_na_and_customs_totals_have_no_score(real_wh):
    df = tr.dyad_years(real_wh, ["PRK", "RUS"]).set_index("year")
    late = df.loc[2021:]
    assert len(late) >= 5 and late.score.isna().all()  # Russia's customs give no DPRK total: no dependence
    assert pd.isna(df.loc[2021, "total"]) and df.loc[2021, "n_series"] == 0  # a recorded gap, not zero
    assert df.loc[2023, "total"] == pytest.approx(34.4) and df.loc[2023, "series"] == tr.RU_CUSTOMS


@pytest.mark.data
@pytest.mark.parametrize("name,a,b", [("trade", "PRK", "CHN"), ("trade-flows", "PRK", "CHN"),
                                      ("trade-flows", "PRK", "RUS"), ("visits", "PRK", "RUS")])
def test_real_figures_written_as_offline_html(real_wh, tmp_path, name, a, b):
    from alignwatch.cli import main

    out = tmp_path / f"{name}-{a}-{b}.html"
    assert main(["figure", name, a, b, "--out", str(out), "--db", str(real_wh.path)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<html" in html[:200].lower() and len(html) > 1_000_000  # plotly.js embedded
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert "Sources:" in html or "Source:" in html


# --------------------------------------------------------------------------------------- the customs table


def test_packaged_customs_table_validates_and_every_row_is_cited():
    from alignwatch.sources import base, trade_customs

    ds = trade_customs.DATASETS[0]
    tbl = base.load(ds, trade_customs.packaged_path()).to_pandas()
    assert tbl["source"].str.startswith("http").all() and tbl["outlet"].notna().all()
    annual = tbl[(tbl.reporter == "GACC") & (tbl.period == "annual") & (tbl.flow == "total")]
    assert set(range(2015, 2026)) <= set(annual.year)
    # figures taken from the MANIFEST's notes on the pages corpus
    row = tbl[(tbl.year == 2021) & (tbl.period == "month") & (tbl.month == 4) & (tbl.flow == "exports")]
    assert row.value.tolist() == [28.751]
    assert tbl[(tbl.year == 2018) & (tbl.period == "ytd") & (tbl.month == 11) & (tbl.flow == "imports")
               ].value.tolist() == [191.75]


@pytest.mark.parametrize("column,value,expected", [
    ("month", "3", "month must be blank for an annual figure"),
    ("reporter_state", "RUS", "reporter GACC reports for CHN"),
    ("value", "-5", "at least 0"),
    ("published", "Jan 2019", "publication date"),
    ("flow", "re-exports", "unknown value"),
])
def test_bad_customs_rows_name_the_row(tmp_path, column, value, expected):
    from alignwatch.errors import DataError
    from alignwatch.sources import base, trade_customs

    rows = pd.read_csv(trade_customs.packaged_path(), dtype=str, keep_default_na=False)
    first_annual = int((rows.period == "annual").to_numpy().argmax())
    rows.loc[first_annual, column] = value
    bad = tmp_path / "trade_prk_customs.csv"
    rows.to_csv(bad, index=False)
    with pytest.raises(DataError) as e:
        base.load(trade_customs.DATASETS[0], bad)
    assert expected in str(e.value) and f"row {first_annual + 2}" in str(e.value)


@pytest.mark.data
def test_real_china_customs_every_year_2015_2025_in_the_dyad_table(real_wh, capsys):
    from alignwatch.cli import main

    assert main(["dyad", "PRK", "CHN", "--measure", "trade", "--from", "2015", "--format", "csv",
                 "--db", str(real_wh.path)]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    g = out[out.series == tr.GACC]
    assert set(range(2015, 2026)) <= set(g.year) and g.total.notna().all()
    assert g.source.str.startswith("GACC via").all() and g.url.str.contains("http").all()
    r20 = g[g.year == 2020].iloc[0]
    assert r20.exports_CHN_to_PRK == pytest.approx(491.1) and r20.balance_PRK < 0


@pytest.mark.data
def test_real_dprk_balance_with_china_in_1990_is_negative(real_wh, capsys):
    from alignwatch.cli import main

    assert main(["dyad", "PRK", "CHN", "--measure", "trade", "--from", "1990", "--to", "1990", "--format", "csv",
                 "--db", str(real_wh.path)]) == 0
    r = pd.read_csv(io.StringIO(capsys.readouterr().out)).iloc[0]
    assert r.series == tr.COW and r.balance_PRK == -269 and r.exports_CHN_to_PRK == 398


@pytest.mark.data
def test_real_customs_disagreements_are_reported(real_wh):
    x = tr.customs_crosscheck(tr.customs_rows(real_wh))
    same = x[(x.check == "same figure") & (x.reporter == tr.GACC)]
    # two 2015 totals (5,511 GACC per KEI; 5,430 per KIEP) and China's 2017 report to Comtrade
    assert ((same.year == 2015) & (same.status == "disagree")).any()
    assert ((same.year == 2017) & (same.compared_with == 4976)).any()
    # the Reuters monthly releases of 2018 add up to the annual figures within rounding or 1 %
    m18 = x[(x.check == "months vs period") & (x.year == 2018)]
    assert len(m18) >= 3 and m18.status.isin(["agree", "close"]).all()
