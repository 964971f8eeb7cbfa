"""Security Council family: symbol keys, vote checks, co-voting, vetoes, DPRK timeline, NA versus 0, CLI, figure.

The fixture is a hand-written miniature Council: expected values below are counted by hand from it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alignwatch.cli import main
from alignwatch.errors import UsageError
from alignwatch.measures import unsc as us

P5 = ["CHN", "FRA", "GBR", "RUS", "USA"]
DPRK = "Non-proliferation/Democratic People’s Republic of Korea"


def _text(draft_id, year, date, draft, resolution, agenda, topic, outcome, votes):
    """One text: ``votes`` maps ISO3 -> vote (lower case as in the warehouse)."""
    return [dict(draft_id=draft_id, year=year, date=pd.Timestamp(date), draft=draft, resolution=resolution,
                 agenda_item=agenda, topic=topic, outcome=outcome, iso3=k, vote=v) for k, v in votes.items()]


def _all(vote="yes", **over):
    return {**{m: vote for m in ["CHN", "FRA", "GBR", "RUS", "USA", "IND", "GHA"]}, **over}


ROWS = (
    # 1995: the source's corrupt block (a 'no' on a unanimous adoption), and one consistent text
    _text(1, 1995, "1995-01-30", "S/1995/85", "975 (1995)", "Haiti", "Haiti", "Adopted unanimously",
          _all(USA="no", GBR="abstain"))
    + _text(2, 1995, "1995-12-08", "S/1995/1019", "1028 (1995)", "Angola", "Angola", "Adopted unanimously", _all())
    # 2021: a DPRK renewal (all yes) and a Syria text with CHN and RUS abstaining
    + _text(10, 2021, "2021-03-26", "S/2021/287", "2569 (2021)", DPRK, "Non-proliferation/DPRK",
            "Adopted unanimously", _all())
    + _text(11, 2021, "2021-07-09", "S/2021/627", "S/RES/2585 (2021)", "The situation in the Middle East",
            "Middle East (Syria)", "Adopted by majority", _all(CHN="abstain", RUS="abstain"))
    # 2022: DPRK renewal; the double veto; Russia's Ukraine veto; the procedural 2623 (Russian 'no' is legal)
    + _text(20, 2022, "2022-03-25", "S/2022/263", "Resolution 2627 (2022)", DPRK, "Non-proliferation/DPRK",
            "Adopted unanimously", _all())
    + _text(21, 2022, "2022-05-26", "S/2022/431\u00a0", None, DPRK, "Non-proliferation/DPRK", "Not adopted - veto",
            _all(CHN="no", RUS="no"))
    + _text(22, 2022, "2022-02-25", "S/2022/155", None, "Letter dated 28 February 2014 from Ukraine", "Ukraine",
            "Not adopted - veto", _all(RUS="no", CHN="abstain", IND="abstain"))
    + _text(23, 2022, "2022-02-27", "S/2022/160", "Resolution 2623 (2022)", "Letter dated 28 February 2014",
            "Ukraine", "Adopted by majority", _all(RUS="no", CHN="abstain", IND="abstain"))
    + _text(24, 2022, "2022-12-09", "S/2022/950", "S/RES/2664 (2022)", "General issues relating to sanctions",
            "Sanctions", "Adopted by majority", _all(IND="abstain"))
    # 2024: the Russian veto that ended the Panel of Experts (not in the vetoes table, which ends in 2022)
    + _text(40, 2024, "2024-03-28", "S/2024/255", None, DPRK, "Non-proliferation/DPRK", "Not adopted - veto",
            _all(RUS="no", CHN="abstain", GHA="yes"))
)
MEMBER_VOTES = pd.DataFrame(ROWS)
# elected members change with the year
MEMBER_VOTES.loc[MEMBER_VOTES["year"].eq(1995) & MEMBER_VOTES["iso3"].eq("GHA"), "iso3"] = "NGA"
MEMBER_VOTES.loc[MEMBER_VOTES["year"].eq(2024) & MEMBER_VOTES["iso3"].eq("IND"), "iso3"] = "KOR"

VETOES = pd.DataFrame({
    "year": [1955, 1972, 2022, 2022],
    "date": [dt.date(1955, 12, 13), dt.date(1972, 8, 25), dt.date(2022, 2, 25), dt.date(2022, 5, 26)],
    "draft": ["S/3502", "S/10771", "S/2022/155", "S/2022/431"],
    "agenda_item": ["Admission of new members", "Admission of new members", "Ukraine",
                    "Non-proliferation - Democratic People's Republic of Korea"],
    "crisis_topic": ["Mongolia", "Bangladesh", "Ukraine", "North Korea"],
    "iso3_veto1": ["CHN", "CHN", "RUS", "CHN"],  # the 1955 'China' veto is the ROC's
    "iso3_veto2": [None, None, None, "RUS"],
    "iso3_veto3": [None, None, None, None],
})


def _chr(rows):
    return pd.DataFrame(rows, columns=["date", "document", "kind", "trigger", "vote_yes", "vote_no", "vote_abstain",
                                       "chn_vote", "rus_vote", "measures", "source", "confidence"])


CHR = _chr([
    (dt.date(1993, 5, 11), "S/RES/825 (1993)", "resolution", "NPT withdrawal", 13, 0, 2, "abstain", "yes", "m",
     "s825", "high"),
    (dt.date(1994, 3, 31), "S/PRST/1994/13", "prst", "IAEA", None, None, None, "consensus", "consensus", "m", "sp",
     "low"),
    (dt.date(2019, 12, 16), "China-Russia draft resolution (Dec 2019)", "draft_not_voted", "relief", None, None,
     None, "sponsor", "sponsor", "m", "s19", "medium"),
    (dt.date(2021, 3, 26), "S/RES/2569 (2021)", "resolution", "Panel of Experts renewal", 15, 0, 0, "yes", "yes",
     "m", "s2569", "high"),
    (dt.date(2022, 3, 25), "S/RES/2627 (2022)", "resolution", "Panel of Experts renewal", 15, 0, 0, "yes", "yes",
     "m", "s2627", "high"),
    (dt.date(2022, 5, 26), "S/2022/431", "failed_draft", "ICBM launches", 13, 2, 0, "no (veto)", "no (veto)", "m",
     "s431", "high"),
    (dt.date(2022, 12, 9), "S/RES/2664 (2022)", "resolution", "cross-regime humanitarian carve-out", 14, 0, 1, "yes",
     "yes", "m", "s2664", "medium"),
    (dt.date(2024, 3, 28), "S/2024/255", "failed_draft", "Panel of Experts renewal", 13, 1, 1, "abstain",
     "no (veto)", "m", "s255", "high"),
])


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    from conftest import make_warehouse

    w = make_warehouse(tmp_path_factory.mktemp("unsc") / "wh.duckdb", unsc_member_votes=MEMBER_VOTES,
                       unsc_vetoes=VETOES, chr_unsc_dprk=CHR)
    yield w
    w.close()


@pytest.fixture(scope="module")
def data(wh):
    return us.load(wh)


def _row(df, a, b, year):
    r = df[(df["a"] == a) & (df["b"] == b) & (df["year"] == year)]
    assert len(r) == 1
    return r.iloc[0]


# ------------------------------------------------------------------------------------------------ symbols


def test_symbols_normalised():
    res = us.norm_resolution(pd.Series(["893 (1994)", "Resolution 2622 (2022)", "S/RES/2680 (2023)",
                                        "S/RES/2776/2025", "S/RES/2768(2025)", "S/2025/270", None]))
    assert res.tolist()[:5] == ["S/RES/893 (1994)", "S/RES/2622 (2022)", "S/RES/2680 (2023)", "S/RES/2776 (2025)",
                                "S/RES/2768 (2025)"]
    assert res.isna().tolist()[5:] == [True, True]  # a draft symbol is not a resolution
    sym = us.norm_symbol(pd.Series(["S/2022/431\u00a0", "S/2007/14 as orally revised", "S/2017/1060 "]))
    assert sym.tolist() == ["S/2022/431", "S/2007/14", "S/2017/1060"]


def test_topic_pattern():
    assert us.topic_pattern("DPRK")[0] == "PRK"
    assert us.topic_pattern("north korea")[0] == "PRK"
    iso, pat = us.topic_pattern("Yemen (Houthis)")
    assert pat == r"Yemen\ \(Houthis\)" or iso is not None  # a keyword is matched literally, never as a regex
    with pytest.raises(UsageError):
        us.topic_pattern("  ")


# --------------------------------------------------------------------------------------------- vote checks


def test_corrupt_texts_dropped_and_seats(data):
    d = data
    checks = d.texts.set_index("key")["vote_check"]
    assert checks["S/RES/975 (1995)"].startswith("dropped")  # USA 'no' on a unanimous adoption
    assert checks["S/RES/1028 (1995)"] == "ok"
    assert checks["S/RES/2623 (2022)"] == "ok"  # a procedural 'no' by a seated permanent member is kept
    assert not d.votes["key"].eq("S/RES/975 (1995)").any()
    seats = set(map(tuple, d.seats.to_numpy()))
    assert ("IND", 2022) in seats and ("KOR", 2024) in seats and ("IND", 2024) not in seats


def test_keys_join_on_symbols(data):
    d = data
    keys = set(d.texts["key"])
    assert {"S/RES/2627 (2022)", "S/2022/431", "S/RES/2585 (2021)", "S/2024/255"} <= keys


# ----------------------------------------------------------------------------------------------- co-voting


def test_covoting_hand_counted(data):
    cv = us.covoting(data.votes, P5).set_index(["a", "b", "year"])
    # 2022 CHN-RUS: 2627 yes/yes, 431 no/no, 155 abstain/no, 2623 abstain/no, 2664 yes/yes -> 3 of 5
    assert cv.loc[("CHN", "RUS", 2022), "n_joint"] == 5
    assert cv.loc[("CHN", "RUS", 2022), "agree"] == pytest.approx(3 / 5)
    # 2022 CHN-USA: same on 2627 and 2664 only -> 2 of 5; 2021: 2569 same, 2585 abstain/yes -> 1 of 2
    assert cv.loc[("CHN", "USA", 2022), "agree"] == pytest.approx(2 / 5)
    assert cv.loc[("CHN", "USA", 2021), "agree"] == pytest.approx(1 / 2)
    # 1995 rests on the one consistent text
    assert cv.loc[("CHN", "USA", 1995), "n_joint"] == 1


def test_p5_covoting_table(wh, data):
    t = us.p5_covoting(wh, data=data).set_index("year")
    assert t.loc[2022, "RUS-USA"] == pytest.approx(2 / 5)  # 2627 and 2664
    assert t.loc[2022, "CHN-RUS"] == pytest.approx(3 / 5)
    assert t.loc[2022, "n_texts"] == 5
    assert list(t.columns[:7]) == ["CHN-USA", "CHN-GBR", "CHN-FRA", "RUS-USA", "RUS-GBR", "RUS-FRA", "CHN-RUS"]


# --------------------------------------------------------------------------------------------------- vetoes


def test_veto_events(data):
    ev = data.vetoes
    got = set(zip(ev["key"], ev["iso3"]))
    assert ("S/3502", "TWN") in got  # the China seat before 25 Oct 1971 is the ROC's
    assert ("S/10771", "CHN") in got
    assert {("S/2022/431", "CHN"), ("S/2022/431", "RUS"), ("S/2022/155", "RUS")} <= got
    assert ("S/2024/255", "RUS") in got and ("S/2024/255", "CHN") not in got  # from the vote data; CHN abstained
    assert ev.duplicated(["key", "iso3"]).sum() == 0  # the 2022 vetoes are in both sources, counted once


# -------------------------------------------------------------------------------------------- DPRK timeline


def test_dprk_timeline(wh, data):
    t = us.unsc_timeline(wh, "DPRK", data=data).set_index("symbol")
    assert list(t.index[:2]) == ["S/RES/825 (1993)", "S/PRST/1994/13"]
    r825 = t.loc["S/RES/825 (1993)"]
    assert (r825["CHN"], r825["RUS"], r825["n_yes"], r825["n_abstain"]) == ("abstain", "yes", 13, 2)
    assert pd.isna(r825["USA"])  # not in the data: unknown, not 'yes'
    assert r825["stringency"] == 1
    assert (t.loc["S/PRST/1994/13", P5] == "consensus").all()
    v = t.loc["S/2022/431"]
    assert (v["CHN"], v["RUS"], v["USA"], v["vetoed_by"]) == ("veto", "veto", "yes", "CHN;RUS")
    assert v["date"] == dt.date(2022, 5, 26) and v["stringency"] == 5 and (v["n_yes"], v["n_no"]) == (5, 2)
    p = t.loc["S/2024/255"]
    assert (p["CHN"], p["RUS"], p["vetoed_by"], p["poe"]) == ("abstain", "veto", "RUS", "renewal_vetoed")
    assert t.loc["China-Russia draft resolution (Dec 2019)", "CHN"] == "sponsor"
    # 2664 is on another agenda: pulled in from the chronology with its recorded votes, scoped cross-regime
    assert t.loc["S/RES/2664 (2022)", "scope"] == "cross_regime" and t.loc["S/RES/2664 (2022)", "USA"] == "yes"
    assert t.loc["S/RES/2627 (2022)", "poe"] == "renewed"
    # regime level: 825 (1) is the highest adopted DPRK-specific code in this fixture; vetoed drafts do not count
    assert t.loc["S/2024/255", "regime_stringency"] == 1


def test_generic_topic(wh, data):
    t = us.unsc_texts(wh, "Syria", data=data).set_index("symbol")
    assert list(t.index) == ["S/RES/2585 (2021)"]
    assert (t.iloc[0]["CHN"], t.iloc[0]["RUS"], t.iloc[0]["n_abstain"]) == ("abstain", "abstain", 2)
    u = us.unsc_texts(wh, "Ukraine", data=data).set_index("symbol")
    assert u.loc["S/2022/155", "RUS"] == "veto" and u.loc["S/2022/155", "CHN"] == "abstain"


def test_stringency_csv_is_cited_and_ordered():
    s = us.stringency_codes()
    assert s["symbol"].is_unique
    assert s["code"].between(0, 5).all()
    assert s["source"].str.contains("http").all() and s["reason"].str.len().gt(10).all()
    assert (s["label"] == s["code"].map(us.STRINGENCY_LABELS)).all()
    codes = s.set_index("symbol")["code"]
    assert codes["S/RES/1718 (2006)"] < codes["S/RES/2270 (2016)"] < codes["S/RES/2397 (2017)"] == 5
    assert set(s["poe"].dropna()) == {"established", "renewed", "renewal_vetoed"}


# ------------------------------------------------------------------------------------------------ family


def test_dyad_years_na_versus_zero(wh, data):
    d = us.panel(wh, data, ["PRK", "CHN", "RUS"], (1960, 2025))
    cr = _row(d, "CHN", "RUS", 2022)
    assert cr["n_joint"] == 5 and cr["agree"] == pytest.approx(0.6) and cr["score"] == pytest.approx(0.6)
    assert (cr["vetoes_a"], cr["vetoes_b"], cr["joint_vetoes"]) == (1, 2, 1)
    assert cr["joint_veto_drafts"].startswith("S/2022/431 (2022-05-26")
    assert pd.isna(_row(d, "CHN", "RUS", 1993)["agree"])  # before per-member votes: NA
    no_texts = _row(d, "CHN", "RUS", 2023)  # no text put to a vote that year in this fixture
    assert no_texts["n_joint"] == 0 and pd.isna(no_texts["agree"])
    assert pd.isna(_row(d, "CHN", "RUS", 2025)["n_joint"])  # after the last recorded vote: NA
    assert _row(d, "CHN", "RUS", 2021)["joint_vetoes"] == 0  # covered, none: 0
    assert pd.isna(_row(d, "CHN", "RUS", 1960)["vetoes_a"])  # the PRC held no seat in 1960: NA
    assert _row(d, "CHN", "RUS", 1960)["vetoes_b"] == 0
    assert _row(d, "CHN", "RUS", 1972)["vetoes_a"] == 1


def test_dyad_with_non_member(wh, data):
    d = us.panel(wh, data, ["PRK", "RUS", "CHN"], (1988, 2025))
    r = _row(d, "PRK", "RUS", 2022)
    assert pd.isna(r["score"]) and pd.isna(r["n_joint"]) and pd.isna(r["vetoes_a"])
    assert r["topic_texts"] == 2  # 2627 and the vetoed 431; the cross-regime 2664 is not counted
    assert r["topic_votes"] == "RUS on PRK: yes 1, veto 1"
    assert r["topic_vetoes"] == "S/2022/431 (2022-05-26: CHN+RUS veto)"
    assert _row(d, "PRK", "RUS", 1993)["topic_votes"] == "RUS on PRK: yes 1"
    assert _row(d, "CHN", "PRK", 1993)["topic_votes"] == "CHN on PRK: abstain 1"
    assert _row(d, "PRK", "RUS", 1994)["topic_votes"] == "RUS on PRK: consensus 1"
    assert _row(d, "CHN", "PRK", 2024)["topic_vetoes"] == "S/2024/255 (2024-03-28: RUS veto)"
    assert _row(d, "PRK", "RUS", 1992)["topic_texts"] == 0  # inside the DPRK chronology (from 1991): 0
    assert pd.isna(_row(d, "PRK", "RUS", 1990)["topic_texts"])  # before it: NA
    assert pd.isna(_row(d, "CHN", "RUS", 2022)["topic_texts"])  # both seated: not a topic dyad


def test_bad_arguments(wh, data):
    with pytest.raises(UsageError):
        us.dyad_years(wh, ["PRK"])
    with pytest.raises(UsageError):
        us.dyad_years(wh, ["PRK", "RUS"], (2000, 1990))


def test_registered():
    from alignwatch.measures.registry import families

    fam = families()["unsc"]
    assert fam.domain == "political" and "topic_vetoes" in fam.columns


# --------------------------------------------------------------------------------------------- CLI, figure


def _app():
    """Only this module's commands (importing the whole CLI takes seconds)."""
    import typer

    from alignwatch.commands import unsc as cmd

    app = typer.Typer()
    cmd.register(app)
    return lambda args: app(args=args, standalone_mode=False)


