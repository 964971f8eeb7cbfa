"""The project's checks of low-confidence chronology rows: confirmed rows gain confidence, refuted values become
NA, every checked row keeps a note with its sources, and no row is dropped."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from alignwatch.sources import chronology


@pytest.fixture(autouse=True)
def only_checks_for(monkeypatch):
    """Each test sees only the project's checks whose key its tiny fixture holds."""
    real = chronology._checks()

    def pick(*keys):
        monkeypatch.setattr(chronology, "_checks", lambda: tuple(c for c in real if c["key"] in keys))
    return pick


def _trade(year: int) -> pa.Table:
    return pa.table({"year": [year, 2022], "partner": ["CHN", "CHN"], "flow": ["partner_share_of_total"] * 2,
                     "value": [96.7, 96.7], "source_series": ["KOTRA", "KOTRA"], "confidence": ["low", "high"]})


KOTRA_2023 = "year=2023;partner=CHN;flow=partner_share_of_total;source_series=KOTRA"


def test_refuted_value_is_na_with_reason_and_row_kept(only_checks_for):
    only_checks_for(KOTRA_2023)
    out = chronology.apply_checks("chr_trade_prk", _trade(2023)).to_pylist()
    assert len(out) == 2
    assert out[0]["value"] is None and out[0]["check"].startswith("refute: 96.7% is KOTRA's figure for 2022")
    assert "kbs.co.kr" in out[0]["check"]
    assert out[1]["value"] == 96.7 and out[1]["check"] is None


def test_confirmed_summit_row_gains_confidence(only_checks_for):
    only_checks_for("date_start=2018-09-08;visitor_country=CHN;host_country=PRK")
    tbl = pa.table({"date_start": [dt.date(2018, 9, 8)], "visitor_country": ["CHN"], "host_country": ["PRK"],
                    "confidence": ["low"]})
    out = chronology.apply_checks("chr_summits", tbl).to_pylist()[0]
    assert out["confidence"] == "medium" and out["check"].startswith("confirm:")


def test_a_check_that_matches_no_row_is_an_error(only_checks_for):
    only_checks_for(KOTRA_2023)
    with pytest.raises(RuntimeError, match="matches 0 rows"):
        chronology.apply_checks("chr_trade_prk", _trade(2021).slice(1))
