"""The family contract, checked for every registered family (as peacesciencer checks that every ``add_*`` keeps the
row count, and ruptures runs every search method with every cost): one test per family and rule, so a new family
is checked the moment it is registered.

Without data: the declarations (domain, columns, coverage, citation, docs page, typed options) and the one check of
states, years and options, which must refuse bad input before any table is read. With the real warehouse: the
output contract (canonical a < b, required columns, NA never 0 outside coverage or membership, ``source`` named),
the figure, and the user's order through the ``dyad`` command.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import pkgutil
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from alignwatch import measures
from alignwatch.cli import main
from alignwatch.errors import UsageError
from alignwatch.measures import families
from alignwatch.measures.registry import DOMAINS, REQUIRED_COLUMNS, Family, by_domain, is_directional, orient_columns

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = sorted(families())
# pairs of every kind the output contract is checked on: allies with data in most families, and a pair of which one
# state did not exist yet (South Sudan, a state from 2011) where every score must be NA, never 0
PAIRS = ("CHN", "PRK", "RUS")
NOT_YET = (["SDN", "SSD"], (2000, 2005))


@pytest.fixture(params=FAMILIES)
def fam(request) -> Family:
    return families()[request.param]


# --------------------------------------------------------------------------------------------- declarations


def test_every_family_module_is_registered():
    """A module that defines a family is in the registry (``families()`` lists the modules once)."""
    for info in pkgutil.iter_modules(measures.__path__):
        mod = importlib.import_module(f"alignwatch.measures.{info.name}")
        fam = getattr(mod, "FAMILY", None)
        if fam is not None:
            assert families().get(fam.name) is fam, f"{info.name} defines a family that families() does not list"
    assert len(FAMILIES) >= 15


def test_declarations(fam):
    assert isinstance(fam, Family) and families()[fam.name] is fam
    assert fam.domain in DOMAINS
    assert fam.label and fam.description and fam.citation
    assert fam.columns and all(isinstance(c, str) for c in fam.columns)
    lo, hi = fam.coverage
    assert 1800 <= lo <= hi <= 2100
    assert (ROOT / fam.docs).is_file(), f"{fam.name}: no docs page {fam.docs}"
    assert dataclasses.is_dataclass(fam.Options) and fam.Options.__dataclass_params__.frozen
    assert fam.options() == fam.Options()  # every option has a default


def test_index_weights_name_families_by_their_declared_domain():
    """The domain is declared once, with the family: the weights file only gives weights, and every family it
    weights sits in the section of its declared domain (what ``by_domain`` reads from a flat table)."""
    from alignwatch import index

    w = index.load_weights()
    assert by_domain({**w.political, **w.economic}) == {"political": w.political, "economic": w.economic}


# --------------------------------------------------------------------------------------- the one check


@pytest.mark.parametrize("states, years", [
    (["PRK"], None),  # fewer than two states
    (["PRK", "PRK"], None),  # one state twice
    (["PRK", "North Korea!"], None),  # not a code
    (["PRK", 7], None),
    ("'; DROP TABLE unga_votes; --", None),
    (["PRK", "CHN"], (2001, 2000)),  # reversed
    (["PRK", "CHN"], ("x", "y")),
    (["PRK", "CHN"], 2000),
])
def test_bad_states_and_years_are_refused_before_any_read(fam, tiny_wh, states, years):
    """The registry applies the check: an empty warehouse answers a bad argument with a UsageError (exit 2), not
    with the WarehouseError a read would raise."""
    with pytest.raises(UsageError):
        fam.dyad_years(tiny_wh(), states, years)


def test_unknown_option_is_refused(fam, tiny_wh):
    with pytest.raises(UsageError, match=f"the {fam.name} family has no option 'colour'"):
        fam.dyad_years(tiny_wh(), ["PRK", "CHN"], None, colour="red")


# ------------------------------------------------------------------------------------- the output contract


_TABLES: dict[str, pd.DataFrame] = {}


@pytest.fixture
def table(fam, real_wh) -> pd.DataFrame:
    """The family's table for the PRK-CHN-RUS dyads over its coverage and a few years either side (once)."""
    if fam.name not in _TABLES:
        lo, hi = fam.coverage
        _TABLES[fam.name] = fam.dyad_years(real_wh, list(PAIRS), (max(lo - 3, 1816), hi + 1))
    return _TABLES[fam.name]


