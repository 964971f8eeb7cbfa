"""Connectors: bad input fails with one DataError naming file, row/column and what was expected; the real mirror
loads with the manifest's sanity figures.

Fixtures are tiny tables written by the tests themselves (tmp_path); no shared data file is copied.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alignwatch.errors import DataError
from alignwatch.sources import base, registry

REG = registry()

TABLES = {
    "unga_idealpoints_voeten", "unga_votes_2025", "ungdc_speeches", "ungdc_speakers", "unsc_vetoes",
    "unsc_meetings_1946_2019", "unsc_meetings_2000_2019", "unsc_failed_drafts", "unsc_failed_drafts_votes",
    "unsc_member_votes", "ps_cow_trade_ndy", "ps_atop_alliance", "ps_cow_alliance", "ps_cow_ddy", "ps_gw_ddy",
    "ps_cow_states", "ps_gw_states", "ps_cow_nmc", "ps_cow_igo_ndy", "ps_cow_igo_sy", "ps_cow_majors",
    "ps_ccode_democracy", "ps_cow_capitals", "ps_cow_contdir", "ps_archigos", "ps_lead", "ps_cow_trade_sy",
    "ev_chinavitae", "ev_aiddata_finance", "ev_aiddata_pd", "ev_aiddata_pd_projects", "ev_aei_investment",
    "ev_icews", "ev_gdelt_daily", "kcna_headlines", "kcna_stories_2011", "kcna_stories_2012", "kcna_new_year",
    "chr_summits", "chr_treaties", "chr_unsc_dprk", "chr_dprk_tests", "chr_trade_prk", "chr_unga_ukraine",
    "chr_proposals",
}


# ----------------------------------------------------------------------------------------------- helpers


def write_parquet(path: Path, data: dict) -> Path:
    pq.write_table(pa.table(data), path)
    return path


def trade_table(**over) -> dict:
    """A valid ps_cow_trade_ndy-shaped table: CHN-PRK and USA-CHN, 2013-2014."""
    data = {
        "ccode1": pa.array([710, 710, 2, 2], pa.int32()),
        "ccode2": pa.array([731, 731, 710, 710], pa.int32()),
        "year": pa.array([2013, 2014, 2013, 2014], pa.int32()),
        "flow1": [2912.0, 2845.0, 440000.0, 468000.0],
        "flow2": [3633.0, 3883.0, 122000.0, 124000.0],
        "smoothflow1": [2912.0, 2845.0, 440000.0, 468000.0],
        "smoothflow2": [3633.0, 3883.0, 122000.0, 124000.0],
    }
    data.update(over)
    return data


PROPOSALS_HEADER = ("date,end_date,title,kind,proposers,pos_PRK,pos_CHN,pos_RUS,pos_USA,pos_KOR,pos_JPN,content,"
                    "outcome,source,confidence")
PROPOSALS_ROWS = [
    '2017-07-04,,Joint roadmap,roadmap,CHN;RUS,mixed,proposer,proposer,rejected,opposed,unknown,"Freeze, then talk.",'
    'Ignored,https://example.org/a,high',
    "2018-10-09,,Moscow press release,joint_statement,CHN;PRK;RUS,proposer,proposer,proposer,unknown,unknown,"
    "unknown,Phased steps,Issued,https://example.org/b,medium",
]


def proposals_csv(path: Path, rows: list[str] | None = None) -> Path:
    path.write_text("\n".join([PROPOSALS_HEADER, *(PROPOSALS_ROWS if rows is None else rows)]) + "\n",
                    encoding="utf-8")
    return path


def one_error(ds, path) -> DataError:
    with pytest.raises(DataError) as info:
        base.load(ds, path=path)
    return info.value


# ------------------------------------------------------------------------------------------ the registry


def test_registry_has_every_table_with_real_urls():
    assert TABLES <= set(REG)
    for name in TABLES:
        ds = REG[name]
        assert ds.citation and ds.columns, name
        if name.startswith("chr_"):
            assert ds.url is None and "mirror only" in ds.note, name
            assert ds.path.endswith(".csv")
        else:
            assert ds.url.startswith(("https://", "http://")), name  # the publisher's page
            assert ds.downloads and all(d.url.startswith(("https://", "http://")) for d in ds.downloads), name
        for cc in ds.countries:
            assert cc.column in ds.columns, (name, cc.column)
        assert ds.coverage is None or ds.coverage in ds.columns or ds.transform is not None, name


def test_valid_fixture_loads_with_iso3_columns(tmp_path):
    tbl = base.load(REG["ps_cow_trade_ndy"], path=write_parquet(tmp_path / "t.parquet", trade_table()))
    df = tbl.to_pandas()
    assert list(df["iso3_1"]) == ["CHN", "CHN", "USA", "USA"]
    assert list(df["iso3_2"]) == ["PRK", "PRK", "CHN", "CHN"]


# ---------------------------------------------------------------------------------------- bad input files


def test_truncated_parquet(tmp_path):
    good = write_parquet(tmp_path / "good.parquet", trade_table())
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    err = one_error(REG["ps_cow_trade_ndy"], bad)
    assert str(bad) in str(err) and "Parquet" in str(err)


def test_corrupt_parquet(tmp_path):
    bad = tmp_path / "noise.parquet"
    bad.write_bytes(b"PAR1 this is not a parquet file at all PAR1")
    err = one_error(REG["ps_cow_trade_ndy"], bad)
    assert str(bad) in str(err) and "truncated or corrupt" in str(err)


def test_missing_column(tmp_path):
    data = trade_table()
    del data["flow2"]
    err = one_error(REG["ps_cow_trade_ndy"], write_parquet(tmp_path / "t.parquet", data))
    assert err.column == "flow2" and "required column missing" in str(err) and "t.parquet" in str(err)


def test_wrong_dtype(tmp_path):
    data = trade_table(year=["2013", "2014", "2013", "2014"])
    err = one_error(REG["ps_cow_trade_ndy"], write_parquet(tmp_path / "t.parquet", data))
    assert err.column == "year" and "expected int" in str(err)


def test_duplicate_key(tmp_path):
    data = trade_table(year=pa.array([2013, 2014, 2013, 2013], pa.int32()))
    err = one_error(REG["ps_cow_trade_ndy"], write_parquet(tmp_path / "t.parquet", data))
    assert err.row == 3 and "duplicate key" in str(err) and "ccode1=2" in str(err)


def test_unknown_country_code(tmp_path):
    data = trade_table(ccode2=pa.array([731, 731, 710, 999], pa.int32()))
    err = one_error(REG["ps_cow_trade_ndy"], write_parquet(tmp_path / "t.parquet", data))
    assert err.row == 3 and err.column == "ccode2" and "999" in str(err) and "scheme cow" in str(err)


def test_value_out_of_range(tmp_path):
    data = trade_table(flow1=[2912.0, -9.0, 1.0, 1.0])
    err = one_error(REG["ps_cow_trade_ndy"], write_parquet(tmp_path / "t.parquet", data))
    assert err.row == 1 and err.column == "flow1" and "out of range" in str(err)


def test_invalid_utf8_in_csv_names_the_line(tmp_path):
    path = proposals_csv(tmp_path / "proposals.csv")
    raw = path.read_bytes().replace(b"Moscow", b"Mos\xffcow")
    path.write_bytes(raw)
    err = one_error(REG["chr_proposals"], path)
    assert err.row == 3 and "UTF-8" in str(err) and "proposals.csv" in str(err)


def test_empty_file(tmp_path):
    path = tmp_path / "proposals.csv"
    path.write_bytes(b"")
    err = one_error(REG["chr_proposals"], path)
    assert "empty" in str(err) and "pos_PRK" in str(err)


def test_header_only_csv_has_no_rows(tmp_path):
    err = one_error(REG["chr_proposals"], proposals_csv(tmp_path / "p.csv", rows=[]))
    assert "no rows" in str(err)


def test_path_that_does_not_exist(tmp_path):
    missing = tmp_path / "nope" / "cow_trade_ndy.parquet"
    err = one_error(REG["ps_cow_trade_ndy"], missing)
    assert str(missing) in str(err) and "does not exist" in str(err)


# ----------------------------------------------------------------------------- proposals-shaped CSV rows


def test_proposals_fixture_loads(tmp_path):
    tbl = base.load(REG["chr_proposals"], path=proposals_csv(tmp_path / "p.csv"))
    df = tbl.to_pandas()
    assert len(df) == 2 and df["date"].iloc[0] == dt.date(2017, 7, 4)
    assert df["end_date"].isna().all() and df["content"].iloc[0] == "Freeze, then talk."


def test_proposals_unknown_position(tmp_path):
    rows = [PROPOSALS_ROWS[0], PROPOSALS_ROWS[1].replace("proposer,proposer,proposer,", "proposer,approved,proposer,")]
    err = one_error(REG["chr_proposals"], proposals_csv(tmp_path / "p.csv", rows))
    assert err.row == 3 and err.column == "pos_CHN" and "'approved'" in str(err) and "endorsed" in str(err)


def test_proposals_unknown_state_code(tmp_path):
    rows = [PROPOSALS_ROWS[0].replace("CHN;RUS", "CHN;XYZ"), PROPOSALS_ROWS[1]]
    err = one_error(REG["chr_proposals"], proposals_csv(tmp_path / "p.csv", rows))
    assert err.row == 2 and err.column == "proposers" and "'XYZ'" in str(err)


def test_proposals_malformed_date(tmp_path):
    rows = [PROPOSALS_ROWS[0], PROPOSALS_ROWS[1].replace("2018-10-09", "2018-13-09")]
    err = one_error(REG["chr_proposals"], proposals_csv(tmp_path / "p.csv", rows))
    assert err.row == 3 and err.column == "date" and "valid date" in str(err)


def test_chronology_confidence_vocabulary(tmp_path):
    rows = [PROPOSALS_ROWS[0].replace(",high", ",certain")]
    err = one_error(REG["chr_proposals"], proposals_csv(tmp_path / "p.csv", rows))
    assert err.row == 2 and err.column == "confidence"


# -------------------------------------------------------------------------------------------- transforms


def votes_2025_table(**over) -> dict:
    n = 3
    data = {
        "Link": [f"https://digitallibrary.un.org/record/{i}" for i in range(n)],
        "token": [1, 2, 3], "Scrape_Year": [2025] * n,
        "Title": ["Ukraine", "DPRK human rights", "Sanctions"],
        "Council": ["General Assembly", "General Assembly", "Security Council"],
        "Resolution": ["A/RES/ES-11/7", "A/RES/80/1", "S/RES/2768(2025)"],
        "country": ["Ukraine", None, None], "subregion": [None] * n, "continent": [None] * n,
        "Date": pa.array([dt.datetime(2025, 2, 24), dt.datetime(2025, 12, 1), dt.datetime(2025, 5, 1)],
                         pa.timestamp("ms")),
        "YES COUNT": [93, 100, 13], "NO COUNT": [18, 10, 0], "ABSTAIN COUNT": [65, 50, 2],
        "NO-VOTE COUNT": [17, 33, 0], "TOTAL VOTES": [193, 193, 15], "tags": [None] * n,
        "CHN": ["ABSTAIN", "NO", "ABSTAIN"], "PRK": ["NO", None, None], "USA": ["NO", "YES", "YES"],
    }
    data.update(over)
    return data


def test_unga_votes_2025_wide_to_long(tmp_path):
    tbl = base.load(REG["unga_votes_2025"], path=write_parquet(tmp_path / "w.parquet", votes_2025_table()))
    df = tbl.to_pandas()
    assert len(df) == 9
    assert {"resolution", "date", "council", "title", "link", "iso3", "vote", "yes_count", "no_count",
            "abstain_count", "novote_count"} <= set(df.columns)
    es117 = df[df.resolution == "A/RES/ES-11/7"].set_index("iso3")["vote"]
    assert es117.to_dict() == {"CHN": "abstain", "PRK": "no", "USA": "no"}
    assert df.loc[(df.resolution == "A/RES/80/1") & (df.iso3 == "PRK"), "vote"].isna().all()
    assert set(df.loc[df.resolution == "A/RES/ES-11/7", "yes_count"]) == {93}


def test_unga_votes_2025_unknown_vote(tmp_path):
    data = votes_2025_table(PRK=["NO", "MAYBE", None])
    err = one_error(REG["unga_votes_2025"], write_parquet(tmp_path / "w.parquet", data))
    assert err.row == 1 and err.column == "PRK" and "MAYBE" in str(err)


def test_unga_votes_2025_unknown_member_column(tmp_path):
    data = votes_2025_table(XYZ=["YES", "YES", None])
    err = one_error(REG["unga_votes_2025"], write_parquet(tmp_path / "w.parquet", data))
    assert err.column == "XYZ" and "ISO3" in str(err)


def test_ungdc_roc_speeches_are_twn(tmp_path):
    # the 1971 debate preceded the seat change of 1971-10-25: its China speech is still the ROC's
    data = {"year": [1950, 1971, 1972, 1991], "session": [5, 26, 27, 46], "iso3": ["CHN", "CHN", "CHN", "PRK"],
            "text": ["a", "b", "c", "d"], "n_chars": [1, 1, 1, 1],
            "source_file": ["CHN_05_1950.txt", "CHN_26_1971.txt", "CHN_27_1972.txt", "PRK_46_1991.txt"]}
    df = base.load(REG["ungdc_speeches"], path=write_parquet(tmp_path / "u.parquet", data)).to_pandas()
    assert list(df["iso3"]) == ["TWN", "TWN", "CHN", "PRK"]
    assert list(df["iso3_source"]) == ["CHN", "CHN", "CHN", "PRK"]


def failed_drafts_table(**over) -> dict:
    data = {
        "Meeting Number": [340, 9180], "Voting On": ["S/1000", "S/2022/821"], "Year": [1948, 2022],
        "Submitted By": ["['Syria']", "['Russian Federation']"],
        "In Favor": ["['China', 'France']", "['China', 'Russian Federation']"],
        "Abstain": ["[]", "['India']"], "Against": ["['Ukraine']", "['France', 'United States']"],
        "For,Abstain,Against": ["(2, 0, 1)", "(2, 1, 2)"],
    }
    data.update(over)
    return data


def test_failed_drafts_long(tmp_path):
    path = write_parquet(tmp_path / "f.parquet", failed_drafts_table())
    wide = base.load(REG["unsc_failed_drafts"], path=path)
    assert wide.num_rows == 2
    df = base.load(REG["unsc_failed_drafts_votes"], path=path).to_pandas()
    assert len(df) == 8
    first = df[df.draft == "S/1000"].set_index("member")
    assert first.loc["China", "iso3"] == "TWN" and first.loc["China", "vote"] == "yes"  # the ROC seat in 1948
    assert first.loc["Ukraine", "vote"] == "no"
    last = df[df.draft == "S/2022/821"]
    assert sorted(last["vote"]) == ["abstain", "no", "no", "yes", "yes"]
    assert set(last.loc[last.vote == "yes", "iso3"]) == {"CHN", "RUS"}


def test_failed_drafts_malformed_list(tmp_path):
    data = failed_drafts_table(Against=["['Ukraine']", "['France', 'United States'"])
    err = one_error(REG["unsc_failed_drafts_votes"], write_parquet(tmp_path / "f.parquet", data))
    assert err.row == 1 and err.column == "Against" and "list of member names" in str(err)


def test_failed_drafts_unknown_member(tmp_path):
    data = failed_drafts_table(Abstain=["[]", "['Atlantis']"])
    err = one_error(REG["unsc_failed_drafts_votes"], write_parquet(tmp_path / "f.parquet", data))
    assert err.row == 1 and err.column == "Abstain" and "Atlantis" in str(err)


def test_member_votes_renamed(tmp_path):
    ts = pa.array([dt.datetime(2022, 5, 26)] * 2, pa.timestamp("ms"))
    data = {"Year": pa.array([2022, 2022], pa.int16()), "date_raw": ts, "Resolution": [None, None],
            "Meeting": ["S/PV.9048"] * 2, "Draft": ["S/2022/431"] * 2, "Agenda item": ["Non-proliferation"] * 2,
            "Category": ["Thematic"] * 2, "Region": [None, None], "Submitted by": ["United States"] * 2,
            "Outcome results": ["Not adopted - veto"] * 2, "Vote": ["No", "Yes"],
            "Member State": ["China", "France"], "ID": pa.array([1900, 1900], pa.int32()),
            "Membership_Status": ["Current Members"] * 2, "Topic": ["DPRK"] * 2, "date": ts,
            "date_swapped": [False, False]}
    df = base.load(REG["unsc_member_votes"], path=write_parquet(tmp_path / "m.parquet", data)).to_pandas()
    assert {"year", "date_raw", "resolution", "meeting", "draft", "agenda_item", "category", "region",
            "submitted_by", "outcome", "vote", "member_state", "draft_id", "membership_status", "topic", "date",
            "date_swapped", "iso3"} == set(df.columns)
    assert list(df["vote"]) == ["no", "yes"] and list(df["iso3"]) == ["CHN", "FRA"]


# -------------------------------------------------------------------------------------- the real mirror


LOAD_SECONDS: dict[str, float] = {}


@pytest.fixture(scope="module")
def loaded(data_dir):
    out, times = {}, {}
    start = time.perf_counter()
    for name, ds in REG.items():
        t = time.perf_counter()
        out[name] = base.load(ds)
        times[name] = time.perf_counter() - t
    total = LOAD_SECONDS["total"] = time.perf_counter() - start
    print(f"\nloaded {len(out)} datasets in {total:.1f}s; slowest: "
          + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(times.items(), key=lambda kv: -kv[1])[:5]))
    return out


def _df(loaded, name, columns=None):
    return loaded[name].select(columns).to_pandas() if columns else loaded[name].to_pandas()


@pytest.mark.data
def test_mirror_every_dataset_loads_without_dropping_rows(loaded, data_dir):
    assert TABLES <= set(loaded)
    reshaped = {n for n, ds in REG.items() if ds.transform is not None and n in {"unga_votes_2025",
                                                                               "unsc_failed_drafts_votes"}}
    for name, ds in REG.items():
        if name in reshaped:
            continue
        p = data_dir / ds.path
        n = pq.ParquetFile(p).metadata.num_rows if p.suffix == ".parquet" else len(pd.read_csv(p, dtype=str))
        assert loaded[name].num_rows == n, name
        assert base.coverage_years(loaded[name], ds) != (None, None) or ds.coverage is None, name


@pytest.mark.data
def test_mirror_sanity_unga(loaded):
    votes = _df(loaded, "unga_votes", ["country_code"])
    assert len(votes) == 870_109
    assert (votes.country_code == "KP").sum() == 2_105 and (votes.country_code == "CN").sum() == 4_532
    assert loaded["unga_votes_raw"].num_rows == 1_066_613
    rc = _df(loaded, "unga_roll_calls", ["session"])
    assert len(rc) == 6_203 and (rc.session == 49).sum() == 68


@pytest.mark.data
def test_mirror_sanity_unga_2025(loaded):
    df = _df(loaded, "unga_votes_2025")
    ga = df[(df.council == "General Assembly") & (df.iso3 == "PRK")]
    assert ga.resolution.nunique() == 192 and len(ga) == 192
    counts = ga.vote.value_counts(dropna=False)
    assert counts["yes"] == 142 and counts["no"] == 21 and counts["abstain"] == 18 and ga.vote.isna().sum() == 11
    es117 = df[df.resolution == "A/RES/ES-11/7"].set_index("iso3")["vote"]
    assert (es117["PRK"], es117["RUS"], es117["USA"], es117["CHN"]) == ("no", "no", "no", "abstain")
    ip = _df(loaded, "unga_idealpoints_voeten", ["iso3", "year", "idealpointfp"])
    prk = ip[(ip.iso3 == "PRK") & (ip.year == 2024)].idealpointfp
    assert prk.tolist() == pytest.approx([-0.794], abs=5e-4)


@pytest.mark.data
def test_mirror_sanity_ungdc(loaded):
    df = _df(loaded, "ungdc_speeches", ["year", "iso3", "iso3_source"])
    assert len(df) == 10_938 and (df.iso3 == "PRK").sum() == 34
    assert (df.iso3_source == "CHN").sum() == 78 and (df.year == 2024).sum() == 191
    roc = df[df.iso3 == "TWN"]
    assert len(roc) > 0 and roc.year.max() == 1971 and (roc.iso3_source == "CHN").all()
    assert df[df.iso3 == "CHN"].year.min() == 1972


@pytest.mark.data
def test_mirror_sanity_unsc(loaded):
    mv = _df(loaded, "unsc_member_votes")
    assert len(mv) == 29_929
    chn = mv[mv.iso3 == "CHN"].vote.value_counts()
    assert (chn["yes"], chn["abstain"], chn["no"]) == (1818, 140, 37)
    d431 = mv[mv.draft == "S/2022/431"].set_index("iso3")["vote"]
    assert d431["CHN"] == "no" and d431["RUS"] == "no" and (d431 == "yes").sum() == 13
    vetoes = _df(loaded, "unsc_vetoes")
    assert len(vetoes) == 214 and (vetoes.russia_china == 1).sum() == 14 and vetoes.China.sum() == 17
    fd = _df(loaded, "unsc_failed_drafts_votes")
    last = fd[fd.draft == "S/2022/821"].vote.value_counts()
    assert (last["yes"], last["abstain"], last["no"]) == (2, 10, 3)


@pytest.mark.data
def test_mirror_sanity_peacesciencer(loaded):
    trade = _df(loaded, "ps_cow_trade_ndy")
    assert len(trade) == 673_654 and ((trade.ccode1 == 731) | (trade.ccode2 == 731)).sum() == 7_635
    row = trade[(trade.iso3_1 == "CHN") & (trade.iso3_2 == "PRK") & (trade.year == 2014)]
    assert (row.flow1.item(), row.flow2.item()) == (2845, 3883)
    atop = _df(loaded, "ps_atop_alliance")
    cp = atop[(atop.iso3_1 == "CHN") & (atop.iso3_2 == "PRK")]
    assert (cp.year.min(), cp.year.max()) == (1961, 2018)


@pytest.mark.data
def test_mirror_sanity_events(loaded):
    icews = _df(loaded, "ev_icews", ["iso3_i", "iso3_j", "year", "verbCoop"])
    cp = icews[(icews.iso3_i == "CHN") & (icews.iso3_j == "PRK")].set_index("year").verbCoop
    assert (cp[2002], cp[2006], cp[2010], cp[2014]) == (495, 3520, 3877, 700)
    cv = _df(loaded, "ev_chinavitae", ["country", "iso3"])
    assert (cv.country == "North Korea").sum() == 40 and (cv.iso3 == "PRK").sum() == 40
    gd = _df(loaded, "ev_gdelt_daily")
    cp = gd[(gd.iso3_a == "CHN") & (gd.iso3_b == "PRK") & (gd.date.dt.year == 2018)]
    assert round(cp.edge_weight.sum(), 1) == pytest.approx(54_444.5, abs=0.1)
    pd_ = _df(loaded, "ev_aiddata_pd")
    nk = pd_[pd_.iso3 == "PRK"].set_index("year").government_visits
    assert (nk[2000], nk[2001], nk[2002]) == (14, 15, 2)


@pytest.mark.data
def test_mirror_sanity_kcna(loaded):
    h = _df(loaded, "kcna_headlines", ["date", "english"])
    assert len(h) == 114_641 and h.english.sum() == 99_841
    assert (pd.to_datetime(h.date).dt.year == 2010).sum() == 7_131
    assert loaded["kcna_new_year"].num_rows == 73


@pytest.mark.data
def test_mirror_sanity_chronology(loaded):
    counts = {n: loaded[n].num_rows for n in ("chr_summits", "chr_treaties", "chr_unsc_dprk", "chr_dprk_tests",
                                              "chr_trade_prk", "chr_unga_ukraine", "chr_proposals")}
    assert list(counts.values()) == [54, 13, 36, 29, 244, 9, 49]
    summits = _df(loaded, "chr_summits")
    assert isinstance(summits.date_start.iloc[0], dt.date)
    tests = _df(loaded, "chr_dprk_tests")
    assert (tests.kind == "nuclear_test").sum() == 6


@pytest.mark.data
def test_mirror_full_load_is_fast(loaded):
    # the whole ingest target is < 30 s on 2 cores; loading (read + validate + ISO3) is most of it
    assert LOAD_SECONDS["total"] < 60


@pytest.mark.data
def test_unga_votes_follow_the_seat_on_the_vote_date(data_dir):
    """Names label seats: 'Yugoslavia' votes after 2006-06-05 are Serbia's; ROC votes stay TWN; counts unchanged."""
    import pandas as pd

    from alignwatch import sources as src

    t = src.base.load(src.registry()["unga_votes"]).to_pandas()
    yug = t[t.country == "Yugoslavia"]
    assert set(yug.loc[pd.to_datetime(yug.date) >= "2006-06-05", "iso3"]) == {"SRB"}
    assert set(yug.loc[pd.to_datetime(yug.date) < "2006-06-01", "iso3"]) == {"YUG"}
    assert (t.iso3 == "CHN").sum() == 4532 and (t.iso3 == "PRK").sum() == 2105
    assert pd.to_datetime(t.loc[t.iso3 == "TWN", "date"]).max() < pd.Timestamp("1971-10-26")
    assert t["date"].notna().all()


def test_every_connector_module_is_in_the_registry():
    """Connectors are listed once, in sources.registry(): a module declaring DATASETS that is not listed would
    never be ingested."""
    import importlib
    import pkgutil

    from alignwatch import sources

    listed = {ds.table for ds in sources.registry().values()}
    for info in pkgutil.iter_modules(sources.__path__):
        mod = importlib.import_module(f"alignwatch.sources.{info.name}")
        for ds in getattr(mod, "DATASETS", []):
            assert ds.table in listed, f"sources.{info.name}: {ds.table} is not in sources.registry()"
