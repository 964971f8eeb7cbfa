"""Text similarity of UN General Debate speeches per dyad-year, and KCNA headline salience of China and Russia.

Speech similarity (family ``speech``) follows the use of the UN General Debate Corpus as a record of state
preferences (Baturo, Dasandi & Mikhaylov 2017; Jankin, Baturo & Dasandi): each country-year speech becomes a vector
and two states' similarity in a year is the cosine of their vectors.

Default backend: TF-IDF (scikit-learn), **fitted per year** — the IDF weights come from that year's debate only.
Why per year: (1) a word that the whole Assembly used that year (``ukraine`` in 2022, ``pandemic`` in 2020) gets a
low weight, so similarity measures what two states share *beyond* the year's common agenda; a corpus-wide IDF makes
each year's topical words look distinctive and lifts every pair in that year together; (2) a year's scores do not
change when speeches of other years are added or corrected, so results are stable across corpus releases and a
few years can be recomputed alone. ``fit="corpus"`` (one IDF over all speeches given) is available for users who
want weights fixed across time. Either way raw cosine levels drift with the length and number of speeches, so each
row also carries ``similarity_pct``: its percentile among all dyads of the same year.

``shared_terms`` lists the terms with the largest product of the two TF-IDF weights: they are exactly the largest
contributions to the cosine (the vectors are L2-normalised, so cosine = Σ_t w_a(t)·w_b(t)).

``backend="embeddings"`` (optional, needs ``pip install alignwatch[embeddings]``) replaces the cosine by that of
mean-pooled sentence-transformer embeddings of ~200-word passages; ``shared_terms`` still come from TF-IDF.

NA: a dyad-year where either state has no speech in the corpus is NA, never 0. The China seat's speeches up to and
including 1971 are the Republic of China's and the ingest files them under TWN (the 1971 debate preceded the seat
change of 25 October 1971), so CHN has none before 1972 and TWN none after 1971 (TWN–CHN is NA throughout).

Heavy work is cached in the warehouse (dropped by an ingest that changes the speeches), keyed by backend and
parameters: the TF-IDF weights of every speech (long: year, iso3, term, weight) and the all-dyads similarity panel
(~860,000 dyad-years). Building both is mostly tokenising 200 MB of text, done in Arrow by
:mod:`alignwatch.measures.speech_terms` (sklearn's numbers bit for bit) and spread over the cores by year; a triad
or bloc query then reads a few
hundred rows and computes its shared terms in SQL from the cached weights.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import DataError, UsageError
from ..warehouse import CACHE_PREFIX, Warehouse, cached
from . import speech_terms
from .registry import Family, check_years, code_version, register

SOURCE = "ungdc_speeches"
CITATION = (
    "UN General Debate Corpus: Baturo, Dasandi & Mikhaylov (2017), Research & Politics; Jankin, Baturo & Dasandi, "
    "'Words to unite nations', JPR; Harvard Dataverse doi:10.7910/DVN/0TJX8Y"
)
BACKENDS = ("tfidf", "embeddings")
FITS = ("year", "corpus")
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
COLUMNS = ("similarity", "shared_terms", "similarity_pct", "year_speeches")

# Tokens: words of 3+ letters (numbers, paragraph numbers and 1-2 letter OCR debris are dropped), sklearn's English
# stop words removed, sublinear tf (1 + log tf) so that long speeches repeating a word do not dominate.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"

# OCR page headers and interpretation notes of the verbatim records (MANIFEST section 2). Each pair is (cheap
# pre-filter with a literal prefix, full line pattern): the line patterns are only run on the few texts that can match.
_HEADERS = (
    (r"General Assembly[ \t]*[-–—]",  # "302 General Assembly - Forty-eighth session"
     r"(?m)^[ \t]*(?:\d+[ \t]+)?General Assembly[ \t]*[-–—][ \t]*[A-Za-z-]+ session[ \t]*$"),
    (r"session[ \t]*[-–—][ \t]*\d",  # "Forty-eighth session - 4 October 1993"
     r"(?m)^[ \t]*[A-Z][a-z]+(?:-[a-z]+)? session[ \t]*[-–—][ \t]*\d{1,2} [A-Z][a-z]+ [\dl]{4}.*$"),
    (r"PV\.\d",  # "A/70/PV.13 28/09/2015"
     r"(?m)^[ \t\d/]*A/(?:\d+/)?PV\.\d+[ \t\d/]*$"),
    (r"\((?:spoke|interpretation from) ",  # "(spoke in French)"
     r"\((?:spoke|interpretation from) [^)\n]{1,40}\)"),
)


def clean_text(texts: pd.Series) -> pd.Series:
    """Remove OCR page headers, document symbols and interpretation notes (they would be 'shared terms')."""
    out = texts.fillna("").astype(str)
    for pre, full in _HEADERS:
        hit = out.str.contains(pre, regex=True)
        if hit.any():
            out = out.where(~hit, out[hit].str.replace(full, " ", regex=True))
    return out


def _check(backend: str, fit: str, top_terms: int, min_df: int) -> None:
    if backend not in BACKENDS:
        raise UsageError(f"unknown speech backend {backend!r}", hint=f"choose from: {', '.join(BACKENDS)}")
    if fit not in FITS:
        raise UsageError(f"unknown TF-IDF fit {fit!r}", hint="'year' (IDF per year, default) or 'corpus'")
    if not isinstance(top_terms, (int, np.integer)) or not 0 <= top_terms <= 50:
        raise UsageError(f"top_terms must be an integer from 0 to 50, not {top_terms!r}")
    if not isinstance(min_df, (int, np.integer)) or min_df < 1:
        raise UsageError(f"min_df must be a positive integer, not {min_df!r}")


# ------------------------------------------------------------------------------------------- pure computation


def _year_weights(year: int, docs: np.ndarray, texts: np.ndarray, min_df: int):
    """One year's TF-IDF, IDF fitted on that year only, as compact numeric arrays: year, the speech of each weight
    (its position in the prepared frame), term number, weight, terms."""
    if len(docs) < 2:  # a lone speech shares nothing
        return None
    got = speech_terms.tfidf(list(texts), min_df)
    if got is None:  # no term at all, or none left after min_df -> no shared words
        return None
    C = got[0].tocoo()
    return (np.full(C.nnz, year, dtype=np.int64), docs[C.row], C.col.astype(np.int64), C.data.astype(np.float32),
            got[1])


def _assemble(parts, doc_iso3: np.ndarray | None = None) -> pd.DataFrame:
    """Long weights from per-year parts, with one global term vocabulary (``tcode``, in alphabetical order, so that
    it breaks ties like the terms do) and Arrow-backed strings; sorted by (iso3, year) so that a query for a few
    states reads few row groups. ``doc_iso3``: the state of each speech the parts' positions refer to."""
    import pyarrow as pa

    parts = [p for p in parts if p is not None and len(p[0])]
    if not parts:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "iso3": pd.Series(dtype="str"),
                             "term": pd.Series(dtype="str"), "tcode": pd.Series(dtype="int32"),
                             "weight": pd.Series(dtype="float32")})
    offsets = np.cumsum([0] + [len(p[4]) for p in parts[:-1]])
    codes, vocab = pd.factorize(np.concatenate([p[4] for p in parts]), sort=True)
    tcode = np.concatenate([codes[p[2] + off] for p, off in zip(parts, offsets)]).astype(np.int32)
    # states as sorted codes, numbered once per speech rather than once per weight (millions of strings)
    doc_code, isos = pd.factorize(doc_iso3, sort=True)
    icode = doc_code[np.concatenate([p[1] for p in parts])]

    def strings(idx, values):
        return pd.Series(pd.arrays.ArrowExtensionArray(
            pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()), pa.array(np.asarray(values, dtype=object),
                                                                                  pa.string())).cast(pa.string())))

    year = np.concatenate([p[0] for p in parts])
    order = np.lexsort((year, icode))
    return pd.DataFrame({"year": year[order], "iso3": strings(icode[order], isos),
                         "term": strings(tcode[order], vocab), "tcode": tcode[order],
                         "weight": np.concatenate([p[3] for p in parts])[order]})


