"""Property tests (hypothesis) of the measures' pure functions: bounds, dyad symmetry, invariance to row order, and
NA (never 0) for a state without data. Small example counts: the whole file runs in a few seconds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from alignwatch.measures import positions as pos
from alignwatch.measures import unga

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOWER = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # ~50 ms a call
EPS = 1e-9

# ------------------------------------------------------------------------------------------ UNGA agreement

counts = hs.integers(min_value=0, max_value=30)


@hs.composite
def tables(draw, k: int = 3, n: int = 4):
    """``n`` contingency tables K x K of vote counts (a's category by row, b's by column); some may be empty."""
    return np.array(draw(hs.lists(hs.lists(hs.lists(counts, min_size=k, max_size=k), min_size=k, max_size=k),
                                  min_size=1, max_size=n)), dtype=float)


@FAST
@given(tables())
def test_unga_measures_bounded(tab):
    res = unga.measures_from_tables(tab)
    assert np.array_equal(res["n_joint"], tab.sum(axis=(1, 2)))
    for m, (lo, hi) in {"agree_identical": (0, 1), "agree_voeten": (0, 1), "s_score": (-1, 1),
                        "s_score_noabs": (-1, 1), "kappa": (-1, 1), "pi": (-1, 1)}.items():
        v = res[m][~np.isnan(res[m])]
        assert ((v >= lo - EPS) & (v <= hi + EPS)).all(), (m, v)
    empty = tab.sum(axis=(1, 2)) == 0
    for m in unga.MEASURES[1:]:
        assert np.isnan(res[m][empty]).all(), m  # no joint vote: NA, never 0


@FAST
@given(tables(k=3), hs.booleans())
def test_unga_measures_symmetric_in_the_dyad(tab, four):
    """Agreement of a with b equals agreement of b with a (transposed tables), with and without absences."""
    if four:  # absences as a fourth category
        tab = np.pad(tab, ((0, 0), (0, 1), (0, 1)))
        tab[:, 3, :3] = tab[:, :3, 0]
    res, rev = unga.measures_from_tables(tab), unga.measures_from_tables(np.transpose(tab, (0, 2, 1)))
    for m in unga.MEASURES:
        np.testing.assert_allclose(res[m], rev[m], rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=m)


STATES = ("AAA", "BBB", "CCC", "DDD")


@hs.composite
def vote_records(draw):
    """Scored records (item, iso3, cat, year, source) of up to 4 states on up to 12 roll calls in 2 years."""
    n_items = draw(hs.integers(2, 12))
    rows = []
    for item in range(n_items):
        year = 2000 + item % 2
        for s in STATES:
            cat = draw(hs.sampled_from([None, 0, 1, 2]))
            if cat is not None:
                rows.append((item, s, cat, year))
    votes = pd.DataFrame(rows, columns=["item", "iso3", "cat", "year"]).assign(source="test")
    items = pd.DataFrame({"item": range(n_items), "year": [2000 + i % 2 for i in range(n_items)]})
    return votes, items


def _panel_key(df: pd.DataFrame) -> pd.DataFrame:
    out = df[["a", "b", "year", "n_joint", *unga.MEASURES]].copy()
    out["a"], out["b"] = out["a"].astype(str), out["b"].astype(str)
    return out.sort_values(["a", "b", "year"]).reset_index(drop=True)


@FAST
@given(vote_records(), hs.randoms(use_true_random=False))
def test_unga_panel_invariant_to_row_order(data, rnd):
    votes, items = data
    if votes["iso3"].nunique() < 2:
        return
    order = list(range(len(votes)))
    rnd.shuffle(order)
    a = unga.compute_panel(votes, items, k=3, states=list(STATES))
    b = unga.compute_panel(votes.iloc[order].reset_index(drop=True), items.iloc[::-1], k=3, states=list(STATES))
    pd.testing.assert_frame_equal(_panel_key(a), _panel_key(b))


@FAST
@given(vote_records())
def test_unga_panel_symmetric_under_relabelling(data):
    """Swapping the names of two states leaves their dyad's scores unchanged (a < b ordering is only storage)."""
    votes, items = data
    swapped = votes.assign(iso3=votes["iso3"].map({"AAA": "BBB", "BBB": "AAA"}).fillna(votes["iso3"]))
    a = _panel_key(unga.compute_panel(votes, items, k=3, states=list(STATES)))
    b = _panel_key(unga.compute_panel(swapped, items, k=3, states=list(STATES)))
    pair = lambda d: d[(d.a == "AAA") & (d.b == "BBB")].drop(columns=["a", "b"]).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(pair(a), pair(b))


