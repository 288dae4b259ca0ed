"""`assistant eval`: retrieval and answer quality on a file of questions with gold references.

Metrics over answerable questions: R@1, R@5, MRR (within the k citations),
answer-sentence accuracy (the answer sentence contains a gold answer, over
questions that list answers), answer-span accuracy (the highlighted span, at
most 40 characters, contains a gold answer) and the share found. Where the
questions carry a language or a kind, the same figures per language pair and
per kind. Where the file marks unanswerable questions: not-found precision and
recall.
"""

import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.app.conversation import Conversation
from assistant.errors import InputError
from assistant.progress import Phase, Progress
from assistant.results import AskResult

if TYPE_CHECKING:
    from assistant.app.eval_sets import EvalQuestion


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def answer_matches(sentence: str, answers: list[str]) -> bool:
    s = _norm(sentence)
    return any(_norm(a) and _norm(a) in s for a in answers)


def displayed(text: str) -> str:
    """Text as a reader sees it: Markdown emphasis and link markup removed,
    whitespace collapsed (how news_dev's gold texts are compared)."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub("", text)
    return " ".join(text.split())


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)")
# An answer span longer than this is not a span: it does not count as holding the answer.
MAX_SPAN_CHARS = 40


def load_questions(path: str) -> list:
    """Eval questions from a JSON-lines file, or from a news_dev-style folder."""
    from pydantic import ValidationError

    from assistant.app.eval_sets import EvalQuestion, is_news_set, load_news_set

    rows: list[tuple[int, object]]  # a JSON value, or the error that reading it raised
    if is_news_set(path):
        rows = [(n, r) for n, r in enumerate(load_news_set(path), start=1)]
    else:
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror or e}") from None
        rows = []
        for n, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    rows.append((n, json.loads(line)))
                except json.JSONDecodeError as e:
                    rows.append((n, e))
    questions, problems = [], []
    for n, row in rows:
        try:
            if isinstance(row, Exception):
                raise row
            questions.append(EvalQuestion.model_validate(row))
        except (json.JSONDecodeError, ValidationError, ValueError) as e:
            problems.append(f"{path}:{n}: {str(e).splitlines()[0]}")
    if problems:
        raise InputError("bad eval file:\n  " + "\n  ".join(problems[:10]))
    if not questions:
        raise InputError(f"{path} holds no questions")
    if questions[0].follow_up:
        raise InputError(f"{path}: the first question is a follow-up of nothing")
    return questions


@dataclass
class GroupFigures:
    """Figures over one group of answerable questions (a language pair, a kind)."""

    questions: int = 0
    r_at_1: float = 0.0
    r_at_5: float = 0.0
    mrr: float = 0.0
    answer_accuracy: float = 0.0
    span_accuracy: float = 0.0
    found: float = 0.0


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
    span_accuracy: float | None = None  # the answer span (at most 40 characters) holds an answer
    answer_questions: int = 0
    answerable_found: float | None = None
    unanswerable: int = 0
    not_found_precision: float | None = None
    not_found_recall: float | None = None
    questions_per_second: float = 0.0
    by_language: dict[str, GroupFigures] = field(default_factory=dict)  # "en→id": question → article
    by_kind: dict[str, GroupFigures] = field(default_factory=dict)
    details: list[dict] = field(default_factory=list)

    def to_dict(self, with_details: bool = False) -> dict:
        d = asdict(self)
        if not with_details:
            d.pop("details")
        return d


def gold_rank(result: AskResult, q: "EvalQuestion") -> int | None:
    gold = displayed(q.gold_text) if q.gold_text else None
    for c in result.citations:
        if (q.gold_article_id and c.article.id == q.gold_article_id) or \
                (gold and gold in displayed(c.text)):
            return c.n
    return None


def _answer_parts(result: AskResult) -> tuple[str, str | None]:
    """The answer sentence and its span's text (None without a span)."""
    answer = result.answer
    if answer is None:
        return "", None
    span = answer.span
    return answer.text, (answer.text[span.start:span.end] if span else None)