def _n_jobs(n_jobs: int | None, n_years: int, n_docs: int) -> int:
    if n_jobs is not None:
        return n_jobs
    return -1 if n_years > 4 and n_docs > 1000 else 1  # threads only pay off for the real corpus


def _prepare(speeches: pd.DataFrame) -> pd.DataFrame:
    missing = {"year", "iso3", "text"} - set(speeches.columns)
    if missing:
        raise DataError(SOURCE, f"speeches lack column(s) {sorted(missing)}")
    df = speeches[["year", "iso3", "text"]].dropna(subset=["year", "iso3"])
    dup = df.duplicated(["year", "iso3"])
    if dup.any():
        first = df[dup].iloc[0]
        raise DataError(SOURCE, "one speech per country-year", row=f"year {first['year']}, iso3 {first['iso3']}")
    df = df.assign(year=df["year"].astype("int64"), iso3=df["iso3"].astype(str), text=clean_text(df["text"]))
    return df.sort_values(["year", "iso3"]).reset_index(drop=True)


def tfidf_weights(speeches: pd.DataFrame, *, fit: str = "year", min_df: int = 2,
                  n_jobs: int | None = None) -> pd.DataFrame:
    """The L2-normalised TF-IDF vector of every speech, long: one row per (year, iso3, term) with weight > 0
    (``tcode`` numbers the terms).

    ``fit="year"``: one vectoriser per year (in parallel over years for the whole corpus); ``fit="corpus"``: one
    over every speech given. Cosine = Σ_t w_a(t)·w_b(t) within a year.
    """
    _check("tfidf", fit, 0, min_df)
    return _tfidf(_prepare(speeches), fit, min_df, n_jobs)


