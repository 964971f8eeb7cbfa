"""SIPRI Arms Transfers Database: the trade register of all suppliers and recipients, deliveries 1950-2024
(MANIFEST section 11d).

One row per *deal*, not per year: ``tiv_delivered`` is the deal's total in millions of SIPRI trend-indicator
values (1990 constant TIV, a volume measure, not money), and ``delivery_years`` lists the years of delivery
(``"1988; 1989"``). The measure spreads a deal evenly over its delivery years (an approximation: SIPRI does not
publish per-year figures in the register).

Countries are SIPRI *names*: ``Soviet Union`` (to 1991) and ``Russia`` are separate suppliers and both resolve to
RUS (one state in COW/GW). Non-state actors end in ``*`` and organisations in ``**``; they, the unknown
suppliers/recipients and three entities outside the state system are kept with an ISO3 of NA (listed in
:data:`NON_STATES`), so a recipient's total imports still include what it got from them. SIPRI covers major
conventional arms only: no small arms, no ammunition or artillery shells.

The transform renames the register's headers to snake_case, turns the three ``?`` uncertainty flags into booleans,
checks every delivery-year list, and numbers the deals (``deal_id``, file order): identical rows are separate deals.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import catalogue
from .publishers import copy
from .base import CountryCol, Dataset, RowProblem

CITATION = (
    "Stockholm International Peace Research Institute (SIPRI), SIPRI Arms Transfers Database, trade register "
    "1950-2024 (March 2025 release), https://www.sipri.org/databases/armstransfers"
)
_SNAPSHOT = "https://github.com/Aditya-1711/SIPRI-Military-Data-Project/raw/8239c4192419747429e42c142b5199b42a075fe4"

# Names in the register that are no state of the COW/GW system (kept, with iso3 NA). A new release that adds one
# stops the ingest with one line naming it, so that nothing is dropped or mapped silently.
NON_STATES = frozenset({
    # organisations (**)
    "African Union**", "European Union**", "NATO**", "OSCE**", "Regional Security System**", "United Nations**",
    # non-state actors (*)
    "ANC (South Africa)*", "Amal (Lebanon)*", "Anti-Castro rebels (Cuba)*", "Armas (Guatemala)*",
    "Contras (Nicaragua)*", "Darfur rebels (Sudan)*", "ELF (Ethiopia)*", "EPLF (Ethiopia)*", "FAN (Chad)*",
    "FMLN (El Salvador)*", "FNLA (Angola)*", "FRELIMO (Portugal)*", "GUNT (Chad)*", "Haiti rebels*",
    "Hamas (Palestine)*", "Hezbollah (Lebanon)*", "HoR (Libya)*", "Houthi rebels (Yemen)*", "Indonesia rebels*",
    "Khmer Rouge (Cambodia)*", "Kurdistan Regional Government (Iraq)*", "LF (Lebanon)*", "LRA (Uganda)*",
    "LTTE (Sri Lanka)*", "Lebanon Palestinian rebels*", "MNLF (Philippines)*", "MPLA (Portugal)*", "MTA (Myanmar)*",
    "Mujahedin (Afghanistan)*", "NLA (Macedonia)*", "NTC (Libya)*", "Northern Alliance (Afghanistan)*",
    "PAIGC (Portugal)*", "PKK (Turkiye)*", "PLO (Israel)*", "PRC (Israel/Palestine)*",
    "Palestinian Islamic Jihad (Israel/Palestine)*", "Pathet Lao (Laos)*", "Provisional IRA (UK)*",
    "RPF (Rwanda)*", "RUF (Sierra Leone)*", "SLA (Lebanon)*", "SNA (Somalia)*", "SPLA (Sudan)*",
    "Southern rebels (Yemen)*", "Syria rebels*", "UIC (Somalia)*", "UNITA (Angola)*", "Ukraine Rebels*",
    "United Wa State (Myanmar)*", "Viet Cong (South Vietnam)*", "Viet Minh (France)*", "ZAPU (Zimbabwe)*",
    "unknown rebel group*",
    # unknown parties and entities outside the state system
    "unknown recipient(s)", "unknown supplier(s)", "Biafra", "Katanga", "Northern Cyprus",
})

RENAME = {
    "Recipient": "recipient", "Supplier": "supplier", "Year of order": "order_year",
    "Number ordered": "number_ordered", "Weapon designation": "designation", "Weapon description": "description",
    "Number delivered": "number_delivered", "Year(s) of delivery": "delivery_years", "status": "status",
    "Comments": "comments", "SIPRI TIV per unit": "tiv_unit", "SIPRI TIV for total order": "tiv_order",
    "SIPRI TIV of delivered weapons": "tiv_delivered",
}
# the register's unnamed uncertainty columns follow these figures; the mirror names them "<figure> ?"
FLAGS = {"Year of order": "order_year_uncertain", "Number ordered": "number_ordered_uncertain",
         "Number delivered": "number_delivered_uncertain"}
FIRST_DELIVERY, LAST_DELIVERY = 1950, 2024
_YEARS = re.compile(r"^\s*\d{4}(\s*;\s*\d{4})*\s*$")


def _flag_column(tbl: pa.Table, figure: str) -> str | None:
    """The uncertainty column of a figure: ``"<figure> ?"`` (mirror) or the unnamed column right after it."""
    names = tbl.column_names
    if f"{figure} ?" in names:
        return f"{figure} ?"
    i = names.index(figure) + 1
    unnamed = i < len(names) and (names[i].startswith("Unnamed") or not names[i].strip(" .0123456789"))
    return names[i] if unnamed else None


def delivery_year_lists(text: pa.ChunkedArray) -> list[list[int] | None]:
    """``"1988; 1989"`` -> [1988, 1989]; None for a deal without deliveries. Raises RowProblem on anything else."""
    out: list[list[int] | None] = []
    for i, cell in enumerate(text.to_pylist()):
        if cell is None or not str(cell).strip():
            out.append(None)
            continue
        if not _YEARS.match(cell):
            raise RowProblem(f"delivery years {cell!r} are not a ';'-separated list of years",
                             row=i, column="Year(s) of delivery")
        years = [int(y) for y in cell.split(";")]
        bad = [y for y in years if not FIRST_DELIVERY <= y <= LAST_DELIVERY + 1]
        if bad:
            raise RowProblem(f"delivery year {bad[0]} outside {FIRST_DELIVERY}..{LAST_DELIVERY + 1}",
                             row=i, column="Year(s) of delivery")
        out.append(years)
    return out


def _register(tbl: pa.Table) -> pa.Table:
    lists = delivery_year_lists(tbl["Year(s) of delivery"])
    tiv = tbl["SIPRI TIV of delivered weapons"].to_numpy(zero_copy_only=False)
    no_years = np.array([y is None for y in lists])
    bad = np.flatnonzero(no_years & (np.nan_to_num(tiv.astype(float)) > 0))
    if bad.size:
        raise RowProblem("TIV delivered without any year of delivery; expected delivery years",
                         row=int(bad[0]), column="Year(s) of delivery")
    cols: dict[str, pa.ChunkedArray | pa.Array] = {"deal_id": pa.array(np.arange(tbl.num_rows, dtype=np.int64))}
    for orig, new in RENAME.items():
        cols[new] = tbl[orig]
        if orig in FLAGS:
            flag = _flag_column(tbl, orig)
            cols[FLAGS[orig]] = (pc.equal(pc.utf8_trim_whitespace(tbl[flag].cast(pa.string())), "?").fill_null(False)
                                 if flag else pa.nulls(tbl.num_rows, pa.bool_()))
    cols["first_delivery_year"] = pa.array([min(y) if y else None for y in lists], pa.int64())
    cols["last_delivery_year"] = pa.array([max(y) if y else None for y in lists], pa.int64())
    cols["iso3_recipient"] = tbl["iso3_recipient"]
    cols["iso3_supplier"] = tbl["iso3_supplier"]
    return pa.table(cols)


DATASETS = [
    Dataset(
        table="sipri_transfers",
        source="arms",
        path="arms/sipri_trade_register_1950_2024.parquet",
        url="https://www.sipri.org/databases/armstransfers",
        downloads=(catalogue.SIPRI_TRADE_REGISTER,
                   copy(f"{_SNAPSHOT}/data/trade-register.csv", "csv", "GitHub Aditya-1711/SIPRI-Military-Data-Project",
                        note="the uploader removed SIPRI's preamble; four deals with line-broken comments need the "
                             "mirror's repair")),
        citation=CITATION,
        columns={"Recipient": "str", "Supplier": "str", "Year of order": "int", "Number ordered": "int",
                 "Weapon designation": "str", "Weapon description": "str", "Number delivered": "int",
                 "Year(s) of delivery": "str", "status": "str", "Comments": "str", "SIPRI TIV per unit": "float",
                 "SIPRI TIV for total order": "float", "SIPRI TIV of delivered weapons": "float"},
        key=("deal_id",),
        ranges={"Year of order": (1900, LAST_DELIVERY + 1), "Number ordered": (0, None),
                "Number delivered": (0, None), "SIPRI TIV per unit": (0, None),
                "SIPRI TIV for total order": (0, None), "SIPRI TIV of delivered weapons": (0, None)},
        allowed={"status": frozenset({"New", "Second hand", "Second hand but modernized"})},
        countries=(CountryCol("Recipient", "name", out="iso3_recipient", allow=NON_STATES, nullable=False),
                   CountryCol("Supplier", "name", out="iso3_supplier", allow=NON_STATES, nullable=False)),
        coverage="last_delivery_year",
        transform=_register,
        note="one row per deal (deal_id = file order); tiv_* in millions of SIPRI TIV (1990 constant, not money); "
             "delivery_years ';'-separated; *_uncertain = SIPRI's '?' flag; Soviet Union and Russia both RUS; "
             "non-state actors (*), organisations (**) and unknown parties have iso3 NA. The publisher's register "
             "is generated on request at https://armstransfers.sipri.org (no static file), so the URL is the "
             "snapshot the mirror came from (GitHub Aditya-1711/SIPRI-Military-Data-Project @ 8239c419, "
             "data/trade-register.csv, 11-line preamble removed); the mirror names the three unnamed '?' columns "
             "'<figure> ?' and rejoins four deals whose comment held a line break.",
    ),
]
