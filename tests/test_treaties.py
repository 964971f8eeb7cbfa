"""Treaties family: ATOP/COW coverage (NA versus 0), system membership, curated spells after 2018, the two readings
of the end of the 1961 Soviet-DPRK treaty, the 2024 treaty's entry into force, strength and its source, CLI."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alignwatch.errors import UsageError
from alignwatch.measures import treaties as tr


def _alliance(rows, cols):
    """rows: (a, b, first, last, {obligation: 1}) -> one row per year, as in peacesciencer (both orders)."""
    out = []
    for a, b, y0, y1, ob in rows:
        for y in range(y0, y1 + 1):
            for x, z in ((a, b), (b, a)):
                out.append({"iso3_1": x, "iso3_2": z, "year": y, **{c: ob.get(c, 0) for c in cols}})
    return pd.DataFrame(out)


ATOP = _alliance([
    ("PRK", "RUS", 1961, 1996, {"atop_defense": 1, "atop_nonagg": 1}),
    ("PRK", "RUS", 2000, 2018, {"atop_consul": 1}),
    ("CHN", "PRK", 1961, 2018, {"atop_defense": 1, "atop_nonagg": 1}),
    ("CHN", "RUS", 2001, 2018, {"atop_nonagg": 1, "atop_consul": 1}),
], tr.ATOP_COLS)
COW = _alliance([
    ("PRK", "RUS", 1961, 1995, {"cow_defense": 1, "cow_nonagg": 1}),
    ("PRK", "RUS", 2000, 2012, {"cow_entente": 1}),
    ("CHN", "PRK", 1961, 2012, {"cow_defense": 1}),
], tr.COW_COLS)
_SPANS = {"PRK": (1948, 2024), "RUS": (1816, 2024), "CHN": (1950, 2024), "BLR": (1991, 2024)}


def _ddy():
    rows = []
    for a, (a0, a1) in _SPANS.items():
        for b, (b0, b1) in _SPANS.items():
            if a != b:
                rows += [{"iso3_1": a, "iso3_2": b, "year": y} for y in range(max(a0, b0), min(a1, b1) + 1)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    from conftest import make_warehouse

    w = make_warehouse(tmp_path_factory.mktemp("treaties") / "wh.duckdb", ps_atop_alliance=ATOP,
                       ps_cow_alliance=COW, ps_cow_ddy=_ddy())
    yield w
    w.close()


@pytest.fixture(scope="module")
def panel(wh):
    return tr.dyad_years(wh, ["PRK", "RUS", "CHN", "BLR"], (1940, 2026)).set_index(["a", "b", "year"])


# ---------------------------------------------------------------------------------------------- pure parts


def test_obligation_strength():
    s = tr.obligation_strength(pd.array([1, 0, 0, 0, None], dtype="Int64"), [0, 1, 0, 0, 0], [0, 0, 0, 0, 0],
                               [1, 0, 1, 0, 0], [0, 0, 0, 0, 0])
    assert list(s[:4]) == [3.0, 3.0, 1.0, 0.0] and pd.isna(s[4])


def test_spells_csv_is_explicit_and_cited():
    s = tr.treaty_spells()
    assert s["source"].str.contains("http").all()
    assert s["strength"].between(0, 3).all()
    defence = s["obligations"].str.contains("defence")
    assert (s.loc[defence, "strength"] == 3).all() and (s.loc[~defence, "strength"] < 3).all()
    closed = s.dropna(subset=["in_force_to"])
    assert (closed["in_force_to"] >= closed["in_force_from"]).all()
    assert not s.duplicated(["treaty_id", "reading"]).any()
    prk_rus = s[s["treaty_id"] == "prk_rus_1961"].set_index("reading")["in_force_to"]
    assert prk_rus["cow_gibler"] == dt.date(1995, 9, 7) and prk_rus["term_atop"].year == 1996
    t24 = s.set_index("treaty_id").loc["prk_rus_2024"]
    assert (t24["signed"], t24["in_force_from"]) == (dt.date(2024, 6, 19), dt.date(2024, 12, 4))
    assert s.set_index("treaty_id").loc["prk_rus_2000", "in_force_to"] == dt.date(2024, 12, 4)
    assert s.set_index("treaty_id").loc["blr_prk_2026", "obligations"] == "unknown"


def test_spell_years_any_day_of_the_year():
    sy = tr.spell_years(tr.treaty_spells(), 2026)
    got = sy[(sy["a"] == "PRK") & (sy["b"] == "RUS")].groupby("treaty_id")["year"].agg(["min", "max"])
    assert tuple(got.loc["prk_rus_2000"]) == (2000, 2024)  # ends 2024-12-04: in force part of 2024
    assert tuple(got.loc["prk_rus_2024"]) == (2024, 2026)  # from 2024-12-04
    assert tuple(got.loc["prk_rus_1961"]) == (1961, 1996)  # the later reading


# -------------------------------------------------------------------------------------------- the family


def test_zero_within_coverage_na_outside(panel):
    r = panel.loc[("PRK", "RUS", 1997)]
    assert r["atop_defense"] == 0 and r["strength"] == 0 and r["strength_source"] == "ATOP"  # covered, no row: 0
    assert pd.isna(panel.loc[("PRK", "RUS", 2013), "cow_defense"])  # COW ends in 2012
    assert pd.isna(panel.loc[("PRK", "RUS", 2019), "atop_defense"])  # ATOP ends in 2018
    assert pd.isna(panel.loc[("PRK", "RUS", 1947), "strength"])  # the DPRK is not yet a state: NA, not 0
    assert pd.isna(panel.loc[("BLR", "PRK", 1990), "atop_defense"])  # Belarus joins the system in 1991
    assert panel.loc[("BLR", "PRK", 1992), "atop_defense"] == 0


def test_two_readings_of_the_1961_soviet_treaty(panel):
    y95, y96 = panel.loc[("PRK", "RUS", 1995)], panel.loc[("PRK", "RUS", 1996)]
    assert (y95["cow_defense"], y95["atop_defense"]) == (1, 1)
    assert (y96["cow_defense"], y96["atop_defense"]) == (0, 1)  # COW ends 1995, ATOP 1996: both visible
    assert "COW/Gibler to 1995-09-07" in y95["treaties_in_force"]
    assert "treaty term/ATOP to 1996-09-10" in y96["treaties_in_force"] and "COW" not in y96["treaties_in_force"]
    assert "ends 1995-09-07 (COW/Gibler reading)" in y95["treaty_events"]
    assert y96["strength"] == 3


def test_russia_dprk_2000_and_2024(panel):
    r00 = panel.loc[("PRK", "RUS", 2000)]
    assert r00["strength"] == 1 and r00["strength_source"] == "ATOP+chronology"
    assert "2000 Russia-DPRK treaty signed 2000-02-09" in r00["treaty_events"]
    r19 = panel.loc[("PRK", "RUS", 2019)]
    assert (r19["strength"], r19["strength_source"]) == (1, "chronology")  # after ATOP: the curated spells
    r24 = panel.loc[("PRK", "RUS", 2024)]
    assert r24["strength"] == 3 and "2024 Russia-DPRK CSP treaty" in r24["treaties_in_force"]
    assert "in force 2024-12-04" in r24["treaty_events"] and "2000 Russia-DPRK treaty ends 2024-12-04" in \
        r24["treaty_events"]
    assert panel.loc[("PRK", "RUS", 2025), "treaties_in_force"] == "2024 Russia-DPRK CSP treaty"
    assert panel.loc[("PRK", "RUS", 2025), "score"] == pytest.approx(1.0)


def test_china_dprk_and_china_russia(panel):
    c21 = panel.loc[("CHN", "PRK", 2021)]
    assert c21["strength"] == 3 and "renewal/extension 2021-07-11" in c21["treaty_events"]
    assert panel.loc[("CHN", "RUS", 2001), "strength"] == 1  # ATOP non-aggression; the 2001 treaty is not yet in force
    c02 = panel.loc[("CHN", "RUS", 2002)]
    assert (c02["strength"], c02["strength_source"]) == (2, "chronology")  # friendship treaty beats ATOP's 1
    assert panel.loc[("CHN", "RUS", 2022), "strength"] == 2


def test_post_2018_coverage_outside_the_triad(panel):
    assert pd.isna(panel.loc[("BLR", "PRK", 2019), "strength"])  # no complete curated record: NA, not 0
    b26 = panel.loc[("BLR", "PRK", 2026)]
    assert b26["strength"] == 2 and "entry into force not confirmed" in b26["treaty_events"]
    assert panel.loc[("BLR", "RUS", 2018), "strength"] == 0  # ATOP era, in system, no alliance row
    assert pd.isna(panel.loc[("BLR", "RUS", 2020), "strength"])


def test_default_years_start_at_first_coverage(wh):
    d = tr.dyad_years(wh, ["PRK", "RUS"])
    assert d["year"].min() == 1948 and d["year"].max() == dt.date.today().year


def test_bad_arguments(wh):
    with pytest.raises(UsageError):
        tr.dyad_years(wh, ["PRK"])
    with pytest.raises(UsageError):
        tr.dyad_years(wh, ["PRK", "RUS"], (2000, 1990))


def test_cli_and_figure(wh, capsys, tmp_path):
    import typer

    from alignwatch.commands import unsc as cmd

    app = typer.Typer()
    cmd.register(app)
    html = tmp_path / "t.html"
    app(args=["treaties", "PRK", "RUS", "--from", "2023", "--db", str(wh.path), "--format", "csv", "--plot",
              str(html)], standalone_mode=False)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("year,strength,strength_source,treaties_in_force")
    assert any(ln.startswith("2024,3,chronology,") for ln in out)
    text = html.read_text()
    assert len(text) > 1_000_000 and "Leeds" in text and 'src="https://cdn.plot.ly' not in text
    with pytest.raises(UsageError, match="same state"):
        app(args=["treaties", "PRK", "North Korea", "--db", str(wh.path)], standalone_mode=False)


# ------------------------------------------------------------------------------------------------ real data


@pytest.mark.data
def test_real_must_show_prk_rus(real_wh):
    from alignwatch.commands.dyad import dyad_table

    d = dyad_table(real_wh, "PRK", "RUS", "treaties", None).set_index("year")
    assert "2000 Russia-DPRK treaty" in d.loc[2000, "treaties_in_force"]
    assert "2024 Russia-DPRK CSP treaty" in d.loc[2024, "treaties_in_force"]
    assert d.loc[2024, "strength"] == 3 and d.loc[2023, "strength"] == 1
    assert (d.loc[1995, "cow_defense"], d.loc[1996, "cow_defense"], d.loc[1996, "atop_defense"]) == (1, 0, 1)
    assert d.loc[1998, "strength"] == 0  # ATOP covers it and codes nothing: the lapse
    c = dyad_table(real_wh, "CHN", "PRK", "treaties", None).set_index("year")
    assert (c.loc[1962:2026, "strength"] == 3).all()


@pytest.mark.data
def test_real_spells_match_the_chronology(real_wh):
    """Every curated spell comes from a chr_treaties row (same signature date and parties; SUN is RUS)."""
    c = real_wh.df("chr_treaties")
    keys = {(d, ";".join(sorted(p.replace("SUN", "RUS").split(";")))) for d, p in zip(c["date_signed"], c["parties"])}
    for r in tr.treaty_spells().itertuples():
        assert (r.signed, ";".join(sorted([r.a, r.b]))) in keys, r.treaty_id


def test_real_a_state_that_left_the_system_has_no_score_after(real_wh):
    """The GDR left the state system in 1990: DDR-DEU is scored to 1990 and NA afterwards (not 0)."""
    d = tr.dyad_years(real_wh, ["DDR", "DEU"], (1989, 1995)).set_index("year")
    assert d.loc[1990, "strength"] == 1  # ATOP codes a non-aggression obligation between the two German states
    assert d.loc[1991:1995, "strength"].isna().all() and d.loc[1991:1995, "score"].isna().all()
