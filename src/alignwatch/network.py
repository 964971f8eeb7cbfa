"""Blocs in the UN General Assembly: per-year agreement networks, their communities, and a bloc's cohesion.

Why a network on top of the dyad panel: analysts ask whether the DPRK's partners vote as a group (a "mini UN" of
authoritarian states), and who moves in or out of it. Three products, all from one undirected dyad-year panel
(default: the ``unga`` family's identical-vote share, ``score``; any family and column can be used):

* :func:`cohesion`: per year, the mean agreement among the bloc's members (``within``), between members and every
  other state (``to_rest``) and their difference (``gap``); :func:`member_cohesion` gives each member's mean
  agreement with the rest of the bloc, so a drifting member shows.
* :func:`communities`: per year, modularity communities (networkx Louvain, fixed seed) of the agreement network.
  Default weights are *excess* agreement: a dyad's agreement minus the year's median agreement over all dyads,
  edges only where positive. Raw agreement is high for nearly every pair (most GA texts pass by large majorities),
  so modularity on raw weights mostly recovers the West-versus-rest split; ``weighting="raw"`` keeps that reading.
* :func:`focus_community`: per year, which bloc members share the focus state's community, and who joined or left
  since the previous year with roll calls.

NA, never 0, where the panel has no score (a state not a UN member, a year without roll calls). The UNGA panel is
the continuous ``undl`` series (UN Digital Library, adopted resolutions 1946-2025), never spliced with Voeten's
roll calls. Definitions and citations: docs/network.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import UsageError
from .measures.registry import code_version, options_text
from .warehouse import Warehouse, cached

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_BLOC = ("PRK", "CHN", "RUS", "BLR", "IRN", "SYR", "LAO", "VNM", "CUB", "NIC", "ERI")
WEIGHTINGS = ("excess", "raw")
SOURCE_NOTE = ("UN General Assembly recorded votes on adopted resolutions, series undl: UN Digital Library voting "
               "records 1946-2025 (as crawled in github.com/lefthand67/un_votes; 2025 with the 3DL scrape)")
PANEL_COLUMNS = ["a", "b", "year", "weight", "n_joint", "source"]
MIN_JOINT = 10  # joint roll calls below which a dyad-year's agreement is too thin to use
MIN_SHARE = 0.5  # ... or below this share of the year's median number of joint roll calls


# ------------------------------------------------------------------------------------------------ the panel


def _check_bloc(bloc, *, need: int = 2) -> list[str]:
    members = sorted({str(s).upper() for s in bloc})
    if len(members) < need:
        raise UsageError(f"a bloc needs at least {need} states, got {members}",
                         hint="e.g. --bloc PRK,CHN,RUS,BLR,IRN")
    return members


def slim_panel(df: pd.DataFrame, column: str = "score") -> pd.DataFrame:
    """The columns the network needs from a family's dyad-years: a, b, year, weight (= ``column``), n_joint,
    source. Pure; keeps NA weights so that years without data stay visible as NA."""
    if column not in df.columns:
        raise UsageError(f"the panel has no column {column!r}",
                         hint="choose one of: " + ", ".join(c for c in df.columns if c not in ("a", "b", "year")))
    out = pd.DataFrame({
        "a": df["a"].astype(str).astype("category"),
        "b": df["b"].astype(str).astype("category"),
        "year": df["year"].astype("int64"),
        "weight": pd.to_numeric(df[column], errors="coerce").astype("float64"),
        "n_joint": (df["n_joint"] if "n_joint" in df else pd.Series(np.nan, index=df.index)).astype("float64"),
        "source": (df["source"] if "source" in df else pd.Series(None, index=df.index, dtype=object))
        .astype(object).where(lambda s: s.notna(), None).astype("category"),
    })
    return out


def agreement_panel(wh: Warehouse, years: tuple[int, int] | None = None, *, measure: str = "unga",
                    column: str = "score", options: dict | None = None, min_joint: int = MIN_JOINT,
                    min_share: float = MIN_SHARE, cache: bool = True) -> pd.DataFrame:
    """Every dyad-year of a family (all states, with the family's ``options``; the unga family's default series is
    the continuous undl) as a slim panel; cached once per ingest and code version, because the report and the CLI
    need all dyads while the family panel carries a dozen columns they do not read.

    Thin dyad-years get weight NA (:func:`thin_dyads`): a year with a single roll call, or a state that lost its
    vote for arrears (Art. 19) and cast 40 of 192 votes in 2025, would otherwise count as perfect agreement and
    become a hub of the network."""
    if min_joint < 0 or not 0 <= min_share <= 1:
        raise UsageError(f"min_joint must be >= 0 and min_share in [0, 1], not {min_joint}, {min_share}")
    from .measures import get

    fam = get(measure)
    options = dict(options or {})
    key = f"network_panel_{column}_{options_text(fam.options(**options))}"

    def compute() -> pd.DataFrame:
        return slim_panel(fam.dyad_years(wh, None, None, use_cache=cache, **options), column)

    df = fam.cached(wh, key, compute, use_cache=cache)
    for c in ("a", "b", "source"):
        if not isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype("category")
    if years is not None:
        df = df[df["year"].between(years[0], years[1])].reset_index(drop=True)
    thin = thin_dyads(df, min_joint, min_share)
    if thin.any():
        df = df.copy()
        df.loc[thin, "weight"] = np.nan
    return df


def thin_dyads(panel: pd.DataFrame, min_joint: int = MIN_JOINT, min_share: float = MIN_SHARE) -> np.ndarray:
    """True where a dyad-year rests on fewer than ``min_joint`` joint roll calls, or on fewer than ``min_share``
    times the year's median number of joint roll calls (over dyads with any). NaN n_joint (a family that does not
    count items) is never thin."""
    n = panel["n_joint"].astype("float64")
    med = n.where(n > 0).groupby(panel["year"]).transform("median")
    return ((n < min_joint) | (n < min_share * med)).to_numpy(dtype=bool)


def _names(s: pd.Series) -> np.ndarray:
    """ISO3 codes as a plain object array (a categorical is decoded through its categories: converting 1.5M
    Arrow-backed strings one by one takes seconds)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.asarray(s.cat.categories.astype(object), dtype=object)
        codes = s.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[codes], None)
    return np.asarray(s.astype(object), dtype=object)