def test_cli_timeline_and_plot(wh, capsys, tmp_path):
    run = _app()
    html = tmp_path / "t.html"
    run(["unsc", "--topic", "DPRK", "--db", str(wh.path), "--format", "csv", "--plot", str(html)])
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "S/2022/431" in ln)
    assert "2022-05-26" in line and "veto,yes,yes,veto,yes,CHN;RUS" in line
    text = html.read_text()
    assert len(text) > 1_000_000 and "Yordan" in text and 'src="https://cdn.plot.ly' not in text  # offline
    run(["unsc", "--covoting", "--db", str(wh.path), "--format", "csv"])
    assert "CHN-RUS" in capsys.readouterr().out
    with pytest.raises(UsageError, match="no Security Council text"):
        run(["unsc", "--topic", "Atlantis", "--db", str(wh.path)])
    with pytest.raises(UsageError, match="html"):
        run(["unsc", "--plot", str(tmp_path / "x.png"), "--db", str(wh.path)])


def test_cli_exit_code_for_bad_topic(wh):
    assert main(["unsc", "--topic", "", "--db", str(wh.path)]) == 2


def test_figure_traces(wh):
    from alignwatch.report import figures_unsc as fu

    fig = fu.unsc_timeline_figure(wh, "DPRK")
    names = {t.name for t in fig.data}
    assert {"failed draft (vetoed)", "presidential statement", "CHN-RUS", "Panel of Experts"} <= names
    assert any("S/2022/431" in (a.text or "") for a in fig.layout.annotations)
    assert any("Sources:" in (a.text or "") for a in fig.layout.annotations)


