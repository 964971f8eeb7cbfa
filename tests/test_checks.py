"""The one check of user-typed states and years (``alignwatch.checks``), shared by the CLI and the dashboard."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from alignwatch import checks
from alignwatch.dashboard import views
from alignwatch.errors import UsageError

THIS_YEAR = dt.date.today().year


@pytest.mark.parametrize("value, iso3", [("PRK", "PRK"), (" prk ", "PRK"), ("North Korea", "PRK"), ("SUN", "RUS"),
                                         ("Soviet Union", "RUS"), ("Democratic People's Republic of Korea", "PRK"),
                                         ("Côte d'Ivoire", "CIV")])
def test_state_resolves_codes_and_names(value, iso3):
    assert checks.state(value) == iso3


@pytest.mark.parametrize("value, says", [(5, "is not text"), ("", "empty state"), ("A" * 61, "too long"),
                                         ("PRK'; DROP TABLE x;--", "contains characters"),
                                         ("<script>", "contains characters"), ("Nroth Korea", "unknown state")])
def test_bad_state_is_one_clear_error(value, says):
    with pytest.raises(UsageError, match=says):
        checks.state(value)


def test_state_list_keeps_the_order_typed():
    assert checks.state_list("PRK,china, RUS,prk") == ["PRK", "CHN", "RUS"]
    assert checks.state_list(["USA", "KOR"]) == ["USA", "KOR"]
    assert checks.state_list("") is None and checks.state_list(None) is None
    assert checks.pair("China", "PRK") == ("CHN", "PRK")
    with pytest.raises(UsageError, match="same state"):
        checks.pair("SUN", "RUS")


@pytest.mark.parametrize("value, year", [(1991, 1991), ("1991", 1991), (" 2000 ", 2000), (1991.0, 1991),
                                         (np.int64(2025), 2025), (np.float64(1950), 1950)])
def test_year_from_numbers_and_text(value, year):
    assert checks.year(value) == year


@pytest.mark.parametrize("value", [None, True, 1991.5, float("nan"), "19x1", "-5", "99999", [1991]])
def test_not_a_year(value):
    with pytest.raises(UsageError, match="not a year"):
        checks.year(value)


def test_year_range_open_ends_and_bounds():
    assert checks.year_range(None, None) is None
    assert checks.year_range(2000, None) == (2000, THIS_YEAR)
    assert checks.year_range(None, 1850) == (checks.FIRST_YEAR, 1850)
    with pytest.raises(UsageError, match="year range 2025–1991 is reversed"):
        checks.year_range(2025, 1991)
    with pytest.raises(UsageError, match="outside"):
        checks.year_range(1700, 1800)


def test_the_dashboard_and_the_cli_refuse_alike():
    """One check, two callers: the same value is refused with the same words."""
    for bad in ("PRK'; DROP TABLE x;--", "Nroth Korea"):
        with pytest.raises(UsageError) as cli:
            checks.state_list(f"PRK,{bad}")
        with pytest.raises(UsageError) as dash:
            views.make_view(["PRK", bad], 1991, 2000)
        assert str(cli.value) == str(dash.value)
    with pytest.raises(UsageError, match="reversed"):
        views.make_view(["PRK", "RUS"], 2000, 1991)
