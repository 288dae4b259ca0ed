"""Read a news_dev-style folder (questions.jsonl, offtopic.jsonl, articles/) as eval questions.

Field mapping: ``q`` -> question, ``gold`` -> gold_text, ``answer`` -> answers,
``follow_up``, ``lang`` and ``kind`` as they are; the article's language is read
from the article itself; every line of offtopic.jsonl is unanswerable.
"""

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.errors import InputError
from assistant.text.analysis import is_english
from assistant.text.normalize import fold, words

QUESTIONS, OFF_TOPIC, ARTICLES = "questions.jsonl", "offtopic.jsonl", "articles"

_TAG = re.compile(r"<[^>]+>")


def is_news_set(path: str) -> bool:
    return (Path(path) / QUESTIONS).is_file()


def _article_text(folder: Path, ref: str) -> str:
    name, _, line_id = ref.partition("#")
    path = folder / ARTICLES / name
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    if line_id:
        for line in raw.splitlines():
            if line.strip():
                row = json.loads(line)
                if str(row.get("id")) == line_id:
                    return row.get("text", "")
        raise InputError(f"{path} has no line with id {line_id}")
    return _TAG.sub(" ", raw)


def article_language(text: str) -> str:
    return "en" if is_english([fold(w) for w in words(text)]) else "id"


def _rows(path: Path) -> list[tuple[int, dict]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append((n, json.loads(line)))
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{n}: {e}") from None
    return rows


def load_news_set(folder: str) -> list[dict]:
    """The folder's questions as `assistant eval` lines (dicts), off-topic ones last."""
    root = Path(folder)
    langs: dict[str, str] = {}
    out = []
    for n, row in _rows(root / QUESTIONS):
        try:
            ref = row["article"]
            if ref not in langs:
                langs[ref] = article_language(_article_text(root, ref))
            out.append({"question": row["q"], "gold_text": row["gold"], "answers": [row["answer"]],
                        "follow_up": bool(row.get("follow_up")), "lang": row.get("lang"),
                        "article_lang": langs[ref], "kind": row.get("kind")})
        except KeyError as e:
            raise InputError(f"{root / QUESTIONS}:{n}: missing field {e}") from None
    off = root / OFF_TOPIC
    if off.is_file():
        for n, row in _rows(off):
            if "q" not in row:
                raise InputError(f"{off}:{n}: missing field 'q'")
            out.append({"question": row["q"], "unanswerable": True, "lang": row.get("lang"),
                        "kind": "off-topic"})
    return out


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
    def _id_to_str(cls, v: object) -> str | None:
        return None if v is None else str(v)

    def model_post_init(self, _context: Any) -> None:
        if not self.unanswerable and not (self.gold_article_id or self.gold_text):
            raise ValueError("needs gold_article_id or gold_text (or unanswerable: true)")
