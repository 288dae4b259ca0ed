"""Evidence for ranking beyond a passage's match with the question's words and
meaning: where the passage stands in its article, and whether it holds the
kind of answer the question asks for.

Both decide between passages that match about equally, which is what
competing paragraphs of one news story do: their vectors carry the same title
and topic, and their cosines differ in the third decimal.

- **The lead.** News is written lead first ("inverted pyramid"): the first
  paragraph holds who, what, where and the headline figure. On news_dev 19 of
  the 60 gold passages are an article's first passage, against one in nine
  passages overall.
- **The answer's kind.** A "how many"/"berapa" question is answered by a
  passage that holds a number, a "who" question by one that names a person
  (``answer_types.best_answer``, the same reading the answer span uses).

Measured with benchmarks/tuning/fusion.py (hybrid, k 10, e5-small); see
benchmarks/RESULTS.md, "Ranking evidence".
"""

from collections.abc import Sequence
from typing import Protocol

from assistant.query.answer_types import DATE, NUMBER, ORG, PERSON, PLACE, TIME, best_answer, question_type
from assistant.query.asked_day import asked_day, reports_day
from assistant.query.asked_time import EARLIEST, asked_month, asked_order, fitting_dates, names_the_time
from assistant.store.interface import StoreReader
from assistant.text.sentences import sentence_spans

# Both weights are shares of the keyword coverage weight (``retrieval.coverage_weight``),
# which follows the model's spread of cosines, so they weigh the same against
# the dense side for any model. Tuned on news_dev and the valid splits of
# tydiqa_id, facqa and belebele (benchmarks/tuning/fusion.py --grid): any lead
# 0.05-0.25 with answer kind 0.2-0.5 lifts news_dev's MRR from 0.698 to
# 0.74-0.77, and no valid set's MRR falls by more than 0.005. The mean MRR of
# the five sets is flat near its top (0.879-0.881); of those settings these
# smallest move the answers least (with 0.15 / 0.3 news_dev's answer sentence
# and span were 0.667 / 0.617, against 0.683 / 0.650 with these and on main).
LEAD_WEIGHT = 0.1
ANSWER_KIND_WEIGHT = 0.2
# A question that names a day ("on 7 April 2026") is about the articles that
# report it (asked_day.py): nearly a filter, so the bonus outweighs the whole
# keyword bonus. On news_dev 1.5-2.0 move its one such question from rank 13
# to 1; 0.5-1.0 only to rank 3.
DAY_WEIGHT = 2.0
# Only the best candidates are read for the answer's kind: the evidence
# reorders the head of the list, where it costs a few sentences each.
ANSWER_KIND_TOP = 10
# A question that asks for a story's first or latest report, or a month
# (asked_time.py): of the reports among the best candidates that hold every
# name the question gives, the fitting one gets this share of the keyword bonus.
TIME_WEIGHT = 1.0
# The kinds whose answers best_answer finds reliably. A bare "which X"
# (answer_types.NAME) matches any capitalised word, and on belebele's English
# questions ("Which of the following ...") it lowered MRR by 0.04.
ANSWER_KINDS = frozenset({NUMBER, DATE, TIME, PERSON, PLACE, ORG})


class Scored(Protocol):
    passage_id: int
    score: float
    evidence: float


def add_passage_evidence(reader: StoreReader, question: str, ranked: Sequence[Scored],
                         weight: float) -> None:
    """Add the lead and answer-kind bonuses to the scores of ``ranked`` (best
    first, as fused) and record them in each one's ``evidence``; ``weight`` is
    the keyword coverage weight. The caller sorts again."""
    if not ranked or weight <= 0:
        return
    kind = question_type(question)
    day = asked_day(question)
    hits = reader.passages([c.passage_id for c in ranked])
    timely = _timely(reader, question, ranked[:ANSWER_KIND_TOP], hits) if not day else set()
    for i, c in enumerate(ranked):
        hit = hits.get(c.passage_id)
        if hit is None:
            continue
        bonus = LEAD_WEIGHT if hit.ordinal == 0 else 0.0
        if day and reports_day(hit.article.date, day):
            bonus += DAY_WEIGHT
        if c.passage_id in timely:
            bonus += TIME_WEIGHT
        if kind in ANSWER_KINDS and i < ANSWER_KIND_TOP:
            bonus += ANSWER_KIND_WEIGHT * answer_fit(question, hit.text)
        c.evidence = weight * bonus
        c.score += c.evidence


def _timely(reader: StoreReader, question: str, top: Sequence[Scored], hits: dict) -> set[int]:
    """The passages among ``top`` whose article's date fits the time the
    question asks for (``asked_time``), among the reports of its story: those
    that hold every name of the question."""
    order, month = asked_order(question), asked_month(question)
    if not order and not month:
        return set()
    from assistant.text.analysis import question_names

    names = [n for name in question_names(question, reader.analyzer) for n in name]
    bodies = reader.keyword_bodies([c.passage_id for c in top]) if names else {}
    story = [c for c in top if c.passage_id in hits
             and all(n in bodies.get(c.passage_id, "").split() for n in names)]
    if order == EARLIEST and any(names_the_time(hits[c.passage_id].text) for c in story):
        return set()
    fits = fitting_dates([hits[c.passage_id].article.date for c in story], order, month)
    return {c.passage_id for c, fit in zip(story, fits) if fit}


def answer_fit(question: str, text: str) -> float:
    """How well the best answer candidate in ``text`` fits ``question``, 0..1
    (``answer_types.best_answer`` over its sentences; 0 without one)."""
    fits = [found[1] for a, b in sentence_spans(text) or [(0, len(text))]
            if (found := best_answer(question, text[a:b]))]
    return max(fits, default=0.0)