def _tfidf(df: pd.DataFrame, fit: str, min_df: int, n_jobs: int | None) -> pd.DataFrame:
    """:func:`tfidf_weights` on speeches already through :func:`_prepare`."""
    iso = df["iso3"].to_numpy(dtype=object)
    txt = df["text"].to_numpy(dtype=object)
    if fit == "corpus":
        if len(df) < 2:
            return _assemble([])
        got = speech_terms.tfidf(list(txt), min_df)
        if got is None:
            return _assemble([])
        C = got[0].tocoo()
        return _assemble([(df["year"].to_numpy()[C.row], C.row.astype(np.int64), C.col.astype(np.int64),
                           C.data.astype(np.float32), got[1])], iso)
    from joblib import Parallel, delayed

    groups = list(df.groupby("year", sort=True).indices.items())
    # threads, not processes: the tokeniser's work is in Arrow, numpy and scipy, which release the GIL, and a
    # process pool would spend more time pickling 200 MB of speeches than it saves
    parts = Parallel(n_jobs=_n_jobs(n_jobs, len(groups), len(df)), prefer="threads")(
        delayed(_year_weights)(int(y), idx.astype(np.int64), txt[idx], min_df) for y, idx in groups)
    return _assemble(parts, iso)


def _speakers(speeches: pd.DataFrame) -> pd.DataFrame:
    return speeches[["year", "iso3"]].dropna().astype({"year": "int64", "iso3": str}).drop_duplicates()


def cosine_panel(speakers: pd.DataFrame, vectors) -> pd.DataFrame:
    """Cosine similarity of every pair of speakers in each year, with its percentile among that year's pairs.

    ``speakers``: (year, iso3) of every speech; ``vectors``: long TF-IDF weights (year, iso3, term, weight) or a
    dict {(year, iso3): unit vector} (embeddings). A speech without any term is a zero vector: similarity 0.
    ``similarity_pct`` = share of the year's dyads whose similarity is <= this one.
    """
    dense = isinstance(vectors, dict)
    if not dense:
        if "tcode" not in vectors.columns:
            vectors = vectors.assign(tcode=pd.factorize(vectors["term"])[0])
        # positions per year, and states as integer codes: millions of rows are not split into frames or turned
        # into Python strings one by one (the matrices below get the same entries in the same order)
        by_year = vectors.groupby("year").indices
        iso_code, iso_names = pd.factorize(vectors["iso3"])
        iso_names = pd.Index(np.asarray(iso_names, dtype=object))
        tcodes = vectors["tcode"].to_numpy()
        wts = vectors["weight"].to_numpy(np.float64)
        n_terms = int(vectors["tcode"].max()) + 1 if len(vectors) else 0

    def year_sims(y, iso3: np.ndarray):
        n = len(iso3)
        if dense:
            E = np.vstack([vectors[(int(y), c)] for c in iso3])
            S = E @ E.T
        else:
            at = by_year.get(y)
            if at is None:
                S = np.zeros((n, n))
            else:
                row_of = np.full(len(iso_names), -1, np.int64)  # state code -> row of this year's matrix
                known = iso_names.get_indexer(iso3)
                row_of[known[known >= 0]] = np.flatnonzero(known >= 0)
                rows = row_of[iso_code[at]]
                X = sp.csr_matrix((wts[at], (rows, tcodes[at])), shape=(n, n_terms))
                S = (X @ X.T).toarray()
        I, J = np.triu_indices(n, 1)
        sims = S[I, J]
        return pd.DataFrame({
            "a": iso3[I], "b": iso3[J], "year": np.int64(y), "similarity": sims,
            "similarity_pct": pd.Series(sims).rank(method="max").to_numpy() / len(sims),
            "year_speeches": np.int64(n),
        })

    from joblib import Parallel, delayed

    years = [(y, g["iso3"].to_numpy(dtype=object))
             for y, g in speakers.sort_values(["year", "iso3"]).groupby("year") if len(g) >= 2]
    # threads: the sparse products release the GIL
    parts = Parallel(n_jobs=_n_jobs(None, len(years), len(speakers)), prefer="threads")(
        delayed(year_sims)(y, iso3) for y, iso3 in years)
    if not parts:
        return pd.DataFrame({"a": pd.Series(dtype="string"), "b": pd.Series(dtype="string"),
                             "year": pd.Series(dtype="int64"), "similarity": pd.Series(dtype="float64"),
                             "similarity_pct": pd.Series(dtype="float64"), "year_speeches": pd.Series(dtype="int64")})
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"a": "string", "b": "string"})


