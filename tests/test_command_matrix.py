"""The command matrix: every command over many kinds of state sets, on the real warehouse.

Each run must exit 0, 2, 3 or 4 (never 1, never an exception: no traceback reaches a user), print at most a
one-line error plus a one-line hint, and keep the order the states were typed in. The state sets cover pairs with
and without trade data after 2014, pairs where one side was not yet a UN member, historical states (USSR, YUG,
DDR), Taiwan, KOR-USA-JPN, a five-state bloc and reversed orders.

Runs go through ``alignwatch.cli.main`` in this process (one warehouse for the session, caches warm after the
first run). The quick tier runs every command at least once and every state set through ``dyad --measure all``
(which calls every family) and ``index``; the slow tier runs the full cross product.
"""

from __future__ import annotations

import io
import itertools
import json
import traceback

import pandas as pd
import pytest

from alignwatch.cli import main
from alignwatch.measures.registry import is_directional

pytestmark = pytest.mark.data

OK_CODES = {0, 2, 3, 4}


def _names():
    from alignwatch.measures import families
    from alignwatch.report import figures

    pair_figures = [f.name for f in figures.registry().values() if f.kind == figures.Kind.PAIR]
    return ["all", *sorted(families())], pair_figures


MEASURES, FIGURES = _names()  # every registered family, and every figure of a pair

# (states as typed, what the set tests)
STATE_SETS = [
    ("PRK,CHN", "trade after 2014 (DPRK series)"),
    ("CHN,PRK", "reversed"),
    ("PRK,RUS", "trade with a gap after 2020"),
    ("RUS,PRK", "reversed"),
    ("CHN,RUS", "no trade rows after 2014"),
    ("KOR,USA", "no trade rows after 2014"),
    ("USA,KOR", "reversed"),
    ("KOR,JPN", "both UN members from different years"),
    ("PRK,KOR", "neither a UN member before 1991"),
    ("PRK,USA", "adversaries"),
    ("CHE,USA", "Switzerland not a UN member before 2002"),
    ("CHN,TWN", "the China seat: TWN until 1971"),
    ("TWN,USA", "Taiwan"),
    ("SUN,USA", "USSR (resolves to RUS, continuity)"),
    ("YUG,USA", "Yugoslavia (historical)"),
    ("DDR,SUN", "East Germany (historical)"),
    ("DDR,GFR", "the two Germanys"),
    ("BLR,RUS", "bloc partners"),
    ("IRN,SYR", "bloc partners"),
    ("VNM,CHN", "neighbours"),
    ("SSD,SDN", "South Sudan: a state from 2011"),
    ("KOR,USA,JPN", "triad"),
    ("PRK,CHN,RUS", "triad"),
    ("RUS,CHN,PRK", "reversed triad"),
    ("PRK,CHN,RUS,BLR,IRN", "five-state bloc"),
    ("YUG,SUN,DDR", "historical triad"),
]
PAIRS = [s for s, _ in STATE_SETS if s.count(",") == 1]
GROUPS = [s for s, _ in STATE_SETS if s.count(",") > 1]
# the quick tier's pairs: one of each kind (trade after 2014 or not, reversed, not yet UN members, China seat,
# historical states); the slow tier runs every pair
QUICK_PAIRS = ["PRK,CHN", "CHN,PRK", "CHN,RUS", "USA,KOR", "PRK,KOR", "CHE,USA", "CHN,TWN", "SUN,USA", "YUG,USA",
               "DDR,GFR"]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """One command in this process; an exception escaping main() is a failure with its traceback."""
    capsys.readouterr()
    try:
        rc = main(argv)
    except BaseException:  # noqa: BLE001 - the point of the test: nothing may escape
        pytest.fail(f"alignwatch {' '.join(argv)} raised:\n{traceback.format_exc()}")
    out, err = capsys.readouterr()
    assert rc in OK_CODES, f"alignwatch {' '.join(argv)} exited {rc}: {err[-500:]}"
    assert "Traceback" not in out + err, f"alignwatch {' '.join(argv)} printed a traceback"
    if rc != 0:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert 1 <= len(lines) <= 2 and lines[0].startswith("error: "), f"{argv}: not one line: {err!r}"
    return rc, out, err


