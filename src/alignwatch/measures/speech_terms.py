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
import pandas as pd
import scipy.sparse as sp

# ASCII bytes: letters stay, digits and '_' become 0x01 (a word character that disqualifies its token), everything
# else (space, punctuation, control characters, 0x01 itself) becomes a space; bytes >= 0x80 (UTF-8 sequences) stay.
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


def _chunk_terms(chunks, stop):
    """The terms each distinct space-separated chunk contributes to the token stream, flat and in order:
    (chunk number of each term, the terms). An ASCII chunk is one word-character run: itself, or nothing when it
    holds a digit or underscore (0x01 here) or is a stop word; this is decided for all of them at once in Arrow.
    Only the few chunks with a non-ASCII character go through Python's own ``\\w+`` (a curly apostrophe splits
    one, an accented letter does not)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .speech import TOKEN_PATTERN

    text = chunks.cast(pa.large_string())  # bytes >= 0x80 are untouched UTF-8
    ascii_ = pc.string_is_ascii(text)
    keep = pc.and_(pc.and_(ascii_, pc.invert(pc.match_substring(text, "\x01"))),
                   pc.invert(pc.is_in(text, value_set=pa.array(sorted(stop), pa.large_string()))))
    at = np.flatnonzero(keep.to_numpy(zero_copy_only=False))
    words = text.filter(keep).to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~ascii_.to_numpy(zero_copy_only=False))
    if len(other):
        token = re.compile(TOKEN_PATTERN).fullmatch
        extra = [(i, w) for i, raw in zip(other.tolist(), text.take(pa.array(other)).to_pylist())
                 for w in _WORDS.findall(raw.replace("\x01", "0")) if _keep(w, token, stop)]
        if extra:
            at = np.concatenate([at, np.fromiter((i for i, _ in extra), np.int64, len(extra))])
            words = np.concatenate([words, np.array([w for _, w in extra], dtype=object)])
            order = np.argsort(at, kind="stable")  # a chunk's own terms keep their order
            at, words = at[order], words[order]
    return at.astype(np.int64), words


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
    # distinct chunks, numbered in order of first appearance in the stream (Arrow's dictionary order)
    enc = pc.dictionary_encode(flat.filter(long_))
    chunk = enc.indices.to_numpy().astype(np.int64)
    term_chunk, term_words = _chunk_terms(enc.dictionary, _stop_words())
    # sklearn numbers terms in order of first appearance in the stream; as chunks are numbered in that order and a
    # chunk's terms are in order, that is their order of first appearance in the flat list of chunks' terms
    ids, words = pd.factorize(term_words)
    V = len(words)
    n_terms = np.bincount(term_chunk, minlength=len(enc.dictionary))
    offset = np.cumsum(n_terms) - n_terms
    # the token stream: every chunk replaced by its terms, in order
    per = n_terms[chunk]
    total = int(per.sum())
    if total == 0:
        return None
    start = np.cumsum(per) - per
    within = np.arange(total) - np.repeat(start, per)
    stream = ids[np.repeat(offset[chunk], per) + within]
    doc = np.repeat(parent, per).astype(np.int64)
    # counts per (document, term), each row's terms in id order, as sklearn stores them (summing duplicates sorts
    # each row's indices; no sort of the whole stream)
    X = sp.coo_matrix((np.ones(total, np.intc), (doc, stream)), shape=(len(texts), V)).tocsr()
    X.sum_duplicates()
    X = sp.csr_matrix((X.data, X.indices.astype(np.int32), X.indptr.astype(np.int32)), shape=(len(texts), V),
                      dtype=np.float32)
    words = np.asarray(words, dtype=object).tolist()
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