def _figures(rows: list[dict]) -> GroupFigures:
    n = len(rows)
    if not n:
        return GroupFigures()

    def share(key: str) -> float:
        return round(sum(bool(r[key]) for r in rows) / n, 4)

    return GroupFigures(
        questions=n,
        r_at_1=round(sum(r["rank"] == 1 for r in rows) / n, 4),
        r_at_5=round(sum(r["rank"] is not None and r["rank"] <= 5 for r in rows) / n, 4),
        mrr=round(sum(1.0 / r["rank"] for r in rows if r["rank"]) / n, 4),
        answer_accuracy=share("sentence_ok"), span_accuracy=share("span_ok"), found=share("found"))


def _groups(rows: list[dict], key: Callable[[dict], Any]) -> dict[str, GroupFigures]:
    keys = sorted({key(r) for r in rows if key(r)})
    return {k: _figures([r for r in rows if key(r) == k]) for k in keys}


def evaluate(new_conversation: Callable[[], Conversation], questions: list, path: str, mode: str,
             k: int, progress: Progress | None = None, **options: Any) -> EvalReport:
    """Ask every question and score the results. ``new_conversation()`` gives
    an object whose ``ask(question, k=, mode=, **options)`` answers within one
    conversation (the service's ``conversation``): a question marked
    ``follow_up`` is asked in the conversation of the question before it, any
    other starts a new one."""
    rep = EvalReport(file=path, mode=mode, k=k, questions=len(questions))
    nf_pred = nf_true = nf_both = 0
    rows = []
    started = time.perf_counter()
    conversation = None
    for i, q in enumerate(questions, start=1):
        if conversation is None or not q.follow_up:
            conversation = new_conversation()
        result = conversation.ask(q.question, k=k, mode=mode, **options)
        rank = gold_rank(result, q)
        answer, span = _answer_parts(result)
        found = bool(result.found)
        first = result.citations[0] if result.citations else None
        detail = {"question": q.question, "context": list(result.context), "rank": rank,
                  "found": found, "answer": answer, "span": span, "unanswerable": q.unanswerable,
                  # what [1] cites (article and offset): the same in any store
                  "first": f"{first.article.id}@{first.start}" if first else None}
        if q.unanswerable:
            rep.unanswerable += 1
            nf_true += 1
            nf_both += not found
        else:
            rep.answerable += 1
            row = {"rank": rank, "found": found, "lang": q.lang, "article_lang": q.article_lang,
                   "kind": q.kind, "answers": bool(q.answers),
                   "sentence_ok": found and bool(q.answers) and answer_matches(answer, q.answers),
                   "span_ok": found and span is not None and len(span) <= MAX_SPAN_CHARS
                   and answer_matches(span, q.answers)}
            rows.append(row)
            detail.update(sentence_ok=row["sentence_ok"], span_ok=row["span_ok"],
                          kind=q.kind, lang=q.lang, article_lang=q.article_lang)
        nf_pred += not found
        rep.details.append(detail)
        if progress:
            progress(Phase.EVAL, i, len(questions))
    overall = _figures(rows)
    rep.r_at_1, rep.r_at_5, rep.mrr = overall.r_at_1, overall.r_at_5, overall.mrr
    if rows:
        rep.answerable_found = overall.found
    with_answers = [r for r in rows if r["answers"]]
    rep.answer_questions = len(with_answers)
    if with_answers:
        figs = _figures(with_answers)
        rep.answer_accuracy, rep.span_accuracy = figs.answer_accuracy, figs.span_accuracy
    rep.by_language = _groups(rows, lambda r: r["lang"] and r["article_lang"]
                              and f"{r['lang']}→{r['article_lang']}")
    rep.by_kind = _groups(rows, lambda r: r["kind"])
    if nf_true:
        rep.not_found_recall = round(nf_both / nf_true, 4)
        rep.not_found_precision = round(nf_both / nf_pred, 4) if nf_pred else None
    rep.questions_per_second = round(len(questions) / (time.perf_counter() - started), 2)
    return rep
