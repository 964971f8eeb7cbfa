"""Co-belligerency: same and opposite sides from participant tables (wars, MIDs, UCDP), the UCDP cartesian
expansion, hostility weighting, zero versus NA, the war file's CR line endings; then the manifest's figures."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from alignwatch.errors import DataError, UsageError
from alignwatch.measures import cobelligerency as cb
from alignwatch.sources import base, registry

REG = registry()

# ------------------------------------------------------------------------------------------ tiny tables


def _war(rows):
    """(war, name, iso3, side, y0, y1, y0b, y1b) -> war participant rows (-8 = no second spell)."""
    return pd.DataFrame([{"WarNum": w, "WarName": n, "iso3": s, "Side": side, "StartYear1": a, "EndYear1": b,
                          "StartYear2": c, "EndYear2": d} for w, n, s, side, a, b, c, d in rows])


def _mid(rows):
    """(dispnum, iso3, sidea, hostlev, styear, endyear) -> MIDB rows."""
    return pd.DataFrame(rows, columns=["dispnum", "iso3", "sidea", "hostlev", "styear", "endyear"])


WARS = _war([
    (151, "Korean", "PRK", 2, 1950, 1953, -8, -8), (151, "Korean", "CHN", 2, 1950, 1953, -8, -8),
    (151, "Korean", "USA", 1, 1950, 1953, -8, -8), (151, "Korean", "KOR", 1, 1950, 1953, -8, -8),
    # a side switch (Romania 1944) and a second participation spell (France 1939-40 and 1944-45)
    (139, "World War II", "ROU", 2, 1941, 1944, -8, -8), (139, "World War II", "ROU", 1, 1944, 1945, -8, -8),
    (139, "World War II", "DEU", 2, 1939, 1945, -8, -8), (139, "World War II", "FRA", 1, 1939, 1940, 1944, 1945),
])
MIDS = _mid([
    (51, "PRK", 1, 5, 1950, 1953), (51, "CHN", 1, 5, 1950, 1953), (51, "USA", 0, 5, 1950, 1953),
    (1379, "USA", 1, 4, 1964, 1969), (1379, "RUS", 1, 1, 1969, 1969), (1379, "PRK", 0, 4, 1964, 1971),
    (4018, "PRK", 1, 4, 1993, 1993), (4018, "CHN", 0, 4, 1993, 1993),
    (4019, "PRK", 1, 4, 1995, 1995), (4019, "CHN", 0, 1, 1995, 1995),
])
GML = pd.DataFrame({"dispnum": [51, 51], "iso3": ["PRK", "CHN"], "sidea": [1, 1], "styear": [1950, 1950],
                    "endyear": [1953, 1953]})
# UCDP as peacesciencer ships it: conflict 235 in 1950 appears once per (a_2nd, b_2nd) combination
UCDP = pd.DataFrame({
    "conflict_id": [235, 235, 235, 235, 13243, 13243],
    "year": [1950, 1950, 1950, 1950, 2023, 2024],
    "intensity_level": [2, 2, 2, 2, 2, 2],
    "iso3_a": ["PRK"] * 4 + ["RUS", "RUS"], "iso3_a_2nd": ["CHN", "CHN", "RUS", "RUS", None, "PRK"],
    "iso3_b": ["KOR"] * 4 + ["UKR", "UKR"], "iso3_b_2nd": ["USA", "GBR", "USA", "GBR", None, None],
})
RIVALRIES = pd.DataFrame({"rivalry": ["North Korea-South Korea", "China-USSR"], "iso3_1": ["PRK", "RUS"],
                          "iso3_2": ["KOR", "CHN"], "start": [1948, 1958], "end": [2020, 1989]})
_SPANS = {"PRK": (1948, 2024), "CHN": (1816, 2024), "RUS": (1816, 2024), "USA": (1816, 2024), "KOR": (1949, 2024),
          "UKR": (1991, 2024), "GBR": (1816, 2024), "ROU": (1878, 2024), "DEU": (1816, 2024), "FRA": (1816, 2024)}


def _ddy():
    rows = [{"iso3_1": a, "iso3_2": b, "year": y} for a, (a0, a1) in _SPANS.items() for b, (b0, b1) in _SPANS.items()
            if a != b for y in range(max(a0, b0), min(a1, b1) + 1)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    from conftest import make_warehouse

    w = make_warehouse(tmp_path_factory.mktemp("cobel") / "wh.duckdb", cow_war_participants=WARS,
                       cow_mid_participants=MIDS, ps_gml_part=GML, ps_ucdp_acd=UCDP, ps_tss_rivalries=RIVALRIES,
                       ps_cow_ddy=_ddy())
    yield w
    w.close()


def _row(df, a, b, year):
    return df[(df.a == a) & (df.b == b) & (df.year == year)].iloc[0]


# ------------------------------------------------------------------------------------------ records and pairs


def test_spells_expand_inclusively_and_second_spells_count():
    rec = cb.war_records(WARS)
    fra = sorted(rec.loc[rec.iso3 == "FRA", "year"])
    assert fra == [1939, 1940, 1944, 1945]  # the -8 of a missing second spell never becomes a year
    assert sorted(rec.loc[(rec.iso3 == "PRK"), "year"]) == [1950, 1951, 1952, 1953]


def test_side_switch_gives_a_same_and_an_opposed_record():
    p = cb.pair_records(cb.war_records(WARS))
    deu_rou_1944 = p[(p.a == "DEU") & (p.b == "ROU") & (p.year == 1944)]
    assert sorted(deu_rou_1944["same"]) == [False, True]
    assert list(p[(p.a == "DEU") & (p.b == "ROU") & (p.year == 1942)]["same"]) == [True]
    assert list(p[(p.a == "DEU") & (p.b == "ROU") & (p.year == 1945)]["same"]) == [False]
    assert not ((p.a == p.b)).any()  # a state never pairs with itself across its two sides


def test_mid_pair_weight_is_the_lower_hostility_level():
    p = cb.pair_records(cb.mid_records(MIDS))
    w = {(r.a, r.b, r.year, r.conflict): (r.same, r.weight) for r in p.itertuples()}
    assert w[("CHN", "PRK", 1950, 51)] == (True, 1.0)  # both hostlev 5 (war)
    assert w[("PRK", "RUS", 1969, 1379)] == (False, 0.0)  # USSR hostlev 1: no militarized action
    assert w[("PRK", "USA", 1969, 1379)] == (False, 0.75)
    assert w[("RUS", "USA", 1969, 1379)] == (True, 0.0)
    assert w[("CHN", "PRK", 1995, 4019)] == (False, 0.0)


def test_ucdp_cartesian_expansion_counts_each_state_once():
    rec = cb.ucdp_records(UCDP)
    assert len(rec[(rec.conflict == 235) & (rec.year == 1950)]) == 6  # PRK CHN RUS | KOR USA GBR, not 4 x 6
    p = cb.pair_records(rec)
    pair = p[(p.a == "CHN") & (p.b == "PRK") & (p.year == 1950)]
    assert len(pair) == 1 and pair["same"].item() and pair["weight"].item() == 1.0
    assert not p[(p.a == "CHN") & (p.b == "USA")]["same"].any()  # supporters of opposite sides are opposed
    assert p[(p.a == "GBR") & (p.b == "USA") & (p.year == 1950)]["same"].item()
    assert rec[(rec.conflict == 13243) & (rec.year == 2023)]["iso3"].tolist() == ["RUS", "UKR"]


def test_ucdp_minor_years_weigh_half():
    minor = UCDP.assign(intensity_level=1)
    assert set(cb.ucdp_records(minor)["weight"]) == {0.5}


# ------------------------------------------------------------------------------------------ the family


def test_score_is_the_heaviest_record_not_a_sum(wh):
    d = cb.dyad_years(wh, ["PRK", "CHN"], (1948, 1960))
    r = _row(d, "CHN", "PRK", 1951)
    assert r.score == 1.0 and r.n == 2 and (r.war_same, r.mid_same, r.ucdp_same) == (1, 1, 0)
    r = _row(d, "CHN", "PRK", 1950)
    assert r.score == 1.0 and r.n == 3 and r.ucdp_same == 1  # the war in three sources still scores 1
    assert "same: COW war 151 Korean" in r.conflicts and "same: MID 51" in r.conflicts


def test_no_joint_fighting_is_zero_inside_coverage_and_na_outside(wh):
    d = cb.dyad_years(wh, ["PRK", "CHN"], (1940, 2026))
    r = _row(d, "CHN", "PRK", 1960)
    assert r.score == 0 and r.n == 0 and r.war_same == 0 and r.mid_opp == 0 and r.ucdp_same == 0
    assert pd.isna(_row(d, "CHN", "PRK", 1947).score)  # the DPRK is not yet a state: NA, not 0
    assert pd.isna(_row(d, "CHN", "PRK", 2025).score) and pd.isna(_row(d, "CHN", "PRK", 2025).n)
    r = _row(d, "CHN", "PRK", 2010)  # after the war data, inside MID and UCDP
    assert pd.isna(r.war_same) and r.mid_same == 0 and r.ucdp_same == 0 and r.score == 0
    r = _row(d, "CHN", "PRK", 2020)  # UCDP only
    assert pd.isna(r.war_opp) and pd.isna(r.mid_opp) and r.ucdp_opp == 0 and r.score == 0
    assert r.source == "ps_ucdp_acd; ps_cow_ddy"


def test_opposing_mids_score_negative_by_hostility(wh):
    d = cb.dyad_years(wh, ["PRK", "CHN"], (1990, 2000))
    assert _row(d, "CHN", "PRK", 1993).score == -0.75
    r = _row(d, "CHN", "PRK", 1995)
    assert r.score == 0 and r.n == 1 and r.mid_opp == 1  # a record that weighs nothing is not "no record"


def test_prk_rus_korea_from_ucdp_and_2024(wh):
    d = cb.dyad_years(wh, ["PRK", "RUS"], None)
    assert d.year.min() == 1948  # starts at the first covered year when no range is asked for
    assert _row(d, "PRK", "RUS", 1950).score == 1.0 and _row(d, "PRK", "RUS", 1950).war_same == 0
    assert _row(d, "PRK", "RUS", 1969).score == 0 and _row(d, "PRK", "RUS", 1969).mid_same == 0
    assert _row(d, "PRK", "RUS", 2023).score == 0 and _row(d, "PRK", "RUS", 2024).score == 1.0


def test_rivalry_shown_within_its_years(wh):
    d = cb.dyad_years(wh, ["CHN", "RUS"], (1957, 1990))
    assert pd.isna(_row(d, "CHN", "RUS", 1957).rivalry) and _row(d, "CHN", "RUS", 1958).rivalry == "China-USSR"
    assert _row(d, "CHN", "RUS", 1989).rivalry == "China-USSR" and pd.isna(_row(d, "CHN", "RUS", 1990).rivalry)


def test_full_panel_matches_the_pair_and_order_does_not_matter(wh):
    full = cb._dyad_years(wh, None, (1940, 2024))
    pair = cb.dyad_years(wh, ["PRK", "CHN"], (1940, 2024))
    rev = cb.dyad_years(wh, ["CHN", "PRK"], (1940, 2024))
    pd.testing.assert_frame_equal(pair, rev)
    f = full[(full.a == "CHN") & (full.b == "PRK")].reset_index(drop=True)
    p = pair[pair.score.notna()].reset_index(drop=True)
    pd.testing.assert_frame_equal(f.drop(columns=["gml_same", "gml_opp"]), p.drop(columns=["gml_same", "gml_opp"]),
                                  check_dtype=False)
    assert ((full.a < full.b)).all() and not full.duplicated(["a", "b", "year"]).any()


def test_needs_two_states(wh):
    with pytest.raises(UsageError, match="at least two states"):
        cb.dyad_years(wh, ["PRK"], None)


# ------------------------------------------------------------------------------------------ the connector

_WAR_HEADER = ("WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,EndMonth1,EndDay1,"
               "EndYear1,StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,TransFrom,WhereFought,"
               "Initiator,Outcome,TransTo,BatDeath,Version")


def test_war_csv_with_bare_carriage_returns_loads(tmp_path):
    """The publisher's war list ends its lines with CR only (no LF)."""
    rows = ["151,Korean,1,731,North Korea,2,6,25,1950,7,27,1953,-8,-8,-8,-8,-8,-8,-8,4,1,2,-8,316579,4",
            "151,Korean,1,710,China,2,10,24,1950,7,27,1953,-8,-8,-8,-8,-8,-8,-8,4,2,3,-8,422612,4"]
    p = tmp_path / "Inter-StateWarData_v4.0.csv"
    p.write_bytes(("\r".join([_WAR_HEADER, *rows]) + "\r").encode("ascii"))
    df = base.load(REG["cow_war_participants"], path=p).to_pandas()
    assert list(df["iso3"]) == ["PRK", "CHN"] and list(df["Side"]) == [2, 2]


