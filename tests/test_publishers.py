"""Fetch -> ingest -> report without the internet: a local server stands in for the publishers (UN Digital Library,
Harvard Dataverse, Correlates of War, ATOP, repository archives), serving small files in each publisher's own
format (tests/fixtures/publishers). Also: 304, 404 (fallback copy), 500, truncated downloads, a changed checksum,
and ``update`` after a new release."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json

import duckdb
import pandas as pd
import pytest

import publisher_site as ps
from alignwatch import sources
from alignwatch.cli import main
from alignwatch.errors import FetchError
from alignwatch.sources import download, publishers, undl
from alignwatch.sources.fetch import fetch


@pytest.fixture
def site(tmp_path, monkeypatch):
    s = ps.Site()
    httpd, _ = ps.serve(s)
    ps.build(s, tmp_path / "build")
    monkeypatch.setenv(download.REWRITE_ENV, s.rewrite_rules())
    monkeypatch.setenv("ALIGNWATCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("ALIGNWATCH_DB", str(tmp_path / "wh.duckdb"))
    monkeypatch.delenv("ALIGNWATCH_DATA", raising=False)
    monkeypatch.setattr(download, "BACKOFF_S", 0.0)
    s.tmp = tmp_path
    yield s
    httpd.shutdown()


def run(*argv) -> int:
    return main([str(a) for a in argv])


def fetched(site) -> None:
    assert run("fetch", "-q", *ps.TABLES) == 0
    assert run("ingest", "-q") == 0


def query(site, sql: str, params=None) -> pd.DataFrame:
    con = duckdb.connect(str(site.tmp / "wh.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchdf()
    finally:
        con.close()


# ------------------------------------------------------------------------------------------- end to end


def test_fetch_then_ingest_from_publisher_formats(site, capsys):
    assert run("fetch", "-q", "--format", "csv", *ps.TABLES) == 0
    got = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(got["table"]) == set(ps.TABLES) and set(got["status"]) == {"downloaded"}
    publisher_rows = got[~got["table"].isin(["kcna_new_year", "ev_gdelt_daily"])]
    assert not publisher_rows["publisher"].str.contains("copy").any()
    assert got.loc[got.table == "unga_votes_2025", "release"].item() == "2026_02_06_ga_voting.csv"  # the newest
    # the shared R data file was downloaded once for the four unvotes tables
    assert len(site.requests_to("/api/access/datafile/101")) == 1

    assert run("ingest", "-q") == 0
    votes = query(site, "SELECT rcid, iso3, vote FROM unga_votes ORDER BY rcid, iso3")
    assert len(votes) == 14  # the absent (8) vote of rcid 9002 is not a tidy vote
    assert votes.query("rcid == 9001 and iso3 == 'PRK'")["vote"].item() == "no"
    raw = query(site, "SELECT vote FROM unga_votes_raw WHERE rcid = 9002 AND ccode = 732")
    assert raw["vote"].item() == 8
    issues = query(site, "SELECT rcid, short_name, issue FROM unga_issues ORDER BY rcid")
    assert issues.values.tolist()[0] == [4000, "me", "Palestinian conflict"]
    ga25 = query(site, "SELECT iso3, vote FROM unga_votes_2025 WHERE resolution = 'A/RES/ES-11/7'")
    assert dict(ga25.values.tolist())["PRK"] == "no" and dict(ga25.values.tolist())["CHN"] == "abstain"
    assert query(site, "SELECT count(*) n FROM unga_votes_2025 WHERE council = 'Security Council'")["n"].item() > 0
    assert query(site, "SELECT count(*) n FROM unga_votes_2025 WHERE resolution LIKE 'A/RES/79/%'")["n"].item() == 0
    speeches = query(site, "SELECT year, iso3, source_file, n_chars FROM ungdc_speeches ORDER BY year, iso3")
    assert len(speeches) == 8 and speeches["source_file"].iloc[0] == "CHN_78_2023.txt"
    assert query(site, "SELECT name_of_person_speaking s FROM ungdc_speakers WHERE iso3 = 'PRK' AND year = 2024"
                 )["s"].item() == "Kim Song"
    trade = query(site, "SELECT year, flow1, flow2 FROM ps_cow_trade_ndy WHERE ccode1 = 365 ORDER BY year")
    assert trade["flow1"].isna().tolist() == [True, False]  # COW's -9 is missing, never a value
    ally = query(site, "SELECT * FROM ps_cow_alliance WHERE ccode1 = 365 AND ccode2 = 731")
    assert ally[["cow_defense", "cow_entente"]].values.tolist() == [[1, 1]]  # two alliances, one dyad-year
    assert len(query(site, "SELECT * FROM ps_atop_alliance")) == 4  # the non-directed file, not the directed one
    assert query(site, "SELECT milex FROM ps_cow_nmc WHERE ccode = 731")["milex"].isna().all()
    assert query(site, "SELECT year FROM kcna_new_year ORDER BY year")["year"].tolist() == [2018, 2019]
    gdelt = query(site, "SELECT iso3_a, iso3_b FROM ev_gdelt_daily")
    pairs = set(map(tuple, gdelt.values.tolist()))
    assert ("CHN", "PRK") in pairs and ("PRK", "CHN") not in pairs and ("KOR", "USA") not in pairs
    prov = query(site, 'SELECT "table", publisher, download_url, download_sha256, retrieved_at, release, fallback '
                       'FROM _provenance')
    prov = prov[prov["table"].isin(ps.TABLES)]  # the packaged curated tables are not downloaded
    assert prov["retrieved_at"].notna().all()
    assert set(prov.loc[prov["fallback"], "table"]) == {"ev_gdelt_daily"}  # the only table without a publisher file
    row = prov.set_index("table").loc["unga_idealpoints_voeten"]
    assert row["download_url"] == "https://dataverse.harvard.edu/api/access/datafile/102?format=original"
    assert row["release"] == "V27.0"
    served = site.route("https://dataverse.harvard.edu/api/access/datafile/102?format=original").body
    assert row["download_sha256"] == hashlib.sha256(served).hexdigest()


def test_report_end_to_end(site, tmp_path):
    fetched(site)
    out = tmp_path / "report.html"
    assert run("report", "--focus", "PRK", "--partners", "CHN,RUS", "--out", out) == 0
    html = out.read_text("utf-8")
    assert "alignwatch: PRK with CHN, RUS" in html


def test_sources_lists_publisher_url_and_retrieval_time(site, capsys):
    fetched(site)
    capsys.readouterr()
    assert run("sources", "--format", "csv") == 0
    prov = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(ps.TABLES) <= set(prov["table"])
    assert prov.loc[prov["table"].isin(ps.TABLES), "retrieved_at"].notna().all()
    urls = prov.set_index("table")["url"]
    assert urls["unga_votes_2025"].startswith("https://digitallibrary.un.org/record/4060887/files/")
    assert urls["ps_cow_trade_ndy"] == "https://correlatesofwar.org/wp-content/uploads/COW_Trade_4.0.zip"


def test_ingest_without_names_lists_what_is_missing(site, capsys):
    assert run("fetch", "-q", "ps_cow_states") == 0
    capsys.readouterr()
    assert run("ingest", "-q") == 0
    err = capsys.readouterr().err
    assert "not ingested" in err and "chr_summits" in err


def test_a_mirror_is_never_downloaded_from(site, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "peacesciencer").mkdir(parents=True)
    (mirror / "peacesciencer" / "cow_states.parquet").write_bytes(b"x")
    monkeypatch.setenv("ALIGNWATCH_DATA", str(mirror))
    assert fetch(sources.registry()["ps_cow_states"]).status == "mirror"
    assert site.hits == []


# ------------------------------------------------------------------------------------------- failures


def test_404_at_the_publisher_falls_back_to_the_copy(site):
    ds = sources.registry()["unga_idealpoints_voeten"]
    site.route("https://dataverse.harvard.edu/api/access/datafile/102?format=original").fault = "404"
    copy_url = ds.downloads[1].url
    site.add(copy_url, site.route("https://dataverse.harvard.edu/api/access/datafile/102?format=original").body)
    r = fetch(ds)
    assert r.status == "downloaded" and r.fallback and "third-party copy" in r.publisher
    assert "HTTP 404" in r.tried[0] and "datafile/102" in r.tried[0]


def test_500_names_dataset_and_url_and_leaves_the_warehouse(site, capsys):
    fetched(site)
    db = site.tmp / "wh.duckdb"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    site.route(f"{ps.COW}/states2016.csv").fault = "500"
    capsys.readouterr()
    assert run("fetch", "-q", "--force", "ps_cow_states") == 5
    err = capsys.readouterr().err
    assert "ps_cow_states" in err and "https://correlatesofwar.org/wp-content/uploads/states2016.csv" in err
    assert "HTTP 500" in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert len(site.requests_to("states2016.csv")) == 1 + 1 + download.RETRIES  # first fetch, then 1 + retries


def test_a_transient_500_is_retried(site):
    site.route(f"{ps.COW}/majors2016.csv").fault = "500"
    site.route(f"{ps.COW}/majors2016.csv").fail_times = 1
    assert fetch(sources.registry()["ps_cow_majors"]).status == "downloaded"


def test_truncated_download_leaves_no_file(site):
    site.route(f"{ps.COW}/states2016.csv").fault = "truncate"
    cache = site.tmp / "cache"
    with pytest.raises(FetchError, match="ps_cow_states.*states2016.csv"):
        fetch(sources.registry()["ps_cow_states"])
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_a_changed_checksum_is_refused(site):
    url = "https://dataverse.harvard.edu/api/access/datafile/201"
    site.route(url).body = site.route(url).body + b"tampered"
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch(sources.registry()["ungdc_speeches"])
    assert not (site.tmp / "cache" / "ungdc").exists()


def test_broken_publisher_file_names_the_file_and_falls_through(site):
    url = f"{ps.COW}/COW_Trade_4.0.zip"
    site.route(url).body = b"PK\x03\x04 not really a zip"
    with pytest.raises(FetchError) as info:
        fetch(sources.registry()["ps_cow_trade_ndy"])
    msg = str(info.value)
    assert "COW_Trade_4.0.zip" in msg and "not a zip" in msg and "third-party copy" in msg


# ---------------------------------------------------------------------------------------------- update


def test_update_asks_conditionally_and_reports_nothing_new(site, capsys):
    fetched(site)
    site.hits.clear()
    capsys.readouterr()
    assert run("update", "-q", "--format", "csv", "ps_cow_states", "ps_cow_trade_ndy") == 0
    out = capsys.readouterr()
    got = pd.read_csv(io.StringIO(out.out))
    assert set(got["status"]) == {"unchanged"}
    conditional = [h for h in site.hits if "states2016" in h[1]]
    assert conditional and conditional[0][2].get("If-None-Match")
    assert "every dataset is current" in out.err


def test_update_downloads_a_new_release_and_shows_the_numbers(site, capsys):
    fetched(site)
    new = ps.rdata(ps.complete_votes(with_2020=True), "completeVotes", site.tmp / "build")
    site.route("https://dataverse.harvard.edu/api/access/datafile/101?format=original").body = new
    site.add("https://dataverse.harvard.edu/api/datasets/:persistentId/?persistentId=doi:10.7910/DVN/LEJUQZ",
             ps.dataverse_listing([
                 {"id": 101, "filename": "UNVotes.tab", "originalFileName": "UNVotes.RData",
                  "originalFileFormat": "application/x-rlang-transport"},
                 {"id": 102, "filename": "IdealpointsJuly2025.tab", "originalFileName": "IdealpointsJuly2025.dta",
                  "originalFileFormat": "application/x-stata-14"}], version=28), "application/json")
    capsys.readouterr()
    assert run("update", "-q", "--format", "csv", "unvotes", "unga_idealpoints_voeten") == 0
    out = capsys.readouterr().out
    asked, _, numbers = out.partition("what,before,after,change")
    status = pd.read_csv(io.StringIO(asked)).set_index("table")["status"]
    assert status["unga_votes"] == "updated" and status["unga_idealpoints_voeten"] == "unchanged"
    changes = pd.read_csv(io.StringIO("what,before,after,change" + numbers)).set_index("what")
    assert changes.loc["unga_roll_calls", "change"] == "+1 rows"
    assert changes.loc["UNGA roll calls 2020", "change"] == "+1"
    assert changes.loc["agreement CHN-PRK (voeten) 2020", "before"] == "new"  # CHN abstained, PRK voted no
    assert float(changes.loc["agreement CHN-PRK (voeten) 2020", "after"]) == 0.0
    assert float(changes.loc["agreement PRK-RUS (voeten) 2020", "after"]) == 1.0
    assert query(site, "SELECT release FROM _provenance WHERE \"table\" = 'unga_votes'")["release"].item() == "V28.0"


def test_update_refuses_with_a_mirror(site, monkeypatch, capsys):
    monkeypatch.setenv("ALIGNWATCH_DATA", str(site.tmp))
    assert run("update") == 2
    assert "ALIGNWATCH_DATA is set" in capsys.readouterr().err


# --------------------------------------------------------------------------------- publisher formats


def test_undl_resolver_picks_the_newest_file(site):
    got = download.resolve(undl.GA)
    assert got.url.endswith("/record/4060887/files/2026_02_06_ga_voting.csv")
    assert got.release == "2026_02_06_ga_voting.csv"


def test_undl_readers_give_the_manifest_layouts(tmp_path):
    path = tmp_path / "ga.csv"
    rows = [["undl_id", "ms_code", "ms_name", "ms_vote", "date", "resolution", "title", "meeting"],
            ["1", "CHN", "CHINA", "N", "1961-12-01", "A/RES/1668(XVI)", "Representation of China", "A/PV.1080"],
            ["2", "CHN", "CHINA", "Y", "1972-12-01", "A/RES/3000(XXVII)", "Something", "A/PV.2100"],
            ["2", "PRK", "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA", "NV", "1972-12-01", "A/RES/3000(XXVII)",
             "Something", "A/PV.2100"]]
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    votes = undl.read_ga_votes([path])
    assert votes["ms_code"].tolist() == ["TWN", "CHN", "PRK"]  # the ROC held the China seat before Oct 1971
    assert votes["vote"].tolist() == ["N", "Y", "X"]  # the first release's NV is the later X
    records = undl.read_records([path, path])
    assert len(records) == 2 and records["recorded"].tolist() == [True, True]


def test_sipri_register_export(tmp_path):
    text = ("SIPRI Trade Register\nInformation generated: 09 March 2026\n\n"
            "Recipient,Supplier,Year of order,,Number ordered,,Weapon designation,Weapon description,"
            "Number delivered,,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,"
            "SIPRI TIV of delivered weapons\n"
            "North Korea,Soviet Union,1987,,14,,MiG-29,fighter aircraft,14,,1988; 1989,New,,10,140,140\n")
    path = tmp_path / "register.json"
    path.write_text(json.dumps({"bytes": base64.b64encode(text.encode()).decode()}))
    df = publishers.sipri_register([path])
    assert "Year of order ?" in df.columns and df["Weapon designation"].item() == "MiG-29"


def test_every_dataset_declares_the_publisher_before_copies():
    for ds in sources.registry().values():
        if ds.source in ("chronology", "trade_customs"):  # compiled, cited tables: no single public file
            assert not ds.downloads and ds.url is None
            continue
        assert ds.downloads, ds.table
        kinds = [d.fallback for d in ds.downloads]
        assert kinds == sorted(kinds), ds.table  # publishers first, copies after
        for d in ds.downloads:
            assert d.fallback == ("third-party copy" in d.publisher), (ds.table, d.publisher)


# ------------------------------------------------------------------ readers checked against the mirror


def test_voeten_reader_gives_the_unvotes_packages_votes(data_dir):
    """The tidy votes built from Voeten's raw votes are the unvotes package's, vote for vote (1946-2015)."""
    from alignwatch import states
    from alignwatch.sources import unvotes

    raw = pd.read_parquet(data_dir / "unvotes" / "raw" / "UNVotesPublished.parquet")
    mine = unvotes.tidy_votes(raw)
    ref = pd.read_parquet(data_dir / "unvotes" / "votes.parquet")
    ref = ref[ref["rcid"].isin(raw["rcid"].unique())]
    iso_m = states.to_iso3(mine["country"].to_numpy(dtype=object), scheme="name")
    iso_r = states.to_iso3(ref["country"].to_numpy(dtype=object), scheme="name")
    a = set(zip(mine["rcid"], iso_m, mine["vote"]))
    b = set(zip(ref["rcid"], iso_r, ref["vote"]))
    assert len(mine) == len(ref)
    # the package names Serbia's seat "Yugoslavia" after 2006; the connector's transform re-reads both as SRB
    assert {x[1] for x in a - b} == {"SRB"} and {x[1] for x in b - a} == {"YUG"}
    assert len(a & b) > 0.99 * len(ref)


def test_date_repair_matches_the_mirror(data_dir):
    from alignwatch.sources import unsc

    df = pd.read_parquet(data_dir / "unsc" / "sc_votes_by_member_1994_2025.parquet")
    out = unsc.repair_dates(df.drop(columns=["date", "date_swapped"]).rename(columns={"date_raw": "Date"}))
    mine = out.groupby("ID")["date_swapped"].first()
    ref = df.groupby("ID")["date_swapped"].first()
    assert (mine == ref).all() and int(ref.sum()) == 345


def test_catalogue_readers(tmp_path):
    import zipfile

    from alignwatch.sources import catalogue

    war = tmp_path / "war.csv"
    war.write_bytes(b"WarNum,ccode,Side\r151,731,2\r151,710,2\r151,2,1\r")
    assert catalogue.read_cr_csv([war])["ccode"].tolist() == [731, 710, 2]
    acd = tmp_path / "acd.zip"
    with zipfile.ZipFile(acd, "w") as zf:
        zf.writestr("UcdpPrioConflict_v25_1.csv", 'conflict_id,year,gwno_a,gwno_a_2nd,gwno_b,gwno_b_2nd\n'
                                                  '235,1950,731,"710, 365",732,"2, 200"\n')
    df = catalogue.read_ucdp_acd([acd])
    assert len(df) == 4 and set(df["gwno_a_2nd"]) == {710, 365} and set(df["gwno_b_2nd"]) == {2, 200}
    assert catalogue.SIPRI_TRADE_REGISTER.files[0].method == "POST"