# ------------------------------------------------------------------------------- the UN Digital Library file


def _undl_sc(texts):
    """texts: (symbol, date, {iso3: Y/N/A/X}) -> an ingested-looking undl_sc_votes table."""
    rows = [dict(id_record=1000 + i, resolution_symbol=sym, vote_date=dt.date.fromisoformat(date), country=k,
                 ms_code=k, iso3=k, vote=v, title=f"Security Council resolution {sym} [on {topic}]", agenda="S1",
                 meeting_record="S/PV.1", year=int(date[:4]))
            for i, (sym, date, topic, votes) in enumerate(texts) for k, v in votes.items()]
    return pd.DataFrame(rows)


ELECTED_1972 = {"IND": "Y", "YUG": "Y"}
UNDL_SC = _undl_sc([
    # 1950: the USSR absent (X), the China seat is the ROC's
    ("S/RES/82(1950)", "1950-06-25", "aggression upon the Republic of Korea",
     {"TWN": "Y", "FRA": "Y", "GBR": "Y", "RUS": "X", "USA": "Y", "YUG": "A"}),
    # 1972-1973: the PRC not participating (X), then voting with the USSR; one text adopted without a vote
    ("S/RES/316(1972)", "1972-06-26", "Middle East", {"CHN": "X", "FRA": "Y", "GBR": "Y", "RUS": "Y", "USA": "A",
                                                        **ELECTED_1972}),
    ("S/RES/317(1972)", "1972-07-21", "Middle East", {"CHN": "Y", "FRA": "Y", "GBR": "Y", "RUS": "Y", "USA": "A",
                                                        **ELECTED_1972}),
    ("S/RES/318(1972)", "1972-07-28", "Southern Rhodesia", {"CHN": "A", "FRA": "Y", "GBR": "A", "RUS": "A", "USA": "A",
                                                              **ELECTED_1972}),
    ("S/RES/320(1972)", "1972-09-29", "admission of Bangladesh", {k: "X" for k in [*P5, "IND", "YUG"]}),
    # 1995: the member file's corrupt 975 (a US 'no' on a unanimous adoption); the UN DL has the true votes
    ("S/RES/975(1995)", "1995-01-30", "Haiti", {k: "Y" for k in [*P5, "IND", "NGA"]}),
])