def test_war_side_outside_one_and_two_names_the_column(tmp_path):
    row = "151,Korean,1,731,North Korea,3,6,25,1950,7,27,1953,-8,-8,-8,-8,-8,-8,-8,4,1,2,-8,316579,4"
    p = tmp_path / "w.csv"
    p.write_text(_WAR_HEADER + "\n" + row + "\n")
    with pytest.raises(DataError, match="column 'Side'"):
        base.load(REG["cow_war_participants"], path=p)


def test_ucdp_gw_codes_resolve_year_aware(tmp_path):
    tbl = {"conflict_id": [293, 293], "year": [1965, 1975], "gwno_a": [817, 817], "gwno_a_2nd": [2, None],
           "gwno_b": [816, 816], "gwno_b_2nd": [731, 731], "incompatibility": ["territory"] * 2,
           "intensity_level": [2, 2], "type_of_conflict": ["interstate"] * 2,
           "start_date": [pd.Timestamp("1965-12-31").date()] * 2, "ep_end": [0, 1]}
    p = tmp_path / "ucdp_acd.parquet"
    pq.write_table(__import__("pyarrow").table(tbl), p)
    df = base.load(REG["ps_ucdp_acd"], path=p).to_pandas()
    assert list(df["iso3_a"]) == ["RVN", "RVN"] and list(df["iso3_b"]) == ["VNM", "VNM"]
    assert list(df["iso3_b_2nd"]) == ["PRK", "PRK"] and df["iso3_a_2nd"].tolist()[0] == "USA"