# One SQL text for both paths (an in-memory frame in tests, the warehouse cache in use): the k terms with the
# largest w_a·w_b per dyad-year, best first; ties (common: a word used once by both, with one df) go alphabetically,
# through the alphabetical term code. max_by over a struct is ~2x faster than a row_number() window here.
_TERMS_SQL = """
WITH w AS (
    SELECT year, iso3, term, tcode, weight FROM {table}
    WHERE iso3 IN (SELECT unnest(?::VARCHAR[])) AND year BETWEEN ? AND ?
)
SELECT x.iso3 AS a, y.iso3 AS b, x.year,
       array_to_string(max_by(x.term, struct_pack(p := x.weight * y.weight, c := -x.tcode), ?), '; ')
           AS shared_terms
FROM w x JOIN w y ON x.year = y.year AND x.tcode = y.tcode AND x.iso3 < y.iso3
GROUP BY x.iso3, y.iso3, x.year
"""


def shared_terms(weights: pd.DataFrame, states: list[str], k: int = 5,
                 years: tuple[int, int] = (0, 9999)) -> pd.DataFrame:
    """Top-k shared terms of every pair of ``states`` per year (a, b, year, shared_terms) from long weights."""
    import duckdb

    w = weights[["year", "iso3", "term", "weight"]].assign(
        tcode=weights["tcode"] if "tcode" in weights else pd.factorize(weights["term"], sort=True)[0])
    con = duckdb.connect()
    try:
        con.register("w_in", w)
        return con.execute(_TERMS_SQL.format(table="w_in"), [list(states), *years, int(k)]).df()
    finally:
        con.close()


def _finish(sims: pd.DataFrame, terms: pd.DataFrame | None) -> pd.DataFrame:
    """Join terms onto similarities: a covered pair with no word in common gets '' (not NA)."""
    if terms is None:
        return sims.assign(shared_terms=pd.Series(pd.NA, index=sims.index, dtype="string"))
    out = sims.merge(terms.astype({"a": "string", "b": "string", "year": "int64"}), on=["a", "b", "year"],
                     how="left")
    out["shared_terms"] = out["shared_terms"].astype("string").fillna("")
    return out


