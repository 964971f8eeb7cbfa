"""Trade family: flow direction, dependence, NA versus 0, series kept apart, preferred-series rule, figures."""

from __future__ import annotations

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
    (2014, "CHN", "total", 6390.0, "USD million", "GACC", "g14", "medium"),
    (2018, "CHN", "exports_to_partner", 195.0, "USD million", "KOTRA", "k18", "medium"),
    (2018, "CHN", "imports_from_partner", 2525.0, "USD million", "KOTRA", "k18", "medium"),
    (2018, "CHN", "total", 2720.0, "USD million", "KOTRA", "k18", "high"),
    (2018, "CHN", "partner_share_of_total", 95.8, "percent", "KOTRA", "k18", "high"),
    (2018, "CHN", "exports_to_partner", 213.15, "USD million", "GACC", "g18", "high"),
    (2018, "CHN", "imports_from_partner", 2220.0, "USD million", "GACC", "g18", "high"),
    (2018, "CHN", "partner_share_of_total", 91.8, "percent", "KITA", "kita18", "medium"),
    (2020, "RUS", "exports_to_partner", 0.714, "USD million", "Russian_customs", "tass", "high"),
    (2020, "RUS", "imports_from_partner", 42.0, "USD million", "Russian_customs", "tass", "high"),
    (2023, "CHN", "partner_share_of_total", 96.7, "percent", "KOTRA", "intellinews", "low"),
    (2025, "CHN", "total", 2730.0, "USD million", "GACC", "g25", "high"),
])


def _long(include_low=True):
    return tr.trade_long(tr.cow_series(NDY, SY), tr.chronology_series(CHR), include_low=include_low)


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


def test_cow_smoothed_spike_is_low_confidence_and_can_be_excluded():
    assert _row(tr.cow_series(NDY, SY), "PRK", "RUS", 1996, tr.COW).confidence == "low"
    assert _row(tr.cow_series(NDY, SY), "PRK", "RUS", 2014, tr.COW).confidence == "medium"
    kept = _long(include_low=False)
    assert not ((kept.year == 1996) & (kept.b == "RUS")).any()
    assert not ((kept.year == 2023) & (kept.series == "KOTRA")).any()


def test_chronology_series_are_kept_apart_and_cow_copies_dropped():
    ch = tr.chronology_series(CHR)
    assert "COW_v4_IMF_DOTS" not in set(ch.series)
    r = _row(ch, "CHN", "PRK", 2018, "KOTRA")
    # DPRK side: exports_to_partner 195 is PRK -> CHN (= exports_ba when a = CHN)
    assert (r.exports_ab, r.exports_ba, r.total) == (2525.0, 195.0, 2720.0)
    assert r.dep_b == pytest.approx(0.958) and pd.isna(r.dep_a)
    assert r.confidence == "medium"  # lowest of the values combined
    g = _row(ch, "CHN", "PRK", 2018, "GACC")
    assert g.total == pytest.approx(2433.15)  # no reported total: exports + imports
    ru = _row(ch, "PRK", "RUS", 2020, "Russian_customs")
    assert (ru.exports_ab, ru.exports_ba) == (0.714, 42.0)  # PRK first: exports_to_partner is a -> b


def test_spread_between_series():
    long = _long()
    r = _row(long, "CHN", "PRK", 2018, "KOTRA")
    assert r.n_series == 3
    assert r.spread_total == pytest.approx(2720 - 2433.15)
    assert r.spread_score == pytest.approx(0.958 - 0.918)
    r14 = _row(long, "CHN", "PRK", 2014, tr.COW)
    assert r14.spread_score == pytest.approx(0.901 - 6728 / PRK_TOTAL_2014)
    assert pd.isna(_row(long, "CHN", "PRK", 2025, "GACC").spread_total)  # one series: nothing to compare


def test_spread_table_one_row_per_dyad_year():
    sp = tr.spread_table(_long()).set_index(["a", "b", "year"])
    r = sp.loc[("CHN", "PRK", 2018)]
    assert r.series == "KOTRA, KITA, GACC" and r.total_min == pytest.approx(2433.15) and r.total_max == 2720
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
    assert pick.loc[("CHN", "PRK", 2025), "series"] == "GACC"
    assert pd.isna(pick.loc[("CHN", "PRK", 2025), "score"])


def test_directed_view_from_the_dprk():
    d = tr.directed(_long(), "PRK", "CHN")
    r = d[(d.year == 2014) & (d.series == tr.COW)].iloc[0]
    assert (r.exports, r.imports, r.balance) == (2845.0, 3883.0, 2845.0 - 3883.0)
    assert r.dependence == pytest.approx(6728 / PRK_TOTAL_2014)


@pytest.fixture
def trade_wh(tiny_wh):
    return tiny_wh(ps_cow_trade_ndy=NDY, ps_cow_trade_sy=SY, chr_trade_prk=CHR)


def test_dyad_years_gap_years_are_na_never_zero(trade_wh):
    df = tr.dyad_years(trade_wh, ["PRK", "RUS"])
    assert list(df.columns[:3]) == ["a", "b", "year"] and set(df.a + df.b) == {"PRKRUS"}
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
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    r = out[(out.year == 2014) & (out.series == tr.COW)].iloc[0]
    assert (r.exports, r.imports, r.balance) == (2845.0, 3883.0, -1038.0)
    assert main(["trade", "PRK", "CHN", "--series", "NOPE", "--db", str(trade_wh.path)]) == 2


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
def test_real_russia_gap_after_2020_is_na(real_wh):
    df = tr.dyad_years(real_wh, ["PRK", "RUS"])
    late = df[df.year >= 2021]
    assert len(late) >= 5 and late.score.isna().all() and late.total.isna().all()


@pytest.mark.data
@pytest.mark.parametrize("name,a,b", [("trade-share", "PRK", "CHN"), ("trade-flows", "PRK", "CHN"),
                                      ("trade-flows", "PRK", "RUS"), ("visits", "PRK", "RUS")])
def test_real_figures_written_as_offline_html(real_wh, tmp_path, name, a, b):
    from alignwatch.cli import main

    out = tmp_path / f"{name}-{a}-{b}.html"
    assert main(["figure", name, a, b, "--out", str(out), "--db", str(real_wh.path)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<html" in html[:200].lower() and len(html) > 1_000_000  # plotly.js embedded
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert "Sources:" in html or "Source:" in html