# ------------------------------------------------------------------------------------------ the real mirror


@pytest.fixture(scope="module")
def real(real_wh):
    return cb.dyad_years(real_wh, ["PRK", "CHN", "RUS", "USA", "KOR", "VNM", "NZL"], None)


@pytest.mark.data
def test_real_manifest_counts(real_wh):
    assert real_wh.query("SELECT count(DISTINCT WarNum) AS n FROM cow_war_participants")["n"].item() == 95
    assert real_wh.query("SELECT count(DISTINCT dispnum) AS n FROM cow_mid_participants WHERE iso3 = 'PRK'")[
        "n"].item() == 54


@pytest.mark.data
def test_real_korean_war_prk_and_chn_same_side(real, real_wh):
    k = real_wh.query("SELECT iso3, Side, BatDeath FROM cow_war_participants WHERE WarNum = 151").set_index("iso3")
    assert k.loc["PRK", "Side"] == k.loc["CHN", "Side"] == 2 and k.loc["USA", "Side"] == k.loc["KOR", "Side"] == 1
    assert (k.loc["PRK", "BatDeath"], k.loc["CHN", "BatDeath"]) == (316_579, 422_612) and len(k) == 16
    for y in range(1950, 1954):
        r = _row(real, "CHN", "PRK", y)
        assert r.score == 1 and r.war_same == 1 and r.mid_same == 1 and r.ucdp_same == 1 and r.war_opp == 0
        assert _row(real, "KOR", "PRK", y).score == -1
    assert "same: MID 51" in _row(real, "CHN", "PRK", 1951).conflicts
    assert all(_row(real, "CHN", "PRK", y).score == 0 for y in (1948, 1949, 1954, 1960, 1980))