def codes(states: str) -> list[str]:
    """The states as the CLI resolves them, in the order typed (SUN is RUS)."""
    from alignwatch import states as st

    return list(dict.fromkeys(st.resolve(s).iso3 for s in states.split(",")))


def csv_of(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(out)) if out.strip() else pd.DataFrame()


def assert_columns_in_order(df: pd.DataFrame, a: str, b: str) -> None:
    """Directional columns name their state and the first typed state's column comes first."""
    cols = list(df.columns)
    for c in cols:
        twin = "_".join(b if t == a else a if t == b else t for t in c.split("_"))
        if twin != c and twin in cols:
            first = next(t for t in c.split("_") if t in (a, b))
            assert (cols.index(c) < cols.index(twin)) == (first == a), f"{c} / {twin} out of the user's order"
    # is_directional knows a_squared / a_abs are Benati-Capurri's A, not a side
    assert not any(is_directional(str(c).replace(".", "_")) for c in cols), \
        f"a directional column does not say whose side it is: {cols}"


@pytest.fixture(scope="module")
def db(real_wh) -> str:
    return str(real_wh.path)


# ---------------------------------------------------------------------------------------------- quick tier


@pytest.mark.parametrize("states", [pytest.param(p, marks=() if p in QUICK_PAIRS else pytest.mark.slow)
                                    for p in PAIRS])
def test_dyad_all_families_every_pair(states, db, capsys):
    a, b = codes(states)
    if a == b:
        pytest.skip("one state twice")
    rc, out, err = run(["dyad", *states.split(","), "--measure", "all", "--format", "csv", "--db", db], capsys)
    if rc == 0:
        df = csv_of(out)
        assert {"year", "families_covered"} <= set(df.columns)
        assert df["year"].is_monotonic_increasing
        assert_columns_in_order(df, a, b)
        failed = [ln for ln in err.splitlines() if "not computed" in ln]
        assert all(ln.startswith("note: trade:") for ln in failed), failed  # only the known trade defect


@pytest.mark.parametrize("states", [s for s, _ in STATE_SETS])
def test_index_every_set_in_the_users_order(states, db, capsys):
    cs = codes(states)
    rc, out, _ = run(["index", states, "--replicates", "0", "--format", "csv", "--db", db], capsys)
    if rc == 0:
        df = csv_of(out)
        pairs = list(dict.fromkeys(zip(df["a"], df["b"])))
        expected = [p for p in itertools.combinations(cs, 2) if p in pairs]
        assert pairs == expected, f"index {states}: pairs {pairs}, expected {expected}"


@pytest.mark.parametrize("states", GROUPS)
def test_index_group_starts_where_the_group_exists(states, db, capsys):
    rc, out, _ = run(["index", states, "--group", "--replicates", "0", "--format", "csv", "--db", db], capsys)
    if rc == 0 and len(df := csv_of(out)):
        n_pairs = len(list(itertools.combinations(codes(states), 2)))
        if (df["n_dyads"] == n_pairs).any():
            assert df["n_dyads"].iloc[0] == n_pairs


def test_dyad_table_title_and_reversed_pair(db, capsys):
    _, out, _ = run(["dyad", "PRK", "CHN", "--measure", "idealpoints", "--db", db], capsys)
    assert "PRK–CHN: idealpoints" in out and out.index("ideal_PRK") < out.index("ideal_CHN")
    _, out, _ = run(["dyad", "CHN", "PRK", "--measure", "idealpoints", "--db", db], capsys)
    assert "CHN–PRK: idealpoints" in out and out.index("ideal_CHN") < out.index("ideal_PRK")


def test_dyad_all_survives_a_failing_family_and_prints_a_table(db, capsys):
    rc, out, _ = run(["dyad", "CHN", "RUS", "--from", "2015", "--measure", "all", "--db", db], capsys)
    assert rc == 0 and "CHN–RUS: all: headline scores" in out and "families_covered" in out


