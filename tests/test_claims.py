"""Claims: the YAML contract, each check on tiny hand-written tables, and the verdicts on the real data."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from alignwatch import claims as cl
from alignwatch.cli import main
from alignwatch.errors import DataError

SUMMITS = pd.DataFrame({
    "date_start": ["2008-06-17", "2018-03-25", "2018-05-07", "2019-06-20", "2019-09-02"],
    "date_end": ["2008-06-19", "2018-03-28", "2018-05-08", "2019-06-21", "2019-09-04"],
    "visitor_country": ["CHN", "PRK", "PRK", "CHN", "CHN"],
    "visitor": ["Xi Jinping (Vice President)", "Kim Jong Un", "Kim Jong Un", "Xi Jinping", "Wang Yi (FM)"],
    "host_country": ["PRK", "CHN", "CHN", "PRK", "PRK"],
    "host": ["Kim Jong Il", "Xi Jinping", "Xi Jinping", "Kim Jong Un", "Ri Yong Ho (FM)"],
    "location_city": ["Pyongyang", "Beijing", "Dalian", "Pyongyang", "Pyongyang"],
    "level": ["other", "head_of_state", "head_of_state", "head_of_state", "minister"],
    "outcome": "", "source": ["u1", "u2", "u3", "u4", "u5"], "confidence": ["low", "high", "high", "high", "high"],
})
UKRAINE = pd.DataFrame({
    "date": ["2014-03-27", "2022-03-02", "2022-03-24"],
    "resolution": ["A/RES/68/262", "A/RES/ES-11/1", "A/RES/ES-11/2"],
    "title_short": ["Crimea", "Aggression", "Humanitarian"],
    "yes": [100, 141, 140], "no": [11, 5, 5], "abstain": [58, 35, 38],
    "CHN": ["abstain", "abstain", "abstain"], "RUS": ["no", "no", "no"], "PRK": ["no", "no", "no"],
    "SYR": ["no", "no", "no"], "source": "s", "confidence": ["high", "high", "medium"],
})


def _alliances(end_atop: int, end_cow: int):
    atop = pd.DataFrame([(365, 731, y, 1, 0, 0, 1, 0, "RUS", "PRK") for y in range(1985, end_atop + 1)]
                        + [(365, 731, 2000, 0, 0, 0, 0, 1, "RUS", "PRK")],
                        columns=["ccode1", "ccode2", "year", "atop_defense", "atop_offense", "atop_neutral",
                                 "atop_nonagg", "atop_consul", "iso3_1", "iso3_2"])
    cow = pd.DataFrame([(365, 731, y, 1, 0, 1, 0, "RUS", "PRK") for y in range(1985, end_cow + 1)],
                       columns=["ccode1", "ccode2", "year", "cow_defense", "cow_neutral", "cow_nonagg", "cow_entente",
                                "iso3_1", "iso3_2"])
    tr = pd.DataFrame({"date_signed": ["1961-07-06", "2024-06-19"], "parties": ["SUN;PRK", "RUS;PRK"],
                       "name": ["1961 treaty", "2024 treaty"], "type": ["defence_pact", "strategic_partnership"],
                       "mutual_defence": [True, True], "status_changes": ["lapsed 1996-09", "in force 2024-12-04"],
                       "source": "t", "confidence": "high"})
    return dict(ps_atop_alliance=atop, ps_cow_alliance=cow, chr_treaties=tr)


def _chr_trade(rows):
    return pd.DataFrame(rows, columns=["year", "partner", "flow", "value", "unit", "source_series", "source",
                                       "confidence"])


def test_packaged_claims_load_and_cover_the_issue():
    items = cl.load_claims()
    ids = [c["id"] for c in items]
    assert len(ids) == len(set(ids)) >= 6
    for need in ("chn-top-partner", "kim-xi-five-in-china", "res825-no-veto", "rus-treaty-lapse-1990s",
                 "prk-no-es-11-1", "treaty-2024-lowered-chn-dependence"):
        assert need in ids
    assert all(c["check"] in cl.CHECKS for c in items)


@pytest.mark.parametrize("text, expect", [
    ("- {id: x, claim: c, check: no_such_check, params: {}}", "known check"),
    ("- {id: x, claim: c, check: unga_vote, params: {month: 2022-03, sql: 'DROP TABLE x'}}", "parameters"),
    ("- {id: x, claim: c, check: unga_vote, params: {month: 2022-03, state: PRK, expected: 'no'}}\n"
     "- {id: x, claim: d, check: unga_vote, params: {month: 2022-03, state: PRK, expected: 'no'}}", "unique id"),
    ("id: x", "list of claims"),
])
def test_bad_claims_files_raise_data_error(tmp_path, text, expect):
    f = tmp_path / "c.yaml"
    f.write_text(text)
    with pytest.raises(DataError, match=expect):
        cl.load_claims(f)


def test_leader_meetings_location_contradicts(tiny_wh):
    wh = tiny_wh(chr_summits=SUMMITS)
    r = cl.leader_meetings(wh, "Kim Jong Un", "Xi Jinping", 2018, 2019, 3, "CHN")
    assert r.verdict == cl.CONTRADICTED  # three meetings, but one in Pyongyang
    assert "2 in CHN" in r.evidence and "2019-06-20 Pyongyang" in r.evidence
    assert cl.leader_meetings(wh, "Kim Jong Un", "Xi Jinping", 2018, 2018, 2, "CHN").verdict == cl.SUPPORTED
    assert cl.leader_meetings(wh, "Kim Jong Un", "Xi Jinping", 2018, 2019, 5, None).verdict == cl.CONTRADICTED


def test_first_visit_ignores_other_levels_and_flags_low(tiny_wh):
    wh = tiny_wh(chr_summits=SUMMITS)
    r = cl.first_visit(wh, "Xi Jinping", "PRK", 2021, 6)
    assert r.verdict == cl.CONTRADICTED
    assert "2019-06-20" in r.evidence and "2008-06-17 as other (low confidence)" in r.evidence
    assert cl.first_visit(wh, "Xi Jinping", "PRK", 2019, 6).verdict == cl.SUPPORTED
    assert cl.first_visit(wh, "Li Qiang", "PRK", 2025).verdict == cl.NOT_CHECKABLE


def test_unga_vote(tiny_wh):
    wh = tiny_wh(chr_unga_ukraine=UKRAINE)
    r = cl.unga_vote(wh, "2022-03", "PRK", "no", 1, "A/RES/ES-11/1")
    assert r.verdict == cl.SUPPORTED and "141-5-35" in r.evidence and "RUS, SYR" in r.evidence
    assert cl.unga_vote(wh, "2022-03", "CHN", "no").verdict == cl.CONTRADICTED
    assert cl.unga_vote(wh, "2022-03", "PRK", "no", 2, "A/RES/ES-11/1").verdict == cl.NOT_CHECKABLE
    assert cl.unga_vote(wh, "2023-01", "PRK", "no").verdict == cl.NOT_CHECKABLE


def test_defence_treaty_lapse(tiny_wh):
    r = cl.defence_treaty_lapse(tiny_wh(**_alliances(1996, 1995)), "RUS", "PRK", 1990, 1999)
    assert r.verdict == cl.SUPPORTED
    assert "ps_atop_alliance: defence obligation to 1996" in r.evidence
    assert "ps_cow_alliance: defence obligation to 1995" in r.evidence
    assert "2024 treaty" not in r.evidence  # only the treaty in force when the window opens
    late = cl.defence_treaty_lapse(tiny_wh(**_alliances(2003, 1995)), "RUS", "PRK", 1990, 1999)
    assert late.verdict == cl.CONTRADICTED


def test_trade_change_and_low_flag(tiny_wh):
    wh = tiny_wh(chr_trade_prk=_chr_trade([
        (2016, "CHN", "exports_to_partner", 2570.0, "USD million", "GACC", "s", "low"),
        (2018, "CHN", "exports_to_partner", 213.15, "USD million", "GACC", "s", "high"),
    ]))
    r = cl.trade_change(wh, "PRK", "CHN", "GACC", "exports_to_partner", 2016, 2018, -0.9)
    assert r.verdict == cl.SUPPORTED and "-91.7%" in r.evidence and "2,570 (low confidence)" in r.evidence
    assert cl.trade_change(wh, "PRK", "CHN", "GACC", "exports_to_partner", 2016, 2018, -0.95).verdict \
        == cl.CONTRADICTED
    assert cl.trade_change(wh, "PRK", "CHN", "KOTRA", "exports_to_partner", 2016, 2018, -0.9).verdict \
        == cl.NOT_CHECKABLE


def test_trade_share_after(tiny_wh):
    base = [(2023, "CHN", "partner_share_of_total", 96.7, "percent", "KOTRA", "s", "low"),
            (2024, "CHN", "total", 2180.0, "USD million", "GACC", "s", "medium"),
            (2020, "RUS", "total", 42.7, "USD million", "Russian_customs", "s", "high")]
    wh = tiny_wh(chr_trade_prk=_chr_trade(base))
    r = cl.trade_share_after(wh, "PRK", "CHN", "RUS", "treaty", "2024-06-19")
    assert r.verdict == cl.NOT_CHECKABLE
    assert "96.7% (KOTRA) (low confidence)" in r.evidence and "RUS–PRK figure: 2020" in r.evidence
    wh2 = tiny_wh(chr_trade_prk=_chr_trade(base + [(2025, "CHN", "partner_share_of_total", 90.0, "percent",
                                                    "KOTRA", "s", "high")]))
    assert cl.trade_share_after(wh2, "PRK", "CHN", "RUS", "treaty", "2024-06-19").verdict == cl.SUPPORTED


def test_top_trading_partner(tiny_wh):
    ndy = pd.DataFrame(
        [(710, 731, y, 500.0 + 10 * i, 100.0, 500.0 + 10 * i, 100.0, "CHN", "PRK")
         for i, y in enumerate(range(1990, 2015))]
        + [(731, 740, y, 50.0, 50.0, 50.0, 50.0, "PRK", "JPN") for y in range(1990, 2015)],
        columns=["ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2", "iso3_1", "iso3_2"])
    ndy.loc[(ndy.iso3_2 == "JPN") & (ndy.year == 1995), ["flow1", "smoothflow1"]] = 2000.0  # JPN ahead in 1995
    sy = pd.DataFrame({"iso3": "PRK", "year": range(1990, 2015), "imports": 1000.0, "exports": 500.0})
    chr_trade = _chr_trade([(2016, "CHN", "partner_share_of_total", 91.5, "percent", "ITC_TradeMap_mirror", "s",
                             "medium")])
    customs = pd.DataFrame([("GACC", "CHN", "PRK", 2018, "annual", None, "total", 2430.0, 10.0, "reported", "Reuters",
                             "2019-01-23", "s", "high", "")],
                           columns=["reporter", "reporter_state", "partner", "year", "period", "month", "flow",
                                    "value", "precision", "basis", "outlet", "published", "source", "confidence",
                                    "note"])
    wh = tiny_wh(ps_cow_trade_ndy=ndy, ps_cow_trade_sy=sy, chr_trade_prk=chr_trade, trade_prk_customs=customs)
    r = cl.top_trading_partner(wh, "PRK", "CHN", 20)
    assert r.verdict == cl.SUPPORTED  # 1996-2018 = 23 years
    assert "1996–2018 (23 years" in r.evidence and "1995 JPN 2,050 vs CHN 650" in r.evidence
    assert "2016 91.5%" in r.evidence and "2015, 2017, 2018" in r.evidence
    assert cl.top_trading_partner(wh, "PRK", "CHN", 25).verdict == cl.CONTRADICTED


def test_missing_table_is_not_checkable(tiny_wh):
    wh = tiny_wh(chr_summits=SUMMITS)
    row = cl.check_claim(wh, {"id": "x", "claim": "c", "check": "unga_vote",
                              "params": {"month": "2022-03", "state": "PRK", "expected": "no"}})
    assert row["verdict"] == cl.NOT_CHECKABLE and "chr_unga_ukraine" in row["evidence"]


def test_cli_custom_claims_file(tiny_wh, tmp_path, capsys):
    wh = tiny_wh(chr_summits=SUMMITS, chr_unga_ukraine=UKRAINE)
    f = tmp_path / "mine.yaml"
    f.write_text("- {id: a, claim: five in China, source: test, check: leader_meetings, params: {leader_a: Kim Jong Un,"
                 " leader_b: Xi Jinping, first_year: 2018, last_year: 2019, expected_n: 3, expected_venue: CHN}}\n"
                 "- {id: b, claim: PRK no, source: test, check: unga_vote, params: {month: 2022-03, state: PRK, "
                 "expected: 'no'}}\n")
    assert main(["claims", "--db", str(wh.path), "--claims", str(f), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["verdict"]) for r in out] == [("a", "contradicted"), ("b", "supported")]
    assert main(["claims", "--db", str(wh.path), "--claims", str(f), "--id", "zzz"]) == 2


EXPECTED = {
    "chn-top-partner": "supported",
    "kim-xi-five-in-china": "contradicted",
    "res825-no-veto": "supported",
    "rus-treaty-lapse-1990s": "supported",
    "prk-no-es-11-1": "supported",
    "treaty-2024-lowered-chn-dependence": "not checkable",
    "xi-first-visit-2021": "contradicted",
    "double-veto-2022": "supported",
}


@pytest.mark.data
def test_real_claims_verdicts(real_wh, capsys):
    assert main(["claims", "--db", str(real_wh.path), "--format", "json"]) == 0
    got = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    for cid, verdict in EXPECTED.items():
        assert got[cid]["verdict"] == verdict, (cid, got[cid]["evidence"])
    assert "Pyongyang" in got["kim-xi-five-in-china"]["evidence"]
    assert "1995" in got["rus-treaty-lapse-1990s"]["evidence"] and "1996" in got["rus-treaty-lapse-1990s"]["evidence"]
    assert "CHN abstain" in got["res825-no-veto"]["evidence"]


def test_packaged_claims_cite_public_sources_never_internal_files():
    import re

    for c in cl.load_claims():
        text = " ".join([c.get("source", ""), *c.get("references", [])])
        assert c.get("source") and c.get("references"), c["id"]
        assert not re.search(r"DESIGN\.md|\bseed\b|search\.com\.vn|am1\.news|menafn", text, re.IGNORECASE), c["id"]


def test_cite_gives_the_original_of_a_mirror_and_drops_aggregators():
    assert cl.cite("https://www.search.com.vn/wiki/en/Kim%E2%80%93Xi_meetings (mirror of Wikipedia 'Kim–Xi "
                   "meetings')") == "https://en.wikipedia.org/wiki/Kim%E2%80%93Xi_meetings"
    assert cl.cite("https://en.m.wikipedia.org/wiki/X") == "https://en.wikipedia.org/wiki/X"
    assert cl.cite("https://menafn.com/1108040593/Russia-vetoes") is None
    assert cl.cite("Haggard (2026) seed") is None
    assert cl.cite("https://press.un.org/en/2022/sc14911.doc.htm") == "https://press.un.org/en/2022/sc14911.doc.htm"


def test_every_check_declares_the_parameters_its_function_takes():
    """A YAML claim is checked against each check's declared parameters (no signature probing at run time): the
    declaration must match the function's keyword parameters."""
    import inspect

    for name, c in cl.CHECKS.items():
        params = list(inspect.signature(c.fn).parameters.values())[1:]  # after wh
        assert tuple(p.name for p in params if p.default is inspect.Parameter.empty) == c.required, name
        assert tuple(p.name for p in params if p.default is not inspect.Parameter.empty) == c.optional, name


def test_claim_with_unknown_or_missing_parameter_is_a_data_error(tmp_path):
    from alignwatch.errors import DataError

    bad = tmp_path / "claims.yaml"
    bad.write_text("- {id: x, claim: c, check: unga_vote, params: {month: 2022-03, state: PRK, expected: no, "
                   "colour: red}}\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown parameter 'colour'"):
        cl.load_claims(bad)
    bad.write_text("- {id: x, claim: c, check: unga_vote, params: {month: 2022-03, state: PRK}}\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing parameter 'expected'"):
        cl.load_claims(bad)