@pytest.fixture(scope="module")
def wh_undl(tmp_path_factory):
    from conftest import make_warehouse

    w = make_warehouse(tmp_path_factory.mktemp("unsc_undl") / "wh.duckdb", unsc_member_votes=MEMBER_VOTES,
                       unsc_vetoes=VETOES, chr_unsc_dprk=CHR, undl_sc_votes=UNDL_SC)
    yield w
    w.close()


def test_undl_votes_before_1994_and_the_merge_rule(wh_undl):
    d = us.load(wh_undl)
    assert d.first_year == 1950
    t = d.texts.set_index("key")
    # the UN DL wins over the member file on an adopted resolution: 975 (1995) is scored again, from its votes
    assert t.loc["S/RES/975 (1995)", "source"] == "undl_sc_votes+unsc_member_votes"
    assert t.loc["S/RES/975 (1995)", "vote_check"] == "ok"
    v975 = d.votes[d.votes["key"] == "S/RES/975 (1995)"].set_index("iso3")["vote"]
    assert v975["USA"] == "yes" and "GHA" not in v975.index
    assert t.loc["S/RES/320 (1972)", "outcome"] == "Adopted without a vote"
    votes = d.votes.set_index(["key", "iso3"])["vote"]
    assert votes[("S/RES/320 (1972)", "CHN")] == "no_vote"  # all X: adopted without a vote, not absences
    assert votes[("S/RES/316 (1972)", "CHN")] == "not_voting" and votes[("S/RES/82 (1950)", "TWN")] == "yes"
    cv = us.covoting(d.votes, ["CHN", "RUS", "USA"]).set_index(["a", "b", "year"])
    # 1972: 316 not compared (CHN did not vote), 320 adopted without a vote; 317 same, 318 same -> 2 of 2
    assert (cv.loc[("CHN", "RUS", 1972), "n_joint"], cv.loc[("CHN", "RUS", 1972), "agree"]) == (2, 1.0)
    assert cv.loc[("RUS", "USA", 1972), "agree"] == pytest.approx(1 / 3)
    assert ("RUS", "USA", 1950) not in cv.index  # the USSR absent: no compared vote


