"""Speech family: TF-IDF cosine by hand, shared terms, NA when a state gave no speech, ROC vs PRC, caches, the
optional embeddings backend, OCR headers, KCNA salience, CLI and figures."""

from __future__ import annotations

import math
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from alignwatch.cli import main
from alignwatch.errors import UsageError
from alignwatch.measures import families
from alignwatch.measures import speech as sp
from alignwatch.warehouse import CACHE_PREFIX
from alignwatch.report.figure_common import write_html

# 2000: PRK and RUS say the same thing, CHN shares only "peace". 2001: RUS gave no speech; PRK and CHN share no word.
# 1970: the ROC holds the China seat (filed as TWN); 1972: the PRC (CHN).
SPEECHES = pd.DataFrame({
    "year": [2000, 2000, 2000, 2001, 2001, 1970, 1970, 1972, 1972],
    "iso3": ["PRK", "RUS", "CHN", "PRK", "CHN", "TWN", "USA", "CHN", "USA"],
    "text": [
        "Peace and nuclear.", "peace, NUCLEAR", "peace trade",
        "alpha beta", "gamma delta",
        "freedom communism", "freedom communism", "hegemonism people", "hegemonism people",
    ],
})

# Hand computation for 2000 with min_df=2 (default): "trade" is in one speech only and is dropped; "and" is a stop
# word. n = 3 speeches; smooth idf = ln((1 + n) / (1 + df)) + 1: peace (df 3) -> 1, nuclear (df 2) -> ln(4/3) + 1.
IDF_NUCLEAR = math.log(4 / 3) + 1
NORM = math.sqrt(1 + IDF_NUCLEAR**2)
SIM_PRK_CHN_2000 = 1 / NORM  # PRK = (1, idf_n)/norm, CHN = (1, 0): dot = 1/norm = 0.6134


def _row(df, a, b, year):
    r = df[(df.a == a) & (df.b == b) & (df.year == year)]
    assert len(r) == 1, (a, b, year, df)
    return r.iloc[0]


def test_hand_computed_cosine_and_terms():
    out = sp.similarity(SPEECHES)
    assert _row(out, "PRK", "RUS", 2000).similarity == pytest.approx(1.0)
    assert _row(out, "CHN", "PRK", 2000).similarity == pytest.approx(SIM_PRK_CHN_2000, abs=1e-6)
    assert _row(out, "CHN", "RUS", 2000).similarity == pytest.approx(SIM_PRK_CHN_2000, abs=1e-6)
    # top terms by w_a*w_b: nuclear (idf_n^2/norm^2 = 0.62) before peace (1/norm^2 = 0.38)
    assert _row(out, "PRK", "RUS", 2000).shared_terms == "nuclear; peace"
    assert _row(out, "CHN", "PRK", 2000).shared_terms == "peace"
    # percentile among the year's three dyads: 1.0 is the top, the two ties at 0.61 share rank 2 of 3
    assert _row(out, "PRK", "RUS", 2000).similarity_pct == pytest.approx(1.0)
    assert _row(out, "CHN", "PRK", 2000).similarity_pct == pytest.approx(2 / 3)
    assert _row(out, "CHN", "PRK", 2000).year_speeches == 3


def test_no_common_word_is_zero_not_missing():
    out = sp.similarity(SPEECHES)
    r = _row(out, "CHN", "PRK", 2001)  # both spoke, nothing shared (and no term in 2 speeches: empty vocabulary)
    assert r.similarity == 0.0 and r.shared_terms == ""
    out1 = sp.similarity(SPEECHES, min_df=1)  # with every term kept the vectors are orthogonal: still 0
    assert _row(out1, "CHN", "PRK", 2001).similarity == 0.0


def test_min_df_one_keeps_single_speech_terms():
    # with min_df=1 "trade" (df 1, idf ln(4/2)+1) stays in CHN's vector and lowers its cosine with PRK
    out = sp.similarity(SPEECHES, min_df=1)
    idf_trade = math.log(2) + 1
    expected = (1 / NORM) * (1 / math.sqrt(1 + idf_trade**2))
    assert _row(out, "CHN", "PRK", 2000).similarity == pytest.approx(expected, abs=1e-6)


def test_restricting_states_changes_no_number():
    full = sp.similarity(SPEECHES)
    part = sp.similarity(SPEECHES, states=["CHN", "PRK"])
    assert set(zip(part.a, part.b)) == {("CHN", "PRK")}
    m = part.merge(full, on=["a", "b", "year"], suffixes=("", "_full"))
    assert len(m) == len(part)
    assert (m.similarity - m.similarity_full).abs().max() < 1e-12
    assert (m.similarity_pct == m.similarity_pct_full).all() and (m.shared_terms == m.shared_terms_full).all()


