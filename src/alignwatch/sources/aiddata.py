"""AidData on Chinese official finance and public diplomacy (MANIFEST section 5).

* ``ev_aiddata_finance``: Geocoded Global Chinese Official Finance 2000-2014, one row per project *location*
  (a project with several places has several rows; ``country`` can list several recipients separated by ``;``).
* ``ev_aiddata_pd``: China Public Diplomacy Dashboard v2.0, country-year counts for 39 countries in East, South
  and Central Asia and the Pacific (North Korea included); NA in early years where not collected.
* ``ev_aiddata_pd_projects``: financial public-diplomacy project details 2000-2017 (56 columns).
"""

from __future__ import annotations

from .base import CountryCol, Dataset
from .publishers import copy

_WALKER_COPY = "GitHub gbwalker/chinese-diplomacy-and-financing"
_PD_COPY = "GitHub milesdwilliams15/chinese_media_and_foreign_aid"
_WALKER = "https://github.com/gbwalker/chinese-diplomacy-and-financing/raw/7b8fd3f6c0686ac95266f6d487b95816239fde48"
_PD = ("https://github.com/milesdwilliams15/chinese_media_and_foreign_aid/raw/"
       "6d4593b9f3398b8af691e7fb58d07c01b432afaa/01_data/PublicDiplomacy")

CITATION_FINANCE = (
    "AidData, Geocoded Global Chinese Official Finance, 2000-2014 (Axel Dreher, Andreas Fuchs, Bradley Parks, "
    "Austin M. Strange and Michael J. Tierney, 'Aid, China, and Growth: Evidence from a New Global Development "
    "Finance Dataset', AidData Working Paper 46); via GitHub gbwalker/chinese-diplomacy-and-financing (data/aiddf.rds)"
)
CITATION_PD = (
    "AidData, China's Public Diplomacy Dashboard v2.0 (Samantha Custer et al., 'Ties That Bind: Quantifying China's "
    "Public Diplomacy and Its Good Neighbor Effect', AidData at William & Mary, 2018); via GitHub "
    "milesdwilliams15/chinese_media_and_foreign_aid"
)
_PD_COUNTS = ("confucius_institutes", "sister_cities_established", "government_visits", "military_visits",
              "total_elite_visits", "ambassador_op_eds", "journalist_visits", "media_partnerships",
              "outbound_chinese_students", "inbound_students_to_china")

DATASETS = [
    Dataset(
        table="ev_aiddata_finance",
        source="aiddata",
        path="events/aiddata_china_official_finance_geocoded_2000_2014.parquet",
        url="https://www.aiddata.org/data/geocoded-chinese-global-official-finance-dataset",
        downloads=(copy(f"{_WALKER}/data/aiddf.rds", "rda", _WALKER_COPY),),
        citation=CITATION_FINANCE,
        columns={"id": "int", "year": "int", "country": "str", "place": "str", "sector": "str", "title": "str",
                 "funder": "str", "flow": "str", "flow_class": "str", "intent": "str", "usd_current": "float",
                 "latitude": "float", "longitude": "float"},
        ranges={"year": (2000, 2014), "usd_current": (0, None), "latitude": (-90, 90), "longitude": (-180, 180)},
        countries=(CountryCol("country", "name", split=";"),),
        coverage="year",
        note="one row per project location (id repeats); country may list several recipients ('Ghana; Zambia'); "
             "usd_current NA where the amount is unknown.",
        duplicates="one project location (id 46985) is listed twice in the source; kept as published",
    ),
    Dataset(
        table="ev_aiddata_pd",
        source="aiddata",
        path="events/aiddata_china_public_diplomacy_2000_2018.parquet",
        url="https://www.aiddata.org/china",
        downloads=(copy(f"{_PD}/ChinesePublicDiplomacy.csv", "csv", _PD_COPY),),
        citation=CITATION_PD,
        columns={"receiving_country": "str", "year": "int", **{c: "float" for c in _PD_COUNTS}},
        key=("receiving_country", "year"),
        ranges={"year": (2000, 2018), **{c: (0, None) for c in _PD_COUNTS}},
        countries=(CountryCol("receiving_country", "name", out="iso3", year="year", nullable=False),),
        coverage="year",
        note="39 countries only (East Asia and Pacific 2000-2016; South and Central Asia 2000-2018); NA = not "
             "collected, not zero.",
    ),
    Dataset(
        table="ev_aiddata_pd_projects",
        source="aiddata",
        path="events/aiddata_china_financial_public_diplomacy_projects.parquet",
        url="https://www.aiddata.org/china",
        downloads=(copy(f"{_PD}/ChineseFinancialPublicDiplomacyProjectDetails.csv", "csv", _PD_COPY),),
        citation=CITATION_PD,
        columns={"project_id": "int", "type": "str", "category": "str", "year": "int", "donor": "str",
                 "title": "str", "flow": "str", "flow_class": "str", "intent": "str", "amount": "float",
                 "usd_defl": "float", "usd_current": "float", "recipient_condensed": "str",
                 "recipient_iso3": "str"},
        key=("project_id",),
        ranges={"year": (1990, 2100)},
        countries=(CountryCol("recipient_iso3", "iso3", out="iso3", year="year"),),
        coverage="year",
        note="56 columns as in the AidData file; text columns are stored as strings.",
    ),
]
