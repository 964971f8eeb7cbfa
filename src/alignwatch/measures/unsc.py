"""UN Security Council: who votes with whom, who vetoes, and what the Council did on a topic (the DPRK first).

Three products, all keyed on the document symbol (resolution ``S/RES/n (yyyy)``, draft ``S/yyyy/n`` or PRST
``S/PRST/yyyy/n``), never on dates, because the per-member dates are partly day/month-swapped (MANIFEST 9c):

* :func:`unsc_texts` / :func:`unsc_timeline`: every resolution, failed draft and (for the DPRK) presidential
  statement on a topic, with each permanent member's vote where known, the vetoes, and for the DPRK the Panel of
  Experts renewals and an ordinal sanctions-stringency code from ``data/unsc_dprk_stringency.csv``.
* :func:`covoting` / :func:`p5_covoting`: per year, the share of drafts on which two Council members cast identical
  votes (CHN and RUS against USA/GBR/FRA).
* the ``unsc`` family (:func:`dyad_years`): that share as the dyad-year score, NA when the two were not both on
  the Council that year or outside 1994-2025; veto counts; joint vetoes with their symbols; and for a dyad with a
  state that did not sit on the Council (the DPRK never did) the number of Council texts on that state and the
  other member's votes on them.

Sources: ``undl_sc_votes`` (the UN Digital Library's per-member votes on every adopted resolution, 1946 to October
2025), ``unsc_member_votes`` (every draft put to a vote, 1994 to 30 May 2025), ``unga_votes_2025`` (Security Council
resolutions of 2025), ``unsc_vetoes`` (1946 to 8 July 2022), ``unsc_failed_drafts_votes`` (member votes on vetoed
drafts before 1994) and ``chr_unsc_dprk`` (resolution 825 of 1993, PRSTs, the never-voted December 2019 China-Russia
draft). Scales, rules and citations: docs/measures/unsc.md.

Where the sources disagree on an adopted resolution, the UN Digital Library wins (:func:`_merge_undl`): its votes
replace those of the member file and of the 2025 scrape for every resolution it holds. The member file supplies
failed and vetoed drafts and adopted resolutions the UN DL file lacks. Before 1994 co-voting therefore rests on
adopted resolutions only (vetoed and failed drafts have no per-member votes there), which the ``source`` says.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from .. import chronology
from ..errors import UsageError
from ..sources.undl import CITATION_SC
from ..sources.unsc import CITATION_FAILED, CITATION_MEMBERS, CITATION_VETOES
from ..warehouse import Warehouse
from .registry import Family, NoOptions, register

P5 = ("CHN", "FRA", "GBR", "RUS", "USA")
WEST = ("USA", "GBR", "FRA")
PRC_SEAT = dt.date(1971, 10, 25)  # the PRC took the China seat; before, the ROC (TWN) held it
VOTES_FIRST_YEAR = 1994  # per-member votes on every draft put to a vote start here (adopted only before)
CHRONOLOGY_FIRST_YEAR = 1991  # chr_unsc_dprk starts with resolution 702 (1991)
SEAT_SHARE = 0.5  # an elected member is seated in a year when it voted on at least this share of its texts

# Agenda keywords per topic (regular expressions, matched case-insensitively on agenda item, topic, crisis).
TOPIC_PATTERNS = {
    "PRK": r"DPRK|Democratic People.s Republic of Korea|North Korea",
    "SYR": r"Syria",
    "IRN": r"\bIran\b",
    "UKR": r"Ukraine",
    "BLR": r"Belarus",
    "VEN": r"Venezuela",
    "MMR": r"Myanmar",
    "AFG": r"Afghanistan",
    "LBY": r"Libya",
    "IRQ": r"\bIraq",
    "CUB": r"\bCuba",
    "LAO": r"\bLao",
    "VNM": r"Viet ?Nam",
}
_TOPIC_ALIASES = {"DPRK": "PRK", "NORTH KOREA": "PRK", "PRK": "PRK"}

VOTE_CODES = ("yes", "no", "abstain", "veto", "not_voting", "consensus", "sponsor", "no_vote")
CAST = ("yes", "no", "abstain")  # the votes co-voting compares; not_voting (listed, no vote) and no_vote are not
_UNDL_VOTE = {"Y": "yes", "N": "no", "A": "abstain", "X": "not_voting"}
_CHR_VOTE = {"no (veto)": "veto"}
_SPACES = re.compile(r"[\s\u00a0]+")
_RES = re.compile(r"(\d{2,4})\s*[(/]\s*(\d{4})")


# ----------------------------------------------------------------------------------------------- symbols


def norm_symbol(s: pd.Series) -> pd.Series:
    """Tidy a document symbol: non-breaking and repeated spaces, a trailing ' as orally revised' dropped."""
    s = s.astype("string").str.replace(_SPACES, " ", regex=True).str.strip()
    return s.str.replace(r"\s+as orally revised$", "", regex=True)


def norm_resolution(s: pd.Series) -> pd.Series:
    """'893 (1994)', 'Resolution 2622 (2022)', 'S/RES/2776/2025', 'S/RES/2768(2025)' -> 'S/RES/n (yyyy)'."""
    s = s.astype("string")
    m = s.str.extract(_RES)
    out = "S/RES/" + m[0] + " (" + m[1] + ")"
    looks_like = s.str.contains(r"\(|RES", regex=True).fillna(False)
    return out.where(m[0].notna() & looks_like)


# ------------------------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class UnscData:
    """Everything the measures need, read and tidied once per call (a few hundred milliseconds)."""

    votes: pd.DataFrame  # key, year, iso3, vote (seated members only)
    texts: pd.DataFrame  # one row per voted text: key, year, date, draft, resolution, agenda, outcome, source
    seats: pd.DataFrame  # iso3, year: seated on the Council as the vote data show it
    vetoes: pd.DataFrame  # key, date, year, iso3, agenda, source: one row per (vetoed text, vetoing member)
    failed: pd.DataFrame  # key, iso3, vote: member votes on failed drafts (hand-entered, 1947-2022)
    dprk: pd.DataFrame | None  # chr_unsc_dprk indexed by normalised symbol
    last_year: int  # last year with recorded votes
    first_year: int = VOTES_FIRST_YEAR  # first year with recorded votes (1946 with undl_sc_votes)


def load(wh: Warehouse) -> UnscData:
    """Read and check every Security Council table once (the measures below accept the result as ``data=``);
    kept in ``wh`` for the file's generation (:meth:`Warehouse.memo`), so a report's four Council sections read
    the tables once. The frames are shared: read them, never modify them in place."""
    wh.require("unsc_member_votes", "unsc_vetoes")
    return wh.memo("unsc.load", lambda: _load(wh))


def _load(wh: Warehouse) -> UnscData:
    present = set(wh.tables())
    votes, texts = _member_votes(wh, "unga_votes_2025" in present)
    if "undl_sc_votes" in present:
        votes, texts = _merge_undl(votes, texts, *_undl_votes(wh))
    votes, texts, seats = _check_votes(votes, texts)
    vetoes = _veto_events(wh, votes, texts)
    failed = pd.DataFrame(columns=["key", "iso3", "vote"])
    if "unsc_failed_drafts_votes" in present:
        f = wh.query("SELECT draft, iso3, vote FROM unsc_failed_drafts_votes")
        failed = f.assign(key=norm_symbol(f["draft"]))[["key", "iso3", "vote"]]
    dprk = None
    if "chr_unsc_dprk" in present:
        c = chronology.unsc_dprk(wh)
        c["symbol"] = norm_symbol(c["document"])
        c["date"] = pd.to_datetime(c["date"]).dt.date
        dprk = c.set_index("symbol")
    cast = votes[votes["vote"].isin(CAST)]
    return UnscData(votes, texts, seats, vetoes, failed, dprk, int(texts["year"].max()), int(cast["year"].min()))


def _member_votes(wh: Warehouse, with_2025: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Votes (key, year, iso3, vote) and texts (one row per key) of every draft put to a vote.

    ``key`` is the resolution symbol for adopted texts and the draft symbol otherwise. Repairs, each documented in
    MANIFEST 9c: Draft and Resolution swapped in some 2025 rows; a text listed under two IDs with identical votes
    is kept once (with different votes, both are kept as ``symbol #ID``); a member with two different votes on one
    ID is dropped for that ID. 2025 resolutions after 30 May come from ``unga_votes_2025`` where that table exists.
    """
    raw = wh.query("SELECT draft_id, iso3, vote FROM unsc_member_votes")
    # text-level fields are tidied once per draft ID (about 2,000), not once per member vote
    ids = wh.query("SELECT draft_id, any_value(year) AS year, any_value(date) AS date, any_value(draft) AS draft, "
                   "any_value(resolution) AS resolution, any_value(agenda_item) AS agenda_item, "
                   "any_value(topic) AS topic, any_value(outcome) AS outcome FROM unsc_member_votes GROUP BY 1")
    draft = norm_symbol(ids["draft"])
    res_raw = ids["resolution"].astype("string")
    swapped = draft.str.startswith("S/RES/").fillna(False)
    res_raw = res_raw.where(~swapped, ids["draft"].astype("string"))
    draft = draft.where(~swapped, norm_symbol(ids["resolution"]))
    meta = pd.DataFrame({
        "draft_id": ids["draft_id"].astype("int64"),
        "year": ids["year"].astype("int64"),
        "date": pd.to_datetime(ids["date"]).dt.date,
        "draft": draft,
        "resolution": norm_resolution(res_raw),
        "agenda": ids["agenda_item"].fillna("").astype(str) + " | " + ids["topic"].fillna("").astype(str),
        "outcome": ids["outcome"].astype("string"),
    })
    meta["key"] = meta["resolution"].fillna(meta["draft"])
    v = pd.DataFrame({"draft_id": raw["draft_id"].astype("int64"), "iso3": raw["iso3"].astype("string"),
                      "vote": raw["vote"].astype("string").str.lower()})
    # a text without a resolution number was not adopted (the source labels some failed drafts 'Adopted')
    p5no = v[v["iso3"].isin(P5) & (v["vote"] == "no")]["draft_id"].unique()
    wrong = meta["resolution"].isna() & meta["outcome"].str.startswith("Adopted").fillna(False)
    meta.loc[wrong, "outcome"] = np.where(meta.loc[wrong, "draft_id"].isin(p5no), "Not adopted - veto",
                                          "Not adopted")
    nv = v.groupby(["draft_id", "iso3"])["vote"].transform("nunique")
    v = v[nv == 1].drop_duplicates(["draft_id", "iso3"])
    # order-free signature of a vote: the sum of the hashes of its (member, vote) cells
    cell = pd.util.hash_pandas_object(v[["iso3", "vote"]], index=False).to_numpy()
    sig = pd.Series(cell, index=v.index).groupby(v["draft_id"]).sum().rename("sig")
    meta = meta.merge(sig, left_on="draft_id", right_index=True)
    meta = meta.sort_values("draft_id").drop_duplicates(["key", "sig"])
    dup = meta.groupby("key")["draft_id"].transform("size") > 1
    meta["key"] = meta["key"].where(~dup, meta["key"] + " #" + meta["draft_id"].astype(str))
    meta["source"] = "unsc_member_votes"
    v = v.merge(meta[["draft_id", "key", "year"]], on="draft_id")[["key", "year", "iso3", "vote"]]
    texts = meta.drop(columns=["draft_id", "sig"])
    if with_2025:  # 2025 resolutions the source lacks, or records with fewer votes (2781: 6 of 15 rows)
        v25, t25 = _votes_2025(wh)
        n_old, n_new = v.groupby("key").size(), v25.groupby("key").size()
        better = set(n_new.index[n_new > n_old.reindex(n_new.index).fillna(0)])
        v = pd.concat([v[~v["key"].isin(better)], v25[v25["key"].isin(better)]], ignore_index=True)
        texts = pd.concat([texts, t25[~t25["key"].isin(texts["key"])]], ignore_index=True)
    return v.reset_index(drop=True), texts.reset_index(drop=True)