@FAST
@given(vote_records())
def test_unga_state_without_votes_is_na_not_zero(data):
    votes, items = data
    votes = votes[votes["iso3"] != "DDD"]
    if votes["iso3"].nunique() < 2:
        return
    panel = unga.compute_panel(votes, items, k=3, states=list(STATES))
    ddd = panel[(panel["a"].astype(str) == "DDD") | (panel["b"].astype(str) == "DDD")]
    assert len(ddd) and (ddd["n_joint"] == 0).all()
    assert ddd["score"].isna().all() and ddd["kappa"].isna().all()
    # the reason names a silent state of the dyad (DDD, or its partner when that one was silent too)
    assert ddd["na_reason"].astype(str).str.contains("cast no recorded vote|no roll calls").all()


# -------------------------------------------------------------------------------------- proposal positions

STANCES = ("proposer", "endorsed", "accepted", "mixed", "silent", "rejected", "opposed", "unknown", "n/a")
P_STATES = ("CHN", "PRK", "RUS")


@hs.composite
def proposals(draw):
    n = draw(hs.integers(1, 6))
    rows = []
    for i in range(n):
        year = draw(hs.integers(2015, 2019))
        r = {"date": f"{year}-0{1 + i % 9}-15", "end_date": None, "title": f"P{i}", "kind": "joint_statement",
             "proposers": draw(hs.sampled_from(["CHN", "RUS", "CHN;RUS", "PRK"])), "confidence": "high"}
        r.update({f"pos_{s}": draw(hs.sampled_from(STANCES)) for s in P_STATES})
        rows.append(r)
    return pd.DataFrame(rows)


def _pos_key(df: pd.DataFrame) -> pd.DataFrame:
    return df[["a", "b", "year", "n", "pos_agree", "n_co", "n_live"]].sort_values(["a", "b", "year"]) \
        .reset_index(drop=True)


@SLOWER
@given(proposals())
def test_positions_bounded_and_na_without_evidence(df):
    out = pos.dyad_positions(df)
    v = out["pos_agree"].astype(float)
    assert ((v.dropna() >= 0) & (v.dropna() <= 1)).all()
    assert (v.isna() == (out["n"] == 0)).all()  # no proposal with both stances known: NA, never 0


@SLOWER
@given(proposals(), hs.randoms(use_true_random=False))
def test_positions_invariant_to_row_order(df, rnd):
    order = list(range(len(df)))
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(_pos_key(pos.dyad_positions(df)),
                                  _pos_key(pos.dyad_positions(df.iloc[order].reset_index(drop=True))))


@SLOWER
@given(proposals())
def test_positions_symmetric_in_the_dyad(df):
    """Exchanging the stances of CHN and RUS leaves the CHN–RUS agreement unchanged."""
    swapped = df.rename(columns={"pos_CHN": "pos_RUS", "pos_RUS": "pos_CHN"})
    a, b = _pos_key(pos.dyad_positions(df)), _pos_key(pos.dyad_positions(swapped))
    pair = lambda d: d[(d.a == "CHN") & (d.b == "RUS")].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(pair(a).drop(columns=["n_co"]), pair(b).drop(columns=["n_co"]))


@SLOWER
@given(proposals())
def test_positions_state_with_unknown_stances_is_na(df):
    df = df.assign(pos_PRK="unknown")
    out = pos.dyad_positions(df)
    prk = out[(out["a"] == "PRK") | (out["b"] == "PRK")]
    assert len(prk) and prk["pos_agree"].isna().all() and (prk["n"] == 0).all()


def test_hand_computed_anchor():
    """One fixed example so the properties cannot all pass on a function that returns NA everywhere."""
    tab = np.array([[[3, 1, 0], [0, 1, 0], [0, 0, 1]]], dtype=float)  # 6 votes, 5 identical, one yes/abstain
    res = unga.measures_from_tables(tab)
    assert res["agree_identical"][0] == pytest.approx(5 / 6)
    assert res["agree_voeten"][0] == pytest.approx(1 - 0.5 / 6)