def _in(s: pd.Series, members) -> np.ndarray:
    """``s.isin(members)`` as a boolean array, decided once per category rather than once per row."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        hit = np.asarray(s.cat.categories.isin(list(members)), dtype=bool)
        return np.where(codes >= 0, hit[codes], False)
    return s.isin(list(members)).to_numpy(dtype=bool)


def _sources(panel: pd.DataFrame) -> pd.Series:
    """Per year, the datasets behind the scored dyads (',' joined)."""
    s = panel.loc[panel["weight"].notna(), ["year", "source"]].dropna().drop_duplicates()
    return s.groupby("year")["source"].agg(lambda v: ",".join(sorted(map(str, v))))


# --------------------------------------------------------------------------------------------- cohesion


def cohesion(panel: pd.DataFrame, bloc=DEFAULT_BLOC) -> pd.DataFrame:
    """Per year: mean/min agreement within the bloc, mean agreement between members and non-members, the gap.

    Columns: year, members (bloc states with at least one score that year), within (mean over scored member
    dyads), within_min, n_within, to_rest (mean over scored member-non-member dyads), n_to_rest, all_dyads (mean
    over every scored dyad, the year's baseline), gap = within - to_rest, source. NA where nothing is scored.
    """
    members = _check_bloc(bloc)
    a, b = _in(panel["a"], members), _in(panel["b"], members)
    w = panel["weight"]
    scored = w.notna().to_numpy()
    frame = pd.DataFrame({
        "year": panel["year"].to_numpy(),
        "within": w.where(a & b),
        "to_rest": w.where(a ^ b),
        "all_dyads": w,
    })
    g = frame.groupby("year")
    out = pd.DataFrame({
        "within": g["within"].mean(), "within_min": g["within"].min(), "n_within": g["within"].count(),
        "to_rest": g["to_rest"].mean(), "n_to_rest": g["to_rest"].count(), "all_dyads": g["all_dyads"].mean(),
    })
    # members present: a member appears in at least one scored dyad
    pres = pd.concat([
        pd.DataFrame({"year": panel["year"].to_numpy()[a & scored], "iso3": _names(panel["a"][a & scored])}),
        pd.DataFrame({"year": panel["year"].to_numpy()[b & scored], "iso3": _names(panel["b"][b & scored])}),
    ]).drop_duplicates()
    out["members"] = pres.groupby("year")["iso3"].nunique().reindex(out.index).fillna(0).astype(int)
    out["gap"] = out["within"] - out["to_rest"]
    out["source"] = _sources(panel).reindex(out.index)
    out = out.reset_index()
    return out[["year", "members", "within", "within_min", "n_within", "to_rest", "n_to_rest", "all_dyads", "gap",
                "source"]]


def member_cohesion(panel: pd.DataFrame, bloc=DEFAULT_BLOC) -> pd.DataFrame:
    """Per member and year: mean agreement with the other bloc members (``with_bloc``) and with non-members
    (``with_rest``); the member that drifts away from the bloc shows here first."""
    members = _check_bloc(bloc)
    ina, inb = _in(panel["a"], members), _in(panel["b"], members)
    keep = (ina | inb) & panel["weight"].notna().to_numpy()
    yr, w = panel["year"].to_numpy()[keep], panel["weight"].to_numpy()[keep]
    a, b = _names(panel["a"][keep]), _names(panel["b"][keep])
    ina, inb = ina[keep], inb[keep]
    long = pd.DataFrame({  # each dyad seen from each of its bloc ends
        "year": np.concatenate([yr[ina], yr[inb]]),
        "iso3": np.concatenate([a[ina], b[inb]]),
        "other_in_bloc": np.concatenate([inb[ina], ina[inb]]),
        "weight": np.concatenate([w[ina], w[inb]]),
    })
    out = long.pivot_table(index=["iso3", "year"], columns="other_in_bloc", values="weight", aggfunc="mean")
    out = out.rename(columns={True: "with_bloc", False: "with_rest"}).reindex(columns=["with_bloc", "with_rest"])
    out.columns.name = None
    out = out.reset_index()
    out["gap"] = out["with_bloc"] - out["with_rest"]
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------- communities


def year_graph(panel_year: pd.DataFrame, weighting: str = "excess") -> nx.Graph:
    """The agreement network of one year: a node per state with a score, weighted edges per scored dyad.

    ``excess``: weight = agreement - the year's median agreement, edges only where positive (states with no
    above-median partner stay as isolated nodes). ``raw``: weight = agreement (edges with zero weight dropped).
    """
    if weighting not in WEIGHTINGS:
        raise UsageError(f"weighting must be one of {', '.join(WEIGHTINGS)}, not {weighting!r}")
    import networkx as nx  # on first use: it takes a second to import

    d = panel_year[panel_year["weight"].notna()]
    a, b = _names(d["a"]), _names(d["b"])
    g = nx.Graph()
    g.add_nodes_from(sorted(set(a.tolist()) | set(b.tolist())))
    w = d["weight"].to_numpy(dtype=float)
    if weighting == "excess":
        w = w - np.median(w) if w.size else w
    keep = w > 0
    g.add_weighted_edges_from(zip(a[keep].tolist(), b[keep].tolist(), w[keep].tolist()))
    return g


def year_communities(panel_year: pd.DataFrame, *, weighting: str = "excess", resolution: float = 1.0,
                     seed: int = 0) -> tuple[list[set[str]], float]:
    """Louvain communities (Blondel et al. 2008; networkx, fixed seed) of one year's network and their
    modularity. Communities are numbered largest first, ties by their alphabetically first member."""
    import networkx as nx

    g = year_graph(panel_year, weighting)
    if g.number_of_edges() == 0:
        return [], float("nan")
    comms = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    comms = sorted(comms, key=lambda c: (-len(c), min(c)))
    q = nx.community.modularity(g, comms, weight="weight", resolution=resolution)
    return comms, float(q)


def communities(panel: pd.DataFrame, years=None, *, weighting: str = "excess", resolution: float = 1.0,
                seed: int = 0) -> pd.DataFrame:
    """Per year with scores: iso3, community (0 = largest), size, modularity. Pure (no warehouse)."""
    if resolution <= 0:
        raise UsageError(f"resolution must be positive, not {resolution}")
    scored = panel[panel["weight"].notna()]
    want = sorted(scored["year"].unique()) if years is None else sorted(set(years) & set(scored["year"].unique()))
    rows = []
    for y, d in scored[scored["year"].isin(want)].groupby("year", sort=True):  # one graph per year
        comms, q = year_communities(d, weighting=weighting, resolution=resolution, seed=seed)
        for k, c in enumerate(comms):
            rows.extend((int(y), s, k, len(c), q) for s in sorted(c))
    return pd.DataFrame(rows, columns=["year", "iso3", "community", "size", "modularity"])


def community_table(wh: Warehouse, years: tuple[int, int] | None = None, *, measure: str = "unga",
                    column: str = "score", weighting: str = "excess", resolution: float = 1.0, seed: int = 0,
                    min_joint: int = MIN_JOINT, min_share: float = MIN_SHARE, panel: pd.DataFrame | None = None,
                    cache: bool = True) -> pd.DataFrame:
    """:func:`communities` over a year range, cached per ingest (Louvain takes about half a second a year)."""
    if weighting not in WEIGHTINGS:
        raise UsageError(f"weighting must be one of {', '.join(WEIGHTINGS)}, not {weighting!r}")
    if panel is None:
        panel = agreement_panel(wh, years, measure=measure, column=column, min_joint=min_joint,
                                min_share=min_share, cache=cache)
    sel = panel if years is None else panel[panel["year"].between(*years)]
    lo, hi = (years if years is not None else (int(sel["year"].min()), int(sel["year"].max())))
    key = (f"network_comm_{code_version()}_{measure}_{column}_{weighting}_r{resolution:g}_s{seed}_j{min_joint}_"
           f"{min_share:g}")
    key = f"{key}_{lo}_{hi}".replace(".", "p")

    def compute():
        return communities(sel, weighting=weighting, resolution=resolution, seed=seed)

    return cached(wh, key, compute) if cache else compute()


def focus_community(comm: pd.DataFrame, panel: pd.DataFrame, focus: str = "PRK", bloc=DEFAULT_BLOC,
                    years=None, top: int = 5) -> pd.DataFrame:
    """Per year: the bloc members in the focus state's community, those outside, and who joined or left.

    ``joined``/``left`` compare with the previous year in which the focus had a community (2025 is compared with
    the last roll-call year before it); a member without data in either year neither joins nor leaves (it is
    listed under ``no_data``). ``closest_outside_bloc``: the ``top`` non-members of the community that agree most
    with the focus that year. ``modularity`` of the year's partition tells how sharp the split is (values near 0:
    weak structure, read joins and leaves with care). Years without any score for the focus are rows with NA.
    """
    focus = str(focus).upper()
    members = [m for m in _check_bloc(bloc, need=1) if m != focus]
    all_years = sorted(panel["year"].unique()) if years is None else sorted(years)
    c = comm.copy()
    c["iso3"] = c["iso3"].astype(str)
    fc = c[c["iso3"] == focus][["year", "community", "size"]].rename(columns={"community": "fc", "size": "fsize"})
    mine = c.merge(fc, on="year")
    mine = mine[mine["community"] == mine["fc"]]
    in_comm = mine.groupby("year")["iso3"].agg(set)
    present = c.groupby("year")["iso3"].agg(set)
    quality = c.groupby("year")["modularity"].first()
    # the focus's agreement with every state, for the 'closest' column
    fm = _in(panel["a"], [focus]) | _in(panel["b"], [focus])
    pa, pb = _names(panel["a"][fm]), _names(panel["b"][fm])
    fp = pd.DataFrame({"year": panel["year"].to_numpy()[fm], "other": np.where(pa == focus, pb, pa),
                       "weight": panel["weight"].to_numpy()[fm]}).dropna(subset=["weight"])
    fp = fp.sort_values(["year", "weight"], ascending=[True, False])
    rows, prev = [], None
    for y in all_years:
        if y not in in_comm.index:
            rows.append({"year": int(y), "community_size": pd.NA, "bloc_in": None, "bloc_out": None, "joined": None,
                         "left": None, "no_data": ", ".join(members), "n_bloc_in": pd.NA, "closest_outside_bloc": None,
                         "modularity": np.nan, "compared_with": pd.NA})
            continue
        here, have = in_comm[y], present[y]
        bin_ = sorted(set(members) & here)
        bout = sorted((set(members) & have) - here)
        nod = sorted(set(members) - have)
        joined = left = None
        if prev is not None:
            py, pin, phave = prev
            both = set(members) & have & phave
            joined = ", ".join(sorted((both & here) - pin))
            left = ", ".join(sorted((both & pin) - here))
        f = fp[(fp["year"] == y) & fp["other"].isin(here - set(members) - {focus})].head(top)
        rows.append({
            "year": int(y), "community_size": len(here), "bloc_in": ", ".join(bin_), "bloc_out": ", ".join(bout),
            "joined": joined, "left": left, "no_data": ", ".join(nod), "n_bloc_in": len(bin_),
            "closest_outside_bloc": ", ".join(f"{o} {v:.2f}" for o, v in zip(f["other"], f["weight"])),
            "modularity": float(quality[y]),
            "compared_with": (prev[0] if prev is not None else pd.NA),
        })
        prev = (y, here, have)
    out = pd.DataFrame(rows, columns=["year", "community_size", "bloc_in", "bloc_out", "joined", "left", "no_data",
                                      "n_bloc_in", "closest_outside_bloc", "modularity", "compared_with"])
    for col in ("community_size", "n_bloc_in", "compared_with"):
        out[col] = out[col].astype("Int64")
    return out


# --------------------------------------------------------------------------------------------- layout


def layout(panel_year: pd.DataFrame) -> pd.DataFrame:
    """2-D positions of the states of one year by classical (Torgerson) multidimensional scaling of the
    distance 1 - agreement: states that vote alike sit close. A missing pair gets the mean distance of the two
    states' rows (documented; rare within a year). Deterministic: signs fixed so that the first state with a
    non-zero coordinate is positive."""
    d = panel_year[panel_year["weight"].notna()]
    an, bn = _names(d["a"]), _names(d["b"])
    codes = sorted(set(an.tolist()) | set(bn.tolist()))
    n = len(codes)
    if n < 3:
        return pd.DataFrame({"iso3": codes, "x": np.zeros(n), "y": np.zeros(n)})
    pos = pd.Index(codes)
    i, j = pos.get_indexer(an), pos.get_indexer(bn)
    dist = np.full((n, n), np.nan)
    dist[i, j] = dist[j, i] = 1.0 - d["weight"].to_numpy(dtype=float)
    np.fill_diagonal(dist, 0.0)
    if np.isnan(dist).any():
        row = np.nanmean(np.where(np.eye(n, dtype=bool), np.nan, dist), axis=1)
        fill = (row[:, None] + row[None, :]) / 2
        dist = np.where(np.isnan(dist), np.nan_to_num(fill, nan=np.nanmean(dist)), dist)
    sq = dist ** 2
    jmat = np.eye(n) - 1.0 / n
    bmat = -0.5 * jmat @ sq @ jmat
    vals, vecs = np.linalg.eigh(bmat)
    top = np.argsort(vals)[::-1][:2]
    coords = vecs[:, top] * np.sqrt(np.clip(vals[top], 0, None))
    for k in range(2):
        nz = np.flatnonzero(np.abs(coords[:, k]) > 1e-12)
        if nz.size and coords[nz[0], k] < 0:
            coords[:, k] *= -1
    return pd.DataFrame({"iso3": codes, "x": coords[:, 0], "y": coords[:, 1]})


# ------------------------------------------------------------------------------------------------ one call


def bloc_report(wh: Warehouse, focus: str = "PRK", bloc=DEFAULT_BLOC, years: tuple[int, int] | None = None, *,
                measure: str = "unga", column: str = "score", weighting: str = "excess", resolution: float = 1.0,
                seed: int = 0, min_joint: int = MIN_JOINT, min_share: float = MIN_SHARE,
                cache: bool = True) -> dict[str, pd.DataFrame]:
    """Cohesion, member cohesion, communities and the focus's community table for one bloc, from one panel.

    Communities are computed only for the years in which the focus has a score (they are the costly part).
    """
    members = _check_bloc(bloc)
    panel = agreement_panel(wh, years, measure=measure, column=column, min_joint=min_joint, min_share=min_share,
                            cache=cache)
    if panel.empty:
        raise UsageError(f"no {measure} data in the years asked for", hint="widen --from/--to")
    focus = str(focus).upper()
    fm = (_in(panel["a"], [focus]) | _in(panel["b"], [focus])) & panel["weight"].notna().to_numpy()
    fyears = panel.loc[fm, "year"]
    lo, hi = (int(fyears.min()), int(fyears.max())) if len(fyears) else (None, None)
    if lo is None:
        comm = pd.DataFrame(columns=["year", "iso3", "community", "size", "modularity"])
    else:
        comm = community_table(wh, (lo, hi), measure=measure, column=column, weighting=weighting,
                               resolution=resolution, seed=seed, min_joint=min_joint, min_share=min_share,
                               panel=panel, cache=cache)
    yrs = sorted(panel["year"].unique())
    fyrs = [y for y in yrs if lo is not None and lo <= y <= hi]
    return {
        "panel": panel,
        "cohesion": cohesion(panel, members),
        "members": member_cohesion(panel, members),
        "communities": comm,
        "focus": focus_community(comm, panel, focus, members, years=fyrs),
    }
