"""Arms transfers: one row per deal spread over its delivery years, SIPRI names (Soviet Union = RUS, non-state
actors kept as NA), dependence shares (NA without imports, 0 with imports from others only); then the manifest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alignwatch.errors import DataError
from alignwatch.measures import arms
from alignwatch.sources import arms as sipri
from alignwatch.sources import base, registry

REG = registry()

# ------------------------------------------------------------------------------------------ the connector


def _register(rows):
    """(recipient, supplier, delivery years, tiv delivered) -> a register file in the mirror's layout."""
    n = len(rows)
    return pa.table({
        "Recipient": [r[0] for r in rows], "Supplier": [r[1] for r in rows],
        "Year of order": pa.array([1985] * n, pa.int16()), "Year of order ?": ["?"] + [None] * (n - 1),
        "Number ordered": pa.array([10] * n, pa.int32()), "Number ordered ?": [None] * n,
        "Weapon designation": ["MiG-29"] * n, "Weapon description": ["fighter aircraft"] * n,
        "Number delivered": pa.array([10] * n, pa.int32()), "Number delivered ?": [None] * n,
        "Year(s) of delivery": [r[2] for r in rows], "status": ["New"] * n, "Comments": [None] * n,
        "SIPRI TIV per unit": [1.0] * n, "SIPRI TIV for total order": [10.0] * n,
        "SIPRI TIV of delivered weapons": [r[3] for r in rows]})


def _load(tmp_path, rows):
    p = tmp_path / "trade-register.parquet"
    pq.write_table(_register(rows), p)
    return base.load(REG["sipri_transfers"], path=p).to_pandas()


def test_names_resolve_and_non_states_are_kept_as_na(tmp_path):
    df = _load(tmp_path, [("North Korea", "Soviet Union", "1988; 1989", 10.0),
                          ("North Korea", "Russia", "1992", 3.0),
                          ("Hezbollah (Lebanon)*", "Iran", "2006", 1.0),
                          ("Syria", "unknown supplier(s)", "2013", 2.0),
                          ("Mali", "United Nations**", None, 0.0)])
    assert df.iso3_recipient.fillna("NA").tolist() == ["PRK", "PRK", "NA", "SYR", "MLI"]
    assert df.iso3_supplier.fillna("NA").tolist() == ["RUS", "RUS", "IRN", "NA", "NA"]
    assert df.deal_id.tolist() == [0, 1, 2, 3, 4] and df.order_year_uncertain.tolist() == [True] + [False] * 4
    assert df.first_delivery_year.tolist()[:2] == [1988, 1992] and pd.isna(df.last_delivery_year.iloc[4])


def test_an_unknown_name_stops_the_ingest_naming_it(tmp_path):
    with pytest.raises(DataError, match="column 'Supplier'.*'Atlantis'"):
        _load(tmp_path, [("North Korea", "Atlantis", "1990", 1.0)])


def test_bad_delivery_years_name_the_row(tmp_path):
    with pytest.raises(DataError, match="row 1, column 'Year\\(s\\) of delivery'.*1988-1989"):
        _load(tmp_path, [("China", "Russia", "1990", 1.0), ("China", "Russia", "1988-1989", 1.0)])
    with pytest.raises(DataError, match="TIV delivered without any year of delivery"):
        _load(tmp_path, [("China", "Russia", None, 5.0)])
    with pytest.raises(DataError, match="delivery year 1930"):
        _load(tmp_path, [("China", "Russia", "1930", 5.0)])


def test_delivery_year_lists():
    got = sipri.delivery_year_lists(pa.chunked_array([["1988; 1989", "1990", None, " 1974;1976 "]]))
    assert got == [[1988, 1989], [1990], None, [1974, 1976]]


# ------------------------------------------------------------------------------------------ dependence


def _frame(rows):
    return pd.DataFrame(rows, columns=["a", "b", "year", "in_system"])


def test_shares_na_without_imports_zero_with_imports_from_others():
    frame = _frame([("PRK", "RUS", 2020, True), ("PRK", "RUS", 2023, True), ("PRK", "RUS", 1940, False)])
    flows = pd.DataFrame({"supplier": ["PRK"], "recipient": ["RUS"], "year": [2023], "tiv": [125.0], "deals": [1]})
    imports = pd.DataFrame({"recipient": ["RUS", "RUS"], "year": [2020, 2023], "imports": [1.0, 250.0],
                            "deals": [1, 5]})
    d = arms.dependence(frame, flows, imports).set_index("year")
    assert pd.isna(d.loc[2020, "share_a_from_b"]) and d.loc[2020, "share_b_from_a"] == 0  # PRK imported nothing
    assert d.loc[2020, "score"] == 0 and d.loc[2020, "tiv_a_to_b"] == 0 and d.loc[2020, "imports_a"] == 0
    assert d.loc[2023, "score"] == 0.5 and d.loc[2023, "n"] == 5 and d.loc[2023, "n_deals"] == 1
    assert d.loc[1940, list(arms.COLUMNS)].isna().all()  # not a state then: NA, never 0


def test_score_is_the_more_dependent_side():
    frame = _frame([("CHN", "PRK", 1960, True)])
    flows = pd.DataFrame({"supplier": ["CHN", "PRK"], "recipient": ["PRK", "CHN"], "year": [1960, 1960],
                          "tiv": [90.0, 1.0], "deals": [3, 1]})
    imports = pd.DataFrame({"recipient": ["PRK", "CHN"], "year": [1960, 1960], "imports": [100.0, 1000.0],
                            "deals": [4, 20]})
    r = arms.dependence(frame, flows, imports).iloc[0]
    assert r.share_b_from_a == 0.9 and r.share_a_from_b == 0.001 and r.score == 0.9 and r.n == 4


