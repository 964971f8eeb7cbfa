"""The three public event-data formats alignwatch reads, and the one normalised event table they all become.

GDELT 2.0, ICEWS and POLECAT each describe an event as *who did what to whom, when*: a source actor, a target actor,
an event type and a date, with a cooperation/conflict intensity. Only those columns are read; everything else in the
files (geography, sources, sectors, text) is ignored, so a file with extra columns still loads.

Normalised event table (one row per event; warehouse table ``ev_events_<format>``):

=============  ========  ==================================================================================
column         type      meaning
=============  ========  ==================================================================================
event_id       VARCHAR   the dataset's own event identifier (GDELT GlobalEventID, ICEWS/POLECAT Event ID)
date           DATE      the day the event took place (GDELT ``Day``; ICEWS/POLECAT ``Event Date``)
source         VARCHAR   source actor's country as written in the file (CAMEO/ISO3 code or country name)
target         VARCHAR   target actor's country as written in the file
source_iso3    VARCHAR   canonical ISO3 of ``source`` (``alignwatch.states.to_iso3``, year-aware); NA when the
                         actor has no country or a non-state code (CAMEO regions such as ``AFR``, ``WST``)
target_iso3    VARCHAR   canonical ISO3 of ``target``
event_code     VARCHAR   CAMEO event code with leading zeros (``"0231"``); the PLOVER event type for POLECAT
cameo_root     TINYINT   CAMEO root code 1..20 (the first two digits); NA for POLECAT (PLOVER is not CAMEO)
quad_class     TINYINT   1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict
goldstein      DOUBLE    Goldstein (1992) scale −10..+10 (GDELT ``GoldsteinScale``, ICEWS/POLECAT ``Intensity``)
dataset        VARCHAR   ``gdelt`` | ``icews`` | ``polecat`` | ``synth``
=============  ========  ==================================================================================

Quad classes: GDELT ships ``QuadClass``; POLECAT ships ``Quad Code``; ICEWS ships only the CAMEO code, so its quad class
is derived from the CAMEO root with GDELT's grouping (roots 01–05 verbal cooperation, 06–09 material cooperation,
10–14 verbal conflict, 15–20 material conflict; see :data:`ROOT_TO_QUAD`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}

#: CAMEO root -> quad class, the grouping GDELT uses for ``QuadClass`` (applied to ICEWS, which has no quad column).
ROOT_TO_QUAD = {r: (1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4) for r in range(1, 21)}

#: Names of the CAMEO root codes (Schrodt 2012, CAMEO manual v1.1b3), used for column labels and docs.
CAMEO_ROOTS = {
    1: "make public statement", 2: "appeal", 3: "express intent to cooperate", 4: "consult",
    5: "engage in diplomatic cooperation", 6: "engage in material cooperation", 7: "provide aid", 8: "yield",
    9: "investigate", 10: "demand", 11: "disapprove", 12: "reject", 13: "threaten", 14: "protest",
    15: "exhibit force posture", 16: "reduce relations", 17: "coerce", 18: "assault", 19: "fight",
    20: "use unconventional mass violence",
}

#: CAMEO actor country codes that name regions or blocs, not states: kept as NA (non-dyadic), never an error.
CAMEO_REGIONS = frozenset({
    "AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM", "MEA", "MDT", "NAF",
    "NMR", "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST",
})

#: POLECAT ``Quad Code`` spellings accepted (case- and separator-insensitive), besides the digits 1..4.
QUAD_NAMES = {name.replace(" ", ""): q for q, name in QUAD_CLASSES.items()} | {
    "verbalcoop": 1, "materialcoop": 2, "verbalconf": 3, "materialconf": 4,
}

#: The normalised event table (Arrow schema); :mod:`.load` writes it, :mod:`.synthetic` generates it.
EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()),
    ("date", pa.date32()),
    ("source", pa.string()),
    ("target", pa.string()),
    ("source_iso3", pa.string()),
    ("target_iso3", pa.string()),
    ("event_code", pa.string()),
    ("cameo_root", pa.int8()),
    ("quad_class", pa.int8()),
    ("goldstein", pa.float64()),
    ("dataset", pa.string()),
])
EVENT_COLUMNS = tuple(EVENT_SCHEMA.names)
EVENT_DDL = """(
    event_id VARCHAR, date DATE, source VARCHAR, target VARCHAR, source_iso3 VARCHAR, target_iso3 VARCHAR,
    event_code VARCHAR, cameo_root TINYINT, quad_class TINYINT, goldstein DOUBLE, dataset VARCHAR
)"""

# GDELT 2.0 Event Codebook (V2.0, 2015), "Event table" field order: 61 tab-separated columns, no header.
GDELT_COLUMNS = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)
assert len(GDELT_COLUMNS) == 61


@dataclass(frozen=True)
class EventFormat:
    """How one public format spells the columns of the normalised event table.

    ``names`` is the full column list of a headerless file (GDELT); formats with a header are matched by name, so
    their column order does not matter. ``country_scheme`` is passed to ``alignwatch.states.to_iso3``.
    """

    name: str
    label: str
    header: bool
    id: str
    date: str
    date_format: str  # strptime format of the date column
    source: str
    target: str
    country_scheme: str  # "iso3" (CAMEO actor country codes are ISO 3166 alpha-3) or "name"
    code: str
    code_kind: str  # "cameo" | "plover"
    quad: str | None  # None: derived from the CAMEO root (ROOT_TO_QUAD)
    goldstein: str
    goldstein_required: bool
    url: str
    citation: str
    names: tuple[str, ...] | None = None
    non_states: frozenset = frozenset()

    @property
    def table(self) -> str:
        return f"ev_events_{self.name}"

    @property
    def needed(self) -> tuple[str, ...]:
        cols = [self.id, self.date, self.source, self.target, self.code, self.quad, self.goldstein]
        return tuple(c for c in cols if c is not None)


GDELT = EventFormat(
    name="gdelt",
    label="GDELT 2.0 event export",
    header=False,
    names=GDELT_COLUMNS,
    id="GlobalEventID",
    date="Day",
    date_format="%Y%m%d",
    source="Actor1CountryCode",
    target="Actor2CountryCode",
    country_scheme="iso3",
    code="EventCode",
    code_kind="cameo",
    quad="QuadClass",
    goldstein="GoldsteinScale",
    goldstein_required=True,
    non_states=CAMEO_REGIONS,
    url="http://data.gdeltproject.org/gdeltv2/",
    citation=(
        "Kalev Leetaru and Philip A. Schrodt, 'GDELT: Global Data on Events, Location and Tone, 1979-2012', "
        "ISA Annual Convention 2013; GDELT 2.0 Event Database (gdeltproject.org), free to use with attribution"
    ),
)

ICEWS = EventFormat(
    name="icews",
    label="ICEWS Coded Event Data",
    header=True,
    id="Event ID",
    date="Event Date",
    date_format="%Y-%m-%d",
    source="Source Country",
    target="Target Country",
    country_scheme="name",
    code="CAMEO Code",
    code_kind="cameo",
    quad=None,
    goldstein="Intensity",
    goldstein_required=True,
    url="https://doi.org/10.7910/DVN/28075",
    citation=(
        "Elizabeth Boschee, Jennifer Lautenschlager, Sean O'Brien, Steve Shellman, James Starz and Michael Ward, "
        "'ICEWS Coded Event Data', Harvard Dataverse, doi:10.7910/DVN/28075"
    ),
)

POLECAT = EventFormat(
    name="polecat",
    label="POLECAT (PLOVER-coded) weekly event data",
    header=True,
    id="Event ID",
    date="Event Date",
    date_format="%Y-%m-%d",
    source="Actor Country",
    target="Recipient Country",
    country_scheme="iso3",
    code="Event Type",
    code_kind="plover",
    quad="Quad Code",
    goldstein="Intensity",
    goldstein_required=False,
    url="https://doi.org/10.7910/DVN/AJGVIT",
    citation=(
        "Andrew Halterman, Benjamin E. Bagozzi, Andreas Beger, Philip A. Schrodt and Grace I. Scarborough, "
        "'PLOVER and POLECAT: A New Political Event Ontology and Dataset' (2023); POLECAT Weekly Data, "
        "Harvard Dataverse, doi:10.7910/DVN/AJGVIT"
    ),
)

FORMATS: dict[str, EventFormat] = {f.name: f for f in (GDELT, ICEWS, POLECAT)}

#: Synthetic events (see :mod:`.synthetic`) use the normalised schema directly, under this dataset name.
SYNTH_DATASET = "synth"
DATASETS = (*FORMATS, SYNTH_DATASET)


def event_table(dataset: str) -> str:
    """The warehouse/Parquet table name holding one dataset's normalised events."""
    from ..errors import UsageError

    if dataset not in DATASETS:
        raise UsageError(f"unknown event dataset {dataset!r}", hint=f"use one of {', '.join(DATASETS)}")
    return f"ev_events_{dataset}"
