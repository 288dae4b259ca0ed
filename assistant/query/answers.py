"""Answer assembly: citations with their best sentence, and the answer sentence."""

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from assistant.embedders import Embedder
from assistant.query.answer_types import (
    NAMED_BEFORE,
    REASON,
    answer_span,
    best_answer,
    opens_with_pronoun,
    question_type,
)
from assistant.query.options import Query
from assistant.query.passage_evidence import ANSWER_KINDS, answer_fit
from assistant.query.retrieval import Candidate
from assistant.results import Answer, AskResult, Citation, Span
from assistant.store.records import PassageHit
from assistant.text.analysis import ANALYZER, analyze, own_terms, query_terms
from assistant.text.normalize import word_starts
from assistant.text.sentences import sentence_spans

# The answer is chosen among this many citations (best first); their sentences
# are embedded when the index has not stored their vectors (an index built
# before schema 5), which keeps such a query fast while covering where answers
# almost always are.
SENTENCE_SCORED_CITATIONS = 3
# Weights of a sentence's evidence besides its similarity to the question
# (tuned on the valid splits with benchmarks/tuning/answers.py).
OVERLAP_WEIGHT = 0.01  # per shared content word
SHARE_WEIGHT = 0.02  # times the share of the question's content words in the sentence
TYPE_WEIGHT = 0.16  # holds the kind of thing asked for (a number for "how many", ...)
PASSAGE_WEIGHT = 2.0  # across citations: the passage's own retrieval score
RANK_PENALTY = 0.01  # per citation rank below the first
# The kinds of answer by which the answer's citation may go first (_answer_first).
ANSWER_FIRST_KINDS = ANSWER_KINDS | {REASON}