_SC2025_SQL = """
SELECT resolution, any_value(date) AS date, any_value(title) AS title, list(iso3) AS iso3, list(lower(vote)) AS vote
FROM unga_votes_2025 WHERE council = 'Security Council' AND vote IS NOT NULL GROUP BY resolution
"""


def _votes_2025(wh: Warehouse) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Security Council resolutions of 2025 from the UN Digital Library scrape (adopted texts only)."""
    t = wh.query(_SC2025_SQL)
    t["key"] = norm_resolution(t["resolution"])
    t = t[t["key"].notna()].drop_duplicates("key")
    date = pd.to_datetime(t["date"])
    texts = pd.DataFrame({"year": date.dt.year.astype("int64"), "date": date.dt.date, "draft": pd.NA,
                          "resolution": t["key"], "agenda": t["title"].fillna("").astype(str),
                          "outcome": "Adopted", "key": t["key"], "source": "unga_votes_2025"})
    v = t[["key", "iso3", "vote"]].explode(["iso3", "vote"]).merge(texts[["key", "year"]], on="key")
    return v[["key", "year", "iso3", "vote"]].astype({"iso3": "string", "vote": "string"}), texts


_UNDL_SQL = """
SELECT resolution_symbol, vote_date, iso3, vote, title, agenda FROM undl_sc_votes WHERE iso3 IS NOT NULL
"""


def _undl_votes(wh: Warehouse) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Votes and texts of every adopted resolution in the UN Digital Library (1946-2025).

    X = listed without a vote: ``not_voting`` (an absent or non-participating member: the USSR in 1950, the PRC on
    many texts of the 1970s). A record listing every member with X was adopted without a vote: ``no_vote`` for all
    (not absences). The China seat is by date (``TWN`` to 25 October 1971), as the connector stores it."""
    u = wh.query(_UNDL_SQL)
    u["key"] = norm_resolution(u["resolution_symbol"])
    u = u[u["key"].notna()]
    u["vote"] = u["vote"].map(_UNDL_VOTE)
    without = u["vote"].eq("not_voting").groupby(u["key"]).transform("all")  # vectorised: ~6,000 resolutions
    u.loc[without.to_numpy(bool), "vote"] = "no_vote"
    date = pd.to_datetime(u["vote_date"])
    u["year"] = date.dt.year.astype("int64")
    first = u.drop_duplicates("key")
    texts = pd.DataFrame({
        "year": first["year"].to_numpy(), "date": pd.to_datetime(first["vote_date"]).dt.date.to_numpy(),
        "draft": pd.NA, "resolution": first["key"].to_numpy(),
        "agenda": (first["title"].fillna("").astype(str) + " | " + first["agenda"].fillna("").astype(str)).to_numpy(),
        "outcome": np.where(first["key"].isin(set(u.loc[u["vote"] == "no_vote", "key"])), "Adopted without a vote",
                            "Adopted"),
        "key": first["key"].to_numpy(), "source": "undl_sc_votes",
    })
    votes = u[["key", "year", "iso3", "vote"]].astype({"iso3": "string", "vote": "string"})
    return votes.reset_index(drop=True), texts