def test_undl_family_rows_before_1994(wh_undl):
    d = us.load(wh_undl)
    df = us.panel(wh_undl, d, ["CHN", "RUS", "TWN", "USA"], (1950, 1995))
    r = _row(df, "CHN", "RUS", 1972)
    assert (r["n_joint"], r["agree"]) == (2, 1.0)
    assert r["source"] == "undl_sc_votes (adopted resolutions only); unsc_vetoes"
    assert pd.isna(_row(df, "CHN", "RUS", 1950)["agree"])  # the PRC held no seat: NA, never 0
    assert _row(df, "RUS", "TWN", 1950)["n_joint"] == 0  # both seated, the USSR absent: no joint vote
    assert _row(df, "RUS", "USA", 1995)["agree"] == 1.0
    assert "unsc_member_votes" in _row(df, "RUS", "USA", 1995)["source"]


def test_cli_vetoed_by_says_none_where_the_data_say_none(wh_undl, capsys):
    run = _app()
    run(["unsc", "--topic", "aggression", "--db", str(wh_undl.path), "--format", "csv"])
    rows = {ln.split(",")[1]: ln for ln in capsys.readouterr().out.splitlines()[1:]}
    # TWN, FRA, GBR, USA yes; Yugoslavia abstains; the USSR absent; CHN NA: the ROC held the seat
    assert ",4-0-1,,yes,yes,not_voting,yes,none," in rows["S/RES/82 (1950)"]
    run(["unsc", "--topic", "DPRK", "--db", str(wh_undl.path), "--format", "csv"])
    out = {ln.split(",")[1]: ln for ln in capsys.readouterr().out.splitlines()[1:]}
    assert ",none," in out["S/RES/2627 (2022)"] and ",none," in out["S/PRST/1994/13"]
    assert ",CHN;RUS," in out["S/2022/431"]


