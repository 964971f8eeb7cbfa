"""New Year address term rates: counting rules on hand-counted Korean snippets, body extraction, genre, the term
dictionary file, CLI and figure; real-data checks marked ``data``."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from alignwatch.errors import DataError
from alignwatch.measures import addresses as ad

T = ad.load_terms()


def n(text, key):
    return ad.count_category(text, T[key])


def test_dictionary_has_required_categories():
    assert {"usa", "nuclear", "sanctions", "peace", "self_reliance", "socialist_countries", "friendship",
            "south_korea"} <= set(T)
    assert {"미국", "미제"} <= set(T["usa"].terms) and "남조선" in T["south_korea"].terms


@pytest.mark.parametrize("text,key,expected", [
    # 미제(국주의자) 1 + 미국 1; 미군 in 한미군사 counts (ROK-US military)
    ("미제국주의자들과 미국은 한미군사연습을 벌렸다", "usa", 3),
    # 핵전쟁 1, 비핵화 1; 핵심 (core), 근본핵 and 'X를 핵으로 하는' (nucleus) are excluded; 핵으로 위협 counts
    ("핵전쟁과 비핵화, 중공업의 핵심, 수뇌부를 핵으로 하는 단결, 근본 핵은 옹위, 핵으로 위협", "nuclear", 3),
    # 주체108(2019)년 (calendar, also full-width digits) excluded; 주체사상 1, 자주 1, 자립 1, 자주권 1
    ("새해 주체108(2019)년과 주체８８（１９９９）년에 주체사상과 자주, 자립, 자주권을", "self_reliance", 4),
    # spacing optional inside a multi-word term; singular 사회주의나라로 (the DPRK itself) not counted
    ("사회주의 나라들과 사회주의나라들, 사회주의나라인민들, 우리 나라는 사회주의나라로", "socialist_countries", 3),
    ("제재와 봉쇄, 일제재침을 반대", "sanctions", 1),  # 일제재침 = 일제 + 재침 (re-invasion), not sanctions
    ("일본새와 일제히, 일본과 일제", "japan", 2),
    ("남조선과 남녘, 남측", "south_korea", 3),
    ("평화와 평화적통일, 친선", "peace", 2),
    ("", "peace", 0),
])
def test_hand_counted_snippets(text, key, expected):
    assert n(text, key) == expected


def test_no_overlap_within_category_and_longest_first(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text('[categories.x]\nterms = ["사회주의", "사회주의 나라"]\n', encoding="utf-8")
    t = ad.load_terms(p)
    # at one position the longer term wins; a stretch counts once per category
    assert ad.count_category("사회주의나라 사회주의 사회주의 나라", t["x"]) == 3
    p.write_text('[categories.x]\nterms = ["아아"]\n', encoding="utf-8")
    assert ad.count_category("아아아", ad.load_terms(p)["x"]) == 1  # non-overlapping, left to right


def test_categories_counted_independently():
    assert n("반핵평화", "nuclear") == 1 and n("반핵평화", "peace") == 1


def test_nfc_normalisation():
    decomposed = unicodedata.normalize("NFD", "미국과 평화")
    assert decomposed != "미국과 평화"
    assert n(decomposed, "usa") == 1 and ad.hangul_syllables(decomposed) == 5


def test_syllable_denominator_ignores_spaces_digits_punctuation():
    assert ad.hangul_syllables("미국 미국!\u3000 2019년 ABC") == 5


SYNOPSIS = ("신년사 \n\n- 1990년 01월 01일 \n해 제\n\n남한과 미국에 대한 분석이다.\n\n원 문\n\n"
            "친애하는 동지들!\n미제를 반대하자.\n\n『김일성저작집』42권 (평양: 조선로동당출판사, 1995), pp.231~243.\n")
WIRE = ("<北신년사> 공동사설 全文(서울=연합뉴스) = 다음은 노동신문 등 3개 신문의 신년 공동사설의 전문이다.\n\n"
        "『평화를 수호하자.\n\n 모두다 힘차게 싸워나가자』\n(끝)\n<저작권자(c)연합뉴스. 미국 평화> 2007/01/01 송고\n")


def test_address_body_cuts_synopsis_preface_and_citations():
    b = ad.address_body(SYNOPSIS)
    assert "남한" not in b and "분석" not in b and "저작집" not in b
    assert "미제를 반대하자" in b
    w = ad.address_body(WIRE)
    assert w.strip().startswith("『평화를 수호하자")  # Yonhap's 『 opens the text: kept
    assert "연합뉴스" not in w and "미국" not in w
    plain = "친애하는 동지들! 평화"
    assert ad.address_body(plain) == plain


def test_address_rates_hand_computed():
    texts = pd.DataFrame({"year": [1990, 2007, 2019], "text": [SYNOPSIS, WIRE, "원 문\n\n"]})
    r = ad.address_rates(texts).set_index("year")
    # 1990 body: 친애하는 동지들 (7) + 미제를 반대하자 (7) = 14 syllables; 미제 1 -> 1/14 * 10,000
    assert r.loc[1990, "body_syllables"] == 14
    assert r.loc[1990, "usa_n"] == 1 and r.loc[1990, "usa"] == pytest.approx(10_000 / 14)
    assert r.loc[1990, "south_korea_n"] == 0  # 남한 was in the synopsis only
    # 2007 body: 평화를 수호하자 (7) + 모두다 힘차게 싸워나가자 (11) = 18; peace 1
    assert r.loc[2007, "body_syllables"] == 18 and r.loc[2007, "peace"] == pytest.approx(10_000 / 18)
    assert r.loc[2007, "genre"] == "joint editorial"
    assert pd.isna(r.loc[2019, "peace"]) and r.loc[2019, "peace_n"] == 0  # empty body: NA, not 0
    assert r.loc[1990, "genre"] == "address (Kim Il Sung)"


def test_genre():
    assert ad.genre(1966, "새로운 승리 \n노동신문 사설 - 1966년") == "Rodong Sinmun editorial"
    assert ad.genre(1987, "최고인민회의 제8기 제1차회의에서 한 시정연설") == "SPA policy speech"
    assert ad.genre(2000, "") == "joint editorial" and ad.genre(2013, "") == "address (Kim Jong Un)"


def test_bad_dictionary_and_input(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[categories.x\nterms = 1", encoding="utf-8")
    with pytest.raises(DataError, match="TOML"):
        ad.load_terms(p)
    p.write_text('[categories.x]\nterms = []\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        ad.load_terms(p)
    assert e.value.column == "categories.x.terms"
    p.write_text('[categories.x]\nterms = ["a"]\nexclude_regex = ["("]\n', encoding="utf-8")
    with pytest.raises(DataError):
        ad.load_terms(p)
    with pytest.raises(DataError):
        ad.address_rates(pd.DataFrame({"year": [1990, 1990], "text": ["a", "b"]}))
    with pytest.raises(DataError):
        ad.address_rates(pd.DataFrame({"year": [1990]}))


def test_cli_addresses_plot_offline(tiny_wh, capsys, tmp_path):
    from alignwatch.cli import main

    wh = tiny_wh(kcna_new_year=pd.DataFrame({"year": [1990, 2007], "text": [SYNOPSIS, WIRE], "n_chars": [1, 1]}))
    db = str(wh.path)
    wh.close()
    html = tmp_path / "a.html"
    assert main(["addresses", "--db", db, "--plot", str(html), "--format", "csv"]) == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert out.year.tolist() == [1990, 2007] and out.usa.iloc[0] == pytest.approx(10_000 / 14)
    text = html.read_text(encoding="utf-8")
    assert len(text) > 1_000_000 and 'src="https://cdn.plot.ly' not in text  # plotly.js embedded: opens offline
    assert "Park, Park &amp; Jo 2015" in text or "Park, Park & Jo 2015" in text


@pytest.mark.data
def test_real_addresses_1946_2019(real_wh):
    r = ad.address_rates_wh(real_wh)
    assert len(r) == 73 and r.year.min() == 1946 and r.year.max() == 2019 and 1957 not in set(r.year)
    assert (r.body_syllables > 500).all()
    assert (r.south_korea_n >= 0).all()
    # sanctions (제재) appear only from 2007 (the 1967 일제재침 is excluded)
    assert r.loc[r.sanctions_n > 0, "year"].min() == 2007
    # Kim Jong Un 2019: "사회주의나라들사이의 전략적인 의사소통", "사회주의나라들과의 단결과 협조"
    assert int(r.loc[r.year == 2019, "socialist_countries_n"].iloc[0]) == 2
    bodies = real_wh.df("kcna_new_year", ["year", "text"]).text.map(ad.address_body)
    assert not bodies.str.contains("남한").any()  # the South Korean synopses are cut
