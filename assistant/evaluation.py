"""`assistant eval`: retrieval and answer quality on a file of questions with gold references.

Metrics over answerable questions: R@1, R@5, MRR (within the k citations),
answer-sentence accuracy (the answer sentence contains a gold answer, over
questions that list answers). Where the file marks unanswerable questions:
not-found precision and recall.
"""

import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from assistant.errors import InputError
from assistant.results import AskResult


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def answer_matches(sentence: str, answers: list[str]) -> bool:
    s = _norm(sentence)
    return any(_norm(a) and _norm(a) in s for a in answers)


def load_questions(path: str) -> list:
    from pydantic import ValidationError

    from assistant.schema import EvalQuestion

    questions, problems = [], []
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            questions.append(EvalQuestion.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError, ValueError) as e:
            problems.append(f"{path}:{n}: {str(e).splitlines()[0]}")
    if problems:
        raise InputError("bad eval file:\n  " + "\n  ".join(problems[:10]))
    if not questions:
        raise InputError(f"{path} holds no questions")
    return questions


@dataclass
class EvalReport:
    file: str
    mode: str
    k: int
    questions: int = 0
    answerable: int = 0
    r_at_1: float = 0.0
    r_at_5: float = 0.0
    mrr: float = 0.0
    answer_accuracy: float | None = None
    answer_questions: int = 0
    unanswerable: int = 0
    not_found_precision: float | None = None
    not_found_recall: float | None = None
    questions_per_second: float = 0.0
    details: list[dict] = field(default_factory=list)

    def to_dict(self, with_details: bool = False) -> dict:
        d = dict(self.__dict__)
        if not with_details:
            d.pop("details")
        return d


def gold_rank(result: AskResult, q) -> int | None:
    for c in result.citations:
        if (q.gold_article_id and c.article.id == q.gold_article_id) or \
                (q.gold_text and q.gold_text in c.text):
            return c.n
    return None


def evaluate(ask: Callable[[str, int, str], AskResult], questions: list, path: str, mode: str,
             k: int, progress=None) -> EvalReport:
    """Run every question through ``ask(question, k, mode)`` and score the results."""
    rep = EvalReport(file=path, mode=mode, k=k, questions=len(questions))
    hits1 = hits5 = 0
    rr = 0.0
    correct = 0
    nf_pred = nf_true = nf_both = 0
    started = time.perf_counter()
    for i, q in enumerate(questions, start=1):
        result = ask(q.question, k, mode)
        rank = gold_rank(result, q)
        answer = result.answer.text if result.answer else ""
        if q.unanswerable:
            rep.unanswerable += 1
            nf_true += 1
            nf_both += not result.found
        else:
            rep.answerable += 1
            hits1 += rank == 1
            hits5 += rank is not None and rank <= 5
            rr += 1.0 / rank if rank else 0.0
            if q.answers:
                rep.answer_questions += 1
                correct += result.found and answer_matches(answer, q.answers)
        nf_pred += not result.found
        rep.details.append({"question": q.question, "rank": rank, "found": result.found,
                            "answer": answer, "unanswerable": q.unanswerable})
        if progress:
            progress("eval", i, len(questions))
    n = max(rep.answerable, 1)
    rep.r_at_1, rep.r_at_5, rep.mrr = round(hits1 / n, 4), round(hits5 / n, 4), round(rr / n, 4)
    if rep.answer_questions:
        rep.answer_accuracy = round(correct / rep.answer_questions, 4)
    if nf_true:
        rep.not_found_recall = round(nf_both / nf_true, 4)
        rep.not_found_precision = round(nf_both / nf_pred, 4) if nf_pred else None
    rep.questions_per_second = round(len(questions) / (time.perf_counter() - started), 2)
    return rep