def _merge_undl(votes: pd.DataFrame, texts: pd.DataFrame, uv: pd.DataFrame, ut: pd.DataFrame
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rule where the sources meet: for every adopted resolution the UN Digital Library holds, its per-member
    votes replace the member file's and the 2025 scrape's (MANIFEST 10c: 99.9 % identical on the P5 votes outside
    the member file's corrupt 1995 block and the 42 texts adopted without a vote). A text both hold keeps the
    member file's draft symbol and agenda; its ``source`` names both."""
    have = set(ut["key"])
    votes = pd.concat([votes[~votes["key"].isin(have)], uv], ignore_index=True)
    both = texts["key"].isin(have)
    texts = texts.copy()
    texts.loc[both, "source"] = "undl_sc_votes+" + texts.loc[both, "source"].astype(str)
    without = set(ut.loc[ut["outcome"] == "Adopted without a vote", "key"])
    texts.loc[both & texts["key"].isin(without), "outcome"] = "Adopted without a vote"
    texts = pd.concat([texts, ut[~ut["key"].isin(set(texts["key"]))]], ignore_index=True)
    return votes, texts


def _check_votes(votes: pd.DataFrame, texts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Drop recorded votes that contradict their own text, so that no score rests on them.

    1. A text recorded 'Adopted unanimously' cannot include a 'no': its member votes are corrupt (most of the
       source's 1995 block, IDs 81-136, and 1093/1385).
    2. Seats are then read from the remaining votes (:func:`council_years`); votes of members not seated are dropped.
    3. An adopted text with a permanent member's 'no' is possible only on procedural votes (e.g. 2623 of 2022);
       where the text also lists elected members not seated that year, its votes are corrupt and dropped.
    ``texts.vote_check`` says which rule removed a text's votes ('ok' otherwise).
    """
    texts = texts.assign(vote_check="ok")
    t = texts.set_index("key")
    has_no = votes["vote"].eq("no").groupby(votes["key"]).any()
    unan = t["outcome"].eq("Adopted unanimously").reindex(has_no.index).fillna(False)
    bad1 = set(has_no.index[has_no & unan])
    votes = votes[~votes["key"].isin(bad1)]
    seats = council_years(votes)
    seat_key = seats.assign(seated=True)
    v = votes.merge(seat_key, on=["iso3", "year"], how="left")
    stray = v[v["seated"].isna()].groupby("key").size()
    adopted = t["outcome"].str.startswith("Adopted").fillna(False)
    p5_no = v[v["iso3"].isin(P5) & (v["vote"] == "no")]["key"].unique()
    bad3 = {k for k in p5_no if adopted.get(k, False) and k in stray.index}
    votes = v[v["seated"].notna() & ~v["key"].isin(bad3)].drop(columns="seated")
    texts.loc[texts["key"].isin(bad1), "vote_check"] = "dropped: 'no' on a unanimous adoption"
    texts.loc[texts["key"].isin(bad3), "vote_check"] = "dropped: permanent 'no' on an adopted text, unseated voters"
    return votes.reset_index(drop=True), texts, seats


def council_years(votes: pd.DataFrame) -> pd.DataFrame:
    """(iso3, year) in which a state sat on the Council as the vote data show it: every permanent member, and an
    elected member that voted on at least half of the year's texts (the 1994-2025 source lists wrong elected
    members on most 1995 drafts and a few stray rows elsewhere; those votes are dropped, not scored)."""
    per_year = votes.groupby("year")["key"].nunique()
    n = votes.groupby(["iso3", "year"])["key"].nunique().reset_index(name="n")
    share = n["n"] / n["year"].map(per_year)
    keep = n["iso3"].isin(P5) | (share >= SEAT_SHARE)
    return n.loc[keep, ["iso3", "year"]].reset_index(drop=True)


def member_votes(wh: Warehouse, data: UnscData | None = None) -> pd.DataFrame:
    """Long table of recorded votes joined to their text: key, year, iso3, vote, date, draft, resolution, agenda,
    outcome, source (seated members only)."""
    d = data or load(wh)
    return d.votes.merge(d.texts.drop(columns="year"), on="key")


# ------------------------------------------------------------------------------------------------ vetoes


def _veto_events(wh: Warehouse, votes: pd.DataFrame, texts: pd.DataFrame) -> pd.DataFrame:
    """One row per (vetoed text, vetoing member): ``unsc_vetoes`` (1946 to July 2022) first, then vetoed drafts it
    lacks (later ones, private-meeting and orally revised texts) from the vote data, where a veto is a permanent
    member's 'no' on a text recorded 'Not adopted - veto'. A China veto before 25 Oct 1971 is the ROC's (TWN)."""
    v = wh.query("SELECT year, date, draft, agenda_item, crisis_topic, iso3_veto1, iso3_veto2, iso3_veto3 "
                 "FROM unsc_vetoes")
    v["key"] = norm_symbol(v["draft"])
    v["agenda"] = v["agenda_item"].fillna("").astype(str) + " | " + v["crisis_topic"].fillna("").astype(str)
    long = v.melt(id_vars=["key", "year", "date", "agenda"], value_vars=["iso3_veto1", "iso3_veto2", "iso3_veto3"],
                  value_name="iso3").dropna(subset=["iso3"])
    long = long.assign(date=pd.to_datetime(long["date"]).dt.date, source="unsc_vetoes")
    vetoed = texts[texts["outcome"].str.contains("veto", case=False, na=False)
                   & ~texts["draft"].isin(set(long["key"]))]
    mv = votes[votes["key"].isin(vetoed["key"]) & votes["iso3"].isin(P5) & (votes["vote"] == "no")]
    mv = mv.merge(vetoed[["key", "date", "agenda"]], on="key").assign(source="unsc_member_votes")
    cols = ["key", "date", "year", "iso3", "agenda", "source"]
    out = pd.concat([long[cols], mv[cols]], ignore_index=True)
    out["year"] = out["year"].astype("int64")
    out["iso3"] = out["iso3"].astype("string")
    roc = (out["iso3"] == "CHN") & (pd.to_datetime(out["date"]) < pd.Timestamp(PRC_SEAT))
    out.loc[roc, "iso3"] = "TWN"
    # a vetoes-table symbol that the vote data hold under 'symbol #ID' takes the key of the ID the vetoer voted 'no'
    cand = (texts.loc[texts["outcome"].str.contains("veto", case=False, na=False), ["draft", "key"]]
            .rename(columns={"draft": "vkey", "key": "tkey"}).dropna())
    cand = cand[cand["tkey"] != cand["vkey"]].merge(votes[votes["vote"] == "no"][["key", "iso3"]],
                                                    left_on="tkey", right_on="key").drop(columns="key")
    out = out.merge(cand.drop_duplicates(["vkey", "iso3"]), left_on=["key", "iso3"], right_on=["vkey", "iso3"],
                    how="left")
    out["key"] = out["tkey"].fillna(out["key"])
    return out.drop(columns=["vkey", "tkey"]).drop_duplicates(["key", "iso3"]).reset_index(drop=True)


def veto_events(wh: Warehouse, data: UnscData | None = None) -> pd.DataFrame:
    """One row per (vetoed text, vetoing member), 1946-2025: key, date, year, iso3, agenda, source."""
    return (data or load(wh)).vetoes


def _permanent(iso3: pd.Series, year: pd.Series) -> pd.Series:
    """Holder of a permanent seat in the year (China: the ROC to 1971, the PRC from 1971; 1971 counts for both)."""
    p = iso3.isin(["FRA", "GBR", "RUS", "USA"])
    p |= (iso3 == "CHN") & (year >= PRC_SEAT.year)
    p |= (iso3 == "TWN") & (year <= PRC_SEAT.year)
    return p & (year >= 1946)


# ---------------------------------------------------------------------------------------------- co-voting


def covoting(votes: pd.DataFrame, states: list[str] | None = None) -> pd.DataFrame:
    """Per year and pair of members: ``n_joint`` texts both voted on, ``n_identical`` and ``agree`` = their share
    of identical votes (yes/no/abstain; an abstention against a yes or a no counts as different)."""
    v = votes[["key", "year", "iso3", "vote"]]
    v = v[v["vote"].isin(CAST)]  # a member listed without a vote (or a text adopted without one) is not compared
    if states is not None:
        v = v[v["iso3"].isin(states)]
    j = v.merge(v, on=["key", "year"], suffixes=("_a", "_b"))
    j = j[j["iso3_a"] < j["iso3_b"]]
    j = j.assign(same=(j["vote_a"] == j["vote_b"]).astype(float))
    out = (j.groupby(["iso3_a", "iso3_b", "year"], as_index=False)
           .agg(n_joint=("same", "size"), n_identical=("same", "sum"), agree=("same", "mean")))
    out["n_identical"] = out["n_identical"].astype("int64")
    return out.rename(columns={"iso3_a": "a", "iso3_b": "b"})


def p5_covoting(wh: Warehouse, years: tuple[int, int] | None = None, topic: str | None = None,
                data: UnscData | None = None) -> pd.DataFrame:
    """CHN and RUS against USA, GBR and FRA, and CHN against RUS: one row per year with the share of identical
    votes per pair (columns ``CHN-USA`` ... ``CHN-RUS``) and ``n_texts`` voted on. ``topic`` restricts the texts."""
    d = data or load(wh)
    votes = d.votes
    if topic is not None:
        votes = votes[votes["key"].isin(set(unsc_texts(wh, topic, data=d)["symbol"]))]
    cv = covoting(votes, list(P5))
    if years is not None:
        cv = cv[cv["year"].between(*years)]
    label = {tuple(sorted((x, w))): f"{x}-{w}" for x in ("CHN", "RUS") for w in WEST}
    label[("CHN", "RUS")] = "CHN-RUS"
    cv["pair"] = [label.get((a, b)) for a, b in zip(cv["a"], cv["b"])]
    wide = cv.dropna(subset=["pair"]).pivot(index="year", columns="pair", values="agree")
    cast = votes[votes["iso3"].isin(P5) & votes["vote"].isin(CAST)]
    n = cast.groupby("year")["key"].nunique().rename("n_texts")
    out = wide.reindex(columns=list(label.values())).join(n, how="left").reset_index()
    out["source"] = _year_sources(d, out["year"].to_numpy())
    return out


def _year_sources(d: UnscData, years: np.ndarray) -> np.ndarray:
    """Per year, the vote datasets behind the co-voting: before 1994 adopted resolutions only (UN DL)."""
    src = d.texts.assign(s=d.texts["source"].astype(str).str.split("+")).explode("s")
    per = src.groupby("year")["s"].agg(lambda x: "+".join(sorted(set(x) - {"chr_unsc_dprk"})))
    out = pd.Series(years).map(per).fillna("").to_numpy(dtype=object)
    early = years < VOTES_FIRST_YEAR
    out[early] = np.where(out[early] != "", out[early] + " (adopted resolutions only)", "")
    return out


# ----------------------------------------------------------------------------------------- texts by topic


def topic_pattern(topic: str) -> tuple[str | None, str]:
    """(ISO3 or None, regex) for a topic given as a state (code or name) or as a keyword."""
    if not isinstance(topic, str) or not topic.strip() or len(topic) > 100:
        raise UsageError(f"invalid topic {topic!r}", hint="give a state (DPRK, PRK, Syria) or a keyword (Yemen)")
    t = topic.strip()
    iso = _TOPIC_ALIASES.get(t.upper()) or (t.upper() if t.upper() in TOPIC_PATTERNS else None) or _resolve(t)
    if iso is not None:
        pat = TOPIC_PATTERNS.get(iso)
        if pat is None:
            name = _state_name(iso)
            pat = re.escape(name) if name else re.escape(t)
        return iso, pat
    return None, re.escape(t)


def _resolve(value: str) -> str | None:
    try:
        from .. import states
        return states.resolve(value).iso3
    except Exception:  # not a state: the topic is a keyword
        return None


def _state_name(iso3: str) -> str | None:
    try:
        from .. import states
        return states.name(iso3)
    except Exception:
        return None


def _tally(votes: pd.DataFrame) -> pd.DataFrame:
    t = votes.groupby(["key", "vote"]).size().unstack("vote", fill_value=0)
    t = t.reindex(columns=["yes", "no", "abstain"], fill_value=0)
    return t.rename(columns={"yes": "n_yes", "no": "n_no", "abstain": "n_abstain"})


def _p5_wide(long: pd.DataFrame) -> pd.DataFrame:
    p = long[long["iso3"].isin(P5)].drop_duplicates(["key", "iso3"]).set_index(["key", "iso3"])["vote"]
    return p.unstack("iso3").reindex(columns=list(P5)).astype("string")


_OUTCOME = {"resolution": "Adopted", "prst": "Presidential statement (consensus)", "failed_draft": "Not adopted",
            "draft_not_voted": "Not put to a vote"}


def unsc_texts(wh: Warehouse, topic: str, *, data: UnscData | None = None) -> pd.DataFrame:
    """Every Council text on a topic: resolutions and failed drafts put to a vote (1994-2025), vetoed drafts
    (1946-2025), and for the DPRK the curated chronology (702 of 1991, 825 of 1993, PRSTs, the Dec 2019 draft).

    One row per text: ``date, year, symbol, draft, kind, outcome, n_yes, n_no, n_abstain, CHN, FRA, GBR, RUS, USA,
    vetoed_by, agenda, source``. A permanent member's vote is yes/no/abstain, 'veto' (its 'no' defeated the draft),
    'not_voting' (listed without a vote: absent or not participating), 'consensus' (PRSTs), 'sponsor' (never-voted
    drafts), 'no_vote' (adopted without a vote) or NA (not in the data). ``vetoed_by`` lists the vetoing members
    (NA: no veto recorded; :func:`vetoed_by_label` tells "none" from "unknown" for display).
    """
    iso, pat = topic_pattern(topic)
    d = data or load(wh)
    rx = re.compile(pat, re.IGNORECASE)
    meta = d.texts[d.texts["agenda"].str.contains(rx, na=False)].set_index("key")
    on = d.votes[d.votes["key"].isin(meta.index)]
    texts = pd.DataFrame({
        "date": meta["date"], "year": meta["year"], "symbol": meta.index, "draft": meta["draft"],
        "kind": np.where(meta["resolution"].notna(), "resolution", "failed_draft"),
        "outcome": meta["outcome"], "agenda": meta["agenda"], "source": meta["source"],
    }, index=meta.index).join(_tally(on)).join(_p5_wide(on))

    vt = d.vetoes[d.vetoes["agenda"].str.contains(rx, na=False) | d.vetoes["key"].isin(texts.index)]
    new = vt[~vt["key"].isin(texts.index)].drop_duplicates("key").set_index("key")
    if len(new):  # vetoed drafts outside the vote data (before 1994, private meetings)
        add = pd.DataFrame({"date": new["date"], "year": new["year"], "symbol": new.index, "draft": new.index,
                            "kind": "failed_draft", "outcome": "Not adopted - veto", "agenda": new["agenda"],
                            "source": new["source"]}, index=new.index)
        fv = d.failed[d.failed["key"].isin(new.index)]
        texts = pd.concat([texts, add.join(_tally(fv)).join(_p5_wide(fv))])
    texts["vetoed_by"] = vt.groupby("key")["iso3"].agg(lambda s: ";".join(sorted(s))).reindex(texts.index)
    texts["vetoed_by"] = texts["vetoed_by"].astype("string")
    for m in P5:
        texts[m] = texts[m].astype("string")
        texts.loc[texts["vetoed_by"].str.contains(m, na=False).to_numpy(), m] = "veto"

    if iso == "PRK" and d.dprk is not None:
        texts = _merge_dprk(texts, d)
    for c in ("n_yes", "n_no", "n_abstain"):
        texts[c] = texts[c].astype("Int64")
    texts["year"] = texts["year"].astype("int64")
    cols = ["date", "year", "symbol", "draft", "kind", "outcome", "n_yes", "n_no", "n_abstain", *P5, "vetoed_by",
            "agenda", "source"]
    extra = [c for c in texts.columns if c not in cols]
    return texts[cols + extra].sort_values(["date", "symbol"]).reset_index(drop=True)


def vetoed_by_label(texts: pd.DataFrame) -> pd.Series:
    """``vetoed_by`` for display: 'none' where the data say that no veto was cast (adopted texts, PRSTs, drafts
    never put to a vote, failed drafts with recorded votes and no permanent 'no'); NA only where it is unknown (a
    failed draft without recorded votes)."""
    v = texts["vetoed_by"].astype("string")
    no_veto = texts["kind"].isin(["resolution", "prst", "draft_not_voted"]).to_numpy()
    # a failed draft with recorded votes and no vetoer failed for lack of votes
    known = texts[list(P5)].notna().any(axis=1).to_numpy() & ~texts["outcome"].astype("string").str.contains(
        "veto", case=False).fillna(False).to_numpy()
    return v.where(v.notna() | ~(no_veto | known), "none")


def _merge_dprk(texts: pd.DataFrame, d: UnscData) -> pd.DataFrame:
    """Add the curated DPRK rows (chr_unsc_dprk): texts the topic filter or the vote data lack (702, 825, PRSTs,
    the Dec 2019 draft, the cross-regime 2664) and, on every row it has, trigger, measures and confidence. Its dates
    replace the heuristically repaired dates of the vote data."""
    c = d.dprk
    missing = c.index.difference(texts.index)
    if len(missing):
        m = c.loc[missing]
        mv = d.votes[d.votes["key"].isin(missing)]  # e.g. 2664, on the agenda 'general issues of sanctions'
        add = pd.DataFrame({"date": m["date"], "year": pd.to_datetime(m["date"]).dt.year, "symbol": m.index,
                            "draft": d.texts.set_index("key")["draft"].reindex(m.index), "kind": m["kind"],
                            "outcome": m["kind"].map(_OUTCOME), "agenda": m["trigger"], "source": "chr_unsc_dprk"},
                           index=m.index).join(_tally(mv)).join(_p5_wide(mv))
        got = add.index.isin(mv["key"])
        add.loc[got, "source"] = "unsc_member_votes+chr_unsc_dprk"
        for col, src in (("n_yes", "vote_yes"), ("n_no", "vote_no"), ("n_abstain", "vote_abstain")):
            add.loc[~got, col] = m.loc[add.index[~got], src].to_numpy()
        for m5 in P5:
            add[m5] = add[m5].astype("string")
        for m5, src in (("CHN", "chn_vote"), ("RUS", "rus_vote")):
            fill = add[m5].isna().to_numpy()
            add.loc[fill, m5] = m.loc[add.index[fill], src].replace(_CHR_VOTE).to_numpy()
        add.loc[(add["kind"] == "prst").to_numpy(), list(P5)] = "consensus"  # a PRST needs every member's consent
        vetoers = add[list(P5)].eq("veto")
        add["vetoed_by"] = vetoers.apply(lambda r: ";".join(r.index[r]), axis=1).replace("", pd.NA).astype("string")
        texts = pd.concat([texts, add])
    for col in ("trigger", "measures", "confidence"):
        texts[col] = c[col].reindex(texts.index)
    texts["chronology_source"] = c["source"].reindex(texts.index)
    both = texts.index.isin(c.index) & ~texts["source"].str.contains("chr_unsc_dprk").to_numpy()
    texts.loc[both, "date"] = c["date"].reindex(texts.index[both]).to_numpy()
    texts.loc[both, "source"] = texts.loc[both, "source"] + "+chr_unsc_dprk"
    return texts


# ------------------------------------------------------------------------------------- the DPRK timeline


@functools.lru_cache(maxsize=1)
def stringency_codes() -> pd.DataFrame:
    """The curated sanctions-stringency codes (``data/unsc_dprk_stringency.csv``): symbol, date, kind, code 0-5,
    label, poe (established / renewed / renewal_vetoed), scope (dprk / cross_regime), reason, source.
    0 none/other < 1 condemnation/demands < 2 arms and WMD items < 3 financial < 4 sectoral export bans < 5 caps on
    oil imports / labour; a text's code is the highest rung of the measures it itself imposes (or would have)."""
    with resources.files("alignwatch.data").joinpath("unsc_dprk_stringency.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"code": "int64"}, keep_default_na=False, na_values=[""])


STRINGENCY_LABELS = {0: "none/other", 1: "condemnation/demands", 2: "arms and WMD items", 3: "financial",
                     4: "sectoral export bans", 5: "caps on oil imports / labour"}


def unsc_timeline(wh: Warehouse, topic: str = "DPRK", *, data: UnscData | None = None) -> pd.DataFrame:
    """Every Council text on a topic, oldest first. For the DPRK also: ``poe`` (Panel of Experts established /
    renewed / renewal vetoed), ``stringency`` (0-5) with label, reason and source, and ``regime_stringency`` (the
    highest code among adopted DPRK-specific texts so far: the level of the sanctions regime in force).

    The DPRK timeline starts in 1991, with the curated chronology and the DPRK's UN membership: the Korean War
    texts of 1950 (82-85, on "aggression upon the Republic of Korea") are not Council action on a member state and
    stay with ``unsc_texts``."""
    t = unsc_texts(wh, topic, data=data)
    if topic_pattern(topic)[0] != "PRK":
        return t
    t = t[t["year"] >= CHRONOLOGY_FIRST_YEAR].reset_index(drop=True)
    s = stringency_codes().set_index("symbol")
    for col, src in (("stringency_label", "label"), ("poe", "poe"), ("scope", "scope"),
                     ("stringency_reason", "reason"), ("stringency_source", "source")):
        t[col] = s[src].reindex(t["symbol"]).astype("string").to_numpy()
    t["stringency"] = pd.array(s["code"].reindex(t["symbol"]).to_numpy(), dtype="Int64")
    adopted = t["kind"].eq("resolution") & t["scope"].eq("dprk")
    level = t["stringency"].where(adopted).astype("Float64").cummax().ffill()
    t["regime_stringency"] = level.round().astype("Int64")
    return t


# ------------------------------------------------------------------------------------------ the family


# `dyad --measure all` shows the first two: the co-voting score, or for an unseated member the partner's votes on it
COLUMNS = ("agree", "topic_votes", "n_joint", "vetoes_a", "vetoes_b", "joint_vetoes", "joint_veto_drafts",
           "topic_texts", "topic_vetoes")


def panel(wh: Warehouse, d: UnscData, states: list[str] | None = None,
          years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Dyad-years of Council behaviour from loaded tables (:func:`load`); ``score`` = ``agree`` (share of identical
    votes on texts both voted on). The family's table; tests hand in small loaded tables."""
    if states is None:
        states = sorted(set(d.seats["iso3"]) | set(P5))
    states = sorted(set(states))
    lo, hi = years or (1946, dt.date.today().year)
    out = (pd.DataFrame(list(itertools.combinations(states, 2)), columns=["a", "b"])
           .merge(pd.DataFrame({"year": np.arange(lo, hi + 1, dtype="int64")}), how="cross"))

    # co-voting: NA outside the years with recorded votes, or unless both were seated
    # seated: a permanent member, or an elected member the vote data show on the Council that year
    seated = d.seats.assign(seat=True)
    sa = out.merge(seated.rename(columns={"iso3": "a"}), on=["a", "year"], how="left")["seat"].notna().to_numpy()
    sb = out.merge(seated.rename(columns={"iso3": "b"}), on=["b", "year"], how="left")["seat"].notna().to_numpy()
    sa = sa | _permanent(out["a"], out["year"]).to_numpy()
    sb = sb | _permanent(out["b"], out["year"]).to_numpy()
    both = sa & sb & out["year"].between(d.first_year, d.last_year).to_numpy()
    cv = covoting(d.votes, states)[["a", "b", "year", "n_joint", "agree"]]
    out = out.merge(cv, on=["a", "b", "year"], how="left")
    out["n_joint"] = out["n_joint"].fillna(0).where(both).astype("Int64")
    out["agree"] = out["agree"].where(both)

    # vetoes cast (permanent members only, 1946..last year), joint vetoes with their symbols
    vlast = max(d.last_year, int(d.vetoes["year"].max()))
    per = d.vetoes.groupby(["iso3", "year"]).size().rename("n").reset_index()
    for side in ("a", "b"):
        n = out[[side, "year"]].merge(per.rename(columns={"iso3": side}), on=[side, "year"], how="left")["n"]
        ok = (_permanent(out[side], out["year"]) & out["year"].between(1946, vlast)).to_numpy()
        out[f"vetoes_{side}"] = pd.array(np.where(ok, n.fillna(0).to_numpy(), np.nan), dtype="Float64").astype("Int64")
    ev = d.vetoes
    jv = ev.merge(ev[["key", "iso3"]], on="key", suffixes=("_a", "_b"))
    jv = jv[jv["iso3_a"] < jv["iso3_b"]].rename(columns={"iso3_a": "a", "iso3_b": "b"})
    sym = jv["key"].str.replace(r" #\d+$", "", regex=True)  # 'S/2020/667 #1713' reads as its symbol
    jv = jv.assign(label=sym + " (" + jv["date"].astype(str) + ", " + jv["agenda"].map(_short_agenda) + ")")
    jagg = (jv.sort_values("date").groupby(["a", "b", "year"])
            .agg(joint_vetoes=("key", "size"), joint_veto_drafts=("label", "; ".join)).reset_index())
    out = out.merge(jagg, on=["a", "b", "year"], how="left")
    okj = (_permanent(out["a"], out["year"]) & _permanent(out["b"], out["year"])
           & out["year"].between(1946, vlast)).to_numpy()
    jn = np.where(okj, out["joint_vetoes"].fillna(0), np.nan)
    out["joint_vetoes"] = pd.array(jn, dtype="Float64").astype("Int64")
    out["joint_veto_drafts"] = out["joint_veto_drafts"].astype("string").where(okj)

    out = _topic_columns(wh, d, out, states, sa, sb)
    out["score"] = out["agree"]
    # the datasets behind each row: the vote data of the year, vetoes from 1946, the DPRK chronology
    yr = out["year"].to_numpy()
    votes_src = _year_sources(d, np.arange(lo, hi + 1))
    per_year = np.where(votes_src != "", votes_src + "; unsc_vetoes", "unsc_vetoes")
    dprk = (out["topic_texts"].notna() & (out["a"].eq("PRK") | out["b"].eq("PRK"))).to_numpy()
    out["source"] = per_year[yr - lo] + np.where(dprk, "; chr_unsc_dprk", "")
    return out[["a", "b", "year", *COLUMNS, "score", "source"]]


def _short_agenda(s: str) -> str:
    """The shorter, more specific half of 'agenda item | topic', for a one-line label."""
    parts = [p.strip() for p in str(s).split("|") if p.strip()]
    if not parts:
        return "?"
    return min(parts, key=len)[:45]


def _topic_columns(wh: Warehouse, d: UnscData, out: pd.DataFrame, states: list[str], sa: np.ndarray,
                   sb: np.ndarray) -> pd.DataFrame:
    """For a dyad with a member not seated that year (the DPRK never was): Council texts on that member and the
    other member's votes on them.

    ``topic_texts``: number of texts on the unseated member(s) in the year (NA when both were seated, and outside
    the topic's coverage: 1994-2025, from 1991 for the DPRK with the chronology; the cross-regime 2664 is not
    counted). ``topic_votes``: e.g. 'RUS on PRK: yes 1, veto 1' (only when the other member was seated).
    """
    n_out = len(out)
    counts_out = np.full(n_out, np.nan)
    votes_out = np.full(n_out, None, dtype=object)
    vetoes_out = np.full(n_out, None, dtype=object)
    yr = out["year"].to_numpy()
    scope = stringency_codes().set_index("symbol")["scope"]
    # recorded votes with a vetoer's 'no' read as 'veto', built once for every topic
    lv = d.votes.merge(d.vetoes[["key", "iso3"]].assign(vetoed=True), on=["key", "iso3"], how="left")
    lv["vote"] = lv["vote"].where(lv["vetoed"].isna(), "veto")
    for s in states:
        sel_a = (out["a"] == s).to_numpy() & ~sa
        sel_b = (out["b"] == s).to_numpy() & ~sb
        if not (sel_a.any() or sel_b.any()):
            continue
        if s == "PRK" and d.dprk is not None:  # with the curated chronology (PRSTs, 825, the 2019 draft)
            t = unsc_texts(wh, s, data=d)
            t = t[scope.reindex(t["symbol"]).fillna("dprk").to_numpy() == "dprk"]
            years, long, first = t["year"], _text_votes(t, d), CHRONOLOGY_FIRST_YEAR
            vet = t.dropna(subset=["vetoed_by"])[["symbol", "year", "date", "vetoed_by"]]
        else:
            if s not in TOPIC_PATTERNS and _state_name(s) is None:
                continue
            rx = re.compile(topic_pattern(s)[1], re.IGNORECASE)
            on = d.texts[d.texts["agenda"].str.contains(rx, na=False)]
            years, long, first = on["year"], lv[lv["key"].isin(on["key"])], d.first_year
            ev = d.vetoes[d.vetoes["key"].isin(on["key"]) | d.vetoes["agenda"].str.contains(rx, na=False)]
            vet = (ev.sort_values("iso3").groupby("key")
                   .agg(year=("year", "first"), date=("date", "first"), vetoed_by=("iso3", ";".join))
                   .reset_index().rename(columns={"key": "symbol"}))
        counts = years.value_counts()
        summary = _vote_summary(long, s)
        vet = vet.sort_values(["date", "symbol"])
        vet_label = (vet["symbol"].str.replace(r" #\d+$", "", regex=True) + " (" + vet["date"].astype(str) + ": "
                     + vet["vetoed_by"].str.replace(";", "+") + " veto)")
        vet_year = vet_label.groupby(vet["year"].to_numpy()).agg("; ".join).to_dict()
        for sel, other, other_seated in ((sel_a, out["b"].to_numpy(), sb), (sel_b, out["a"].to_numpy(), sa)):
            idx = np.flatnonzero(sel)
            if not idx.size:
                continue
            inside = (yr[idx] >= first) & (yr[idx] <= d.last_year)
            n = counts.reindex(yr[idx]).fillna(0).to_numpy()
            counts_out[idx] = np.where(inside, np.nan_to_num(counts_out[idx]) + n, np.nan)
            for i in idx:
                v = vet_year.get(int(yr[i]))
                if v:
                    vetoes_out[i] = v if vetoes_out[i] is None else f"{vetoes_out[i]}; {v}"
            for i, ok in zip(idx, inside):
                txt = summary.get((other[i], int(yr[i]))) if ok and other_seated[i] else None
                if txt:
                    votes_out[i] = txt if votes_out[i] is None else f"{votes_out[i]}; {txt}"
    out["topic_texts"] = pd.array(counts_out, dtype="Float64").astype("Int64")
    out["topic_votes"] = pd.array(votes_out, dtype="string")
    out["topic_vetoes"] = pd.array(vetoes_out, dtype="string")
    return out


def _text_votes(texts: pd.DataFrame, d: UnscData) -> pd.DataFrame:
    """Long (key, year, iso3, vote) on the given texts: the permanent members' cells of the text table (which hold
    'veto', the curated CHN/RUS votes and PRST consensus), elected members' recorded votes, and 'consensus' for
    every elected member seated in the year of a PRST."""
    if texts.empty:
        return pd.DataFrame(columns=["key", "year", "iso3", "vote"])
    p5 = (texts.melt(id_vars=["symbol", "year"], value_vars=list(P5), var_name="iso3", value_name="vote")
          .dropna(subset=["vote"]).rename(columns={"symbol": "key"}))
    rec = d.votes[d.votes["key"].isin(texts["symbol"]) & ~d.votes["iso3"].isin(P5)]
    prst = texts.loc[texts["kind"] == "prst", ["symbol", "year"]].rename(columns={"symbol": "key"})
    cons = prst.merge(d.seats[~d.seats["iso3"].isin(P5)], on="year").assign(vote="consensus")
    cols = ["key", "year", "iso3", "vote"]
    return pd.concat([p5[cols], rec[cols], cons[cols]], ignore_index=True)


def _vote_summary(long: pd.DataFrame, topic_iso: str) -> dict:
    """(member, year) -> 'RUS on PRK: yes 1, veto 1', votes in the order of VOTE_CODES."""
    if long.empty:
        return {}
    c = long.groupby(["iso3", "year", "vote"]).size().unstack("vote", fill_value=0)
    c = c.reindex(columns=[v for v in VOTE_CODES if v in c.columns])
    out = {}
    for (iso, year), row in zip(c.index, c.to_numpy()):
        parts = [f"{v} {k}" for v, k in zip(c.columns, row) if k]
        out[(iso, int(year))] = f"{iso} on {topic_iso}: " + ", ".join(parts)
    return out


class Unsc(Family):
    name = "unsc"
    label = "UN Security Council: co-voting, vetoes, texts on a state"
    domain = "political"
    description = ("share of identical votes on texts both voted on (NA unless both seated; 1994-2025 every draft "
                   "put to a vote, 1946-1993 adopted resolutions only, UN Digital Library); vetoes and joint vetoes "
                   "(1946-2025); Council texts on an unseated member and the partner's votes on them")
    columns = COLUMNS
    coverage = (1946, 2025)
    citation = f"{CITATION_SC}; {CITATION_MEMBERS}; {CITATION_VETOES}; {CITATION_FAILED}; alignwatch chronology " \
               "(chr_unsc_dprk, each row cited)"
    docs = "docs/measures/unsc.md"

    def compute(self, wh: Warehouse, states, years, options: NoOptions, *, use_cache: bool = True) -> pd.DataFrame:
        return panel(wh, load(wh), states, years)

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        """The pair's co-voting per year; for a DPRK pair (never seated, so no co-voting) the Council's texts on
        the DPRK with the P5 votes on them."""
        from ..report import figures_family, figures_unsc

        table = self.pair_table(wh, first, second, years)
        if "PRK" in (first, second) and table["score"].isna().all():
            return figures_unsc.unsc_timeline_figure(wh, "DPRK")
        return figures_family.score_figure(self, table, first, second)


FAMILY = register(Unsc())
dyad_years = FAMILY.dyad_years