@pytest.mark.data
def test_rows_follow_the_contract(fam, table):
    df = table
    missing = [c for c in (*REQUIRED_COLUMNS, *fam.columns) if c not in df.columns]
    assert not missing, f"{fam.name}: columns {missing} missing"
    assert len(df) and (df["a"].astype(str) < df["b"].astype(str)).all(), f"{fam.name}: a dyad not stored as a < b"
    assert not df.duplicated(["a", "b", "year"]).any() or "headline" in df, f"{fam.name}: a dyad-year twice"
    assert pd.api.types.is_integer_dtype(df["year"])
    assert set(df["a"]) | set(df["b"]) <= set(PAIRS)
    assert df["score"].notna().any(), f"{fam.name}: no score for any of {PAIRS}"


@pytest.mark.data
def test_no_score_outside_coverage(fam, table):
    """NA, never 0 (nor any other number), in the years the family's sources do not cover."""
    df = table
    lo, hi = fam.coverage
    outside = df[~df["year"].between(lo, hi)]
    assert outside["score"].isna().all(), f"{fam.name}: scores outside its coverage {fam.coverage}:\n{outside}"


@pytest.mark.data
def test_source_named_wherever_there_is_a_score(fam, table):
    df = table
    scored = df[df["score"].notna()]
    assert scored["source"].notna().all() and (scored["source"].astype(str).str.strip() != "").all()


@pytest.mark.data
def test_no_score_before_a_state_exists(fam, real_wh):
    """South Sudan became a state in 2011: a score of SDN-SSD in 2000-2005 would be a zero (or a number) made up
    for a dyad that did not exist."""
    try:
        df = fam.dyad_years(real_wh, *NOT_YET)
    except UsageError:
        return  # a family may refuse a pair it cannot score, in one line
    assert df["score"].isna().all(), f"{fam.name}: a score for SDN-SSD before 2011:\n{df[df['score'].notna()]}"


@pytest.mark.data
def test_figure_renders(fam, real_wh):
    fig = fam.figure(real_wh, "PRK", "CHN")
    assert isinstance(fig, go.Figure) and fig.data, f"{fam.name}: an empty figure"
    captions = " ".join(str(a.text) for a in fig.layout.annotations)
    assert "Source" in captions, f"{fam.name}: the figure cites no source"
    fig.to_json()  # serialisable: what the report and the dashboard do with it


def _assert_users_order(cols: list[str], first: str, second: str, name: str) -> None:
    """Directional columns name their state, and the first typed state's column comes first."""
    for c in cols:
        twin = "_".join(second if t == first else first if t == second else t for t in c.split("_"))
        if twin != c and twin in cols:
            lead = next(t for t in c.split("_") if t in (first, second))
            assert (cols.index(c) < cols.index(twin)) == (lead == first), f"{name}: {c} / {twin} out of order"
    assert not any(is_directional(c) for c in cols), f"{name}: a side unnamed: {cols}"  # a_squared is A, not a side


@pytest.mark.data
@pytest.mark.parametrize("first, second", [("PRK", "CHN"), ("CHN", "PRK")])
def test_dyad_command_follows_the_users_order(fam, real_wh, capsys, first, second):
    rc = main(["dyad", first, second, "--measure", fam.name, "--format", "csv", "--db", str(real_wh.path)])
    out, err = capsys.readouterr()
    assert rc in (0, 2), err  # 2: one line saying what the data cover
    if rc == 0:
        df = pd.read_csv(io.StringIO(out))
        assert df["year"].is_monotonic_increasing
        _assert_users_order(list(df.columns), first, second, fam.name)


def test_orient_columns_renames_sides_in_the_users_order():
    df = pd.DataFrame({"year": [1], "ideal_a": [1.0], "ideal_b": [2.0], "exports_ab": [3.0], "exports_ba": [4.0],
                       "a_to_b": [5], "b_to_a": [6], "n_joint": [7]})
    out = orient_columns(df, "PRK", "CHN")  # stored a = CHN, b = PRK
    assert list(out.columns) == ["year", "ideal_PRK", "ideal_CHN", "exports_PRK_to_CHN", "exports_CHN_to_PRK",
                                 "PRK_to_CHN", "CHN_to_PRK", "n_joint"]
    assert out["ideal_PRK"].iloc[0] == 2.0 and out["exports_PRK_to_CHN"].iloc[0] == 4.0
