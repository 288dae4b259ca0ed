"""Candidate passages for a question: keyword (FTS5 BM25), dense (FAISS) or hybrid."""

import math
from dataclasses import dataclass

import numpy as np

from assistant.embedders import Embedder
from assistant.query.languages import ENGLISH, MIN_PASSAGES, OTHER, language_shifts, usable_means
from assistant.query.options import MODES, RERANK_AUTO, Query
from assistant.query.passage_evidence import add_passage_evidence
from assistant.store.interface import StoreReader
from assistant.text.analysis import is_english, name_variants, query_terms, question_names
from assistant.text.normalize import fold, tokens


@dataclass
class Candidate:
    passage_id: int
    score: float  # the mode's ranking score (cosine for dense, bm25 for keyword)
    dense: float | None = None  # cosine similarity to the question
    keyword: float | None = None  # bm25, higher is better
    coverage: float | None = None  # IDF-weighted share of the question's terms present
    evidence: float = 0.0  # lead and answer-kind bonus in score (passage_evidence)
    shift: float = 0.0  # the question's pull to its language, taken off score (languages.py)
    # the question's terms -> their translations the index holds (``translations``), one
    # dict shared by a question's candidates; the answer step counts them as shared words
    alternatives: dict[str, list[str]] | None = None


# Candidates each search brings to the fusion: this many, or 4 times k.
POOL = 50


def retrieve(reader: StoreReader, query: Query, query_vector: np.ndarray | None,
             embedder: Embedder | None = None, allowed: np.ndarray | None = None
             ) -> list[Candidate]:
    """Top ``query.k`` candidates for ``query.searched`` by ``query.mode``, best
    first. Call inside ``reader.snapshot()``.

    ``query.filters`` restrict the search itself, not its top ``k``: keyword search
    matches only the allowed articles, dense search only ``allowed`` (their
    passage ids, ``reader.passage_ids(filters)``), so k candidates come back
    whenever k passages pass.

    ``query.rerank`` (hybrid and dense, with an ``embedder``): the best ``rerank``
    candidates are re-scored by their best sentence (see ``rerank_by_sentence``);
    0 never does; "auto" does it for the top ``CROSS_LINGUAL_RERANK``
    when the question's words are mostly not the articles' words, i.e. it is
    asked in another language, where keywords cannot help and a passage's best
    sentence is the better evidence.
    """
    question, k, mode, filters = query.searched, query.k, query.mode, query.filters
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    n = max(POOL, k * 4)
    terms = terms_as_indexed(reader, question) if mode != "dense" else []
    alternatives = translations(reader, question, terms) if mode != "dense" else {}
    searched = list(dict.fromkeys(terms + [a for alts in alternatives.values() for a in alts]))
    if mode == "keyword":
        hits = reader.search_keyword(searched, k, filters)
        return [Candidate(pid, s, keyword=s) for pid, s in hits]
    assert query_vector is not None, "dense and hybrid search need the question's vector"
    if filters.active and allowed is None:
        allowed = reader.passage_ids(filters)
    dense = reader.search_dense(query_vector, n, allowed if filters.active else None)
    known = 1.0
    if mode == "dense":
        means = usable_means(reader.language_means)
        shifts = language_shifts(means, query_vector,
                                 reader.keyword_bodies([pid for pid, _ in dense]) if means else {})
        ranked = [Candidate(pid, s - shifts.get(pid, 0.0), dense=s, shift=shifts.get(pid, 0.0))
                  for pid, s in dense]
        ranked.sort(key=lambda c: -c.score)
    else:
        keyword = reader.search_keyword(searched, n, filters)
        ranked, known = fuse(reader, terms, query_vector, dense, keyword, question=question,
                             alternatives=alternatives)
    if query.rerank == RERANK_AUTO:
        top = CROSS_LINGUAL_RERANK if mode == "hybrid" and known < CROSS_LINGUAL_SHARE else 0
    else:
        top = int(query.rerank)
    if top > 0 and embedder is not None:
        ranked = rerank_by_sentence(reader, embedder, query_vector, ranked, max(top, k))
    if alternatives:
        for c in ranked[:k]:
            c.alternatives = alternatives
    return ranked[:k]


# Translated keyword terms (lexicon.py): an English question's words are also
# searched as their Indonesian translations where the index holds Indonesian
# passages, an Indonesian question's as English words where it holds English
# ones; a word and its translations count as one term (``term_weights``).
TRANSLATE = True
MAX_ALTERNATIVES = 4
PHRASE_WORDS = "rarest"  # a phrase's translation searched by its rarest indexed word ("all": each)
TRANSLATE_NAMES = False