def test_corpus_fit_equals_year_fit_for_one_year_only():
    one = SPEECHES[SPEECHES.year == 2000]
    a = sp.similarity(one, fit="year")
    b = sp.similarity(one, fit="corpus")
    assert (a.similarity - b.similarity).abs().max() < 1e-6
    # over several years the corpus IDF differs: "peace" is then not in every speech
    c = sp.similarity(SPEECHES, fit="corpus")
    assert _row(c, "CHN", "PRK", 2000).similarity != pytest.approx(SIM_PRK_CHN_2000, abs=1e-4)


def test_ocr_headers_are_not_shared_terms():
    hdr = "\n302 General Assembly - Forty-eighth session\nForty-eighth session - 4 October l993\nA/48/PV.13\n"
    df = pd.DataFrame({"year": [1993] * 3, "iso3": ["PRK", "CHN", "USA"],
                       "text": ["(spoke in French)" + hdr + "sovereignty", hdr + "sovereignty", "growth"]})
    assert "Forty" not in sp.clean_text(df.text).iloc[0] and "spoke" not in sp.clean_text(df.text).iloc[0]
    out = sp.similarity(df, min_df=1)
    assert _row(out, "CHN", "PRK", 1993).shared_terms == "sovereignty"
    assert _row(out, "CHN", "PRK", 1993).similarity == pytest.approx(1.0)


def _sklearn_tfidf(texts, min_df):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(stop_words="english", token_pattern=sp.TOKEN_PATTERN, min_df=min_df, sublinear_tf=True,
                          dtype=np.float32)
    try:
        return vec.fit_transform(texts), vec.get_feature_names_out()
    except ValueError:  # empty vocabulary, or none left after min_df
        return None


def _same_matrix(got, want) -> bool:
    """Bit for bit, in storage order (the row norms are summed in that order)."""
    if got is None or want is None:
        return got is None and want is None
    (X, vx), (Y, vy) = got, want
    return (X.shape == Y.shape and list(vx) == list(vy) and np.array_equal(X.indptr, Y.indptr)
            and np.array_equal(X.indices, Y.indices) and np.array_equal(X.data, Y.data) and X.dtype == Y.dtype)


TRICKY = [
    "The Republic of Korea, the DPRK and the USSR in 1953: peace_keeping forces; A/70/PV.13 co-operation Peace",
    "Côte d'Ivoire, São Tomé, ÉTATS-UNIS et l'Organisation; Россия и Китай; 中华人民共和国 and ΕΛΛΑΔΑ peace",
    "abc² x² Ⅻabc ⅫⅫⅫ abc1 1abc abc_ _abc ab a nuclear-weapon-free zone’s state’s Member States\n\tend peace",
    "İstanbul ß STRASSE ǅemal ﬁnance a\u0301b\u0301c combining\u0301marks ŉ \x01ctrl\x01 côte1’abc état_’zone",
    "", "12 345 ... !!", "the and of", "zone peace Peace PEACE Zone states",
]


def test_term_counts_are_sklearns_bit_for_bit():
    """The Arrow tokeniser gives sklearn's TfidfVectorizer numbers exactly: digits, underscores, accents,
    non-Latin letters, non-decimal numerals, curly apostrophes, combining marks, control characters, stop words,
    1-2 letter debris, min_df pruning, and texts with no term at all."""
    from alignwatch.measures import speech_terms

    for min_df in (1, 2, 3):
        assert _same_matrix(speech_terms.tfidf(TRICKY, min_df), _sklearn_tfidf(TRICKY, min_df))
        for i in range(len(TRICKY)):
            docs = TRICKY[i:] + TRICKY[:i]  # first appearance decides the storage order
            assert _same_matrix(speech_terms.tfidf(docs, min_df), _sklearn_tfidf(docs, min_df))
    for docs in (["", "12"], ["the", "and"], ["a b c"]):
        assert speech_terms.tfidf(docs, 1) is None and _sklearn_tfidf(docs, 1) is None
    assert speech_terms.tfidf(["peace zone", "war"], 2) is None and _sklearn_tfidf(["peace zone", "war"], 2) is None


def test_duplicate_speech_is_a_data_error():
    from alignwatch.errors import DataError

    with pytest.raises(DataError, match="one speech per country-year"):
        sp.similarity(pd.concat([SPEECHES, SPEECHES.iloc[:1]]))