@dataclass(frozen=True)
class StoredPassageData:
    """What the index stored for passages besides their text: their keyword
    terms (FTS bodies, by passage id, analyzed with ``analyzer``) and the
    vectors of their sentences (passage id -> one row a sentence)."""

    analyzed: dict[int, str] = field(default_factory=dict)
    analyzer: str = ANALYZER
    sentence_vectors: dict[int, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """One question's candidates (best first) and what the index holds for
    them: their passages by id, their stored data, and each one's chance of
    holding the answer (none in keyword mode)."""

    candidates: list[Candidate]
    hits: dict[int, PassageHit]
    stored: StoredPassageData = field(default_factory=StoredPassageData)
    confidences: dict[int, float] = field(default_factory=dict)


def best_sentences(embedder: Embedder | None, question: str, query_vector: np.ndarray | None,
                   passages: list[PassageHit], passage_scores: list[float | None],
                   stored: StoredPassageData | None = None
                   ) -> list[tuple[tuple[int, int], float]]:
    """For each passage, the span (within the passage text) of the sentence that
    best answers the question, and that sentence's score.

    A one-sentence passage needs no extra embedding: its sentence score is the
    passage's own similarity. ``stored``: the keyword terms and sentence
    vectors the index holds; the sentences of the first
    ``SENTENCE_SCORED_CITATIONS`` passages without them are embedded now.
    Without an embedder (keyword mode) sentences are scored by shared words
    and answer type alone.
    """
    stored = stored or StoredPassageData()
    analyzer = stored.analyzer
    terms = set(query_terms(question, analyzer))
    kind = question_type(question)
    spans_per = [sentence_spans(p.text) or [(0, len(p.text))] for p in passages]
    sims: dict[tuple[int, int], float] = {}
    if query_vector is not None:
        for i, (p, spans) in enumerate(zip(passages, spans_per)):
            vectors = stored.sentence_vectors.get(p.passage_id)
            if len(spans) > 1 and vectors is not None and len(vectors) == len(spans):
                for j, s in enumerate(vectors @ query_vector):
                    sims[(i, j)] = float(s)
    if embedder is not None and query_vector is not None:
        to_embed = [(i, j) for i, spans in enumerate(spans_per[:SENTENCE_SCORED_CITATIONS])
                    if len(spans) > 1 and (i, 0) not in sims for j in range(len(spans))]
        if to_embed:
            texts = [passages[i].text[slice(*spans_per[i][j])] for i, j in to_embed]
            for key, s in zip(to_embed, embedder.embed_passages(texts) @ query_vector):
                sims[key] = float(s)
    out = []
    for i, (p, spans) in enumerate(zip(passages, spans_per)):
        own_score = passage_scores[i]
        if len(spans) == 1 and own_score is not None:
            sims[(i, 0)] = own_score
        best, best_score = spans[0], -1e9
        stems = _sentence_terms(p.text, spans, stored.analyzed.get(p.passage_id), analyzer)
        for j, span in enumerate(spans):
            sentence = p.text[slice(*span)]
            shared = len(terms.intersection(stems[j])) if terms else 0
            score = (sims.get((i, j), 0.0) + OVERLAP_WEIGHT * shared
                     + SHARE_WEIGHT * shared / max(len(terms), 1))
            if kind and (hit := best_answer(question, sentence)):
                score += TYPE_WEIGHT * hit[1]
            elif kind in NAMED_BEFORE and j > 0 and opens_with_pronoun(sentence) and (
                    hit := best_answer(question, p.text[spans[j - 1][0]:span[1]])):
                # "Ia dinobatkan sebagai MVP.": the name is in the sentence
                # before, and the answer is both sentences.
                score += TYPE_WEIGHT * hit[1]
                span = (spans[j - 1][0], span[1])
            if score > best_score:
                best, best_score = span, score
        out.append((best, best_score))
    return out


def _sentence_terms(text: str, spans: list[tuple[int, int]], body: str | None,
                    analyzer: str) -> list[list[str]]:
    """The keyword terms of each sentence. The index stored the passage's terms
    word by word (its FTS body): slicing them costs nothing and needs no
    stemmer; only a body that does not line up is analyzed again."""
    stored = own_terms(body) if body is not None else None
    starts = word_starts(text)
    if stored is None or len(stored) != len(starts):
        return [analyze(text[a:b], analyzer) for a, b in spans]
    return [[t for t, s in zip(stored, starts) if a <= s < b] for a, b in spans]


def assemble(query: Query, evidence: Evidence, embedder: Embedder | None,
             query_vector: np.ndarray | None, found: bool) -> AskResult:
    """The result of one question from its ``evidence``; ``embedder`` embeds the
    sentences of cited passages that have no stored vectors (None: keyword mode)."""
    question, hits = query.question, evidence.hits
    ordered = [(c, hits[c.passage_id]) for c in evidence.candidates if c.passage_id in hits]
    sentences = best_sentences(embedder, question, query_vector, [h for _, h in ordered],
                               [c.dense for c, _ in ordered], evidence.stored)
    citations = [
        Citation(n=n, score=round(cand.score, 4), text=hit.text, paragraph=hit.paragraph,
                 start=hit.start, end=hit.end, passage_id=hit.passage_id,
                 sentence=Span(*span), article=hit.article, page=hit.page, ocr=hit.ocr,
                 confidence=evidence.confidences.get(hit.passage_id))
        for n, ((cand, hit), (span, _)) in enumerate(zip(ordered, sentences), start=1)
    ]
    answer = None
    if citations and found:
        # The answer is the best sentence among the top citations, favouring rank.
        best_n, best_val = 1, -1e9
        for n, ((cand, _), (_, s_score)) in enumerate(zip(ordered, sentences), start=1):
            if n > SENTENCE_SCORED_CITATIONS:
                break
            # Less the lead and answer-kind bonus (passage_evidence): the
            # sentence's own fit and the rank already count them.
            # The sentence's cosine less its language's pull, as the passage's (languages.py).
            val = (s_score - cand.shift + PASSAGE_WEIGHT * (cand.score - cand.evidence)
                   - (n - 1) * RANK_PENALTY)
            if val > best_val:
                best_n, best_val = n, val
        citations, best_n = _answer_first(question, citations, best_n)
        text = citations[best_n - 1].sentence_text
        span = answer_span(question, text)
        answer = Answer(text=text, citation=best_n, span=Span(*span) if span else None)
    return AskResult(question=question, found=bool(found and citations), answer=answer,
                     citations=citations, mode=query.mode, note=query.note,
                     context=list(query.context),
                     filters=query.filters if query.filters.active else None)


def _answer_first(question: str, citations: list[Citation],
                  best_n: int) -> tuple[list[Citation], int]:
    """The citations, with the answer's first where its sentence holds a
    better-fitting answer of the asked kind than [1]'s best sentence does; and
    the answer's citation number then.

    The passages of one story differ in their cosines by the third decimal;
    the answer step reads their sentences, and the one that holds the asked
    figure, name or cause is the better evidence. Another article's passage
    goes first only where [1]'s best sentence holds nothing of the asked kind:
    on Belebele's English questions such moves were wrong more often than
    right. Only for the kinds that ``best_answer`` reads reliably (a bare
    "which of the following" name is not evidence). Measured:
    benchmarks/RESULTS.md, "The answer's citation first".
    """
    if best_n == 1 or question_type(question) not in ANSWER_FIRST_KINDS:
        return citations, best_n
    first_fit = answer_fit(question, citations[0].sentence_text)
    if answer_fit(question, citations[best_n - 1].sentence_text) <= first_fit:
        return citations, best_n
    if citations[best_n - 1].article.id != citations[0].article.id and first_fit > 0:
        return citations, best_n  # another story's passage only displaces one without any answer
    reordered = [citations[best_n - 1]] + citations[:best_n - 1] + citations[best_n:]
    return [dataclasses.replace(c, n=n) for n, c in enumerate(reordered, start=1)], 1