def translations(reader: StoreReader, question: str, terms: list[str]) -> dict[str, list[str]]:
    """For each of ``terms`` (not names), its translations into the other
    language that the index holds, as indexed terms; {} when the index holds
    too few passages of the other language (``languages.MIN_PASSAGES``)."""
    if not TRANSLATE or not terms:
        return {}
    english = is_english([fold(w) for w in tokens(question)])
    target = OTHER if english else ENGLISH
    if (reader.language_means or {}).get(target, {}).get("n", 0) < MIN_PASSAGES:
        return {}
    from assistant.query import lexicon

    names = {t for name in question_names(question, reader.analyzer) for t in name}
    options: dict[str, list[list[str]]] = {}
    for t in terms:
        if (t in names and not TRANSLATE_NAMES) or not t.isalpha():
            continue
        if english:
            options[t] = [p.split() for p in lexicon.to_indonesian(t)]
        else:
            options[t] = [lexicon.english_forms(h) for h in lexicon.to_english(t)]
    wanted = sorted({w for opts in options.values() for o in opts for w in o})
    if not wanted:
        return {}
    dfs, _ = reader.doc_freqs(wanted)
    out = {}
    for t, opts in options.items():
        alts = []
        for words in opts:
            held = [w for w in words if dfs.get(w, 0) > 0]
            if held:  # a phrase by its most specific word; an English lemma by its forms
                alts += [min(held, key=lambda w: dfs[w])] if english and PHRASE_WORDS == "rarest" else held
        alts = [a for a in dict.fromkeys(alts) if a != t][:MAX_ALTERNATIVES]
        if alts:
            out[t] = alts
    return out


def terms_as_indexed(reader: StoreReader, question: str) -> list[str]:
    """The question's keyword terms in the forms the articles use: its names
    (``names_as_indexed``), then its other words (``endings_as_indexed``)."""
    terms = query_terms(question, reader.analyzer)
    return endings_as_indexed(reader, names_as_indexed(reader, question, terms))


def names_as_indexed(reader: StoreReader, question: str, terms: list[str]) -> list[str]:
    """``terms`` with each name in the form the articles use, where the
    question's analyzer gave it another (``text.analysis.name_variants``)."""
    variants = {t: v for t, v in name_variants(question, reader.analyzer).items() if t in terms}
    if not variants:
        return terms
    dfs, _ = reader.doc_freqs(sorted(set(variants) | set(variants.values())))
    swap = {t: v for t, v in variants.items() if dfs.get(v, 0) > dfs.get(t, 0)}
    return list(dict.fromkeys(swap.get(t, t) for t in terms))


# A question word that no article uses may be one of theirs with another
# ending: a word the two languages share ("gesture" / "gestur", "geologic" /
# "geologi", "translation" / "translate"), which an English question and
# Indonesian articles root differently. Such a word is searched as the indexed
# term that shares its longest beginning, at least ENDING_MIN_STEM letters,
# with at most ENDING_SLACK letters left over on either side (the commonest
# of equals). Measured with all-MiniLM-L6-v2 on the peers corpus
# (benchmarks/quality/peers.py) and with e5-small on news_dev and the pooled
# valid splits: benchmarks/RESULTS.md, "Question words with another ending".
ENDING_MIN_STEM = 5
ENDING_SLACK = 3


def endings_as_indexed(reader: StoreReader, terms: list[str]) -> list[str]:
    """``terms`` with each one that no passage holds replaced by an indexed
    term that differs from it only in its ending, where there is one; only
    for a question asked in another language than the articles'
    (``CROSS_LINGUAL_SHARE``)."""
    dfs, total = reader.doc_freqs(terms)
    if known_share(idf_weights(dfs, total, terms), dfs) >= CROSS_LINGUAL_SHARE:
        return terms
    swap = {t: v for t in terms if not dfs.get(t) and (v := same_stem(reader, t))}
    if not swap:
        return terms
    return list(dict.fromkeys(swap.get(t, t) for t in terms))