@pytest.mark.parametrize("kw", [dict(backend="bert"), dict(fit="decade"), dict(top_terms=-1), dict(min_df=0)])
def test_bad_arguments(kw):
    with pytest.raises(UsageError):
        sp.similarity(SPEECHES, **kw)


# ---------------------------------------------------------------------------------------------- warehouse


def test_dyad_years_na_when_no_speech_and_roc_vs_prc(tiny_wh):
    wh = tiny_wh(ungdc_speeches=SPEECHES)
    out = sp.dyad_years(wh, ["PRK", "RUS", "CHN", "TWN", "USA"], (1970, 2001))
    assert len(out) == 10 * 32  # every pair, every year asked
    assert pd.isna(_row(out, "PRK", "RUS", 2001).similarity)  # RUS gave no speech in 2001: NA, not 0
    assert pd.isna(_row(out, "PRK", "RUS", 2001).score)
    assert _row(out, "CHN", "PRK", 2001).similarity == 0.0  # both spoke: a real zero
    assert pd.isna(_row(out, "PRK", "RUS", 1985).similarity)
    assert _row(out, "PRK", "RUS", 2000).score == pytest.approx(1.0)
    # the ROC's 1970 speech is TWN's: CHN has none before 1972, TWN none after; TWN-CHN never has a value
    assert _row(out, "TWN", "USA", 1970).similarity == pytest.approx(1.0)
    assert pd.isna(_row(out, "CHN", "USA", 1970).similarity)
    assert _row(out, "CHN", "USA", 1972).similarity == pytest.approx(1.0)
    assert pd.isna(_row(out, "TWN", "USA", 1972).similarity)
    assert out[(out.a == "CHN") & (out.b == "TWN")].similarity.isna().all()
    assert out.year.dtype == "int64" and (out.a < out.b).all()
    assert out.source.str.startswith("ungdc_speeches").all()


def test_dyad_years_caches_and_reads_back(tiny_wh):
    wh = tiny_wh(ungdc_speeches=SPEECHES)
    first = sp.dyad_years(wh, ["PRK", "CHN", "RUS"])
    wkey, pkey = sp.cache_keys()
    assert wh.has(CACHE_PREFIX + wkey) and wh.has(CACHE_PREFIX + pkey)
    again = sp.dyad_years(wh, ["PRK", "CHN", "RUS"])
    pd.testing.assert_frame_equal(first, again)
    assert _row(again, "PRK", "RUS", 2000).shared_terms == "nuclear; peace"
    assert first.year.min() == 1970 and first.year.max() == 2001  # default years: the corpus's span
    # the key changes with every parameter that changes numbers
    assert sp.cache_keys(fit="corpus")[0] != wkey and sp.cache_keys(min_df=1)[1] != pkey
    assert sp.cache_keys(backend="embeddings", model="m1")[1] != sp.cache_keys(backend="embeddings", model="m2")[1]


def test_dyad_years_without_a_writable_warehouse(tiny_wh):
    wh = tiny_wh(ungdc_speeches=SPEECHES)
    blocker = duckdb.connect(str(wh.path), read_only=True)  # a second configuration: the cache cannot be written
    try:
        out = sp.dyad_years(wh, ["PRK", "RUS"], (2000, 2001))
    finally:
        blocker.close()
    assert _row(out, "PRK", "RUS", 2000).shared_terms == "nuclear; peace"
    assert pd.isna(_row(out, "PRK", "RUS", 2001).similarity)
    assert not [t for t in wh.tables() if t.startswith(CACHE_PREFIX)]
    assert sp._MEMO  # kept in memory for the next call of this process
    sp._MEMO.clear()


def test_all_dyads_panel(tiny_wh):
    wh = tiny_wh(ungdc_speeches=SPEECHES)
    out = sp.dyad_years(wh)
    assert len(out) == 3 + 1 + 1 + 1  # only pairs that both spoke: 2000 (3), 2001 (1), 1970 (1), 1972 (1)
    assert out.similarity.notna().all() and out.shared_terms.isna().all()  # terms only for requested states
    assert len(sp.dyad_years(wh, years=(2000, 2000))) == 3


def test_dyad_years_bad_arguments(tiny_wh):
    wh = tiny_wh(ungdc_speeches=SPEECHES)
    with pytest.raises(UsageError):
        sp.dyad_years(wh, ["PRK", "North Korea!"])
    with pytest.raises(UsageError, match="reversed"):
        sp.dyad_years(wh, ["PRK", "CHN"], (2001, 2000))


def test_registered():
    fam = families()["speech"]
    assert fam.domain == "political" and fam.columns[:2] == ("similarity", "shared_terms")


# --------------------------------------------------------------------------------------------- embeddings


