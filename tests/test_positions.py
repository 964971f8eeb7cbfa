"""Positions family: ordinal coding, liveness, dyad-year agreement (hand-computed), co-proposals, NA vs 0,
low-confidence option, joint texts at meetings, bad input, CLI and figure; real-data checks marked ``data``."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from alignwatch import chronology
from alignwatch.errors import DataError, UsageError
from alignwatch.measures import positions as pos
from alignwatch.measures.registry import _FAMILIES

STATES = ("PRK", "CHN", "RUS", "USA", "KOR", "JPN")


def _row(date, end, title, proposers, stances, confidence, kind="joint_statement"):
    r = {"date": date, "end_date": end, "title": title, "kind": kind, "proposers": proposers}
    r.update({f"pos_{s}": stances.get(s, "unknown") for s in STATES})
    r.update({"content": f"content of {title}", "outcome": f"outcome of {title}", "source": f"https://ex.org/{title}",
              "confidence": confidence})
    return r


def fixture_frame() -> pd.DataFrame:
    """Three proposals (hand-computed expectations in the tests below).

    P1 2017-07-04 roadmap, CHN+RUS co-proposers; PRK unknown; USA rejected.        live 2017-2018 (N=1)
    P2 2018-03-01 US offer; PRK mixed, CHN endorsed, RUS silent.                   live 2018-2019
    P3 2003-08-27 .. 2005-04-01 process, low confidence; CHN proposer, PRK accepted, RUS n/a, USA opposed. 2003-2005
    """
    return pd.DataFrame([
        _row("2017-07-04", None, "P1 roadmap", "CHN;RUS",
             {"CHN": "proposer", "RUS": "proposer", "USA": "rejected", "KOR": "rejected"}, "high", "roadmap"),
        _row("2018-03-01", None, "P2 offer", "USA",
             {"PRK": "mixed", "CHN": "endorsed", "RUS": "silent", "USA": "proposer"}, "medium", "peace_proposal"),
        _row("2003-08-27", "2005-04-01", "P3 talks", "CHN",
             {"PRK": "accepted", "CHN": "proposer", "RUS": "n/a", "USA": "opposed"}, "low", "initiative"),
    ])


def _get(df, a, b, year):
    r = df[(df.a == a) & (df.b == b) & (df.year == year)]
    assert len(r) == 1, (a, b, year, len(r))
    return r.iloc[0]


# ------------------------------------------------------------------------------------------------- coding


def test_ordinal_coding_levels():
    assert [pos.POSITION_SCORE[p] for p in ("proposer", "endorsed", "accepted")] == [1.0, 1.0, 1.0]
    assert [pos.POSITION_SCORE[p] for p in ("mixed", "silent")] == [0.5, 0.5]
    assert [pos.POSITION_SCORE[p] for p in ("rejected", "opposed")] == [0.0, 0.0]
    assert pd.isna(pos.POSITION_SCORE["unknown"])
    assert "n/a" not in pos.POSITION_SCORE and "n/a" in pos.POSITIONS


def test_family_registered_political():
    fam = _FAMILIES["positions"]
    assert fam.domain == "political" and "pos_agree" in fam.columns


# ------------------------------------------------------------------------------------------------ liveness


def test_live_span_rule():
    prep = pos.prepare(fixture_frame())
    s1 = pos.live_span(prep, 1).set_index("pid")
    assert s1.loc[0].tolist() == [2017, 2018]
    assert s1.loc[1].tolist() == [2018, 2019]
    assert s1.loc[2].tolist() == [2003, 2005]  # a process: its own end date, not the N-year rule
    s0 = pos.live_span(prep, 0).set_index("pid")
    assert s0.loc[0].tolist() == [2017, 2017] and s0.loc[2].tolist() == [2003, 2005]
    with pytest.raises(UsageError):
        pos.live_span(prep, -1)


# ------------------------------------------------------------------------------------------ dyad agreement


def test_hand_computed_agreement_default():
    d = pos.dyad_positions(fixture_frame())
    r = _get(d, "CHN", "RUS", 2017)  # P1: 1 vs 1
    assert (r.n, r.pos_agree, r.n_co) == (1, 1.0, 1)
    r = _get(d, "CHN", "RUS", 2018)  # P1 1.0 and P2 endorsed(1) vs silent(0.5) -> 0.5; mean 0.75
    assert (r.n, r.n_co, r.n_live) == (2, 1, 2)
    assert r.pos_agree == pytest.approx(0.75)
    assert r.co_proposals == "2017-07-04 P1 roadmap"
    assert "2018-03-01 P2 offer [CHN endorsed, RUS silent]" in r.proposals
    r = _get(d, "CHN", "RUS", 2019)  # P2 only
    assert (r.n, r.pos_agree, r.n_co) == (1, 0.5, 0)
    r = _get(d, "CHN", "USA", 2017)  # P1: proposer 1 vs rejected 0
    assert (r.n, r.pos_agree) == (1, 0.0)
    r = _get(d, "PRK", "USA", 2018)  # P1 PRK unknown -> not used; P2 mixed 0.5 vs proposer 1 -> 0.5
    assert (r.n, r.n_live, r.pos_agree) == (1, 2, 0.5)
    r = _get(d, "KOR", "USA", 2018)  # P1: rejected vs rejected = full agreement
    assert r.pos_agree == 1.0
    assert d.score.equals(d.pos_agree)
    assert set(d.source) == {"chr_proposals"}
    assert (d.a < d.b).all() and len(d[["a", "b"]].drop_duplicates()) == 15


def test_live_years_parameter_changes_years():
    d0 = pos.dyad_positions(fixture_frame(), live_years=0)
    assert _get(d0, "CHN", "RUS", 2018).pos_agree == 0.5  # P1 no longer live in 2018
    assert d0.year.max() == 2018
    d2 = pos.dyad_positions(fixture_frame(), live_years=2)
    r = _get(d2, "CHN", "RUS", 2019)  # P1 (1.0) and P2 (0.5) both live
    assert (r.n, r.pos_agree, r.n_co) == (2, 0.75, 1)


def test_no_evidence_is_na_not_zero():
    d = pos.dyad_positions(fixture_frame())
    r = _get(d, "PRK", "USA", 2017)  # only P1 live, PRK unknown
    assert r.n == 0 and r.n_live == 1 and pd.isna(r.pos_agree) and pd.isna(r.score)
    r = _get(d, "CHN", "RUS", 2010)  # nothing live at all
    assert r.n == 0 and r.n_live == 0 and pd.isna(r.pos_agree)
    assert _get(d, "CHN", "USA", 2017).pos_agree == 0.0  # a real zero stays zero


def test_low_confidence_only_with_option():
    d = pos.dyad_positions(fixture_frame())
    assert d.attrs["rows_used"] == 2 and d.attrs["low_excluded"] == 1
    r = _get(d, "CHN", "USA", 2004)
    assert r.n == 0 and pd.isna(r.pos_agree) and r.n_low == 0
    d = pos.dyad_positions(fixture_frame(), include_low=True)
    assert d.attrs["rows_used"] == 3 and d.attrs["low_excluded"] == 0
    r = _get(d, "CHN", "USA", 2004)  # P3: proposer 1 vs opposed 0
    assert (r.n, r.pos_agree, r.n_low) == (1, 0.0, 1)
    r = _get(d, "CHN", "PRK", 2003)  # proposer vs accepted: both support
    assert (r.n, r.pos_agree, r.n_co) == (1, 1.0, 0)
    r = _get(d, "CHN", "RUS", 2003)  # RUS n/a: not counted at all, not even as live
    assert (r.n, r.n_live) == (0, 0) and pd.isna(r.pos_agree)
    only_low = fixture_frame().assign(confidence="low")
    d = pos.dyad_positions(only_low)  # nothing left: all NA, no crash
    assert d.attrs["rows_used"] == 0 and d.n.sum() == 0 and d.pos_agree.isna().all()


def test_states_and_years_filters():
    d = pos.dyad_positions(fixture_frame(), ["RUS", "CHN", "BLR"], (2017, 2018))
    assert set(zip(d.a, d.b)) == {("CHN", "RUS")} and d.year.tolist() == [2017, 2018]


def test_proposal_table_lists_every_row():
    t = pos.proposal_table(fixture_frame(), "PRK")
    assert len(t) == 3
    assert list(t.columns[:7]) == ["date", "title", "kind", "proposers", "PRK_score", "PRK", "CHN"]
    assert t.PRK_score.tolist()[1] == 0.5 and pd.isna(t.PRK_score.tolist()[0])
    with pytest.raises(UsageError):
        pos.proposal_table(fixture_frame(), "BLR")


# ------------------------------------------------------------------------------------------ meetings indicator


def test_meeting_joint_texts():
    s = pd.DataFrame({
        "date_start": ["1990-09-02", "2000-07-19", "2018-03-25", "2019-04-24", "2025-09-03"],
        "visitor_country": ["SUN", "RUS", "PRK", "PRK", "RUS"],
        "host_country": ["PRK", "PRK", "CHN", "RUS", "CHN"],
        "outcome": ["memorandum of protest", "first visit; DPRK-Russia Joint Declaration", "Kim-Xi summit 1",
                    "first Kim-Putin summit; no documents or joint statement", "parade"],
    })
    m = pos.meeting_joint_texts(chronology.summits_frame(s))
    assert set(zip(m.a, m.b)) == {("PRK", "RUS"), ("CHN", "PRK")}  # CHN-RUS is not covered: no rows (NA)
    r = _get(m, "PRK", "RUS", 1990)  # SUN counted as RUS
    assert (r.meetings_n, r.joint_text_n) == (1, 0)
    r = _get(m, "PRK", "RUS", 2000)
    assert (r.meetings_n, r.joint_text_n) == (1, 1) and "Joint Declaration" in r.joint_texts
    assert _get(m, "PRK", "RUS", 2019).joint_text_n == 0  # negated
    assert _get(m, "PRK", "RUS", 2010).meetings_n == 0  # covered year, no meeting: a real 0
    assert m.year.min() == 1990 and m.year.max() == 2025


def test_dyad_years_from_warehouse_keeps_indicator_apart(tiny_wh):
    s = pd.DataFrame({"date_start": [dt.date(2018, 3, 25)], "visitor_country": ["PRK"], "host_country": ["CHN"],
                      "outcome": ["joint statement issued"]})
    wh = tiny_wh(chr_proposals=fixture_frame(), chr_summits=s)
    d = pos.dyad_years(wh)
    r = _get(d, "CHN", "PRK", 2018)
    assert (r.n, r.pos_agree, r.joint_text_n) == (1, 0.5, 1)  # score from P2 only, meeting kept apart
    assert r.source == "chr_proposals; chr_summits"
    assert pd.isna(_get(d, "CHN", "RUS", 2018).joint_text_n)
    assert list(d.columns) == ["a", "b", "year", *pos.COLUMNS, "score", "source"]


# --------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("column,value,what", [
    ("pos_CHN", "maybe", "position"),
    ("date", "2017-13-45", "date"),
    ("end_date", "soon", "date"),
    ("confidence", "certain", "confidence"),
    ("proposers", "CHN;xx", "ISO3"),
])
def test_measure_rejects_bad_cells_naming_row_and_column(column, value, what):
    df = fixture_frame()
    df.loc[1, column] = value
    with pytest.raises(DataError) as e:
        pos.dyad_positions(df)
    assert e.value.row == 2 and e.value.column == column and what in str(e.value)


def _write(tmp_path, df, name="proposals.csv"):
    p = tmp_path / "chronology" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(p, index=False)
    return p


@pytest.mark.parametrize("column,value", [
    ("pos_CHN", "maybe"),  # unknown position value
    ("proposers", "CHN;XYZ"),  # unknown state code
    ("date", "2017-13-45"),  # malformed date
])
def test_connector_rejects_bad_rows(tmp_path, column, value):
    from alignwatch.sources import registry
    from alignwatch.sources.base import load

    ds = registry()["chr_proposals"]
    assert load(ds, _write(tmp_path, fixture_frame(), "ok.csv")).num_rows == 3
    bad = fixture_frame()
    bad.loc[1, column] = value
    with pytest.raises(DataError) as e:
        load(ds, _write(tmp_path, bad))
    assert e.value.column == column
    assert e.value.row == 3  # CSV line: header is line 1, the second data row is line 3


def test_bad_ingest_leaves_previous_table(tmp_path, monkeypatch):
    """Nothing is half-ingested: a rejected file leaves the warehouse as it was."""
    from alignwatch import warehouse
    from alignwatch.sources import registry
    from alignwatch.warehouse import Warehouse

    monkeypatch.setenv("ALIGNWATCH_DATA", str(tmp_path))
    ds = registry()["chr_proposals"]
    db = tmp_path / "wh.duckdb"
    _write(tmp_path, fixture_frame())
    warehouse.ingest([ds], db, progress=False)
    bad = pd.concat([fixture_frame(), fixture_frame().iloc[[0]].assign(title="P4", pos_RUS="perhaps")])
    _write(tmp_path, bad)
    with pytest.raises(DataError):
        warehouse.ingest([ds], db, progress=False)
    with Warehouse(db) as wh:
        assert len(wh.df("chr_proposals")) == 3


# ---------------------------------------------------------------------------------------------------- CLI


def _cli(argv, capsys):
    from alignwatch.cli import main

    code = main(argv)
    return code, capsys.readouterr()


def test_cli_proposals_and_positions(tiny_wh, capsys, tmp_path):
    wh = tiny_wh(chr_proposals=fixture_frame())
    db = str(wh.path)
    wh.close()
    code, out = _cli(["proposals", "--state", "PRK", "--db", db, "--format", "json"], capsys)
    assert code == 0
    rows = json.loads(out.out)
    assert len(rows) == 3 and rows[1]["PRK"] == "mixed" and rows[1]["PRK_score"] == 0.5
    code, out = _cli(["positions", "CHN", "RUS", "--db", db, "--format", "csv"], capsys)
    assert code == 0
    df = pd.read_csv(pd.io.common.StringIO(out.out))
    assert df.year.tolist() == [2017, 2018, 2019]  # years with a live proposal only (default)
    assert df.n_co.tolist() == [1, 1, 0] and df.pos_agree.tolist() == [1.0, 0.75, 0.5]
    code, out = _cli(["positions", "CHN", "CHN", "--db", db], capsys)
    assert code == 2
    html = tmp_path / "p.html"
    code, out = _cli(["proposals", "--db", db, "--plot", str(html), "--format", "csv"], capsys)
    assert code == 0 and html.exists()


def test_timeline_figure_marks_and_sources():
    from alignwatch.report.figures_positions import proposals_timeline

    fig = proposals_timeline(pos.proposal_table(fixture_frame()))
    names = {t.name for t in fig.data}
    assert {"proposer", "rejected", "mixed", "silent", "unknown", "n/a"} <= names
    n_marks = sum(len(t.x) for t in fig.data)
    assert n_marks == 3 * 6
    prop = next(t for t in fig.data if t.name == "proposer")
    assert any("content of P1 roadmap" in h and "https://ex.org/P1 roadmap" in h for h in prop.hovertext)
    assert any("Source" in a.text for a in fig.layout.annotations)


# ----------------------------------------------------------------------------------------------- real data


@pytest.mark.data
def test_real_proposals_all_49_rows(real_wh):
    t = pos.proposal_table(chronology.proposals(real_wh), "PRK")
    assert len(t) == 49
    assert t.PRK.isin(list(pos.POSITIONS)).all()


@pytest.mark.data
def test_real_chn_rus_co_proposals(real_wh):
    d = pos.dyad_years(real_wh, ["CHN", "RUS"])
    co = " ".join(d.co_proposals.dropna())
    assert "2017-07-04 China-Russia Joint Statement" in co
    assert "2019-12-16 China-Russia draft UNSC resolution" in co
    r = _get(d, "CHN", "RUS", 2017)
    assert r.n_co >= 1 and r.pos_agree == 1.0


def test_report_entry_points(tiny_wh):
    from alignwatch.errors import WarehouseError
    from alignwatch.report import figures_positions as fp

    wh = tiny_wh(chr_proposals=fixture_frame())
    fig = fp.proposals_timeline_figure(wh)
    assert sum(len(t.x) for t in fig.data) == 18
    with pytest.raises(WarehouseError):
        fp.addresses_figure(wh)  # kcna_new_year not ingested: the report shows "not available"
    assert [t for t, _ in fp.figures(wh)] == ["Stances on peace proposals"]
