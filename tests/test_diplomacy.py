"""Diplomatic representation: directions, the five-year steps (carried forward, never read as 0), level 9 in
1950-65 as "present, level unknown" with a standard error, system membership; then the manifest's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alignwatch.errors import DataError
from alignwatch.measures import diplomacy as dp
from alignwatch.sources import base, registry

REG = registry()


def _directed(rows):
    """(iso3_1, iso3_2, year, DR_at_1, DR_at_2) -> both orders, as in the COW file."""
    out = []
    for x, y, year, at1, at2 in rows:
        de = int(at1 != 0 or at2 != 0)
        out.append({"iso3_1": x, "iso3_2": y, "year": year, "DR_at_1": at1, "DR_at_2": at2, "DE": de})
        out.append({"iso3_1": y, "iso3_2": x, "year": year, "DR_at_1": at2, "DR_at_2": at1, "DE": de})
    return pd.DataFrame(out)


OBS_YEARS = [1940, 1950, 1955, 1960, 1965, 1970, 2000, 2005]
EXCHANGE = _directed(
    [("PRK", "CHN", y, 9, 9) for y in (1950, 1955, 1960, 1965)]
    + [("PRK", "CHN", y, 3, 3) for y in (1970, 2000, 2005)]
    + [("PRK", "RUS", y, 9, 0) for y in (1950, 1955, 1960, 1965)]  # the USSR in Pyongyang, no DPRK mission recorded
    + [("PRK", "RUS", y, 3, 3) for y in (1970, 2000, 2005)]
    + [("PRK", "USA", y, 0, 0) for y in (1950, 1955, 1960, 1965, 1970, 2000, 2005)]
    + [("CHN", "RUS", 1940, 2, 1), ("CHN", "USA", 1940, 0, 3)]
    # 1970 sets the value of an unknown level: 3 ambassadors and one chargé d'affaires
    + [("GBR", "FRA", 1970, 3, 3), ("GBR", "USA", 1970, 1, 3)]
)
_SPANS = {"PRK": (1948, 2024), "CHN": (1816, 2024), "RUS": (1816, 2024), "USA": (1816, 2024), "GBR": (1816, 2024),
          "FRA": (1816, 2024)}


def _ddy():
    return pd.DataFrame([{"iso3_1": a, "iso3_2": b, "year": y} for a, (a0, a1) in _SPANS.items()
                         for b, (b0, b1) in _SPANS.items() if a != b for y in range(max(a0, b0), min(a1, b1) + 1)])


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    from conftest import make_warehouse

    w = make_warehouse(tmp_path_factory.mktemp("dip") / "wh.duckdb", cow_diplomatic_exchange=EXCHANGE,
                       ps_cow_ddy=_ddy())
    yield w
    w.close()


def _row(df, a, b, year):
    return df[(df.a == a) & (df.b == b) & (df.year == year)].iloc[0]


PRIOR_MEAN = (7 * 1.0 + 1 / 3) / 8  # 1970, directed: seven ambassadors (3) and one chargé d'affaires (1)


# ------------------------------------------------------------------------------------------ pure parts


def test_unknown_level_prior_from_counts():
    mean, sd = dp.unknown_level_prior(pd.DataFrame({"level": [1, 3], "n": [1, 7]}))
    assert mean == pytest.approx(PRIOR_MEAN)
    assert sd == pytest.approx(np.sqrt((7 * (1 - PRIOR_MEAN) ** 2 + (1 / 3 - PRIOR_MEAN) ** 2) / 8))
    with pytest.raises(DataError, match="1970"):
        dp.unknown_level_prior(pd.DataFrame({"level": [], "n": []}))


def test_levels_become_values_and_nine_gets_the_prior():
    v, se = dp.level_values(pd.Series([0, 1, 2, 3, 9, None], dtype="Int64"), (0.9, 0.2))
    np.testing.assert_allclose(v, [0, 1 / 3, 2 / 3, 1, 0.9, np.nan])
    np.testing.assert_allclose(se, [0, 0, 0, 0, 0.2, np.nan])


def test_carry_forward_stops_at_the_next_observation_and_the_gap():
    obs = pd.DataFrame({"a": ["X"] * 4, "b": ["Y"] * 4, "year": [1940, 1950, 1955, 2005], "dr_at_a": [1, 2, 3, 3]})
    out = dp.carry_forward(obs, np.array(OBS_YEARS))
    years = dict(zip(out.year, out.obs_year))
    assert [y for y in range(1940, 1950) if y in years] == [1940, 1941, 1942, 1943, 1944]  # not into 1945-49
    assert [years[y] for y in range(1950, 1960)] == [1950] * 5 + [1955] * 5
    assert max(out.year) == 2009 and years[2009] == 2005
    assert out.loc[out.year == 1953, "carried"].item() == 3


def test_observations_take_either_order_and_keep_directions():
    one_order = pd.DataFrame({"iso3_1": ["PRK"], "iso3_2": ["CHN"], "year": [1950], "DR_at_1": [9], "DR_at_2": [0],
                              "DE": [1]})
    o = dp.observations(one_order)
    assert (o.a.item(), o.b.item(), o.dr_at_a.item(), o.dr_at_b.item()) == ("CHN", "PRK", 0, 9)
    both = dp.observations(EXCHANGE)
    assert not both.duplicated(["a", "b", "year"]).any() and (both.a < both.b).all()


# ------------------------------------------------------------------------------------------ the family


def test_five_year_steps_are_carried_never_zero(wh):
    d = dp.dyad_years(wh, ["PRK", "CHN"], (1940, 2012))
    assert pd.isna(_row(d, "CHN", "PRK", 1949).score)  # before the first observation of the pair
    r = _row(d, "CHN", "PRK", 1953)
    assert r.score == pytest.approx(PRIOR_MEAN) and r.obs_year == 1950 and r.carried == 3 and r.score_se > 0
    assert _row(d, "CHN", "PRK", 1972).score == 1 and _row(d, "CHN", "PRK", 1972).score_se == 0
    assert pd.isna(_row(d, "CHN", "PRK", 1980).score)  # 1970 + 4 < 1980 < 2000: unobserved, not 0
    assert _row(d, "CHN", "PRK", 2009).score == 1 and pd.isna(_row(d, "CHN", "PRK", 2010).score)


def test_observed_zero_is_zero(wh):
    d = dp.dyad_years(wh, ["PRK", "USA"], (1950, 2009))
    obs = d[d.score.notna()]
    assert len(obs) == 5 * 7 and (obs.score == 0).all() and (obs.score_se == 0).all()


def test_one_sided_unknown_level(wh):
    d = dp.dyad_years(wh, ["PRK", "RUS"], (1950, 1970))
    r = _row(d, "PRK", "RUS", 1955)
    assert (r.dr_at_a, r.dr_at_b) == (9, 0)  # a = PRK: the Soviet mission in Pyongyang; none recorded in Moscow
    assert r.score == pytest.approx(PRIOR_MEAN / 2)


def test_not_a_state_is_na(wh):
    d = dp.dyad_years(wh, ["PRK", "RUS"], (1940, 1950))
    assert d.loc[d.year < 1950, "score"].isna().all()


def test_full_panel_only_observed_rows(wh):
    full = dp.dyad_years(wh)
    assert full.score.notna().all() and (full.a < full.b).all()
    assert set(full.year) <= set(range(1940, 2010))
    pair = dp.dyad_years(wh, ["CHN", "PRK"], None)
    f = full[(full.a == "CHN") & (full.b == "PRK")].reset_index(drop=True)
    pd.testing.assert_frame_equal(f, pair[pair.score.notna()].reset_index(drop=True), check_dtype=False)


# ------------------------------------------------------------------------------------------ the connector


def _exchange_file(path, at1):
    pq.write_table(pa.table({"ccode1": [731, 710], "ccode2": [710, 731], "year": [1950, 1950], "DR_at_1": at1,
                             "DR_at_2": [9, 9], "DE": [1, 1], "version": [2006.1, 2006.1]}), path)
    return path


def test_connector_resolves_codes_and_allows_level_nine(tmp_path):
    df = base.load(REG["cow_diplomatic_exchange"], path=_exchange_file(tmp_path / "d.parquet", [9, 9])).to_pandas()
    assert list(df.iso3_1) == ["PRK", "CHN"] and list(df.iso3_2) == ["CHN", "PRK"]


def test_connector_rejects_an_unknown_level(tmp_path):
    with pytest.raises(DataError, match="column 'DR_at_1'.*unknown value 5"):
        base.load(REG["cow_diplomatic_exchange"], path=_exchange_file(tmp_path / "d.parquet", [5, 9]))


# ------------------------------------------------------------------------------------------ the real mirror


@pytest.mark.data
def test_real_prk_chn_and_prk_rus(real_wh):
    d = dp.dyad_years(real_wh, ["PRK", "CHN", "RUS", "USA", "KOR", "JPN"], (1948, 2012))
    for y in (1950, 1955, 1960, 1965):
        r = _row(d, "CHN", "PRK", y)
        assert (r.dr_at_a, r.dr_at_b) == (9, 9) and r.score > 0.9 and r.score_se > 0
        r = _row(d, "PRK", "RUS", y)
        assert (r.dr_at_a, r.dr_at_b) == (9, 0) and 0.4 < r.score < 0.5
    for y in range(1970, 2010):
        assert _row(d, "CHN", "PRK", y).score == 1 and _row(d, "PRK", "RUS", y).score == 1
    for other in ("USA", "KOR", "JPN"):
        a, b = sorted(("PRK", other))
        sub = d[(d.a == a) & (d.b == b) & d.year.between(1955, 2009)]
        assert (sub.score == 0).all(), other  # observed "no representation", every year carried
    assert d.loc[d.year >= 2010, "score"].isna().all()


@pytest.mark.data
def test_real_chn_ussr_and_the_2005_counts(real_wh):
    d = dp.dyad_years(real_wh, ["CHN", "RUS"], (1950, 1975))
    got = [(int(_row(d, "CHN", "RUS", y).dr_at_a), int(_row(d, "CHN", "RUS", y).dr_at_b))
           for y in (1950, 1955, 1960, 1965, 1970)]
    assert got == [(9, 0), (9, 0), (0, 9), (9, 9), (3, 3)]
    q = real_wh.query("SELECT count(*) AS n, sum(DE) AS de, sum(CASE WHEN iso3_1 = 'PRK' THEN DE END) AS prk "
                      "FROM cow_diplomatic_exchange WHERE year = 2005")
    assert (q.n.item(), q.de.item(), q.prk.item()) == (36_672, 9_382, 70)