def test_neither_imported_anything_is_na():
    d = arms.dependence(_frame([("CHN", "PRK", 1960, True)]),
                        pd.DataFrame(columns=["supplier", "recipient", "year", "tiv", "deals"]),
                        pd.DataFrame(columns=["recipient", "year", "imports", "deals"]))
    assert pd.isna(d.score.iloc[0]) and d.tiv_a_to_b.iloc[0] == 0


# ------------------------------------------------------------------------------------------ the family


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    from conftest import make_warehouse

    tmp = tmp_path_factory.mktemp("arms")
    p = tmp / "r.parquet"
    pq.write_table(_register([
        ("Russia", "North Korea", "2023; 2024", 250.0), ("Russia", "North Korea", "2024", 5.0),
        ("Russia", "Belarus", "2023", 125.0), ("Russia", "unknown supplier(s)", "2024", 125.0),
        ("North Korea", "Soviet Union", "1988; 1989", 10.0), ("North Korea", "Russia", "1992", 3.0),
        ("North Korea", "China", "1989", 30.0), ("Hezbollah (Lebanon)*", "North Korea", "2006", 4.0),
    ]), p)
    reg = base.load(REG["sipri_transfers"], path=p).to_pandas()
    spans = {"PRK": 1948, "RUS": 1816, "CHN": 1816, "BLR": 1991}
    ddy = pd.DataFrame([{"iso3_1": a, "iso3_2": b, "year": y} for a, a0 in spans.items() for b, b0 in spans.items()
                        if a != b for y in range(max(a0, b0), 2025)])
    w = make_warehouse(tmp / "wh.duckdb", sipri_transfers=reg, ps_cow_ddy=ddy)
    yield w
    w.close()


def test_deals_spread_evenly_and_non_state_suppliers_count_in_imports(wh):
    d = arms.dyad_years(wh, ["PRK", "RUS"], (2020, 2026)).set_index("year")
    assert d.loc[2023, "tiv_a_to_b"] == 125 and d.loc[2024, "tiv_a_to_b"] == 130  # 250 over 2023-24, plus 5
    assert d.loc[2023, "imports_b"] == 250 and d.loc[2024, "imports_b"] == 255  # Belarus; the unknown supplier
    assert d.loc[2023, "share_b_from_a"] == 0.5 and d.loc[2024, "score"] == pytest.approx(130 / 255)
    assert pd.isna(d.loc[2023, "share_a_from_b"])  # the DPRK imported nothing
    assert d.loc[[2025, 2026], "score"].isna().all() and pd.isna(d.loc[2021, "score"])  # nobody imported


def test_soviet_union_and_russia_are_one_supplier(wh):
    d = arms.dyad_years(wh, ["PRK", "RUS", "CHN"], None)
    prk_rus = d[(d.a == "PRK") & (d.b == "RUS")].set_index("year")
    assert prk_rus.tiv_b_to_a.sum() == 13 and prk_rus.loc[1988, "tiv_b_to_a"] == 5
    assert prk_rus.loc[1989, "share_a_from_b"] == pytest.approx(5 / 35)  # China sent 30 that year
    assert d.year.min() == 1950  # starts at coverage, not at 1816
    full = arms.dyad_years(wh)
    assert (full.a < full.b).all() and not full.duplicated(["a", "b", "year"]).any()
    assert set(full.year) == set(range(1950, 2025))
    np.testing.assert_allclose(full.tiv_a_to_b.sum() + full.tiv_b_to_a.sum(), 250 + 5 + 125 + 10 + 3 + 30)


# ------------------------------------------------------------------------------------------ the real mirror


@pytest.mark.data
def test_real_register_figures(real_wh):
    q = real_wh.query("SELECT supplier, count(*) AS n, sum(tiv_delivered) AS tiv FROM sipri_transfers "
                      "WHERE recipient = 'North Korea' GROUP BY 1").set_index("supplier")
    assert q.n.to_dict() == {"Soviet Union": 119, "China": 26, "Russia": 12, "Kazakhstan": 2}
    assert round(q.loc["Soviet Union", "tiv"]) == 17_959 and round(q.loc["China", "tiv"]) == 5_021
    n = real_wh.query("SELECT count(DISTINCT recipient) AS r, count(DISTINCT supplier) AS s FROM sipri_transfers")
    assert (n.r.item(), n.s.item()) == (254, 136)
    top = real_wh.query("SELECT recipient, sum(tiv_delivered) AS tiv FROM sipri_transfers "
                        "WHERE supplier = 'North Korea' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
    assert top.recipient.item() == "Iran" and round(top.tiv.item()) == 1_545


@pytest.mark.data
def test_real_flows_keep_the_totals(real_wh):
    d = arms.dyad_years(real_wh, ["PRK", "RUS", "CHN"], None)
    prk_rus = d[(d.a == "PRK") & (d.b == "RUS")].set_index("year")
    chn_prk = d[(d.a == "CHN") & (d.b == "PRK")].set_index("year")
    assert round(prk_rus.tiv_b_to_a.sum()) == 17_959 + 1_005  # the Soviet Union and Russia, both RUS
    assert round(chn_prk.tiv_a_to_b.sum()) == 5_021
    assert prk_rus.loc[1988:1990, "tiv_b_to_a"].gt(0).all() and chn_prk.loc[1958:1960, "tiv_a_to_b"].gt(0).all()
    assert prk_rus.loc[2023, "tiv_a_to_b"] == 125 and prk_rus.loc[2024, "tiv_a_to_b"] == 130  # Hwasong-11, M-1978
    assert prk_rus.loc[2023, "share_b_from_a"] > 0.3 and prk_rus.loc[2022, "tiv_a_to_b"] == 0
    assert prk_rus.loc[1950:1991, "score"].notna().all()
