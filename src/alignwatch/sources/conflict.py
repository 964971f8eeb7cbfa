"""Correlates of War wars and militarized interstate disputes with sides (MANIFEST section 11a).

Same-side pairs exist only at the participant level: the war participants' ``Side`` (1/2) and MID 5's ``sidea``
(1 = side A). Every dyadic file (the directed dyadic war list here, and peacesciencer's ``cow_war_inter``,
``cow_mid_dirdisps``, ``gml_dirdisp``) lists *opposing* dyads only, so co-belligerency is built from the
participant tables (``alignwatch.measures.cobelligerency``).

Original codes are kept: ``-8`` = not applicable (no second spell), ``-9`` = unknown (day or month). Canonical ISO3
is added year-aware from the COW codes (``iso3``; ``iso3_a`` / ``iso3_b`` for the directed dyads). The war list's
CSV has bare carriage-return line endings; both the CSV reader and the mirror's Parquet handle them.

URLs are the publisher's downloads on correlatesofwar.org; the mirror's files come from the GitHub snapshots named
in each ``note`` (the war files are byte-identical to the publisher's; the MID files are the CSVs of the MID 5.0
archive).
"""

from __future__ import annotations

from . import catalogue
from .publishers import copy, publisher, read_member
from .base import CountryCol, Dataset

_COW = "https://correlatesofwar.org/wp-content/uploads"
_BRICKLEQ = "GitHub brickleq/CoW @ 17f01c9ab60df6033b4508939fb55b749b23fac0"
_TBROWN = "GitHub tbrown122387/r_and_python_book @ 5306182e07baf6f6f565a203db39d8434328aea6"

WARS = (
    "Meredith Reid Sarkees and Frank Wayman (2010), Resort to War: 1816-2007, CQ Press (Correlates of War "
    "Inter-State War Data v4.0)"
)
DYADIC_WARS = (
    "Zeev Maoz, Paul L. Johnson, Jasper Kaplan, Fiona Ogunkoya and Aaron Shreve (2019), 'The Dyadic Militarized "
    "Interstate Disputes (MIDs) Dataset Version 3.0: Logic, Characteristics, and Comparisons to Alternative "
    "Datasets', Journal of Conflict Resolution 63(3): 811-835 (Correlates of War directed dyadic war data, May 2018)"
)
MID5 = (
    "Glenn Palmer, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, Mikaela Karstens, Chase Bloch, Nick "
    "Dietrich, Kayla Kahn, Kellan Ritter and Michael J. Soules (2022), 'The MID5 Dataset, 2011-2014: Procedures, "
    "Coding Rules, and Description', Conflict Management and Peace Science 39(4): 470-482 (Correlates of War MID 5.0)"
)

_DATE_PARTS = ("StartMonth1", "StartDay1", "StartYear1", "EndMonth1", "EndDay1", "EndYear1", "StartMonth2",
               "StartDay2", "StartYear2", "EndMonth2", "EndDay2", "EndYear2")
_HOSTLEV = (1, 5)  # 1 no militarized action, 2 threat, 3 display, 4 use of force, 5 war