def test_window_without_data_says_what_the_data_cover(db, capsys):
    rc, out, err = run(["dyad", "PRK", "CHN", "--from", "2030", "--db", db], capsys)
    assert rc == 2 and out == ""
    assert "no data in 2030" in err and "the data cover 19" in err


def test_long_state_name_is_not_echoed_in_full(db, capsys):
    rc, _, err = run(["dyad", "PRK", "x" * 5000, "--db", db], capsys)
    assert rc == 2 and len(err) < 300


def test_unknown_state_suggests_close_matches(db, capsys):
    _, _, err = run(["dyad", "PRK", "Nroth Korea", "--db", db], capsys)
    assert "did you mean 'North Korea'" in err
    _, _, err = run(["dyad", "PRK", "Soviet", "--db", db], capsys)
    assert "Soviet Union" in err


# one run of every other command (the slow tier crosses them with the state sets)
SINGLE = [
    ["periods", "PRK", "CHN"],
    ["positions", "PRK", "CHN"],
    ["event-scores", "PRK", "RUS"],
    ["visits", "RUS", "PRK"],
    ["treaties", "PRK", "RUS"],
    ["speech", "PRK", "CHN", "RUS", "--format", "csv"],
    ["network", "--bloc", "PRK,CHN,RUS,BLR,IRN", "--view", "members"],
    ["network", "--focus", "PRK", "--view", "groups", "--from", "2015"],
    ["redlines", "--summary"],
    ["claims", "--id", "double-veto-2022"],
    ["idealpoints", "--states", "PRK,CHN,RUS,USA", "--source", "voeten", "--from", "2015"],
    ["proposals", "--state", "PRK"],
    ["addresses", "--from", "2010"],
    ["unsc", "--topic", "DPRK", "--from", "2016"],
    ["figure", "--list"],
]


@pytest.mark.parametrize("argv", SINGLE, ids=[" ".join(a[:3]) for a in SINGLE])
def test_every_command_once(argv, db, capsys):
    run([*argv, "--db", db] if argv[0] != "figure" else argv, capsys)


def test_unga_panel_out_carries_its_metadata(db, tmp_path, capsys):
    from alignwatch.commands._common import read_metadata

    for name in ("panel.parquet", "panel.csv"):
        out = tmp_path / name
        rc, _, _ = run(["unga-panel", "--out", str(out), "--states", "PRK,CHN,RUS", "--from", "2015",
                        "--year-basis", "session", "--db", db], capsys)
        assert rc == 0
        meta = read_metadata(out)
        assert meta["year_basis"] == "session" and meta["command"] == "alignwatch unga-panel"
        assert meta["series"] and meta["alignwatch_version"] and meta["options"]["from"] == 2015


def test_figure_file_carries_its_metadata(db, tmp_path, capsys):
    from alignwatch.commands._common import read_metadata

    out = tmp_path / "t.html"
    rc, _, _ = run(["figure", "treaties", "PRK", "RUS", "--out", str(out), "--db", db], capsys)
    assert rc == 0
    meta = read_metadata(out)
    assert meta["command"] == "alignwatch figure treaties" and meta["options"]["a"] == "PRK" and meta["series"]


def test_report_with_a_partner_that_is_also_the_anchor(db, tmp_path, capsys):
    out = tmp_path / "kor.html"
    rc, text, _ = run(["report", "--focus", "KOR", "--partners", "USA,JPN", "--replicates", "0", "--out", str(out),
                       "--db", db], capsys)
    assert rc == 0 and out.exists()
    assert "KOR–USA" in text or "KOR–JPN" in text or "wrote" in text


def test_dashboard_views_follow_the_users_order(real_wh):
    from alignwatch.dashboard.data import Data, View
    from alignwatch.errors import AlignwatchError

    d = Data(real_wh.path, replicates=0)
    try:
        for states in ("CHN,PRK", "KOR,USA,JPN", "YUG,SUN,DDR"):
            view = View(tuple(codes(states)), (1991, 2025))
            try:
                v = d.index_view(view)
            except AlignwatchError:
                continue
            labels = [r["dyad"] for r in v["latest"]]
            assert labels == [f"{view.focus}–{p}" for p in view.partners][: len(labels)]
            assert [r["dyad"] for r in v["periods"]] == [lab for lab in labels if lab in
                                                         [r["dyad"] for r in v["periods"]]]
            json.dumps(v)  # plain JSON types only
    finally:
        d.close()