def same_stem(reader: StoreReader, term: str) -> str | None:
    """The indexed term sharing the longest beginning with ``term`` (see ENDING_SLACK)."""
    stem = max(ENDING_MIN_STEM, len(term) - ENDING_SLACK)
    if len(term) < ENDING_MIN_STEM or not term.isalpha():
        return None
    best, best_key = None, (0, 0)
    for other, df in sorted(reader.terms_starting(term[:stem]).items()):
        shared = next((i for i, (a, b) in enumerate(zip(term, other)) if a != b),
                      min(len(term), len(other)))
        if len(other) - shared <= ENDING_SLACK and (shared, df) > best_key:
            best, best_key = other, (shared, df)
    return best


# With rerank "auto", a question is treated as asked in another language than
# the articles when less than this share of its (IDF-weighted) words occur in
# them. Indonesian questions over the Indonesian eval sets sit at 1.0 (10th
# percentile); English ones at 0.34 (median). Tuned on the valid splits with
# benchmarks/experiments/cross_lingual.py: belebele English questions MRR/R@5
# 0.718/0.821 -> 0.744/0.848, the Indonesian sets unchanged.
CROSS_LINGUAL_SHARE = 0.5
CROSS_LINGUAL_RERANK = 15


# Best sentence's weight against the hybrid score. On the valid splits,
# re-scoring every question's top 30 moves MRR by +0.034 for English questions
# over Indonesian passages, +0.006 on tydiqa_id, -0.011 on facqa: hence "auto".
RERANK_WEIGHT = 1.0


def rerank_by_sentence(reader: StoreReader, embedder: Embedder, query_vector: np.ndarray,
                       ranked: list[Candidate], top: int) -> list[Candidate]:
    """Add each top candidate's best sentence similarity to its score.

    A passage that answers in one sentence among several unrelated ones is
    diluted in its passage vector; its best sentence is not. The index stores
    the vectors of each passage's sentences; those of passages indexed before
    it did are embedded now.
    """
    from assistant.text.sentences import sentence_spans

    head, tail = ranked[:top], ranked[top:]
    ids = [c.passage_id for c in head]
    hits = reader.passages(ids)
    stored = reader.sentence_vectors(ids)
    texts, owners = [], []
    best = [-1.0] * len(head)
    for i, c in enumerate(head):
        text = hits[c.passage_id].text
        spans = sentence_spans(text) or [(0, len(text))]
        vectors = stored.get(c.passage_id)
        if vectors is not None and len(vectors) == len(spans):
            best[i] = float((vectors @ query_vector).max())
        elif len(spans) == 1 and c.dense is not None:
            best[i] = c.dense  # its sentence is the passage
        else:
            texts += [text[a:b] for a, b in spans]
            owners += [i] * len(spans)
    if texts:
        for i, s in zip(owners, embedder.embed_passages(texts) @ query_vector):
            best[i] = max(best[i], float(s))
    for c, similarity in zip(head, best):
        c.score += RERANK_WEIGHT * (similarity - c.shift)
    head.sort(key=lambda c: -c.score)
    return head + tail


# Tuned on the valid splits of tydiqa_id, facqa and belebele (English and
# Indonesian questions) over the pooled corpus: benchmarks/tuning/retrieval.py,
# with e5-small, whose cosines spread this much (relevance.dense_scale). Other
# models spread theirs more or less, and the bonus follows the square of their
# spread: once to put keyword evidence in the model's units of cosine, once
# more because a model whose unrelated texts already differ that much says
# less with a given difference. Measured with all-MiniLM-L6-v2 (spread 0.186,
# 4x e5's) on the peers corpus (benchmarks/quality/peers.py): MRR / R@5 0.787 /
# 0.877 on TyDi and 0.341 / 0.394 on Belebele's English questions with the
# spread itself, 0.840 / 0.917 and 0.402 / 0.454 with its square, above its own
# keyword search (0.814 / 0.901, 0.349 / 0.410). e5-small is the reference:
# unchanged.
COVERAGE_WEIGHT = 0.1
REFERENCE_SCALE = 0.0459
SPREAD_POWER = 2


def coverage_weight(reader: StoreReader) -> float:
    scale = reader.dense_scale
    return COVERAGE_WEIGHT * ((scale / REFERENCE_SCALE) ** SPREAD_POWER if scale else 1.0)