# ------------------------------------------------------------------------------------------------ real data


@pytest.mark.data
def test_real_dprk_timeline_and_double_veto(real_wh):
    t = us.unsc_timeline(real_wh, "DPRK").set_index("symbol")
    for sym in ("S/RES/825 (1993)", "S/RES/1718 (2006)", "S/RES/2397 (2017)", "S/2022/431", "S/2024/255"):
        assert sym in t.index
    v = t.loc["S/2022/431"]
    assert (v["date"], v["CHN"], v["RUS"], v["n_yes"], v["n_no"]) == (dt.date(2022, 5, 26), "veto", "veto", 13, 2)
    assert (t.loc["S/2024/255", "RUS"], t.loc["S/2024/255", "CHN"]) == ("veto", "abstain")
    assert t.loc["S/RES/825 (1993)", "CHN"] == "abstain"
    assert (t.loc["S/RES/2397 (2017)", P5] == "yes").all() and t.loc["S/RES/2397 (2017)", "n_yes"] == 15
    assert t["poe"].eq("renewed").sum() >= 13  # 1928 ... 2680
    # the chronology's CHN/RUS cells agree with the recorded votes wherever both exist
    both = t[t["source"].str.contains("unsc_member_votes") & t["kind"].isin(["resolution", "failed_draft"])]
    assert both["CHN"].isin(["yes", "veto", "abstain"]).all()