# ------------------------------------------------------------------------------- the rules, on tiny frames


def test_directional_columns_name_their_state_first_typed_first():
    from alignwatch.measures.registry import orient_columns

    df = pd.DataFrame({"year": [1], "ideal_a": [1.0], "ideal_b": [2.0], "exports_ab": [3.0], "exports_ba": [4.0],
                       "a_to_b": [5], "b_to_a": [6], "n_joint": [7]})
    out = orient_columns(df, "PRK", "CHN")  # stored a = CHN, b = PRK
    assert list(out.columns) == ["year", "ideal_PRK", "ideal_CHN", "exports_PRK_to_CHN", "exports_CHN_to_PRK",
                                 "PRK_to_CHN", "CHN_to_PRK", "n_joint"]
    assert out["ideal_PRK"].iloc[0] == 2.0 and out["exports_PRK_to_CHN"].iloc[0] == 4.0
    assert out["PRK_to_CHN"].iloc[0] == 6
    same = orient_columns(df, "CHN", "PRK")
    assert list(same.columns)[1:3] == ["ideal_CHN", "ideal_PRK"] and same["ideal_CHN"].iloc[0] == 1.0


def test_index_rows_in_the_users_order():
    from alignwatch.index import in_user_order

    df = pd.DataFrame({"a": ["CHN", "CHN", "PRK", "CHN"], "b": ["RUS", "PRK", "RUS", "PRK"],
                       "year": [2000, 2001, 2000, 2000], "composite": [1.0, 2.0, 3.0, 4.0]})
    out = in_user_order(df, ["PRK", "CHN", "RUS"])
    assert list(zip(out.a, out.b, out.year)) == [("PRK", "CHN", 2000), ("PRK", "CHN", 2001), ("PRK", "RUS", 2000),
                                                  ("CHN", "RUS", 2000)]
    assert out.loc[0, "composite"] == 4.0


def test_one_rule_for_now():
    from alignwatch.index import latest

    y = pd.Timestamp.today().year
    rows = pd.DataFrame({"year": [y - 3, y - 2, y - 1, y, y + 1], "composite": [1.0, 1.5, 2.0, 2.5, 3.0],
                         "n_families": [4, 3, 2, 2, 5]})
    assert latest(rows)["year"] == y - 2  # later years rest on 2 families, or lie in the future
    assert latest(rows.assign(n_families=1))["year"] == y  # none has 3: the latest up to this year
    assert latest(rows.assign(composite=float("nan"))) is None


def test_table_numbers_one_format_per_column():
    from alignwatch.commands._common import column_format

    fmt, numeric = column_format(pd.Series([34.0, 1204.0, None]))
    assert numeric and [fmt(v) for v in (34.0, 1204.0, None)] == ["34", "1204", "NA"]
    fmt, _ = column_format(pd.Series([234.0, 12041.5]))
    assert [fmt(v) for v in (234.0, 12041.5)] == ["234.0", "12,041.5"]
    fmt, _ = column_format(pd.Series([0.5, 0.25]))
    assert fmt(0.5) == "0.500"
    fmt, _ = column_format(pd.Series([1990, 2025], dtype="Int64"))
    assert fmt(2025) == "2025"


def test_help_text_has_no_markup_and_one_example_per_line():
    from alignwatch.cli import help_text

    text = help_text("""Do it.

    Examples: ``alignwatch dyad PRK CHN``, ``alignwatch dyad PRK RUS --measure
    treaties`` (then read it), `alignwatch index PRK,CHN`
    """)
    assert "`" not in text
    assert text.splitlines()[2:] == ["Examples:", "  alignwatch dyad PRK CHN",
                                     "  alignwatch dyad PRK RUS --measure treaties (then read it)",
                                     "  alignwatch index PRK,CHN"]