DATASETS = [
    Dataset(
        table="cow_war_participants",
        source="conflict",
        path="conflict/cow_interstate_war_v4_participants.parquet",
        url="https://correlatesofwar.org/data-sets/cow-war/",
        downloads=(catalogue.COW_WAR_PARTICIPANTS,
                   copy("https://github.com/brickleq/CoW/raw/17f01c9ab60df6033b4508939fb55b749b23fac0/Resources/Inter-StateWarData_v4.0.csv", "csv", "GitHub brickleq/CoW",
                        read=catalogue.read_cr_csv)),
        citation=WARS,
        columns={"WarNum": "int", "WarName": "str", "WarType": "int", "ccode": "int", "StateName": "str",
                 "Side": "int", **{c: "int" for c in _DATE_PARTS}, "Initiator": "int", "Outcome": "int",
                 "BatDeath": "int"},
        key=("WarNum", "ccode", "Side"),
        ranges={"Side": (1, 2), "StartYear1": (1816, 2007), "EndYear1": (1816, 2007), "StartYear2": (-8, 2007),
                "EndYear2": (-8, 2007), "BatDeath": (-9, None)},
        countries=(CountryCol("ccode", "cow", out="iso3", year="StartYear1", nullable=False),),
        coverage="StartYear1",
        note="one row per war, state and side (a state that changed sides, e.g. Italy 1943, has a row per side); "
             "participation spells StartYear1..EndYear1 and, where StartYear2 > 0, StartYear2..EndYear2; -8 = not "
             f"applicable, -9 = unknown. Mirror: {_BRICKLEQ}, Resources/Inter-StateWarData_v4.0.csv (bare CR line "
             "endings), identical to the publisher's file.",
    ),
    Dataset(
        table="cow_war_directed_dyads",
        source="conflict",
        path="conflict/cow_directed_dyadic_war_2018.parquet",
        url="https://correlatesofwar.org/data-sets/cow-war/",
        downloads=(publisher(f"{_COW}/Dyadic-Interstate-War-Dataset.zip", "zip", catalogue.COW,
                             read=read_member("*directed_dyadic_war.csv", "csv")),
                   copy("https://github.com/brickleq/CoW/raw/17f01c9ab60df6033b4508939fb55b749b23fac0/Resources/Dyadic%20Interstate%20War%20Dataset/directed_dyadic_war.csv", "csv",
                        "GitHub brickleq/CoW")),
        citation=DYADIC_WARS,
        columns={"warnum": "int", "disno": "int", "statea": "int", "stateb": "int", "year": "int",
                 "warstrtyr": "int", "warendyr": "int", "wardyadrolea": "int", "wardyadroleb": "int",
                 "batdtha": "int", "batdthb": "int"},
        key=("warnum", "statea", "stateb", "year"),
        ranges={"year": (1816, 2007)},
        countries=(CountryCol("statea", "cow", out="iso3_a", year="year", nullable=False),
                   CountryCol("stateb", "cow", out="iso3_b", year="year", nullable=False)),
        coverage="year",
        note="opposing dyads only, one row per directed dyad-year of a war. It lists New Zealand (920) against PRK "
             "and CHN in the Korean War although the participant list does not. Original: directed_dyadic_war.csv "
             f"in the archive. Mirror: {_BRICKLEQ}, Resources/Dyadic Interstate War Dataset/directed_dyadic_war.csv.",
    ),
    Dataset(
        table="cow_mid_participants",
        source="conflict",
        path="conflict/cow_mid5_participants.parquet",
        url="https://correlatesofwar.org/data-sets/mids/",
        downloads=(catalogue.COW_MID_PARTICIPANTS, copy("https://github.com/tbrown122387/r_and_python_book/raw/5306182e07baf6f6f565a203db39d8434328aea6/data/MIDB%205.0.csv", "csv", "GitHub tbrown122387/r_and_python_book")),
        citation=MID5,
        columns={"dispnum": "int", "stabb": "str", "ccode": "int", "stday": "int", "stmon": "int", "styear": "int",
                 "endday": "int", "endmon": "int", "endyear": "int", "sidea": "int", "revstate": "int",
                 "fatality": "int", "hiact": "int", "hostlev": "int", "orig": "int"},
        key=("dispnum", "ccode", "styear", "stmon", "stday"),
        ranges={"sidea": (0, 1), "hostlev": _HOSTLEV, "styear": (1816, 2014), "endyear": (1816, 2014),
                "stmon": (1, 12), "endmon": (1, 12), "hiact": (0, 23)},
        countries=(CountryCol("ccode", "cow", out="iso3", year="styear", nullable=False),),
        coverage="styear",
        note="MIDB: one row per participant spell (a state that left and rejoined, or changed sides, has several); "
             "sidea 1 = side A; hostlev is the participant's own hostility level (1 none, 2 threat, 3 display, "
             "4 use of force, 5 war). stabb uses MID letters (USR for the USSR), so identity comes from ccode. "
             f"Original: 'MIDB 5.0.csv' in the archive. Mirror: {_TBROWN}, data/MIDB 5.0.csv.",
    ),
    Dataset(
        table="cow_mid_disputes",
        source="conflict",
        path="conflict/cow_mid5_disputes.parquet",
        url="https://correlatesofwar.org/data-sets/mids/",
        downloads=(catalogue.COW_MID_DISPUTES, copy("https://github.com/tbrown122387/r_and_python_book/raw/5306182e07baf6f6f565a203db39d8434328aea6/data/MIDA%205.0.csv", "csv", "GitHub tbrown122387/r_and_python_book")),
        citation=MID5,
        columns={"dispnum": "int", "styear": "int", "endyear": "int", "outcome": "int", "settle": "int",
                 "fatality": "int", "hiact": "int", "hostlev": "int", "recip": "int", "numa": "int", "numb": "int"},
        key=("dispnum",),
        ranges={"hostlev": _HOSTLEV, "styear": (1816, 2014), "endyear": (1816, 2014), "numa": (1, None),
                "numb": (1, None)},
        coverage="styear",
        note="MIDA: one row per dispute (highest action and hostility level of the dispute, numbers of states "
             f"on each side). Original: 'MIDA 5.0.csv' in the archive. Mirror: {_TBROWN}, data/MIDA 5.0.csv.",
    ),
]
