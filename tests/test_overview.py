"""The foundation's first look (`alignwatch dyad A B`): NA outside coverage or membership, never 0."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from alignwatch.measures import overview


@pytest.mark.data
def test_prk_chn_overview_matches_manifest(real_wh):
    df = overview.dyad_years(real_wh, ["PRK", "CHN"], (1985, 2026)).set_index("year")
    assert list(df[["a", "b"]].iloc[0]) == ["CHN", "PRK"]
    # PRK joined the UN on 1991-09-17: no UNGA score before, never 0
    assert df.loc[1990, ["unga_n_joint", "unga_agree"]].isna().all()
    assert df.loc[1991, "unga_n_joint"] > 0
    # the UN Digital Library series has 2021-2024 (2022: 78 joint votes, 0.795); 2025: 181 shared, 0.856 (manifest)
    assert df.loc[2022, "unga_n_joint"] == 78 and df.loc[2022, "unga_agree"] == pytest.approx(0.795, abs=5e-4)
    assert df.loc[2025, "unga_n_joint"] == 181 and df.loc[2025, "unga_agree"] == pytest.approx(0.856, abs=5e-4)
    # COW trade (flow1 = CHN imports from PRK) to 2014, NA after
    assert (df.loc[2014, "trade_a_imports_from_b"], df.loc[2014, "trade_b_imports_from_a"]) == (2845, 3883)
    assert pd.isna(df.loc[2015, "trade_a_imports_from_b"])
    # ATOP to 2018 (defence pact in force), NA after; COW alliance to 2012
    assert df.loc[2018, "atop_defense"] == 1 and pd.isna(df.loc[2019, "atop_defense"])
    assert df.loc[2012, "cow_defense"] == 1 and pd.isna(df.loc[2013, "cow_defense"])


@pytest.mark.data
def test_alliance_zero_within_coverage_when_no_pact(real_wh):
    df = overview.dyad_years(real_wh, ["PRK", "USA"], (1995, 2020)).set_index("year")
    assert df.loc[2000, "atop_defense"] == 0  # both in the system, no pact: a real 0
    assert pd.isna(df.loc[2020, "atop_defense"])  # beyond ATOP's coverage: unknown


@pytest.mark.data
def test_cli_dyad_prints_years(real_wh):
    env = {**os.environ, "ALIGNWATCH_DB": str(real_wh.path)}
    r = subprocess.run([sys.executable, "-m", "alignwatch", "dyad", "PRK", "CHN", "--from", "1991", "--format", "csv"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("year,unga_n_joint,unga_agree")
    assert lines[1].startswith("1991,")