def test_cli_constants_match_their_modules():
    from alignwatch.commands import positions as cmd
    from alignwatch.measures import positions as pos

    assert (cmd.DEFAULT_LIVE_YEARS, cmd.SEP) == (pos.DEFAULT_LIVE_YEARS, pos.SEP)
    from alignwatch import similarity as sim
    from alignwatch.commands import similarity as sim_cmd

    assert (sim_cmd.MEASURES, sim_cmd.DISTANCES) == (sim.MEASURES, sim.DISTANCES)


def test_cli_import_loads_no_heavy_library():
    """`alignwatch --help` stays fast: the command modules import pandas, DuckDB, plotly... where they are used."""
    import subprocess
    import sys

    heavy = ["pandas", "numpy", "duckdb", "pyarrow", "scipy", "plotly", "dash", "statsmodels", "sklearn",
             "networkx", "ibis", "ruptures"]
    code = "import sys, alignwatch.cli; print(','.join(m for m in sys.argv[1:] if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code, *heavy], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# ----------------------------------------------------------------------------------------------- slow tier


# every family alone (all its columns) and every pair command, on one pair of each kind; `dyad --measure all`
# above already runs every family on every pair
SLOW_PAIRS = ["PRK,CHN", "RUS,PRK", "USA,KOR", "PRK,KOR", "CHN,TWN", "SUN,USA", "DDR,GFR", "SSD,SDN"]


@pytest.mark.slow
@pytest.mark.parametrize("states", SLOW_PAIRS)
def test_dyad_every_measure(states, db, capsys):
    a, b = codes(states)
    for measure in [m for m in MEASURES if m != "all"]:
        rc, out, _ = run(["dyad", *states.split(","), "--measure", measure, "--format", "csv", "--db", db], capsys)
        if rc == 0 and measure != "trade":  # trade's columns are oriented by the trade family itself
            assert_columns_in_order(csv_of(out), a, b)
    rc, out, _ = run(["dyad", *states.split(","), "--measure", "unga", "--db", db], capsys)
    if rc == 0:
        assert f"{a}–{b}: unga" in out


PAIR_COMMANDS = [["periods"], ["positions"], ["event-scores"], ["visits"], ["treaties"], ["speech"], ["trade"]]


@pytest.mark.slow
@pytest.mark.parametrize("cmd", PAIR_COMMANDS, ids=[c[0] for c in PAIR_COMMANDS])
@pytest.mark.parametrize("states", SLOW_PAIRS)
def test_pair_commands(states, cmd, db, capsys):
    a, b = codes(states)
    if a == b:
        pytest.skip("one state twice")
    rc, out, _ = run([*cmd, *states.split(","), "--db", db], capsys)
    if rc == 0 and cmd[0] in ("periods", "positions", "event-scores", "visits"):
        assert f"{a}–{b}" in out, f"{cmd[0]} {states}: title not in the user's order"


@pytest.mark.slow
@pytest.mark.parametrize("states", ["CHN,PRK", "KOR,USA", "YUG,USA", "TWN,USA"])
def test_figures_every_kind(states, db, tmp_path, capsys):
    for name in FIGURES:
        run(["figure", name, *states.split(","), "--out", str(tmp_path / f"{name}.html"), "--db", db], capsys)


@pytest.mark.slow
@pytest.mark.parametrize("states", GROUPS + ["CHN,PRK", "YUG,USA"])
def test_group_commands_every_set(states, db, tmp_path, capsys):
    run(["speech", *states.split(","), "--format", "csv", "--db", db], capsys)
    run(["network", "--bloc", states, "--db", db], capsys)
    run(["idealpoints", "--states", states, "--source", "voeten", "--db", db], capsys)
    run(["unga-panel", "--out", str(tmp_path / "p.parquet"), "--states", states, "--db", db], capsys)


@pytest.mark.slow
@pytest.mark.parametrize("states", ["PRK,CHN,RUS,BLR,IRN", "YUG,SUN,DDR", "CHN,PRK"])
def test_report_every_kind_of_set(states, db, tmp_path, capsys):
    focus, *partners = states.split(",")
    run(["report", "--focus", focus, "--partners", ",".join(partners), "--replicates", "0",
         "--out", str(tmp_path / "r.html"), "--db", db], capsys)