@pytest.mark.data
def test_real_dyad_must_show(real_wh):
    from alignwatch.commands.dyad import dyad_table

    cr = dyad_table(real_wh, "CHN", "RUS", "unsc", None).set_index("year")
    assert "S/2022/431 (2022-05-26" in cr.loc[2022, "joint_veto_drafts"]
    assert cr.loc[2022, "joint_vetoes"] >= 1 and 0 < cr.loc[2022, "agree"] < 1
    pr = dyad_table(real_wh, "PRK", "RUS", "unsc", None).set_index("year")
    assert "S/2022/431 (2022-05-26: CHN+RUS veto)" in pr.loc[2022, "topic_vetoes"]
    assert "S/2024/255 (2024-03-28: RUS veto)" in pr.loc[2024, "topic_vetoes"]
    assert pd.isna(pr.loc[2022, "agree"])  # the DPRK never sat on the Council


@pytest.mark.data
def test_real_undl_security_council(real_wh):
    n = real_wh.query("SELECT vote, count(*) AS n FROM undl_sc_votes WHERE iso3 = 'CHN' GROUP BY 1")
    assert dict(zip(n.vote, n.n)) == {"Y": 2264, "A": 187, "X": 45}  # MANIFEST 10c
    from alignwatch.commands.dyad import dyad_table

    cr = dyad_table(real_wh, "CHN", "RUS", "unsc", (1972, 1993)).set_index("year")
    assert cr["agree"].notna().all() and (cr["n_joint"] > 0).all() and len(cr) == 22
    src = us.dyad_years(real_wh, ["CHN", "RUS"], (1972, 1993))["source"]
    assert src.str.startswith("undl_sc_votes (adopted resolutions only)").all()
    ur = dyad_table(real_wh, "RUS", "USA", "unsc", (1946, 1993)).set_index("year")
    assert ur["agree"].notna().sum() >= 40
    t = us.unsc_timeline(real_wh, "DPRK").set_index("symbol")
    assert (t.loc["S/RES/2397 (2017)", P5] == "yes").all() and t.loc["S/RES/1718 (2006)", "n_yes"] == 15