def test_embeddings_backend_is_optional(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails as if not installed
    with pytest.raises(UsageError) as e:
        sp.similarity(SPEECHES, backend="embeddings")
    assert "pip install alignwatch[embeddings]" in e.value.hint


def test_embeddings_missing_fails_before_building_caches(tiny_wh, monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    wh = tiny_wh(ungdc_speeches=SPEECHES)
    with pytest.raises(UsageError, match="sentence-transformers"):
        sp.dyad_years(wh, ["PRK", "CHN"], backend="embeddings")
    assert not [t for t in wh.tables() if t.startswith(CACHE_PREFIX)]


class _FakeEncoder:
    """One-hot on the first letter of a passage: 'p' -> [1, 0], anything else -> [0, 1]."""

    def encode(self, texts, **kw):
        return [[1.0, 0.0] if t.lower().startswith("p") else [0.0, 1.0] for t in texts]


def test_embeddings_backend_with_an_encoder():
    out = sp.similarity(SPEECHES[SPEECHES.year == 2000], backend="embeddings", encoder=_FakeEncoder())
    assert _row(out, "PRK", "RUS", 2000).similarity == pytest.approx(1.0)
    assert _row(out, "CHN", "PRK", 2000).similarity == pytest.approx(1.0)  # 'peace trade' starts with p too
    assert _row(out, "PRK", "RUS", 2000).shared_terms == "nuclear; peace"  # terms still from TF-IDF


def test_embeddings_backend_through_the_warehouse(tiny_wh, monkeypatch):
    import types

    monkeypatch.setitem(sys.modules, "sentence_transformers", types.ModuleType("sentence_transformers"))
    monkeypatch.setattr(sp, "load_encoder", lambda model=sp.DEFAULT_MODEL: _FakeEncoder())
    wh = tiny_wh(ungdc_speeches=SPEECHES)
    out = sp.dyad_years(wh, ["PRK", "CHN", "RUS"], (2000, 2001), backend="embeddings")
    assert _row(out, "CHN", "PRK", 2000).similarity == pytest.approx(1.0)  # TF-IDF would say 0.61
    assert _row(out, "CHN", "PRK", 2001).similarity == pytest.approx(1.0)  # both map to [0, 1]; TF-IDF says 0
    assert pd.isna(_row(out, "PRK", "RUS", 2001).similarity)
    assert out.source.str.contains("embedding").all()
    assert wh.has(CACHE_PREFIX + sp.cache_keys(backend="embeddings")[1])


def test_passages_cover_the_whole_text():
    words = " ".join(f"w{i}" for i in range(450))
    parts = sp._passages(words)
    assert [len(p.split()) for p in parts] == [200, 200, 50]


# -------------------------------------------------------------------------------------------------- KCNA

HEADLINES = pd.DataFrame({
    "date": pd.to_datetime(["2000-01-01", "2000-02-01", "2000-03-01", "2000-03-02", "2000-04-01", "2000-04-01",
                            "2001-05-01", "2001-06-01", "2001-07-01", "2001-07-02"]).date,
    "title": ["Chinese delegation arrives", "Sino-DPRK friendship", "Indochina peninsula",
              "Belarussian President greeted", "Russian ambassador hosts reception",
              "Russian ambassador hosts reception",  # same day, same title: counted once
              "China and Russia sign pact", "Soviet war memorial", "KCNA on Japan", "China y Rusia firman"],
    "english": [True] * 9 + [False],
    "english_prob": [0.99] * 9 + [0.1],
    "story_link": [f"s{i}" for i in range(10)],
    "index_link": [f"i{i}" for i in range(10)],
})


def test_kcna_salience_counts_rates_and_boundaries(tiny_wh):
    wh = tiny_wh(kcna_headlines=HEADLINES)
    out = sp.kcna_salience(wh).set_index("year")
    assert out.loc[2000, ["n_headlines", "n_china", "n_russia", "n_both"]].tolist() == [5, 2, 1, 0]
    assert out.loc[2001, ["n_headlines", "n_china", "n_russia", "n_both"]].tolist() == [3, 1, 2, 1]
    assert out.loc[2000, "rate_china"] == pytest.approx(2 / 5)
    assert out.loc[2001, "rate_russia"] == pytest.approx(2 / 3)
    assert str(out.loc[2001, "last_date"]) == "2001-07-01"  # the Spanish headline is not counted
    assert (out.source == "kcna_headlines").all()
    assert list(sp.kcna_salience(wh, (2001, 2001)).year) == [2001]


# ---------------------------------------------------------------------------------------------- CLI, figure


def test_cli_speech_and_kcna(tiny_wh, capsys, tmp_path):
    wh = tiny_wh(ungdc_speeches=SPEECHES, kcna_headlines=HEADLINES)
    wh.close()
    assert main(["speech", "PRK", "RUS", "--db", str(wh.path), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "year,similarity,pct,shared_terms"
    year, sim, pct, terms = lines[1].split(",")
    assert (year, terms) == ("2000", "nuclear; peace") and float(sim) == pytest.approx(1.0) and float(pct) == 1.0
    assert lines[2] == "2001,,,"  # RUS gave no speech
    html = tmp_path / "kcna.html"
    assert main(["kcna-salience", "--db", str(wh.path), "--plot", str(html), "--format", "json"]) == 0
    text = html.read_text()
    assert "Marquez" in text and "plotly" in text and '<script src="http' not in text  # cited, offline
    assert main(["speech", "PRK", "--db", str(wh.path)]) == 2  # one state: usage error


def test_speech_figure_cites_source(tiny_wh, tmp_path):
    from alignwatch.report import figures_text as ft

    wh = tiny_wh(ungdc_speeches=SPEECHES)
    fig = ft.speech_similarity(wh, [("PRK", "RUS"), "CHN-PRK"])
    assert [t.name for t in fig.data] and len(fig.data) == 2
    assert any("Baturo" in a.text for a in fig.layout.annotations)
    path = write_html(fig, tmp_path / "s.html")
    assert path.stat().st_size > 1_000_000  # plotly.js embedded
    with pytest.raises(UsageError):
        write_html(fig, tmp_path / "s.png")


# ------------------------------------------------------------------------------------------------ real data


@pytest.mark.data
def test_real_speeches_few_states(real_wh):
    n2024 = real_wh.query("SELECT count(*) AS n FROM ungdc_speeches WHERE year = 2024").n.iloc[0]
    assert n2024 == 191  # MANIFEST sanity figure
    speeches = real_wh.query("SELECT year, iso3, text FROM ungdc_speeches WHERE year IN (1969, 1971, 1972, 2018)")
    out = sp.similarity(speeches, states=["PRK", "CHN", "RUS", "USA", "TWN"])
    assert out.similarity.between(0, 1).all()
    r = _row(out, "CHN", "PRK", 2018)
    assert 0.05 < r.similarity < 0.6 and "peninsula" in r.shared_terms
    assert r.year_speeches == (speeches.year == 2018).sum()
    # ROC vs PRC: the ROC (TWN) speaks in 1969 and 1971 (there is no China-seat speech in 1970), the PRC (CHN)
    # from 1972; never both in one year
    def speakers(y):
        return set(out[out.year == y].a) | set(out[out.year == y].b)

    assert "TWN" in speakers(1969) and "TWN" in speakers(1971) and "CHN" in speakers(1972)
    assert "CHN" not in speakers(1969) | speakers(1971) and "TWN" not in speakers(1972)
    assert not ((out.a == "CHN") & (out.b == "TWN")).any()
    assert not (((out.a == "PRK") | (out.b == "PRK")) & (out.year < 1991)).any()


@pytest.mark.data
def test_real_kcna_salience(real_wh):
    out = sp.kcna_salience(real_wh)
    assert out.year.min() == 1997 and out.year.max() == 2014 and len(out) == 18
    n_english = real_wh.query("SELECT count(*) AS n FROM kcna_headlines WHERE english").n.iloc[0]
    assert n_english == 99_841  # MANIFEST sanity figure
    distinct = real_wh.query(
        "SELECT count(*) AS n FROM (SELECT DISTINCT date, title FROM kcna_headlines WHERE english)").n.iloc[0]
    assert out.n_headlines.sum() == distinct
    assert str(out.set_index("year").loc[2014, "last_date"]) == "2014-09-25"
    assert (out.n_china > 0).all() and (out.n_russia > 0).all()


def test_term_counts_are_sklearns_on_real_speeches(real_wh):
    """Three real debates (the China seat's change, the 1990s OCR, a recent year with curly quotes and dashes):
    the Arrow tokeniser's TF-IDF is sklearn's, bit for bit."""
    from alignwatch.measures import speech_terms

    df = sp._prepare(real_wh.query("SELECT year, iso3, text FROM ungdc_speeches "
                                   "WHERE iso3 IS NOT NULL AND year IN (1971, 1995, 2022)"))
    assert set(df["year"]) == {1971, 1995, 2022}
    for _, g in df.groupby("year"):
        texts = g["text"].tolist()
        assert _same_matrix(speech_terms.tfidf(texts, 2), _sklearn_tfidf(texts, 2))
