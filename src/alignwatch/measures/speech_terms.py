"""Term counts and TF-IDF of General Debate speeches, the numbers of scikit-learn's ``TfidfVectorizer`` bit for bit,
at a fraction of its cost.

Why not the vectoriser itself: it runs a Python loop over every token (about 32 million in 200 MB of speeches,
some 40 s of CPU per ingest), and the speech family is the most costly part of a report right after an ingest.
Here the tokens are cut in Arrow (C++): ASCII bytes are classified by one ``bytes.translate`` table, text is split
on spaces, and only the few tokens that hold a non-ASCII character (accented names, curly apostrophes, dashes) go
through Python's own ``\\w+`` regex, so every token is the one sklearn's ``token_pattern`` would find.

What is reproduced exactly (``tests/test_speech.py`` compares both on tricky texts and on three years of the real
corpus; every year 1946-2024 was compared when this was written): sklearn lowercases each document, takes maximal word-character runs of 3+ characters without a digit
or underscore (:data:`alignwatch.measures.speech.TOKEN_PATTERN`), drops English stop words, numbers the terms in
order of first appearance, stores each document's counts in that order, renumbers the columns alphabetically
without re-sorting them, keeps terms in at least ``min_df`` documents (a column slice), and then applies
``TfidfTransformer(sublinear_tf=True)``. The row-wise L2 norm is summed in storage order, so the storage order is
kept too, not only the values.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp

# ASCII bytes: letters stay, digits and '_' become 0x01 (a word character that disqualifies its token), everything
# else (space, punctuation, control characters, 0x01 itself) becomes a space; bytes >= 0x80 (UTF-8 sequences) stay.
_WORD_DISQUALIFY = b"\x01"
_TABLE = bytes(
    b if b >= 128 or chr(b).isalpha() else
    1 if chr(b).isdigit() or b == ord("_") else
    32
    for b in range(256))
_WORDS = re.compile(r"\w+")


def _stop_words():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def _keep(word: str, token, stop) -> bool:
    """sklearn's rule for one ``\\w+`` run (lowercased): 3+ characters, none a digit or underscore, not a stop
    word."""
    return len(word) > 2 and (word.isalpha() or token(word) is not None) and word not in stop


def _word_terms(words: list[bytes], stop) -> list[list[str]]:
    """What each distinct space-separated chunk contributes to the token stream, in order: an ASCII chunk is one
    word-character run (itself, or nothing when it holds a digit or underscore, or is a stop word); a chunk with a
    non-ASCII character goes through Python's own ``\\w+`` (a curly apostrophe splits it, an accented letter does
    not)."""
    from .speech import TOKEN_PATTERN

    token = re.compile(TOKEN_PATTERN).fullmatch
    out = []
    for raw in words:
        if raw.isascii():
            w = raw.decode("ascii")
            out.append([] if "\x01" in w or w in stop else [w])
        else:
            out.append([w for w in _WORDS.findall(raw.decode("utf-8").replace("\x01", "0")) if _keep(w, token, stop)])
    return out


def term_counts(texts: list[str], min_df: int):
    """(counts, vocabulary): the csr matrix ``CountVectorizer(token_pattern=TOKEN_PATTERN, stop_words="english",
    min_df=min_df, dtype=float32).fit_transform(texts)`` returns, in its storage order, and its feature names;
    None where sklearn raises (no term at all, or none left after ``min_df``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    coded = [t.lower().encode("utf-8").translate(_TABLE) for t in texts]
    split = pc.split_pattern(pa.array(coded, pa.large_binary()), b" ")
    flat = pc.list_flatten(split)
    # no chunk under 3 bytes yields a term (a term is 3+ characters): drop them (empty chunks, 'of', 'to') first
    long_ = pc.greater_equal(pc.binary_length(flat), 3)
    parent = pc.list_parent_indices(split).to_numpy()[long_.to_numpy(zero_copy_only=False)]
    enc = pc.dictionary_encode(flat.filter(long_))
    chunk = enc.indices.to_numpy().astype(np.int64)
    # each distinct chunk's terms, numbered in one table of term strings
    terms = _word_terms(enc.dictionary.to_pylist(), _stop_words())
    names: dict[str, int] = {}
    ids = [names.setdefault(w, len(names)) for ts in terms for w in ts]
    n_terms = np.fromiter((len(ts) for ts in terms), np.int64, len(terms))
    offset = np.cumsum(n_terms) - n_terms
    # the token stream: every chunk replaced by its terms, in order
    per = n_terms[chunk]
    total = int(per.sum())
    if total == 0:
        return None
    start = np.cumsum(per) - per
    within = np.arange(total) - np.repeat(start, per)
    stream = np.asarray(ids, np.int64)[np.repeat(offset[chunk], per) + within]
    doc = np.repeat(parent, per).astype(np.int64)
    # sklearn numbers terms in order of first appearance in the stream
    seen, first = np.unique(stream, return_index=True)
    by_first = seen[np.argsort(first, kind="stable")]
    V = len(by_first)
    fa = np.empty(len(names), np.int64)
    fa[by_first] = np.arange(V)
    all_names = np.asarray(list(names), dtype=object)
    words = all_names[by_first].tolist()
    key, n = np.unique(doc * V + fa[stream], return_counts=True)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(key // V, minlength=len(texts)))]).astype(np.int32)
    X = sp.csr_matrix((n.astype(np.intc), (key % V).astype(np.int32), indptr), shape=(len(texts), V),
                      dtype=np.float32)
    order = sorted(range(V), key=words.__getitem__)
    rank = np.empty(V, np.int32)
    rank[order] = np.arange(V, dtype=np.int32)
    X.indices = rank.take(X.indices)  # alphabetical column numbers, storage order unchanged (as sklearn does)
    dfs = np.bincount(X.indices, minlength=V)
    kept_terms = np.flatnonzero(dfs >= min_df)
    if not len(kept_terms):
        return None
    return X[:, kept_terms], np.asarray(words, dtype=object)[order][kept_terms]


def tfidf(texts: list[str], min_df: int):
    """(weights, vocabulary): ``TfidfVectorizer(token_pattern=TOKEN_PATTERN, stop_words="english", min_df=min_df,
    sublinear_tf=True, dtype=float32).fit_transform(texts)`` and its feature names; None where sklearn raises."""
    from sklearn.feature_extraction.text import TfidfTransformer

    got = term_counts(texts, min_df)
    if got is None:
        return None
    X, vocab = got
    transformer = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True)
    transformer.fit(X)
    return transformer.transform(X, copy=False), vocab
