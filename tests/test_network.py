"""Bloc network: cohesion, member cohesion, communities, joins and leaves, thin dyads, layout (hand-computed)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from alignwatch import network as nw
from alignwatch.errors import UsageError

BLOC = ["PRK", "CHN", "RUS"]
W2000 = {("CHN", "PRK"): 0.9, ("PRK", "RUS"): 0.8, ("CHN", "RUS"): 0.7, ("PRK", "USA"): 0.2, ("CHN", "USA"): 0.3,
         ("RUS", "USA"): 0.4, ("GBR", "USA"): 0.95, ("GBR", "PRK"): 0.1, ("CHN", "GBR"): 0.2, ("GBR", "RUS"): 0.3}


def _panel(weights_by_year: dict[int, dict], n_joint: int = 50) -> pd.DataFrame:
    rows = []
    for y, w in weights_by_year.items():
        for (a, b), v in w.items():
            a, b = sorted((a, b))
            rows.append((a, b, y, v, n_joint, "unga_votes"))
    df = pd.DataFrame(rows, columns=["a", "b", "year", "score", "n_joint", "source"])
    return nw.slim_panel(df)


def _panel_2000_2001():
    empty = {k: np.nan for k in W2000}
    return _panel({2000: W2000, 2001: empty})


def test_cohesion_hand_computed():
    c = nw.cohesion(_panel_2000_2001(), BLOC).set_index("year")
    r = c.loc[2000]
    assert r.within == pytest.approx(0.8)  # (0.9 + 0.8 + 0.7) / 3
    assert r.within_min == pytest.approx(0.7)
    assert r.n_within == 3
    assert r.to_rest == pytest.approx(0.25)  # (0.2 + 0.3 + 0.4 + 0.1 + 0.2 + 0.3) / 6
    assert r.n_to_rest == 6
    assert r.all_dyads == pytest.approx(4.85 / 10)
    assert r.gap == pytest.approx(0.55)
    assert r.members == 3
    assert r.source == "unga_votes"
    # a year without any score is NA, never 0
    e = c.loc[2001]
    assert np.isnan(e.within) and np.isnan(e.to_rest) and e.members == 0 and e.n_within == 0


def test_member_cohesion_hand_computed():
    m = nw.member_cohesion(_panel_2000_2001(), BLOC).set_index(["iso3", "year"])
    assert m.loc[("PRK", 2000), "with_bloc"] == pytest.approx(0.85)
    assert m.loc[("PRK", 2000), "with_rest"] == pytest.approx(0.15)
    assert m.loc[("RUS", 2000), "with_bloc"] == pytest.approx(0.75)
    assert m.loc[("RUS", 2000), "gap"] == pytest.approx(0.75 - 0.35)
    assert ("PRK", 2001) not in m.index  # nothing scored: no row rather than a zero


def test_communities_split_bloc_from_west():
    c = nw.communities(_panel_2000_2001())
    assert set(c["year"]) == {2000}  # 2001 has no scores
    lab = c.set_index("iso3")["community"]
    assert lab["PRK"] == lab["CHN"] == lab["RUS"]
    assert lab["USA"] == lab["GBR"] != lab["PRK"]
    assert (c["size"].groupby(c["community"]).first().sort_index().tolist()) == [3, 2]  # largest first
    assert c["modularity"].iloc[0] > 0


def test_excess_graph_keeps_only_above_median_edges():
    p = _panel_2000_2001()
    g = nw.year_graph(p[p.year == 2000], "excess")
    # median of the ten weights = (0.3 + 0.4) / 2 = 0.35; five pairs lie above it
    assert g.number_of_edges() == 5
    assert g["PRK"]["CHN"]["weight"] == pytest.approx(0.9 - 0.35)
    assert not g.has_edge("PRK", "USA")
    assert g.number_of_nodes() == 5
    assert nw.year_graph(p[p.year == 2000], "raw").number_of_edges() == 10
    with pytest.raises(UsageError):
        nw.year_graph(p, "bogus")


def test_focus_community_joins_and_leaves():
    comm = pd.DataFrame(
        [(2000, "PRK", 0), (2000, "CHN", 0), (2000, "RUS", 1), (2000, "CUB", 0),
         (2001, "PRK", 0), (2001, "CHN", 1), (2001, "RUS", 0), (2001, "CUB", 0),
         (2003, "PRK", 0), (2003, "CHN", 0), (2003, "RUS", 0)],  # 2002: no data; 2003: CUB has no data
        columns=["year", "iso3", "community"])
    comm["size"] = comm.groupby(["year", "community"])["iso3"].transform("size")
    comm["modularity"] = 0.2
    panel = _panel({y: {("CHN", "PRK"): 0.9, ("CUB", "PRK"): 0.5} for y in (2000, 2001, 2002, 2003)})
    f = nw.focus_community(comm, panel, "PRK", ["PRK", "CHN", "RUS", "CUB"], years=[2000, 2001, 2002, 2003])
    f = f.set_index("year")
    assert f.loc[2000, "bloc_in"] == "CHN, CUB" and f.loc[2000, "bloc_out"] == "RUS"
    assert f.loc[2001, "joined"] == "RUS" and f.loc[2001, "left"] == "CHN"
    assert f.loc[2001, "compared_with"] == 2000
    assert pd.isna(f.loc[2002, "community_size"])  # no communities that year: NA row
    assert f.loc[2003, "compared_with"] == 2001  # the previous year with data
    assert f.loc[2003, "joined"] == "CHN" and f.loc[2003, "left"] == ""  # CUB has no data: it does not 'leave'
    assert f.loc[2003, "no_data"] == "CUB"
    assert f.loc[2003, "n_bloc_in"] == 2


def test_thin_dyads_absolute_and_relative():
    df = pd.DataFrame({"a": ["A", "A", "A", "B"], "b": ["B", "C", "D", "C"], "year": [2000] * 4,
                       "score": [1.0, 0.5, 0.5, 0.5], "n_joint": [5, 100, 40, 100], "source": "x"})
    thin = nw.thin_dyads(df, min_joint=10, min_share=0.5)
    # median n_joint = 70: 5 < 10 (absolute), 40 < 35? no -> kept; 100 kept
    assert thin.tolist() == [True, False, False, False]
    assert nw.thin_dyads(df, min_joint=10, min_share=0.6).tolist() == [True, False, True, False]  # 40 < 42


def test_layout_reproduces_line_distances():
    p = _panel({2000: {("AAA", "BBB"): 0.8, ("BBB", "CCC"): 0.7, ("AAA", "CCC"): 0.5}})
    pos = nw.layout(p).set_index("iso3")
    for (x, y), d in {("AAA", "BBB"): 0.2, ("BBB", "CCC"): 0.3, ("AAA", "CCC"): 0.5}.items():
        got = np.hypot(pos.at[x, "x"] - pos.at[y, "x"], pos.at[x, "y"] - pos.at[y, "y"])
        assert got == pytest.approx(d, abs=1e-9)


def test_bad_bloc_and_column():
    with pytest.raises(UsageError):
        nw.cohesion(_panel_2000_2001(), ["PRK"])
    with pytest.raises(UsageError):
        nw.slim_panel(pd.DataFrame({"a": ["A"], "b": ["B"], "year": [2000], "score": [1.0]}), "kappa")
    with pytest.raises(UsageError):
        nw.communities(_panel_2000_2001(), resolution=0)


def test_panel_keeps_every_pair_once():
    p = _panel_2000_2001()
    pairs = set(zip(p.a.astype(str), p.b.astype(str)))
    assert len(pairs) == len(list(itertools.combinations(["CHN", "GBR", "PRK", "RUS", "USA"], 2)))
    assert all(a < b for a, b in pairs)


@pytest.mark.data
def test_real_bloc_2019_and_2025(real_wh):
    r = nw.bloc_report(real_wh, "PRK", nw.DEFAULT_BLOC, (2017, 2025), cache=False)
    c = r["cohesion"].set_index("year")
    assert c.loc[2019, "members"] == 11
    assert c.loc[2019, "within"] > c.loc[2019, "to_rest"]  # the bloc votes together more than with others
    # the continuous undl series: no hole in 2021-2024 (UN Digital Library), 2025 with the 3DL file
    assert (c.loc[[2021, 2022, 2023, 2024], "within"] > c.loc[[2021, 2022, 2023, 2024], "to_rest"]).all()
    assert c.loc[2022, "source"] == "undl: undl_ga_votes"
    assert c.loc[2025, "source"] == "undl: undl_ga_votes+unga_votes_2025"
    f = r["focus"].set_index("year")
    assert "CHN" in f.loc[2019, "bloc_in"]
    assert f.loc[2022, "community_size"] > 0


def test_network_cli_rejects_bad_view_and_state(tmp_path):
    from alignwatch.cli import main

    assert main(["network", "--view", "nonsense", "--db", str(tmp_path / "x.duckdb")]) == 2
    assert main(["network", "--bloc", "PRK,Atlantis", "--db", str(tmp_path / "x.duckdb")]) == 2