def fuse(reader: StoreReader, terms: list[str], query_vector: np.ndarray,
         dense: list[tuple[int, float]], keyword: list[tuple[int, float]],
         question: str | None = None,
         alternatives: dict[str, list[str]] | None = None) -> tuple[list[Candidate], float]:
    """Hybrid ranking on the dense scale: each candidate's cosine plus a bonus for
    the share of the question's (IDF-weighted) ``terms`` it contains, less the
    question's pull to the passage's language (``languages``), and, given
    the ``question``, small bonuses for an article's lead passage and for
    holding the kind of answer asked for (``passage_evidence``). Also returns
    the share of the question's term weight that occurs in the articles at all.

    The bonus is bounded by ``coverage_weight`` and shrinks when the question's words are
    not the articles' words (an English question over Indonesian text), so a
    weak keyword match cannot outvote a clearly better dense match.
    """
    cos = dict(dense)
    missing = [pid for pid, _ in keyword if pid not in cos]
    if missing:
        vecs = reader.vectors_of(missing)
        for pid, s in zip(missing, vecs @ query_vector.astype(np.float32)):
            cos[pid] = float(s)
    weights, known = term_weights(reader, terms, alternatives)
    means = usable_means(reader.language_means)
    bodies = reader.keyword_bodies(list(cos)) if (weights or means) and cos else {}
    evidence = keyword_evidence(weights, bodies, alternatives)
    shifts = language_shifts(means, query_vector, bodies)
    weight = coverage_weight(reader)
    kw = dict(keyword)
    out = [Candidate(pid, c - shifts.get(pid, 0.0) + weight * evidence.get(pid, 0.0), dense=c,
                     keyword=kw.get(pid), coverage=evidence.get(pid, 0.0),
                     shift=shifts.get(pid, 0.0))
           for pid, c in cos.items()]
    # Equal scores (passages that only the keyword side found, with the same
    # words) go in passage order, not in the keyword search's, which differs
    # between stores: the answer-kind evidence reads the first ten.
    out.sort(key=lambda c: (-c.score, c.passage_id))
    if question is not None:
        add_passage_evidence(reader, question, out, weight)
        out.sort(key=lambda c: -c.score)
    return out, known


def idf(df: int, total: int) -> float:
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


def term_weights(reader: StoreReader, terms: list[str],
                 alternatives: dict[str, list[str]] | None = None) -> tuple[dict[str, float], float]:
    """IDF weight of each question term, and the share of the total weight
    carried by terms that occur in the articles (1.0 for a question without terms).
    A term with ``alternatives`` (its translations) weighs as the commonest of
    them and itself."""
    if not terms:
        return {}, 1.0
    alternatives = alternatives or {}
    extra = [a for t in terms for a in alternatives.get(t, ())]
    dfs, total = reader.doc_freqs(list(dict.fromkeys(terms + extra)))
    if alternatives:
        dfs = {**dfs, **{t: max([dfs.get(t, 0)] + [dfs.get(a, 0) for a in alternatives[t]])
                         for t in terms if t in alternatives}}
    weights = idf_weights(dfs, total, terms)
    return weights, known_share(weights, dfs)


def idf_weights(dfs: dict[str, int], total: int, terms: list[str]) -> dict[str, float]:
    """Each term's IDF (``dfs``: document frequencies of ``total`` passages)."""
    return {t: idf(dfs.get(t, 0), max(total, 1)) for t in terms}


def known_share(weights: dict[str, float], dfs: dict[str, int]) -> float:
    """The share of the IDF ``weights`` carried by terms that occur in the
    articles (``dfs``: their document frequencies; 1.0 without terms)."""
    denom = sum(weights.values())
    known = sum(w for t, w in weights.items() if dfs.get(t, 0) > 0)
    return known / denom if denom else 1.0


def keyword_evidence(weights: dict[str, float], bodies: dict[int, str],
                     alternatives: dict[str, list[str]] | None = None) -> dict[int, float]:
    """For each passage (id -> stored FTS body, ``reader.keyword_bodies``), the
    IDF-weighted share of the question's terms it contains (0..1).
    ``weights``: from ``term_weights``.

    Terms absent from the corpus (an English question's words over Indonesian
    text) still count in the denominator, so a question whose words the
    articles do not use gets little keyword evidence: the dense side decides.
    The share does not grow with corpus size, unlike raw BM25.
    """
    if not weights or not bodies:
        return {}
    denom = sum(weights.values())
    out = {}
    alternatives = alternatives or {}
    for pid, body in bodies.items():
        present = set(body.split())
        out[pid] = sum(w for t, w in weights.items()
                       if t in present or any(a in present for a in alternatives.get(t, ()))) / denom
    return out
