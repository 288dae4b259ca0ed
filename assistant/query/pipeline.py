"""One question, from its text to its answer: check it, embed it, retrieve
candidates, fetch their passages, decide whether they answer it, assemble.

The service (``assistant.app.service``) keeps the API, the locks and the caches:
it opens the index, picks the embedders and calls these two steps.
"""

import dataclasses
from collections.abc import Callable

import numpy as np

from assistant.embedders import Embedder
from assistant.errors import UsageError
from assistant.query.answer_types import load_patterns
from assistant.query.answers import Evidence, StoredPassageData, assemble
from assistant.query.options import NO_FILTERS, Filters, Query, check_k, check_mode, parse_rerank
from assistant.query.relevance import (
    Calibration,
    confidence,
    confidence_features,
    is_found,
    unknown_names,
)
from assistant.query.retrieval import Candidate, retrieve
from assistant.results import AskResult
from assistant.store.interface import StoreReader
from assistant.text.analysis import query_terms
from assistant.text.normalize import strip_controls

MAX_QUESTION_CHARS = 2000


def clean_question(question: str) -> tuple[str, str | None]:
    """The question as searched, and a note when it had to be shortened."""
    q = " ".join(strip_controls(question or "").split())
    if not q:
        raise UsageError("the question is empty")
    if len(q) > MAX_QUESTION_CHARS:
        return q[:MAX_QUESTION_CHARS], f"question truncated to its first {MAX_QUESTION_CHARS} characters"
    return q, None


def prepare(question: str, k: int, mode: str, rerank: str | int,
            context: list[str] | None = None, filters: Filters | None = None) -> Query:
    """Check a question and its options; a bad one is a ``UsageError``."""
    q, note = clean_question(question)
    return Query(question=q, note=note, context=[c for c in (context or []) if c.strip()],
                 k=check_k(k), mode=check_mode(mode), rerank=parse_rerank(rerank),
                 filters=filters or NO_FILTERS)


def warm_up(reader: StoreReader, query: Query) -> None:
    """Load what answering ``query`` will read, ahead: its keyword terms (with
    the stemmer) and its answer kind (with the patterns) are memoized, so a
    cold process can do this while the model embeds the question."""
    query_terms(query.searched, reader.analyzer)
    load_patterns(query.question)


def embed(query: Query, embedder: Embedder | None) -> np.ndarray | None:
    """The query vector (None for keyword search, which needs none)."""
    if embedder is None or not query.needs_embedding:
        return None
    return embedder.embed_queries([embedded_text(query)])[0]


# The most of a question (with its conversation) that is embedded: a model's
# time grows faster than its input (2,000 characters of random words took 3.7 s
# on one core, 400 took 0.3 s), and a real question fits several times over.
MAX_EMBEDDED_CHARS = 400


def embedded_text(query: Query) -> str:
    """What the question's vector is made of: the question, and as many of the
    latest turns before it as fit in MAX_EMBEDDED_CHARS."""
    text = query.question[:MAX_EMBEDDED_CHARS]
    for turn in reversed(query.context):
        if len(text) + 1 + len(turn) > MAX_EMBEDDED_CHARS:
            break
        text = f"{turn} {text}"
    return text


def answer(reader: StoreReader, query: Query, query_vector: np.ndarray | None,
           sentence_embedder: Embedder | None,
           background: Callable[[], np.ndarray | None]) -> AskResult:
    """Retrieve, fetch, decide and assemble. Call inside ``reader.snapshot()``.

    ``sentence_embedder`` embeds the sentences of cited passages (None in
    keyword mode); ``background`` gives the relevance background vector, and is
    called only when the found decision needs it.
    """
    allowed = None
    if query.filters.active:
        allowed = reader.passage_ids(query.filters)
        if not len(allowed):  # not a usage error: a quiet week or a source not yet indexed
            return AskResult(question=query.question, found=False, answer=None, citations=[],
                             mode=query.mode, context=query.context, filters=query.filters,
                             note=_joined(query.note, "no article matches the filters "
                                                      f"({query.filters.describe()})"))
    # Two candidates at least: the first one's lead needs a runner-up.
    ranked = retrieve(reader, dataclasses.replace(query, k=max(query.k, 2)), query_vector,
                      embedder=sentence_embedder, allowed=allowed)
    candidates = ranked[:query.k]
    ids = [c.passage_id for c in candidates]
    baseline = _baseline(query, candidates, query_vector, background)
    found = _is_found(query, candidates, baseline, reader)
    confidences = {}
    if baseline is not None:
        confidences = _confidences(ranked, candidates, Calibration(baseline, found, reader.model_id,
                                                                  reader.dense_scale))
    stored = StoredPassageData(reader.keyword_bodies(ids), reader.analyzer,
                               reader.sentence_vectors(ids) if query_vector is not None else {})
    return assemble(query, Evidence(candidates, reader.passages(ids), stored, confidences),
                    sentence_embedder, query_vector, found)


def _joined(*notes: str | None) -> str:
    return "; ".join(n for n in notes if n)


def _confidences(ranked: list[Candidate], candidates: list[Candidate],
                 calibration: Calibration) -> dict[int, float]:
    """Each candidate's chance of holding the answer (``relevance.confidence``)."""
    features = confidence_inputs(ranked, len(candidates), calibration)
    return {c.passage_id: confidence(f) for c, f in zip(candidates, features)}


def confidence_inputs(ranked: list[Candidate], k: int,
                      calibration: Calibration) -> list[tuple[float, ...]]:
    """The confidence features of the first ``k`` of ``ranked`` (best first, two
    at least where there are two: the first one's runner-up)."""
    out = []
    for i, c in enumerate(ranked[:k]):
        runner_up = ranked[1] if i == 0 and len(ranked) > 1 else ranked[0]
        lead = c.score - runner_up.score
        out.append(confidence_features(c.dense, c.coverage or 0.0, lead, i == 0, calibration))
    return out


def _baseline(query: Query, candidates: list[Candidate], query_vector: np.ndarray | None,
              background: Callable[[], np.ndarray | None]) -> float | None:
    """The question's similarity to text that does not answer it (see
    ``relevance``); None in keyword mode, which has no calibrated score."""
    if query.mode == "keyword" or not candidates or query_vector is None:
        return None
    vector = background()
    return float(vector @ query_vector) if vector is not None else 0.0


def _is_found(query: Query, candidates: list[Candidate], baseline: float | None,
              reader: StoreReader) -> bool:
    """Keyword search has no calibrated score: any match counts as found."""
    if baseline is None:
        return bool(candidates)
    best = max(c.dense for c in candidates if c.dense is not None)
    return is_found(best, baseline, reader.model_id, unknown_names(reader, query.searched))