@pytest.mark.data
def test_real_chn_is_prk_only_same_side_mid_partner(real_wh):
    mids = real_wh.query("SELECT dispnum, iso3, sidea, hostlev, styear, endyear FROM cow_mid_participants")
    p = cb.pair_records(cb.mid_records(mids))
    prk = p[((p.a == "PRK") | (p.b == "PRK")) & p.same]
    partners = set(prk.a) | set(prk.b)
    assert partners == {"CHN", "PRK"} and set(prk.conflict) == {51}
    d51 = mids[mids.dispnum == 51].set_index("iso3")
    assert d51.loc["PRK", "sidea"] == d51.loc["CHN", "sidea"] == 1 and d51.loc["PRK", "hostlev"] == 5


@pytest.mark.data
def test_real_ussr_and_prk_never_same_side_of_a_mid(real):
    prk_rus = real[(real.a == "PRK") & (real.b == "RUS")]
    assert (prk_rus["mid_same"].dropna() == 0).all()
    r = _row(real, "PRK", "RUS", 1969)  # MID 1379: the USSR on side A with the USA and ROK, hostlev 1
    assert r.mid_opp == 1 and r.score == 0 and "opposed: MID 1379 (w 0.00)" in r.conflicts
    for y in range(1950, 1954):  # UCDP: the USSR a secondary supporter of the DPRK in Korea
        assert _row(real, "PRK", "RUS", y).ucdp_same == 1
    assert _row(real, "PRK", "RUS", 2024).ucdp_same == 1 and _row(real, "PRK", "RUS", 2023).ucdp_same == 0


