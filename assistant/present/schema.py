"""Pydantic models for data that crosses the program's edge: article records read
from .jsonl files, evaluation questions, and the JSON that `ask --json` writes.

The ask path builds the dataclasses of ``assistant.results`` for speed
(importing pydantic and building models costs more than a whole cold query);
tests validate their JSON against ``AskOutput`` so the two cannot drift apart.
"""


from pydantic import BaseModel, Field


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
    ocr: bool = False  # present (true) only when the page was read by OCR
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