def similarity(
    speeches: pd.DataFrame,
    *,
    states: list[str] | None = None,
    backend: str = "tfidf",
    fit: str = "year",
    top_terms: int = 5,
    min_df: int = 2,
    model: str = DEFAULT_MODEL,
    encoder=None,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Similarity of every pair of speeches in the same year (``speeches``: year, iso3, text).

    Returns a, b, year, similarity, similarity_pct, year_speeches, shared_terms for pairs where both states spoke
    (NA rows for the others are added by :func:`dyad_years`); ``states`` restricts the pairs, never the IDF or the
    percentile, which always use every speech of the year, so a restricted call gives the numbers of the full
    panel. ``encoder`` (an object with ``encode``) stands in for the sentence-transformers model, for tests.
    """
    _check(backend, fit, top_terms, min_df)
    if backend == "embeddings" and encoder is None:
        _sentence_transformers()  # fail before any work
    df = _prepare(speeches)
    weights = _tfidf(df, fit, min_df, n_jobs)
    if backend == "embeddings":
        sims = cosine_panel(_speakers(df), _embedding_vectors(df, model, encoder))
    else:
        sims = cosine_panel(_speakers(df), weights)
    keep = states if states is not None else sorted(df["iso3"].unique())
    if states is not None:
        sims = sims[sims["a"].isin(states) & sims["b"].isin(states)]
    terms = shared_terms(weights, keep, top_terms) if top_terms else None
    out = _finish(sims, terms)
    return out.sort_values(["a", "b", "year"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------- embeddings


def _sentence_transformers():
    try:
        import sentence_transformers
    except ImportError:
        raise UsageError(
            "the 'embeddings' speech backend needs sentence-transformers, which is not installed",
            hint="pip install alignwatch[embeddings]  (or use the default backend, tfidf)",
        ) from None
    return sentence_transformers


def load_encoder(model: str = DEFAULT_MODEL):
    """The sentence-transformers model, imported only when asked for (the dependency is optional)."""
    return _sentence_transformers().SentenceTransformer(model)


def _passages(text: str, words: int = 200) -> list[str]:
    """Windows of ~200 words: sentence-transformers truncate at 256 word pieces, so a whole speech cannot go in."""
    toks = text.split()
    return [" ".join(toks[i:i + words]) for i in range(0, len(toks), words)] or [""]


def embed(texts, model: str = DEFAULT_MODEL, encoder=None) -> np.ndarray:
    """One unit vector per text: the normalised mean of its passages' normalised embeddings."""
    encoder = encoder if encoder is not None else load_encoder(model)
    chunks = [_passages(t) for t in texts]
    sizes = np.array([len(c) for c in chunks])
    flat = [p for c in chunks for p in c]
    E = np.asarray(encoder.encode(flat, batch_size=64, normalize_embeddings=True, show_progress_bar=False),
                   dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    M = np.add.reduceat(E, starts, axis=0) / sizes[:, None]
    norm = np.linalg.norm(M, axis=1, keepdims=True)
    return M / np.where(norm == 0, 1, norm)


def _embedding_vectors(df: pd.DataFrame, model: str, encoder) -> dict:
    encoder = encoder if encoder is not None else load_encoder(model)  # fails early, before any work
    E = embed(df["text"].tolist(), model, encoder)
    return {(int(y), c): E[i] for i, (y, c) in enumerate(zip(df["year"], df["iso3"]))}


# ----------------------------------------------------------------------------------------------- warehouse API


def _recipe_hash(*extra: str) -> str:
    recipe = "|".join([code_version(), TOKEN_PATTERN, *(f for _, f in _HEADERS), *extra])
    return hashlib.sha1(recipe.encode()).hexdigest()[:10]


def cache_keys(backend: str = "tfidf", fit: str = "year", min_df: int = 2,
               model: str = DEFAULT_MODEL) -> tuple[str, str]:
    """Warehouse cache keys (weights, similarity panel): every parameter that changes the numbers, plus a hash
    of the text pipeline, of the code (:func:`alignwatch.measures.registry.code_version`) and, for embeddings, of
    the model name."""
    weights = f"speech_w_{fit}_df{int(min_df)}_{_recipe_hash()}"
    panel = f"speech_sim_{backend}_{fit}_df{int(min_df)}_{_recipe_hash(model if backend == 'embeddings' else '')}"
    for k in (weights, panel):
        if not re.fullmatch(r"[A-Za-z0-9_]+", k):
            raise UsageError(f"invalid cache key {k!r}")
    return weights, panel


_SPEECHES_SQL = "SELECT year, iso3, text FROM ungdc_speeches WHERE iso3 IS NOT NULL"
_YEARS_SQL = "SELECT year, count(*) AS year_speeches FROM ungdc_speeches WHERE iso3 IS NOT NULL GROUP BY year"
_PANEL_SQL = ('SELECT * FROM "{table}" WHERE a IN (SELECT unnest(?::VARCHAR[])) '
              'AND b IN (SELECT unnest(?::VARCHAR[])) AND year BETWEEN ? AND ?')


def _weights(wh: Warehouse, key: str, fit: str, min_df: int) -> pd.DataFrame:
    # read through Arrow: 200 MB of text reach pandas in a third of the time a row-wise fetch takes
    return cached(wh, key, lambda: tfidf_weights(wh.arrow(_SPEECHES_SQL).to_pandas(), fit=fit, min_df=min_df))


_MEMO: dict = {}  # (warehouse file, mtime, cache keys) -> (weights, panel), only when the cache cannot be written


def _cached_dyads(wh, states, years, backend, fit, top_terms, min_df, model) -> pd.DataFrame:
    """Similarities (and, for ``states``, shared terms) from the warehouse caches, building them when missing."""
    wkey, pkey = cache_keys(backend, fit, min_df, model)
    wname, pname = CACHE_PREFIX + wkey, CACHE_PREFIX + pkey
    lo, hi = years or (0, 9999)
    have = wh.has(wname) and wh.has(pname)
    if not have:
        memo = (str(wh.path), wh.path.stat().st_mtime_ns, wkey, pkey)
        if memo in _MEMO:
            weights, panel = _MEMO[memo]
            wh._note([SOURCE])  # what a derived result computed from these read
        else:
            weights = _weights(wh, wkey, fit, min_df)

            def build():
                speakers = _speakers(wh.query("SELECT year, iso3 FROM ungdc_speeches"))
                if backend == "embeddings":
                    texts = _prepare(wh.query(_SPEECHES_SQL))
                    return cosine_panel(speakers, _embedding_vectors(texts, model, None))
                return cosine_panel(speakers, weights)

            panel = cached(wh, pkey, build)
            have = wh.has(wname) and wh.has(pname)  # False where the warehouse cannot be written
            if not have:  # keep one result in memory, so a long-lived process (dashboard) computes it once
                _MEMO.clear()
                _MEMO[memo] = (weights, panel)
    if have:
        if states is None:
            sims = wh.query(f'SELECT * FROM "{pname}" WHERE year BETWEEN ? AND ?', [lo, hi])
            return _finish(sims, None)
        sims = wh.query(_PANEL_SQL.format(table=pname), [states, states, lo, hi])
        terms = (wh.query(_TERMS_SQL.format(table=f'"{wname}"'), [states, lo, hi, int(top_terms)])
                 if top_terms else None)
        return _finish(sims, terms)
    # no cache (read-only warehouse): use what was just computed
    sims = panel[panel["year"].between(lo, hi)]
    if states is None:
        return _finish(sims, None)
    sims = sims[sims["a"].isin(states) & sims["b"].isin(states)]
    return _finish(sims, shared_terms(weights, states, top_terms, (lo, hi)) if top_terms else None)


@dataclass(frozen=True)
class Options:
    """``backend``: tfidf (default) or embeddings (optional extra); ``fit``: IDF fitted per year (default) or on the
    corpus; ``top_terms``: how many shared terms to list (0-50); ``min_df``: documents a term needs; ``model``: the
    sentence-transformers model of the embeddings backend."""

    backend: str = "tfidf"
    fit: str = "year"
    top_terms: int = 5
    min_df: int = 2
    model: str = DEFAULT_MODEL

    def __post_init__(self):
        _check(self.backend, self.fit, self.top_terms, self.min_df)


def _dyad_years(wh: Warehouse, states: list[str] | None, years: tuple[int, int] | None,
                options: Options) -> pd.DataFrame:
    """Speech similarity per undirected dyad-year.

    With ``states``: every pair of them for every year in ``years`` (default: the corpus's years), NA where either
    state gave no speech, with the ``top_terms`` most distinctive shared terms. Without: every pair of states that
    both spoke in a year (the speakers are the universe); ``shared_terms`` is then not computed (NA), since the
    top terms of a million dyad-years are costly and read one dyad at a time.
    """
    backend, fit, top_terms, min_df, model = (options.backend, options.fit, options.top_terms, options.min_df,
                                              options.model)
    if backend == "embeddings":
        _sentence_transformers()  # fail before building any cache
    wh.require("ungdc_speeches")
    got = _cached_dyads(wh, states, years, backend, fit, top_terms, min_df, model)
    per_year = wh.query(_YEARS_SQL).astype({"year": "int64", "year_speeches": "int64"})
    what = "TF-IDF" if backend == "tfidf" else f"embedding ({model})"
    label = f"{SOURCE} ({what} cosine, IDF fitted per {fit})"
    if states is None:
        out = got
    else:
        lo, hi = years or (int(per_year["year"].min()), int(per_year["year"].max()))
        pairs = [(a, b) for i, a in enumerate(states) for b in states[i + 1:]]
        grid = pd.DataFrame([(a, b, y) for a, b in pairs for y in range(lo, hi + 1)], columns=["a", "b", "year"])
        grid = grid.astype({"a": "string", "b": "string", "year": "int64"})
        got = got.astype({"a": "string", "b": "string", "year": "int64"}).drop(columns=["year_speeches"])
        out = grid.merge(got, on=["a", "b", "year"], how="left").merge(per_year, on="year", how="left")
    out = out.assign(score=out["similarity"], source=label)
    cols = ["a", "b", "year", "similarity", "similarity_pct", "shared_terms", "year_speeches", "score", "source"]
    out = out[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)
    return out.astype({"year": "int64", "year_speeches": "Int64", "similarity": "float64",
                       "similarity_pct": "float64", "score": "float64"})


# -------------------------------------------------------------------------------------------- KCNA salience

KCNA_SOURCE = "kcna_headlines"
KCNA_CITATION = ("KCNA headlines 1997-2014 (kcna.co.jp), scraped by Xavier Marquez (R package KCNA, GitHub "
                 "xmarquez/KCNA)")
# Word boundaries keep 'Indochina', 'Chinaware' and 'Belarussian' out; 'Sino' catches 'Sino-DPRK friendship'.
CHINA_PATTERN = r"(?i)\b(?:China|Chinese|Sino)\b"
RUSSIA_PATTERN = r"(?i)\b(?:Russia|Russians?|Soviets?|USSR)\b"

_KCNA_SQL = "SELECT date, title FROM kcna_headlines WHERE english"


def salience(headlines: pd.DataFrame) -> pd.DataFrame:
    """Per year: English headlines, those naming China / Russia (counts) and their shares (rates).

    ``headlines`` holds English headlines (date, title); a title repeated on the same date counts once. Years are
    calendar years of the index date; 2014 ends on 25 September, so ``first_date``/``last_date`` say how much of
    each year is covered.
    """
    if not {"date", "title"} <= set(headlines.columns):
        raise DataError(KCNA_SOURCE, "headlines need columns date and title")
    headlines = headlines.drop_duplicates(["date", "title"])  # a headline listed twice on one day counts once
    date = pd.to_datetime(headlines["date"], errors="coerce")
    title = headlines["title"].fillna("").astype(str)
    df = pd.DataFrame({"year": date.dt.year, "date": date,
                       "china": title.str.contains(CHINA_PATTERN, regex=True),
                       "russia": title.str.contains(RUSSIA_PATTERN, regex=True)}).dropna(subset=["year"])
    df["both"] = df["china"] & df["russia"]
    out = df.groupby("year").agg(
        n_headlines=("china", "size"), n_china=("china", "sum"), n_russia=("russia", "sum"), n_both=("both", "sum"),
        first_date=("date", "min"), last_date=("date", "max"),
    ).reset_index()
    out["year"] = out["year"].astype("int64")
    out["rate_china"] = out["n_china"] / out["n_headlines"]
    out["rate_russia"] = out["n_russia"] / out["n_headlines"]
    out["first_date"] = out["first_date"].dt.date
    out["last_date"] = out["last_date"].dt.date
    out["source"] = KCNA_SOURCE
    return out[["year", "n_headlines", "n_china", "n_russia", "n_both", "rate_china", "rate_russia", "first_date",
                "last_date", "source"]]


def kcna_salience(wh: Warehouse, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """China and Russia in KCNA's English headlines per year, 1997–2014 (see :func:`salience`)."""
    years = check_years(years)
    wh.require(KCNA_SOURCE)
    out = salience(wh.query(_KCNA_SQL))
    if years is not None:
        out = out[out["year"].between(*years)].reset_index(drop=True)
    return out


class Speech(Family):
    name = "speech"
    label = "UN General Debate speech similarity"
    domain = "political"
    description = ("Cosine similarity of the two states' General Debate speeches (TF-IDF fitted per year), with the "
                   "most distinctive shared terms; NA where either state gave no speech")
    columns = COLUMNS
    coverage = (1946, 2024)
    citation = CITATION
    docs = "docs/measures/speech.md"
    Options = Options

    def compute(self, wh: Warehouse, states, years, options: Options, *, use_cache: bool = True) -> pd.DataFrame:
        return _dyad_years(wh, states, years, options)

    def figure(self, wh: Warehouse, first: str, second: str, years=None):
        from ..report import figures_text

        return figures_text.speech_similarity(wh, [(first, second)], years)


FAMILY = register(Speech())
dyad_years = FAMILY.dyad_years