@pytest.mark.data
def test_real_six_opposing_prk_chn_mids(real):
    prk_chn = real[(real.a == "CHN") & (real.b == "PRK")]
    assert prk_chn.loc[prk_chn.year.isin([1993, 1995, 1997, 2003, 2004, 2010]), "mid_opp"].tolist() == [1] * 6
    assert prk_chn.loc[prk_chn.year > 1953, "mid_opp"].sum() == 6
    assert _row(real, "CHN", "PRK", 1993).score == -0.75 and _row(real, "CHN", "PRK", 2003).score == 0


@pytest.mark.data
def test_real_prk_supports_the_drv_in_vietnam(real):
    assert all(_row(real, "PRK", "VNM", y).ucdp_same == 1 for y in range(1965, 1976))


@pytest.mark.data
def test_real_every_peacesciencer_opposing_war_dyad_is_an_opposed_record(real_wh):
    """peacesciencer's cow_war_inter (opposing directed dyad-years) is a subset of the participant file's pairs."""
    p = cb.pair_records(cb.war_records(real_wh.query(cb._WAR_SQL, [True, []])))
    opp = set(map(tuple, p.loc[~p.same, ["a", "b", "year", "conflict"]].itertuples(index=False)))
    ps = real_wh.query("SELECT least(iso3_1, iso3_2), greatest(iso3_1, iso3_2), year, warnum FROM ps_cow_war_inter")
    assert set(map(tuple, ps.itertuples(index=False))) <= opp


@pytest.mark.data
def test_real_new_zealand_quirk_of_the_dyadic_war_file(real, real_wh):
    """The directed dyadic war file lists NZL against PRK in Korea; the participant list does not."""
    dd = real_wh.query("SELECT * FROM cow_war_directed_dyads WHERE warnum = 151 AND iso3_a = 'NZL' AND iso3_b = 'PRK'")
    assert len(dd) > 0
    r = _row(real, "NZL", "PRK", 1951)
    assert r.war_opp == 0 and r.mid_opp == 1  # MID 51 lists New Zealand on side B
