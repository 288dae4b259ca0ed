"""Pydantic models for data that crosses the program's edge: article records read
from .jsonl files, evaluation questions, and the JSON that `ask --json` writes.

The ask path builds the dataclasses of ``assistant.results`` for speed
(importing pydantic and building models costs more than a whole cold query);
tests validate their JSON against ``AskOutput`` so the two cannot drift apart.
"""

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable_text(text: str) -> str:
    text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


class ArticleRecord(BaseModel):
    """One line of a .jsonl article file."""

    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1)
    id: str | None = None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None

    @field_validator("id", "title", "url", "date", "source", mode="before")
    @classmethod
    def _scalar_to_str(cls, v):
        if v is None or isinstance(v, str):
            return v or None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        raise ValueError("must be a string")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data):
        """Text every store can keep, in every field: a NUL (which PostgreSQL
        refuses in text) goes, and a lone surrogate (a JSON "\\ud800", not
        UTF-8) becomes U+FFFD. Here, at the edge, so both stores index the
        line alike."""
        if isinstance(data, dict):
            data = {k: _storable_text(v) if isinstance(v, str) else v for k, v in data.items()}
        return data

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v


class ArticleOut(BaseModel):
    id: str
    title: str | None
    source: str | None
    date: str | None
    url: str | None
    path: str


class CitationOut(BaseModel):
    n: int = Field(ge=1)
    score: float
    confidence: float | None = None  # chance, 0..1, that it holds the answer; null in keyword mode
    text: str
    paragraph: int = Field(ge=1)
    page: int | None = Field(ge=1)  # the PDF page it is on; null for other files
    start: int = Field(ge=0)
    end: int
    passage_id: int
    sentence: dict | None
    article: ArticleOut


class AnswerOut(BaseModel):
    text: str
    citation: int = Field(ge=1)
    span: list[int] | None = None


class SentenceCitationOut(BaseModel):
    n: int = Field(ge=1)  # the citation ("n" of ``citations``) this sentence cites
    sentence: dict  # {"start", "end"}: the sentence of that passage that bears it out


class GeneratedSentenceOut(BaseModel):
    text: str  # as generated, [n] markers taken out
    citations: list[SentenceCitationOut]  # markers outside the supplied passages are removed
    supported: bool  # cites a passage, and its figures, dates and names occur in one it cites
    issues: list[str]  # why it is not supported (or which markers were removed)


class TimingsOut(BaseModel):
    first_token_s: float | None  # seconds from the request to the first token
    total_s: float | None


class GeneratedOut(BaseModel):
    """The LLM's answer (``ask --llm URL``), checked sentence by sentence."""

    text: str
    model: str
    sentences: list[GeneratedSentenceOut]
    refused: bool  # the model said the passages do not answer: ``found`` is false
    error: str | None  # why there is no generated answer (server failed, cancelled)
    translation: str | None  # ``--translate``: the answer sentence in the question's language
    timings: TimingsOut


class FiltersOut(BaseModel):
    """Which articles a question could cite (``--source``, ``--since``, ``--until``)."""

    source: str | None
    since: str | None  # YYYY-MM-DD, included
    until: str | None


class AskOutput(BaseModel):
    question: str
    found: bool
    answer: AnswerOut | None
    citations: list[CitationOut]
    mode: str
    note: str | None = None
    context: list[str] = []  # earlier questions a follow-up was searched with
    generated: GeneratedOut | None = None  # present only with an LLM (--llm)
    filters: FiltersOut | None = None  # present only when a filter was given


class EvalQuestion(BaseModel):
    """One line of an `assistant eval` file."""

    model_config = ConfigDict(extra="ignore")
    question: str = Field(min_length=1)
    gold_article_id: str | None = None
    gold_text: str | None = None  # a substring that the right passage contains
    answers: list[str] = Field(default_factory=list)
    unanswerable: bool = False
    # Asked in one conversation with the question on the line before it.
    follow_up: bool = False
    # For per-group figures: question and article language ("en", "id") and the
    # kind of answer (number, date, person, place, org, other).
    lang: str | None = None
    article_lang: str | None = None
    kind: str | None = None

    @field_validator("gold_article_id", mode="before")
    @classmethod
    def _id_to_str(cls, v):
        return None if v is None else str(v)

    def model_post_init(self, _context) -> None:
        if not self.unanswerable and not (self.gold_article_id or self.gold_text):
            raise ValueError("needs gold_article_id or gold_text (or unanswerable: true)")
