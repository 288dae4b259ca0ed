"""Candidate passages for a question: keyword (FTS5 BM25), dense (FAISS) or hybrid."""

from dataclasses import dataclass

import numpy as np

import math

from assistant.keywords import fts_query
from assistant.textutil import fold, words
from assistant.store.index import IndexReader

MODES = ("hybrid", "dense", "keyword")


@dataclass
class Candidate:
    passage_id: int
    score: float  # the mode's ranking score (cosine for dense, bm25 for keyword)
    dense: float | None = None  # cosine similarity to the question
    keyword: float | None = None  # bm25, higher is better


def retrieve(reader: IndexReader, question: str, query_vector: np.ndarray | None, k: int,
             mode: str = "hybrid", pool: int = 50) -> list[Candidate]:
    """Top ``k`` candidates, best first. Call inside ``reader.snapshot()``."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    n = max(pool, k * 4)
    if mode == "keyword":
        hits = reader.search_keyword(fts_query(question), k)
        return [Candidate(pid, s, keyword=s) for pid, s in hits]
    dense = reader.search_dense(query_vector, n)
    if mode == "dense":
        return [Candidate(pid, s, dense=s) for pid, s in dense[:k]]
    keyword = reader.search_keyword(fts_query(question), n)
    return fuse(reader, query_vector, dense, keyword)[:k]


def fuse(reader: IndexReader, query_vector: np.ndarray, dense: list[tuple[int, float]],
         keyword: list[tuple[int, float]], keyword_weight: float = 0.05) -> list[Candidate]:
    """Hybrid ranking on the dense scale: every candidate's cosine, plus a bounded
    keyword bonus (BM25 relative to the best keyword hit), so a weak keyword
    match can nudge but never outvote a clearly better dense match."""
    cos = dict(dense)
    missing = [pid for pid, _ in keyword if pid not in cos]
    if missing:
        vecs = np.stack([reader.vectors.reconstruct(int(p)) for p in missing])
        for pid, s in zip(missing, vecs @ query_vector.astype(np.float32)):
            cos[pid] = float(s)
    best_kw = max((s for _, s in keyword), default=0.0)
    kw = {pid: s for pid, s in keyword}
    out = []
    for pid, c in cos.items():
        bonus = keyword_weight * (kw[pid] / best_kw) if pid in kw and best_kw > 0 else 0.0
        out.append(Candidate(pid, c + bonus, dense=c, keyword=kw.get(pid)))
    out.sort(key=lambda c: -c.score)
    return out


def idf(df: int, total: int) -> float:
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


def keyword_evidence(reader: IndexReader, terms: list[str], ids: list[int]) -> dict[int, float]:
    """For each passage, the IDF-weighted share of the question's terms it contains (0..1).

    Terms absent from the corpus (an English question's words over Indonesian
    text) still count in the denominator, so a question whose words the
    articles do not use gets little keyword evidence: the dense side decides.
    The share does not grow with corpus size, unlike raw BM25.
    """
    terms = list(dict.fromkeys(fold(t) for t in terms))
    if not terms or not ids:
        return {}
    dfs, total = reader.doc_freqs(terms)
    weights = {t: idf(dfs.get(t, 0), max(total, 1)) for t in terms}
    denom = sum(weights.values())
    out = {}
    for pid, text in reader.passage_texts(ids).items():
        present = set(fold(w) for w in words(text))
        out[pid] = sum(w for t, w in weights.items() if t in present) / denom
    return out
